"""The canvas tells flow kinds and actor types apart without colour, and its graphic cues reach 3:1 (WCAG 1.4.1, 1.4.11)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote

import canvas_app
from canvas_app.model import FlowKind
from canvas_app.picture import LOCAL_BORDER
from layouts import graph

CANVAS_BACKGROUND = "#fbfbfd"  # .canvas in app.css


def luminance(hex_colour: str) -> float:
    """WCAG 2.1 relative luminance."""
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_helper_matches_known_ratios() -> None:
    assert round(contrast("#000000", "#ffffff"), 1) == 21.0
    assert round(contrast("#767676", "#ffffff"), 2) == 4.54


def test_no_two_flow_kinds_share_line_pattern_or_arrow_head_pair() -> None:
    sheet = {rule["selector"]: rule["style"] for rule in graph.stylesheet()}
    looks = [
        (
            sheet[f'edge[kind = "{kind}"]']["line-style"],
            tuple(sheet[f'edge[kind = "{kind}"]'].get("line-dash-pattern", ())),
            graph.KIND_MARKER[kind],
        )
        for kind in graph.KIND_STYLE
    ]
    assert len(set(looks)) == len(looks)
    assert len({look[:2] for look in looks}) == len(looks)  # the patterns alone already differ


def test_every_flow_kind_of_the_file_format_has_a_pattern_and_a_marker() -> None:
    assert {kind.value for kind in FlowKind} == set(graph.KIND_STYLE) == set(graph.KIND_MARKER)


def test_no_two_actor_types_share_a_shape() -> None:
    shapes = [shape for _colour, shape in graph.TYPE_STYLE.values()]
    assert len(set(shapes)) == len(shapes)


def test_selection_local_border_and_flow_colours_reach_3_to_1_on_the_canvas() -> None:
    assert contrast(graph.SELECTED, CANVAS_BACKGROUND) >= 3
    assert contrast(LOCAL_BORDER, CANVAS_BACKGROUND) >= 3
    for kind, (colour, _line) in graph.KIND_STYLE.items():
        assert contrast(colour, CANVAS_BACKGROUND) >= 3, kind


def test_stylesheet_gives_each_kind_its_arrow_head_and_the_selection_its_colour() -> None:
    sheet = {rule["selector"]: rule["style"] for rule in graph.stylesheet()}
    assert sheet['edge[kind = "permission"]']["target-arrow-shape"] == "tee"
    assert sheet['edge[kind = "service"]']["target-arrow-shape"] == "circle"
    assert sheet[":selected"]["line-color"] == graph.SELECTED


def _svg(uri: str) -> ET.Element:
    assert uri.startswith("data:image/svg+xml")
    return ET.fromstring(unquote(uri.split(",", 1)[1]))


def test_legend_pictures_draw_the_pattern_and_the_shape() -> None:
    ns = "{http://www.w3.org/2000/svg}"
    dotted = _svg(graph.kind_symbol("knowledge"))
    assert dotted.find(f"{ns}line").get("stroke-dasharray") == "2 3"  # KIND_PATTERN, as in the SVG picture
    solid = _svg(graph.kind_symbol("money"))
    assert solid.find(f"{ns}line").get("stroke-dasharray") is None
    assert _svg(graph.kind_symbol("service")).find(f"{ns}circle") is not None
    hexagon = _svg(graph.type_symbol("platform_operator")).find(f"{ns}polygon")
    assert len(re.findall(r"[\d.]+,[\d.]+", hexagon.get("points"))) == 6
    assert _svg(graph.type_symbol("citizen")).find(f"{ns}circle") is not None


def test_focus_ring_and_field_borders_in_the_stylesheet_reach_3_to_1() -> None:
    css = (Path(canvas_app.__file__).parent / "assets" / "app.css").read_text()
    ring = re.search(r":focus-visible \{ outline: 3px solid (#[0-9a-f]{6})", css)
    border = re.search(r"\.form-control, \.form-select, \.form-check-input \{ border-color: (#[0-9a-f]{6})", css)
    assert ring and border
    assert contrast(ring.group(1), "#ffffff") >= 3
    assert contrast(border.group(1), "#ffffff") >= 3


def test_parallel_flows_fan_out_and_small_captions_show_on_hover_and_selection() -> None:
    sheet = {rule["selector"]: rule["style"] for rule in graph.stylesheet()}
    assert sheet["edge"]["curve-style"] == "bezier" and sheet["edge"]["control-point-step-size"] >= 50
    assert sheet["edge"]["text-rotation"] == "autorotate" and sheet["edge"]["text-margin-y"] < 0
    assert sheet["edge"]["min-zoomed-font-size"] > 0
    assert sheet[".hover, :selected"]["min-zoomed-font-size"] == 0
