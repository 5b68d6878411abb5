"""``canvas-app`` score / compare / schema: what a designer sees on the command line, and exit codes."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from canvas_app.cli.main import EXIT_INVALID, EXIT_OK, main
from canvas_app.evaluation import SCORE_NAMES

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
OULU = EXAMPLES / "oulu-parking.json"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_score_prints_scores_criteria_flags_and_recommendations(capsys):
    code, out, err = run(capsys, "score", str(OULU))
    assert code == EXIT_OK and not err
    for label in ("Scalability", "Replicability", "Sustainability", "Value creation", "Value capture", "Value sharing"):
        assert f"\n{label}" in out
    assert "Cross-side network effects" in out  # a criterion with its explanation
    assert "[medium] not-multi-sided" in out  # the payment provider is only a paid supplier, not a side
    assert "clears the flag" in out  # a recommended module with its gain


def test_score_json_has_the_design_shape_and_is_deterministic(capsys):
    code, out, _ = run(capsys, "score", "--json", str(OULU))
    assert code == EXIT_OK
    first = json.loads(out)
    assert list(first["scores"]) == list(SCORE_NAMES)
    for score in first["scores"].values():
        assert 0 <= score["score"] <= 100
        assert {"id", "label", "value", "weight", "explanation"} <= set(score["criteria"][0])
    flag = next(f for f in first["flags"] if f["code"] == "not-multi-sided")
    assert {"code", "severity", "dimension", "criterion", "message", "elements", "recommendations"} <= set(flag)
    assert flag["recommendations"] and {"module", "gain", "clears_flag"} <= set(flag["recommendations"][0])
    _, again, _ = run(capsys, "score", "--json", str(OULU))
    assert json.loads(again) == first


def test_every_recommendation_closes_its_gap(capsys):
    """Applying a recommended module clears the flag or raises the criterion it lowers, by the gain shown."""
    from canvas_app.analysis import evaluate
    from canvas_app.library import load_library, place_module
    from canvas_app.model import load_configuration

    config, library = load_configuration(EXAMPLES / "parking-city-run.json"), load_library()
    _, out, _ = run(capsys, "score", "--json", str(EXAMPLES / "parking-city-run.json"))
    result = json.loads(out)
    recommended = [(f, r) for f in result["flags"] for r in f["recommendations"]]
    assert len(recommended) >= 3
    for flag, rec in recommended:
        after = evaluate(place_module(config, library.get(rec["module"])), library, recommend=False).to_dict()
        still = [f for f in after["flags"] if f["code"] == flag["code"] and f["criterion"] == flag["criterion"]]
        assert rec["clears_flag"] == (not still)
        value = {c["id"]: c["value"] for c in after["scores"][flag["dimension"]]["criteria"]}[flag["criterion"]]
        before = {c["id"]: c["value"] for c in result["scores"][flag["dimension"]]["criteria"]}[flag["criterion"]]
        assert rec["clears_flag"] or value > before
        gain = after["scores"][flag["dimension"]]["score"] - result["scores"][flag["dimension"]]["score"]
        assert rec["gain"] == pytest.approx(gain, abs=0.11)


def test_invalid_file_exits_2_naming_field_and_element(capsys, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps(
            {
                "format": "citycanvas/1",
                "name": "x",
                "actors": [{"id": "a", "name": "A", "type": "city"}],
                "flows": [{"id": "f1", "source": "a", "target": "nobody", "kind": "money"}],
            }
        )
    )
    code, out, err = run(capsys, "score", str(bad))
    assert code == EXIT_INVALID and not out
    assert "flows[0] (id 'f1')" in err and "target" in err and "nobody" in err
    assert "Traceback" not in err


def test_missing_file_exits_2(capsys, tmp_path):
    code, _, err = run(capsys, "score", str(tmp_path / "absent.json"))
    assert code == EXIT_INVALID and "cannot read" in err


def test_malformed_custom_module_folder_exits_2_naming_the_file(capsys, tmp_path):
    (tmp_path / "broken.yaml").write_text("id: broken\nname: Broken\ncategory: nonsense\n")
    code, _, err = run(capsys, "--modules", str(tmp_path), "score", str(OULU))
    assert code == EXIT_INVALID
    assert "broken.yaml" in err and "category" in err


def test_compare_prints_side_by_side_with_deltas_diff_and_verdict(capsys):
    code, out, _ = run(
        capsys, "compare", str(EXAMPLES / "parking-city-run.json"), str(EXAMPLES / "parking-open-platform.json")
    )
    assert code == EXIT_OK
    replicability = next(line for line in out.splitlines() if line.startswith("Replicability"))
    a, b, delta = (float(x) for x in replicability.split()[1:])
    assert b > a and delta == pytest.approx(b - a, abs=0.11)
    assert "B against A:" in out and "modules added:" in out
    assert "Flags only A has:" in out and "vendor-lock-in" in out
    assert "Verdict:" in out


def test_compare_json_and_wrong_number_of_files(capsys):
    code, out, _ = run(capsys, "compare", "--json", str(OULU), str(EXAMPLES / "maas-bundle.json"))
    assert code == EXIT_OK
    result = json.loads(out)
    assert len(result["configurations"]) == 2 and result["verdict"]
    with pytest.raises(SystemExit) as exc:
        main(["compare", str(OULU)])
    assert exc.value.code == 2
    assert "two to four" in capsys.readouterr().err


def test_schema_prints_the_committed_schema(capsys):
    code, out, _ = run(capsys, "schema")
    committed = json.loads((Path(__file__).resolve().parents[2] / "schema" / "citycanvas-1.schema.json").read_text())
    assert code == EXIT_OK and json.loads(out) == committed


@pytest.mark.skipif(shutil.which("canvas-app") is None, reason="the package is not installed (pip install -e .)")
def test_installed_entry_point_scores_an_example():
    done = subprocess.run(
        ["canvas-app", "score", "--no-recommendations", str(OULU)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "Scalability" in done.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "canvas_app.cli", "score", "/nonexistent.json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


def test_version_prints_the_release(capsys):
    import re

    import canvas_app

    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out == f"canvas-app {canvas_app.__version__}\n"
    assert re.fullmatch(r"\d+\.\d+\.\d+", canvas_app.__version__)  # the wheel's version (pyproject reads it here)


@pytest.mark.parametrize(
    "argv, command, port, modules",
    [
        ([], "serve", 8050, None),
        (["--port", "8061", "--host", "127.0.0.1"], "serve", 8061, None),
        (["--modules", "extra", "--port", "8061"], "serve", 8061, ["extra"]),
        (["--modules=extra", "--debug"], "serve", 8050, ["extra"]),
        (["serve", "--port", "9000"], "serve", 9000, None),
        (["--modules", "extra", "score", "a.json"], "score", None, ["extra"]),
    ],
)
def test_serve_is_the_command_when_none_is_named(argv, command, port, modules):
    from canvas_app.cli.main import build_parser, parse_arguments

    args = parse_arguments(build_parser(), argv)
    assert (args.command, getattr(args, "port", None), args.modules) == (command, port, modules)
    if command == "serve":
        assert args.host == "127.0.0.1"


def test_unknown_option_still_exits_2_with_usage(capsys):
    with pytest.raises(SystemExit) as done:
        main(["--portt", "8061"])
    assert done.value.code == 2
    assert "unrecognized arguments: --portt 8061" in capsys.readouterr().err


def test_examples_prints_the_shipped_example_files(capsys):
    code, out, _ = run(capsys, "examples")
    assert code == EXIT_OK
    assert out.splitlines() == [str(p) for p in sorted(EXAMPLES.resolve().glob("*.json"))]
    assert str(OULU.resolve()) in out.splitlines()


def _with_scenarios(tmp_path: Path) -> Path:
    data = json.loads(OULU.read_text(encoding="utf-8"))
    data["scenarios"] = [
        {"id": "s1", "kind": "payer_stops", "actor": "drivers"},
        {"id": "s2", "kind": "actor_leaves", "actor": "someone-deleted"},
    ]
    path = tmp_path / "stressed.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


ANNUITY_10_YEARS_3_PERCENT = (1 - 1.03**-10) / 0.03
"""Present value of 1 a year for the default horizon and discount rate (10 years, 3 %): 8.5302."""


def test_stress_prints_each_scenario_and_the_single_exit_ranking_in_names(capsys, tmp_path):
    code, out, err = run(capsys, "stress", str(_with_scenarios(tmp_path)))
    assert code == EXIT_OK and not err
    # drivers stop paying 1.90 × 400,000 parking fees a year to the operator
    lost = f"{760_000 * ANNUITY_10_YEARS_3_PERCENT:,.0f}"
    assert lost == "6,482,954"
    assert "Payments from Drivers stop\n    scores: " in out
    assert f"money lost by those who stay (NPV): {lost} (Parking app operator {lost})" in out
    assert "Exit of an actor no longer on the canvas\n    not run: the actor this scenario names" in out
    ranking = out.split("Single exits")[1].splitlines()[2:]
    assert ranking[0].split()[0] == "Drivers" and lost in ranking[0]
    assert "payment-service-provider" not in out and "m1-f1" not in out  # names, never ids


def test_stress_json(capsys, tmp_path):
    code, out, _ = run(capsys, "stress", "--json", str(_with_scenarios(tmp_path)))
    assert code == EXIT_OK
    result = json.loads(out)
    first, second = result["scenarios"]
    assert first["scenario"] == "Payments from Drivers stop"
    assert first["money_lost"] == pytest.approx(760_000 * ANNUITY_10_YEARS_3_PERCENT, abs=0.01)
    assert first["operator_npv"]["operator"] == "Parking app operator"
    assert first["scores"]["value_capture"]["after"] < first["scores"]["value_capture"]["before"]
    assert second["problem"] and second["scores"] == {}
    assert [e["actor"] for e in result["single_exits"]][:2] == ["Drivers", "Parking app operator"]
    assert len(result["single_exits"]) == 5


def test_stress_of_an_invalid_scenario_exits_2_naming_it(capsys, tmp_path):
    data = json.loads(OULU.read_text(encoding="utf-8"))
    data["scenarios"] = [{"id": "s1", "kind": "demand"}]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    code, _, err = run(capsys, "stress", str(path))
    assert code == EXIT_INVALID
    assert "scenarios[0] (id 's1'): factor: a 'demand' scenario needs one" in err
