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

import networkx as nx
import rustworkx as rx

from canvas_app.model import FINANCIAL_KINDS, Actor, ActorType, Configuration, Flow, FlowKind
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
"""Suppliers of infrastructure or money, not market sides of a platform."""

GROWTH_FACTORS = tuple(range(1, 11))


def is_open_standard(name: str) -> bool:
    """Open only when the standards registry knows it as open (unverified names are not)."""
    return classify_standard(name) == "open"


@dataclass(frozen=True)
class NetValue:
    """Money balance of one actor per period; fixed and per-use parts kept apart for growth."""

    money_in: float = 0.0
    money_out: float = 0.0
    financing_in: float = 0.0
    variable_net: float = 0.0  # part of the net that scales with occurrences
    has_amounts: bool = False
    intangible_in: int = 0
    intangible_out: int = 0

    @property
    def net(self) -> float:
        return self.money_in - self.money_out

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
        self.flows: list[Flow] = list(self.config.flows)
        self.out_flows: dict[str, list[Flow]] = defaultdict(list)
        self.in_flows: dict[str, list[Flow]] = defaultdict(list)
        for flow in self.flows:
            self.out_flows[flow.source].append(flow)
            self.in_flows[flow.target].append(flow)

    # -- graph views -----------------------------------------------------------
    @cached_property
    def graph(self) -> nx.MultiDiGraph:
        """The value network as DESIGN.md §5 defines it: actors as nodes, flows as keyed edges."""
        graph = nx.MultiDiGraph()
        graph.add_nodes_from((a.id, {"type": a.type.value, "name": a.name}) for a in self.config.actors)
        graph.add_edges_from(
            (f.source, f.target, f.id, {"kind": f.kind.value, "label": f.label}) for f in self.flows
        )
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
    def sides(self) -> dict[str, list[str]]:
        """Demand and supply actors around the platform (by what they exchange with it)."""
        platform = self.platform
        demand: list[str] = []
        supply: list[str] = []
        if platform is None:
            return {"demand": demand, "supply": supply}
        consumers = {f.target for f in self.out_flows.get(platform.id, ()) if f.kind in OFFERING_KINDS}
        suppliers = {f.source for f in self.in_flows.get(platform.id, ()) if f.kind in OFFERING_KINDS}
        for actor in self.config.actors:
            if actor.id == platform.id or actor.type in NOT_A_SIDE:
                continue
            if actor.id in consumers:
                demand.append(actor.id)
            if actor.id in suppliers:
                supply.append(actor.id)
        return {"demand": demand, "supply": supply}

    @cached_property
    def is_multi_sided(self) -> bool:
        demand, supply = self.sides["demand"], self.sides["supply"]
        return any(d != s for d in demand for s in supply)

    @cached_property
    def cross_side_loop(self) -> tuple[str, str] | None:
        """A pair (demand, supply) of distinct actors with value running both ways through the platform.

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
            partner = next((s for s in self.sides["supply"] if s != d and s in gets_from_platform), None)
            if partner is not None:
                return (d, partner)
        return None

    # -- money -----------------------------------------------------------------
    @cached_property
    def net_values(self) -> dict[str, NetValue]:
        """Per actor: money in and out per period (money only; grants and investment apart)."""
        acc: dict[str, dict[str, float]] = {
            a: {"in": 0.0, "out": 0.0, "fin": 0.0, "var": 0.0, "amounts": 0.0, "ii": 0.0, "io": 0.0}
            for a in self.actors
        }
        for flow in self.flows:
            src, dst = acc[flow.source], acc[flow.target]
            if flow.kind not in FINANCIAL_KINDS:
                src["io"] += 1
                dst["ii"] += 1
                continue
            value = flow.value_per_period
            if value is None:
                continue
            src["amounts"] = dst["amounts"] = 1.0
            if flow.kind is not FlowKind.MONEY:
                dst["fin"] += value
                continue
            src["out"] += value
            dst["in"] += value
            if flow.occurrences is not None and flow.occurrences > 1:
                src["var"] -= value
                dst["var"] += value
        return {
            actor_id: NetValue(
                money_in=v["in"],
                money_out=v["out"],
                financing_in=v["fin"],
                variable_net=v["var"],
                has_amounts=bool(v["amounts"]),
                intangible_in=int(v["ii"]),
                intangible_out=int(v["io"]),
            )
            for actor_id, v in acc.items()
        }

    @cached_property
    def must_break_even(self) -> list[str]:
        """Business actors with money figures whose operating money flows must not run at a loss.

        Operators, service providers and vendors always; a plain ``business`` only when it earns
        money here. A company that only pays (an advertiser, a data buyer, a pole tenant) is a
        customer buying something that is not money, like a citizen paying a fee: its outflow is
        the price of that value, not a loss of the ecosystem.
        """
        return [
            a for a, actor in self.actors.items()
            if actor.type in BUSINESS_TYPES and self.net_values[a].has_amounts
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

    # -- modules ---------------------------------------------------------------
    @property
    def placed_definitions(self) -> list[ModuleDefinition]:
        return [self.definitions[m.id] for m in self.config.modules if m.id in self.definitions]
