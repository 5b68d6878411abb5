"""Browser tests of the report page and its downloads (dash_duo, headless Debian Chromium)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from canvas_app.analysis import evaluate
from canvas_app.evaluation import SCORE_LABELS, SCORE_NAMES
from canvas_app.model import load_configuration
from layouts.ids import ID
from ui_helpers import downloaded

pytestmark = pytest.mark.browser
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def open_report(dash_duo, app, store, example="parking-open-platform.json"):
    workspace = store.find_workspace("My workspace") or store.create_workspace("My workspace", author="tester")
    config = load_configuration(EXAMPLES / example)
    head = store.create_configuration(workspace.id, config, author="tester")
    dash_duo.start_server(app)
    folder = Path(dash_duo.download_path)
    dash_duo.driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(folder)})
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/report/{head.id}")
    dash_duo.wait_for_contains_text("main h1", config.name, timeout=10)
    return config, head, folder


def test_repb001_download_the_html_report(dash_duo, app, store):
    config, head, folder = open_report(dash_duo, app, store)
    page = dash_duo.find_element("main").text
    assert "Flags and recommendations" in page and "Net value per actor" in page
    dash_duo.find_element(f"#{ID.report_html}").click()
    html = downloaded(folder, ".html").read_text(encoding="utf-8")
    assert f"<h1>{config.name}</h1>" in html
    evaluation = evaluate(config)
    for name in SCORE_NAMES:
        assert f"<td>{SCORE_LABELS[name]}</td><td>{evaluation.scores[name].score:.0f}</td>" in html
    assert "<script" not in html
    assert dash_duo.get_logs() == []


def test_repb003_printed_page_shows_the_report_without_buttons(dash_duo, app, store):
    config, _head, _folder = open_report(dash_duo, app, store)
    assert dash_duo.find_element(f"#{ID.report_html}").is_displayed()
    dash_duo.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    assert not dash_duo.find_element(f"#{ID.report_html}").is_displayed()
    assert not dash_duo.find_element(f"#{ID.report_xlsx}").is_displayed()
    assert dash_duo.find_element("main h1").is_displayed()
    assert dash_duo.find_element("img.report-figure").is_displayed()  # the canvas picture prints


def test_repb002_download_the_xlsx(dash_duo, app, store):
    config, head, folder = open_report(dash_duo, app, store)
    dash_duo.find_element(f"#{ID.report_xlsx}").click()
    book = load_workbook(io.BytesIO(downloaded(folder, ".xlsx").read_bytes()))
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(values_only=True)}
    assert summary["Configuration"] == config.name and summary["Version"] == head.version
    assert book["Net value"].max_row == 1 + len(config.actors)
    assert book["Flows"].max_row == 1 + len(config.flows)


def test_repb004_comparison_report_page_from_compare(dash_duo, app, store):
    workspace = store.create_workspace("Parking", author="tester")
    a = store.create_configuration(
        workspace.id, load_configuration(EXAMPLES / "parking-city-run.json"), author="tester"
    )
    b = store.create_configuration(
        workspace.id, load_configuration(EXAMPLES / "parking-open-platform.json"), author="tester"
    )
    dash_duo.start_server(app)
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/compare?ids={a.id},{b.id}")
    dash_duo.wait_for_element(f"#{ID.compare_verdict}")
    dash_duo.find_element("a[href^='/report/compare']").click()
    dash_duo.wait_for_contains_text("main h1", "Comparison: Parking app, run by the city / Parking on an open platform")
    assert "/report/compare?ids=" in dash_duo.driver.current_url
    text = dash_duo.find_element("main").text
    assert "Verdict" in text and "Canvas of B: Parking on an open platform" in text
