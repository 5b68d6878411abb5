"""Transparent scoring: six scores, each a weighted mean of named criteria (docs/scoring.md).

Every criterion measures the graph and the placed modules' attributes and returns a number
in [0, 1] with a one-line explanation, or ``None`` when there is nothing to judge ("not
assessable": no data flows, no amounts, no operator...). A score is the weighted mean of its
assessable criteria only, and carries its *coverage*, the share of its weight that could be
judged: absence of evidence never counts as full marks.

Two rules keep the numbers defensible:

- **Magnitude, not sign**: money criteria read margins and shares (net over turnover, a payer's
  share of income), so multiplying every amount by a constant changes no score.
- **No dilution**: a criterion whose flag names particular actors or flows is computed from
  those elements (a count, or the worst case), never as a share of all actors, so adding an
  unrelated, healthy group of actors cannot raise it while the flagged problem stays.

Weights default to the values below and can be overridden per workspace or per configuration
(``weights`` in the file, keyed by criterion id); the thresholds in :data:`PARAMETERS` can be
changed per configuration (``parameters`` in the file).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from canvas_app.checks import (
    CORE_ROLE_TYPES,
    funding_hhi,
    funding_sources,
    grant_share,
    lock_in_vendors,
    non_reciprocal_actors,
    single_points_of_failure,
    sold_personal_data,
    source_name,
    standard_credit,
    unconsented_personal_data,
)
from canvas_app.criteria import CATALOGUE, PARAMETERS_BY_ID
from canvas_app.economics import economics_of
from canvas_app.ecosystem import BUSINESS_TYPES, GROWTH_FACTORS, USER_SEGMENT_TYPES, Ecosystem
from canvas_app.evaluation import SCORE_NAMES, Criterion, Score
from canvas_app.messages import count_of, name_list
from canvas_app.model import FINANCIAL_KINDS, Actor, ActorType, FlowKind

Measured = tuple[float | None, str]
"""A criterion's value in [0, 1] (None: not assessable) and its one-line explanation."""
Measure = Callable[[Ecosystem], Measured]
COST_VALUE = {"low": 1.0, "medium": 0.5, "high": 0.0}


def parameter(eco: Ecosystem, parameter_id: str) -> float:
    """The value of a threshold for this configuration: its own setting, else the default."""
    return float(eco.config.parameters.get(parameter_id, PARAMETERS_BY_ID[parameter_id].default))


@dataclass(frozen=True)
class CriterionSpec:
    id: str
    score: str
    label: str
    weight: float
    measure: Measure


def _clamp(value: float) -> float:
    return max(0.0, min(1.0, value))


def _percent(share: float) -> str:
    return f"{share:.0%}"


def margin_value(margin: float, healthy: float) -> float:
    """0 at a loss of the whole turnover, 0.5 at break-even, 1 from a ``healthy`` margin up (linear between).

    >>> margin_value(0.0, 0.1), margin_value(0.1, 0.1), margin_value(-1.0, 0.1), margin_value(0.05, 0.1)
    (0.5, 1.0, 0.0, 0.75)
    """
    if margin >= 0:
        return _clamp(0.5 + 0.5 * margin / healthy) if healthy > 0 else 1.0
    return _clamp(0.5 * (1 + margin))


def _has_flows(eco: Ecosystem) -> bool:
    return bool(eco.flows)


# -- scalability -----------------------------------------------------------------
def network_effects(eco: Ecosystem) -> Measured:
    """0.4 for two distinct sides, 0.6 more for a cross-side loop through the platform (sides as Hagiu & Wright
    define them: input suppliers and funders are none, see ``Ecosystem.side_roles``)."""
    if not _has_flows(eco):
        return None, "No value flows yet: nothing to judge."
    if eco.platform is None:
        return 0.0, "No platform operator: nothing brings sides together."
    loop = eco.cross_side_loop
    value = 0.4 * eco.is_multi_sided + 0.6 * (loop is not None)
    if loop:
        d, s = (eco.actors[x].name for x in loop)
        return value, f"{d} and {s} reach each other through {eco.platform.name}: a cross-side loop."
    if eco.is_multi_sided:
        return value, f"{eco.platform.name} has two sides but value does not loop between them."
    suppliers = eco.input_suppliers
    if suppliers:
        one = len(suppliers) == 1
        return value, (
            f"{eco.platform.name} serves one side only; {name_list(eco.actors[a].name for a in suppliers)} "
            f"{'is an input supplier' if one else 'are input suppliers'} (only supplying it or paid by "
            f"it), not {'a side' if one else 'sides'}."
        )
    return value, f"{eco.platform.name} serves one side only."


def marginal_cost(eco: Ecosystem) -> Measured:
    """The dearest known service to a user segment limits growth (worst case, not the mean)."""
    module_cost = {m_id: d.attributes.marginal_cost for m_id, d in eco.definitions.items()}
    known: list[float] = []
    unknown = 0
    for flow in eco.flows:
        if flow.kind is FlowKind.SERVICE and eco.actors[flow.target].type in USER_SEGMENT_TYPES:
            cost = flow.marginal_cost or (module_cost.get(flow.module) if flow.module else None)
            if cost in COST_VALUE:
                known.append(COST_VALUE[cost])
            else:
                unknown += 1
    if not known:
        if unknown:
            return (
                None,
                f"No marginal cost is stated for the {count_of(unknown, 'service flow', 'service flows')} to users.",
            )
        return None, "No service reaches a user segment yet: nothing to judge."
    worst = min(known)
    label = {1.0: "low", 0.5: "medium", 0.0: "high"}[worst]
    text = f"The dearest of {count_of(len(known), 'service flow', 'service flows')} to users has {label} marginal cost"
    return worst, text + (f"; {unknown} more state none." if unknown else ".")


def revenue_growth(eco: Ecosystem) -> Measured:
    """The weakest business actor's margin when use grows ×10 (fixed flows stay, per-use flows grow)."""
    business = eco.must_break_even
    if not business:
        return None, "No business actor has amounts on all its money flows: growth cannot be judged."
    top = GROWTH_FACTORS[-1]
    margins = {a: eco.net_values[a].margin_at(top) for a in business}
    judged = {a: m for a, m in margins.items() if m is not None}
    if not judged:
        return None, "No money moves through the business actors: growth cannot be judged."
    worst = min(judged, key=lambda a: judged[a])
    margin = judged[worst]
    if margin >= 0:
        return 1.0, f"Every business actor ({len(judged)}) stays at or above zero when use grows ×{top}."
    return _clamp(1 + margin), (
        f"When use grows ×{top}, {eco.actors[worst].name} loses {_percent(-margin)} "
        f"of its turnover (the weakest of {len(judged)} business actors)."
    )


def no_bottleneck(eco: Ecosystem) -> Measured:
    """Each single point of failure costs a third."""
    if sum(1 for a in eco.actors if eco.degree(a)) < 3:
        return None, "Fewer than three actors exchange value: no bottleneck can be judged."
    spofs = single_points_of_failure(eco)
    if not spofs:
        return 1.0, "No actor other than the city or the platform is the only link between others."
    return _clamp(
        1 - len(spofs) / 3
    ), f"{count_of(len(spofs), 'actor is', 'actors are')} the only link between some actors and the rest."


def connected(eco: Ecosystem) -> Measured:
    parts = [c for c in eco.components if len(c) > 1 or eco.degree(c[0]) > 0]
    if sum(len(p) for p in parts) < 2:
        return None, "Fewer than two actors exchange value: nothing to connect."
    if len(parts) <= 1:
        return 1.0, "All actors that exchange value form one ecosystem."
    return 1 / len(parts), f"The ecosystem falls into {len(parts)} separate parts."


def city_cost_growth(eco: Ecosystem) -> Measured:
    """Share of what the public budget pays per use that per-use income and declared per-use benefits cover."""
    city = economics_of(eco).city
    if city is None:
        return None, "No city or public agency has amounts on all its money flows: the city's cost cannot be judged."
    cover = city.per_use_cover
    period = eco.config.period
    if cover is None:
        if not any(f.per_use for f in eco.flows if f.kind is FlowKind.MONEY):
            return None, (
                "No money flow is counted per use (occurrences above 1): how the city's cost grows with "
                "use cannot be judged."
            )
        return 1.0, "Money changes hands per use, but the city pays nothing per use: its cost does not grow with use."
    back = city.per_use_income + city.per_use_benefit
    if cover >= 1:
        return 1.0, (
            f"Per-use income and declared benefits ({back:,.0f} per {period}) cover what the city pays per "
            f"use ({city.per_use_cost:,.0f})."
        )
    growth = GROWTH_FACTORS[-1]
    return _clamp(cover), (
        f"The city pays {city.per_use_cost:,.0f} per {period} that grows with use and gets {back:,.0f} back per use "
        f"(income or declared benefits): ×{growth} use costs it "
        f"{(growth - 1) * (city.per_use_cost - city.per_use_income):,.0f} more per {period}."
    )


# -- replicability ------------------------------------------------------------------
def open_standards(eco: Ecosystem) -> Measured:
    """Mean credit of data flows: 1 for a registry-listed open standard, 0.5 unverified, 0 none or proprietary."""
    data = [f for f in eco.flows if f.kind is FlowKind.DATA]
    if not data:
        return None, "No data flows: nothing to standardise."
    credits = [max((standard_credit(s) for s in f.standards), default=0.0) for f in data]
    open_ = sum(1 for c in credits if c == 1.0)
    unverified = sum(1 for c in credits if c == 0.5)
    text = f"{open_} of {count_of(len(data), 'data flow uses', 'data flows use')} an open standard from the registry"
    if unverified:
        text += f"; {unverified} declare a standard the registry does not list (half credit until confirmed)"
    return sum(credits) / len(data), text + "."


LOCAL_CORE_PENALTY, LOCAL_OTHER_PENALTY = 1 / 3, 1 / 6


def generic_roles(eco: Ecosystem) -> Measured:
    """Each named local organisation costs: a third for a core role, a sixth for another role."""
    actors = [a for a in eco.config.actors if a.type is not ActorType.CITY]
    if not actors:
        return None, "No roles besides the city: nothing to judge."
    core = [a for a in actors if a.local and a.type in CORE_ROLE_TYPES]
    other = [a for a in actors if a.local and a.type not in CORE_ROLE_TYPES]
    if not core and not other:
        return (
            1.0,
            f"All {count_of(len(actors), 'role', 'roles')} besides the city are generic, not named local organisations.",
        )
    value = _clamp(1 - LOCAL_CORE_PENALTY * len(core) - LOCAL_OTHER_PENALTY * len(other))
    local = ", ".join(a.name for a in core + other)
    return value, (
        f"{len(core) + len(other)} of {count_of(len(actors), 'role is a', 'roles are')} named local "
        f"organisation{'s' if len(core) + len(other) != 1 else ''} ({local}): a third off for each core "
        "role, a sixth for any other."
    )


def open_components(eco: Ecosystem) -> Measured:
    """Share of placed modules that are open source or expose an open standard (unverified: half)."""
    modules = eco.placed_definitions
    if not modules:
        return None, "No library modules placed: the openness of components is unknown."
    credits = [
        1.0 if d.attributes.open_source else max((standard_credit(s) for s in d.attributes.standards), default=0.0)
        for d in modules
    ]
    open_ = sum(1 for c in credits if c == 1.0)
    return sum(credits) / len(
        modules
    ), f"{open_} of {count_of(len(modules), 'module is', 'modules are')} open source or open standard."


def no_lock_in(eco: Ecosystem) -> Measured:
    """Each technology vendor the city cannot replace costs a half."""
    vendors = [v for v in eco.of_type(ActorType.TECHNOLOGY_VENDOR) if eco.degree(v.id)]
    if not vendors:
        return None, "No technology vendor exchanges value here: no lock-in to judge."
    locked = lock_in_vendors(eco)
    if not locked:
        return (
            1.0,
            f"No vendor of {len(vendors)} is more central than the platform or carries data on closed interfaces.",
        )
    return _clamp(1 - len(locked) / 2), f"{count_of(len(locked), 'vendor locks', 'vendors lock')} the city in."


def preconditions(eco: Ecosystem) -> Measured:
    modules = eco.placed_definitions
    if not modules:
        return None, "No library modules placed: their preconditions are unknown."
    count = sum(len(d.attributes.preconditions) + (d.attributes.locality == "local") for d in modules)
    if count == 0:
        return 1.0, f"None of the {count_of(len(modules), 'module', 'modules')} needs a local precondition."
    return 1 / (
        1 + count
    ), f"{count_of(count, 'local precondition', 'local preconditions')} to meet before another city can copy this."


# -- sustainability -----------------------------------------------------------------
def reciprocity(eco: Ecosystem) -> Measured:
    """Each actor that gives without getting, takes without giving (non-customers) or is isolated costs a quarter."""
    if not _has_flows(eco) and len(eco.actors) < 2:
        return None, "A single actor and no value flows: nothing to judge."
    broken = non_reciprocal_actors(eco)
    if not broken:
        return 1.0, f"All {count_of(len(eco.actors), 'actor', 'actors')} that should both give and get do."
    return _clamp(
        1 - len(broken) / 4
    ), f"{count_of(len(broken), 'actor does', 'actors do')} not both give and get value."


def personal_data(eco: Ecosystem) -> Measured:
    """0 when personal data leaves citizens without consent or is sold; otherwise not assessable.

    Never a credit: handling personal data lawfully is a duty, not a merit, so such flows can lower
    the score and never raise it (a single unlawful transfer can be ordered to stop, GDPR Art. 58(2)(f)).
    """
    unconsented, sold = unconsented_personal_data(eco), [f for f in sold_personal_data(eco) if f.personal_data]
    if not unconsented and not sold:
        return None, "No personal data leaves citizens without consent or is sold: nothing to judge (never a credit)."
    parts = []
    if unconsented:
        parts.append(
            f"{count_of(len(unconsented), 'personal-data flow leaves', 'personal-data flows leave')} "
            "citizens with no consent service placed"
        )
    if sold:
        parts.append(f"{count_of(len(sold), 'personal-data flow is', 'personal-data flows are')} paid for")
    return 0.0, "; ".join(parts) + "."


def viability(eco: Ecosystem) -> Measured:
    """The weakest business actor's operating margin: 0.5 at break-even, 1 from the healthy margin up."""
    business = [a for a in eco.must_break_even if eco.net_values[a].margin is not None]
    if not business:
        return None, "No business actor has amounts on all its money flows: viability cannot be judged."
    healthy = parameter(eco, "healthy_margin")
    worst = min(business, key=lambda a: eco.net_values[a].margin or 0.0)
    margin = eco.net_values[worst].margin or 0.0
    if margin >= healthy:
        return 1.0, f"Every business actor ({len(business)}) keeps a margin of {_percent(healthy)} or more."
    return margin_value(margin, healthy), (
        f"{eco.actors[worst].name} has the weakest margin: {margin:+.0%} of its turnover per {eco.config.period} "
        f"(full marks from {_percent(healthy)})."
    )


def payback(eco: Ecosystem) -> Measured:
    """The worst investor's present-value recovery of its outlay within its payback limit (1: paid back)."""
    econ = economics_of(eco)
    if not econ.investors:
        if econ.unjudged_investors:
            return None, (
                f"{name_list(eco.actors[a].name for a in econ.unjudged_investors)} "
                f"{'invests' if len(econ.unjudged_investors) == 1 else 'invest'} up front, but not every "
                "money flow has an amount: payback cannot be judged."
            )
        return None, "No investment or capital cost with amounts: no payback to judge."
    positions = [econ.investor_positions[a] for a in econ.investors]
    worst = min(positions, key=lambda p: (p.pays_back, p.recovered))
    name = eco.actors[worst.actor].name
    rate = _percent(econ.discount_rate)
    if worst.pays_back:
        return 1.0, (
            f"Every investor ({len(positions)}) gets its outlay back within its horizon at {rate} discount "
            f"(latest: {name}, in year {max(p.discounted_payback_year or 0 for p in positions)})."
        )
    return worst.recovered, (
        f"{name}: {worst.recovered:.0%} of the {worst.outlay:,.0f} outlay back within {worst.payback_limit} years "
        f"(present value at {rate}; net present value {worst.npv:,.0f})."
    )


def grant_independence(eco: Ecosystem) -> Measured:
    share = grant_share(eco)
    if share is None:
        return None, ("The operator has no money or grant income to judge." if eco.operator else "No operator to fund.")
    return 1 - share, f"{_percent(share)} of the operator's income is grants."


def diversified_funding(eco: Ecosystem) -> Measured:
    """1 − the Herfindahl–Hirschman index of the operator's income by source (one public budget; a segment of
    N members is N payers)."""
    hhi = funding_hhi(eco)
    if hhi is None:
        return None, ("The operator has no income to diversify." if eco.operator else "No operator to fund.")
    sources = funding_sources(eco).values()
    how = [count_of(len(sources), "source", "sources")]
    # name the sources that group several boxes or stand for many payers: what the index did not count per box
    how += [source_name(eco, s) for s in sources if len(s.actors) > 1 or s.payers > 1]
    return 1 - hhi, (
        f"Herfindahl index of the operator's income by source is {hhi:.2f} (lower is more diverse; {'; '.join(how)})."
    )


def impacts(eco: Ecosystem) -> Measured:
    modules = eco.placed_definitions
    if not modules:
        return None, "No library modules placed: no impacts declared to judge."
    declared = {
        dim
        for d in modules
        for dim in ("economic", "social", "environmental")
        if getattr(d.attributes.impacts, dim) > 0
    }
    names = ", ".join(sorted(declared)) or "none"
    return len(declared) / 3, f"Impacts declared by the modules: {names}."


# -- value creation, capture, sharing ----------------------------------------------------
def needs_served(eco: Ecosystem) -> Measured:
    """Importance-weighted share of needs whose serving flows reach the actor who has the need."""
    needs = eco.config.needs
    if not needs:
        return None, "No needs recorded: add the needs this service answers."
    served = [n for n in needs if eco.served_needs[n.id]]
    value = sum(n.importance for n in served) / sum(n.importance for n in needs)
    return value, (
        f"{len(served)} of {count_of(len(needs), 'need is', 'needs are')} served by a flow that reaches "
        "the actor who has it (weighted by importance)."
    )


def public_goals(eco: Ecosystem) -> Measured:
    """Share of stated public goals that are measurable (indicator, target, year) and answer a served need."""
    goals = eco.config.goals
    if not goals:
        return None, "No public goals stated: add what the service is meant to achieve and how it is measured."
    good = [g for g in goals if g.measurable and g.need is not None and eco.served_needs.get(g.need)]
    return len(good) / len(goals), (
        f"{count_of(len(goals), 'public goal', 'public goals')} stated: {len(good)} "
        "measurable (indicator, target and year) and answering a need the service serves."
    )


def citizen_value(eco: Ecosystem) -> Measured:
    if not _has_flows(eco):
        return None, "No value flows yet: nothing to judge."
    objects = {
        (f.kind.value, f.label.lower()) for c in eco.of_type(ActorType.CITIZEN) for f in eco.in_flows.get(c.id, ())
    }
    return (
        _clamp(len(objects) / 3),
        f"{count_of(len(objects), 'distinct value object reaches', 'distinct value objects reach')} citizens (3 or more is full marks).",
    )


def value_variety(eco: Ecosystem) -> Measured:
    if not _has_flows(eco):
        return None, "No value flows yet: nothing to judge."
    kinds = {f.kind for f in eco.flows}
    return _clamp(
        len(kinds) / 5
    ), f"{count_of(len(kinds), 'kind', 'kinds')} of value flow in the ecosystem (5 or more is full marks)."


def revenue(eco: Ecosystem) -> Measured:
    operator = eco.operator
    if operator is None:
        return None, "No platform operator or sole service provider: no one to capture value."
    if not _has_flows(eco):
        return None, "No value flows yet: nothing to judge."
    by_payer = eco.financial_inflow_by_payer(operator.id)
    users = [
        p
        for p, k in by_payer.items()
        if k.get(FlowKind.MONEY) and eco.actors[p].type in USER_SEGMENT_TYPES | BUSINESS_TYPES
    ]
    if users:
        return (
            1.0,
            f"{operator.name} earns money from its users ({count_of(len(users), 'paying actor', 'paying actors')}).",
        )
    if any(k.get(FlowKind.MONEY) for k in by_payer.values()):
        return 0.6, f"{operator.name} is paid, but not by its users (by the city or a funder)."
    if by_payer:
        return 0.3, f"{operator.name} lives on grants or investment only."
    return 0.0, f"{operator.name} receives no money, grant or investment."


def _operator_money(eco: Ecosystem) -> tuple[Actor | None, str]:
    """The operator when its money figures are complete and some money moves; else None and why not."""
    operator = eco.operator
    if operator is None:
        return None, "No platform operator or sole service provider."
    nv = eco.net_values[operator.id]
    if not nv.has_amounts:
        return None, f"Not every money flow of {operator.name} has an amount."
    if nv.turnover == 0:
        return None, f"{operator.name} moves no money per {eco.config.period}."
    return operator, ""


def operator_margin(eco: Ecosystem) -> Measured:
    """The operator's net over its turnover: 0.5 at break-even, 1 from the healthy margin up."""
    operator, why_not = _operator_money(eco)
    if operator is None:
        return None, why_not
    nv = eco.net_values[operator.id]
    healthy = parameter(eco, "healthy_margin")
    margin = nv.margin or 0.0
    return margin_value(margin, healthy), (
        f"{operator.name} nets {nv.net:,.0f} per {eco.config.period} on a turnover of {nv.turnover:,.0f}: "
        f"a margin of {margin:+.0%} (full marks from {_percent(healthy)})."
    )


def operator_share(eco: Ecosystem) -> Measured:
    """What the operator keeps (its net) as a share of all money moved in the ecosystem: its scale.

    A margin alone cannot tell an operator that nets 3 a year from one that nets 60,000: this
    criterion reads how much of the money the service moves stays with the party that runs it.
    """
    operator, why_not = _operator_money(eco)
    if operator is None:
        return None, why_not
    incomplete = sum(1 for f in eco.flows if f.kind is FlowKind.MONEY and f.amount is None)
    if incomplete:
        return None, (
            f"{count_of(incomplete, 'money flow has', 'money flows have')} no amount: "
            "the money moved in the ecosystem is unknown."
        )
    moved = eco.money_moved
    kept = max(0.0, eco.net_values[operator.id].net)
    share = kept / moved
    full = parameter(eco, "operator_share")
    return _clamp(share / full) if full > 0 else 1.0, (
        f"{operator.name} keeps {kept:,.0f} of the {moved:,.0f} moved per {eco.config.period}: {share:.1%} "
        f"(full marks from {_percent(full)})."
    )


def take_rate(eco: Ecosystem) -> Measured:
    """What an intermediary keeps of the money passing through it, judged against a visible band.

    Only an operator that passes money on (to providers, the city...) is an intermediary; one
    that sells its own service keeps everything by nature, and its take rate is not assessable.
    """
    operator, why_not = _operator_money(eco)
    if operator is None:
        return None, why_not
    nv = eco.net_values[operator.id]
    if nv.money_out == 0 or nv.money_in == 0:
        return None, f"{operator.name} does not pass money on: it is no intermediary, so no take rate applies."
    low, high = parameter(eco, "take_rate_low"), parameter(eco, "take_rate_high")
    rate = (nv.money_in - nv.money_out) / nv.money_in  # what passes through, not the operator's own costs
    band = f"band {_percent(low)}–{_percent(high)}"
    name = operator.name
    if rate <= 0:
        return 0.0, f"{name} keeps nothing of the money it receives ({band})."
    if rate < low:
        return rate / low, f"{name} keeps {_percent(rate)} of the money it receives, below the {band}."
    if rate <= high:
        return 1.0, f"{name} keeps {_percent(rate)} of the money it receives, within the {band}."
    return _clamp(1 - (rate - high) / (1 - high)) if high < 1 else 1.0, (
        f"{name} keeps {_percent(rate)} of the money it receives, above the {band}: the other sides may leave."
    )


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


def evenness(eco: Ecosystem) -> Measured:
    nets = [nv.net for nv in eco.net_values.values() if nv.has_amounts]
    if len(nets) < 2:
        return None, "Fewer than two actors with amounts on all their money flows: spread cannot be judged."
    low = min(nets)
    g = gini([n - low for n in nets])
    return 1 - g, f"Net value spread over {len(nets)} actors: Gini {g:.2f} (0 is even)."


def without_return(eco: Ecosystem) -> list[str]:
    """Actors that get neither money (net > 0), financing nor any value object back."""
    return [
        a
        for a, nv in eco.net_values.items()
        if not (
            nv.net > 0 or nv.financing_in > 0 or any(f.kind not in FINANCIAL_KINDS for f in eco.in_flows.get(a, ()))
        )
    ]


def positive_return(eco: Ecosystem) -> Measured:
    """Each actor with no return of any kind costs a quarter."""
    if not _has_flows(eco):
        return None, "No value flows yet: nothing to judge."
    missing = without_return(eco)
    if not missing:
        return (
            1.0,
            f"All {count_of(len(eco.actors), 'actor gets', 'actors get')} a positive money or intangible return.",
        )
    return _clamp(
        1 - len(missing) / 4
    ), f"{count_of(len(missing), 'actor gets', 'actors get')} no money or intangible return."


MEASURES: dict[str, Measure] = {
    "s_network_effects": network_effects,
    "s_marginal_cost": marginal_cost,
    "s_revenue_growth": revenue_growth,
    "s_no_bottleneck": no_bottleneck,
    "s_connected": connected,
    "s_city_cost": city_cost_growth,
    "r_open_standards": open_standards,
    "r_generic_roles": generic_roles,
    "r_open_components": open_components,
    "r_no_lock_in": no_lock_in,
    "r_preconditions": preconditions,
    "su_reciprocity": reciprocity,
    "su_personal_data": personal_data,
    "su_viability": viability,
    "su_payback": payback,
    "su_grant_independence": grant_independence,
    "su_diversified_funding": diversified_funding,
    "su_impacts": impacts,
    "vc_needs_served": needs_served,
    "vc_public_goals": public_goals,
    "vc_citizen_value": citizen_value,
    "vc_value_variety": value_variety,
    "cap_revenue": revenue,
    "cap_operator_net": operator_margin,
    "cap_operator_share": operator_share,
    "cap_take_rate": take_rate,
    "sh_evenness": evenness,
    "sh_positive_return": positive_return,
}
"""The function that judges each criterion of the catalogue (:data:`canvas_app.criteria.CATALOGUE`)."""
CRITERIA: tuple[CriterionSpec, ...] = tuple(
    CriterionSpec(c.id, c.score, c.label, c.weight, MEASURES[c.id]) for c in CATALOGUE
)
CRITERIA_BY_ID = {c.id: c for c in CRITERIA}


def score_ecosystem(eco: Ecosystem, weights: Mapping[str, float] | None = None) -> dict[str, Score]:
    """Compute the six scores; ``weights`` (by criterion id) override the defaults, file weights win last.

    A score is the weighted mean of its assessable criteria; its coverage is their share of the
    score's total weight (0 when nothing could be judged: the score is then 0 and not assessable).
    """
    merged = {**(weights or {}), **eco.config.weights}
    by_score: dict[str, list[Criterion]] = {name: [] for name in SCORE_NAMES}
    for spec in CRITERIA:
        value, explanation = spec.measure(eco)
        weight = float(merged.get(spec.id, spec.weight))
        assessable = value is not None
        by_score[spec.score].append(
            Criterion(
                spec.id,
                spec.score,
                spec.label,
                _clamp(value) if value is not None else 0.0,
                weight,
                explanation,
                assessable,
            )
        )
    scores = {}
    for name, criteria in by_score.items():
        total = sum(c.weight for c in criteria)
        judged = sum(c.weight for c in criteria if c.assessable)
        value = sum(c.value * c.weight for c in criteria if c.assessable) / judged if judged > 0 else 0.0
        scores[name] = Score(
            name, round(100 * value, 1), tuple(criteria), round(judged / total, 4) if total > 0 else 0.0
        )
    return scores
