"""Browser tests of the canvas's actions (dash_duo, headless Debian Chromium): the context menu, the keyboard
shortcuts and their help dialog, a box selection deleted with one question and one revision, and moved together."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from layouts.ids import ID
from test_editor_browser import EDGE_COUNT, NODE_COUNT, _axe_source, open_editor
from ui_helpers import wait_for

pytestmark = pytest.mark.browser

CY = "var cy = document.getElementById('cy')._cyreg.cy;"


def node_point(dash_duo, node_id):
    """Where an actor is drawn, relative to the middle of the canvas element (``point``: pointer goes there)."""
    return dash_duo.driver.execute_script(
        CY + "var n = cy.getElementById(arguments[0]).renderedPosition(), el = document.getElementById('cy');"
        "return [n.x - el.clientWidth / 2, n.y - el.clientHeight / 2];",
        node_id,
    )


def point(dash_duo, canvas, x, y):
    """Actions from the pointer at (x, y) from the canvas's middle (move_to_element always starts there)."""
    return ActionChains(dash_duo.driver).move_to_element(canvas).move_by_offset(int(x), int(y))


def menu_items(dash_duo):
    return dash_duo.driver.execute_script(
        "var m = document.querySelector('.context-menu[role=menu]');"
        "return m ? Array.from(m.querySelectorAll('[role=menuitem]')).map(b => b.textContent) : null;"
    )


def focused(dash_duo):
    return dash_duo.driver.execute_script("return document.activeElement && document.activeElement.id;")


def axe_violations(dash_duo):
    dash_duo.driver.execute_script(_axe_source())
    return dash_duo.driver.execute_async_script(
        "const done = arguments[0]; axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']})"
        ".then(r => done(r.violations.map(v => v.id + ': ' + v.nodes.length)));"
    )


def test_right_click_opens_the_element_menu_and_edit_opens_its_form(dash_duo, app, store):
    open_editor(dash_duo, app, store)
    canvas = dash_duo.find_element(f"#{ID.cy}")
    x, y = node_point(dash_duo, "drivers")
    point(dash_duo, canvas, x, y).context_click().perform()
    wait_for(lambda: menu_items(dash_duo) is not None)
    assert menu_items(dash_duo) == ["Edit actor “Drivers”", "Delete actor…", "Draw a flow from here"]
    assert dash_duo.driver.execute_script("return document.activeElement.getAttribute('data-menu');") == "edit"
    assert axe_violations(dash_duo) == []  # the open menu too
    ActionChains(dash_duo.driver).send_keys(Keys.ARROW_DOWN).perform()
    assert dash_duo.driver.execute_script("return document.activeElement.getAttribute('data-menu');") == "delete"
    ActionChains(dash_duo.driver).send_keys(Keys.ARROW_UP, Keys.ENTER).perform()  # back to Edit, run it
    dash_duo.wait_for_contains_text(f"#{ID.actor_heading}", "Drivers")
    assert dash_duo.find_element(f"#{ID.actor_name}").get_attribute("value") == "Drivers"
    assert focused(dash_duo) == ID.actor_name and menu_items(dash_duo) is None


def test_menu_on_the_keyboard_deletes_the_selected_actor_and_draws_a_flow_from_another(dash_duo, app, store):
    head = open_editor(dash_duo, app, store)
    dash_duo.driver.execute_script(CY + "cy.getElementById('lonely').emit('tap');")
    dash_duo.wait_for_contains_text(f"#{ID.actor_heading}", "Lonely vendor")
    region = dash_duo.find_element(f"#{ID.canvas_region}")
    region.send_keys(Keys.SHIFT, Keys.F10)
    wait_for(lambda: menu_items(dash_duo) is not None)
    ActionChains(dash_duo.driver).send_keys(Keys.ESCAPE).perform()  # Escape closes it, focus back on the map
    wait_for(lambda: menu_items(dash_duo) is None and focused(dash_duo) == ID.canvas_region)
    region.send_keys(Keys.SHIFT, Keys.F10)
    wait_for(lambda: menu_items(dash_duo) is not None)
    ActionChains(dash_duo.driver).send_keys(Keys.ARROW_DOWN, Keys.ENTER).perform()
    dash_duo.wait_for_contains_text(f"#{ID.delete_text}", "Delete actor “Lonely vendor” and its 0 flows?")
    dash_duo.find_element(f"#{ID.delete_confirm}").click()
    wait_for(lambda: dash_duo.driver.execute_script(NODE_COUNT) == 3)
    wait_for(lambda: store.get_configuration(head.id).version == head.version + 1)
    assert "lonely" not in {a.id for a in store.load(head.id)[0].actors}

    dash_duo.driver.execute_script(CY + "cy.getElementById('city').select();")
    region.send_keys(Keys.SHIFT, Keys.F10)
    wait_for(lambda: menu_items(dash_duo) is not None)
    ActionChains(dash_duo.driver).send_keys(Keys.END, Keys.ENTER).perform()  # Draw a flow from here
    wait_for(lambda: dash_duo.find_element(f"#{ID.flow_source}").get_attribute("value") == "city")
    assert focused(dash_duo) == ID.flow_target


def test_shortcuts_dialog_and_view_keys(dash_duo, app, store):
    open_editor(dash_duo, app, store)
    region = dash_duo.find_element(f"#{ID.canvas_region}")
    zoom = CY + "return cy.zoom();"
    before = dash_duo.driver.execute_script(zoom)
    region.send_keys("+")
    wait_for(lambda: dash_duo.driver.execute_script(zoom) > before * 1.2)
    region.send_keys("-")
    region.send_keys("-")
    wait_for(lambda: dash_duo.driver.execute_script(zoom) < before)
    dash_duo.driver.execute_script(CY + "cy.pan({x: 5000, y: 5000});")  # the map panned out of sight
    region.send_keys("f")
    wait_for(
        lambda: dash_duo.driver.execute_script(
            CY + "var b = cy.elements().renderedBoundingBox(); return b.x1 >= 0 && b.y1 >= 0 && b.x2 <= cy.width();"
        )
    )
    region.send_keys("?")
    dash_duo.wait_for_element(f"#{ID.keys_modal} table")
    rows = [th.text for th in dash_duo.find_elements(f"#{ID.keys_modal} tbody th")]
    assert "F or 0" in rows and "Shift+F10 or the Menu key" in rows and "Delete or Backspace" in rows
    assert axe_violations(dash_duo) == []
    ActionChains(dash_duo.driver).send_keys(Keys.ESCAPE).perform()
    wait_for(lambda: not dash_duo.find_elements(f"#{ID.keys_modal} table"))
    dash_duo.driver.find_element(By.CSS_SELECTOR, "[data-canvas=help]").click()  # the same, from the "?" button
    dash_duo.wait_for_element(f"#{ID.keys_modal} table")


def test_box_selection_is_deleted_with_one_question_and_one_undo(dash_duo, app, store):
    head = open_editor(dash_duo, app, store)
    canvas = dash_duo.find_element(f"#{ID.cy}")
    # Shift+drag a box around Drivers and the Parking operator (and nothing else)
    (x1, y1), (x2, y2) = node_point(dash_duo, "drivers"), node_point(dash_duo, "operator")
    left, top = min(x1, x2) - 30, min(y1, y2) - 30
    right, bottom = max(x1, x2) + 30, max(y1, y2) + 30
    chain = point(dash_duo, canvas, left, top).key_down(Keys.SHIFT).click_and_hold()
    chain.move_by_offset(int((right - left) / 2), int((bottom - top) / 2)).move_by_offset(
        int((right - left) / 2), int((bottom - top) / 2)
    )
    chain.release().key_up(Keys.SHIFT).perform()
    selected = CY + "return cy.nodes(':selected').map(n => n.id()).sort();"
    wait_for(lambda: dash_duo.driver.execute_script(selected) == ["drivers", "operator"])
    button = dash_duo.find_element(f"#{ID.delete_many}")
    wait_for(lambda: button.is_displayed() and "selected elements" in button.text)

    dash_duo.find_element(f"#{ID.canvas_region}").send_keys(Keys.DELETE)
    dash_duo.wait_for_contains_text(f"#{ID.delete_text}", "Delete 2 actors (Drivers, Parking operator)")
    dash_duo.find_element(f"#{ID.delete_confirm}").click()
    wait_for(lambda: dash_duo.driver.execute_script(NODE_COUNT) == 2)
    assert dash_duo.driver.execute_script(EDGE_COUNT) == 0  # all three flows touched one of them
    wait_for(lambda: store.get_configuration(head.id).version == head.version + 1)  # one revision
    wait_for(lambda: not button.is_displayed())
    dash_duo.find_element(f"#{ID.undo}").click()  # one Undo brings both back, with their flows
    wait_for(
        lambda: dash_duo.driver.execute_script(NODE_COUNT) == 4 and dash_duo.driver.execute_script(EDGE_COUNT) == 3
    )


def test_dragging_one_of_a_selection_moves_them_all_in_one_revision(dash_duo, app, store):
    head = open_editor(dash_duo, app, store)
    dash_duo.driver.execute_script(CY + "cy.$('#drivers, #operator').select();")
    canvas = dash_duo.find_element(f"#{ID.cy}")
    x, y = node_point(dash_duo, "drivers")
    position = CY + "return ['drivers', 'operator', 'city'].map(i => cy.getElementById(i).position());"
    before = dash_duo.driver.execute_script(position)
    chain = point(dash_duo, canvas, x, y).click_and_hold()
    chain.move_by_offset(20, 10).move_by_offset(20, 10).release().perform()
    wait_for(lambda: store.get_configuration(head.id).version == head.version + 1)
    saved = {a.id: a.position for a in store.load(head.id)[0].actors}
    after = dash_duo.driver.execute_script(position)
    for k, name in enumerate(("drivers", "operator")):
        moved_x, moved_y = after[k]["x"] - before[k]["x"], after[k]["y"] - before[k]["y"]
        assert moved_x > 10 and moved_y > 5  # both moved, by the same amount
        assert (saved[name].x, saved[name].y) == (round(after[k]["x"], 1), round(after[k]["y"], 1))
    assert after[2] == before[2]  # the city was not selected
    assert store.get_configuration(head.id).version == head.version + 1  # one revision for the whole move


def test_organic_layout_tidies_a_twelve_actor_map_in_one_revision_with_no_actor_over_another(dash_duo, app, store):
    example = Path(__file__).resolve().parents[2] / "examples" / "open-sensor-platform.json"
    head = open_editor(dash_duo, app, store, path=example)
    dash_duo.find_element(f"#{ID.layout_name}").send_keys("Organic (for value networks)")
    dash_duo.find_element(f"#{ID.layout_apply}").click()
    wait_for(lambda: store.get_configuration(head.id).version == head.version + 1, timeout=20)
    boxes = dash_duo.driver.execute_script(
        CY + "return cy.nodes().map(n => [n.id(), n.boundingBox({includeLabels: false})]);"
    )
    assert len(boxes) >= 12
    overlapping = [
        (a, b)
        for k, (a, p) in enumerate(boxes)
        for b, q in boxes[k + 1 :]
        if p["x1"] < q["x2"] and q["x1"] < p["x2"] and p["y1"] < q["y2"] and q["y1"] < p["y2"]
    ]
    assert overlapping == []
    saved = {a.id: a.position for a in store.load(head.id)[0].actors}
    shown = dash_duo.driver.execute_script(
        CY + "var o = {}; cy.nodes().forEach(n => o[n.id()] = n.position()); return o;"
    )
    assert all(abs(saved[i].x - p["x"]) < 1 and abs(saved[i].y - p["y"]) < 1 for i, p in shown.items())
    time.sleep(1)  # the layout's positions went as one edit: no second revision follows
    assert store.get_configuration(head.id).version == head.version + 1


def test_at_1024_px_the_toolbar_is_one_line_and_the_form_sits_beside_the_canvas_in_view(dash_duo, app, store):
    open_editor(dash_duo, app, store)
    dash_duo.driver.set_window_size(1024, 800)
    wait_for(lambda: dash_duo.driver.execute_script("return window.innerWidth;") <= 1024)
    tops = dash_duo.driver.execute_script(
        "return [arguments[0], arguments[1], arguments[2], arguments[3]].map("
        "id => Math.round(document.getElementById(id).getBoundingClientRect().top));",
        ID.undo,
        ID.layout_name,
        ID.layout_apply,
        ID.export_menu,
    )
    assert max(tops) - min(tops) <= 6, tops  # no control wrapped onto a second line
    canvas, side, name = dash_duo.driver.execute_script(
        "return [arguments[0], arguments[1], arguments[2]].map(s => document.querySelector(s).getBoundingClientRect());",
        f"#{ID.cy}",
        ".side-panel",
        f"#{ID.actor_name}",
    )
    assert side["left"] >= canvas["right"] - 1  # beside the canvas, not below it
    assert name["bottom"] <= dash_duo.driver.execute_script("return window.innerHeight;")  # no scrolling to reach it
    assert dash_duo.driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth;")
