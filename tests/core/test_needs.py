"""Needs and opportunities: which configurations and modules serve each need, and the weighted ranking.

Every expected number here is worked out by hand in the comments.
"""

from __future__ import annotations

import pytest

from builders import config
from canvas_app.checks import check_unmet_needs
from canvas_app.ecosystem import Ecosystem
from canvas_app.ranking import (
    DEFAULT_NEED_WEIGHTS,
    check_need_weights,
    map_need,
    need_weights,
    rank_needs,
    unserved_needs,
)
from canvas_app.weights import WeightError
from canvas_app.workspace_model import WorkspaceNeed

PARKING = config(
    {"op": "platform_operator", "drivers": "citizen"},
    [("op", "drivers", "service", None, None, {"module": "m1", "label": "pay by phone"}), ("drivers", "op", "money")],
    modules=[{"id": "m1", "module": "mobile-parking"}],
    needs=[
        {"id": "pay", "name": "Pay without a meter", "served_by": ["f1"]},
        {"id": "find", "name": "Find a free space"},
    ],
)
WIFI = config(
    {"city": "city", "people": "citizen"},
    [("city", "people", "service", None, None, {"label": "free Wi-Fi"})],
    needs=[
        {"id": "online", "name": "Get online", "served_by": ["f1"]},
        {"id": "x", "name": "pay without a METER", "served_by": ["f1"]},
    ],
)

A = WorkspaceNeed(id="pay", name="Pay without a meter", importance=5, urgency=1)
B = WorkspaceNeed(id="find", name="Find a free space", importance=1, urgency=5, evidence="survey 2025")


def test_map_need_lists_each_configuration_with_its_serving_flows_and_modules():
    services = map_need(A, [PARKING, WIFI])
    assert [(s.configuration, s.name, s.served) for s in services] == [(0, "test", True), (1, "test", True)]
    assert services[0].flows == ("pay by phone (Op → Drivers)",) and services[0].modules == ("mobile-parking",)
    assert services[1].flows == ("free Wi-Fi (City → People)",) and services[1].modules == ()  # matched by name


def test_a_need_listed_without_serving_flows_is_mapped_but_not_served_exactly_like_the_unmet_need_flag():
    (listed,) = map_need(B, [PARKING, WIFI])
    assert (listed.configuration, listed.served, listed.flows) == (0, False, ())
    flagged = check_unmet_needs(Ecosystem(PARKING))
    assert flagged[0].code == "unmet-need" and flagged[0].elements == ("find",)
    assert map_need(WorkspaceNeed(id="nowhere", name="Charge EVs"), [PARKING, WIFI]) == ()


def test_unserved_needs_are_listed_in_rank_order():
    ev = WorkspaceNeed(id="ev", name="Charge EVs", importance=2, urgency=2)
    ranked = rank_needs([A, B, ev], [PARKING])  # find 62.5, ev 100 * (3*.25 + 2*.25 + 2)/8 = 40.6, pay 37.5
    assert [(r.need.id, r.score, r.unserved) for r in ranked] == [
        ("find", 62.5, True),
        ("ev", 40.6, True),
        ("pay", 37.5, False),
    ]
    assert [r.need.id for r in unserved_needs(ranked)] == ["find", "ev"]


def test_changing_a_weight_changes_the_order_as_computed_by_hand():
    # default weights importance 3, urgency 2, gap 2, evidence 1 (total 8):
    #   A: importance 1.0, urgency 0, gap 0 (served), evidence 0 -> 100 * 3/8 = 37.5
    #   B: importance 0, urgency 1.0, gap 1 (unserved), evidence 1 -> 100 * (2+2+1)/8 = 62.5
    ranked = rank_needs([A, B], [PARKING])
    assert [(r.need.id, r.score) for r in ranked] == [("find", 62.5), ("pay", 37.5)]
    # importance 10 (total 15): A -> 100 * 10/15 = 66.7, B -> 100 * 5/15 = 33.3
    ranked = rank_needs([A, B], [PARKING], {"importance": 10})
    assert [(r.need.id, r.score) for r in ranked] == [("pay", 66.7), ("find", 33.3)]


def test_ties_keep_the_order_given():
    twins = [WorkspaceNeed(id="b", name="B"), WorkspaceNeed(id="a", name="A")]
    assert [r.need.id for r in rank_needs(twins, [])] == ["b", "a"]


def test_need_weights_are_stored_under_their_own_prefix_beside_score_weights():
    stored = {"r_open_standards": 5.0, "needs.importance": 1.0, "needs.gap": 4.0, "importance": 9.0}
    assert need_weights(stored) == {"importance": 1.0, "urgency": 2.0, "gap": 4.0, "evidence": 1.0}
    assert need_weights({}) == DEFAULT_NEED_WEIGHTS


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ({"importance": "x", "urgency": 1, "gap": 1, "evidence": 1}, "Importance: enter a weight from 0 to 10."),
        ({"importance": 1, "urgency": -1, "gap": 1, "evidence": 1}, "Urgency: enter a weight from 0 to 10."),
        ({"importance": 1, "urgency": 1, "gap": 11, "evidence": 1}, "Gap: enter a weight from 0 to 10."),
        ({"importance": 1, "urgency": 1, "gap": "nan", "evidence": 1}, "Gap: enter a weight from 0 to 10."),
        ({"importance": 0, "urgency": 0, "gap": 0, "evidence": 0}, "Give at least one criterion a weight above 0."),
    ],
)
def test_bad_weights_are_refused_with_a_message_naming_the_criterion(raw, problem):
    with pytest.raises(WeightError) as refused:
        check_need_weights(raw)
    assert refused.value.problems == [problem]


def test_good_weights_parse_to_numbers():
    assert check_need_weights({"importance": "2.5", "urgency": 0, "gap": 1, "evidence": 10}) == {
        "importance": 2.5,
        "urgency": 0.0,
        "gap": 1.0,
        "evidence": 10.0,
    }


def test_serving_a_need_adds_or_updates_the_configurations_own_entry_and_clears_the_flag():
    from pydantic import ValidationError

    from canvas_app.ranking import with_need_served

    served = with_need_served(PARKING, B, ["f1"])  # "find" is listed unserved: now served by f1
    assert [(n.id, n.served_by) for n in served.needs] == [("pay", ["f1"]), ("find", ["f1"])]
    assert check_unmet_needs(Ecosystem(served)) == []
    ev = WorkspaceNeed(id="ev", name="Charge EVs", importance=2, urgency=4, evidence="fleet study")
    added = with_need_served(PARKING, ev, ["f2", "f2"])
    assert added.needs[-1].model_dump() == {
        "id": "ev",
        "name": "Charge EVs",
        "actor": None,
        "importance": 2,
        "urgency": 4,
        "evidence": "fleet study",
        "served_by": ["f2"],
    }
    assert map_need(ev, [added])[0].served
    unserved = with_need_served(PARKING, A, [])
    assert not map_need(A, [unserved])[0].served
    with pytest.raises(ValidationError, match="no flow has id 'f9'"):
        with_need_served(PARKING, A, ["f9"])
