"""Each flag code on a small graph whose answer is worked out by hand."""

from __future__ import annotations

import pytest

from builders import PLATFORM, config, eco, healthy_platform_flows
from canvas_app.checks import CHECKS, funding_hhi, grant_share, run_checks
from canvas_app.judging import build_ecosystem
from canvas_app.library import place_module
from canvas_app.module_schema import ModuleDefinition
from canvas_app.scoring import CRITERIA_BY_ID


def codes(e) -> set[str]:
    return {f.code for f in run_checks(e)}


def test_healthy_two_sided_platform_raises_no_structural_flag():
    e = eco(PLATFORM, healthy_platform_flows())
    assert codes(e) == set(), [f.message for f in run_checks(e)]


def test_isolated_actor_is_named():
    e = eco({**PLATFORM, "ghost": "business"}, healthy_platform_flows())
    [finding] = [f for f in run_checks(e) if f.code == "isolated-actor"]
    assert finding.elements == ("ghost",)
    assert finding.criterion == "su_reciprocity"


def test_disconnected_ecosystem_lists_the_minor_part():
    flows = healthy_platform_flows() + [("a", "b", "service"), ("b", "a", "money", 1, 1)]
    e = eco({**PLATFORM, "a": "business", "b": "business"}, flows)
    [finding] = [f for f in run_checks(e) if f.code == "disconnected-ecosystem"]
    assert set(finding.elements) == {"a", "b"}
    assert finding.severity == "high"


def test_no_return_when_actor_only_gives():
    e = eco({"city": "city", "vendor": "technology_vendor"}, [("vendor", "city", "service")])
    assert {f.code: f.elements for f in run_checks(e)}["no-return"] == ("vendor",)


def test_free_rider_is_a_non_customer_that_only_receives():
    e = eco(
        {"city": "city", "firm": "business", "people": "citizen"},
        [("city", "firm", "data"), ("city", "people", "service"), ("people", "city", "money", 1, 1)],
    )
    found = {f.code: f.elements for f in run_checks(e)}
    assert found["free-rider"] == ("firm",)  # citizens receiving public value are not free riders


def test_no_revenue_for_operator_without_income():
    e = eco({"op": "platform_operator", "people": "citizen"}, [("op", "people", "service"), ("people", "op", "data")])
    assert "no-revenue" in codes(e)


def test_no_revenue_falls_back_to_sole_service_provider():
    e = eco({"sp": "service_provider", "people": "citizen"}, [("sp", "people", "service"), ("people", "sp", "data")])
    [finding] = [f for f in run_checks(e) if f.code == "no-revenue"]
    assert finding.elements == ("sp",)


def test_negative_net_value_only_for_business_actors_and_only_money():
    flows = [
        ("people", "op", "money", 1.0, 100),  # +100 for op
        ("op", "vendor", "money", 150.0, 1),  # -150 for op → net -50
        ("funder", "op", "grant", 1000.0, 1),  # financing: not counted
        ("op", "people", "service"),
        ("vendor", "op", "service"),
        ("city", "people", "money", 10.0, 1),  # the city may pay for public value
        ("people", "city", "reputation"),
        ("op", "funder", "reputation"),
    ]
    e = eco(
        {
            "city": "city",
            "op": "platform_operator",
            "people": "citizen",
            "vendor": "technology_vendor",
            "funder": "funder",
        },
        flows,
    )
    [finding] = [f for f in run_checks(e) if f.code == "negative-net-value"]
    assert finding.elements == ("op",)
    assert e.net_values["op"].net == pytest.approx(-50.0)
    assert e.net_values["op"].financing_in == pytest.approx(1000.0)


def test_a_company_that_only_pays_is_a_customer_not_a_loss_but_one_that_sells_must_break_even():
    flows = [
        ("people", "op", "money", 1.0, 100),  # +100 for op
        ("op", "people", "service"),
        ("advertiser", "op", "money", 40.0, 1),  # advertiser -40: the price of reach, not a loss
        ("op", "advertiser", "reputation"),
        ("op", "cleaner", "money", 30.0, 1),  # cleaner +30 ...
        ("cleaner", "supplier", "money", 50.0, 1),  # ... -50: sells at a loss → net -20
        ("cleaner", "op", "service"),
        ("supplier", "cleaner", "goods"),
    ]
    e = eco(
        {
            "op": "platform_operator",
            "people": "citizen",
            "advertiser": "business",
            "cleaner": "business",
            "supplier": "technology_vendor",
        },
        flows,
    )
    assert e.net_values["advertiser"].net == pytest.approx(-40.0)
    assert e.net_values["cleaner"].net == pytest.approx(-20.0)
    assert set(e.must_break_even) == {"op", "cleaner", "supplier"}
    [finding] = [f for f in run_checks(e) if f.code == "negative-net-value"]
    assert finding.elements == ("cleaner",)


def test_grant_dependent_when_grants_are_most_of_income():
    flows = [
        ("eu", "op", "grant", 900.0, 1),
        ("people", "op", "money", 1.0, 100),
        ("op", "people", "service"),
        ("op", "eu", "reputation"),
    ]
    e = eco({"op": "platform_operator", "people": "citizen", "eu": "funder"}, flows)
    assert grant_share(e) == pytest.approx(0.9)
    assert "grant-dependent" in codes(e)


def test_grant_share_counts_flows_when_amounts_are_missing():
    flows = [("eu", "op", "grant"), ("people", "op", "money"), ("op", "people", "service")]
    e = eco({"op": "platform_operator", "people": "citizen", "eu": "funder"}, flows)
    assert grant_share(e) == pytest.approx(0.5)
    assert "grant-dependent" not in codes(e)


def test_funding_concentration_uses_herfindahl_index():
    # shares 0.8 / 0.2 → HHI = 0.64 + 0.04 = 0.68
    flows = [
        ("a", "op", "money", 80.0, 1),
        ("b", "op", "money", 20.0, 1),
        ("op", "a", "service"),
        ("op", "b", "service"),
    ]
    e = eco({"op": "platform_operator", "a": "business", "b": "business"}, flows)
    assert funding_hhi(e) == pytest.approx(0.68)
    [finding] = [f for f in run_checks(e) if f.code == "funding-concentration"]
    assert finding.elements == ("op", "a")
    even = eco(
        {"op": "platform_operator", "a": "business", "b": "business", "c": "business"},
        [(p, "op", "money", 10.0, 1) for p in "abc"] + [("op", p, "service") for p in "abc"],
    )
    assert funding_hhi(even) == pytest.approx(1 / 3)
    assert "funding-concentration" not in codes(even)


def test_single_point_of_failure_excludes_city_and_platform():
    # people — provider — vendor: provider is the only link to the vendor
    flows = [
        ("people", "provider", "money", 1, 1),
        ("provider", "people", "service"),
        ("provider", "vendor", "money", 1, 1),
        ("vendor", "provider", "service"),
        ("city", "people", "service"),
        ("people", "city", "money", 1, 1),
    ]
    e = eco({"city": "city", "people": "citizen", "provider": "service_provider", "vendor": "technology_vendor"}, flows)
    [finding] = [f for f in run_checks(e) if f.code == "single-point-of-failure"]
    assert set(finding.elements) == {"provider", "people"}
    assert "city" not in finding.elements


def test_vendor_lock_in_on_closed_data_flow():
    flows = healthy_platform_flows() + [
        ("vendor", "op", "data", None, None, {"standards": ["proprietary API"]}),
        ("op", "vendor", "money", 10.0, 1),
    ]
    e = eco({**PLATFORM, "vendor": "technology_vendor"}, flows)
    [finding] = [f for f in run_checks(e) if f.code == "vendor-lock-in"]
    assert finding.elements == ("vendor",)


def test_vendor_lock_in_when_vendor_more_central_than_platform():
    # every path between the two sides runs through the vendor, not the platform
    flows = [
        ("people", "vendor", "money", 1, 1),
        ("vendor", "people", "service"),
        ("vendor", "provider", "money", 1, 1),
        ("provider", "vendor", "service"),
        ("vendor", "op", "service"),
        ("op", "vendor", "money", 1, 1),
    ]
    e = eco(
        {"op": "platform_operator", "people": "citizen", "provider": "service_provider", "vendor": "technology_vendor"},
        flows,
    )
    assert e.betweenness["vendor"] > e.betweenness["op"]
    assert "vendor-lock-in" in codes(e)


def test_one_sided_platform_is_flagged_not_multi_sided_and_without_network_effects():
    flows = [("people", "op", "money", 1, 1), ("op", "people", "service")]
    e = eco({"op": "platform_operator", "people": "citizen"}, flows)
    assert {"not-multi-sided", "no-network-effects"} <= codes(e)


def test_two_sides_without_a_loop_has_no_network_effects():
    # providers supply through the platform and pay it a listing fee (affiliated: a side), but the platform gives
    # them nothing back. Without the fee they would only supply it: an input supplier, not a side (Hagiu & Wright).
    flows = [
        ("people", "op", "money", 1, 1),
        ("op", "people", "service"),
        ("provider", "op", "service"),
        ("provider", "op", "money", None, None, {"label": "listing fee"}),
    ]
    e = eco({"op": "platform_operator", "people": "citizen", "provider": "service_provider"}, flows)
    assert e.is_multi_sided
    assert "not-multi-sided" not in codes(e)
    assert "no-network-effects" in codes(e)


def test_high_marginal_cost_only_for_service_to_user_segments():
    flows = [
        ("op", "people", "service", None, None, {"marginal_cost": "high", "label": "door-to-door"}),
        ("op", "city", "service", None, None, {"marginal_cost": "high"}),
        ("people", "op", "money"),
        ("city", "op", "money"),
    ]
    e = eco({"op": "platform_operator", "people": "citizen", "city": "city"}, flows)
    [finding] = [f for f in run_checks(e) if f.code == "high-marginal-cost"]
    assert finding.elements == ("f1",)


def test_no_open_standards_needs_data_flows_and_proprietary_does_not_count():
    closed = eco(
        {"a": "city", "b": "business"},
        [("a", "b", "data", None, None, {"standards": ["Proprietary"]}), ("b", "a", "money")],
    )
    assert "no-open-standards" in codes(closed)
    no_data = eco({"a": "city", "b": "business"}, [("a", "b", "service"), ("b", "a", "money")])
    assert "no-open-standards" not in codes(no_data)


def test_local_dependency_for_named_local_core_roles():
    e = eco(
        {"op": "platform_operator", "people": "citizen", "city": "city"},
        [("op", "people", "service"), ("people", "op", "money")],
        actor_op={"local": True},
        actor_city={"local": True},
    )
    [finding] = [f for f in run_checks(e) if f.code == "local-dependency"]
    assert finding.elements == ("op",)  # the city itself is always local: not a dependency


def _module(module_id: str, **attributes) -> ModuleDefinition:
    """A module without actors or flows: placing it adds only its attributes, never a structural flag."""
    return ModuleDefinition(
        id=module_id,
        name=module_id.title(),
        category="data",
        summary="test module",
        sources=[{"title": "test"}],
        attributes=attributes,
    )


def _placed(base, *definitions):
    for definition in definitions:
        base = place_module(base, definition)
    return build_ecosystem(base)


def test_local_dependency_for_modules_with_preconditions_or_local_locality():
    e = _placed(
        config(PLATFORM, healthy_platform_flows()),
        _module("needs", preconditions=["street space", "a council vote"]),  # m1
        _module("plain"),  # m2: generic, none
        _module("local", locality="local"),  # m3
        _module("adaptable", locality="adaptable", preconditions=["street space"]),
    )  # m4
    found = [f for f in run_checks(e) if f.code == "local-dependency"]
    assert [(f.severity, f.dimension, f.criterion, f.elements) for f in found] == [
        ("low", "replicability", "r_preconditions", ("m1", "m3", "m4"))
    ]
    # distinct preconditions, sorted; the local module adds none of its own
    assert found[0].message == "Modules need local preconditions: a council vote; street space."
    assert codes(e) == {"local-dependency"}  # the platform itself is healthy
    # 2 + 1 + 1 = 4 preconditions → 1 / 5: the flag costs points on its criterion
    assert CRITERIA_BY_ID["r_preconditions"].measure(e)[0] == pytest.approx(0.2)


def test_local_dependency_only_for_local_roles_when_no_module_has_preconditions():
    e = _placed(
        config(PLATFORM, healthy_platform_flows(), actor_op={"local": True}),
        _module("plain"),
        _module("adaptable", locality="adaptable"),
    )
    found = [f for f in run_checks(e) if f.code == "local-dependency"]
    assert [(f.severity, f.criterion, f.elements) for f in found] == [("medium", "r_generic_roles", ("op",))]
    assert CRITERIA_BY_ID["r_preconditions"].measure(e)[0] == 1.0


def test_no_citizen_value():
    e = eco({"op": "platform_operator", "people": "citizen"}, [("people", "op", "money")])
    assert "no-citizen-value" in codes(e)


def test_unmet_need():
    e = eco(
        {"op": "platform_operator", "people": "citizen"},
        [("op", "people", "service"), ("people", "op", "money")],
        needs=[{"id": "n1", "name": "Park easily", "served_by": ["f1"]}, {"id": "n2", "name": "Cheap rides"}],
    )
    [finding] = [f for f in run_checks(e) if f.code == "unmet-need"]
    assert finding.elements == ("n2",)


def test_every_check_says_why_it_exists():
    assert all(check.__doc__ for check in CHECKS)
    assert len(CHECKS) == 22
