"""Competitive advantages page callbacks: add/edit/delete advantages, re-rank after each change.

Support values come from :func:`canvas_app.analysis.evaluate` of each service's configuration and
the ranking from :func:`canvas_app.ranking.rank_advantages`; nothing here computes a score.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dash import Output, no_update
from pydantic import ValidationError

from callbacks import ranked_list
from callbacks.needs import workspace_configurations
from canvas_app.evaluation import Evaluation
from canvas_app.ids import fresh_id, slug
from canvas_app.model import Configuration, describe_validation_error
from canvas_app.ranking import RankedAdvantage, criterion_choices, rank_advantages
from canvas_app.web.services import Services, Unavailable
from canvas_app.workspace_model import Advantage, AdvantageState
from layouts import advantages as advantages_layouts
from layouts.common import not_found
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
    found: dict[str, tuple[Configuration, Evaluation]] = {}
    for _id, config in workspace_configurations(services, workspace_id):
        if config.name not in found:
            found[config.name] = (config, services.evaluate(workspace_id, config, recommend=False, structure=False))
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

    try:
        workspace, _access = services.open_workspace(workspace_id)
    except Unavailable as exc:
        return not_found(str(exc))
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
    stored = {a.id: a for a in services.store.list_advantages(int(workspace_id))}
    existing = set(stored)
    return ranked_list.save_item(
        services,
        existing=existing,
        editing=editing,
        gone="This advantage was deleted meanwhile; nothing was saved. Press New to add it again.",
        build=lambda: ranked_list.keep_fields(
            advantage_from_form(services, workspace_id, editing, existing, fields),
            stored.get(editing or ""),
            ("rated_today", "rated_target"),
        ),
        upsert=lambda advantage: services.store.upsert_advantage(int(workspace_id), advantage, author=services.author),
        saved=lambda _advantage: "Advantage saved.",
    )


def delete_advantage(services: Services, workspace_id: int, advantage_id: str) -> Any:
    """Delete one advantage; the inline message says what happened."""
    return ranked_list.delete_item(
        lambda: services.store.delete_advantage(int(workspace_id), str(advantage_id), author=services.author),
        "Advantage deleted.",
    )


def form_values(advantage: Advantage) -> tuple[Any, ...]:
    """The form's field values for a stored advantage (FORM_FIELDS order)."""
    return (advantage.service, advantage.text, advantage.state.value, list(advantage.criteria), list(advantage.modules))


ADVANTAGES_LIST = ranked_list.RankedList(
    ids=advantages_layouts.ADVANTAGE_IDS,
    fields=(ID.adv_service, ID.adv_text, ID.adv_state, ID.adv_criteria, ID.adv_modules),
    field_names=FORM_FIELDS,
    empty_form=(no_update, "", AdvantageState.CURRENT.value, [], []),  # keeps the service
    new_heading=NEW_HEADING,
    edit_heading="Edit advantage",
    gone="This advantage was deleted meanwhile.",
    delete_warning="“{}” will be removed.",
    items=lambda services, workspace_id: services.store.list_advantages(int(workspace_id)),
    label=lambda advantage: advantage.text,
    form_values=form_values,
    save=save_advantage,
    delete=delete_advantage,
    render_outputs=(Output(ID.adv_ranking, "children"),),
    render=lambda services, workspace_id: ranking_children(
        services, workspace_id, ranked_advantages(services, workspace_id)
    ),
)
"""The advantages page's callbacks: the shared ranked-list ones (callbacks.ranked_list)."""


def register(app: Any, services: Services) -> None:
    ranked_list.register(app, services, ADVANTAGES_LIST)
