"""axe-core (WCAG 2.0/2.1 A and AA) on the Compare page, a report page and the editor's history
panel and compare dialog, in headless Chromium: no violation."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from canvas_app.model import load_configuration
from layouts.ids import ID
from ui_helpers import wait_for

pytestmark = pytest.mark.browser
VENDOR = Path(__file__).parent / "vendor" / "axe.min.js"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
RUN_AXE = (
    "const done = arguments[0]; axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']})"
    ".then(r => done(r.violations.map(v => v.id + ' (' + v.nodes.length + '): ' + "
    "v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '))));"
)


def violations(dash_duo) -> list[str]:
    if not VENDOR.is_file():
        pytest.fail(f"axe-core is vendored at {VENDOR}; it is missing")
    if not dash_duo.driver.execute_script("return typeof axe !== 'undefined';"):
        dash_duo.driver.execute_script(VENDOR.read_text(encoding="utf-8"))
    return dash_duo.driver.execute_async_script(RUN_AXE)


def test_cmpa001_compare_report_and_history_have_no_violations(dash_duo, app, store):
    workspace = store.find_workspace("My workspace") or store.create_workspace("My workspace", author="tester")
    a = store.create_configuration(
        workspace.id, load_configuration(EXAMPLES / "parking-city-run.json"), author="tester"
    )
    b = store.create_configuration(
        workspace.id, load_configuration(EXAMPLES / "parking-open-platform.json"), author="tester"
    )
    dash_duo.start_server(app)
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/compare?ids={a.id},{b.id}")
    wait_for(
        lambda: dash_duo.driver.execute_script(
            f"var g=document.querySelector('#{ID.compare_growth} .js-plotly-plot'); return g && g.data && g.data.length;"
        )
    )
    assert violations(dash_duo) == []
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/report/{a.id}")
    dash_duo.wait_for_contains_text("main h1", "Parking app, run by the city")
    assert violations(dash_duo) == []
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/edit/{a.id}")
    dash_duo.wait_for_element(f"#{ID.history_open}").click()
    dash_duo.wait_for_contains_text(f"#{ID.history_list}", "Version 1")
    assert violations(dash_duo) == []
    dash_duo.find_element(f"#{ID.history_panel} .btn-close").click()
    dash_duo.find_element(f"#{ID.compare_open}").click()
    dash_duo.wait_for_contains_text(f"#{ID.compare_modal}", "Parking on an open platform")
    wait_for(
        lambda: dash_duo.driver.execute_script(
            "var m=document.querySelector('.modal.show'); return m && getComputedStyle(m).opacity === '1';"
        )
    )
    time.sleep(0.4)  # the backdrop fades in after the dialog
    assert violations(dash_duo) == []
