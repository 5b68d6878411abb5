"""The Content-Security-Policy in a real browser: Dash works under it, and it does block injected scripts."""

from __future__ import annotations

from pathlib import Path

import pytest

from layouts.ids import ID
from ui_helpers import wait_for

pytestmark = pytest.mark.browser
DATA = Path(__file__).parent / "data"

RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + (e.sample || ''));
});
"""
EDGES = "var c=document.getElementById('cy'); return c && c._cyreg ? c._cyreg.cy.edges().length : -1;"


def csp_problems(dash_duo) -> list[str]:
    """Violations seen by the page's listener plus console errors that mention the policy."""
    seen = dash_duo.driver.execute_script("return window.__csp || ['listener missing'];")
    logs = [entry["message"] for entry in dash_duo.get_logs() or [] if "Content Security Policy" in entry["message"]]
    return list(seen) + logs


def test_sec101_home_and_editor_work_under_the_policy(dash_duo, app, store):
    from canvas_app.model import load_configuration

    # Before any page script runs (a DevTools hook is itself exempt from CSP), record every violation.
    dash_duo.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORD_VIOLATIONS})
    workspace = store.find_workspace("My workspace") or store.create_workspace("My workspace", author="tester")
    head = store.create_configuration(workspace.id, load_configuration(DATA / "small-parking.json"), author="tester")
    dash_duo.start_server(app)
    dash_duo.wait_for_contains_text(f"#{ID.home_list}", "My workspace")
    assert csp_problems(dash_duo) == []

    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/edit/{head.id}")
    wait_for(lambda: dash_duo.driver.execute_script(EDGES) > 0)
    edges = dash_duo.driver.execute_script(EDGES)
    dash_duo.find_element('[data-module="test-pay"]').send_keys("\ue007")  # Enter places the module
    wait_for(lambda: dash_duo.driver.execute_script(EDGES) > edges)
    wait_for(lambda: store.get_configuration(head.id).version == head.version + 1)
    assert csp_problems(dash_duo) == []

    # The policy is live: a script injected into the page is refused, and the check above would see it.
    dash_duo.driver.execute_script(
        "var s = document.createElement('script'); s.textContent = 'window.__injected = 1;'; document.body.appendChild(s);"
    )
    wait_for(lambda: csp_problems(dash_duo))
    assert dash_duo.driver.execute_script("return window.__injected === undefined;")
