"""The reproductions behind "numbers a city can defend", each with its hand-computed answer."""

from __future__ import annotations

import pytest

from builders import config, eco
from canvas_app.analysis import evaluate
from canvas_app.library import load_library, place_module
from canvas_app.messages import say
from canvas_app.model import Configuration

LIBRARY = load_library()


def criteria(configuration: Configuration) -> dict:
    return {c.id: c for s in evaluate(configuration, recommend=False).scores.values() for c in s.criteria}


def test_a_blank_configuration_is_not_assessable_rather_than_full_marks():
    blank = config({"city": "city"})
    scores = evaluate(blank, recommend=False).scores
    # was 87.5: "no data flows to standardise" and "no roles besides the city" gave 1.00 each
    assert not scores["replicability"].assessable and scores["replicability"].coverage == 0
    assert all(not s.assessable for s in scores.values())
    assert evaluate(blank, recommend=False).flags == ()  # a lone city has nothing to flag yet
    assert scores["sustainability"].display() == "not assessable"


def test_modules_without_amounts_are_listed_and_leave_money_criteria_unjudged():
    base = config({"city": "city", "drivers": "citizen"}, [("city", "drivers", "service")])
    for module_id in ("mobile-parking", "mobile-payment", "transaction-fee"):
        base = place_module(base, LIBRARY[module_id])
    evaluation = evaluate(base, recommend=False)
    missing = [f for f in evaluation.flags if f.code == "missing-quantities"]
    money_without = [
        f.id
        for f in base.flows
        if f.kind.value in ("money", "grant", "investment") and (f.amount is None or f.occurrences is None)
    ]
    assert missing and missing[0].severity == "low" and list(missing[0].elements) == money_without
    assert "cannot be judged" in missing[0].message or "once per" in missing[0].message
    capture = evaluation.scores["value_capture"]
    # was 100: with no amounts the operator's margin, share and take rate are not judged
    assert capture.coverage < 1 and not {c.id: c for c in capture.criteria}["cap_operator_net"].assessable


def _operator_nets(fee: float) -> Configuration:
    """Drivers pay the operator 2 × 1,000 a year; it passes 2,000 − ``fee`` × 1,000... on to providers."""
    return config(
        {"city": "city", "op": "platform_operator", "drivers": "citizen", "provider": "service_provider"},
        [
            ("drivers", "op", "money", 2.0, 1000),
            ("op", "drivers", "service", None, None, {"marginal_cost": "low"}),
            ("provider", "op", "service"),
            ("op", "provider", "money", 2.0 - fee, 1000),
            ("city", "op", "permission"),
            ("op", "city", "data", None, None, {"standards": ["NGSI-LD"]}),
        ],
    )


def test_changing_a_money_amount_changes_the_scores():
    scores = [evaluate(_operator_nets(fee), recommend=False).scores["value_capture"].score for fee in (0.0, 0.1, 0.5)]
    # was unchanged whatever the amount; now a fee of 0, 0.1 and 0.5 per use gives margins of 0 %, 5 % and 25 %
    assert scores[0] < scores[1] < scores[2]


def test_an_operator_netting_three_a_year_captures_less_than_one_netting_sixty_thousand():
    tiny = config(
        {"op": "platform_operator", "drivers": "citizen", "city": "city"},
        [
            ("drivers", "city", "money", 1.8, 400_000),
            ("drivers", "op", "money", 3.0, 1),
            ("op", "drivers", "service", None, None, {"marginal_cost": "low"}),
            ("city", "drivers", "service"),
        ],
    )
    large = config(
        {"op": "platform_operator", "drivers": "citizen", "city": "city"},
        [
            ("drivers", "city", "money", 1.8, 400_000),
            ("drivers", "op", "money", 0.15, 400_000),
            ("op", "drivers", "service", None, None, {"marginal_cost": "low"}),
            ("city", "drivers", "service"),
        ],
    )
    tiny_c, large_c = criteria(tiny), criteria(large)
    # both keep 100 % of what they receive; only the share of the 720,000+ moved tells them apart
    assert tiny_c["cap_operator_share"].value == pytest.approx((3 / 720_003) / 0.1)
    assert large_c["cap_operator_share"].value == pytest.approx(min(1, (60_000 / 780_000) / 0.1))
    # selling its own service, neither is an intermediary: no take rate, never "100 % against a 20 % target"
    assert not tiny_c["cap_take_rate"].assessable and not large_c["cap_take_rate"].assessable
    score = {
        name: evaluate(c, recommend=False).scores["value_capture"].score
        for name, c in (("tiny", tiny), ("large", large))
    }
    assert score["tiny"] < score["large"]


def test_take_rate_is_judged_against_a_band_the_file_can_change():
    e = eco(
        {"op": "platform_operator", "drivers": "citizen", "provider": "service_provider"},
        [("drivers", "op", "money", 10.0, 100), ("op", "provider", "money", 6.0, 100)],
    )  # keeps 40 %
    from canvas_app.scoring import take_rate

    assert take_rate(e)[0] == pytest.approx(1 - (0.4 - 0.3) / 0.7)
    wide = eco(
        {"op": "platform_operator", "drivers": "citizen", "provider": "service_provider"},
        [("drivers", "op", "money", 10.0, 100), ("op", "provider", "money", 6.0, 100)],
        parameters={"take_rate_high": 0.5},
    )
    assert take_rate(wide)[0] == 1.0 and "band 5%–50%" in take_rate(wide)[1]
    with pytest.raises(ValueError, match="take_rate_low .* must be below take_rate_high"):
        config({"a": "city"}, parameters={"take_rate_low": 0.6})


def test_a_declared_interface_the_registry_does_not_know_gets_half_credit():
    e = eco(
        {"a": "city", "b": "business"},
        [
            ("a", "b", "data", None, None, {"standards": ["NGSI-LD"]}),
            ("b", "a", "data", None, None, {"standards": ["Acme Cloud SDK"]}),
            ("a", "b", "data", None, None, {"standards": ["Municipal feed v2"]}),
        ],
    )
    from canvas_app.scoring import open_standards

    value, text = open_standards(e)
    # NGSI-LD 1, a vendor SDK 0, an unknown name 0.5 (to confirm) → 1.5 / 3
    assert value == pytest.approx(0.5)
    assert "1 declare a standard the registry does not list" in text


def test_a_need_is_served_only_by_a_flow_that_reaches_its_actor():
    actors = {"city": "city", "op": "platform_operator", "drivers": "citizen", "shops": "business"}
    flows = [("op", "drivers", "service"), ("op", "shops", "data"), ("city", "op", "data")]
    unrelated = config(actors, flows, needs=[{"id": "n1", "name": "Park", "actor": "drivers", "served_by": ["f2"]}])
    direct = config(actors, flows, needs=[{"id": "n1", "name": "Park", "actor": "drivers", "served_by": ["f1"]}])
    through = config(actors, flows, needs=[{"id": "n1", "name": "Park", "actor": "drivers", "served_by": ["f3"]}])
    # ticking the shops' data flow does not serve the drivers; the city's data to the operator does, through it
    assert criteria(unrelated)["vc_needs_served"].value == 0.0
    assert "unmet-need" in {f.code for f in evaluate(unrelated, recommend=False).flags}
    assert criteria(direct)["vc_needs_served"].value == 1.0
    assert criteria(through)["vc_needs_served"].value == 1.0


@pytest.mark.parametrize(
    "key, count, expected",
    [
        ("no-return", 1, "Merchants gives value but receives none: it has no reason to stay."),
        ("free-rider", 1, "Merchants receives value but gives nothing back."),
        ("free-rider", 2, "Merchants and Vendors receive value but give nothing back."),
        ("vendor-lock-in", 1, "Local software company sits at the centre"),
    ],
)
def test_messages_agree_with_the_number_of_elements(key, count, expected):
    names = {1: "Merchants", 2: "Merchants and Vendors"}[count]
    if key == "vendor-lock-in":
        names = "Local software company"
    assert say(key, count, names=names).startswith(expected)


def test_funding_concentration_does_not_make_a_plural_name_a_singular_verb():
    e = evaluate(
        config(
            {"op": "platform_operator", "drivers": "citizen"},
            [("drivers", "op", "money", 1.0, 10), ("op", "drivers", "service")],
        ),
        recommend=False,
    )
    message = next(f.message for f in e.flags if f.code == "funding-concentration")
    assert message.startswith("Most of the income of Op comes from one payer, Drivers")
