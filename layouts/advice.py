"""The advice under each flag: recommended modules and concrete edits, each with a preview and Apply.

Pure builders. The preview's body is filled when the user opens it (a click on its summary: one
re-score, on demand), so the flag panel costs nothing extra on each edit.
"""

from __future__ import annotations

from typing import Any

from dash import html

from canvas_app.evaluation import SCORE_LABELS, Finding
from canvas_app.recommend import Preview
from layouts.ids import ID

MODULE = "module"
"""The ``kind`` of a module recommendation's preview (a suggestion's kind is its flag code)."""


def _preview_box(index: int, kind: str, key: str, name: str) -> html.Details:
    return html.Details(
        [
            html.Summary(
                "What Apply does", id=ID.preview(index, kind, key), className="small", title=f"Preview of {name}"
            ),
            html.Div(
                "Computing…", id=ID.preview_body(index, kind, key), className="small ps-2", **{"aria-live": "polite"}
            ),
        ],
        className="advice-preview",
    )


def advice_list(index: int, finding: Finding) -> html.Ul | None:
    """The recommendations and structural suggestions of one flag (index ``index`` in the panel)."""
    items: list[Any] = []
    for rec in finding.recommendations:
        gain = f"+{rec.gain:.0f}" if rec.gain >= 0 else f"{rec.gain:.0f}"
        items.append(
            html.Li(
                [
                    html.Span(f"{rec.name} ({gain} {SCORE_LABELS.get(rec.dimension, rec.dimension).lower()}) "),
                    html.Button(
                        "Apply",
                        id=ID.apply_rec(index, rec.module),
                        className="btn btn-sm btn-outline-success py-0 px-1",
                        **{"aria-label": f"Apply module {rec.name}"},
                    ),
                    html.Div(rec.reason, className="text-body-secondary") if rec.reason else None,
                    _preview_box(index, MODULE, rec.module, rec.name),
                ],
                className="small advice-module",
            )
        )
    for suggestion in finding.suggestions:
        items.append(
            html.Li(
                [
                    html.Span("Change: ", className="fw-semibold"),
                    html.Span(suggestion.text + " "),
                    html.Button(
                        "Apply",
                        id=ID.apply_fix(index, finding.code, suggestion.id),
                        className="btn btn-sm btn-outline-success py-0 px-1",
                        **{"aria-label": f"Apply change: {suggestion.text}"},
                    ),
                    _preview_box(index, finding.code, suggestion.id, suggestion.text),
                ],
                className="small advice-change",
            )
        )
    return html.Ul(items, className="recs ps-3 mb-0") if items else None


def preview_body(shown: Preview) -> list[Any]:
    """What an Apply adds (actors new and merged, where new ones land, flows) and what it changes."""
    parts: list[Any] = []

    def block(title: str, lines: list[str]) -> None:
        if lines:
            parts.append(html.Div(title, className="fw-semibold mt-1"))
            parts.append(html.Ul([html.Li(line) for line in lines], className="ps-3 mb-0"))

    block(
        "New actors",
        [
            f"{name}, placed beside {near} ({x:.0f}, {y:.0f})" if near else f"{name} ({x:.0f}, {y:.0f})"
            for _, name, x, y, near in shown.actors_new
        ],
    )
    block("Existing actors it uses", list(shown.actors_merged))
    block("New flows", list(shown.flows_new))
    block("Changed flows", list(shown.flows_changed))
    block("Scores", [f"{SCORE_LABELS.get(name, name)} {delta:+.1f}" for name, delta in shown.score_changes.items()])
    block("Flags cleared", list(shown.flags_cleared))
    block("New flags", list(shown.flags_added))
    return parts or [html.Span("No visible change.")]


def preview_problem(problems: list[str]) -> html.Span:
    return html.Span("; ".join(problems), className="text-danger")
