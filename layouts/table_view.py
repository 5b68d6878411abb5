"""The editor's Table view: the configuration's actors and flows as two sortable tables.

It is the text alternative of the canvas (and of the report's picture): everything the map
shows, by name. Each row's Edit button opens the element in the side panel's form, so edits go
through the same commands as on the canvas. Sorting is done in the browser (``canvas.js``,
buttons with ``data-sort``), so it costs no request and survives the table being redrawn.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from dash import html

from canvas_app.model import Configuration, Flow
from canvas_app.workspace_model import StakeholderRating


def _label(text: str) -> str:
    return text.replace("_", " ").capitalize()


def _header(text: str, table: str, column: int, numeric: bool = False) -> html.Th:
    """A column header whose button sorts by that column (``aria-sort`` is set by canvas.js)."""
    return html.Th(
        html.Button(
            text,
            type="button",
            className="btn btn-link btn-sm p-0 text-start fw-semibold",
            **{"data-sort": table, "data-column": str(column), "data-numeric": "1" if numeric else "0"},
        ),
        scope="col",
    )


def _number(value: float | None, estimated: bool) -> str:
    if value is None:
        return ""
    return f"{'≈' if estimated else ''}{value:,.6g}".replace(",", " ")


def _edit_button(element: str, name: str) -> html.Button:
    """A row's Edit button: canvas.js opens its ``data-element`` in the form. No Dash id, so a map of 300
    actors does not put 900 pattern-matched inputs in Dash's callback graph (a minute of work per redraw)."""
    return html.Button(
        "Edit",
        type="button",
        className="btn btn-outline-primary btn-sm py-0 tv-edit",
        **{"aria-label": f"Edit {name}", "data-element": element},
    )


def flow_name(flow: Flow, names: dict[str, str]) -> str:
    """How a flow is named in the table and on its Edit button: “label (From → To)”."""
    return f"{flow.label or _label(flow.kind.value)} ({names.get(flow.source, flow.source)} → {names.get(flow.target, flow.target)})"


def _matters(rating: StakeholderRating | None) -> str:
    """An accepted value round's rating of an actor: median, n and agreement ("–": none accepted)."""
    if rating is None:
        return "–"
    median = f"{rating.median:.2f}".rstrip("0").rstrip(".")
    return f"{median} (n {rating.n}, agreement {round(rating.agreement * 100)} %, round #{rating.round})"


def table_view(config: Configuration, ratings: Mapping[str, StakeholderRating] | None = None) -> list[Any]:
    """Both tables for ``config`` (the children of the Table view section); ``ratings``: an accepted value
    round's rating per actor, shown as how much what it gives and gets matters to them."""
    ratings = ratings or {}
    names = {a.id: a.name for a in config.actors}
    gives = {a.id: 0 for a in config.actors}
    gets = {a.id: 0 for a in config.actors}
    for flow in config.flows:
        gives[flow.source] = gives.get(flow.source, 0) + 1
        gets[flow.target] = gets.get(flow.target, 0) + 1
    actor_rows = [
        html.Tr(
            [
                html.Th(actor.name, scope="row"),
                html.Td(_label(actor.type.value)),
                html.Td("local" if actor.local else "generic role"),
                html.Td(str(gives.get(actor.id, 0))),
                html.Td(str(gets.get(actor.id, 0))),
                html.Td(_matters(ratings.get(actor.id))),
                html.Td(_edit_button(f"actor:{actor.id}", actor.name)),
            ]
        )
        for actor in config.actors
    ]
    flow_rows = [
        html.Tr(
            [
                html.Th(names.get(flow.source, flow.source), scope="row"),
                html.Td(names.get(flow.target, flow.target)),
                html.Td(_label(flow.kind.value)),
                html.Td(flow.label or ""),
                html.Td(_number(flow.amount, flow.is_estimated("amount"))),
                html.Td(_number(flow.occurrences, flow.is_estimated("occurrences"))),
                html.Td(_edit_button(f"flow:{flow.id}", flow_name(flow, names))),
            ]
        )
        for flow in config.flows
    ]
    return [
        _sortable_table(
            "actors",
            f"Actors ({len(config.actors)}): flows each gives and gets",
            [
                ("Name", False),
                ("Type", False),
                ("Role", False),
                ("Gives", True),
                ("Gets", True),
                ("Matters to them (1–5, co-creation)", False),
            ],
            actor_rows,
            "Actors table",
        ),
        _sortable_table(
            "flows",
            f"Value flows ({len(config.flows)}): amount per occurrence, occurrences per {config.period}; "
            "≈ marks a module's estimate",
            [
                ("From", False),
                ("To", False),
                ("Kind", False),
                ("Label", False),
                ("Amount", True),
                ("Occurrences", True),
            ],
            flow_rows,
            "Value flows table",
        ),
    ]


def _sortable_table(
    name: str, caption: str, columns: Sequence[tuple[str, bool]], rows: list[html.Tr], region: str
) -> html.Div:
    """A table whose column buttons sort it in the browser (``columns``: caption, numeric), with a last Edit
    column, in its own focusable scrolling region named ``region``."""
    headers = [_header(text, name, k, numeric=numeric) for k, (text, numeric) in enumerate(columns)]
    return html.Div(
        html.Table(
            [
                html.Caption(caption),
                html.Thead(html.Tr([*headers, html.Th(html.Span("Edit", className="visually-hidden"), scope="col")])),
                html.Tbody(rows),
            ],
            className="table table-sm align-middle mb-2",
            **{"data-table": name},
        ),
        className="table-scroll",
        tabIndex="0",
        role="region",
        **{"aria-label": region},
    )
