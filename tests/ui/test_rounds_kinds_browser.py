"""Browser tests of the other kinds of co-creation round (dash_duo, headless Debian Chromium): an
advantages round whose accepted ratings join the advantages ranking, and a Delphi follow-up round in
which returning participants see the group's figures and their own earlier answer, then confirm or
revise with a reason."""

from __future__ import annotations

import pytest

from canvas_app.workspace_model import Advantage, WorkspaceNeed
from layouts.ids import ID
from participant_pages import (
    PHONE,
    checked,
    console_errors,
    dom_id,
    fits_the_phone,
    fresh_browser,
    new_link,
    participate,
    rate,
    table_rows,
)
from test_accessibility import violations
from ui_helpers import click, wait_for

pytestmark = pytest.mark.browser


def hidden(dash_duo, element_id: str) -> bool:
    return dash_duo.driver.execute_script("return document.getElementById(arguments[0]).hidden;", element_id)


def test_rd004_an_advantages_round_rates_today_and_target_and_moves_the_advantages_ranking(dash_duo, app, store):
    workspace = store.create_workspace("Oulu", author="tester")
    for advantage_id, text in (("a1", "Open parking data"), ("a2", "A strong local ICT sector")):
        advantage = Advantage(id=advantage_id, service="Parking", text=text)
        store.upsert_advantage(workspace.id, advantage, author="tester")
    dash_duo.start_server(app)
    driver = dash_duo.driver
    designer = f"{dash_duo.server_url}/workspace/{workspace.id}/rounds"
    driver.get(designer)
    dash_duo.wait_for_contains_text("h1", "Co-creation rounds")
    assert hidden(dash_duo, ID.rounds_advantages_box) and not hidden(dash_duo, ID.rounds_needs_box)
    click(dash_duo, f"#{ID.rounds_kind} input[value='advantages']")
    wait_for(lambda: not hidden(dash_duo, ID.rounds_advantages_box) and hidden(dash_duo, ID.rounds_needs_box))
    click(dash_duo, f"#{ID.rounds_advantages} input[value='a1']")
    link = new_link(dash_duo)
    (info,) = store.list_rounds(workspace.id)
    assert info.round.kind == "advantages" and info.round.item_ids() == ("a1@today", "a1@target")

    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
    try:
        participate(
            dash_duo, link, "resident", {"a1@today": "3", "a1@target": "5"}, "Needs a licence", comment_item="a1@today"
        )
        legends = [e.text for e in dash_duo.find_elements("fieldset fieldset legend")]
        assert legends == [
            "How strong is this advantage today? 1 = very weak, 5 = very strong",
            "How strong should it become? 1 = very weak, 5 = very strong",
        ]
        assert not dash_duo.find_elements(f"[id='{dom_id(ID.participate_comment('a1@target'))}']")  # one per advantage
        fits_the_phone(dash_duo)
        assert violations(dash_duo) == []
        fresh_browser(dash_duo)
        participate(dash_duo, link, "business", {"a1@today": "5", "a1@target": "dk"})
        fresh_browser(dash_duo)
        participate(dash_duo, link, "business", {"a1@today": "4", "a1@target": "4"})
        fits_the_phone(dash_duo)
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    assert sorted((a.item, a.group, a.rating or 0, a.comment) for a in store.list_answers(info.id)) == [
        ("a1@target", "business", 0, ""),  # 0: don't know
        ("a1@target", "business", 4, ""),
        ("a1@target", "resident", 5, ""),
        ("a1@today", "business", 4, ""),
        ("a1@today", "business", 5, ""),
        ("a1@today", "resident", 3, "Needs a licence"),
    ]

    driver.get(designer)
    dash_duo.wait_for_contains_text(f"#{ID.rounds_results}", f"Results of round #{info.id} (open)")
    click(dash_duo, f"#{ID.rounds_close}")
    dash_duo.wait_for_contains_text(f"#{ID.rounds_results}", "(closed)")
    # by hand: today [3, 4, 5] → median 4, Q1 3.5, Q3 4.5; target [4, 5] and a don't know → median 4.5
    rows = table_rows(dash_duo, f"#{ID.rounds_results} table")[:2]
    assert [row[:8] for row in rows] == [
        ["Open parking data (strength today)", "3", "0", "4", "3.5", "4.5", "1", "100 %"],
        ["Open parking data (target strength)", "2", "1", "4.5", "4.25", "4.75", "0.5", "100 %"],
    ]
    assert len(dash_duo.find_elements(f"#{ID.rounds_results} .js-plotly-plot")) == 3  # per aspect, and the groups
    assert violations(dash_duo) == []
    click(dash_duo, f"#{ID.rounds_accept}")
    dash_duo.wait_for_contains_text(f"#{ID.rounds_feedback}", "Accepted into the advantages ranking: a1.")

    driver.get(f"{dash_duo.server_url}/workspace/{workspace.id}/advantages")
    dash_duo.wait_for_element("li[data-advantage='a1'] .stakeholder-rating")
    lines = [e.text for e in dash_duo.find_elements("li[data-advantage='a1'] .stakeholder-rating li")]
    assert lines == [
        "Stakeholders, strength today: round #1: median 4, n 3, agreement 100 %",
        "target: round #1: median 4.5, n 2, agreement 100 %",
    ]
    scores = {
        e.get_attribute("data-advantage"): e.find_element("css selector", ".advantage-score").text
        for e in dash_duo.find_elements("li[data-advantage]")
    }
    # a1 has no criteria or modules linked: its score is the stakeholders' strength today alone, (4 − 1) / 4
    assert scores == {"a1": "75.0", "a2": "0.0"}
    assert violations(dash_duo) == []

    driver.get(designer)
    dash_duo.wait_for_contains_text(f"#{ID.rounds_results}", "(closed)")
    click(dash_duo, f"#{ID.rounds_undo}")
    dash_duo.wait_for_contains_text(f"#{ID.rounds_feedback}", "Undone")
    assert [(a.id, a.rated_today, a.rated_target) for a in store.list_advantages(workspace.id)] == [
        ("a1", None, None),
        ("a2", None, None),
    ]
    assert console_errors(dash_duo) == []


def browser_of(dash_duo) -> str:
    """This browser's participant tokens (the local store), to come back as the same person later."""
    return dash_duo.driver.execute_script("return localStorage.getItem(arguments[0]);", ID.participate_me)


def come_back_as(dash_duo, tokens: str, link: str, group: str) -> None:
    """Open ``link`` on a browser holding ``tokens`` and consent again (the follow-up round's own consent)."""
    fresh_browser(dash_duo)
    dash_duo.driver.execute_script("localStorage.setItem(arguments[0], arguments[1]);", ID.participate_me, tokens)
    dash_duo.driver.get(link)
    dash_duo.wait_for_contains_text("h1", "Before you start")
    click(dash_duo, f"#{ID.participate_group} option[value='{group}']")
    click(dash_duo, f"#{ID.participate_agree}")
    dash_duo.wait_for_contains_text(f"#{ID.participate_joined}", "Thank you")


def text_of_id(dash_duo, component_id: dict) -> str:
    return dash_duo.driver.execute_script(
        "const e = document.getElementById(arguments[0]); return e ? e.textContent : null;", dom_id(component_id)
    )


def test_rd005_a_follow_up_round_shows_the_earlier_figures_and_answers_and_the_views_converge(dash_duo, app, store):
    workspace = store.create_workspace("Oulu", author="tester")
    for need_id, name in (("n1", "Safe cycling"), ("n2", "Quiet streets")):
        store.upsert_need(workspace.id, WorkspaceNeed(id=need_id, name=name, importance=3), author="tester")
    dash_duo.start_server(app)
    driver = dash_duo.driver
    designer = f"{dash_duo.server_url}/workspace/{workspace.id}/rounds"
    driver.get(designer)
    for box in dash_duo.find_elements(f"#{ID.rounds_needs} input"):
        box.click()
    first_link = new_link(dash_duo)
    (first,) = store.list_rounds(workspace.id)

    # round 1: three people, each on their own browser
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
    browsers = []
    for group, ratings in (("resident", ("1", "3")), ("business", ("3", "3")), ("researcher", ("5", "dk"))):
        fresh_browser(dash_duo)
        participate(dash_duo, first_link, group, {"n1": ratings[0], "n2": ratings[1]})
        browsers.append(browser_of(dash_duo))
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})

    # the designer closes it and opens a follow-up on the same items
    fresh_browser(dash_duo)
    driver.get(designer)
    dash_duo.wait_for_contains_text(f"#{ID.rounds_results}", f"Results of round #{first.id} (open)")
    click(dash_duo, f"#{ID.rounds_close}")
    dash_duo.wait_for_contains_text(f"#{ID.rounds_feedback}", "is closed")
    wait_for(lambda: dash_duo.find_elements(f"#{ID.rounds_follow_up} option[value='{first.id}']"))
    click(dash_duo, f"#{ID.rounds_follow_up} option[value='{first.id}']")
    second_link = new_link(dash_duo)
    second = store.list_rounds(workspace.id)[1]
    assert second.round.follow_up_of == first.id and second.round.items == first.round.items

    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
    try:
        # the resident comes back: the group's figures and their own earlier answer, radios set to it
        come_back_as(dash_duo, browsers[0], second_link, "resident")
        wait_for(lambda: text_of_id(dash_duo, ID.participate_earlier("n1")) == "Your earlier answer: 1")
        assert text_of_id(dash_duo, ID.participate_earlier("n2")) == "Your earlier answer: 3"
        page = dash_duo.find_element("main").text
        # n1 in round 1: [1, 3, 5] → median 3, IQR 2; n2: [3, 3] and a don't know → median 3, IQR 0
        assert "Everyone in the previous round: median 3, spread (IQR) 2, 3 answers" in page
        assert "Everyone in the previous round: median 3, spread (IQR) 0, 2 answers" in page
        wait_for(lambda: checked(dash_duo, "n1") == "1" and checked(dash_duo, "n2") == "3")
        rate(dash_duo, "n1", "3")
        reason = dash_duo.driver.execute_script(
            "return document.getElementById(arguments[0]);", dom_id(ID.participate_reason("n1"))
        )
        reason.send_keys("The others convinced me")
        click(dash_duo, f"#{ID.participate_save}")
        dash_duo.wait_for_contains_text(f"#{ID.participate_feedback}", "Your answers are saved")
        fits_the_phone(dash_duo)
        assert violations(dash_duo) == []

        # the business participant confirms their earlier answers as they stand
        come_back_as(dash_duo, browsers[1], second_link, "business")
        wait_for(lambda: checked(dash_duo, "n1") == "3" and checked(dash_duo, "n2") == "3")
        click(dash_duo, f"#{ID.participate_save}")
        dash_duo.wait_for_contains_text(f"#{ID.participate_feedback}", "Your answers are saved")

        # a newcomer has no earlier answer to see
        fresh_browser(dash_duo)
        participate(dash_duo, second_link, "researcher", {"n1": "4", "n2": "3"})
        expected = "You did not rate this in the previous round with this browser."
        assert text_of_id(dash_duo, ID.participate_earlier("n1")) == expected
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    assert sorted((a.item, a.group, a.rating, a.reason) for a in store.list_answers(second.id)) == [
        ("n1", "business", 3, ""),
        ("n1", "researcher", 4, ""),
        ("n1", "resident", 3, "The others convinced me"),
        ("n2", "business", 3, ""),
        ("n2", "researcher", 3, ""),
        ("n2", "resident", 3, ""),
    ]

    driver.get(designer)
    dash_duo.wait_for_contains_text(f"#{ID.rounds_results}", f"Results of round #{second.id} (open)")
    dash_duo.wait_for_contains_text(f"#{ID.rounds_results}", f"it follows up round #{first.id}")
    reasons = dash_duo.find_element(f"#{ID.rounds_results} section[aria-label='Reasons for revisions']").text
    assert "Safe cycling" in reasons and "The others convinced me" in reasons
    # n1 now [3, 3, 4]: IQR 0.5 (was 2), closer; n2 [3, 3, 3]: IQR 0 (was 0), unchanged
    assert table_rows(dash_duo, f"#{ID.rounds_results} section[aria-label='Convergence'] table") == [
        ["Safe cycling", "2", "0.5", "-1.5", "closer"],
        ["Quiet streets", "0", "0", "0", "unchanged"],
    ]
    wait_for(
        lambda: len(dash_duo.find_elements(f"#{ID.rounds_results} section[aria-label='Convergence'] .bars .point")) == 4
    )  # two bars per item: the earlier spread and this round's
    assert violations(dash_duo) == []
    assert console_errors(dash_duo) == []


def test_rd006_a_value_round_rates_each_actor_and_the_editors_table_view_shows_it(dash_duo, app, store):
    from pathlib import Path

    from canvas_app.model import load_configuration

    workspace = store.create_workspace("Oulu", author="tester")
    config = load_configuration(Path(__file__).parent / "data" / "small-parking.json")
    head = store.create_configuration(workspace.id, config, author="tester")
    dash_duo.start_server(app)
    driver = dash_duo.driver
    designer = f"{dash_duo.server_url}/workspace/{workspace.id}/rounds"
    driver.get(designer)
    dash_duo.wait_for_contains_text("h1", "Co-creation rounds")
    click(dash_duo, f"#{ID.rounds_kind} input[value='value']")
    wait_for(lambda: not hidden(dash_duo, ID.rounds_value_box) and hidden(dash_duo, ID.rounds_needs_box))
    assert dash_duo.find_element(f"#{ID.rounds_configuration}").get_attribute("value") == str(head.id)
    link = new_link(dash_duo)
    (info,) = store.list_rounds(workspace.id)
    assert info.round.configuration == head.id
    assert info.round.item_ids() == ("city", "drivers", "operator", "lonely")

    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
    try:
        participate(dash_duo, link, "resident", {"city": "4", "drivers": "2"}, "Fees are too high", "drivers")
        legends = [e.text for e in dash_duo.find_elements("fieldset > legend")]
        assert legends[1].startswith("Drivers. Gives: ")  # each actor with what it gives and gets, in words
        fits_the_phone(dash_duo)
        assert violations(dash_duo) == []
        fresh_browser(dash_duo)
        participate(dash_duo, link, "business", {"city": "5", "drivers": "3", "operator": "dk"})
        fresh_browser(dash_duo)
        participate(dash_duo, link, "city department", {"drivers": "5", "operator": "4"})
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})

    driver.get(designer)
    dash_duo.wait_for_contains_text(f"#{ID.rounds_results}", f"Results of round #{info.id} (open)")
    click(dash_duo, f"#{ID.rounds_close}")
    dash_duo.wait_for_contains_text(f"#{ID.rounds_results}", "(closed)")
    assert violations(dash_duo) == []
    click(dash_duo, f"#{ID.rounds_accept}")
    dash_duo.wait_for_contains_text(f"#{ID.rounds_feedback}", "Accepted into the value view")

    driver.get(f"{dash_duo.server_url}/edit/{head.id}")
    table = f"#{ID.table_view_body} table[data-table=actors]"
    wait_for(lambda: len(dash_duo.find_elements(f"{table} tbody tr")) == 4)
    head_cells = [c.text for c in dash_duo.find_elements(f"{table} thead th")]
    column = head_cells.index("Matters to them (1–5, co-creation)")
    matters = {
        row.find_element("css selector", "th").text: row.find_elements("css selector", "th, td")[column].text
        for row in dash_duo.find_elements(f"{table} tbody tr")
    }
    # by hand: city [4, 5] → 4.5; drivers [2, 3, 5] → 3, 2 of 3 within 1 of it; operator [4] (and a don't know)
    assert matters == {
        "City of Testville": f"4.5 (n 2, agreement 100 %, round #{info.id})",
        "Drivers": f"3 (n 3, agreement 67 %, round #{info.id})",
        "Parking operator": f"4 (n 1, agreement 100 %, round #{info.id})",
        "Lonely vendor": "–",
    }
    assert console_errors(dash_duo) == []
