"""Browser tests of the Compare page (dash_duo, headless Debian Chromium)."""

from __future__ import annotations

from pathlib import Path

import pytest
from selenium.webdriver.common.by import By

from canvas_app.model import load_configuration
from layouts.ids import ID
from ui_helpers import wait_for

pytestmark = pytest.mark.browser
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def store_parking(store):
    workspace = store.find_workspace("My workspace") or store.create_workspace("My workspace", author="tester")
    a = store.create_configuration(
        workspace.id, load_configuration(EXAMPLES / "parking-city-run.json"), author="tester"
    )
    b = store.create_configuration(
        workspace.id, load_configuration(EXAMPLES / "parking-open-platform.json"), author="tester"
    )
    return a, b


def radar_traces(dash_duo) -> int:
    return dash_duo.driver.execute_script(
        f"var g=document.querySelector('#{ID.compare_radar} .js-plotly-plot'); return g && g.data ? g.data.length : 0;"
    )


def assert_compared(dash_duo, a, b):
    wait_for(lambda: "/compare?ids=" in dash_duo.driver.current_url)
    dash_duo.wait_for_contains_text(
        f"#{ID.compare_verdict}",
        "Parking on an open platform is more replicable than Parking app, run by the city",
        timeout=10,
    )
    assert wait_for(lambda: radar_traces(dash_duo)) == 2
    assert dash_duo.find_element(f"#{ID.compare_radar} .main-svg").is_displayed()
    wait_for(
        lambda: dash_duo.driver.execute_script(
            f"var g=document.querySelector('#{ID.compare_growth} .js-plotly-plot'); return g && g.data && g.data.length;"
        )
    )


def test_cmpb001_compare_two_examples_from_home(dash_duo, app, store):
    a, b = store_parking(store)
    dash_duo.start_server(app)
    dash_duo.wait_for_contains_text(f"#{ID.home_list}", "Parking on an open platform")
    dash_duo.find_element(f"#{ID.home_compare}").click()  # nothing ticked yet
    dash_duo.wait_for_contains_text(f"#{ID.home_compare_message}", "at least two configurations")
    for head in (a, b):
        dash_duo.driver.find_element(By.XPATH, f"//li[.//a[@href='/edit/{head.id}']]//input[@type='checkbox']").click()
    dash_duo.find_element(f"#{ID.home_compare}").click()
    assert_compared(dash_duo, a, b)
    assert dash_duo.driver.current_url.endswith(f"/compare?ids={a.id},{b.id}")
    text = dash_duo.find_element("main").text
    assert "Data flows on open standards" in text and "Only A is flagged" in text
    assert dash_duo.get_logs() == []


def test_cmpb002_compare_with_from_the_editor(dash_duo, app, store):
    a, b = store_parking(store)
    dash_duo.start_server(app)
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/edit/{a.id}")
    dash_duo.wait_for_element(f"#{ID.compare_open}").click()
    dash_duo.wait_for_contains_text(f"#{ID.compare_modal}", "Parking on an open platform")
    dash_duo.find_element(f"#{ID.compare_go}").click()  # nothing picked
    dash_duo.wait_for_contains_text(f"#{ID.compare_feedback}", "Pick one to three other configurations")
    dash_duo.find_element(f"#{ID.compare_pick} input").click()
    dash_duo.find_element(f"#{ID.compare_go}").click()
    assert_compared(dash_duo, a, b)
    assert dash_duo.driver.current_url.endswith(f"/compare?ids={a.id},{b.id}")


def test_cmpb003_bad_ids_get_a_clear_message(dash_duo, app, store):
    a, _b = store_parking(store)
    dash_duo.start_server(app)
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/compare?ids={a.id},987654")
    dash_duo.wait_for_contains_text("main", "There is no configuration 987654.")
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/compare?ids=11,12,13,14,15")
    dash_duo.wait_for_contains_text("main", "at most four configurations")
