"""The editor's revision history panel, its "Compare with…" dialog and report link.

Every save is an immutable revision; from any of them the user can restore (a new
revision, so it can be undone) or branch into a new alternative configuration.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from layouts.ids import ID


def editor_tools(configuration_id: int, name: str) -> list[Any]:
    """Header buttons of the editor, with the (closed) history panel and compare dialog they open."""
    history = dbc.Offcanvas(
        [
            html.P(
                "Every save is kept. Restoring adds a new version (undo takes it back); branching starts a "
                "new alternative configuration from that version.",
                className="small",
            ),
            dbc.Label("Name of a new alternative", html_for=ID.branch_name, className="small mb-0"),
            dbc.Input(id=ID.branch_name, value=f"{name} (alternative)"[:300], maxLength=300, size="sm"),
            dbc.Button(
                "Branch from the current version", id=ID.branch_head, size="sm", color="primary", className="mt-2"
            ),
            html.Div(id=ID.history_feedback, role="alert", **{"aria-live": "polite"}),
            html.H3("Revisions", className="h6 mt-3"),
            html.Div(id=ID.history_list),
        ],
        id=ID.history_panel,
        title="History and alternatives",
        placement="end",
        is_open=False,
        scrollable=True,
    )
    compare = dbc.Modal(
        [
            dbc.ModalHeader(dbc.ModalTitle("Compare with…", id=f"{ID.compare_modal}-title")),
            dbc.ModalBody(
                [
                    html.P("Pick one to three other configurations of this workspace.", className="small"),
                    dbc.Checklist(id=ID.compare_pick, options=[], value=[]),
                    html.Div(id=ID.compare_feedback, role="alert", **{"aria-live": "polite"}),
                ]
            ),
            dbc.ModalFooter(dbc.Button("Compare", id=ID.compare_go, color="primary")),
        ],
        id=ID.compare_modal,
        labelledby=f"{ID.compare_modal}-title",
        is_open=False,
    )
    return [
        html.Div(
            [
                dbc.Button("History", id=ID.history_open, size="sm", color="secondary", outline=True),
                dbc.Button("Compare with…", id=ID.compare_open, size="sm", color="secondary", outline=True),
                dcc.Link("Report", href=f"/report/{configuration_id}", className="btn btn-sm btn-outline-secondary"),
            ],
            className="d-flex flex-wrap gap-1 ms-auto",
        ),
        history,
        compare,
    ]


def revision_list(revisions: Sequence[Any], head_version: int, shown_version: int | None) -> html.Ol:
    """Newest first: who, when, what; restore and branch buttons on each (restore not on the head)."""
    items = []
    for revision in reversed(revisions):
        version = revision.version
        tags = []
        if version == head_version:
            tags.append(dbc.Badge("current", color="primary", className="ms-1"))
        if shown_version is not None and version == shown_version and version != head_version:
            tags.append(dbc.Badge("on screen", color="info", className="ms-1"))
        buttons = [
            dbc.Button(
                ["Branch", html.Span(f" from version {version}", className="visually-hidden")],
                id=ID.branch_revision(version),
                size="sm",
                color="link",
                className="p-0 me-2",
                title=f"Start a new alternative from version {version}",
            ),
        ]
        if version != head_version:
            buttons.insert(
                0,
                dbc.Button(
                    ["Restore", html.Span(f" version {version}", className="visually-hidden")],
                    id=ID.restore_revision(version),
                    size="sm",
                    color="link",
                    className="p-0 me-2",
                    title=f"Make version {version} the current one again",
                ),
            )
        items.append(
            html.Li(
                [
                    html.Div([html.Strong(f"Version {version}"), *tags]),
                    html.Div(f"{revision.author} · {revision.created_at:%Y-%m-%d %H:%M:%S} UTC", className="small"),
                    html.Div(revision.summary, className="small text-body-secondary"),
                    html.Div(buttons),
                ],
                className="list-group-item",
                **{"data-version": str(version)},
            )
        )
    return html.Ol(items, className="list-group revision-list")
