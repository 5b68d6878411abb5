"""Ranking of needs and advantages (seed aims a and c)."""

from __future__ import annotations

import pytest

from builders import config
from canvas_app.evaluation import Criterion, Evaluation, Score
from canvas_app.ranking import rank_advantages, rank_needs, serving
from canvas_app.workspace_model import Advantage, WorkspaceNeed

PARKING = config(
    {"op": "platform_operator", "drivers": "citizen"},
    [("op", "drivers", "service", None, None, {"module": "m1"}), ("drivers", "op", "money")],
    modules=[{"id": "m1", "module": "mobile-parking"}],
    needs=[
        {"id": "pay", "name": "Pay without a meter", "served_by": ["f1"]},
        {"id": "find", "name": "Find a free space"},
    ],
)


def test_a_configuration_serves_a_need_it_lists_with_serving_flows():
    assert serving(WorkspaceNeed(id="pay", name="Pay"), PARKING) == (True, {"mobile-parking"})
    assert serving(WorkspaceNeed(id="find", name="x"), PARKING) == (False, set())  # listed, not served
    assert serving(WorkspaceNeed(id="other", name="pay WITHOUT a meter "), PARKING)[0]  # matched by name


def test_unserved_urgent_needs_rank_first_and_the_reasons_are_visible():
    needs = [
        WorkspaceNeed(id="pay", name="Pay", importance=5, urgency=5),
        WorkspaceNeed(id="find", name="Find", importance=4, urgency=5, evidence="survey 2025"),
        WorkspaceNeed(id="ev", name="Charge EVs", importance=2, urgency=1),
    ]
    ranked = rank_needs(needs, [PARKING])
    assert [r.need.id for r in ranked] == ["find", "pay", "ev"]
    top = ranked[0]
    assert top.parts == {"importance": 0.75, "urgency": 1.0, "gap": 1.0, "evidence": 1.0}
    assert top.score == pytest.approx(100 * (3 * 0.75 + 2 + 2 + 1) / 8, abs=0.1)
    assert ranked[1].served_by == (PARKING.name,) and ranked[1].modules == ("mobile-parking",)


def test_need_weights_are_editable():
    needs = [
        WorkspaceNeed(id="a", name="A", importance=5, urgency=1),
        WorkspaceNeed(id="b", name="B", importance=1, urgency=5),
    ]
    assert rank_needs(needs, [], {"urgency": 0})[0].need.id == "a"
    assert rank_needs(needs, [], {"importance": 0})[0].need.id == "b"


def _evaluation(values: dict[str, float]) -> Evaluation:
    criteria = tuple(Criterion(c, "replicability", c, v, 1.0, "") for c, v in values.items())
    return Evaluation({"replicability": Score("replicability", 0.0, criteria)}, ())


def test_advantages_rank_by_support_and_list_missing_modules():
    open_std = Advantage(
        id="a1",
        service="parking",
        text="Open standards make it replicable",
        criteria=["r_open_standards"],
        modules=["ngsi-ld-broker"],
    )
    generic = Advantage(id="a2", service="parking", text="Generic roles", criteria=["r_generic_roles"])
    future = Advantage(id="a3", service="parking", text="Data market", state="to_be", modules=["mobile-parking"])
    ranked = rank_advantages(
        [open_std, generic, future],
        {"parking": (PARKING, _evaluation({"r_open_standards": 0.2, "r_generic_roles": 0.9}))},
    )
    assert [r.advantage.id for r in ranked] == ["a2", "a1", "a3"]  # current first, then by support
    assert ranked[1].missing_modules == ("ngsi-ld-broker",)
    assert ranked[1].score == pytest.approx(10.0)  # (0.2 + 0 of 1 module in place) / 2
    assert ranked[2].score == 100.0 and ranked[2].missing_modules == ()
