"""Money over time in the documented cases and shipped examples, against figures worked out by hand.

Each figure below comes from the source the case or example cites (its description, labels or notes);
the arithmetic is in the comments. Present values use the default 3 % discount rate: the discount
factors 1/1.03^t for t = 1..12 are 0.970874, 0.942596, 0.915142, 0.888487, 0.862609, 0.837484,
0.813092, 0.789409, 0.766417, 0.744094, 0.722421, 0.701380.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from canvas_app.analysis import evaluate
from canvas_app.economics import Economics, economics_of
from canvas_app.ecosystem import Ecosystem
from canvas_app.evaluation import Criterion
from canvas_app.library import load_library
from canvas_app.model import load_configuration

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "tests" / "core" / "cases"
EXAMPLES = ROOT / "examples"
LIBRARY = load_library()
M = 1_000_000


def _economics(path: Path) -> Economics:
    return economics_of(Ecosystem(load_configuration(path)))


def _criterion(path: Path, criterion_id: str) -> Criterion:
    evaluation = evaluate(load_configuration(path), LIBRARY, recommend=False, structure=False)
    return next(c for s in evaluation.scores.values() for c in s.criteria if c.id == criterion_id)


def test_los_angeles_lender_is_back_in_year_five_of_its_seven():
    """ESMAP 2011: a US$56.9 M programme lent by LADWP; BSL: savings repay it within seven years."""
    econ = _economics(CASES / "la-led-streetlights.json")
    lender = econ.positions["ladwp"]
    # year 0: the loan, -56.9; years 1-7: repayment 8.1 + electricity 6 = 14.1; years 8-10: electricity 6 only
    assert lender.yearly == (-56.9 * M, *[14.1 * M] * 7, *[6.0 * M] * 3)
    assert lender.payback_limit == 7
    # cumulative: -56.9 + 4 x 14.1 = -0.5 after year 4, +13.6 after year 5
    assert lender.payback_year == 5
    # discounted: 14.1 x (0.970874 + 0.942596 + 0.915142 + 0.888487) = 52.41 < 56.9; + 14.1 x 0.862609 = 64.57
    assert lender.discounted_payback_year == 5
    assert lender.pays_back
    # NPV = -56.9 + 14.1 x 6.230283 (7 years) + 6 x (0.789409 + 0.766417 + 0.744094) = -56.9 + 87.847 + 13.800
    assert lender.npv == pytest.approx(44.7465 * M, rel=1e-5)
    # the fixtures are paid 14.2 a year for the four years of the programme only
    assert econ.positions["led-supplier"].yearly == (0.0, *[14.2 * M] * 4, *[0.0] * 6)
    assert _criterion(CASES / "la-led-streetlights.json", "su_payback").value == 1.0


def test_linknyc_build_out_cannot_be_judged_without_its_running_costs():
    """DNAinfo 2016: 'a 12-year, $200 million contract'; CityBridge's power costs are unpublished."""
    econ = _economics(CASES / "linknyc.json")
    assert econ.horizon == 12
    assert econ.unjudged_investors == ["citybridge"]
    assert "citybridge" not in econ.positions
    payback = _criterion(CASES / "linknyc.json", "su_payback")
    assert not payback.assessable and "not every money flow has an amount" in payback.explanation
    # the city gets the USD 2.6 M actually paid in FY2019, each of 12 years: NPV = 2.6 x 9.954004 (12-year annuity)
    city = econ.positions["city"]
    assert city.yearly == (0.0, *[2.6 * M] * 12)
    assert city.npv == pytest.approx(25.8804 * M, rel=1e-5)
    # nothing the city receives grows with use (one yearly revenue share), so its per-use cost is not judged
    assert econ.city is not None and econ.city.per_use_cost == 0 and econ.city.per_use_income == 0
    assert not _criterion(CASES / "linknyc.json", "s_city_cost").assessable


def test_smartsantander_grant_stops_with_the_project():
    """Sanchez et al. 2014: about EUR 6 M of EC contribution over a 36-month project (EUR 2 M a year)."""
    econ = _economics(CASES / "smartsantander.json")
    # NPV of the EC's grant = -2 x (0.970874 + 0.942596 + 0.915142) = -2 x 2.828611
    commission = econ.positions["ec"]
    assert commission.yearly == (0.0, *[-2.0 * M] * 3, *[0.0] * 7)
    assert commission.npv == pytest.approx(-5.657222 * M, rel=1e-6)
    # the testbed nets 2 - 0.7 = 1.3 in each project year and nothing after
    assert econ.positions["testbed"].yearly == (0.0, *[1.3 * M] * 3, *[0.0] * 7)


def test_rio_set_up_cost_is_paid_once():
    """Singer 2012 (NYT): about US$14 M to set the centre up, a one-off payment to IBM."""
    ibm = _economics(CASES / "rio-operations-centre.json").positions["ibm"]
    assert ibm.yearly == (0.0, 14.0 * M, *[0.0] * 9)
    assert ibm.npv == pytest.approx(14 * M / 1.03)  # 13.592 M


def test_public_wifi_voucher_is_paid_once():
    """European Commission: a WiFi4EU voucher is EUR 15,000, paid once; the rest of the example is illustrative."""
    econ = _economics(EXAMPLES / "public-wifi.json")
    assert econ.positions["european-commission-programme"].yearly == (0.0, -15000.0, *[0.0] * 9)
    # coordinator: year 1 = 15,000 voucher + 25,000 city budget + 20,000 sponsorship - 40,000 backhaul = 20,000;
    # years 2-10 = 5,000; NPV = 20,000 x 0.970874 + 5,000 x (8.530203 - 0.970874) = 19,417 + 37,797
    coordinator = econ.positions["it-unit"]
    assert coordinator.yearly == (0.0, 20000.0, *[5000.0] * 9)
    assert coordinator.npv == pytest.approx(57214.1, abs=0.1)


def test_the_public_budget_earns_per_use_and_pays_nothing_per_use():
    """Stockholm: about 80 M passages a year (Eliasson 2009) at SEK 10 on average (the case's assumption);
    Bicing: about 90,000 members at EUR 47.16 a year (2017, documented in the case)."""
    stockholm = _economics(CASES / "stockholm-congestion-charge.json").city
    assert stockholm is not None
    assert stockholm.per_use_cost == 0 and stockholm.per_use_cover is None
    assert stockholm.per_use_income == pytest.approx(10 * 80 * M)  # SEK 800 M
    # agency: 800 in - 220 operation - 580 to the state = 0; state: +580; at x10 use: 580 + 9 x 800 = 7,780
    assert stockholm.net == pytest.approx(580 * M)
    assert stockholm.net_at(10) == pytest.approx(7780 * M)
    assert _criterion(CASES / "stockholm-congestion-charge.json", "s_city_cost").value == 1.0
    bicing = _economics(CASES / "barcelona-bicing.json").city
    assert bicing is not None and bicing.per_use_cost == 0
    assert bicing.per_use_income == pytest.approx(47.16 * 90000)  # EUR 4,244,400


def test_whim_investors_get_nothing_back():
    """The Whim case's EUR 10 M of venture funding (an assumption) earns its investors no cash flow at all;
    MaaS Global went bankrupt in 2024 (LIGARE 2024)."""
    econ = _economics(CASES / "helsinki-whim-maas.json")
    investors = econ.positions["investors"]
    assert investors.yearly == (-10.0 * M, *[0.0] * 10)
    assert investors.npv == -10.0 * M and investors.payback_year is None and investors.recovered == 0.0
    # the operator: +10 in year 0, then 14.4 in - (8.64 + 4.32 + 1.44) to providers - 8 running costs = -8 a year
    assert econ.positions["maas-global"].yearly == (10.0 * M, *[-8.0 * M] * 10)
    payback = _criterion(CASES / "helsinki-whim-maas.json", "su_payback")
    assert payback.assessable and payback.value == 0.0


def test_tfl_running_cost_waits_for_its_budget():
    """Deloitte 2017: publishing the data costs TfL about GBP 1 M a year; the budget it is paid from is not
    published, so TfL's money cannot be judged and it gets no cash position."""
    econ = _economics(CASES / "tfl-open-data.json")
    assert load_configuration(CASES / "tfl-open-data.json").actor("tfl").fixed_cost == 1_000_000
    assert not econ.complete("tfl") and "tfl" not in econ.positions
