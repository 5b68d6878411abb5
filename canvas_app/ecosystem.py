"""The value network of one configuration, indexed once for every check and criterion.

Building the indexes once per evaluation (and not once per check) is what
keeps the live score panel under 50 ms at 300 actors: each check is then a
linear scan over prepared lists. The graph algorithms (components,
articulation points, cycles) run on networkx; betweenness runs on rustworkx,
because exact betweenness in pure Python takes seconds at 1,000 actors.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

import networkx as nx
import rustworkx as rx

from canvas_app.model import FINANCIAL_KINDS, PUBLIC_TYPES, Actor, ActorType, Configuration, Flow, FlowKind, Need
from canvas_app.module_schema import ModuleDefinition
from canvas_app.standards import classify_standard

BUSINESS_TYPES = frozenset(
    {ActorType.PLATFORM_OPERATOR, ActorType.SERVICE_PROVIDER, ActorType.TECHNOLOGY_VENDOR, ActorType.BUSINESS}
)
"""Actors that must not run at a loss on their operating money flows."""

CUSTOMER_TYPES = frozenset({ActorType.CITIZEN, ActorType.COMMUNITY})
"""Segments that may receive public value without paying for it (not free riders)."""

USER_SEGMENT_TYPES = frozenset({ActorType.CITIZEN, ActorType.COMMUNITY, ActorType.BUSINESS})
"""Segments a service is delivered to (their marginal cost is what limits scale)."""

OFFERING_KINDS = frozenset({FlowKind.SERVICE, FlowKind.GOODS, FlowKind.DATA, FlowKind.KNOWLEDGE})
"""What a platform side supplies or consumes (as opposed to payments and permissions)."""

NOT_A_SIDE = frozenset({ActorType.TECHNOLOGY_VENDOR, ActorType.FUNDER})
"""Suppliers of technology or money, never market sides of a platform, whatever they exchange with it."""

FINANCING_KINDS = frozenset({FlowKind.GRANT, FlowKind.INVESTMENT})
"""What a funder gives: money that finances the operator rather than buys from it."""

PUBLIC_BUDGET = "public-budget"
"""The funding source of the city and every public agency: one public budget, however many departments pay."""


def source_key(actor: Actor) -> str:
    """Who really pays when this box pays: its declared ``funding_source``, else the public budget for the city
    and public agencies, else the box itself (its id)."""
    if actor.funding_source is not None:
        return actor.funding_source
    return PUBLIC_BUDGET if actor.type in PUBLIC_TYPES else actor.id


SideKind = Literal["demand", "supply", "demand and supply", "input supplier", "funder", "no exchange"]
DEMAND_ROLES, SUPPLY_ROLES = ("demand", "demand and supply"), ("supply", "demand and supply")


@dataclass(frozen=True)
class SideRole:
    """What an actor trading with the platform is to it: a side (and which), or why it is not one.

    ``role`` is ``demand``, ``supply`` or ``demand and supply`` for a side; ``input supplier``,
    ``funder`` or ``no exchange`` otherwise.
    """

    side: bool
    role: SideKind
    reason: str


GROWTH_FACTORS = tuple(range(1, 11))

NEED_PATH_STEPS = 3
"""Longest chain of value flows (after the serving flow) along which a need counts as served."""


def is_open_standard(name: str) -> bool:
    """Open only when the standards registry knows it as open (unverified names are not)."""
    return classify_standard(name) == "open"


def _what(flows: list[Flow]) -> str:
    """The labels of flows for a reason: 'parking', 'listing fee' (their kinds when unlabelled)."""
    labels = list(dict.fromkeys(f"'{f.label or f.kind.value}'" for f in flows))
    return ", ".join(labels[:2]) + (" …" if len(labels) > 2 else "")


def _side_role(actor: Actor, platform: str, gives: list[Flow], gets: list[Flow]) -> SideRole:
    """Classify one actor by what it exchanges with the platform (the rules of :attr:`Ecosystem.side_roles`)."""
    uses = [f for f in gets if f.kind in OFFERING_KINDS]
    offers = [f for f in gives if f.kind in OFFERING_KINDS]
    pays = [f for f in gives if f.kind is FlowKind.MONEY]
    finances = [f for f in gives if f.kind in FINANCING_KINDS]
    affiliation = pays + [f for f in gets if f.kind not in FINANCIAL_KINDS]
    # reports (knowledge), a dividend or visibility are a funder's return, not something it buys
    if actor.type is ActorType.FUNDER or (finances and not any(f.kind is not FlowKind.KNOWLEDGE for f in uses)):
        return SideRole(
            False,
            "funder",
            f"finances {platform} ({_what(finances or gives or gets)}) and uses "
            "nothing it offers: a funder, not a side",
        )
    if actor.type is ActorType.TECHNOLOGY_VENDOR:
        return SideRole(
            False,
            "input supplier",
            f"a technology vendor: it supplies {platform}'s technology (an input supplier, not a side)",
        )
    if uses and offers:
        return SideRole(
            True, "demand and supply", f"uses {_what(uses)} from {platform} and supplies {_what(offers)} through it"
        )
    if uses:
        return SideRole(True, "demand", f"uses {_what(uses)} from {platform}")
    if offers and affiliation:
        how = f"pays it {_what(pays)}" if pays else f"gets {_what(affiliation)} from it"
        return SideRole(True, "supply", f"supplies {_what(offers)} through {platform} and {how}: an affiliated side")
    paid = [f for f in gets if f.kind is FlowKind.MONEY]
    if not affiliation and (offers or paid):  # it gives the platform no money and gets nothing but money from it
        if not gives:
            what = f"is only paid by {platform} ({_what(gets)})"
        elif gets:
            what = f"supplies {_what(gives)} to {platform} and is only paid by it ({_what(gets)})"
        else:
            what = f"supplies {_what(gives)} to {platform} and gets nothing from it"
        return SideRole(False, "input supplier", f"{what}: an input supplier, not a side")
    return SideRole(False, "no exchange", f"exchanges no service, goods, data or knowledge with {platform}")


@dataclass(frozen=True)
class NetValue:
    """Money balance of one actor per period; fixed and per-use parts kept apart for growth.

    ``money_in`` and ``money_out`` are money exchanged with other actors; ``costs`` are the actor's
    own running costs (fixed, plus a cost per occurrence of a flow), so the net is revenue minus
    everything the actor spends, not only what it pays to others.
    """

    money_in: float = 0.0
    money_out: float = 0.0
    financing_in: float = 0.0
    variable_net: float = 0.0  # part of the net that scales with occurrences
    variable_in: float = 0.0  # money in from per-use flows (occurrences > 1)
    variable_out: float = 0.0  # money out on per-use flows, and own costs per occurrence of those flows
    has_amounts: bool = False  # every money flow of the actor has an amount (and it has at least one figure)
    missing_amounts: int = 0  # money, grant or investment flows of the actor without an amount
    intangible_in: int = 0
    intangible_out: int = 0
    costs: float = 0.0  # own running costs per period (fixed and per occurrence), not paid to an actor

    @property
    def net(self) -> float:
        return self.money_in - self.money_out - self.costs

    @property
    def spending(self) -> float:
        """Everything the actor pays per period: to others and its own costs."""
        return self.money_out + self.costs

    @property
    def turnover(self) -> float:
        """The larger of money in and money spent: what a margin is measured against."""
        return max(self.money_in, self.spending)

    @property
    def margin(self) -> float | None:
        """Net as a share of turnover (-1..1); None when no money moves."""
        return self.net / self.turnover if self.turnover > 0 else None

    def margin_at(self, growth: float) -> float | None:
        """The margin if every per-use flow (and its per-use cost) happened ``growth`` times as often."""
        money_in = self.money_in + (growth - 1.0) * self.variable_in
        spending = self.spending + (growth - 1.0) * self.variable_out
        turnover = max(money_in, spending)
        return (money_in - spending) / turnover if turnover > 0 else None

    def net_at(self, growth: float) -> float:
        """Net money if every per-use flow (occurrences > 1) happened ``growth`` times as often."""
        return self.net + (growth - 1.0) * self.variable_net


@dataclass
class Ecosystem:
    """A configuration with its graph and the indexes that the checks share."""

    config: Configuration
    definitions: dict[str, ModuleDefinition] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.actors: dict[str, Actor] = {a.id: a for a in self.config.actors}
        # every flow, personal data included: what the personal-data checks read
        self.all_flows: list[Flow] = list(self.config.flows)
        personal = {(f.source, f.target) for f in self.all_flows if f.personal_data}
        # money flows Y → X beside a personal-data flow X → Y: the price of the data
        self.data_payments: list[Flow] = [
            f for f in self.all_flows if f.kind is FlowKind.MONEY and (f.target, f.source) in personal
        ]
        paid = {f.id for f in self.data_payments}
        # the flows every criterion reads: personal data and its payments never raise a score
        self.flows: list[Flow] = [f for f in self.all_flows if not f.personal_data and f.id not in paid]
        self.out_flows: dict[str, list[Flow]] = defaultdict(list)
        self.in_flows: dict[str, list[Flow]] = defaultdict(list)
        for flow in self.flows:
            self.out_flows[flow.source].append(flow)
            self.in_flows[flow.target].append(flow)

    @cached_property
    def flow_by_id(self) -> dict[str, Flow]:
        return {f.id: f for f in self.flows}

    # -- graph views -----------------------------------------------------------
    @cached_property
    def graph(self) -> nx.MultiDiGraph:
        """The value network: actors as nodes, flows as keyed edges."""
        graph = nx.MultiDiGraph()
        graph.add_nodes_from((a.id, {"type": a.type.value, "name": a.name}) for a in self.config.actors)
        graph.add_edges_from((f.source, f.target, f.id, {"kind": f.kind.value, "label": f.label}) for f in self.flows)
        return graph

    @cached_property
    def undirected(self) -> nx.Graph:
        graph = nx.Graph()
        graph.add_nodes_from(self.actors)
        graph.add_edges_from((f.source, f.target) for f in self.flows)
        return graph

    @cached_property
    def components(self) -> list[list[str]]:
        comps = [sorted(c) for c in nx.connected_components(self.undirected)]
        return sorted(comps, key=lambda c: (-len(c), c))

    @cached_property
    def articulation_points(self) -> list[str]:
        return sorted(nx.articulation_points(self.undirected))

    @cached_property
    def betweenness(self) -> dict[str, float]:
        """Normalised directed betweenness of each actor (rustworkx, exact)."""
        ids = list(self.actors)
        index = {actor_id: i for i, actor_id in enumerate(ids)}
        graph = rx.PyDiGraph(multigraph=False)
        graph.add_nodes_from(ids)
        graph.add_edges_from_no_data(list({(index[f.source], index[f.target]) for f in self.flows}))
        if len(ids) < 3:
            return {actor_id: 0.0 for actor_id in ids}
        values = rx.digraph_betweenness_centrality(graph, normalized=True, parallel_threshold=500)
        return {ids[i]: float(values[i]) for i in range(len(ids))}

    # -- roles -----------------------------------------------------------------
    def of_type(self, *types: ActorType) -> list[Actor]:
        return [a for a in self.config.actors if a.type in types]

    def degree(self, actor_id: str) -> int:
        return len(self.in_flows.get(actor_id, ())) + len(self.out_flows.get(actor_id, ()))

    @cached_property
    def platform(self) -> Actor | None:
        """The first platform operator listed: the one the configuration is about.

        Chosen by position, not by number of flows, so that drawing a flow never
        silently switches which operator every score is computed for.
        """
        operators = self.of_type(ActorType.PLATFORM_OPERATOR)
        return operators[0] if operators else None

    @cached_property
    def operator(self) -> Actor | None:
        """Whoever must earn a living from the service: the platform, else a sole service provider."""
        if self.platform is not None:
            return self.platform
        providers = self.of_type(ActorType.SERVICE_PROVIDER)
        return providers[0] if len(providers) == 1 else None

    @cached_property
    def side_roles(self) -> dict[str, SideRole]:
        """Every actor with a flow to or from the platform, classified as Hagiu & Wright (2015) define sides.

        A side is an affiliated customer group interacting through the platform: it uses what the
        platform offers (demand), or supplies service, goods, data or knowledge through it while being
        its customer (it pays the platform, or gets something other than money from it: supply). An
        input supplier's only relation with the platform is supplying it or being paid by it (hosting,
        an ISP, a payment processor, a contractor; a technology vendor always): the platform is its
        customer, not the reverse. A funder finances the platform (grants, investment) and uses nothing
        it offers. Neither is a side.
        """
        platform = self.platform
        if platform is None:
            return {}
        gives: dict[str, list[Flow]] = defaultdict(list)  # actor → its flows to the platform
        gets: dict[str, list[Flow]] = defaultdict(list)  # actor → the platform's flows to it
        for flow in self.in_flows.get(platform.id, ()):
            gives[flow.source].append(flow)
        for flow in self.out_flows.get(platform.id, ()):
            gets[flow.target].append(flow)
        name = platform.name
        roles: dict[str, SideRole] = {}
        for actor in self.config.actors:
            if actor.id == platform.id or not (gives.get(actor.id) or gets.get(actor.id)):
                continue
            roles[actor.id] = _side_role(actor, name, gives.get(actor.id, []), gets.get(actor.id, []))
        return roles

    @cached_property
    def sides(self) -> dict[str, list[str]]:
        """Demand and supply sides of the platform, in configuration order (see :attr:`side_roles`)."""
        roles = self.side_roles
        return {
            "demand": [a for a, r in roles.items() if r.role in DEMAND_ROLES],
            "supply": [a for a, r in roles.items() if r.role in SUPPLY_ROLES],
        }

    @cached_property
    def non_sides(self) -> list[str]:
        """Actors trading with the platform that are not sides of it (input suppliers, funders, no exchange)."""
        return [a for a, r in self.side_roles.items() if not r.side]

    @cached_property
    def input_suppliers(self) -> list[str]:
        """Actors whose only relation with the platform is supplying it or being paid by it."""
        return [a for a, r in self.side_roles.items() if r.role == "input supplier"]

    def distinct_sides(self, a: str, b: str) -> bool:
        """Two actors are distinct sides only if they are different groups: not one payer drawn as two boxes."""
        return a != b and source_key(self.actors[a]) != source_key(self.actors[b])

    @cached_property
    def is_multi_sided(self) -> bool:
        demand, supply = self.sides["demand"], self.sides["supply"]
        return any(self.distinct_sides(d, s) for d in demand for s in supply)

    @cached_property
    def cross_side_loop(self) -> tuple[str, str] | None:
        """A pair (demand, supply) of distinct sides with value running both ways through the platform.

        demand → platform → supply and supply → platform → demand: what each side
        brings makes the platform worth more to the other side.
        """
        platform = self.platform
        if platform is None:
            return None
        gives_to_platform = {f.source for f in self.in_flows.get(platform.id, ())}
        gets_from_platform = {f.target for f in self.out_flows.get(platform.id, ())}
        # prefer market segments over the city, whose data needs make it a side only formally
        for d in sorted(self.sides["demand"], key=lambda a: self.actors[a].type is ActorType.CITY):
            if d not in gives_to_platform:
                continue
            partner = next(
                (s for s in self.sides["supply"] if self.distinct_sides(d, s) and s in gets_from_platform), None
            )
            if partner is not None:
                return (d, partner)
        return None

    # -- money -----------------------------------------------------------------
    @cached_property
    def net_values(self) -> dict[str, NetValue]:
        """Per actor: money in and out per period (money only; grants and investment apart)."""
        keys = ("in", "out", "fin", "var_in", "var_out", "amounts", "missing", "money_missing", "ii", "io", "costs")
        acc: dict[str, dict[str, float]] = {a: dict.fromkeys(keys, 0.0) for a in self.actors}
        for flow in self.flows:
            src, dst = acc[flow.source], acc[flow.target]
            if flow.kind not in FINANCIAL_KINDS:
                src["io"] += 1
                dst["ii"] += 1
                continue
            value = flow.value_per_period
            if value is None:
                src["missing"] += 1
                dst["missing"] += 1
                if flow.kind is FlowKind.MONEY:
                    src["money_missing"] += 1
                    dst["money_missing"] += 1
                continue
            src["amounts"] = dst["amounts"] = 1.0
            if flow.kind is not FlowKind.MONEY:
                dst["fin"] += value
                continue
            src["out"] += value
            dst["in"] += value
            if flow.per_use:
                src["var_out"] += value
                dst["var_in"] += value
        flows_by_id = {f.id: f for f in self.flows}
        for actor_id, actor in self.actors.items():
            v = acc[actor_id]
            if actor.fixed_cost:
                v["costs"] += actor.fixed_cost
                v["amounts"] = 1.0
            for flow_id, unit_cost in actor.unit_costs.items():
                flow = flows_by_id[flow_id]
                occurrences = flow.occurrences if flow.occurrences is not None else 1.0
                v["costs"] += unit_cost * occurrences
                v["amounts"] = 1.0
                if flow.per_use:
                    v["var_out"] += unit_cost * occurrences
        return {
            actor_id: NetValue(
                money_in=v["in"],
                money_out=v["out"],
                financing_in=v["fin"],
                variable_net=v["var_in"] - v["var_out"],
                variable_in=v["var_in"],
                variable_out=v["var_out"],
                # a partial sum is no evidence: an actor's balance counts only when all its money flows have figures
                has_amounts=bool(v["amounts"]) and not v["money_missing"],
                missing_amounts=int(v["missing"]),
                intangible_in=int(v["ii"]),
                intangible_out=int(v["io"]),
                costs=v["costs"],
            )
            for actor_id, v in acc.items()
        }

    @cached_property
    def missing_quantities(self) -> list[Flow]:
        """Money, grant and investment flows without an amount or without occurrences per period."""
        return [f for f in self.flows if f.kind in FINANCIAL_KINDS and (f.amount is None or f.occurrences is None)]

    @cached_property
    def money_moved(self) -> float:
        """All money (not grants or investment) that changes hands per period, where amounts are given."""
        return sum(f.value_per_period or 0.0 for f in self.flows if f.kind is FlowKind.MONEY)

    @cached_property
    def must_break_even(self) -> list[str]:
        """Business actors with money figures whose operating money flows must not run at a loss.

        Operators, service providers and vendors always; a plain ``business`` only when it earns
        money here. A company that only pays (an advertiser, a data buyer, a pole tenant) is a
        customer buying something that is not money, like a citizen paying a fee: its outflow is
        the price of that value, not a loss of the ecosystem.
        """
        return [
            a
            for a, actor in self.actors.items()
            if actor.type in BUSINESS_TYPES
            and self.net_values[a].has_amounts
            and (actor.type is not ActorType.BUSINESS or self.net_values[a].money_in > 0)
        ]

    def financial_inflow_by_payer(self, actor_id: str) -> dict[str, dict[FlowKind, float]]:
        """Money, grants and investment received, by payer and kind.

        Uses amounts when every financial inflow has one; otherwise counts flows,
        so that a sketch without figures is still judged (by number of sources).
        """
        inflows = [f for f in self.in_flows.get(actor_id, ()) if f.kind in FINANCIAL_KINDS]
        by_amount = bool(inflows) and all(f.amount is not None for f in inflows)
        result: dict[str, dict[FlowKind, float]] = defaultdict(lambda: defaultdict(float))
        for flow in inflows:
            result[flow.source][flow.kind] += (flow.value_per_period or 0.0) if by_amount else 1.0
        return result

    # -- needs -----------------------------------------------------------------
    @cached_property
    def _value_successors(self) -> dict[str, set[str]]:
        """Who passes value objects (not payments) on to whom: the paths a need can be served along."""
        successors: dict[str, set[str]] = defaultdict(set)
        for flow in self.flows:
            if flow.kind not in FINANCIAL_KINDS:
                successors[flow.source].add(flow.target)
        return successors

    def reaches(self, start: str, goal: str, max_steps: int = NEED_PATH_STEPS) -> bool:
        """Whether value received by ``start`` can reach ``goal`` along value flows in ``max_steps`` or fewer."""
        if start == goal:
            return True
        frontier, seen = {start}, {start}
        for _ in range(max_steps):
            frontier = {n for a in frontier for n in self._value_successors.get(a, ())} - seen
            if goal in frontier:
                return True
            if not frontier:
                return False
            seen |= frontier
        return False

    def serving_flows(self, need: Need) -> list[Flow]:
        """The flows listed for ``need`` that really deliver value to the actor who has it.

        A flow serves a need when its target is the need's actor, or when value that reaches
        its target is passed on, along value flows, to that actor (the operator receives parking
        data and serves drivers with it). A need that names no actor cannot be checked: its listed
        flows are taken as declared.
        """
        by_id = {f.id: f for f in self.flows}
        listed = [by_id[f] for f in need.served_by if f in by_id]
        if need.actor is None:
            return listed
        return [f for f in listed if self.reaches(f.target, need.actor)]

    @cached_property
    def served_needs(self) -> dict[str, list[Flow]]:
        """Need id → the flows that serve it (empty: unmet)."""
        return {need.id: self.serving_flows(need) for need in self.config.needs}

    # -- modules ---------------------------------------------------------------
    @property
    def placed_definitions(self) -> list[ModuleDefinition]:
        return [self.definitions[m.id] for m in self.config.modules if m.id in self.definitions]
