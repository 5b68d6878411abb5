"""Home page callbacks: create a configuration (example, blank, file), add a workspace."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from dash import Input, Output, State, ctx, no_update

from callbacks.services import Services
from canvas_app.library import LibraryError, resolve_definitions
from canvas_app.model import Configuration, ConfigurationError, load_configuration, parse_configuration
from layouts import home as home_layouts
from layouts.ids import ID


def home_page(services: Services, selected_workspace: int | None = None) -> Any:
    """Gather the workspaces the user may see, their configurations and the examples, then build Home."""
    services.require("use")
    default = services.default_workspace()
    workspaces = visible_workspaces(services)
    return home_layouts.home_layout(
        workspaces, services.examples(), selected_workspace or (default.id if default else None),
        services.max_upload_bytes(), roles=services.roles(),
    )


def visible_workspaces(services: Services) -> list[tuple[Any, list[Any]]]:
    """``[(workspace, its configurations)]`` for the workspaces the current user is a member of."""
    return [(ws, services.store.list_configurations(ws.id)) for ws in services.visible_workspaces()]


def decode_upload(contents: str | None, max_bytes: int) -> bytes:
    """The bytes of a dcc.Upload ``contents`` data URL, refusing what is too large or not base64."""
    if not contents or "," not in contents:
        raise ConfigurationError(["the file is empty or could not be read"])
    payload = contents.split(",", 1)[1]
    if len(payload) * 3 // 4 > max_bytes:
        raise ConfigurationError([f"the file is larger than {max_bytes / 1e6:.0f} MB"])
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
    from storage import StorageError

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
            return no_update, home_layouts.message(refusal)
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
            return no_update, home_layouts.message(problems)
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
        return home_layouts.message(
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
        from storage import StorageError

        access = services.require("use")  # any signed-in user may start a workspace, and owns it
        if not _clicks:
            return no_update, no_update, no_update, no_update
        name = (name or "").strip()
        if not name:
            return no_update, no_update, no_update, home_layouts.message("Workspace name: give the workspace a name.")
        try:
            workspace = services.store.create_workspace(name, author=services.author, owner_id=access.user.id)
        except StorageError as exc:
            return no_update, no_update, no_update, home_layouts.message(str(exc))
        workspaces = visible_workspaces(services)
        options = [{"label": ws.name, "value": str(ws.id)} for ws, _ in workspaces]
        return home_layouts.configuration_list(workspaces, services.roles()), options, str(workspace.id), home_layouts.message(
            f"Workspace “{workspace.name}” added.", color="success"
        )


__all__ = ["register", "home_page", "create_configuration", "decode_upload", "Configuration"]
