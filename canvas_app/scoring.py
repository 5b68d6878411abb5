"""Transparent scoring (DESIGN.md §6): six scores, each a weighted mean of named criteria.

Every criterion is a number in [0, 1] with a one-line explanation computed
from the graph and the placed modules' attributes. Weights default to the
values below and can be overridden per configuration (``weights`` in the file,
keyed by criterion id) or per workspace.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from canvas_app.checks import funding_hhi, grant_share, lock_in_vendors, single_points_of_failure
from canvas_app.ecosystem import BUSINESS_TYPES, USER_SEGMENT_TYPES, Ecosystem, GROWTH_FACTORS, is_open_standard
from canvas_app.evaluation import SCORE_NAMES, Criterion, Score
from canvas_app.model import FINANCIAL_KINDS, ActorType, FlowKind

Measure = Callable[[Ecosystem], tuple[float, str]]
COST_VALUE = {"low": 1.0, "medium": 0.5, "high": 0.0}
TARGET_TAKE_RATE = 0.2
"""A platform keeping 20 % of the money passing through it captures its value fully."""


@dataclass(frozen=True)
class CriterionSpec:
    id: str
    score: str
    label: str
    weight: float
    measure: Measure


def _clamp(value: float) -> float:
    return max(0.0, min(1.0, value))


# -- scalability -----------------------------------------------------------------
def network_effects(eco: Ecosystem) -> tuple[float, str]:
    if eco.platform is None:
        return 0.0, "No platform operator: nothing can bring sides together."
    loop = eco.cross_side_loop
    value = 0.4 * eco.is_multi_sided + 0.6 * (loop is not None)
    if loop:
        d, s = (eco.actors[x].name for x in loop)
        return value, f"{d} and {s} reach each other through {eco.platform.name}: a cross-side loop."
    if eco.is_multi_sided:
        return value, f"{eco.platform.name} has two sides but value does not loop between them."
    return value, f"{eco.platform.name} serves one side only."


def marginal_cost(eco: Ecosystem) -> tuple[float, str]:
    module_cost = {m_id: d.attributes.marginal_cost for m_id, d in eco.definitions.items()}
    costs = []
    for flow in eco.flows:
        if flow.kind is FlowKind.SERVICE and eco.actors[flow.target].type in USER_SEGMENT_TYPES:
            cost = flow.marginal_cost or (module_cost.get(flow.module) if flow.module else None)
            costs.append(COST_VALUE.get(cost or "", 0.5))
    if not costs:
        return 0.5, "No service reaches a user segment yet; marginal cost unknown."
    value = sum(costs) / len(costs)
    return value, f"Mean cost of serving one more user over {len(costs)} service flows (low = 1, high = 0)."


def revenue_growth(eco: Ecosystem) -> tuple[float, str]:
    business = eco.must_break_even
    if not business:
        return 0.5, "No money amounts on business actors' flows: growth cannot be judged."
    top = GROWTH_FACTORS[-1]
    ok = [a for a in business if eco.net_values[a].net_at(top) >= 0]
    return len(ok) / len(business), f"{len(ok)} of {len(business)} business actors stay at or above zero when use grows ×{top}."


def no_bottleneck(eco: Ecosystem) -> tuple[float, str]:
    spofs = single_points_of_failure(eco)
    if not spofs:
        return 1.0, "No actor other than the city or the platform is the only link between others."
    return _clamp(1 - len(spofs) / 3), f"{len(spofs)} actor(s) are single points of failure."


def connected(eco: Ecosystem) -> tuple[float, str]:
    parts = [c for c in eco.components if len(c) > 1 or eco.degree(c[0]) > 0]
    if len(parts) <= 1:
        return 1.0, "All actors that exchange value form one ecosystem."
    return 1 / len(parts), f"The ecosystem falls into {len(parts)} separate parts."


# -- replicability ------------------------------------------------------------------
def open_standards(eco: Ecosystem) -> tuple[float, str]:
    data = [f for f in eco.flows if f.kind is FlowKind.DATA]
    if not data:
        return 1.0, "No data flows to standardise."
    open_ = [f for f in data if any(is_open_standard(s) for s in f.standards)]
    return len(open_) / len(data), f"{len(open_)} of {len(data)} data flows use an open standard."


def generic_roles(eco: Ecosystem) -> tuple[float, str]:
    actors = [a for a in eco.config.actors if a.type is not ActorType.CITY]
    if not actors:
        return 1.0, "No roles besides the city."
    generic = [a for a in actors if not a.local]
    return len(generic) / len(actors), f"{len(generic)} of {len(actors)} roles are generic, not named local organisations."


def open_components(eco: Ecosystem) -> tuple[float, str]:
    modules = eco.placed_definitions
    locked = lock_in_vendors(eco)
    if modules:
        open_ = [d for d in modules
                 if d.attributes.open_source or any(is_open_standard(s) for s in d.attributes.standards)]
        base, text = len(open_) / len(modules), f"{len(open_)} of {len(modules)} modules are open source or open API"
    else:
        base, text = 0.5, "No library modules placed: openness of components unknown"
    if locked:
        return base * 0.5, text + f"; {len(locked)} vendor(s) lock the city in (halved)."
    return base, text + "."


def preconditions(eco: Ecosystem) -> tuple[float, str]:
    count = sum(len(d.attributes.preconditions) + (d.attributes.locality == "local") for d in eco.placed_definitions)
    if count == 0:
        return 1.0, "No module needs a local precondition."
    return 1 / (1 + count), f"{count} local precondition(s) to meet before another city can copy this."


# -- sustainability -----------------------------------------------------------------
def reciprocity(eco: Ecosystem) -> tuple[float, str]:
    if not eco.actors:
        return 0.0, "No actors."
    both = [a for a in eco.actors if eco.in_flows.get(a) and eco.out_flows.get(a)]
    return len(both) / len(eco.actors), f"{len(both)} of {len(eco.actors)} actors both give and get value."


def viability(eco: Ecosystem) -> tuple[float, str]:
    business = eco.must_break_even
    if not business:
        return 1.0, "No money amounts on business actors' flows: no loss to report."
    ok = [a for a in business if eco.net_values[a].net >= 0]
    return len(ok) / len(business), f"{len(ok)} of {len(business)} business actors break even on their operating money flows."


def grant_independence(eco: Ecosystem) -> tuple[float, str]:
    share = grant_share(eco)
    if share is None:
        return (0.0, "The operator has no income.") if eco.operator else (0.0, "No operator to fund.")
    return 1 - share, f"{share:.0%} of the operator's income is grants."


def diversified_funding(eco: Ecosystem) -> tuple[float, str]:
    hhi = funding_hhi(eco)
    if hhi is None:
        return 0.0, "The operator has no income to diversify."
    return 1 - hhi, f"Herfindahl index of the operator's income by payer is {hhi:.2f} (lower is more diverse)."


def impacts(eco: Ecosystem) -> tuple[float, str]:
    declared = {dim for d in eco.placed_definitions
                for dim in ("economic", "social", "environmental") if getattr(d.attributes.impacts, dim) > 0}
    names = ", ".join(sorted(declared)) or "none"
    return len(declared) / 3, f"Impacts declared by the modules: {names}."


# -- value creation, capture, sharing ----------------------------------------------------
def needs_served(eco: Ecosystem) -> tuple[float, str]:
    needs = eco.config.needs
    if not needs:
        return 0.5, "No needs recorded: add the needs this service answers."
    served = sum(n.importance for n in needs if n.served_by)
    total = sum(n.importance for n in needs)
    return served / total, f"{sum(1 for n in needs if n.served_by)} of {len(needs)} needs are served (weighted by importance)."


def citizen_value(eco: Ecosystem) -> tuple[float, str]:
    objects = {(f.kind.value, f.label.lower()) for c in eco.of_type(ActorType.CITIZEN) for f in eco.in_flows.get(c.id, ())}
    return _clamp(len(objects) / 3), f"{len(objects)} distinct value object(s) reach citizens (3 or more is full marks)."


def value_variety(eco: Ecosystem) -> tuple[float, str]:
    kinds = {f.kind for f in eco.flows}
    return _clamp(len(kinds) / 5), f"{len(kinds)} kinds of value flow in the ecosystem (5 or more is full marks)."


def revenue(eco: Ecosystem) -> tuple[float, str]:
    operator = eco.operator
    if operator is None:
        return 0.0, "No operator to capture value."
    by_payer = eco.financial_inflow_by_payer(operator.id)
    users = [p for p, k in by_payer.items() if k.get(FlowKind.MONEY) and eco.actors[p].type in USER_SEGMENT_TYPES | BUSINESS_TYPES]
    if users:
        return 1.0, f"{operator.name} earns money from its users ({len(users)} paying actor(s))."
    if any(k.get(FlowKind.MONEY) for k in by_payer.values()):
        return 0.6, f"{operator.name} is paid, but not by its users (by the city or a funder)."
    if by_payer:
        return 0.3, f"{operator.name} lives on grants or investment only."
    return 0.0, f"{operator.name} receives no money, grant or investment."


def operator_net(eco: Ecosystem) -> tuple[float, str]:
    operator = eco.operator
    if operator is None:
        return 0.0, "No operator."
    nv = eco.net_values[operator.id]
    if not nv.has_amounts:
        return 0.5, "No amounts on the operator's money flows."
    scale = max(nv.money_in, nv.money_out)
    if scale == 0:
        return 0.5, f"{operator.name} moves no money per {eco.config.period}."
    return _clamp(0.5 + 0.5 * nv.net / scale), f"{operator.name} nets {nv.net:,.0f} per {eco.config.period}."


def take_rate(eco: Ecosystem) -> tuple[float, str]:
    operator = eco.operator
    if operator is None:
        return 0.0, "No operator."
    nv = eco.net_values[operator.id]
    if not nv.has_amounts or nv.money_in == 0:
        return 0.5, "No money amounts passing through the operator."
    rate = max(0.0, nv.net) / nv.money_in
    return _clamp(rate / TARGET_TAKE_RATE), f"{operator.name} keeps {rate:.0%} of the money it receives (target {TARGET_TAKE_RATE:.0%})."


def gini(values: list[float]) -> float:
    """Gini coefficient of non-negative values (0 = equal).

    >>> gini([1, 1, 1, 1])
    0.0
    >>> round(gini([0, 0, 0, 4]), 2)
    0.75
    """
    values = sorted(values)
    n, total = len(values), sum(values)
    if n == 0 or total == 0:
        return 0.0
    cumulative = sum((i + 1) * v for i, v in enumerate(values))
    return (2 * cumulative) / (n * total) - (n + 1) / n


def evenness(eco: Ecosystem) -> tuple[float, str]:
    nets = [nv.net for nv in eco.net_values.values() if nv.has_amounts]
    if len(nets) < 2:
        return 0.5, "Fewer than two actors with money amounts: spread cannot be judged."
    low = min(nets)
    g = gini([n - low for n in nets])
    return 1 - g, f"Net value spread over {len(nets)} actors: Gini {g:.2f} (0 is even)."


def positive_return(eco: Ecosystem) -> tuple[float, str]:
    if not eco.actors:
        return 0.0, "No actors."
    ok = [a for a, nv in eco.net_values.items()
          if nv.net > 0 or nv.financing_in > 0 or any(f.kind not in FINANCIAL_KINDS for f in eco.in_flows.get(a, ()))]
    return len(ok) / len(eco.actors), f"{len(ok)} of {len(eco.actors)} actors get a positive money or intangible return."


CRITERIA: tuple[CriterionSpec, ...] = (
    CriterionSpec("s_network_effects", "scalability", "Cross-side network effects", 3, network_effects),
    CriterionSpec("s_marginal_cost", "scalability", "Low marginal cost per user", 2, marginal_cost),
    CriterionSpec("s_revenue_growth", "scalability", "Net value holds as use grows ×10", 2, revenue_growth),
    CriterionSpec("s_no_bottleneck", "scalability", "No bottleneck actor", 1, no_bottleneck),
    CriterionSpec("s_connected", "scalability", "One connected ecosystem", 1, connected),
    CriterionSpec("r_open_standards", "replicability", "Data flows on open standards", 3, open_standards),
    CriterionSpec("r_generic_roles", "replicability", "Generic roles, not local organisations", 2, generic_roles),
    CriterionSpec("r_open_components", "replicability", "Open-source and open-API components", 2, open_components),
    CriterionSpec("r_preconditions", "replicability", "Few local preconditions", 1, preconditions),
    CriterionSpec("su_reciprocity", "sustainability", "Every actor gives and gets", 3, reciprocity),
    CriterionSpec("su_viability", "sustainability", "No business actor at a loss", 3, viability),
    CriterionSpec("su_grant_independence", "sustainability", "Independent of grants", 2, grant_independence),
    CriterionSpec("su_diversified_funding", "sustainability", "Diversified funding", 1, diversified_funding),
    CriterionSpec("su_impacts", "sustainability", "Economic, social and environmental impacts", 1, impacts),
    CriterionSpec("vc_needs_served", "value_creation", "Needs served", 2, needs_served),
    CriterionSpec("vc_citizen_value", "value_creation", "Value reaching citizens", 2, citizen_value),
    CriterionSpec("vc_value_variety", "value_creation", "Variety of value objects", 1, value_variety),
    CriterionSpec("cap_revenue", "value_capture", "Operator earns from its users", 2, revenue),
    CriterionSpec("cap_operator_net", "value_capture", "Operator's net value", 2, operator_net),
    CriterionSpec("cap_take_rate", "value_capture", "Take rate", 1, take_rate),
    CriterionSpec("sh_evenness", "value_sharing", "Net value evenly spread (1 − Gini)", 2, evenness),
    CriterionSpec("sh_positive_return", "value_sharing", "Actors with a positive return", 2, positive_return),
)
CRITERIA_BY_ID = {c.id: c for c in CRITERIA}


def score_ecosystem(eco: Ecosystem, weights: Mapping[str, float] | None = None) -> dict[str, Score]:
    """Compute the six scores; ``weights`` (by criterion id) override the defaults, file weights win last."""
    merged = {**(weights or {}), **eco.config.weights}
    by_score: dict[str, list[Criterion]] = {name: [] for name in SCORE_NAMES}
    for spec in CRITERIA:
        value, explanation = spec.measure(eco)
        weight = float(merged.get(spec.id, spec.weight))
        by_score[spec.score].append(Criterion(spec.id, spec.score, spec.label, _clamp(value), weight, explanation))
    scores = {}
    for name, criteria in by_score.items():
        total = sum(c.weight for c in criteria)
        value = sum(c.value * c.weight for c in criteria) / total if total > 0 else 0.0
        scores[name] = Score(name, round(100 * value, 1), tuple(criteria))
    return scores


MAX_WEIGHT = 100.0


@dataclass(frozen=True)
class WeightSetting:
    """One criterion's weight as the weights page shows it: its default and what is in force."""

    criterion: str
    score: str
    label: str
    default: float
    weight: float

    @property
    def changed(self) -> bool:
        return self.weight != self.default


def weight_settings(overrides: Mapping[str, float] | None = None) -> list[WeightSetting]:
    """Every criterion in score order with its default weight and the weight in force."""
    overrides = overrides or {}
    return [
        WeightSetting(spec.id, spec.score, spec.label, spec.weight, float(overrides.get(spec.id, spec.weight)))
        for spec in CRITERIA
    ]


def check_weights(values: Mapping[str, object]) -> dict[str, float]:
    """Validate weights typed by a user; return only those that differ from the defaults.

    Keeping only the differences lets a later change of a default reach every workspace
    that did not choose its own. Raises ValueError listing every problem (unknown
    criterion, not a number, negative, above ``MAX_WEIGHT``, a score whose criteria
    would all weigh 0 and so could not be computed).
    """
    problems: list[str] = []
    clean: dict[str, float] = {}
    for key, raw in values.items():
        spec = CRITERIA_BY_ID.get(str(key))
        if spec is None:
            problems.append(f"'{key}' is not a criterion")
            continue
        try:
            number = float(raw)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            problems.append(f"{spec.label}: the weight must be a number (got {raw!r})")
            continue
        if not 0 <= number <= MAX_WEIGHT:  # also refuses NaN
            problems.append(f"{spec.label}: the weight must be between 0 and {MAX_WEIGHT:g} (got {raw!r})")
            continue
        clean[spec.id] = number
    for name in SCORE_NAMES:
        specs = [s for s in CRITERIA if s.score == name]
        if specs and all(clean.get(s.id, s.weight) == 0 for s in specs):
            problems.append(f"{name.replace('_', ' ')}: at least one criterion must weigh more than 0")
    if problems:
        raise ValueError("; ".join(problems))
    return {key: value for key, value in clean.items() if value != CRITERIA_BY_ID[key].weight}
