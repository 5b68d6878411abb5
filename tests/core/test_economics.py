"""Money over time, own costs and the city's position, against figures worked out by hand."""

from __future__ import annotations

import pytest

from canvas_app.analysis import evaluate
from canvas_app.checks import run_checks
from canvas_app.commands import perform
from canvas_app.economics import economics_of
from canvas_app.library import load_library
from canvas_app.model import ConfigurationError, parse_configuration
from canvas_app.recommend import annuity, suggestion_change
from tests.core.builders import config, eco

LIBRARY = load_library()
INVESTED = {"bank": "funder", "op": "service_provider", "city": "city", "residents": "citizen"}


def _invested(repayment: float = 300.0, payback: int | None = None, **extra):
    """A lender puts 1,000 into the operator in year 0; the operator repays ``repayment`` a year."""
    investment = {"payback_years": payback} if payback else {}
    return eco(
        INVESTED,
        [
            ("bank", "op", "investment", 1000.0, 1, investment),
            ("op", "bank", "money", repayment, 1, {"label": "debt service"}),
            ("city", "op", "money", 500.0, 1, {"label": "service fee"}),
            ("op", "residents", "service", None, None, {"label": "lighting"}),
        ],
        parameters={"horizon_years": 5, "discount_rate": 0.1},
        **extra,
    )


def test_cash_npv_and_payback_by_hand():
    position = economics_of(_invested()).positions["bank"]
    assert position.yearly == (-1000.0, 300.0, 300.0, 300.0, 300.0, 300.0)
    assert position.cumulative == (-1000.0, -700.0, -400.0, -100.0, 200.0, 500.0)
    assert position.payback_year == 4  # simple payback
    # 300/1.1 + 300/1.21 + 300/1.331 + 300/1.4641 + 300/1.61051 = 1137.24
    assert position.npv == pytest.approx(137.236, abs=1e-3)
    assert position.discounted_payback_year == 5
    assert position.pays_back and position.recovered == 1.0


def test_an_investment_that_is_not_back_within_its_payback_years_is_flagged():
    e = _invested(payback=4)
    position = economics_of(e).positions["bank"]
    # present value back by year 4: 272.73 + 247.93 + 225.39 + 204.90 = 950.95 of 1,000
    assert position.recovered == pytest.approx(0.95095, abs=1e-4)
    [flag] = [f for f in run_checks(e) if f.code == "no-payback"]
    assert flag.elements == ("bank", "f1") and "Bank" in flag.message and "95% of 1,000 back in 4 years" in flag.message
    criteria = {c.id: c for s in evaluate(e.config, recommend=False).scores.values() for c in s.criteria}
    assert criteria["su_payback"].value == pytest.approx(0.95095, abs=1e-4)


def test_payback_is_not_assessable_without_amounts_and_absent_without_investment():
    e = eco(INVESTED, [("bank", "op", "investment", 1000.0, 1), ("op", "bank", "money")])
    criteria = {c.id: c for s in evaluate(e.config, recommend=False).scores.values() for c in s.criteria}
    assert not criteria["su_payback"].assessable and "Bank" in criteria["su_payback"].explanation
    none = eco(INVESTED, [("city", "op", "money", 500.0, 1)])
    criteria = {c.id: c for s in evaluate(none.config, recommend=False).scores.values() for c in s.criteria}
    assert not criteria["su_payback"].assessable


def test_a_repayment_suggestion_clears_the_flag():
    e = _invested(repayment=100.0)
    [flag] = [f for f in evaluate(e.config, LIBRARY).flags if f.code == "no-payback"]
    [suggestion] = flag.suggestions
    change = suggestion_change(e.config, LIBRARY, "no-payback", suggestion.id)
    after, _ = perform(e.config, change)
    assert not [f for f in evaluate(after, recommend=False).flags if f.code == "no-payback"]
    # shortfall in present value: 1,000 − 100 × 3.7908 = 620.92, repaid as an annuity over 5 years at 10 %
    assert annuity(620.92, 0.1, 5) == pytest.approx(163.80, abs=0.01)
    assert "repays Bank 165.44 a year for 5 years" in suggestion.text  # 1 % above the annuity, rounded up
    assert suggestion.reason.startswith("Bank gets its 1,000 back by year 5")


def test_flows_stop_after_their_term_and_periods_make_years():
    e = eco(
        {"city": "city", "op": "service_provider"},
        [("city", "op", "money", 10.0, 1, {"term_years": 3})],
        period="month",
        parameters={"horizon_years": 5},
    )
    assert economics_of(e).positions["op"].yearly == (0.0, 120.0, 120.0, 120.0, 0.0, 0.0)


def test_own_costs_make_viability_revenue_minus_costs():
    actors = {"drivers": "citizen", "op": "platform_operator"}
    flows = [("drivers", "op", "money", 2.0, 1000), ("op", "drivers", "service")]
    e = eco(actors, flows, actor_op={"fixed_cost": 100.0, "unit_costs": {"f1": 0.5}})
    nv = e.net_values["op"]
    assert (nv.money_in, nv.costs, nv.net, nv.margin) == (2000.0, 600.0, 1400.0, 0.7)
    assert nv.margin_at(10) == pytest.approx((20000 - 5100) / 20000)
    losing = eco(actors, flows, actor_op={"fixed_cost": 100.0, "unit_costs": {"f1": 2.5}})
    nv = losing.net_values["op"]
    assert nv.net == -600.0 and nv.margin == pytest.approx(-600 / 2600)
    assert nv.margin_at(10) == pytest.approx(-5100 / 25100)
    criteria = {c.id: c for s in evaluate(losing.config, recommend=False).scores.values() for c in s.criteria}
    assert criteria["su_viability"].value == pytest.approx(0.5 * (1 - 600 / 2600))
    assert "negative-net-value" in {f.code for f in run_checks(losing)}


RIDES = {"city": "city", "op": "platform_operator", "riders": "citizen"}


def _city_pays_per_ride(**city):
    return eco(
        RIDES,
        [
            ("city", "op", "money", 6.0, 1_000_000, {"label": "subsidy per ride"}),
            ("op", "riders", "service", None, None, {"label": "rides", "marginal_cost": "low"}),
            ("riders", "op", "money", 1.0, 1_000_000, {"label": "fare"}),
            ("op", "city", "data", None, None, {"label": "trips", "standards": ["GTFS"]}),
        ],
        actor_city=city,
    )


def test_a_per_use_subsidy_is_flagged_and_lowers_scalability():
    e = _city_pays_per_ride()
    [flag] = [f for f in run_checks(e) if f.code == "per-use-subsidy"]
    assert flag.elements == ("city", "f1") and "'subsidy per ride'" in flag.message
    city = economics_of(e).city
    assert (city.per_use_cost, city.per_use_income, city.per_use_cover) == (6_000_000, 0.0, 0.0)
    assert city.net_at(10) == -60_000_000
    scores = evaluate(e.config, recommend=False).scores
    criterion = next(c for c in scores["scalability"].criteria if c.id == "s_city_cost")
    assert criterion.value == 0.0 and "54,000,000 more per year" in criterion.explanation
    assert scores["scalability"].score < 100


def test_declared_benefits_and_per_use_income_cover_the_citys_cost():
    half = _city_pays_per_ride(unit_benefits={"f1": 3.0})
    criterion = next(
        c for c in evaluate(half.config, recommend=False).scores["scalability"].criteria if c.id == "s_city_cost"
    )
    assert criterion.value == 0.5 and "per-use-subsidy" in {f.code for f in run_checks(half)}
    covered = _city_pays_per_ride(unit_benefits={"f1": 6.0})
    assert "per-use-subsidy" not in {f.code for f in run_checks(covered)}
    assert economics_of(covered).city.net == -6_000_000  # benefits are shown, never added to the cash


def test_an_availability_fee_suggestion_clears_the_per_use_subsidy():
    e = _city_pays_per_ride()
    [flag] = [f for f in evaluate(e.config, LIBRARY).flags if f.code == "per-use-subsidy"]
    suggestion = flag.suggestions[0]
    assert "6,000,000.00 a year instead of 6.00 per use" in suggestion.text
    assert "falls from 6,000,000 to 0 a year" in suggestion.reason
    after, _ = perform(e.config, suggestion_change(e.config, LIBRARY, "per-use-subsidy", suggestion.id))
    assert "per-use-subsidy" not in {f.code for f in evaluate(after, recommend=False).flags}


def test_the_citys_cost_is_not_judged_where_nothing_is_counted_per_use():
    e = eco(RIDES, [("city", "op", "money", 1000.0, 1), ("op", "riders", "service")])
    criterion = next(
        c for c in evaluate(e.config, recommend=False).scores["scalability"].criteria if c.id == "s_city_cost"
    )
    assert not criterion.assessable


@pytest.mark.parametrize(
    "bad, message",
    [
        (
            {"flows": [{"id": "f1", "source": "a", "target": "b", "kind": "money", "payback_years": 5}]},
            "only an investment has a payback period",
        ),
        (
            {"flows": [{"id": "f1", "source": "a", "target": "b", "kind": "investment", "term_years": 5}]},
            "an investment is paid once",
        ),
        (
            {
                "flows": [
                    {"id": "f1", "source": "a", "target": "b", "kind": "money"},
                    {"id": "f2", "source": "b", "target": "c", "kind": "money"},
                ],
                "actor_a": {"unit_costs": {"f2": 1.0}},
            },
            "flow 'f2' does not start or end at this actor",
        ),
        ({"actor_a": {"unit_costs": {"nope": 1.0}}}, "unit_costs: no flow has id 'nope'"),
        ({"parameters": {"horizon_years": 2.5}}, "whole number of years"),
    ],
)
def test_bad_economics_are_refused_with_a_clear_message(bad, message):
    data = {"name": "x", "actors": [{"id": i, "name": i.upper(), "type": "business"} for i in "abc"], "flows": []}
    data["flows"] = bad.get("flows", [])
    if "actor_a" in bad:
        data["actors"][0].update(bad["actor_a"])
    if "parameters" in bad:
        data["parameters"] = bad["parameters"]
    with pytest.raises(ConfigurationError) as error:
        parse_configuration(data)
    assert message in str(error.value)


def test_files_without_costs_keep_their_shape():
    plain = config(RIDES, [("city", "op", "money", 1.0, 1)])
    dumped = plain.model_dump(mode="json")
    assert "fixed_cost" not in dumped["actors"][0] and "term_years" not in dumped["flows"][0]


def test_the_report_shows_money_over_time_and_the_citys_position_apart():
    from canvas_app.report import configuration_report

    e = _city_pays_per_ride()
    report = configuration_report(e.config, evaluate(e.config, recommend=False))
    sections = {s.title: s for s in report.sections}
    city = dict(sections["The city's position"].tables[0].rows)
    assert city["Net cash per year if use grows ×10"] == "-60,000,000"
    assert city["Share of the per-use cost covered"] == "0%"
    over_time = sections["Money over time"]
    assert over_time.svg.count("<polyline") == 3 and "City" in over_time.svg_label
    invested = _invested(payback=4)
    rows = {
        r[0]: r
        for r in configuration_report(invested.config, evaluate(invested.config, recommend=False))
        .sections[[s.title for s in report.sections].index("Money over time")]
        .tables[0]
        .rows
    }
    assert rows["Bank"][1:] == ("1,000", "300", "4", "5", "137", "no (within 4 years)")
