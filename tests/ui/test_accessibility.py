"""axe-core (WCAG 2.0/2.1 A and AA rules) on every page, in headless Chromium: no violation anywhere.

Home, the accessibility statement, the editor empty and with 50 actors, its delete dialog,
conflict message and history panel open; Compare, the reports, needs, advantages, value
mechanisms and score weights; with accounts on, sign-in, sign-out, members, "no access" and
"not found". Every page is also watched for Content-Security-Policy violations. axe-core is
vendored in tests/ui/vendor (MPL-2.0), so this runs in CI.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from selenium.webdriver.support.select import Select

from layouts.ids import ID
from ui_helpers import wait_for

pytestmark = pytest.mark.browser
VENDOR = Path(__file__).parent / "vendor" / "axe.min.js"
RULES = "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']"
RUN_AXE = (
    "const done = arguments[0]; axe.run(document, {runOnly: " + RULES + "}).then(r => done(r.violations.map("
    "v => v.id + ' (' + v.nodes.length + '): ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '))));"
)
NODES = "var e=document.getElementById('cy'); return e && e._cyreg ? e._cyreg.cy.nodes().length : -1;"


def violations(dash_duo) -> list[str]:
    """Inject axe-core into the current page (once per document) and run the WCAG A/AA rules."""
    if not VENDOR.is_file():
        pytest.fail(f"axe-core is vendored at {VENDOR}; it is missing")
    if not dash_duo.driver.execute_script("return typeof axe !== 'undefined';"):
        dash_duo.driver.execute_script(VENDOR.read_text(encoding="utf-8"))
    return dash_duo.driver.execute_async_script(RUN_AXE)


def fifty_actors() -> dict:
    types = [
        "city",
        "citizen",
        "business",
        "platform_operator",
        "service_provider",
        "technology_vendor",
        "public_agency",
        "funder",
        "research",
        "community",
    ]
    kinds = ["money", "data", "service", "permission", "reputation"]
    actors = [
        {
            "id": f"a{i}",
            "name": f"Actor {i}",
            "type": types[i % len(types)],
            "position": {"x": 120 * (i % 10), "y": 110 * (i // 10)},
        }
        for i in range(50)
    ]
    flows = [
        {
            "id": f"f{i}",
            "source": f"a{i}",
            "target": f"a{(i * 7 + 3) % 50}",
            "kind": kinds[i % len(kinds)],
            "label": f"flow {i}",
        }
        for i in range(50)
        if i != (i * 7 + 3) % 50
    ]
    return {"name": "Fifty actors", "actors": actors, "flows": flows}


def open_editor(dash_duo, configuration_id: int) -> None:
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/edit/{configuration_id}")
    dash_duo.wait_for_element(f"#{ID.cy}")
    wait_for(lambda: dash_duo.find_element(f"#{ID.flags}").text.strip())  # the second pass has drawn


def test_a11y001_home_and_the_statement_linked_from_every_page(dash_duo, app, store):
    dash_duo.start_server(app)
    dash_duo.wait_for_contains_text(f"#{ID.home_list}", "My workspace")
    assert violations(dash_duo) == []
    dash_duo.find_element(".site-footer a").click()
    dash_duo.wait_for_text_to_equal("h1", "Accessibility statement")
    assert dash_duo.driver.current_url.endswith("/accessibility")
    assert violations(dash_duo) == []
    assert dash_duo.get_logs() == []


def test_a11y002_editor_empty_fifty_actors_and_dialogs(dash_duo, app, store):
    from canvas_app.model import parse_configuration

    workspace = store.find_workspace("My workspace") or store.create_workspace("My workspace", author="tester")
    empty = store.create_configuration(workspace.id, parse_configuration({"name": "Empty"}), author="tester")
    big = store.create_configuration(workspace.id, parse_configuration(fifty_actors()), author="tester")
    dash_duo.start_server(app)

    open_editor(dash_duo, empty.id)
    assert violations(dash_duo) == [], "empty editor"

    open_editor(dash_duo, big.id)
    wait_for(lambda: dash_duo.driver.execute_script(NODES) == 50)
    assert dash_duo.find_element(".site-footer a").text == "Accessibility statement"
    assert violations(dash_duo) == [], "editor with 50 actors"

    # the delete dialog, reached by keyboard-friendly controls: pick the actor, press Delete
    Select(dash_duo.find_element(f"#{ID.element_pick}")).select_by_value("actor:a1")
    delete = dash_duo.find_element(f"#{ID.actor_delete}")
    wait_for(lambda: delete.is_enabled())
    delete.click()
    dash_duo.wait_for_element(".modal.show .modal-dialog")
    time.sleep(0.4)  # the modal's fade-in transition
    assert violations(dash_duo) == [], "delete dialog open"
    dash_duo.find_element(f"#{ID.delete_cancel}").click()
    wait_for(lambda: not dash_duo.driver.find_elements("css selector", ".modal.show, .modal-backdrop"))

    # the conflict message: someone else saves, then this editor saves from the older version
    config, head = store.load(big.id)
    store.save(
        big.id,
        config.model_copy(update={"description": "changed elsewhere"}),
        base_version=head.version,
        author="someone else",
    )
    dash_duo.find_element('[data-module="test-pay"]').send_keys(
        "\ue007"
    )  # Enter places the focused module: a stale save
    dash_duo.wait_for_element(f"#{ID.conflict_alert}", timeout=10)
    wait_for(lambda: "Another editor" in dash_duo.find_element(f"#{ID.conflict_box}").text)
    time.sleep(0.4)  # the alert's fade-in: axe measures contrast on what is painted
    assert violations(dash_duo) == [], "conflict message shown"


RECORD_CSP = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline'));
});
"""


def page_problems(dash_duo, url: str, ready: str, dash_page: bool = True) -> list[str]:
    """Open ``url``, wait for the CSS selector ``ready``, return axe violations and CSP violations."""
    if dash_page:
        dash_duo.wait_for_page(url=url)
    else:  # the sign-in form is plain HTML, not a Dash page
        dash_duo.driver.get(url)
    dash_duo.wait_for_element(ready, timeout=30)
    time.sleep(0.5)  # late callbacks (second pass, charts) and fade-ins settle
    found = [f"{url}: {v}" for v in violations(dash_duo)]
    found += [f"{url}: CSP {v}" for v in dash_duo.driver.execute_script("return window.__csp || [];")]
    return found


def test_a11y003_compare_reports_needs_advantages_mechanisms_weights(dash_duo, app, store):
    from canvas_app.model import load_configuration
    from canvas_app.web.settings import REPO_DIR

    dash_duo.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORD_CSP})
    workspace = store.find_workspace("My workspace") or store.create_workspace("My workspace", author="tester")
    a = store.create_configuration(
        workspace.id, load_configuration(REPO_DIR / "examples" / "parking-city-run.json"), author="tester"
    ).id
    b = store.create_configuration(
        workspace.id, load_configuration(REPO_DIR / "examples" / "parking-open-platform.json"), author="tester"
    ).id
    from canvas_app.workspace_model import WorkspaceNeed

    store.upsert_need(
        workspace.id, WorkspaceNeed(id="n-a11y", name="Find a free parking place", who="drivers"), author="tester"
    )
    dash_duo.start_server(app)
    base = dash_duo.server_url
    problems: list[str] = []
    for path in (
        f"/compare?ids={a},{b}",
        f"/report/{a}",
        f"/poster/{a}",
        f"/report/compare?ids={a},{b}",
        f"/workspace/{workspace.id}/needs",
        f"/workspace/{workspace.id}/advantages",
        f"/workspace/{workspace.id}/weights",
        f"/mechanisms/{a}",
    ):
        problems += page_problems(dash_duo, base + path, "main h1")
    # the needs page with a need, and its delete dialog open
    problems += page_problems(dash_duo, f"{base}/workspace/{workspace.id}/needs", "main h1")
    dash_duo.find_element("[id*='nd-delete'][id*='n-a11y']").click()
    dash_duo.wait_for_element(".modal.show .modal-dialog")
    time.sleep(0.4)  # fade-in
    problems += [f"needs delete dialog: {v}" for v in violations(dash_duo)]
    problems += page_problems(dash_duo, f"{base}/edit/{a}", f"#{ID.flags} .flag-button")
    dash_duo.find_element(f"#{ID.history_open}").click()
    dash_duo.wait_for_element(f"#{ID.history_list} li", timeout=10)
    time.sleep(0.5)
    problems += [f"editor history panel: {v}" for v in violations(dash_duo)]
    assert problems == []


def test_a11y004_sign_in_and_members_with_accounts_on(dash_duo, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    from canvas_app.web.app import create_app
    from canvas_app.web.auth import hash_password
    from canvas_app.web.settings import Settings
    from storage import Store

    dash_duo.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORD_CSP})
    url = f"sqlite:///{tmp_path}/accounts.sqlite3"
    store = Store.open(url)
    ann = store.create_user("ann", hash_password("correct horse battery"))
    workspace = store.create_workspace("Oulu services", author="ann", owner_id=ann.id)
    bob = store.create_user("bob", hash_password("another horse battery"))
    theirs = store.create_workspace("Tampere", author="bob", owner_id=bob.id)
    app = create_app(Settings(database_url=url, auth=True, secret_key="a11y-test-secret-0123456789abcdef"), store=store)
    dash_duo.start_server(app, navigate=False)
    base, driver = dash_duo.server.url.rstrip("/"), dash_duo.driver
    problems = page_problems(dash_duo, f"{base}/login", "form", dash_page=False)
    driver.find_element(By.ID, "login-name").send_keys("ann")
    driver.find_element(By.ID, "login-password").send_keys("correct horse battery", Keys.ENTER)
    dash_duo.wait_for_contains_text(f"#{ID.home_list}", "Oulu services", timeout=20)
    problems += page_problems(dash_duo, f"{base}/", f"#{ID.home_list}")
    problems += page_problems(dash_duo, f"{base}/members/{workspace.id}", "main h1")
    problems += page_problems(dash_duo, f"{base}/members/{theirs.id}", "main h1")  # "no access"
    problems += page_problems(dash_duo, f"{base}/edit/999", "main h1")  # "not found"
    problems += page_problems(dash_duo, f"{base}/logout", "form", dash_page=False)  # the sign-out page
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    problems += page_problems(dash_duo, f"{base}/login?signed_out=1", "form", dash_page=False)
    problems += page_problems(dash_duo, f"{base}/edit/999", "form", dash_page=False)  # signed out: the sign-in form
    store.close()
    assert problems == []


def test_a11y005_module_library_with_a_module_open_an_error_and_the_delete_dialog(dash_duo, app, store):
    from canvas_app.workspace_model import ModuleRecord

    dash_duo.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORD_CSP})
    workspace = store.find_workspace("My workspace") or store.create_workspace("My workspace", author="tester")
    text = (
        "id: a11y-module\nname: A11y module\ncategory: data\nsummary: A module of the accessibility test.\n"
        "sources:\n  - {title: Test}\n"
    )
    store.put_module(workspace.id, ModuleRecord(id="a11y-module", text=text), author="tester")
    dash_duo.start_server(app)
    base = dash_duo.server_url
    problems = page_problems(dash_duo, f"{base}/workspace/{workspace.id}/modules", "main h1")
    dash_duo.find_element("[id*='md-view'][id*='a11y-module']").click()
    dash_duo.wait_for_contains_text(f"#{ID.mod_detail}", "A module of the accessibility test")
    save = dash_duo.find_element(f"#{ID.mod_save}")
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", save)
    save.click()  # empty text: an inline error
    dash_duo.wait_for_contains_text(f"#{ID.mod_feedback}", "Write or paste a module definition first")
    problems += [f"module shown, error: {v}" for v in violations(dash_duo)]
    delete = dash_duo.find_element(f"#{ID.mod_delete}")
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", delete)
    delete.click()
    dash_duo.wait_for_element(".modal.show .modal-dialog")
    time.sleep(0.4)  # fade-in
    problems += [f"module delete dialog: {v}" for v in violations(dash_duo)]
    assert problems == []
