"""Recommendations close the gap they are offered for (issue 10).

Proof over every built-in example (and every case of ``tests/core/cases/`` once it exists): each
module offered for a per-element flag, placed as Apply places it, clears that flag for at least one
element it names; each module offered for a configuration-level flag moves the flagged quantity
through the flagged actor; each structural suggestion, applied through the command log, does the
same and undoes exactly. An unrelated self-contained module is never offered, however much it claims.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from canvas_app import checks
from canvas_app.analysis import evaluate
from canvas_app.commands import ChangeSet, perform
from canvas_app.judging import build_ecosystem
from canvas_app.library import LibraryError, load_library, parse_module, place_module
from canvas_app.model import Configuration, ConfigurationError, load_configuration, parse_configuration
from canvas_app.recommend import PER_ELEMENT, candidates, preview, suggestion_change

ROOT = Path(__file__).resolve().parents[2]
LIBRARY = load_library()
_spec = importlib.util.spec_from_file_location("bench_synthetic", ROOT / "bench" / "synthetic.py")
_synthetic = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_synthetic)  # not via sys.path: bench/ has modules named like the app's packages
random_configuration = _synthetic.random_configuration


def _case_files() -> list[Path]:
    files = sorted((ROOT / "examples").glob("*.json"))
    cases = ROOT / "tests" / "core" / "cases"
    return files + (sorted(cases.glob("*.json")) if cases.is_dir() else [])


def _load(path: Path) -> Configuration:
    data = json.loads(path.read_text(encoding="utf-8"))
    if isinstance(data, dict) and isinstance(data.get("configuration"), dict):  # a case with its expectations
        data = data["configuration"]
    return parse_configuration(data)


GAPS = Configuration.model_validate(
    {
        "name": "a service with many gaps",
        "actors": [
            {"id": "city", "name": "City", "type": "city"},
            {"id": "op", "name": "Operator", "type": "platform_operator"},
            {"id": "residents", "name": "Residents", "type": "citizen"},
            {"id": "lonely", "name": "Lonely company", "type": "business"},
            {"id": "taker", "name": "Data taker", "type": "business"},
            {"id": "clinic", "name": "Clinic", "type": "business"},
            {"id": "club", "name": "Club", "type": "community"},
            {"id": "lab", "name": "Lab", "type": "research"},
        ],
        "flows": [
            {"id": "f1", "source": "city", "target": "op", "kind": "permission", "label": "mandate"},
            {"id": "f2", "source": "op", "target": "city", "kind": "data", "label": "reports"},
            {"id": "f3", "source": "residents", "target": "op", "kind": "data", "label": "observations"},
            {"id": "f4", "source": "op", "target": "taker", "kind": "data", "label": "raw data"},
            {
                "id": "f5",
                "source": "op",
                "target": "clinic",
                "kind": "service",
                "label": "home visits",
                "marginal_cost": "high",
            },
            {"id": "f6", "source": "clinic", "target": "op", "kind": "reputation", "label": "referrals"},
            {"id": "f7", "source": "club", "target": "lab", "kind": "knowledge", "label": "field notes"},
            {"id": "f8", "source": "lab", "target": "club", "kind": "knowledge", "label": "studies"},
        ],
        "needs": [{"id": "n1", "name": "Safer night streets for residents", "actor": "residents"}],
    }
)
"""Isolated, free-riding, cut-off, costly to serve, unpaid, giving citizens nothing: the flags the examples lack."""

PERSONAL = Configuration.model_validate(
    {
        "name": "parking app that sells drivers' data",
        "actors": [
            {"id": "city", "name": "City", "type": "city"},
            {"id": "residents", "name": "Residents", "type": "citizen"},
            {"id": "op", "name": "Operator", "type": "platform_operator"},
            {"id": "ads", "name": "Advertiser", "type": "business"},
        ],
        "flows": [
            {"id": "f1", "source": "op", "target": "residents", "kind": "service", "label": "parking app"},
            {
                "id": "f2",
                "source": "residents",
                "target": "op",
                "kind": "money",
                "label": "fee",
                "amount": 1,
                "occurrences": 100,
            },
            {
                "id": "f3",
                "source": "residents",
                "target": "op",
                "kind": "data",
                "label": "location traces",
                "personal_data": True,
            },
            {"id": "f4", "source": "op", "target": "ads", "kind": "data", "label": "profiles", "personal_data": True},
            {
                "id": "f5",
                "source": "ads",
                "target": "op",
                "kind": "money",
                "label": "data fee",
                "amount": 500,
                "occurrences": 1,
            },
            {"id": "f6", "source": "city", "target": "op", "kind": "permission", "label": "licence"},
        ],
    }
)
"""Personal data leaving residents without consent, and sold to an advertiser."""

CONFIGS = (
    [pytest.param(_load(p), id=p.stem) for p in _case_files()]
    + [pytest.param(random_configuration(40, seed=s), id=f"synthetic-{s}") for s in (1, 2)]
    + [pytest.param(GAPS, id="gaps"), pytest.param(PERSONAL, id="personal")]
)


def _same(flag, finding) -> bool:
    return flag.code == finding.code and flag.criterion == finding.criterion


def _closes(finding, before: Configuration, after: Configuration) -> bool:
    """The gap is closed for a flagged element, or its quantity moved through the flagged actor."""
    old, new = build_ecosystem(before, LIBRARY), build_ecosystem(after, LIBRARY)
    remaining = [f for f in checks.run_checks(new) if _same(f, finding)]
    still = {e for f in remaining for e in f.elements}
    if finding.code in PER_ELEMENT:
        return any(e not in still for e in finding.elements)
    if finding.code == "funding-concentration":
        op = old.operator.id
        return (
            new.operator.id == op
            and checks.funding_hhi(new) < checks.funding_hhi(old)
            and bool(set(new.financial_inflow_by_payer(op)) - set(old.financial_inflow_by_payer(op)))
        )
    if finding.code == "grant-dependent":
        return new.operator.id == old.operator.id and checks.grant_share(new) < checks.grant_share(old)
    if finding.code in ("not-multi-sided", "no-network-effects", "no-revenue"):
        return not remaining and (old.platform is None or new.platform.id == old.platform.id)
    return not remaining


@pytest.mark.parametrize("config", CONFIGS)
def test_every_recommendation_closes_its_gap_for_a_flagged_element(config):
    evaluation = evaluate(config, LIBRARY)
    offered = [(f, r) for f in evaluation.flags for r in f.recommendations]
    for finding, rec in offered:
        after = place_module(config, LIBRARY[rec.module])
        assert _closes(finding, config, after), (finding.code, rec)
        trial = evaluate(after, LIBRARY, recommend=False, structure=False)
        still = {e for f in trial.flags if _same(f, finding) for e in f.elements}
        assert set(rec.elements_cleared) <= set(finding.elements) - still
        assert rec.clears_flag is not any(_same(f, finding) for f in trial.flags)
        gain = trial.scores[finding.dimension].score - evaluation.scores[finding.dimension].score
        assert rec.gain == pytest.approx(gain, abs=0.11)
        assert rec.reason and LIBRARY[rec.module].attributes.remedies  # it says why; it declared the remedy


@pytest.mark.parametrize("config", CONFIGS)
def test_every_structural_suggestion_applies_as_an_undoable_edit_and_closes_its_gap(config):
    evaluation = evaluate(config, LIBRARY)
    suggested = [(f, s) for f in evaluation.flags for s in f.suggestions]
    for finding, suggestion in suggested:
        change = suggestion_change(config, LIBRARY, finding.code, suggestion.id)
        assert change.to_dict() == suggestion.change
        after, step = perform(config, change)  # the editor's own path: a ChangeSet, fully validated
        assert _closes(finding, config, after), (finding.code, suggestion.text)
        assert step.undo.apply(after) == config


def test_every_flag_code_has_a_structural_suggestion_somewhere():
    """Across the examples and synthetic services, each flag that fired got at least one concrete edit."""
    seen: dict[str, bool] = {}
    for param in CONFIGS:
        for finding in evaluate(param.values[0], LIBRARY).flags:
            if finding.code == "local-dependency" and finding.criterion == "r_preconditions":
                continue  # a module's precondition is a fact to check in the city, not an edit
            if finding.code == "missing-quantities":
                continue  # amounts are the designer's figures: no edit can invent them
            seen[finding.code] = seen.get(finding.code, False) or bool(finding.suggestions)
    assert seen and all(seen.values()), seen
    assert len(seen) >= 15  # nearly every code fired somewhere, so the proof covers them


def _merchants_parking() -> Configuration:
    """The issue's parking service: city-centre merchants give value (customers' visits) and get nothing."""
    config = load_configuration(ROOT / "examples" / "oulu-parking.json")
    data = config.model_dump(mode="json")
    data["actors"].append({"id": "merchants", "name": "City-centre merchants", "type": "business"})
    data["flows"].append(
        {
            "id": "fm",
            "source": "merchants",
            "target": "operator",
            "kind": "data",
            "label": "shop opening hours and offers",
        }
    )
    return Configuration.model_validate(data)


def test_merchants_without_return_get_a_return_not_a_5g_network():
    config = _merchants_parking()
    finding = next(f for f in evaluate(config, LIBRARY).flags if f.code == "no-return")
    assert finding.elements == ("merchants",)
    assert "5g-micro-operator" not in {r.module for r in finding.recommendations}
    for rec in finding.recommendations:
        assert "merchants" in rec.elements_cleared
    assert finding.suggestions, "a concrete edit is proposed"
    first = finding.suggestions[0]
    assert "City-centre merchants" in first.text and first.elements_cleared == ("merchants",)
    after = ChangeSet(**{k: v for k, v in first.change.items() if k != "kind"}).apply(config)
    assert not any(f.code == "no-return" for f in evaluate(after, LIBRARY, recommend=False).flags)


def _oulu_with_one_payer() -> Configuration:
    """Oulu parking with the drivers drawn as one payer of unknown size: the shipped file counts 60,000 drivers,
    who are 60,000 payers and no concentration of funding."""
    config = load_configuration(ROOT / "examples" / "oulu-parking.json")
    actors = [a.model_copy(update={"count": None}) if a.id == "drivers" else a for a in config.actors]
    return config.model_copy(update={"actors": actors})


def test_funding_concentration_is_never_answered_by_an_unrelated_operator():
    """Oulu parking: the drivers bring all the operator's income; a 5G micro-operator is no answer."""
    config = _oulu_with_one_payer()
    finding = next(f for f in evaluate(config, LIBRARY).flags if f.code == "funding-concentration")
    offered = {r.module for r in finding.recommendations}
    assert offered and "5g-micro-operator" not in offered
    assert all("payer of" in r.reason for r in finding.recommendations)


ISLAND = """
id: island
name: Island exchange
category: sharing
summary: Three organisations that trade among themselves and with no one else.
actors:
  - {role: shop, type: business, name: Island shop}
  - {role: maker, type: service_provider, name: Island maker}
  - {role: tech, type: technology_vendor, name: Island tech}
  - {role: fund, type: funder, name: Island fund}
  - {role: lab, type: research, name: Island lab}
  - {role: coop, type: community, name: Island coop}
  - {role: agency, type: public_agency, name: Island agency}
flows:
  - {source: shop, target: maker, kind: money, label: orders, amount: 100}
  - {source: maker, target: shop, kind: goods, label: goods}
  - {source: tech, target: maker, kind: data, label: designs, standards: [NGSI-LD]}
  - {source: maker, target: tech, kind: money, label: licence, amount: 10}
  - {source: fund, target: lab, kind: grant, label: grant, amount: 5}
  - {source: lab, target: fund, kind: knowledge, label: results}
  - {source: coop, target: agency, kind: knowledge, label: advice}
  - {source: agency, target: coop, kind: service, label: support}
  - {source: lab, target: coop, kind: knowledge, label: studies}
  - {source: coop, target: lab, kind: reputation, label: trust}
  - {source: shop, target: agency, kind: data, label: reports, standards: [NGSI-LD]}
  - {source: agency, target: shop, kind: permission, label: licence}
attributes:
  open_source: true
  remedies:
{remedies}
sources:
  - {title: test}
"""


def _island():
    from canvas_app.module_schema import FLAG_CODES

    types = ["business", "service_provider", "technology_vendor", "funder", "research", "community", "public_agency"]
    lines = "\n".join(f"    - {{flag: {code}, role: {kind}}}" for code in FLAG_CODES for kind in types)
    return parse_module(ISLAND.replace("{remedies}", lines), "island.yaml")


@pytest.mark.parametrize("config", CONFIGS)
def test_an_unrelated_self_contained_module_is_never_offered(config):
    """It claims every remedy and raises ratios (all its actors reciprocate), but touches nothing flagged."""
    island = _island()
    library = LIBRARY.with_modules([island])
    evaluation = evaluate(config, library)
    assert all(r.module != "island" for f in evaluation.flags for r in f.recommendations)


def test_the_island_would_have_raised_ratio_criteria():
    """A gain-based rule ("raises a criterion") would offer such a module: make sure these tests would catch it."""
    config = _merchants_parking()
    before = evaluate(config, LIBRARY, recommend=False)
    after = evaluate(place_module(config, _island()), LIBRARY.with_modules([_island()]), recommend=False)
    values = {c.id: c.value for s in before.scores.values() for c in s.criteria}
    raised = [c.id for s in after.scores.values() for c in s.criteria if c.value > values[c.id] + 1e-9]
    assert "r_open_standards" in raised  # more of the data flows are open, none of the flagged ones changed


def test_candidates_are_pruned_by_declared_remedies_and_flagged_roles():
    config = _oulu_with_one_payer()
    eco = build_ecosystem(config, LIBRARY)
    finding = next(f for f in checks.run_checks(eco) if f.code == "funding-concentration")
    tried = {d.id for d in candidates(finding, eco, LIBRARY, {m.module for m in config.modules})}
    assert "5g-micro-operator" not in tried and "waste-pickup-on-demand" not in tried
    assert {"advertising", "city-budget", "freemium"} <= tried


def test_a_stale_suggestion_is_refused_with_a_message():
    config = _merchants_parking()
    with pytest.raises(ConfigurationError, match="no longer applies"):
        suggestion_change(config, LIBRARY, "no-return", "return:somebody-else")


def test_preview_names_what_apply_adds_and_what_it_changes():
    config = _merchants_parking()
    finding = next(f for f in evaluate(config, LIBRARY).flags if f.code == "no-return")
    suggestion = finding.suggestions[0]
    after = suggestion_change(config, LIBRARY, "no-return", suggestion.id).apply(config)
    shown = preview(config, after, LIBRARY)
    assert shown.flows_new and "City-centre merchants" in shown.flows_new[0]
    assert "no-return: City-centre merchants" in shown.flags_cleared
    assert shown.score_changes.get("sustainability", 0) > 0
    module = preview(config, place_module(config, LIBRARY["advertising"]), LIBRARY)
    assert any(name == "Advertisers" and near for _, name, _, _, near in module.actors_new)
    assert "Parking app operator" in module.actors_merged


def test_new_actors_land_near_the_actors_they_connect_to_and_never_on_one():
    config = load_configuration(ROOT / "examples" / "oulu-parking.json")
    placed = place_module(config, LIBRARY["maas-bundle"])
    points = [(a.position.x, a.position.y) for a in placed.actors if a.position]
    for i, p in enumerate(points):
        for q in points[i + 1 :]:
            assert abs(p[0] - q[0]) + abs(p[1] - q[1]) > 1.0, (p, q)
    new = [a for a in placed.actors if a.module == placed.modules[-1].id]
    old = [a for a in config.actors if a.position]
    cx, cy = sum(a.position.x for a in old) / len(old), sum(a.position.y for a in old) / len(old)
    span = max(max(abs(a.position.x - cx), abs(a.position.y - cy)) for a in old)
    assert all(abs(a.position.x - cx) < span + 600 and abs(a.position.y - cy) < span + 600 for a in new)


def test_remedies_are_validated_like_the_rest_of_the_module():
    base = "id: x\nname: X\ncategory: data\nsummary: s\nsources: [{title: t}]\n"
    with pytest.raises(LibraryError, match=r"remedies\[0\]: flag"):
        parse_module(base + "attributes: {remedies: [{flag: nope, role: city}]}")
    with pytest.raises(LibraryError, match=r"remedies\[0\]: role: the module has no actor of type 'funder'"):
        parse_module(base + "attributes: {remedies: [{flag: no-return, role: funder}]}")
    ok = parse_module(
        base + "flows: [{source: city, target: citizen, kind: service}]\n"
        "attributes: {remedies: [{flag: no-citizen-value, role: citizen}]}"
    )
    assert ok.attributes.remedies[0].flag == "no-citizen-value"


def test_every_builtin_module_declares_its_remedies_honestly():
    """Every declared remedy names a role the module has; the 5G micro-operator claims none for a city service."""
    assert all("remedies" in (Path(LIBRARY.origin(d.id)).read_text()) for d in LIBRARY)
    assert LIBRARY["5g-micro-operator"].attributes.remedies == []
    assert sum(len(d.attributes.remedies) for d in LIBRARY) > 50
