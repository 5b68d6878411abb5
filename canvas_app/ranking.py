"""Rank the city's needs and opportunities, and its competitive advantages (seed aims a and c).

Rankings are weighted sums of visible criteria, each 0–1, so a steering group
can see why one need outranks another and change the weights.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from canvas_app.evaluation import Evaluation
from canvas_app.model import Configuration, Need
from canvas_app.scoring import CRITERIA
from canvas_app.weights import WeightError, weight_number
from canvas_app.workspace_model import Advantage, AdvantageState, WorkspaceNeed

NEED_CRITERIA = {
    "importance": "How important the need is (1–5)",
    "urgency": "How urgent it is (1–5)",
    "gap": "No configuration serves it yet",
    "evidence": "Evidence is recorded",
}
DEFAULT_NEED_WEIGHTS = {"importance": 3.0, "urgency": 2.0, "gap": 2.0, "evidence": 1.0}
NEED_WEIGHT_PREFIX = "needs."
"""Need-ranking weights are kept among a workspace's stored weights under this prefix,
apart from the score weights (which are keyed by bare criterion id)."""
MAX_NEED_WEIGHT = 10.0


@dataclass(frozen=True)
class NeedService:
    """How one configuration answers a need: the flows that serve it and the modules they came with.

    ``served`` is False when the configuration lists the need but no flow serves it yet
    (the configuration's ``unmet-need`` flag).
    """

    configuration: int  # index into the configurations given to :func:`map_need`
    name: str  # the configuration's name
    served: bool
    flows: tuple[str, ...]  # "label (source → target)" of each serving flow
    modules: tuple[str, ...]  # library module ids of the serving flows


@dataclass(frozen=True)
class RankedNeed:
    need: WorkspaceNeed
    score: float  # 0..100
    parts: dict[str, float]  # criterion → 0..1
    served_by: tuple[str, ...]  # names of configurations that serve it
    modules: tuple[str, ...]  # library modules whose flows serve it
    services: tuple[NeedService, ...] = ()  # every configuration that lists it, served or not

    @property
    def unserved(self) -> bool:
        """No configuration serves this need (it may still be listed in some, unserved)."""
        return not self.served_by


class _ConfigurationNeeds:
    """One configuration's own needs indexed by id and by name (built once per ranking, not per need)."""

    def __init__(self, config: Configuration):
        self.config = config
        self.by_id = {own.id: own for own in config.needs}
        self.by_name: dict[str, Need] = {}
        for own in config.needs:
            self.by_name.setdefault(own.name.strip().lower(), own)
        self.instance_module = {m.id: m.module for m in config.modules}
        self.flows = {f.id: f for f in config.flows}
        self.names = {a.id: a.name for a in config.actors}

    def entry(self, need: WorkspaceNeed) -> Need | None:
        return self.by_id.get(need.id) or self.by_name.get(need.name.strip().lower())

    def modules(self, own: Need) -> set[str]:
        """Library modules of the flows serving ``own``."""
        return {
            self.instance_module[m]
            for f in own.served_by
            if f in self.flows and (m := self.flows[f].module) in self.instance_module
        }

    def service(self, index: int, own: Need) -> NeedService:
        described = tuple(
            f"{flow.label or flow.kind.value} ({self.names[flow.source]} → {self.names[flow.target]})"
            for f in own.served_by
            if (flow := self.flows.get(f)) is not None
        )
        return NeedService(index, self.config.name, bool(own.served_by), described, tuple(sorted(self.modules(own))))


def own_entry(need: WorkspaceNeed, config: Configuration) -> Need | None:
    """The configuration's own entry for a workspace need: same id, else (files made elsewhere) same name."""
    return _ConfigurationNeeds(config).entry(need)


def serving(need: WorkspaceNeed, config: Configuration) -> tuple[bool, set[str]]:
    """Whether a configuration serves a workspace need, and through which library modules.

    A configuration refers to a workspace need by listing it in its own ``needs`` with the same id
    (or, for files made elsewhere, the same name); it serves it when that entry names serving flows,
    exactly the rule of the ``unmet-need`` flag (:func:`canvas_app.checks.check_unmet_needs`).
    """
    indexed = _ConfigurationNeeds(config)
    own = indexed.entry(need)
    if own is None:
        return False, set()
    return bool(own.served_by), indexed.modules(own)


def map_needs(
    needs: Sequence[WorkspaceNeed], configurations: Sequence[Configuration]
) -> dict[str, tuple[NeedService, ...]]:
    """For each need (by id), every configuration that lists it, with the flows and modules serving it there.

    This is the "needs served" mapping: a need no configuration serves has no entry whose
    ``served`` is True.
    """
    indexed = [_ConfigurationNeeds(config) for config in configurations]
    mapping = {}
    for need in needs:
        services = []
        for index, config_needs in enumerate(indexed):
            own = config_needs.entry(need)
            if own is not None:
                services.append(config_needs.service(index, own))
        mapping[need.id] = tuple(services)
    return mapping


def map_need(need: WorkspaceNeed, configurations: Sequence[Configuration]) -> tuple[NeedService, ...]:
    """Every configuration that lists ``need``, with the flows and modules that serve it there.

    >>> from canvas_app.model import Configuration
    >>> c = Configuration.model_validate({"name": "Parking", "actors": [
    ...     {"id": "op", "name": "Operator", "type": "platform_operator"},
    ...     {"id": "d", "name": "Drivers", "type": "citizen"}],
    ...     "flows": [{"id": "f1", "source": "op", "target": "d", "kind": "service", "label": "pay by phone"}],
    ...     "needs": [{"id": "pay", "name": "Pay by phone", "served_by": ["f1"]}]})
    >>> map_need(WorkspaceNeed(id="pay", name="Pay by phone"), [c])[0].flows
    ('pay by phone (Operator → Drivers)',)
    """
    return map_needs([need], configurations)[need.id]


def with_need_served(config: Configuration, need: WorkspaceNeed, flow_ids: Sequence[str]) -> Configuration:
    """The configuration with ``need`` served by ``flow_ids`` (an empty list: listed, not served yet).

    Updates the configuration's own entry for the need (see :func:`own_entry`) or adds one with the
    workspace need's id, name, importance, urgency and evidence. Raises ``ValueError`` (pydantic)
    naming the flow when one does not exist.
    """
    data = config.model_dump(mode="json")
    own = own_entry(need, config)
    flows = list(dict.fromkeys(flow_ids))
    if own is not None:
        for entry in data["needs"]:
            if entry["id"] == own.id:
                entry["served_by"] = flows
    else:
        data["needs"].append(
            {
                "id": need.id,
                "name": need.name,
                "importance": need.importance,
                "urgency": need.urgency,
                "evidence": need.evidence,
                "served_by": flows,
            }
        )
    return Configuration.model_validate(data)


def need_weights(stored: Mapping[str, float]) -> dict[str, float]:
    """The need-ranking weights held among a workspace's stored weights, defaults for the rest."""
    return {
        name: float(stored.get(NEED_WEIGHT_PREFIX + name, default)) for name, default in DEFAULT_NEED_WEIGHTS.items()
    }


def check_need_weights(raw: Mapping[str, object]) -> dict[str, float]:
    """Check need-ranking weights typed by a user; raises WeightError with one readable line a problem.

    >>> check_need_weights({"importance": "2", "urgency": 1, "gap": 0, "evidence": None})
    Traceback (most recent call last):
    ...
    canvas_app.weights.WeightError: Evidence: enter a weight from 0 to 10.
    >>> check_need_weights({"importance": 0, "urgency": 0, "gap": 0, "evidence": 0})
    Traceback (most recent call last):
    ...
    canvas_app.weights.WeightError: Give at least one criterion a weight above 0.
    """
    weights: dict[str, float] = {}
    problems: list[str] = []
    for name in DEFAULT_NEED_WEIGHTS:
        number = weight_number(raw.get(name))
        if number is None or not 0 <= number <= MAX_NEED_WEIGHT:  # the range refuses NaN
            problems.append(f"{name.capitalize()}: enter a weight from 0 to {MAX_NEED_WEIGHT:g}.")
            continue
        weights[name] = number
    if not problems and not any(weights.values()):
        problems.append("Give at least one criterion a weight above 0.")
    if problems:
        raise WeightError(problems)
    return weights


def rank_needs(
    needs: Sequence[WorkspaceNeed],
    configurations: Sequence[Configuration],
    weights: Mapping[str, float] | None = None,
) -> list[RankedNeed]:
    """Needs ranked by weighted importance, urgency, gap and evidence; ties keep the given order.

    score = 100 × Σ weight·part / Σ weight, each part 0–1: importance and urgency map 1–5 onto
    0–1, gap is 1 when no configuration serves the need, evidence 1 when some is recorded.
    """
    w = {**DEFAULT_NEED_WEIGHTS, **(weights or {})}
    total = sum(w.values()) or 1.0
    ranked = []
    mapping = map_needs(needs, configurations)
    for need in needs:
        services = mapping[need.id]
        served_by = [s.name for s in services if s.served]
        modules = {m for s in services if s.served for m in s.modules}
        parts = {
            "importance": (need.importance - 1) / 4,
            "urgency": (need.urgency - 1) / 4,
            "gap": 0.0 if served_by else 1.0,
            "evidence": 1.0 if need.evidence.strip() else 0.0,
        }
        score = 100 * sum(w[k] * v for k, v in parts.items()) / total
        ranked.append(RankedNeed(need, round(score, 1), parts, tuple(served_by), tuple(sorted(modules)), services))
    return sorted(ranked, key=lambda r: -r.score)


def unserved_needs(ranked: Sequence[RankedNeed]) -> list[RankedNeed]:
    """The needs no configuration serves, in rank order (the gaps a new service could fill)."""
    return [r for r in ranked if r.unserved]


@dataclass(frozen=True)
class RankedAdvantage:
    advantage: Advantage
    score: float  # 0..100: how strongly the service's scores support it
    support: dict[str, float]  # criterion id → value 0..1 in the service's configuration
    missing_modules: tuple[str, ...]  # linked modules the configuration does not use yet
    service_found: bool = True  # False: no configuration of that name, nothing can support it

    @property
    def gaps(self) -> dict[str, float]:
        """How far each linked criterion is from full support (1 − value): what a to-be advantage still needs."""
        return {c: round(1 - v, 4) for c, v in self.support.items()}


def rank_advantages(
    advantages: Sequence[Advantage],
    evaluations: Mapping[str, tuple[Configuration, Evaluation]],
) -> list[RankedAdvantage]:
    """Rank advantages by the support their linked criteria get in the service's configuration.

    ``evaluations`` maps a service name to its chosen configuration and evaluation. Current
    advantages should be well supported already; to-be advantages rank by how much is in place,
    and list the linked modules still to add. When a co-creation round's ratings were accepted,
    the stakeholders' strength today ((median − 1) / 4) is one more part of the mean.
    """
    ranked = []
    for advantage in advantages:
        pair = evaluations.get(advantage.service)
        support: dict[str, float] = {}
        missing: tuple[str, ...] = tuple(advantage.modules)
        if pair is not None:
            config, evaluation = pair
            values = {c.id: c.value for s in evaluation.scores.values() for c in s.criteria}
            support = {c: values[c] for c in advantage.criteria if c in values}
            used = {m.module for m in config.modules}
            missing = tuple(m for m in advantage.modules if m not in used)
        parts = list(support.values())
        if advantage.modules:
            parts.append(1 - len(missing) / len(advantage.modules))
        if advantage.rated_today is not None:
            parts.append((advantage.rated_today.median - 1) / 4)
        score = 100 * sum(parts) / len(parts) if parts else 0.0
        ranked.append(RankedAdvantage(advantage, round(score, 1), support, missing, pair is not None))
    order = {AdvantageState.CURRENT: 0, AdvantageState.TO_BE: 1}
    return sorted(ranked, key=lambda r: (order[r.advantage.state], -r.score))


def criterion_choices() -> list[tuple[str, str, str]]:
    """``(criterion id, label, score name)`` of every scoring criterion, for linking an advantage to them."""
    return [(c.id, c.label, c.score) for c in CRITERIA]
