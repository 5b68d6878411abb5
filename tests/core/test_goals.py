"""Public goals (issue 17): stated, measurable, answering a served need; in value creation and the report."""

from __future__ import annotations

import pytest

from builders import PLATFORM, config, healthy_platform_flows
from canvas_app.analysis import evaluate
from canvas_app.ecosystem import Ecosystem
from canvas_app.model import ConfigurationError, dump_configuration, parse_configuration
from canvas_app.report import configuration_report, goals_section, report_html
from canvas_app.scoring import score_ecosystem

SEARCH = {
    "id": "g1",
    "name": "Cut time spent searching for parking",
    "need": "park",
    "indicator": "minutes searching per trip",
    "baseline": 10,
    "target": 5,
    "unit": "minutes",
    "year": 2030,
}


def with_goals(*goals: dict, served: list[str] = ("f2",)):
    """The healthy platform; drivers need to park, served by the operator's parking service (f2)."""
    needs = [{"id": "park", "name": "Park quickly", "actor": "drivers", "served_by": list(served)}]
    return config(PLATFORM, healthy_platform_flows(), needs=needs, goals=list(goals))


def public_goals(cfg):
    return next(c for c in score_ecosystem(Ecosystem(cfg))["value_creation"].criteria if c.id == "vc_public_goals")


def test_goals_are_written_only_when_stated_and_read_back():
    assert '"goals"' not in dump_configuration(with_goals())
    cfg = with_goals(SEARCH)
    assert parse_configuration(dump_configuration(cfg)) == cfg


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"need": "nowhere"}, "goals[0] (id 'g1'): need: no need has id 'nowhere'"),
        ({"year": 1999}, "goals[0] (id 'g1'): year: input should be greater than or equal to 2000 (got 1999)"),
        ({"year": 2101}, "goals[0] (id 'g1'): year: input should be less than or equal to 2100 (got 2101)"),
    ],
)
def test_a_goal_names_an_existing_need_and_a_plausible_year(change, problem):
    data = with_goals().model_dump(mode="json")
    data["goals"] = [{**SEARCH, **change}]
    with pytest.raises(ConfigurationError) as error:
        parse_configuration(data)
    assert error.value.problems == [problem]


def test_public_goals_criterion_counts_measurable_goals_that_answer_a_served_need():
    assert not public_goals(with_goals()).assessable  # no goal stated: nothing to judge
    vague = {"id": "g2", "name": "Happier drivers", "need": "park"}  # no indicator, target or year
    assert public_goals(with_goals(SEARCH, vague)).value == 0.5  # 1 of 2
    assert public_goals(with_goals(SEARCH, served=[])).value == 0.0  # measurable, but its need is unmet
    no_need = {**SEARCH, "id": "g3", "need": None}
    assert public_goals(with_goals(SEARCH, no_need)).value == 0.5  # answers no need
    assert public_goals(with_goals(SEARCH)).explanation == (
        "1 public goal stated: 1 measurable (indicator, target and year) and answering a need the service serves."
    )


def test_the_report_shows_goals_before_the_financial_view_as_text():
    hostile = {**SEARCH, "id": "g4", "name": "<script>alert(1)</script>", "need": None, "baseline": None, "year": None}
    cfg = with_goals(SEARCH, hostile, served=["f2"])
    report = configuration_report(cfg, evaluate(cfg))
    titles = [s.title for s in report.sections]
    assert titles.index("Public goals") + 1 == titles.index("Net value per actor")
    table = goals_section(cfg).tables[0]
    assert table.rows == (
        (
            "Cut time spent searching for parking",
            "minutes searching per trip",
            "10 → 5 minutes by 2030",
            "yes",
            "Park quickly: served",
        ),
        ("<script>alert(1)</script>", "minutes searching per trip", "5 minutes", "no", "no need named"),
    )
    html = report_html(report)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert goals_section(with_goals()).paragraphs == ("No public goals stated for this configuration.",)
