"""Replication to another city: substitution, precondition checks, rescaling and the scores, worked out by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from canvas_app.analysis import evaluate
from canvas_app.city_profile import CityProfile, library_preconditions, load_profile, parse_profile
from canvas_app.evaluation import SCORE_NAMES
from canvas_app.library import load_library, place_module
from canvas_app.model import (
    Configuration,
    ConfigurationError,
    dump_configuration,
    load_configuration,
    parse_configuration,
)
from canvas_app.replication import Substitution, replace_city, replicate
from tests.core.builders import config

LIBRARY = load_library()
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
TARGET = CityProfile(name="Umeå", population=100_000, currency="SEK")


def _service(population: int | None = 200_000) -> Configuration:
    """City, operator, drivers (60,000), a local tech firm and a generic payment provider."""
    return config(
        {
            "city": "city",
            "op": "platform_operator",
            "drivers": "citizen",
            "tech": "technology_vendor",
            "psp": "service_provider",
        },
        [
            ("drivers", "op", "money", 2.0, 1000),  # per use: 1,000 sessions of 2.0
            ("op", "drivers", "service"),
            ("city", "op", "money", 5000.0, 1),  # a fixed yearly payment
            ("op", "tech", "money", 300.0, 1),
            ("tech", "op", "service"),
            ("op", "psp", "money", 0.1, 1000),
            ("psp", "op", "service"),
        ],
        actor_city={"name": "City of Oulu"},
        actor_drivers={"count": 60000},
        actor_tech={"name": "Oulu Tech Oy", "local": True},
        city="Oulu",
        population=population,
    )


# -- substitution ------------------------------------------------------------------------------------------------


def test_a_local_organisation_is_replaced_by_the_named_counterpart_and_stays_local():
    result = replicate(_service(), LIBRARY, None, TARGET, {"tech": Substitution("Umeå Tech AB")})
    tech = result.replica.actor("tech")
    assert (tech.name, tech.local) == ("Umeå Tech AB", True)
    (line,) = result.plan.substitutions
    assert (line.actor, line.counterpart, line.counterpart_local) == ("Oulu Tech Oy", "Umeå Tech AB", True)
    replicability = next(r for r in result.plan.scores if r.name == "replicability")
    assert not [r for r in replicability.reasons if "Substituting" in r]  # one local firm for another: no change


def test_a_local_organisation_made_a_generic_role_lifts_generic_roles_by_a_third():
    """One local technology vendor (a core role) costs a third: 1 − 1/3 = 0.67 before, 1.00 after."""
    result = replicate(_service(), LIBRARY, None, TARGET, {"tech": Substitution("Software vendor", local=False)})
    assert result.replica.actor("tech").local is False
    replicability = next(r for r in result.plan.scores if r.name == "replicability")
    assert replicability.reasons[0] == (
        "Substituting “Oulu Tech Oy” by “Software vendor” (a generic role): "
        "Generic roles, not local organisations 0.67 → 1.00"
    )
    assert replicability.replica_value > replicability.original_value


def test_an_organisation_left_alone_is_kept_and_listed_as_still_to_substitute():
    result = replicate(_service(), LIBRARY, None, TARGET)
    assert result.replica.actor("tech").name == "Oulu Tech Oy"
    assert result.plan.open_substitutions == 1
    assert result.plan.substitutions[0].action.startswith("Still to substitute: kept as “Oulu Tech Oy”")


def test_generic_roles_are_carried_over_with_the_city_renamed():
    result = replicate(_service(), LIBRARY, None, TARGET)
    carried = {c.name: c.new_name for c in result.plan.carried}
    assert carried == {
        "City of Oulu": "City of Umeå",
        "Op": "Op",
        "Drivers": "Drivers",
        "Psp": "Psp",
    }
    assert result.replica.actor("city").name == "City of Umeå"
    assert (result.replica.city, result.replica.name) == ("Umeå", "test – Umeå")
    assert replace_city("Oulu parking in Oulunsalo", "Oulu", "Umeå") == "Umeå parking in Oulunsalo"


@pytest.mark.parametrize(
    ("substitutions", "problem"),
    [
        ({"psp": Substitution("X")}, "“Psp” is a generic role, not a named local organisation"),
        ({"tech": Substitution("  ")}, "“Oulu Tech Oy”: the counterpart needs a name"),
        ({"tech": Substitution("drivers")}, "another actor is already named “drivers”"),
        ({"ghost": Substitution("X")}, "no actor has id 'ghost'"),
    ],
)
def test_bad_substitutions_are_refused_with_the_reason(substitutions, problem):
    with pytest.raises(ConfigurationError) as caught:
        replicate(_service(), LIBRARY, None, TARGET, substitutions)
    assert problem in str(caught.value)


# -- preconditions ---------------------------------------------------------------------------------------------------


def test_each_precondition_is_met_not_met_or_unknown_by_the_target_profile():
    base = Configuration(name="parking", city="Oulu")
    for module in ("mobile-parking", "concession", "eu-grant"):
        base = place_module(base, LIBRARY[module])
    target = CityProfile(
        name="Umeå",
        has=["Local parking ordinance allows MOBILE payment"],  # case and spacing do not matter
        lacks=["concession tender under Directive 2014/23/EU"],
    )
    checks = {
        (c.module, c.precondition): (c.status, c.action)
        for c in replicate(base, LIBRARY, None, target).plan.preconditions
    }
    assert checks[("Mobile parking", "local parking ordinance allows mobile payment")] == (
        "met",
        "Umeå has it: nothing to do.",
    )
    status, action = checks[("Concession", "concession tender under Directive 2014/23/EU")]
    assert status == "not met" and action.startswith("Umeå lacks it: arrange it before launch, or replace “Concession”")
    assert {s for (m, _), (s, _) in checks.items() if m == "EU grant"} == {"unknown"}
    assert len(checks) == 1 + 1 + len(LIBRARY["eu-grant"].attributes.preconditions)


def test_profiles_refuse_an_item_both_had_and_lacked_and_name_the_field():
    with pytest.raises(ConfigurationError) as caught:
        parse_profile({"name": "X", "has": ["A portal"], "lacks": ["a  portal"]})
    assert "has and lacks both list 'A portal'" in str(caught.value)
    with pytest.raises(ConfigurationError) as caught:
        parse_profile('{"name": "X", "population": -3}')
    assert "population: input should be greater than or equal to 1" in str(caught.value)
    assert "local parking ordinance allows mobile payment" in library_preconditions(LIBRARY)


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ('{"name": "' + "x" * 210_000 + '"}', "profile is 205 KB; the limit is 200 KB"),
        ("[1, 2]", "a city profile must be a JSON object, not list"),
        ('{"name": "X"', "not valid JSON: Expecting ',' delimiter"),
        ('{"format": "citycanvas/1", "name": "X"}', "format: expected 'citycanvas-city/1', got 'citycanvas/1'"),
    ],
)
def test_profiles_read_like_configurations_refuse_what_is_too_big_not_an_object_or_another_format(source, problem):
    with pytest.raises(ConfigurationError) as caught:
        parse_profile(source)
    assert caught.value.problems[0].startswith(problem)


# -- rescaling ---------------------------------------------------------------------------------------------------------


def test_segment_sizes_and_uses_are_halved_for_half_the_population_and_marked_estimates():
    result = replicate(_service(), LIBRARY, None, TARGET)  # 100,000 ÷ 200,000 = 0.5
    replica = result.replica
    assert result.plan.factor == 0.5
    assert replica.actor("drivers").count == 30000
    assert replica.replicated_from is not None and replica.replicated_from.estimated_counts == ["drivers"]
    sessions = replica.flow("f1")
    assert (sessions.amount, sessions.occurrences, sessions.estimated) == (2.0, 500.0, ["occurrences"])
    fixed = replica.flow("f3")
    assert (fixed.amount, fixed.occurrences, fixed.estimated) == (5000.0, 1.0, [])
    assert replica.flow("f6").occurrences == 500.0
    assert replica.population == 100_000
    kept = {k.element: k.what for k in result.plan.kept}
    assert kept["“money” (City of Umeå → Op)"] == "amount per period"
    assert kept["“money” (Drivers → Op)"] == "amount per use"


def test_a_module_formula_of_the_segment_size_is_recomputed_and_an_entered_figure_grows_with_it():
    """Subscription: occurrences = source.count. Estimated: 60,000 → 30,000; entered 50,000 → 50,000 × 0.5."""
    base = Configuration(name="bundle", city="Oulu", population=200_000)
    base = place_module(base, LIBRARY["mobile-parking"])  # Drivers, 60,000
    base = place_module(base, LIBRARY["subscription"])
    fee = next(f for f in base.flows if f.label == "monthly subscription")
    assert (fee.occurrences, fee.estimated) == (60000.0, ["amount", "occurrences"])
    result = replicate(base, LIBRARY, None, TARGET)
    assert result.replica.flow(fee.id).occurrences == 30000.0
    assert result.replica.flow(fee.id).amount == fee.amount  # 30 × 12 months: no scaling name
    entered = base.model_copy(
        update={
            "flows": [
                f.model_copy(update={"occurrences": 50000.0, "estimated": ["amount"]}) if f.id == fee.id else f
                for f in base.flows
            ]
        }
    )
    again = replicate(entered, LIBRARY, None, TARGET).replica.flow(fee.id)
    assert (again.occurrences, again.estimated) == (25000.0, ["amount", "occurrences"])


def test_without_a_source_population_nothing_is_rescaled_and_the_plan_says_why():
    result = replicate(_service(population=None), LIBRARY, None, TARGET)
    assert result.plan.factor is None and not result.plan.rescaled
    assert "population of Oulu is unknown" in result.plan.factor_reason
    source = CityProfile(name="Oulu", population=400_000, currency="EUR")
    with_profile = replicate(_service(population=None), LIBRARY, source, TARGET)
    assert with_profile.plan.factor == 0.25
    assert (
        with_profile.plan.notes[0] == "Amounts are in EUR; Umeå uses SEK: convert them (no exchange rate is applied)."
    )


# -- provenance and the file ------------------------------------------------------------------------------------------


def test_the_replica_records_its_provenance_and_round_trips():
    result = replicate(_service(), LIBRARY, None, TARGET, revision=7)
    assert result.plan.provenance == "Replicated from “test”, revision 7 (Oulu), for Umeå."
    again = parse_configuration(dump_configuration(result.replica))
    assert again == result.replica and again.replicated_from is not None
    assert again.replicated_from.population_factor == 0.5


@pytest.mark.parametrize("name", ["oulu-parking", "parking-city-run"])
def test_a_file_without_provenance_is_written_as_it_was(name):
    path = EXAMPLES / f"{name}.json"
    assert json.loads(dump_configuration(load_configuration(path))) == json.loads(path.read_text())


def test_the_example_profiles_replicate_the_oulu_example_to_umea():
    result = replicate(
        load_configuration(EXAMPLES / "oulu-parking.json"),
        LIBRARY,
        load_profile(EXAMPLES / "cities" / "oulu.json"),
        load_profile(EXAMPLES / "cities" / "umea.json"),
    )
    assert result.plan.factor == pytest.approx(131_000 / 214_000)
    assert result.replica.actor("drivers").count == round(60000 * 131_000 / 214_000)  # 36,729
    statuses = {c.precondition: c.status for c in result.plan.preconditions}
    assert statuses["local parking ordinance allows mobile payment"] == "met"
    assert statuses["concession tender under Directive 2014/23/EU"] == "unknown"


# -- property: the same city changes no score ---------------------------------------------------------------------


@st.composite
def _services(draw) -> Configuration:
    population = draw(st.integers(1, 2_000_000))
    count = draw(st.none() | st.integers(0, 10**6))
    sessions = draw(st.floats(0, 1e6, allow_nan=False))
    local = draw(st.booleans())
    base = _service(population=population)
    data = base.model_dump()
    for actor in data["actors"]:
        if actor["id"] == "drivers":
            actor["count"] = count
        if actor["id"] == "tech":
            actor["local"] = local
    data["flows"][0]["occurrences"] = sessions
    result = Configuration.model_validate(data)
    for module in draw(
        st.lists(st.sampled_from(["subscription", "mobile-parking", "concession"]), max_size=2, unique=True)
    ):
        result = place_module(result, LIBRARY[module])
    return result


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_services())
def test_replicating_to_the_same_citys_profile_changes_no_score(service):
    same = CityProfile(name=service.city, population=service.population)
    result = replicate(service, LIBRARY, None, same)
    before = evaluate(service, LIBRARY, recommend=False, structure=False)
    after = evaluate(result.replica, LIBRARY, recommend=False, structure=False)
    for name in SCORE_NAMES:
        assert after.scores[name].score == before.scores[name].score
        assert [c.value for c in after.scores[name].criteria] == [c.value for c in before.scores[name].criteria]
    assert all(not row.reasons for row in result.plan.scores)
    assert not result.plan.rescaled
