"""Revision history in the editor: list every revision, branch any revision into a new alternative
configuration and open it. Restoring one is an ordinary edit (:mod:`callbacks.editor_edits`): a new
revision the editor can undo, a stale base a conflict like any edit's."""

from __future__ import annotations

from typing import Any

from dash import ALL, Input, Output, State, ctx, no_update

from canvas_app.web.services import Services
from layouts import history as history_layouts
from layouts.common import message
from layouts.ids import ID
from storage import StorageError


def history_list(services: Services, configuration_id: int, shown_version: int | None) -> Any:
    try:
        head = services.store.get_configuration(int(configuration_id))
        revisions = services.store.revisions(int(configuration_id))
    except StorageError as exc:
        return message(str(exc))
    return history_layouts.revision_list(revisions, head.version, shown_version)


def branch_version(
    services: Services, configuration_id: int, version: int | None, name: str | None
) -> tuple[str | None, str | None]:
    """Branch ``version`` (None: the head) into a new configuration: ``(its editor path, None)`` or ``(None, problem)``."""

    name = (name or "").strip()
    if not name:
        return None, "Name of a new alternative: give it a name."
    try:
        head = services.store.branch(int(configuration_id), version=version, name=name, author=services.author)
    except StorageError as exc:
        return None, str(exc)
    return f"/edit/{head.id}", None


def register(app: Any, services: Services) -> None:
    @app.callback(
        Output(ID.history_panel, "is_open"),
        Input(ID.history_open, "n_clicks"),
        prevent_initial_call=True,
    )
    def open_history(clicks):
        services.require("use")  # only opens the panel; listing the revisions checks access
        return bool(clicks) or no_update

    @app.callback(
        Output(ID.history_list, "children"),
        Input(ID.history_panel, "is_open"),
        Input(ID.version, "data"),
        State(ID.config_id, "data"),
        prevent_initial_call=True,
    )
    def list_revisions(is_open, version, configuration_id):
        """Refresh the list when the panel opens, and after each save while it is open."""
        refusal = services.refusal("view", configuration_id=configuration_id)
        if refusal:
            return message(refusal)
        if not is_open or configuration_id is None:
            return no_update
        return history_list(services, configuration_id, version)

    @app.callback(
        Output(ID.url, "pathname", allow_duplicate=True),
        Output(ID.history_feedback, "children", allow_duplicate=True),
        Input(ID.branch_head, "n_clicks"),
        Input(ID.branch_revision(ALL), "n_clicks"),  # type: ignore[arg-type]  # ALL is Dash's wildcard, not an id
        State(ID.branch_name, "value"),
        State(ID.config_id, "data"),
        State(ID.version, "data"),
        prevent_initial_call=True,
    )
    def branch(_head_clicks, _revision_clicks, name, configuration_id, version):
        refusal = services.refusal("edit", configuration_id=configuration_id)
        if refusal:
            return no_update, message(refusal)
        trigger = ctx.triggered_id
        if not (ctx.triggered and ctx.triggered[0]["value"]) or configuration_id is None:
            return no_update, no_update
        # "current version" is the one on screen: branching it never picks up a change the user has not seen
        source = int(trigger["index"]) if isinstance(trigger, dict) else (int(version) if version else None)
        path, problem = branch_version(services, configuration_id, source, name)
        if problem:
            return no_update, message(problem)
        return path, None
