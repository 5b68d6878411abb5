"""The editor by keyboard and screen reader, beyond what axe checks (WCAG 2.1.1, 2.4.1, 2.4.3, 1.1.1, 4.1.2).

Tab counts to each part of the editor, the palette as one Tab stop, the Table view as the canvas's
text alternative (edits through it reach the canvas), focus kept after actions that remove or
disable the focused control, the History panel holding focus, and the element picker.
"""

from __future__ import annotations

import contextlib
import time

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.select import Select

from layouts.ids import ID
from test_accessibility import VENDOR
from test_editor_browser import open_editor
from ui_helpers import click, wait_for

pytestmark = pytest.mark.browser
ACTIVE = "var a=document.activeElement; return a ? (a.id || a.getAttribute('data-module') || a.tagName) : null;"
SELECTED = "return document.getElementById('cy')._cyreg.cy.elements(':selected').map(e => e.id());"


def press(dash_duo, *keys: str) -> None:
    ActionChains(dash_duo.driver).send_keys(*keys).perform()


def active(dash_duo) -> str | None:
    return dash_duo.driver.execute_script(ACTIVE)


def keys_to(dash_duo, target: str, limit: int = 10) -> int:
    """Key presses from the top of the page until ``target`` has focus: Tab, or Enter on its skip link."""
    # start where a fresh page load starts: the first Tab lands on the page's first link ("Skip to content")
    dash_duo.driver.execute_script("document.querySelector('a.visually-hidden-focusable').focus();")
    for count in range(2, limit + 1):
        link = dash_duo.driver.execute_script(
            "var a=document.activeElement; return a && a.classList.contains('skip-link') ? a.getAttribute('href') : null;"
        )
        press(dash_duo, Keys.ENTER if link == f"#{target}" else Keys.TAB)
        if active(dash_duo) == target:
            return count
    raise AssertionError(f"{target} not reached in {limit} key presses; focus is on {active(dash_duo)}")


def test_a11y010_each_part_of_the_editor_is_at_most_ten_key_presses_away(dash_duo, app, store):
    open_editor(dash_duo, app, store)
    for target in (ID.palette_region, ID.canvas_region, ID.table_view, ID.scores_region, ID.flags_region):
        assert keys_to(dash_duo, target) <= 10
    # the canvas is named and says how big it is
    label = dash_duo.find_element(f"#{ID.canvas_region}").get_attribute("aria-label")
    assert label == "Value network map: 4 actors, 3 flows"


def test_a11y011_the_palette_is_one_tab_stop_with_arrow_keys_inside(dash_duo, app, store):
    open_editor(dash_duo, app, store)
    modules = dash_duo.driver.execute_script(
        "return Array.from(document.querySelectorAll('#ed-palette-list [data-module]')).map(e => e.getAttribute('data-module'));"
    )
    assert len(modules) > 3
    dash_duo.driver.execute_script("document.querySelector('[data-module]').focus();")
    assert active(dash_duo) == ID.palette_item(modules[0])
    press(dash_duo, Keys.ARROW_DOWN)
    assert active(dash_duo) == ID.palette_item(modules[1])
    press(dash_duo, Keys.END)
    assert active(dash_duo) == ID.palette_item(modules[-1])
    press(dash_duo, Keys.HOME, Keys.ARROW_DOWN, Keys.ARROW_DOWN)
    assert active(dash_duo) == ID.palette_item(modules[2])
    press(dash_duo, Keys.TAB)  # Tab leaves the palette: the next module is not a Tab stop
    assert not str(active(dash_duo)).startswith("ed-palette-item")
    ActionChains(dash_duo.driver).key_down(Keys.SHIFT).send_keys(Keys.TAB).key_up(Keys.SHIFT).perform()
    # Shift+Tab comes back to the module last chosen
    assert active(dash_duo) == ID.palette_item(modules[2])


def test_a11y012_table_view_lists_everything_and_edits_reach_the_canvas(dash_duo, app, store):
    head = open_editor(dash_duo, app, store)
    table = f"#{ID.table_view_body}"
    wait_for(lambda: len(dash_duo.find_elements(f"{table} table[data-table=flows] tbody tr")) == 3)
    rows = [r.text for r in dash_duo.find_elements(f"{table} table[data-table=actors] tbody tr")]
    assert rows[0].startswith("City of Testville City Generic role") or rows[0].startswith("City of Testville")
    flow = dash_duo.find_element(f"{table} table[data-table=flows] tbody tr").text
    assert "Drivers" in flow and "Parking operator" in flow and "parking fee" in flow and "1.5" in flow
    # sorting by name, then the other way
    click(dash_duo, f"{table} button[data-sort=actors][data-column='0']")
    names = [r.text.split(" ")[0] for r in dash_duo.find_elements(f"{table} table[data-table=actors] tbody th")]
    assert names == sorted(names, key=str.lower)
    click(dash_duo, f"{table} button[data-sort=actors][data-column='0']")
    names = [r.text.split(" ")[0] for r in dash_duo.find_elements(f"{table} table[data-table=actors] tbody th")]
    assert names == sorted(names, key=str.lower, reverse=True)
    header = dash_duo.find_element(f"{table} table[data-table=actors] thead th")
    assert header.get_attribute("aria-sort") == "descending"
    # Edit a flow from its row: the form opens with it, focus in its label field, the canvas selects it
    click(dash_duo, "[data-element='flow:f1']")
    dash_duo.wait_for_contains_text(f"#{ID.flow_heading}", "parking fee")
    wait_for(lambda: active(dash_duo) == ID.flow_label)
    wait_for(lambda: dash_duo.driver.execute_script(SELECTED) == ["f1"])
    amount = dash_duo.find_element(f"#{ID.flow_amount}")
    amount.clear()
    amount.send_keys("2.75")
    click(dash_duo, f"#{ID.flow_save}")
    wait_for(
        lambda: (
            "2.75"
            in dash_duo.driver.execute_script(
                'return document.querySelector("table[data-table=flows] tbody").textContent'
            )
        )
    )
    assert store.load(head.id)[0].flows[0].amount == 2.75
    # the sort order chosen survives the redraw after the edit
    wait_for(
        lambda: (
            dash_duo.driver.execute_script(
                "return document.querySelector('table[data-table=actors] thead th').getAttribute('aria-sort')"
            )
            == "descending"
        )
    )


def test_a11y013_picker_has_no_blank_option_and_highlights_its_choice(dash_duo, app, store):
    open_editor(dash_duo, app, store)
    picker = Select(dash_duo.find_element(f"#{ID.element_pick}"))
    # dbc.Select's own placeholder is disabled and hidden: the keyboard cannot land on it
    values = [o.get_attribute("value") for o in picker.options if o.is_enabled()]
    assert "" not in values and values[0] == "new"
    dash_duo.find_element(f"#{ID.element_pick}").send_keys(Keys.ARROW_DOWN)  # the keyboard reaches an element
    wait_for(lambda: picker.first_selected_option.get_attribute("value") == "actor:city")
    wait_for(lambda: dash_duo.driver.execute_script(SELECTED) == ["city"])
    dash_duo.wait_for_contains_text(f"#{ID.actor_heading}", "City of Testville")


def test_a11y014_focus_is_kept_after_delete_and_undo(dash_duo, app, store):
    open_editor(dash_duo, app, store)
    dash_duo.find_element(f"#{ID.element_pick}").send_keys("Actor: Lonely vendor")
    dash_duo.wait_for_contains_text(f"#{ID.actor_heading}", "Lonely vendor")
    click(dash_duo, f"#{ID.actor_delete}")
    dash_duo.wait_for_element(f"#{ID.delete_confirm}").click()
    wait_for(
        lambda: dash_duo.driver.execute_script("return document.getElementById('cy')._cyreg.cy.nodes().length") == 3
    )
    wait_for(lambda: active(dash_duo) not in (None, "BODY"))
    undo = dash_duo.wait_for_element(f"#{ID.undo}")
    wait_for(lambda: undo.is_enabled())
    undo.click()  # the only step: Undo is disabled afterwards, focus goes to Redo
    wait_for(
        lambda: dash_duo.driver.execute_script("return document.getElementById('cy')._cyreg.cy.nodes().length") == 4
    )
    wait_for(lambda: active(dash_duo) == ID.redo)


def test_a11y015_history_panel_keeps_focus_and_a_page_change_focuses_its_heading(dash_duo, app, store):
    open_editor(dash_duo, app, store)
    click(dash_duo, f"#{ID.history_open}")
    panel = dash_duo.wait_for_element(f"#{ID.history_panel}")
    wait_for(lambda: "show" in panel.get_attribute("class"))
    wait_for(
        lambda: dash_duo.driver.execute_script(
            f"return document.getElementById('{ID.history_panel}').contains(document.activeElement)"
        )
    )
    for _ in range(25):
        press(dash_duo, Keys.TAB)
        assert dash_duo.driver.execute_script(
            f"return document.getElementById('{ID.history_panel}').contains(document.activeElement)"
        )
    press(dash_duo, Keys.ESCAPE)
    wait_for(lambda: "show" not in panel.get_attribute("class"))
    dash_duo.find_element("a[href$='/needs']").click()  # a page change inside the app
    wait_for(lambda: active(dash_duo) == "H1")


def test_a11y016_the_editor_reflows_at_320_css_pixels(dash_duo, app, store):
    open_editor(dash_duo, app, store)
    dash_duo.driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride", {"width": 320, "height": 800, "deviceScaleFactor": 1, "mobile": False}
    )
    try:
        wait_for(lambda: dash_duo.driver.execute_script("return document.documentElement.clientWidth") <= 320)
        dash_duo.driver.execute_script("window.dispatchEvent(new Event('resize'));")  # as a real resize tells cytoscape
        fits = "return document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        with contextlib.suppress(AssertionError):  # the assertion below says by how much
            wait_for(lambda: dash_duo.driver.execute_script(fits), timeout=5)
        width = dash_duo.driver.execute_script("return document.documentElement.scrollWidth")
        client = dash_duo.driver.execute_script("return document.documentElement.clientWidth")
        assert width <= client, f"the editor is {width} px wide in a {client} px window"
        # the nine blocks are stacked: each as wide as the grid
        widths = dash_duo.driver.execute_script(
            "return Array.from(document.querySelectorAll('.nine-blocks .block')).map(b => b.getBoundingClientRect().width)"
        )
        grid = dash_duo.driver.execute_script(
            "return document.querySelector('.nine-blocks').getBoundingClientRect().width"
        )
        assert widths and all(abs(w - grid) < 2 for w in widths)
    finally:
        dash_duo.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_a11y017_axe_best_practice_rules_find_nothing_in_the_editor(dash_duo, app, store):
    open_editor(dash_duo, app, store)
    wait_for(lambda: len(dash_duo.find_elements(f"#{ID.table_view_body} tbody tr")) == 7)
    dash_duo.driver.execute_script(VENDOR.read_text(encoding="utf-8"))
    found = dash_duo.driver.execute_async_script(
        "const done = arguments[0]; axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', "
        "'best-practice']}).then(r => done(r.violations.map(v => v.id + ': ' + v.nodes.slice(0, 3).map("
        "n => n.target.join(' ')).join(' | '))));"
    )
    assert found == []


def test_a11y018_add_actor_and_draw_flow_are_reached_from_the_top_of_the_side_panel(dash_duo, app, store):
    open_editor(dash_duo, app, store)
    dash_duo.find_element(f"#{ID.element_pick}").send_keys("Actor: Drivers")
    dash_duo.wait_for_contains_text(f"#{ID.actor_heading}", "Drivers")
    click(dash_duo, f"[data-jump='{ID.actor_name}']")  # a new actor: the selection is cleared
    dash_duo.wait_for_text_to_equal(f"#{ID.actor_heading}", "Add an actor")
    wait_for(lambda: active(dash_duo) == ID.actor_name)
    click(dash_duo, f"[data-jump='{ID.flow_source}']")
    wait_for(lambda: active(dash_duo) == ID.flow_source)


def test_a11y019_a_field_in_error_is_marked_invalid_until_corrected(dash_duo, app, store):
    head = open_editor(dash_duo, app, store)
    dash_duo.find_element(f"#{ID.element_pick}").send_keys("Flow: parking fee")
    dash_duo.wait_for_contains_text(f"#{ID.flow_heading}", "parking fee")
    amount = dash_duo.find_element(f"#{ID.flow_amount}")
    amount.clear()
    amount.send_keys("-3")
    click(dash_duo, f"#{ID.flow_save}")
    dash_duo.wait_for_contains_text(f"#{ID.flow_feedback}", "Amount: cannot be negative")
    wait_for(lambda: amount.get_attribute("aria-invalid") == "true")
    assert amount.get_attribute("aria-describedby") == ID.flow_feedback
    assert dash_duo.find_element(f"#{ID.flow_label}").get_attribute("aria-invalid") is None  # only the field named
    assert store.load(head.id)[0].flows[0].amount == 1.5  # nothing saved
    amount.clear()
    amount.send_keys("2")
    click(dash_duo, f"#{ID.flow_save}")
    wait_for(lambda: store.load(head.id)[0].flows[0].amount == 2)
    wait_for(lambda: amount.get_attribute("aria-invalid") is None)


def test_a11y020_after_apply_on_a_flag_focus_stays_in_the_flags(dash_duo, app, store):
    head = open_editor(dash_duo, app, store)
    version = store.get_configuration(head.id).version
    find_apply = (
        f"return Array.from(document.querySelectorAll('#{ID.flags_region} button'))"
        ".find(b => b.textContent.trim() === 'Apply') || null;"
    )
    button = wait_for(lambda: dash_duo.driver.execute_script(find_apply))
    dash_duo.driver.execute_script(
        "window.appliedButton = arguments[0]; arguments[0].scrollIntoView({block: 'center'}); arguments[0].focus();",
        button,
    )
    press(dash_duo, Keys.ENTER)  # the keyboard user's Apply: the flag (and its button) goes away
    wait_for(lambda: store.get_configuration(head.id).version == version + 1)
    # the button stays focused (in the flags) until the flags are drawn again without it: wait for that
    wait_for(lambda: dash_duo.driver.execute_script("return !window.appliedButton.isConnected;"))
    in_flags = f"return document.getElementById('{ID.flags_region}').contains(document.activeElement)"
    wait_for(lambda: dash_duo.driver.execute_script(in_flags))
    time.sleep(0.5)  # two more rounds of the page's focus check (every 200 ms): focus has settled there
    assert dash_duo.driver.execute_script(in_flags) and active(dash_duo) != "BODY"
