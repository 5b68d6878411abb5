"""Personal data (issue 17): consent, no sale, and never a score raised by it (a data-protection officer's view)."""

from __future__ import annotations

import pytest

from builders import PLATFORM, config, eco, healthy_platform_flows
from canvas_app.analysis import evaluate
from canvas_app.checks import run_checks
from canvas_app.commands import perform
from canvas_app.judging import build_ecosystem
from canvas_app.library import load_library, place_module
from canvas_app.model import ConfigurationError, dump_configuration, parse_configuration
from canvas_app.recommend import suggestion_change
from canvas_app.scoring import score_ecosystem

LIBRARY = load_library()
LOCATION = ("drivers", "op", "data", None, None, {"personal_data": True, "label": "location traces"})
PROFILES = ("op", "ads", "data", None, None, {"personal_data": True, "label": "driver profiles"})
DATA_FEE = ("ads", "op", "money", 500.0, 1, {"label": "data fee"})
WITH_ADS = {**PLATFORM, "ads": "business"}


def findings(e, code: str):
    return [f for f in run_checks(e) if f.code == code]


def test_personal_data_is_refused_on_anything_but_a_data_flow():
    data = config(PLATFORM).model_dump(mode="json")
    data["flows"] = [{"id": "f1", "source": "drivers", "target": "op", "kind": "money", "personal_data": True}]
    with pytest.raises(ConfigurationError) as error:
        parse_configuration(data)
    assert error.value.problems == [
        "flows[0] (id 'f1'): personal_data: only a data flow can carry personal data (this flow is 'money'); "
        "draw the data as a data flow and its payment as a separate money flow"
    ]


def test_personal_data_is_written_only_when_true():
    plain = config(PLATFORM, healthy_platform_flows())
    assert "personal_data" not in dump_configuration(plain)
    marked = config(PLATFORM, [*healthy_platform_flows(), LOCATION])
    text = dump_configuration(marked)
    assert text.count('"personal_data": true') == 1
    assert parse_configuration(text) == marked


def test_criteria_read_no_personal_data_and_no_payment_for_it():
    e = eco(WITH_ADS, [*healthy_platform_flows(), LOCATION, PROFILES, DATA_FEE])
    assert [f.id for f in e.all_flows][-3:] == ["f13", "f14", "f15"]
    assert {"f13", "f14", "f15"}.isdisjoint(f.id for f in e.flows)  # the data and the fee that pays for it
    assert [f.id for f in e.data_payments] == ["f15"]
    assert e.net_values["op"].money_in == 2.0 * 1000 + 1.0 * 1000  # drivers' fees and listing fees, not the 500


def test_personal_data_leaving_citizens_without_consent_names_flows_and_actors():
    back = ("op", "drivers", "data", None, None, {"personal_data": True, "label": "your own trips"})
    e = eco(WITH_ADS, [*healthy_platform_flows(), LOCATION, PROFILES, back])
    [finding] = findings(e, "personal-data-without-consent")
    assert finding.elements == ("f13", "f14", "drivers", "op", "ads")  # f15 goes back to the drivers: not flagged
    assert (finding.severity, finding.dimension, finding.criterion) == ("high", "sustainability", "su_personal_data")
    assert "'location traces' (Drivers → Op)" in finding.message and "GDPR Art. 6–7" in finding.message


def test_a_placed_consent_module_answers_consent_but_not_a_sale():
    base = config(WITH_ADS, [*healthy_platform_flows(), LOCATION, PROFILES, DATA_FEE])
    assert LIBRARY["mydata-consent"].attributes.consent
    with_consent = build_ecosystem(place_module(base, LIBRARY["mydata-consent"]), LIBRARY)
    assert findings(with_consent, "personal-data-without-consent") == []
    [sold] = findings(with_consent, "personal-data-sold")
    assert sold.elements == ("f14", "f15", "op", "ads")
    assert sold.message == "Personal data is sold: Ads pays for 'driver profiles'. The payment counts in no score."


def test_personal_data_costs_sustainability_and_never_earns_it():
    """Healthy platform: sustainability = (3·1 + 3·1 + 2·1 + 1·(1 − 5/9)) / 9 = 93.8 (impacts not assessable).

    With drivers' location traces sent to the operator without consent, su_personal_data (weight 3) is 0:
    8.444 / 12 = 70.4. Every other criterion reads the same flows as before.
    """
    assert score_ecosystem(eco(PLATFORM, healthy_platform_flows()))["sustainability"].score == 93.8
    after = score_ecosystem(eco(PLATFORM, [*healthy_platform_flows(), LOCATION]))
    assert after["sustainability"].score == 70.4
    criterion = next(c for c in after["sustainability"].criteria if c.id == "su_personal_data")
    assert (criterion.value, criterion.assessable) == (0.0, True)
    lawful = place_module(config(PLATFORM, [*healthy_platform_flows(), LOCATION]), LIBRARY["mydata-consent"])
    judged = evaluate(lawful, LIBRARY, recommend=False).scores["sustainability"].criteria
    assert not next(c for c in judged if c.id == "su_personal_data").assessable  # consent is a duty, never a credit


def test_consent_module_is_recommended_and_anonymising_is_suggested():
    base = config(WITH_ADS, [*healthy_platform_flows(), LOCATION])
    [flag] = [f for f in evaluate(base, LIBRARY).flags if f.code == "personal-data-without-consent"]
    assert [r.module for r in flag.recommendations] == ["mydata-consent"]
    assert flag.recommendations[0].clears_flag
    assert [s.id for s in flag.suggestions] == ["anonymise:f13"]
    after, _ = perform(base, suggestion_change(base, LIBRARY, flag.code, "anonymise:f13"))
    assert not after.flow("f13").personal_data
    assert findings(build_ecosystem(after, LIBRARY), "personal-data-without-consent") == []


def test_a_sale_is_answered_by_removing_the_payment_or_anonymising():
    base = place_module(config(WITH_ADS, [*healthy_platform_flows(), PROFILES, DATA_FEE]), LIBRARY["mydata-consent"])
    [flag] = [f for f in evaluate(base, LIBRARY).flags if f.code == "personal-data-sold"]
    assert [s.id for s in flag.suggestions] == ["unpaid:f13", "anonymise:f13"]
    assert flag.suggestions[0].reason == "Nobody pays for 'driver profiles' any more."
    for suggestion in flag.suggestions:
        after, step = perform(base, suggestion_change(base, LIBRARY, flag.code, suggestion.id))
        assert findings(build_ecosystem(after, LIBRARY), "personal-data-sold") == []
        assert step.undo.apply(after) == base
