"""The Compare page: two to four configurations side by side.

Tables and texts come from :func:`canvas_app.report.comparison_report` (the same
sections the printable report shows); the radar and the growth lines are plotly
charts (plotly.js from Dash's local bundle).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import dcc, html

from canvas_app.compare import ActorValue, Comparison, net_values
from canvas_app.ecosystem import GROWTH_FACTORS
from canvas_app.evaluation import SCORE_LABELS, SCORE_NAMES
from canvas_app.report import LETTERS, RADAR_COLOURS, Report, Section
from layouts.ids import ID
from layouts.report import download_buttons, section

GRAPH_CONFIG = {"displaylogo": False, "responsive": True}
DASHES = ("solid", "dash", "dot", "dashdot")


def chart_text(text: str) -> str:
    """User text for a Plotly label: Plotly reads a few HTML tags (links, styles) in trace names, so
    ``<`` and ``>`` go in as entities, which Plotly shows as the characters themselves.

    >>> chart_text('<a href="https://evil.example">A & B</a>')
    '&lt;a href="https://evil.example"&gt;A &amp; B&lt;/a&gt;'
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def radar_figure(names: Sequence[str], comparison: Comparison) -> go.Figure:
    labels = [SCORE_LABELS[n] for n in SCORE_NAMES]
    figure = go.Figure()
    for k, (name, evaluation) in enumerate(zip(names, comparison.evaluations)):
        # a score that could not be judged is a gap in the outline, not a zero
        values = [round(s.score, 1) if (s := evaluation.scores[n]).assessable else None for n in SCORE_NAMES]
        figure.add_trace(
            go.Scatterpolar(
                r=values + values[:1],
                theta=labels + labels[:1],
                name=chart_text(name),
                fill="toself",
                opacity=0.75,
                line={"color": RADAR_COLOURS[k % len(RADAR_COLOURS)]},
            )
        )
    figure.update_layout(
        polar={"radialaxis": {"range": [0, 100], "tickvals": [25, 50, 75, 100]}},
        margin={"l": 60, "r": 60, "t": 30, "b": 30},
        height=420,
        legend={"orientation": "h"},
    )
    return figure


def growth_figure(rows: Sequence[ActorValue]) -> go.Figure:
    """Net value of every actor with amounts, in each alternative, as occurrences grow ×1…×10."""
    figure = go.Figure()
    for i, row in enumerate(rows):
        for k, series in enumerate(row.growth):
            if not series:
                continue
            figure.add_trace(
                go.Scatter(
                    x=list(GROWTH_FACTORS),
                    y=list(series),
                    mode="lines+markers",
                    name=chart_text(f"{LETTERS[k]} · {row.name}"),
                    line={"color": RADAR_COLOURS[k % len(RADAR_COLOURS)], "dash": DASHES[i % len(DASHES)]},
                )
            )
    figure.update_layout(
        xaxis={"title": "use grows × (occurrences of every flow)", "tickvals": list(GROWTH_FACTORS)},
        yaxis={"title": "net value per period"},
        height=420,
        margin={"l": 70, "r": 20, "t": 30, "b": 50},
    )
    return figure


def compare_layout(comparison: Comparison, ids: Sequence[int], report: Report) -> html.Main:
    """The page. ``ids`` are the configurations' ids (in the order compared), ``report`` its sections."""
    letters = LETTERS[: len(ids)]
    names = [f"{k}: {c.name}" for k, c in zip(letters, comparison.configurations)]
    sections = {s.title: s for s in report.sections}
    alternatives = html.Ul(
        [
            html.Li([f"{k}: ", dcc.Link(c.name, href=f"/edit/{i}"), " · ", dcc.Link("report", href=f"/report/{i}")])
            for k, c, i in zip(letters, comparison.configurations, ids)
        ]
    )
    ids_text = ",".join(str(i) for i in ids)
    rows = net_values(comparison)
    return html.Main(
        dbc.Container(
            [
                html.Div(dcc.Link("← Home", href="/"), className="py-2 no-print"),
                html.H1("Compare alternatives", className="h3"),
                alternatives,
                download_buttons(
                    {"kind": "comparison", "ids": list(ids)}, printable_href=f"/report/compare?ids={ids_text}"
                ),
                html.Section(
                    [
                        html.H2("Verdict", className="h5 mt-4"),
                        dbc.Alert(
                            html.Ul([html.Li(line) for line in comparison.verdict], className="mb-0"), color="info"
                        ),
                    ],
                    id=ID.compare_verdict,
                ),
                dbc.Row(
                    [
                        dbc.Col(
                            html.Section(
                                [
                                    html.H2("Scores", className="h5 mt-4"),
                                    dcc.Graph(
                                        id=ID.compare_radar, figure=radar_figure(names, comparison), config=GRAPH_CONFIG
                                    ),
                                ],
                                **{"aria-label": "Radar chart of the six scores"},
                            ),
                            lg=6,
                        ),
                        dbc.Col(section(without_picture(sections["Scores"])), lg=6),
                    ]
                ),
                section(sections["Criteria that differ"]),
                section(sections["Flags only one alternative has"]),
                section(sections["Structure against A"]),
                section(sections["Net value per actor"]),
                html.Section(
                    [
                        html.H2("Net value as use grows", className="h5 mt-4"),
                        dcc.Graph(id=ID.compare_growth, figure=growth_figure(rows), config=GRAPH_CONFIG)
                        if any(any(r.growth) for r in rows)
                        else html.P(
                            "No flow carries an amount of money in these alternatives: there is no net value to plot."
                        ),
                    ]
                ),
            ],
            fluid="lg",
            className="report",
        )
    )


def without_picture(s: Section) -> Section:
    """The scores section with its SVG radar left out (the page shows the interactive chart)."""
    return replace(s, svg="", title="Scores side by side")


def problem_page(problems: Sequence[str]) -> html.Main:
    """What /compare shows for bad ids: what is wrong and how to pick configurations instead."""
    return html.Main(
        dbc.Container(
            [
                html.Div(dcc.Link("← Home", href="/"), className="py-2"),
                html.H1("Compare alternatives", className="h3"),
                html.Div(dbc.Alert([html.Div(p) for p in problems], color="danger"), role="alert"),
                html.P(
                    "Pick two to four configurations on Home (tick them, then Compare), or use "
                    "“Compare with…” in the editor."
                ),
            ],
            fluid="lg",
        )
    )
