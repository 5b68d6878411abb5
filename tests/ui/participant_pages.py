"""What the browser tests of co-creation rounds share: answering a participant page as a person would
(consent, ratings, comments), reading its state back, and a fresh browser or an emulated phone."""

from __future__ import annotations

import json

from layouts.ids import ID
from ui_helpers import click, wait_for


def dom_id(component_id: dict) -> str:
    """The DOM id Dash gives a dict id (keys sorted, no spaces)."""
    return json.dumps(component_id, sort_keys=True, separators=(",", ":"))


OPTIONS = ["1", "2", "3", "4", "5", "dk"]
"""The radio buttons of an item, in page order."""


def rate(dash_duo, item: str, value: str) -> None:
    dash_duo.driver.execute_script(
        "const el = document.getElementById(arguments[0]).querySelectorAll('input')[arguments[1]];"
        "el.scrollIntoView({block: 'center', behavior: 'instant'}); el.click();",
        dom_id(ID.participate_rating(item)),
        OPTIONS.index(value),
    )


def checked(dash_duo, item: str) -> str | None:
    index = dash_duo.driver.execute_script(
        "const box = document.getElementById(arguments[0]);"
        "return box ? Array.from(box.querySelectorAll('input')).findIndex(i => i.checked) : -1;",
        dom_id(ID.participate_rating(item)),
    )
    return None if index < 0 else OPTIONS[index]


def participate(
    dash_duo, link: str, group: str, ratings: dict[str, str], comment: str = "", comment_item: str = "n1"
) -> None:
    """Consent as ``group`` on ``link``, rate the items (and comment on one), save, and see it saved."""
    dash_duo.driver.get(link)
    dash_duo.wait_for_contains_text("h1", "Before you start")
    click(dash_duo, f"#{ID.participate_group} option[value='{group}']")
    click(dash_duo, f"#{ID.participate_agree}")
    dash_duo.wait_for_contains_text(f"#{ID.participate_joined}", "Thank you")
    for item, value in ratings.items():
        rate(dash_duo, item, value)
    if comment:
        box = dash_duo.driver.execute_script(
            "return document.getElementById(arguments[0]);", dom_id(ID.participate_comment(comment_item))
        )
        box.send_keys(comment)
    click(dash_duo, f"#{ID.participate_save}")
    dash_duo.wait_for_contains_text(f"#{ID.participate_feedback}", "Your answers are saved")


def new_link(dash_duo) -> str:
    """Click "Create round" on the designer's page and return the participation link it shows once."""
    click(dash_duo, f"#{ID.rounds_create}")
    return wait_for(
        lambda: dash_duo.driver.execute_script(
            "const c = document.getElementById(arguments[0]); return c && c.textContent;", ID.rounds_link
        )
    )


def fits_the_phone(dash_duo) -> None:
    """The page is laid out for the emulated 360 px phone and does not scroll sideways."""
    driver = dash_duo.driver
    width = driver.execute_script("return document.documentElement.scrollWidth;")
    assert driver.execute_script("return window.innerWidth;") == 360
    assert width <= 360, f"the participant page scrolls sideways at 360 px ({width} px)"


def console_errors(dash_duo) -> list[str]:
    """The browser console's errors since the last call, e.g. a callback answering 400 or 500."""
    return [e["message"] for e in dash_duo.get_logs() if "favicon" not in e["message"]]


def click_id(dash_duo, component_id: dict) -> None:
    """Click the element of a dict id (its DOM id is JSON, awkward in a CSS selector)."""
    element = wait_for(
        lambda: dash_duo.driver.execute_script("return document.getElementById(arguments[0]);", dom_id(component_id))
    )
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", element)
    element.click()


PHONE = {"width": 360, "height": 740, "deviceScaleFactor": 2, "mobile": True}
"""A small phone, emulated through DevTools (``set_window_size`` may be clamped by headless Chrome)."""


def fresh_browser(dash_duo) -> None:
    """Another person's browser: no cookies (no session), nothing in local or session storage."""
    dash_duo.driver.delete_all_cookies()
    dash_duo.driver.execute_script("window.localStorage.clear(); window.sessionStorage.clear();")


def table_rows(dash_duo, selector: str) -> list[list[str]]:
    """The text of each cell of each body row of the table(s) at ``selector``."""
    return dash_duo.driver.execute_script(
        "return Array.from(document.querySelectorAll(arguments[0] + ' tbody tr'))"
        ".map(r => Array.from(r.cells).map(c => c.textContent.trim()));",
        selector,
    )
