"""The report page's canvas picture and its text alternative, as Dash components (no browser)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dash import html

from canvas_app.analysis import evaluate
from canvas_app.model import load_configuration
from canvas_app.report import configuration_report
from layouts.report import report_layout

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "oulu-parking.json"


def walk(component: Any) -> list[Any]:
    """Every component in document order."""
    out = [component]
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list) else [children]:
        if child is not None and not isinstance(child, str | int | float):
            out += walk(child)
    return out


def test_ralt001_report_page_picture_alt_points_to_the_tables_right_after_it():
    config = load_configuration(EXAMPLE)
    page = report_layout(configuration_report(config, evaluate(config)), {"kind": "configuration", "id": 1}, ("/", "b"))
    canvas = next(
        c for c in walk(page) if isinstance(c, html.Section) and getattr(c.children[0], "children", "") == "Canvas"
    )
    parts = walk(canvas)
    image = next(i for i, c in enumerate(parts) if isinstance(c, html.Img))
    assert "listed in the two tables that follow the picture" in parts[image].alt
    assert config.name in parts[image].alt
    captions = [c.children for c in parts[image:] if isinstance(c, html.Caption)]
    assert captions == [
        f"Actors of {config.name} (the picture above as text)",
        f"Value flows of {config.name} (the picture above as text)",
    ]
    headers = [(c.children, c.scope) for c in parts[image:] if isinstance(c, html.Th)]
    assert headers == [(h, "col") for h in ("Actor", "Type", "From", "To", "Kind", "Label", "Amount")]
    rows = [c for c in parts[image:] if isinstance(c, html.Tr)]
    assert len(rows) == 2 + len(config.actors) + len(config.flows)  # two header rows
    names = {a.id: a.name for a in config.actors}
    last = config.flows[-1]
    assert [td.children for td in rows[-1].children][:2] == [names[last.source], names[last.target]]
