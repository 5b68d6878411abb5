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
from urllib.parse import quote

from canvas_app.model import Actor, Configuration, Flow
from canvas_app.picture import (
    KIND_MARKER,
    KIND_PATTERN,
    KIND_STYLE,
    LOCAL_BORDER,
    TYPE_STYLE,
    fallback_positions,
    flow_label,
    to_svg,
)

__all__ = [
    "KIND_MARKER",
    "KIND_STYLE",
    "TYPE_STYLE",
    "SELECTED",
    "HIGHLIGHT",
    "flow_label",
    "to_svg",
    "config_elements",
    "element_diff",
    "stylesheet",
]

HIGHLIGHT = "#d81b60"
SELECTED = "#0b3d91"
"""The selection's outline and line colour: 10:1 on the canvas background (WCAG 1.4.11 asks 3:1)."""


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
                # parallel and opposite flows fan out far enough for their captions to sit apart: each
                # caption rides above its own line in its direction, so opposite flows' captions part ways
                "control-point-step-size": 56,
                "text-margin-y": -7,
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
    sheet.append(
        {
            "selector": "node[local = 1]",
            "style": {"border-color": LOCAL_BORDER, "border-style": "dashed", "border-width": 3},
        }
    )
    for kind, (colour, line) in KIND_STYLE.items():
        sheet.append(
            {
                "selector": f'edge[kind = "{kind}"]',
                "style": {
                    "line-color": colour,
                    "target-arrow-color": colour,
                    "target-arrow-shape": KIND_MARKER.get(kind, "triangle"),
                    **_line_pattern(kind, line),
                },
            }
        )
    sheet.append(
        {
            "selector": ":selected",
            "style": {
                "border-color": SELECTED,
                "border-width": 5,
                "border-style": "double",
                "line-color": SELECTED,
                "target-arrow-color": SELECTED,
                "width": 5,
            },
        }
    )
    # captions too small to read are hidden (min-zoomed-font-size), except on the element pointed at or selected
    sheet.append(
        {
            "selector": ".hover, :selected",
            "style": {"min-zoomed-font-size": 0, "font-size": 13, "z-index": 999, "text-background-opacity": 1},
        }
    )
    sheet.append({"selector": ".filtered", "style": {"display": "none"}})  # the view filter's hidden elements
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


def _line_pattern(kind: str, line: str) -> dict[str, Any]:
    """The kind's own dash pattern (as in the SVG picture), else cytoscape's plain line style."""
    dashes = KIND_PATTERN.get(kind, ("", ()))[1]
    if not dashes:
        return {"line-style": "solid" if kind in KIND_PATTERN else line}
    return {"line-style": "dashed", "line-dash-pattern": list(dashes)}


def _safe_id(value: str) -> bool:
    return isinstance(value, str) and '"' not in value and "\\" not in value


def _polygon(sides: int, rotate: float = -90.0) -> list[tuple[float, float]]:
    """A regular polygon on the unit circle, first corner at ``rotate`` degrees (up by default)."""
    return [
        (math.cos(math.radians(rotate + 360 * k / sides)), math.sin(math.radians(rotate + 360 * k / sides)))
        for k in range(sides)
    ]


SHAPE_OUTLINE: dict[str, list[tuple[float, float]]] = {
    # cytoscape shape name → its outline on [-1, 1]², for the legend's little pictures (round-* drawn square-cornered)
    "rectangle": [(-1, -1), (1, -1), (1, 1), (-1, 1)],
    "round-rectangle": [(-1, -1), (1, -1), (1, 1), (-1, 1)],
    "cut-rectangle": [(-0.6, -1), (0.6, -1), (1, -0.6), (1, 0.6), (0.6, 1), (-0.6, 1), (-1, 0.6), (-1, -0.6)],
    "hexagon": _polygon(6, 0),
    "round-diamond": [(0, -1), (1, 0), (0, 1), (-1, 0)],
    "rhomboid": [(-0.6, -1), (1, -1), (0.6, 1), (-1, 1)],
    "round-triangle": [(0, -1), (1, 1), (-1, 1)],
    "round-pentagon": _polygon(5),
    "round-octagon": _polygon(8, 22.5),
}


def _data_uri(svg: str) -> str:
    return "data:image/svg+xml;charset=utf-8," + quote(svg)


def type_symbol(type_: str) -> str:
    """The legend's picture of an actor type: its canvas shape in its colour (a data URI, no request)."""
    colour, shape = TYPE_STYLE.get(type_, ("#777777", "ellipse"))
    if shape == "ellipse":
        body = f'<circle cx="8" cy="8" r="7" fill="{colour}"/>'
    else:
        corners = SHAPE_OUTLINE.get(shape, SHAPE_OUTLINE["rectangle"])
        points = " ".join(f"{8 + 7 * x:.1f},{8 + 7 * y:.1f}" for x, y in corners)
        body = f'<polygon points="{points}" fill="{colour}"/>'
    return _data_uri(f'<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16">{body}</svg>')


def kind_symbol(kind: str) -> str:
    """The legend's picture of a flow kind: its line pattern and arrow head in its colour (a data URI)."""
    colour, _line = KIND_STYLE.get(kind, ("#555555", "solid"))
    head = {
        "triangle": f'<polygon points="30,6 22,1 22,11" fill="{colour}"/>',
        "vee": f'<polygon points="30,6 21,1 24,6 21,11" fill="{colour}"/>',
        "diamond": f'<polygon points="30,6 25,1 20,6 25,11" fill="{colour}"/>',
        "circle": f'<circle cx="25" cy="6" r="4.5" fill="{colour}"/>',
        "square": f'<rect x="21" y="2" width="8" height="8" fill="{colour}"/>',
        "tee": f'<rect x="27" y="0" width="3" height="12" fill="{colour}"/>',
    }[KIND_MARKER.get(kind, "triangle")]
    dashes = KIND_PATTERN.get(kind, ("", ()))[1]
    dash = f' stroke-dasharray="{" ".join(str(d) for d in dashes)}"' if dashes else ""
    body = f'<line x1="1" y1="6" x2="22" y2="6" stroke="{colour}" stroke-width="2"{dash}/>{head}'
    return _data_uri(f'<svg xmlns="http://www.w3.org/2000/svg" width="32" height="12">{body}</svg>')
