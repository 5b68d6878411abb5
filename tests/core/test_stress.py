"""Stress tests: each scenario kind against figures worked out by hand, the single-exit ranking, and properties."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from canvas_app.checks import non_reciprocal_actors
from canvas_app.commands import AddScenario, RemoveScenario, command_from_dict, perform
from canvas_app.ecosystem import Ecosystem
from canvas_app.model import Configuration, ConfigurationError, Scenario, dump_configuration, parse_configuration
from canvas_app.stress import all_single_exits, apply_scenario, describe, run_saved, run_scenario
from tests.core.builders import config

SERVICE = {"city": "city", "op": "platform_operator", "riders": "citizen", "vendor": "technology_vendor"}
A = 1 / 1.1 + 1 / 1.1**2
"""Present value of 1 a year for two years at 10 %: every yearly figure below is worth A times itself."""


def _service() -> Configuration:
    """Riders pay the operator 2 × 100 a year; it pays its vendor 50 and gets a 30 grant from the city."""
    return config(
        SERVICE,
        [
            ("riders", "op", "money", 2.0, 100, {"label": "fare"}),
            ("op", "riders", "service", None, None, {"label": "rides"}),
            ("op", "vendor", "money", 50.0, 1, {"label": "licence fee"}),
            ("vendor", "op", "service", None, None, {"label": "software"}),
            ("city", "op", "grant", 30.0, 1, {"label": "start-up grant"}),
            ("op", "city", "data", None, None, {"label": "trips"}),
        ],
        parameters={"horizon_years": 2, "discount_rate": 0.1},
        actor_riders={"count": 1000},
    )


def _run(**fields):
    return run_scenario(_service(), Scenario(id="s", **fields))


def test_actor_leaves_removes_it_and_its_flows_and_prices_what_the_operator_loses():
    result = _run(kind="actor_leaves", actor="riders")
    assert [a.id for a in result.after.actors] == ["city", "op", "vendor"]
    assert [f.id for f in result.after.flows] == ["f3", "f4", "f5", "f6"]
    assert result.losses == pytest.approx({"op": 200 * A})
    assert result.damage == pytest.approx(200 * A)
    assert result.npv_before["op"] == pytest.approx(180 * A)  # 200 - 50 + 30 a year
    assert result.npv_after["op"] == pytest.approx(-20 * A)
    assert result.description == "Exit of Riders"


def test_payer_stops_removes_its_money_flows_only():
    result = _run(kind="payer_stops", actor="op")
    assert [f.id for f in result.after.flows] == ["f1", "f2", "f4", "f5", "f6"]  # the 50 licence fee is gone
    assert result.losses == pytest.approx({"vendor": 50 * A})
    assert result.npv_after["op"] == pytest.approx(230 * A)


def test_grant_ends_by_funder_by_flow_or_all():
    for fields in ({"actor": "city"}, {"flow": "f5"}, {}):
        result = _run(kind="grant_ends", **fields)
        assert "f5" not in {f.id for f in result.after.flows}
        assert result.losses == pytest.approx({"op": 30 * A})
    with pytest.raises(ConfigurationError, match="not a grant"):
        apply_scenario(_service(), Scenario(id="s", kind="grant_ends", flow="f1"))


def test_demand_scales_segment_sizes_and_per_use_flows_not_fixed_payments():
    result = _run(kind="demand", factor=0.5)
    after = result.after
    assert after.actor("riders").count == 500
    assert after.flow("f1").occurrences == 50  # per use: 100 rides a year
    assert after.flow("f3").occurrences == 1  # a yearly fee does not follow demand
    assert result.losses == pytest.approx({"op": 100 * A})  # half the fares
    assert result.description == "Demand ×0.5"


def test_price_of_one_flow_or_of_every_flow_of_a_kind():
    result = _run(kind="price", flow="f1", percent=-20)
    assert result.after.flow("f1").amount == pytest.approx(1.6)
    assert result.losses == pytest.approx({"op": 40 * A})
    every = _run(kind="price", flow_kind="money", percent=10)
    assert (every.after.flow("f1").amount, every.after.flow("f3").amount) == pytest.approx((2.2, 55.0))
    assert every.losses == pytest.approx({"riders": 20 * A})  # the operator gets 20 more and pays 5 more: no loss


def test_vendor_fees_scale_what_the_operator_and_the_city_pay_it():
    result = _run(kind="vendor_fees", actor="vendor", percent=20)
    assert result.after.flow("f3").amount == pytest.approx(60.0)
    assert result.losses == pytest.approx({"op": 10 * A})
    assert result.description == "Fees of Vendor to the operator and the city +20 %"


def test_a_scenario_naming_a_deleted_actor_reports_it_and_changes_nothing():
    result = _run(kind="actor_leaves", actor="gone")
    assert result.after is None and "no longer on the canvas" in result.problem
    assert result.damage == 0
    assert "no longer on the canvas" in describe(Scenario(id="s", kind="payer_stops", actor="gone"), _service())


def test_scenario_fields_are_checked_per_kind():
    with pytest.raises(ValueError, match="needs one"):
        Scenario(id="s", kind="demand")
    with pytest.raises(ValueError, match="either one flow or one flow_kind"):
        Scenario(id="s", kind="price", percent=5)
    with pytest.raises(ValueError, match="only money, grant or investment"):
        Scenario(id="s", kind="price", percent=5, flow_kind="data")
    with pytest.raises(ValueError, match="greater than or equal to -100"):
        Scenario(id="s", kind="price", percent=-150, flow="f1")


def test_flags_added_and_removed():
    result = _run(kind="actor_leaves", actor="riders")
    # without fares the operator runs at 30 - 50 = -20 a year on grants alone, and no citizen gets anything
    assert {f.code for f in result.flags_added} == {
        "negative-net-value",
        "grant-dependent",
        "funding-concentration",
        "no-citizen-value",
    }
    assert result.flags_removed == ()
    back = run_scenario(result.after, Scenario(id="s", kind="demand", factor=1))
    assert back.flags_added == back.flags_removed == ()


def test_single_exits_rank_by_money_lost_then_score_drop():
    exits = all_single_exits(_service())
    assert [e.actor for e in exits] == ["riders", "op", "city", "vendor"]
    assert [round(e.damage, 6) for e in exits] == [round(200 * A, 6), round(50 * A, 6), round(30 * A, 6), 0.0]
    assert exits[1].losses == pytest.approx({"vendor": 50 * A})  # the city saves its grant: no loss counted
    assert all(e.score_drop is not None for e in exits)
    assert [e.actor for e in all_single_exits(_service(), scored=1)][:1] == ["riders"]
    assert all_single_exits(_service(), scored=1)[1].score_drop is None


def test_single_exit_money_matches_running_the_scenario():
    """The fast path of the ranking (partners only, no re-validation) gives the full scenario's figures."""
    c = _service()
    for exit_ in all_single_exits(c):
        assert exit_.losses == pytest.approx(
            run_scenario(c, Scenario(id="s", kind="actor_leaves", actor=exit_.actor)).losses
        )


def test_saved_scenarios_round_trip_and_rerun():
    c = _service().model_copy(
        update={
            "scenarios": [Scenario(id="s1", kind="demand", factor=2), Scenario(id="s2", kind="payer_stops", actor="op")]
        }
    )
    again = parse_configuration(dump_configuration(c))
    assert again == c
    assert '"factor": 2.0' in dump_configuration(c) and '"actor"' in dump_configuration(c)
    assert "scenarios" not in dump_configuration(_service())  # old files stay byte-identical
    assert [r.description for r in run_saved(again)] == ["Demand ×2", "Payments from Op stop"]
    with pytest.raises(ConfigurationError, match="used twice in scenarios"):
        parse_configuration(
            {**c.model_dump(mode="json"), "scenarios": [{"id": "s", "kind": "demand", "factor": 1}] * 2}
        )


def test_adding_and_removing_a_scenario_are_undoable_edits():
    c0 = _service()
    c1, add = perform(c0, AddScenario({"kind": "actor_leaves", "actor": "riders", "factor": None}))
    assert [(s.id, s.kind, s.actor) for s in c1.scenarios] == [("s1", "actor_leaves", "riders")]
    assert add.undo.apply(c1) == c0 and add.redo.apply(c0) == c1
    assert dump_configuration(add.undo.apply(c1)) == dump_configuration(c0)  # no empty "scenarios" left behind
    c2, _ = perform(c1, command_from_dict(AddScenario({"kind": "demand", "factor": 2}).to_dict()))
    assert [s.id for s in c2.scenarios] == ["s1", "s2"]
    c3, remove = perform(c2, RemoveScenario("s1"))
    assert [s.id for s in c3.scenarios] == ["s2"] and remove.undo.apply(c3) == c2
    c4, last = perform(c3, RemoveScenario("s2"))
    assert c4.scenarios == [] and last.undo.apply(c4) == c3 and last.redo.apply(c3) == c4
    with pytest.raises(ConfigurationError, match="no longer exists"):
        RemoveScenario("s9").apply(c4)
    with pytest.raises(ConfigurationError, match=r"scenarios\[0\].*factor: a 'demand' scenario needs one"):
        AddScenario({"kind": "demand"}).apply(c0)


# -- properties -------------------------------------------------------------------------------

PROPERTIES = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TYPES = ["city", "citizen", "business", "platform_operator", "technology_vendor", "funder", "community"]
KINDS = ["money", "grant", "data", "service", "reputation"]


@st.composite
def configurations(draw) -> Configuration:
    n = draw(st.integers(min_value=3, max_value=8))
    actors = {f"a{i}": draw(st.sampled_from(TYPES)) for i in range(n)}
    flows = []
    for _ in range(draw(st.integers(0, 3 * n))):
        source, target = draw(st.permutations(list(actors)))[:2]
        kind = draw(st.sampled_from(KINDS))
        amount = draw(st.floats(1, 100)) if kind in ("money", "grant") else None
        occurrences = draw(st.sampled_from([1, 12, 500])) if amount else None
        flows.append((source, target, kind, amount, occurrences))
    return config(actors, flows)


NOTHING = [
    {"kind": "demand", "factor": 1},
    {"kind": "price", "flow_kind": "money", "percent": 0},
    {"kind": "vendor_fees", "actor": "a0", "percent": 0},
]


@PROPERTIES
@given(configurations(), st.sampled_from(NOTHING))
def test_a_scenario_that_changes_nothing_changes_no_score_flag_or_money(c, fields):
    result = run_scenario(c, Scenario(id="s", **fields))
    assert result.after == c
    assert {n: s.score for n, s in result.scores_after.items()} == {n: s.score for n, s in result.scores_before.items()}
    assert result.flags_added == result.flags_removed == ()
    assert result.damage == 0


@PROPERTIES
@given(configurations())
def test_a_payer_without_money_flows_or_no_grant_removes_nothing(c):
    quiet = next((a.id for a in c.actors if not any(f.source == a.id and f.kind == "money" for f in c.flows)), None)
    scenarios = [Scenario(id="s", kind="payer_stops", actor=quiet)] if quiet else []
    if not any(f.kind == "grant" for f in c.flows):
        scenarios.append(Scenario(id="g", kind="grant_ends"))
    for scenario in scenarios:
        result = run_scenario(c, scenario)
        assert result.after == c and result.damage == 0 and result.flags_added == ()


@PROPERTIES
@given(configurations())
def test_leaving_never_makes_a_trading_partner_reciprocal(c):
    broken_before = set(non_reciprocal_actors(Ecosystem(c)))
    for leaver in c.actors:
        partners = {f.source for f in c.flows if f.target == leaver.id} | {
            f.target for f in c.flows if f.source == leaver.id
        }
        after = apply_scenario(c, Scenario(id="s", kind="actor_leaves", actor=leaver.id))
        broken_after = set(non_reciprocal_actors(Ecosystem(after)))
        assert (partners & broken_before) - {leaver.id} <= broken_after, leaver.id


def test_the_report_has_a_stress_tests_section():
    from canvas_app.analysis import evaluate
    from canvas_app.report import configuration_report

    c = _service().model_copy(update={"scenarios": [Scenario(id="s1", kind="actor_leaves", actor="riders")]})
    sections = {s.title: s for s in configuration_report(c, evaluate(c)).sections}
    (row,) = sections["Stress tests"].tables[0].rows
    assert row[0] == "Exit of Riders"
    assert "+ A business actor loses money each year" in row[2]
    assert row[3] == f"{200 * A:,.0f}"  # 347
    plain = {s.title: s for s in configuration_report(_service(), evaluate(_service())).sections}
    assert plain["Stress tests"].paragraphs == ("No stress test saved with this configuration.",)
