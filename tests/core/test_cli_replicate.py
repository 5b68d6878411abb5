"""``canvas-app replicate``: the replica written, the plan printed in names, bad input refused with exit 2."""

from __future__ import annotations

import json
from pathlib import Path

from canvas_app.cli.main import EXIT_INVALID, EXIT_OK, main
from canvas_app.model import load_configuration

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
OULU = EXAMPLES / "oulu-parking.json"
CITY_RUN = EXAMPLES / "parking-city-run.json"
UMEA = EXAMPLES / "cities" / "umea.json"
OULU_PROFILE = EXAMPLES / "cities" / "oulu.json"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_replicate_writes_the_replica_and_prints_the_plan_in_names(capsys, tmp_path):
    out_file = tmp_path / "umea.json"
    code, out, err = run(
        capsys, "replicate", str(OULU), "--profile", str(UMEA), "--from-profile", str(OULU_PROFILE), "-o", str(out_file)
    )
    assert code == EXIT_OK and not err
    replica = load_configuration(out_file)
    assert (replica.city, replica.population) == ("Umeå", 131_000)
    assert replica.replicated_from is not None and replica.replicated_from.from_city == "Oulu"
    assert replica.actor("drivers").count == 36729  # 60,000 × 131,000 ÷ 214,000, rounded
    assert "Replicated from “Mobile parking, concession model” (Oulu), for Umeå." in out
    assert "[met] Mobile parking: local parking ordinance allows mobile payment" in out
    assert "[unknown] Concession: concession tender under Directive 2014/23/EU" in out
    assert "  - Drivers, count: 60,000 → 36,729 (segment size × 0.612 (population))" in out
    assert "City of Oulu (city) → City of Umeå" in out
    assert "Amounts are in EUR; Umeå uses SEK" in out
    assert "m1-f1" not in out and "drivers," not in out  # names, never ids


def test_replicate_substitutes_by_name_and_a_generic_role_lifts_replicability(capsys, tmp_path):
    local_file, generic_file = tmp_path / "local.json", tmp_path / "generic.json"
    code, out, _ = run(
        capsys, "replicate", str(CITY_RUN), "--profile", str(UMEA),
        "--substitute", "local software company=Umeå Mjukvara AB", "-o", str(local_file),
    )  # fmt: skip
    assert code == EXIT_OK
    assert (
        "Local software company (technology_vendor): Replaced by “Umeå Mjukvara AB”, a named organisation of Umeå"
        in out
    )
    supplier = load_configuration(local_file).actor("contracted-supplier")
    assert (supplier.name, supplier.local) == ("Umeå Mjukvara AB", True)
    code, out, _ = run(
        capsys, "replicate", str(CITY_RUN), "--profile", str(UMEA), "--json",
        "--generic", "Local software company=Software vendor", "-o", str(generic_file),
    )  # fmt: skip
    plan = json.loads(out)
    row = next(r for r in plan["scores"] if r["name"] == "replicability")
    assert row["replica_value"] > row["original_value"]
    assert row["reasons"] == [
        "Substituting “Local software company” by “Software vendor” (a generic role): "
        "Generic roles, not local organisations 0.67 → 1.00"
    ]
    assert load_configuration(generic_file).actor("contracted-supplier").local is False


def test_replicate_refuses_bad_input_with_exit_2_and_writes_nothing(capsys, tmp_path):
    out_file = tmp_path / "r.json"
    code, _, err = run(
        capsys, "replicate", str(CITY_RUN), "--profile", str(UMEA), "--substitute", "Nobody=X", "-o", str(out_file)
    )
    assert (
        code == EXIT_INVALID
        and "no named local organisation is called “Nobody” (there are: “Local software company”)" in err
    )
    code, _, err = run(
        capsys, "replicate", str(CITY_RUN), "--profile", str(UMEA), "--substitute", "X", "-o", str(out_file)
    )
    assert code == EXIT_INVALID and "write it as OLD=NEW" in err
    bad_profile = tmp_path / "bad.json"
    bad_profile.write_text('{"name": "X", "currency": "euro"}')
    code, _, err = run(capsys, "replicate", str(CITY_RUN), "--profile", str(bad_profile), "-o", str(out_file))
    assert code == EXIT_INVALID and "bad.json: currency:" in err
    assert not out_file.exists()
    out_file.write_text("mine")
    code, _, err = run(capsys, "replicate", str(CITY_RUN), "--profile", str(UMEA), "-o", str(out_file))
    assert code == EXIT_INVALID and "exists" in err and out_file.read_text() == "mine"
