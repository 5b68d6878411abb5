"""Browser tests of the editor's revision history: branch, restore and undo (dash_duo, headless Chromium)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from canvas_app.commands import AddActor
from canvas_app.model import load_configuration
from layouts.ids import ID
from ui_helpers import wait_for

pytestmark = pytest.mark.browser
DATA = Path(__file__).parent / "data"
NODE_COUNT = (
    "var e=document.getElementById('cy'); return e && e._cyreg && e._cyreg.cy ? e._cyreg.cy.nodes().length : -1;"
)


def wait_idle(dash_duo):
    """No callback in flight: a list redrawn by a late answer would swallow a click on its old button."""
    wait_for(lambda: not dash_duo.driver.find_elements(By.CSS_SELECTOR, "[data-dash-is-loading='true']"))
    time.sleep(0.3)
    wait_for(lambda: not dash_duo.driver.find_elements(By.CSS_SELECTOR, "[data-dash-is-loading='true']"))


def open_edited(dash_duo, app, store):
    """Editor on a configuration with two versions (v2 adds actor X)."""
    workspace = store.find_workspace("My workspace") or store.create_workspace("My workspace", author="tester")
    head = store.create_configuration(workspace.id, load_configuration(DATA / "small-parking.json"), author="tester")
    config, _ = store.load(head.id)
    store.save(
        head.id,
        AddActor({"id": "x", "name": "X", "type": "business"}).apply(config),
        base_version=1,
        author="someone",
        summary="add X",
    )
    dash_duo.start_server(app)
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/edit/{head.id}")
    wait_for(lambda: dash_duo.driver.execute_script(NODE_COUNT) > 0)
    return head, len(config.actors)


def test_hisb001_branch_from_the_editor_opens_the_new_alternative(dash_duo, app, store):
    head, actors = open_edited(dash_duo, app, store)
    dash_duo.find_element(f"#{ID.history_open}").click()
    dash_duo.wait_for_contains_text(f"#{ID.history_list}", "add X")
    wait_idle(dash_duo)
    name = dash_duo.find_element(f"#{ID.branch_name}")
    name.send_keys(Keys.CONTROL, "a")
    name.send_keys("Parking, concession variant")
    dash_duo.find_element(f"#{ID.branch_head}").click()
    dash_duo.wait_for_text_to_equal(f"#{ID.title}", "Parking, concession variant", timeout=10)
    new_id = int(dash_duo.driver.current_url.rstrip("/").rsplit("/", 1)[1])
    assert new_id != head.id
    branched = store.get_configuration(new_id)
    assert branched.parent_id == head.id and branched.parent_version == 2
    wait_for(lambda: dash_duo.driver.execute_script(NODE_COUNT) == actors + 1)
    assert dash_duo.get_logs() == []


def test_hisb002_restore_an_old_version_then_undo_it(dash_duo, app, store):
    head, actors = open_edited(dash_duo, app, store)
    assert dash_duo.driver.execute_script(NODE_COUNT) == actors + 1
    dash_duo.find_element(f"#{ID.history_open}").click()
    dash_duo.wait_for_contains_text(f"#{ID.history_list}", "Version 1")
    wait_idle(dash_duo)
    dash_duo.driver.find_element(By.CSS_SELECTOR, f"#{ID.history_list} [data-version='1'] button").click()
    wait_for(lambda: dash_duo.driver.execute_script(NODE_COUNT) == actors)
    wait_for(lambda: store.get_configuration(head.id).version == 3)
    dash_duo.wait_for_contains_text(f"#{ID.history_list}", "restored version 1")
    assert [a.id for a in store.load(head.id)[0].actors] == [a.id for a in store.load(head.id, 1)[0].actors]
    dash_duo.find_element(f"#{ID.history_panel} .btn-close").click()
    undo = dash_duo.find_element(f"#{ID.undo}")
    wait_for(lambda: undo.is_enabled())
    undo.click()
    wait_for(lambda: dash_duo.driver.execute_script(NODE_COUNT) == actors + 1)
    wait_for(lambda: store.get_configuration(head.id).version == 4)
    assert "x" in {a.id for a in store.load(head.id)[0].actors}
