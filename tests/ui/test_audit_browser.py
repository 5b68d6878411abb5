"""Browser test of the audit log: an owner who signed in (after one wrong password) finds both
attempts in the Members page's audit log, and a role change appears there at once (dash_duo,
headless Chromium, accounts on, a real SQLite store)."""

from __future__ import annotations

import json

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.select import Select

from canvas_app.web.auth import hash_password
from canvas_app.web.settings import Settings
from layouts.ids import ID
from ui_helpers import wait_for

pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery"


def test_audit001_owner_sees_sign_in_events_on_members_page(dash_duo, tmp_path) -> None:
    from canvas_app.web.app import create_app
    from storage import Store

    url = f"sqlite:///{tmp_path}/audit-browser.sqlite3"
    store = Store.open(url)
    ann = store.create_user("ann", hash_password(PASSWORD))
    val = store.create_user("val", hash_password(PASSWORD))
    workspace = store.create_workspace("Oulu services", author="ann", owner_id=ann.id)
    store.add_member(workspace.id, "val", "viewer", added_by="ann")
    app = create_app(Settings(database_url=url, auth=True, secret_key="browser-test-secret-0123456789"), store=store)
    dash_duo.start_server(app, navigate=False)
    base, driver = dash_duo.server.url.rstrip("/"), dash_duo.driver

    driver.get(f"{base}/login")
    driver.find_element(By.ID, "login-name").send_keys("ann")
    driver.find_element(By.ID, "login-password").send_keys("Tr0ub4dor guess", Keys.ENTER)
    wait_for(lambda: "Wrong user name or password." in driver.page_source)
    driver.find_element(By.ID, "login-password").send_keys(PASSWORD, Keys.ENTER)
    dash_duo.wait_for_text_to_equal(f"#{ID.account_name}", "ann")
    dash_duo.find_element(f"a[href='/members/{workspace.id}']").click()
    dash_duo.wait_for_contains_text("h1", "Members of Oulu services")

    rows = [
        [cell.text for cell in row.find_elements(By.TAG_NAME, "td")]
        for row in dash_duo.find_elements(f"#{ID.members_audit} tbody tr")
    ]
    assert [(who, what, detail, where) for _when, who, what, detail, where in rows] == [
        ("ann", "sign-in", "", "127.0.0.1"),
        ("ann", "sign-in failed", "wrong user name or password", "127.0.0.1"),
    ]
    assert "Tr0ub4dor" not in driver.page_source  # the typed password is never recorded

    role = driver.find_element(
        By.XPATH, f"//*[@id='{json.dumps(ID.member_role(val.id), separators=(',', ':'), sort_keys=True)}']"
    )
    Select(role).select_by_value("editor")
    dash_duo.wait_for_contains_text(f"#{ID.members_audit}", "val: viewer to editor")
    first = dash_duo.find_elements(f"#{ID.members_audit} tbody tr")[0].text
    assert "role changed" in first and "ann" in first
    assert dash_duo.find_element(f"#{ID.members_audit_download}").text == "Download audit log (CSV)"
    expected = ("favicon", "/login - Failed to load resource: the server responded with a status of 401")
    assert [e for e in dash_duo.get_logs() if not any(part in e["message"] for part in expected)] == []
    store.close()
