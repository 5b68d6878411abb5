"""The members panel of a workspace (owners invite, change roles, remove), the editor's
"also here" line and its read-only banner for viewers."""

from __future__ import annotations

import secrets
from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from layouts.ids import ID

ROLE_LABELS = {"owner": "Owner", "editor": "Editor", "viewer": "Viewer"}
ROLE_HELP = "Owners manage members; editors change configurations; viewers look and export."
PRESENCE_INTERVAL_MS = 15_000
AUDIT_SHOWN = 200
"""The newest audit events the page shows; the CSV download holds more (``storage.audit.MAX_AUDIT_ROWS``)."""


def member_rows(members: list[Any], *, can_manage: bool) -> html.Table:
    """One row per member; owners get a role select and a remove button on each row."""
    rows = []
    for member in members:
        if can_manage:
            role: Any = html.Label(  # the select sits inside its label: pattern ids cannot take html_for
                [
                    html.Span(f"Role of {member.name}", className="visually-hidden"),
                    dbc.Select(
                        id=ID.member_role(member.user_id),
                        options=[{"label": label, "value": value} for value, label in ROLE_LABELS.items()],
                        value=member.role,
                        size="sm",
                    ),
                ],
                className="w-100",
            )
            remove: Any = dbc.Button(
                ["Remove", html.Span(f" {member.name}", className="visually-hidden")],
                id=ID.member_remove(member.user_id),
                size="sm",
                color="danger",
                outline=True,
            )
        else:
            role, remove = ROLE_LABELS.get(member.role, member.role), None
        rows.append(html.Tr([html.Td(member.name), html.Td(role), html.Td(remove)]))
    head = html.Thead(
        html.Tr(
            [
                html.Th("Name", scope="col"),
                html.Th("Role", scope="col"),
                html.Th(html.Span("Actions", className="visually-hidden"), scope="col"),
            ]
        )
    )
    return html.Table([head, html.Tbody(rows)], className="table table-sm align-middle")


def audit_table(events: list[Any]) -> Any:
    """The audit events (``storage.AuditEvent``), newest first; every value shown as text."""
    if not events:
        return html.P("No events recorded yet.", className="small text-body-secondary")
    head = html.Thead(
        html.Tr([html.Th(label, scope="col") for label in ("When (UTC)", "Who", "Event", "Detail", "From")])
    )
    rows = [
        html.Tr(
            [
                html.Td(event.at.strftime("%Y-%m-%d %H:%M:%S")),
                html.Td(event.user_name),
                html.Td(event.action),
                html.Td(event.detail),
                html.Td(event.address or ""),
            ]
        )
        for event in events
    ]
    return html.Table([head, html.Tbody(rows)], className="table table-sm small")


def audit_section(events: list[Any]) -> html.Section:
    """Owners' view of the audit log: the newest events and a CSV download of the whole log."""
    return html.Section(
        [
            html.H2("Audit log", className="h5 mt-4"),
            html.P(
                "Sign-ins, failed sign-ins and sign-outs of this workspace's members; invitations, role and member "
                f"changes; deletions and restores. The newest {AUDIT_SHOWN} are shown; the download holds more.",
                className="small text-body-secondary",
            ),
            dbc.Button("Download audit log (CSV)", id=ID.members_audit_download, size="sm", color="secondary"),
            dcc.Download(id=ID.members_audit_file),
            html.Div(audit_table(events), id=ID.members_audit, className="mt-2"),
        ],
        **{"aria-label": "Audit log"},
    )


def members_layout(
    workspace: Any, members: list[Any], *, can_manage: bool, audit_events: list[Any] | None = None
) -> html.Main:
    """The whole members page of ``workspace``; the audit log only for owners (``audit_events`` given)."""
    invite = (
        dbc.Card(
            dbc.CardBody(
                [
                    html.H2("Invite someone", className="h6"),
                    dbc.Label("User name", html_for=ID.members_invite_name, className="small mb-0"),
                    dbc.Input(id=ID.members_invite_name, maxLength=200, size="sm", autoComplete="off"),
                    dbc.Label("Role", html_for=ID.members_invite_role, className="small mb-0 mt-1"),
                    dbc.Select(
                        id=ID.members_invite_role,
                        options=[{"label": label, "value": value} for value, label in ROLE_LABELS.items()],
                        value="editor",
                        size="sm",
                    ),
                    dbc.Button("Invite", id=ID.members_invite, color="primary", size="sm", className="mt-2"),
                    html.P(
                        "They need an account (canvas-app users add NAME) and join when they accept the invitation on "
                        "their Home page.",
                        className="form-text mb-0",
                    ),
                ]
            ),
            className="mb-3",
        )
        if can_manage
        else html.P("Only the workspace's owners can invite, remove or change roles.", className="small")
    )
    return html.Main(
        dbc.Container(
            [
                dcc.Link("← Home", href="/"),
                html.H1(f"Members of {workspace.name}", className="h4 mt-2"),
                html.P(ROLE_HELP, className="text-body-secondary small"),
                dcc.Store(id=ID.members_workspace, data=workspace.id),
                html.Div(id=ID.members_message, role="alert", **{"aria-live": "polite"}),
                html.Div(member_rows(members, can_manage=can_manage), id=ID.members_list),
                invite,
                *([audit_section(audit_events)] if can_manage and audit_events is not None else []),
            ],
            fluid="lg",
        )
    )


def presence_tools() -> list[Any]:
    """The editor's "also here" line, its heartbeat and this page's random client id
    (one per opened page, so two windows of one person count as two)."""
    return [
        dcc.Store(id=ID.presence_client, data=secrets.token_hex(8)),
        dcc.Interval(id=ID.presence_tick, interval=PRESENCE_INTERVAL_MS),
        html.Span(id=ID.presence_line, className="small text-body-secondary ms-3", **{"aria-live": "polite"}),
    ]


def presence_text(names: list[str]) -> str:
    """ "Also here: Ann, Bob" (empty when alone).

    >>> presence_text(["Bob", "Ann", "Ann"]), presence_text([])
    ('Also here: Ann, Bob', '')
    """
    unique = sorted(set(names), key=str.lower)
    return f"Also here: {', '.join(unique)}" if unique else ""


def read_only(page: Any) -> html.Div:
    """The editor with a banner saying the user is a viewer (the server refuses their edits anyway)."""
    banner = dbc.Alert(
        "Read only: your role in this workspace is viewer. You can look and export; changes are refused.",
        color="info",
        className="mb-0 py-1 small",
        id=ID.read_only,
    )
    return html.Div([banner, page])
