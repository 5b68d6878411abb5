"""City profiles: what a city that might copy a service is like, and what it already has.

A profile names the city (country, population, language, currency) and lists what it has and what it is
known to lack: free-text items ("an open-data portal") and the preconditions the module library names
("local parking ordinance allows mobile payment"). Replication checks each placed module's preconditions
against these two lists: in ``has`` it is met, in ``lacks`` it is not met, in neither it is unknown.
Profiles are files (``citycanvas-city/1``, see ``examples/cities/``) or rows of a workspace in the store.
"""

from __future__ import annotations

import re
from collections.abc import Container
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from canvas_app.ids import fresh_id, slug
from canvas_app.library import ModuleLibrary
from canvas_app.model import MAX_POPULATION, ConfigurationError, Name, parse_document

PROFILE_FORMAT: Literal["citycanvas-city/1"] = "citycanvas-city/1"
MAX_PROFILE_BYTES = 200 * 1024
"""Largest profile file accepted: a real one is a few kilobytes."""
MAX_ITEMS = 200
"""Most items in ``has`` or ``lacks``: the library names about fifty preconditions in all."""

Item = Annotated[str, Field(min_length=1, max_length=300)]
PreconditionStatus = Literal["met", "not met", "unknown"]


def item_key(text: str) -> str:
    """How items are compared: case and runs of spaces do not matter.

    >>> item_key("  Local parking ordinance   allows MOBILE payment ")
    'local parking ordinance allows mobile payment'
    """
    return re.sub(r"\s+", " ", text).strip().casefold()


class CityProfile(BaseModel):
    """One city a service may be replicated to (or from)."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    format: Literal["citycanvas-city/1"] = PROFILE_FORMAT
    name: Name = Field(description="The city's name, as the replica's city.")
    country: Annotated[str, Field(max_length=100)] = ""
    population: Annotated[int, Field(ge=1, le=MAX_POPULATION)] | None = Field(
        default=None, description="Inhabitants; replication rescales segment sizes and uses by it (omitted: unknown)."
    )
    language: Annotated[str, Field(max_length=60)] = ""
    currency: Annotated[str, Field(pattern=r"^([A-Z]{3})?$")] = Field(
        default="", description="ISO 4217 code of the currency the city's figures are in (EUR, SEK...)."
    )
    has: list[Item] = Field(
        default_factory=list,
        max_length=MAX_ITEMS,
        description="What the city already has: free text, or a precondition the module library names.",
    )
    lacks: list[Item] = Field(
        default_factory=list,
        max_length=MAX_ITEMS,
        description="What the city is known not to have (a precondition listed here is 'not met').",
    )
    notes: Annotated[str, Field(max_length=5000)] = ""

    @model_validator(mode="after")
    def _check_items(self) -> CityProfile:
        problems: list[str] = []
        for field_name in ("has", "lacks"):
            seen: set[str] = set()
            for i, item in enumerate(getattr(self, field_name)):
                if item_key(item) in seen:
                    problems.append(f"{field_name}[{i}]: '{item}' is listed twice")
                seen.add(item_key(item))
        both = {item_key(i) for i in self.has} & {item_key(i) for i in self.lacks}
        for item in self.has:
            if item_key(item) in both:
                problems.append(f"has and lacks both list '{item}': the city either has it or not")
        if problems:
            raise ValueError("\n".join(problems))
        return self

    def status(self, precondition: str) -> PreconditionStatus:
        """Whether the city meets a precondition, by its two lists.

        >>> p = CityProfile(name="Tampere", has=["An open-data portal"], lacks=["street space for stations"])
        >>> p.status("an open-data portal"), p.status("Street space for stations"), p.status("grid capacity")
        ('met', 'not met', 'unknown')
        """
        key = item_key(precondition)
        if any(item_key(i) == key for i in self.has):
            return "met"
        if any(item_key(i) == key for i in self.lacks):
            return "not met"
        return "unknown"


def parse_profile(source: str | bytes | dict[str, Any]) -> CityProfile:
    """Validate JSON text, bytes or a dict into a CityProfile; any problem is a ConfigurationError naming the field."""
    return parse_document(
        source,
        CityProfile,
        document_format=PROFILE_FORMAT,
        noun="a city profile",
        max_bytes=MAX_PROFILE_BYTES,
        size_problem=lambda size: f"profile is {size / 1024:.0f} KB; the limit is {MAX_PROFILE_BYTES // 1024} KB",
    )


def load_profile(path: str | Path) -> CityProfile:
    """Read and validate a profile file; problems are prefixed with the file's name."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigurationError([f"{path}: cannot read ({exc.strerror})"]) from None
    try:
        return parse_profile(data)
    except ConfigurationError as exc:
        raise ConfigurationError([f"{path.name}: {p}" for p in exc.problems]) from None


def dump_profile(profile: CityProfile) -> str:
    return profile.model_dump_json(indent=2)


def library_preconditions(library: ModuleLibrary) -> list[str]:
    """Every precondition the library's modules name, once each, sorted: what a profile can tick."""
    seen: dict[str, str] = {}
    for definition in library:
        for text in definition.attributes.preconditions:
            seen.setdefault(item_key(text), text)
    return sorted(seen.values(), key=item_key)


@dataclass(frozen=True)
class ProfileRecord:
    """A profile kept in a workspace, under a readable id (the slug of its name when first saved)."""

    id: str
    profile: CityProfile


def new_profile_id(name: str, taken: Container[str]) -> str:
    """A readable id for a new profile: the slug of the city's name, numbered when taken.

    >>> new_profile_id("Umeå", set()), new_profile_id("Umeå", {"umea"})
    ('umea', 'umea-2')
    """
    return fresh_id(slug(name, fallback="city"), taken)
