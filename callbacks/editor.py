"""Canvas editor callbacks: every edit is a domain command, applied to the stored
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
from dataclasses import dataclass, field
from typing import Any, Callable

from dash import ALL, ClientsideFunction, Input, Output, State, ctx, dcc, no_update
from dash.exceptions import PreventUpdate

from callbacks.services import Services
from canvas_app.commands import (
    AddActor,
    AddFlow,
    ChangeSet,
    Command,
    DeleteActor,
    DeleteFlow,
    MoveNodes,
    PlaceModule,
    RemoveModule,
    Step,
    DETAIL_FIELDS,
    UpdateActor,
    UpdateDetails,
    UpdateFlow,
    changeset_between,
    command_from_dict,
    new_actor_id,
    new_flow_id,
    perform,
    slug,
)
from canvas_app.forms import actor_fields, flow_costs, flow_fields, whole_number
from canvas_app.model import QUANTITIES, Configuration, ConfigurationError
from canvas_app.recommend import preview, suggestion_change
from layouts import advice
from layouts import editor as editor_layouts
from layouts import graph, panels
from layouts import members as members_layouts
from layouts.home import message
from layouts.ids import ID

EMPTY_DIFF: dict[str, Any] = {"add": [], "update": [], "remove": []}


# -- page ----------------------------------------------------------------------------


def evaluate(services: Services, configuration_id: int, config: Configuration, recommend: bool = False,
             money: bool = False) -> Any:
    """Score a stored configuration (one of its revisions) with its workspace's score weights."""
    from callbacks.weights import evaluate_stored

    return evaluate_stored(services, configuration_id, config, recommend=recommend, structure=False, money=money)


def status_text(head: Any) -> str:
    return f"Saved · version {head.version} · {head.updated_by} {head.updated_at:%H:%M:%S}"


def editor_page(services: Services, configuration_id: int) -> Any:
    """Load a stored configuration and build its editor page."""
    from callbacks.router import not_found
    from canvas_app.analysis import nine_blocks
    from storage import StorageError

    access = services.require("view", configuration_id=configuration_id)
    try:
        config, head = services.store.load(configuration_id)
    except StorageError:
        return not_found(f"There is no configuration {configuration_id}.")
    hidden = services.why_hidden(head)
    if hidden:
        return not_found(hidden)
    library = services.library_for(head.workspace_id)
    evaluation = evaluate(services, head.id, config)
    page = editor_layouts.editor_layout(
        configuration_id=head.id,
        name=head.name,
        version=head.version,
        elements=graph.config_elements(config),
        modules=list(library),
        categories=[str(getattr(c, "value", c)) for c in library.categories()],
        actors=[(a.id, a.name) for a in config.actors],
        flows=[(f.id, f"{graph.flow_label(f)} ({f.source} → {f.target})") for f in config.flows],
        scores=panels.score_panel(evaluation),
        blocks=panels.blocks_panel(nine_blocks(config, library)),
        status=status_text(head),
        workspace_id=head.workspace_id,
        details=details_of(config),
        own_modules=own_module_ids(library),
    )
    return members_layouts.read_only(page) if access.role == "viewer" else page


def own_module_ids(library: Any) -> frozenset[str]:
    """The workspace's own modules in its library (the palette marks them)."""
    return frozenset(m.id for m in library if library.origin(m.id) == "workspace")


def details_of(config: Configuration) -> dict[str, Any]:
    """What the details form shows: the configuration's own fields."""
    return {key: getattr(config, key) for key in DETAIL_FIELDS}


def filter_palette(services: Services, configuration_id: Any, text: str | None, category: str | None) -> list[Any]:
    """The palette's modules (the shared library and the workspace's own) matching the search."""
    services.require("view", configuration_id=configuration_id)
    library = services.library_of_configuration(configuration_id)
    modules = library.search(text or "", None if category in (None, "", "all") else category)
    return editor_layouts.palette_items(list(modules), own_module_ids(library))


# -- edits ---------------------------------------------------------------------------------


@dataclass
class Outcome:
    """What one edit produced (``problems`` or ``conflict`` when nothing was saved)."""

    config: Configuration | None = None
    head: Any = None
    step: Step | None = None
    base: Configuration | None = None  # the revision the edit was applied to
    diff: dict[str, Any] = field(default_factory=lambda: dict(EMPTY_DIFF))
    problems: list[str] | None = None
    conflict: dict[str, Any] | None = None


def apply_edit(
    services: Services,
    configuration_id: int,
    version: int,
    make: Callable[[Configuration], Command],
    *,
    echo_positions: bool = True,
) -> Outcome:
    """Load revision ``version``, apply ``make(config)``, save it as ``version + 1``.

    Bad input: ``problems`` (nothing saved). Someone saved first: ``conflict``
    (nothing saved; it carries the change so the user can save it elsewhere).
    """
    from storage import ConflictError, StorageError

    try:
        base, _head = services.load(int(configuration_id), int(version))
    except StorageError as exc:
        return Outcome(problems=[str(exc)])
    try:
        command = make(base)
        kwargs = {"library": services.library_of_configuration(configuration_id)} if isinstance(command, PlaceModule) else {}
        after, step = perform(base, command, **kwargs)
    except ConfigurationError as exc:
        return Outcome(problems=exc.problems)
    if step.redo.is_empty():
        return Outcome(config=base, head=_head, step=None)
    try:
        head = services.store.save(
            int(configuration_id), after, base_version=int(version), author=services.author, summary=step.redo.label
        )
    except ConflictError as exc:
        current = exc.current
        return Outcome(
            conflict={
                "base_version": int(version),
                "theirs": current.version,
                "author": current.author,
                "when": f"{current.created_at:%Y-%m-%d %H:%M:%S}",
                "summary": current.summary,
                "change": step.redo.to_dict(),
            }
        )
    except StorageError as exc:
        return Outcome(problems=[str(exc)])
    if head.version == int(version) + 1:
        services.remember(int(configuration_id), head.version, after)
    return Outcome(config=after, head=head, step=step, diff=graph.element_diff(base, after, echo_positions), base=base)


def _centre(extent: dict[str, Any] | None, jitter: int = 0) -> list[float]:
    if not extent:
        return [0.0 + jitter, 0.0 + jitter]
    try:
        x = (float(extent["x1"]) + float(extent["x2"])) / 2
        y = (float(extent["y1"]) + float(extent["y2"])) / 2
    except (KeyError, TypeError, ValueError):
        return [0.0, 0.0]
    return [round(x + jitter, 1), round(y + jitter, 1)]


FEEDBACK_OF = {ID.actor_add: "actor_feedback", ID.actor_save: "actor_feedback", ID.flow_add: "flow_feedback",
               ID.flow_save: "flow_feedback", ID.details_save: "details_feedback", ID.NUDGE: "actor_feedback"}
"""Where a form's problems are shown (beside the form); everything else goes to the toolbar message."""
NUDGE_STEPS = {"left": (-40.0, 0.0), "up": (0.0, -40.0), "down": (0.0, 40.0), "right": (40.0, 0.0)}
"""One press of a move button moves the selected actor this far (graph units; a node is about 40)."""


def command_for(trigger: Any, value: Any, values: dict[str, Any]) -> tuple[Callable[[Configuration], Command] | None, dict]:
    """The command factory for what the user did, and options for :func:`apply_edit`.

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
        services, config_id = values["services"], values["config_id"]
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
        clean = {str(k): [float(v[0]), float(v[1])] for k, v in positions.items() if isinstance(v, (list, tuple)) and len(v) == 2}
        if not clean:
            return None, {}
        return (lambda c: MoveNodes(clean)), {"echo_positions": False}
    if trigger == ID.actor_add:
        fields = actor_fields(values)

        def make_actor(c: Configuration) -> Command:
            position = _centre(extent, 15 * (len(c.actors) % 7))
            return AddActor({"id": new_actor_id(c, fields["name"]), **fields, "position": {"x": position[0], "y": position[1]}})

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
        changes: dict[str, Any] = {key: (values.get(f"details_{key}") or "").strip()
                                   for key in DETAIL_FIELDS if key != "population"}
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
    if trigger == ID.delete_confirm:
        if selection.get("kind") == "actor":
            return (lambda c: DeleteActor(selection["id"])), {}
        if selection.get("kind") == "flow":
            return (lambda c: DeleteFlow(selection["id"])), {}
        return None, {}
    if trigger == ID.history_request:
        request = value or {}
        change = history_change(values["services"], values["config_id"], request["step"], request.get("op") == "undo")
        return (lambda c: change), {}
    return None, {}


def apply_preview(services: Services, configuration_id: int, version: Any, which: dict[str, Any]) -> Any:
    """The preview of one recommendation (``kind`` module) or suggestion (``kind`` its flag code): the same
    command Apply runs, applied to the shown revision and compared with it, nothing saved."""
    from callbacks.weights import workspace_score_weights
    from canvas_app.library import place_module
    from storage import StorageError

    try:
        config, _ = services.load(configuration_id, int(version) if version else None)
        library = services.library_of_configuration(configuration_id)
        if which.get("kind") == advice.MODULE:
            definition = library.get(str(which.get("key")))
            if definition is None:
                raise ConfigurationError([f"no module '{which.get('key')}' in the library"])
            after = place_module(config, definition)
        else:
            after = suggestion_change(config, library, str(which.get("kind")), str(which.get("key"))).apply(config)
        head = services.store.get_configuration(configuration_id)
        weights = workspace_score_weights(services, head.workspace_id)
        return advice.preview_body(preview(config, after, library, weights))
    except ConfigurationError as exc:
        return advice.preview_problem(exc.problems)
    except StorageError as exc:
        return advice.preview_problem([str(exc)])


def handle_edit(services: Services, trigger: Any, value: Any, values: dict[str, Any]) -> dict[str, Any]:
    """Run one edit and return the callback outputs by name (``no_update`` where unchanged)."""
    out: dict[str, Any] = {name: no_update for name in EDIT_OUTPUTS}
    key = trigger if isinstance(trigger, str) else (trigger or {}).get("type", "")
    feedback = FEEDBACK_OF.get(key, "message")
    from storage import StorageError

    values = {**values, "services": services}
    try:
        make, options = command_for(trigger, value, values)
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
    outcome = apply_edit(services, values["config_id"], values["version"], make, **options)
    for name in ("message", "actor_feedback", "flow_feedback", "details_feedback"):
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
    out["graph_diff"] = outcome.diff
    out["version"] = outcome.head.version
    op = (value or {}).get("op") if trigger == ID.history_request else "do"
    step = {"before": int(values["version"]), "after": outcome.head.version, "label": outcome.step.redo.label} if op == "do" else None
    out["step_out"] = {"op": op, "step": step, "nonce": time.time()}
    out["status"] = status_text(outcome.head)
    out["scores"] = panels.score_values(evaluate(services, int(values["config_id"]), config))
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
    return changeset_between(after, before, label) if undo else changeset_between(before, after, label)


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
}
CORE_OUTPUTS = ("graph_diff", "version", "step_out", "status", "message", "scores", "conflict", "title",
                *(f"details_{key}" for key in DETAIL_FIELDS))
"""Every edit callback has these: an undo or redo may change the configuration's details too."""
FLOW_ECONOMICS_FIELDS = ("flow_term_years", "flow_payback_years", "flow_source_cost", "flow_target_cost",
                         "flow_benefit", "flow_personal_data")
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
    ({"apply_rec": Input(ID.apply_rec(ALL, ALL), "n_clicks")}, {}, ()),  # type: ignore[arg-type]
    ({"apply_fix": Input(ID.apply_fix(ALL, ALL, ALL), "n_clicks")}, {}, ()),  # type: ignore[arg-type]
    ({"nudge": Input(ID.nudge(ALL), "n_clicks")}, {"selection": State(ID.selection, "data")}, ("actor_feedback",)),  # type: ignore[arg-type]
    ({ID.actor_add: Input(ID.actor_add, "n_clicks"), ID.actor_save: Input(ID.actor_save, "n_clicks")},
     FORM_STATES["actor"], ("actor_feedback",)),
    ({ID.flow_add: Input(ID.flow_add, "n_clicks"), ID.flow_save: Input(ID.flow_save, "n_clicks")},
     FORM_STATES["flow"], ("flow_feedback",)),
    ({ID.delete_confirm: Input(ID.delete_confirm, "n_clicks"), ID.module_remove: Input(ID.module_remove, "n_clicks")},
     {"selection": State(ID.selection, "data")}, ("selection",)),
    ({ID.details_save: Input(ID.details_save, "n_clicks")},
     {f"details_{key}": State(getattr(ID, f"details_{key}"), "value") for key in DETAIL_FIELDS}, ("details_feedback",)),
]


# -- side panel -------------------------------------------------------------------------


def tap(trigger: Any, node: dict | None, edge: dict | None, pick: bool, source: str | None, target: str | None) -> tuple:
    """Selection and flow ends after a tap: ``(selection, source, target)``."""
    if trigger == ID.deselect:
        return None, no_update, no_update
    if trigger == "node" and node:
        node_id = node.get("id")
        if pick:
            if not source or (source and target):
                return no_update, node_id, None
            if node_id != source:
                return no_update, source, node_id
            return no_update, no_update, no_update
        return {"kind": "actor", "id": node_id}, no_update, no_update
    if trigger == "edge" and edge:
        return {"kind": "flow", "id": edge.get("id")}, no_update, no_update
    return no_update, no_update, no_update


def picked(value: str | None) -> dict[str, str] | None:
    """The selection for the element picker's value (``actor:<id>`` / ``flow:<id>``; empty: none).

    >>> picked("flow:f1"), picked("")
    ({'kind': 'flow', 'id': 'f1'}, None)
    """
    if not value or ":" not in value:
        return None
    kind, _, element_id = value.partition(":")
    return {"kind": kind, "id": element_id} if kind in ("actor", "flow") and element_id else None


def form_values(config: Configuration | None, selection: dict | None) -> dict[str, Any]:
    """Values of the side-panel forms for the selected element (headings, fields, button states)."""
    out: dict[str, Any] = {
        "actor_heading": "Add an actor",
        "flow_heading": "Draw a value flow",
        "actor_save_disabled": True,
        "actor_delete_disabled": True,
        "module_remove_disabled": True,
        "nudge_disabled": [True] * len(NUDGE_STEPS),
        "flow_save_disabled": True,
        "flow_delete_disabled": True,
    }
    kind, element_id = (selection or {}).get("kind"), (selection or {}).get("id")
    if config is None or not kind:
        return out
    if kind == "actor":
        actor = next((a for a in config.actors if a.id == element_id), None)
        if actor is None:
            return out
        out.update(
            actor_heading=f"Edit actor “{actor.name}”",
            actor_name=actor.name,
            actor_type=actor.type.value,
            actor_count=actor.count,
            actor_local=actor.local,
            actor_notes=actor.notes,
            actor_fixed_cost=actor.fixed_cost,
            actor_capital_cost=actor.capital_cost,
            actor_save_disabled=False,
            actor_delete_disabled=False,
            module_remove_disabled=actor.module is None,
            nudge_disabled=[False] * len(NUDGE_STEPS),
        )
    elif kind == "flow":
        flow = next((f for f in config.flows if f.id == element_id), None)
        if flow is None:
            return out
        out.update(
            flow_heading=f"Edit flow {flow.id}",
            flow_source=flow.source,
            flow_target=flow.target,
            flow_kind=flow.kind.value,
            flow_label=flow.label,
            flow_amount=flow.amount,
            flow_occurrences=flow.occurrences,
            flow_standards=", ".join(flow.standards),
            flow_term_years=flow.term_years,
            flow_payback_years=flow.payback_years,
            flow_source_cost=config.actor(flow.source).unit_costs.get(flow.id),
            flow_target_cost=config.actor(flow.target).unit_costs.get(flow.id),
            flow_benefit=next((config.actor(end).unit_benefits[flow.id] for end in (flow.source, flow.target)
                               if flow.id in config.actor(end).unit_benefits), None),
            flow_personal_data=flow.personal_data,
            flow_save_disabled=False,
            flow_delete_disabled=False,
        )
    return out


def estimate_marks(config: Configuration | None, selection: dict | None) -> dict[str, Any]:
    """For the selected flow, which quantities are a module's estimates: badge shown, input muted."""
    flow = None
    if config is not None and isinstance(selection, dict) and selection.get("kind") == "flow":
        flow = next((f for f in config.flows if f.id == selection.get("id")), None)
    out: dict[str, Any] = {}
    for quantity in QUANTITIES:
        estimated = flow is not None and flow.is_estimated(quantity)
        out[f"flow_{quantity}_estimate_hidden"] = not estimated
        out[f"flow_{quantity}_class"] = editor_layouts.ESTIMATE_INPUT_CLASS if estimated else ""
    return out


def delete_question(config: Configuration | None, selection: dict | None) -> str | None:
    kind, element_id = (selection or {}).get("kind"), (selection or {}).get("id")
    if config is None or not kind:
        return None
    if kind == "actor":
        actor = next((a for a in config.actors if a.id == element_id), None)
        if actor is None:
            return None
        n = sum(1 for f in config.flows if actor.id in (f.source, f.target))
        return f"Delete actor “{actor.name}” and its {n} flow{'s' if n != 1 else ''}? You can undo this."
    flow = next((f for f in config.flows if f.id == element_id), None)
    if flow is None:
        return None
    return f"Delete the {flow.kind.value} flow “{flow.label or flow.id}” from {flow.source} to {flow.target}? You can undo this."


def highlight(trigger: Any, value: Any, flag_elements: list[list[str]] | None) -> Any:
    """The stylesheet with a flag's elements highlighted (or none)."""
    if trigger == ID.clear_highlight:
        return graph.stylesheet()
    if isinstance(trigger, dict) and value:
        index = int(trigger.get("index", -1))
        if flag_elements and 0 <= index < len(flag_elements):
            return graph.stylesheet(tuple(flag_elements[index]))
    return no_update


def layout_for(name: str | None) -> dict[str, Any]:
    if not name or name == "preset":
        return dict(editor_layouts.PRESET)
    if name not in {n for n, _ in editor_layouts.LAYOUTS}:
        return dict(editor_layouts.PRESET)
    return {"name": name, "animate": False, "fit": True, "padding": 30, "nonce": time.time()}


def save_mine(services: Services, configuration_id: int, conflict: dict[str, Any]) -> tuple[str | None, list[str] | None]:
    """Branch the base the user edited into a new alternative and save their change there."""
    from storage import StorageError

    try:
        head = services.store.get_configuration(int(configuration_id))
        change = command_from_dict(conflict["change"])
        name = f"{head.name} (alternative by {services.author})"[:300]
        branch = services.store.branch(  # one step: no empty alternative is left when the change fails
            int(configuration_id), version=int(conflict["base_version"]), name=name, author=services.author,
            change=change.apply, change_summary=f"my change kept on conflict: {change.describe()}",
        )
    except (StorageError, ConfigurationError, KeyError, TypeError, ValueError) as exc:
        problems = exc.problems if isinstance(exc, ConfigurationError) else [str(exc)]
        return None, problems
    return f"/edit/{branch.id}", None


def reload_theirs(services: Services, configuration_id: int) -> dict[str, Any]:
    config, head = services.store.load(int(configuration_id))
    evaluation = evaluate(services, configuration_id, config)
    return {
        "graph_diff": {"reset": graph.config_elements(config)},
        "version": head.version,
        "step_out": {"op": "reset", "nonce": time.time()},
        "conflict": None,
        "scores": panels.score_panel(evaluation),
        "status": status_text(head),
    }


def export_file(services: Services, configuration_id: int, fmt: str) -> dict[str, Any]:
    """The configuration as JSON, GraphML or CSV (canvas_app.exports), or the canvas picture as SVG."""
    from canvas_app.exports import export_configuration

    config, head = services.store.load(int(configuration_id))
    if fmt == "svg":
        return dcc.send_bytes(graph.to_svg(config), f"{slug(config.name, 'configuration')}-v{head.version}.svg")
    fmt = fmt if fmt in ("json", "graphml", "csv") else "json"
    data = export_configuration(config, fmt)  # type: ignore[arg-type]
    extension = {"json": "json", "graphml": "graphml", "csv": "csv"}[fmt]
    return dcc.send_bytes(data, f"{slug(config.name, 'configuration')}-v{head.version}.{extension}")


# -- registration -------------------------------------------------------------------


def register(app: Any, services: Services) -> None:
    ns = "citycanvas"

    app.clientside_callback(
        ClientsideFunction(ns, "applyDiff"),
        Output(ID.diff_applied, "data"),
        Input(ID.graph_diff, "data"),
        prevent_initial_call=True,
    )
    from canvas_app.evaluation import SCORE_NAMES

    app.clientside_callback(
        ClientsideFunction(ns, "showScores"),
        *[Output(ID.score_value(name), "children", allow_duplicate=True) for name in SCORE_NAMES],
        *[Output(ID.score_bar(name), "style", allow_duplicate=True) for name in SCORE_NAMES],
        *[Output(ID.score_coverage(name), "children", allow_duplicate=True) for name in SCORE_NAMES],
        Input(ID.score_values, "data"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        ClientsideFunction(ns, "updateHistory"),
        Output(ID.history, "data"),
        Output(ID.undo, "disabled"),
        Output(ID.redo, "disabled"),
        Input(ID.step_out, "data"),
        State(ID.history, "data"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        ClientsideFunction(ns, "kindFields"),
        Output(ID.flow_term_box, "style"),
        Output(ID.flow_payback_box, "style"),
        Output(ID.flow_personal_box, "style"),
        Input(ID.flow_kind, "value"),
    )
    app.clientside_callback(
        ClientsideFunction(ns, "suggestStandards"),
        Output(ID.flow_standards_known, "children"),
        Input(ID.flow_standards, "value"),
        State(ID.standards_registry, "data"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        ClientsideFunction(ns, "requestHistory"),
        Output(ID.history_request, "data"),
        Input(ID.undo, "n_clicks"),
        Input(ID.redo, "n_clicks"),
        State(ID.history, "data"),
        prevent_initial_call=True,
    )

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
        Output(ID.flags, "children"),
        Output(ID.flag_elements, "data"),
        Output(ID.blocks, "children"),
        Output(ID.scores, "children", allow_duplicate=True),
        Output(ID.suggest, "style"),
        Output(ID.cash_data, "data"),
        Input(ID.diff_applied, "data"),
        State(ID.version, "data"),
        State(ID.config_id, "data"),
        prevent_initial_call="initial_duplicate",
    )
    def after_edit(_drawn, version, configuration_id):
        """Second, slower pass after each saved edit: flags with recommendations, criteria, nine blocks."""
        from canvas_app.analysis import nine_blocks
        from storage import StorageError

        services.require("view", configuration_id=configuration_id)
        if configuration_id is None:
            return (no_update,) * 6
        try:
            config, _ = services.load(int(configuration_id), int(version) if version else None)
        except StorageError:
            return (no_update,) * 6
        live = services.settings.recommend and len(config.actors) <= services.settings.live_recommend_max_actors
        evaluation = evaluate(services, configuration_id, config, recommend=live, money=True)
        return (
            panels.flags_panel(evaluation),
            panels.flag_elements(evaluation),
            panels.blocks_panel(nine_blocks(config, services.library_of_configuration(configuration_id))),
            panels.criteria_patch(evaluation),
            {} if services.settings.recommend and not live and evaluation.flags else panels.HIDDEN,
            panels.cash_data(evaluation, {a.id: a.name for a in config.actors}),
        )

    @app.callback(
        Output(ID.cash_chart, "children"),
        Input(ID.cash_data, "data"),
        Input(ID.selection, "data"),
        State(ID.config_id, "data"),
        prevent_initial_call=True,
    )
    def draw_cash(data, selection, configuration_id):
        """The selected actor's cash over time (or the investors' and the city's), from the second pass's data."""
        services.require("view", configuration_id=configuration_id)
        actor = selection.get("id") if isinstance(selection, dict) and selection.get("kind") == "actor" else None
        return panels.cash_panel(data, actor)

    @app.callback(
        Output(ID.flags, "children", allow_duplicate=True),
        Input(ID.suggest, "n_clicks"),
        State(ID.version, "data"),
        State(ID.config_id, "data"),
        prevent_initial_call=True,
        background=True,  # re-scores once per library module: seconds on a large configuration
        running=[(Output(ID.suggest, "disabled"), True, False),
                 (Output(ID.suggest, "children"), "Computing recommendations…", "Suggest modules for these gaps")],
    )
    def suggest(clicks, version, configuration_id):
        """Recommendations on request (large configurations), as a background job: Celery or a subprocess."""
        from canvas_app.background import job_request_context

        with job_request_context(app.server):  # a Celery job has no request: rebuild it from the cookies
            services.require("view", configuration_id=configuration_id)
            if not clicks or configuration_id is None:
                return no_update
            config, _ = services.load(int(configuration_id), int(version))
            return panels.flags_panel(evaluate(services, configuration_id, config, recommend=True))

    @app.callback(
        Output(ID.preview_body(ALL, ALL, ALL), "children"),
        Input(ID.preview(ALL, ALL, ALL), "n_clicks"),
        State(ID.version, "data"),
        State(ID.config_id, "data"),
        prevent_initial_call=True,
    )
    def show_preview(clicks, version, configuration_id):
        """What Apply would do, computed when the user opens one preview (one re-score); the others stay."""
        services.require("view", configuration_id=configuration_id)
        which = ctx.triggered_id
        if configuration_id is None or not isinstance(which, dict) or not any(clicks or ()):
            raise PreventUpdate
        bodies = [no_update] * len(ctx.outputs_list)
        for i, output in enumerate(ctx.outputs_list):
            if {k: v for k, v in output["id"].items() if k != "type"} == {k: v for k, v in which.items() if k != "type"}:
                bodies[i] = apply_preview(services, int(configuration_id), version, which)
        return bodies

    @app.callback(
        Output(ID.palette_list, "children"),
        Input(ID.palette_search, "value"),
        Input(ID.palette_category, "value"),
        State(ID.config_id, "data"),
        prevent_initial_call=True,
    )
    def palette(text, category, configuration_id):
        return filter_palette(services, configuration_id, text, category)

    @app.callback(
        Output(ID.selection, "data", allow_duplicate=True),
        Input(ID.element_pick, "value"),
        prevent_initial_call=True,
    )
    def pick_element(value):
        services.require("use")
        return picked(value)

    @app.callback(
        Output(ID.selection, "data", allow_duplicate=True),
        Output(ID.flow_source, "value", allow_duplicate=True),
        Output(ID.flow_target, "value", allow_duplicate=True),
        Input(ID.cy, "tapNodeData"),
        Input(ID.cy, "tapEdgeData"),
        Input(ID.deselect, "n_clicks"),
        State(ID.flow_pick, "value"),
        State(ID.flow_source, "value"),
        State(ID.flow_target, "value"),
        prevent_initial_call=True,
    )
    def on_tap(node, edge, _deselect, pick, source, target):
        services.require("use")
        trigger = ctx.triggered[0]["prop_id"] if ctx.triggered else ""
        kind = "node" if trigger.endswith("tapNodeData") else "edge" if trigger.endswith("tapEdgeData") else ctx.triggered_id
        return tap(kind, node, edge, bool(pick), source, target)

    form_outputs = {
        "actor_heading": Output(ID.actor_heading, "children"),
        "actor_name": Output(ID.actor_name, "value"),
        "actor_type": Output(ID.actor_type, "value"),
        "actor_count": Output(ID.actor_count, "value"),
        "actor_local": Output(ID.actor_local, "value"),
        "actor_notes": Output(ID.actor_notes, "value"),
        "actor_fixed_cost": Output(ID.actor_fixed_cost, "value"),
        "actor_capital_cost": Output(ID.actor_capital_cost, "value"),
        "actor_save_disabled": Output(ID.actor_save, "disabled"),
        "actor_delete_disabled": Output(ID.actor_delete, "disabled"),
        "module_remove_disabled": Output(ID.module_remove, "disabled"),
        "nudge_disabled": Output(ID.nudge(ALL), "disabled"),
        "flow_heading": Output(ID.flow_heading, "children"),
        "flow_source": Output(ID.flow_source, "value", allow_duplicate=True),
        "flow_target": Output(ID.flow_target, "value", allow_duplicate=True),
        "flow_kind": Output(ID.flow_kind, "value"),
        "flow_label": Output(ID.flow_label, "value"),
        "flow_amount": Output(ID.flow_amount, "value"),
        "flow_occurrences": Output(ID.flow_occurrences, "value"),
        "flow_standards": Output(ID.flow_standards, "value"),
        **{name: Output(getattr(ID, name), "value") for name in FLOW_ECONOMICS_FIELDS},
        "flow_save_disabled": Output(ID.flow_save, "disabled"),
        "flow_delete_disabled": Output(ID.flow_delete, "disabled"),
    }

    @app.callback(
        output=form_outputs,
        inputs=dict(selection=Input(ID.selection, "data"), configuration_id=State(ID.config_id, "data")),
        prevent_initial_call=True,
    )
    def fill_forms(selection, configuration_id):
        services.require("view", configuration_id=configuration_id)
        config = None
        if selection and configuration_id is not None:
            try:
                config, _ = services.store.load(int(configuration_id))
            except Exception:  # noqa: BLE001 - a vanished configuration just empties the form
                config = None
        values = form_values(config, selection)
        return {name: values.get(name, no_update) for name in form_outputs}

    @app.callback(
        output={
            "flow_amount_estimate_hidden": Output(ID.flow_amount_estimate, "hidden"),
            "flow_amount_class": Output(ID.flow_amount, "className"),
            "flow_occurrences_estimate_hidden": Output(ID.flow_occurrences_estimate, "hidden"),
            "flow_occurrences_class": Output(ID.flow_occurrences, "className"),
        },
        inputs=dict(selection=Input(ID.selection, "data"), version=Input(ID.version, "data"),
                    configuration_id=State(ID.config_id, "data")),
        prevent_initial_call=True,
    )
    def mark_estimates(selection, version, configuration_id):
        """Redrawn on selection and after every edit: a saved change makes an estimate entered."""
        services.require("view", configuration_id=configuration_id)
        config = None
        if isinstance(selection, dict) and selection.get("kind") == "flow" and configuration_id is not None:
            try:
                config, _ = services.store.load(int(configuration_id))
            except Exception:  # noqa: BLE001 - a vanished configuration just clears the marks
                config = None
        return estimate_marks(config, selection)

    @app.callback(
        Output(ID.delete_modal, "is_open"),
        Output(ID.delete_text, "children"),
        Input(ID.actor_delete, "n_clicks"),
        Input(ID.flow_delete, "n_clicks"),
        Input(ID.delete_cancel, "n_clicks"),
        Input(ID.delete_confirm, "n_clicks"),
        State(ID.selection, "data"),
        State(ID.config_id, "data"),
        prevent_initial_call=True,
    )
    def confirm_delete(_a, _f, _cancel, _confirm, selection, configuration_id):
        services.require("edit", configuration_id=configuration_id)
        if ctx.triggered_id in (ID.delete_cancel, ID.delete_confirm):
            return False, no_update
        config = services.store.load(int(configuration_id))[0] if configuration_id is not None else None
        question = delete_question(config, selection)
        if question is None:
            return False, no_update
        return True, question

    @app.callback(
        Output(ID.cy, "stylesheet"),
        Input(ID.flag(ALL), "n_clicks"),  # type: ignore[arg-type]
        Input(ID.clear_highlight, "n_clicks"),
        State(ID.flag_elements, "data"),
        prevent_initial_call=True,
    )
    def on_flag(_flag_clicks, _clear, flag_elements):
        services.require("use")
        value = ctx.triggered[0]["value"] if ctx.triggered else None
        return highlight(ctx.triggered_id, value, flag_elements)

    @app.callback(
        Output(ID.cy, "layout"),
        Input(ID.layout_apply, "n_clicks"),
        State(ID.layout_name, "value"),
        prevent_initial_call=True,
    )
    def apply_layout(_clicks, name):
        services.require("use")
        return layout_for(name)

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
        from storage import StorageError

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

    @app.callback(
        Output(ID.download, "data"),
        Input(ID.export_button, "n_clicks"),
        Input(ID.export_svg, "n_clicks"),
        State(ID.export_format, "value"),
        State(ID.config_id, "data"),
        prevent_initial_call=True,
    )
    def export(_clicks, _svg, fmt, configuration_id):
        services.require("view", configuration_id=configuration_id)
        if not (ctx.triggered and ctx.triggered[0]["value"]):
            return no_update
        return export_file(services, configuration_id, "svg" if ctx.triggered_id == ID.export_svg else fmt)

    @app.callback(
        Output(ID.cy, "generateImage"),
        Input(ID.export_png, "n_clicks"),
        prevent_initial_call=True,
    )
    def export_png(_png):
        services.require("use")
        # PNG is drawn by cytoscape in the browser (what you see, full graph, white background)
        return {"type": "png", "action": "download", "filename": "citycanvas", "options": {"full": True, "bg": "#ffffff"}}


__all__ = ["register", "editor_page", "handle_edit", "apply_edit", "ChangeSet"]
