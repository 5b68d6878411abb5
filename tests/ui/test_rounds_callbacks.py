"""Co-creation round pages: the designer's and the participant's callback bodies, on a real SQLite store."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from dash import no_update

from callbacks import rounds as cb
from callbacks.router import route
from canvas_app.rounds import text
from canvas_app.workspace_model import WorkspaceNeed
from layouts.ids import ID
from ui_helpers import find, text_of

HOST = "http://city.example/"


@pytest.fixture()
def workspace(store):
    ws = store.create_workspace("Oulu", author="tester")
    store.upsert_need(ws.id, WorkspaceNeed(id="n1", name="Safe cycling", importance=2), author="tester")
    store.upsert_need(ws.id, WorkspaceNeed(id="n2", name="Quiet streets", importance=3), author="tester")
    return ws


def created(services, workspace, **changes) -> str:
    """Create a round open today on both needs; returns the participant path from the link shown."""
    values = {
        "need_ids": ["n1", "n2"],
        "intro": "Tell us",
        "opens": date.today().isoformat(),
        "closes": (date.today() + timedelta(days=7)).isoformat(),
        "language": "en",
        **changes,
    }
    shown, ok = cb.create_round(services, workspace.id, host_url=HOST, **values)
    assert ok, text_of(shown)
    link = text_of(find(shown, ID.rounds_link))
    assert link.startswith(f"{HOST}r/") and len(link) > len(HOST) + 30
    return link.removeprefix(HOST.rstrip("/"))


def answer(services, path, me, ratings, comments, address="10.0.0.1"):
    ids = [{"type": "pt-rating", "item": "n1"}, {"type": "pt-rating", "item": "n2"}]
    by_item = dict(zip(("n1", "n2"), comments))
    return text_of(cb.save_answers(services, path, me, None, ratings, ids, by_item, address))


def test_a_round_is_created_on_chosen_needs_and_bad_input_is_refused(services, workspace):
    refused, ok = cb.create_round(services, workspace.id, [], "", "2026-01-01", "2026-01-02", "en", HOST)
    assert not ok and "at least one need" in text_of(refused)
    refused, ok = cb.create_round(services, workspace.id, ["n1"], "<b>hi</b>", "2026-01-01", "2026-01-02", "en", HOST)
    assert not ok and "plain text" in text_of(refused)
    refused, ok = cb.create_round(services, workspace.id, ["n1"], "", "2026-02-01", "2026-01-02", "en", HOST)
    assert not ok and "close on or after" in text_of(refused)
    refused, ok = cb.create_round(services, workspace.id, ["n1"], "", "", "2026-01-02", "en", HOST)
    assert not ok and "as dates" in text_of(refused)
    for days in ("7", "99999", "a year"):
        refused, ok = cb.create_round(services, workspace.id, ["n1"], "", "2026-01-01", "2026-01-02", "en", HOST, days)
        assert not ok and "Keep the answers for 30 to 3650 days" in text_of(refused)
    assert services.store.list_rounds(workspace.id) == []
    created(services, workspace)
    (info,) = services.store.list_rounds(workspace.id)
    assert [(i.id, i.text) for i in info.round.items] == [("n1", "Safe cycling"), ("n2", "Quiet streets")]
    table, options, follow_ups = cb.list_view(services, workspace.id)
    assert "open" in text_of(table) and options == [{"label": f"#{info.id} (open)", "value": str(info.id)}]
    assert follow_ups == [{"label": "None: a new set of items", "value": ""}]  # an open round is not followed up yet


def test_participants_consent_answer_revise_and_the_designer_accepts_then_undoes(services, workspace):
    path = created(services, workspace, keep_days="90")  # the owner keeps the answers 90 days after closing
    page = route(services, path)
    until = (date.today() + timedelta(days=7 + 90)).isoformat()
    assert text("en", "consent_body", until=until) in text_of(page) and "Safe cycling" in text_of(page)
    assert f"deleted on {until} at the latest" in text_of(page)
    round_id = services.store.list_rounds(workspace.id)[0].id

    assert text("en", "consent_first") in answer(services, path, {}, ["4", None], ["", ""])
    me_a, joined = cb.join(services, path, "resident", None, "10.0.0.1")
    assert text("en", "joined") in text_of(joined) and list(me_a) == [str(round_id)]
    me_b, _ = cb.join(services, path, "business", {}, "10.0.0.2")
    assert me_a[str(round_id)] != me_b[str(round_id)]
    assert "plain text" in answer(services, path, me_a, ["4", "5"], ["<script>", ""])
    assert services.store.list_answers(round_id) == []  # nothing of a refused page is saved
    assert text("en", "saved") in answer(services, path, me_a, ["2", "dk"], ["too far", ""])
    assert text("en", "saved") in answer(services, path, me_b, ["5", "3"], ["", ""])
    assert text("en", "saved") in answer(services, path, me_a, ["4", "dk"], ["changed my mind", ""])  # revision
    item_ids = [{"type": "pt-rating", "item": "n1"}, {"type": "pt-rating", "item": "n2"}]
    comment_ids = [{"type": "pt-comment", "item": "n1"}, {"type": "pt-comment", "item": "n2"}]
    assert cb.own_answers(services, path, me_a, item_ids, comment_ids) == (["4", "dk"], ["changed my mind", ""])

    # results: n1 rated 4 and 5 (median 4.5), n2 one 3 and one don't know
    results = text_of(cb.results_view(services, workspace.id, round_id))
    assert "4.5" in results and "Group: resident" in results and "Group: business" in results
    refused, _ = cb.round_action(services, "accept", workspace.id, round_id)
    assert "Close the round before accepting" in text_of(refused)
    assert cb.round_action(services, "close", workspace.id, round_id)[1]
    assert text("en", "closed") in text_of(route(services, path))
    assert "closed" in answer(services, path, me_b, ["1", "1"], ["", ""])
    assert sorted(a.rating for a in services.store.list_answers(round_id) if a.item == "n1") == [4, 5]

    shown, ok = cb.round_action(services, "accept", workspace.id, round_id)
    assert ok, text_of(shown)
    # 4.5 rounds half up to 5; n2's median 3 is its importance already
    assert [(n.id, n.importance) for n in services.store.list_needs(workspace.id)] == [("n1", 5), ("n2", 3)]
    rated = {n.id: n.stakeholders for n in services.store.list_needs(workspace.id)}
    assert rated["n1"] is not None and (rated["n1"].round, rated["n1"].median, rated["n1"].n) == (round_id, 4.5, 2)
    assert cb.round_action(services, "undo", workspace.id, round_id)[1]
    assert [(n.id, n.importance, n.stakeholders) for n in services.store.list_needs(workspace.id)] == [
        ("n1", 2, None),
        ("n2", 3, None),
    ]
    assert "Nothing to undo" in text_of(cb.round_action(services, "undo", workspace.id, round_id)[0])


def test_a_closed_round_takes_no_answers_and_a_revoked_link_shows_nothing(services, workspace):
    path = created(services, workspace)
    round_id = services.store.list_rounds(workspace.id)[0].id
    me, _ = cb.join(services, path, "other", None, None)
    cb.round_action(services, "close", workspace.id, round_id)
    assert "closed" in answer(services, path, me, ["3", "3"], ["", ""])
    assert services.store.list_answers(round_id) == []
    cb.round_action(services, "revoke", workspace.id, round_id)
    page = text_of(route(services, path))
    assert page.endswith(text("en", "invalid")) and "Safe cycling" not in page
    assert text("en", "invalid") in text_of(cb.join(services, path, "other", None, None)[1])


def test_a_round_of_another_workspace_is_not_acted_on(services, workspace, store):
    created(services, workspace)
    round_id = store.list_rounds(workspace.id)[0].id
    other = store.create_workspace("Other", author="tester")
    shown, ok = cb.round_action(services, "close", other.id, round_id)
    assert not ok and cb.NO_ROUND in text_of(shown) and store.get_round(round_id).closed_at is None
    assert cb.results_view(services, other.id, round_id) is None
    assert cb.round_action(services, "delete", workspace.id, round_id) == (no_update, False)  # no such action
    assert store.get_round(round_id).closed_at is None and store.get_round(round_id).revoked_at is None


def test_the_write_limit_refuses_a_flood_from_one_address(services, workspace):
    from canvas_app.rounds import MAX_WRITES_PER_ADDRESS

    path = created(services, workspace, language="fi")
    me, joined = cb.join(services, path, "resident", None, "10.0.0.9")  # the first submission
    assert text("fi", "joined") in text_of(joined)
    for _ in range(MAX_WRITES_PER_ADDRESS - 1):
        assert text("fi", "saved") in answer(services, path, me, ["3", None], ["", ""], "10.0.0.9")
    assert text("fi", "too_many") in answer(services, path, me, ["4", None], ["", ""], "10.0.0.9")
    assert text("fi", "saved") in answer(services, path, me, ["4", None], ["", ""], "10.0.0.10")
    assert [a.rating for a in services.store.list_answers(services.store.list_rounds(workspace.id)[0].id)] == [4]


def test_the_designer_page_lists_rounds_and_links_from_the_needs_page(services, workspace):
    created(services, workspace)
    page = route(services, f"/workspace/{workspace.id}/rounds")
    assert "Co-creation rounds · Oulu" in text_of(page) and find(page, ID.rounds_create) is not None
    assert "Co-creation rounds" in text_of(route(services, f"/workspace/{workspace.id}/needs"))


def test_the_designer_exports_the_answers_without_participants_as_csv_and_xlsx(services, workspace, store):
    import base64
    import io

    from openpyxl import load_workbook

    path = created(services, workspace)
    round_id = store.list_rounds(workspace.id)[0].id
    me, _ = cb.join(services, path, "resident", None, "10.0.0.1")
    assert text("en", "saved") in answer(services, path, me, ["4", "dk"], ["+31 6 1234", ""])
    sent, shown = cb.export_answers(services, "csv", workspace.id, round_id)
    assert shown is None and sent["filename"] == f"round-{round_id}-answers.csv"
    csv_text = base64.b64decode(sent["content"]).decode()
    day = cb.today().isoformat()  # the store saves in UTC; the test does not run across midnight
    assert csv_text.splitlines() == [
        "item id,item text,stakeholder group,rating,comment,reason for revision,answered at",
        f"n1,Safe cycling,resident,4,'+31 6 1234,,{day}",
        f"n2,Quiet streets,resident,,,,{day}",
    ]
    token = me[str(round_id)]
    assert token not in csv_text and cb.token_hash(token)[:8] not in csv_text
    sent, _ = cb.export_answers(services, "xlsx", workspace.id, round_id)
    assert sent["filename"] == f"round-{round_id}-answers.xlsx"
    sheet = load_workbook(io.BytesIO(base64.b64decode(sent["content"]))).active
    assert [c.value for c in sheet[2]] == ["n1", "Safe cycling", "resident", 4, "'+31 6 1234", None, day]
    other = store.create_workspace("Other", author="tester")
    sent, shown = cb.export_answers(services, "csv", other.id, round_id)
    assert sent is no_update and cb.NO_ROUND in text_of(shown)


def test_a_participant_quotes_their_code_and_only_their_answers_are_deleted(services, workspace, store):
    path = created(services, workspace)
    round_id = store.list_rounds(workspace.id)[0].id
    me_a, _ = cb.join(services, path, "resident", None, "10.0.0.1")
    me_b, _ = cb.join(services, path, "business", None, "10.0.0.2")
    answer(services, path, me_a, ["2", "3"], ["mine", ""])
    answer(services, path, me_b, ["5", None], ["", ""])
    hash_a = cb.token_hash(me_a[str(round_id)])
    store.add_proposal(round_id, hash_a, "Benches")
    code = hash_a[:8]
    assert cb.reference_notice(services, path, me_a) == (
        f"Your reference code: {code}. Quote this code to ask for your answers to be deleted."
    )
    assert cb.reference_notice(services, path, None) is no_update  # no code before consent
    assert cb.reference_notice(services, "/edit/1", me_a) is no_update

    hashes = (hash_a, cb.token_hash(me_b[str(round_id)]))
    unknown = next(c for c in ("00000000", "ffffffff") if not any(h.startswith(c) for h in hashes))
    for typed, problem in (("zz", "8 characters"), (unknown, "No participant")):
        is_open, _, pending, shown = cb.ask_to_erase(services, workspace.id, round_id, typed)
        assert not is_open and pending is None and problem in text_of(shown)
    is_open, question, pending, _ = cb.ask_to_erase(services, workspace.id, round_id, f"  {code.upper()} ")
    assert is_open and pending == {"round": round_id, "code": code}
    assert f"Delete the 2 answers of the participant with reference code {code} in round #{round_id}" in question
    assert len(store.list_answers(round_id)) == 3  # asking deletes nothing

    other = store.create_workspace("Other", author="tester")
    shown, done = cb.erase_participant(services, other.id, pending)  # a round of another workspace
    assert not done and cb.NO_ROUND in text_of(shown) and len(store.list_answers(round_id)) == 3
    shown, done = cb.erase_participant(services, workspace.id, pending)
    assert done and f"Deleted 2 answers of the participant with reference code {code}." in text_of(shown)
    remaining = store.list_answers(round_id)
    assert [(a.participant, a.item, a.rating) for a in remaining] == [(hashes[1], "n1", 5)]
    assert [p.text for p in store.list_proposals(round_id)] == ["Benches"]  # kept, unattributed
    shown, done = cb.erase_participant(services, workspace.id, pending)  # twice: nothing left to delete
    assert not done and "No participant" in text_of(shown)


def test_participants_propose_needs_and_the_designer_accepts_or_rejects_them(services, workspace, store):
    path = created(services, workspace)
    round_id = store.list_rounds(workspace.id)[0].id
    shown, kept = cb.propose(services, path, {}, "Benches", "10.0.0.1")
    assert text("en", "consent_first") in text_of(shown) and kept is no_update
    me, _ = cb.join(services, path, "resident", None, "10.0.0.1")
    for typed, problem in (
        ("<img src=x>", "plain text"),
        ("   ", text("en", "nothing_proposed")),
        ("x" * 501, "at most 500 characters"),
    ):
        shown, kept = cb.propose(services, path, me, typed, "10.0.0.1")
        assert problem in text_of(shown) and kept is no_update
    assert store.list_proposals(round_id) == []
    shown, kept = cb.propose(services, path, me, "  Benches at bus stops ", "10.0.0.1")
    assert text("en", "proposed") in text_of(shown) and kept == ""
    cb.propose(services, path, me, "More night buses", "10.0.0.1")
    assert text("en", "invalid") in text_of(cb.propose(services, "/r/" + "x" * 43, me, "Spam", "10.0.0.1")[0])

    listed = cb.proposals_view(services, workspace.id, round_id)
    assert "Benches at bus stops" in text_of(listed) and "More night buses" in text_of(listed)
    first, second = store.list_proposals(round_id)
    assert find(listed, ID.rounds_proposal_accept(first.id)) is not None

    shown, done = cb.moderate(services, "accept", workspace.id, round_id, first.id)
    assert done and "Added “Benches at bus stops” to the workspace's needs" in text_of(shown)
    need = next(n for n in store.list_needs(workspace.id) if n.name == "Benches at bus stops")
    assert (need.id, need.importance, need.urgency) == ("need-benches-at-bus-stops", 3, 3)
    assert need.evidence == f"Proposed by a participant of co-creation round #{round_id}."
    shown, done = cb.moderate(services, "accept", workspace.id, round_id, first.id)
    assert not done and "already accepted" in text_of(shown) and len(store.list_needs(workspace.id)) == 3
    other = store.create_workspace("Other", author="tester")
    shown, done = cb.moderate(services, "reject", other.id, round_id, second.id)
    assert not done and cb.NO_ROUND in text_of(shown)
    shown, done = cb.moderate(services, "reject", workspace.id, round_id, "x")
    assert not done and "not one of round" in text_of(shown)
    assert cb.moderate(services, "reject", workspace.id, round_id, second.id)[1]
    assert [(p.text, p.status) for p in store.list_proposals(round_id)] == [
        ("Benches at bus stops", "accepted"),
        ("More night buses", "rejected"),
    ]
    assert [n.name for n in store.list_needs(workspace.id)] == ["Safe cycling", "Quiet streets", "Benches at bus stops"]
    listed = cb.proposals_view(services, workspace.id, round_id)
    assert find(listed, ID.rounds_proposal_accept(second.id)) is None  # moderated: no buttons any more
    assert cb.proposals_view(services, other.id, round_id) is None


def post_callback(app, output_start: str, inputs: list, state: list, trigger: dict | None = None) -> dict:
    """Post one registered callback as the browser would (accounts off; ``trigger``: the input
    that changed, by default the first) and return its response."""
    import json

    from test_authorization import outputs, prop_id

    key = next(k for k in app.callback_map if k.removeprefix("..").startswith(output_start))
    trigger = trigger or inputs[0]
    body = {
        "output": key,
        "outputs": outputs(key),
        "inputs": inputs,
        "state": state,
        "changedPropIds": [prop_id(trigger["id"], trigger["property"])],
    }
    answer = app.server.test_client().post("/_dash-update-component", json=body)
    assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
    return json.loads(answer.get_data(as_text=True))["response"]


def test_the_registered_moderation_and_deletion_callbacks_act_on_the_clicked_proposal_and_code(app, store, workspace):
    from canvas_app.rounds import Answer, Round, RoundItem

    today = cb.today()
    one_item = Round(kind="needs", items=(RoundItem(id="n1", text="Safe cycling"),), opens=today, closes=today)
    info, _link_token = store.create_round(workspace.id, one_item, author="tester")
    participant = store.join_round(info.id, "browser-token-0123456789", "resident")
    first = store.add_proposal(info.id, participant, "Benches")
    second = store.add_proposal(info.id, participant, "Night buses")
    third = store.add_proposal(info.id, participant, "Lanes on Main Street")
    proposals = (first, second, third)
    page = [
        {"id": ID.rounds_workspace, "property": "data", "value": workspace.id},
        {"id": ID.rounds_round, "property": "value", "value": str(info.id)},
        {"id": ID.rounds_changed, "property": "data", "value": 0},
    ]

    def click(kind: str, proposal: int) -> dict:
        buttons = {
            "accept": ID.rounds_proposal_accept,
            "reject": ID.rounds_proposal_reject,
            "merge": ID.rounds_proposal_merge,
        }
        inputs = [
            [{"id": buttons[k](p.id), "property": "n_clicks", "value": 1 if (k, p.id) == (kind, proposal) else None}
             for p in proposals]
            for k in buttons
        ]  # fmt: skip
        targets = [ID.rounds_proposal_target(p.id) for p in proposals]
        state = [
            [{"id": t, "property": "value", "value": "n1" if t["proposal"] == proposal else "n2"} for t in targets],
            [{"id": t, "property": "id", "value": t} for t in targets],
            *page,
        ]
        clicked = next(entry for group in inputs for entry in group if entry["value"])
        return post_callback(app, ID.rounds_proposals_feedback, inputs, state, clicked)

    assert "Proposal rejected" in json_text(click("reject", second.id))
    assert "Added" in json_text(click("accept", first.id))
    assert "Merged into “Safe cycling”" in json_text(click("merge", third.id))  # the clicked row's choice
    assert [(p.text, p.status) for p in store.list_proposals(info.id)] == [
        ("Benches", "accepted"),
        ("Night buses", "rejected"),
        ("Lanes on Main Street", "merged"),
    ]
    assert "Lanes on Main Street" in next(n for n in store.list_needs(workspace.id) if n.id == "n1").evidence

    store.save_answer(info.id, Answer(participant=participant, group="resident", item="n1", rating=3))
    code = participant[:8]
    asked = post_callback(
        app, ID.rounds_erase_modal, [{"id": ID.rounds_erase, "property": "n_clicks", "value": 1}],
        [page[0], page[1], {"id": ID.rounds_erase_code, "property": "value", "value": code}],
    )  # fmt: skip
    assert asked[ID.rounds_erase_modal]["is_open"] is True
    pending = asked[ID.rounds_erase_pending]["data"]
    done = post_callback(
        app, f"{ID.rounds_erase_modal}.is_open@",
        [{"id": ID.rounds_erase_confirm, "property": "n_clicks", "value": 1},
         {"id": ID.rounds_erase_cancel, "property": "n_clicks", "value": None}],
        [{"id": ID.rounds_erase_pending, "property": "data", "value": pending}, page[0], page[2]],
    )  # fmt: skip
    assert "Deleted 1 answer of the participant" in json_text(done) and store.list_answers(info.id) == []


def json_text(response: dict) -> str:
    import json

    return json.dumps(response, ensure_ascii=False)


def test_a_proposal_merged_into_a_need_is_quoted_in_its_evidence(services, workspace, store):
    path = created(services, workspace)
    round_id = store.list_rounds(workspace.id)[0].id
    me, _ = cb.join(services, path, "resident", None, "10.0.0.1")
    for proposal in ("Lanes on Main Street", "Wider lanes", "Night buses"):
        cb.propose(services, path, me, proposal, "10.0.0.1")
    lanes, wider, buses = store.list_proposals(round_id)
    listed = cb.proposals_view(services, workspace.id, round_id)
    assert find(listed, ID.rounds_proposal_target(lanes.id)) is not None  # a need to merge into, per proposal

    for target in (None, "gone"):
        shown, done = cb.moderate(services, "merge", workspace.id, round_id, lanes.id, target)
        assert not done and "Choose a need of this workspace" in text_of(shown)
    assert cb.moderate(services, "merge", workspace.id, round_id, lanes.id, "n1")[1]
    assert cb.moderate(services, "merge", workspace.id, round_id, wider.id, "n1")[1]
    cycling = next(n for n in store.list_needs(workspace.id) if n.id == "n1")
    assert cycling.evidence == (
        f"Also proposed by a participant of co-creation round #{round_id}: Lanes on Main Street\n"
        f"Also proposed by a participant of co-creation round #{round_id}: Wider lanes"
    )
    assert (cycling.name, cycling.importance) == ("Safe cycling", 2)  # nothing else of the need changes

    quiet = next(n for n in store.list_needs(workspace.id) if n.id == "n2")
    store.upsert_need(workspace.id, quiet.model_copy(update={"evidence": "e" * 4990}), author="tester")
    shown, done = cb.moderate(services, "merge", workspace.id, round_id, buses.id, "n2")
    assert not done and "no room left in its evidence" in text_of(shown)
    assert [p.status for p in store.list_proposals(round_id)] == ["merged", "merged", "new"]
    assert len(store.list_needs(workspace.id)) == 2  # merging adds no need


def test_an_advantages_round_asks_strength_today_and_target_and_joins_the_ranking(services, workspace, store):
    from callbacks import advantages as advantage_callbacks
    from canvas_app.ranking import rank_advantages
    from canvas_app.workspace_model import Advantage

    store.upsert_advantage(workspace.id, Advantage(id="a1", service="Parking", text="Open parking data"), author="t")
    refused, ok = cb.create_round(
        services, workspace.id, [], "", date.today().isoformat(), date.today().isoformat(), "fi", HOST,
        kind="advantages", advantage_ids=[],
    )  # fmt: skip
    assert not ok and "at least one advantage" in text_of(refused)
    path = created(services, workspace, kind="advantages", advantage_ids=["a1", "gone"], language="fi")
    (info,) = store.list_rounds(workspace.id)
    assert info.round.kind == "advantages" and info.round.item_ids() == ("a1@today", "a1@target")
    page = route(services, path)
    assert text("fi", "rating_today") in text_of(page) and text("fi", "rating_target") in text_of(page)
    assert text_of(page).count("Open parking data") == 1  # one fieldset holds both aspects
    assert find(page, ID.participate_comment("a1@today")) is not None
    assert find(page, ID.participate_comment("a1@target")) is None  # one comment per advantage

    ids = [{"type": "pt-rating", "item": "a1@today"}, {"type": "pt-rating", "item": "a1@target"}]
    comment_ids = [{"type": "pt-comment", "item": "a1@today"}]
    # before consent nothing is filled in: one value per rating and one per comment box (two and one)
    assert cb.own_answers(services, path, None, ids, comment_ids) == ([no_update] * 2, [no_update])
    for n, (today_rating, target) in enumerate((("2", "5"), ("3", "4"), ("5", "dk"))):
        me, _ = cb.join(services, path, "business", None, f"10.0.0.{n}")
        saved = cb.save_answers(services, path, me, "business", [today_rating, target], ids, {"a1@today": "ok"}, None)
        assert text("fi", "saved") in text_of(saved)
    results = text_of(cb.results_view(services, workspace.id, info.id))
    assert "Open parking data (strength today)" in results and "Open parking data (target strength)" in results
    cb.round_action(services, "close", workspace.id, info.id)
    shown, ok = cb.round_action(services, "accept", workspace.id, info.id)
    assert ok and "Accepted into the advantages ranking: a1" in text_of(shown)
    (advantage,) = store.list_advantages(workspace.id)
    # today [2, 3, 5]: median 3 (n 3); target [4, 5]: median 4.5 (n 2, one "don't know" left out)
    assert advantage.rated_today is not None and (advantage.rated_today.median, advantage.rated_today.n) == (3, 3)
    assert advantage.rated_target is not None and (advantage.rated_target.median, advantage.rated_target.n) == (4.5, 2)
    assert rank_advantages([advantage], {})[0].score == 50.0  # only part: (3 − 1) / 4

    saved, _ = advantage_callbacks.save_advantage(  # an edit of the text keeps the accepted ratings
        services, workspace.id, "a1", {"service": "Parking", "text": "Open parking and kerb data", "state": "current"}
    )
    assert saved and store.list_advantages(workspace.id)[0].rated_today == advantage.rated_today
    assert cb.round_action(services, "undo", workspace.id, info.id)[1]
    (undone,) = store.list_advantages(workspace.id)
    assert (undone.text, undone.rated_today, undone.rated_target) == ("Open parking and kerb data", None, None)


def test_a_follow_up_round_shows_the_group_and_the_own_earlier_answer_and_the_views_converge(
    services, workspace, store
):
    first_path = created(services, workspace)
    (first,) = store.list_rounds(workspace.id)
    ids = [{"type": "pt-rating", "item": "n1"}, {"type": "pt-rating", "item": "n2"}]
    browsers = []
    for n, ratings in enumerate((["1", "3"], ["3", "3"], ["5", "dk"])):
        me, _ = cb.join(services, first_path, "resident", None, f"10.0.1.{n}")
        assert text("en", "saved") in text_of(cb.save_answers(services, first_path, me, None, ratings, ids, {}, None))
        browsers.append(me)
    refused, ok = cb.create_round(  # an open round is not followed up: its results may still change
        services, workspace.id, [], "", date.today().isoformat(), date.today().isoformat(), "en", HOST,
        follow_up=str(first.id),
    )  # fmt: skip
    assert not ok and "closed round of this workspace" in text_of(refused)
    cb.round_action(services, "close", workspace.id, first.id)
    assert cb.list_view(services, workspace.id)[2][1] == {
        "label": f"#{first.id} · Needs and opportunities",
        "value": str(first.id),
    }
    path = created(services, workspace, need_ids=[], follow_up=str(first.id))
    second = store.list_rounds(workspace.id)[1]
    assert second.round.follow_up_of == first.id and second.round.items == first.round.items

    page = text_of(route(services, path))
    # n1 in round 1: [1, 3, 5] → median 3, Q1 2, Q3 4, IQR 2; n2: [3, 3] → median 3, IQR 0
    assert text("en", "group_median", median="3", iqr="2", n=3) in page
    assert text("en", "group_median", median="3", iqr="0", n=2) in page
    assert text("en", "follow_up_intro") in page

    first_browser = browsers[0]
    me, _ = cb.join(services, path, "resident", first_browser, "10.0.1.0")
    assert me[str(second.id)] == first_browser[str(first.id)]  # the same participant as in round 1
    earlier_ids = [{"type": "pt-earlier", "item": "n1"}, {"type": "pt-earlier", "item": "n2"}]
    assert cb.earlier_answers(services, path, me, earlier_ids) == [
        text("en", "your_earlier", rating="1"),
        text("en", "your_earlier", rating="3"),
    ]
    comment_ids = [{"type": "pt-comment", "item": "n1"}, {"type": "pt-comment", "item": "n2"}]
    assert cb.own_answers(services, path, me, ids, comment_ids)[0] == ["1", "3"]  # the earlier answers, to confirm
    stranger, _ = cb.join(services, path, "business", None, "10.0.1.9")
    assert cb.earlier_answers(services, path, stranger, earlier_ids) == [text("en", "no_earlier")] * 2

    saved = cb.save_answers(services, path, me, None, ["3", "3"], ids, {}, None, {"n1": "the others convinced me"})
    assert text("en", "saved") in text_of(saved)
    for other in browsers[1:]:
        again, _ = cb.join(services, path, "resident", other, None)
        cb.save_answers(services, path, again, None, ["3" if other is browsers[1] else "4", "3"], ids, {}, None)
    revised = {a.item: a for a in store.list_answers(second.id) if a.reason}
    assert list(revised) == ["n1"] and revised["n1"].rating == 3
    results = text_of(cb.results_view(services, workspace.id, second.id))
    # n1 now [3, 3, 4]: Q1 3, Q3 3.5, IQR 0.5 (was 2): change −1.5, closer; n2 [3, 3, 3]: IQR 0, unchanged
    assert f"Convergence since round #{first.id}" in results
    assert "Reasons given for revised answers" in results and "the others convinced me" in results
    assert "Safecycling20.5-1.5closer" in results.replace(" ", "")
    assert "Quietstreets000unchanged" in results.replace(" ", "")


def test_a_value_round_rates_each_actor_and_the_table_view_shows_it(services, workspace, store):
    from canvas_app.model import Configuration
    from layouts.table_view import table_view

    config = Configuration.model_validate(
        {
            "name": "Parking app",
            "actors": [
                {"id": "city", "name": "City of Oulu", "type": "city"},
                {"id": "drivers", "name": "Drivers", "type": "citizen"},
            ],
            "flows": [
                {"id": "f1", "source": "drivers", "target": "city", "kind": "money", "label": "parking fee"},
                {"id": "f2", "source": "city", "target": "drivers", "kind": "service", "label": "a parking space"},
            ],
        }
    )
    head = store.create_configuration(workspace.id, config, author="t")
    refused, ok = cb.create_round(
        services, workspace.id, [], "", date.today().isoformat(), date.today().isoformat(), "en", HOST,
        kind="value", configuration="999",
    )  # fmt: skip
    assert not ok and "Choose a configuration of this workspace" in text_of(refused)
    path = created(services, workspace, kind="value", configuration=str(head.id))
    (info,) = store.list_rounds(workspace.id)
    assert (info.round.kind, info.round.configuration) == ("value", head.id)
    assert [(i.id, i.text) for i in info.round.items] == [
        ("city", "City of Oulu. Gives: a parking space (to Drivers). Gets: parking fee (from Drivers)."),
        ("drivers", "Drivers. Gives: parking fee (to City of Oulu). Gets: a parking space (from City of Oulu)."),
    ]
    assert text("en", "rating_value") in text_of(route(services, path))

    ids = [{"type": "pt-rating", "item": "city"}, {"type": "pt-rating", "item": "drivers"}]
    for n, ratings in enumerate((["4", "2"], ["5", "3"], ["dk", "5"])):
        me, _ = cb.join(services, path, "resident", None, f"10.0.2.{n}")
        assert text("en", "saved") in text_of(cb.save_answers(services, path, me, None, ratings, ids, {}, None))
    cb.round_action(services, "close", workspace.id, info.id)
    shown, ok = cb.round_action(services, "accept", workspace.id, info.id)
    assert ok and "Accepted into the value view" in text_of(shown)
    ratings = store.value_ratings(head.id)
    # city [4, 5]: median 4.5, n 2, agreement 100 %; drivers [2, 3, 5]: median 3, n 3, 2 of 3 within 1: 67 %
    assert (ratings["city"].median, ratings["city"].n) == (4.5, 2)
    assert (ratings["drivers"].median, ratings["drivers"].n, ratings["drivers"].agreement) == (3, 3, 0.6667)
    shown_table = text_of(table_view(config, ratings))
    assert "Matters to them (1–5, co-creation)" in shown_table
    assert f"4.5 (n 2, agreement 100 %, round #{info.id})" in shown_table
    assert f"3 (n 3, agreement 67 %, round #{info.id})" in shown_table
    assert cb.round_action(services, "undo", workspace.id, info.id)[1]
    assert store.value_ratings(head.id) == {}


def test_invited_accounts_find_the_round_on_home_and_answer_signed_in_without_the_link(settings, store):
    import flask

    from callbacks import home
    from canvas_app.web.auth import hash_password
    from canvas_app.web.services import Account, Services

    services = Services(settings=settings.model_copy(update={"auth": True, "secret_key": "k" * 32}), store=store)
    users = {name: store.create_user(name, hash_password("correct horse battery")) for name in ("ann", "val", "eve")}
    ws = store.create_workspace("Oulu", author="ann", owner_id=users["ann"].id)
    store.upsert_need(ws.id, WorkspaceNeed(id="n1", name="Safe cycling"), author="ann")
    server = flask.Flask(__name__)

    def as_user(name: str | None) -> Any:
        context = server.test_request_context("/")
        context.push()
        if name is not None:
            flask.g.citycanvas_user = Account(id=users[name].id, name=name)
        return context

    dates = (date.today().isoformat(), (date.today() + timedelta(days=3)).isoformat())
    context = as_user("ann")
    try:
        refused, ok = cb.create_round(services, ws.id, ["n1"], "", *dates, "en", HOST, invited="val, nobody")
        assert not ok and "No account is named nobody" in text_of(refused)
        shown, ok = cb.create_round(services, ws.id, ["n1"], "", *dates, "en", HOST, invited="val,\nval")
        assert ok, text_of(shown)
        (info,) = store.list_rounds(ws.id)
        assert info.round.invited == ("val",)
        assert "val" in text_of(cb.list_view(services, ws.id)[0])
    finally:
        context.pop()
    path = f"/r/invited/{info.id}"
    context = as_user("val")
    try:
        listed = text_of(home.home_page(services))
        assert f"Round #{info.id} of Oulu" in listed and "Co-creation rounds you are invited to" in listed
        assert "Safe cycling" in text_of(route(services, path))
        me, joined = cb.join(services, path, "city department", None, "10.0.3.1")
        assert text("en", "joined") in text_of(joined)
        ids = [{"type": "pt-rating", "item": "n1"}]
        assert text("en", "saved") in text_of(cb.save_answers(services, path, me, None, ["4"], ids, {}, None))
    finally:
        context.pop()
    (answer_saved,) = store.list_answers(info.id)
    assert (answer_saved.group, answer_saved.rating) == ("city department", 4)  # no account with the answer
    for outsider in ("eve", None):  # not invited, or not signed in: the page shows nothing of the round
        context = as_user(outsider)
        try:
            page = text_of(route(services, path))
            assert "Safe cycling" not in page and text("en", "invalid") in page
            assert text("en", "invalid") in text_of(cb.join(services, path, "resident", None, "10.0.3.2")[1])
            if outsider:
                assert "invited to" not in text_of(home.home_page(services))
        finally:
            context.pop()
    assert len(store.list_answers(info.id)) == 1


def test_inviting_accounts_needs_accounts_on(services, workspace):
    refused, ok = cb.create_round(
        services, workspace.id, ["n1"], "", date.today().isoformat(), date.today().isoformat(), "en", HOST,
        invited="val",
    )  # fmt: skip
    assert not ok and "Accounts are off on this server" in text_of(refused)


def test_the_first_page_of_the_day_deletes_the_rounds_past_their_retention(services, workspace, store):
    """Without a scheduled ``canvas-app rounds purge`` (a laptop with SQLite), the app itself keeps the
    consent text's promise: a round past its retention is gone once any page is opened that day."""
    from canvas_app.rounds import Round

    def past_round(closes: date) -> int:
        round_ = Round.model_validate(
            {"kind": "needs", "items": [{"id": "n1", "text": "Safe cycling"}], "opens": closes - timedelta(days=30),
             "closes": closes, "keep_days": 30}
        )  # fmt: skip
        return store.create_round(workspace.id, round_, author="t")[0].id

    today = cb.today()
    past_round(today - timedelta(days=31))  # kept until yesterday: deleted by the first page below
    kept = past_round(today - timedelta(days=30))  # kept until today, the last day
    route(services, f"/workspace/{workspace.id}/needs")
    assert [r.id for r in store.list_rounds(workspace.id)] == [kept]
    another = past_round(today - timedelta(days=40))
    route(services, "/")  # checked once a day per process: the next check is tomorrow's first page
    assert [r.id for r in store.list_rounds(workspace.id)] == [kept, another]
    assert services.keep_round_retention(today + timedelta(days=1)) == [kept, another]
    assert services.keep_round_retention(today + timedelta(days=2)) == [] and store.list_rounds(workspace.id) == []


def test_the_groups_side_by_side_chart_shows_each_groups_median_and_quartiles():
    from canvas_app.rounds import Answer, by_group
    from layouts.rounds import groups_chart, groups_figure

    def answer(who: str, group: str, item: str, rating: int | None) -> Answer:
        return Answer(participant=f"{who:0>64}", group=group, item=item, rating=rating)

    answers = [
        answer("a", "resident", "n1", 1), answer("b", "resident", "n1", 2), answer("c", "resident", "n1", 4),
        answer("a", "resident", "n2", None), answer("d", "business", "n1", 5), answer("d", "business", "n2", 3),
    ]  # fmt: skip
    groups = by_group(answers, ["n1", "n2"])
    figure = groups_figure(groups, {"n1": "Safe cycling", "n2": "Quiet streets"})
    # resident n1 [1, 2, 4]: median 2, Q1 1.5, Q3 3 → whisker +1 / −0.5; n2 only a don't know: no bar
    assert [(t.name, list(t.x), list(t.y)) for t in figure.data] == [
        ("resident", ["Safe cycling", "Quiet streets"], [2, None]),
        ("business", ["Safe cycling", "Quiet streets"], [5, 3]),
    ]
    assert list(figure.data[0].error_y.array) == [1, None] and list(figure.data[0].error_y.arrayminus) == [0.5, None]
    assert list(figure.data[1].error_y.array) == [0, 0]
    assert groups_chart(by_group(answers[:4], ["n1", "n2"]), {}) is None  # one group: nothing to compare
