"""The canvas picture drawn server-side from stored positions: the editor's SVG export and the report.

Pure Python (no Dash): the colours and shapes here are the ones the editor's
cytoscape stylesheet (:mod:`layouts.graph`) uses, so the picture matches the screen.
"""

from __future__ import annotations

import math

from canvas_app.model import Configuration, Flow

TYPE_STYLE = {
    # type: (background, shape)
    "city": ("#1f4e79", "round-rectangle"),
    "citizen": ("#2e7d32", "ellipse"),
    "business": ("#6d4c41", "rectangle"),
    "platform_operator": ("#6a1b9a", "hexagon"),
    "service_provider": ("#00695c", "round-diamond"),
    "technology_vendor": ("#455a64", "rhomboid"),
    "public_agency": ("#0277bd", "cut-rectangle"),
    "funder": ("#8d6e00", "round-triangle"),
    "research": ("#ad1457", "round-pentagon"),
    "community": ("#bf360c", "round-octagon"),
}
KIND_STYLE = {
    # kind: (colour, line style)
    "money": ("#2e7d32", "solid"),
    "grant": ("#827717", "dashed"),
    "investment": ("#ad1457", "dashed"),
    "data": ("#1565c0", "solid"),
    "service": ("#6a1b9a", "solid"),
    "goods": ("#4e342e", "solid"),
    "knowledge": ("#00838f", "dotted"),
    "reputation": ("#c62828", "dotted"),
    "permission": ("#37474f", "dashed"),
}
KIND_MARKER = {
    # kind: arrow head (cytoscape's names): with the line style, no two kinds look alike without colour
    "money": "triangle",
    "grant": "triangle",
    "investment": "diamond",
    "data": "vee",
    "service": "circle",
    "goods": "square",
    "knowledge": "vee",
    "reputation": "triangle",
    "permission": "tee",
}
LOCAL_BORDER = "#a84300"
"""The dashed outline of a local actor: 5:1 on the canvas, above the 3:1 WCAG 1.4.11 asks of a graphic cue."""


def flow_label(flow: Flow) -> str:
    """The edge caption: the flow's label (or its kind) and its amount when given (≈ when a module's estimate).

    >>> from canvas_app.model import Flow
    >>> flow_label(Flow(id="f", source="a", target="b", kind="money", label="fee", amount=1.8))
    'fee (1.8)'
    >>> flow_label(Flow(id="f", source="a", target="b", kind="money", label="fee", amount=0.25, estimated=["amount"]))
    'fee (≈0.25)'
    """
    text = flow.label or flow.kind.value
    if flow.amount is not None:
        text += f" ({'≈' if flow.is_estimated('amount') else ''}{readable_amount(flow.amount)})"
    return text


def readable_amount(value: float) -> str:
    """An amount as a person writes it: thousands grouped, never in exponent form.

    >>> readable_amount(4_000_000), readable_amount(1234.6), readable_amount(2.8), readable_amount(0.125)
    ('4,000,000', '1,235', '2.8', '0.125')
    """
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"


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
        stroke = (
            f' stroke="{LOCAL_BORDER}" stroke-width="3" stroke-dasharray="4 2"'
            if actor.local
            else ' stroke="#ffffff" stroke-width="2"'
        )
        out.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{node_radius}" fill="{colour}"{stroke}>'
            f"<title>{escape(actor.type.value)}</title></circle>"
        )
        out.append(
            f'<text x="{x:.1f}" y="{y + node_radius + 13:.1f}" font-size="12" text-anchor="middle" '
            f'fill="#1b1b1b">{escape(actor.name)}</text>'
        )
    out.append("</svg>")
    return "\n".join(out).encode("utf-8")
