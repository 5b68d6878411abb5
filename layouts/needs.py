"""The Needs & opportunities page of a workspace: the form, the ranking weights, the ranked list,
the needs no configuration serves, and "serve a need in a configuration".

Pure builders: they take ranked needs (:func:`canvas_app.ranking.rank_needs`) and plain values;
every user text goes into components as text, never as HTML.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from canvas_app.ranking import DEFAULT_NEED_WEIGHTS, MAX_NEED_WEIGHT, NEED_CRITERIA, RankedNeed, unserved_needs
from canvas_app.workspace_model import StakeholderRating
from layouts.ids import ID
from layouts.ranked_list import ListIds, form_buttons, item_buttons, ranked_list_page

NEED_IDS = ListIds(
    workspace=ID.needs_workspace,
    changed=ID.needs_changed,
    editing=ID.needs_editing,
    delete_pending=ID.needs_delete_pending,
    form_heading=ID.needs_form_heading,
    save=ID.needs_save,
    clear=ID.needs_clear,
    feedback=ID.needs_feedback,
    ranking=ID.needs_ranking,
    delete_modal=ID.needs_delete_modal,
    delete_text=ID.needs_delete_text,
    delete_confirm=ID.needs_delete_confirm,
    delete_cancel=ID.needs_delete_cancel,
    edit=ID.needs_edit,
    delete=ID.needs_delete,
    item_key="need",
)
SCALE = [{"label": str(i), "value": str(i)} for i in range(1, 6)]


def workspace_links(workspace_id: int) -> list[Any]:
    """Links from Home to a workspace's Needs, Advantages, Score weights and Module library pages."""
    return [  # the darker link colour keeps 4.5:1 contrast on the card header's grey
        dcc.Link("Needs", href=f"/workspace/{workspace_id}/needs", className="small ms-2 text-primary-emphasis"),
        dcc.Link(
            "Advantages", href=f"/workspace/{workspace_id}/advantages", className="small ms-2 text-primary-emphasis"
        ),
        dcc.Link(
            "Score weights", href=f"/workspace/{workspace_id}/weights", className="small ms-2 text-primary-emphasis"
        ),
        dcc.Link("Modules", href=f"/workspace/{workspace_id}/modules", className="small ms-2 text-primary-emphasis"),
    ]


def configuration_links(configuration_id: int, workspace_id: int | None) -> list[Any]:
    """Links from the editor to the configuration's value mechanisms and its workspace's needs."""
    links = [dcc.Link("Value mechanisms", href=f"/mechanisms/{configuration_id}", className="small ms-3")]
    if workspace_id is not None:
        links.append(dcc.Link("Needs", href=f"/workspace/{workspace_id}/needs", className="small ms-2"))
        links.append(dcc.Link("Modules", href=f"/workspace/{workspace_id}/modules", className="small ms-2"))
    return links


def page_header(title: str, workspace_id: int, current: str) -> html.Nav:
    """Heading with links between Home and the workspace's Needs, Advantages, Score weights, Modules and City profiles pages."""
    links = [
        ("needs", "Needs & opportunities", f"/workspace/{workspace_id}/needs"),
        ("advantages", "Competitive advantages", f"/workspace/{workspace_id}/advantages"),
        ("weights", "Score weights", f"/workspace/{workspace_id}/weights"),
        ("modules", "Module library", f"/workspace/{workspace_id}/modules"),
        ("cities", "City profiles", f"/workspace/{workspace_id}/cities"),
        ("rounds", "Co-creation rounds", f"/workspace/{workspace_id}/rounds"),
    ]
    return html.Div(
        [
            html.Nav(
                [dcc.Link("← Home", href="/", className="me-3")]
                + [
                    dcc.Link(label, href=href, className="me-3 fw-semibold" if key == current else "me-3")
                    for key, label, href in links
                ],
                className="small mt-3",
                **{"aria-label": "Workspace pages"},
            ),
            html.H1(title, className="h4 mt-2"),
        ]
    )


def need_form() -> dbc.Card:
    """Add or edit one need or opportunity; problems appear inline under the button."""
    return dbc.Card(
        dbc.CardBody(
            [
                html.H2("Add a need or opportunity", id=ID.needs_form_heading, className="h5"),
                dbc.RadioItems(
                    id=ID.needs_kind,
                    options=[{"label": "Need", "value": "need"}, {"label": "Opportunity", "value": "opportunity"}],
                    value="need",
                    inline=True,
                    className="mb-2",
                ),
                dbc.Label("Name", html_for=ID.needs_name, className="small mb-0"),
                dbc.Input(id=ID.needs_name, maxLength=300, placeholder="e.g. Pay for parking without a meter"),
                dbc.Label("Who has it", html_for=ID.needs_who, className="small mb-0 mt-2"),
                dbc.Input(id=ID.needs_who, maxLength=300, placeholder="e.g. drivers, the parking unit"),
                dbc.Row(
                    [
                        dbc.Col(
                            [
                                dbc.Label("Importance (1–5)", html_for=ID.needs_importance, className="small mb-0"),
                                dbc.Select(id=ID.needs_importance, options=SCALE, value="3"),
                            ]
                        ),
                        dbc.Col(
                            [
                                dbc.Label("Urgency (1–5)", html_for=ID.needs_urgency, className="small mb-0"),
                                dbc.Select(id=ID.needs_urgency, options=SCALE, value="3"),
                            ]
                        ),
                    ],
                    className="g-2 mt-1",
                ),
                dbc.Label("Evidence", html_for=ID.needs_evidence, className="small mb-0 mt-2"),
                dbc.Textarea(
                    id=ID.needs_evidence, maxLength=5000, rows=2, placeholder="e.g. resident survey 2025, 1,200 answers"
                ),
                dbc.Label("Description (optional)", html_for=ID.needs_description, className="small mb-0 mt-2"),
                dbc.Textarea(id=ID.needs_description, maxLength=5000, rows=2),
                *form_buttons(NEED_IDS, "Save need", "Empty the form to add another need"),
            ]
        ),
        className="mb-3",
    )


def weights_form(weights: Mapping[str, float]) -> dbc.Card:
    """The ranking criteria with their editable weights (saved for the workspace)."""
    rows = [
        dbc.Row(
            [
                dbc.Col(
                    dbc.Label(
                        f"{name.capitalize()}: {NEED_CRITERIA[name]}",
                        html_for=ID.needs_weight(name),
                        className="small mb-0",
                    ),
                    width=8,
                ),
                dbc.Col(
                    dbc.Input(
                        id=ID.needs_weight(name),
                        type="number",
                        min=0,
                        max=MAX_NEED_WEIGHT,
                        step=0.5,
                        value=weights.get(name, default),
                        size="sm",
                    ),
                    width=4,
                ),
            ],
            className="g-2 align-items-center mb-1",
        )
        for name, default in DEFAULT_NEED_WEIGHTS.items()
    ]
    return dbc.Card(
        dbc.CardBody(
            [
                html.H2("Ranking criteria", className="h5"),
                html.P(
                    "Score = 100 × Σ (weight × criterion) ÷ Σ weights. Importance and urgency map 1–5 onto 0–1; "
                    "gap is 1 when no configuration serves the need; evidence is 1 when some is recorded.",
                    className="small text-body-secondary",
                ),
                *rows,
                html.Div(
                    [
                        dbc.Button("Save weights", id=ID.needs_weights_save, color="primary", size="sm"),
                        dbc.Button(
                            "Defaults",
                            id=ID.needs_weights_reset,
                            color="secondary",
                            outline=True,
                            size="sm",
                            title="Put the default weights back in the fields (then save)",
                        ),
                    ],
                    className="d-flex gap-2 mt-2",
                ),
                html.Div(id=ID.needs_weights_feedback, role="alert", **{"aria-live": "polite"}),
            ]
        ),
        className="mb-3",
    )


def _served_cell(ranked: RankedNeed, configuration_ids: Sequence[int], module_names: Mapping[str, str]) -> list[Any]:
    if not ranked.services:
        return [html.Span("Not served by any configuration", className="badge text-bg-warning")]
    items = []
    for service in ranked.services:
        link = dcc.Link(service.name, href=f"/edit/{configuration_ids[service.configuration]}")
        if service.served:
            detail = "; ".join(service.flows)
            names = ", ".join(module_names.get(m, m) for m in service.modules)
            modules = f" · modules: {names}" if names else ""
            items.append(html.Li([link, html.Span(f": {detail}{modules}", className="small")]))
        else:
            items.append(html.Li([link, html.Span(": listed, no flow serves it yet", className="small text-danger")]))
    cell: list[Any] = [html.Ul(items, className="list-unstyled mb-0")]
    if ranked.unserved:
        cell.insert(0, html.Span("Not served by any configuration", className="badge text-bg-warning"))
    return cell


def _parts_text(ranked: RankedNeed) -> str:
    """Each criterion's value 0–1 under the score, so the ranking can be checked by hand."""
    return " · ".join(f"{name} {value:.2f}" for name, value in ranked.parts.items())


def stakeholder_summary(rating: StakeholderRating) -> str:
    """An accepted co-creation round's rating in words: round, median, how many rated, how far they agreed."""
    median = f"{rating.median:.2f}".rstrip("0").rstrip(".")
    return f"round #{rating.round}: median {median}, n {rating.n}, agreement {round(rating.agreement * 100)} %"


def stakeholder_note(rating: StakeholderRating | None) -> Any:
    """The rating beside the importance it set (None: no round accepted)."""
    if rating is None:
        return None
    return html.Div(stakeholder_summary(rating), className="small text-body-secondary stakeholder-rating")


def ranking_table(
    ranked: Sequence[RankedNeed], configuration_ids: Sequence[int], module_names: Mapping[str, str] | None = None
) -> Any:
    """The ranked needs; ``configuration_ids[i]`` is the stored id of the i-th configuration ranked against,
    ``module_names`` the library's module names by id (an unknown id is shown as it is)."""
    module_names = module_names or {}
    if not ranked:
        return html.P(
            "No needs or opportunities yet: add the first one with the form.", className="text-body-secondary"
        )
    header = html.Thead(
        html.Tr(
            [
                html.Th(h or html.Span("Actions", className="visually-hidden"), scope="col")
                for h in (
                    "#",
                    "Need or opportunity",
                    "Who",
                    "Imp.",
                    "Urg.",
                    "Evidence",
                    "Score",
                    "Served by (configuration: flows · modules)",
                    "",
                )
            ]
        )
    )
    rows = []
    for rank, item in enumerate(ranked, start=1):
        need = item.need
        kind = html.Span(
            "Opportunity" if need.opportunity else "Need",
            className="badge text-bg-info me-1" if need.opportunity else "badge text-bg-secondary me-1",
        )
        name_cell = [kind, html.Span(need.name, className="fw-semibold need-name")]
        if need.description:
            name_cell.append(html.Div(need.description, className="small text-body-secondary"))
        rows.append(
            html.Tr(
                [
                    html.Td(str(rank)),
                    html.Td(name_cell),
                    html.Td(need.who),
                    html.Td([str(need.importance), stakeholder_note(need.stakeholders)]),
                    html.Td(str(need.urgency)),
                    html.Td(need.evidence or "—", className="small"),
                    html.Td(
                        [
                            html.Span(f"{item.score:.1f}", className="need-score fw-semibold"),
                            html.Div(_parts_text(item), className="small text-body-secondary need-parts"),
                        ]
                    ),
                    html.Td(_served_cell(item, configuration_ids, module_names)),
                    html.Td(item_buttons(NEED_IDS, need.id, f"Edit {need.name}", f"Delete {need.name}")),
                ],
                className="need-row unserved" if item.unserved else "need-row",
                **{"data-need": need.id},
            )
        )
    return html.Div(
        html.Table([header, html.Tbody(rows)], className="table table-sm align-middle"), className="table-responsive"
    )


def unserved_list(ranked: Sequence[RankedNeed]) -> Any:
    """The needs no configuration serves, in rank order: where a new service could start."""
    gaps = unserved_needs(ranked)
    if not ranked:
        return None
    if not gaps:
        return dbc.Alert("Every need is served by at least one configuration.", color="success", className="small")
    return dbc.Alert(
        [
            html.H2("Not served by any configuration", className="h6"),
            html.Ol(
                [
                    html.Li(
                        f"{r.need.name} ({'opportunity' if r.need.opportunity else 'need'}, score {r.score:.1f})",
                        className="unserved-need",
                    )
                    for r in gaps
                ],
                className="mb-0",
            ),
        ],
        color="warning",
    )


def serve_form(needs: Sequence[tuple[str, str]], configurations: Sequence[tuple[int, str]]) -> dbc.Card:
    """Record that a configuration serves a need, through which of its flows (saved as a new revision)."""
    return dbc.Card(
        dbc.CardBody(
            [
                html.H2("Serve a need in a configuration", className="h5"),
                html.P(
                    "Saves a new revision of the configuration with the need and the flows that serve it "
                    "(no flow ticked: listed, not served yet).",
                    className="small text-body-secondary",
                ),
                dbc.Label("Need", html_for=ID.needs_serve_need, className="small mb-0"),
                dbc.Select(id=ID.needs_serve_need, options=[{"label": n, "value": i} for i, n in needs]),
                dbc.Label("Configuration", html_for=ID.needs_serve_config, className="small mb-0 mt-2"),
                dbc.Select(
                    id=ID.needs_serve_config, options=[{"label": n, "value": str(i)} for i, n in configurations]
                ),
                html.Fieldset(
                    [
                        html.Legend("Flows that serve it", className="small mb-0 mt-2 fs-6"),
                        dbc.Checklist(id=ID.needs_serve_flows, options=[], value=[], className="small serve-flows"),
                    ]
                ),
                dbc.Button("Save mapping", id=ID.needs_serve_save, color="primary", size="sm", className="mt-2"),
                html.Div(id=ID.needs_serve_feedback, role="alert", **{"aria-live": "polite"}),
            ]
        ),
        className="mb-3",
    )


def goals_form(configurations: Sequence[tuple[int, str]]) -> dbc.Card:
    """A configuration's public goals: what it is meant to achieve, measured (saved as a new revision)."""

    def field(label: str, component_id: str, **props: Any) -> list[Any]:
        return [
            dbc.Label(label, html_for=component_id, className="small mb-0 mt-2"),
            dbc.Input(id=component_id, size="sm", **props),
        ]

    return dbc.Card(
        dbc.CardBody(
            [
                html.H2("Public goals of a configuration", className="h5"),
                html.P(
                    "A goal is measurable with an indicator, a target and a year; it counts in value creation "
                    "when it answers a need the configuration serves.",
                    className="small text-body-secondary",
                ),
                dbc.Label("Configuration", html_for=ID.goals_config, className="small mb-0"),
                dbc.Select(id=ID.goals_config, options=[{"label": n, "value": str(i)} for i, n in configurations]),
                dbc.Label("Goal", html_for=ID.goals_goal, className="small mb-0 mt-2"),
                dbc.Select(id=ID.goals_goal, options=[{"label": "New goal", "value": ""}], value=""),
                *field(
                    "Public goal", ID.goals_name, maxLength=300, placeholder="e.g. Cut time spent searching for parking"
                ),
                dbc.Label("Need it answers", html_for=ID.goals_need, className="small mb-0 mt-2"),
                dbc.Select(id=ID.goals_need, options=[], size="sm"),
                *field("Indicator", ID.goals_indicator, maxLength=300, placeholder="e.g. minutes searching per trip"),
                dbc.Row(
                    [
                        dbc.Col(field("Baseline", ID.goals_baseline, type="number")),
                        dbc.Col(field("Target", ID.goals_target, type="number")),
                        dbc.Col(field("Unit", ID.goals_unit, maxLength=80)),
                        dbc.Col(field("By year", ID.goals_year, type="number", min=2000, max=2100, step=1)),
                    ],
                    className="g-2",
                ),
                html.Div(
                    [
                        dbc.Button("Save goal", id=ID.goals_save, color="primary", size="sm"),
                        dbc.Button("Remove goal", id=ID.goals_remove, color="danger", outline=True, size="sm"),
                    ],
                    className="d-flex gap-2 mt-2",
                ),
                html.Div(id=ID.goals_feedback, role="alert", **{"aria-live": "polite"}),
            ]
        ),
        className="mb-3",
    )


def needs_layout(
    *,
    workspace_id: int,
    workspace_name: str,
    weights: Mapping[str, float],
    ranked: Sequence[RankedNeed],
    configurations: Sequence[tuple[int, str]],
    module_names: Mapping[str, str] | None = None,
) -> html.Main:
    """The whole page. ``configurations`` is ``[(stored id, name)]`` in the order the needs were ranked against."""
    ids = [i for i, _ in configurations]
    return ranked_list_page(
        NEED_IDS,
        workspace_id=workspace_id,
        header=page_header(f"Needs & opportunities · {workspace_name}", workspace_id, "needs"),
        intro="The city's needs and opportunities, ranked by the weighted criteria on the right, with the "
        "configurations and modules that serve each one.",
        ranking=[
            html.Div(unserved_list(ranked), id=ID.needs_unserved),
            html.H2("Ranking", className="h5"),
            html.Div(ranking_table(ranked, ids, module_names), id=ID.needs_ranking),
        ],
        side=[
            need_form(),
            weights_form(weights),
            serve_form([(r.need.id, r.need.name) for r in ranked], configurations),
            goals_form(configurations),
        ],
        delete_title="Delete this need?",
    )
