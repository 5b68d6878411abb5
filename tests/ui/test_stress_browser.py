"""The stress-test page: its callbacks as plain functions (saving a scenario is an edit with the conflict check),
and in headless Chromium: add "an actor leaves", see the scores change and the tornado chart, axe 0 violations."""

from __future__ import annotations

from pathlib import Path

import pytest

from callbacks.stress import add_scenario, remove_scenario, scenario_fields, stress_page
from canvas_app.model import load_configuration
from layouts.ids import ID
from ui_helpers import find, text_of, wait_for

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
VENDOR = Path(__file__).parent / "vendor" / "axe.min.js"
RUN_AXE = (
    "const done = arguments[0]; axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']})"
    ".then(r => done(r.violations.map(v => v.id + ' (' + v.nodes.length + '): ' + "
    "v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '))));"
)


def _stored(store):
    workspace = store.find_workspace("My workspace") or store.create_workspace("My workspace", author="tester")
    return store.create_configuration(workspace.id, load_configuration(EXAMPLES / "oulu-parking.json"), author="tester")


def test_strc001_page_ranks_exits_and_adding_a_scenario_saves_a_revision(services, store):
    head = _stored(store)
    page = stress_page(services, head.id)
    assert "No scenario saved yet" in text_of(page)
    bars = find(page, ID.stress_tornado).figure.data[0]
    assert bars.y[-1] == "Drivers" and bars.x[-1] == pytest.approx(760_000 * (1 - 1.03**-10) / 0.03, abs=0.01)
    results, version, feedback = add_scenario(
        services, head.id, head.version, scenario_fields("actor_leaves", "drivers", "", "", None)
    )
    assert version == head.version + 1 and "Scenario saved" in text_of(feedback)
    assert "Exit of Drivers" in text_of(results)
    config, saved = store.load(head.id)
    assert saved.version == version and [s.actor for s in config.scenarios] == ["drivers"]
    # the page was stale: nothing saved, and it says so
    _, stale_version, stale = add_scenario(services, head.id, head.version, scenario_fields("demand", "", "", "", 2))
    assert "first; nothing was saved" in text_of(stale) and store.load(head.id)[1].version == version
    # bad input: the field is named, nothing saved
    _, _, bad = add_scenario(services, head.id, version, scenario_fields("demand", "", "", "", None))
    assert "factor: a 'demand' scenario needs one" in text_of(bad) and store.load(head.id)[1].version == version
    results, removed_version, feedback = remove_scenario(services, head.id, version, "s1")
    assert removed_version == version + 1 and "No scenario saved yet" in text_of(results)
    assert store.load(head.id)[0].scenarios == []


def violations(dash_duo) -> list[str]:
    if not dash_duo.driver.execute_script("return typeof axe !== 'undefined';"):
        dash_duo.driver.execute_script(VENDOR.read_text(encoding="utf-8"))
    return dash_duo.driver.execute_async_script(RUN_AXE)


@pytest.mark.browser
def test_strb001_add_actor_leaves_and_see_scores_change_and_the_tornado(dash_duo, app, store):
    head = _stored(store)
    dash_duo.start_server(app)
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/report/{head.id}")
    dash_duo.wait_for_element(f"a[href='/stress/{head.id}']").click()
    dash_duo.wait_for_contains_text("main h1", "Stress tests")
    wait_for(
        lambda: dash_duo.driver.execute_script(
            f"var g=document.querySelector('#{ID.stress_tornado} .js-plotly-plot'); return g && g.data && g.data.length;"
        )
    )
    bars = dash_duo.driver.execute_script(
        f"return document.querySelector('#{ID.stress_tornado} .js-plotly-plot').data[0].y;"
    )
    assert bars[-1] == "Drivers"  # the most damaging exit on top
    dash_duo.driver.execute_script(
        f"var s=document.getElementById('{ID.stress_actor}');"
        "var setter=Object.getOwnPropertyDescriptor(HTMLSelectElement.prototype,'value').set;"
        "setter.call(s,'drivers'); s.dispatchEvent(new Event('change',{bubbles:true}));"
    )
    dash_duo.find_element(f"#{ID.stress_add}").click()
    dash_duo.wait_for_contains_text(f"#{ID.stress_feedback}", "Scenario saved")
    row = dash_duo.find_element(f"#{ID.stress_results} .stress-result").text
    assert "Exit of Drivers" in row and "→" in row
    assert dash_duo.find_elements(f"#{ID.stress_results} td.table-danger")  # a score fell
    assert violations(dash_duo) == []
    dash_duo.find_element(f"#{ID.stress_results} button").click()  # Remove
    dash_duo.wait_for_contains_text(f"#{ID.stress_feedback}", "Scenario removed")
    dash_duo.wait_for_contains_text(f"#{ID.stress_results}", "No scenario saved yet")
    assert dash_duo.get_logs() == []
