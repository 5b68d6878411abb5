"""The ``citycanvas/1`` domain model: one configuration of one city service.

A configuration is a directed multigraph: actors are nodes, value flows are
edges. Every rule of the `citycanvas/1` file format is enforced here, in one pydantic model, so
the CLI, the storage layer and the editor all reject the same bad input with
the same message.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    ValidationError,
    field_validator,
    model_serializer,
    model_validator,
)

from canvas_app.criteria import MAX_YEARS, check_parameters, check_weights

FORMAT: Literal["citycanvas/1"] = "citycanvas/1"
MAX_FILE_BYTES = 10 * 1024 * 1024
"""Largest configuration file accepted (10 MB; a 5,000-actor configuration is ~3 MB)."""

DocumentModel = TypeVar("DocumentModel", bound=BaseModel)

Identifier = Annotated[
    str,
    Field(min_length=1, max_length=120, pattern=r"^[A-Za-z0-9_][A-Za-z0-9_.:\-]*$"),
]
Name = Annotated[str, Field(min_length=1, max_length=300)]
MAX_QUANTITY = 1e12
"""Largest amount or number of occurrences accepted: far above any city's budget or traffic, and
small enough that money sums over thousands of flows stay exact floats (no overflow, no inf)."""
MAX_COUNT = 10_000_000_000
"""Largest segment size accepted: more people than live on Earth."""
NonNegative = Annotated[float, Field(ge=0, le=MAX_QUANTITY, allow_inf_nan=False)]


class ActorType(StrEnum):
    CITY = "city"
    CITIZEN = "citizen"
    BUSINESS = "business"
    PLATFORM_OPERATOR = "platform_operator"
    SERVICE_PROVIDER = "service_provider"
    TECHNOLOGY_VENDOR = "technology_vendor"
    PUBLIC_AGENCY = "public_agency"
    FUNDER = "funder"
    RESEARCH = "research"
    COMMUNITY = "community"


class FlowKind(StrEnum):
    MONEY = "money"
    GRANT = "grant"
    INVESTMENT = "investment"
    DATA = "data"
    SERVICE = "service"
    GOODS = "goods"
    KNOWLEDGE = "knowledge"
    REPUTATION = "reputation"
    PERMISSION = "permission"


FINANCIAL_KINDS = frozenset({FlowKind.MONEY, FlowKind.GRANT, FlowKind.INVESTMENT})
"""Kinds that move money; the rest are tangible or intangible value objects."""

PUBLIC_TYPES = frozenset({ActorType.CITY, ActorType.PUBLIC_AGENCY})
"""Actors that spend the public budget: one funding source, and the city's own position, reported apart."""

MarginalCost = Literal["low", "medium", "high"]
Quantity = Literal["amount", "occurrences"]
QUANTITIES: tuple[Quantity, ...] = ("amount", "occurrences")
"""A flow's quantities: each is either entered by the user or an estimate placed by a module."""
MAX_POPULATION = 100_000_000
"""Largest city population accepted (the largest metropolitan areas hold about 40 million)."""
Period = Literal["day", "week", "month", "quarter", "year"]
PERIODS_PER_YEAR: dict[str, int] = {"day": 365, "week": 52, "month": 12, "quarter": 4, "year": 1}
"""How many of a configuration's periods make a year: money over time is counted in years."""
Years = Annotated[int, Field(ge=1, le=MAX_YEARS)]


class _Strict(BaseModel):
    """Base for every file element: unknown fields are errors, not silently dropped."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Position(_Strict):
    x: Annotated[float, Field(allow_inf_nan=False)] = 0.0
    y: Annotated[float, Field(allow_inf_nan=False)] = 0.0


class Actor(_Strict):
    id: Identifier
    name: Name
    type: ActorType
    local: bool = False
    count: Annotated[int, Field(ge=0, le=MAX_COUNT)] | None = None
    position: Position | None = None
    module: Identifier | None = None
    notes: Annotated[str, Field(max_length=5000)] = ""
    fixed_cost: NonNegative | None = Field(
        default=None,
        description="Own running costs per period not paid to an actor on the canvas (staff, energy, maintenance).",
    )
    capital_cost: NonNegative | None = Field(
        default=None, description="One-off outlay at the start (hardware, installation), paid in year 0."
    )
    unit_costs: dict[Identifier, NonNegative] = Field(
        default_factory=dict, description="Own cost per occurrence of a flow this actor takes part in, by flow id."
    )
    unit_benefits: dict[Identifier, NonNegative] = Field(
        default_factory=dict,
        description="Declared public benefit per occurrence of a flow (time saved, emissions "
        "avoided, in money), by flow id: shown beside the cash, never added to it.",
    )
    funding_source: Identifier | None = Field(
        default=None,
        description="Who really pays when this box pays: boxes with the same funding source are one "
        "source in funding concentration (omitted: the city and public agencies are the "
        "public budget, any other box is its own source).",
    )

    @model_serializer(mode="wrap")
    def _omit_unset_economics(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        """Leave out costs, benefits and a funding source nobody entered, so files written before they existed stay
        as they were."""
        data: dict[str, Any] = handler(self)
        for name in ("fixed_cost", "capital_cost", "funding_source"):
            if getattr(self, name) is None:
                data.pop(name, None)
        for name in ("unit_costs", "unit_benefits"):
            if not getattr(self, name):
                data.pop(name, None)
        return data

    @property
    def has_costs(self) -> bool:
        return bool(self.fixed_cost or self.capital_cost or self.unit_costs)


class Flow(_Strict):
    id: Identifier
    source: Identifier
    target: Identifier
    kind: FlowKind
    label: Annotated[str, Field(max_length=300)] = ""
    amount: NonNegative | None = None
    occurrences: NonNegative | None = None
    standards: list[Annotated[str, Field(min_length=1, max_length=80)]] = Field(default_factory=list)
    marginal_cost: MarginalCost | None = None
    module: Identifier | None = None
    estimated: list[Quantity] = Field(
        default_factory=list,
        description="Quantities that are a module's estimate, not entered by the user (omitted: all entered).",
    )
    term_years: Years | None = Field(
        default=None,
        description="Years the flow runs from year 1 (a contract term); omitted: the whole horizon. "
        "Not for investments, which are paid once in year 0.",
    )
    payback_years: Years | None = Field(
        default=None,
        description="Investments only: years within which the investor expects its money back; "
        "omitted: the configuration's horizon.",
    )
    personal_data: bool = Field(
        default=False,
        description="A data flow that carries personal data (GDPR Art. 4(1)); such flows never raise a score "
        "(omitted: not personal).",
    )

    @model_validator(mode="after")
    def _check_estimated(self) -> Flow:
        problems = []
        if self.payback_years is not None and self.kind is not FlowKind.INVESTMENT:
            problems.append(f"payback_years: only an investment has a payback period (this flow is {self.kind.value})")
        if self.term_years is not None and self.kind is FlowKind.INVESTMENT:
            problems.append("term_years: an investment is paid once, in year 0; give its payback_years instead")
        if self.personal_data and self.kind is not FlowKind.DATA:
            problems.append(
                f"personal_data: only a data flow can carry personal data (this flow is '{self.kind.value}'); "
                "draw the data as a data flow and its payment as a separate money flow"
            )
        for name in sorted(set(self.estimated)):
            if self.estimated.count(name) > 1:
                problems.append(f"estimated: '{name}' is listed twice")
            if getattr(self, name) is None:
                problems.append(f"estimated: '{name}' is marked as an estimate but the flow has no {name}")
        if problems:
            raise ValueError("\n".join(problems))
        return self

    @model_serializer(mode="wrap")
    def _omit_no_estimates(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        """Leave out what is empty or unset (estimates, years, personal data), so older files stay as they were."""
        data: dict[str, Any] = handler(self)
        for name in ("estimated", "term_years", "payback_years", "personal_data"):
            if not getattr(self, name):
                data.pop(name, None)
        return data

    def is_estimated(self, quantity: Quantity) -> bool:
        return quantity in self.estimated

    @property
    def value_per_period(self) -> float | None:
        """Money moved per period, or None when amount is not given."""
        if self.amount is None:
            return None
        return self.amount * (self.occurrences if self.occurrences is not None else 1.0)

    @property
    def per_use(self) -> bool:
        """Happens more than once per period: grows with use (a fee per ride), unlike a fixed yearly payment."""
        return self.occurrences is not None and self.occurrences > 1

    def runs_in(self, year: int) -> bool:
        """Whether the flow happens in ``year`` (investments in year 0 only; others from year 1 to their term)."""
        if self.kind is FlowKind.INVESTMENT:
            return year == 0
        return year >= 1 and (self.term_years is None or year <= self.term_years)


class ModuleInstance(_Strict):
    id: Identifier
    module: Identifier
    position: Position = Field(default_factory=Position)
    definition: dict[str, Any] = Field(default_factory=dict)


class Need(_Strict):
    id: Identifier
    name: Name
    actor: Identifier | None = None
    importance: Annotated[int, Field(ge=1, le=5)] = 3
    urgency: Annotated[int, Field(ge=1, le=5)] | None = None
    evidence: Annotated[str, Field(max_length=5000)] = ""
    served_by: list[Identifier] = Field(default_factory=list)


GOAL_YEARS = (2000, 2100)
"""Plausible target years of a public goal (city strategies set targets for 2025–2050)."""
Measure = Annotated[float, Field(ge=-MAX_QUANTITY, le=MAX_QUANTITY, allow_inf_nan=False)]


class Goal(_Strict):
    """A public goal the service is meant to reach, with how it is measured (the city evaluator's yardstick)."""

    id: Identifier
    name: Name
    need: Identifier | None = Field(default=None, description="The need (id in needs) this goal answers.")
    indicator: Annotated[str, Field(max_length=300)] = Field(default="", description="What is measured.")
    baseline: Measure | None = None
    target: Measure | None = None
    unit: Annotated[str, Field(max_length=80)] = ""
    year: Annotated[int, Field(ge=GOAL_YEARS[0], le=GOAL_YEARS[1])] | None = Field(
        default=None, description="The year by which the target is to be reached."
    )

    @property
    def measurable(self) -> bool:
        """An indicator, a target and a year: without all three nobody can tell whether the goal was met."""
        return bool(self.indicator) and self.target is not None and self.year is not None


class Provenance(_Strict):
    """Where a replica comes from: the configuration it copies, at which revision, from which city, for which."""

    configuration: Name = Field(description="Name of the configuration replicated.")
    revision: Annotated[int, Field(ge=1)] | None = Field(
        default=None, description="Its revision number in the store (omitted: copied from a file)."
    )
    from_city: Annotated[str, Field(max_length=200)] = ""
    for_city: Name
    population_factor: Annotated[float, Field(gt=0, le=MAX_POPULATION, allow_inf_nan=False)] | None = Field(
        default=None,
        description="Target population over source population, by which scaling quantities were multiplied "
        "(omitted: nothing was rescaled).",
    )
    estimated_counts: list[Identifier] = Field(
        default_factory=list, description="Actors whose count (segment size) is a rescaled estimate."
    )

    def sentence(self) -> str:
        """How the replica says where it comes from.

        >>> Provenance(configuration="Parking", revision=3, from_city="Oulu", for_city="Tampere").sentence()
        'Replicated from “Parking”, revision 3 (Oulu), for Tampere.'
        """
        revision = f", revision {self.revision}" if self.revision is not None else ""
        origin = f" ({self.from_city})" if self.from_city else ""
        return f"Replicated from “{self.configuration}”{revision}{origin}, for {self.for_city}."


SCENARIO_KINDS: tuple[str, ...] = ("actor_leaves", "payer_stops", "grant_ends", "demand", "price", "vendor_fees")
"""What can happen to a service in a stress test (rules in docs/stress.md)."""
ScenarioKind = Literal["actor_leaves", "payer_stops", "grant_ends", "demand", "price", "vendor_fees"]
MAX_DEMAND_FACTOR = 1000.0
"""Largest demand multiplier accepted (a thousandfold growth is already beyond any plan)."""
MAX_PERCENT = 1000.0
"""Largest price or fee rise accepted, in percent (a tenfold price); a fall stops at -100 % (free)."""


class Scenario(_Strict):
    """One stress test saved with the configuration: what happens (``kind``) to whom (``actor``, ``flow``).

    Which fields a kind needs: ``actor_leaves`` and ``payer_stops`` an actor; ``grant_ends`` a grant flow, a
    funder (its grants) or neither (every grant); ``demand`` a ``factor``; ``price`` a ``percent`` and a flow
    or a financial ``flow_kind``; ``vendor_fees`` an actor and a ``percent``. An actor or flow deleted since
    is reported when the scenario runs, not refused here, so deleting it stays possible.
    """

    id: Identifier
    kind: ScenarioKind
    actor: Identifier | None = None
    flow: Identifier | None = None
    flow_kind: FlowKind | None = None
    factor: Annotated[float, Field(ge=0, le=MAX_DEMAND_FACTOR, allow_inf_nan=False)] | None = None
    percent: Annotated[float, Field(ge=-100, le=MAX_PERCENT, allow_inf_nan=False)] | None = None

    @model_validator(mode="after")
    def _check_kind(self) -> Scenario:
        needs = {
            "actor_leaves": ("actor",),
            "payer_stops": ("actor",),
            "grant_ends": (),
            "demand": ("factor",),
            "price": ("percent",),
            "vendor_fees": ("actor", "percent"),
        }[self.kind]
        problems = [f"{name}: a '{self.kind}' scenario needs one" for name in needs if getattr(self, name) is None]
        if self.kind == "price" and (self.flow is None) == (self.flow_kind is None):
            problems.append("price: name either one flow or one flow_kind whose money flows change price")
        if self.flow_kind is not None and self.flow_kind not in FINANCIAL_KINDS:
            problems.append(f"flow_kind: only money, grant or investment flows have a price (got '{self.flow_kind}')")
        if problems:
            raise ValueError("\n".join(problems))
        return self

    @model_serializer(mode="wrap")
    def _omit_unset(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        """Only the fields the scenario uses are written."""
        data: dict[str, Any] = handler(self)
        for name in ("actor", "flow", "flow_kind", "factor", "percent"):
            if getattr(self, name) is None:
                data.pop(name, None)
        return data


class Configuration(_Strict):
    """One variant of one city service."""

    format: Literal["citycanvas/1"] = FORMAT
    name: Name
    city: Annotated[str, Field(max_length=200)] = ""
    description: Annotated[str, Field(max_length=20000)] = ""
    period: Period = "year"
    population: Annotated[int, Field(ge=0, le=MAX_POPULATION)] | None = Field(
        default=None, description="Inhabitants of the city; modules' estimates may scale with it."
    )
    actors: list[Actor] = Field(default_factory=list)
    flows: list[Flow] = Field(default_factory=list)
    modules: list[ModuleInstance] = Field(default_factory=list)
    needs: list[Need] = Field(default_factory=list)
    goals: list[Goal] = Field(
        default_factory=list, description="Public goals the service serves (omitted: none stated)."
    )
    weights: dict[Identifier, NonNegative] = Field(default_factory=dict)
    parameters: dict[Identifier, NonNegative] = Field(default_factory=dict)
    """Thresholds the criteria judge against (take-rate band, healthy margin...), by parameter id."""
    replicated_from: Provenance | None = Field(
        default=None, description="Set on a replica made for another city: where it comes from (omitted: an original)."
    )
    scenarios: list[Scenario] = Field(
        default_factory=list, description="Stress tests rerun on every revision (omitted: none saved)."
    )

    @field_validator("scenarios", mode="before")
    @classmethod
    def _no_scenarios(cls, value: Any) -> Any:
        """A change set that removes the last scenario writes null (the empty list is not dumped)."""
        return [] if value is None else value

    @model_validator(mode="after")
    def _check_references(self) -> Configuration:
        problems: list[str] = []
        actor_ids = _unique_ids("actors", self.actors, problems)
        flow_ids = _unique_ids("flows", self.flows, problems)
        module_ids = _unique_ids("modules", self.modules, problems)
        need_ids = _unique_ids("needs", self.needs, problems)
        _unique_ids("goals", self.goals, problems)
        _unique_ids("scenarios", self.scenarios, problems)
        for i, actor in enumerate(self.actors):
            if actor.module is not None and actor.module not in module_ids:
                problems.append(f"actors[{i}] (id '{actor.id}'): module: no placed module has id '{actor.module}'")
        for i, flow in enumerate(self.flows):
            where = f"flows[{i}] (id '{flow.id}')"
            for end in ("source", "target"):
                ref = getattr(flow, end)
                if ref not in actor_ids:
                    problems.append(f"{where}: {end}: no actor has id '{ref}'")
            if flow.source == flow.target:
                problems.append(
                    f"{where}: source and target are both '{flow.source}'; a flow must go from one actor to another"
                )
            if flow.module is not None and flow.module not in module_ids:
                problems.append(f"{where}: module: no placed module has id '{flow.module}'")
        ends = {f.id: (f.source, f.target) for f in self.flows}
        for i, actor in enumerate(self.actors):
            for field_name in ("unit_costs", "unit_benefits"):
                for ref in getattr(actor, field_name):
                    if ref not in ends:
                        problems.append(f"actors[{i}] (id '{actor.id}'): {field_name}: no flow has id '{ref}'")
                    elif actor.id not in ends[ref]:
                        problems.append(
                            f"actors[{i}] (id '{actor.id}'): {field_name}: flow '{ref}' does not start "
                            f"or end at this actor"
                        )
        for i, need in enumerate(self.needs):
            where = f"needs[{i}] (id '{need.id}')"
            if need.actor is not None and need.actor not in actor_ids:
                problems.append(f"{where}: actor: no actor has id '{need.actor}'")
            for ref in need.served_by:
                if ref not in flow_ids:
                    problems.append(f"{where}: served_by: no flow has id '{ref}'")
        for i, goal in enumerate(self.goals):
            if goal.need is not None and goal.need not in need_ids:
                problems.append(f"goals[{i}] (id '{goal.id}'): need: no need has id '{goal.need}'")
        if self.weights:
            try:
                check_weights(self.weights)
            except ValueError as exc:
                problems.append(f"weights: {exc}")
        if self.parameters:
            try:
                check_parameters(self.parameters)
            except ValueError as exc:
                problems.append(f"parameters: {exc}")
        if problems:
            raise ValueError("\n".join(problems))
        return self

    @model_serializer(mode="wrap")
    def _omit_unset_additions(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        """Leave out an unknown ``population``, empty ``parameters``, no ``goals``, no provenance and no
        ``scenarios``, so files written before they existed stay as they were."""
        data: dict[str, Any] = handler(self)
        if self.replicated_from is None:
            data.pop("replicated_from", None)
        if not self.goals:
            data.pop("goals", None)
        if self.population is None:
            data.pop("population", None)
        if not self.parameters:
            data.pop("parameters", None)
        if not self.scenarios:
            data.pop("scenarios", None)
        return data

    # -- convenient lookups (not serialised) ---------------------------------
    def actor(self, actor_id: str) -> Actor:
        return next(a for a in self.actors if a.id == actor_id)

    def flow(self, flow_id: str) -> Flow:
        return next(f for f in self.flows if f.id == flow_id)

    def flow_name(self, flow: Flow, quoted: bool = True) -> str:
        """How people name a flow: its label (else its kind) and the names of its ends; ids stay in files.
        ``quoted=False`` for lists a user types into (a select's type-ahead starts at the label).

        >>> c = Configuration.model_validate({"name": "x", "actors": [{"id": "a", "name": "Riders", "type": "citizen"},
        ...     {"id": "b", "name": "Operator", "type": "business"}],
        ...     "flows": [{"id": "f1", "source": "a", "target": "b", "kind": "money", "label": "subscription"}]})
        >>> c.flow_name(c.flows[0])
        '“subscription” (Riders → Operator)'
        """
        names = {a.id: a.name for a in self.actors}
        label = flow.label or flow.kind.value
        return (
            f"{f'“{label}”' if quoted else label} ({names.get(flow.source, flow.source)} → "
            f"{names.get(flow.target, flow.target)})"
        )


def _unique_ids(collection: str, items: list[Any], problems: list[str]) -> set[str]:
    seen: set[str] = set()
    for i, item in enumerate(items):
        if item.id in seen:
            problems.append(f"{collection}[{i}]: id '{item.id}' is used twice in {collection}")
        seen.add(item.id)
    return seen


class ConfigurationError(ValueError):
    """A configuration file or edit was refused; ``problems`` are readable one-liners."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


def describe_validation_error(error: ValidationError, data: Any = None) -> list[str]:
    """Turn a pydantic error into lines that name the field and the element.

    >>> try:
    ...     data = {"name": "x", "actors": [{"id": "a", "name": "A", "type": "alien"}]}
    ...     Configuration.model_validate(data)
    ... except ValidationError as e:
    ...     print(describe_validation_error(e, data)[0])
    actors[0] (id 'a'): type: input should be 'city', 'citizen', 'business', 'platform_operator', 'service_provider', 'technology_vendor', 'public_agency', 'funder', 'research' or 'community' (got 'alien')
    """
    lines: list[str] = []
    for err in error.errors(include_url=False):
        loc = list(err.get("loc", ()))
        message = str(err.get("msg", "invalid"))
        if err.get("type") == "value_error":
            # our own checks: already phrased per element (a field-level one gets its element's place)
            where = _locate(loc, data if data is not None else err.get("input")) if loc else ""
            lines.extend(where + part.strip() for part in message.removeprefix("Value error, ").splitlines())
            continue
        lines.append(_locate(loc, data if data is not None else err.get("input")) + _phrase(err))
    return lines or [str(error)]


def _phrase(err: Any) -> str:
    message = str(err.get("msg", "invalid"))
    kind = err.get("type", "")
    if kind == "extra_forbidden":
        return "unknown field (not part of citycanvas/1)"
    if kind == "missing":
        return "is required"
    if kind == "string_pattern_mismatch":
        message = "an id may use letters, digits and _ . : - only (no spaces)"
    message = message[0].lower() + message[1:] if message else message
    given = err.get("input")
    if kind not in ("json_invalid",) and isinstance(given, (str, int, float, bool)) and len(repr(given)) < 60:
        message += f" (got {given!r})"
    return message


def _locate(loc: list[Any], data: Any) -> str:
    """Render ``['flows', 3, 'amount']`` as ``flows[3] (id 'f4'): amount: ``."""
    parts: list[str] = []
    node = data
    i = 0
    while i < len(loc):
        key = loc[i]
        if isinstance(key, str) and i + 1 < len(loc) and isinstance(loc[i + 1], int):
            index = loc[i + 1]
            label = f"{key}[{index}]"
            try:
                element = node[key][index] if isinstance(node, dict) else None
            except (KeyError, IndexError, TypeError):
                element = None
            if isinstance(element, dict) and isinstance(element.get("id"), str):
                label += f" (id '{element['id']}')"
            parts.append(label)
            node = element
            i += 2
            continue
        parts.append(str(key))
        node = node.get(key) if isinstance(node, dict) else None
        i += 1
    return (": ".join(parts) + ": ") if parts else ""


def parse_document(
    source: str | bytes | dict[str, Any],
    model: type[DocumentModel],
    *,
    document_format: str,
    noun: str,
    max_bytes: int,
    size_problem: Callable[[int], str],
) -> DocumentModel:
    """Validate JSON text, bytes or a parsed dict into ``model``: the one reading of every file format.

    Text over ``max_bytes`` is refused with ``size_problem(size)`` before it is parsed; every other
    problem is a ConfigurationError naming the field, never a bare traceback.
    """
    if isinstance(source, (str, bytes)):
        size = len(source.encode() if isinstance(source, str) else source)
        if size > max_bytes:
            raise ConfigurationError([size_problem(size)])
        try:
            data = json.loads(source)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ConfigurationError([f"not valid JSON: {exc}"]) from None
        except RecursionError:
            raise ConfigurationError(["not valid JSON: nested too deeply"]) from None
    else:
        data = source
    if not isinstance(data, dict):
        raise ConfigurationError([f"{noun} must be a JSON object, not {type(data).__name__}"])
    if data.get("format", document_format) != document_format:
        raise ConfigurationError([f"format: expected '{document_format}', got {data.get('format')!r}"])
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ConfigurationError(describe_validation_error(exc, data)) from None
    except RecursionError:
        raise ConfigurationError([f"{noun} is nested too deeply"]) from None


def parse_configuration(source: str | bytes | dict[str, Any]) -> Configuration:
    """Validate JSON text, bytes or an already-parsed dict into a Configuration.

    Raises ConfigurationError (never a bare traceback) on any problem.
    """
    return parse_document(
        source,
        Configuration,
        document_format=FORMAT,
        noun="a configuration",
        max_bytes=MAX_FILE_BYTES,
        size_problem=file_size_problem,
    )


def file_size_problem(size: int) -> str:
    """The message for a configuration file over MAX_FILE_BYTES."""
    return f"file is {size / 1e6:.1f} MB; the limit is {MAX_FILE_BYTES / 1e6:.0f} MB"


def load_configuration(path: str | Path) -> Configuration:
    """Read and validate a configuration file, refusing files over MAX_FILE_BYTES before reading them."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ConfigurationError([f"{path}: cannot read ({exc.strerror})"]) from None
    if size > MAX_FILE_BYTES:
        raise ConfigurationError([f"{path}: {file_size_problem(size)}"])
    try:
        return parse_configuration(path.read_bytes())
    except ConfigurationError as exc:
        raise ConfigurationError([f"{path.name}: {p}" for p in exc.problems]) from None


def dump_configuration(config: Configuration) -> str:
    """Serialise to canonical JSON (optional fields that are unset are omitted)."""
    return config.model_dump_json(indent=2, exclude_defaults=False)


def to_dict(config: Configuration) -> dict[str, Any]:
    return config.model_dump(mode="json")


def json_schema() -> dict[str, Any]:
    """The JSON Schema of ``citycanvas/1`` (committed as ``schema/citycanvas-1.schema.json``)."""
    schema = Configuration.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "citycanvas/1"
    return schema


def forget_flows(data: dict[str, Any], gone: set[str]) -> None:
    """Remove the flows ``gone`` from a configuration's ``data`` (as dumped) with every reference to them: the
    needs they serve and the actors' own costs and benefits per occurrence. Edits that delete flows call it, so a
    cost entered on a flow never blocks deleting that flow or its actor."""
    data["flows"] = [f for f in data["flows"] if f["id"] not in gone]
    for need in data.get("needs", []):
        need["served_by"] = [ref for ref in need.get("served_by", []) if ref not in gone]
    for actor in data["actors"]:
        for name in ("unit_costs", "unit_benefits"):
            if actor.get(name):
                actor[name] = {ref: value for ref, value in actor[name].items() if ref not in gone}


def detach_flow_ends(data: dict[str, Any], flow_id: str) -> None:
    """Drop the per-occurrence costs and benefits on ``flow_id`` held by actors that are no longer one of its ends
    (after the flow was redrawn between other actors): they described the old end's part in it."""
    flow = next(f for f in data["flows"] if f["id"] == flow_id)
    for actor in data["actors"]:
        if actor["id"] in (flow["source"], flow["target"]):
            continue
        for name in ("unit_costs", "unit_benefits"):
            if flow_id in (actor.get(name) or {}):
                actor[name] = {ref: value for ref, value in actor[name].items() if ref != flow_id}
