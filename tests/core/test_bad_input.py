"""Malformed configuration files: each gets a clear message naming the field and element, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from canvas_app.model import MAX_FILE_BYTES, ConfigurationError, load_configuration, parse_configuration

GOOD = {
    "format": "citycanvas/1",
    "name": "Parking",
    "actors": [
        {"id": "city", "name": "City", "type": "city"},
        {"id": "drivers", "name": "Drivers", "type": "citizen", "count": 100},
    ],
    "flows": [{"id": "f1", "source": "city", "target": "drivers", "kind": "service"}],
    "modules": [{"id": "m1", "module": "mobile-parking"}],
    "needs": [{"id": "n1", "name": "Park", "served_by": ["f1"]}],
}


def variant(path: str, value) -> dict:
    """GOOD with the element at a dotted path replaced (value ... deletes it)."""
    data = json.loads(json.dumps(GOOD))
    *parents, last = path.split(".")
    node = data
    for key in parents:
        node = node[int(key)] if key.isdigit() else node[key]
    key = int(last) if last.isdigit() else last
    if value is ...:
        del node[key]
    else:
        node[key] = value
    return data


CASES = [
    ("wrong format", variant("format", "citycanvas/9"), "format"),
    ("name missing", variant("name", ...), "name: is required"),
    ("empty name", variant("name", ""), "name: string should have at least 1 character"),
    ("unknown top-level field", variant("colour", "red"), "colour: unknown field"),
    ("unknown actor field", variant("actors.0.colour", "red"), "actors[0] (id 'city'): colour: unknown field"),
    ("unknown actor type", variant("actors.1.type", "alien"), "actors[1] (id 'drivers'): type"),
    ("negative count", variant("actors.1.count", -5), "actors[1] (id 'drivers'): count"),
    ("count not a number", variant("actors.1.count", "many"), "actors[1] (id 'drivers'): count"),
    ("duplicate actor id", variant("actors.1.id", "city"), "id 'city' is used twice"),
    ("bad actor id", variant("actors.1.id", "two words"), "actors[1] (id 'two words'): id"),
    ("unknown flow kind", variant("flows.0.kind", "love"), "flows[0] (id 'f1'): kind"),
    ("negative amount", variant("flows.0.amount", -1.5), "flows[0] (id 'f1'): amount"),
    ("negative occurrences", variant("flows.0.occurrences", -1), "flows[0] (id 'f1'): occurrences"),
    ("infinite amount", variant("flows.0.amount", 1e400), "flows[0] (id 'f1'): amount"),
    ("dangling source", variant("flows.0.source", "nobody"), "flows[0] (id 'f1'): source: no actor has id 'nobody'"),
    ("dangling target", variant("flows.0.target", "nobody"), "flows[0] (id 'f1'): target: no actor has id 'nobody'"),
    ("self flow", variant("flows.0.target", "city"), "flows[0] (id 'f1'): source and target are both 'city'"),
    ("bad marginal cost", variant("flows.0.marginal_cost", "cheap"), "flows[0] (id 'f1'): marginal_cost"),
    ("standards not a list", variant("flows.0.standards", "NGSI-LD"), "flows[0] (id 'f1'): standards"),
    (
        "flow module unknown",
        variant("flows.0.module", "m9"),
        "flows[0] (id 'f1'): module: no placed module has id 'm9'",
    ),
    (
        "need serves unknown flow",
        variant("needs.0.served_by", ["f9"]),
        "needs[0] (id 'n1'): served_by: no flow has id 'f9'",
    ),
    ("need importance too high", variant("needs.0.importance", 9), "needs[0] (id 'n1'): importance"),
    ("negative weight", variant("weights", {"r_open_standards": -1}), "weights"),
    (
        "unknown criterion weight",
        variant("weights", {"r_open_standrds": 2}),
        "weights: 'r_open_standrds' is not a criterion",
    ),
    (
        "a score weighed to nothing",
        variant("weights", {"cap_take_rate": 0, "cap_revenue": 0, "cap_operator_net": 0, "cap_operator_share": 0}),
        "weights: value capture: at least one criterion must weigh more than 0",
    ),
    (
        "weight above the maximum",
        variant("weights", {"r_open_standards": 1000}),
        "weights: Data flows on open standards: the weight must be between 0 and 100",
    ),
    ("actors not a list", variant("actors", {"city": {}}), "actors"),
    ("bad period", variant("period", "fortnight"), "period"),
]


@pytest.mark.parametrize("case, data, expected", CASES, ids=[c[0] for c in CASES])
def test_each_malformed_configuration_is_explained(case, data, expected):
    with pytest.raises(ConfigurationError) as info:
        parse_configuration(json.dumps(data))
    message = str(info.value)
    assert expected in message, message
    assert "Traceback" not in message and "pydantic" not in message


@pytest.mark.parametrize(
    "text, expected",
    [
        ("", "not valid JSON"),
        ('{"name": ', "not valid JSON"),
        ("[1, 2, 3]", "must be a JSON object"),
        ('"just a string"', "must be a JSON object"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        (b"\xff\xfe\x00garbage", "not valid JSON"),
    ],
)
def test_not_a_configuration_at_all(text, expected):
    with pytest.raises(ConfigurationError, match=expected):
        parse_configuration(text)


def test_good_file_parses_and_round_trips():
    config = parse_configuration(json.dumps(GOOD))
    assert parse_configuration(config.model_dump_json()) == config


def test_oversized_file_is_refused_before_reading(tmp_path: Path):
    big = tmp_path / "big.json"
    with big.open("wb") as handle:
        handle.seek(50 * 1024 * 1024)
        handle.write(b"}")
    with pytest.raises(ConfigurationError, match=f"limit is {MAX_FILE_BYTES / 1e6:.0f} MB"):
        load_configuration(big)


def test_missing_file_is_named(tmp_path: Path):
    with pytest.raises(ConfigurationError, match="cannot read"):
        load_configuration(tmp_path / "nope.json")
