"""URL routing: ``/`` is Home, ``/edit/<configuration id>`` the canvas editor."""

from __future__ import annotations

import re
from typing import Any

from dash import Input, Output

from callbacks import (
    advantages,
    city_profiles,
    compare,
    editor,
    home,
    mechanisms,
    members,
    modules,
    needs,
    poster,
    replicate,
    report,
    rounds,
    stress,
    weights,
)
from callbacks.auth import page_or_refusal
from canvas_app.web.services import Services
from layouts.accessibility import statement_route
from layouts.common import not_found
from layouts.ids import ID
from layouts.rounds import INVITED_PATH, PARTICIPATE_PATH

EDIT_PATH = re.compile(r"^/edit/(\d{1,12})/?$")
WEIGHTS_PATH = re.compile(r"^/workspace/(\d{1,12})/weights/?$")
MEMBERS_PATH = re.compile(r"^/members/(\d{1,12})/?$")
NEEDS_PATH = re.compile(r"^/workspace/(\d{1,12})/needs/?$")
ADVANTAGES_PATH = re.compile(r"^/workspace/(\d{1,12})/advantages/?$")
MODULES_PATH = re.compile(r"^/workspace/(\d{1,12})/modules/?$")
MECHANISMS_PATH = re.compile(r"^/mechanisms/(\d{1,12})/?$")
REPORT_PATH = re.compile(r"^/report/(\d{1,12})/?$")
CITIES_PATH = re.compile(r"^/workspace/(\d{1,12})/cities/?$")
REPLICATE_PATH = re.compile(r"^/replicate/(\d{1,12})/?$")
STRESS_PATH = re.compile(r"^/stress/(\d{1,12})/?$")
POSTER_PATH = re.compile(r"^/poster/(\d{1,12})/?$")
ROUNDS_PATH = re.compile(r"^/workspace/(\d{1,12})/rounds/?$")


def route(services: Services, pathname: str | None, search: str | None = None) -> Any:
    """The page for a path and query string (a dispatch over the page builders), after the day's
    retention check of the co-creation rounds (:meth:`Services.keep_round_retention`)."""
    services.keep_round_retention(rounds.today())
    pathname = pathname or "/"
    if pathname in ("/", "/home"):
        return home.home_page(services)
    statement = statement_route(pathname)
    if statement is not None:
        return statement
    if PARTICIPATE_PATH.match(pathname) or INVITED_PATH.match(pathname):  # a valid token, or an invited account
        return rounds.participant_page(services, pathname)
    match = EDIT_PATH.match(pathname)
    if match:
        return editor.editor_page(services, int(match.group(1)))
    page = compare_and_report_page(services, pathname, search)
    if page is not None:
        return page
    match = MEMBERS_PATH.match(pathname)
    if match:
        return members.members_page(services, int(match.group(1)))
    for pattern, page in workspace_pages().items():
        match = pattern.match(pathname)
        if match:
            return page(services, int(match.group(1)))
    match = WEIGHTS_PATH.match(pathname)
    if match:
        return weights.weights_page(services, int(match.group(1)))
    return not_found(f"There is no page at {pathname}.")


def compare_and_report_page(services: Services, pathname: str, search: str | None) -> Any:
    """``/compare?ids=…``, ``/report/compare?ids=…``, ``/report/<id>`` and ``/poster/<id>``; None for other paths."""

    if pathname.rstrip("/") == "/compare":
        return compare.compare_page(services, search)
    if pathname.rstrip("/") == "/report/compare":
        return report.comparison_report_page(services, search)
    match = POSTER_PATH.match(pathname)
    if match:
        return poster.poster_page(services, int(match.group(1)))
    match = REPORT_PATH.match(pathname)
    return report.report_page(services, int(match.group(1))) if match else None


def workspace_pages() -> dict[re.Pattern[str], Any]:
    """Needs, advantages, module library, value-mechanism, city-profile, replicate, stress-test and rounds pages: path
    pattern → page builder(services, id)."""

    return {
        NEEDS_PATH: needs.needs_page,
        ADVANTAGES_PATH: advantages.advantages_page,
        MODULES_PATH: modules.modules_page,
        MECHANISMS_PATH: mechanisms.mechanisms_page,
        CITIES_PATH: city_profiles.profiles_page,
        REPLICATE_PATH: replicate.replicate_page,
        STRESS_PATH: stress.stress_page,
        ROUNDS_PATH: rounds.rounds_page,
    }


def register(app: Any, services: Services) -> None:
    @app.callback(Output(ID.page, "children"), Input(ID.url, "pathname"), Input(ID.url, "search"))
    def render_page(pathname: str | None, search: str | None) -> Any:
        return page_or_refusal(services, lambda: route(services, pathname, search), pathname)
