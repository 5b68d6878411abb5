"""Workspace-level domain items: the city's needs and opportunities, its
competitive advantages, and custom modules.

Pure pydantic, like :mod:`canvas_app.model`, so the UI, the CLI and the store
validate the same way and the store stays a dumb, safe keeper of these values.
"""

from __future__ import annotations

import hashlib
import json
from enum import StrEnum
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from canvas_app.library import MAX_MODULE_BYTES
from canvas_app.model import Identifier, Name

Score = Annotated[int, Field(ge=1, le=5)]
MAX_MODULE_TEXT = MAX_MODULE_BYTES
"""A custom module file is small (a few KB); refuse anything absurd before it reaches the database."""


def text_digest(text: str) -> str:
    """SHA-256 of ``text``, shortened: equal digests mean the same text, for change detection."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class StakeholderRating(_Strict):
    """What a co-creation round's participants said about an item, as the designer accepted it: the round,
    the median rating (1–5), how many rated it and how far they agreed, so a ranking shows its evidence."""

    round: Annotated[int, Field(ge=1)]
    median: Annotated[float, Field(ge=1, le=5)]
    n: Annotated[int, Field(ge=1)]
    agreement: Annotated[float, Field(ge=0, le=1)]
    iqr: Annotated[float, Field(ge=0, le=4)]


class WorkspaceNeed(_Strict):
    """A need or (with ``opportunity=True``) an opportunity of the city, ranked by importance and urgency."""

    id: Identifier
    name: Name
    description: Annotated[str, Field(max_length=5000)] = ""
    who: Annotated[str, Field(max_length=300)] = ""
    importance: Score = 3
    urgency: Score = 3
    evidence: Annotated[str, Field(max_length=5000)] = ""
    opportunity: bool = False
    stakeholders: StakeholderRating | None = None
    """The accepted co-creation round's rating of how much the need matters (its importance was set from it)."""


class AdvantageState(StrEnum):
    CURRENT = "current"
    TO_BE = "to_be"


class Advantage(_Strict):
    """A competitive advantage of the city for one service, current or to be developed."""

    id: Identifier
    service: Annotated[str, Field(min_length=1, max_length=300)]
    text: Annotated[str, Field(min_length=1, max_length=5000)]
    state: AdvantageState = AdvantageState.CURRENT
    criteria: list[Annotated[str, Field(min_length=1, max_length=120)]] = Field(default_factory=list)
    modules: list[Identifier] = Field(default_factory=list)
    rated_today: StakeholderRating | None = None
    """The accepted co-creation round's rating of the advantage's strength today (it joins the ranking's score)."""
    rated_target: StakeholderRating | None = None
    """The same round's rating of the strength it should have (shown as the stakeholders' target)."""


class ModuleRecord(_Strict):
    """A custom module kept as the text the city wrote (YAML or JSON), so comments and layout survive.

    Only the shape is checked here (a mapping whose ``id``, if given, matches);
    :meth:`definition` validates against the full module schema.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)  # keep the text byte for byte

    id: Identifier
    text: Annotated[str, Field(min_length=1, max_length=MAX_MODULE_TEXT)]
    format: Literal["yaml", "json"] = "yaml"

    @model_validator(mode="after")
    def _check_text(self) -> ModuleRecord:
        data = self.parsed()
        if not isinstance(data, dict):
            raise ValueError(f"module '{self.id}': text must be a {self.format.upper()} mapping")
        if "id" in data and data["id"] != self.id:
            raise ValueError(f"module '{self.id}': the text says id '{data['id']}'")
        return self

    def digest(self) -> str:
        """A short fingerprint of the text: what an editor remembers of the version it opened."""
        return text_digest(self.text)

    def parsed(self) -> Any:
        """The text as data (raises ValueError on a syntax error)."""
        try:
            if self.format == "json":
                return json.loads(self.text)
            return yaml.safe_load(self.text)
        except (json.JSONDecodeError, yaml.YAMLError) as exc:
            raise ValueError(f"module '{self.id}': not valid {self.format.upper()}: {exc}") from None

    def definition(self) -> Any:
        """Validate against :class:`canvas_app.module_schema.ModuleDefinition`."""
        from canvas_app.module_schema import ModuleDefinition

        return ModuleDefinition.model_validate(self.parsed())
