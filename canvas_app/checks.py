"""Structural checks of a value network: one small function per flag code (DESIGN.md §5).

Each check returns findings without recommendations (those are added by
:mod:`canvas_app.recommend`). Every finding names the score criterion it
lowers, and the criterion in :mod:`canvas_app.scoring` is below 1 whenever the
finding fires: score, flags and recommendations cannot disagree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from canvas_app.ecosystem import (
    CUSTOMER_TYPES,
    USER_SEGMENT_TYPES,
    Ecosystem,
    is_open_standard,
)
from canvas_app.evaluation import Finding, Severity
from canvas_app.model import ActorType, FlowKind

HHI_THRESHOLD = 0.6
"""Herfindahl index of the operator's inflow above which one payer dominates (a 75/25 split is 0.625)."""
GRANT_SHARE_THRESHOLD = 0.5
CORE_ROLE_TYPES = frozenset({ActorType.PLATFORM_OPERATOR, ActorType.SERVICE_PROVIDER, ActorType.TECHNOLOGY_VENDOR})

Check = Callable[[Ecosystem], list[Finding]]


def _names(eco: Ecosystem, ids: Iterable[str], limit: int = 4) -> str:
    ids = list(ids)
    names = [eco.actors[i].name for i in ids[:limit]]
    more = f" and {len(ids) - limit} more" if len(ids) > limit else ""
    return ", ".join(names) + more


def _finding(code: str, severity: Severity, dimension: str, criterion: str, message: str, elements: Iterable[str]) -> Finding:
    return Finding(code, severity, dimension, criterion, message, tuple(elements))


def check_isolated_actors(eco: Ecosystem) -> list[Finding]:
    """Actors with no flow at all take no part in the ecosystem."""
    isolated = [a for a in eco.actors if eco.degree(a) == 0]
    if not isolated:
        return []
    return [_finding("isolated-actor", "medium", "sustainability", "su_reciprocity",
                     f"{_names(eco, isolated)} neither give nor get any value.", isolated)]


def check_disconnected(eco: Ecosystem) -> list[Finding]:
    """Parts of the ecosystem that exchange nothing with the rest cannot grow together."""
    comps = [c for c in eco.components if len(c) > 1 or eco.degree(c[0]) > 0]
    if len(comps) <= 1:
        return []
    minor = [actor for comp in comps[1:] for actor in comp]
    return [_finding("disconnected-ecosystem", "high", "scalability", "s_connected",
                     f"The ecosystem falls into {len(comps)} separate parts; {_names(eco, minor)} "
                     "exchange nothing with the main part.", minor)]


def check_no_return(eco: Ecosystem) -> list[Finding]:
    """e3value's economic reciprocity: whoever gives must get something back."""
    ids = [a for a in eco.actors if eco.out_flows.get(a) and not eco.in_flows.get(a)]
    if not ids:
        return []
    return [_finding("no-return", "high", "sustainability", "su_reciprocity",
                     f"{_names(eco, ids)} give value but receive none: they have no reason to stay.", ids)]


def check_free_riders(eco: Ecosystem) -> list[Finding]:
    """Non-customers that take value and give nothing back."""
    ids = [a for a, actor in eco.actors.items()
           if eco.in_flows.get(a) and not eco.out_flows.get(a) and actor.type not in CUSTOMER_TYPES]
    if not ids:
        return []
    return [_finding("free-rider", "medium", "sustainability", "su_reciprocity",
                     f"{_names(eco, ids)} receive value but give nothing back.", ids)]


def check_no_revenue(eco: Ecosystem) -> list[Finding]:
    """The operator needs some money, grant or investment to keep running the service."""
    operator = eco.operator
    if operator is None or eco.financial_inflow_by_payer(operator.id):
        return []
    return [_finding("no-revenue", "high", "value_capture", "cap_revenue",
                     f"{operator.name} receives no money, grant or investment.", [operator.id])]


def check_negative_net_value(eco: Ecosystem) -> list[Finding]:
    """Business actors losing money per period on operating (money) flows (see ``Ecosystem.must_break_even``)."""
    losing = [a for a in eco.must_break_even if eco.net_values[a].net < 0]
    if not losing:
        return []
    detail = "; ".join(f"{eco.actors[a].name} {eco.net_values[a].net:,.0f}" for a in losing[:4])
    return [_finding("negative-net-value", "high", "sustainability", "su_viability",
                     f"Business actors lose money each {eco.config.period} on their operating flows ({detail}).",
                     losing)]


def grant_share(eco: Ecosystem) -> float | None:
    """Share of the operator's money and grant inflow that is grant (None: no inflow)."""
    if eco.operator is None:
        return None
    by_payer = eco.financial_inflow_by_payer(eco.operator.id)
    grant = sum(kinds.get(FlowKind.GRANT, 0.0) for kinds in by_payer.values())
    total = sum(kinds.get(FlowKind.GRANT, 0.0) + kinds.get(FlowKind.MONEY, 0.0) for kinds in by_payer.values())
    return grant / total if total > 0 else None


def check_grant_dependent(eco: Ecosystem) -> list[Finding]:
    """A service living mostly on grants stops when the programme ends."""
    share = grant_share(eco)
    if share is None or share <= GRANT_SHARE_THRESHOLD:
        return []
    operator = eco.operator
    assert operator is not None
    payers = [p for p, kinds in eco.financial_inflow_by_payer(operator.id).items() if kinds.get(FlowKind.GRANT)]
    return [_finding("grant-dependent", "medium", "sustainability", "su_grant_independence",
                     f"{share:.0%} of {operator.name}'s income is grants: the service stops when they end.",
                     [operator.id, *payers])]


def funding_hhi(eco: Ecosystem) -> float | None:
    """Herfindahl index of the operator's financial inflow by payer (None: no inflow)."""
    if eco.operator is None:
        return None
    totals = [sum(kinds.values()) for kinds in eco.financial_inflow_by_payer(eco.operator.id).values()]
    total = sum(totals)
    if total <= 0:
        return None
    return sum((t / total) ** 2 for t in totals)


def check_funding_concentration(eco: Ecosystem) -> list[Finding]:
    """One dominant payer can end the service by walking away."""
    hhi = funding_hhi(eco)
    if hhi is None or hhi <= HHI_THRESHOLD:
        return []
    operator = eco.operator
    assert operator is not None
    by_payer = eco.financial_inflow_by_payer(operator.id)
    top = max(by_payer, key=lambda p: sum(by_payer[p].values()))
    return [_finding("funding-concentration", "medium", "sustainability", "su_diversified_funding",
                     f"{eco.actors[top].name} brings most of {operator.name}'s income "
                     f"(Herfindahl index {hhi:.2f}); losing that payer ends the service.", [operator.id, top])]


def single_points_of_failure(eco: Ecosystem) -> list[str]:
    """Articulation points other than the city and the platform operators (who are hubs by design)."""
    return [a for a in eco.articulation_points
            if eco.actors[a].type not in (ActorType.CITY, ActorType.PLATFORM_OPERATOR)]


def check_single_point_of_failure(eco: Ecosystem) -> list[Finding]:
    """Actors whose loss splits the ecosystem (articulation points)."""
    ids = single_points_of_failure(eco)
    if not ids:
        return []
    return [_finding("single-point-of-failure", "medium", "scalability", "s_no_bottleneck",
                     f"Without {_names(eco, ids)} the ecosystem falls apart: each is the only link "
                     "between some actors and the rest.", ids)]


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
    return [_finding("vendor-lock-in", "high", "replicability", "r_open_components",
                     f"{_names(eco, ids)} sit at the centre of the ecosystem or carry its data on closed "
                     "interfaces: the city cannot change vendor or copy the service elsewhere.", ids)]


def check_not_multi_sided(eco: Ecosystem) -> list[Finding]:
    """A platform is only a platform if it connects at least two sides."""
    if eco.platform is None or eco.is_multi_sided:
        return []
    return [_finding("not-multi-sided", "medium", "scalability", "s_network_effects",
                     f"{eco.platform.name} does not connect two distinct sides (someone who supplies "
                     "service or data through it, and someone else who uses it).", [eco.platform.id])]


def check_no_network_effects(eco: Ecosystem) -> list[Finding]:
    """Scale comes from each side attracting the other through the platform."""
    if eco.cross_side_loop is not None:
        return []
    elements = [eco.platform.id] if eco.platform else []
    where = f"through {eco.platform.name}" if eco.platform else "(there is no platform operator)"
    return [_finding("no-network-effects", "medium", "scalability", "s_network_effects",
                     f"No cross-side value loop runs {where}: more users do not attract more providers.",
                     elements)]


def check_high_marginal_cost(eco: Ecosystem) -> list[Finding]:
    """Costly service per extra user caps growth."""
    flows = [f for f in eco.flows if f.kind is FlowKind.SERVICE and f.marginal_cost == "high"
             and eco.actors[f.target].type in USER_SEGMENT_TYPES]
    if not flows:
        return []
    labels = ", ".join(f"'{f.label or f.id}'" for f in flows[:4])
    return [_finding("high-marginal-cost", "medium", "scalability", "s_marginal_cost",
                     f"Serving one more user is expensive ({labels}).", [f.id for f in flows])]


def check_no_open_standards(eco: Ecosystem) -> list[Finding]:
    """Data on closed interfaces cannot be reused by another city (OASC MIMs)."""
    data = [f for f in eco.flows if f.kind is FlowKind.DATA]
    if not data or any(is_open_standard(s) for f in data for s in f.standards):
        return []
    return [_finding("no-open-standards", "high", "replicability", "r_open_standards",
                     f"None of the {len(data)} data flows uses an open interoperability standard "
                     "(such as NGSI-LD or the OASC MIMs).", [f.id for f in data])]


def check_local_dependency(eco: Ecosystem) -> list[Finding]:
    """Named local partners and local preconditions stop replication elsewhere."""
    findings = []
    local = [a for a, actor in eco.actors.items() if actor.local and actor.type in CORE_ROLE_TYPES]
    if local:
        findings.append(_finding("local-dependency", "medium", "replicability", "r_generic_roles",
                                 f"Core roles are named local organisations ({_names(eco, local)}); "
                                 "another city has no such partner.", local))
    needing = [m.id for m in eco.config.modules
               if m.id in eco.definitions and (eco.definitions[m.id].attributes.preconditions
                                               or eco.definitions[m.id].attributes.locality == "local")]
    if needing:
        what = sorted({p for m in needing for p in eco.definitions[m].attributes.preconditions})
        findings.append(_finding("local-dependency", "low", "replicability", "r_preconditions",
                                 "Modules need local preconditions" + (f": {'; '.join(what[:4])}" if what else "")
                                 + ".", needing))
    return findings


def check_no_citizen_value(eco: Ecosystem) -> list[Finding]:
    """A city service that gives residents nothing has no public purpose."""
    citizens = eco.of_type(ActorType.CITIZEN)
    if any(eco.in_flows.get(c.id) for c in citizens):
        return []
    return [_finding("no-citizen-value", "high", "value_creation", "vc_citizen_value",
                     "No citizen segment receives a service or any other value.", [c.id for c in citizens])]


def check_unmet_needs(eco: Ecosystem) -> list[Finding]:
    """Recorded needs that no flow answers."""
    unmet = [n for n in eco.config.needs if not n.served_by]
    if not unmet:
        return []
    names = ", ".join(f"'{n.name}'" for n in unmet[:4])
    return [_finding("unmet-need", "medium", "value_creation", "vc_needs_served",
                     f"No flow serves {names}.", [n.id for n in unmet])]


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
    check_no_open_standards,
    check_local_dependency,
    check_no_citizen_value,
    check_unmet_needs,
)


def run_checks(eco: Ecosystem) -> list[Finding]:
    return [finding for check in CHECKS for finding in check(eco)]
