"""Schema of a library module: a typed fragment of the value graph.

A module is data, not code: one YAML file per module in ``modules/`` (or in a
city's own folder), validated against :class:`ModuleDefinition` on load.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    SerializerFunctionWrapHandler,
    Tag,
    model_serializer,
    model_validator,
)

from canvas_app.estimates import MAX_FORMULA_LENGTH, NAMES, SAMPLE_SCALE, FormulaError, evaluate
from canvas_app.flags import FLAGS_BY_CODE
from canvas_app.model import QUANTITIES, ActorType, FlowKind, Identifier, MarginalCost, Name, NonNegative, Years


class Category(StrEnum):
    DATA = "data"
    INFRASTRUCTURE = "infrastructure"
    CHANNELS = "channels"
    SERVICES = "services"
    REVENUE = "revenue"
    FUNDING = "funding"
    SHARING = "sharing"


BUILTIN_ROLES: dict[str, ActorType] = {
    "city": ActorType.CITY,
    "citizen": ActorType.CITIZEN,
    "platform_operator": ActorType.PLATFORM_OPERATOR,
}
"""Roles a module may use without declaring them: every configuration has (or gets) them."""

BMC_BLOCKS = (
    "customer_segments",
    "value_propositions",
    "channels",
    "customer_relationships",
    "revenue_streams",
    "key_resources",
    "key_activities",
    "key_partnerships",
    "cost_structure",
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class RoleTemplate(_Strict):
    """An actor a module brings; merged with an existing actor of the same role when placed."""

    role: Identifier
    type: ActorType
    name: Name
    local: bool = False
    count: Annotated[int, Field(ge=0)] | None = None


FormulaText = Annotated[str, Field(min_length=1, max_length=MAX_FORMULA_LENGTH)]
DefaultQuantity = Annotated[
    Annotated[NonNegative, Tag("number")] | Annotated[FormulaText, Tag("formula")],
    Discriminator(lambda v: "formula" if isinstance(v, str) else "number"),
]
"""A number or a formula; the discriminator reports only the matching kind's problem (not both)."""
DEFAULT_HELP = (
    "A default the placement writes as an estimate: a number, or a formula of "
    + ", ".join(NAMES)
    + " with numbers, + - * /, min, max and round. Left empty when a name has no value."
)


class FlowTemplate(_Strict):
    source: Identifier
    target: Identifier
    kind: FlowKind
    label: Annotated[str, Field(max_length=300)] = ""
    amount: DefaultQuantity | None = Field(default=None, description=DEFAULT_HELP)
    occurrences: DefaultQuantity | None = Field(default=None, description=DEFAULT_HELP)
    standards: list[str] = Field(default_factory=list)
    marginal_cost: MarginalCost | None = None
    term_years: Years | None = Field(default=None, description="Contract term the flow runs for (years from year 1).")
    payback_years: Years | None = Field(
        default=None, description="Investments: years within which the investor expects its money back."
    )

    @model_serializer(mode="wrap")
    def _omit_unset_years(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        """Leave out years a module does not set, so definitions stored in files before them stay as they were."""
        data: dict[str, Any] = handler(self)
        for name in ("term_years", "payback_years"):
            if data.get(name) is None:
                data.pop(name, None)
        return data

    @model_validator(mode="after")
    def _years_fit_kind(self) -> FlowTemplate:
        if self.payback_years is not None and self.kind is not FlowKind.INVESTMENT:
            raise ValueError(f"payback_years: only an investment has a payback period (this flow is {self.kind.value})")
        if self.term_years is not None and self.kind is FlowKind.INVESTMENT:
            raise ValueError("term_years: an investment is paid once, in year 0; give its payback_years instead")
        return self


class Impacts(_Strict):
    """Declared impacts, 0 (none) to 3 (strong)."""

    economic: Annotated[int, Field(ge=0, le=3)] = 0
    social: Annotated[int, Field(ge=0, le=3)] = 0
    environmental: Annotated[int, Field(ge=0, le=3)] = 0


class Ova(_Strict):
    """How the module serves the Opportunity–Value–Advantage framework (free text)."""

    opportunity: str = ""
    value: str = ""
    advantage: str = ""


FLAG_CODES = tuple(FLAGS_BY_CODE)
"""Flag codes of the checks (the registry in canvas_app/flags.py): what a module may declare it remedies."""


class Remedy(_Strict):
    """A flag the module can close, and the type of the flagged actor it acts on (its own role of that type).

    The recommender only tries a module for a flag it declares, and still checks by re-scoring that
    placing it removes the problem for an element the flag names.
    """

    flag: Literal[FLAG_CODES]  # type: ignore[valid-type]  # Literal of a tuple built at import: pydantic reads it, mypy cannot
    role: ActorType


class Attributes(_Strict):
    marginal_cost: MarginalCost | None = None
    network_effects: Literal["none", "same_side", "cross_side"] = "none"
    revenue_model: list[str] = Field(default_factory=list)
    standards: list[str] = Field(default_factory=list)
    open_source: bool = False
    locality: Literal["generic", "adaptable", "local"] = "generic"
    preconditions: list[str] = Field(default_factory=list)
    impacts: Impacts = Field(default_factory=Impacts)
    bmc_blocks: list[Literal[BMC_BLOCKS]] = Field(default_factory=list)  # type: ignore[valid-type]  # Literal of a tuple built at import: pydantic reads it, mypy cannot
    ova: Ova = Field(default_factory=Ova)
    remedies: list[Remedy] = Field(default_factory=list)
    consent: bool = Field(
        default=False,
        description="The module lets residents give and withdraw consent to uses of their personal data "
        "(GDPR Art. 7; OASC MIM4, MyData): placing it is the consent mechanism the personal-data check asks for.",
    )

    @model_serializer(mode="wrap")
    def _omit_no_consent(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        """Leave ``consent`` out when false, so definitions embedded in saved configurations stay as they were."""
        data: dict[str, Any] = handler(self)
        if not self.consent:
            data.pop("consent", None)
        return data


class Source(_Strict):
    title: Name
    url: str | None = None
    note: str = ""


class ModuleDefinition(_Strict):
    id: Identifier
    name: Name
    category: Category
    summary: Annotated[str, Field(min_length=1, max_length=1000)]
    actors: list[RoleTemplate] = Field(default_factory=list)
    flows: list[FlowTemplate] = Field(default_factory=list)
    attributes: Attributes = Field(default_factory=Attributes)
    sources: list[Source] = Field(min_length=1)

    @model_validator(mode="after")
    def _check_roles(self) -> ModuleDefinition:
        problems: list[str] = []
        roles = set(BUILTIN_ROLES)
        for i, template in enumerate(self.actors):
            if template.role in roles and template.role not in BUILTIN_ROLES:
                problems.append(f"actors[{i}]: role '{template.role}' is declared twice")
            roles.add(template.role)
        for i, flow in enumerate(self.flows):
            for end in ("source", "target"):
                ref = getattr(flow, end)
                if ref not in roles:
                    problems.append(
                        f"flows[{i}]: {end}: unknown role '{ref}' (declare it under actors, or use city, citizen, platform_operator)"
                    )
            if flow.source == flow.target:
                problems.append(f"flows[{i}]: source and target are both '{flow.source}'")
        types = {t.type for t in self.actors} | {
            BUILTIN_ROLES[r] for f in self.flows for r in (f.source, f.target) if r in BUILTIN_ROLES
        }
        seen: set[tuple[str, str]] = set()
        for i, remedy in enumerate(self.attributes.remedies):
            where = f"attributes: remedies[{i}]"
            if remedy.role not in types:
                problems.append(f"{where}: role: the module has no actor of type '{remedy.role.value}' to act on")
            if (remedy.flag, remedy.role) in seen:
                problems.append(f"{where}: '{remedy.flag}' for '{remedy.role.value}' is declared twice")
            seen.add((remedy.flag, remedy.role))
        if problems:
            raise ValueError("\n".join(problems))
        return self

    @model_validator(mode="after")
    def _check_formulas(self) -> ModuleDefinition:
        """Each default formula must read and give a quantity at a typical scale (SAMPLE_SCALE)."""
        problems: list[str] = []
        for i, flow in enumerate(self.flows):
            for quantity in QUANTITIES:
                text = getattr(flow, quantity)
                if not isinstance(text, str):
                    continue
                try:
                    evaluate(text, SAMPLE_SCALE)
                except FormulaError as exc:
                    problems.append(f"{flow_place(self.id, i, flow)}: {quantity}: formula '{text}': {exc}")
        if problems:
            raise ValueError("\n".join(problems))
        return self


def flow_place(module_id: str, index: int, flow: FlowTemplate) -> str:
    """Where a flow template is, for messages: ``module 'x', flows[0] (citizen → platform_operator, 'fee')``."""
    label = f", '{flow.label}'" if flow.label else ""
    return f"module '{module_id}', flows[{index}] ({flow.source} → {flow.target}{label})"
