"""Accounts in the store on real SQLite and PostgreSQL: users, memberships and roles,
the first user adopting existing workspaces, the sign-in throttle across connections and threads,
presence, and the 0003 migration over a 0002 database with data in it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from storage import DuplicateNameError, LastOwnerError, NotFoundError, Store, migrate
from storage.engine import make_engine

WINDOW = timedelta(minutes=15)


def test_first_user_owns_existing_workspaces_later_users_nothing(store: Store) -> None:
    oulu = store.create_workspace("Oulu", author="ann")
    tampere = store.create_workspace("Tampere", author="ann")
    ann = store.create_user("ann", "hash-a")
    bob = store.create_user("  bob  ", "hash-b")
    assert bob.name == "bob"
    assert [(w.name, role) for w, role in store.workspaces_of(ann.id)] == [("Oulu", "owner"), ("Tampere", "owner")]
    assert store.workspaces_of(bob.id) == []
    assert store.role_in_workspace(bob.id, oulu.id) is None
    assert store.role_in_workspace(ann.id, tampere.id) == "owner"
    with pytest.raises(DuplicateNameError):
        store.create_user("ann", "other")
    assert store.password_hash("ann") == (ann, "hash-a")
    assert store.password_hash("nobody") is None
    assert [u.name for u in store.list_users()] == ["ann", "bob"]


def test_workspace_created_with_owner_and_orphans_adopted(store: Store) -> None:
    ann = store.create_user("ann", "h")
    mine = store.create_workspace("Mine", author="ann", owner_id=ann.id)
    orphan = store.create_workspace("Made while accounts were off", author="designer")
    assert [m.name for m in store.list_members(mine.id)] == ["ann"]
    assert store.list_members(orphan.id) == []
    assert store.adopt_orphan_workspaces() == 1
    assert store.role_in_workspace(ann.id, orphan.id) == "owner"
    assert store.adopt_orphan_workspaces() == 0


def test_workers_starting_together_adopt_orphans_once(store_url: str) -> None:
    """Every worker adopts orphan workspaces when it starts: at once, they must neither fail nor duplicate."""
    import threading

    with Store.open(store_url, upgrade=False) as store:
        ann = store.create_user("ann", "h")
        for i in range(20):
            store.create_workspace(f"Orphan {i}", author="designer")
    errors: list[BaseException] = []

    def start() -> None:
        try:
            with Store.open(store_url, upgrade=False) as worker:
                worker.adopt_orphan_workspaces()
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with Store.open(store_url, upgrade=False) as store:
        assert len(store.workspaces_of(ann.id)) == 20
        assert all(len(store.list_members(w.id)) == 1 for w, _role in store.workspaces_of(ann.id))


def test_members_roles_and_the_last_owner(store: Store, make_config) -> None:
    ann, bob, cem = (store.create_user(n, "h") for n in ("ann", "bob", "cem"))
    ws = store.create_workspace("Oulu", author="ann", owner_id=ann.id)
    other = store.create_workspace("Espoo", author="cem", owner_id=cem.id)
    head = store.create_configuration(ws.id, make_config(), author="ann")
    store.add_member(ws.id, "bob", "viewer", added_by="ann")
    with pytest.raises(DuplicateNameError, match="already a member"):
        store.add_member(ws.id, "bob", "editor", added_by="ann")
    with pytest.raises(NotFoundError, match="no user named 'zed'"):
        store.add_member(ws.id, "zed", "editor", added_by="ann")
    with pytest.raises(ValueError, match="role must be one of"):
        store.add_member(ws.id, "cem", "admin", added_by="ann")
    assert [(m.name, m.role) for m in store.list_members(ws.id)] == [("ann", "owner"), ("bob", "viewer")]
    assert store.role_for_configuration(bob.id, head.id) == (ws.id, "viewer")
    assert store.role_for_configuration(cem.id, head.id) == (ws.id, None)
    assert store.role_for_configuration(cem.id, 999) is None

    with pytest.raises(LastOwnerError):
        store.set_role(ws.id, ann.id, "editor")
    with pytest.raises(LastOwnerError):
        store.remove_member(ws.id, ann.id)
    store.set_role(ws.id, bob.id, "owner")
    store.set_role(ws.id, ann.id, "editor")  # now allowed: bob owns it too
    assert [(m.name, m.role) for m in store.list_members(ws.id)] == [("bob", "owner"), ("ann", "editor")]
    store.remove_member(ws.id, ann.id)
    assert store.role_in_workspace(ann.id, ws.id) is None
    with pytest.raises(NotFoundError):
        store.remove_member(ws.id, ann.id)
    assert [(m.name, m.role) for m in store.list_members(other.id)] == [("cem", "owner")]


def test_deleted_workspaces_of_a_member_newest_deletion_first(store: Store, make_config) -> None:
    """Only deleted workspaces, only the user's, with the role, newest deletion first; restoring one
    takes it off the list and back into :meth:`workspaces_of`."""
    import time

    ann, bob = store.create_user("ann", "h"), store.create_user("bob", "h")
    oulu = store.create_workspace("Oulu", author="ann", owner_id=ann.id)
    espoo = store.create_workspace("Espoo", author="ann", owner_id=ann.id)
    live = store.create_workspace("Live", author="ann", owner_id=ann.id)
    bobs = store.create_workspace("Bob's", author="bob", owner_id=bob.id)
    store.add_member(oulu.id, "bob", "editor", added_by="ann")
    store.create_configuration(oulu.id, make_config(), author="ann")
    assert store.deleted_workspaces_of(ann.id) == []
    store.delete_workspace(oulu.id, author="ann")
    time.sleep(0.01)  # distinct deletion times
    store.delete_workspace(espoo.id, author="ann")
    store.delete_workspace(bobs.id, author="bob")

    found = store.deleted_workspaces_of(ann.id)
    assert [(w.name, role) for w, role in found] == [("Espoo", "owner"), ("Oulu", "owner")]  # not Bob's, not Live
    assert found[1][0].deleted_by == "ann" and found[1][0].deleted_at is not None
    assert found[0][0].deleted_at >= found[1][0].deleted_at
    assert [(w.name, role) for w, role in store.deleted_workspaces_of(bob.id)] == [
        ("Bob's", "owner"),
        ("Oulu", "editor"),
    ]
    assert [w.name for w, _role in store.workspaces_of(ann.id)] == ["Live"]
    assert store.deleted_workspaces_of(999) == []

    store.restore_workspace(oulu.id, author="ann")
    assert [w.name for w, _role in store.deleted_workspaces_of(ann.id)] == ["Espoo"]
    assert [w.name for w, _role in store.workspaces_of(ann.id)] == ["Live", "Oulu"]
    assert len(store.list_configurations(oulu.id)) == 1
    assert live.deleted_at is None


def test_two_owners_stepping_down_at_once_leave_one(store_url: str) -> None:
    import threading

    with Store.open(store_url, upgrade=False) as store:
        ann, bob = store.create_user("ann", "h"), store.create_user("bob", "h")
        ws = store.create_workspace("Oulu", author="ann", owner_id=ann.id)
        store.add_member(ws.id, "bob", "owner", added_by="ann")
    for _round in range(5):
        barrier, outcomes = threading.Barrier(2), []

        def step_down(user_id: int) -> None:
            with Store.open(store_url, upgrade=False) as worker:
                barrier.wait()
                try:
                    worker.set_role(ws.id, user_id, "editor")
                    outcomes.append("done")
                except LastOwnerError:
                    outcomes.append("refused")

        threads = [threading.Thread(target=step_down, args=(u.id,)) for u in (ann, bob)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(outcomes) == ["done", "refused"]
        with Store.open(store_url, upgrade=False) as store:
            assert [m.role for m in store.list_members(ws.id)].count("owner") == 1
            for member in store.list_members(ws.id):
                store.set_role(ws.id, member.user_id, "owner")


def test_database_refuses_an_unknown_role(store: Store) -> None:
    ann = store.create_user("ann", "h")
    ws = store.create_workspace("Oulu", author="ann")
    with pytest.raises(DBAPIError), store.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO memberships (workspace_id, user_id, role, added_at, added_by) VALUES (:w, :u, 'root', :t, 'x')"
            ),
            {"w": ws.id, "u": ann.id, "t": datetime(2026, 1, 1)},
        )


def _age_throttle(store: Store, by: timedelta) -> None:
    """Move every counter's window start back by ``by`` (time passing, without sleeping)."""
    with store.engine.begin() as conn:
        rows = conn.execute(text("SELECT key, window_start FROM login_throttle")).all()
        for key, started in rows:
            started = datetime.fromisoformat(started) if isinstance(started, str) else started
            conn.execute(
                text("UPDATE login_throttle SET window_start = :t WHERE key = :k"), {"t": started - by, "k": key}
            )


def test_sign_in_throttle_counts_across_stores_and_windows(store_url: str) -> None:
    """Two Store objects stand for two workers: attempts reserved by one count on the other."""
    rules = {"pair": (3, WINDOW), "wide": (10, WINDOW)}
    with Store.open(store_url, upgrade=False) as one, Store.open(store_url, upgrade=False) as two:
        assert [one.reserve_sign_in(rules), two.reserve_sign_in(rules), one.reserve_sign_in(rules)] == [None] * 3
        refused = two.reserve_sign_in(rules)
        assert refused is not None and refused.key == "pair"
        assert timedelta(minutes=14) < refused.retry_after <= WINDOW
        # the refused attempt was counted nowhere: "wide" still has 7 attempts left
        assert [one.reserve_sign_in({"wide": (10, WINDOW)}) for _ in range(8)].count(None) == 7
        # a right password clears "pair" and gives back its own attempt on "wide" only
        two.sign_in_succeeded(clear=["pair"], refund=["wide"], purge_before=timedelta(hours=1))
        assert one.reserve_sign_in({"wide": (10, WINDOW)}) is None
        assert one.reserve_sign_in({"wide": (10, WINDOW)}) is not None
        assert [two.reserve_sign_in({"pair": (3, WINDOW)}) for _ in range(4)].count(None) == 3
        # an expired window starts counting again from one
        _age_throttle(one, WINDOW + timedelta(seconds=1))
        assert two.reserve_sign_in(rules) is None
        # and a success purges counters whose window ended long ago
        _age_throttle(one, timedelta(hours=2))
        two.reserve_sign_in({"fresh": (3, WINDOW)})
        two.sign_in_succeeded(clear=[], refund=[], purge_before=timedelta(hours=1))
        with one.engine.connect() as conn:
            assert [k for (k,) in conn.execute(text("SELECT key FROM login_throttle"))] == ["fresh"]


@pytest.mark.parametrize("attempts", [40])
def test_parallel_reservations_admit_at_most_the_limit(store_url: str, attempts: int) -> None:
    """40 threads, each with its own Store (its own connection pool, like a worker), released at
    once: exactly the limit is admitted per key, the rest are refused, and nothing fails."""
    import threading

    stores = [Store.open(store_url, upgrade=False) for _ in range(8)]
    start = threading.Barrier(attempts)
    results: list[object] = [None] * attempts
    # all share "account:ann"; half come from each of two addresses
    rules = [
        {f"pair:ann|{i % 2}": (5, WINDOW), f"address:{i % 2}": (30, WINDOW), "account:ann": (8, WINDOW)}
        for i in range(attempts)
    ]

    def attempt(i: int) -> None:
        start.wait()
        try:
            results[i] = stores[i % len(stores)].reserve_sign_in(rules[i]) or "admitted"
        except Exception as exc:  # noqa: BLE001 - recorded, so the assertion below names it
            results[i] = exc

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(attempts)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
    finally:
        for s in stores:
            s.close()
    errors = [r for r in results if isinstance(r, Exception)]
    assert errors == []
    admitted = [i for i, r in enumerate(results) if r == "admitted"]
    assert len(admitted) == 8  # the shared account limit, though each address alone allows 5
    assert max(sum(1 for i in admitted if i % 2 == side) for side in (0, 1)) <= 5
    refused_keys = {r.key for r in results if r != "admitted"}  # type: ignore[union-attr]  # every result but "admitted" is a SignInRefused
    assert refused_keys <= {"account:ann", "pair:ann|0", "pair:ann|1"}
    with Store.open(store_url, upgrade=False) as check, check.engine.connect() as conn:
        counts = dict(conn.execute(text("SELECT key, failures FROM login_throttle")).all())
    assert counts["account:ann"] == 8 and counts["address:0"] + counts["address:1"] == 8


def test_clear_sign_in_throttle_of_one_account(store: Store) -> None:
    for key in (
        "account:ann",
        "account:anna",
        "account+address:ann|1.2.3.4",
        "account+address:ann_|1.2.3.4",
        "address:1.2.3.4",
    ):
        store.reserve_sign_in({key: (5, WINDOW)})
    assert store.clear_sign_in_throttle(keys=["account:ann"], prefixes=["account+address:ann|"]) == 2
    with store.engine.connect() as conn:
        left = sorted(k for (k,) in conn.execute(text("SELECT key FROM login_throttle")))
    assert left == ["account+address:ann_|1.2.3.4", "account:anna", "address:1.2.3.4"]


def test_sessions_end_everywhere(store: Store) -> None:
    ann = store.create_user("ann", "h")
    assert store.end_sessions(ann.id).session_epoch == ann.session_epoch + 1
    store.set_password_hash(ann.id, "h2")
    assert store.password_hash("ann")[1] == "h2"  # type: ignore[index]  # ann exists, so there is a hash


def test_presence(store: Store, make_config) -> None:
    ws = store.create_workspace("Oulu", author="ann")
    head = store.create_configuration(ws.id, make_config(), author="ann")
    store.touch_presence(head.id, "c1", "ann")
    store.touch_presence(head.id, "c2", "bob")
    store.touch_presence(head.id, "c1", "ann")  # a heartbeat updates, never duplicates
    assert store.present(head.id, within=timedelta(seconds=45)) == [("c1", "ann"), ("c2", "bob")]
    with store.engine.begin() as conn:
        old = datetime.now(UTC) - timedelta(minutes=5)
        conn.execute(
            text("UPDATE presence SET last_seen = :t WHERE client_id = 'c2'"),
            {"t": old.replace(tzinfo=None) if store.engine.dialect.name == "sqlite" else old},
        )
    assert store.present(head.id, within=timedelta(seconds=45)) == [("c1", "ann")]
    assert store.present(head.id, within=timedelta(hours=3)) == [("c1", "ann"), ("c2", "bob")]
    with store.engine.begin() as conn:  # a page closed two hours ago ...
        old = datetime.now(UTC) - timedelta(hours=2)
        conn.execute(
            text("UPDATE presence SET last_seen = :t WHERE client_id = 'c2'"),
            {"t": old.replace(tzinfo=None) if store.engine.dialect.name == "sqlite" else old},
        )
    store.touch_presence(head.id, "c1", "ann")  # ... is swept away by the next heartbeat
    assert store.present(head.id, within=timedelta(hours=3)) == [("c1", "ann")]


def test_upgrade_from_0002_with_data(empty_db_url: str, make_config) -> None:
    """A 0002 database with workspaces, a configuration and needs upgrades to 0003: data kept,
    nobody is a member until the first account is created, which then owns everything."""
    command.upgrade(migrate.alembic_config(empty_db_url), "0002_workspace_items")
    engine = make_engine(empty_db_url)
    sqlite = engine.dialect.name == "sqlite"
    now = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
    stamp = now.replace(tzinfo=None) if sqlite else now
    from canvas_app.model import dump_configuration

    with engine.begin() as conn:
        for wid, name in ((1, "Oulu"), (2, "Tampere")):
            conn.execute(
                text("INSERT INTO workspaces (id, name, created_at, created_by) VALUES (:i, :n, :t, 'ann')"),
                {"i": wid, "n": name, "t": stamp},
            )
        conn.execute(
            text(
                "INSERT INTO configurations (id, workspace_id, name, version, created_at, created_by, updated_at, updated_by)"
                " VALUES (1, 1, 'Mobile parking', 1, :t, 'ann', :t, 'ann')"
            ),
            {"t": stamp},
        )
        conn.execute(
            text(
                "INSERT INTO revisions (configuration_id, version, author, created_at, summary, content, content_sha256,"
                " actor_count, flow_count) VALUES (1, 1, 'ann', :t, 'created', :c, 'x', 2, 1)"
            ),
            {"t": stamp, "c": dump_configuration(make_config())},
        )
        conn.execute(
            text(
                "INSERT INTO workspace_needs (workspace_id, item_id, data, updated_at, updated_by)"
                " VALUES (1, 'n1', :d, :t, 'ann')"
            ),
            {"t": stamp, "d": '{"id": "n1", "name": "Pay without a meter"}'},
        )
        if not sqlite:
            for table in ("workspaces", "configurations"):
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), 2)"))
    engine.dispose()

    command.upgrade(migrate.alembic_config(empty_db_url), "head")
    with Store.open(empty_db_url, upgrade=False) as store:
        assert [w.name for w in store.list_workspaces()] == ["Oulu", "Tampere"]
        assert store.load(1)[0] == make_config()
        assert [n.id for n in store.list_needs(1)] == ["n1"]
        assert store.list_members(1) == []
        ann = store.create_user("ann", "h")
        assert [w.name for w, role in store.workspaces_of(ann.id) if role == "owner"] == ["Oulu", "Tampere"]
        assert store.role_for_configuration(ann.id, 1) == (1, "owner")
        store.touch_presence(1, "c", "ann")
    command.downgrade(migrate.alembic_config(empty_db_url), "0002_workspace_items")
    command.upgrade(migrate.alembic_config(empty_db_url), "head")
    with Store.open(empty_db_url, upgrade=False) as store:
        assert store.list_users() == [] and store.load(1)[0] == make_config()


def test_workspace_names_are_unique_only_among_what_the_user_can_see(store: Store) -> None:
    """Another tenant may use the same name; the refusal names only one's own workspaces."""
    ann, bob = store.create_user("ann", "h"), store.create_user("bob", "h")
    store.create_workspace("Oulu", author="ann", owner_id=ann.id)
    theirs = store.create_workspace("Oulu", author="bob", owner_id=bob.id)  # refused before 0005
    assert theirs.name == "Oulu"
    with pytest.raises(DuplicateNameError, match="you already have a workspace named 'Oulu'"):
        store.create_workspace("Oulu", author="bob", owner_id=bob.id)
    store.delete_workspace(theirs.id, author="bob")
    with pytest.raises(DuplicateNameError, match="it is deleted: restore it"):
        store.create_workspace("Oulu", author="bob", owner_id=bob.id)


def test_an_invitation_is_neutral_and_makes_a_member_only_on_accept(store: Store) -> None:
    ann, bob, cem = (store.create_user(n, "h") for n in ("ann", "bob", "cem"))
    ws = store.create_workspace("Oulu", author="ann", owner_id=ann.id)
    assert store.invite(ws.id, "nobody-such", "editor", invited_by="ann") is None  # same answer as below
    assert store.invite(ws.id, "ann", "editor", invited_by="ann") is None  # already a member: nothing
    assert store.invite(ws.id, "bob", "viewer", invited_by="ann") is None
    store.invite(ws.id, "bob", "editor", invited_by="ann")  # a second one only changes the role
    assert store.role_in_workspace(bob.id, ws.id) is None  # no member without consent
    [pending] = store.invitations_for(bob.id)
    assert (pending.workspace_name, pending.role) == ("Oulu", "editor") and store.invitations_to(ws.id) == [pending]
    with pytest.raises(NotFoundError):
        store.accept_invitation(pending.id, cem.id)  # only the invitee accepts
    assert store.accept_invitation(pending.id, bob.id).role == "editor"
    assert store.role_in_workspace(bob.id, ws.id) == "editor" and store.invitations_for(bob.id) == []
    store.invite(ws.id, "cem", "viewer", invited_by="ann")
    [cems] = store.invitations_to(ws.id)
    with pytest.raises(NotFoundError):
        store.withdraw_invitation(ws.id + 1, cems.id)  # not another workspace's
    store.withdraw_invitation(ws.id, cems.id)
    store.invite(ws.id, "cem", "viewer", invited_by="ann")
    store.decline_invitation(store.invitations_for(cem.id)[0].id, cem.id)
    assert store.invitations_to(ws.id) == [] and store.role_in_workspace(cem.id, ws.id) is None
