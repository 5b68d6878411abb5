"""Browser tests of the Needs & opportunities, Value mechanisms and Competitive advantages pages
(dash_duo, headless Debian Chromium)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By

from canvas_app.model import load_configuration, parse_configuration
from canvas_app.workspace_model import Advantage, WorkspaceNeed
from layouts.ids import ID
from ui_helpers import click, wait_for

pytestmark = pytest.mark.browser
DATA = Path(__file__).parent / "data"


def setup_workspace(store):
    workspace = store.find_workspace("My workspace") or store.create_workspace("My workspace", author="tester")
    head = store.create_configuration(workspace.id, load_configuration(DATA / "small-parking.json"), author="tester")
    return workspace, head


def ranked_ids(dash_duo):
    return dash_duo.driver.execute_script(
        "return Array.from(document.querySelectorAll('#" + ID.needs_ranking + " tr.need-row'))"
        ".map(r => r.getAttribute('data-need'));"
    )


def css(component_id) -> str:
    return f"#{component_id}"


def test_nd001_add_a_need_see_it_ranked_and_flagged_as_unserved(dash_duo, app, store):
    workspace, _head = setup_workspace(store)
    dash_duo.start_server(app)
    dash_duo.wait_for_page(url=dash_duo.server_url)
    click(dash_duo, f'a[href="/workspace/{workspace.id}/needs"]')  # the link on Home
    dash_duo.wait_for_contains_text("h1", "Needs & opportunities")
    dash_duo.wait_for_contains_text(css(ID.needs_ranking), "No needs or opportunities yet")

    click(dash_duo, css(ID.needs_save))  # nothing typed: an inline message, nothing saved
    dash_duo.wait_for_contains_text(css(ID.needs_feedback), "Name: give the need or opportunity a name.")
    assert store.list_needs(workspace.id) == []

    dash_duo.find_element(css(ID.needs_name)).send_keys("Know which streets have free spaces")
    dash_duo.find_element(css(ID.needs_who)).send_keys("drivers")
    click(dash_duo, f"{css(ID.needs_importance)} option[value='5']")
    click(dash_duo, css(ID.needs_save))
    dash_duo.wait_for_contains_text(css(ID.needs_feedback), "Saved")
    dash_duo.wait_for_contains_text(css(ID.needs_ranking), "Know which streets have free spaces")
    dash_duo.wait_for_contains_text(css(ID.needs_unserved), "Not served by any configuration")
    # importance 5 -> 1.0, urgency 3 -> 0.5, gap 1, evidence 0: 100 * (3 + 1 + 2) / 8 = 75.0
    dash_duo.wait_for_contains_text(css(ID.needs_unserved), "Know which streets have free spaces (need, score 75.0)")
    assert dash_duo.find_element(css(ID.needs_name)).get_attribute("value") == ""  # the form is ready for the next

    dash_duo.find_element(css(ID.needs_name)).send_keys("Charge electric cars")  # importance 3: ranks second
    click(dash_duo, css(ID.needs_save))
    wait_for(lambda: len(ranked_ids(dash_duo)) == 2)
    assert ranked_ids(dash_duo) == ["need-know-which-streets-have-free-spaces", "need-charge-electric-cars"]
    assert [n.importance for n in store.list_needs(workspace.id)] == [5, 3]


def test_nd002_change_a_ranking_weight_and_the_order_changes(dash_duo, app, store):
    workspace, _head = setup_workspace(store)
    # both unserved; default weights 3/2/2/1: A = 100*(3+2)/8 = 62.5, B = 100*(2+2)/8 = 50
    store.upsert_need(workspace.id, WorkspaceNeed(id="a", name="Important", importance=5, urgency=1))
    store.upsert_need(workspace.id, WorkspaceNeed(id="b", name="Urgent", importance=1, urgency=5))
    dash_duo.start_server(app)
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/workspace/{workspace.id}/needs")
    dash_duo.wait_for_element(css(ID.needs_ranking))
    assert ranked_ids(dash_duo) == ["a", "b"]
    assert dash_duo.find_element("tr[data-need='a'] .need-score").text == "62.5"
    assert dash_duo.find_element("tr[data-need='a'] .need-parts").text == (
        "importance 1.00 · urgency 0.00 · gap 1.00 · evidence 0.00"
    )

    weight = dash_duo.find_element(css(ID.needs_weight("importance")))
    weight.clear()
    weight.send_keys("0")  # A = 100*2/5 = 40, B = 100*4/5 = 80
    click(dash_duo, css(ID.needs_weights_save))
    dash_duo.wait_for_contains_text(css(ID.needs_weights_feedback), "Weights saved")
    wait_for(lambda: ranked_ids(dash_duo) == ["b", "a"])
    assert dash_duo.find_element("tr[data-need='b'] .need-score").text == "80.0"
    assert dash_duo.find_element("tr[data-need='a'] .need-score").text == "40.0"

    weight = dash_duo.find_element(css(ID.needs_weight("urgency")))
    weight.clear()
    weight.send_keys("-3")
    click(dash_duo, css(ID.needs_weights_save))
    dash_duo.wait_for_contains_text(css(ID.needs_weights_feedback), "Urgency: enter a weight from 0 to 10.")
    assert store.get_weights(workspace.id)["needs.urgency"] == 2.0  # nothing saved

    dash_duo.driver.refresh()  # the saved weights are the workspace's
    dash_duo.wait_for_element(css(ID.needs_ranking))
    assert ranked_ids(dash_duo) == ["b", "a"]
    assert dash_duo.find_element(css(ID.needs_weight("importance"))).get_attribute("value") == "0"


def test_nd003_serve_a_need_in_a_configuration_and_the_gap_closes(dash_duo, app, store):
    workspace, head = setup_workspace(store)
    store.upsert_need(workspace.id, WorkspaceNeed(id="pay", name="Pay by phone", importance=4))
    dash_duo.start_server(app)
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/workspace/{workspace.id}/needs")
    dash_duo.wait_for_contains_text(css(ID.needs_unserved), "Pay by phone")
    click(dash_duo, f"{css(ID.needs_serve_need)} option[value='pay']")
    click(dash_duo, f"{css(ID.needs_serve_config)} option[value='{head.id}']")
    dash_duo.wait_for_contains_text(css(ID.needs_serve_flows), "parking (Parking operator → Drivers)")
    click(dash_duo, f"{css(ID.needs_serve_flows)} input[value='f2']")
    click(dash_duo, css(ID.needs_serve_save))
    dash_duo.wait_for_contains_text(css(ID.needs_serve_feedback), "served by 1 flow")
    dash_duo.wait_for_contains_text(css(ID.needs_unserved), "Every need is served")
    dash_duo.wait_for_contains_text("tr[data-need='pay']", "parking (Parking operator → Drivers)")
    link = dash_duo.find_element(f"tr[data-need='pay'] a[href='/edit/{head.id}']")
    assert link.text == "Test parking"
    config, saved = store.load(head.id)
    assert saved.version == head.version + 1 and config.needs[0].served_by == ["f2"]


def test_nd004_edit_and_delete_a_need_with_confirmation(dash_duo, app, store):
    workspace, _head = setup_workspace(store)
    store.upsert_need(workspace.id, WorkspaceNeed(id="wifi", name="Free Wi-Fi", who="visitors"))
    dash_duo.start_server(app)
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/workspace/{workspace.id}/needs")
    dash_duo.wait_for_element("tr[data-need='wifi']")
    click(dash_duo, "tr[data-need='wifi'] button[aria-label='Edit Free Wi-Fi']")
    wait_for(lambda: dash_duo.find_element(css(ID.needs_name)).get_attribute("value") == "Free Wi-Fi")
    dash_duo.find_element(css(ID.needs_name)).send_keys(" in the market square")
    click(dash_duo, css(ID.needs_save))
    dash_duo.wait_for_contains_text(css(ID.needs_ranking), "Free Wi-Fi in the market square")
    assert [n.name for n in store.list_needs(workspace.id)] == ["Free Wi-Fi in the market square"]

    click(dash_duo, "tr[data-need='wifi'] button[aria-label^='Delete']")
    dash_duo.wait_for_contains_text(css(ID.needs_delete_text), "Free Wi-Fi in the market square")
    click(dash_duo, css(ID.needs_delete_cancel))
    time.sleep(0.3)
    assert len(store.list_needs(workspace.id)) == 1
    click(dash_duo, "tr[data-need='wifi'] button[aria-label^='Delete']")
    click(dash_duo, css(ID.needs_delete_confirm))
    dash_duo.wait_for_contains_text(css(ID.needs_ranking), "No needs or opportunities yet")
    assert store.list_needs(workspace.id) == []


def test_nd005_mechanisms_page_shows_mechanisms_in_place_and_a_ranked_could_add_list(dash_duo, app, store):
    _workspace, head = setup_workspace(store)
    dash_duo.start_server(app)
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/edit/{head.id}")
    click(dash_duo, f'a[href="/mechanisms/{head.id}"]')  # the link in the editor
    dash_duo.wait_for_contains_text("h1", "Value mechanisms · Test parking")
    dash_duo.wait_for_contains_text("section[data-kind='capture']", "Money from Drivers to Parking operator")
    dash_duo.wait_for_contains_text("section[data-kind='creation']", "Service to Drivers")
    dash_duo.wait_for_contains_text("section[data-kind='sharing']", "None in place yet.")
    gains = [float(e.text) for e in dash_duo.find_elements(f"{css(ID.mech_could_add)} tr.could-add .option-gain")]
    assert len(gains) >= 2 and gains == sorted(gains, reverse=True) and gains[-1] > 0
    assert not dash_duo.find_element(css(ID.mech_compute)).is_displayed()  # small: computed with the page


def test_nd006_a_large_configuration_computes_the_could_add_list_on_request(dash_duo, app, store):
    workspace = store.create_workspace("Big city", author="tester")
    actors = [{"id": f"a{i}", "name": f"Segment {i}", "type": "citizen"} for i in range(101)]
    big = parse_configuration(
        {
            "name": "Big",
            "actors": [{"id": "op", "name": "Op", "type": "platform_operator"}, *actors],
            "flows": [{"id": f"f{i}", "source": f"a{i}", "target": "op", "kind": "money"} for i in range(101)],
        }
    )
    head = store.create_configuration(workspace.id, big, author="tester")
    dash_duo.start_server(app)
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/mechanisms/{head.id}")
    dash_duo.wait_for_contains_text(css(ID.mech_could_add), "computed when you ask for it")
    click(dash_duo, css(ID.mech_compute))
    # a background job, polled about once a second: the "computing" state shows meanwhile
    dash_duo.wait_for_contains_text(css(ID.mech_status), "Computing…", timeout=5)
    assert not dash_duo.find_element(css(ID.mech_compute)).is_enabled()
    dash_duo.wait_for_contains_text(css(ID.mech_could_add), "Total gain", timeout=30)
    assert dash_duo.find_element(css(ID.mech_status)).text == ""  # the "computing" state has ended


def test_nd007_add_an_advantage_and_see_it_ranked_with_its_gap(dash_duo, app, store):
    workspace, head = setup_workspace(store)
    dash_duo.start_server(app)
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/workspace/{workspace.id}/advantages")
    dash_duo.wait_for_contains_text(css(ID.adv_ranking), "No advantages yet")
    click(dash_duo, css(ID.adv_save))
    dash_duo.wait_for_contains_text(css(ID.adv_feedback), "Advantage: describe the advantage.")
    assert store.list_advantages(workspace.id) == []
    assert dash_duo.find_element(css(ID.adv_service)).get_attribute("value") == "Test parking"  # the only service

    def add(text, criterion, to_be=False):
        click(dash_duo, f"{css(ID.adv_service)} option[value='Test parking']")
        dash_duo.find_element(css(ID.adv_text)).send_keys(text)
        if to_be:
            click(dash_duo, f"{css(ID.adv_state)} input[value='to_be']")
        click(dash_duo, f"{css(ID.adv_criteria)} input[value='{criterion}']")
        click(dash_duo, css(ID.adv_save))
        dash_duo.wait_for_contains_text(css(ID.adv_ranking), text)

    # small-parking: cross-side network effects 0 (no platform loop), value reaching citizens 0.33
    add("Network effects make it grow in every city", "s_network_effects", to_be=True)
    add("Citizens get value from it", "vc_citizen_value")
    items = dash_duo.find_elements(f"{css(ID.adv_ranking)} li.advantage")
    assert [i.get_attribute("data-state") for i in items] == ["current", "to_be"]  # current first
    current, to_be = items
    assert (
        "Value reaching citizens: 0.33" in current.text
        and current.find_element(By.CSS_SELECTOR, ".advantage-score").text == "33.3"
    )
    assert "Cross-side network effects: 0.00" in to_be.text and "gap 1.00" in to_be.text
    assert to_be.find_element(By.CSS_SELECTOR, ".advantage-score").text == "0.0"
    assert [a.text for a in store.list_advantages(workspace.id)] == [
        "Network effects make it grow in every city",
        "Citizens get value from it",
    ]


def axe_source() -> str:
    """axe-core from AXE_CORE_JS or the vendored copy (skip, saying why, when neither is there)."""
    import os

    for candidate in (os.environ.get("AXE_CORE_JS"), str(Path(__file__).parent / "vendor" / "axe.min.js")):
        if candidate and Path(candidate).is_file():
            return Path(candidate).read_text(encoding="utf-8")
    pytest.skip("axe-core not found: set AXE_CORE_JS to axe.min.js")


def test_nd008_axe_wcag21aa_needs_mechanisms_and_advantages(dash_duo, app, store):
    axe = axe_source()
    workspace, head = setup_workspace(store)
    store.upsert_need(workspace.id, WorkspaceNeed(id="pay", name="Pay by phone", evidence="survey"))
    store.upsert_advantage(
        workspace.id,
        Advantage(
            id="a1",
            service="Test parking",
            text="Open standards",
            state="to_be",
            criteria=["r_open_standards"],
            modules=["test-pay"],
        ),
    )
    dash_duo.start_server(app)
    results = {}
    for path, ready in (
        (f"/workspace/{workspace.id}/needs", "tr.need-row"),
        (f"/mechanisms/{head.id}", "tr.could-add"),
        (f"/workspace/{workspace.id}/advantages", "li.advantage"),
    ):
        dash_duo.wait_for_page(url=f"{dash_duo.server_url}{path}")
        dash_duo.wait_for_element(ready, timeout=20)
        dash_duo.driver.execute_script(axe)
        results[path] = dash_duo.driver.execute_async_script(
            "const done = arguments[0]; axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']})"
            ".then(r => done(r.violations.map(v => v.id + ': ' + v.nodes.length + ' ' + "
            "v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', '))));"
        )
    assert results == {path: [] for path in results}


def test_nd010_state_a_public_goal_of_a_configuration_edit_and_remove_it(dash_duo, app, store):
    workspace, head = setup_workspace(store)
    data = store.load(head.id)[0].model_dump(mode="json")
    data["needs"] = [{"id": "search", "name": "Find a free space fast", "actor": "drivers", "served_by": ["f2"]}]
    head = store.save(head.id, parse_configuration(data), base_version=head.version, author="tester")
    dash_duo.start_server(app)
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/workspace/{workspace.id}/needs")
    click(dash_duo, f"{css(ID.goals_config)} option[value='{head.id}']")
    dash_duo.wait_for_contains_text(css(ID.goals_need), "Find a free space fast")
    name = "<b>Cut</b> time spent searching for parking"  # user text: shown as typed, never as markup
    dash_duo.find_element(css(ID.goals_name)).send_keys(name)
    click(dash_duo, f"{css(ID.goals_need)} option[value='search']")
    dash_duo.find_element(css(ID.goals_indicator)).send_keys("minutes searching per trip")
    dash_duo.find_element(css(ID.goals_baseline)).send_keys("10")
    dash_duo.find_element(css(ID.goals_target)).send_keys("5")
    dash_duo.find_element(css(ID.goals_unit)).send_keys("minutes")
    dash_duo.find_element(css(ID.goals_year)).send_keys("2030")
    click(dash_duo, css(ID.goals_save))
    dash_duo.wait_for_contains_text(css(ID.goals_feedback), "saved")
    dash_duo.wait_for_contains_text(css(ID.goals_goal), name)
    assert not dash_duo.driver.find_elements(By.CSS_SELECTOR, f"{css(ID.goals_goal)} b")
    [goal] = store.load(head.id)[0].goals
    assert (goal.name, goal.need, goal.baseline, goal.target, goal.year) == (name, "search", 10.0, 5.0, 2030)

    year = dash_duo.find_element(css(ID.goals_year))
    year.clear()
    year.send_keys("2035")
    click(dash_duo, css(ID.goals_save))
    wait_for(lambda: [g.year for g in store.load(head.id)[0].goals] == [2035])
    click(dash_duo, css(ID.goals_remove))
    dash_duo.wait_for_contains_text(css(ID.goals_feedback), "public goal removed")
    assert store.load(head.id)[0].goals == []
    assert dash_duo.find_element(css(ID.goals_name)).get_attribute("value") == ""
