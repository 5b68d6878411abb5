"""Need-ranking weights: a prefixed group of a workspace's weights, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from canvas_app.ranking import NEED_WEIGHT_PREFIX, need_weights
from storage import NotFoundError


def test_a_group_is_replaced_without_touching_other_weights(store):
    ws = store.create_workspace("Oulu", author="ann")
    store.set_weights(ws.id, {"r_open_standards": 5, "needs_like_but_not_prefixed": 1})
    assert store.get_weight_group(ws.id, NEED_WEIGHT_PREFIX) == {}
    assert store.set_weight_group(ws.id, NEED_WEIGHT_PREFIX, {"importance": 4, "gap": 0}, author="ann") == {
        "gap": 0.0,
        "importance": 4.0,
    }
    store.set_weight_group(ws.id, NEED_WEIGHT_PREFIX, {"urgency": 2.5}, author="bob")  # replaces the group
    assert store.get_weight_group(ws.id, NEED_WEIGHT_PREFIX) == {"urgency": 2.5}
    assert store.get_weights(ws.id) == {
        "needs.urgency": 2.5,
        "needs_like_but_not_prefixed": 1.0,
        "r_open_standards": 5.0,
    }


def test_need_weights_round_trip_through_the_store(store):
    ws = store.create_workspace("Oulu", author="ann")
    wanted = {"importance": 1.0, "urgency": 0.0, "gap": 7.0, "evidence": 2.0}
    store.set_weight_group(ws.id, NEED_WEIGHT_PREFIX, wanted)
    assert need_weights(store.get_weights(ws.id)) == wanted
    assert store.get_weights(ws.id) == {f"needs.{k}": v for k, v in wanted.items()}


@pytest.mark.parametrize("bad", [{"importance": -1}, {"importance": float("nan")}, {"": 1}, {"x" * 200: 1}])
def test_bad_weights_write_nothing(store, bad):
    ws = store.create_workspace("Oulu", author="ann")
    store.set_weight_group(ws.id, NEED_WEIGHT_PREFIX, {"gap": 3})
    with pytest.raises(ValueError):
        store.set_weight_group(ws.id, NEED_WEIGHT_PREFIX, {"urgency": 1, **bad})
    assert store.get_weight_group(ws.id, NEED_WEIGHT_PREFIX) == {"gap": 3.0}


def test_a_deleted_or_missing_workspace_is_refused(store):
    ws = store.create_workspace("Oulu", author="ann")
    store.delete_workspace(ws.id, author="ann")
    with pytest.raises(NotFoundError):
        store.set_weight_group(ws.id, NEED_WEIGHT_PREFIX, {"gap": 1})
    with pytest.raises(NotFoundError):
        store.get_weight_group(999, NEED_WEIGHT_PREFIX)


def test_percent_and_underscore_in_a_prefix_are_literal(store):
    ws = store.create_workspace("Oulu", author="ann")
    store.set_weights(ws.id, {"aXb": 1})
    store.set_weight_group(ws.id, "a_", {"c": 2})
    assert store.get_weight_group(ws.id, "a_") == {"c": 2.0}
    assert store.get_weights(ws.id) == {"aXb": 1.0, "a_c": 2.0}


def test_named_weights_replace_only_those_names(store) -> None:
    ws = store.create_workspace("Named weights", author="ann")
    store.set_weight_group(ws.id, "needs.", {"urgency": 2})
    assert store.set_named_weights(ws.id, {"a", "b"}, {"a": 3}, author="ann") == {"a": 3.0}
    assert store.set_named_weights(ws.id, {"a", "b"}, {"b": 1}, author="ann") == {"b": 1.0}
    assert store.get_weights(ws.id) == {"b": 1.0, "needs.urgency": 2.0}
    with pytest.raises(ValueError, match="unknown weight name"):
        store.set_named_weights(ws.id, {"a"}, {"c": 1})
    with pytest.raises(ValueError, match="finite number"):
        store.set_named_weights(ws.id, {"a"}, {"a": float("inf")})
    assert store.get_weights(ws.id) == {"b": 1.0, "needs.urgency": 2.0}
    assert store.get_weight_group(ws.id, "needs.") == {"urgency": 2.0}
