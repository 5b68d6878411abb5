"""Browser tests of Home and the canvas editor (dash_duo, headless Debian Chromium)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from layouts.ids import ID
from ui_helpers import click, downloaded, wait_for

pytestmark = pytest.mark.browser
DATA = Path(__file__).parent / "data"

NODE_COUNT = "var c=document.getElementById('cy')._cyreg.cy; return c.nodes().length;"
EDGE_COUNT = "var c=document.getElementById('cy')._cyreg.cy; return c.edges().length;"


def open_editor(dash_duo, app, store, path=DATA / "small-parking.json"):
    from canvas_app.model import load_configuration

    workspace = store.find_workspace("My workspace") or store.create_workspace("My workspace", author="tester")
    head = store.create_configuration(workspace.id, load_configuration(path), author="tester")
    dash_duo.start_server(app)
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/edit/{head.id}")
    dash_duo.wait_for_element(f"#{ID.cy}")
    wait_for(
        lambda: dash_duo.driver.execute_script(
            "var e=document.getElementById('cy'); return !!(e && e._cyreg && e._cyreg.cy && e._cyreg.cy.nodes().length);"
        )
    )
    return head


def score(dash_duo, name):
    return int(dash_duo.find_element(f"#{ID.score_value(name)}").text)


def drag_module(dash_duo, module_id, x_offset=0.5, y_offset=0.5):
    """Synthetic HTML5 drag and drop sharing one DataTransfer, dropped at a fraction of the canvas."""
    return dash_duo.driver.execute_script(
        """
        const item = document.querySelector('[data-module="' + arguments[0] + '"]');
        const cyEl = document.getElementById('cy');
        const target = cyEl.querySelector('canvas:last-of-type') || cyEl;
        const r = cyEl.getBoundingClientRect();
        const x = r.left + r.width * arguments[1], y = r.top + r.height * arguments[2];
        const dt = new DataTransfer();
        item.dispatchEvent(new DragEvent('dragstart', {bubbles: true, cancelable: true, dataTransfer: dt}));
        const over = new DragEvent('dragover', {bubbles: true, cancelable: true, dataTransfer: dt, clientX: x, clientY: y});
        target.dispatchEvent(over);
        target.dispatchEvent(new DragEvent('drop', {bubbles: true, cancelable: true, dataTransfer: dt, clientX: x, clientY: y}));
        item.dispatchEvent(new DragEvent('dragend', {bubbles: true, dataTransfer: dt}));
        const cy = cyEl._cyreg.cy;
        return {prevented: over.defaultPrevented, model: cy.renderer().projectIntoViewport(x, y)};
        """,
        module_id,
        x_offset,
        y_offset,
    )


def first_module(dash_duo):
    return dash_duo.driver.execute_script("return document.querySelector('[data-module]').getAttribute('data-module');")


def test_ui001_home_lists_workspace_and_creates_from_example(dash_duo, app):
    dash_duo.start_server(app)
    dash_duo.wait_for_text_to_equal("h1", "CityCanvas")
    dash_duo.wait_for_contains_text(f"#{ID.home_list}", "My workspace")
    dash_duo.find_element(f"#{ID.home_from_example}").click()
    dash_duo.wait_for_element(f"#{ID.cy}", timeout=10)
    assert "/edit/" in dash_duo.driver.current_url
    assert dash_duo.get_logs() == []


def test_ui002_drop_module_adds_nodes_and_changes_scores_then_persists(dash_duo, app, store):
    head = open_editor(dash_duo, app, store)
    before_nodes = dash_duo.driver.execute_script(NODE_COUNT)
    before_scores = dash_duo.find_element(f"#{ID.scores}").text
    module = "test-pay"
    result = drag_module(dash_duo, module, 0.3, 0.7)
    assert result["prevented"], "dragover must call preventDefault"
    wait_for(lambda: store.get_configuration(head.id).version == head.version + 1)
    config, _ = store.load(head.id)
    # the module's provider is new; its drivers and operator merged with the ones already there
    assert len(config.actors) == before_nodes + 1 and [a.type.value for a in config.actors].count("city") == 1
    wait_for(lambda: dash_duo.driver.execute_script(NODE_COUNT) == len(config.actors))
    wait_for(lambda: dash_duo.driver.execute_script(EDGE_COUNT) == len(config.flows))
    wait_for(lambda: dash_duo.find_element(f"#{ID.scores}").text != before_scores)
    placed = config.modules[-1]
    assert placed.module == module
    assert abs(placed.position.x - result["model"][0]) < 1 and abs(placed.position.y - result["model"][1]) < 1
    # reload: the edit persisted
    dash_duo.driver.refresh()
    dash_duo.wait_for_element(f"#{ID.cy}")
    wait_for(
        lambda: (
            dash_duo.driver.execute_script(
                "var e=document.getElementById('cy'); return e && e._cyreg && e._cyreg.cy.nodes().length;"
            )
            == len(config.actors)
        )
    )
    assert dash_duo.driver.execute_script(EDGE_COUNT) == len(config.flows)
    assert dash_duo.get_logs() == []


def test_ui003_keyboard_places_module_and_undo_redo(dash_duo, app, store):
    head = open_editor(dash_duo, app, store)
    edges = dash_duo.driver.execute_script(EDGE_COUNT)
    item = dash_duo.find_element('[data-module="test-pay"]')
    item.send_keys(Keys.ENTER)
    wait_for(lambda: dash_duo.driver.execute_script(EDGE_COUNT) > edges)
    after = dash_duo.driver.execute_script(EDGE_COUNT)
    undo = dash_duo.find_element(f"#{ID.undo}")
    wait_for(lambda: undo.is_enabled())
    undo.click()
    wait_for(lambda: dash_duo.driver.execute_script(EDGE_COUNT) == edges)
    redo = dash_duo.find_element(f"#{ID.redo}")
    wait_for(lambda: redo.is_enabled())
    redo.click()
    wait_for(lambda: dash_duo.driver.execute_script(EDGE_COUNT) == after)
    wait_for(lambda: store.get_configuration(head.id).version == head.version + 3)
    assert len(store.load(head.id)[0].flows) == after


def test_ui004_draw_flow_by_picking_on_canvas(dash_duo, app, store):
    head = open_editor(dash_duo, app, store)
    dash_duo.find_element(f"#{ID.flow_pick}").click()
    # tap source then target on the canvas (cytoscape tap events on the nodes)
    for node in ("lonely", "operator"):
        dash_duo.driver.execute_script(
            "document.getElementById('cy')._cyreg.cy.getElementById(arguments[0]).emit('tap');", node
        )
        time.sleep(0.3)
    wait_for(lambda: dash_duo.find_element(f"#{ID.flow_target}").get_attribute("value") == "operator")
    assert dash_duo.find_element(f"#{ID.flow_source}").get_attribute("value") == "lonely"
    kind = dash_duo.find_element(f"#{ID.flow_kind}")
    kind.send_keys("data")
    dash_duo.find_element(f"#{ID.flow_label}").send_keys("sensor data")
    dash_duo.find_element(f"#{ID.flow_standards}").send_keys("NGSI-LD, MIM1")
    dash_duo.find_element(f"#{ID.flow_add}").click()
    wait_for(lambda: dash_duo.driver.execute_script(EDGE_COUNT) == 4)
    wait_for(lambda: store.get_configuration(head.id).version == head.version + 1)
    flow = store.load(head.id)[0].flows[-1]
    assert (flow.source, flow.target, flow.label, flow.standards) == (
        "lonely",
        "operator",
        "sensor data",
        ["NGSI-LD", "MIM1"],
    )


def test_ui005_bad_input_gets_inline_message_and_nothing_saved(dash_duo, app, store):
    head = open_editor(dash_duo, app, store)
    dash_duo.find_element(f"#{ID.actor_add}").click()  # empty name
    dash_duo.wait_for_contains_text(f"#{ID.actor_feedback}", "name")
    amount = dash_duo.find_element(f"#{ID.flow_amount}")
    amount.send_keys("-5")
    dash_duo.find_element(f"#{ID.flow_add}").click()
    dash_duo.wait_for_contains_text(f"#{ID.flow_feedback}", "choose")
    assert store.get_configuration(head.id).version == head.version


def test_ui006_click_flag_highlights_elements(dash_duo, app, store):
    open_editor(dash_duo, app, store)
    dash_duo.wait_for_element(".flag-button", timeout=15)
    flag = dash_duo.find_element(".flag-button")
    flag.click()
    wait_for(
        lambda: dash_duo.driver.execute_script(
            "var cy=document.getElementById('cy')._cyreg.cy; return cy.elements().filter(function(e){"
            "return e.isNode() ? e.style('border-color') === 'rgb(216,27,96)' : e.style('line-color') === 'rgb(216,27,96)';}).length;"
        )
    )


def test_ui007_import_malformed_and_oversize_files(dash_duo, app, tmp_path):
    dash_duo.start_server(app)
    dash_duo.wait_for_text_to_equal("h1", "CityCanvas")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"name": "x", "actors": [{"id": "a", "name": "A", "type": "alien"}]}))
    upload = dash_duo.driver.find_element(By.CSS_SELECTOR, f"#{ID.home_upload} input[type=file]")
    upload.send_keys(str(bad))
    dash_duo.wait_for_contains_text(f"#{ID.home_message}", "actors[0] (id 'a'): type")
    big = tmp_path / "big.json"
    with big.open("wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    upload.send_keys(str(big))
    dash_duo.wait_for_contains_text(f"#{ID.home_message}", "the limit is 10 MB")
    assert "/edit/" not in dash_duo.driver.current_url


def test_ui008_layout_then_positions_kept_and_move_saved(dash_duo, app, store):
    head = open_editor(dash_duo, app, store)
    select = dash_duo.find_element(f"#{ID.layout_name}")
    select.send_keys("Concentric")
    dash_duo.find_element(f"#{ID.layout_apply}").click()
    wait_for(lambda: store.get_configuration(head.id).version == head.version + 1, timeout=15)
    config = store.load(head.id)[0]
    shown = dash_duo.driver.execute_script(
        "var cy=document.getElementById('cy')._cyreg.cy; var o={}; cy.nodes().forEach(function(n){o[n.id()]=n.position();}); return o;"
    )
    for actor in config.actors:
        assert abs(actor.position.x - shown[actor.id]["x"]) < 1 and abs(actor.position.y - shown[actor.id]["y"]) < 1
    # drag one node (cytoscape emits dragfree): its new position is saved
    dash_duo.driver.execute_script(
        "var n=document.getElementById('cy')._cyreg.cy.getElementById('city'); n.position({x: 777, y: 333}); n.emit('dragfree');"
    )
    wait_for(lambda: store.get_configuration(head.id).version == head.version + 2)
    assert store.load(head.id)[0].actor("city").position.x == 777
    dash_duo.driver.refresh()
    dash_duo.wait_for_element(f"#{ID.cy}")
    wait_for(
        lambda: (
            dash_duo.driver.execute_script(
                "var e=document.getElementById('cy'); return e && e._cyreg && e._cyreg.cy.getElementById('city').position('x');"
            )
            == 777
        )
    )


def test_ui009_edit_and_delete_actor_with_confirmation(dash_duo, app, store):
    head = open_editor(dash_duo, app, store)
    dash_duo.driver.execute_script("document.getElementById('cy')._cyreg.cy.getElementById('drivers').emit('tap');")
    dash_duo.wait_for_contains_text(f"#{ID.actor_heading}", "Drivers")
    name = dash_duo.find_element(f"#{ID.actor_name}")
    name.clear()
    name.send_keys("Car drivers")
    dash_duo.find_element(f"#{ID.actor_save}").click()
    wait_for(
        lambda: (
            dash_duo.driver.execute_script(
                "return document.getElementById('cy')._cyreg.cy.getElementById('drivers').data('label');"
            )
            == "Car drivers"
        )
    )
    dash_duo.find_element(f"#{ID.actor_delete}").click()
    dash_duo.wait_for_contains_text(f"#{ID.delete_text}", "its 2 flows")
    dash_duo.find_element(f"#{ID.delete_cancel}").click()
    time.sleep(0.5)
    assert dash_duo.driver.execute_script(NODE_COUNT) == 4
    dash_duo.find_element(f"#{ID.actor_delete}").click()
    dash_duo.wait_for_element(f"#{ID.delete_confirm}").click()
    wait_for(lambda: dash_duo.driver.execute_script(NODE_COUNT) == 3)
    assert dash_duo.driver.execute_script(EDGE_COUNT) == 1
    wait_for(lambda: store.get_configuration(head.id).version == head.version + 2)
    dash_duo.find_element(f"#{ID.undo}").click()
    wait_for(
        lambda: dash_duo.driver.execute_script(NODE_COUNT) == 4 and dash_duo.driver.execute_script(EDGE_COUNT) == 3
    )


def test_ui010_conflict_message_then_save_mine_as_alternative(dash_duo, app, store):
    head = open_editor(dash_duo, app, store)
    config = store.load(head.id)[0]
    store.save(head.id, config.model_copy(update={"city": "Elsewhere"}), base_version=head.version, author="alice")
    dash_duo.find_element('[data-module="test-open-data"]').send_keys(Keys.ENTER)
    dash_duo.wait_for_contains_text(f"#{ID.conflict_box}", "alice")
    assert "Conflict" in dash_duo.find_element(f"#{ID.status}").text
    dash_duo.find_element(f"#{ID.save_mine}").click()
    wait_for(
        lambda: "/edit/" in dash_duo.driver.current_url and not dash_duo.driver.current_url.endswith(f"/edit/{head.id}")
    )
    new_id = int(dash_duo.driver.current_url.rsplit("/", 1)[1])
    mine = store.load(new_id)[0]
    assert [m.module for m in mine.modules] == ["test-open-data"]
    assert store.load(head.id)[0].city == "Elsewhere" and not store.load(head.id)[0].modules
    dash_duo.wait_for_contains_text(f"#{ID.title}", "alternative")


def test_ui011_conflict_reload_theirs(dash_duo, app, store):
    head = open_editor(dash_duo, app, store)
    config = store.load(head.id)[0]
    from canvas_app.commands import DeleteActor

    store.save(head.id, DeleteActor("lonely").apply(config), base_version=head.version, author="bob")
    dash_duo.find_element('[data-module="test-open-data"]').send_keys(Keys.ENTER)
    dash_duo.wait_for_contains_text(f"#{ID.conflict_box}", "bob")
    dash_duo.find_element(f"#{ID.reload_theirs}").click()
    wait_for(lambda: dash_duo.driver.execute_script(NODE_COUNT) == 3)
    dash_duo.wait_for_contains_text(f"#{ID.status}", f"version {head.version + 1}")
    # editing again works from their version
    dash_duo.find_element('[data-module="test-open-data"]').send_keys(Keys.ENTER)
    wait_for(lambda: store.get_configuration(head.id).version == head.version + 2)


def test_ui012_no_third_party_requests_and_lang(dash_duo, app, store):
    open_editor(dash_duo, app, store)
    dash_duo.find_element('[data-module="test-pay"]').send_keys(Keys.ENTER)
    wait_for(lambda: dash_duo.driver.execute_script(EDGE_COUNT) > 3)
    urls = dash_duo.driver.execute_script(
        "return performance.getEntriesByType('resource').map(function(e){return e.name;}).concat([location.href]);"
    )
    origin = dash_duo.server_url.replace("localhost", "127.0.0.1")
    outside = [
        u for u in urls if not (u.startswith(dash_duo.server_url) or u.startswith(origin) or u.startswith("data:"))
    ]
    assert outside == []
    assert any("/assets/bootstrap.min.css" in u for u in urls)
    assert dash_duo.driver.execute_script("return document.documentElement.lang;") == "en"
    assert dash_duo.get_logs() == []


def test_ui013_apply_recommendation_is_undoable_and_image_export(dash_duo, app, store):
    head = open_editor(dash_duo, app, store)
    button = dash_duo.wait_for_element("[id*='ed-apply-rec']", timeout=20)
    edges = dash_duo.driver.execute_script(EDGE_COUNT)
    button.click()
    wait_for(lambda: dash_duo.driver.execute_script(EDGE_COUNT) > edges)
    wait_for(lambda: len(store.load(head.id)[0].modules) == 1)
    dash_duo.find_element(f"#{ID.undo}").click()
    wait_for(lambda: dash_duo.driver.execute_script(EDGE_COUNT) == edges)
    wait_for(lambda: len(store.load(head.id)[0].modules) == 0)
    folder = Path(dash_duo.download_path)
    dash_duo.driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(folder)})
    config, _ = store.load(head.id)

    def export(item):  # the toolbar's Export menu, then one of its items
        click(dash_duo, f"#{ID.export_menu} .dropdown-toggle")
        click(dash_duo, f"#{item}")

    export(ID.export_png)  # drawn by cytoscape in the browser: the whole graph at 3x, named after the version
    picture = downloaded(folder, ".png")
    png = picture.read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 5_000
    assert picture.name == f"test-parking-v{store.get_configuration(head.id).version}.png"
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    box = dash_duo.driver.execute_script("return document.getElementById('cy')._cyreg.cy.elements().boundingBox();")
    assert width >= 2.5 * box["w"] and height >= 2.5 * box["h"]
    export(ID.export_svg)
    svg = downloaded(folder, ".svg").read_text(encoding="utf-8")
    assert svg.lstrip().startswith("<svg") and all(a.name in svg for a in config.actors)
    export(ID.export_graphml)
    assert "<graphml" in downloaded(folder, ".graphml").read_text(encoding="utf-8")
    export(ID.export_button)
    exported = json.loads(downloaded(folder, ".json").read_text(encoding="utf-8"))
    assert exported["name"] == config.name and len(exported["flows"]) == len(config.flows)
    assert dash_duo.get_logs() == []


def test_ui014_keyboard_path_to_edit_a_flow(dash_duo, app, store):
    head = open_editor(dash_duo, app, store)
    pick = dash_duo.find_element(f"#{ID.element_pick}")
    pick.send_keys("Flow: parking fee")
    dash_duo.wait_for_contains_text(f"#{ID.flow_heading}", "Edit flow “parking fee” (Drivers → Parking operator)")
    assert dash_duo.find_element(f"#{ID.flow_amount}").get_attribute("value") == "1.5"
    amount = dash_duo.find_element(f"#{ID.flow_amount}")
    amount.clear()
    amount.send_keys("2.25")
    dash_duo.find_element(f"#{ID.flow_save}").click()
    wait_for(lambda: store.get_configuration(head.id).version == head.version + 1)
    assert store.load(head.id)[0].flow("f1").amount == 2.25
    wait_for(
        lambda: (
            "2.25"
            in dash_duo.driver.execute_script(
                "return document.getElementById('cy')._cyreg.cy.getElementById('f1').data('label');"
            )
        )
    )


def _axe_source():
    import os

    for candidate in (os.environ.get("AXE_CORE_JS"), str(Path(__file__).parent / "vendor" / "axe.min.js")):
        if candidate and Path(candidate).is_file():
            return Path(candidate).read_text(encoding="utf-8")
    pytest.skip("axe-core not found: `npm pack axe-core@4`, unpack, and set AXE_CORE_JS to package/axe.min.js")


def test_ui015_axe_wcag21aa_home_and_editor(dash_duo, app, store):
    axe = _axe_source()
    head = open_editor(dash_duo, app, store)
    results = {}
    for path in ("/", f"/edit/{head.id}"):
        dash_duo.wait_for_page(url=f"{dash_duo.server_url}{path}")
        dash_duo.wait_for_element(f"#{ID.home_list}" if path == "/" else ".flag-button", timeout=20)
        dash_duo.driver.execute_script(axe)
        results[path] = dash_duo.driver.execute_async_script(
            "const done = arguments[0]; axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']})"
            ".then(r => done(r.violations.map(v => v.id + ': ' + v.nodes.length)));"
        )
    assert results == {"/": [], f"/edit/{head.id}": []}


def test_ui016_rename_the_configuration_in_its_details_then_undo(dash_duo, app, store):
    head = open_editor(dash_duo, app, store)
    summary = dash_duo.driver.find_element(By.XPATH, "//summary[normalize-space()='Configuration details']")
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", summary)
    summary.click()  # the details fold open
    name = dash_duo.find_element(f"#{ID.details_name}")
    name.send_keys(Keys.CONTROL, "a")
    name.send_keys("Parking, concession model")
    click(dash_duo, f"#{ID.details_save}")
    dash_duo.wait_for_text_to_equal(f"#{ID.title}", "Parking, concession model")
    wait_for(lambda: store.get_configuration(head.id).name == "Parking, concession model")
    undo = dash_duo.find_element(f"#{ID.undo}")
    wait_for(lambda: undo.is_enabled())
    click(dash_duo, f"#{ID.undo}")
    dash_duo.wait_for_text_to_equal(f"#{ID.title}", head.name)
    wait_for(lambda: dash_duo.find_element(f"#{ID.details_name}").get_attribute("value") == head.name)
    wait_for(lambda: store.get_configuration(head.id).name == head.name)
    assert dash_duo.get_logs() == []


def test_ui017_move_an_actor_with_the_keyboard(dash_duo, app, store):
    head = open_editor(dash_duo, app, store)
    position = "var n=document.getElementById('cy')._cyreg.cy.getElementById('drivers'); return [n.position('x'), n.position('y')];"
    x, y = dash_duo.driver.execute_script(position)
    dash_duo.find_element(f"#{ID.element_pick}").send_keys("Actor: Drivers")  # the keyboard way to select it
    dash_duo.wait_for_contains_text(f"#{ID.actor_heading}", "Drivers")
    right = dash_duo.driver.find_element(By.CSS_SELECTOR, "[id*='ed-nudge'][id*='right']")
    wait_for(lambda: right.is_enabled())
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", right)
    right.send_keys(Keys.ENTER)
    wait_for(lambda: dash_duo.driver.execute_script(position) == [x + 40, y])
    wait_for(lambda: store.get_configuration(head.id).version == head.version + 1)
    saved = next(a for a in store.load(head.id)[0].actors if a.id == "drivers").position
    assert (saved.x, saved.y) == (x + 40, y)
    assert dash_duo.get_logs() == []


def test_ui030_an_estimate_is_marked_in_the_side_panel_until_the_user_enters_a_figure(dash_duo, app, store, tmp_path):
    data = json.loads((DATA / "small-parking.json").read_text(encoding="utf-8"))
    data["flows"][0]["estimated"] = ["amount"]  # parking fee 1.5: a module's default
    path = tmp_path / "estimated.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    head = open_editor(dash_duo, app, store, path)
    badge = f"#{ID.flow_amount_estimate}"
    assert not dash_duo.find_element(badge).is_displayed()
    dash_duo.find_element(f"#{ID.element_pick}").send_keys("Flow: parking fee")
    dash_duo.wait_for_contains_text(f"#{ID.flow_heading}", "Edit flow “parking fee” (Drivers → Parking operator)")
    wait_for(lambda: dash_duo.find_element(badge).is_displayed())
    assert dash_duo.find_element(badge).text == "estimate"
    assert not dash_duo.find_element(f"#{ID.flow_occurrences_estimate}").is_displayed()
    amount = dash_duo.find_element(f"#{ID.flow_amount}")
    assert "text-muted" in amount.get_attribute("class") and amount.get_attribute("value") == "1.5"
    amount.clear()
    amount.send_keys("2")
    dash_duo.find_element(f"#{ID.flow_save}").click()
    wait_for(lambda: store.get_configuration(head.id).version == head.version + 1)
    assert store.load(head.id)[0].flow("f1").estimated == []
    wait_for(lambda: not dash_duo.find_element(badge).is_displayed())
    assert "text-muted" not in dash_duo.find_element(f"#{ID.flow_amount}").get_attribute("class")
    assert dash_duo.get_logs() == []


def test_ui031_scores_say_what_could_be_judged_and_follow_an_edit(dash_duo, app, store, tmp_path):
    data = json.loads((DATA / "small-parking.json").read_text(encoding="utf-8"))
    data["flows"], data["needs"], data["modules"] = [], [], []
    for actor in data["actors"]:
        actor["module"] = None
    path = tmp_path / "no-flows.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    head = open_editor(dash_duo, app, store, path)

    def text(element_id):  # read in one script: the panel may be redrawn between a find and a read
        return dash_duo.driver.execute_script(
            "var e=document.getElementById(arguments[0]); return e && e.textContent;", element_id
        )

    # no flows: nothing to judge for value capture, so no number, and the line says why
    assert text(ID.score_value("value_capture")) == "n/a"
    assert text(ID.score_coverage("value_capture")) == "not assessable: nothing to judge yet"
    drag_module(dash_duo, "test-pay", 0.3, 0.7)
    wait_for(lambda: store.get_configuration(head.id).version == head.version + 1)
    # the module brings flows: value capture becomes a number, with the share of its weight judged
    wait_for(lambda: text(ID.score_value("value_capture")) not in ("n/a", None))
    coverage = text(ID.score_coverage("value_capture"))
    assert coverage == "all criteria judged" or "of its weight judged" in coverage
    # and a screen reader hears what changed
    wait_for(lambda: "Value capture n/a → " in (text(ID.score_changes) or ""))
    assert dash_duo.get_logs() == []


def test_ui032_an_up_front_cost_shows_in_the_cash_chart_and_lowers_sustainability(dash_duo, app, store):
    """The operator takes 1,500 a year in parking fees: 20,000 up front is not back within the 10-year horizon
    (15,000), so the side panel's chart says so, the no-payback flag appears and sustainability drops."""
    head = open_editor(dash_duo, app, store)
    chart = f"#{ID.cash_chart}"
    dash_duo.wait_for_contains_text(chart, "Select an actor to see its own cash", timeout=20)
    before = score(dash_duo, "sustainability")
    dash_duo.find_element(f"#{ID.element_pick}").send_keys("Actor: Parking operator")
    dash_duo.wait_for_contains_text(f"#{ID.actor_heading}", "Parking operator")
    dash_duo.wait_for_contains_text(chart, "No outlay.")
    click(dash_duo, f"#{ID.actor_costs} summary")
    cost = dash_duo.find_element(f"#{ID.actor_capital_cost}")
    cost.send_keys("20000")
    dash_duo.find_element(f"#{ID.actor_save}").click()
    wait_for(lambda: store.get_configuration(head.id).version == head.version + 1)
    assert store.load(head.id)[0].actor("operator").capital_cost == 20000
    dash_duo.wait_for_contains_text(chart, "Outlay in year 0: 20,000.", timeout=20)
    assert "Not paid back within the horizon." in dash_duo.find_element(chart).text
    dash_duo.wait_for_contains_text(f"#{ID.flags}", "no-payback", timeout=20)
    wait_for(lambda: score(dash_duo, "sustainability") < before)
    assert (
        dash_duo.find_element(f"{chart} img")
        .get_attribute("alt")
        .startswith("Cumulative cash by year of Parking operator")
    )
    assert dash_duo.get_logs() == []


def test_ui033_a_flow_form_shows_the_fields_of_its_kind_and_saves_a_term(dash_duo, app, store):
    head = open_editor(dash_duo, app, store)
    dash_duo.find_element(f"#{ID.element_pick}").send_keys("Flow: parking fee")
    dash_duo.wait_for_contains_text(f"#{ID.flow_heading}", "Edit flow “parking fee” (Drivers → Parking operator)")
    click(dash_duo, f"#{ID.flow_economics} summary")
    term, payback = dash_duo.find_element(f"#{ID.flow_term_box}"), dash_duo.find_element(f"#{ID.flow_payback_box}")
    wait_for(lambda: term.is_displayed() and not payback.is_displayed())  # a money flow runs for a term
    assert not dash_duo.find_element(f"#{ID.flow_personal_box}").is_displayed()
    dash_duo.find_element(f"#{ID.flow_term_years}").send_keys("3")
    dash_duo.find_element(f"#{ID.flow_target_cost}").send_keys("0.5")
    dash_duo.find_element(f"#{ID.flow_save}").click()
    wait_for(lambda: store.get_configuration(head.id).version == head.version + 1)
    saved = store.load(head.id)[0]
    assert saved.flow("f1").term_years == 3 and saved.actor("operator").unit_costs == {"f1": 0.5}
    kind = dash_duo.find_element(f"#{ID.flow_kind}")
    kind.send_keys("Investment")
    wait_for(lambda: payback.is_displayed() and not term.is_displayed())
    assert dash_duo.get_logs() == []


BOXES = (
    "var c=document.getElementById('cy')._cyreg.cy; return c.nodes().map(function(n){"
    "var b=n.boundingBox({includeLabels:false}); return [n.id(), b.x1, b.y1, b.x2, b.y2];});"
)


def test_ui034_actors_added_from_the_form_never_land_on_each_other(dash_duo, app, store):
    head = open_editor(dash_duo, app, store)
    for name in ("Taxi drivers", "Bike riders", "Delivery firms"):
        field = dash_duo.find_element(f"#{ID.actor_name}")
        field.clear()
        field.send_keys(name)
        dash_duo.find_element(f"#{ID.actor_add}").click()
        wait_for(
            lambda: (
                dash_duo.driver.execute_script(NODE_COUNT)
                == 4 + ("Taxi drivers", "Bike riders", "Delivery firms").index(name) + 1
            )
        )
    wait_for(lambda: store.get_configuration(head.id).version == head.version + 3)
    boxes = dash_duo.driver.execute_script(BOXES)
    overlapping = [
        (a[0], b[0])
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
        if a[1] < b[3] and b[1] < a[3] and a[2] < b[4] and b[2] < a[4]
    ]
    assert overlapping == []
    assert dash_duo.get_logs() == []


ZOOM = "return document.getElementById('cy')._cyreg.cy.zoom();"


def test_ui035_canvas_controls_zoom_and_fit_and_the_delete_key_asks_first(dash_duo, app, store):
    head = open_editor(dash_duo, app, store)
    before = dash_duo.driver.execute_script(ZOOM)
    click(dash_duo, "[data-canvas='in']")
    wait_for(lambda: dash_duo.driver.execute_script(ZOOM) > before * 1.2)
    click(dash_duo, "[data-canvas='out']")
    click(dash_duo, "[data-canvas='out']")
    wait_for(lambda: dash_duo.driver.execute_script(ZOOM) < before)
    click(dash_duo, "[data-canvas='fit']")
    wait_for(lambda: abs(dash_duo.driver.execute_script(ZOOM) - before) < before * 0.35)
    dash_duo.find_element(f"#{ID.element_pick}").send_keys("Actor: Lonely vendor")
    dash_duo.wait_for_contains_text(f"#{ID.actor_heading}", "Lonely vendor")
    dash_duo.find_element("body").send_keys(Keys.DELETE)
    dash_duo.wait_for_contains_text(f"#{ID.delete_text}", "Delete actor “Lonely vendor”")
    dash_duo.find_element(f"#{ID.delete_cancel}").click()
    time.sleep(0.3)
    assert dash_duo.driver.execute_script(NODE_COUNT) == 4 and store.get_configuration(head.id).version == head.version
    assert dash_duo.driver.title == "Test parking — CityCanvas"  # each page is titled after its heading
    assert dash_duo.get_logs() == []


VISIBLE = (
    "var c=document.getElementById('cy')._cyreg.cy;"
    "return [c.nodes(':visible').map(function(n){return n.id();}).sort(), c.edges(':visible').length];"
)


def test_ui036_flow_kinds_and_actor_types_can_be_hidden_and_focus_shows_one_actor_and_its_neighbours(
    dash_duo, app, store
):
    head = open_editor(dash_duo, app, store)
    assert dash_duo.driver.execute_script(VISIBLE)[1] == 3
    money = dash_duo.driver.find_element(By.CSS_SELECTOR, f"#{ID.view_kinds} input[value='money']")
    dash_duo.driver.execute_script("arguments[0].click();", money)
    wait_for(lambda: dash_duo.driver.execute_script(VISIBLE)[1] == 2)  # the parking fee is hidden, not deleted
    dash_duo.driver.execute_script("arguments[0].click();", money)
    wait_for(lambda: dash_duo.driver.execute_script(VISIBLE)[1] == 3)
    citizens = dash_duo.driver.find_element(By.CSS_SELECTOR, f"#{ID.view_types} input[value='citizen']")
    dash_duo.driver.execute_script("arguments[0].click();", citizens)  # the drivers go, with their two flows
    wait_for(lambda: dash_duo.driver.execute_script(VISIBLE) == [["city", "lonely", "operator"], 1])
    dash_duo.driver.execute_script("arguments[0].click();", citizens)
    wait_for(lambda: dash_duo.driver.execute_script(VISIBLE)[1] == 3)
    dash_duo.find_element(f"#{ID.element_pick}").send_keys("Actor: City of Testville")
    dash_duo.wait_for_contains_text(f"#{ID.actor_heading}", "City of Testville")
    focus = dash_duo.driver.find_element(By.ID, ID.view_focus)
    dash_duo.driver.execute_script("arguments[0].click();", focus)
    wait_for(lambda: dash_duo.driver.execute_script(VISIBLE) == [["city", "operator"], 1])
    dash_duo.driver.execute_script("arguments[0].click();", focus)
    wait_for(lambda: dash_duo.driver.execute_script(VISIBLE)[0] == ["city", "drivers", "lonely", "operator"])
    assert store.get_configuration(head.id).version == head.version  # a view: nothing saved
    assert dash_duo.get_logs() == []
