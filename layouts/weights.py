"""The Score weights page of a workspace: every criterion's weight, editable, and what it does
to the workspace's configurations.

Pure builders over :func:`canvas_app.criteria.weight_settings`; names of configurations go into
components as text, never as HTML.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from canvas_app.criteria import MAX_WEIGHT, WeightSetting
from canvas_app.evaluation import SCORE_LABELS, SCORE_NAMES
from layouts.ids import ID
from layouts.needs import page_header
from layouts.report import scroll_region

EffectRow = tuple[int, str, dict[str, float]]
"""(configuration id, name, score name → score) for the effect table."""


def weight_inputs(settings: Sequence[WeightSetting], editable: bool) -> list[Any]:
    """One card per score, one labelled number input per criterion, defaults shown beside."""
    cards = []
    for name in SCORE_NAMES:
        rows = []
        for setting in (s for s in settings if s.score == name):
            input_id = ID.weight_input(setting.criterion)
            rows.append(
                dbc.Row(
                    [
                        dbc.Col(
                            dbc.Label(
                                [
                                    setting.label,
                                    html.Span(f" · default {setting.default:g}", className="small text-body-secondary"),
                                ],
                                html_for=input_id,
                                className="mb-0",
                            ),
                            md=9,
                        ),
                        dbc.Col(
                            dbc.Input(
                                id=input_id,
                                type="number",
                                min=0,
                                max=MAX_WEIGHT,
                                step=0.5,
                                value=setting.weight,
                                disabled=not editable,
                                size="sm",
                            ),
                            md=3,
                        ),
                    ],
                    className="align-items-center py-1 border-bottom",
                )
            )
        cards.append(
            dbc.Card(
                [dbc.CardHeader(html.H2(SCORE_LABELS[name], className="h6 mb-0")), dbc.CardBody(rows)],
                className="mb-3",
            )
        )
    return cards


def effect_table(rows: Sequence[EffectRow]) -> Any:
    """The six scores of each configuration of the workspace under the saved weights."""
    if not rows:
        return html.P("This workspace has no configurations yet.", className="text-body-secondary")
    header = html.Thead(
        html.Tr(
            [html.Th("Configuration", scope="col")]
            + [html.Th(SCORE_LABELS[n], scope="col", className="text-end") for n in SCORE_NAMES]
        )
    )
    body = html.Tbody(
        [
            html.Tr(
                [html.Th(dcc.Link(name, href=f"/edit/{config_id}"), scope="row")]
                + [html.Td(f"{scores[n]:.1f}", className="text-end") for n in SCORE_NAMES]
            )
            for config_id, name, scores in rows
        ]
    )
    return scroll_region(
        dbc.Table([header, body], bordered=False, hover=True, size="sm", className="mb-0"),
        "Scores of the workspace's configurations under these weights",
    )


def weights_layout(
    workspace_id: int,
    workspace_name: str,
    settings: Sequence[WeightSetting],
    effect: Sequence[EffectRow],
    editable: bool,
) -> html.Main:
    """The whole page."""
    controls = (
        [
            dbc.Button("Save weights", id=ID.weights_save, color="primary", className="me-2"),
            dbc.Button("Back to the defaults", id=ID.weights_reset, color="secondary", outline=True),
        ]
        if editable
        else [
            html.P(
                "You can look at these weights; only editors of the workspace can change them.",
                className="text-body-secondary",
            )
        ]
    )
    return html.Main(
        dbc.Container(
            [
                page_header(f"Score weights · {workspace_name}", workspace_id, "weights"),
                html.P(
                    "Each score is the weighted mean of its criteria. Give a criterion more weight when it "
                    "matters more to this city (0 leaves it out). These weights apply to every configuration "
                    "of the workspace; weights written in a configuration file win over them.",
                    className="text-body-secondary",
                ),
                dcc.Store(id=ID.weights_workspace, data=workspace_id),
                dbc.Row(
                    [
                        dbc.Col(weight_inputs(settings, editable), lg=7),
                        dbc.Col(
                            [
                                html.Div(controls, className="mb-2"),
                                html.Div(id=ID.weights_feedback, role="status", **{"aria-live": "polite"}),
                                html.H2("Scores under these weights", className="h5 mt-3"),
                                html.Div(effect_table(effect), id=ID.weights_effect),
                            ],
                            lg=5,
                        ),
                    ]
                ),
            ],
            fluid=True,
        ),
    )
