"""The Home page: workspaces and their configurations; new from example, new blank, import file;
delete a configuration or, for its owners, a whole workspace (after a question) and restore it from
"Recently deleted"."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from layouts.common import confirm_dialog
from layouts.ids import ID
from layouts.needs import workspace_links

EDIT_ROLES = ("editor", "owner")


def can_edit(roles: dict[int, str] | None, workspace_id: int) -> bool:
    """May the user change this workspace's configurations? (``roles`` None: accounts off, yes.)"""
    return roles is None or roles.get(workspace_id) in EDIT_ROLES


def can_manage(roles: dict[int, str] | None, workspace_id: int) -> bool:
    """May the user delete or restore this workspace? Owners only (``roles`` None: accounts off, yes)."""
    return roles is None or roles.get(workspace_id) == "owner"


NO_WORKSPACE_CHOICE = "No workspace yet: add one below"
"""What the create form's workspace select shows when there is none to choose (its placeholder)."""


def workspace_options(workspaces: list[Any]) -> list[dict[str, Any]]:
    """The create form's workspace choices (``workspaces``: WorkspaceInfo, or ``(WorkspaceInfo, heads)``);
    with none, one disabled line saying so (a placeholder would also show beside real choices)."""
    infos = [item[0] if isinstance(item, tuple) else item for item in workspaces]
    if not infos:
        return [{"label": NO_WORKSPACE_CHOICE, "value": "", "disabled": True}]
    return [{"label": ws.name, "value": str(ws.id)} for ws in infos]


def workspace_value(options: list[dict[str, Any]], current: Any = None) -> str:
    """The workspace the create form selects: ``current`` while it can still be chosen, else the
    first one; "" (the select shows :data:`NO_WORKSPACE_CHOICE`) when there is none."""
    values = [option["value"] for option in options if not option.get("disabled")]
    if current is not None and str(current) in values:
        return str(current)
    return values[0] if values else ""


def configuration_list(workspaces: list[tuple[Any, list[Any]]], roles: dict[int, str] | None = None) -> list[Any]:
    """Cards of workspaces, each listing its configurations as links to the editor.

    ``workspaces`` is ``[(WorkspaceInfo, [ConfigurationHead, ...]), ...]``; ``roles`` (accounts on:
    the user's role per workspace id) adds the role and a link to the workspace's members panel.
    Those who may edit a workspace get a Delete button on each of its configurations; its owners
    (everyone, accounts off) a Delete workspace button in its header.
    """
    if not workspaces and roles is not None:
        return [html.P("You are not a member of any workspace yet: add one, or ask a workspace owner to invite you.")]
    if not workspaces:
        return [html.P("No workspace yet: add one under “New workspace”, or restore one under Recently deleted.")]
    cards = []
    for workspace, heads in workspaces:
        if heads:
            items = [
                html.Li(
                    [
                        dbc.Checkbox(
                            id=ID.home_compare_pick(head.id),
                            value=False,
                            className="d-inline-block me-1",
                            input_class_name="compare-pick",
                            label=html.Span(f"Compare {head.name}", className="visually-hidden"),
                        ),
                        dcc.Link(head.name, href=f"/edit/{head.id}", className="fw-semibold"),
                        html.Span(
                            f" · version {head.version} · saved by {head.updated_by} {head.updated_at:%Y-%m-%d %H:%M}",
                            className="text-body-secondary small",
                        ),
                        *([delete_button(head)] if can_edit(roles, workspace.id) else []),
                    ],
                    className="list-group-item",
                )
                for head in heads
            ]
            body: Any = html.Ul(items, className="list-group list-group-flush")
        else:
            body = html.P(
                "No configurations yet: start one from an example, a blank canvas or a file.", className="p-3 mb-0"
            )
        header: list[Any] = [html.H2(workspace.name, className="h5 mb-0 me-auto")]
        header += workspace_links(workspace.id)
        if roles is not None:
            header.append(html.Span(roles.get(workspace.id, ""), className="badge text-bg-secondary ms-2"))
            header.append(dcc.Link("Members", href=f"/members/{workspace.id}", className="small ms-2"))
        if can_manage(roles, workspace.id):
            header.append(delete_workspace_button(workspace))
        cards.append(dbc.Card([dbc.CardHeader(header, className="d-flex align-items-center"), body], className="mb-3"))
    return cards


def delete_button(head: Any) -> dbc.Button:
    """A configuration's Delete button; its accessible name says which configuration."""
    return dbc.Button(
        ["Delete", html.Span(f" {head.name}", className="visually-hidden")],
        id=ID.home_delete(head.id),
        size="sm",
        color="danger",
        outline=True,
        className="float-end ms-2 py-0",
    )


def delete_workspace_button(workspace: Any) -> dbc.Button:
    """A workspace's Delete workspace button (card header); its accessible name says which workspace.
    Its text takes the darker danger colour, for 4.5:1 contrast on the header's grey (hover unchanged)."""
    return dbc.Button(
        ["Delete workspace", html.Span(f" {workspace.name}", className="visually-hidden")],
        id=ID.home_delete_workspace(workspace.id),
        size="sm",
        color="danger",
        outline=True,
        className="ms-2 py-0",
        style={"--bs-btn-color": "var(--bs-danger-text-emphasis)"},
    )


def _deleted_detail(parts: list[str], who: str | None, at: Any) -> str:
    when = f"{at:%Y-%m-%d %H:%M}" if at else ""
    return " · ".join(["", *parts, f"deleted{f' by {who}' if who else ''} {when}".rstrip()])


def deleted_list(
    deleted: list[tuple[Any, Any]],
    roles: dict[int, str] | None = None,
    workspaces: list[tuple[Any, int]] | None = None,
) -> list[Any]:
    """The "Recently deleted" card: deleted configurations ``[(WorkspaceInfo, deleted
    ConfigurationHead), ...]`` and deleted workspaces ``[(WorkspaceInfo, live configurations in it),
    ...]``, together, newest deletion first, with who deleted each and when. Restore is offered on the
    configurations the user may edit and on every workspace listed (only its owners are given those:
    see ``callbacks.home.deleted_workspaces``). Nothing at all when nothing is deleted."""
    rows: list[tuple[Any, int, Any]] = []
    for workspace, head in deleted:
        row: list[Any] = [
            html.Span(head.name, className="fw-semibold"),
            html.Span(
                _deleted_detail([workspace.name], head.deleted_by, head.deleted_at),
                className="text-body-secondary small",
            ),
        ]
        if can_edit(roles, workspace.id):
            row.append(
                dbc.Button(
                    ["Restore", html.Span(f" {head.name}", className="visually-hidden")],
                    id=ID.home_restore(head.id),
                    size="sm",
                    color="primary",
                    outline=True,
                    className="float-end ms-2 py-0",
                )
            )
        rows.append((head.deleted_at, 0, html.Li(row, className="list-group-item")))
    for workspace, count in workspaces or []:
        contents = f"workspace with its {count} configuration{'' if count == 1 else 's'}" if count else "workspace"
        row = [
            html.Span(workspace.name, className="fw-semibold"),
            html.Span(
                _deleted_detail([contents], workspace.deleted_by, workspace.deleted_at),
                className="text-body-secondary small",
            ),
            dbc.Button(
                ["Restore", html.Span(f" workspace {workspace.name}", className="visually-hidden")],
                id=ID.home_restore_workspace(workspace.id),
                size="sm",
                color="primary",
                outline=True,
                className="float-end ms-2 py-0",
            ),
        ]
        rows.append((workspace.deleted_at, 1, html.Li(row, className="list-group-item")))
    if not rows:
        return []
    rows.sort(key=lambda r: (r[0] is not None, r[0] or 0, r[1]), reverse=True)  # stable: ties keep their order
    items = [item for _at, _kind, item in rows]
    return [
        dbc.Card(
            [
                dbc.CardHeader(html.H2("Recently deleted", className="h5 mb-0")),
                dbc.CardBody(
                    html.P(
                        "Hidden from the lists above; every revision is kept. Restore brings one back as it was "
                        "(a workspace with its configurations).",
                        className="small mb-0",
                    ),
                    className="py-2",
                ),
                html.Ul(items, className="list-group list-group-flush"),
            ],
            className="mb-3",
        )
    ]


def delete_dialogs() -> list[Any]:
    """The "Delete configuration?" and "Delete workspace?" dialogs, with the stores of what they ask about."""
    return [
        dcc.Store(id=ID.home_delete_pending),
        confirm_dialog(
            "Delete configuration?",
            "Delete",
            modal=ID.home_delete_modal,
            text=ID.home_delete_text,
            confirm=ID.home_delete_confirm,
            cancel=ID.home_delete_cancel,
        ),
        dcc.Store(id=ID.home_delete_ws_pending),
        confirm_dialog(
            "Delete workspace?",
            "Delete workspace",
            modal=ID.home_delete_ws_modal,
            text=ID.home_delete_ws_text,
            confirm=ID.home_delete_ws_confirm,
            cancel=ID.home_delete_ws_cancel,
        ),
    ]


def delete_workspace_question(name: str) -> str:
    """What the dialog says before a workspace is deleted (plain text)."""
    return (
        f"The workspace “{name}” and all its configurations will be hidden from everyone. Nothing is "
        "thrown away: its configurations with all their revisions, its needs, advantages, modules and "
        "members are kept, and an owner can restore it under Recently deleted."
    )


def delete_question(name: str) -> str:
    """What the dialog says before a configuration is deleted (plain text)."""
    return (
        f"“{name}” will be hidden from Home and can no longer be changed. All its revisions are kept, "
        "and you can restore it under Recently deleted."
    )


def home_layout(
    workspaces: list[tuple[Any, list[Any]]],
    examples: list[tuple[str, str]],
    selected_workspace: int | None,
    max_upload_bytes: int,
    roles: dict[int, str] | None = None,
    deleted: list[tuple[Any, Any]] | None = None,
    deleted_workspaces: list[tuple[Any, int]] | None = None,
    invitations: list[Any] | None = None,
    round_invitations: Any = None,
) -> html.Div:
    """The whole Home page (``invitations``: the user's pending ones, see :func:`invitation_list`). ``examples`` is ``[(file name, display name)]``; ``deleted`` and
    ``deleted_workspaces`` are what :func:`deleted_list` shows."""
    options = workspace_options(workspaces)
    create = dbc.Card(
        dbc.CardBody(
            [
                html.H2("Start a configuration", className="h5"),
                dbc.Label("Workspace", html_for=ID.home_workspace),
                dbc.Select(
                    id=ID.home_workspace,
                    options=options,
                    value=str(selected_workspace) if selected_workspace is not None else workspace_value(options),
                ),
                dbc.Label("New workspace", html_for=ID.home_new_workspace_name, className="small mt-2 mb-0"),
                dbc.InputGroup(
                    [
                        dbc.Input(id=ID.home_new_workspace_name, placeholder="Workspace name", maxLength=200),
                        dbc.Button("Add workspace", id=ID.home_new_workspace, color="secondary", outline=True),
                    ],
                    className="mb-3",
                    size="sm",
                ),
                html.H3("New from example", className="h6"),
                dbc.Label("Example", html_for=ID.home_example, className="visually-hidden"),
                dbc.Select(
                    id=ID.home_example,
                    options=[{"label": label, "value": name} for name, label in examples],
                    value=examples[0][0] if examples else None,
                ),
                dbc.Button("New from example", id=ID.home_from_example, color="primary", className="mt-2 mb-3"),
                html.H3("New blank", className="h6"),
                dbc.Label("Name of the new configuration", html_for=ID.home_blank_name),
                dbc.Input(id=ID.home_blank_name, placeholder="e.g. Smart lighting, concession model", maxLength=300),
                dbc.Button("New blank", id=ID.home_blank, color="primary", className="mt-2 mb-3"),
                html.H3("Import file", className="h6"),
                dcc.Upload(
                    id=ID.home_upload,
                    children=html.Div(
                        [
                            "Drop a citycanvas/1 JSON file here, or ",
                            html.Span("choose a file", className="link-primary"),
                        ]
                    ),
                    className="upload-zone",
                    max_size=max_upload_bytes,
                    multiple=False,
                ),
                html.P(f"JSON files up to {max_upload_bytes / 1e6:.0f} MB.", className="form-text"),
                dcc.Store(id=ID.home_upload_rejected),
                html.Div(id=ID.home_message, role="alert", **{"aria-live": "polite"}),
            ]
        )
    )
    return html.Main(
        dbc.Container(
            [
                html.H1("CityCanvas", className="h3 mt-3"),
                html.P(
                    "Assemble city digital services from reusable business-model modules and see how scalable, "
                    "replicable and sustainable they are.",
                    className="lead",
                ),
                dbc.Row(
                    [
                        dbc.Col(
                            [
                                html.Div(invitation_list(invitations or []), id=ID.home_invitations),
                                html.Div(round_invitations, id=ID.home_round_invitations),
                                compare_bar(),
                                html.Div(configuration_list(workspaces, roles), id=ID.home_list),
                                html.Div(deleted_list(deleted or [], roles, deleted_workspaces), id=ID.home_deleted),
                            ],
                            md=7,
                        ),
                        dbc.Col(create, md=5),
                    ]
                ),
                *delete_dialogs(),
            ],
            fluid="lg",
        )
    )


def invitation_list(invitations: list[Any]) -> list[Any]:
    """The user's pending invitations, each with Accept and Decline (nothing when there are none)."""
    if not invitations:
        return []
    rows = [
        html.Li(
            [
                html.Span([html.Strong(inv.workspace_name), f" as {inv.role}, from {inv.invited_by}"]),
                html.Span(
                    [
                        html.Button(
                            [
                                "Accept",
                                html.Span(f" the invitation to {inv.workspace_name}", className="visually-hidden"),
                            ],
                            id=ID.invitation_accept(inv.id),
                            className="btn btn-primary btn-sm ms-2",
                        ),
                        html.Button(
                            [
                                "Decline",
                                html.Span(f" the invitation to {inv.workspace_name}", className="visually-hidden"),
                            ],
                            id=ID.invitation_decline(inv.id),
                            className="btn btn-outline-secondary btn-sm ms-2",
                        ),
                    ]
                ),
            ],
            className="list-group-item d-flex justify-content-between align-items-center flex-wrap",
        )
        for inv in invitations
    ]
    return [
        dbc.Card(
            dbc.CardBody(
                [
                    html.H2("Invitations", className="h5"),
                    html.P("You join a workspace only when you accept.", className="small"),
                    html.Ul(rows, className="list-group"),
                ]
            ),
            className="mb-3",
        )
    ]


def compare_bar() -> html.Div:
    """Tick two to four configurations below, then Compare."""
    return html.Div(
        [
            html.Span("Tick two to four configurations to compare them side by side.", className="small me-2"),
            dbc.Button("Compare", id=ID.home_compare, size="sm", color="primary", outline=True),
            html.Div(id=ID.home_compare_message, role="alert", **{"aria-live": "polite"}, className="w-100"),
        ],
        className="d-flex flex-wrap align-items-center mb-2",
    )
