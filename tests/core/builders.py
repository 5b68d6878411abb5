"""Tiny builders for hand-made configurations whose answers can be worked out by hand."""

from __future__ import annotations

from typing import Any

from canvas_app.ecosystem import Ecosystem
from canvas_app.model import Configuration


def config(actors: dict[str, str], flows: list[tuple] = (), **extra: Any) -> Configuration:
    """``actors`` maps id → type; a flow is (source, target, kind[, amount[, occurrences[, more fields]]])."""
    flow_dicts = []
    for i, spec in enumerate(flows, start=1):
        source, target, kind, *rest = spec
        flow: dict[str, Any] = {"id": f"f{i}", "source": source, "target": target, "kind": kind}
        if rest and rest[0] is not None:
            flow["amount"] = rest[0]
        if len(rest) > 1 and rest[1] is not None:
            flow["occurrences"] = rest[1]
        if len(rest) > 2:
            flow.update(rest[2])
        flow_dicts.append(flow)
    actor_dicts = [{"id": a, "name": a.replace("_", " ").title(), "type": t} for a, t in actors.items()]
    for actor in actor_dicts:
        actor.update(extra.pop(f"actor_{actor['id']}", {}))
    return Configuration.model_validate({"name": "test", "actors": actor_dicts, "flows": flow_dicts, **extra})


def eco(actors: dict[str, str], flows: list[tuple] = (), **extra: Any) -> Ecosystem:
    return Ecosystem(config(actors, flows, **extra))


PLATFORM = {"city": "city", "op": "platform_operator", "drivers": "citizen", "provider": "service_provider"}
"""A two-sided platform: drivers pay the operator, providers supply service through it."""


def healthy_platform_flows() -> list[tuple]:
    return [
        ("drivers", "op", "money", 2.0, 1000),
        ("op", "drivers", "service", None, None, {"marginal_cost": "low", "label": "parking"}),
        ("provider", "op", "service", None, None, {"label": "parking spaces"}),
        ("op", "provider", "money", 1.5, 1000),
        ("city", "op", "permission", None, None, {"label": "licence"}),
        ("op", "city", "data", None, None, {"standards": ["NGSI-LD"], "label": "occupancy"}),
        ("op", "city", "money", 100.0, 1),
        ("city", "drivers", "service", None, None, {"label": "street space"}),
        ("drivers", "city", "reputation", None, None, {"label": "satisfaction"}),
        ("provider", "city", "money", 50.0, 1),
        ("provider", "op", "money", 1.0, 1000, {"label": "listing fee"}),
        ("city", "provider", "permission", None, None, {"label": "operating permit"}),
    ]
