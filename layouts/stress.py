"""The stress-test page of one configuration: its saved scenarios with the scores and flags before and after,
a form to add one, and every actor's exit ranked by the money it costs those who stay (a tornado chart).

Pure builders over :mod:`canvas_app.stress` results; user text is rendered as text (and escaped for Plotly).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import dcc, html

from canvas_app.evaluation import SCORE_LABELS, SCORE_NAMES
from canvas_app.model import FINANCIAL_KINDS, SCENARIO_KINDS, Configuration
from canvas_app.stress import KIND_LABELS, SCORED_EXITS, Exit, StressResult
from layouts.common import configuration_header
from layouts.compare import GRAPH_CONFIG, chart_text
from layouts.ids import ID

SHOWN_EXITS = 20
"""Bars in the tornado chart (and rows of its table): the most damaging exits."""


def money(value: float) -> str:
    return f"{value:,.0f}"


def _change(result: StressResult, name: str) -> Any:
    before, after = result.scores_before[name].score, result.scores_after[name].score
    delta = round(after - before, 1)
    text = f"{before:.0f} → {after:.0f}" + (f" ({delta:+.1f})" if delta else "")
    return html.Td(text, className="table-danger" if delta < 0 else "table-success" if delta > 0 else None)


def _remove(result: StressResult, can_edit: bool) -> Any:
    if not can_edit:
        return html.Td()
    return html.Td(
        html.Button(
            "Remove",
            id=ID.stress_remove(result.scenario.id),
            type="button",
            className="btn btn-link btn-sm",
            **{"aria-label": f"Remove the scenario: {result.description}"},
        )
    )


def results_view(results: Sequence[StressResult], names: dict[str, str], can_edit: bool = True) -> Any:
    """One row per saved scenario: its six scores before → after, flags added and removed, money lost."""
    if not results:
        return html.P("No scenario saved yet: add one below.", className="text-body-secondary")
    header = html.Thead(
        html.Tr(
            [
                html.Th("Scenario", scope="col"),
                *(html.Th(SCORE_LABELS[n], scope="col") for n in SCORE_NAMES),
                html.Th("Flags", scope="col"),
                html.Th("Money lost by those who stay", scope="col"),
                html.Th(html.Span("Remove", className="visually-hidden"), scope="col"),
            ]
        )
    )
    rows = []
    for result in results:
        if result.problem:
            rows.append(
                html.Tr(
                    [
                        html.Td(result.description),
                        html.Td(f"Not run: {result.problem}", colSpan=len(SCORE_NAMES) + 2),
                        _remove(result, can_edit),
                    ],
                    className="stress-result",
                )
            )
            continue
        flags = [html.Div(f"+ {f.message}", className="flag-added") for f in result.flags_added]
        flags += [html.Div(f"− {f.message}", className="flag-removed") for f in result.flags_removed]
        lost = ", ".join(f"{names.get(a, a)} {money(v)}" for a, v in result.losses.items())
        rows.append(
            html.Tr(
                [
                    html.Td(result.description, className="fw-semibold"),
                    *(_change(result, n) for n in SCORE_NAMES),
                    html.Td(flags or "no change", className="small"),
                    html.Td([html.Div(money(result.damage)), html.Div(lost, className="small")]),
                    _remove(result, can_edit),
                ],
                className="stress-result",
            )
        )
    return html.Div(
        html.Table([header, html.Tbody(rows)], className="table table-sm align-middle"), className="table-responsive"
    )


def tornado_figure(exits: Sequence[Exit]) -> go.Figure:
    """Horizontal bars, the most damaging exit on top: money lost by those who stay when the actor leaves."""
    shown = list(exits[:SHOWN_EXITS])[::-1]
    figure = go.Figure(
        go.Bar(
            x=[round(e.damage, 2) for e in shown],
            y=[chart_text(e.name) for e in shown],
            orientation="h",
            marker={"color": "#b02a37"},
            hovertemplate="%{y}: %{x:,.0f}<extra></extra>",
        )
    )
    figure.update_layout(
        xaxis={"title": "money lost by those who stay (net present value)"},
        yaxis={"automargin": True},
        height=max(240, 32 * len(shown) + 90),
        margin={"l": 20, "r": 20, "t": 20, "b": 50},
    )
    return figure


def exits_table(exits: Sequence[Exit]) -> Any:
    """The chart's figures as text, with the score drop (screen readers, print)."""
    rows = [
        html.Tr(
            [
                html.Td(str(rank)),
                html.Td(e.name),
                html.Td(money(e.damage)),
                html.Td("not re-judged" if e.score_drop is None else f"{-e.score_drop:+.1f}"),
                html.Td(str(e.flows_lost)),
            ],
            className="stress-exit",
        )
        for rank, e in enumerate(exits[:SHOWN_EXITS], start=1)
    ]
    header = html.Thead(
        html.Tr(
            [
                html.Th(h, scope="col")
                for h in ("#", "Actor leaves", "Money lost by those who stay", "Six scores together", "Flows lost")
            ]
        )
    )
    return html.Table([header, html.Tbody(rows)], className="table table-sm")


def _field(label: str, control: Any, control_id: str, hint: str = "") -> dbc.Col:
    return dbc.Col(
        [
            html.Label(label, htmlFor=control_id, className="form-label small mb-1"),
            control,
            html.Div(hint, className="form-text") if hint else None,
        ],
        md=4,
        className="mb-2",
    )


def add_form(config: Configuration) -> html.Section:
    """Kind, actor and flow picked by name, a factor or a percent."""
    actors = [{"label": "—", "value": ""}, *({"label": a.name, "value": a.id} for a in config.actors)]
    flows = [
        {"label": "—", "value": ""},
        *(
            {"label": config.flow_name(f, quoted=False), "value": f.id}
            for f in config.flows
            if f.kind in FINANCIAL_KINDS
        ),
    ]
    kinds = [{"label": KIND_LABELS[k], "value": k} for k in SCENARIO_KINDS]
    flow_kinds = [{"label": "—", "value": ""}, *({"label": k.value, "value": k.value} for k in sorted(FINANCIAL_KINDS))]
    return html.Section(
        [
            html.H2("Add a scenario", className="h5 mt-4"),
            dbc.Row(
                [
                    _field(
                        "What happens",
                        dbc.Select(id=ID.stress_kind, options=kinds, value="actor_leaves"),
                        ID.stress_kind,
                    ),
                    _field(
                        "Actor",
                        dbc.Select(id=ID.stress_actor, options=actors, value=""),
                        ID.stress_actor,
                        "who leaves, stops paying or raises its fees; for a grant: the funder",
                    ),
                    _field(
                        "Flow",
                        dbc.Select(id=ID.stress_flow, options=flows, value=""),
                        ID.stress_flow,
                        "the grant that ends, or the flow whose price changes",
                    ),
                    _field(
                        "Every flow of kind",
                        dbc.Select(id=ID.stress_flow_kind, options=flow_kinds, value=""),
                        ID.stress_flow_kind,
                        "a price change of every flow of this kind",
                    ),
                    _field(
                        "Factor or percent",
                        dbc.Input(id=ID.stress_number, type="number", inputMode="decimal"),
                        ID.stress_number,
                        "demand: ×factor (0.5, 2); price and fees: percent (−20, 20)",
                    ),
                ]
            ),
            dbc.Button("Add the scenario", id=ID.stress_add, color="primary", size="sm"),
            html.Div(id=ID.stress_feedback, role="status", className="mt-2"),
        ]
    )


def stress_layout(
    *,
    configuration_id: int,
    version: int,
    config: Configuration,
    results: Sequence[StressResult],
    exits: Sequence[Exit],
    can_edit: bool,
) -> html.Main:
    """The page."""
    names = {a.id: a.name for a in config.actors}
    return html.Main(
        dbc.Container(
            [
                dcc.Store(id=ID.stress_config, data=configuration_id),
                dcc.Store(id=ID.stress_version, data=version),
                *configuration_header(f"Stress tests · {config.name}", configuration_id),
                html.P(
                    "Each scenario is applied to a copy of the configuration, which is scored again. Money lost by "
                    "those who stay: the fall of the net present value of every actor still there, over the "
                    "configuration's horizon (only losses count). Scenarios are saved with the configuration and "
                    "rerun on every version.",
                    className="text-body-secondary small",
                ),
                html.H2("Saved scenarios", className="h5"),
                html.Div(results_view(results, names, can_edit), id=ID.stress_results),
                add_form(config)
                if can_edit
                else html.P(
                    "You can view this configuration, not edit it: no scenario can be added.", className="small"
                ),
                html.Section(
                    [
                        html.H2("Every actor leaves, one at a time", className="h5 mt-4"),
                        html.P(
                            f"The {min(SHOWN_EXITS, len(exits))} most damaging exits of {len(exits)}: by money lost "
                            "by those who stay, then by the points the six scores lose together "
                            + (
                                f"(re-judged for the {SCORED_EXITS} exits that cost the most money)."
                                if any(e.score_drop is not None for e in exits)
                                else "(not re-judged on this page for so large a configuration: "
                                "canvas-app stress re-judges them)."
                            ),
                            className="small text-body-secondary",
                        ),
                        dcc.Graph(id=ID.stress_tornado, figure=tornado_figure(exits), config=GRAPH_CONFIG),
                        exits_table(exits),
                    ],
                    **{"aria-label": "Single exits ranked by damage"},
                ),
            ],
            fluid="xl",
        )
    )
