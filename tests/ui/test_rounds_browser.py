"""Browser test of a co-creation round end to end (dash_duo, headless Debian Chromium): the designer
creates a needs round, two participants answer on a phone-sized window, one revises, the designer
closes it, reads the results, accepts them into the needs and undoes that."""

from __future__ import annotations

import pytest

from canvas_app.workspace_model import WorkspaceNeed
from layouts.ids import ID
from participant_pages import (
    PHONE,
    checked,
    click_id,
    console_errors,
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


def test_rd001_a_round_from_creation_to_accepted_results(dash_duo, app, store):
    workspace = store.create_workspace("Oulu", author="tester")
    store.upsert_need(workspace.id, WorkspaceNeed(id="n1", name="Safe cycling", importance=2), author="tester")
    store.upsert_need(workspace.id, WorkspaceNeed(id="n2", name="Quiet streets", importance=3), author="tester")
    dash_duo.start_server(app)
    designer_page = f"{dash_duo.server_url}/workspace/{workspace.id}/rounds"
    dash_duo.driver.get(f"{dash_duo.server_url}/workspace/{workspace.id}/needs")
    click(dash_duo, f'a[href="/workspace/{workspace.id}/rounds"]')  # linked from the needs page
    dash_duo.wait_for_contains_text("h1", "Co-creation rounds")
    for box in dash_duo.find_elements(f"#{ID.rounds_needs} input"):  # both needs
        box.click()
    link = new_link(dash_duo)
    assert link.startswith(f"{dash_duo.server_url}/r/")
    dash_duo.wait_for_contains_text(f"#{ID.rounds_list}", "open")

    dash_duo.driver.set_window_size(360, 800)
    participate(dash_duo, link, "resident", {"n1": "4", "n2": "dk"}, comment="More lanes")
    width = dash_duo.driver.execute_script("return document.documentElement.scrollWidth;")
    assert width <= 360, f"the participant page scrolls sideways at 360 px ({width} px)"
    assert violations(dash_duo) == []
    dash_duo.driver.execute_script("window.localStorage.clear();")  # a second person on a fresh browser
    participate(dash_duo, link, "business", {"n1": "5", "n2": "3"})
    dash_duo.driver.get(link)  # the second comes back and revises: their answers are shown again
    wait_for(lambda: checked(dash_duo, "n1") == "5")
    rate(dash_duo, "n1", "4")
    click(dash_duo, f"#{ID.participate_save}")
    dash_duo.wait_for_contains_text(f"#{ID.participate_feedback}", "Your answers are saved")
    round_id = store.list_rounds(workspace.id)[0].id
    assert sorted((a.item, a.group, a.rating, a.comment) for a in store.list_answers(round_id)) == [
        ("n1", "business", 4, ""),
        ("n1", "resident", 4, "More lanes"),
        ("n2", "business", 3, ""),
        ("n2", "resident", None, ""),
    ]

    dash_duo.driver.set_window_size(1400, 1000)
    dash_duo.driver.get(designer_page)
    dash_duo.wait_for_contains_text(f"#{ID.rounds_results}", "Results of round")
    click(dash_duo, f"#{ID.rounds_close}")
    dash_duo.wait_for_contains_text(f"#{ID.rounds_feedback}", "is closed")
    dash_duo.wait_for_contains_text(f"#{ID.rounds_results}", "(closed)")
    assert len(dash_duo.find_elements(f"#{ID.rounds_results} .js-plotly-plot")) == 3  # per item, and the groups
    assert violations(dash_duo) == []
    click(dash_duo, f"#{ID.rounds_accept}")
    dash_duo.wait_for_contains_text(f"#{ID.rounds_feedback}", "Accepted into the needs ranking: n1 → 4")
    assert [(n.id, n.importance) for n in store.list_needs(workspace.id)] == [("n1", 4), ("n2", 3)]
    click(dash_duo, f"#{ID.rounds_undo}")
    dash_duo.wait_for_contains_text(f"#{ID.rounds_feedback}", "Undone")
    assert [(n.id, n.importance) for n in store.list_needs(workspace.id)] == [("n1", 2), ("n2", 3)]


def test_rd002_a_proposal_is_accepted_the_answers_exported_and_one_participant_deleted(dash_duo, app, store):
    from pathlib import Path

    from storage.rounds import token_hash
    from ui_helpers import downloaded

    workspace = store.create_workspace("Oulu", author="tester")
    store.upsert_need(workspace.id, WorkspaceNeed(id="n1", name="Safe cycling", importance=2), author="tester")
    dash_duo.start_server(app)
    dash_duo.driver.get(f"{dash_duo.server_url}/workspace/{workspace.id}/rounds")
    click(dash_duo, f"#{ID.rounds_needs} input")
    link = new_link(dash_duo)

    participate(dash_duo, link, "resident", {"n1": "4"})
    round_id = store.list_rounds(workspace.id)[0].id
    token = dash_duo.driver.execute_script("return JSON.parse(localStorage.getItem(arguments[0]));", ID.participate_me)
    code = token_hash(token[str(round_id)])[:8]
    dash_duo.wait_for_contains_text(f"#{ID.participate_code}", f"Your reference code: {code}.")
    dash_duo.find_element(f"#{ID.participate_proposal}").send_keys("Benches at bus stops")
    click(dash_duo, f"#{ID.participate_propose}")
    dash_duo.wait_for_contains_text(f"#{ID.participate_proposed}", "Thank you: your proposal is sent")
    dash_duo.driver.execute_script("window.localStorage.clear();")
    participate(dash_duo, link, "business", {"n1": "2"})

    dash_duo.driver.get(f"{dash_duo.server_url}/workspace/{workspace.id}/rounds")
    dash_duo.wait_for_contains_text(f"#{ID.rounds_proposals}", "Benches at bus stops")
    assert violations(dash_duo) == []
    (proposal,) = store.list_proposals(round_id)
    click_id(dash_duo, ID.rounds_proposal_accept(proposal.id))
    dash_duo.wait_for_contains_text(f"#{ID.rounds_proposals_feedback}", "Added “Benches at bus stops”")
    dash_duo.wait_for_contains_text(f"#{ID.rounds_proposals}", "accepted")
    assert [n.name for n in store.list_needs(workspace.id)] == ["Safe cycling", "Benches at bus stops"]

    folder = Path(dash_duo.download_path)
    dash_duo.driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(folder)})
    click(dash_duo, f"#{ID.rounds_download_csv}")
    exported = downloaded(folder, ".csv").read_text(encoding="utf-8").splitlines()
    assert (
        exported[0] == "item id,item text,stakeholder group,rating,comment,reason for revision,answered at"
        and len(exported) == 3
    )

    dash_duo.find_element(f"#{ID.rounds_erase_code}").send_keys(code.upper())
    click(dash_duo, f"#{ID.rounds_erase}")
    dash_duo.wait_for_contains_text(
        f"#{ID.rounds_erase_text}", f"Delete the 1 answer of the participant with reference code {code}"
    )
    click(dash_duo, f"#{ID.rounds_erase_confirm}")
    dash_duo.wait_for_contains_text(
        f"#{ID.rounds_erase_feedback}", f"Deleted 1 answer of the participant with reference code {code}."
    )
    assert [(a.group, a.rating) for a in store.list_answers(round_id)] == [("business", 2)]


PASSWORD = "correct horse battery"


def sign_in_through_the_form(dash_duo, base: str, path: str, name: str) -> None:
    """Open ``path`` signed out: the app sends the browser to its sign-in form, which comes back after."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    driver = dash_duo.driver
    driver.get(base + path)
    wait_for(lambda: "/login" in driver.current_url and driver.find_elements(By.ID, "login-name"))
    driver.find_element(By.ID, "login-name").send_keys(name)
    driver.find_element(By.ID, "login-password").send_keys(PASSWORD, Keys.ENTER)
    wait_for(lambda: driver.current_url == base + path)
    dash_duo.wait_for_text_to_equal(f"#{ID.account_name}", name)


def test_rd003_with_accounts_on_three_phone_participants_one_revises_then_accept_and_undo(dash_duo, tmp_path):
    """The deployed configuration (accounts on): the owner signs in and creates a needs round; three
    anonymous participants answer on an emulated 360 px phone, one comes back later and revises; the
    owner closes the round, reads the results, accepts them into the needs ranking and undoes that."""
    from selenium.webdriver.common.by import By

    from canvas_app.web.app import create_app
    from canvas_app.web.auth import hash_password
    from canvas_app.web.settings import Settings
    from storage import Store

    url = f"sqlite:///{tmp_path}/rounds-accounts.sqlite3"
    store = Store.open(url)
    ann = store.create_user("ann", hash_password(PASSWORD))
    workspace = store.create_workspace("Oulu", author="ann", owner_id=ann.id)
    before = {"n1": 2, "n2": 5, "n3": 1}
    for need_id, name in (("n1", "Safe cycling"), ("n2", "Quiet streets"), ("n3", "Shade in summer")):
        need = WorkspaceNeed(id=need_id, name=name, importance=before[need_id])
        store.upsert_need(workspace.id, need, author="ann")
    app = create_app(
        Settings(database_url=url, auth=True, secret_key="rounds-test-secret-0123456789abcdef"), store=store
    )
    dash_duo.start_server(app, navigate=False)
    base, driver = dash_duo.server.url.rstrip("/"), dash_duo.driver
    designer = f"/workspace/{workspace.id}/rounds"

    def importances() -> dict[str, int]:
        return {n.id: n.importance for n in store.list_needs(workspace.id)}

    try:
        # 1. the owner signs in through the real form and creates a round on the three needs
        sign_in_through_the_form(dash_duo, base, designer, "ann")
        dash_duo.wait_for_contains_text("h1", "Co-creation rounds")
        for box in dash_duo.find_elements(f"#{ID.rounds_needs} input"):
            box.click()
        link = new_link(dash_duo)
        assert link.startswith(f"{base}/r/")
        dash_duo.wait_for_contains_text(f"#{ID.rounds_list}", "open")
        (info,) = store.list_rounds(workspace.id)
        assert [item.id for item in info.round.items] == ["n1", "n2", "n3"]

        # 2. signed out, nobody sees the designer's page or the workspace's pages
        driver.get(f"{base}/logout")
        click(dash_duo, "form button[type=submit]")
        wait_for(lambda: driver.current_url.endswith("/login?signed_out=1"))
        for path in (designer, f"/workspace/{workspace.id}/needs"):
            driver.get(base + path)
            wait_for(lambda: driver.find_elements(By.ID, "login-name"))
            assert "/login?next=" in driver.current_url
            assert "Co-creation rounds" not in driver.page_source and "Safe cycling" not in driver.page_source

        # three anonymous participants on a 360 px phone, each on a fresh browser
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
        fresh_browser(dash_duo)
        participate(dash_duo, link, "resident", {"n1": "2", "n2": "1", "n3": "dk"}, comment="More lanes")
        fits_the_phone(dash_duo)
        assert not driver.find_elements(By.ID, ID.account_name)  # an anonymous page: no account bar
        assert violations(dash_duo) == []
        first_browser = driver.execute_script("return localStorage.getItem(arguments[0]);", ID.participate_me)
        assert first_browser

        fresh_browser(dash_duo)
        participate(dash_duo, link, "business", {"n1": "4", "n2": "3", "n3": "2"})
        fresh_browser(dash_duo)
        participate(dash_duo, link, "city department", {"n1": "5", "n2": "4", "n3": "3"})

        # the first participant comes back on their own browser and changes their mind on n1
        fresh_browser(dash_duo)
        driver.execute_script("localStorage.setItem(arguments[0], arguments[1]);", ID.participate_me, first_browser)
        driver.get(link)
        wait_for(lambda: checked(dash_duo, "n1") == "2" and checked(dash_duo, "n3") == "dk")
        assert checked(dash_duo, "n2") == "1"
        rate(dash_duo, "n1", "5")
        click(dash_duo, f"#{ID.participate_save}")
        dash_duo.wait_for_contains_text(f"#{ID.participate_feedback}", "Your answers are saved")
        fits_the_phone(dash_duo)
        assert sorted((a.item, a.group, a.rating, a.comment) for a in store.list_answers(info.id)) == [
            ("n1", "business", 4, ""),
            ("n1", "city department", 5, ""),
            ("n1", "resident", 5, "More lanes"),  # revised from 2: one answer per participant and item
            ("n2", "business", 3, ""),
            ("n2", "city department", 4, ""),
            ("n2", "resident", 1, ""),
            ("n3", "business", 2, ""),
            ("n3", "city department", 3, ""),
            ("n3", "resident", None, ""),
        ]

        # 3. the owner, on a desktop again, closes the round and reads the results
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        fresh_browser(dash_duo)
        sign_in_through_the_form(dash_duo, base, designer, "ann")
        assert driver.execute_script("return window.innerWidth;") > 1000
        dash_duo.wait_for_contains_text(f"#{ID.rounds_results}", f"Results of round #{info.id} (open)")
        click(dash_duo, f"#{ID.rounds_close}")
        dash_duo.wait_for_contains_text(f"#{ID.rounds_feedback}", f"Round #{info.id} is closed")
        dash_duo.wait_for_contains_text(f"#{ID.rounds_results}", "(closed)")
        results = f"#{ID.rounds_results} table"
        per_item = f"#{ID.rounds_results} figure:not(.groups-chart) .js-plotly-plot"
        wait_for(lambda: len(dash_duo.find_elements(f"{per_item} .bars")) == 3)
        head = [c.text for c in dash_duo.find_elements(f"{results} thead th")][:14]
        assert head == ["Item", "n", "Don't know", "Median", "Q1", "Q3", "IQR", "Agreement", "Consensus",
                        "1", "2", "3", "4", "5"]  # fmt: skip
        # by hand: n1 4, 5, 5 (the revised 5, not the first 2); n2 1, 3, 4; n3 2, 3 and a don't know
        assert table_rows(dash_duo, results)[:3] == [
            ["Safe cycling", "3", "0", "5", "4.5", "5", "0.5", "100 %", "yes", "0", "0", "0", "1", "2"],
            ["Quiet streets", "3", "0", "3", "2", "3.5", "1.5", "67 %", "no", "1", "0", "1", "1", "0"],
            ["Shade in summer", "2", "1", "2.5", "2.25", "2.75", "0.5", "100 %", "yes", "0", "1", "1", "0", "0"],
        ]
        captions = [c.text for c in dash_duo.find_elements(f"{results} caption")]
        assert captions == ["All participants", "Group: resident", "Group: business", "Group: city department"]
        assert table_rows(dash_duo, results)[3:6] == [  # the resident's table
            ["Safe cycling", "1", "0", "5", "5", "5", "0", "100 %", "yes", "0", "0", "0", "0", "1"],
            ["Quiet streets", "1", "0", "1", "1", "1", "0", "100 %", "yes", "1", "0", "0", "0", "0"],
            ["Shade in summer", "0", "1", "–", "–", "–", "–", "–", "no", "0", "0", "0", "0", "0"],
        ]
        assert len(dash_duo.find_elements(per_item)) == 3  # one chart per item
        # the groups side by side: one bar series per group, each bar its median (n3: the resident said don't know)
        groups = wait_for(
            lambda: driver.execute_script(
                "const g = document.querySelector('.groups-chart .js-plotly-plot');"
                "return g && g.data && g.data.map(t => [t.name, t.y]);"
            )
        )
        assert groups == [["resident", [5, 1, None]], ["business", [4, 3, 2]], ["city department", [5, 4, 3]]]
        assert violations(dash_duo) == []

        # accept: importances = medians rounded half up (5 → 5, 3 → 3, 2.5 → 3; Python's round(2.5) is 2)
        click(dash_duo, f"#{ID.rounds_accept}")
        dash_duo.wait_for_contains_text(
            f"#{ID.rounds_feedback}", "Accepted into the needs ranking: n1 → 5, n2 → 3, n3 → 3."
        )
        assert importances() == {"n1": 5, "n2": 3, "n3": 3}
        driver.get(f"{base}/workspace/{workspace.id}/needs")
        dash_duo.wait_for_element(f"#{ID.needs_ranking} tr[data-need='n3']")
        shown = driver.execute_script(
            "return Object.fromEntries(Array.from(document.querySelectorAll('tr[data-need]'))"
            ".map(r => [r.dataset.need, r.cells[3].textContent.trim()]));"
        )
        # the importance, and beside it the round's figures it rests on (median, n, agreement)
        assert shown == {
            "n1": "5round #1: median 5, n 3, agreement 100 %",
            "n2": "3round #1: median 3, n 3, agreement 67 %",
            "n3": "3round #1: median 2.5, n 2, agreement 100 %",
        }

        # undo: the earlier importances are back
        driver.get(base + designer)
        dash_duo.wait_for_contains_text(f"#{ID.rounds_results}", "(closed)")
        click(dash_duo, f"#{ID.rounds_undo}")
        dash_duo.wait_for_contains_text(f"#{ID.rounds_feedback}", "Undone: the importances are back")
        undone = dash_duo.find_element(f"#{ID.rounds_feedback}").text
        assert all(f"{need} → {value}" in undone for need, value in before.items()), undone
        assert importances() == before
        # no console error on any page, e.g. a callback refusing an anonymous participant with 403
        assert console_errors(dash_duo) == []
    finally:
        store.close()
