"""URL routing: ``/`` is Home, ``/edit/<configuration id>`` the canvas editor."""

from __future__ import annotations

import re
from typing import Any

import dash_bootstrap_components as dbc
from dash import Input, Output, dcc, html

from callbacks.services import Services
from layouts.ids import ID

EDIT_PATH = re.compile(r"^/edit/(\d{1,12})/?$")


def not_found(text: str) -> html.Main:
    return html.Main(
        dbc.Container([html.H1("Not found", className="h4 mt-3"), html.P(text), dcc.Link("← Home", href="/")])
    )


def route(services: Services, pathname: str | None) -> Any:
    """The page for a path (a pure dispatch over the page builders)."""
    from callbacks import editor, home

    pathname = pathname or "/"
    if pathname in ("/", "/home"):
        return home.home_page(services)
    match = EDIT_PATH.match(pathname)
    if match:
        return editor.editor_page(services, int(match.group(1)))
    return not_found(f"There is no page at {pathname}.")


def register(app: Any, services: Services) -> None:
    @app.callback(Output(ID.page, "children"), Input(ID.url, "pathname"))
    def render_page(pathname: str | None) -> Any:
        return route(services, pathname)
