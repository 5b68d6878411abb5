"""Canvas editor edits: every edit is a domain command, applied to the stored
configuration, saved as a revision (autosave) and answered with an element diff.

The canonical configuration lives in the store. A callback loads the revision
the browser is showing (``version``), applies one :mod:`canvas_app.commands`
command, saves with ``base_version`` (a stale base is a conflict, never an
overwrite) and returns only small payloads: the element diff (applied by id to
the cytoscape core in the browser), the new version, the undo/redo step (two
revision numbers: the change is recomputed from the immutable revisions) and
the six scores. Flags, recommendations, criteria and the nine blocks follow in a
second, slower callback. Scores
come from :func:`canvas_app.analysis.evaluate`; nothing here computes one.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from dash import ALL, Input, Output, State, ctx, no_update
from dash.exceptions import PreventUpdate

from callbacks.editor import details_of, evaluate, status_text
from canvas_app.commands import (
    DETAIL_FIELDS,
    AddActor,
    AddFlow,
    ChangeSet,
    Command,
    DeleteActor,
    DeleteElements,
    DeleteFlow,
    MoveNodes,
    PlaceModule,
    RemoveModule,
    UpdateActor,
    UpdateDetails,
    UpdateFlow,
    changeset_between,
    command_from_dict,
    new_actor_id,
    new_flow_id,
)
from canvas_app.forms import actor_fields, flow_costs, flow_fields, whole_number
from canvas_app.library import FreeSpots, occupied_positions
from canvas_app.model import Configuration, ConfigurationError
from canvas_app.recommend import suggestion_change
from canvas_app.web.editing import apply_edit
from canvas_app.web.services import Services
from layouts import graph, panels
from layouts.common import message
from layouts.ids import ID
from storage import StorageError

# -- edits ---------------------------------------------------------------------------------


def _centre(extent: dict[str, Any] | None) -> tuple[float, float]:
    """The middle of the part of the canvas the user sees (graph units); the origin when unknown."""
    if not extent:
        return (0.0, 0.0)
    try:
        x = (float(extent["x1"]) + float(extent["x2"])) / 2
        y = (float(extent["y1"]) + float(extent["y2"])) / 2
    except (KeyError, TypeError, ValueError):
        return (0.0, 0.0)
    return (round(x, 1), round(y, 1))


FEEDBACK_OF = {
    ID.actor_add: "actor_feedback",
    ID.actor_save: "actor_feedback",
    ID.flow_add: "flow_feedback",
    ID.flow_save: "flow_feedback",
    ID.details_save: "details_feedback",
    ID.NUDGE: "actor_feedback",
    ID.RESTORE: "history_feedback",
}
"""Where a form's problems are shown (beside the form); everything else goes to the toolbar message."""
NUDGE_STEPS = {"left": (-40.0, 0.0), "up": (0.0, -40.0), "down": (0.0, 40.0), "right": (40.0, 0.0)}
"""One press of a move button moves the selected actor this far (graph units; a node is about 40)."""


def command_for(
    services: Services, trigger: Any, value: Any, values: dict[str, Any]
) -> tuple[Callable[[Configuration], Command] | None, dict]:
    """The command factory for what the user did, and options for drawing its answer (``echo_positions``).

    Raises ConfigurationError for bad form input. Returns (None, {}) for nothing to do.
    """
    selection = values.get("selection") or {}
    extent = values.get("extent")
    if trigger == ID.drop:
        drop = value or {}
        if not drop.get("module"):
            return None, {}
        position = [float(drop.get("x") or 0), float(drop.get("y") or 0)]
        return (lambda c: PlaceModule(str(drop["module"]), position)), {}
    if isinstance(trigger, dict) and trigger.get("type") == ID.APPLY_REC:
        if not value:
            return None, {}
        module = str(trigger["module"])
        return (lambda c: PlaceModule(module, None)), {}  # beside the actors it exchanges with, as previewed
    if isinstance(trigger, dict) and trigger.get("type") == ID.APPLY_FIX:
        if not value:
            return None, {}
        code, key = str(trigger["code"]), str(trigger["key"])
        config_id = values["config_id"]
        # recomputed on the stored revision: the browser only names the suggestion
        return (lambda c: suggestion_change(c, services.library_of_configuration(config_id), code, key)), {}
    if isinstance(trigger, dict) and trigger.get("type") == ID.NUDGE:
        step = NUDGE_STEPS.get(str(trigger.get("dir")))
        if not value or step is None:
            return None, {}
        if selection.get("kind") != "actor":
            raise ConfigurationError(["select an actor on the canvas first"])

        def nudge(c: Configuration) -> Command:
            actor = next((a for a in c.actors if a.id == selection["id"]), None)
            if actor is None:
                raise ConfigurationError([f"actor '{selection['id']}' no longer exists"])
            x, y = (actor.position.x, actor.position.y) if actor.position else (0.0, 0.0)
            return MoveNodes({actor.id: [x + step[0], y + step[1]]})

        return nudge, {}
    if trigger == ID.moved:
        positions = (value or {}).get("positions") or {}
        clean = {
            str(k): [float(v[0]), float(v[1])]
            for k, v in positions.items()
            if isinstance(v, (list, tuple)) and len(v) == 2
        }
        if not clean:
            return None, {}
        return (lambda c: MoveNodes(clean)), {"echo_positions": False}
    if trigger == ID.actor_add:
        fields = actor_fields(values)

        def make_actor(c: Configuration) -> Command:
            # the middle of the view, or the free spot nearest it: never on top of an actor already there
            position = FreeSpots(occupied_positions(c)).near(_centre(extent))
            return AddActor(
                {"id": new_actor_id(c, fields["name"]), **fields, "position": {"x": position[0], "y": position[1]}}
            )

        return make_actor, {}
    if trigger == ID.actor_save:
        if selection.get("kind") != "actor":
            raise ConfigurationError(["select an actor on the canvas first"])
        fields = actor_fields(values)
        return (lambda c: UpdateActor(selection["id"], fields)), {}
    if trigger == ID.flow_add:
        fields, costs = flow_fields(values), flow_costs(values)

        def make_flow(c: Configuration) -> Command:
            return AddFlow({"id": new_flow_id(c), **fields}, costs)

        return make_flow, {}
    if trigger == ID.flow_save:
        if selection.get("kind") != "flow":
            raise ConfigurationError(["select a flow on the canvas first"])
        fields, costs = flow_fields(values), flow_costs(values)
        return (lambda c: UpdateFlow(selection["id"], fields, costs)), {}
    if trigger == ID.details_save:
        changes: dict[str, Any] = {
            key: (values.get(f"details_{key}") or "").strip() for key in DETAIL_FIELDS if key != "population"
        }
        changes["population"] = whole_number(values.get("details_population"), "Population")
        return (lambda c: UpdateDetails(changes)), {}
    if trigger == ID.module_remove:
        if selection.get("kind") != "actor":
            return None, {}

        def remove(c: Configuration) -> Command:
            actor = next((a for a in c.actors if a.id == selection["id"]), None)
            if actor is None or actor.module is None:
                raise ConfigurationError(["this actor did not come with a module"])
            return RemoveModule(actor.module)

        return remove, {}
    if trigger == ID.delete_confirm:  # what the question named (callbacks/editor_panel.py delete_target)
        target = values.get("delete_target") or {}
        actors, flows = [str(a) for a in target.get("actors") or []], [str(f) for f in target.get("flows") or []]
        if len(actors) + len(flows) > 1:
            return (lambda c: DeleteElements(actors, flows)), {}
        if actors:
            return (lambda c: DeleteActor(actors[0])), {}
        if flows:
            return (lambda c: DeleteFlow(flows[0])), {}
        return None, {}
    if isinstance(trigger, dict) and trigger.get("type") == ID.RESTORE:
        if not value:
            return None, {}
        version = int(trigger["index"])
        config_id = values["config_id"]

        def restore(base: Configuration) -> Command:
            restored, _ = services.load(int(config_id), version)
            return changeset_between(base, restored, f"restored version {version}")

        return restore, {}
    if trigger == ID.history_request:
        request = value or {}
        change = history_change(services, values["config_id"], request["step"], request.get("op") == "undo")
        return (lambda c: change), {}
    return None, {}


def handle_edit(services: Services, trigger: Any, value: Any, values: dict[str, Any]) -> dict[str, Any]:
    """Run one edit and return the callback outputs by name (``no_update`` where unchanged)."""
    out: dict[str, Any] = {name: no_update for name in EDIT_OUTPUTS}
    key = trigger if isinstance(trigger, str) else (trigger or {}).get("type", "")
    feedback = FEEDBACK_OF.get(key, "message")

    try:
        make, options = command_for(services, trigger, value, values)
    except (ConfigurationError, StorageError, KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, ConfigurationError):
            problems = exc.problems
        elif isinstance(exc, StorageError):
            problems = [str(exc)]
        else:
            problems = [f"malformed request: {exc}"]
        out[feedback] = message(problems)
        return out
    if make is None:
        return out
    if values.get("config_id") is None or values.get("version") is None:
        return out
    outcome = apply_edit(services, values["config_id"], values["version"], make)
    for name in ("message", "actor_feedback", "flow_feedback", "details_feedback", "history_feedback"):
        out[name] = None  # clear an earlier complaint
    if outcome.problems:
        out[feedback] = message(outcome.problems)
        return out
    if outcome.conflict:
        out["conflict"] = outcome.conflict
        out["status"] = "Conflict: not saved"
        return out
    if outcome.step is None:  # nothing changed
        return out
    config = outcome.config
    assert config is not None
    assert outcome.base is not None  # a saved edit was applied to the revision on screen
    out["graph_diff"] = graph.element_diff(outcome.base, config, options.get("echo_positions", True))
    out["version"] = outcome.head.version
    op = (value or {}).get("op") if trigger == ID.history_request else "do"
    step = (
        {"before": int(values["version"]), "after": outcome.head.version, "label": outcome.step.redo.label}
        if op == "do"
        else None
    )
    out["step_out"] = {"op": op, "step": step, "nonce": time.time()}
    out["status"] = status_text(outcome.head)
    out["scores"] = panels.score_values(evaluate(services, outcome.head.workspace_id, config))
    before = outcome.base
    if before is not None and details_of(before) != details_of(config):  # e.g. a rename, or its undo
        out["title"] = config.name
        out.update({f"details_{key}": value for key, value in details_of(config).items()})
    if trigger in (ID.delete_confirm, ID.module_remove):
        out["selection"] = None
    return out


def history_change(services: Services, configuration_id: int, step: dict[str, Any], undo: bool) -> ChangeSet:
    """The change that undoes (or redoes) a step, from the two immutable revisions it joined.

    The browser keeps only ``{before, after, label}`` per step (revision numbers), so
    undo/redo history costs a few bytes per edit whatever the edit was.
    """
    before, _ = services.load(int(configuration_id), int(step["before"]))
    after, _ = services.load(int(configuration_id), int(step["after"]))
    label = str(step.get("label", ""))[:200]
    if undo:
        return changeset_between(after, before, f"undo: {label}")
    return changeset_between(before, after, f"redo: {label}")


EDIT_OUTPUTS = {
    "graph_diff": Output(ID.graph_diff, "data", allow_duplicate=True),
    "version": Output(ID.version, "data", allow_duplicate=True),
    "step_out": Output(ID.step_out, "data", allow_duplicate=True),
    "status": Output(ID.status, "children", allow_duplicate=True),
    "message": Output(ID.message, "children", allow_duplicate=True),
    "scores": Output(ID.score_values, "data", allow_duplicate=True),
    "title": Output(ID.title, "children", allow_duplicate=True),
    **{f"details_{key}": Output(getattr(ID, f"details_{key}"), "value", allow_duplicate=True) for key in DETAIL_FIELDS},
    "details_feedback": Output(ID.details_feedback, "children", allow_duplicate=True),
    "conflict": Output(ID.conflict, "data", allow_duplicate=True),
    "actor_feedback": Output(ID.actor_feedback, "children", allow_duplicate=True),
    "flow_feedback": Output(ID.flow_feedback, "children", allow_duplicate=True),
    "selection": Output(ID.selection, "data", allow_duplicate=True),
    "history_feedback": Output(ID.history_feedback, "children", allow_duplicate=True),
}
CORE_OUTPUTS = (
    "graph_diff",
    "version",
    "step_out",
    "status",
    "message",
    "scores",
    "conflict",
    "title",
    *(f"details_{key}" for key in DETAIL_FIELDS),
)
"""Every edit callback has these: an undo or redo may change the configuration's details too."""
FLOW_ECONOMICS_FIELDS = (
    "flow_term_years",
    "flow_payback_years",
    "flow_source_cost",
    "flow_target_cost",
    "flow_benefit",
    "flow_personal_data",
)
"""The flow form's folded section (time, costs, personal data): read on save, filled on selection."""
FORM_STATES = {
    "actor": {
        "selection": State(ID.selection, "data"),
        "extent": State(ID.cy, "extent"),
        "actor_name": State(ID.actor_name, "value"),
        "actor_type": State(ID.actor_type, "value"),
        "actor_count": State(ID.actor_count, "value"),
        "actor_local": State(ID.actor_local, "value"),
        "actor_notes": State(ID.actor_notes, "value"),
        "actor_fixed_cost": State(ID.actor_fixed_cost, "value"),
        "actor_capital_cost": State(ID.actor_capital_cost, "value"),
        "actor_funding_source": State(ID.actor_funding_source, "value"),
    },
    "flow": {
        "selection": State(ID.selection, "data"),
        "flow_source": State(ID.flow_source, "value"),
        "flow_target": State(ID.flow_target, "value"),
        "flow_kind": State(ID.flow_kind, "value"),
        "flow_label": State(ID.flow_label, "value"),
        "flow_amount": State(ID.flow_amount, "value"),
        "flow_occurrences": State(ID.flow_occurrences, "value"),
        "flow_standards": State(ID.flow_standards, "value"),
        **{name: State(getattr(ID, name), "value") for name in FLOW_ECONOMICS_FIELDS},
    },
}
EDIT_CALLBACKS = [
    # (inputs, extra states, extra outputs): one callback each, so a request carries only what it needs
    ({ID.drop: Input(ID.drop, "data")}, {}, ()),
    ({ID.moved: Input(ID.moved, "data")}, {}, ()),
    ({ID.history_request: Input(ID.history_request, "data")}, {}, ()),
    ({"apply_rec": Input(ID.apply_rec(ALL, ALL), "n_clicks")}, {}, ()),  # type: ignore[arg-type]  # ALL is Dash's wildcard, not an id
    ({"apply_fix": Input(ID.apply_fix(ALL, ALL, ALL), "n_clicks")}, {}, ()),  # type: ignore[arg-type]  # ALL is Dash's wildcard, not an id
    ({"nudge": Input(ID.nudge(ALL), "n_clicks")}, {"selection": State(ID.selection, "data")}, ("actor_feedback",)),  # type: ignore[arg-type]  # ALL is Dash's wildcard, not an id
    (
        {ID.actor_add: Input(ID.actor_add, "n_clicks"), ID.actor_save: Input(ID.actor_save, "n_clicks")},
        FORM_STATES["actor"],
        ("actor_feedback",),
    ),
    (
        {ID.flow_add: Input(ID.flow_add, "n_clicks"), ID.flow_save: Input(ID.flow_save, "n_clicks")},
        FORM_STATES["flow"],
        ("flow_feedback",),
    ),
    (
        {
            ID.delete_confirm: Input(ID.delete_confirm, "n_clicks"),
            ID.module_remove: Input(ID.module_remove, "n_clicks"),
        },
        {"selection": State(ID.selection, "data"), "delete_target": State(ID.delete_target, "data")},
        ("selection",),
    ),
    ({"restore": Input(ID.restore_revision(ALL), "n_clicks")}, {}, ("history_feedback",)),  # type: ignore[arg-type]  # ALL is Dash's wildcard, not an id
    (
        {ID.details_save: Input(ID.details_save, "n_clicks")},
        {f"details_{key}": State(getattr(ID, f"details_{key}"), "value") for key in DETAIL_FIELDS},
        ("details_feedback",),
    ),
]


def save_mine(
    services: Services, configuration_id: int, conflict: dict[str, Any]
) -> tuple[str | None, list[str] | None]:
    """Branch the base the user edited into a new alternative and save their change there."""

    try:
        head = services.store.get_configuration(int(configuration_id))
        change = command_from_dict(conflict["change"])
        name = f"{head.name} (alternative by {services.author})"[:300]
        branch = services.store.branch(  # one step: no empty alternative is left when the change fails
            int(configuration_id),
            version=int(conflict["base_version"]),
            name=name,
            author=services.author,
            change=change.apply,
            change_summary=f"my change kept on conflict: {change.describe()}",
        )
    except (StorageError, ConfigurationError, KeyError, TypeError, ValueError) as exc:
        problems = exc.problems if isinstance(exc, ConfigurationError) else [str(exc)]
        return None, problems
    return f"/edit/{branch.id}", None


def reload_theirs(services: Services, configuration_id: int) -> dict[str, Any]:
    config, head = services.store.load(int(configuration_id))
    evaluation = evaluate(services, head.workspace_id, config)
    return {
        "graph_diff": {"reset": graph.config_elements(config)},
        "version": head.version,
        "step_out": {"op": "reset", "nonce": time.time()},
        "conflict": None,
        "scores": panels.score_panel(evaluation),
        "status": status_text(head),
    }


# -- registration -------------------------------------------------------------------


def register(app: Any, services: Services) -> None:
    def register_edit(inputs: dict[str, Any], states: dict[str, Any], extra: tuple[str, ...]) -> None:
        names = CORE_OUTPUTS + extra
        all_states = {"config_id": State(ID.config_id, "data"), "version": State(ID.version, "data"), **states}

        @app.callback(
            output={name: EDIT_OUTPUTS[name] for name in names},
            inputs=dict(triggers=inputs, values=all_states),
            running=[(Output(ID.saving, "style"), {"display": "inline"}, {"display": "none"})],
            prevent_initial_call=True,
        )
        def edit(triggers: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
            refusal = services.refusal("edit", configuration_id=values.get("config_id"))
            if refusal:
                return {name: message(refusal) if name == "message" else no_update for name in names}
            trigger = ctx.triggered_id
            value = ctx.triggered[0]["value"] if ctx.triggered else None
            if trigger is None or not value:
                return {name: no_update for name in names}
            if not isinstance(trigger, dict):
                value = triggers.get(trigger)
            out = handle_edit(services, trigger, value, values)
            return {name: out.get(name, no_update) for name in names}

    for inputs, states, extra in EDIT_CALLBACKS:
        register_edit(inputs, states, extra)

    @app.callback(
        Output(ID.conflict_alert, "is_open"),
        Output(ID.conflict_box, "children"),
        Input(ID.conflict, "data"),
        prevent_initial_call=True,
    )
    def show_conflict(conflict):
        services.require("use")
        if not conflict:
            return False, None
        return True, (
            f"Another editor ({conflict.get('author')}) saved version {conflict.get('theirs')} at "
            f"{conflict.get('when')} UTC ({conflict.get('summary')}) while you were editing version "
            f"{conflict.get('base_version')}. Your last change was not saved over theirs and is not lost: "
            "reload their version, or save yours as a new alternative configuration."
        )

    reload_outputs = {
        "graph_diff": Output(ID.graph_diff, "data", allow_duplicate=True),
        "version": Output(ID.version, "data", allow_duplicate=True),
        "step_out": Output(ID.step_out, "data", allow_duplicate=True),
        "conflict": Output(ID.conflict, "data", allow_duplicate=True),
        "scores": Output(ID.scores, "children", allow_duplicate=True),
        "status": Output(ID.status, "children", allow_duplicate=True),
    }

    @app.callback(
        output=reload_outputs,
        inputs=dict(_clicks=Input(ID.reload_theirs, "n_clicks"), configuration_id=State(ID.config_id, "data")),
        prevent_initial_call=True,
    )
    def on_reload(_clicks, configuration_id):
        services.require("view", configuration_id=configuration_id)
        try:
            return reload_theirs(services, int(configuration_id))
        except (TypeError, ValueError, StorageError):  # no such configuration (a damaged request)
            raise PreventUpdate from None

    @app.callback(
        Output(ID.url, "pathname", allow_duplicate=True),
        Output(ID.message, "children", allow_duplicate=True),
        Input(ID.save_mine, "n_clicks"),
        State(ID.config_id, "data"),
        State(ID.conflict, "data"),
        prevent_initial_call=True,
    )
    def on_save_mine(_clicks, configuration_id, conflict):
        refusal = services.refusal("edit", configuration_id=configuration_id)
        if refusal:
            return no_update, message(refusal)
        if not conflict:
            return no_update, no_update
        path, problems = save_mine(services, configuration_id, conflict)
        if problems:
            return no_update, message(problems)
        return path, None
