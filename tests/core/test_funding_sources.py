"""Funding concentration by source, not by box: hand-computed Herfindahl–Hirschman indexes.

The city and public agencies are one public budget; boxes with the same ``funding_source`` are one
source; a segment with ``count`` N is N payers, adding s²/N for its share s.
"""

from __future__ import annotations

import json

import pytest

from builders import config, eco
from canvas_app.checks import funding_hhi, funding_sources, grant_share, run_checks, source_key
from canvas_app.model import Actor, ConfigurationError, dump_configuration, parse_configuration
from canvas_app.recommend import Trial, structural_suggestions, verify
from canvas_app.scoring import CRITERIA_BY_ID

SERVICE = ("op", "people", "service")


def diversified(e) -> tuple[float | None, str]:
    return CRITERIA_BY_ID["su_diversified_funding"].measure(e)


def test_city_departments_are_one_public_budget():
    # city 300 + transport agency 100 = public budget 400 of 500 (0.8); advertisers 100 (0.2)
    # index 0.8² + 0.2² = 0.68; counted per box it was 0.6² + 0.2² + 0.2² = 0.44
    actors = {
        "op": "platform_operator",
        "city": "city",
        "transport": "public_agency",
        "ads": "business",
        "people": "citizen",
    }
    flows = [
        ("city", "op", "money", 300.0, 1),
        ("transport", "op", "money", 100.0, 1),
        ("ads", "op", "money", 100.0, 1),
        SERVICE,
        ("op", "ads", "service"),
    ]
    e = eco(actors, flows)
    sources = funding_sources(e)
    assert list(sources) == ["public-budget", "ads"]
    assert sources["public-budget"].actors == ("city", "transport") and sources["public-budget"].payers == 1
    assert funding_hhi(e) == pytest.approx(0.68)
    value, text = diversified(e)
    assert value == pytest.approx(0.32)
    assert "is 0.68" in text and "the public budget (City and Transport)" in text
    [flag] = [f for f in run_checks(e) if f.code == "funding-concentration"]
    assert flag.elements == ("op", "city", "transport")
    assert "one payer, the public budget (City and Transport) (Herfindahl index 0.68)" in flag.message


def test_a_segment_with_a_count_is_that_many_payers():
    # 60,000 drivers bring all the income: 60,000 payers of 1/60,000 each, index 1/60,000, not 1
    e = eco(
        {"op": "platform_operator", "drivers": "citizen"},
        [("drivers", "op", "money", 2.0, 1000), ("op", "drivers", "service")],
        actor_drivers={"count": 60000},
    )
    assert funding_hhi(e) == pytest.approx(1 / 60000)
    assert "funding-concentration" not in {f.code for f in run_checks(e)}
    assert "Drivers (60,000 payers)" in diversified(e)[1]


def test_a_counted_segment_beside_the_city_adds_its_share_squared_over_its_count():
    # drivers 600 of 1,000 (count 1,000) and the city 400: 0.6² / 1,000 + 0.4² = 0.16036
    e = eco(
        {"op": "platform_operator", "drivers": "citizen", "city": "city"},
        [("drivers", "op", "money", 0.6, 1000), ("city", "op", "money", 400.0, 1), ("op", "drivers", "service")],
        actor_drivers={"count": 1000},
    )
    assert funding_hhi(e) == pytest.approx(0.36 / 1000 + 0.16)


def test_boxes_declaring_one_funding_source_are_one_payer():
    # two shops paid from one chamber-of-commerce fund (50 + 50) and the city (100): 0.5² + 0.5² = 0.5
    actors = {
        "op": "platform_operator",
        "shop_a": "business",
        "shop_b": "business",
        "city": "city",
        "people": "citizen",
    }
    flows = [
        ("shop_a", "op", "money", 50.0, 1),
        ("shop_b", "op", "money", 50.0, 1),
        ("city", "op", "money", 100.0, 1),
        SERVICE,
        ("op", "shop_a", "service"),
        ("op", "shop_b", "service"),
    ]
    apart = eco(actors, flows)
    assert funding_hhi(apart) == pytest.approx(0.25 + 0.0625 + 0.0625)
    grouped = eco(actors, flows, actor_shop_a={"funding_source": "chamber"}, actor_shop_b={"funding_source": "chamber"})
    assert list(funding_sources(grouped)) == ["chamber", "public-budget"]
    assert funding_hhi(grouped) == pytest.approx(0.5)


def test_counts_of_the_boxes_of_one_source_add_up():
    # residents drawn as 300 + 700 members of one source: 1,000 payers
    actors = {"op": "platform_operator", "north": "citizen", "south": "citizen"}
    flows = [
        ("north", "op", "money", 3.0, 100),
        ("south", "op", "money", 7.0, 100),
        ("op", "north", "service"),
        ("op", "south", "service"),
    ]
    e = eco(
        actors,
        flows,
        actor_north={"count": 300, "funding_source": "residents"},
        actor_south={"count": 700, "funding_source": "residents"},
    )
    [source] = funding_sources(e).values()
    assert source.payers == 1000 and source.total == pytest.approx(1000.0)
    assert funding_hhi(e) == pytest.approx(1 / 1000)


def test_a_declared_source_overrides_the_public_budget():
    # a national agency paying from the state budget is not the city's money: 0.5² + 0.5²
    e = eco(
        {"op": "platform_operator", "city": "city", "state": "public_agency", "people": "citizen"},
        [("city", "op", "money", 10.0, 1), ("state", "op", "money", 10.0, 1), SERVICE],
        actor_state={"funding_source": "national-budget"},
    )
    assert [source_key(e.actors[a]) for a in ("city", "state", "people")] == [
        "public-budget",
        "national-budget",
        "people",
    ]
    assert funding_hhi(e) == pytest.approx(0.5)


def test_without_amounts_each_source_weighs_one_however_many_arrows():
    # the city drawn with three payment arrows, residents with one, no amounts: two sources, 0.5² + 0.5²
    # (counting arrows it was 0.75² + 0.25² = 0.625, a funding-concentration flag)
    actors = {"op": "platform_operator", "city": "city", "people": "citizen", "eu": "funder"}
    flows = [
        ("city", "op", "money"),
        ("city", "op", "money"),
        ("city", "op", "money"),
        ("people", "op", "money"),
        SERVICE,
    ]
    e = eco(actors, flows)
    assert funding_hhi(e) == pytest.approx(0.5)
    assert "funding-concentration" not in {f.code for f in run_checks(e)}
    # a grant beside two city payments: grants are one source of two, not one arrow of three
    granted = eco(actors, [("eu", "op", "grant"), ("city", "op", "money"), ("city", "op", "money"), SERVICE])
    assert grant_share(granted) == pytest.approx(0.5)


def test_another_department_of_the_paying_budget_is_no_new_payer():
    """Proposals and their verification look for a new source, not another box of the one that pays."""
    actors = {"city": "city", "op": "platform_operator", "agency": "public_agency", "firm": "business"}
    flows = [("city", "op", "money", 100.0, 1), ("op", "city", "data")]
    before = eco(actors, flows)
    [flag] = [f for f in run_checks(before) if f.code == "funding-concentration"]
    proposals = structural_suggestions(flag, before)
    assert proposals and not any(p.id.endswith(":agency") for p in proposals)
    assert proposals[0].id == "funding-concentration:firm"

    def trial(payer: str) -> Trial:
        return Trial(before, config(actors, [*flows, (payer, "op", "money", 100.0, 1)]))

    assert not verify(flag, trial("agency")).qualifies  # index 1.00 → 1.00: the same public budget
    assert verify(flag, trial("firm")).qualifies  # 1.00 → 0.50


def test_funding_source_is_validated_and_written_only_when_set():
    plain = Actor(id="a", name="A", type="business")
    assert "funding_source" not in json.loads(plain.model_dump_json())
    declared = Actor(id="a", name="A", type="business", funding_source="eu-horizon")
    assert json.loads(declared.model_dump_json())["funding_source"] == "eu-horizon"
    text = dump_configuration(config({"a": "business"}, actor_a={"funding_source": "eu-horizon"}))
    assert parse_configuration(text).actors[0].funding_source == "eu-horizon"
    with pytest.raises(ConfigurationError, match="funding_source"):
        parse_configuration(
            {"name": "x", "actors": [{"id": "a", "name": "A", "type": "business", "funding_source": "two words"}]}
        )
