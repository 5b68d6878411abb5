"""The citycanvas/1 model: the committed schema, round trips, the format's reference example."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from canvas_app.model import Configuration, ConfigurationError, dump_configuration, json_schema, parse_configuration

ROOT = Path(__file__).resolve().parents[2]

REFERENCE_EXAMPLE = {
    "format": "citycanvas/1",
    "name": "Mobile parking, concession model",
    "city": "Oulu",
    "description": "free text",
    "period": "year",
    "actors": [
        {
            "id": "city",
            "name": "City of Oulu",
            "type": "city",
            "local": True,
            "count": None,
            "position": {"x": 100, "y": 80},
            "module": None,
            "notes": "",
        },
        {"id": "drivers", "name": "Drivers", "type": "citizen", "count": 60000, "module": None},
        {"id": "operator", "name": "Parking app operator", "type": "platform_operator", "module": "m1"},
    ],
    "flows": [
        {
            "id": "f1",
            "source": "drivers",
            "target": "operator",
            "kind": "money",
            "label": "parking fee",
            "amount": 1.8,
            "occurrences": 400000,
            "standards": [],
            "marginal_cost": None,
            "module": "m1",
        },
        {
            "id": "f2",
            "source": "operator",
            "target": "drivers",
            "kind": "service",
            "label": "pay by phone",
            "marginal_cost": "low",
            "module": "m1",
        },
    ],
    "modules": [{"id": "m1", "module": "mobile-payment", "position": {"x": 0, "y": 0}, "definition": {}}],
    "needs": [
        {
            "id": "n1",
            "name": "Pay for parking without a meter",
            "actor": "drivers",
            "importance": 4,
            "served_by": ["f2"],
        }
    ],
    "weights": {},
}


def test_the_design_example_is_valid():
    config = parse_configuration(REFERENCE_EXAMPLE)
    assert config.flows[0].value_per_period == 1.8 * 400000


def test_dump_then_parse_is_identity():
    config = parse_configuration(REFERENCE_EXAMPLE)
    assert parse_configuration(dump_configuration(config)) == config


def test_committed_json_schema_is_current():
    committed = json.loads((ROOT / "schema" / "citycanvas-1.schema.json").read_text())
    assert committed == json.loads(json.dumps(json_schema())), (
        "regenerate with: canvas-app schema > schema/citycanvas-1.schema.json"
    )


def test_models_are_immutable_so_edits_go_through_validation():
    config = Configuration.model_validate(REFERENCE_EXAMPLE)
    try:
        config.name = "changed"  # type: ignore[misc]  # the assignment must fail: configurations are frozen
    except Exception as exc:  # pydantic raises ValidationError for frozen instances
        assert "frozen" in str(exc)
    else:
        raise AssertionError("configuration should be frozen")


# -- estimates and population ------------------------------------------------------------


def _with_flow(**flow: object) -> dict:
    base = {"id": "f1", "source": "drivers", "target": "operator", "kind": "money"}
    return {**REFERENCE_EXAMPLE, "flows": [{**base, **flow}], "needs": []}


def test_a_flow_records_which_quantities_are_estimates_and_round_trips():
    config = parse_configuration(
        {**_with_flow(amount=0.25, occurrences=1200, estimated=["amount"]), "population": 210000}
    )
    flow = config.flows[0]
    assert flow.is_estimated("amount") and not flow.is_estimated("occurrences")
    text = dump_configuration(config)
    assert json.loads(text)["flows"][0]["estimated"] == ["amount"] and json.loads(text)["population"] == 210000
    assert parse_configuration(text) == config


def test_files_without_estimates_or_population_are_read_and_written_unchanged():
    """Old citycanvas/1 files (no ``estimated``, no ``population``) load, and dump without the new keys."""
    config = parse_configuration(REFERENCE_EXAMPLE)
    assert all(f.estimated == [] for f in config.flows) and config.population is None
    dumped = json.loads(dump_configuration(config))
    assert "population" not in dumped and all("estimated" not in f for f in dumped["flows"])
    for path in sorted((ROOT / "examples").glob("*.json")):
        assert json.loads(dump_configuration(parse_configuration(path.read_text()))) == json.loads(path.read_text()), (
            path
        )


@pytest.mark.parametrize(
    ("flow", "message"),
    [
        (
            {"amount": 2, "estimated": ["label"]},
            "flows[0] (id 'f1'): estimated[0]: input should be 'amount' or 'occurrences' (got 'label')",
        ),
        (
            {"amount": 2, "estimated": ["occurrences"]},
            "flows[0] (id 'f1'): estimated: 'occurrences' is marked as an estimate but the flow has no occurrences",
        ),
        ({"amount": 2, "estimated": ["amount", "amount"]}, "flows[0] (id 'f1'): estimated: 'amount' is listed twice"),
    ],
)
def test_estimated_names_only_quantities_that_have_a_value(flow, message):
    with pytest.raises(ConfigurationError) as exc:
        parse_configuration(_with_flow(**flow))
    assert exc.value.problems == [message]


@pytest.mark.parametrize("population", [-1, 10**9, 2.5, "many"])
def test_population_is_a_plausible_whole_number(population):
    with pytest.raises(ConfigurationError) as exc:
        parse_configuration({**REFERENCE_EXAMPLE, "population": population})
    assert exc.value.problems[0].startswith("population: ")
