"""The members panel: owners invite users (who join when they accept on Home), change roles and remove
members, and read the workspace's audit log (drawn again after each change, downloadable as CSV)."""

from __future__ import annotations

import csv
import io
from typing import Any

from dash import ALL, Input, Output, State, ctx, dcc, no_update

from canvas_app.exports import safe_cell
from canvas_app.web.services import Services, Unavailable
from layouts import members as members_layouts
from layouts.common import message, not_found
from layouts.ids import ID
from storage import AuditEvent, StorageError
from storage.audit import MAX_AUDIT_ROWS

AUDIT_COLUMNS = ("time_utc", "user_id", "user", "event", "workspace_id", "configuration_id", "detail", "address")


def members_page(services: Services, workspace_id: int) -> Any:
    """The members page; any member may look, only owners get the controls (a deleted workspace
    opens once it is restored on Home, like everything in it)."""
    try:
        workspace, access = services.open_workspace(workspace_id)
    except Unavailable as exc:
        return not_found(str(exc))
    members = services.store.list_members(workspace_id)
    can_manage = access.can("manage")
    events = services.store.audit_log(workspace_id, limit=members_layouts.AUDIT_SHOWN) if can_manage else None
    return members_layouts.members_layout(workspace, members, can_manage=can_manage, audit_events=events)


def audit_rows(services: Services, workspace_id: Any) -> Any:
    """The workspace's audit table, for its owners only (anyone else: refused, 403)."""
    access = services.require("manage", workspace_id=workspace_id)
    return members_layouts.audit_table(services.store.audit_log(access.workspace_id, limit=members_layouts.AUDIT_SHOWN))


def audit_download(services: Services, workspace_id: Any) -> dict[str, Any]:
    """The workspace's audit log as a CSV download, for its owners only (anyone else: refused, 403)."""
    access = services.require("manage", workspace_id=workspace_id)
    events = services.store.audit_log(access.workspace_id, limit=MAX_AUDIT_ROWS)
    return dcc.send_string(audit_csv(events), f"audit-log-workspace-{access.workspace_id}.csv")


def audit_csv(events: list[AuditEvent]) -> str:
    """One row per event, newest first; text a spreadsheet could read as a formula (a user name or
    a configuration name starting with = + - @) is written as text (see ``canvas_app.exports.safe_cell``)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(AUDIT_COLUMNS)
    for e in events:
        row = (
            e.at.isoformat(timespec="seconds"),
            e.user_id,
            e.user_name,
            e.action,
            e.workspace_id,
            e.configuration_id,
            e.detail,
            e.address,
        )
        writer.writerow(["" if v is None else safe_cell(v) for v in row])
    return buffer.getvalue()


def change_members(services: Services, workspace_id: Any, change: Any) -> tuple[Any, Any]:
    """Check that the user owns the workspace, run ``change(store)`` and redraw the list:
    ``(rows, message)``; a refusal or a store error becomes the message and changes nothing."""

    refusal = services.refusal("manage", workspace_id=workspace_id)
    if refusal:
        return no_update, message(refusal)
    if services.live_workspace(workspace_id) is None:
        return no_update, message("This workspace is deleted: nothing was changed. An owner can restore it on Home.")
    try:
        done = change(services.store)
    except (StorageError, ValueError) as exc:
        return no_update, message(str(exc))
    if done is None:
        return no_update, no_update
    members = services.store.list_members(int(workspace_id))
    return members_layouts.member_rows(members, can_manage=True), message(done, color="success")


def register(app: Any, services: Services) -> None:
    @app.callback(
        Output(ID.members_list, "children"),
        Output(ID.members_message, "children"),
        Output(ID.members_invite_name, "value"),
        Input(ID.members_invite, "n_clicks"),
        State(ID.members_invite_name, "value"),
        State(ID.members_invite_role, "value"),
        State(ID.members_workspace, "data"),
        prevent_initial_call=True,
    )
    def invite_member(clicks, name, role, workspace_id):
        def invite(store: Any) -> str | None:
            if not clicks:
                return None
            invited = " ".join(str(name or "").split())
            store.invite(
                int(workspace_id), invited, role or "", invited_by=services.author, audit=services.audit_actor()
            )
            # the same words whether or not the account exists or is already a member (no name oracle)
            return (
                f"If an account named '{invited}' exists and is not yet a member, it is invited as {role}. "
                "They join when they accept the invitation on their Home page."
            )

        rows, note = change_members(services, workspace_id, invite)
        return rows, note, "" if rows is not no_update else no_update

    @app.callback(
        Output(ID.members_list, "children", allow_duplicate=True),
        Output(ID.members_message, "children", allow_duplicate=True),
        Input(ID.member_role(ALL), "value"),  # type: ignore[arg-type]  # ALL is Dash's wildcard, not an id
        State(ID.members_workspace, "data"),
        prevent_initial_call=True,
    )
    def change_role(_roles, workspace_id):
        user_id, role = ctx.triggered_id, ctx.triggered[0]["value"] if ctx.triggered else None

        def set_role(store: Any) -> str | None:
            if not isinstance(user_id, dict) or not role:
                return None
            if store.role_in_workspace(int(user_id["index"]), int(workspace_id)) == role:
                return None  # the list was just redrawn: nothing was changed
            member = store.set_role(int(workspace_id), int(user_id["index"]), str(role), audit=services.audit_actor())
            return f"{member.name} is now {member.role}."

        return change_members(services, workspace_id, set_role)

    @app.callback(
        Output(ID.members_list, "children", allow_duplicate=True),
        Output(ID.members_message, "children", allow_duplicate=True),
        Input(ID.member_remove(ALL), "n_clicks"),  # type: ignore[arg-type]  # ALL is Dash's wildcard, not an id
        State(ID.members_workspace, "data"),
        prevent_initial_call=True,
    )
    def remove_member(_clicks, workspace_id):
        user_id = ctx.triggered_id
        clicked = bool(ctx.triggered and ctx.triggered[0]["value"])

        def remove(store: Any) -> str | None:
            if not clicked or not isinstance(user_id, dict):
                return None
            store.remove_member(int(workspace_id), int(user_id["index"]), audit=services.audit_actor())
            return "Member removed."

        return change_members(services, workspace_id, remove)

    @app.callback(
        Output(ID.members_audit, "children"),
        Input(ID.members_list, "children"),  # a member change was drawn: its event is in the log now
        State(ID.members_workspace, "data"),
        prevent_initial_call=True,
    )
    def refresh_audit(_rows, workspace_id):
        return audit_rows(services, workspace_id)

    @app.callback(
        Output(ID.members_audit_file, "data"),
        Input(ID.members_audit_download, "n_clicks"),
        State(ID.members_workspace, "data"),
        prevent_initial_call=True,
    )
    def download_audit(clicks, workspace_id):
        download = audit_download(services, workspace_id)
        return download if clicks else no_update
