"""Co-creation round pages: the designer's page of a workspace's rounds (with results) and the
participant's page at ``/r/<token>``.

Pure builders over the core's records and aggregates (:mod:`canvas_app.rounds`); every text a
designer or participant typed goes into components as text, never as HTML.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import dcc, html

from canvas_app.rounds import (
    ASPECTS,
    DEFAULT_KEEP_DAYS,
    GROUP_NAMES,
    GROUPS,
    MAX_KEEP_DAYS,
    MAX_PROPOSAL,
    MIN_KEEP_DAYS,
    RATINGS,
    Convergence,
    ItemResult,
    Language,
    Round,
    advantage_item_id,
    item_aspect,
    link_qr_svg,
    text,
)
from layouts.common import confirm_dialog
from layouts.ids import ID
from layouts.needs import page_header

PARTICIPATE_PREFIX = "/r/"
PARTICIPATE_PATH = re.compile(r"^/r/([A-Za-z0-9_-]{20,100})/?$")
"""The participant page: public (no account), the token in the path is the only key."""
INVITED_PREFIX = "/r/invited/"
INVITED_PATH = re.compile(r"^/r/invited/(\d{1,12})/?$")
"""The participant page of an invited account: the signed-in account's name must be on the round's list."""
DONT_KNOW = "dk"
"""The radio value of "don't know" (stored as a rating of None)."""


# -- designer page ----------------------------------------------------------------------
def rounds_table(rounds: Sequence[Any], participants: Mapping[int, int], today: date) -> Any:
    """The workspace's rounds (RoundInfo): state, dates, language, items and participants."""
    if not rounds:
        return html.P("No rounds yet.", className="text-muted")
    header = html.Thead(
        html.Tr(
            [
                html.Th(h)
                for h in (
                    "Round",
                    "State",
                    "Opens",
                    "Closes",
                    "Language",
                    "Items",
                    "Invited accounts",
                    "Participants who answered",
                )
            ]
        )
    )
    rows = [
        html.Tr(
            [
                html.Td(f"#{info.id}"),
                html.Td(info.state(today)),
                html.Td(info.round.opens.isoformat()),
                html.Td(info.round.closes.isoformat()),
                html.Td(info.round.language),
                html.Td(str(len(info.round.items))),
                html.Td(", ".join(info.round.invited) or "–", className="text-break"),
                html.Td(str(participants.get(info.id, 0))),
            ]
        )
        for info in rounds
    ]
    return dbc.Table([header, html.Tbody(rows)], bordered=True, size="sm", className="small")


def round_options(rounds: Sequence[Any], today: date) -> list[dict[str, Any]]:
    """The round select's options: the buttons and the results act on the chosen round."""
    return [{"label": f"#{info.id} ({info.state(today)})", "value": str(info.id)} for info in rounds]


KIND_LABELS = {
    "needs": "Needs and opportunities",
    "value": "Value of one configuration (each actor's)",
    "advantages": "Competitive advantages",
}
"""The kinds of round the create form offers, as the designer reads them."""
ASPECT_LABELS = {"today": "strength today", "target": "target strength"}
"""How the designer's page names the two items of an advantage."""


def _choices(checklist_id: str, box_id: str, legend: str, choices: Sequence[tuple[str, str]], empty: str,
             hidden: bool) -> html.Div:  # fmt: skip
    """One kind's items to choose from (a checklist), or what to add first when there are none."""
    return html.Div(
        html.Fieldset(
            [
                html.Legend(legend, className="form-label fs-6"),
                dbc.Checklist(id=checklist_id, options=[{"label": text, "value": i} for i, text in choices], value=[])
                if choices
                else html.P(empty, id=checklist_id, className="small"),
            ]
        ),
        id=box_id,
        hidden=hidden,
    )


def follow_up_options(rounds: Sequence[Any], today: date) -> list[dict[str, Any]]:
    """The rounds a new one can follow up, Delphi-style: the closed ones (their results are final)."""
    options = [{"label": "None: a new set of items", "value": ""}]
    options += [
        {"label": f"#{info.id} · {KIND_LABELS.get(info.round.kind, info.round.kind)}", "value": str(info.id)}
        for info in rounds
        if info.state(today) == "closed" and info.round.kind in KIND_LABELS
    ]
    return options


def _configuration_choice(configurations: Sequence[tuple[int, str]]) -> html.Div:
    """A value round's configuration: its actors, with what each gives and gets, are the items."""
    return html.Div(
        [
            dbc.Label("Configuration whose actors to rate", html_for=ID.rounds_configuration),
            dbc.Select(
                id=ID.rounds_configuration,
                options=[{"label": name, "value": str(cid)} for cid, name in configurations],
                value=str(configurations[0][0]) if configurations else None,
            ),
            html.Div(
                "Each actor becomes an item: what it gives and gets, and how much that matters to them.",
                className="form-text",
            ),
        ],
        id=ID.rounds_value_box,
        hidden=True,
    )


def create_form(
    needs: Sequence[tuple[str, str]], advantages: Sequence[tuple[str, str]], follow_ups: list[dict[str, Any]],
    today: date, configurations: Sequence[tuple[int, str]] = (),
) -> dbc.Card:  # fmt: skip
    """A new round: its kind and items (or an earlier round to follow up), the intro, the dates, the language."""
    return dbc.Card(
        dbc.CardBody(
            [
                html.H2("New round", className="h5"),
                dbc.Label("Participants rate", html_for=ID.rounds_kind),
                dbc.RadioItems(
                    id=ID.rounds_kind,
                    options=[{"label": label, "value": kind} for kind, label in KIND_LABELS.items()],
                    value="needs",
                ),
                _choices(
                    ID.rounds_needs,
                    ID.rounds_needs_box,
                    "Needs to rate (how much each matters)",
                    needs,
                    "This workspace has no needs yet: add some on the Needs page.",
                    False,
                ),  # fmt: skip
                _choices(
                    ID.rounds_advantages,
                    ID.rounds_advantages_box,
                    "Advantages to rate (strength today and target strength)",
                    advantages,
                    "This workspace has no advantages yet: add some on the Advantages page.",
                    True,
                ),  # fmt: skip
                _configuration_choice(configurations),
                dbc.Label("Follow up an earlier round (Delphi)", html_for=ID.rounds_follow_up, className="mt-2"),
                dbc.Select(id=ID.rounds_follow_up, options=follow_ups, value=""),
                html.Div(
                    "A follow-up asks the earlier round's items again and shows each returning participant the "
                    "group's median and spread next to their own earlier answer.",
                    className="form-text",
                ),
                dbc.Label("Intro for the participants (plain text)", html_for=ID.rounds_intro, className="mt-2"),
                dbc.Textarea(id=ID.rounds_intro, maxLength=4000, rows=3),
                dbc.Label("Opens", html_for=ID.rounds_opens, className="mt-2"),
                dbc.Input(id=ID.rounds_opens, type="date", value=today.isoformat()),
                dbc.Label("Closes", html_for=ID.rounds_closes, className="mt-2"),
                dbc.Input(id=ID.rounds_closes, type="date", value=(today + timedelta(days=14)).isoformat()),
                dbc.Label("Language of the participant page", html_for=ID.rounds_language, className="mt-2"),
                dbc.Select(
                    id=ID.rounds_language,
                    options=[{"label": "English", "value": "en"}, {"label": "Suomi", "value": "fi"}],
                    value="en",
                ),
                dbc.Label(
                    "Keep the answers for (days after the round closes; then they are deleted)",
                    html_for=ID.rounds_keep_days,
                    className="mt-2",
                ),
                dbc.Input(
                    id=ID.rounds_keep_days,
                    type="number",
                    min=MIN_KEEP_DAYS,
                    max=MAX_KEEP_DAYS,
                    step=1,
                    value=DEFAULT_KEEP_DAYS,
                ),
                dbc.Label("Invite accounts (optional)", html_for=ID.rounds_invited, className="mt-2"),
                dbc.Textarea(id=ID.rounds_invited, rows=2, maxLength=20000),
                html.Div(
                    "Account names, separated by commas. Each finds the round on their Home page and answers "
                    "signed in, without the link; their answers carry no account, like everyone's. Only with "
                    "accounts on.",
                    className="form-text",
                ),
                dbc.Button("Create round", id=ID.rounds_create, color="primary", className="mt-3"),
                html.Div(id=ID.rounds_created, role="status"),
            ]
        ),
        className="mb-3",
    )


def created_notice(link: str) -> dbc.Alert:
    """The participation link, shown once (only its hash is kept), with its QR code to print."""
    qr = "data:image/svg+xml;base64," + base64.b64encode(link_qr_svg(link).encode("utf-8")).decode("ascii")
    return dbc.Alert(
        [
            html.Div("Round created. Copy the participation link now: it is shown only once."),
            html.Code(link, id=ID.rounds_link, className="user-select-all text-break"),
            html.Div(
                [
                    html.Img(src=qr, alt="QR code of the participation link", width=180, className="d-block mt-2"),
                    html.A("Download the QR code (SVG, to print)", href=qr, download="participation-link-qr.svg"),
                ]
            ),
        ],
        color="success",
        className="mt-2 mb-0 small",
    )


def actions_card(options: list[dict[str, Any]]) -> dbc.Card:
    """The round select (latest round chosen) and the buttons acting on it."""
    return dbc.Card(
        dbc.CardBody(
            [
                dbc.Label("Round", html_for=ID.rounds_round),
                dbc.Select(id=ID.rounds_round, options=options, value=options[-1]["value"] if options else None),
                html.Div(
                    [
                        dbc.Button("Close", id=ID.rounds_close, color="secondary", className="me-2 mt-2"),
                        dbc.Button("Revoke link", id=ID.rounds_revoke, color="danger", className="me-2 mt-2"),
                        dbc.Button(
                            "Accept into the ranking", id=ID.rounds_accept, color="primary", className="me-2 mt-2"
                        ),
                        dbc.Button("Undo accept", id=ID.rounds_undo, color="secondary", className="mt-2"),
                    ]
                ),
                html.Div(id=ID.rounds_feedback, role="status"),
                html.Div(
                    [
                        dbc.Button(
                            "Download answers (CSV)", id=ID.rounds_download_csv, color="link", className="ps-0 me-2"
                        ),
                        dbc.Button("Download answers (XLSX)", id=ID.rounds_download_xlsx, color="link"),
                        dcc.Download(id=ID.rounds_download),
                    ],
                    className="mt-2",
                ),
                html.P(
                    "The export has one row per answer: item, group, rating, comment and the day it was saved; "
                    "no participant identifier. Comments are as typed and may hold personal details.",
                    className="small text-muted mb-0",
                ),
                html.Div(id=ID.rounds_export_feedback, role="status"),
            ]
        ),
        className="mb-3",
    )


def _merge_control(proposal_id: int, needs: Sequence[tuple[str, str]]) -> Any:
    """Choose an existing need and merge the proposal into it (nothing to choose: no control)."""
    if not needs:
        return None
    return html.Div(
        [
            html.Label(
                [
                    "or merge into the need ",
                    dbc.Select(
                        id=ID.rounds_proposal_target(proposal_id),
                        options=[{"label": name, "value": need_id} for need_id, name in needs],
                        value=needs[0][0],
                        size="sm",
                        className="d-inline-block w-auto",
                    ),
                ],
                className="small me-2",
            ),
            dbc.Button("Merge", id=ID.rounds_proposal_merge(proposal_id), color="secondary", size="sm"),
        ],
        className="mt-1",
    )


def proposals_section(round_id: int, proposals: Sequence[Any], needs: Sequence[tuple[str, str]]) -> html.Section:
    """The round's proposals (ProposalInfo), oldest first; a new one can be accepted as a need, merged
    into one of ``needs`` (id, name), or rejected."""
    items = [
        html.Li(
            [
                html.Div(p.text, className="text-pre-wrap"),
                html.Div(f"{p.status} · received {p.created_at.date().isoformat()}", className="small text-muted"),
                html.Div(
                    [
                        dbc.Button(
                            "Accept as a need",
                            id=ID.rounds_proposal_accept(p.id),
                            color="primary",
                            size="sm",
                            className="me-2",
                        ),
                        dbc.Button("Reject", id=ID.rounds_proposal_reject(p.id), color="secondary", size="sm"),
                        _merge_control(p.id, needs),
                    ],
                    className="mt-1",
                )
                if p.status == "new"
                else None,
            ],
            className="list-group-item",
        )
        for p in proposals
    ]
    return html.Section(
        [
            html.H2(f"Proposals from participants of round #{round_id}", className="h6"),
            html.Ul(items, className="list-group mb-2")
            if items
            else html.P("No proposals yet.", className="small text-muted"),
        ],
        **{"aria-label": "Proposals"},
    )


def erase_card() -> dbc.Card:
    """Deleting a participant's answers on request: they quote the reference code their page shows."""
    return dbc.Card(
        dbc.CardBody(
            [
                html.H2("Delete a participant's answers on request", className="h6"),
                html.P(
                    "The participant page shows each participant a reference code; a participant who asks for "
                    "their answers to be deleted quotes it. This deletes their answers in the chosen round and "
                    "their consent record; their proposals stay, no longer linked to them.",
                    className="small",
                ),
                dbc.Label("Reference code", html_for=ID.rounds_erase_code),
                dbc.Input(id=ID.rounds_erase_code, maxLength=20, autoComplete="off", style={"maxWidth": "12rem"}),
                dbc.Button("Delete their answers", id=ID.rounds_erase, color="danger", outline=True, className="mt-2"),
                html.Div(id=ID.rounds_erase_feedback, role="status"),
                dcc.Store(id=ID.rounds_erase_pending),
                confirm_dialog(
                    "Delete a participant's answers?",
                    "Delete their answers",
                    modal=ID.rounds_erase_modal,
                    text=ID.rounds_erase_text,
                    confirm=ID.rounds_erase_confirm,
                    cancel=ID.rounds_erase_cancel,
                ),
            ]
        ),
        className="mb-3",
    )


def erase_question(code: str, answers: int, round_id: int) -> str:
    """What the confirm dialog asks: whose answers, how many, in which round."""
    return (
        f"Delete the {answers} answer{'s' if answers != 1 else ''} of the participant with reference code {code} "
        f"in round #{round_id}, and their consent record? Their proposals stay, unattributed. This cannot be undone."
    )


def rounds_layout(
    *, workspace_id: int, workspace_name: str, rounds: Sequence[Any], participants: Mapping[int, int],
    needs: Sequence[tuple[str, str]], advantages: Sequence[tuple[str, str]], today: date,
    configurations: Sequence[tuple[int, str]] = (),
) -> html.Main:  # fmt: skip
    """The designer's page: the rounds, the create form, the actions and the selected round's results."""
    return html.Main(
        dbc.Container(
            [
                dcc.Store(id=ID.rounds_workspace, data=workspace_id),
                dcc.Store(id=ID.rounds_changed, data=0),
                page_header(f"Co-creation rounds · {workspace_name}", workspace_id, "rounds"),
                html.P(
                    "Stakeholders rate the workspace's needs, the value each actor of a configuration gives "
                    "and gets, or the competitive advantages, through a link, without an account; the "
                    "accepted results set the needs' importance, join the advantages' ranking or show in the "
                    "configuration's Table view, with how many rated and how far they agreed.",
                    className="small",
                ),
                dbc.Row(
                    [
                        dbc.Col(
                            [
                                html.H2("Rounds", className="h5"),
                                html.Div(rounds_table(rounds, participants, today), id=ID.rounds_list),
                                actions_card(round_options(rounds, today)),
                                html.Div(id=ID.rounds_proposals, className="mb-2"),
                                html.Div(id=ID.rounds_proposals_feedback, role="status", className="mb-3"),
                                erase_card(),
                                html.Div(id=ID.rounds_results),
                            ],
                            lg=8,
                        ),
                        dbc.Col(
                            create_form(needs, advantages, follow_up_options(rounds, today), today, configurations),
                            lg=4,
                        ),
                    ]
                ),
            ],
            fluid=True,
        )
    )


def _figure(value: float | None) -> str:
    """A figure with at most two decimals (3, 3.5, 3.25); "–" when nobody rated."""
    return "–" if value is None else f"{value:.2f}".rstrip("0").rstrip(".")


def results_table(results: Mapping[str, ItemResult], texts: Mapping[str, str], caption: str) -> dbc.Table:
    """Per item: n, don't know, median, IQR, agreement and consensus (also the charts' text alternative)."""
    head = ("Item", "n", "Don't know", "Median", "Q1", "Q3", "IQR", "Agreement", "Consensus", "1", "2", "3", "4", "5")
    rows = [
        html.Tr(
            [
                html.Td(texts.get(item, item)),
                html.Td(str(r.n)),
                html.Td(str(r.dont_know)),
                html.Td(_figure(r.median)),
                html.Td(_figure(r.q1)),
                html.Td(_figure(r.q3)),
                html.Td(_figure(r.iqr)),
                html.Td("–" if r.agreement is None else f"{round(r.agreement * 100)} %"),
                html.Td("yes" if r.consensus else "no"),
                *[html.Td(str(count)) for count in r.distribution],
            ]
        )
        for item, r in results.items()
    ]
    return dbc.Table(
        [html.Caption(caption), html.Thead(html.Tr([html.Th(h, scope="col") for h in head])), html.Tbody(rows)],
        bordered=True,
        size="sm",
        responsive=True,
        className="small caption-top",
    )


def distribution_figure(result: ItemResult, title: str) -> go.Figure:
    """How many gave each rating 1–5 (and "don't know" apart), one bar per answer."""
    figure = go.Figure(
        go.Bar(
            x=[str(r) for r in RATINGS] + ["Don't know"],
            y=[*result.distribution, result.dont_know],
            marker_color="#0b5394",
        )
    )
    figure.update_layout(
        title={"text": title[:80], "font": {"size": 13}},
        height=220,
        margin={"l": 40, "r": 10, "t": 40, "b": 30},
        yaxis={"title": "answers", "rangemode": "tozero", "dtick": 1},
        xaxis={"title": "rating"},
    )
    return figure


GROUP_COLOURS = {
    "resident": "#0072B2",
    "business": "#E69F00",
    "city department": "#009E73",
    "researcher": "#CC79A7",
    "third sector": "#56B4E9",
    "other": "#D55E00",
}
"""One colour per stakeholder group (Okabe and Ito's palette, told apart with the common colour-vision deficiencies)."""


def groups_figure(groups: Mapping[str, Mapping[str, ItemResult]], texts: Mapping[str, str]) -> go.Figure:
    """The stakeholder groups side by side: per item, each group's median as a bar, its Q1–Q3 as the
    whisker, so where groups see an item differently shows at a glance (the group tables hold the figures)."""
    items = list(next(iter(groups.values())).keys()) if groups else []
    names = [texts.get(item, item)[:40] for item in items]
    bars = []
    for group, results in groups.items():
        rated = [results[item] for item in items]
        bars.append(
            go.Bar(
                name=group,
                x=names,
                y=[r.median for r in rated],
                marker_color=GROUP_COLOURS.get(group, "#444444"),
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "array": [None if r.median is None or r.q3 is None else r.q3 - r.median for r in rated],
                    "arrayminus": [None if r.median is None or r.q1 is None else r.median - r.q1 for r in rated],
                    "color": "#333333",
                },
                customdata=[r.n for r in rated],
                hovertemplate="%{x}<br>" + group + ": median %{y}, n %{customdata}<extra></extra>",
            )
        )
    figure = go.Figure(bars)
    figure.update_layout(
        barmode="group",
        title={"text": "Median by stakeholder group (whiskers: Q1 to Q3)", "font": {"size": 13}},
        height=300,
        margin={"l": 40, "r": 10, "t": 40, "b": 60},
        yaxis={"title": "median rating", "range": [0, 5.2], "dtick": 1},
        legend={"orientation": "h", "y": -0.25},
    )
    return figure


def groups_chart(groups: Mapping[str, Mapping[str, ItemResult]], texts: Mapping[str, str]) -> html.Figure | None:
    """The groups side by side, once two groups have answered (with one, the chart repeats the item charts)."""
    if len(groups) < 2:
        return None
    return html.Figure(
        [
            dcc.Graph(figure=groups_figure(groups, texts), config={"displayModeBar": False}),
            html.Figcaption(
                "Each group's median rating of each item, with its spread from Q1 to Q3 (the figures: the group "
                "tables below)",
                className="small text-muted",
            ),
        ],
        className="groups-chart",
    )


def item_labels(round_: Round) -> dict[str, str]:
    """Each item's text as the designer's page shows it: an advantage's two items say which aspect they ask."""
    labels = {}
    for item in round_.items:
        _ref, aspect = item_aspect(item.id) if round_.kind == "advantages" else (item.id, "")
        labels[item.id] = f"{item.text} ({ASPECT_LABELS[aspect]})" if aspect else item.text
    return labels


def convergence_figure(changes: Sequence[Convergence], labels: Mapping[str, str]) -> go.Figure:
    """Each item's spread (IQR) in the earlier round and in this one, side by side: shorter bars, closer views."""
    names = [labels.get(c.item, c.item)[:40] for c in changes]
    figure = go.Figure(
        [
            go.Bar(name="Earlier round", x=names, y=[c.iqr_before for c in changes], marker_color="#767676"),
            go.Bar(name="This round", x=names, y=[c.iqr_after for c in changes], marker_color="#0b5394"),
        ]
    )
    figure.update_layout(
        barmode="group",
        title={"text": "Spread (IQR) from round to round", "font": {"size": 13}},
        height=280,
        margin={"l": 40, "r": 10, "t": 40, "b": 60},
        yaxis={"title": "IQR", "rangemode": "tozero"},
    )
    return figure


def reasons_section(reasons: Sequence[tuple[str, str]], labels: Mapping[str, str]) -> html.Section:
    """The reasons participants gave for revising an earlier answer, per item, as typed and unattributed."""
    by_item: dict[str, list[str]] = {}
    for item, reason in reasons:
        by_item.setdefault(item, []).append(reason)
    body: list[Any] = [html.H3("Reasons given for revised answers", className="h6 mt-3")]
    if not by_item:
        body.append(html.P("No reasons given yet.", className="small text-muted"))
    for item, given in by_item.items():
        body.append(html.H4(labels.get(item, item), className="small fw-semibold mb-1"))
        body.append(html.Ul([html.Li(r, className="text-pre-wrap") for r in sorted(given)], className="small"))
    return html.Section(body, **{"aria-label": "Reasons for revisions"})


def convergence_section(earlier_id: int, changes: Sequence[Convergence], labels: Mapping[str, str]) -> html.Section:
    """A follow-up round's convergence: per item rated in both rounds, the IQR before and after, and the change."""
    heading = html.H3(f"Convergence since round #{earlier_id}", className="h6 mt-3")
    if not changes:
        return html.Section(
            [heading, html.P("No item is rated in both rounds yet.", className="small text-muted")],
            **{"aria-label": "Convergence"},
        )
    rows = [
        html.Tr(
            [
                html.Td(labels.get(c.item, c.item)),
                html.Td(_figure(c.iqr_before)),
                html.Td(_figure(c.iqr_after)),
                html.Td(("+" if c.change > 0 else "") + _figure(c.change)),
                html.Td("closer" if c.change < 0 else "further apart" if c.change > 0 else "unchanged"),
            ]
        )
        for c in changes
    ]
    head = ("Item", f"IQR in round #{earlier_id}", "IQR now", "Change", "Views")
    return html.Section(
        [
            heading,
            dbc.Table(
                [html.Thead(html.Tr([html.Th(h, scope="col") for h in head])), html.Tbody(rows)],
                bordered=True,
                size="sm",
                responsive=True,
                className="small",
            ),
            html.Figure(
                [
                    dcc.Graph(figure=convergence_figure(changes, labels), config={"displayModeBar": False}),
                    html.Figcaption(
                        "The spread of each item in both rounds (the figures: table above)",
                        className="small text-muted",
                    ),
                ]
            ),
        ],
        **{"aria-label": "Convergence"},
    )


def follow_up_results(
    round_: Round, earlier_id: int, reasons: Sequence[tuple[str, str]], changes: Sequence[Convergence]
) -> html.Div:
    """What a follow-up round's results add: the reasons given for revisions and the convergence."""
    labels = item_labels(round_)
    return html.Div([reasons_section(reasons, labels), convergence_section(earlier_id, changes, labels)])


def results_section(
    info: Any, results: Mapping[str, ItemResult], groups: Mapping[str, Mapping[str, ItemResult]], today: date,
    convergence: html.Div | None = None,
) -> html.Section:  # fmt: skip
    """A round's results: the table (text alternative), one chart per item, the breakdown by group (the
    groups side by side in one chart, then a table each) and, for a follow-up round, the convergence
    since the earlier round."""
    texts = item_labels(info.round)
    charts = [
        html.Figure(
            [
                dcc.Graph(figure=distribution_figure(result, texts.get(item, item)), config={"displayModeBar": False}),
                html.Figcaption(
                    f"Distribution of the ratings of “{texts.get(item, item)}” (the figures: table above)",
                    className="small text-muted",
                ),
            ]
        )
        for item, result in results.items()
    ]
    by_group = [results_table(group_results, texts, f"Group: {group}") for group, group_results in groups.items()] or [
        html.P("No answers yet.", className="text-muted")
    ]
    kind = KIND_LABELS.get(info.round.kind, info.round.kind).lower()
    follows = f"; it follows up round #{info.round.follow_up_of}" if info.round.follow_up_of else ""
    return html.Section(
        [
            html.H2(f"Results of round #{info.id} ({info.state(today)})", className="h5"),
            html.P(f"Participants rated {kind}{follows}.", className="small"),
            results_table(results, texts, "All participants"),
            *charts,
            html.H3("By stakeholder group", className="h6 mt-3"),
            groups_chart(groups, texts),
            *by_group,
            convergence,
        ],
        **{"aria-label": "Results"},
    )


def invited_rounds_list(invitations: Sequence[tuple[Any, str]], today: date) -> Any:
    """Home: the open (or not yet open) rounds that invite the signed-in account, with where to answer."""
    shown = [(info, workspace) for info, workspace in invitations if info.state(today) != "closed"]
    if not shown:
        return None
    return dbc.Card(
        dbc.CardBody(
            [
                html.H2("Co-creation rounds you are invited to", className="h6"),
                html.Ul(
                    [
                        html.Li(
                            [
                                html.A(f"Round #{info.id} of {workspace}", href=f"{INVITED_PREFIX}{info.id}"),
                                f" · {info.state(today)}, {info.round.opens.isoformat()} to "
                                f"{info.round.closes.isoformat()}",
                            ]
                        )
                        for info, workspace in shown
                    ],
                    className="small mb-0",
                ),
            ]
        ),
        className="mb-3",
    )


# -- participant page -------------------------------------------------------------------
def participant_message(message: str) -> html.Main:
    """A page with only a message: an invalid, closed or not yet open link shows nothing of the round."""
    return html.Main(dbc.Container([html.H1("CityCanvas", className="h4 mt-3"), html.P(message)]))


def _rating(item_id: str, language: Language) -> dbc.RadioItems:
    options = [{"label": str(r), "value": str(r)} for r in RATINGS]
    options.append({"label": text(language, "dont_know"), "value": DONT_KNOW})
    return dbc.RadioItems(id=ID.participate_rating(item_id), options=options, inline=True)


def _comment(item_id: str, language: Language) -> html.Label:
    return html.Label(
        [
            text(language, "comment_label"),
            dcc.Textarea(id=ID.participate_comment(item_id), value="", maxLength=1000, className="form-control"),
        ],
        className="small mt-2 d-block",
    )


def _earlier(item_id: str, result: ItemResult | None, language: Language) -> list[Any]:
    """A follow-up item's group figures from the earlier round, this browser's earlier answer (filled in
    by a callback: only the browser knows who it is) and the reason for a revision."""
    if result is None:
        return []
    group = (
        text(language, "group_median", median=_figure(result.median), iqr=_figure(result.iqr), n=result.n)
        if result.n
        else text(language, "group_none")
    )
    return [
        html.Div(group, className="small fw-semibold mt-1"),
        html.Div(id=ID.participate_earlier(item_id), className="small"),
        html.Label(
            [
                text(language, "reason_label"),
                dcc.Textarea(id=ID.participate_reason(item_id), value="", maxLength=1000, className="form-control"),
            ],
            className="small mt-1 d-block",
        ),
    ]


def _item_fieldset(
    item_id: str, item_text: str, language: Language, earlier: ItemResult | None, label: str
) -> html.Fieldset:
    """A need or an actor's value: how much it matters, with a comment."""
    return html.Fieldset(
        [
            html.Legend(item_text, className="fs-6 fw-semibold"),
            html.Div(text(language, label), className="small mb-1"),
            _rating(item_id, language),
            *_earlier(item_id, earlier, language),
            _comment(item_id, language),
        ],
        className="border rounded p-2 mb-3",
    )


def _advantage_fieldset(
    advantage_id: str, advantage_text: str, language: Language, earlier: Mapping[str, ItemResult] | None
) -> html.Fieldset:
    """An advantage: its strength today and its target strength (one rating each), with one comment."""
    aspects = []
    for aspect in ASPECTS:
        item_id = advantage_item_id(advantage_id, aspect)
        aspects.append(
            html.Fieldset(
                [
                    html.Legend(text(language, f"rating_{aspect}"), className="small mb-1"),
                    _rating(item_id, language),
                    *_earlier(item_id, earlier.get(item_id) if earlier is not None else None, language),
                ],
                className="mb-2",
            )
        )
    return html.Fieldset(
        [
            html.Legend(advantage_text, className="fs-6 fw-semibold"),
            *aspects,
            _comment(advantage_item_id(advantage_id, "today"), language),
        ],
        className="border rounded p-2 mb-3",
    )


def item_fieldsets(round_: Round, earlier: Mapping[str, ItemResult] | None) -> list[html.Fieldset]:
    """The round's items as the participant answers them: a needs item each, or an advantage's two aspects together."""
    language = round_.language
    if round_.kind != "advantages":
        label = "rating_value" if round_.kind == "value" else "rating_label"
        return [
            _item_fieldset(item.id, item.text, language, earlier.get(item.id) if earlier is not None else None, label)
            for item in round_.items
        ]
    fieldsets, seen = [], set()
    for item in round_.items:
        ref, _aspect = item_aspect(item.id)
        if ref not in seen:
            seen.add(ref)
            fieldsets.append(_advantage_fieldset(ref, item.text, language, earlier))
    return fieldsets


def participant_layout(round_: Round, earlier: Mapping[str, ItemResult] | None = None) -> html.Main:
    """Consent and group, then each item with a 1–5 rating (or don't know) and a comment; one column.
    ``earlier``: in a follow-up round, the earlier round's results per item, shown beside each item."""
    language = round_.language
    groups = [{"label": GROUP_NAMES[language][g], "value": g} for g in GROUPS]
    return html.Main(
        dbc.Container(
            [
                dcc.Store(id=ID.participate_me, storage_type="local"),
                html.H1(text(language, "consent_title"), className="h4 mt-3"),
                html.P(round_.intro, className="text-pre-wrap") if round_.intro else None,
                html.P(
                    text(language, "consent_body", until=round_.kept_until(round_.closes).isoformat()),
                    className="small",
                ),
                dbc.Label(text(language, "group_label"), html_for=ID.participate_group),
                dbc.Select(id=ID.participate_group, options=groups, value=None),
                dbc.Button(text(language, "consent_agree"), id=ID.participate_agree, color="primary", className="mt-2"),
                html.Div(id=ID.participate_joined, role="status", className="mb-3"),
                html.Div(id=ID.participate_code, className="small mb-3"),
                html.P(text(language, "follow_up_intro"), className="small") if earlier is not None else None,
                html.Div(item_fieldsets(round_, earlier)),
                dbc.Button(text(language, "save"), id=ID.participate_save, color="primary"),
                html.Div(id=ID.participate_feedback, role="status", className="mb-4"),
                html.Label(
                    [
                        text(language, "propose_label"),
                        dcc.Textarea(
                            id=ID.participate_proposal, value="", maxLength=MAX_PROPOSAL, className="form-control"
                        ),
                    ],
                    className="small d-block",
                ),
                dbc.Button(
                    text(language, "propose_send"), id=ID.participate_propose, color="secondary", className="mt-2"
                ),
                html.Div(id=ID.participate_proposed, role="status", className="mb-4"),
            ],
            style={"maxWidth": "40rem"},
        ),
        lang=language,
    )
