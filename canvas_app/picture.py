"""The canvas picture drawn server-side from stored positions: the editor's SVG export and the report.

Pure Python (no Dash): the colours and shapes here are the ones the editor's
cytoscape stylesheet (:mod:`layouts.graph`) uses, so the picture matches the screen.
What the picture adds for paper, where nothing can be hovered: every flow kind
has its own line pattern as well as its colour (:data:`KIND_PATTERN`), flows
between the same two actors are curves of their own with their captions apart,
names are wrapped, never cut, and a legend shows each shape and each line used.
"""

from __future__ import annotations

import math
from collections import defaultdict
from xml.sax.saxutils import escape, quoteattr

from canvas_app.model import Actor, Configuration, Flow

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
    # kind: (colour, cytoscape/CSS line style)
    "money": ("#2e7d32", "solid"),
    "grant": ("#558b2f", "dashed"),
    "investment": ("#b45309", "dashed"),  # amber, not a third green beside money and grant
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
MARKER_SHAPE = {
    # cytoscape arrow head: the SVG element (less its fill) drawing it in a 10 x 10 box, pointing right (+x)
    "triangle": '<path d="M 0 0 L 10 5 L 0 10 z"',
    "vee": '<path d="M 0 0 L 10 5 L 0 10 L 3 5 z"',
    "diamond": '<path d="M 0 5 L 5 0 L 10 5 L 5 10 z"',
    "circle": '<circle cx="5" cy="5" r="5"',
    "square": '<rect x="0" y="0" width="10" height="10"',
    "tee": '<rect x="7" y="0" width="3" height="10"',
}
"""Every head reaches x = 10, the marker's refX: it ends where the line does, on the node's edge."""
LOCAL_BORDER = "#a84300"
"""The dashed outline of a local actor: 5:1 on the canvas, above the 3:1 WCAG 1.4.11 asks of a graphic cue."""

KIND_PATTERN: dict[str, tuple[str, tuple[int, ...]]] = {
    # kind: (name of the pattern, dash lengths in px: empty for a solid line)
    "money": ("solid", ()),
    "grant": ("dashed", (7, 4)),
    "investment": ("dash-dot-dot", (10, 3, 2, 3, 2, 3)),
    "data": ("dash-dot", (9, 3, 2, 3)),
    "service": ("long dash", (16, 5)),
    "goods": ("short dash", (4, 3)),
    "knowledge": ("dotted", (2, 3)),
    "reputation": ("sparse dots", (2, 7)),
    "permission": ("double dash", (7, 2, 7, 8)),
}
"""Every kind's own line pattern, so that no two kinds differ by colour alone (WCAG 1.4.1)."""

NODE_SIZE = 34.0
"""Width and height of an actor's shape, as on the canvas."""
LABEL_WIDTH = 120.0
"""Names wrap at this width, as the canvas's ``text-max-width``."""
FLOW_SPACING = 30.0
"""Distance between the captions of neighbouring flows of one pair of actors."""
CHAR_WIDTH = 0.58
"""Average width of a character, in ems of a sans-serif font (to wrap and to size boxes)."""


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


def type_caption(value: str) -> str:
    """An actor type or flow kind as people write it.

    >>> type_caption("platform_operator")
    'Platform operator'
    """
    return value.replace("_", " ").capitalize()


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


def text_width(text: str, font_size: float) -> float:
    return len(text) * font_size * CHAR_WIDTH


def wrap(text: str, width: float = LABEL_WIDTH, font_size: float = 12.0) -> list[str]:
    """Lines of at most ``width`` px, broken between words; a word longer than a line stays whole.

    >>> wrap("Payment service provider")
    ['Payment service', 'provider']
    >>> wrap("Verkehrsverbundgesellschaftsbetrieb")
    ['Verkehrsverbundgesellschaftsbetrieb']
    """
    lines: list[str] = []
    for word in text.split():
        if lines and text_width(lines[-1] + " " + word, font_size) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def shape_element(shape: str, x: float, y: float, attributes: str, size: float = NODE_SIZE) -> str:
    """One SVG element drawing a cytoscape node shape centred on ``(x, y)``.

    >>> shape_element("hexagon", 0, 0, 'fill="red"').count(",")
    6
    """
    half = size / 2
    if shape == "ellipse":
        return f'<ellipse cx="{x:.1f}" cy="{y:.1f}" rx="{half:.1f}" ry="{half:.1f}" {attributes}/>'
    if shape in ("rectangle", "round-rectangle"):
        corner = f' rx="{size * 0.2:.1f}"' if shape == "round-rectangle" else ""
        return (
            f'<rect x="{x - half:.1f}" y="{y - half:.1f}" width="{size:.1f}" height="{size:.1f}"{corner} {attributes}/>'
        )
    points = " ".join(f"{x + px * half:.1f},{y + py * half:.1f}" for px, py in _unit_polygon(shape))
    join = ' stroke-linejoin="round"' if shape.startswith("round-") else ""
    return f'<polygon points="{points}"{join} {attributes}/>'


def _unit_polygon(shape: str) -> list[tuple[float, float]]:
    """The corners of a cytoscape polygon shape in the square from -1 to 1."""
    base = shape.removeprefix("round-")
    if base == "hexagon":
        return [(-1, 0), (-0.5, -1), (0.5, -1), (1, 0), (0.5, 1), (-0.5, 1)]
    if base == "diamond":
        return [(0, -1), (1, 0), (0, 1), (-1, 0)]
    if base == "rhomboid":
        return [(-1, -1), (0.333, -1), (1, 1), (-0.333, 1)]
    if base == "triangle":
        return [(0, -1), (1, 1), (-1, 1)]
    if base == "cut-rectangle":
        c = 0.3
        return [(-1 + c, -1), (1 - c, -1), (1, -1 + c), (1, 1 - c), (1 - c, 1), (-1 + c, 1), (-1, 1 - c), (-1, -1 + c)]
    sides = {"pentagon": 5, "octagon": 8}.get(base, 8)
    turn = math.pi / sides if sides % 2 == 0 else 0.0
    return [(math.sin(2 * math.pi * i / sides + turn), -math.cos(2 * math.pi * i / sides + turn)) for i in range(sides)]


def dash_attribute(kind: str) -> str:
    _name, dashes = KIND_PATTERN.get(kind, ("solid", ()))
    return f' stroke-dasharray="{" ".join(str(d) for d in dashes)}"' if dashes else ""


def flow_curves(
    config: Configuration, pos: dict[str, tuple[float, float]]
) -> dict[str, tuple[tuple[float, float], tuple[float, float], tuple[float, float]]]:
    """Each flow's quadratic curve ``(start, control, end)``: flows between the same two actors, either way
    round, bend apart by :data:`FLOW_SPACING` at their middle (a single flow is straight)."""
    pairs: dict[tuple[str, str], list[Flow]] = defaultdict(list)
    for flow in config.flows:
        pairs[(min(flow.source, flow.target), max(flow.source, flow.target))].append(flow)
    curves = {}
    for (first, second), flows in pairs.items():
        (ax, ay), (bx, by) = pos[first], pos[second]
        length = math.hypot(bx - ax, by - ay) or 1.0
        nx, ny = -(by - ay) / length, (bx - ax) / length  # one normal for the pair, whichever way a flow runs
        for i, flow in enumerate(flows):
            bend = (i - (len(flows) - 1) / 2) * FLOW_SPACING
            (sx, sy), (tx, ty) = pos[flow.source], pos[flow.target]
            control = ((sx + tx) / 2 + 2 * bend * nx, (sy + ty) / 2 + 2 * bend * ny)
            curves[flow.id] = (_towards((sx, sy), control), control, _towards((tx, ty), control))
    return curves


def _towards(
    point: tuple[float, float], other: tuple[float, float], by: float = NODE_SIZE / 2 + 2
) -> tuple[float, float]:
    """``point`` moved ``by`` px towards ``other``: a curve starts and ends at the shape's edge."""
    dx, dy = other[0] - point[0], other[1] - point[1]
    length = math.hypot(dx, dy) or 1.0
    return point[0] + dx / length * by, point[1] + dy / length * by


def to_svg(config: Configuration, margin: float = 40.0) -> bytes:
    """The canvas picture as a standalone SVG, drawn from the stored positions, with its legend.

    All text is XML-escaped.

    >>> from canvas_app.model import Configuration
    >>> c = Configuration.model_validate({"name": "x", "actors": [
    ...     {"id": "a", "name": "A & <b>", "type": "city", "position": {"x": 0, "y": 0}},
    ...     {"id": "b", "name": "B", "type": "citizen", "position": {"x": 100, "y": 0}}],
    ...     "flows": [{"id": "f", "source": "a", "target": "b", "kind": "service", "label": "s"}]})
    >>> svg = to_svg(c).decode()
    >>> "A &amp; &lt;b&gt;" in svg and svg.count('class="flow"') == 1
    True
    """
    fallback = fallback_positions(config)
    pos: dict[str, tuple[float, float]] = {}
    for actor in config.actors:
        pos[actor.id] = (actor.position.x, actor.position.y) if actor.position else fallback.get(actor.id, (0.0, 0.0))
    curves = flow_curves(config, pos)
    names = {a.id: wrap(a.name) for a in config.actors}
    left, top, right, bottom = _extent(pos, curves, names)
    x0, y0 = left - margin, top - margin
    legend, legend_height = _legend(config, x0 + 10, bottom + margin, max(right - left + 2 * margin, 360.0))
    width = max(right - left + 2 * margin, 360.0)
    height = bottom - y0 + margin + legend_height
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{x0:.1f} {y0:.1f} {width:.1f} {height:.1f}" '
        f'width="{width:.0f}" height="{height:.0f}" font-family="sans-serif">',
        f"<title>{escape(config.name)}</title>",
        "<defs>" + "".join(_marker(kind, colour) for kind, (colour, _line) in KIND_STYLE.items()) + "</defs>",
        f'<rect x="{x0:.1f}" y="{y0:.1f}" width="{width:.1f}" height="{height:.1f}" fill="#ffffff"/>',
    ]
    for flow in config.flows:
        out.append(_flow(flow, curves[flow.id]))
    for actor in config.actors:
        out.append(_actor(actor, pos[actor.id], names[actor.id]))
    out.append(legend)
    out.append("</svg>")
    return "\n".join(out).encode("utf-8")


def _marker(kind: str, colour: str) -> str:
    """The arrow head the canvas draws for ``kind`` (:data:`KIND_MARKER`), so paper tells kinds apart the same way."""
    shape = MARKER_SHAPE[KIND_MARKER.get(kind, "triangle")]
    return (
        f'<marker id="arrow-{kind}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
        f'orient="auto">{shape} fill="{colour}"/></marker>'
    )


def _flow(flow: Flow, curve: tuple[tuple[float, float], tuple[float, float], tuple[float, float]]) -> str:
    (sx, sy), (cx, cy), (tx, ty) = curve
    kind = flow.kind.value
    colour, _line = KIND_STYLE.get(kind, ("#555555", "solid"))
    caption = flow_label(flow)
    # the caption sits on the curve's middle, turned along it and kept upright
    mx, my = 0.25 * sx + 0.5 * cx + 0.25 * tx, 0.25 * sy + 0.5 * cy + 0.25 * ty
    angle = math.degrees(math.atan2(ty - sy, tx - sx))
    if angle > 90 or angle < -90:
        angle -= 180 * math.copysign(1, angle)
    box = text_width(caption, 10) + 4
    return (
        f'<g class="flow" data-kind="{kind}"><title>{escape(type_caption(kind))}: {escape(caption)}</title>'
        f'<path d="M {sx:.1f} {sy:.1f} Q {cx:.1f} {cy:.1f} {tx:.1f} {ty:.1f}" fill="none" stroke="{colour}" '
        f'stroke-width="2"{dash_attribute(kind)} marker-end="url(#arrow-{kind})"/>'
        f'<g transform="translate({mx:.1f} {my:.1f}) rotate({angle:.1f})">'
        f'<rect x="{-box / 2:.1f}" y="-7" width="{box:.1f}" height="13" fill="#ffffff" fill-opacity="0.85"/>'
        f'<text y="3.5" font-size="10" text-anchor="middle" fill="#222222">{escape(caption)}</text></g></g>'
    )


def _actor(actor: Actor, at: tuple[float, float], lines: list[str]) -> str:
    x, y = at
    colour, shape = TYPE_STYLE.get(actor.type.value, ("#777777", "ellipse"))
    stroke = (
        f'stroke="{LOCAL_BORDER}" stroke-width="3" stroke-dasharray="4 2"'
        if actor.local
        else 'stroke="#ffffff" stroke-width="2"'
    )
    top = y + NODE_SIZE / 2 + 4
    box = max(text_width(line, 12) for line in lines) + 4
    tspans = "".join(
        f'<tspan x="{x:.1f}" y="{top + 12 + 14 * i:.1f}">{escape(line)}</tspan>' for i, line in enumerate(lines)
    )
    return (
        f'<g class="actor" data-type="{actor.type.value}" data-shape="{shape}">'
        f"<title>{escape(actor.name)} ({escape(type_caption(actor.type.value))})</title>"
        + shape_element(shape, x, y, f'fill="{colour}" {stroke}')
        + f'<rect x="{x - box / 2:.1f}" y="{top:.1f}" width="{box:.1f}" height="{14 * len(lines) + 2}" '
        f'fill="#ffffff" fill-opacity="0.85"/>'
        f'<text font-size="12" text-anchor="middle" fill="#1b1b1b" aria-label={quoteattr(actor.name)}>{tspans}</text></g>'
    )


def _extent(
    pos: dict[str, tuple[float, float]],
    curves: dict[str, tuple[tuple[float, float], tuple[float, float], tuple[float, float]]],
    names: dict[str, list[str]],
) -> tuple[float, float, float, float]:
    """The box holding every shape, name and curve (so no name is cut at the picture's edge)."""
    xs: list[float] = [0.0]
    ys: list[float] = [0.0]
    if pos:
        xs, ys = [], []
    for actor_id, (x, y) in pos.items():
        half = max(NODE_SIZE, max(text_width(line, 12) for line in names[actor_id]) + 4) / 2
        xs += [x - half, x + half]
        ys += [y - NODE_SIZE / 2, y + NODE_SIZE / 2 + 6 + 14 * len(names[actor_id])]
    for start, control, end in curves.values():
        mid = ((start[0] + 2 * control[0] + end[0]) / 4, (start[1] + 2 * control[1] + end[1]) / 4)
        xs += [mid[0] - 40, mid[0] + 40]
        ys += [mid[1] - 10, mid[1] + 10]
    return min(xs), min(ys), max(xs), max(ys)


def _legend(config: Configuration, x: float, y: float, width: float) -> tuple[str, float]:
    """The legend of the actor types and flow kinds the picture uses: each shape and each line with its caption."""
    types = [t for t in TYPE_STYLE if any(a.type.value == t for a in config.actors)]
    kinds = [k for k in KIND_STYLE if any(f.kind.value == k for f in config.flows)]
    items: list[tuple[float, str]] = []
    for type_ in types:
        colour, shape = TYPE_STYLE[type_]
        caption = type_caption(type_)
        items.append(
            (
                24 + text_width(caption, 11),
                f'<g class="legend-type" data-type="{type_}" data-shape="{shape}">'
                + shape_element(shape, 8, 0, f'fill="{colour}"', size=14)
                + f'<text x="20" y="4" font-size="11" fill="#1b1b1b">{escape(caption)}</text></g>',
            )
        )
    for kind in kinds:
        colour, _line = KIND_STYLE[kind]
        caption = f"{type_caption(kind)} ({KIND_PATTERN[kind][0]})"
        items.append(
            (
                44 + text_width(caption, 11),
                f'<g class="legend-kind" data-kind="{kind}" data-pattern="{KIND_PATTERN[kind][0]}">'
                f'<line x1="0" y1="0" x2="36" y2="0" stroke="{colour}" stroke-width="2.5"{dash_attribute(kind)}/>'
                f'<text x="42" y="4" font-size="11" fill="#1b1b1b">{escape(caption)}</text></g>',
            )
        )
    if not items:
        return "", 0.0
    out = [f'<g class="legend"><text x="{x:.1f}" y="{y:.1f}" font-size="11" font-weight="bold">Legend</text>']
    cx, cy = x, y + 20
    for item_width, item in items:
        if cx > x and cx + item_width > x + width - 20:
            cx, cy = x, cy + 20
        out.append(f'<g transform="translate({cx:.1f} {cy:.1f})">{item}</g>')
        cx += item_width + 18
    out.append("</g>")
    return "".join(out), cy - y + 20
