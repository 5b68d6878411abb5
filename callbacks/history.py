"""Revision history in the editor: list every revision, restore one (a new revision the editor
can undo; a stale base is a conflict handled like any edit's), branch any revision into a new
alternative configuration and open it."""

from __future__ import annotations

import time
from typing import Any

from dash import ALL, Input, Output, State, ctx, no_update

from callbacks.services import Services
from layouts import history as history_layouts
from layouts.home import message
from layouts.ids import ID


def history_list(services: Services, configuration_id: int, shown_version: int | None) -> Any:
    from storage import StorageError

    try:
        head = services.store.get_configuration(int(configuration_id))
        revisions = services.store.revisions(int(configuration_id))
    except StorageError as exc:
        return message(str(exc))
    return history_layouts.revision_list(revisions, head.version, shown_version)


def restore_version(services: Services, configuration_id: int, version: int, base_version: int) -> dict[str, Any]:
    """Restore ``version`` on top of ``base_version`` (what the editor shows).

    Returns the editor outputs by name, as an edit does: the element diff, the new version,
    an undo step (``base_version`` → new version) and the scores; or ``conflict`` (nothing
    saved; it carries the change so "save mine as a new alternative" can keep it); or ``message``.
    """
    from callbacks.editor import evaluate, status_text
    from canvas_app.commands import changeset_between
    from layouts import graph, panels
    from storage import ConflictError, StorageError

    try:
        base, _ = services.load(int(configuration_id), int(base_version))
        restored, _ = services.load(int(configuration_id), int(version))
        head = services.store.restore(int(configuration_id), int(version), base_version=int(base_version), author=services.author)
    except ConflictError as exc:
        current = exc.current
        return {"conflict": {
            "base_version": int(base_version),
            "theirs": current.version,
            "author": current.author,
            "when": f"{current.created_at:%Y-%m-%d %H:%M:%S}",
            "summary": current.summary,
            "change": changeset_between(base, restored, f"restore version {version}").to_dict(),
        }, "status": "Conflict: not saved"}
    except StorageError as exc:
        return {"message": message(str(exc))}
    services.remember(int(configuration_id), head.version, restored)
    return {
        "graph_diff": graph.element_diff(base, restored),
        "version": head.version,
        "step_out": {"op": "do", "step": {"before": int(base_version), "after": head.version,
                                          "label": f"restore version {version}"}, "nonce": time.time()},
        "status": status_text(head),
        "scores": panels.score_values(evaluate(services, configuration_id, restored)),
        "conflict": None,
        "message": None,
    }


def branch_version(services: Services, configuration_id: int, version: int | None, name: str | None) -> tuple[str | None, str | None]:
    """Branch ``version`` (None: the head) into a new configuration: ``(its editor path, None)`` or ``(None, problem)``."""
    from storage import StorageError

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

    restore_outputs = {
        "graph_diff": Output(ID.graph_diff, "data", allow_duplicate=True),
        "version": Output(ID.version, "data", allow_duplicate=True),
        "step_out": Output(ID.step_out, "data", allow_duplicate=True),
        "status": Output(ID.status, "children", allow_duplicate=True),
        "scores": Output(ID.score_values, "data", allow_duplicate=True),
        "conflict": Output(ID.conflict, "data", allow_duplicate=True),
        "message": Output(ID.history_feedback, "children", allow_duplicate=True),
    }

    @app.callback(
        output=restore_outputs,
        inputs=dict(
            _clicks=Input(ID.restore_revision(ALL), "n_clicks"),  # type: ignore[arg-type]  # ALL is Dash's wildcard, not an id
            configuration_id=State(ID.config_id, "data"),
            version=State(ID.version, "data"),
        ),
        running=[(Output(ID.saving, "style"), {"display": "inline"}, {"display": "none"})],
        prevent_initial_call=True,
    )
    def restore(_clicks, configuration_id, version):
        refusal = services.refusal("edit", configuration_id=configuration_id)
        if refusal:
            return {name: message(refusal) if name == "message" else no_update for name in restore_outputs}
        trigger = ctx.triggered_id
        if not (ctx.triggered and ctx.triggered[0]["value"]) or not isinstance(trigger, dict) or configuration_id is None:
            return {name: no_update for name in restore_outputs}
        out = restore_version(services, configuration_id, int(trigger["index"]), version)
        return {name: out.get(name, no_update) for name in restore_outputs}

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
