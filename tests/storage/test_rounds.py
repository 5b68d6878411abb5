"""Co-creation rounds on real SQLite and PostgreSQL: the link token is stored only hashed, revocable
and expiring; one answer per participant and item (a revision replaces it); answers only while the
round is open; a participant's answers can be deleted; proposals are kept for moderation."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

import pytest
from sqlalchemy import create_engine, text

from canvas_app.rounds import Answer, Round, aggregate
from storage import NotFoundError, StorageError, Store

OPENS, CLOSES = date(2026, 3, 1), date(2026, 3, 31)
DURING = date(2026, 3, 15)


def needs_round() -> Round:
    return Round.model_validate(
        {
            "kind": "needs",
            "items": [{"id": "n1", "text": "Safe cycling"}, {"id": "n2", "text": "Quiet streets"}],
            "intro": "Rate these needs.",
            "opens": OPENS,
            "closes": CLOSES,
            "language": "fi",
        }
    )


def answer(participant: str, item: str, rating: int | None, **extra: str) -> Answer:
    return Answer.model_validate(
        {"participant": participant, "group": "resident", "item": item, "rating": rating, **extra}
    )


@pytest.fixture
def opened(store: Store) -> tuple[Store, int, str]:
    ws = store.create_workspace("Oulu", author="ann")
    info, token = store.create_round(ws.id, needs_round(), author="ann")
    return store, info.id, token


def test_the_link_token_is_stored_only_as_its_hash(opened, store_url: str) -> None:
    store, round_id, token = opened
    assert len(token) >= 43  # token_urlsafe(32)
    engine = create_engine(store_url)
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT token_hash FROM rounds WHERE id = :i"), {"i": round_id}).scalar_one()
    engine.dispose()
    assert stored == hashlib.sha256(token.encode()).hexdigest() and token not in stored
    found = store.get_round_by_token(token)
    assert (found.id, found.round) == (round_id, needs_round())
    assert found.state(DURING) == "open"
    assert found.state(date(2026, 2, 28)) == "not open yet"
    assert found.state(date(2026, 4, 1)) == "closed"  # expiry = the close date
    with pytest.raises(NotFoundError):
        store.get_round_by_token(token + "x")


def test_one_answer_per_participant_and_item_a_revision_replaces_it(opened) -> None:
    store, round_id, _ = opened
    p1 = store.join_round(round_id, "browser-1", "resident", today=DURING)
    p2 = store.join_round(round_id, "browser-2", "business", today=DURING)
    assert p1 == hashlib.sha256(b"browser-1").hexdigest()
    store.save_answer(round_id, answer(p1, "n1", 2), today=DURING)
    store.save_answer(round_id, answer(p1, "n2", None, comment="no idea"), today=DURING)
    store.save_answer(round_id, answer(p2, "n1", 5), today=DURING)
    store.save_answer(round_id, answer(p1, "n1", 4, reason="thought again"), today=DURING)
    answers = store.list_answers(round_id)
    assert sorted((a.participant == p1, a.group, a.item, a.rating, a.reason) for a in answers) == [
        (False, "business", "n1", 5, ""),
        (True, "resident", "n1", 4, "thought again"),
        (True, "resident", "n2", None, ""),
    ]
    results = aggregate(answers, ["n1", "n2"])
    assert (results["n1"].n, results["n1"].median) == (2, 4.5)
    assert (results["n2"].n, results["n2"].dont_know) == (0, 1)


def test_answers_refused_outside_the_round_and_without_consent(opened) -> None:
    store, round_id, token = opened
    stranger = hashlib.sha256(b"nobody").hexdigest()
    with pytest.raises(StorageError, match="consent"):
        store.save_answer(round_id, answer(stranger, "n1", 3), today=DURING)
    p1 = store.join_round(round_id, "browser-1", "resident", today=DURING)
    with pytest.raises(StorageError, match="not asked"):
        store.save_answer(round_id, answer(p1, "n9", 3), today=DURING)
    with pytest.raises(StorageError, match="closed"):
        store.save_answer(round_id, answer(p1, "n1", 3), today=date(2026, 4, 1))
    with pytest.raises(StorageError, match="stakeholder group"):
        store.join_round(round_id, "browser-3", "politician", today=DURING)
    store.save_answer(round_id, answer(p1, "n1", 3), today=DURING)
    store.close_round(round_id)
    with pytest.raises(StorageError, match="closed"):
        store.save_answer(round_id, answer(p1, "n1", 1), today=DURING)
    assert [a.rating for a in store.list_answers(round_id)] == [3]  # the refused change lost nothing
    store.revoke_round(round_id)
    with pytest.raises(NotFoundError):
        store.get_round_by_token(token)
    assert store.get_round(round_id).state(DURING) == "revoked"


def test_deleting_a_participant_deletes_exactly_their_answers(opened) -> None:
    store, round_id, _ = opened
    p1 = store.join_round(round_id, "browser-1", "resident", today=DURING)
    p2 = store.join_round(round_id, "browser-2", "resident", today=DURING)
    for p in (p1, p2):
        store.save_answer(round_id, answer(p, "n1", 3), today=DURING)
        store.save_answer(round_id, answer(p, "n2", 4), today=DURING)
    proposal = store.add_proposal(round_id, p1, "  Benches at bus stops ", today=DURING)
    assert store.delete_participant(round_id, p1) == 2
    assert {a.participant for a in store.list_answers(round_id)} == {p2}
    assert [(p.id, p.text, p.status) for p in store.list_proposals(round_id)] == [
        (proposal.id, "Benches at bus stops", "new")
    ]
    with pytest.raises(NotFoundError):
        store.delete_participant(round_id, p1)


def test_participants_are_found_by_the_start_of_their_hash(opened) -> None:
    store, round_id, _ = opened
    p1 = store.join_round(round_id, "browser-1", "resident", today=DURING)
    p2 = store.join_round(round_id, "browser-2", "resident", today=DURING)
    assert store.participants_with_code(round_id, p1[:8]) == [p1]
    assert store.participants_with_code(round_id, p2[:8]) == [p2]
    assert store.participants_with_code(round_id, "") == [p1, p2]  # every hash starts with nothing
    assert store.participants_with_code(round_id, "%") == []  # a LIKE wildcard is taken literally
    assert store.participants_with_code(round_id + 1, p1[:8]) == []


def test_proposals_are_plain_text_and_moderated(opened) -> None:
    store, round_id, _ = opened
    p1 = store.join_round(round_id, "browser-1", "third sector", today=DURING)
    with pytest.raises(ValueError, match="plain text"):
        store.add_proposal(round_id, p1, "<b>x</b>", today=DURING)
    with pytest.raises(StorageError, match="1 to 500"):
        store.add_proposal(round_id, p1, "x" * 501, today=DURING)
    assert store.add_proposal(round_id, p1, "x" * 500, today=DURING).text == "x" * 500
    made = store.add_proposal(round_id, p1, "Shade trees", today=DURING)
    assert store.set_proposal_status(made.id, "rejected").status == "rejected"
    with pytest.raises(StorageError, match="already rejected"):  # a second moderator's accept of it
        store.set_proposal_status(made.id, "accepted", expected="new")
    assert store.list_proposals(round_id)[-1].status == "rejected"
    with pytest.raises(NotFoundError):
        store.set_proposal_status(made.id + 100, "accepted", expected="new")
    with pytest.raises(StorageError):
        store.set_proposal_status(made.id, "maybe")


def test_rounds_of_a_workspace_listed_in_order(store: Store) -> None:
    ws = store.create_workspace("Oulu", author="ann")
    other = store.create_workspace("Turku", author="ann")
    first, _ = store.create_round(ws.id, needs_round(), author="ann")
    second, _ = store.create_round(ws.id, needs_round().model_copy(update={"follow_up_of": first.id}), author="bob")
    store.create_round(other.id, needs_round(), author="ann")
    assert [(r.id, r.created_by, r.round.follow_up_of) for r in store.list_rounds(ws.id)] == [
        (first.id, "ann", None),
        (second.id, "bob", first.id),
    ]
    with pytest.raises(NotFoundError):
        store.create_round(999, needs_round(), author="ann")


def test_submissions_are_throttled_per_link_and_address(store: Store) -> None:
    """The round's limits go through the store's sign-in throttle: the 61st submission from one
    address in ten minutes is refused, another address is still admitted."""
    from canvas_app import rounds

    for _ in range(rounds.MAX_WRITES_PER_ADDRESS):
        assert store.reserve_sign_in(rounds.write_limits(7, "10.0.0.1")) is None
    refused = store.reserve_sign_in(rounds.write_limits(7, "10.0.0.1"))
    assert refused is not None and refused.key == "round:7|address:10.0.0.1"
    assert store.reserve_sign_in(rounds.write_limits(7, "10.0.0.2")) is None
    assert store.reserve_sign_in(rounds.write_limits(8, "10.0.0.1")) is None  # another round's own counter


def test_accepting_results_is_one_step_that_undo_reverses(store: Store) -> None:
    from canvas_app.workspace_model import WorkspaceNeed

    ws = store.create_workspace("Oulu", author="ann").id
    today = date.today()
    running = needs_round().model_copy(
        update={"opens": today - timedelta(days=1), "closes": today + timedelta(days=30)}
    )
    round_id = store.create_round(ws, running, author="ann")[0].id
    store.upsert_need(ws, WorkspaceNeed(id="n1", name="Safe cycling", importance=2, urgency=4), author="ann")
    store.upsert_need(ws, WorkspaceNeed(id="n2", name="Quiet streets", importance=3), author="ann")
    with pytest.raises(StorageError, match="close the round"):
        store.accept_results(round_id, {"n1": {"importance": 5}}, author="ann")
    store.close_round(round_id)
    assert store.last_acceptance(round_id) is None
    step = store.accept_results(round_id, {"n1": {"importance": 5}, "n2": {"importance": 1}}, author="ann")
    assert store.last_acceptance(round_id) == step
    assert [(n.id, n.importance, n.urgency) for n in store.list_needs(ws)] == [("n1", 5, 4), ("n2", 1, 3)]
    store.upsert_need(ws, WorkspaceNeed(id="n1", name="Safe cycling to school", importance=5, urgency=4), author="bob")
    assert store.undo_acceptance(step, author="ann") == {"n1": {"importance": 2}, "n2": {"importance": 3}}
    assert store.last_acceptance(round_id) is None  # nothing left to undo
    # the importances are back; the later rename is kept
    assert [(n.id, n.name, n.importance) for n in store.list_needs(ws)] == [
        ("n1", "Safe cycling to school", 2),
        ("n2", "Quiet streets", 3),
    ]
    with pytest.raises(StorageError, match="already undone"):
        store.undo_acceptance(step, author="ann")
    with pytest.raises(NotFoundError, match="n9"):
        store.accept_results(round_id, {"n1": {"importance": 4}, "n9": {"importance": 4}}, author="ann")
    assert [n.importance for n in store.list_needs(ws)] == [2, 3]  # the refused step changed nothing


def test_an_advantages_round_is_accepted_into_the_advantages_and_undone(store: Store) -> None:
    from canvas_app.rounds import RoundItem
    from canvas_app.workspace_model import Advantage

    ws = store.create_workspace("Oulu", author="ann").id
    today = date.today()
    spec = Round(
        kind="advantages",
        items=[RoundItem(id="a1@today", text="Open data"), RoundItem(id="a1@target", text="Open data")],
        opens=today,
        closes=today,
    )
    round_id = store.create_round(ws, spec, author="ann")[0].id
    store.upsert_advantage(ws, Advantage(id="a1", service="Parking", text="Open data"), author="ann")
    store.close_round(round_id)
    today_rating = {"round": round_id, "median": 3.5, "n": 4, "agreement": 0.75, "iqr": 1.0}
    step = store.accept_results(round_id, {"a1": {"rated_today": today_rating}}, author="ann")
    (advantage,) = store.list_advantages(ws)
    assert advantage.rated_today is not None and advantage.rated_today.model_dump() == today_rating
    assert advantage.rated_target is None
    assert store.undo_acceptance(step, author="ann") == {"a1": {"rated_today": None}}
    assert store.list_advantages(ws)[0].rated_today is None
    with pytest.raises(NotFoundError, match="no such advantage in the workspace: a9"):
        store.accept_results(round_id, {"a9": {"rated_today": today_rating}}, author="ann")


def test_an_acceptance_stored_before_advantages_rounds_is_still_undone(store: Store) -> None:
    """Acceptances kept {need id: importance} before the generic {"fields": …} form: undo reads both."""
    from sqlalchemy import update as sql_update

    from canvas_app.workspace_model import WorkspaceNeed
    from storage.models import AcceptanceRow

    ws = store.create_workspace("Oulu", author="ann").id
    round_id = store.create_round(ws, needs_round(), author="ann")[0].id
    store.upsert_need(ws, WorkspaceNeed(id="n1", name="Safe cycling", importance=2), author="ann")
    store.close_round(round_id)
    step = store.accept_results(round_id, {"n1": {"importance": 5}}, author="ann")
    with store.engine.begin() as connection:  # the row as the earlier code wrote it
        connection.execute(sql_update(AcceptanceRow).where(AcceptanceRow.id == step).values(previous='{"n1": 2}'))
    assert store.undo_acceptance(step, author="ann") == {"n1": {"importance": 2}}
    assert [n.importance for n in store.list_needs(ws)] == [2]


def test_a_follow_up_names_a_round_of_the_same_workspace_and_kind(store: Store) -> None:
    ws = store.create_workspace("Oulu", author="ann").id
    other = store.create_workspace("Turku", author="ann").id
    first = store.create_round(ws, needs_round(), author="ann")[0].id
    elsewhere = store.create_round(other, needs_round(), author="ann")[0].id
    follow = store.create_round(ws, needs_round().model_copy(update={"follow_up_of": first}), author="ann")[0]
    assert follow.round.follow_up_of == first
    for wrong in (elsewhere, 999):
        with pytest.raises(StorageError, match="is not a needs round of this workspace"):
            store.create_round(ws, needs_round().model_copy(update={"follow_up_of": wrong}), author="ann")


def test_retention_deletes_rounds_closed_before_the_cutoff_with_their_answers(opened, store_url: str) -> None:
    store, round_id, _ = opened  # closes 2026-03-31
    ws = store.get_round(round_id).workspace_id
    p1 = store.join_round(round_id, "browser-1", "resident", today=DURING)
    store.save_answer(round_id, answer(p1, "n1", 3), today=DURING)
    store.add_proposal(round_id, p1, "Benches", today=DURING)
    later = needs_round().model_copy(update={"opens": date(2026, 5, 1), "closes": date(2026, 5, 31)})
    kept, _ = store.create_round(ws, later, author="ann")
    assert store.delete_rounds_closed_before(ws, date(2026, 3, 31)) == []  # closed on the cutoff day: kept
    assert store.delete_rounds_closed_before(ws, date(2026, 4, 1)) == [round_id]
    assert [r.id for r in store.list_rounds(ws)] == [kept.id]
    engine = create_engine(store_url)
    with engine.connect() as conn:
        left = [
            conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()
            for t in ("round_participants", "round_answers", "round_proposals")
        ]
    engine.dispose()
    assert left == [0, 0, 0]


def test_each_round_is_deleted_once_its_owners_retention_has_run_out(opened, store_url: str) -> None:
    store, yearly, _ = opened  # closes 2026-03-31, kept a year by default: until 2027-03-31
    ws = store.get_round(yearly).workspace_id
    p1 = store.join_round(yearly, "browser-1", "resident", today=DURING)
    store.save_answer(yearly, answer(p1, "n1", 3), today=DURING)
    short = needs_round().model_copy(update={"opens": date(2026, 5, 1), "closes": date(2026, 5, 31), "keep_days": 30})
    monthly, _ = store.create_round(ws, short, author="ann")
    assert store.delete_expired_rounds(date(2026, 6, 30)) == []  # the last day kept
    assert store.delete_expired_rounds(date(2026, 7, 1)) == [monthly.id]
    assert store.delete_expired_rounds(date(2027, 3, 31)) == []
    assert [a.item for a in store.list_answers(yearly)] == ["n1"]  # nothing of the kept round went
    assert store.delete_expired_rounds(date(2027, 4, 1)) == [yearly]
    assert store.list_rounds(ws) == []
    engine = create_engine(store_url)
    with engine.connect() as conn:
        left = conn.execute(text("SELECT count(*) FROM round_answers")).scalar_one()
    engine.dispose()
    assert left == 0


def test_a_page_of_answers_is_saved_whole_or_not_at_all(opened) -> None:
    store, round_id, _ = opened
    p1 = store.join_round(round_id, "browser-1", "resident", today=DURING)
    p2 = store.join_round(round_id, "browser-2", "business", today=DURING)
    store.save_answers(round_id, [answer(p1, "n1", 4)], today=DURING)
    with pytest.raises(StorageError, match="'n9' is not asked"):  # the second answer is refused: the first is not kept
        store.save_answers(round_id, [answer(p1, "n1", 1), answer(p1, "n9", 2)], today=DURING)
    assert [(a.item, a.rating) for a in store.list_answers(round_id)] == [("n1", 4)]
    store.save_answers(round_id, [answer(p1, "n2", 2), answer(p2, "n1", 5)], today=DURING)
    assert sorted((a.item, a.rating) for a in store.list_answers(round_id, p1)) == [("n1", 4), ("n2", 2)]
    assert [(a.item, a.rating) for a in store.list_answers(round_id, p2)] == [("n1", 5)]


def test_the_participants_who_answered_are_counted_per_round(opened) -> None:
    store, round_id, _ = opened
    ws = store.get_round(round_id).workspace_id
    other = store.create_round(ws, needs_round(), author="ann")[0].id
    p1 = store.join_round(round_id, "browser-1", "resident", today=DURING)
    store.join_round(round_id, "browser-2", "business", today=DURING)  # consented, answered nothing
    p3 = store.join_round(round_id, "browser-3", "business", today=DURING)
    store.save_answers(round_id, [answer(p1, "n1", 4), answer(p1, "n2", 2), answer(p3, "n1", None)], today=DURING)
    assert store.answering_participants(ws) == {round_id: 2}  # the round nobody answered is absent
    assert other not in store.answering_participants(ws)
