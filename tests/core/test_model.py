"""The citycanvas/1 model: the committed schema, round trips, the DESIGN example."""

from __future__ import annotations

import json
from pathlib import Path

from canvas_app.model import Configuration, dump_configuration, json_schema, parse_configuration

ROOT = Path(__file__).resolve().parents[2]

DESIGN_EXAMPLE = {
    "format": "citycanvas/1", "name": "Mobile parking, concession model", "city": "Oulu",
    "description": "free text", "period": "year",
    "actors": [
        {"id": "city", "name": "City of Oulu", "type": "city", "local": True, "count": None,
         "position": {"x": 100, "y": 80}, "module": None, "notes": ""},
        {"id": "drivers", "name": "Drivers", "type": "citizen", "count": 60000, "module": None},
        {"id": "operator", "name": "Parking app operator", "type": "platform_operator", "module": "m1"},
    ],
    "flows": [
        {"id": "f1", "source": "drivers", "target": "operator", "kind": "money", "label": "parking fee",
         "amount": 1.8, "occurrences": 400000, "standards": [], "marginal_cost": None, "module": "m1"},
        {"id": "f2", "source": "operator", "target": "drivers", "kind": "service", "label": "pay by phone",
         "marginal_cost": "low", "module": "m1"},
    ],
    "modules": [{"id": "m1", "module": "mobile-payment", "position": {"x": 0, "y": 0}, "definition": {}}],
    "needs": [{"id": "n1", "name": "Pay for parking without a meter", "actor": "drivers", "importance": 4,
               "served_by": ["f2"]}],
    "weights": {},
}


def test_the_design_example_is_valid():
    config = parse_configuration(DESIGN_EXAMPLE)
    assert config.flows[0].value_per_period == 1.8 * 400000


def test_dump_then_parse_is_identity():
    config = parse_configuration(DESIGN_EXAMPLE)
    assert parse_configuration(dump_configuration(config)) == config


def test_committed_json_schema_is_current():
    committed = json.loads((ROOT / "schema" / "citycanvas-1.schema.json").read_text())
    assert committed == json.loads(json.dumps(json_schema())), "regenerate with: canvas-app schema > schema/citycanvas-1.schema.json"


def test_models_are_immutable_so_edits_go_through_validation():
    config = Configuration.model_validate(DESIGN_EXAMPLE)
    try:
        config.name = "changed"  # type: ignore[misc]
    except Exception as exc:  # pydantic raises ValidationError for frozen instances
        assert "frozen" in str(exc)
    else:
        raise AssertionError("configuration should be frozen")
