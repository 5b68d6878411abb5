"""Browser test of accounts: sign in with the keyboard, Home shows only my workspaces,
the editor names who else is in it, sign out (dash_duo, headless Chromium)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.select import Select

from canvas_app.model import parse_configuration
from canvas_app.web.auth import hash_password
from canvas_app.web.settings import Settings
from layouts.ids import ID
from ui_helpers import wait_for

pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery"


def test_auth001_sign_in_home_shows_only_my_workspaces(dash_duo, tmp_path) -> None:
    from canvas_app.web.app import create_app
    from storage import Store

    url = f"sqlite:///{tmp_path}/browser.sqlite3"
    store = Store.open(url)
    ann = store.create_user("ann", hash_password(PASSWORD))
    bob = store.create_user("bob", hash_password(PASSWORD))
    mine = store.create_workspace("Oulu services", author="ann", owner_id=ann.id)
    store.create_workspace("Tampere secret plans", author="bob", owner_id=bob.id)
    config = parse_configuration({"name": "Mobile parking", "actors": [{"id": "city", "name": "City", "type": "city"}]})
    head = store.create_configuration(mine.id, config, author="ann")
    store.add_member(mine.id, "bob", "viewer", added_by="ann")
    store.touch_presence(head.id, f"{bob.id}:elsewhere", "bob")  # bob has it open in his browser
    app = create_app(Settings(database_url=url, auth=True, secret_key="browser-test-secret-0123456789"), store=store)

    dash_duo.start_server(app, navigate=False)  # "/" is the sign-in form, not a Dash page, until signed in
    base, driver = dash_duo.server.url.rstrip("/"), dash_duo.driver
    driver.get(f"{base}/")
    wait_for(lambda: "/login" in driver.current_url)
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    # the form is styled by the app's own Bootstrap (its stylesheet loaded, not printed as text)
    assert "<link" not in driver.find_element(By.TAG_NAME, "body").text
    wait_for(
        lambda: (
            driver.execute_script("return getComputedStyle(document.getElementById('login-submit')).backgroundColor")
            == "rgb(13, 110, 253)"
        )
    )
    name = driver.switch_to.active_element  # the name field has focus: no mouse needed
    assert name.get_attribute("id") == "login-name"
    assert driver.find_element(By.CSS_SELECTOR, "label[for='login-name']").text == "User name"
    name.send_keys("ann")
    driver.find_element(By.ID, "login-password").send_keys("wrong password", Keys.ENTER)
    wait_for(lambda: "Wrong user name or password." in driver.page_source)
    password = driver.switch_to.active_element  # focus returns to the password, the name is kept
    assert password.get_attribute("id") == "login-password"
    password.send_keys(PASSWORD, Keys.ENTER)

    dash_duo.wait_for_text_to_equal(f"#{ID.account_name}", "ann")
    dash_duo.wait_for_contains_text(f"#{ID.home_list}", "Oulu services")
    home = dash_duo.find_element(f"#{ID.home_list}").text
    assert "Mobile parking" in home and "Members" in home
    assert "Tampere" not in driver.page_source
    options = [o.text for o in dash_duo.find_elements(f"#{ID.home_workspace} option") if o.text]
    assert options == ["Oulu services"]

    dash_duo.find_element(f"a[href='/edit/{head.id}']").click()
    dash_duo.wait_for_contains_text(f"#{ID.presence_line}", "Also here: bob", timeout=10)

    dash_duo.find_element(f"#{ID.sign_out}").click()
    wait_for(lambda: "You are signed out." in driver.page_source)
    driver.get(f"{base}/edit/{head.id}")
    wait_for(lambda: "/login?next=/edit/" in driver.current_url)
    assert dash_duo.get_logs() == [] or all("favicon" in entry["message"] for entry in dash_duo.get_logs())
    store.close()


def test_auth002_sign_in_and_members_pages_pass_axe(dash_duo, tmp_path) -> None:
    """WCAG 2.1 A/AA rules of axe-core on the sign-in form (with an error shown) and the members panel."""
    from canvas_app.web.app import create_app
    from storage import Store

    vendor = Path(__file__).parent / "vendor" / "axe.min.js"
    run_axe = (
        "const done = arguments[0]; axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']})"
        ".then(r => done(r.violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(' | '))));"
    )

    def violations() -> list[str]:
        if not dash_duo.driver.execute_script("return typeof axe !== 'undefined';"):
            dash_duo.driver.execute_script(vendor.read_text(encoding="utf-8"))
        return dash_duo.driver.execute_async_script(run_axe)

    url = f"sqlite:///{tmp_path}/axe.sqlite3"
    store = Store.open(url)
    ann = store.create_user("ann", hash_password(PASSWORD))
    store.create_user("val", hash_password(PASSWORD))
    workspace = store.create_workspace("Oulu services", author="ann", owner_id=ann.id)
    store.add_member(workspace.id, "val", "viewer", added_by="ann")
    app = create_app(Settings(database_url=url, auth=True, secret_key="browser-test-secret-0123456789"), store=store)
    dash_duo.start_server(app, navigate=False)
    base, driver = dash_duo.server.url.rstrip("/"), dash_duo.driver
    driver.get(f"{base}/login")
    driver.find_element(By.ID, "login-name").send_keys("ann")
    driver.find_element(By.ID, "login-password").send_keys("wrong password", Keys.ENTER)
    wait_for(lambda: "Wrong user name or password." in driver.page_source)
    assert violations() == []
    driver.find_element(By.ID, "login-password").send_keys(PASSWORD, Keys.ENTER)
    dash_duo.wait_for_text_to_equal(f"#{ID.account_name}", "ann")
    dash_duo.find_element(f"a[href='/members/{workspace.id}']").click()
    dash_duo.wait_for_contains_text("h1", "Members of Oulu services")
    assert violations() == []
    val = store.find_user("val")
    role = driver.find_element(
        By.XPATH, f"//*[@id='{json.dumps(ID.member_role(val.id), separators=(',', ':'), sort_keys=True)}']"
    )
    Select(role).select_by_value("editor")
    dash_duo.wait_for_contains_text(f"#{ID.members_message}", "val is now editor")
    assert store.role_in_workspace(val.id, workspace.id) == "editor"
    store.close()


def test_auth003_every_page_loads_signed_in_without_a_refused_callback(dash_duo, tmp_path) -> None:
    """With accounts on, the callbacks a page fires by itself (initial calls, intervals) all pass the
    access check: a callback that returned before checking would be refused (403) and logged here."""
    from canvas_app.model import load_configuration
    from canvas_app.web.app import create_app
    from canvas_app.web.settings import REPO_DIR
    from storage import Store

    url = f"sqlite:///{tmp_path}/pages.sqlite3"
    store = Store.open(url)
    ann = store.create_user("ann", hash_password(PASSWORD))
    workspace = store.create_workspace("Oulu services", author="ann", owner_id=ann.id)
    example = sorted((REPO_DIR / "examples").glob("*.json"))[0]
    head = store.create_configuration(workspace.id, load_configuration(example), author="ann")
    other = store.create_configuration(workspace.id, load_configuration(example), author="ann")
    app = create_app(Settings(database_url=url, auth=True, secret_key="browser-test-secret-0123456789"), store=store)
    dash_duo.start_server(app, navigate=False)
    base, driver = dash_duo.server.url.rstrip("/"), dash_duo.driver
    driver.get(f"{base}/login")
    driver.find_element(By.ID, "login-name").send_keys("ann")
    driver.find_element(By.ID, "login-password").send_keys(PASSWORD, Keys.ENTER)
    dash_duo.wait_for_text_to_equal(f"#{ID.account_name}", "ann")
    pages = [
        "/",
        f"/edit/{head.id}",
        f"/members/{workspace.id}",
        f"/workspace/{workspace.id}/needs",
        f"/workspace/{workspace.id}/advantages",
        f"/workspace/{workspace.id}/weights",
        f"/mechanisms/{head.id}",
        f"/report/{head.id}",
        f"/compare?ids={head.id},{other.id}",
    ]
    refused = []
    for path in pages:
        driver.get(f"{base}{path}")
        dash_duo.wait_for_text_to_equal(f"#{ID.account_name}", "ann")
        time.sleep(1.5)  # let the page's own callbacks (initial calls, first heartbeat) answer
        assert "No access" not in driver.find_element(By.TAG_NAME, "main").text, path
        refused += [
            f"{path}: {entry['message']}"
            for entry in dash_duo.get_logs() or []
            if "status of 4" in entry["message"] or "status of 5" in entry["message"]
        ]
    assert refused == []
    store.close()
