"""The one-page poster of a configuration: its map, six scores, flags and nine-block canvas.

Meant for a council meeting's wall or handout: :file:`canvas_app/assets/print.css` lays it out on
one A4 or A3 landscape sheet (named ``@page`` rules, chosen on the page). All text goes into
components as children, so Dash escapes it; the map is the SVG picture as an ``<img>``.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from canvas_app.business_canvas import BLOCK_LABELS
from canvas_app.evaluation import SCORE_LABELS, SCORE_NAMES, Evaluation
from canvas_app.model import Configuration
from canvas_app.report import canvas_svg
from layouts.ids import ID
from layouts.report import svg_image

POSTER_FLAGS = 8
"""Flags the poster lists, most severe first; the rest are counted and left to the report."""
PAPER_SIZES = (("a4", "A4 landscape"), ("a3", "A3 landscape"))
SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}
BLOCK_GRID = (
    # the classic canvas: partners, activities over resources, propositions, relationships over channels,
    # segments; costs and revenues below
    "key_partnerships",
    "key_activities",
    "key_resources",
    "value_propositions",
    "customer_relationships",
    "channels",
    "customer_segments",
    "cost_structure",
    "revenue_streams",
)


def poster_layout(
    configuration_id: int,
    config: Configuration,
    evaluation: Evaluation,
    blocks: dict[str, list[str]],
    version: int,
) -> html.Main:
    """The poster page: a toolbar (paper size, print, links) that does not print, then the sheet."""
    count = f"{len(config.actors)} actors and {len(config.flows)} flows"
    alt = f"The value network of {config.name}: {count}; the report lists them in tables."
    facts = " · ".join(p for p in (config.city, f"version {version}", f"amounts per {config.period}") if p)
    return html.Main(
        [
            html.Div(
                [
                    dcc.Link("← Report", href=f"/report/{configuration_id}", className="me-3"),
                    dcc.Link("Editor", href=f"/edit/{configuration_id}", className="me-3"),
                    html.Fieldset(
                        [
                            html.Legend("Paper", className="float-none w-auto fs-6 fw-semibold d-inline me-2 mb-0"),
                            dbc.RadioItems(
                                id=ID.poster_paper,
                                options=[{"label": label, "value": value} for value, label in PAPER_SIZES],
                                value="a4",
                                inline=True,
                            ),
                        ],
                        className="d-inline-flex align-items-center me-2",
                    ),
                    dbc.Button("Print the poster", id=ID.poster_print, size="sm", color="primary"),
                ],
                className="no-print d-flex flex-wrap align-items-center gap-1 py-2 px-3",
            ),
            html.Article(
                [
                    html.Header(
                        [html.H1(config.name, className="poster-title"), html.P(facts, className="poster-facts")],
                        className="poster-header",
                    ),
                    html.Div(
                        [
                            html.Figure(svg_image(canvas_svg(config), alt), className="poster-map"),
                            html.Div(
                                [scores_block(evaluation), flags_block(evaluation)],
                                className="poster-side",
                            ),
                        ],
                        className="poster-body",
                    ),
                    blocks_block(blocks),
                ],
                id=ID.poster_sheet,
                className="poster paper-a4",
            ),
        ],
        className="poster-page",
    )


def scores_block(evaluation: Evaluation) -> html.Section:
    rows = [
        html.Tr([html.Th(SCORE_LABELS[name], scope="row"), html.Td(evaluation.scores[name].display())])
        for name in SCORE_NAMES
    ]
    return html.Section(
        [
            html.H2("Scores (0–100)", className="poster-heading"),
            html.Table(
                [html.Thead(html.Tr([html.Th("Score", scope="col"), html.Th("Value", scope="col")])), html.Tbody(rows)],
                className="poster-scores",
            ),
        ],
        id=ID.poster_scores,
    )


def flags_block(evaluation: Evaluation) -> html.Section:
    """The flags, most severe first, up to :data:`POSTER_FLAGS` (the report has them all)."""
    flags = sorted(evaluation.flags, key=lambda f: SEVERITY_ORDER.get(f.severity, 3))
    items = [
        html.Li(
            [
                html.Strong(f"{f.severity}: "),
                f.message,
                html.Span(f" (lowers {SCORE_LABELS.get(f.dimension, f.dimension).lower()})"),
            ]
        )
        for f in flags[:POSTER_FLAGS]
    ]
    more = len(flags) - POSTER_FLAGS
    return html.Section(
        [
            html.H2(f"Flags ({len(flags)})", className="poster-heading"),
            html.Ul(items, className="poster-flags") if items else html.P("No flags: every check passed."),
            *([html.P(f"…and {more} more in the report.", className="poster-more")] if more > 0 else []),
        ],
        id=ID.poster_flags,
    )


def blocks_block(blocks: dict[str, list[str]]) -> html.Section:
    cells = [
        html.Div(
            [
                html.H3(BLOCK_LABELS[key], className="poster-block-title"),
                html.Ul([html.Li(e) for e in blocks.get(key, [])]) if blocks.get(key) else html.P("—"),
            ],
            className=f"poster-block poster-{key}",
        )
        for key in BLOCK_GRID
    ]
    return html.Section(
        [html.H2("Business model canvas", className="poster-heading"), html.Div(cells, className="poster-blocks")],
        id=ID.poster_blocks,
    )
