"""Forged or hostile input the red team sent: each gets a clear refusal, never an exception.

(A TOML module nested 5,000 deep raised RecursionError; an actor count of 10**400 passed
validation and overflowed in scoring; a ~1 MB YAML module was parsed for seconds before a
200,000-character store limit refused it with a raw pydantic message.)
"""

from __future__ import annotations

import json

import pytest

from canvas_app.analysis import evaluate
from canvas_app.library import MAX_MODULE_BYTES, LibraryError, load_library, parse_module, parse_workspace_module
from canvas_app.model import MAX_COUNT, ConfigurationError, parse_configuration
from canvas_app.workspace_model import MAX_MODULE_TEXT

LIBRARY = load_library()


def test_a_deeply_nested_toml_module_is_refused_with_a_message():
    deep = "id = 'x'\na = " + "[" * 5000 + "]" * 5000 + "\n"
    with pytest.raises(LibraryError) as refused:
        parse_module(deep, "deep.toml")
    assert refused.value.problems == ["deep.toml: not valid TOML: nested too deeply"]


@pytest.mark.parametrize("text", ["[" * 5000 + "]" * 5000, "a: " + "[" * 5000 + "]" * 5000])
@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_deeply_nested_yaml_or_json_workspace_modules_are_refused(text, fmt):
    with pytest.raises(LibraryError) as refused:
        parse_workspace_module(text, fmt, LIBRARY, "Module definition")
    assert all(p.startswith("Module definition: ") for p in refused.value.problems)


@pytest.mark.parametrize("count", [10**400, MAX_COUNT + 1, "1e400", 1e400])
def test_an_absurd_segment_size_is_a_validation_error(count):
    data = {
        "format": "citycanvas/1",
        "name": "x",
        "actors": [{"id": "a", "name": "A", "type": "citizen", "count": count}],
        "flows": [],
    }
    with pytest.raises(ConfigurationError) as refused:
        parse_configuration(json.loads(json.dumps(data)) if not isinstance(count, int) else data)
    assert refused.value.problems[0].startswith("actors[0] (id 'a'): count:")


def test_the_largest_quantities_accepted_still_score():
    data = {
        "format": "citycanvas/1",
        "name": "x",
        "actors": [
            {"id": "p", "name": "People", "type": "citizen", "count": MAX_COUNT},
            {"id": "o", "name": "Operator", "type": "platform_operator"},
        ],
        "flows": [
            {"id": "f1", "source": "p", "target": "o", "kind": "money", "amount": 1e12, "occurrences": 1e12},
            {"id": "f2", "source": "o", "target": "p", "kind": "service"},
        ],
    }
    scores = evaluate(parse_configuration(data), LIBRARY).scores
    assert all(0 <= s.score <= 100 for s in scores.values())
    data["flows"][0]["amount"] = 1e13
    with pytest.raises(ConfigurationError, match="amount"):
        parse_configuration(data)


def test_one_module_size_limit_checked_before_parsing():
    assert MAX_MODULE_TEXT == MAX_MODULE_BYTES  # the store, the files, the uploads and the form agree
    # broken from its first line: a parser would complain of that; the size is refused first
    big = "{[: not valid\n" + "x" * MAX_MODULE_BYTES
    for fmt in ("yaml", "json"):
        with pytest.raises(LibraryError) as refused:
            parse_workspace_module(big, fmt, LIBRARY, "Module definition")
        assert refused.value.problems == [
            f"Module definition: the module is {len(big) // 1000 + 1:,} KB; the limit for a module is 200 KB"
        ]
    with pytest.raises(LibraryError, match="the limit for a module is 200 KB"):
        parse_module(big.encode(), "big.yaml")
