"""Every criterion on small graphs with hand-computed answers, and the weighting rules."""

from __future__ import annotations

import pytest

from builders import PLATFORM, config, eco, healthy_platform_flows
from canvas_app import scoring
from canvas_app.evaluation import SCORE_NAMES
from canvas_app.judging import build_ecosystem
from canvas_app.library import place_module
from canvas_app.model import Configuration
from canvas_app.module_schema import ModuleDefinition
from canvas_app.scoring import CRITERIA, gini, score_ecosystem


def value(e, criterion_id: str) -> float:
    return scoring.CRITERIA_BY_ID[criterion_id].measure(e)[0]


def module(module_id: str, **attributes) -> ModuleDefinition:
    """A module with no actors and no flows: placing it changes only the module attributes, not the graph."""
    return ModuleDefinition(
        id=module_id,
        name=module_id.title(),
        category="data",
        summary="test module",
        sources=[{"title": "test"}],
        attributes=attributes,
    )


def with_modules(base: Configuration, *definitions: ModuleDefinition):
    """``base`` with ``definitions`` placed (instances m1, m2, ...), indexed with their definitions."""
    for definition in definitions:
        base = place_module(base, definition)
    return build_ecosystem(base)


@pytest.fixture
def platform():
    return eco(PLATFORM, healthy_platform_flows())


def test_criteria_cover_all_six_scores_with_unique_ids():
    assert {c.score for c in CRITERIA} == set(SCORE_NAMES)
    assert len({c.id for c in CRITERIA}) == len(CRITERIA)


def test_network_effects_full_for_a_two_sided_loop(platform):
    assert platform.cross_side_loop == ("drivers", "provider")
    assert value(platform, "s_network_effects") == 1.0


def test_network_effects_partial_without_loop():
    e = eco(
        {"op": "platform_operator", "people": "citizen", "provider": "service_provider"},
        [
            ("people", "op", "money"),
            ("op", "people", "service"),
            ("provider", "op", "service"),
            ("provider", "op", "money"),
        ],
    )  # the provider pays to list: a side (unpaid, it would only supply)
    assert value(e, "s_network_effects") == pytest.approx(0.4)
    assert value(eco({"a": "city", "b": "citizen"}, [("a", "b", "service")]), "s_network_effects") == 0.0


def test_marginal_cost_is_the_dearest_known_service_to_users():
    e = eco(
        {"op": "platform_operator", "a": "citizen", "b": "business"},
        [
            ("op", "a", "service", None, None, {"marginal_cost": "low"}),
            ("op", "b", "service", None, None, {"marginal_cost": "medium"}),
            ("op", "a", "service"),
        ],
    )  # unknown: left out, not guessed
    assert value(e, "s_marginal_cost") == 0.5
    unknown = eco({"op": "platform_operator", "a": "citizen"}, [("op", "a", "service")])
    assert value(unknown, "s_marginal_cost") is None


def test_revenue_growth_reads_the_weakest_margin_at_ten_times_use():
    # op earns 1 per use (×100 uses) and pays a fixed 150: net -50 now, +850 at ×10
    e = eco(
        {"op": "platform_operator", "people": "citizen", "vendor": "technology_vendor"},
        [("people", "op", "money", 1.0, 100), ("op", "vendor", "money", 150.0, 1)],
    )
    assert e.net_values["op"].net_at(10) == pytest.approx(850.0)
    assert e.net_values["vendor"].net_at(10) == pytest.approx(150.0)
    assert value(e, "s_revenue_growth") == 1.0
    # the reverse: per-use costs, fixed income → at ×10 op pays 1,000 on an income of 200: margin -80 %
    e = eco(
        {"op": "platform_operator", "vendor": "technology_vendor", "city": "city"},
        [("city", "op", "money", 200.0, 1), ("op", "vendor", "money", 1.0, 100)],
    )
    assert e.net_values["op"].net_at(10) == pytest.approx(-800.0)
    assert value(e, "s_revenue_growth") == pytest.approx(1 - 0.8)


def test_bottleneck_and_connected(platform):
    assert value(platform, "s_no_bottleneck") == 1.0
    assert value(platform, "s_connected") == 1.0
    split = eco(
        {"a": "city", "b": "citizen", "c": "business", "d": "business"}, [("a", "b", "service"), ("c", "d", "service")]
    )
    assert value(split, "s_connected") == 0.5


def test_open_standards_share_of_data_flows():
    e = eco(
        {"a": "city", "b": "business"},
        [
            ("a", "b", "data", None, None, {"standards": ["NGSI-LD"]}),
            ("b", "a", "data"),
            ("a", "b", "data"),
            ("b", "a", "data", None, None, {"standards": ["proprietary"]}),
        ],
    )
    assert value(e, "r_open_standards") == pytest.approx(0.25)


def test_generic_roles_ignore_the_city_and_count_local_organisations():
    e = eco(
        {"city": "city", "op": "platform_operator", "p": "citizen"},
        [],
        actor_city={"local": True},
        actor_op={"local": True},
    )
    assert value(e, "r_generic_roles") == pytest.approx(1 - 1 / 3)  # one local core role
    e = eco(
        {"city": "city", "op": "platform_operator", "p": "citizen", "shop": "business"},
        [],
        actor_op={"local": True},
        actor_shop={"local": True},
    )
    assert value(e, "r_generic_roles") == pytest.approx(1 - 1 / 3 - 1 / 6)
    assert value(eco({"city": "city"}), "r_generic_roles") is None


def test_reciprocity_counts_the_actors_the_flags_name(platform):
    assert value(platform, "su_reciprocity") == 1.0
    # c takes part in nothing: one isolated actor → 1 - 1/4
    e = eco({"a": "city", "b": "citizen", "c": "business"}, [("a", "b", "service"), ("b", "a", "money")])
    assert value(e, "su_reciprocity") == pytest.approx(0.75)
    assert value(eco({"a": "city"}), "su_reciprocity") is None


def test_grant_independence_and_diversified_funding():
    e = eco(
        {"op": "platform_operator", "eu": "funder", "p": "citizen"},
        [("eu", "op", "grant", 300.0, 1), ("p", "op", "money", 1.0, 100)],
    )
    assert value(e, "su_grant_independence") == pytest.approx(0.25)
    assert value(e, "su_diversified_funding") == pytest.approx(1 - (0.75**2 + 0.25**2))


def test_needs_served_weighted_by_importance():
    e = eco(
        {"a": "city", "b": "citizen"},
        [("a", "b", "service")],
        needs=[
            {"id": "n1", "name": "x", "importance": 3, "served_by": ["f1"]},
            {"id": "n2", "name": "y", "importance": 1},
        ],
    )
    assert value(e, "vc_needs_served") == pytest.approx(0.75)


def test_citizen_value_counts_distinct_objects():
    e = eco(
        {"a": "city", "b": "citizen"},
        [
            ("a", "b", "service", None, None, {"label": "x"}),
            ("a", "b", "service", None, None, {"label": "X"}),
            ("a", "b", "data", None, None, {"label": "x"}),
        ],
    )
    assert value(e, "vc_citizen_value") == pytest.approx(2 / 3)


def test_capture_revenue_levels():
    users = eco({"op": "platform_operator", "p": "citizen"}, [("p", "op", "money")])
    city = eco({"op": "platform_operator", "c": "city"}, [("c", "op", "money")])
    grant = eco({"op": "platform_operator", "f": "funder"}, [("f", "op", "grant")])
    none = eco({"op": "platform_operator", "p": "citizen"}, [("op", "p", "service")])
    assert [value(e, "cap_revenue") for e in (users, city, grant, none)] == [1.0, 0.6, 0.3, 0.0]


def test_take_rate_operator_margin_and_share(platform):
    # op: in 2000 (drivers) + 1000 (listing) = 3000; out 1500 + 100 = 1600; keeps 1400/3000 = 47 %
    nv = platform.net_values["op"]
    assert (nv.money_in, nv.money_out) == (3000.0, 1600.0)
    # above the 5-30 % band: 1 - (0.467 - 0.3) / 0.7
    assert value(platform, "cap_take_rate") == pytest.approx(1 - (1400 / 3000 - 0.3) / 0.7)
    # margin 47 % ≥ the healthy 10 %: full marks
    assert value(platform, "cap_operator_net") == 1.0
    # money moved: 2000 + 1500 + 100 + 50 + 1000 = 4650; op receives 3000 → 65 % ≥ 10 %
    assert value(platform, "cap_operator_share") == 1.0


def test_gini_and_evenness():
    assert gini([5, 5]) == 0.0
    e = eco({"a": "business", "b": "business"}, [("a", "b", "money", 10.0, 1), ("b", "a", "service")])
    # nets: a -10, b +10 → shifted 0 and 20 → Gini 0.5
    assert value(e, "sh_evenness") == pytest.approx(0.5)


def test_scores_are_weighted_means_of_assessable_criteria_and_weights_can_be_overridden(platform):
    scores = score_ecosystem(platform)
    for score in scores.values():
        judged = [c for c in score.criteria if c.assessable]
        total = sum(c.weight for c in judged)
        assert score.score == pytest.approx(round(100 * sum(c.value * c.weight for c in judged) / total, 1))
        assert score.coverage == pytest.approx(total / sum(c.weight for c in score.criteria), abs=1e-4)
    only_standards = {c.id: 0.0 for c in CRITERIA if c.score == "replicability" and c.id != "r_open_standards"}
    reweighted = score_ecosystem(platform, only_standards)
    assert reweighted["replicability"].score == 100.0  # its only data flow uses NGSI-LD


def test_file_weights_win_over_workspace_weights():
    e = eco(
        {"a": "city", "b": "business"},
        [("a", "b", "data")],
        weights={"r_open_standards": 1.0, "r_generic_roles": 0.0, "r_open_components": 0.0, "r_preconditions": 0.0},
    )
    assert score_ecosystem(e, {"r_open_standards": 0.0, "r_generic_roles": 5.0})["replicability"].score == 0.0


def test_weight_settings_show_defaults_and_overrides():
    from canvas_app.criteria import weight_settings
    from canvas_app.scoring import CRITERIA

    settings = weight_settings({"r_open_standards": 5})
    assert [s.criterion for s in settings] == [c.id for c in CRITERIA]
    changed = [s for s in settings if s.changed]
    assert [(s.criterion, s.default, s.weight) for s in changed] == [("r_open_standards", 3, 5.0)]


def test_check_weights_keeps_only_differences_and_names_every_problem():
    from canvas_app.criteria import check_weights

    assert check_weights({"r_open_standards": "5", "r_generic_roles": 2}) == {"r_open_standards": 5.0}
    with pytest.raises(ValueError) as exc:
        check_weights({"nope": 1, "r_open_standards": "x", "r_generic_roles": -1, "s_marginal_cost": float("nan")})
    message = str(exc.value)
    assert "'nope' is not a criterion" in message
    assert "Data flows on open standards: the weight must be a number" in message
    assert "Generic roles, not local organisations: the weight must be between 0 and 100" in message
    assert "Low marginal cost per user: the weight must be between 0 and 100" in message


def test_check_weights_refuses_a_score_with_every_criterion_at_zero():
    from canvas_app.criteria import check_weights
    from canvas_app.scoring import CRITERIA

    zeros = {c.id: 0 for c in CRITERIA if c.score == "value_capture"}
    with pytest.raises(ValueError, match="value capture: at least one criterion must weigh more than 0"):
        check_weights(zeros)
    assert check_weights({**zeros, "cap_take_rate": 1}) == {k: 0.0 for k in zeros if k != "cap_take_rate"}


def test_workspace_weights_change_the_score_as_computed_by_hand():
    from builders import PLATFORM, eco, healthy_platform_flows
    from canvas_app.scoring import score_ecosystem

    base = score_ecosystem(eco(PLATFORM, healthy_platform_flows()))["value_capture"]
    values = {c.id: c.value for c in base.criteria}
    only_take_rate = {c.id: 0.0 for c in base.criteria if c.id != "cap_take_rate"}
    weighted = score_ecosystem(eco(PLATFORM, healthy_platform_flows()), only_take_rate)["value_capture"]
    assert weighted.score == pytest.approx(round(100 * values["cap_take_rate"], 1))


# -- criteria computed from the placed modules' attributes ----------------------------------
LONE_CITY = {"city": "city", "people": "citizen"}
LONE_FLOWS = [("city", "people", "service")]


def test_open_components_share_of_open_source_or_open_api_modules():
    e = with_modules(
        config(LONE_CITY, LONE_FLOWS),
        module("oss", open_source=True),
        module("api", standards=["NGSI-LD"]),
        module("closed"),
        module("both", open_source=True, standards=["GTFS"]),
    )
    assert len(e.placed_definitions) == 4
    # oss, api and both are open; closed is not → 3 / 4; no vendor, so nothing is halved
    assert value(e, "r_open_components") == pytest.approx(0.75)


def test_open_components_a_proprietary_api_is_not_open():
    e = with_modules(
        config(LONE_CITY, LONE_FLOWS),
        module("vendor-api", standards=["Proprietary vendor API"]),
        module("api", standards=["NGSI-LD"]),
    )
    # only the NGSI-LD module is open → 1 / 2 (a proprietary interface is no open API)
    assert value(e, "r_open_components") == pytest.approx(0.5)


def test_open_components_not_assessable_without_modules():
    assert value(eco(LONE_CITY, LONE_FLOWS), "r_open_components") is None


def test_lock_in_is_its_own_criterion_counting_locked_vendors():
    # the vendor carries data on no declared standard → closed interface → lock-in
    actors = {"city": "city", "op": "platform_operator", "vendor": "technology_vendor"}
    flows = [("vendor", "op", "data"), ("op", "vendor", "money"), ("city", "op", "permission")]
    locked = with_modules(config(actors, flows), module("oss", open_source=True), module("closed"))
    assert value(locked, "r_open_components") == pytest.approx(0.5)
    assert value(locked, "r_no_lock_in") == pytest.approx(0.5)
    # the same data on an open standard: no lock-in
    open_flows = [("vendor", "op", "data", None, None, {"standards": ["NGSI-LD"]}), *flows[1:]]
    unlocked = with_modules(config(actors, open_flows), module("oss", open_source=True), module("closed"))
    assert value(unlocked, "r_no_lock_in") == 1.0
    assert value(eco(LONE_CITY, LONE_FLOWS), "r_no_lock_in") is None  # no vendor: nothing to judge


def test_preconditions_one_over_one_plus_count():
    e = with_modules(
        config(LONE_CITY, LONE_FLOWS),
        module("two", preconditions=["council vote", "street space"]),  # 2
        module("local", locality="local"),  # 1
        module("both", locality="local", preconditions=["local grid"]),  # 1 + 1
        module("adaptable", locality="adaptable"),  # 0
        module("plain"),
    )  # 0
    # count = 2 + 1 + 2 = 5 → 1 / 6
    assert value(e, "r_preconditions") == pytest.approx(1 / 6)


def test_preconditions_full_without_any_and_unknown_without_modules():
    assert value(eco(LONE_CITY, LONE_FLOWS), "r_preconditions") is None
    e = with_modules(config(LONE_CITY, LONE_FLOWS), module("plain"), module("adaptable", locality="adaptable"))
    assert value(e, "r_preconditions") == 1.0


def test_viability_reads_the_weakest_business_margin():
    flows = [
        ("people", "op", "money", 1.0, 100),  # op +100
        ("op", "vendor", "money", 150.0, 1),  # op -150, vendor +150
        ("advertiser", "op", "money", 40.0, 1),  # op +40 → net -10; advertiser only pays: a customer
        ("op", "people", "service"),
        ("vendor", "op", "service"),
        ("op", "advertiser", "reputation"),
    ]
    e = eco(
        {"op": "platform_operator", "people": "citizen", "vendor": "technology_vendor", "advertiser": "business"}, flows
    )
    assert e.net_values["op"].net == pytest.approx(-10.0)
    assert e.must_break_even == ["op", "vendor"]
    # op loses 10 on a turnover of 150: margin -1/15 → 0.5 × (1 - 1/15)
    assert value(e, "su_viability") == pytest.approx(0.5 * (1 - 10 / 150))
    # 20 more for op: net +10 on 160 → 6.25 %, below the healthy 10 % → 0.5 + 0.5 × 0.625
    richer = eco(
        {"op": "platform_operator", "people": "citizen", "vendor": "technology_vendor", "advertiser": "business"},
        [*flows, ("people", "op", "money", 20.0, 1)],
    )
    assert value(richer, "su_viability") == pytest.approx(0.5 + 0.5 * (10 / 160) / 0.1)


def test_viability_not_assessable_without_amounts():
    e = eco(
        {"op": "platform_operator", "vendor": "technology_vendor", "people": "citizen"},
        [("op", "vendor", "money"), ("people", "op", "money"), ("op", "people", "service")],
    )
    assert e.must_break_even == []
    assert value(e, "su_viability") is None
    # one amount of two is a partial sum, not evidence: still not assessable
    partial = eco(
        {"op": "platform_operator", "vendor": "technology_vendor", "people": "citizen"},
        [("op", "vendor", "money"), ("people", "op", "money", 5.0, 10), ("op", "people", "service")],
    )
    assert value(partial, "su_viability") is None


def test_impacts_count_declared_dimensions():
    base = config(LONE_CITY, LONE_FLOWS)
    assert value(eco(LONE_CITY, LONE_FLOWS), "su_impacts") is None  # no module: nothing declared to judge
    # economic (twice) and social declared; environmental only at 0 → 2 / 3
    e = with_modules(
        base,
        module("a", impacts={"economic": 2}),
        module("b", impacts={"economic": 3, "social": 1, "environmental": 0}),
    )
    assert value(e, "su_impacts") == pytest.approx(2 / 3)
    e = with_modules(base, module("a", impacts={"economic": 1}), module("c", impacts={"environmental": 3, "social": 2}))
    assert value(e, "su_impacts") == 1.0


def test_value_variety_counts_flow_kinds_up_to_five():
    # money (twice), data, service → 3 kinds → 3 / 5
    e = eco(
        {"a": "city", "b": "business"},
        [("a", "b", "money"), ("b", "a", "money"), ("a", "b", "data"), ("b", "a", "service")],
    )
    assert value(e, "vc_value_variety") == pytest.approx(0.6)
    # six kinds → 6 / 5, clamped to 1
    six = eco(
        {"a": "city", "b": "business"},
        [("a", "b", k) for k in ("money", "grant", "data", "service", "goods", "knowledge")],
    )
    assert value(six, "vc_value_variety") == 1.0
    assert value(eco({"a": "city"}), "vc_value_variety") is None


def test_positive_return_counts_actors_without_any_return():
    flows = [
        ("people", "op", "money", 1.0, 100),  # people -100, op +100
        ("op", "vendor", "money", 150.0, 1),  # op -150 → net -50; vendor +150 (positive net)
        ("funder", "op", "grant", 200.0, 1),  # op: financing in 200
        ("op", "people", "service"),  # people: an intangible inflow
    ]
    e = eco(
        {
            "op": "platform_operator",
            "people": "citizen",
            "vendor": "technology_vendor",
            "funder": "funder",
            "city": "city",
        },
        flows,
    )
    assert e.net_values["op"].net == pytest.approx(-50.0)
    # op (financing), vendor (net), people (service) get a return; the funder and the city do not → 1 - 2/4
    assert value(e, "sh_positive_return") == pytest.approx(0.5)


def test_positive_return_zero_net_is_not_a_return():
    # a pays b 10 and b pays a 10: both nets are 0, nothing else flows → two actors without return
    e = eco({"a": "business", "b": "business"}, [("a", "b", "money", 10.0, 1), ("b", "a", "money", 10.0, 1)])
    assert value(e, "sh_positive_return") == pytest.approx(0.5)
    assert value(eco({}), "sh_positive_return") is None
