"""The printable report page: the sections of :mod:`canvas_app.report` as Dash components.

Pictures drawn by the core (canvas, radar) are shown as ``<img>`` of an SVG data
URL: an image never runs script, and all their text is escaped anyway. Text goes
into components as children, so Dash escapes it.
"""

from __future__ import annotations

import base64
from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from canvas_app.report import Report, Section, Table
from layouts.ids import ID


def svg_image(svg: str, label: str) -> html.Img:
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return html.Img(src=f"data:image/svg+xml;base64,{data}", alt=label, className="report-figure")


def scroll_region(child: Any, label: str) -> html.Div:
    """A wide table's own horizontal scroller (reflow at 320 px, WCAG 1.4.10): the page never scrolls
    sideways; the region is focusable (keyboard scrolling) and named after what it holds."""
    return html.Div(child, className="table-scroll", tabIndex=0, role="region", **{"aria-label": label})


def table(t: Table, where: str = "") -> html.Div:
    """A report table in its scroll region, named after its caption (or headers) and ``where`` it is, so two
    regions of one page never share a name."""
    head = html.Thead(
        html.Tr([html.Th(h or html.Span("Item", className="visually-hidden"), scope="col") for h in t.headers])
    )
    body = html.Tbody([html.Tr([html.Td(cell) for cell in row]) for row in t.rows])
    children = [head, body]
    if t.caption:
        children.insert(0, html.Caption(t.caption))
    return scroll_region(
        dbc.Table(children, bordered=True, size="sm", className="report-table caption-bottom"),
        (f"{where}: " if where else "") + (t.caption or "table of " + ", ".join(h for h in t.headers if h)),
    )


def section(s: Section, replace_picture: Any = None) -> html.Section:
    """One report section; ``replace_picture`` (e.g. an interactive chart) stands in for its SVG."""
    children: list[Any] = [html.H2(s.title, className="h5 mt-4")]
    children += [html.P(p) for p in s.paragraphs]
    if s.items:
        children.append(html.Ul([html.Li(i) for i in s.items]))
    if replace_picture is not None:
        children.append(replace_picture)
    elif s.svg:
        children.append(svg_image(s.svg, s.svg_label))
    children += [
        table(t, f"{s.title} ({number})" if len(s.tables) > 1 else s.title)
        for number, t in enumerate(s.tables, start=1)
    ]
    return html.Section(children)


def download_buttons(target: dict[str, Any], printable_href: str | None = None) -> html.Div:
    """HTML and XLSX downloads of a report (and a link to its printable page)."""
    links = (
        [dcc.Link("Printable page", href=printable_href, className="btn btn-sm btn-outline-secondary")]
        if printable_href
        else []
    )
    return html.Div(
        [
            dcc.Store(id=ID.report_target, data=target),
            dbc.Button("Download HTML report", id=ID.report_html, size="sm", color="primary"),
            dbc.Button("Download XLSX", id=ID.report_xlsx, size="sm", color="secondary", outline=True),
            *links,
            dcc.Download(id=ID.report_download),
            html.Div(id=ID.report_message, role="alert", **{"aria-live": "polite"}),
        ],
        className="d-flex gap-2 flex-wrap align-items-center no-print",
    )


def deferred_recommendations(configuration_id: int, max_actors: int) -> html.Section:
    """For a large configuration: its recommendations are a background job started here."""
    return html.Section(
        [
            html.H2("Recommendations", className="h5"),
            html.P(
                f"This configuration has more than {max_actors} actors, so the recommendations for its flags "
                "(one re-score per library module) are computed on request rather than with the page."
            ),
            dcc.Store(id=ID.report_config, data=configuration_id),
            html.Div(
                [
                    dbc.Button("Compute recommendations", id=ID.report_recs_compute, color="primary", size="sm"),
                    html.Span(id=ID.report_recs_status, role="status", className="ms-2 small"),
                ],
                className="no-print",
            ),
            html.Div(id=ID.report_recs, className="mt-2"),
        ],
        className="mb-3",
    )


def report_layout(
    report: Report, target: dict[str, Any], back: tuple[str, str], extra: Any = None, poster_href: str | None = None
) -> html.Main:
    """The whole report page; ``back`` is ``(href, text)`` of the page it came from; ``extra``
    goes before the sections (e.g. :func:`deferred_recommendations`); ``poster_href`` links the
    configuration's one-page poster."""
    poster = [dcc.Link("One-page poster", href=poster_href, className="ms-3")] if poster_href else []
    return html.Main(
        dbc.Container(
            [
                html.Div(
                    [dcc.Link("← Home", href="/", className="me-3"), dcc.Link(back[1], href=back[0]), *poster]
                    + (  # a single configuration can be stress-tested and replicated to another city
                        [
                            dcc.Link("Stress tests", href=f"/stress/{target['id']}", className="ms-3"),
                            dcc.Link("Replicate to another city", href=f"/replicate/{target['id']}", className="ms-3"),
                        ]
                        if target.get("kind") == "configuration"
                        else []
                    ),
                    className="py-2 no-print",
                ),
                html.H1(report.title, className="h3"),
                html.P(report.subtitle, className="text-body-secondary"),
                download_buttons(target),
                html.P(
                    "Print this page (Ctrl+P) for a paper copy.", className="small text-body-secondary mt-1 no-print"
                ),
                *([extra] if extra is not None else []),
                *[section(s) for s in report.sections],
            ],
            fluid="lg",
            className="report",
        )
    )
