"""Structural checks of a value network: one small function per flag code (listed in docs/scoring.md).

Each check returns findings without recommendations (those are added by
:mod:`canvas_app.recommend`). Every finding names the score criterion it
lowers, and the criterion in :mod:`canvas_app.scoring` is below 1 whenever the
finding fires: score, flags and recommendations cannot disagree.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from canvas_app.economics import economics_of
from canvas_app.ecosystem import (
    CUSTOMER_TYPES,
    PUBLIC_BUDGET,
    USER_SEGMENT_TYPES,
    Ecosystem,
    is_open_standard,
    source_key,
)
from canvas_app.evaluation import Finding, Severity
from canvas_app.messages import name_list, say
from canvas_app.model import FINANCIAL_KINDS, PUBLIC_TYPES, ActorType, Flow, FlowKind
from canvas_app.standards import classify_standard

HHI_THRESHOLD = 0.6
"""Herfindahl index of the operator's inflow above which one payer dominates (a 75/25 split is 0.625)."""
GRANT_SHARE_THRESHOLD = 0.5
CORE_ROLE_TYPES = frozenset({ActorType.PLATFORM_OPERATOR, ActorType.SERVICE_PROVIDER, ActorType.TECHNOLOGY_VENDOR})
BUSINESS_ROLE_TYPES = (
    ActorType.PLATFORM_OPERATOR,
    ActorType.SERVICE_PROVIDER,
    ActorType.TECHNOLOGY_VENDOR,
    ActorType.BUSINESS,
)

Check = Callable[[Ecosystem], list[Finding]]


def _names(eco: Ecosystem, ids: Iterable[str], limit: int = 4) -> str:
    return name_list((eco.actors[i].name for i in ids), limit)


STANDARD_CREDIT = {"open": 1.0, "unverified": 0.5, "proprietary": 0.0}


def standard_credit(name: str) -> float:
    """Credit of a declared interface: 1 open (in the registry), 0.5 unverified (to confirm), 0 proprietary."""
    return STANDARD_CREDIT[classify_standard(name)]


def _finding(
    code: str, severity: Severity, dimension: str, criterion: str, message: str, elements: Iterable[str]
) -> Finding:
    return Finding(code, severity, dimension, criterion, message, tuple(elements))


def check_isolated_actors(eco: Ecosystem) -> list[Finding]:
    """Actors with no flow at all take no part in the ecosystem (a lone actor has no one to exchange with)."""
    if len(eco.actors) < 2:
        return []
    isolated = [a for a in eco.actors if eco.degree(a) == 0]
    if not isolated:
        return []
    return [
        _finding(
            "isolated-actor",
            "medium",
            "sustainability",
            "su_reciprocity",
            say("isolated-actor", len(isolated), names=_names(eco, isolated)),
            isolated,
        )
    ]


def check_disconnected(eco: Ecosystem) -> list[Finding]:
    """Parts of the ecosystem that exchange nothing with the rest cannot grow together."""
    comps = [c for c in eco.components if len(c) > 1 or eco.degree(c[0]) > 0]
    if len(comps) <= 1:
        return []
    minor = [actor for comp in comps[1:] for actor in comp]
    return [
        _finding(
            "disconnected-ecosystem",
            "high",
            "scalability",
            "s_connected",
            say("disconnected-ecosystem", len(minor), parts=len(comps), names=_names(eco, minor)),
            minor,
        )
    ]


def givers_without_return(eco: Ecosystem) -> list[str]:
    return [a for a in eco.actors if eco.out_flows.get(a) and not eco.in_flows.get(a)]


def free_riders(eco: Ecosystem) -> list[str]:
    return [
        a
        for a, actor in eco.actors.items()
        if eco.in_flows.get(a) and not eco.out_flows.get(a) and actor.type not in CUSTOMER_TYPES
    ]


def non_reciprocal_actors(eco: Ecosystem) -> list[str]:
    """Actors named by the isolated-actor, no-return and free-rider flags: the reciprocity criterion counts them."""
    isolated = [a for a in eco.actors if eco.degree(a) == 0] if len(eco.actors) > 1 else []
    return isolated + givers_without_return(eco) + free_riders(eco)


def check_no_return(eco: Ecosystem) -> list[Finding]:
    """e3value's economic reciprocity: whoever gives must get something back."""
    ids = givers_without_return(eco)
    if not ids:
        return []
    return [
        _finding(
            "no-return",
            "high",
            "sustainability",
            "su_reciprocity",
            say("no-return", len(ids), names=_names(eco, ids)),
            ids,
        )
    ]


def check_free_riders(eco: Ecosystem) -> list[Finding]:
    """Non-customers that take value and give nothing back."""
    ids = free_riders(eco)
    if not ids:
        return []
    return [
        _finding(
            "free-rider",
            "medium",
            "sustainability",
            "su_reciprocity",
            say("free-rider", len(ids), names=_names(eco, ids)),
            ids,
        )
    ]


def check_no_revenue(eco: Ecosystem) -> list[Finding]:
    """The operator needs some money, grant or investment to keep running the service."""
    operator = eco.operator
    if operator is None or not eco.flows or eco.financial_inflow_by_payer(operator.id):
        return []
    return [
        _finding(
            "no-revenue",
            "high",
            "value_capture",
            "cap_revenue",
            say("no-revenue", 1, operator=operator.name),
            [operator.id],
        )
    ]


def check_negative_net_value(eco: Ecosystem) -> list[Finding]:
    """Business actors losing money per period on operating (money) flows (see ``Ecosystem.must_break_even``)."""
    losing = [a for a in eco.must_break_even if eco.net_values[a].net < 0]
    if not losing:
        return []
    detail = "; ".join(f"{eco.actors[a].name} {eco.net_values[a].net:,.0f}" for a in losing[:4])
    return [
        _finding(
            "negative-net-value",
            "high",
            "sustainability",
            "su_viability",
            say("negative-net-value", len(losing), period=eco.config.period, detail=detail),
            losing,
        )
    ]


@dataclass(frozen=True)
class FundingSource:
    """One source of the operator's income: every box that draws on the same money, and how many payers it is."""

    key: str
    actors: tuple[str, ...]
    received: dict[FlowKind, float]  # money, grant and investment per period (or its weight, without amounts)
    payers: int  # independent payers: a segment's count, 1 for a budget or a box without a count

    @property
    def total(self) -> float:
        return sum(self.received.values())


def funding_sources(eco: Ecosystem) -> dict[str, FundingSource]:
    """The operator's financial income grouped by source (:func:`source_key`), in configuration order.

    The city and public agencies are one public budget; boxes declaring the same ``funding_source``
    are one source; a citizen or company segment counts its ``count`` members as payers (boxes of
    one source add their counts; a source is at least one payer, a budget exactly one). Amounts are
    used when every financial inflow of the operator has one; otherwise each source weighs 1,
    shared among the kinds of its flows, so a sketch without figures is judged by its number of
    sources and not by how many arrows or boxes were drawn.
    """
    if eco.operator is None:
        return {}
    inflows = [f for f in eco.in_flows.get(eco.operator.id, ()) if f.kind in FINANCIAL_KINDS]
    by_amount = bool(inflows) and all(f.amount is not None for f in inflows)
    flows: dict[str, list[Flow]] = defaultdict(list)
    for flow in inflows:
        flows[source_key(eco.actors[flow.source])].append(flow)
    sources = {}
    for key, group in flows.items():
        received: dict[FlowKind, float] = defaultdict(float)
        for flow in group:
            received[flow.kind] += (flow.value_per_period or 0.0) if by_amount else 1.0 / len(group)
        actors = tuple(dict.fromkeys(f.source for f in group))
        counted = sum(eco.actors[a].count or 0 for a in actors if eco.actors[a].type not in PUBLIC_TYPES)
        payers = 1 if key == PUBLIC_BUDGET else max(1, counted)
        sources[key] = FundingSource(key, actors, dict(received), payers)
    return sources


def source_name(eco: Ecosystem, source: FundingSource) -> str:
    """How a finding names a source: 'the public budget (City, Agency)', 'Drivers (60,000 payers)'."""
    names = _names(eco, source.actors, 3)
    if source.key == PUBLIC_BUDGET:
        return f"the public budget ({names})"
    return names + (f" ({source.payers:,} payers)" if source.payers > 1 else "")


def grant_share(eco: Ecosystem) -> float | None:
    """Share of the operator's money and grant inflow that is grant (None: no inflow)."""
    sources = funding_sources(eco).values()
    grant = sum(s.received.get(FlowKind.GRANT, 0.0) for s in sources)
    total = grant + sum(s.received.get(FlowKind.MONEY, 0.0) for s in sources)
    return grant / total if total > 0 else None


def check_grant_dependent(eco: Ecosystem) -> list[Finding]:
    """A service living mostly on grants stops when the programme ends."""
    share = grant_share(eco)
    if share is None or share <= GRANT_SHARE_THRESHOLD:
        return []
    operator = eco.operator
    assert operator is not None
    payers = [p for p, kinds in eco.financial_inflow_by_payer(operator.id).items() if kinds.get(FlowKind.GRANT)]
    return [
        _finding(
            "grant-dependent",
            "medium",
            "sustainability",
            "su_grant_independence",
            say("grant-dependent", 1, share=f"{share:.0%}", operator=operator.name),
            [operator.id, *payers],
        )
    ]


def concentration(source: FundingSource, total: float) -> float:
    """A source's term of the Herfindahl index: its share squared, spread over its payers (s² ÷ N).

    N payers with equal parts of a share s add N·(s/N)² = s²/N: 60,000 drivers paying half of
    the income add 0.25 ÷ 60,000, a single city paying it adds 0.25.
    """
    return (source.total / total) ** 2 / source.payers


def funding_hhi(eco: Ecosystem) -> float | None:
    """Herfindahl–Hirschman index of the operator's financial inflow by payer, payers grouped by source
    (:func:`funding_sources`); None: no inflow."""
    sources = funding_sources(eco).values()
    total = sum(s.total for s in sources)
    if total <= 0:
        return None
    return sum(concentration(s, total) for s in sources)


def check_funding_concentration(eco: Ecosystem) -> list[Finding]:
    """One dominant payer can end the service by walking away."""
    hhi = funding_hhi(eco)
    if hhi is None or hhi <= HHI_THRESHOLD:
        return []
    operator = eco.operator
    assert operator is not None
    sources = funding_sources(eco)
    total = sum(s.total for s in sources.values())
    top = max(sources.values(), key=lambda s: concentration(s, total))
    return [
        _finding(
            "funding-concentration",
            "medium",
            "sustainability",
            "su_diversified_funding",
            say("funding-concentration", 1, operator=operator.name, payer=source_name(eco, top), hhi=f"{hhi:.2f}"),
            [operator.id, *top.actors],
        )
    ]


def check_no_payback(eco: Ecosystem) -> list[Finding]:
    """e3value's time-series view: an investor whose outlay is not back, in present value, within its horizon."""
    econ = economics_of(eco)
    failing = [econ.investor_positions[a] for a in econ.investors if not econ.investor_positions[a].pays_back]
    if not failing:
        return []
    detail = "; ".join(
        f"{eco.actors[p.actor].name} {p.recovered:.0%} of {p.outlay:,.0f} back in {p.payback_limit} "
        f"years at {econ.discount_rate:.0%}"
        for p in failing[:3]
    )
    investments = [f.id for p in failing for f in eco.out_flows.get(p.actor, ()) if f.kind is FlowKind.INVESTMENT]
    return [
        _finding(
            "no-payback",
            "high",
            "sustainability",
            "su_payback",
            say("no-payback", len(failing), names=_names(eco, [p.actor for p in failing]), detail=detail),
            [*(p.actor for p in failing), *investments],
        )
    ]


def check_per_use_subsidy(eco: Ecosystem) -> list[Finding]:
    """The city's cost grows with use faster than its per-use income and declared benefits (a per-use subsidy)."""
    city = economics_of(eco).city
    if city is None or city.per_use_cover is None or city.per_use_cover >= 1:
        return []
    flows = [eco.flow_by_id[f] for f in city.subsidised_flows]
    labels = name_list((f"'{f.label or f.kind.value}'" for f in flows), 3)
    back = city.per_use_income + city.per_use_benefit
    detail = f"{city.per_use_cost:,.0f} out, {back:,.0f} back per {eco.config.period}"
    payers = [a for a in city.actors if any(f.source == a or f.id in eco.actors[a].unit_costs for f in flows)]
    return [
        _finding(
            "per-use-subsidy",
            "medium",
            "scalability",
            "s_city_cost",
            say("per-use-subsidy", len(flows), labels=labels, detail=detail),
            [*(payers or city.actors), *city.subsidised_flows],
        )
    ]


def single_points_of_failure(eco: Ecosystem) -> list[str]:
    """Articulation points other than the city and the platform operators (who are hubs by design)."""
    return [
        a for a in eco.articulation_points if eco.actors[a].type not in (ActorType.CITY, ActorType.PLATFORM_OPERATOR)
    ]


def check_single_point_of_failure(eco: Ecosystem) -> list[Finding]:
    """Actors whose loss splits the ecosystem (articulation points)."""
    ids = single_points_of_failure(eco)
    if not ids:
        return []
    return [
        _finding(
            "single-point-of-failure",
            "medium",
            "scalability",
            "s_no_bottleneck",
            say("single-point-of-failure", len(ids), names=_names(eco, ids)),
            ids,
        )
    ]


def lock_in_vendors(eco: Ecosystem) -> list[str]:
    """Vendors more central than the platform, or carrying data on closed interfaces."""
    vendors = eco.of_type(ActorType.TECHNOLOGY_VENDOR)
    if not vendors:
        return []
    platform_centrality = eco.betweenness.get(eco.platform.id, 0.0) if eco.platform else 0.0
    locked = []
    for vendor in vendors:
        closed_data = any(
            f.kind is FlowKind.DATA and not any(is_open_standard(s) for s in f.standards)
            for f in (*eco.in_flows.get(vendor.id, ()), *eco.out_flows.get(vendor.id, ()))
        )
        if closed_data or eco.betweenness.get(vendor.id, 0.0) > platform_centrality:
            locked.append(vendor.id)
    return locked


def check_vendor_lock_in(eco: Ecosystem) -> list[Finding]:
    """A vendor the city cannot replace makes the model neither portable nor negotiable."""
    ids = lock_in_vendors(eco)
    if not ids:
        return []
    return [
        _finding(
            "vendor-lock-in",
            "high",
            "replicability",
            "r_no_lock_in",
            say("vendor-lock-in", len(ids), names=_names(eco, ids)),
            ids,
        )
    ]


def check_not_multi_sided(eco: Ecosystem) -> list[Finding]:
    """A platform is only a platform if it connects at least two sides (Hagiu & Wright 2015: input suppliers and
    funders are none); names the input suppliers, which a flow through the platform could turn into a side."""
    if eco.platform is None or not eco.flows or eco.is_multi_sided:
        return []
    suppliers = eco.input_suppliers
    if suppliers:
        message = say(
            "not-multi-sided-suppliers", len(suppliers), platform=eco.platform.name, names=_names(eco, suppliers)
        )
    else:
        message = say("not-multi-sided", 1, platform=eco.platform.name)
    return [
        _finding(
            "not-multi-sided", "medium", "scalability", "s_network_effects", message, [eco.platform.id, *suppliers]
        )
    ]


def check_no_network_effects(eco: Ecosystem) -> list[Finding]:
    """Scale comes from each side attracting the other through the platform."""
    if not eco.flows or eco.cross_side_loop is not None:
        return []
    elements = [eco.platform.id] if eco.platform else []
    where = f"through {eco.platform.name}" if eco.platform else "(there is no platform operator)"
    return [
        _finding(
            "no-network-effects",
            "medium",
            "scalability",
            "s_network_effects",
            say("no-network-effects", 1, where=where),
            elements,
        )
    ]


def check_high_marginal_cost(eco: Ecosystem) -> list[Finding]:
    """Costly service per extra user caps growth."""
    flows = [
        f
        for f in eco.flows
        if f.kind is FlowKind.SERVICE and f.marginal_cost == "high" and eco.actors[f.target].type in USER_SEGMENT_TYPES
    ]
    if not flows:
        return []
    labels = ", ".join(f"'{f.label or f.id}'" for f in flows[:4])
    return [
        _finding(
            "high-marginal-cost",
            "medium",
            "scalability",
            "s_marginal_cost",
            say("high-marginal-cost", len(flows), labels=labels),
            [f.id for f in flows],
        )
    ]


def check_no_open_standards(eco: Ecosystem) -> list[Finding]:
    """Data on closed interfaces cannot be reused by another city (OASC MIMs)."""
    data = [f for f in eco.flows if f.kind is FlowKind.DATA]
    if not data or any(is_open_standard(s) for f in data for s in f.standards):
        return []
    return [
        _finding(
            "no-open-standards",
            "high",
            "replicability",
            "r_open_standards",
            say("no-open-standards", len(data)),
            [f.id for f in data],
        )
    ]


def check_local_dependency(eco: Ecosystem) -> list[Finding]:
    """Named local partners and local preconditions stop replication elsewhere."""
    findings = []
    local = [a for a, actor in eco.actors.items() if actor.local and actor.type in CORE_ROLE_TYPES]
    if local:
        findings.append(
            _finding(
                "local-dependency",
                "medium",
                "replicability",
                "r_generic_roles",
                say("local-dependency-roles", len(local), names=_names(eco, local)),
                local,
            )
        )
    needing = [
        m.id
        for m in eco.config.modules
        if m.id in eco.definitions
        and (eco.definitions[m.id].attributes.preconditions or eco.definitions[m.id].attributes.locality == "local")
    ]
    if needing:
        what = sorted({p for m in needing for p in eco.definitions[m].attributes.preconditions})
        findings.append(
            _finding(
                "local-dependency",
                "low",
                "replicability",
                "r_preconditions",
                say("local-dependency-preconditions", len(needing), what=f": {'; '.join(what[:4])}" if what else ""),
                needing,
            )
        )
    return findings


def check_no_citizen_value(eco: Ecosystem) -> list[Finding]:
    """A city service that gives residents nothing has no public purpose."""
    citizens = eco.of_type(ActorType.CITIZEN)
    if not eco.flows or any(eco.in_flows.get(c.id) for c in citizens):
        return []
    return [
        _finding(
            "no-citizen-value",
            "high",
            "value_creation",
            "vc_citizen_value",
            say("no-citizen-value", len(citizens)),
            [c.id for c in citizens],
        )
    ]


def check_unmet_needs(eco: Ecosystem) -> list[Finding]:
    """Recorded needs that no flow answers: listed flows count only if they reach the actor who has the need."""
    unmet = [n for n in eco.config.needs if not eco.served_needs[n.id]]
    if not unmet:
        return []
    names = name_list((f"'{n.name}'" for n in unmet), 4)
    return [
        _finding(
            "unmet-need",
            "medium",
            "value_creation",
            "vc_needs_served",
            say("unmet-need", len(unmet), names=names),
            [n.id for n in unmet],
        )
    ]


def unjudged_by_missing_amounts(eco: Ecosystem) -> list[str]:
    """Labels of the money criteria that a missing amount leaves unjudged in this configuration."""
    touched = {a for f in eco.missing_quantities if f.amount is None for a in (f.source, f.target)}
    labels = []
    if touched & set(a.id for a in eco.of_type(*BUSINESS_ROLE_TYPES)):
        labels.append("business actors' margins and growth")
    if eco.operator is not None and eco.operator.id in touched:
        labels += ["the operator's margin, share and take rate"]
    if touched:
        labels.append("the spread of net value")
    return labels


def check_missing_quantities(eco: Ecosystem) -> list[Finding]:
    """Money flows without figures are never judged silently: say which and what they leave unjudged."""
    flows = eco.missing_quantities
    if not flows:
        return []
    labels = name_list((f"'{f.label or f.kind.value}'" for f in flows), 4)
    unjudged = unjudged_by_missing_amounts(eco)
    if unjudged:
        consequence = "these criteria cannot be judged: " + "; ".join(unjudged)
    else:
        consequence = f"a flow without occurrences counts once per {eco.config.period}"
    return [
        _finding(
            "missing-quantities",
            "low",
            "sustainability",
            "",
            say("missing-quantities", len(flows), labels=labels, unjudged=consequence),
            [f.id for f in flows],
        )
    ]


def consent_modules(eco: Ecosystem) -> list[str]:
    """Placed modules that declare ``attributes.consent``: a service where residents give and withdraw consent."""
    return [m.id for m in eco.config.modules if m.id in eco.definitions and eco.definitions[m.id].attributes.consent]


def personal_data_leaving(eco: Ecosystem) -> list[Flow]:
    """Personal-data flows to anyone but a citizen or community: the data leaves the people it describes."""
    return [f for f in eco.all_flows if f.personal_data and eco.actors[f.target].type not in CUSTOMER_TYPES]


def unconsented_personal_data(eco: Ecosystem) -> list[Flow]:
    """Personal data leaving the citizens' side while no consent mechanism is placed (GDPR Art. 6–7, OASC MIM4)."""
    return [] if consent_modules(eco) else personal_data_leaving(eco)


def sold_personal_data(eco: Ecosystem) -> list[Flow]:
    """Personal-data flows X → Y with a money flow Y → X (the data is sold), and those payments."""
    paid = {(f.target, f.source) for f in eco.data_payments}
    return [f for f in eco.all_flows if f.personal_data and (f.source, f.target) in paid] + eco.data_payments


def _flows_and_ends(flows: list[Flow]) -> list[str]:
    """Flow ids, then the actors at their ends, each once: what a personal-data finding names."""
    ids = [f.id for f in flows]
    return ids + list(dict.fromkeys(e for f in flows for e in (f.source, f.target)))


def check_personal_data_without_consent(eco: Ecosystem) -> list[Finding]:
    """Personal data leaves the citizens' side and nobody can give or withdraw consent for it."""
    flows = unconsented_personal_data(eco)
    if not flows:
        return []
    labels = name_list(
        (f"'{f.label or f.id}' ({eco.actors[f.source].name} → {eco.actors[f.target].name})" for f in flows), 3
    )
    return [
        _finding(
            "personal-data-without-consent",
            "high",
            "sustainability",
            "su_personal_data",
            say("personal-data-without-consent", len(flows), labels=labels),
            _flows_and_ends(flows),
        )
    ]


def check_personal_data_sold(eco: Ecosystem) -> list[Finding]:
    """Personal data paid for by its receiver: always a finding, consent or not (MyData: people are not a product)."""
    flows = sold_personal_data(eco)
    if not flows:
        return []
    sold = [f for f in flows if f.personal_data]
    labels = name_list((f"'{f.label or f.id}'" for f in sold), 3)
    buyers = list(dict.fromkeys(f.target for f in sold))
    return [
        _finding(
            "personal-data-sold",
            "high",
            "sustainability",
            "su_personal_data",
            say("personal-data-sold", len(buyers), labels=labels, buyers=_names(eco, buyers)),
            _flows_and_ends(flows),
        )
    ]


CHECKS: tuple[Check, ...] = (
    check_isolated_actors,
    check_disconnected,
    check_no_return,
    check_free_riders,
    check_no_revenue,
    check_negative_net_value,
    check_grant_dependent,
    check_funding_concentration,
    check_single_point_of_failure,
    check_vendor_lock_in,
    check_not_multi_sided,
    check_no_network_effects,
    check_high_marginal_cost,
    check_per_use_subsidy,
    check_no_payback,
    check_no_open_standards,
    check_local_dependency,
    check_no_citizen_value,
    check_unmet_needs,
    check_missing_quantities,
    check_personal_data_without_consent,
    check_personal_data_sold,
)


def run_checks(eco: Ecosystem) -> list[Finding]:
    return [finding for check in CHECKS for finding in check(eco)]
