"""The history's line for a revision names what changed (``named_summary``): actors by name, flows by
label and their two actors, counts past three elements of a collection, moves counted, fields listed."""

from __future__ import annotations

from builders import config
from canvas_app.diff import named_summary

RIDERS = {"riders": "citizen", "operator": "platform_operator", "city": "city"}
SUBSCRIPTION = ("riders", "operator", "money", 9.0, 12, {"label": "monthly subscription"})


def test_a_single_added_actor_is_named():
    assert named_summary(config(RIDERS), config({**RIDERS, "parking_operator": "business"})) == (
        "added actor 'Parking Operator'"
    )


def test_an_edited_flow_is_named_by_its_label_with_its_two_actors():
    old = config(RIDERS, [SUBSCRIPTION, ("city", "operator", "permission")])
    raised = (*SUBSCRIPTION[:3], 10.0, *SUBSCRIPTION[4:])
    assert named_summary(old, config(RIDERS, [raised, ("city", "operator", "permission")])) == (
        "edited flow 'monthly subscription' (Riders → Operator)"
    )
    # no label: the flow is called by its kind
    licence = ("city", "operator", "permission", None, None, {"standards": ["NGSI-LD"]})
    assert named_summary(old, config(RIDERS, [SUBSCRIPTION, licence])) == "edited flow 'permission' (City → Operator)"


def test_a_deleted_actor_takes_its_flows_along_as_a_count():
    flows = [
        SUBSCRIPTION,
        ("operator", "riders", "service", None, None, {"label": "rides"}),
        ("city", "riders", "service", None, None, {"label": "street space"}),
        ("city", "operator", "permission", None, None, {"label": "licence"}),
    ]
    old = config(RIDERS, flows, actor_riders={"name": "Citizens"})
    kept = {"operator": "platform_operator", "city": "city"}
    new = config(kept).model_copy(update={"flows": [old.flows[3]]})  # the kept flow keeps its id, f4
    assert named_summary(old, new) == "deleted actor 'Citizens' and 3 flows"
    # a flow deleted on its own is still named, in a phrase of its own
    alone = new.model_copy(update={"flows": []})
    assert named_summary(old, alone) == (
        "deleted actor 'Citizens' and 3 flows; deleted flow 'licence' (City → Operator)"
    )


def test_moving_actors_only_counts_them_and_moving_with_an_edit_is_an_edit():
    old = config(RIDERS, actor_riders={"position": {"x": 0, "y": 0}}, actor_city={"position": {"x": 5, "y": 5}})
    moved = config(RIDERS, actor_riders={"position": {"x": 40, "y": 0}}, actor_city={"position": {"x": 5, "y": 9}})
    assert named_summary(old, moved) == "moved 2 actors"
    renamed = config(
        RIDERS,
        actor_riders={"position": {"x": 40, "y": 0}, "name": "Commuters"},
        actor_city={"position": {"x": 5, "y": 5}},
    )
    assert named_summary(old, renamed) == "edited actor 'Commuters'"
    # a first position (none before) is a move too
    assert named_summary(config(RIDERS), config(RIDERS, actor_city={"position": {"x": 1, "y": 2}})) == "moved 1 actor"


def test_more_than_three_elements_of_a_collection_are_counted_each_collection_on_its_own():
    many = {f"a{i}": "business" for i in range(5)}
    chain = [(f"a{i}", f"a{i + 1}", "money") for i in range(4)]
    assert named_summary(config({}), config(many, chain)) == "added 5 actors, 4 flows"
    # four actors added are counted, the one flow beside them is named
    four = {f"a{i}": "business" for i in range(1, 5)}
    assert named_summary(config({"a0": "city"}), config({"a0": "city", **four}, [("a0", "a1", "data")])) == (
        "added 4 actors, flow 'data' (A0 → A1)"
    )
    # three is still named; added and deleted count together per collection
    assert named_summary(config({"a0": "city", "x": "city"}), config({"a0": "city", "b": "city", "c": "city"})) == (
        "added actors 'B', 'C'; deleted actor 'X'"
    )
    assert named_summary(config({"x": "city", "y": "city"}), config({"b": "city", "c": "city"})) == (
        "added 2 actors; deleted 2 actors"
    )


def test_edited_fields_are_listed_by_name():
    old = config(RIDERS)
    new = old.model_copy(update={"name": "Parking Oulu", "city": "Oulu", "weights": {"scalability": 2.0}})
    assert named_summary(old, new) == "edited name, city, weights"
    assert named_summary(old, old) == "no change"


def test_names_are_kept_on_one_line_and_cut_past_sixty_characters():
    long_name = "Regional public transport authority of the greater metropolitan area"  # 68 characters
    old = config(RIDERS)
    new = config(
        {**RIDERS, "a": "city", "b": "business"},
        actor_a={"name": "Park\n and   ride\toperator"},
        actor_b={"name": long_name},
    )
    assert named_summary(old, new) == (
        "added actors 'Park and ride operator', 'Regional public transport authority of the greater metropol…'"
    )
    assert len("Regional public transport authority of the greater metropol…") == 60  # 59 kept, and "…"


def test_a_module_is_named_from_its_stored_definition_with_what_it_brings_as_counts():
    module = {"id": "m1", "module": "payment-gateway", "definition": {"name": "Payment  gateway"}}
    old = config(RIDERS, [SUBSCRIPTION])
    gateway = [
        ("operator", "psp", "money", None, None, {"module": "m1"}),
        ("psp", "operator", "service", None, None, {"module": "m1"}),
    ]
    new = config(
        {**RIDERS, "psp": "service_provider"}, [SUBSCRIPTION, *gateway], modules=[module], actor_psp={"module": "m1"}
    )
    assert named_summary(old, new) == "added module 'Payment gateway' and 1 actor, 2 flows"
    assert named_summary(new, old) == "deleted module 'Payment gateway' and 1 actor, 2 flows"
    # a file that refers to the library module by id alone carries no name: counted, never shown by id
    by_id = new.model_copy(update={"modules": [new.modules[0].model_copy(update={"definition": {}})]})
    assert named_summary(old, by_id) == "added 1 module and 1 actor, 2 flows"
