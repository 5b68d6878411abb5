"""Reflow at 320 CSS px (WCAG 1.4.10): Home, Score weights, Report and Compare need no horizontal
scrolling of the page; wide tables scroll on their own inside a focusable, named region."""

from __future__ import annotations

from pathlib import Path

import pytest

from canvas_app.model import load_configuration

pytestmark = pytest.mark.browser
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

OVERFLOWING = """
const out = [];
for (const e of document.querySelectorAll('body *')) {
  const r = e.getBoundingClientRect();
  if (r.width && r.right > 320.5 && !e.closest('.table-scroll')) {
    out.push(`${e.tagName.toLowerCase()}.${e.className} right=${Math.round(r.right)}`);
  }
}
return out.slice(0, 8);
"""


def at_320(dash_duo, path: str, ready: str) -> None:
    dash_duo.driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride", {"width": 320, "height": 800, "deviceScaleFactor": 1, "mobile": False}
    )
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}{path}")
    dash_duo.wait_for_element(ready, timeout=15)


def page_width(dash_duo) -> int:
    return int(dash_duo.driver.execute_script("return document.documentElement.scrollWidth"))


@pytest.fixture()
def two_configurations(store):
    workspace = store.create_workspace("Parking", author="tester")
    a = store.create_configuration(workspace.id, load_configuration(EXAMPLES / "parking-city-run.json"), author="t")
    b = store.create_configuration(
        workspace.id, load_configuration(EXAMPLES / "parking-open-platform.json"), author="t"
    )
    return workspace, a, b


@pytest.mark.parametrize(
    "page, ready",
    [
        ("/", "main h1"),
        ("/workspace/{wid}/weights", "main table"),
        ("/report/{a}", "main table"),
        ("/compare?ids={a},{b}", "main table"),
    ],
)
def test_flow001_page_fits_320_px(dash_duo, app, two_configurations, page, ready):
    workspace, a, b = two_configurations
    dash_duo.start_server(app)
    at_320(dash_duo, page.format(wid=workspace.id, a=a.id, b=b.id), ready)
    width = page_width(dash_duo)
    assert width <= 320, f"{page} is {width} px wide: {dash_duo.driver.execute_script(OVERFLOWING)}"
    # every table too wide for the screen scrolls in its own region, which the keyboard can reach
    regions = dash_duo.driver.execute_script(
        """return [...document.querySelectorAll('table')].filter(t => t.getBoundingClientRect().width > 320.5)
             .map(t => { const r = t.closest('.table-scroll');
                         return r && r.tabIndex === 0 && r.getAttribute('role') === 'region'
                                && !!r.getAttribute('aria-label') && getComputedStyle(r).overflowX === 'auto'; });"""
    )
    assert all(regions), f"{page}: a wide table outside a scrolling region"
