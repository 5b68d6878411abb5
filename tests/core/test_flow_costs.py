"""The editor's forms for own costs, time and personal data, and the commands that write them: costs live on
the actors keyed by flow id, so adding, redrawing and deleting a flow must keep them consistent."""

from __future__ import annotations

import pytest

from canvas_app.commands import AddActor, AddFlow, DeleteActor, DeleteFlow, UpdateActor, UpdateFlow
from canvas_app.economics import economics_of
from canvas_app.ecosystem import Ecosystem
from canvas_app.forms import actor_fields, flow_costs, flow_fields
from canvas_app.model import Configuration, ConfigurationError


def three_actors() -> Configuration:
    c = Configuration(name="rides")
    for actor_id, kind in (("city", "city"), ("op", "business"), ("riders", "citizen")):
        c = AddActor({"id": actor_id, "name": actor_id.title(), "type": kind}).apply(c)
    return c


def form(**values):
    return {"flow_source": "city", "flow_target": "op", "flow_kind": "money", **values}


def test_actor_form_reads_own_costs_and_treats_empty_and_zero_as_not_entered():
    fields = actor_fields({"actor_name": "Op", "actor_fixed_cost": "1200", "actor_capital_cost": ""})
    assert fields["fixed_cost"] == 1200.0 and fields["capital_cost"] is None
    assert actor_fields({"actor_name": "Op", "actor_fixed_cost": 0})["fixed_cost"] is None


def test_actor_form_reads_a_funding_source_that_groups_payers():
    c = three_actors()
    c = UpdateActor(
        "op", actor_fields({"actor_name": "Op", "actor_type": "business", "actor_funding_source": " regional-fund "})
    ).apply(c)
    assert c.actor("op").funding_source == "regional-fund"
    with pytest.raises(ConfigurationError, match="funding_source"):
        UpdateActor("op", actor_fields({"actor_name": "Op", "actor_funding_source": "state budget!"})).apply(c)


def test_actor_form_lists_every_problem_at_once():
    with pytest.raises(ConfigurationError) as err:
        actor_fields({"actor_name": " ", "actor_fixed_cost": "-5", "actor_capital_cost": "lots"})
    assert err.value.problems == ["Up-front cost: 'lots' is not a number"]  # an unreadable number stops the form
    with pytest.raises(ConfigurationError) as err:
        actor_fields({"actor_name": " ", "actor_fixed_cost": "-5"})
    assert err.value.problems == ["Name: an actor needs a name", "Running cost: cannot be negative"]


def test_flow_form_keeps_only_the_fields_its_kind_can_carry():
    money = flow_fields(form(flow_term_years="5", flow_payback_years="8", flow_personal_data=True))
    assert (money["term_years"], money["payback_years"], money["personal_data"]) == (5, None, False)
    investment = flow_fields(form(flow_kind="investment", flow_term_years="5", flow_payback_years="8"))
    assert (investment["term_years"], investment["payback_years"]) == (None, 8)
    data = flow_fields(form(flow_kind="data", flow_personal_data=True))
    assert data["personal_data"] is True


@pytest.mark.parametrize(
    ("years", "problem"),
    [
        ("2.5", "Runs for: a number of years must be a whole number"),
        ("0", "Runs for: between 1 and 100 years"),
        ("101", "Runs for: between 1 and 100 years"),
    ],
)
def test_flow_form_refuses_impossible_terms(years, problem):
    with pytest.raises(ConfigurationError) as err:
        flow_fields(form(flow_term_years=years))
    assert err.value.problems == [problem]


def test_costs_entered_on_a_new_flow_land_on_its_ends_and_change_the_economics():
    c = three_actors()
    fields = flow_fields(form(flow_amount="6", flow_occurrences="1000"))
    c = AddFlow({"id": "f1", **fields}, flow_costs({"flow_target_cost": "2", "flow_benefit": "1.5"})).apply(c)
    assert c.actor("op").unit_costs == {"f1": 2.0}
    assert c.actor("city").unit_benefits == {"f1": 1.5}  # the public end declares the benefit
    eco = Ecosystem(c)
    assert eco.net_values["op"].net == pytest.approx(6 * 1000 - 2 * 1000)  # in 6,000 minus own cost 2,000
    city = economics_of(eco).city
    assert (city.per_use_cost, city.per_use_benefit) == (pytest.approx(6000.0), pytest.approx(1500.0))


def test_a_benefit_needs_a_public_end():
    c = three_actors()
    with pytest.raises(ConfigurationError, match="only a flow to or from the city or a public agency"):
        AddFlow({"id": "f1", **flow_fields(form(flow_source="op", flow_target="riders"))}, {"benefit": 3.0}).apply(c)


def test_clearing_a_cost_in_the_form_removes_it():
    c = three_actors()
    c = AddFlow({"id": "f1", **flow_fields(form())}, {"source": 1.0, "target": 2.0}).apply(c)
    c = UpdateFlow("f1", flow_fields(form()), flow_costs({"flow_source_cost": "", "flow_target_cost": "2"})).apply(c)
    assert (c.actor("city").unit_costs, c.actor("op").unit_costs) == ({}, {"f1": 2.0})


def test_a_flow_redrawn_between_other_actors_leaves_the_old_ends_costs_behind():
    c = three_actors()
    c = AddFlow({"id": "f1", **flow_fields(form())}, {"target": 2.0}).apply(c)
    c = UpdateFlow("f1", {"target": "riders"}).apply(c)  # without this the configuration would not validate
    assert c.actor("op").unit_costs == {} and c.flow("f1").target == "riders"


@pytest.mark.parametrize("delete", [DeleteFlow("f1"), DeleteActor("city"), DeleteActor("op")])
def test_a_cost_on_a_flow_never_blocks_deleting_the_flow_or_an_end(delete):
    c = three_actors()
    c = AddFlow({"id": "f1", **flow_fields(form())}, {"source": 1.0, "target": 2.0, "benefit": 0.5}).apply(c)
    after = delete.apply(c)
    assert all("f1" not in a.unit_costs and "f1" not in a.unit_benefits for a in after.actors)
    assert delete.invert(c).apply(after) == c  # undo puts the costs back with the flow


def test_actor_costs_from_the_form_reach_the_cash_position():
    c = three_actors()
    c = AddFlow({"id": "f1", **flow_fields(form(flow_amount="100", flow_occurrences="12"))}).apply(c)
    c = UpdateActor(
        "op",
        actor_fields(
            {"actor_name": "Op", "actor_type": "business", "actor_fixed_cost": "200", "actor_capital_cost": "3000"}
        ),
    ).apply(c)
    cash = economics_of(Ecosystem(c)).cash("op")
    # year 0: the up-front 3,000; each year (the default period) 12 × 100 in and a running cost of 200 out
    assert cash.yearly[:3] == (pytest.approx(-3000.0), pytest.approx(1000.0), pytest.approx(1000.0))
    assert cash.payback_year == 3  # -3,000, -2,000, -1,000, 0
