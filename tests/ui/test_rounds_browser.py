"""Browser test of a co-creation round end to end (dash_duo, headless Debian Chromium): the designer
creates a needs round, two participants answer on a phone-sized window, one revises, the designer
closes it, reads the results, accepts them into the needs and undoes that."""

from __future__ import annotations

import json

import pytest

from canvas_app.workspace_model import WorkspaceNeed
from layouts.ids import ID
from test_accessibility import violations
from ui_helpers import click, wait_for

pytestmark = pytest.mark.browser


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


def participate(dash_duo, link: str, group: str, ratings: dict[str, str], comment: str = "") -> None:
    dash_duo.driver.get(link)
    dash_duo.wait_for_contains_text("h1", "Before you start")
    click(dash_duo, f"#{ID.participate_group} option[value='{group}']")
    click(dash_duo, f"#{ID.participate_agree}")
    dash_duo.wait_for_contains_text(f"#{ID.participate_joined}", "Thank you")
    for item, value in ratings.items():
        rate(dash_duo, item, value)
    if comment:
        box = dash_duo.driver.execute_script(
            "return document.getElementById(arguments[0]);", dom_id(ID.participate_comment("n1"))
        )
        box.send_keys(comment)
    click(dash_duo, f"#{ID.participate_save}")
    dash_duo.wait_for_contains_text(f"#{ID.participate_feedback}", "Your answers are saved")


def test_rd001_a_round_from_creation_to_accepted_results(dash_duo, app, store):
    workspace = store.create_workspace("Oulu", author="tester")
    store.upsert_need(workspace.id, WorkspaceNeed(id="n1", name="Safe cycling", importance=2), author="tester")
    store.upsert_need(workspace.id, WorkspaceNeed(id="n2", name="Quiet streets", importance=3), author="tester")
    dash_duo.start_server(app)
    designer_page = f"{dash_duo.server_url}/workspace/{workspace.id}/rounds"
    dash_duo.driver.get(f"{dash_duo.server_url}/workspace/{workspace.id}/needs")
    click(dash_duo, f'a[href="/workspace/{workspace.id}/rounds"]')  # linked from the needs page
    dash_duo.wait_for_contains_text("h1", "Co-creation rounds")
    for box in dash_duo.find_elements(f"#{ID.rounds_needs} input"):  # both needs
        box.click()
    click(dash_duo, f"#{ID.rounds_create}")
    link = wait_for(
        lambda: dash_duo.driver.execute_script(
            "const c = document.getElementById('rd-link'); return c && c.textContent;"
        )
    )
    assert link.startswith(f"{dash_duo.server_url}/r/")
    dash_duo.wait_for_contains_text(f"#{ID.rounds_list}", "open")

    dash_duo.driver.set_window_size(360, 800)
    participate(dash_duo, link, "resident", {"n1": "4", "n2": "dk"}, comment="More lanes")
    width = dash_duo.driver.execute_script("return document.documentElement.scrollWidth;")
    assert width <= 360, f"the participant page scrolls sideways at 360 px ({width} px)"
    assert violations(dash_duo) == []
    dash_duo.driver.execute_script("window.localStorage.clear();")  # a second person on a fresh browser
    participate(dash_duo, link, "business", {"n1": "5", "n2": "3"})
    dash_duo.driver.get(link)  # the second comes back and revises: their answers are shown again
    wait_for(lambda: checked(dash_duo, "n1") == "5")
    rate(dash_duo, "n1", "4")
    click(dash_duo, f"#{ID.participate_save}")
    dash_duo.wait_for_contains_text(f"#{ID.participate_feedback}", "Your answers are saved")
    round_id = store.list_rounds(workspace.id)[0].id
    assert sorted((a.item, a.group, a.rating, a.comment) for a in store.list_answers(round_id)) == [
        ("n1", "business", 4, ""),
        ("n1", "resident", 4, "More lanes"),
        ("n2", "business", 3, ""),
        ("n2", "resident", None, ""),
    ]

    dash_duo.driver.set_window_size(1400, 1000)
    dash_duo.driver.get(designer_page)
    dash_duo.wait_for_contains_text(f"#{ID.rounds_results}", "Results of round")
    click(dash_duo, f"#{ID.rounds_close}")
    dash_duo.wait_for_contains_text(f"#{ID.rounds_feedback}", "is closed")
    dash_duo.wait_for_contains_text(f"#{ID.rounds_results}", "(closed)")
    assert len(dash_duo.find_elements(f"#{ID.rounds_results} .js-plotly-plot")) == 2  # one chart per item
    assert violations(dash_duo) == []
    click(dash_duo, f"#{ID.rounds_accept}")
    dash_duo.wait_for_contains_text(f"#{ID.rounds_feedback}", "Accepted into the needs ranking: n1 → 4")
    assert [(n.id, n.importance) for n in store.list_needs(workspace.id)] == [("n1", 4), ("n2", 3)]
    click(dash_duo, f"#{ID.rounds_undo}")
    dash_duo.wait_for_contains_text(f"#{ID.rounds_feedback}", "Undone")
    assert [(n.id, n.importance) for n in store.list_needs(workspace.id)] == [("n1", 2), ("n2", 3)]


def click_id(dash_duo, component_id: dict) -> None:
    """Click the element of a dict id (its DOM id is JSON, awkward in a CSS selector)."""
    element = wait_for(
        lambda: dash_duo.driver.execute_script("return document.getElementById(arguments[0]);", dom_id(component_id))
    )
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", element)
    element.click()


def test_rd002_a_proposal_is_accepted_the_answers_exported_and_one_participant_deleted(dash_duo, app, store):
    from pathlib import Path

    from storage.rounds import token_hash
    from ui_helpers import downloaded

    workspace = store.create_workspace("Oulu", author="tester")
    store.upsert_need(workspace.id, WorkspaceNeed(id="n1", name="Safe cycling", importance=2), author="tester")
    dash_duo.start_server(app)
    dash_duo.driver.get(f"{dash_duo.server_url}/workspace/{workspace.id}/rounds")
    click(dash_duo, f"#{ID.rounds_needs} input")
    click(dash_duo, f"#{ID.rounds_create}")
    link = wait_for(
        lambda: dash_duo.driver.execute_script(
            "const c = document.getElementById('rd-link'); return c && c.textContent;"
        )
    )

    participate(dash_duo, link, "resident", {"n1": "4"})
    round_id = store.list_rounds(workspace.id)[0].id
    token = dash_duo.driver.execute_script("return JSON.parse(localStorage.getItem(arguments[0]));", ID.participate_me)
    code = token_hash(token[str(round_id)])[:8]
    dash_duo.wait_for_contains_text(f"#{ID.participate_code}", f"Your reference code: {code}.")
    dash_duo.find_element(f"#{ID.participate_proposal}").send_keys("Benches at bus stops")
    click(dash_duo, f"#{ID.participate_propose}")
    dash_duo.wait_for_contains_text(f"#{ID.participate_proposed}", "Thank you: your proposal is sent")
    dash_duo.driver.execute_script("window.localStorage.clear();")
    participate(dash_duo, link, "business", {"n1": "2"})

    dash_duo.driver.get(f"{dash_duo.server_url}/workspace/{workspace.id}/rounds")
    dash_duo.wait_for_contains_text(f"#{ID.rounds_proposals}", "Benches at bus stops")
    assert violations(dash_duo) == []
    (proposal,) = store.list_proposals(round_id)
    click_id(dash_duo, ID.rounds_proposal_accept(proposal.id))
    dash_duo.wait_for_contains_text(f"#{ID.rounds_proposals_feedback}", "Added “Benches at bus stops”")
    dash_duo.wait_for_contains_text(f"#{ID.rounds_proposals}", "accepted")
    assert [n.name for n in store.list_needs(workspace.id)] == ["Safe cycling", "Benches at bus stops"]

    folder = Path(dash_duo.download_path)
    dash_duo.driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(folder)})
    click(dash_duo, f"#{ID.rounds_download_csv}")
    exported = downloaded(folder, ".csv").read_text(encoding="utf-8").splitlines()
    assert exported[0] == "item id,item text,stakeholder group,rating,comment,answered at" and len(exported) == 3

    dash_duo.find_element(f"#{ID.rounds_erase_code}").send_keys(code.upper())
    click(dash_duo, f"#{ID.rounds_erase}")
    dash_duo.wait_for_contains_text(
        f"#{ID.rounds_erase_text}", f"Delete the 1 answer of the participant with reference code {code}"
    )
    click(dash_duo, f"#{ID.rounds_erase_confirm}")
    dash_duo.wait_for_contains_text(
        f"#{ID.rounds_erase_feedback}", f"Deleted 1 answer of the participant with reference code {code}."
    )
    assert [(a.group, a.rating) for a in store.list_answers(round_id)] == [("business", 2)]
