"""The value-mechanisms page of one configuration: creation, capture and sharing mechanisms in
place, and the library modules that could add more, ranked by the score gain they bring.

Pure builders over :mod:`canvas_app.mechanisms` results; user text is rendered as text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from canvas_app.mechanisms import KIND_LABELS, KIND_SCORE, KINDS, Mechanism, MechanismOption
from layouts.common import configuration_header
from layouts.ids import ID


def _mechanism_item(mechanism: Mechanism) -> html.Li:
    source = "module" if mechanism.source == "module" else f"{len(mechanism.elements)} flow(s)"
    return html.Li(
        [
            html.Span(mechanism.name, className="fw-semibold"),
            html.Span(source, className="badge text-bg-light ms-1"),
            html.Div(mechanism.detail, className="small text-body-secondary") if mechanism.detail else None,
        ],
        className="list-group-item mechanism",
        **{"data-kind": mechanism.kind},
    )


def in_place_cards(found: Mapping[str, Sequence[Mechanism]]) -> dbc.Row:
    """One card per kind: value creation, capture, sharing."""
    cols = []
    for kind in KINDS:
        items = found.get(kind, [])
        body: Any = (
            html.Ul([_mechanism_item(m) for m in items], className="list-group list-group-flush")
            if items
            else html.P("None in place yet.", className="p-3 mb-0 text-body-secondary")
        )
        cols.append(
            dbc.Col(
                html.Section(
                    dbc.Card(
                        [dbc.CardHeader(html.H3(f"{KIND_LABELS[kind]} ({len(items)})", className="h6 mb-0")), body],
                        className="mb-3",
                    ),
                    **{"data-kind": kind},
                ),
                md=4,
            )
        )
    return dbc.Row(cols)


def could_add_table(options: Sequence[MechanismOption]) -> Any:
    """Library modules ranked by total score gain; those that would raise no score are only counted."""
    useful = [o for o in options if o.gain > 0]
    note = html.P(
        f"{len(options) - len(useful)} other library module(s) would raise no score here.",
        className="small text-body-secondary",
    )
    if not useful:
        return html.Div([html.P("No library module would raise a score of this configuration."), note])
    header = html.Thead(
        html.Tr(
            [html.Th(h, scope="col") for h in ("#", "Module", "Adds", "Total gain", *(KIND_LABELS[k] for k in KINDS))]
        )
    )
    rows = [
        html.Tr(
            [
                html.Td(str(rank)),
                html.Td(option.name, className="fw-semibold"),
                html.Td(KIND_LABELS[option.kind]),
                html.Td(f"{option.gain:+.1f}", className="option-gain"),
                *(html.Td(f"{option.gains.get(KIND_SCORE[k], 0.0):+.1f}") for k in KINDS),
            ],
            className="could-add",
            **{"data-module": option.module},
        )
        for rank, option in enumerate(useful, start=1)
    ]
    return html.Div(
        [
            html.Div(
                html.Table([header, html.Tbody(rows)], className="table table-sm align-middle"),
                className="table-responsive",
            ),
            note,
        ]
    )


def mechanisms_layout(
    *,
    configuration_id: int,
    name: str,
    workspace_id: int,
    actor_count: int,
    found: Mapping[str, Sequence[Mechanism]],
    options: Sequence[MechanismOption] | None,
) -> html.Main:
    """The page. ``options`` None: too large to compute on load; a button computes it on request."""
    if options is None:
        could_add: Any = html.P(
            f"This configuration has {actor_count} actors: the ranking re-scores it once per library module, "
            "so it is computed when you ask for it.",
            className="small",
        )
    else:
        could_add = could_add_table(options)
    return html.Main(
        dbc.Container(
            [
                dcc.Store(id=ID.mech_config, data=configuration_id),
                *configuration_header(
                    f"Value mechanisms · {name}",
                    configuration_id,
                    [
                        ("Needs & opportunities", f"/workspace/{workspace_id}/needs"),
                        ("Competitive advantages", f"/workspace/{workspace_id}/advantages"),
                    ],
                ),
                html.P(
                    "Mechanisms in place come from the placed modules' declared category, revenue models and "
                    "network effects, and from the flows: value objects delivered (creation), money reaching the "
                    "operator (capture), and value the operator passes back to those who contribute (sharing).",
                    className="text-body-secondary small",
                ),
                html.H2("In place", className="h5"),
                in_place_cards(found),
                html.H2("The library could add", className="h5"),
                html.P(
                    "Each module not yet placed, added exactly as the editor would add it, re-scored: gains in "
                    "score points.",
                    className="small text-body-secondary",
                ),
                html.Div(
                    [
                        dbc.Button(
                            "Compute what the library could add",
                            id=ID.mech_compute,
                            color="primary",
                            size="sm",
                            className="mb-2",
                            style=None if options is None else {"display": "none"},
                        ),
                        html.Span(id=ID.mech_status, role="status", className="ms-2 small"),
                    ]
                ),
                html.Div(could_add, id=ID.mech_could_add),
            ],
            fluid="xl",
        )
    )
