"""The accessibility statement (``/accessibility``) and the footer that links to it from every page.

Public-sector websites in the EU publish one (Web Accessibility Directive 2016/2102, model
statement of Implementing Decision 2018/1523). This one says what the app meets, what it does
not and what to use instead, and how it is checked. Static text: nothing here comes from users.
"""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

STATEMENT_PATH = "/accessibility"
STATEMENT_DATE = "2026-11-25"

KNOWN_LIMITATIONS: list[tuple[str, str]] = [
    (
        "The value network is drawn on a canvas, which screen readers cannot read.",
        "Every actor and flow is also listed in the editor's “Select an element to edit” list; the side panel shows "
        "and edits the selected element, and the flags list names the elements each finding is about.",
    ),
    (
        "Placing a module by drag and drop needs a pointer.",
        "Focus a module in the palette and press Enter: it is placed in the middle of the visible canvas.",
    ),
    (
        "Drawing a flow by tapping two actors on the canvas needs a pointer.",
        "Choose the two actors in the “From” and “To” lists of the flow form and press “Add flow”.",
    ),
    (
        "Moving actors on the canvas needs a pointer.",
        "Use the automatic layouts in the toolbar; positions only change the picture, never the scores.",
    ),
    (
        "Colours of actor types and flow kinds on the canvas are not the only cue, but the legend uses colour and line style.",
        "Each element's type or kind is named in the side panel and in the “Select an element to edit” list.",
    ),
]


def site_footer() -> html.Footer:
    """A small footer on every page: the accessibility statement link (required on public-sector sites)."""
    return html.Footer(
        dbc.Container(
            dcc.Link("Accessibility statement", href=STATEMENT_PATH, className="small"),
            fluid=True,
            className="py-2 border-top",
        ),
        className="site-footer",
    )


def accessibility_page() -> html.Main:
    """The statement: conformance status, known limitations with their alternatives, how it is tested, feedback."""
    return html.Main(
        dbc.Container(
            [
                html.H1("Accessibility statement", className="h3 mt-3"),
                html.P(
                    "CityCanvas is meant to be usable by everyone in a city's digital-services team, including people "
                    "who use a keyboard only, a screen reader, magnification or high contrast. This statement "
                    "follows the model of the EU Web Accessibility Directive (2016/2102)."
                ),
                html.H2("Conformance status", className="h5 mt-4"),
                html.P(
                    "Partially conformant with the Web Content Accessibility Guidelines (WCAG) 2.1 level AA: "
                    "the pages and forms conform; the drawn value network has the limitations listed below, each "
                    "with an equivalent way to do the same task."
                ),
                html.H2("Known limitations and what to use instead", className="h5 mt-4"),
                html.Ul(
                    [html.Li([html.Strong(problem), " ", alternative]) for problem, alternative in KNOWN_LIMITATIONS]
                ),
                html.H2("How this is checked", className="h5 mt-4"),
                html.Ul(
                    [
                        html.Li(
                            "Every page (Home, the editor empty and with 50 actors and its dialogs open, comparison, "
                            "report, needs, sign-in and this page) is scanned with axe-core against the WCAG 2.0/2.1 "
                            "A and AA rules in a real browser on every change; a violation fails the build."
                        ),
                        html.Li(
                            "Keyboard paths for placing modules and editing actors and flows are tested in a real browser."
                        ),
                        html.Li("Text and controls meet the 4.5:1 contrast ratio; focus is always visible."),
                    ]
                ),
                html.H2("Feedback and contact", className="h5 mt-4"),
                html.P(
                    "If something in CityCanvas is hard to use for you, or you need the content of a configuration in "
                    "another format, contact the team that runs this CityCanvas installation in your organisation. "
                    "Every configuration can also be exported as JSON, CSV or GraphML from the editor's toolbar, "
                    "which screen readers and spreadsheets can read."
                ),
                html.H2("Enforcement procedure", className="h5 mt-4"),
                html.P(
                    "If you are not satisfied with the answer to your feedback, you can contact the national "
                    "enforcement body of the Web Accessibility Directive in your country."
                ),
                html.P(f"This statement was prepared on {STATEMENT_DATE}.", className="text-body-secondary small"),
                dcc.Link("← Home", href="/"),
            ],
            className="pb-4",
        )
    )


def statement_route(pathname: str) -> Any:
    """The statement page for its path, else None (used by the router)."""
    return accessibility_page() if pathname.rstrip("/") == STATEMENT_PATH else None


__all__ = ["accessibility_page", "site_footer", "statement_route", "STATEMENT_PATH"]
