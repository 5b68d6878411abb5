"""The structure report and the nine-block view on a graph small enough to check by hand.

The healthy platform of builders.py: the operator ``op`` sits between drivers and a provider, the city
talks to all three; drivers and the provider are not linked directly.
"""

from __future__ import annotations

import networkx as nx
import pytest

from builders import PLATFORM, config, eco, healthy_platform_flows
from canvas_app.analysis import evaluate, nine_blocks, shortest_loop_through, structure_report


@pytest.fixture()
def report():
    return structure_report(eco(PLATFORM, healthy_platform_flows()))


def test_one_component_and_no_articulation_point(report):
    assert report["actors"] == 4 and report["flows"] == 12
    assert [sorted(c) for c in report["components"]] == [["city", "drivers", "op", "provider"]]
    assert report["articulation_points"] == []  # without op, drivers still reach the provider via the city


def test_betweenness_by_hand(report):
    # Only drivers↔provider need an intermediary: two shortest paths each way, one via op and one via
    # the city, so op and the city each get 2 × ½ = 1, normalised by (n−1)(n−2) = 6.
    assert report["betweenness"] == {
        "city": pytest.approx(1 / 6, abs=1e-4),
        "op": pytest.approx(1 / 6, abs=1e-4),
        "drivers": 0.0,
        "provider": 0.0,
    }


def test_platform_sides_and_cross_side_loop(report):
    platform = report["platform"]
    assert platform["id"] == "op" and report["operator"] == "op"
    assert platform["multi_sided"] is True
    assert set(platform["cross_side_loop"]) == {"drivers", "provider"}


def test_net_value_per_actor_and_growth(report):
    net = report["net_value"]
    # op: +2,000 from drivers, +1,000 listing fees; −1,500 to the provider, −100 to the city.
    assert net["op"]["money_in"] == 3000 and net["op"]["money_out"] == 1600 and net["op"]["net"] == 1400
    assert net["provider"]["net"] == 1500 - 50 - 1000
    assert net["drivers"]["net"] == -2000
    growth = report["growth"]
    assert growth["factors"] == list(range(1, 11))
    # per-use flows (occurrences 1,000) scale; op's per-use net is 2,000 + 1,000 − 1,500 = 1,500 per ×1.
    assert growth["net_value"]["op"][0] == 1400 and growth["net_value"]["op"][9] == 1400 + 9 * 1500
    assert growth["net_value"]["provider"][9] == 450 + 9 * (1500 - 1000)


def test_value_cycles_group_everyone_with_short_example_loops(report):
    cycles = report["value_cycles"]
    assert cycles["groups"] == [["city", "drivers", "op", "provider"]]
    # actors in file order (city, op, drivers, provider); the drivers' loop is op's loop again
    assert cycles["examples"] == [["city", "op"], ["op", "drivers"], ["provider", "op"]]


def test_shortest_loop_respects_the_length_bound():
    ring = nx.DiGraph([("a", "b"), ("b", "c"), ("c", "d"), ("d", "a"), ("a", "e"), ("e", "a")])
    assert shortest_loop_through(ring, "a", 4) == ["a", "e"]
    assert shortest_loop_through(ring, "b", 4) == ["b", "c", "d", "a"]
    assert shortest_loop_through(ring, "b", 3) is None
    assert shortest_loop_through(nx.DiGraph([("x", "y")]), "x", 4) is None


def test_no_cycle_groups_in_a_one_way_chain():
    chain = structure_report(
        eco({"city": "city", "a": "business", "b": "citizen"}, [("city", "a", "money", 1, 1), ("a", "b", "service")])
    )
    assert chain["value_cycles"] == {"groups": [], "examples": []}
    assert chain["articulation_points"] == ["a"]


def test_evaluate_carries_the_report_unless_asked_not_to():
    cfg = config(PLATFORM, healthy_platform_flows())
    assert evaluate(cfg, recommend=False).structure["operator"] == "op"
    assert evaluate(cfg, recommend=False, structure=False).structure == {}


def test_nine_blocks_seen_from_the_operator():
    blocks = nine_blocks(config(PLATFORM, healthy_platform_flows()))
    # providers pay a listing fee and buy an operating permit: a second segment, not only a supplier
    assert blocks["customer_segments"] == ["Drivers", "Provider"]
    assert blocks["value_propositions"] == [
        "parking (Drivers)",
        "street space (Drivers)",
        "operating permit (Provider)",
    ]
    assert blocks["revenue_streams"] == ["money from Drivers", "listing fee from Provider"]
    assert blocks["cost_structure"] == ["money → Provider", "money → City"]
    assert blocks["key_partnerships"] == ["Provider: parking spaces"]
    assert blocks["key_resources"] == ["licence (City)"]
    assert blocks["key_activities"] == ["parking → Drivers", "occupancy → City"]
    assert blocks["customer_relationships"] == ["satisfaction from Drivers"]
