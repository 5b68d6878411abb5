"""Home page callbacks: create a configuration (example, blank, file), add a workspace, delete a
configuration or (owners) a whole workspace, after a question, and restore either."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from typing import Any

from dash import ALL, Input, Output, State, ctx, no_update

from callbacks import rounds
from canvas_app.library import LibraryError, resolve_definitions
from canvas_app.model import Configuration, ConfigurationError, load_configuration, parse_configuration
from canvas_app.web.services import REFUSALS, Services, parse_id
from layouts import home as home_layouts
from layouts.common import message
from layouts.ids import ID
from layouts.rounds import invited_rounds_list
from storage import NotFoundError, StorageError


def home_page(services: Services, selected_workspace: int | None = None) -> Any:
    """Gather the workspaces the user may see, their configurations and the examples, then build Home."""
    services.require("use")
    default = services.default_workspace()
    workspaces = visible_workspaces(services)
    return home_layouts.home_layout(
        workspaces,
        services.examples(),
        selected_workspace or (default.id if default else None),
        services.max_upload_bytes(),
        roles=services.roles(),
        deleted=deleted_configurations(services),
        deleted_workspaces=deleted_workspaces(services),
        invitations=pending_invitations(services),
        round_invitations=invited_rounds_list(rounds.invitations_of(services), rounds.today()),
    )


def pending_invitations(services: Services) -> list[Any]:
    """The signed-in user's invitations to live workspaces (none with accounts off)."""
    user = services.current_user()
    if user is None or user.local or user.id is None:
        return []
    return services.store.invitations_for(user.id)


def answer_invitation(services: Services, invitation_id: int, accept: bool) -> tuple[bool, str]:
    """Accept (join as the invited role) or decline one of the user's own invitations."""

    user = services.require("use").user
    if user is None or user.id is None:
        return False, "Invitations are for signed-in accounts."
    try:
        if accept:
            member = services.store.accept_invitation(invitation_id, user.id, audit=services.audit_actor())
            return True, f"You joined the workspace as {member.role}."
        services.store.decline_invitation(invitation_id, user.id)
    except StorageError as exc:
        return False, f"That invitation cannot be used: {exc}"
    return True, "Invitation declined."


def visible_workspaces(services: Services) -> list[tuple[Any, list[Any]]]:
    """``[(workspace, its configurations)]`` for the workspaces the current user is a member of."""
    return [(ws, services.store.list_configurations(ws.id)) for ws in services.visible_workspaces()]


def deleted_configurations(services: Services) -> list[tuple[Any, Any]]:
    """``[(workspace, deleted configuration)]`` in the workspaces the user may see, newest deletion first."""
    found = [
        (ws, head)
        for ws in services.visible_workspaces()
        for head in services.store.list_configurations(ws.id, include_deleted=True)
        if head.deleted_at is not None
    ]
    return sorted(found, key=lambda item: (item[1].deleted_at, item[1].id), reverse=True)


def deleted_workspaces(services: Services) -> list[tuple[Any, int]]:
    """``[(deleted workspace, how many live configurations it holds)]`` that the user may restore,
    newest deletion first: those they own (accounts off: every deleted workspace). Their
    configurations are not listed one by one: restoring the workspace brings them all back."""
    user = services.current_user()
    if user is None:
        return []
    if user.local:
        found = [ws for ws in services.store.list_workspaces(include_deleted=True) if ws.deleted_at is not None]
        found.sort(key=lambda ws: (ws.deleted_at, ws.id), reverse=True)
    else:
        found = [ws for ws, role in services.store.deleted_workspaces_of(user.id) if role == "owner"]
    return [(ws, len(services.store.list_configurations(ws.id))) for ws in found]


def clicked(key: str) -> int | None:
    """The id (``key`` of the pattern-matched button id: ``config`` or ``workspace``) whose button was
    just pressed; None when the callback fired only because the list was redrawn (new buttons,
    ``n_clicks`` None) or the id is junk."""
    triggered = ctx.triggered_id
    if not isinstance(triggered, dict) or not any(t.get("value") for t in ctx.triggered):
        return None
    return parse_id(triggered.get(key))


def ask_delete(services: Services, configuration_id: Any) -> tuple[str | None, str | None]:
    """``(question for the dialog, None)`` or ``(None, why not)`` before deleting a configuration."""
    refusal = services.refusal("edit", configuration_id=configuration_id)
    if refusal:
        return None, refusal
    head, problem = _head_of(services, configuration_id, "nothing was deleted")
    if head is None:
        return None, problem
    if head.deleted_at is not None:
        return None, f"“{head.name}” is already deleted: restore it under Recently deleted."
    return home_layouts.delete_question(head.name), None


def delete_configuration(services: Services, configuration_id: Any) -> tuple[bool, str]:
    """Soft-delete a configuration (every revision is kept): ``(deleted, message)``. Deleting one
    that is already deleted changes nothing and says so."""

    refusal = services.refusal("edit", configuration_id=configuration_id)
    if refusal:
        return False, refusal
    head, problem = _head_of(services, configuration_id, "nothing was deleted")
    if head is None:
        return False, problem
    if head.deleted_at is not None:
        return False, f"“{head.name}” was already deleted: restore it under Recently deleted."
    try:
        services.store.delete_configuration(head.id, author=services.author, audit=services.audit_actor())
    except StorageError as exc:
        return False, f"{exc}: nothing was deleted."
    return True, f"Deleted “{head.name}”. All its revisions are kept: restore it under Recently deleted."


def restore_configuration(services: Services, configuration_id: Any) -> tuple[bool, str]:
    """Bring a deleted configuration back as it was: ``(restored, message)``. Restoring one that is
    not deleted changes nothing and says so."""

    refusal = services.refusal("edit", configuration_id=configuration_id)
    if refusal:
        return False, refusal
    head, problem = _head_of(services, configuration_id, "nothing was restored")
    if head is None:
        return False, problem
    if head.deleted_at is None:
        return False, f"“{head.name}” is not deleted: nothing to restore."
    try:
        if services.store.get_workspace(head.workspace_id).deleted_at is not None:
            return False, f"“{head.name}” is in a deleted workspace: restore the workspace first."
        services.store.restore_configuration(head.id, author=services.author, audit=services.audit_actor())
    except StorageError as exc:
        return False, f"{exc}: nothing was restored."
    return True, f"Restored “{head.name}”: it is back in its workspace, with all its revisions."


def ask_delete_workspace(services: Services, workspace_id: Any) -> tuple[str | None, str | None]:
    """``(question for the dialog, None)`` or ``(None, why not)`` before deleting a workspace (owners only)."""
    refusal = services.refusal("manage", workspace_id=workspace_id)
    if refusal:
        return None, refusal
    workspace, problem = _workspace_of(services, workspace_id, "nothing was deleted")
    if workspace is None:
        return None, problem
    if workspace.deleted_at is not None:
        return None, f"The workspace “{workspace.name}” is already deleted: restore it under Recently deleted."
    return home_layouts.delete_workspace_question(workspace.name), None


def delete_workspace(services: Services, workspace_id: Any) -> tuple[bool, str]:
    """Soft-delete a workspace (owners only): hidden from everyone with all its configurations, and
    everything in it kept. ``(deleted, message)``; a second delete changes nothing and says so."""

    refusal = services.refusal("manage", workspace_id=workspace_id)
    if refusal:
        return False, refusal
    workspace, problem = _workspace_of(services, workspace_id, "nothing was deleted")
    if workspace is None:
        return False, problem
    if workspace.deleted_at is not None:
        return False, f"The workspace “{workspace.name}” was already deleted: restore it under Recently deleted."
    try:
        services.store.delete_workspace(workspace.id, author=services.author, audit=services.audit_actor())
    except StorageError as exc:
        return False, f"{exc}: nothing was deleted."
    return True, (
        f"Deleted the workspace “{workspace.name}”. Everything in it is kept: an owner can restore it "
        "under Recently deleted."
    )


def restore_workspace(services: Services, workspace_id: Any) -> tuple[bool, str]:
    """Bring a deleted workspace back with everything in it (owners only): ``(restored, message)``.
    Restoring one that is not deleted changes nothing and says so."""

    refusal = services.refusal("restore", workspace_id=workspace_id)
    if refusal:
        return False, refusal
    workspace, problem = _workspace_of(services, workspace_id, "nothing was restored")
    if workspace is None:
        return False, problem
    if workspace.deleted_at is None:
        return False, f"The workspace “{workspace.name}” is not deleted: nothing to restore."
    try:
        services.store.restore_workspace(workspace.id, author=services.author, audit=services.audit_actor())
    except StorageError as exc:
        return False, f"{exc}: nothing was restored."
    return True, f"Restored the workspace “{workspace.name}”: it is back with all its configurations."


def _workspace_of(services: Services, workspace_id: Any, outcome: str) -> tuple[Any, str | None]:
    """``(workspace, None)`` of a stored workspace (deleted or not), or ``(None, why not)``."""
    return _stored(services.store.get_workspace, workspace_id, "workspace", outcome)


def _head_of(services: Services, configuration_id: Any, outcome: str) -> tuple[Any, str | None]:
    """``(head, None)`` of a stored configuration (deleted or not), or ``(None, why not)``."""
    return _stored(services.store.get_configuration, configuration_id, "configuration", outcome)


def _stored(get: Callable[[int], Any], value: Any, what: str, outcome: str) -> tuple[Any, str | None]:
    number = parse_id(value)
    if number is None:
        return None, f"Choose a {what} first: {outcome}."
    try:
        return get(number), None
    except NotFoundError:
        return None, f"There is no {what} with id {number}: {outcome}."


def outcome_message(ok: bool, text: str) -> Any:
    """Success in green, a refusal in red, a harmless no-op (already deleted...) as information."""
    return message(text, color="success" if ok else "danger" if text in REFUSALS else "info")


def home_lists(services: Services) -> tuple[list[Any], list[Any]]:
    """The workspace cards and the "Recently deleted" card, redrawn after a delete or a restore."""
    roles = services.roles()
    return (
        home_layouts.configuration_list(visible_workspaces(services), roles),
        home_layouts.deleted_list(deleted_configurations(services), roles, deleted_workspaces(services)),
    )


def workspace_choice(services: Services, current: Any) -> tuple[list[dict[str, Any]], str]:
    """The create form's workspace options and value after a workspace was deleted or restored:
    only live workspaces; the current choice stays when it still can be chosen, else the first."""
    options = home_layouts.workspace_options(services.visible_workspaces())
    return options, home_layouts.workspace_value(options, current)


def decode_upload(contents: str | None, max_bytes: int) -> bytes:
    """The bytes of a dcc.Upload ``contents`` data URL, refusing what is too large or not base64."""
    if not contents or "," not in contents:
        raise ConfigurationError(["the file is empty or could not be read"])
    payload = contents.split(",", 1)[1]
    if len(payload) * 3 // 4 > max_bytes:
        limit = f"{max_bytes / 1e6:.0f} MB" if max_bytes >= 1_000_000 else f"{max_bytes // 1000} KB"
        raise ConfigurationError([f"the file is larger than {limit}"])
    try:
        return base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise ConfigurationError(["the file could not be decoded"]) from None


def create_configuration(
    services: Services,
    trigger: str | None,
    workspace_id: int | None,
    *,
    example: str | None = None,
    blank_name: str | None = None,
    upload: str | None = None,
    filename: str | None = None,
) -> tuple[str | None, list[str] | None]:
    """Create a configuration from the form that was used: ``(new editor path, None)`` or ``(None, problems)``."""
    try:
        workspace_id = int(workspace_id) if workspace_id not in (None, "") else None
    except (TypeError, ValueError):
        workspace_id = None
    if workspace_id is None:
        return None, ["choose a workspace first"]
    try:
        if trigger == ID.home_from_example:
            path = services.example_path(example or "")
            if path is None:
                return None, ["choose an example"]
            config, summary = load_configuration(path), f"new from example {path.stem}"
        elif trigger == ID.home_blank:
            name = (blank_name or "").strip()
            if not name:
                return None, ["name: give the new configuration a name"]
            config, summary = parse_configuration({"name": name}), "new blank configuration"
        elif trigger == ID.home_upload:
            data = decode_upload(upload, services.max_upload_bytes())
            try:
                config = parse_configuration(data)
                resolve_definitions(config, services.library_for(workspace_id))  # it must be possible to score it
            except (ConfigurationError, LibraryError) as exc:
                raise ConfigurationError([f"{filename or 'file'}: {p}" for p in exc.problems]) from None
            summary = f"imported from {filename or 'a file'}"[:200]
        else:
            return None, None
    except ConfigurationError as exc:
        return None, exc.problems

    try:
        head = services.store.create_configuration(int(workspace_id), config, author=services.author, summary=summary)
    except StorageError as exc:
        return None, [str(exc)]
    return f"/edit/{head.id}", None


def register(app: Any, services: Services) -> None:
    @app.callback(
        Output(ID.url, "pathname", allow_duplicate=True),
        Output(ID.home_message, "children"),
        Input(ID.home_from_example, "n_clicks"),
        Input(ID.home_blank, "n_clicks"),
        Input(ID.home_upload, "contents"),
        State(ID.home_upload, "filename"),
        State(ID.home_workspace, "value"),
        State(ID.home_example, "value"),
        State(ID.home_blank_name, "value"),
        prevent_initial_call=True,
    )
    def create(_example_clicks, _blank_clicks, contents, filename, workspace_id, example, blank_name):
        chosen = workspace_id not in (None, "")
        refusal = services.refusal("edit", workspace_id=workspace_id) if chosen else services.refusal("use")
        if refusal:
            return no_update, message(refusal)
        if not (ctx.triggered and ctx.triggered[0]["value"]):
            return no_update, no_update  # the page was just (re)built: nothing was clicked
        path, problems = create_configuration(
            services,
            ctx.triggered_id,
            workspace_id,
            example=example,
            blank_name=blank_name,
            upload=contents,
            filename=filename,
        )
        if problems:
            return no_update, message(problems)
        if path is None:
            return no_update, no_update
        return path, None

    @app.callback(
        Output(ID.home_message, "children", allow_duplicate=True),
        Input(ID.home_upload_rejected, "data"),
        prevent_initial_call=True,
    )
    def upload_rejected(data):
        services.require("use")
        if not data:
            return no_update
        size = float(data.get("size") or 0)
        name = str(data.get("name") or "file")[:200]
        return message(
            f"{name}: file is {size / 1e6:.1f} MB; the limit is {services.max_upload_bytes() / 1e6:.0f} MB. Nothing was imported."
        )

    @app.callback(
        Output(ID.home_list, "children"),
        Output(ID.home_workspace, "options"),
        Output(ID.home_workspace, "value"),
        Output(ID.home_message, "children", allow_duplicate=True),
        Input(ID.home_new_workspace, "n_clicks"),
        State(ID.home_new_workspace_name, "value"),
        prevent_initial_call=True,
    )
    def add_workspace(_clicks, name):
        access = services.require("use")  # any signed-in user may start a workspace, and owns it
        if not _clicks:
            return no_update, no_update, no_update, no_update
        name = (name or "").strip()
        if not name:
            return no_update, no_update, no_update, message("Workspace name: give the workspace a name.")
        try:
            workspace = services.store.create_workspace(name, author=services.author, owner_id=access.user.id)
        except StorageError as exc:
            return no_update, no_update, no_update, message(str(exc))
        workspaces = visible_workspaces(services)
        options = home_layouts.workspace_options(workspaces)
        return (
            home_layouts.configuration_list(workspaces, services.roles()),
            options,
            str(workspace.id),
            message(f"Workspace “{workspace.name}” added.", color="success"),
        )

    @app.callback(
        Output(ID.home_delete_modal, "is_open"),
        Output(ID.home_delete_text, "children"),
        Output(ID.home_delete_pending, "data"),
        Output(ID.home_message, "children", allow_duplicate=True),
        Input(ID.home_delete(ALL), "n_clicks"),
        prevent_initial_call=True,
    )
    def ask_to_delete(_clicks):
        services.require("use")
        configuration_id = clicked("config")
        if configuration_id is None:
            return no_update, no_update, no_update, no_update
        question, problem = ask_delete(services, configuration_id)
        if question is None:
            return False, no_update, None, outcome_message(False, problem)
        return True, question, configuration_id, None

    @app.callback(
        Output(ID.home_delete_modal, "is_open", allow_duplicate=True),
        Output(ID.home_delete_pending, "data", allow_duplicate=True),
        Input(ID.home_delete_cancel, "n_clicks"),
        prevent_initial_call=True,
    )
    def cancel_delete(clicks):
        services.require("use")
        if not clicks:
            return no_update, no_update
        return False, None

    @app.callback(
        Output(ID.home_list, "children", allow_duplicate=True),
        Output(ID.home_deleted, "children", allow_duplicate=True),
        Output(ID.home_message, "children", allow_duplicate=True),
        Output(ID.home_delete_modal, "is_open", allow_duplicate=True),
        Output(ID.home_delete_pending, "data", allow_duplicate=True),
        Input(ID.home_delete_confirm, "n_clicks"),
        State(ID.home_delete_pending, "data"),
        prevent_initial_call=True,
    )
    def confirm_delete(clicks, configuration_id):
        services.require("use")  # the configuration itself is checked ("edit") by delete_configuration
        if not clicks or configuration_id is None:
            return no_update, no_update, no_update, False, None
        ok, text = delete_configuration(services, configuration_id)
        listed, deleted = home_lists(services)  # also when it was deleted elsewhere meanwhile: show that
        return listed, deleted, outcome_message(ok, text), False, None

    @app.callback(
        Output(ID.home_list, "children", allow_duplicate=True),
        Output(ID.home_deleted, "children", allow_duplicate=True),
        Output(ID.home_message, "children", allow_duplicate=True),
        Input(ID.home_restore(ALL), "n_clicks"),
        prevent_initial_call=True,
    )
    def restore(_clicks):
        services.require("use")  # the configuration itself is checked ("edit") by restore_configuration
        configuration_id = clicked("config")
        if configuration_id is None:
            return no_update, no_update, no_update
        ok, text = restore_configuration(services, configuration_id)
        listed, deleted = home_lists(services)
        return listed, deleted, outcome_message(ok, text)

    @app.callback(
        Output(ID.home_delete_ws_modal, "is_open"),
        Output(ID.home_delete_ws_text, "children"),
        Output(ID.home_delete_ws_pending, "data"),
        Output(ID.home_message, "children", allow_duplicate=True),
        Input(ID.home_delete_workspace(ALL), "n_clicks"),
        prevent_initial_call=True,
    )
    def ask_to_delete_workspace(_clicks):
        services.require("use")  # the workspace itself is checked ("manage") by ask_delete_workspace
        workspace_id = clicked("workspace")
        if workspace_id is None:
            return no_update, no_update, no_update, no_update
        question, problem = ask_delete_workspace(services, workspace_id)
        if question is None:
            return False, no_update, None, outcome_message(False, problem)
        return True, question, workspace_id, None

    @app.callback(
        Output(ID.home_delete_ws_modal, "is_open", allow_duplicate=True),
        Output(ID.home_delete_ws_pending, "data", allow_duplicate=True),
        Input(ID.home_delete_ws_cancel, "n_clicks"),
        prevent_initial_call=True,
    )
    def cancel_delete_workspace(clicks):
        services.require("use")
        if not clicks:
            return no_update, no_update
        return False, None

    workspace_outputs = (
        Output(ID.home_list, "children", allow_duplicate=True),
        Output(ID.home_deleted, "children", allow_duplicate=True),
        Output(ID.home_workspace, "options", allow_duplicate=True),
        Output(ID.home_workspace, "value", allow_duplicate=True),
        Output(ID.home_message, "children", allow_duplicate=True),
    )

    @app.callback(
        *workspace_outputs,
        Output(ID.home_delete_ws_modal, "is_open", allow_duplicate=True),
        Output(ID.home_delete_ws_pending, "data", allow_duplicate=True),
        Input(ID.home_delete_ws_confirm, "n_clicks"),
        State(ID.home_delete_ws_pending, "data"),
        State(ID.home_workspace, "value"),
        prevent_initial_call=True,
    )
    def confirm_delete_workspace(clicks, workspace_id, current):
        services.require("use")  # the workspace itself is checked ("manage") by delete_workspace
        if not clicks or workspace_id is None:
            return no_update, no_update, no_update, no_update, no_update, False, None
        ok, text = delete_workspace(services, workspace_id)
        listed, deleted = home_lists(services)  # also when it was deleted elsewhere meanwhile: show that
        options, value = workspace_choice(services, current)
        return listed, deleted, options, value, outcome_message(ok, text), False, None

    @app.callback(
        *workspace_outputs,
        Input(ID.home_restore_workspace(ALL), "n_clicks"),
        State(ID.home_workspace, "value"),
        prevent_initial_call=True,
    )
    def restore_a_workspace(_clicks, current):
        services.require("use")  # the workspace itself is checked ("restore") by restore_workspace
        workspace_id = clicked("workspace")
        if workspace_id is None:
            return no_update, no_update, no_update, no_update, no_update
        ok, text = restore_workspace(services, workspace_id)
        listed, deleted = home_lists(services)
        options, value = workspace_choice(services, current if current not in (None, "") else workspace_id)
        return listed, deleted, options, value, outcome_message(ok, text)

    @app.callback(
        *workspace_outputs,
        Output(ID.home_invitations, "children"),
        Input(ID.invitation_accept(ALL), "n_clicks"),
        Input(ID.invitation_decline(ALL), "n_clicks"),
        State(ID.home_workspace, "value"),
        prevent_initial_call=True,
    )
    def answer_an_invitation(_accepts, _declines, current):
        services.require("use")  # the invitation itself must be the user's own (checked by the store)
        invitation_id = clicked("invitation")
        if invitation_id is None:
            return (no_update,) * 6
        accept = isinstance(ctx.triggered_id, dict) and ctx.triggered_id.get("type") == "home-invitation-accept"
        ok, text = answer_invitation(services, invitation_id, accept)
        listed, deleted = home_lists(services)
        options, value = workspace_choice(services, current)
        return (
            listed,
            deleted,
            options,
            value,
            outcome_message(ok, text),
            home_layouts.invitation_list(pending_invitations(services)),
        )


__all__ = [
    "register",
    "home_page",
    "create_configuration",
    "decode_upload",
    "Configuration",
    "deleted_configurations",
    "ask_delete",
    "delete_configuration",
    "restore_configuration",
    "deleted_workspaces",
    "ask_delete_workspace",
    "delete_workspace",
    "restore_workspace",
]
