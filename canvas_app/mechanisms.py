"""Value creation, capture and sharing mechanisms of a configuration (seed aim b).

"In place" mechanisms are read from what the configuration already has: the
declared attributes of its placed modules (category, revenue models, network
effects) and its flows. "Could add" mechanisms are the library modules not yet
placed, ranked by the score gain measured by re-scoring the configuration with
each one added (:func:`canvas_app.recommend.mechanisms_to_add`). Pure Python.

The flow rules, so a reader can check every line on the page:

- creation: a service, goods, data or knowledge flow gives something to an actor;
- capture: money, grant or investment reaches the operator (the platform, else a sole service
  provider) — or, with no operator, any business-type actor;
- sharing: the operator passes money, data, knowledge or reputation back to an actor that gives it
  something (a contributor: provider, citizen, community…), except the city, funders and
  technology vendors (paying a vendor is a purchase, not sharing).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from canvas_app.ecosystem import Ecosystem
from canvas_app.library import ModuleLibrary, resolve_definitions
from canvas_app.model import FINANCIAL_KINDS, ActorType, Configuration, FlowKind
from canvas_app.module_schema import Category, ModuleDefinition

KINDS = ("creation", "capture", "sharing")
KIND_LABELS = {"creation": "Value creation", "capture": "Value capture", "sharing": "Value sharing"}
KIND_SCORE = {"creation": "value_creation", "capture": "value_capture", "sharing": "value_sharing"}
"""The score that measures each kind of mechanism."""

CATEGORY_KIND = {
    Category.DATA: "creation",
    Category.INFRASTRUCTURE: "creation",
    Category.CHANNELS: "creation",
    Category.SERVICES: "creation",
    Category.REVENUE: "capture",
    Category.FUNDING: "capture",
    Category.SHARING: "sharing",
}
"""What a module of each library category mainly does for value."""

CREATING_KINDS = frozenset({FlowKind.SERVICE, FlowKind.GOODS, FlowKind.DATA, FlowKind.KNOWLEDGE})
SHARING_KINDS = frozenset({FlowKind.MONEY, FlowKind.DATA, FlowKind.KNOWLEDGE, FlowKind.REPUTATION})
NOT_SHARED_WITH = frozenset({ActorType.CITY, ActorType.FUNDER, ActorType.TECHNOLOGY_VENDOR})
BUSINESS_TYPES = frozenset(
    {ActorType.PLATFORM_OPERATOR, ActorType.SERVICE_PROVIDER, ActorType.BUSINESS, ActorType.TECHNOLOGY_VENDOR}
)


@dataclass(frozen=True)
class Mechanism:
    """One mechanism in place: what it is, where it comes from, and the elements that carry it."""

    kind: str  # creation | capture | sharing
    name: str
    detail: str
    source: str  # "module" or "flows"
    elements: tuple[str, ...]  # module instance ids or flow ids


@dataclass(frozen=True)
class MechanismOption:
    """A library module that would add a mechanism, with the score gain it brings (re-scored)."""

    module: str
    name: str
    kind: str  # from the module's category
    gain: float  # total gain over the six scores, points
    gains: dict[str, float]  # score name → gain in points


def mechanisms_in_place(config: Configuration, library: ModuleLibrary | None = None) -> dict[str, list[Mechanism]]:
    """The configuration's creation, capture and sharing mechanisms, by kind (see the module docstring)."""
    found: dict[str, list[Mechanism]] = {kind: [] for kind in KINDS}
    definitions = resolve_definitions(config, library)
    for instance in config.modules:
        definition = definitions.get(instance.id)
        if definition is not None:
            for mechanism in _module_mechanisms(instance.id, definition):
                found[mechanism.kind].append(mechanism)
    eco = Ecosystem(config, definitions)
    for mechanism in _flow_mechanisms(eco):
        found[mechanism.kind].append(mechanism)
    return found


def _module_mechanisms(instance_id: str, definition: ModuleDefinition) -> list[Mechanism]:
    attributes = definition.attributes
    out = [
        Mechanism(
            CATEGORY_KIND[definition.category],
            definition.name,
            attributes.ova.value or definition.summary,
            "module",
            (instance_id,),
        )
    ]
    out += [
        Mechanism("capture", f"Revenue model: {model}", f"declared by {definition.name}", "module", (instance_id,))
        for model in attributes.revenue_model
    ]
    if attributes.network_effects == "cross_side":
        out.append(
            Mechanism(
                "creation",
                "Cross-side network effects",
                f"declared by {definition.name}: each side makes the platform worth more to the other",
                "module",
                (instance_id,),
            )
        )
    return out


def _flow_mechanisms(eco: Ecosystem) -> list[Mechanism]:
    """Flows grouped by (kind of mechanism, value object, counterpart), in configuration order."""
    operator = eco.operator
    groups: dict[tuple[str, str], list[str]] = {}
    labels: dict[tuple[str, str], list[str]] = {}

    def add(kind: str, name: str, flow_id: str, label: str) -> None:
        key = (kind, name)
        groups.setdefault(key, []).append(flow_id)
        if label and label not in labels.setdefault(key, []):
            labels[key].append(label)

    for flow in eco.flows:
        source, target, label = eco.actors[flow.source], eco.actors[flow.target], flow.label
        if flow.kind in CREATING_KINDS:
            add("creation", f"{flow.kind.value.capitalize()} to {target.name}", flow.id, label)
        if flow.kind in FINANCIAL_KINDS and (
            (operator is not None and target.id == operator.id) or (operator is None and target.type in BUSINESS_TYPES)
        ):
            add("capture", f"{flow.kind.value.capitalize()} from {source.name} to {target.name}", flow.id, label)
        if (
            operator is not None
            and source.id == operator.id
            and flow.kind in SHARING_KINDS
            and target.type not in NOT_SHARED_WITH
            and any(f.target == operator.id for f in eco.out_flows.get(target.id, ()))
        ):
            add("sharing", f"{flow.kind.value.capitalize()} passed on to {target.name}", flow.id, label)
    return [
        Mechanism(kind, name, "; ".join(labels.get((kind, name), [])), "flows", tuple(ids))
        for (kind, name), ids in groups.items()
    ]


def options_from_gains(
    ranked: list[tuple[str, float, dict[str, float]]], library: ModuleLibrary
) -> list[MechanismOption]:
    """Turn :func:`canvas_app.recommend.mechanisms_to_add` output into named options, best first."""
    options = []
    for module_id, gain, gains in ranked:
        definition = library.get(module_id)
        if definition is None:
            continue
        options.append(MechanismOption(module_id, definition.name, CATEGORY_KIND[definition.category], gain, gains))
    return options


def mechanisms_could_add(
    config: Configuration, library: ModuleLibrary, weights: Mapping[str, float] | None = None
) -> list[MechanismOption]:
    """Library modules not placed yet, ranked by the total score gain of adding each (re-scored once per module)."""
    from canvas_app.recommend import mechanisms_to_add

    return options_from_gains(mechanisms_to_add(config, library, weights), library)
