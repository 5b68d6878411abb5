"""The audit log on real SQLite and PostgreSQL: each audited change appends exactly one event in
its own transaction (a refused change leaves none), a workspace's log holds its own events and its
members' sign-ins, newest first, and the invitation event reads the same whether the name exists."""

from __future__ import annotations

import pytest

from storage import AuditActor, LastOwnerError, NotFoundError, Store

ANN = AuditActor(1, "ann", "10.0.0.7")


def _log(store: Store, workspace_id: int | None = None) -> list[tuple[str, str, int | None, str]]:
    return [(e.action, e.user_name, e.workspace_id, e.detail) for e in store.audit_log(workspace_id)]


def test_member_changes_recorded_newest_first(store: Store) -> None:
    ann = store.create_user("ann", "h")
    bob = store.create_user("bob", "h")
    ws = store.create_workspace("Oulu", author="ann", owner_id=ann.id)
    actor = AuditActor(ann.id, "ann", "10.0.0.7")
    store.add_member(ws.id, "bob", "editor", added_by="ann", audit=actor)
    store.set_role(ws.id, bob.id, "viewer", audit=actor)
    store.set_role(ws.id, bob.id, "viewer", audit=actor)  # no change: no event
    store.remove_member(ws.id, bob.id, audit=actor)
    assert _log(store, ws.id) == [
        ("member removed", "ann", ws.id, "bob (viewer)"),
        ("role changed", "ann", ws.id, "bob: editor to viewer"),
        ("member added", "ann", ws.id, "bob as editor"),
    ]
    event = store.audit_log(ws.id)[0]
    assert (event.user_id, event.address, event.configuration_id) == (ann.id, "10.0.0.7", None)
    assert event.at.tzinfo is not None


def test_refused_change_leaves_no_record(store: Store) -> None:
    ann = store.create_user("ann", "h")
    ws = store.create_workspace("Oulu", author="ann", owner_id=ann.id)
    with pytest.raises(LastOwnerError):
        store.set_role(ws.id, ann.id, "viewer", audit=ANN)
    with pytest.raises(LastOwnerError):
        store.remove_member(ws.id, ann.id, audit=ANN)
    with pytest.raises(NotFoundError):
        store.add_member(ws.id, "nobody", "editor", added_by="ann", audit=ANN)
    assert store.audit_log(ws.id) == []
    assert store.audit_log() == []


def test_invitation_event_same_words_for_unknown_names(store: Store) -> None:
    ann = store.create_user("ann", "h")
    cem = store.create_user("cem", "h")
    ws = store.create_workspace("Oulu", author="ann", owner_id=ann.id)
    store.invite(ws.id, "cem", "viewer", invited_by="ann", audit=ANN)
    store.invite(ws.id, "  nobody ", "viewer", invited_by="ann", audit=ANN)
    store.invite(ws.id, "ann", "viewer", invited_by="ann", audit=ANN)  # already a member
    (invitation,) = store.invitations_for(cem.id)
    store.accept_invitation(invitation.id, cem.id, audit=AuditActor(cem.id, "cem", "10.0.0.9"))
    assert _log(store, ws.id) == [
        ("invitation accepted", "cem", ws.id, "cem as viewer"),
        ("invitation", "ann", ws.id, "ann as viewer"),
        ("invitation", "ann", ws.id, "nobody as viewer"),
        ("invitation", "ann", ws.id, "cem as viewer"),
    ]


def test_deletes_and_restores_recorded_once(store: Store, make_config) -> None:
    ws = store.create_workspace("Oulu", author="local")
    other = store.create_workspace("Tampere", author="local")
    head = store.create_configuration(ws.id, make_config("Parking"), author="local")
    local = AuditActor(None, "local", "127.0.0.1")
    store.delete_configuration(head.id, author="local", audit=local)
    store.delete_configuration(head.id, author="local", audit=local)  # already deleted: no second event
    store.restore_configuration(head.id, author="local", audit=local)
    store.delete_workspace(ws.id, author="local", audit=local)
    with pytest.raises(NotFoundError):  # inside a deleted workspace: refused, not recorded
        store.delete_configuration(head.id, author="local", audit=local)
    store.restore_workspace(ws.id, author="local", audit=local)
    store.delete_workspace(other.id, author="local", audit=local)
    assert _log(store, ws.id) == [
        ("workspace restored", "local", ws.id, "Oulu"),
        ("workspace deleted", "local", ws.id, "Oulu"),
        ("configuration restored", "local", ws.id, "Parking"),
        ("configuration deleted", "local", ws.id, "Parking"),
    ]
    assert [e.configuration_id for e in store.audit_log(ws.id)] == [None, None, head.id, head.id]
    assert _log(store, other.id) == [("workspace deleted", "local", other.id, "Tampere")]
    assert len(store.audit_log()) == 5
    assert len(store.audit_log(limit=2)) == 2


def test_workspace_log_shows_its_members_sign_ins_only(store: Store) -> None:
    ann = store.create_user("ann", "h")
    bob = store.create_user("bob", "h")
    ws = store.create_workspace("Oulu", author="ann", owner_id=ann.id)
    store.record_audit("sign-in", AuditActor(ann.id, "ann", "10.0.0.7"))
    store.record_audit("sign-in failed", AuditActor(ann.id, "ann", "10.0.0.8"))
    store.record_audit("sign-in", AuditActor(bob.id, "bob", "10.0.0.9"))  # not a member of Oulu
    store.record_audit("sign-in failed", AuditActor(None, "mallory", "10.6.6.6"))  # no such account
    store.end_sessions(ann.id, audit=AuditActor(ann.id, "ann", "10.0.0.7"))
    assert [(e.action, e.user_name, e.address) for e in store.audit_log(ws.id)] == [
        ("sign-out", "ann", "10.0.0.7"),
        ("sign-in failed", "ann", "10.0.0.8"),
        ("sign-in", "ann", "10.0.0.7"),
    ]
    assert [e.user_name for e in store.audit_log()] == ["ann", "mallory", "bob", "ann", "ann"]
