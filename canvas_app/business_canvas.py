"""The nine-block Business Model Canvas, derived from the value network by stated rules.

The canvas describes the city's service as its operator runs it. The rules, and why a
practitioner would draw the blocks that way, are written down in ``docs/scoring-canvas.md``
("Nine-block canvas"); each helper below implements one of them.

- The *operator* is the focal actor (the platform operator, else a sole service provider);
  without one, the city runs the service itself. The *provider side* is the operator and the
  city, which owns the service: the city is never a customer segment or a partner of it.
- *Customer segments* are demand-side actors receiving a value proposition from the provider
  side: not the city's own agencies unless they pay for it, not funders, not technology
  vendors, not suppliers the provider side pays and which pay nothing back.
- *Value propositions* are what the provider side delivers to those segments (services,
  goods, data, knowledge, and rights it sells).
- *Key partners* supply the provider side with services, goods, data, knowledge, rights or
  funding; *key resources* are the rights granted to the operator, what the city contributes
  to it, and modules declaring resources.
- *Revenue streams* are money, grants and investment the operator receives; the *cost
  structure* is the money it pays, except fees it collects on the city's behalf and passes on.
- *Key activities* are what the operator delivers, and modules declaring activities.
"""

from __future__ import annotations

from dataclasses import dataclass

from canvas_app.ecosystem import Ecosystem
from canvas_app.library import ModuleLibrary, resolve_definitions
from canvas_app.model import FINANCIAL_KINDS, Actor, ActorType, Configuration, Flow, FlowKind
from canvas_app.module_schema import BMC_BLOCKS

BLOCK_LABELS = {
    "customer_segments": "Customer segments",
    "value_propositions": "Value propositions",
    "channels": "Channels",
    "customer_relationships": "Customer relationships",
    "revenue_streams": "Revenue streams",
    "key_resources": "Key resources",
    "key_activities": "Key activities",
    "key_partnerships": "Key partners",
    "cost_structure": "Cost structure",
}

OFFERINGS = frozenset({FlowKind.SERVICE, FlowKind.GOODS, FlowKind.DATA, FlowKind.KNOWLEDGE})
"""What a provider delivers as value (money, rights and reputation are read apart)."""

NEVER_SEGMENTS = frozenset({ActorType.CITY, ActorType.FUNDER, ActorType.TECHNOLOGY_VENDOR})
"""The service's owner, those who finance it and those who equip it are not its customers."""

MODULE_BLOCKS = ("channels", "customer_relationships", "key_activities", "key_resources")
"""Blocks a placed module's declaration fills with its name (the graph cannot show them)."""


@dataclass(frozen=True)
class _Roles:
    """Who is who around the operator, worked out once for all blocks."""

    operator: Actor
    provider_side: frozenset[str]  # the operator and the city
    buyers: frozenset[str]  # actors paying the provider side
    segments: tuple[str, ...]
    passed_on: tuple[tuple[Flow, Flow], ...]  # (payment to the city, the payment into the operator it comes from)


def nine_blocks(config: Configuration, library: ModuleLibrary | None = None) -> dict[str, list[str]]:
    """Derive the nine blocks from the graph (read-only view); see the module docstring for the rules."""
    return canvas_blocks(Ecosystem(config, resolve_definitions(config, library)))


def canvas_blocks(eco: Ecosystem) -> dict[str, list[str]]:
    """The nine blocks of an indexed configuration, each a list of short readable lines."""
    blocks: dict[str, list[str]] = {b: [] for b in BMC_BLOCKS}
    roles = _roles(eco)
    if roles is None:
        return blocks

    def add(block: str, text: str) -> None:
        if text and text not in blocks[block]:
            blocks[block].append(text)

    name = {a.id: a.name for a in eco.config.actors}
    operator = roles.operator.id
    segments = set(roles.segments)
    passed_ids = {out.id for out, _ in roles.passed_on}
    contributions: dict[str, list[str]] = {}  # partner -> what it supplies, in order of first flow
    for segment in roles.segments:
        add("customer_segments", name[segment])
    for flow in eco.flows:
        what = flow.label or flow.kind.value
        source, target = flow.source, flow.target
        from_provider = source in roles.provider_side
        to_provider = target in roles.provider_side
        if from_provider and target in segments and _is_offering(flow, roles.buyers):
            add("value_propositions", f"{what} ({name[target]})")
        if flow.kind is FlowKind.REPUTATION and {source, target} & segments and (from_provider or to_provider):
            add(
                "customer_relationships", f"{what} ({name[target]})" if from_provider else f"{what} from {name[source]}"
            )
        if source == operator and flow.kind in OFFERINGS:
            add("key_activities", f"{what} → {name[target]}")
        if (
            to_provider
            and not from_provider
            and (
                flow.kind in OFFERINGS
                or flow.kind is FlowKind.PERMISSION
                or flow.kind in (FlowKind.GRANT, FlowKind.INVESTMENT)
            )
        ):
            contributions.setdefault(source, [])
            if what not in contributions[source]:
                contributions[source].append(what)
        if target == operator and (
            flow.kind is FlowKind.PERMISSION or (eco.actors[source].type is ActorType.CITY and flow.kind in OFFERINGS)
        ):
            add("key_resources", f"{what} ({name[source]})")
        if target == operator and flow.kind in FINANCIAL_KINDS:
            add(
                "revenue_streams",
                f"{what} from {name[source]}"
                + "".join(
                    f", of which {out.label or out.kind.value} passed on to {name[out.target]}"
                    for out, paid in roles.passed_on
                    if paid.id == flow.id
                ),
            )
        if source == operator and flow.kind in FINANCIAL_KINDS and flow.id not in passed_ids:
            add("cost_structure", f"{what} → {name[target]}")
    for partner, supplies in contributions.items():
        add("key_partnerships", f"{name[partner]}: {', '.join(supplies)}")
    for instance in eco.config.modules:
        definition = eco.definitions.get(instance.id)
        if definition is None:
            continue
        for block in definition.attributes.bmc_blocks:
            if block in MODULE_BLOCKS:
                add(block, definition.name)
    return blocks


def _roles(eco: Ecosystem) -> _Roles | None:
    """The operator (else the city), the provider side, the segments and the fees passed through."""
    cities = {a.id for a in eco.of_type(ActorType.CITY)}
    operator = eco.operator or next(iter(eco.of_type(ActorType.CITY)), None)
    if operator is None:
        return None
    provider_side = frozenset({operator.id} | cities)
    buyers = frozenset(f.source for f in eco.flows if f.kind in FINANCIAL_KINDS and f.target in provider_side)
    suppliers = {f.target for f in eco.flows if f.kind in FINANCIAL_KINDS and f.source in provider_side}
    segments = []
    for actor in eco.config.actors:
        if actor.id in provider_side or actor.type in NEVER_SEGMENTS:
            continue
        if actor.type is ActorType.PUBLIC_AGENCY and actor.id not in buyers:
            continue  # the city's own enforcement or authority, working for it, not buying from it
        if actor.id in suppliers and actor.id not in buyers:
            continue  # a supplier: paid by the operator or the city, paying nothing back
        if any(f.source in provider_side and _is_offering(f, buyers) for f in eco.in_flows.get(actor.id, ())):
            segments.append(actor.id)
    return _Roles(operator, provider_side, buyers, tuple(segments), _pass_through(eco, operator, cities))


def _is_offering(flow: Flow, buyers: frozenset[str]) -> bool:
    """Value delivered: a service, goods, data or knowledge, or a right the receiver pays for."""
    return flow.kind in OFFERINGS or (flow.kind is FlowKind.PERMISSION and flow.target in buyers)


def _pass_through(eco: Ecosystem, operator: Actor, cities: set[str]) -> tuple[tuple[Flow, Flow], ...]:
    """Per-use payments to the city matching a per-use payment into the operator (same occurrences,
    no larger amount): fees collected on the city's behalf, which are the city's money, not a cost."""
    incoming = [
        f
        for f in eco.in_flows.get(operator.id, ())
        if f.kind is FlowKind.MONEY and f.amount is not None and (f.occurrences or 0) > 1
    ]
    pairs = []
    for flow in eco.out_flows.get(operator.id, ()):
        if (
            flow.kind is not FlowKind.MONEY
            or flow.target not in cities
            or flow.amount is None
            or (flow.occurrences or 0) <= 1
        ):
            continue
        paid = next((f for f in incoming if f.occurrences == flow.occurrences and (f.amount or 0) >= flow.amount), None)
        if paid is not None:
            pairs.append((flow, paid))
    return tuple(pairs)
