"""Widgets every page shares: an inline message, a delete question, the not-found page, a configuration page's header."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html


def message(lines: list[str] | str, color: str = "danger") -> dbc.Alert:
    """An inline message; user-supplied text is rendered as text, never as HTML."""
    if isinstance(lines, str):
        lines = [lines]
    # a problem may quote the input, and the input may hold escaped lone surrogates, which no JSON can carry
    lines = [line.encode("utf-8", "backslashreplace").decode("utf-8") for line in lines]
    body = [html.Div(line) for line in lines[:20]]
    if len(lines) > 20:
        body.append(html.Div(f"... and {len(lines) - 20} more problems"))
    return dbc.Alert(body, color=color, className="mt-2 mb-0 small")


def confirm_dialog(title: str, confirm_label: str, *, modal: str, text: str, confirm: str, cancel: str) -> dbc.Modal:
    """A "Delete …?" question with Cancel and a red confirm button; the body is filled by a callback."""
    return dbc.Modal(
        [
            dbc.ModalHeader(dbc.ModalTitle(title, id=f"{modal}-title")),
            dbc.ModalBody(id=text),
            dbc.ModalFooter(
                [
                    dbc.Button("Cancel", id=cancel, color="secondary"),
                    dbc.Button(confirm_label, id=confirm, color="danger"),
                ]
            ),
        ],
        id=modal,
        labelledby=f"{modal}-title",  # the dialog's accessible name is its title
        is_open=False,
    )


def not_found(text: str) -> html.Main:
    """The page for something that is not there (or not open): what happened, and the way home."""
    return html.Main(
        dbc.Container([html.H1("Not found", className="h4 mt-3"), html.P(text), dcc.Link("← Home", href="/")])
    )


def configuration_header(title: str, configuration_id: int, related: Sequence[tuple[str, str]] = ()) -> list[Any]:
    """The links from a configuration's own page (back to Home, its editor, its report, then ``related``
    as (label, address); not printed) and the page's heading: every such page reads the same way."""
    links = [("Back to the editor", f"/edit/{configuration_id}"), ("Report", f"/report/{configuration_id}"), *related]
    return [
        html.Nav(
            [dcc.Link("← Home", href="/", className="me-3")]
            + [dcc.Link(label, href=href, className="me-3") for label, href in links],
            className="small mt-3 no-print",
            **{"aria-label": "Pages of this configuration"},
        ),
        html.H1(title, className="h4 mt-2"),
    ]
