"""Pure builders of the cytoscape elements, their stylesheet and the per-edit element diff.

Styling keys live in ``data`` (``type`` on nodes, ``kind`` on edges) and the
stylesheet selects on them: dash-cytoscape drops ``classes`` when it writes the
elements back after a drag.

>>> from canvas_app.model import Configuration
>>> c = Configuration.model_validate({"name": "x", "actors": [
...     {"id": "a", "name": "A", "type": "city", "position": {"x": 1, "y": 2}}]})
>>> config_elements(c)
[{'data': {'id': 'a', 'label': 'A', 'type': 'city'}, 'position': {'x': 1.0, 'y': 2.0}}]
"""

from __future__ import annotations

import math
from typing import Any

from canvas_app.model import Actor, Configuration, Flow

TYPE_STYLE = {
    # type: (background, shape)
    "city": ("#1f4e79", "round-rectangle"),
    "citizen": ("#2e7d32", "ellipse"),
    "business": ("#6d4c41", "rectangle"),
    "platform_operator": ("#6a1b9a", "hexagon"),
    "service_provider": ("#00695c", "round-diamond"),
    "technology_vendor": ("#455a64", "rhomboid"),
    "public_agency": ("#283593", "round-rectangle"),
    "funder": ("#8d6e00", "round-triangle"),
    "research": ("#ad1457", "round-pentagon"),
    "community": ("#bf360c", "round-octagon"),
}
KIND_STYLE = {
    # kind: (colour, line style)
    "money": ("#2e7d32", "solid"),
    "grant": ("#558b2f", "dashed"),
    "investment": ("#33691e", "dashed"),
    "data": ("#1565c0", "solid"),
    "service": ("#6a1b9a", "solid"),
    "goods": ("#4e342e", "solid"),
    "knowledge": ("#00838f", "dotted"),
    "reputation": ("#c62828", "dotted"),
    "permission": ("#37474f", "dashed"),
}
HIGHLIGHT = "#d81b60"


def actor_element(actor: Actor, fallback: tuple[float, float] | None = None) -> dict[str, Any]:
    """A cytoscape node for an actor (``position`` omitted if neither actor nor fallback has one)."""
    data: dict[str, Any] = {"id": actor.id, "label": actor.name, "type": actor.type.value}
    if actor.local:
        data["local"] = 1
    element: dict[str, Any] = {"data": data}
    if actor.position is not None:
        element["position"] = {"x": actor.position.x, "y": actor.position.y}
    elif fallback is not None:
        element["position"] = {"x": fallback[0], "y": fallback[1]}
    return element


def flow_label(flow: Flow) -> str:
    """The edge caption: the flow's label (or its kind) and its amount when given.

    >>> from canvas_app.model import Flow
    >>> flow_label(Flow(id="f", source="a", target="b", kind="money", label="fee", amount=1.8))
    'fee (1.8)'
    """
    text = flow.label or flow.kind.value
    if flow.amount is not None:
        text += f" ({flow.amount:g})"
    return text


def flow_element(flow: Flow) -> dict[str, Any]:
    return {
        "data": {
            "id": flow.id,
            "source": flow.source,
            "target": flow.target,
            "kind": flow.kind.value,
            "label": flow_label(flow),
        }
    }


def fallback_positions(config: Configuration) -> dict[str, tuple[float, float]]:
    """Positions for actors that have none: a circle, computed once (then the layout is ``preset``)."""
    missing = [a.id for a in config.actors if a.position is None]
    if not missing:
        return {}
    radius = max(150.0, 40.0 * len(missing) / math.pi)
    step = 2 * math.pi / len(missing)
    return {
        actor_id: (round(radius * math.cos(i * step), 1), round(radius * math.sin(i * step), 1))
        for i, actor_id in enumerate(missing)
    }


def config_elements(config: Configuration) -> list[dict[str, Any]]:
    """All elements of a configuration: nodes first, then edges (edges need their nodes)."""
    fallback = fallback_positions(config)
    nodes = [actor_element(a, fallback.get(a.id)) for a in config.actors]
    return nodes + [flow_element(f) for f in config.flows]


def element_diff(before: Configuration, after: Configuration, echo_positions: bool = True) -> dict[str, Any]:
    """The smallest element change that turns the canvas of ``before`` into that of ``after``.

    Returns ``{"add": [...], "update": [...], "remove": [ids]}``; applied by id in
    the browser (``canvas.js``), so it does not depend on the order cytoscape keeps.
    ``echo_positions=False`` leaves out position-only changes (the browser made them).
    """
    add: list[dict[str, Any]] = []
    update: list[dict[str, Any]] = []
    old_actors = {a.id: a for a in before.actors}
    new_actor_ids = set()
    for actor in after.actors:
        new_actor_ids.add(actor.id)
        old = old_actors.get(actor.id)
        if old is None:
            add.append(actor_element(actor, (0.0, 0.0)))
        elif old != actor:
            if not echo_positions and old.model_copy(update={"position": actor.position}) == actor:
                continue
            update.append(actor_element(actor))
    old_flows = {f.id: f for f in before.flows}
    new_flow_ids = set()
    edge_add: list[dict[str, Any]] = []
    for flow in after.flows:
        new_flow_ids.add(flow.id)
        old = old_flows.get(flow.id)
        if old is None:
            edge_add.append(flow_element(flow))
        elif old != flow:
            if (old.source, old.target) != (flow.source, flow.target):
                # cytoscape cannot re-attach an edge: remove it and add it again
                edge_add.append(flow_element(flow))
                update.append({"data": {"id": flow.id}, "remove": True})
            else:
                update.append(flow_element(flow))
    remove = [f for f in old_flows if f not in new_flow_ids] + [a for a in old_actors if a not in new_actor_ids]
    remove += [u["data"]["id"] for u in update if u.get("remove")]
    update = [u for u in update if not u.get("remove")]
    return {"add": add + edge_add, "update": update, "remove": remove}


def diff_is_empty(diff: dict[str, Any]) -> bool:
    return not (diff.get("add") or diff.get("update") or diff.get("remove") or diff.get("reset") is not None)


def stylesheet(highlight: tuple[str, ...] | list[str] = ()) -> list[dict[str, Any]]:
    """The cytoscape stylesheet; ``highlight`` ids (a flag's elements) get a strong outline."""
    sheet: list[dict[str, Any]] = [
        {
            "selector": "node",
            "style": {
                "label": "data(label)",
                "color": "#1b1b1b",
                "font-size": 12,
                "text-valign": "bottom",
                "text-margin-y": 4,
                "text-wrap": "wrap",
                "text-max-width": 120,
                "text-background-color": "#ffffff",
                "text-background-opacity": 0.85,
                "text-background-padding": 2,
                "width": 34,
                "height": 34,
                "min-zoomed-font-size": 7,
                "border-width": 2,
                "border-color": "#ffffff",
            },
        },
        {
            "selector": "edge",
            "style": {
                "label": "data(label)",
                "font-size": 10,
                "color": "#222222",
                "curve-style": "bezier",
                "target-arrow-shape": "triangle",
                "arrow-scale": 1.1,
                "min-zoomed-font-size": 7,
                "width": 2,
                "text-rotation": "autorotate",
                "text-background-color": "#ffffff",
                "text-background-opacity": 0.85,
                "text-background-padding": 1,
            },
        },
    ]
    for type_, (colour, shape) in TYPE_STYLE.items():
        sheet.append({"selector": f'node[type = "{type_}"]', "style": {"background-color": colour, "shape": shape}})
    sheet.append({"selector": "node[local = 1]", "style": {"border-color": "#ff8f00", "border-style": "dashed"}})
    for kind, (colour, line) in KIND_STYLE.items():
        sheet.append(
            {
                "selector": f'edge[kind = "{kind}"]',
                "style": {"line-color": colour, "target-arrow-color": colour, "line-style": line},
            }
        )
    sheet.append({"selector": ":selected", "style": {"border-color": "#ffb300", "border-width": 4, "line-color": "#ffb300"}})
    for element_id in highlight:
        if not _safe_id(element_id):
            continue
        sheet.append(
            {
                "selector": f'node[id = "{element_id}"]',
                "style": {"border-color": HIGHLIGHT, "border-width": 7, "border-style": "solid"},
            }
        )
        sheet.append(
            {
                "selector": f'edge[id = "{element_id}"]',
                "style": {"line-color": HIGHLIGHT, "target-arrow-color": HIGHLIGHT, "width": 6},
            }
        )
    return sheet


def _safe_id(value: str) -> bool:
    return isinstance(value, str) and '"' not in value and "\\" not in value


def to_svg(config: Configuration, node_radius: float = 17.0, margin: float = 60.0) -> bytes:
    """The canvas picture as a standalone SVG, drawn from the stored positions (same colours as the editor).

    All text is XML-escaped.

    >>> from canvas_app.model import Configuration
    >>> c = Configuration.model_validate({"name": "x", "actors": [
    ...     {"id": "a", "name": "A & <b>", "type": "city", "position": {"x": 0, "y": 0}},
    ...     {"id": "b", "name": "B", "type": "citizen", "position": {"x": 100, "y": 0}}],
    ...     "flows": [{"id": "f", "source": "a", "target": "b", "kind": "service", "label": "s"}]})
    >>> svg = to_svg(c).decode()
    >>> "A &amp; &lt;b&gt;" in svg and svg.count("<line") == 1
    True
    """
    from xml.sax.saxutils import escape

    fallback = fallback_positions(config)
    pos: dict[str, tuple[float, float]] = {}
    for actor in config.actors:
        pos[actor.id] = (actor.position.x, actor.position.y) if actor.position else fallback.get(actor.id, (0.0, 0.0))
    xs = [p[0] for p in pos.values()] or [0.0]
    ys = [p[1] for p in pos.values()] or [0.0]
    x0, y0 = min(xs) - margin, min(ys) - margin
    width, height = max(xs) - x0 + margin, max(ys) - y0 + margin + 20
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{x0:.1f} {y0:.1f} {width:.1f} {height:.1f}" '
        f'width="{width:.0f}" height="{height:.0f}" font-family="sans-serif">',
        f"<title>{escape(config.name)}</title>",
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="context-stroke"/></marker></defs>',
        f'<rect x="{x0:.1f}" y="{y0:.1f}" width="{width:.1f}" height="{height:.1f}" fill="#ffffff"/>',
    ]
    dash = {"solid": "", "dashed": ' stroke-dasharray="6 4"', "dotted": ' stroke-dasharray="2 3"'}
    for flow in config.flows:
        (sx, sy), (tx, ty) = pos[flow.source], pos[flow.target]
        dx, dy = tx - sx, ty - sy
        length = math.hypot(dx, dy) or 1.0
        ex, ey = tx - dx / length * node_radius, ty - dy / length * node_radius
        colour, line = KIND_STYLE.get(flow.kind.value, ("#555555", "solid"))
        out.append(
            f'<line x1="{sx:.1f}" y1="{sy:.1f}" x2="{ex:.1f}" y2="{ey:.1f}" stroke="{colour}" stroke-width="2"'
            f'{dash[line]} marker-end="url(#arrow)"><title>{escape(flow.kind.value)}: {escape(flow_label(flow))}</title></line>'
        )
        out.append(
            f'<text x="{(sx + tx) / 2:.1f}" y="{(sy + ty) / 2 - 3:.1f}" font-size="9" text-anchor="middle" '
            f'fill="#222222">{escape(flow_label(flow))}</text>'
        )
    for actor in config.actors:
        x, y = pos[actor.id]
        colour, _shape = TYPE_STYLE.get(actor.type.value, ("#777777", "ellipse"))
        stroke = ' stroke="#ff8f00" stroke-width="3" stroke-dasharray="4 2"' if actor.local else ' stroke="#ffffff" stroke-width="2"'
        out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{node_radius}" fill="{colour}"{stroke}>'
                   f"<title>{escape(actor.type.value)}</title></circle>")
        out.append(f'<text x="{x:.1f}" y="{y + node_radius + 13:.1f}" font-size="12" text-anchor="middle" '
                   f'fill="#1b1b1b">{escape(actor.name)}</text>')
    out.append("</svg>")
    return "\n".join(out).encode("utf-8")
