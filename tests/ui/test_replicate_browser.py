"""Browser test of replication (dash_duo, headless Chromium): add a city profile, replicate an example from its
report, substitute its local organisation, create the replica and open it; axe finds nothing on either page."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from canvas_app.model import load_configuration
from layouts.ids import ID
from test_accessibility import violations
from ui_helpers import click, wait_for

pytestmark = pytest.mark.browser
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def css(component_id: str) -> str:
    return f"#{component_id}"


def test_rp001_profile_replicate_substitute_create_and_open(dash_duo, app, store):
    workspace = store.find_workspace("My workspace") or store.create_workspace("My workspace", author="tester")
    original = store.create_configuration(
        workspace.id, load_configuration(EXAMPLES / "parking-city-run.json"), author="tester"
    )
    dash_duo.start_server(app)

    # 1. a city profile, with a library precondition ticked
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/workspace/{workspace.id}/cities")
    dash_duo.wait_for_contains_text(css(ID.cp_list), "No city profiles yet")
    assert violations(dash_duo) == []
    click(dash_duo, css(ID.cp_save))  # nothing typed: refused with the field named, nothing saved
    dash_duo.wait_for_contains_text(css(ID.cp_feedback), "City: give the city a name.")
    assert store.list_city_profiles(workspace.id) == []
    dash_duo.find_element(css(ID.cp_name)).send_keys("Umeå")
    dash_duo.find_element(css(ID.cp_population)).send_keys("131000")
    dash_duo.find_element(css(ID.cp_currency)).send_keys("sek")
    ordinance = dash_duo.driver.find_element(
        By.XPATH, f"//*[@id='{ID.cp_has}']//label[contains(., 'local parking ordinance allows mobile payment')]"
    )
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", ordinance)
    ordinance.click()
    click(dash_duo, css(ID.cp_save))
    dash_duo.wait_for_contains_text(css(ID.cp_feedback), "Profile of Umeå saved.")
    dash_duo.wait_for_contains_text(css(ID.cp_list), "131,000 inhabitants")
    (record,) = store.list_city_profiles(workspace.id)
    assert (record.profile.currency, record.profile.has) == ("SEK", ["local parking ordinance allows mobile payment"])

    # ... edited (the form fills from the profile, the library item ticked), and a second one deleted
    click(dash_duo, f"[data-profile='{record.id}'] button[aria-label='Edit Umeå']")
    dash_duo.wait_for_text_to_equal(css(ID.cp_form_heading), "Edit the profile of Umeå")
    assert dash_duo.find_element(css(ID.cp_name)).get_attribute("value") == "Umeå"
    population = dash_duo.find_element(css(ID.cp_population))
    population.clear()
    population.send_keys("132000")
    click(dash_duo, css(ID.cp_save))
    dash_duo.wait_for_contains_text(css(ID.cp_list), "132,000 inhabitants")
    (record,) = store.list_city_profiles(workspace.id)
    assert record.profile.population == 132_000 and record.profile.has == [
        "local parking ordinance allows mobile payment"
    ]
    dash_duo.find_element(css(ID.cp_name)).send_keys("Luleå")
    click(dash_duo, css(ID.cp_save))
    dash_duo.wait_for_contains_text(css(ID.cp_list), "Luleå")
    click(dash_duo, "button[aria-label='Delete Luleå']")
    dash_duo.wait_for_contains_text(css(ID.cp_delete_text), "The profile of Luleå will be removed.")
    click(dash_duo, css(ID.cp_delete_confirm))
    dash_duo.wait_for_contains_text(css(ID.cp_feedback), "Profile deleted.")
    assert [r.profile.name for r in store.list_city_profiles(workspace.id)] == ["Umeå"]

    # 2. from the report, to the replicate page; the plan shows at once for the only profile
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/report/{original.id}")
    click(dash_duo, f'a[href="/replicate/{original.id}"]')
    dash_duo.wait_for_contains_text(
        css(ID.rp_plan), "Replication plan: Parking app, run by the city → Umeå", timeout=30
    )
    dash_duo.wait_for_contains_text(css(ID.rp_plan), "Still to substitute")
    assert "[met]" not in dash_duo.find_element(css(ID.rp_plan)).text
    statuses = [b.text for b in dash_duo.find_elements(".replication-preconditions .precondition-status")]
    assert statuses == ["met", "unknown", "unknown"]

    # 3. substitute the local software company
    counterpart = dash_duo.find_element("input[id*='rp-substitute']")
    counterpart.send_keys("Umeå Mjukvara AB", Keys.ENTER)
    dash_duo.wait_for_contains_text(css(ID.rp_plan), "Replaced by “Umeå Mjukvara AB”, a named organisation of Umeå")
    time.sleep(0.3)
    assert violations(dash_duo) == []

    # 4. create the replica and open it
    click(dash_duo, css(ID.rp_create))
    dash_duo.wait_for_contains_text(css(ID.rp_result), "created")
    click(dash_duo, css(ID.rp_open))
    wait_for(lambda: "/edit/" in dash_duo.driver.current_url)
    replica_id = int(dash_duo.driver.current_url.rstrip("/").rsplit("/", 1)[1])
    assert replica_id != original.id
    dash_duo.wait_for_element("#cy", timeout=30)
    replica, head = store.load(replica_id)
    assert head.workspace_id == workspace.id and replica.city == "Umeå"
    assert replica.actor("contracted-supplier").name == "Umeå Mjukvara AB"
    assert replica.replicated_from is not None and replica.replicated_from.revision == 1
    assert replica.replicated_from.configuration == "Parking app, run by the city"
