"""Needs & opportunities page callbacks: add/edit/delete needs, edit the ranking weights, and record
which configuration's flows serve a need.

The bodies are plain functions (unit-tested directly); ranking and mapping come from
:mod:`canvas_app.ranking`, persistence from the store. A save or delete bumps the
``needs_changed`` store, and one callback re-renders the ranking from the database.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from dash import Input, Output, State, ctx, no_update
from pydantic import ValidationError

from callbacks import ranked_list
from canvas_app.ids import fresh_id, slug
from canvas_app.model import Configuration, Goal, describe_validation_error
from canvas_app.ranking import (
    DEFAULT_NEED_WEIGHTS,
    NEED_WEIGHT_PREFIX,
    RankedNeed,
    check_need_weights,
    need_weights,
    own_entry,
    rank_needs,
    with_need_served,
)
from canvas_app.web.services import Services, Unavailable
from canvas_app.weights import WeightError
from canvas_app.workspace_model import WorkspaceNeed
from layouts import needs as needs_layouts
from layouts.common import message, not_found
from layouts.ids import ID
from storage import ConflictError, StorageError

FORM_FIELDS = ("name", "who", "kind", "importance", "urgency", "evidence", "description")
"""The form's fields, in the order the callbacks pass them."""
EMPTY_FORM = ("", "", "need", "3", "3", "", "")
NEW_HEADING = "Add a need or opportunity"


@dataclass(frozen=True)
class WorkspaceNeeds:
    """A workspace's needs ranked against its live configurations."""

    ranked: list[RankedNeed]
    configurations: list[tuple[int, str]]  # (stored id, name), in the order ranked against
    weights: dict[str, float]


def workspace_configurations(services: Services, workspace_id: int) -> list[tuple[int, Configuration]]:
    """Every live configuration of the workspace at its head revision."""
    return [(head.id, services.load(head.id)[0]) for head in services.store.list_configurations(int(workspace_id))]


def ranked_needs(services: Services, workspace_id: int) -> WorkspaceNeeds:
    """Load needs, weights and configurations, and rank (the core does the ranking)."""
    configurations = workspace_configurations(services, workspace_id)
    weights = need_weights(services.store.get_weights(int(workspace_id)))
    ranked = rank_needs(services.store.list_needs(int(workspace_id)), [c for _, c in configurations], weights)
    return WorkspaceNeeds(ranked, [(i, c.name) for i, c in configurations], weights)


def module_names(services: Services, workspace_id: int) -> dict[str, str]:
    """Module names by id (shared library and the workspace's own), to name the modules that serve a need."""
    return {m.id: m.name for m in services.library_for(workspace_id)}


def needs_page(services: Services, workspace_id: int) -> Any:
    """Build the Needs & opportunities page of a workspace."""

    try:
        workspace, _access = services.open_workspace(workspace_id)
    except Unavailable as exc:
        return not_found(str(exc))
    state = ranked_needs(services, workspace_id)
    return needs_layouts.needs_layout(
        workspace_id=workspace.id,
        workspace_name=workspace.name,
        weights=state.weights,
        ranked=state.ranked,
        configurations=state.configurations,
        module_names=module_names(services, workspace.id),
    )


def ranking_view(services: Services, workspace_id: int) -> tuple[Any, Any, list[dict[str, str]]]:
    """The ranked table, the unserved list and the need options of the "serve" form."""
    state = ranked_needs(services, workspace_id)
    ids = [i for i, _ in state.configurations]
    options = [{"label": r.need.name, "value": r.need.id} for r in state.ranked]
    table = needs_layouts.ranking_table(state.ranked, ids, module_names(services, workspace_id))
    return table, needs_layouts.unserved_list(state.ranked), options


def fresh_need_id(name: str, taken: set[str]) -> str:
    """A readable id from the name, unique in the workspace (``need-pay-for-parking``, ``…-2``)."""
    return fresh_id("need-" + slug(name), taken)


def need_from_form(
    editing: str | None, taken: set[str], fields: dict[str, Any]
) -> tuple[WorkspaceNeed | None, list[str]]:
    """Validate the form: ``(need, [])`` or ``(None, problems)``, each problem naming its field."""
    name = (fields.get("name") or "").strip()
    if not name:
        return None, ["Name: give the need or opportunity a name."]
    data = {
        "id": editing or fresh_need_id(name, taken),
        "name": name,
        "who": fields.get("who") or "",
        "importance": fields.get("importance") or 3,
        "urgency": fields.get("urgency") or 3,
        "evidence": fields.get("evidence") or "",
        "description": fields.get("description") or "",
        "opportunity": fields.get("kind") == "opportunity",
    }
    try:
        return WorkspaceNeed.model_validate(data), []
    except ValidationError as exc:
        return None, [line[:1].upper() + line[1:] for line in describe_validation_error(exc, data)]


def save_need(services: Services, workspace_id: int, editing: str | None, fields: dict[str, Any]) -> tuple[bool, Any]:
    """Add or replace one need; ``(saved, inline message)``."""
    stored = {n.id: n for n in services.store.list_needs(int(workspace_id))}
    existing = set(stored)
    return ranked_list.save_item(
        services,
        existing=existing,
        editing=editing,
        gone="This need was deleted meanwhile; nothing was saved. Press New to add it again.",
        build=lambda: ranked_list.keep_fields(
            need_from_form(editing, existing, fields), stored.get(editing or ""), ("stakeholders",)
        ),
        upsert=lambda need: services.store.upsert_need(int(workspace_id), need, author=services.author),
        saved=lambda need: f"Saved “{need.name}”.",
    )


def form_values(need: WorkspaceNeed) -> tuple[str, ...]:
    """The form's field values for a stored need (FORM_FIELDS order)."""
    return (
        need.name,
        need.who,
        "opportunity" if need.opportunity else "need",
        str(need.importance),
        str(need.urgency),
        need.evidence,
        need.description,
    )


def delete_need(services: Services, workspace_id: int, need_id: str) -> Any:
    """Delete one need; the inline message says what happened."""
    return ranked_list.delete_item(
        lambda: services.store.delete_need(int(workspace_id), str(need_id), author=services.author), "Need deleted."
    )


def save_weights(services: Services, workspace_id: int, raw: dict[str, Any]) -> tuple[bool, Any]:
    """Validate and save the need-ranking weights of the workspace (score weights stay as they are)."""

    try:
        weights = check_need_weights(raw)
    except WeightError as exc:
        return False, message(exc.problems)
    try:
        services.store.set_weight_group(int(workspace_id), NEED_WEIGHT_PREFIX, weights, author=services.author)
    except (StorageError, ValueError) as exc:
        return False, message(str(exc))
    return True, message("Weights saved; the ranking is updated.", color="success")


def flow_choices(
    services: Services, workspace_id: int, need_id: str | None, configuration_id: str | None
) -> tuple[list[dict[str, str]], list[str]]:
    """The configuration's flows as checklist options, ticked where they already serve the need."""
    if not configuration_id:
        return [], []
    config = services.load(int(configuration_id))[0]
    names = {a.id: a.name for a in config.actors}
    options = [
        {"label": f"{f.label or f.kind.value} ({names[f.source]} → {names[f.target]})", "value": f.id}
        for f in config.flows
    ]
    need = next((n for n in services.store.list_needs(int(workspace_id)) if n.id == need_id), None)
    own = own_entry(need, config) if need is not None else None
    return options, list(own.served_by) if own is not None else []


def serve_need(
    services: Services, workspace_id: int, need_id: str | None, configuration_id: str | None, flows: list[str]
) -> tuple[bool, Any]:
    """Save a new revision of the configuration in which ``flows`` serve the need (never an overwrite)."""

    if not need_id:
        return False, message("Need: choose a need.")
    if not configuration_id:
        return False, message("Configuration: choose a configuration.")
    need = next((n for n in services.store.list_needs(int(workspace_id)) if n.id == need_id), None)
    if need is None:
        return False, message("That need was deleted meanwhile; nothing was saved.")
    try:
        config, head = services.store.load(int(configuration_id))
        if head.workspace_id != int(workspace_id) or head.deleted_at is not None:
            return False, message("Configuration: choose one of this workspace's configurations.")
        updated = with_need_served(config, need, flows or [])
    except ValidationError as exc:
        return False, message(describe_validation_error(exc))
    except StorageError as exc:
        return False, message(str(exc))
    verb = f"served by {len(flows)} flow(s)" if flows else "listed, not served yet"
    try:
        services.store.save(
            int(configuration_id),
            updated,
            base_version=head.version,
            author=services.author,
            summary=f"need '{need.name}' {verb}"[:200],
        )
    except ConflictError:
        return False, message(f"{head.name} was changed by someone else just now; nothing was saved. Save again.")
    except StorageError as exc:
        return False, message(str(exc))
    return True, message(f"{head.name}: “{need.name}” {verb}.", color="success")


GOAL_FIELDS = ("name", "need", "indicator", "baseline", "target", "unit", "year")
"""The goal form's fields, in the order the callbacks pass them."""
EMPTY_GOAL = ("", "", "", None, None, "", None)
NEW_GOAL = {"label": "New goal", "value": ""}


def goal_choices(services: Services, configuration_id: str | None) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """The configuration's goals (after "New goal") and its needs (after "none"), as select options."""
    if not configuration_id:
        return [NEW_GOAL], []
    config = services.load(int(configuration_id))[0]
    return (
        [NEW_GOAL, *({"label": g.name, "value": g.id} for g in config.goals)],
        [{"label": "– none –", "value": ""}, *({"label": n.name, "value": n.id} for n in config.needs)],
    )


def goal_values(services: Services, configuration_id: str | None, goal_id: str | None) -> tuple[Any, ...]:
    """The goal form's values for a stored goal (GOAL_FIELDS order); empty for a new one."""
    if not configuration_id or not goal_id:
        return EMPTY_GOAL
    goal = next((g for g in services.load(int(configuration_id))[0].goals if g.id == goal_id), None)
    if goal is None:
        return EMPTY_GOAL
    return (goal.name, goal.need or "", goal.indicator, goal.baseline, goal.target, goal.unit, goal.year)


def goal_from_form(goal_id: str | None, taken: set[str], fields: dict[str, Any]) -> tuple[Goal | None, list[str]]:
    """Validate the goal form: ``(goal, [])`` or ``(None, problems)``, each naming its field."""
    name = (fields.get("name") or "").strip()
    if not name:
        return None, ["Public goal: name the goal, e.g. “Cut time spent searching for parking”."]
    data = {
        "id": goal_id or fresh_id("goal-" + slug(name), taken),
        "name": name,
        "need": fields.get("need") or None,
        "indicator": fields.get("indicator") or "",
        "unit": fields.get("unit") or "",
        **{k: fields.get(k) for k in ("baseline", "target", "year") if fields.get(k) not in (None, "")},
    }
    try:
        return Goal.model_validate(data), []
    except ValidationError as exc:
        return None, [line[:1].upper() + line[1:] for line in describe_validation_error(exc, data)]


def _save_goals(
    services: Services,
    workspace_id: int,
    configuration_id: str | None,
    goals: Callable[[Configuration], list[Goal] | str],
    summary: str,
) -> tuple[bool, Any]:
    """Save a new revision with ``goals(config)`` as its goals (never an overwrite); ``(saved, message)``."""

    if not configuration_id:
        return False, message("Configuration: choose a configuration.")
    try:
        config, head = services.store.load(int(configuration_id))
        if head.workspace_id != int(workspace_id) or head.deleted_at is not None:
            return False, message("Configuration: choose one of this workspace's configurations.")
        new_goals = goals(config)
        if isinstance(new_goals, str):
            return False, message(new_goals)
        updated = Configuration.model_validate({**config.model_dump(), "goals": [g.model_dump() for g in new_goals]})
        services.store.save(
            int(configuration_id), updated, base_version=head.version, author=services.author, summary=summary[:200]
        )
    except ValidationError as exc:
        return False, message(describe_validation_error(exc))
    except ConflictError:
        return False, message(f"{head.name} was changed by someone else just now; nothing was saved. Save again.")
    except StorageError as exc:
        return False, message(str(exc))
    return True, message(f"{head.name}: {summary}.", color="success")


def save_goal(
    services: Services, workspace_id: int, configuration_id: str | None, goal_id: str | None, fields: dict[str, Any]
) -> tuple[bool, Any, str | None]:
    """Add or replace one public goal of a configuration; ``(saved, inline message, goal id)``."""
    chosen: list[Goal] = []

    def change(config: Configuration) -> list[Goal] | str:
        if goal_id and goal_id not in {g.id for g in config.goals}:
            return "This goal was removed meanwhile; nothing was saved. Choose New goal to add it again."
        goal, problems = goal_from_form(goal_id, {g.id for g in config.goals}, fields)
        if goal is None:
            return "; ".join(problems)
        chosen.append(goal)
        kept = [goal if g.id == goal.id else g for g in config.goals]
        return kept if goal_id else [*kept, goal]

    name = (fields.get("name") or "").strip()
    saved, feedback = _save_goals(services, workspace_id, configuration_id, change, f"public goal “{name}” saved")
    return saved, feedback, chosen[0].id if saved and chosen else None


def remove_goal(
    services: Services, workspace_id: int, configuration_id: str | None, goal_id: str | None
) -> tuple[bool, Any]:
    """Remove one public goal of a configuration (a new revision)."""
    if not goal_id:
        return False, message("Goal: choose the goal to remove.")

    def change(config: Configuration) -> list[Goal] | str:
        if goal_id not in {g.id for g in config.goals}:
            return "This goal was removed meanwhile; nothing changed."
        return [g for g in config.goals if g.id != goal_id]

    return _save_goals(services, workspace_id, configuration_id, change, "public goal removed")


NEEDS_LIST = ranked_list.RankedList(
    ids=needs_layouts.NEED_IDS,
    fields=(
        ID.needs_name,
        ID.needs_who,
        ID.needs_kind,
        ID.needs_importance,
        ID.needs_urgency,
        ID.needs_evidence,
        ID.needs_description,
    ),
    field_names=FORM_FIELDS,
    empty_form=EMPTY_FORM,
    new_heading=NEW_HEADING,
    edit_heading="Edit “{}”",
    gone="This need was deleted meanwhile.",
    delete_warning="“{}” will be removed from the workspace's needs. Configurations keep their own copy.",
    items=lambda services, workspace_id: services.store.list_needs(int(workspace_id)),
    label=lambda need: need.name,
    form_values=form_values,
    save=save_need,
    delete=delete_need,
    render_outputs=(
        Output(ID.needs_ranking, "children"),
        Output(ID.needs_unserved, "children"),
        Output(ID.needs_serve_need, "options"),
    ),
    render=ranking_view,
)
"""The need list's part of the page: the shared ranked-list callbacks (callbacks.ranked_list)."""


def register(app: Any, services: Services) -> None:
    ranked_list.register(app, services, NEEDS_LIST)

    @app.callback(
        Output(ID.needs_weights_feedback, "children"),
        Output(ID.needs_changed, "data", allow_duplicate=True),
        Input(ID.needs_weights_save, "n_clicks"),
        State(ID.needs_workspace, "data"),
        State(ID.needs_changed, "data"),
        *[State(ID.needs_weight(name), "value") for name in DEFAULT_NEED_WEIGHTS],
        prevent_initial_call=True,
    )
    def save_need_weights(clicks, workspace_id, changed, *values):
        refusal = services.refusal("edit", workspace_id=workspace_id)
        if refusal:
            return message(refusal), no_update
        if not clicks:
            return no_update, no_update
        saved, feedback = save_weights(services, workspace_id, dict(zip(DEFAULT_NEED_WEIGHTS, values)))
        return feedback, ((changed or 0) + 1) if saved else no_update

    @app.callback(
        *[Output(ID.needs_weight(name), "value") for name in DEFAULT_NEED_WEIGHTS],
        Input(ID.needs_weights_reset, "n_clicks"),
        prevent_initial_call=True,
    )
    def default_need_weights(clicks):
        services.require("use")
        if not clicks:
            return (no_update,) * len(DEFAULT_NEED_WEIGHTS)
        return tuple(DEFAULT_NEED_WEIGHTS.values())

    @app.callback(
        Output(ID.needs_serve_flows, "options"),
        Output(ID.needs_serve_flows, "value"),
        Input(ID.needs_serve_need, "value"),
        Input(ID.needs_serve_config, "value"),
        State(ID.needs_workspace, "data"),
        prevent_initial_call=True,
    )
    def list_serving_flows(need_id, configuration_id, workspace_id):
        services.require("view", workspace_id=workspace_id, configuration_id=configuration_id or None)
        return flow_choices(services, workspace_id, need_id, configuration_id)

    @app.callback(
        Output(ID.needs_serve_feedback, "children"),
        Output(ID.needs_changed, "data", allow_duplicate=True),
        Input(ID.needs_serve_save, "n_clicks"),
        State(ID.needs_workspace, "data"),
        State(ID.needs_serve_need, "value"),
        State(ID.needs_serve_config, "value"),
        State(ID.needs_serve_flows, "value"),
        State(ID.needs_changed, "data"),
        prevent_initial_call=True,
    )
    def save_need_mapping(clicks, workspace_id, need_id, configuration_id, flows, changed):
        refusal = services.refusal("edit", workspace_id=workspace_id, configuration_id=configuration_id or None)
        if refusal:
            return message(refusal), no_update
        if not clicks:
            return no_update, no_update
        saved, feedback = serve_need(services, workspace_id, need_id, configuration_id, flows or [])
        return feedback, ((changed or 0) + 1) if saved else no_update

    @app.callback(
        Output(ID.goals_goal, "options"),
        Output(ID.goals_goal, "value"),
        Output(ID.goals_need, "options"),
        Input(ID.goals_config, "value"),
        State(ID.needs_workspace, "data"),
        prevent_initial_call=True,
    )
    def list_goals(configuration_id, workspace_id):
        services.require("view", workspace_id=workspace_id, configuration_id=configuration_id or None)
        goals, needs_options = goal_choices(services, configuration_id)
        return goals, "", needs_options

    @app.callback(
        *[Output(getattr(ID, f"goals_{name}"), "value") for name in GOAL_FIELDS],
        Input(ID.goals_goal, "value"),
        State(ID.goals_config, "value"),
        State(ID.needs_workspace, "data"),
        prevent_initial_call=True,
    )
    def fill_goal_form(goal_id, configuration_id, workspace_id):
        services.require("view", workspace_id=workspace_id, configuration_id=configuration_id or None)
        return goal_values(services, configuration_id, goal_id)

    @app.callback(
        Output(ID.goals_feedback, "children"),
        Output(ID.goals_goal, "options", allow_duplicate=True),
        Output(ID.goals_goal, "value", allow_duplicate=True),
        Input(ID.goals_save, "n_clicks"),
        Input(ID.goals_remove, "n_clicks"),
        State(ID.needs_workspace, "data"),
        State(ID.goals_config, "value"),
        State(ID.goals_goal, "value"),
        *[State(getattr(ID, f"goals_{name}"), "value") for name in GOAL_FIELDS],
        prevent_initial_call=True,
    )
    def save_or_remove_goal(save_clicks, remove_clicks, workspace_id, configuration_id, goal_id, *values):
        refusal = services.refusal("edit", workspace_id=workspace_id, configuration_id=configuration_id or None)
        if refusal:
            return message(refusal), no_update, no_update
        if ctx.triggered_id == ID.goals_remove and remove_clicks:
            saved, feedback = remove_goal(services, workspace_id, configuration_id, goal_id)
            chosen = ""
        elif save_clicks:
            saved, feedback, chosen = save_goal(
                services, workspace_id, configuration_id, goal_id, dict(zip(GOAL_FIELDS, values))
            )
        else:
            return no_update, no_update, no_update
        if not saved:
            return feedback, no_update, no_update
        return feedback, goal_choices(services, configuration_id)[0], chosen
