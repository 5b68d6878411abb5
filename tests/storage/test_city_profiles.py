"""City profiles kept per workspace, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from canvas_app.city_profile import CityProfile, ProfileRecord
from storage import NotFoundError

UMEA = CityProfile(name="Umeå", country="Sweden", population=131_000, currency="SEK", has=["an open-data portal"])


def test_profiles_are_listed_in_the_order_added_and_replaced_by_id(store):
    ws = store.create_workspace("Oulu", author="ann")
    other = store.create_workspace("Tampere", author="ann")
    store.upsert_city_profile(ws.id, "umea", UMEA, author="ann")
    store.upsert_city_profile(ws.id, "lulea", CityProfile(name="Luleå", population=80_000), author="ann")
    assert [r.id for r in store.list_city_profiles(ws.id)] == ["umea", "lulea"]
    assert store.list_city_profiles(other.id) == []  # each workspace its own
    edited = UMEA.model_copy(update={"population": 132_000, "lacks": ["grid capacity at the sites"]})
    assert store.upsert_city_profile(ws.id, "umea", edited, author="bob") == ProfileRecord("umea", edited)
    first = store.list_city_profiles(ws.id)[0]
    assert first == ProfileRecord("umea", edited)  # the same place, the new content
    assert first.profile.lacks == ["grid capacity at the sites"]


def test_a_deleted_profile_is_gone_and_deleting_twice_says_so(store):
    ws = store.create_workspace("Oulu", author="ann")
    store.upsert_city_profile(ws.id, "umea", UMEA)
    store.delete_city_profile(ws.id, "umea")
    assert store.list_city_profiles(ws.id) == []
    with pytest.raises(NotFoundError, match="has no city profile 'umea'"):
        store.delete_city_profile(ws.id, "umea")


def test_an_unknown_workspace_is_refused(store):
    with pytest.raises(NotFoundError):
        store.list_city_profiles(9999)
