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
STATEMENT_DATE = "2026-12-03"

KNOWN_LIMITATIONS: list[tuple[str, str]] = [
    (
        "The value network is drawn on a canvas, which screen readers cannot read.",
        "The editor's Table view, right below the canvas (“Skip to table view”), lists every actor (type, role, "
        "flows given and received) and every flow (from, to, kind, label, amount), sortable by each column; each "
        "row's Edit button opens the element in the side panel's form. The report has the same two tables after "
        "its picture.",
    ),
    (
        "Placing a module by drag and drop needs a pointer.",
        "Focus the palette (one Tab stop; arrow keys, Home and End move between modules) and press Enter: the "
        "module is placed in the middle of the visible canvas.",
    ),
    (
        "Drawing a flow by tapping two actors on the canvas needs a pointer.",
        "Choose the two actors in the “From” and “To” lists of the flow form and press “Add flow”.",
    ),
    (
        "Dragging an actor on the canvas needs a pointer.",
        "Select the actor (in the Table view or the “Select an element to edit” list) and use the “Move it” "
        "buttons of its form; positions only change the picture, never the scores.",
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
                            "A and AA rules in a real browser on every change, the editor also against axe's "
                            "best-practice rules; a violation fails the build."
                        ),
                        html.Li(
                            "Keyboard use of the editor is tested in a real browser: each of the palette, the canvas, "
                            "the Table view, the scores and the flags is at most ten key presses from the top of the "
                            "page (skip links); the palette is one Tab stop; focus moves to a sensible place after "
                            "Delete, Undo and page changes, never to the page itself; the History panel keeps Tab "
                            "inside it; editing through the Table view changes the map."
                        ),
                        html.Li(
                            "Colour is never the only cue: flow kinds differ by line pattern and arrow head, actor "
                            "types by shape, and the legend draws both with their names. The contrast of the focus "
                            "ring, the selection, the local-actor outline, flow lines and form field borders is "
                            "computed in the tests (3:1 at least); text contrast (4.5:1) is checked by axe."
                        ),
                        html.Li(
                            "Home, the editor, score weights, reports and comparisons are tested at 320 CSS pixels "
                            "wide: nothing needs scrolling sideways (wide tables scroll inside their own region)."
                        ),
                        html.Li(
                            "A form field with a wrong value is marked invalid (aria-invalid) and described by the "
                            "message that names it, until it is corrected; nothing is saved before."
                        ),
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
