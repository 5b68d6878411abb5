"""constraints.txt pins every run-time dependency (and the team extra's) to a version the declared ranges allow.

The installed-wheel and team-stack tests install with ``-c constraints.txt``, so the pins are the versions CI
runs; this test keeps the file in step with pyproject.toml. To regenerate it after an upgrade that passes the
suite, print ``name==version`` of each dependency below from the environment that passed.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]


def declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [Requirement(r) for r in [*project["dependencies"], *project["optional-dependencies"]["team"]]]


def pins() -> dict[str, str]:
    lines = (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines()
    pairs = [line.split("==") for line in lines if line.strip() and not line.startswith("#")]
    assert all(len(pair) == 2 for pair in pairs), "every line is name==version"
    return {name.strip().lower(): version.strip() for name, version in pairs}


def test_every_dependency_is_pinned_within_its_declared_range():
    pinned = pins()
    missing = [r.name for r in declared() if r.name.lower() not in pinned]
    outside = [
        f"{r.name}=={pinned[r.name.lower()]} (declared {r.specifier})"
        for r in declared()
        if r.name.lower() in pinned and not r.specifier.contains(pinned[r.name.lower()], prereleases=True)
    ]
    assert (missing, outside) == ([], [])


def test_nothing_is_pinned_that_is_not_declared():
    names = {r.name.lower() for r in declared()}
    assert sorted(set(pins()) - names) == []
