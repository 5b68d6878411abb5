"""Unit tests of the editor's undoable commands (canvas_app.commands)."""

from __future__ import annotations

import json

import pytest

from canvas_app.commands import (
    AddActor,
    AddFlow,
    ChangeSet,
    DeleteActor,
    DeleteElements,
    DeleteFlow,
    MoveNodes,
    UpdateActor,
    UpdateDetails,
    UpdateFlow,
    command_from_dict,
    perform,
)
from canvas_app.model import Configuration, ConfigurationError


@pytest.fixture()
def config() -> Configuration:
    return Configuration.model_validate(
        {
            "name": "Parking",
            "actors": [
                {"id": "city", "name": "City", "type": "city", "position": {"x": 0, "y": 0}},
                {"id": "drivers", "name": "Drivers", "type": "citizen", "count": 100},
                {"id": "op", "name": "Operator", "type": "platform_operator"},
            ],
            "flows": [
                {"id": "f1", "source": "drivers", "target": "op", "kind": "money", "amount": 2},
                {"id": "f2", "source": "op", "target": "drivers", "kind": "service"},
            ],
            "needs": [{"id": "n1", "name": "Pay", "actor": "drivers", "served_by": ["f2"]}],
        }
    )


COMMANDS = [
    AddActor({"id": "vendor", "name": "Vendor", "type": "technology_vendor"}),
    UpdateActor("drivers", {"name": "Car drivers", "count": 200}),
    DeleteActor("drivers"),
    AddFlow({"id": "f3", "source": "city", "target": "op", "kind": "permission", "label": "concession"}),
    UpdateFlow("f1", {"amount": 3.5, "standards": ["MIM1"]}),
    DeleteFlow("f2"),
    MoveNodes({"city": [10, 20], "op": [30.25, 40]}),
    DeleteElements(["city", "drivers"], ["f2"]),
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c.kind)
def test_cmd001_apply_then_undo_restores_exactly(config, command):
    after, step = perform(config, command)
    assert after != config
    assert step.undo.apply(after) == config
    assert step.redo.apply(config) == after


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c.kind)
def test_cmd002_round_trips_through_json(config, command):
    rebuilt = command_from_dict(json.loads(json.dumps(command.to_dict())))
    assert rebuilt == command
    assert rebuilt.apply(config) == command.apply(config)


def test_cmd003_delete_actor_cascades_and_undo_restores_needs(config):
    after, step = perform(config, DeleteActor("drivers"))
    assert [f.id for f in after.flows] == []
    assert after.needs[0].served_by == [] and after.needs[0].actor is None
    restored = step.undo.apply(after)
    assert restored.needs[0].served_by == ["f2"]
    assert [a.id for a in restored.actors] == ["city", "drivers", "op"]


@pytest.mark.parametrize(
    "command, words",
    [
        (AddActor({"id": "x", "name": "", "type": "city"}), "name"),
        (AddActor({"id": "city", "name": "Again", "type": "city"}), "used twice"),
        (AddFlow({"id": "f9", "source": "op", "target": "op", "kind": "data"}), "both 'op'"),
        (UpdateFlow("f1", {"amount": -1}), "amount"),
        (UpdateActor("drivers", {"count": -5}), "count"),
        (AddFlow({"id": "f9", "source": "op", "target": "ghost", "kind": "data"}), "ghost"),
        (UpdateActor("nobody", {"name": "x"}), "no longer exists"),
    ],
)
def test_cmd004_bad_edits_raise_readable_errors_and_leave_config(config, command, words):
    before = config.model_dump()
    with pytest.raises(ConfigurationError) as info:
        command.apply(config)
    assert words in "\n".join(info.value.problems)
    assert config.model_dump() == before


def test_delete_elements_takes_actors_their_flows_and_the_chosen_flows_in_one_step(config):
    after, step = perform(config, DeleteElements(["drivers"], []))
    assert [a.id for a in after.actors] == ["city", "op"] and after.flows == []  # both flows touched drivers
    assert after.needs[0].actor is None and after.needs[0].served_by == []
    assert step.undo.apply(after) == config
    only_flow, _ = perform(config, DeleteElements([], ["f1"]))
    assert [f.id for f in only_flow.flows] == ["f2"] and len(only_flow.actors) == 3
    assert DeleteElements(["a", "b"], ["f1"]).describe() == "delete 2 actors and 1 flow"


def test_delete_elements_deletes_nothing_when_one_element_is_gone(config):
    with pytest.raises(ConfigurationError) as info:
        DeleteElements(["drivers", "ghost"], ["f9"]).apply(config)
    assert info.value.problems == ["'ghost' no longer exists", "'f9' no longer exists"]


def test_cmd007_changeset_touched_and_unknown_command(config):
    _, step = perform(config, DeleteActor("drivers"))
    assert step.redo.touched() == {"actors": {"drivers"}, "flows": {"f1", "f2"}, "needs": {"n1"}}
    with pytest.raises(ConfigurationError):
        command_from_dict({"kind": "rm -rf"})
    assert isinstance(command_from_dict(ChangeSet().to_dict()), ChangeSet)


def test_update_details_changes_only_the_configurations_own_fields(config):
    after, step = perform(config, UpdateDetails({"name": "Parking, concession", "city": "Oulu", "period": "month"}))
    assert (after.name, after.city, after.period) == ("Parking, concession", "Oulu", "month")
    assert after.actors == config.actors and after.flows == config.flows
    assert step.redo.fields == {"name": "Parking, concession", "city": "Oulu", "period": "month"}
    assert step.undo.apply(after) == config
    assert command_from_dict(json.loads(json.dumps(UpdateDetails({"name": "x"}).to_dict()))) == UpdateDetails(
        {"name": "x"}
    )
    with pytest.raises(ConfigurationError, match="actors: not a detail of the configuration"):
        UpdateDetails({"actors": []}).apply(config)
    with pytest.raises(ConfigurationError, match="name: string should have at least 1 character"):
        UpdateDetails({"name": ""}).apply(config)


def test_editing_an_estimated_quantity_makes_it_entered(config):
    """Saving the side panel with the estimate unchanged keeps it an estimate; a changed or cleared one is entered."""
    data = config.model_dump(mode="json")
    data["flows"][0].update(amount=0.25, occurrences=1200, estimated=["amount", "occurrences"])
    estimated = Configuration.model_validate(data)
    same = UpdateFlow("f1", {"label": "fee", "amount": 0.25, "occurrences": 1200}).apply(estimated)
    assert same.flow("f1").estimated == ["amount", "occurrences"]
    edited = UpdateFlow("f1", {"label": "fee", "amount": 0.4, "occurrences": 1200}).apply(estimated)
    assert edited.flow("f1").estimated == ["occurrences"] and edited.flow("f1").amount == 0.4
    cleared = UpdateFlow("f1", {"occurrences": None}).apply(estimated)
    assert cleared.flow("f1").estimated == ["amount"] and cleared.flow("f1").occurrences is None


def test_change_sets_carry_estimates_and_population_both_ways(config):
    """Undo and redo are change sets between revisions: an estimate made entered, or a population cleared, comes back."""
    from canvas_app.commands import changeset_between

    data = config.model_dump(mode="json") | {"population": 5000}
    data["flows"][0].update(amount=0.25, estimated=["amount"])
    before = Configuration.model_validate(data)
    after = UpdateFlow("f1", {"amount": 3.0}).apply(UpdateDetails({"population": None}).apply(before))
    assert (after.population, after.flow("f1").estimated) == (None, [])
    assert changeset_between(after, before).apply(after) == before
    assert changeset_between(before, after).apply(before) == after
