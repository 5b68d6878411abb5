"""The poster page ``/poster/<id>``: access as for the report, and what the sheet shows."""

from __future__ import annotations

import base64
import re
from typing import Any

import pytest

from canvas_app.business_canvas import BLOCK_LABELS
from canvas_app.evaluation import SCORE_LABELS
from canvas_app.web.services import NO_ACCESS, SIGNED_OUT
from layouts.ids import ID
from test_authorization import World, client_for, post, world  # noqa: F401  (world is a fixture)


def poster_answer(world: World, who: str | None, configuration_id: int) -> Any:  # noqa: F811
    body = {
        "output": f"{ID.page}.children",
        "outputs": {"id": ID.page, "property": "children"},
        "inputs": [
            {"id": ID.url, "property": "pathname", "value": f"/poster/{configuration_id}"},
            {"id": ID.url, "property": "search", "value": ""},
        ],
        "changedPropIds": [f"{ID.url}.pathname"],
    }
    return post(client_for(world, who), body)


def test_pos001_a_member_gets_the_poster(world: World) -> None:  # noqa: F811
    config_name = world.store.load(world.ours.cid)[0].name
    answer = poster_answer(world, "val", world.ours.cid)  # a viewer of ours
    assert answer.status == 200
    assert ("view", answer.checks[-1][1]) == answer.checks[-1] and answer.checks[-1][1] is not None
    assert config_name in answer.text and "Business model canvas" in answer.text
    assert all(label in answer.text for label in BLOCK_LABELS.values())
    assert all(label in answer.text for label in SCORE_LABELS.values())
    assert ID.poster_sheet in answer.text


def test_pos002_a_non_member_and_anonymous_are_refused(world: World) -> None:  # noqa: F811
    secret_name = world.store.load(world.theirs.cid)[0].name
    refused = poster_answer(world, "nora", world.theirs.cid)
    assert NO_ACCESS in refused.text and secret_name not in refused.text
    assert "Business model canvas" not in refused.text
    anonymous = poster_answer(world, None, world.ours.cid)
    assert anonymous.status == 401 or SIGNED_OUT in anonymous.text
    assert "Business model canvas" not in anonymous.text


@pytest.mark.browser
def test_pos003_browser_shows_map_scores_flags_and_nine_blocks(dash_duo, app, store) -> None:
    from pathlib import Path

    from canvas_app.model import load_configuration

    workspace = store.create_workspace("Posters", author="tester")
    config = load_configuration(Path(__file__).resolve().parents[2] / "examples" / "oulu-parking.json")
    head = store.create_configuration(workspace.id, config, author="tester")
    dash_duo.start_server(app)
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/report/{head.id}")
    dash_duo.wait_for_element(f"a[href='/poster/{head.id}']").click()  # the report links the poster
    dash_duo.wait_for_contains_text(".poster-title", config.name, timeout=10)
    image = dash_duo.find_element(".poster-map img")
    assert image.is_displayed() and config.name in image.get_attribute("alt")
    assert dash_duo.driver.execute_script("return arguments[0].naturalWidth", image) > 0  # the SVG decoded
    scores = dash_duo.find_element(f"#{ID.poster_scores}").text
    assert all(label in scores for label in SCORE_LABELS.values())
    assert dash_duo.find_element(f"#{ID.poster_flags}").text.startswith("Flags (")
    titles = [e.text for e in dash_duo.find_elements(f"#{ID.poster_blocks} .poster-block-title")]
    assert sorted(titles) == sorted(BLOCK_LABELS.values()) and len(titles) == 9
    # A3 switches the sheet's class, which picks the A3 @page; printing hides the toolbar
    sheet = dash_duo.find_element(f"#{ID.poster_sheet}")
    assert "paper-a4" in sheet.get_attribute("class")
    dash_duo.find_element(f"#{ID.poster_paper} input[value='a3']").click()
    dash_duo.wait_for_class_to_equal(f"#{ID.poster_sheet}", "poster paper-a3")
    page_name = "return getComputedStyle(arguments[0]).page"
    dash_duo.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    assert dash_duo.driver.execute_script(page_name, sheet) == "poster-a3"
    assert not dash_duo.find_element(f"#{ID.poster_print}").is_displayed()
    assert dash_duo.find_element(".poster-map img").is_displayed()
    # printed with the page's own @page size: one A3 landscape sheet, then one A4 landscape sheet
    for paper, size_pt in (("a3", (1191, 842)), ("a4", (842, 595))):
        dash_duo.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
        dash_duo.find_element(f"#{ID.poster_paper} input[value='{paper}']").click()
        dash_duo.wait_for_class_to_equal(f"#{ID.poster_sheet}", f"poster paper-{paper}")
        pdf = base64.b64decode(
            dash_duo.driver.execute_cdp_cmd("Page.printToPDF", {"preferCSSPageSize": True, "printBackground": True})[
                "data"
            ]
        )
        assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1, paper  # one sheet
        box = re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)", pdf)
        assert box is not None and (round(float(box.group(1))), round(float(box.group(2)))) == size_pt, paper
    assert dash_duo.get_logs() == []
