"""The "Replicate to another city" page of a configuration: choose a target profile, substitute each named
local organisation, read the replication plan, create the replica.

Pure builders over :class:`canvas_app.replication.ReplicationPlan`; user text goes in as text. The plan is a
section that prints on its own (the form is ``no-print``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from canvas_app.model import Actor
from canvas_app.replication import ReplicationPlan
from layouts.common import configuration_header
from layouts.ids import ID

STATUS_COLOURS = {"met": "success", "not met": "danger", "unknown": "secondary"}
Option = tuple[str, str]  # (value, label)


def _select(label: str, select_id: str, options: Sequence[Option], value: str | None) -> list[Any]:
    return [
        dbc.Label(label, html_for=select_id, className="small mb-0 mt-2"),
        dbc.Select(id=select_id, options=[{"value": v, "label": text} for v, text in options], value=value),
    ]


def substitution_rows(local: Sequence[Actor], suggestions: Sequence[Sequence[str]]) -> list[Any]:
    """One row per named local organisation: a counterpart's name (with names in use offered) and a
    "generic role" tick."""
    if not local:
        return [html.P("Every role is generic: nothing to substitute.", className="small text-body-secondary")]
    rows: list[Any] = []
    for index, (actor, names) in enumerate(zip(local, suggestions)):
        rows.append(
            html.Div(
                [
                    html.Label(  # the input inside its label: a pattern id has no plain id to point at
                        [
                            f"Counterpart of {actor.name} ({actor.type.value.replace('_', ' ')})",
                            dcc.Input(
                                id=ID.rp_substitute(actor.id),
                                list=ID.rp_names(index),
                                type="text",
                                maxLength=300,
                                debounce=True,
                                placeholder="pick a name in use or type a new one",
                                className="form-control",
                            ),
                        ],
                        className="small mb-0 mt-2 d-block",
                    ),
                    html.Datalist([html.Option(value=n) for n in names], id=ID.rp_names(index)),
                    dbc.Checklist(
                        id=ID.rp_generic(actor.id),
                        options=[{"label": "a generic role, not a named organisation", "value": "generic"}],
                        value=[],
                        className="small",
                    ),
                ]
            )
        )
    return rows


def replicate_layout(
    *,
    configuration_id: int,
    name: str,
    city: str,
    profiles: Sequence[Option],
    workspaces: Sequence[Option],
    workspace: str | None,
    local: Sequence[Actor],
    suggestions: Sequence[Sequence[str]],
    profiles_href: str,
) -> html.Main:
    """The whole page. ``profiles`` and ``workspaces`` are select options; ``workspace`` the one chosen first."""
    target = profiles[0][0] if profiles else None
    form = dbc.Card(
        dbc.CardBody(
            [
                html.H2("Target city", className="h5"),
                *(
                    _select("Replicate to", ID.rp_target, profiles, target)
                    if profiles
                    else [
                        html.P("No city profiles yet.", className="small"),
                        dbc.Select(
                            id=ID.rp_target,
                            options=[],
                            value=None,
                            className="d-none",
                            **{"aria-label": "Replicate to"},
                        ),
                    ]
                ),
                dcc.Link("Add or edit city profiles", href=profiles_href, className="small d-block mt-1"),
                *_select(
                    "Source city's profile (its population and currency)",
                    ID.rp_source,
                    [("", f"none: use the configuration's own population ({city or 'no city named'})"), *profiles],
                    "",
                ),
                html.H2("Named local organisations", className="h5 mt-3"),
                *substitution_rows(local, suggestions),
                html.H2("Save the replica", className="h5 mt-3"),
                *_select("In workspace", ID.rp_workspace, workspaces, workspace),
                dbc.Button("Create replica", id=ID.rp_create, color="primary", className="mt-2"),
                html.Div(id=ID.rp_result, role="status", **{"aria-live": "polite"}, className="mt-2"),
            ]
        ),
        className="mb-3 no-print",
    )
    return html.Main(
        dbc.Container(
            [
                dcc.Store(id=ID.rp_config, data=configuration_id),
                *configuration_header(f"Replicate to another city: {name}", configuration_id),
                html.P(
                    "Generic roles are carried over; each named local organisation gets a counterpart; every module "
                    "precondition is checked against the target city; segment sizes and uses are rescaled by "
                    "population (estimates). Print this page (Ctrl+P) for the plan alone.",
                    className="text-body-secondary no-print",
                ),
                dbc.Row(
                    [
                        dbc.Col(form, lg=4),
                        dbc.Col(
                            html.Section(id=ID.rp_plan, className="replication-plan", **{"aria-live": "polite"}), lg=8
                        ),
                    ]
                ),
            ],
            fluid="xl",
            className="report",
        )
    )


def _table(caption: str, headers: Sequence[str], rows: Sequence[Sequence[Any]], css: str = "") -> dbc.Table:
    return dbc.Table(
        [
            html.Caption(caption),
            html.Thead(html.Tr([html.Th(h, scope="col") for h in headers])),
            html.Tbody([html.Tr([html.Td(cell) for cell in row]) for row in rows]),
        ],
        bordered=True,
        size="sm",
        className=f"report-table caption-top {css}".strip(),
    )


def _number(value: float) -> str:
    return f"{value:,.6g}"


def plan_view(plan: ReplicationPlan) -> list[Any]:
    """The replication plan, in names, printable."""
    children: list[Any] = [
        html.H2(f"Replication plan: {plan.source} → {plan.target_city}", className="h5"),
        html.P(plan.provenance, className="replication-provenance"),
        html.H3("Generic roles carried over", className="h6 mt-3"),
        html.Ul([html.Li(f"{r.name} → {r.new_name}" if r.new_name != r.name else r.name) for r in plan.carried]),
        html.H3("Named local organisations", className="h6 mt-3"),
    ]
    if plan.substitutions:
        children.append(
            _table(
                "Each named local organisation and its counterpart",
                ["Organisation", "Counterpart", "What to do"],
                [[s.actor, s.counterpart or "—", s.action] for s in plan.substitutions],
                "replication-substitutions",
            )
        )
    else:
        children.append(html.P("None: every role is generic."))
    children.append(html.H3("Preconditions", className="h6 mt-3"))
    if plan.preconditions:
        children.append(
            _table(
                f"Module preconditions against the profile of {plan.target_city}",
                ["Module", "Precondition", "Status", "What to do"],
                [
                    [
                        c.module,
                        c.precondition,
                        dbc.Badge(c.status, color=STATUS_COLOURS[c.status], className="precondition-status"),
                        c.action,
                    ]
                    for c in plan.preconditions
                ],
                "replication-preconditions",
            )
        )
    else:
        children.append(html.P("The placed modules name no precondition."))
    children += [html.H3("Rescaled amounts", className="h6 mt-3"), html.P(plan.factor_reason)]
    if plan.rescaled:
        children.append(
            _table(
                "Quantities rescaled by population: estimates to replace with the city's own figures",
                ["Element", "Quantity", "Before", "Replica", "Rule"],
                [
                    [
                        r.element,
                        r.quantity,
                        _number(r.before),
                        html.Span([_number(r.after), " ", dbc.Badge("estimate", color="warning", text_color="dark")]),
                        r.rule,
                    ]
                    for r in plan.rescaled
                ],
                "replication-rescaled",
            )
        )
    if plan.kept:
        children.append(
            _table(
                "Figures kept as they were: check them",
                ["Element", "Figure", "Value", "Why"],
                [[k.element, k.what, _number(k.value), k.reason] for k in plan.kept],
                "replication-kept",
            )
        )
    children.append(html.H3("Scores", className="h6 mt-3"))
    children.append(
        _table(
            "Scores of the original and the replica, with the reason for each difference",
            ["Score", "Original", "Replica", "Why they differ"],
            [
                [
                    row.label,
                    row.original,
                    row.replica,
                    html.Ul([html.Li(r) for r in row.reasons], className="mb-0") if row.reasons else "the same",
                ]
                for row in plan.scores
            ],
            "replication-scores",
        )
    )
    if plan.notes:
        children += [html.H3("Notes", className="h6 mt-3"), html.Ul([html.Li(n) for n in plan.notes])]
    return children


def replica_created(name: str, configuration_id: int) -> html.Div:
    """What "Create replica" answers: the replica's name and the way to it."""
    return html.Div(
        [
            html.Span(f"Replica “{name}” created. "),
            dcc.Link("Open it in the editor", href=f"/edit/{configuration_id}", id=ID.rp_open),
        ],
        className="alert alert-success",
    )
