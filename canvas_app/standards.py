"""The open-standards registry: which declared interfaces are open, proprietary or unverified.

A flow or module names its interfaces as free text. Counting every name as open lets a vendor's
own SDK weigh as much as NGSI-LD; counting only known names as open would punish a real
standard the registry lacks. So a name is looked up in a registry shipped with the package
(``data/standards.yaml``, each entry with its source): known open, known proprietary, or
"unverified" (partial credit in scoring, listed for the user to confirm).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.resources import files
from typing import Literal

import yaml

Status = Literal["open", "proprietary", "unverified"]

_VERSION = re.compile(r"[\s_-]+v?\d+(\.\d+)*[a-z]?$", re.IGNORECASE)
"""A trailing version after a separator: 'OCPP 2.0.1', 'GBFS v2.3' (not 'MIM1' or 'OAuth2')."""


@dataclass(frozen=True)
class Standard:
    """One registry entry: its usual name, other spellings, and who publishes it."""

    name: str
    status: Literal["open", "proprietary"]
    aliases: tuple[str, ...]
    kind: str
    source: str
    url: str


def normalise(name: str) -> str:
    """Case, spaces and punctuation do not tell standards apart: 'NGSI LD' is 'NGSI-LD'.

    >>> normalise(" ngsi_LD "), normalise("DATEX II")
    ('ngsild', 'datexii')
    """
    return re.sub(r"[^0-9a-z]", "", name.casefold())


class Registry:
    """Standards indexed by every spelling; names found nowhere are judged by the markers."""

    def __init__(self, standards: tuple[Standard, ...], markers: tuple[str, ...]) -> None:
        self.standards = standards
        self.markers = markers
        self._index: dict[str, Standard] = {}
        for standard in standards:
            for spelling in (standard.name, *standard.aliases):
                key = normalise(spelling)
                if key in self._index and self._index[key] is not standard:
                    raise ValueError(
                        f"standards registry: {spelling!r} names both {self._index[key].name!r} and {standard.name!r}"
                    )
                self._index[key] = standard

    def lookup(self, name: str) -> Standard | None:
        """The entry for a name or alias, ignoring case, punctuation and a trailing version."""
        found = self._index.get(normalise(name))
        if found is None:
            stripped = _VERSION.sub("", name.strip())
            if stripped and stripped != name.strip():
                found = self._index.get(normalise(stripped))
        return found

    def classify(self, name: str) -> Status:
        found = self.lookup(name)
        if found is not None:
            return found.status
        words = name.casefold()
        if any(re.search(rf"(?<![0-9a-z]){re.escape(m)}(?![0-9a-z])", words) for m in self.markers):
            return "proprietary"
        return "unverified"


def parse_registry(text: str) -> Registry:
    """Read the registry's YAML (the ``open`` and ``proprietary`` lists and the markers)."""
    data = yaml.safe_load(text) or {}
    standards = tuple(
        Standard(
            name=str(entry["name"]),
            status=status,
            aliases=tuple(str(a) for a in entry.get("aliases") or ()),
            kind=str(entry.get("kind", "")),
            source=str(entry.get("source", "")),
            url=str(entry.get("url", "")),
        )
        for status in ("open", "proprietary")
        for entry in data.get(status) or ()
    )
    return Registry(standards, tuple(str(m).casefold() for m in data.get("proprietary_markers") or ()))


@cache
def registry() -> Registry:
    """The registry shipped with the package."""
    return parse_registry(files("canvas_app").joinpath("data", "standards.yaml").read_text(encoding="utf-8"))


@lru_cache(maxsize=4096)
def classify_standard(name: str) -> Status:
    """'open', 'proprietary' or 'unverified' for a declared interface name (cached: scoring asks per flow).

    >>> classify_standard("ngsi ld"), classify_standard("Acme SDK"), classify_standard("Acme Link")
    ('open', 'proprietary', 'unverified')
    """
    return registry().classify(name)


def known_standards(status: Literal["open", "proprietary"] | None = None) -> list[Standard]:
    """The registry's entries (of one status if given), in file order."""
    return [s for s in registry().standards if status is None or s.status == status]


def classify_all(names: Iterable[str]) -> list[tuple[str, Status]]:
    """Each distinct name once, in order, with its classification (for a module's or a flow's list)."""
    seen: dict[str, Status] = {}
    for name in names:
        if name not in seen:
            seen[name] = classify_standard(name)
    return list(seen.items())
