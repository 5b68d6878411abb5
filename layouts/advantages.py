"""The Competitive advantages page of a workspace: per service (configuration), current and to-be
advantages ranked by how strongly the configuration's criteria and modules support them.

Pure builders over :func:`canvas_app.ranking.rank_advantages` results; user text is rendered as text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import dash_bootstrap_components as dbc
from dash import html

from canvas_app.ranking import RankedAdvantage
from canvas_app.workspace_model import Advantage, AdvantageState
from layouts.ids import ID
from layouts.needs import page_header, stakeholder_summary
from layouts.ranked_list import ListIds, form_buttons, item_buttons, ranked_list_page

ADVANTAGE_IDS = ListIds(
    workspace=ID.adv_workspace,
    changed=ID.adv_changed,
    editing=ID.adv_editing,
    delete_pending=ID.adv_delete_pending,
    form_heading=ID.adv_form_heading,
    save=ID.adv_save,
    clear=ID.adv_clear,
    feedback=ID.adv_feedback,
    ranking=ID.adv_ranking,
    delete_modal=ID.adv_delete_modal,
    delete_text=ID.adv_delete_text,
    delete_confirm=ID.adv_delete_confirm,
    delete_cancel=ID.adv_delete_cancel,
    edit=ID.adv_edit,
    delete=ID.adv_delete,
    item_key="advantage",
)

PICK_LIST_STYLE = {"maxHeight": "11rem", "overflowY": "auto"}
"""Long checklists (22 criteria, the whole module library) scroll inside the form."""
STATE_LABELS = {AdvantageState.CURRENT: "Current", AdvantageState.TO_BE: "To be developed"}


def advantage_form(
    services: Sequence[str], criteria: Sequence[tuple[str, str, str]], modules: Sequence[tuple[str, str]]
) -> dbc.Card:
    """Add or edit an advantage. ``criteria`` is ``[(id, label, score name)]``, ``modules`` ``[(id, name)]``."""
    return dbc.Card(
        dbc.CardBody(
            [
                html.H2("Add an advantage", id=ID.adv_form_heading, className="h5"),
                dbc.Label("Service (configuration)", html_for=ID.adv_service, className="small mb-0"),
                dbc.Select(
                    id=ID.adv_service,
                    options=[{"label": s, "value": s} for s in services],
                    value=services[0] if services else None,
                ),
                dbc.Label("Advantage", html_for=ID.adv_text, className="small mb-0 mt-2"),
                dbc.Textarea(
                    id=ID.adv_text,
                    maxLength=5000,
                    rows=2,
                    placeholder="e.g. Open standards make it replicable in other cities",
                ),
                dbc.RadioItems(
                    id=ID.adv_state,
                    options=[{"label": label, "value": state.value} for state, label in STATE_LABELS.items()],
                    value=AdvantageState.CURRENT.value,
                    inline=True,
                    className="mt-2",
                ),
                html.Fieldset(
                    [
                        html.Legend("Criteria that support it", className="small mb-0 mt-2 fs-6"),
                        dbc.Checklist(
                            id=ID.adv_criteria,
                            options=[
                                {"label": f"{score.replace('_', ' ').capitalize()}: {label}", "value": cid}
                                for cid, label, score in criteria
                            ],
                            value=[],
                            className="small border rounded px-2",
                            style=PICK_LIST_STYLE,
                        ),
                    ]
                ),
                html.Fieldset(
                    [
                        html.Legend("Modules that support it", className="small mb-0 mt-2 fs-6"),
                        dbc.Checklist(
                            id=ID.adv_modules,
                            options=[{"label": name, "value": mid} for mid, name in modules],
                            value=[],
                            className="small border rounded px-2",
                            style=PICK_LIST_STYLE,
                        ),
                    ]
                ),
                *form_buttons(ADVANTAGE_IDS, "Save advantage", "Empty the form to add another advantage"),
            ]
        ),
        className="mb-3",
    )


def _support_list(item: RankedAdvantage, labels: Mapping[str, str], module_names: Mapping[str, str]) -> list[Any]:
    lines: list[Any] = []
    for criterion in item.advantage.criteria:
        label = labels.get(criterion, criterion)
        if criterion in item.support:
            value, gap = item.support[criterion], item.gaps[criterion]
            lines.append(
                html.Li(
                    [
                        html.Span(f"{label}: {value:.2f}"),
                        html.Progress(
                            value=str(round(100 * value)),
                            max="100",
                            className="advantage-bar d-block w-100",
                            **{"aria-label": f"{label}: {value:.2f} of 1"},
                        ),
                        html.Span(f"gap {gap:.2f}", className="small text-body-secondary") if gap > 0 else None,
                    ],
                    className="criterion-support",
                    **{"data-criterion": criterion},
                )
            )
        else:
            lines.append(html.Li(f"{label}: no value (no configuration for this service)", className="text-danger"))
    for module in item.advantage.modules:
        name = module_names.get(module, module)
        missing = module in item.missing_modules
        lines.append(
            html.Li(
                f"{name}: {'not in the configuration yet' if missing else 'in place'}",
                className="text-danger" if missing else "text-success",
            )
        )
    return lines or [html.Li("No criteria or modules linked: link some to rank it.", className="text-body-secondary")]


def _stakeholder_lines(advantage: Advantage) -> Any:
    """An accepted co-creation round's ratings: the strength today (one part of the score) and the target."""
    lines = []
    for label, rating in (("Stakeholders, strength today", advantage.rated_today), ("target", advantage.rated_target)):
        if rating is not None:
            lines.append(html.Li([f"{label}: ", stakeholder_summary(rating)]))
    return html.Ul(lines, className="small mb-1 stakeholder-rating") if lines else None


def _advantage_item(
    item: RankedAdvantage, rank: int, labels: Mapping[str, str], module_names: Mapping[str, str]
) -> html.Li:
    advantage = item.advantage
    return html.Li(
        [
            html.Div(
                [
                    html.Span(f"{rank}. ", className="text-body-secondary"),
                    html.Span(advantage.text, className="fw-semibold advantage-text"),
                    html.Span(
                        f"{item.score:.1f}",
                        className="badge text-bg-primary ms-2 advantage-score",
                        title="Mean support of its linked criteria and modules (and the stakeholders' strength today, "
                        "once a round is accepted), 0–100",
                    ),
                ]
            ),
            html.Ul(_support_list(item, labels, module_names), className="small mb-1"),
            _stakeholder_lines(advantage),
            item_buttons(
                ADVANTAGE_IDS,
                advantage.id,
                f"Edit advantage {advantage.text[:60]}",
                f"Delete advantage {advantage.text[:60]}",
            ),
        ],
        className="list-group-item advantage",
        **{"data-advantage": advantage.id, "data-state": advantage.state.value},
    )


def ranking_view(
    ranked: Sequence[RankedAdvantage],
    services: Sequence[str],
    labels: Mapping[str, str],
    module_names: Mapping[str, str],
) -> Any:
    """Per service, its current then to-be advantages, each in rank order."""
    if not ranked:
        return html.P("No advantages yet: add the first one with the form.", className="text-body-secondary")
    names = list(services) + sorted({r.advantage.service for r in ranked} - set(services))
    cards = []
    for service in names:
        mine = [r for r in ranked if r.advantage.service == service]
        if not mine:
            continue
        sections = []
        for state, label in STATE_LABELS.items():
            group = [r for r in mine if r.advantage.state == state]
            if group:
                sections.append(html.H4(label, className="h6 mt-2 px-3"))
                sections.append(
                    html.Ol(
                        [_advantage_item(r, i, labels, module_names) for i, r in enumerate(group, 1)],
                        className="list-group list-group-flush",
                        **{"data-state": state.value},
                    )
                )
        header = [html.H3(service, className="h5 mb-0")]
        if not mine[0].service_found:
            header.append(  # the darker red: the plain one falls short of 4.5:1 on the header's grey
                html.Span("no configuration of this name in the workspace", className="small text-danger-emphasis")
            )
        cards.append(dbc.Card([dbc.CardHeader(header), *sections], className="mb-3 advantage-service"))
    return cards


def advantages_layout(
    *,
    workspace_id: int,
    workspace_name: str,
    ranking: Any,
    services: Sequence[str],
    criteria: Sequence[tuple[str, str, str]],
    modules: Sequence[tuple[str, str]],
) -> html.Main:
    """The whole page; ``ranking`` comes from :func:`ranking_view`."""
    return ranked_list_page(
        ADVANTAGE_IDS,
        workspace_id=workspace_id,
        header=page_header(f"Competitive advantages · {workspace_name}", workspace_id, "advantages"),
        intro="Current and to-be competitive advantages of each service, ranked by how strongly its "
        "configuration supports them: the mean of the linked criteria (0–1, from the scoring), the "
        "share of linked modules in place and, once a co-creation round's results are accepted, the "
        "stakeholders' strength today ((median − 1) / 4). A to-be advantage shows the gap still to close.",
        ranking=[html.H2("Ranking", className="h5"), html.Div(ranking, id=ID.adv_ranking)],
        side=advantage_form(services, criteria, modules),
        delete_title="Delete this advantage?",
    )
