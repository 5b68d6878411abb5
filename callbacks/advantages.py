"""Competitive advantages page callbacks: add/edit/delete advantages, re-rank after each change.

Support values come from :func:`canvas_app.analysis.evaluate` of each service's configuration and
the ranking from :func:`canvas_app.ranking.rank_advantages`; nothing here computes a score.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dash import ALL, Input, Output, State, ctx, no_update
from pydantic import ValidationError

from callbacks.needs import live_workspace, workspace_configurations
from callbacks.services import Services
from canvas_app.evaluation import Evaluation
from canvas_app.ids import fresh_id, slug
from canvas_app.model import Configuration, describe_validation_error
from canvas_app.ranking import RankedAdvantage, criterion_choices, rank_advantages
from canvas_app.workspace_model import Advantage, AdvantageState
from layouts import advantages as advantages_layouts
from layouts.home import message
from layouts.ids import ID

FORM_FIELDS = ("service", "text", "state", "criteria", "modules")
NEW_HEADING = "Add an advantage"


@dataclass(frozen=True)
class WorkspaceAdvantages:
    """A workspace's advantages ranked against its services' configurations."""

    ranked: list[RankedAdvantage]
    services: list[str]  # configuration names, in workspace order


def service_evaluations(services: Services, workspace_id: int) -> dict[str, tuple[Configuration, Evaluation]]:
    """Each service (configuration name; the first of equal names) with its configuration and evaluation."""
    from callbacks.weights import workspace_score_weights
    from canvas_app.analysis import evaluate

    weights = workspace_score_weights(services, workspace_id)
    library = services.library_for(workspace_id)
    found: dict[str, tuple[Configuration, Evaluation]] = {}
    for _id, config in workspace_configurations(services, workspace_id):
        if config.name not in found:
            found[config.name] = (config, evaluate(config, library, recommend=False, structure=False, weights=weights))
    return found


def ranked_advantages(services: Services, workspace_id: int) -> WorkspaceAdvantages:
    evaluations = service_evaluations(services, workspace_id)
    ranked = rank_advantages(services.store.list_advantages(int(workspace_id)), evaluations)
    return WorkspaceAdvantages(ranked, list(evaluations))


def ranking_children(services: Services, workspace_id: int, state: WorkspaceAdvantages) -> Any:
    labels = {cid: label for cid, label, _score in criterion_choices()}
    module_names = {m.id: m.name for m in services.library_for(workspace_id)}
    return advantages_layouts.ranking_view(state.ranked, state.services, labels, module_names)


def advantages_page(services: Services, workspace_id: int) -> Any:
    """Build the Competitive advantages page of a workspace."""
    from callbacks.router import not_found

    services.require("view", workspace_id=workspace_id)
    workspace = live_workspace(services, workspace_id)
    if workspace is None:
        return not_found(f"There is no workspace {workspace_id}.")
    state = ranked_advantages(services, workspace_id)
    return advantages_layouts.advantages_layout(
        workspace_id=workspace.id,
        workspace_name=workspace.name,
        ranking=ranking_children(services, workspace.id, state),
        services=state.services,
        criteria=criterion_choices(),
        modules=[(m.id, m.name) for m in services.library_for(workspace.id)],
    )


def fresh_advantage_id(text: str, taken: set[str]) -> str:
    """A readable id from the text, unique in the workspace (``adv-open-standards…``, ``…-2``)."""
    return fresh_id("adv-" + slug(text)[:40].rstrip("-"), taken)


def advantage_from_form(
    services: Services, workspace_id: int, editing: str | None, taken: set[str], fields: dict[str, Any]
) -> tuple[Advantage | None, list[str]]:
    """Validate the form: ``(advantage, [])`` or ``(None, problems)``, each naming its field."""
    service = (fields.get("service") or "").strip()
    text = (fields.get("text") or "").strip()
    problems = []
    if not service:
        problems.append("Service: choose the configuration this advantage is for.")
    if not text:
        problems.append("Advantage: describe the advantage.")
    known_criteria = {cid for cid, _label, _score in criterion_choices()}
    criteria = list(fields.get("criteria") or [])
    modules = list(fields.get("modules") or [])
    problems += [f"Criteria: there is no criterion '{c}'." for c in criteria if c not in known_criteria]
    library = services.library_for(workspace_id)
    problems += [f"Modules: there is no library module '{m}'." for m in modules if m not in library]
    if problems:
        return None, problems
    data = {
        "id": editing or fresh_advantage_id(text, taken),
        "service": service,
        "text": text,
        "state": fields.get("state") or AdvantageState.CURRENT.value,
        "criteria": criteria,
        "modules": modules,
    }
    try:
        return Advantage.model_validate(data), []
    except ValidationError as exc:
        return None, [line[:1].upper() + line[1:] for line in describe_validation_error(exc, data)]


def save_advantage(
    services: Services, workspace_id: int, editing: str | None, fields: dict[str, Any]
) -> tuple[bool, Any]:
    """Add or replace one advantage; ``(saved, inline message)``."""
    from storage import StorageError

    existing = {a.id for a in services.store.list_advantages(int(workspace_id))}
    if editing and editing not in existing:
        return False, message("This advantage was deleted meanwhile; nothing was saved. Press New to add it again.")
    advantage, problems = advantage_from_form(services, workspace_id, editing, existing, fields)
    if advantage is None:
        return False, message(problems)
    try:
        services.store.upsert_advantage(int(workspace_id), advantage, author=services.author)
    except StorageError as exc:
        return False, message(str(exc))
    return True, message("Advantage saved.", color="success")


def delete_advantage(services: Services, workspace_id: int, advantage_id: str) -> Any:
    from storage import StorageError

    try:
        services.store.delete_advantage(int(workspace_id), str(advantage_id), author=services.author)
    except StorageError as exc:
        return message(str(exc))
    return message("Advantage deleted.", color="success")


def find_advantage(services: Services, workspace_id: int, advantage_id: str) -> Advantage | None:
    return next((a for a in services.store.list_advantages(int(workspace_id)) if a.id == advantage_id), None)


def register(app: Any, services: Services) -> None:
    form_outputs = [
        Output(ID.adv_service, "value", allow_duplicate=True),
        Output(ID.adv_text, "value", allow_duplicate=True),
        Output(ID.adv_state, "value", allow_duplicate=True),
        Output(ID.adv_criteria, "value", allow_duplicate=True),
        Output(ID.adv_modules, "value", allow_duplicate=True),
        Output(ID.adv_editing, "data", allow_duplicate=True),
        Output(ID.adv_form_heading, "children", allow_duplicate=True),
    ]
    empty_form = (no_update, "", AdvantageState.CURRENT.value, [], [], None, NEW_HEADING)  # keeps the service

    @app.callback(
        Output(ID.adv_feedback, "children"),
        Output(ID.adv_changed, "data"),
        *form_outputs,
        Input(ID.adv_save, "n_clicks"),
        State(ID.adv_workspace, "data"),
        State(ID.adv_editing, "data"),
        State(ID.adv_changed, "data"),
        State(ID.adv_service, "value"),
        State(ID.adv_text, "value"),
        State(ID.adv_state, "value"),
        State(ID.adv_criteria, "value"),
        State(ID.adv_modules, "value"),
        prevent_initial_call=True,
    )
    def save_advantage_clicked(clicks, workspace_id, editing, changed, *values):
        refusal = services.refusal("edit", workspace_id=workspace_id)
        if refusal:
            return (message(refusal),) + (no_update,) * 8
        if not clicks:
            return (no_update,) * 9
        saved, feedback = save_advantage(services, workspace_id, editing, dict(zip(FORM_FIELDS, values)))
        if not saved:
            return (feedback,) + (no_update,) * 8
        return (feedback, (changed or 0) + 1, *empty_form)

    @app.callback(
        *form_outputs,
        Output(ID.adv_feedback, "children", allow_duplicate=True),
        Input(ID.adv_edit(ALL), "n_clicks"),
        Input(ID.adv_clear, "n_clicks"),
        State(ID.adv_workspace, "data"),
        prevent_initial_call=True,
    )
    def fill_advantage_form(_edit_clicks, _clear_clicks, workspace_id):
        services.require("view", workspace_id=workspace_id)
        if not (ctx.triggered and ctx.triggered[0]["value"]):
            return (no_update,) * 8  # the list was re-rendered: nothing was clicked
        if ctx.triggered_id == ID.adv_clear:
            return (*empty_form, None)
        advantage = find_advantage(services, workspace_id, ctx.triggered_id["advantage"])
        if advantage is None:
            return (no_update,) * 7 + (message("This advantage was deleted meanwhile."),)
        return (advantage.service, advantage.text, advantage.state.value, list(advantage.criteria),
                list(advantage.modules), advantage.id, "Edit advantage", None)

    @app.callback(
        Output(ID.adv_ranking, "children"),
        Input(ID.adv_changed, "data"),
        State(ID.adv_workspace, "data"),
        prevent_initial_call=True,
    )
    def render_advantages(_changed, workspace_id):
        services.require("view", workspace_id=workspace_id)
        return ranking_children(services, workspace_id, ranked_advantages(services, workspace_id))

    @app.callback(
        Output(ID.adv_delete_modal, "is_open"),
        Output(ID.adv_delete_text, "children"),
        Output(ID.adv_delete_pending, "data"),
        Input(ID.adv_delete(ALL), "n_clicks"),
        State(ID.adv_workspace, "data"),
        prevent_initial_call=True,
    )
    def ask_to_delete_advantage(_clicks, workspace_id):
        services.require("view", workspace_id=workspace_id)
        if not (ctx.triggered and ctx.triggered[0]["value"]):
            return no_update, no_update, no_update
        advantage_id = ctx.triggered_id["advantage"]
        advantage = find_advantage(services, workspace_id, advantage_id)
        text = advantage.text if advantage is not None else advantage_id
        return True, f"“{text}” will be removed.", advantage_id

    @app.callback(
        Output(ID.adv_delete_modal, "is_open", allow_duplicate=True),
        Output(ID.adv_feedback, "children", allow_duplicate=True),
        Output(ID.adv_changed, "data", allow_duplicate=True),
        Input(ID.adv_delete_confirm, "n_clicks"),
        Input(ID.adv_delete_cancel, "n_clicks"),
        State(ID.adv_delete_pending, "data"),
        State(ID.adv_workspace, "data"),
        State(ID.adv_changed, "data"),
        prevent_initial_call=True,
    )
    def confirm_delete_advantage(_confirm, _cancel, advantage_id, workspace_id, changed):
        confirmed = ctx.triggered_id == ID.adv_delete_confirm and bool(advantage_id)
        refusal = services.refusal("edit" if confirmed else "view", workspace_id=workspace_id)
        if refusal:
            return False, message(refusal), no_update
        if not confirmed:
            return False, no_update, no_update
        return False, delete_advantage(services, workspace_id, advantage_id), (changed or 0) + 1
