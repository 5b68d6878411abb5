"""The replicate page's callback bodies without a browser: the plan, refusals that save nothing, suggestions."""

from __future__ import annotations

from pathlib import Path

from callbacks.replicate import create_replica, show_plan, substitutions_from, suggestions
from canvas_app.city_profile import CityProfile
from canvas_app.model import load_configuration
from canvas_app.replication import Substitution
from ui_helpers import text_of

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
UMEA = CityProfile(name="Umeå", population=131_000)


def _setup(store):
    workspace = store.create_workspace("Ours", author="tester")
    config = load_configuration(EXAMPLES / "parking-city-run.json")
    head = store.create_configuration(workspace.id, config, author="tester")
    store.upsert_city_profile(workspace.id, "umea", UMEA)
    return workspace, head


def test_the_plan_needs_a_target_and_names_bad_substitutions(services, store):
    workspace, head = _setup(store)
    assert "Choose a target city" in text_of(show_plan(services, head.id, "", "", {}))
    shown = text_of(show_plan(services, head.id, f"{workspace.id}:umea", "", {}))
    assert "Replication plan: Parking app, run by the city → Umeå" in shown and "Still to substitute" in shown
    clash = {"contracted-supplier": Substitution("Drivers")}
    assert "another actor is already named “Drivers”" in text_of(
        show_plan(services, head.id, f"{workspace.id}:umea", "", clash)
    )


def test_a_refused_replica_saves_nothing_and_a_good_one_is_saved_with_its_provenance(services, store):
    workspace, head = _setup(store)
    clash = {"contracted-supplier": Substitution("Drivers")}
    answer = create_replica(services, head.id, f"{workspace.id}:umea", "", str(workspace.id), clash)
    assert "already named" in text_of(answer)
    assert len(store.list_configurations(workspace.id)) == 1
    good = substitutions_from([{"actor": "contracted-supplier"}], ["Software vendor"], [["generic"]])
    answer = create_replica(services, head.id, f"{workspace.id}:umea", "", str(workspace.id), good)
    assert "Replica “Parking app, run by the city – Umeå” created." in text_of(answer)
    heads = store.list_configurations(workspace.id)
    assert len(heads) == 2
    replica, _ = store.load(max(h.id for h in heads))
    assert replica.actor("contracted-supplier").local is False
    assert replica.replicated_from is not None and replica.replicated_from.revision == 1


def test_counterparts_offered_are_actors_of_the_same_type_in_the_workspaces_other_configurations(services, store):
    workspace, head = _setup(store)
    other = load_configuration(EXAMPLES / "parking-open-platform.json")
    store.create_configuration(workspace.id, other, author="tester")
    opened = services.open_configuration(head.id)
    (names,) = suggestions(services, workspace.id, opened)
    vendors = {a.name for a in other.actors if a.type.value == "technology_vendor"}
    assert names == ["Broker hosting provider"] and set(names) == vendors
