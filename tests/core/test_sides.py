"""Platform sides as Hagiu & Wright ("Multi-sided platforms", 2015) define them, on graphs checked by hand.

A side is an affiliated customer group that interacts through the platform; an input supplier (only
supplying the platform or paid by it) and a funder are not sides.
"""

from __future__ import annotations

import pytest

from builders import config, eco
from canvas_app.analysis import evaluate, structure_report
from canvas_app.checks import run_checks
from canvas_app.commands import ChangeSet
from canvas_app.ecosystem import Ecosystem
from canvas_app.recommend import structural_suggestions
from canvas_app.scoring import CRITERIA_BY_ID

WIFI = {"op": "platform_operator", "residents": "citizen", "isp": "business"}


def wifi_flows(*extra: tuple) -> list[tuple]:
    """A municipal Wi-Fi operator: residents pay for access, an ISP sells it bandwidth."""
    return [
        ("op", "residents", "service", None, None, {"label": "Wi-Fi"}),
        ("residents", "op", "money", 2.0, 1000, {"label": "access fee"}),
        ("isp", "op", "service", None, None, {"label": "bandwidth"}),
        ("op", "isp", "money", 1500.0, 1, {"label": "backhaul fee"}),
        *extra,
    ]


def network_effects(e: Ecosystem) -> float | None:
    return CRITERIA_BY_ID["s_network_effects"].measure(e)[0]


def test_a_supplier_the_platform_only_pays_is_an_input_supplier_not_a_side():
    e = eco(WIFI, wifi_flows())
    assert e.sides == {"demand": ["residents"], "supply": []}
    assert e.input_suppliers == ["isp"] and e.non_sides == ["isp"]
    role = e.side_roles["isp"]
    assert (role.side, role.role) == (False, "input supplier")
    assert (
        role.reason
        == "supplies 'bandwidth' to Op and is only paid by it ('backhaul fee'): an input supplier, not a side"
    )
    assert e.side_roles["residents"].reason == "uses 'Wi-Fi' from Op"
    assert not e.is_multi_sided and e.cross_side_loop is None
    assert network_effects(e) == 0.0
    [flag] = [f for f in run_checks(e) if f.code == "not-multi-sided"]
    assert flag.elements == ("op", "isp")  # the platform and the supplier a flow could turn into a side
    assert "Isp only supplies it or is paid by it, an input supplier, not a side" in flag.message


def test_a_supplier_the_platform_passes_demand_data_to_is_a_side():
    # the same supplier, now getting bookings from the platform: it supplies through it as its customer
    e = eco(WIFI, wifi_flows(("op", "isp", "data", None, None, {"label": "bookings"})))
    assert e.side_roles["isp"].role == "demand and supply"
    assert e.sides == {"demand": ["residents", "isp"], "supply": ["isp"]}
    assert e.is_multi_sided and e.cross_side_loop == ("residents", "isp")
    assert network_effects(e) == 1.0  # 0.4 two sides + 0.6 the loop


def test_a_supplier_paying_to_list_is_an_affiliated_side_without_a_loop():
    # it pays the platform a listing fee and gets nothing back: two sides (0.4), no loop (no 0.6)
    flows = [
        ("op", "residents", "service"),
        ("residents", "op", "money", 1.0, 10),
        ("isp", "op", "service", None, None, {"label": "rooms"}),
        ("isp", "op", "money", 5.0, 1, {"label": "listing fee"}),
    ]
    e = eco(WIFI, flows)
    assert e.side_roles["isp"].reason == "supplies 'rooms' through Op and pays it 'listing fee': an affiliated side"
    assert e.is_multi_sided and e.cross_side_loop is None
    assert network_effects(e) == pytest.approx(0.4)


def test_an_unpaid_supplier_that_gets_nothing_is_no_side_either():
    e = eco(WIFI, wifi_flows()[:3])  # bandwidth given for nothing
    assert e.side_roles["isp"].reason == (
        "supplies 'bandwidth' to Op and gets nothing from it: an input supplier, not a side"
    )


def test_technology_vendors_and_funders_are_never_sides():
    actors = {**WIFI, "host": "technology_vendor", "eu": "funder", "backer": "business"}
    flows = wifi_flows(
        ("op", "host", "data", None, None, {"label": "data to host"}),  # data it stores, not uses
        ("host", "op", "service", None, None, {"label": "hosting"}),
        ("eu", "op", "grant", 100.0, 1),
        ("op", "eu", "knowledge", None, None, {"label": "reports"}),
        ("backer", "op", "investment", 1000.0, 1),
        ("op", "backer", "money", 50.0, 1),
        ("op", "backer", "knowledge", None, None, {"label": "investor reports"}),
    )
    e = eco(actors, flows)
    assert [(a, e.side_roles[a].role) for a in ("host", "eu", "backer")] == [
        ("host", "input supplier"),
        ("eu", "funder"),
        ("backer", "funder"),
    ]
    # it gets a dividend and reports back, and uses nothing the platform offers
    assert (
        e.side_roles["backer"].reason == "finances Op ('investment') and uses nothing it offers: a funder, not a side"
    )
    assert e.side_roles["host"].reason == (
        "a technology vendor: it supplies Op's technology (an input supplier, not a side)"
    )
    assert e.sides["supply"] == [] and not e.is_multi_sided


def test_an_actor_that_neither_supplies_nor_is_paid_exchanges_nothing():
    # a licence granted for nothing, or a fee paid for no offering: neither a side nor an input supplier
    e = eco(
        {**WIFI, "city": "city", "fan": "business"},
        wifi_flows(("city", "op", "permission"), ("fan", "op", "money", 1.0, 1)),
    )
    assert [e.side_roles[a].role for a in ("city", "fan")] == ["no exchange", "no exchange"]
    assert e.side_roles["city"].reason == "exchanges no service, goods, data or knowledge with Op"
    assert e.input_suppliers == ["isp"] and e.non_sides == ["isp", "city", "fan"]


def test_actors_without_a_flow_to_or_from_the_platform_have_no_side_role():
    e = eco({**WIFI, "shop": "business"}, wifi_flows(("shop", "residents", "goods")))
    assert set(e.side_roles) == {"residents", "isp"}


def test_two_boxes_of_one_funding_source_are_one_side():
    actors = {"op": "platform_operator", "riders": "citizen", "reporters": "citizen"}
    flows = [
        ("op", "riders", "service"),
        ("riders", "op", "money", 1.0, 100),
        ("reporters", "op", "data", None, None, {"label": "crowd reports"}),
        ("op", "reporters", "reputation", None, None, {"label": "badges"}),
    ]
    apart = eco(actors, flows)
    assert apart.side_roles["reporters"].role == "supply"
    assert apart.cross_side_loop == ("riders", "reporters") and network_effects(apart) == 1.0
    # the same residents drawn twice: one group, so one side
    same = eco(
        actors, flows, actor_riders={"funding_source": "residents"}, actor_reporters={"funding_source": "residents"}
    )
    assert not same.is_multi_sided and same.cross_side_loop is None and network_effects(same) == 0.0


def test_city_departments_are_one_public_budget_not_two_sides():
    actors = {"op": "platform_operator", "city": "city", "agency": "public_agency"}
    flows = [
        ("op", "city", "data", None, None, {"label": "dashboards"}),
        ("city", "op", "money", 100.0, 1),
        ("agency", "op", "data", None, None, {"label": "registers"}),
        ("agency", "op", "money", 50.0, 1),
    ]
    e = eco(actors, flows)
    assert e.sides == {"demand": ["city"], "supply": ["agency"]}
    assert not e.is_multi_sided  # both draw on the public budget


def test_the_structure_report_names_each_side_and_why():
    platform = structure_report(eco(WIFI, wifi_flows()))["platform"]
    assert platform["side_reasons"] == {"residents": "uses 'Wi-Fi' from Op"}
    assert platform["input_suppliers"] == ["isp"]
    assert platform["not_sides"] == {
        "isp": "supplies 'bandwidth' to Op and is only paid by it ('backhaul fee'): an input supplier, not a side"
    }


def test_the_one_sided_platform_is_offered_to_make_its_named_supplier_a_side():
    """The proposal edits the named supplier (a data flow through the platform to it) and is verified."""
    before = config(WIFI, wifi_flows())
    flag = next(f for f in evaluate(before).flags if f.code == "not-multi-sided")
    [first, *_] = structural_suggestions(flag, Ecosystem(before))
    assert first.id == "not-multi-sided:isp"
    assert first.text.startswith("Make Isp a side of Op, not only its supplier")
    assert first.clears_flag and first.reason == "Op now connects Isp with Residents."
    [(_, added)] = first.change["upsert"]["flows"]
    assert (added["source"], added["target"], added["kind"]) == ("op", "isp", "data")
    after = ChangeSet(**{k: v for k, v in first.change.items() if k != "kind"}).apply(before)
    codes = {f.code for f in evaluate(after).flags}
    assert not codes & {"not-multi-sided", "no-network-effects"}  # residents pay, the ISP gets bookings: a loop
