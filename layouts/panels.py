"""Pure builders of the live score panel, the flag list and the nine-block view."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import Patch, html

from canvas_app.evaluation import PROVISIONAL_BELOW, SCORE_LABELS, SCORE_NAMES, Evaluation
from canvas_app.report import cash_svg, charted_cash, money
from layouts import advice
from layouts.ids import ID
from layouts.report import svg_image

SEVERITY_COLOR = {"high": "danger", "medium": "warning", "low": "secondary"}
BLOCK_ORDER = (
    ("key_partnerships", "Key partners"),
    ("key_activities", "Key activities"),
    ("key_resources", "Key resources"),
    ("value_propositions", "Value propositions"),
    ("customer_relationships", "Customer relationships"),
    ("channels", "Channels"),
    ("customer_segments", "Customer segments"),
    ("cost_structure", "Cost structure"),
    ("revenue_streams", "Revenue streams"),
)


def score_panel(evaluation: Evaluation) -> list[Any]:
    """The six scores, each with its criteria on demand (a native <details>)."""
    rows = []
    for name in SCORE_NAMES:
        score = evaluation.scores.get(name)
        if score is None:
            continue
        value = round(score.score) if score.assessable else 0
        criteria = _criteria_items(score)
        rows.append(
            html.Details(
                [
                    html.Summary(
                        [
                            html.Span(SCORE_LABELS.get(name, name), className="score-name"),
                            html.Span(
                                html.Span(className="score-fill", style={"width": f"{value}%"}, id=ID.score_bar(name)),
                                className="score-bar",
                                **{"aria-hidden": "true"},
                            ),
                            html.Span(
                                str(value) if score.assessable else "n/a",
                                className="score-value",
                                id=ID.score_value(name),
                            ),
                            html.Span(
                                coverage_text(score.coverage), className="score-coverage", id=ID.score_coverage(name)
                            ),
                        ],
                        className="score-row",
                    ),
                    html.Ul(criteria, className="criteria ps-3 mb-1"),
                ],
                className="score",
                **{"data-score": name},
            )
        )
    return rows


def coverage_text(coverage: float) -> str:
    """What the line under a score says of its evidence (canvas.js writes the same words after an edit).

    >>> coverage_text(1.0), coverage_text(0.4), coverage_text(0.0)
    ('all criteria judged', 'provisional: 40% of its weight judged', 'not assessable: nothing to judge yet')
    """
    if coverage <= 0:
        return "not assessable: nothing to judge yet"
    if coverage >= 1:
        return "all criteria judged"
    prefix = "provisional: " if coverage < PROVISIONAL_BELOW else ""
    return f"{prefix}{coverage:.0%} of its weight judged"


def _criteria_items(score: Any) -> list[Any]:
    return [
        html.Li(
            [
                html.Span(
                    f"{c.label}: {round(c.value * 100)}%" if c.assessable else f"{c.label}: not assessable",
                    className="fw-semibold" if c.assessable else "fw-semibold text-muted",
                ),
                html.Span(f" (weight {c.weight:g}) — {c.explanation}"),
            ],
            className="small",
        )
        for c in score.criteria
    ]


def score_values(evaluation: Evaluation) -> dict[str, dict[str, float | None]]:
    """The six scores with their coverage: all an edit sends back for the panel (canvas.js draws them).

    >>> from canvas_app.evaluation import Evaluation, Score
    >>> score_values(Evaluation({"scalability": Score("scalability", 41.6, (), 0.5)}, ()))
    {'scalability': {'value': 42, 'coverage': 0.5}}
    """
    return {
        name: {"value": round(score.score) if score.assessable else None, "coverage": score.coverage}
        for name in SCORE_NAMES
        if (score := evaluation.scores.get(name)) is not None
    }


def criteria_patch(evaluation: Evaluation) -> Patch:
    """A Patch of the score panel that refreshes every score's criteria list."""
    patch = Patch()
    for index, name in enumerate(n for n in SCORE_NAMES if n in evaluation.scores):
        patch[index]["props"]["children"][1]["props"]["children"] = _criteria_items(evaluation.scores[name])
    return patch


def flags_panel(evaluation: Evaluation) -> list[Any]:
    """One entry per flag: click to highlight its elements; each gap lists modules and concrete edits."""
    if not evaluation.flags:
        return [html.P("No flags: nothing obvious to fix.", className="small text-success")]
    items = []
    for index, finding in enumerate(evaluation.flags):
        recs = advice.advice_list(index, finding)
        items.append(
            html.Li(
                [
                    html.Button(
                        [
                            dbc.Badge(
                                finding.severity,
                                color=SEVERITY_COLOR.get(finding.severity, "secondary"),
                                text_color="dark" if finding.severity == "medium" else None,
                                className="me-1",
                            ),
                            html.Span(finding.code, className="fw-semibold"),
                        ],
                        id=ID.flag(index),
                        className="flag-button",
                        title="Highlight its elements on the canvas",
                        **{"data-code": finding.code},
                    ),
                    html.Div(finding.message, className="small"),
                    html.Div(
                        f"Lowers {SCORE_LABELS.get(finding.dimension, finding.dimension).lower()}"
                        + (f" ({finding.criterion})" if finding.criterion else ""),
                        className="small text-body-secondary",
                    ),
                    recs,
                ],
                className="list-group-item px-2 py-1",
            )
        )
    return [html.Ul(items, className="list-group list-group-flush flags")]


def suggest_button() -> dbc.Button:
    """Recommendations on request for a large configuration. It stays in the layout (hidden until the flags
    pass offers it): a button inserted by a callback would fire its background job on every redraw."""
    return dbc.Button(
        "Suggest modules for these gaps",
        id=ID.suggest,
        size="sm",
        color="success",
        outline=True,
        className="mb-1",
        style=HIDDEN,
    )


HIDDEN = {"display": "none"}


def flag_elements(evaluation: Evaluation) -> list[list[str]]:
    """The element ids of each flag, by flag index (kept in a small store for highlighting)."""
    return [list(f.elements) for f in evaluation.flags]


def blocks_panel(blocks: dict[str, list[str]]) -> html.Div:
    """The nine-block canvas, derived from the graph; read-only."""
    cells = []
    for key, label in BLOCK_ORDER:
        entries = blocks.get(key, [])
        cells.append(
            html.Div(
                [
                    html.H3(label, className="h6 mb-1"),
                    html.Ul([html.Li(e) for e in entries], className="small ps-3 mb-0")
                    if entries
                    else html.P("—", className="small text-body-secondary mb-0"),
                ],
                className=f"block block-{key}",
            )
        )
    return html.Div(cells, className="nine-blocks")


def cash_data(evaluation: Evaluation, names: dict[str, str]) -> dict[str, Any]:
    """What the money-over-time panel draws, kept in the browser so a new selection redraws it without a
    re-score: the second pass's money over time and the actors' names."""
    return {**(evaluation.structure.get("money_over_time") or {}), "names": names}


def cash_panel(data: dict[str, Any] | None, selected_actor: str | None) -> list[Any]:
    """The cumulative cash of the selected actor (its outlay, payback and NPV in words), or, with no actor
    selected, of the investors and the city: the report's chart, beside the canvas."""
    data = data or {}
    positions = data.get("actors") or {}
    if not positions:
        return [
            html.P(
                "Enter the amounts of an actor's money flows to see its cash year by year.",
                className="small text-body-secondary",
            )
        ]
    names, horizon = data.get("names") or {}, data.get("horizon_years")
    if selected_actor in positions:
        position = positions[selected_actor]
        name = names.get(selected_actor, selected_actor)
        charted = {name: position["cumulative"]}
        payback = position["payback_year"]
        words = [
            f"Outlay in year 0: {money(position['outlay'])}." if position["outlay"] > 0 else "No outlay.",
            f"Net present value over {horizon} years: {money(position['npv'])}.",
        ]
        if position["outlay"] > 0:
            words.append(
                f"Paid back in year {payback}." if payback is not None else "Not paid back within the horizon."
            )
        summary = " ".join(words)
    else:
        charted = charted_cash(data, names)
        summary = (
            "Select an actor to see its own cash. Shown: " + ", ".join(charted) + f", over {horizon} years."
            if charted
            else ""
        )
    label = "Cumulative cash by year of " + ", ".join(charted) + ". " + summary
    return [svg_image(cash_svg(charted, width=300, height=160), label), html.P(summary, className="small mb-0")]
