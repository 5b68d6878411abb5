"""The SVG picture (editor export and report) read back as XML: shapes, curves, names and legend."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from canvas_app.model import ActorType, Configuration, FlowKind
from canvas_app.picture import KIND_MARKER, KIND_PATTERN, KIND_STYLE, TYPE_STYLE, to_svg

NS = {"svg": "http://www.w3.org/2000/svg"}


def picture(config: dict) -> ET.Element:
    return ET.fromstring(to_svg(Configuration.model_validate({"name": "t", **config})))


def actor(id_: str, type_: str, x: float, y: float, name: str | None = None) -> dict:
    return {"id": id_, "name": name or id_.upper(), "type": type_, "position": {"x": x, "y": y}}


def flow(id_: str, source: str, target: str, kind: str = "money", label: str = "") -> dict:
    return {"id": id_, "source": source, "target": target, "kind": kind, "label": label or id_}


def flow_paths(root: ET.Element) -> dict[str, str]:
    """Each flow's path geometry (``d``), by its caption."""
    out = {}
    for group in root.iterfind(".//svg:g[@class='flow']", NS):
        text = group.find(".//svg:text", NS)
        path = group.find("svg:path", NS)
        assert text is not None and path is not None
        out[text.text or ""] = path.get("d", "")
    return out


def test_pic001_opposite_flows_are_two_distinct_curves_with_captions_apart():
    root = picture(
        {
            "actors": [actor("a", "city", 0, 0), actor("b", "citizen", 200, 0)],
            "flows": [flow("fee", "b", "a"), flow("service", "a", "b", "service")],
        }
    )
    paths = flow_paths(root)
    assert set(paths) == {"fee", "service"} and paths["fee"] != paths["service"]
    # both are curves bending to opposite sides of the straight line y = 0
    controls = [float(re.search(r"Q [-\d.]+ ([-\d.]+)", d).group(1)) for d in paths.values()]  # type: ignore[union-attr]
    assert sorted(controls) == [-30.0, 30.0]
    # each caption sits on its curve's middle: the curve starts and ends on the shapes' edges, 19 px from the
    # centres towards the control point (100, ±30): y = ±30 * 19 / hypot(100, 30) = ±5.46, so the middle is at
    # y = (±5.46 + 2 * ±30 + ±5.46) / 4 = ±17.7, the two captions 35 px apart
    places = sorted(
        float(re.match(r"translate\(([-\d.]+) ([-\d.]+)\)", g.get("transform", "")).group(2))  # type: ignore[union-attr]
        for g in root.iterfind(".//svg:g[@class='flow']/svg:g", NS)
    )
    assert places == [-17.7, 17.7]


def test_pic002_a_single_flow_is_straight_and_three_parallel_flows_fan_out():
    root = picture(
        {
            "actors": [actor("a", "city", 0, 0), actor("b", "citizen", 0, 300)],
            "flows": [flow("x", "a", "b"), flow("y", "a", "b"), flow("z", "a", "b")],
        }
    )
    xs = sorted(float(re.search(r"Q ([-\d.]+)", d).group(1)) for d in flow_paths(root).values())  # type: ignore[union-attr]
    assert xs == [-60.0, 0.0, 60.0]


def test_pic003_long_names_appear_whole_wrapped_onto_lines():
    name = "Payment service provider"
    root = picture({"actors": [actor("p", "service_provider", 0, 0, name)], "flows": []})
    text = root.find(".//svg:g[@class='actor']/svg:text", NS)
    assert text is not None
    lines = [t.text for t in text.iterfind("svg:tspan", NS)]
    assert lines == ["Payment service", "provider"]
    assert " ".join(lines) == name and text.get("aria-label") == name  # type: ignore[arg-type]
    # the picture is wide enough for the longest line: nothing is cut at its edge
    x0, _y0, width, _h = map(float, root.get("viewBox", "").split())
    assert x0 < -len("Payment service") * 12 * 0.58 / 2 and x0 + width > len("Payment service") * 12 * 0.58 / 2


EXPECTED_SHAPE = {
    # cytoscape shape: (SVG element, corners or None)
    "round-rectangle": ("rect", None),
    "ellipse": ("ellipse", None),
    "rectangle": ("rect", None),
    "hexagon": ("polygon", 6),
    "round-diamond": ("polygon", 4),
    "rhomboid": ("polygon", 4),
    "cut-rectangle": ("polygon", 8),
    "round-triangle": ("polygon", 3),
    "round-pentagon": ("polygon", 5),
    "round-octagon": ("polygon", 8),
}


def test_pic004_each_actor_type_draws_the_canvas_shape():
    types = [t.value for t in ActorType]
    root = picture({"actors": [actor(f"n{i}", t, 100 * i, 0) for i, t in enumerate(types)], "flows": []})
    drawn = {g.get("data-type"): g for g in root.iterfind(".//svg:g[@class='actor']", NS)}
    assert set(drawn) == set(types)
    for type_, group in drawn.items():
        shape = TYPE_STYLE[type_][1]
        element, corners = EXPECTED_SHAPE[shape]
        first = list(group)[1]  # after the title
        assert first.tag == f"{{{NS['svg']}}}{element}", type_
        assert first.get("fill") == TYPE_STYLE[type_][0]
        if corners is not None:
            assert len(first.get("points", "").split()) == corners, type_
    # the city's corners are rounded, the business's are square; city and public agency differ in shape
    assert drawn["city"][1].get("rx") and drawn["business"][1].get("rx") is None
    assert drawn["city"][1].tag != drawn["public_agency"][1].tag
    # the legend shows the same shape beside each type's caption
    legend = {g.get("data-type"): g for g in root.iterfind(".//svg:g[@class='legend-type']", NS)}
    assert set(legend) == set(types)
    assert legend["platform_operator"][0].tag.endswith("polygon") and legend["citizen"][0].tag.endswith("ellipse")
    assert legend["platform_operator"][1].text == "Platform operator"


def test_pic005_legend_lists_each_used_kind_with_its_own_pattern_and_colour():
    kinds = ["money", "grant", "investment", "data"]
    root = picture(
        {
            "actors": [actor("a", "city", 0, 0), actor("b", "business", 200, 0)],
            "flows": [flow(k, "a", "b", k) for k in kinds],
        }
    )
    legend = {g.get("data-kind"): g for g in root.iterfind(".//svg:g[@class='legend-kind']", NS)}
    assert list(legend) == kinds  # only the kinds used, in the canvas's order
    assert legend["money"][1].text == "Money (solid)" and legend["grant"][1].text == "Grant (dashed)"
    assert legend["data"][1].text == "Data (dash-dot)"
    assert legend["money"][0].get("stroke-dasharray") is None
    assert legend["grant"][0].get("stroke-dasharray") == "7 4"
    # each flow draws the pattern and colour its legend shows
    for group in root.iterfind(".//svg:g[@class='flow']", NS):
        kind = group.get("data-kind")
        path = group.find("svg:path", NS)
        assert path is not None and kind in legend
        assert path.get("stroke-dasharray") == legend[kind][0].get("stroke-dasharray")
        assert path.get("stroke") == KIND_STYLE[kind][0]


def test_pic006_no_two_kinds_share_a_pattern_and_every_kind_has_one():
    assert set(KIND_PATTERN) == {k.value for k in FlowKind} == set(KIND_STYLE)
    assert len({dashes for _name, dashes in KIND_PATTERN.values()}) == len(KIND_PATTERN)
    assert len({name for name, _dashes in KIND_PATTERN.values()}) == len(KIND_PATTERN)


def test_pic007_every_example_draws_as_well_formed_svg_with_every_name():
    from pathlib import Path

    from canvas_app.model import load_configuration

    for path in sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.json")):
        config = load_configuration(path)
        root = ET.fromstring(to_svg(config))
        names = [t.get("aria-label") for t in root.iterfind(".//svg:g[@class='actor']/svg:text", NS)]
        assert names == [a.name for a in config.actors], path.name
        assert len(root.findall(".//svg:g[@class='flow']", NS)) == len(config.flows)
        assert len({g.find("svg:path", NS).get("d") for g in root.iterfind(".//svg:g[@class='flow']", NS)}) == len(  # type: ignore[union-attr]
            config.flows
        ), path.name


def test_pic008_each_kind_ends_in_the_canvas_arrow_head_and_each_flow_points_at_its_kind():
    kinds = ["money", "data", "service", "permission", "investment", "goods"]
    root = picture(
        {
            "actors": [actor("a", "city", 0, 0), actor("b", "business", 200, 0)],
            "flows": [flow(k, "a", "b", k) for k in kinds],
        }
    )
    markers = {m.get("id"): m for m in root.iterfind(".//svg:defs/svg:marker", NS)}

    def head(kind: str) -> tuple[str, dict[str, str]]:
        (shape,) = list(markers[f"arrow-{kind}"])
        return shape.tag.removeprefix(f"{{{NS['svg']}}}"), dict(shape.attrib)

    # the shapes the task names, written out by hand: a triangle, a notched chevron, a circle, a thin bar...
    assert head("money") == ("path", {"d": "M 0 0 L 10 5 L 0 10 z", "fill": KIND_STYLE["money"][0]})
    assert head("data") == ("path", {"d": "M 0 0 L 10 5 L 0 10 L 3 5 z", "fill": KIND_STYLE["data"][0]})
    assert head("investment")[1]["d"] == "M 0 5 L 5 0 L 10 5 L 5 10 z"
    assert head("service") == ("circle", {"cx": "5", "cy": "5", "r": "5", "fill": KIND_STYLE["service"][0]})
    assert head("goods")[0] == "rect" and head("goods")[1]["width"] == head("goods")[1]["height"] == "10"
    tee = head("permission")
    assert tee[0] == "rect" and (tee[1]["x"], tee[1]["width"], tee[1]["height"]) == ("7", "3", "10")
    # every head reaches the marker's tip (refX 10), so it touches the node's edge as the triangle did
    assert {m.get("refX") for m in markers.values()} == {"10"}
    assert set(markers) == {f"arrow-{k}" for k in KIND_MARKER}
    for group in root.iterfind(".//svg:g[@class='flow']", NS):
        path = group.find("svg:path", NS)
        assert path is not None and path.get("marker-end") == f"url(#arrow-{group.get('data-kind')})"
    assert len(root.findall(".//svg:g[@class='flow']", NS)) == len(kinds)


def test_pic009_no_two_actor_names_overlap_in_the_picture_of_any_example():
    from pathlib import Path

    from canvas_app.model import load_configuration

    for path in sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.json")):
        root = ET.fromstring(to_svg(load_configuration(path)))
        boxes = []  # each name's white backing box: (name, x1, y1, x2, y2)
        for group in root.iterfind(".//svg:g[@class='actor']", NS):
            backing, caption = group.find("svg:rect[@fill-opacity]", NS), group.find("svg:text", NS)
            assert backing is not None and caption is not None
            x, y, w, h = (float(backing.get(k) or 0) for k in ("x", "y", "width", "height"))
            boxes.append((caption.get("aria-label"), x, y, x + w, y + h))
        overlapping = [
            (a[0], b[0])
            for k, a in enumerate(boxes)
            for b in boxes[k + 1 :]
            if a[1] < b[3] and b[1] < a[3] and a[2] < b[4] and b[2] < a[4]
        ]
        assert len(boxes) >= 5 and overlapping == [], path.name
