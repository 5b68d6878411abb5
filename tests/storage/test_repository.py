"""Behaviour of the repository API, on both engines."""

from __future__ import annotations

import pytest

from storage import ConflictError, DuplicateNameError, ModuleRecord, NotFoundError, Store


def test_workspace_lifecycle(store: Store, make_config) -> None:
    oulu = store.create_workspace("Oulu", author="ann")
    store.create_workspace("Tampere", author="ann")
    assert [w.name for w in store.list_workspaces()] == ["Oulu", "Tampere"]
    assert store.find_workspace("Oulu") == oulu
    assert store.find_workspace("Nowhere") is None
    with pytest.raises(DuplicateNameError):
        store.create_workspace("Oulu", author="bob")
    deleted = store.delete_workspace(oulu.id, author="bob")
    assert deleted.deleted_at is not None and deleted.deleted_by == "bob"
    assert [w.name for w in store.list_workspaces()] == ["Tampere"]
    assert {w.name for w in store.list_workspaces(include_deleted=True)} == {"Oulu", "Tampere"}
    with pytest.raises(DuplicateNameError, match="restore"):
        store.create_workspace("Oulu", author="bob")
    assert store.restore_workspace(oulu.id, author="bob").deleted_at is None
    assert store.get_workspace(oulu.id).name == "Oulu"
    with pytest.raises(NotFoundError):
        store.get_workspace(999)


def test_create_load_save_and_history(store: Store, make_config) -> None:
    ws = store.create_workspace("Oulu", author="ann")
    head = store.create_configuration(ws.id, make_config(actors=2), author="ann")
    assert (head.version, head.workspace_id, head.name, head.updated_by) == (1, ws.id, "Mobile parking", "ann")
    config, loaded_head = store.load(head.id)
    assert config == make_config(actors=2) and loaded_head == head

    head2 = store.save(head.id, make_config(actors=4), base_version=1, author="bob")
    assert head2.version == 2 and head2.updated_by == "bob"
    head3 = store.save(head.id, make_config(actors=3), base_version=2, author="cem", summary="trimmed")
    history = store.revisions(head.id)
    assert [(r.version, r.author) for r in history] == [(1, "ann"), (2, "bob"), (3, "cem")]
    assert history[0].summary == "created"
    # the two actors and flows bob added, by name (build_config: "Actor i", flows a chain of service/money)
    assert history[1].summary == (
        "added actors 'Actor 2', 'Actor 3', flows 'money' (Actor 1 → Actor 2), 'service' (Actor 2 → Actor 3)"
    )
    assert history[2].summary == "trimmed"
    assert store.load(head.id, 2)[0] == make_config(actors=4)
    assert store.load(head.id)[1] == head3
    with pytest.raises(NotFoundError):
        store.load(head.id, 9)


def test_stale_save_conflicts_and_writes_nothing(store: Store, make_config) -> None:
    ws = store.create_workspace("Oulu", author="ann")
    head = store.create_configuration(ws.id, make_config(actors=2), author="ann")
    store.save(head.id, make_config(actors=3), base_version=1, author="bob", summary="bob's")
    with pytest.raises(ConflictError) as caught:
        store.save(head.id, make_config(actors=5), base_version=1, author="ann")
    err = caught.value
    assert (err.current.version, err.current.author, err.current.summary) == (2, "bob", "bob's")
    assert err.current_config == make_config(actors=3) and err.base_version == 1
    assert "version 2" in str(err) and "bob" in str(err)
    assert [r.version for r in store.revisions(head.id)] == [1, 2]
    assert store.load(head.id)[0] == make_config(actors=3)
    with pytest.raises(ConflictError):  # a base from the future is just as stale
        store.save(head.id, make_config(actors=5), base_version=7, author="ann")


def test_unchanged_save_writes_nothing(store: Store, make_config) -> None:
    ws = store.create_workspace("Oulu", author="ann")
    head = store.create_configuration(ws.id, make_config(), author="ann")
    assert store.save(head.id, make_config(), base_version=1, author="ann") == head
    assert len(store.revisions(head.id)) == 1


def test_branch_links_parent(store: Store, make_config) -> None:
    ws = store.create_workspace("Oulu", author="ann")
    head = store.create_configuration(ws.id, make_config(actors=2), author="ann")
    store.save(head.id, make_config(actors=4), base_version=1, author="bob")

    alt = store.branch(head.id, version=2, name="Concession model", author="cem")
    assert (alt.parent_id, alt.parent_version, alt.version, alt.name) == (head.id, 2, 1, "Concession model")
    config, _ = store.load(alt.id)
    assert config.name == "Concession model" and len(config.actors) == 4
    assert "branched from 'Mobile parking' version 2" in store.revisions(alt.id)[0].summary
    assert [c.name for c in store.list_configurations(ws.id)] == ["Concession model", "Mobile parking"]


def test_soft_delete_configuration(store: Store, make_config) -> None:
    ws = store.create_workspace("Oulu", author="ann")
    head = store.create_configuration(ws.id, make_config(), author="ann")
    store.delete_configuration(head.id, author="bob")
    assert store.list_configurations(ws.id) == []
    assert [c.id for c in store.list_configurations(ws.id, include_deleted=True)] == [head.id]
    with pytest.raises(NotFoundError, match="deleted"):
        store.save(head.id, make_config(actors=3), base_version=1, author="ann")
    assert store.load(head.id)[0] == make_config()  # still readable: nothing is lost
    assert store.restore_configuration(head.id, author="bob").deleted_at is None
    assert store.save(head.id, make_config(actors=3), base_version=1, author="ann").version == 2


def test_deleted_workspace_refuses_new_configurations(store: Store, make_config) -> None:
    ws = store.create_workspace("Oulu", author="ann")
    store.delete_workspace(ws.id, author="ann")
    with pytest.raises(NotFoundError, match="deleted"):
        store.create_configuration(ws.id, make_config(), author="ann")


def test_a_deleted_workspace_keeps_its_configurations_but_refuses_changes(store: Store, make_config) -> None:
    ws = store.create_workspace("Oulu", author="ann")
    head = store.create_configuration(ws.id, make_config(), author="ann")
    store.delete_workspace(ws.id, author="ann")
    with pytest.raises(NotFoundError, match="deleted workspace 'Oulu'"):
        store.save(head.id, make_config(actors=3), base_version=1, author="ann")
    assert store.load(head.id)[0] == make_config() and store.get_configuration(head.id).version == 1
    store.restore_workspace(ws.id, author="ann")
    assert store.save(head.id, make_config(actors=3), base_version=1, author="ann").version == 2


def test_author_required(store: Store, make_config) -> None:
    with pytest.raises(ValueError, match="author"):
        store.create_workspace("Oulu", author="  ")


def test_workspace_items(store: Store, make_config) -> None:
    from canvas_app.workspace_model import Advantage, ModuleRecord, WorkspaceNeed

    ws = store.create_workspace("Oulu", author="ann")
    other = store.create_workspace("Tampere", author="ann")
    n1 = WorkspaceNeed(id="n1", name="Find parking fast", who="drivers", importance=5, urgency=4)
    n2 = WorkspaceNeed(id="n2", name="Open data economy", opportunity=True)
    store.upsert_need(ws.id, n1, author="ann")
    store.upsert_need(ws.id, n2, author="ann")
    store.upsert_need(other.id, n2, author="ann")
    edited = n1.model_copy(update={"importance": 2})
    store.upsert_need(ws.id, edited, author="bob")
    assert store.list_needs(ws.id) == [edited, n2]  # order of first insertion kept
    store.delete_need(ws.id, "n2")
    assert store.list_needs(ws.id) == [edited] and store.list_needs(other.id) == [n2]
    with pytest.raises(NotFoundError):
        store.delete_need(ws.id, "n2")

    adv = Advantage(id="ad1", service="parking", text="Owns the curb", state="to_be", criteria=["replicability"])
    store.upsert_advantage(ws.id, adv)
    assert store.list_advantages(ws.id) == [adv]
    store.delete_advantage(ws.id, "ad1")
    assert store.list_advantages(ws.id) == []

    text = "# our own\nid: curb-api\nname: Curb API\n"
    module = ModuleRecord(id="curb-api", text=text)
    store.put_module(ws.id, module, author="ann")
    assert store.list_modules(ws.id) == [module]
    assert store.get_module(ws.id, "curb-api").text == text  # comments survive
    store.put_module(ws.id, ModuleRecord(id="curb-api", text='{"id": "curb-api"}', format="json"))
    assert store.get_module(ws.id, "curb-api").format == "json"
    store.delete_module(ws.id, "curb-api")
    assert store.list_modules(ws.id) == []

    assert store.get_weights(ws.id) == {}
    assert store.set_weights(ws.id, {"scalability": 2, "replicability": 0.5}) == {
        "replicability": 0.5,
        "scalability": 2.0,
    }
    assert store.get_weights(ws.id) == {"replicability": 0.5, "scalability": 2.0}
    store.set_weights(ws.id, {"value_sharing": 1})
    assert store.get_weights(ws.id) == {"value_sharing": 1.0}
    with pytest.raises(ValueError):
        store.set_weights(ws.id, {"scalability": -1})
    assert store.get_weights(ws.id) == {"value_sharing": 1.0}

    store.delete_workspace(ws.id, author="ann")
    with pytest.raises(NotFoundError, match="deleted"):
        store.upsert_need(ws.id, n2)
    assert store.list_needs(ws.id) == [edited]  # still readable after a soft delete


def test_revision_sizes(store: Store, make_config) -> None:
    ws = store.create_workspace("Oulu", author="ann")
    head = store.create_configuration(ws.id, make_config(actors=3), author="ann")
    store.save(head.id, make_config(actors=5), base_version=1, author="ann")
    assert [(r.actor_count, r.flow_count) for r in store.revisions(head.id)] == [(3, 2), (5, 4)]


def test_revisions_are_append_only_in_the_database(store: Store, make_config) -> None:
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    ws = store.create_workspace("Oulu", author="ann")
    head = store.create_configuration(ws.id, make_config(), author="ann")
    for statement in ("UPDATE revisions SET summary = 'rewritten'", "DELETE FROM revisions"):
        with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as conn:
            conn.execute(text(statement))
    assert store.revisions(head.id)[0].summary == "created"


@pytest.mark.parametrize("huge", [2**31, 2**63 - 1, 2**63 + 5, 10**30])
def test_an_id_beyond_any_column_is_simply_not_found(store: Store, huge: int) -> None:
    """Ids come from browsers and command lines: one too large for the column is an unknown id, not a crash."""
    with pytest.raises(NotFoundError):
        store.get_workspace(huge)
    with pytest.raises(NotFoundError):
        store.load(huge)
    with pytest.raises(NotFoundError):
        store.get_configuration(huge)
    assert store.get_user(huge) is None


def test_module_edits_are_checked_and_written_in_one_transaction(store: Store) -> None:
    """``create`` and ``expected_digest``: a module is never overwritten by an editor who did not see the latest text."""
    from storage import StaleItemError

    ws = store.create_workspace("Oulu", author="ann")
    first = ModuleRecord(id="curb-api", text='{"id": "curb-api", "v": 1}', format="json")
    store.put_module(ws.id, first, author="ann", create=True)
    with pytest.raises(StaleItemError, match="already has a module 'curb-api'"):
        store.put_module(ws.id, first.model_copy(update={"text": '{"id": "curb-api", "v": 9}'}), create=True)
    second = ModuleRecord(id="curb-api", text='{"id": "curb-api", "v": 2}', format="json")
    store.put_module(ws.id, second, author="bob", expected_digest=first.digest())
    with pytest.raises(StaleItemError, match="changed or deleted since it was opened"):
        store.put_module(
            ws.id, first.model_copy(update={"text": '{"id": "curb-api", "v": 3}'}), expected_digest=first.digest()
        )  # ann saves from the text she opened: refused
    assert store.get_module(ws.id, "curb-api") == second
    store.delete_module(ws.id, "curb-api")
    with pytest.raises(StaleItemError):
        store.put_module(ws.id, second, expected_digest=second.digest())  # deleted meanwhile: not brought back
    assert store.list_modules(ws.id) == []


def test_concurrent_module_edits_from_one_version_have_one_winner(store: Store) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from storage import StaleItemError

    ws = store.create_workspace("Oulu", author="ann")
    opened = ModuleRecord(id="curb-api", text='{"id": "curb-api", "v": 0}', format="json")
    store.put_module(ws.id, opened, create=True)

    def save(edit: tuple[int, int]) -> str:
        text = f'{{"id": "curb-api", "v": "{edit[0]}.{edit[1]}"}}'  # every editor's text differs from every other
        try:
            store.put_module(
                ws.id,
                ModuleRecord(id="curb-api", text=text, format="json"),
                author=f"editor{edit[1]}",
                expected_digest=opened.digest(),
            )
            return "won"
        except StaleItemError:
            return "stale"

    for round_ in range(3):
        with ThreadPoolExecutor(max_workers=6) as pool:
            outcomes = list(pool.map(save, [(round_, n) for n in range(6)]))
        assert sorted(outcomes) == ["stale"] * 5 + ["won"]  # the first to take the lock wins, the others are told
        winner = store.get_module(ws.id, "curb-api")
        assert winner != opened and winner.text.startswith(f'{{"id": "curb-api", "v": "{round_}.')
        opened = winner
