"""The open-standards registry (issue 9, item 4): known open, known proprietary, or unverified."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from canvas_app.ecosystem import is_open_standard
from canvas_app.library import load_library
from canvas_app.standards import classify_standard, known_standards, parse_registry

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "name",
    [
        "NGSI-LD",
        "ngsi ld",
        "NGSI_LD",
        "Smart Data Models",
        "SmartDataModels",
        "MIM1",
        "OASC MIM 2",
        "MIM7",
        "OGC SensorThings",
        "MQTT",
        "GTFS",
        "GTFS-RT",
        "GTFS Realtime",
        "GBFS v2.3",
        "NeTEx",
        "SIRI",
        "DATEX II",
        "DATEX2",
        "OCPI",
        "OCPP 2.0.1",
        "DCAT-AP",
        "OpenAPI-described REST",
        "OpenAPI 3.1",
        "OAuth 2.0",
    ],
)
def test_the_issue_s_open_standards_and_their_spellings_are_open(name):
    assert classify_standard(name) == "open"
    assert is_open_standard(name)


@pytest.mark.parametrize(
    "name",
    ["proprietary API", "Proprietary", "Acme parking SDK", "vendor SDK", "Sigfox", "ParkCo vendor-specific protocol"],
)
def test_vendor_interfaces_are_proprietary(name):
    assert classify_standard(name) == "proprietary"
    assert not is_open_standard(name)


@pytest.mark.parametrize("name", ["Acme Link", "MIM9", "closed loop", "ParkCo REST"])
def test_names_the_registry_does_not_know_are_unverified(name):
    """Neither credited as open nor blamed as proprietary: the user is asked to confirm."""
    assert classify_standard(name) == "unverified"
    assert not is_open_standard(name)


def test_every_entry_cites_its_source():
    entries = known_standards()
    assert len(known_standards("open")) >= 50 and known_standards("proprietary")
    for entry in entries:
        assert entry.source, entry.name
    for entry in known_standards("open"):
        assert entry.url.startswith("https://"), entry.name


def test_one_spelling_may_not_name_two_standards():
    text = "open:\n  - {name: DATEX II, aliases: [DATEX2]}\n  - {name: Datex 2, aliases: []}\n"
    with pytest.raises(ValueError, match="'Datex 2' names both 'DATEX II' and 'Datex 2'"):
        parse_registry(text)


def test_the_registry_covers_every_standard_the_built_in_library_and_examples_declare():
    """A module or example naming a standard the registry lacks would be scored as unverified."""
    declared: dict[str, set[str]] = {}
    for definition in load_library():
        for name in definition.attributes.standards + [s for f in definition.flows for s in f.standards]:
            declared.setdefault(name, set()).add(f"module {definition.id}")
    for path in sorted((ROOT / "examples").glob("*.json")):
        for flow in json.loads(path.read_text())["flows"]:
            for name in flow.get("standards", []):
                declared.setdefault(name, set()).add(path.name)
    unverified = {name: sorted(where) for name, where in declared.items() if classify_standard(name) == "unverified"}
    assert unverified == {}
    assert classify_standard("proprietary API") == "proprietary" and "proprietary API" in declared


def test_the_registry_ships_in_the_wheel():
    """The wheel takes canvas_app/ whole (hatchling, pyproject.toml): the registry is in it unless ignored.
    tests/deploy/test_installed_wheel.py counts canvas_app/data/ in a built wheel."""
    import subprocess

    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "canvas_app" in pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["only-include"]
    assert list((ROOT / "canvas_app").glob("data/standards.yaml"))
    ignored = subprocess.run(["git", "check-ignore", "-q", "canvas_app/data/standards.yaml"], cwd=ROOT)
    assert ignored.returncode != 0  # not ignored (1; 128 outside a git checkout), so hatchling selects it
