"""Module estimates: the formula reader refuses anything but arithmetic on the scale's names."""

from __future__ import annotations

import pytest

from canvas_app.estimates import MAX_VALUE, FormulaError, evaluate, parse_formula, scale_of
from canvas_app.library import LibraryError, parse_module

YEAR = scale_of("year", 200_000, 60_000, None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0.25", 0.25),
        ("source.count * months", 60_000 * 12),
        ("round(source.count * 0.05) * months", 3_000 * 12),
        ("population / 1000 + 2", 202.0),
        ("min(source.count, population / 2) - -1", 60_001.0),
        ("max(1, 2, 3) * (days - 300)", 195.0),
        ("round(10 / 3, 2)", 3.33),
        ("weeks * 2", 2 * 365 / 7),
        ("+years", 1.0),
        ("(" * 99 + "1" + ")" * 99, 1.0),  # as deep as the length limit allows: no recursion problem
    ],
)
def test_valid_formulas_give_the_hand_computed_quantity(text, expected):
    assert evaluate(text, YEAR) == pytest.approx(expected)


def test_the_period_scales_the_calendar_names():
    assert evaluate("months", scale_of("month", None, None, None)) == pytest.approx(1.0)
    assert evaluate("months", scale_of("quarter", None, None, None)) == pytest.approx(3.0)
    assert evaluate("days", scale_of("week", None, None, None)) == pytest.approx(7.0)


def test_a_name_without_a_value_leaves_the_quantity_empty():
    assert evaluate("target.count * 4", YEAR) is None
    assert evaluate("population * 0.1", scale_of("year", None, 10, 10)) is None
    assert evaluate("max(1, source.count)", scale_of("year", None, None, None)) is None


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("__import__('os')", "unknown function '__import__' (use min, max, round)"),
        ("__import__('os').system('true')", "unknown function '__import__('os').system' (use min, max, round)"),
        ("2**9999", "the operator '**' is not allowed (use + - * /)"),
        ("10 % 3", "the operator '%' is not allowed (use + - * /)"),
        ("count * 2", "unknown name 'count' (use population, source.count, target.count, days, weeks, months, years)"),
        (
            "source.__class__",
            "unknown name 'source.__class__' (use population, source.count, target.count, days, weeks, months, years)",
        ),
        ("source.count.real", "unknown name 'source.count.real'"),
        ("open", "unknown name 'open'"),
        ("'abc'", "'abc' is not a number"),
        ("True + 1", "True is not a number"),
        ("[1, 2]", "'[1, 2]' is not allowed"),
        ("(lambda: 1)()", "unknown function 'lambda: 1'"),
        ("1 if population else 2", "is not allowed"),
        ("population > 3", "is not allowed"),
        ("min(1)", "min() takes 2 to 8 arguments, not 1"),
        ("round(1, ndigits=2)", "round() takes plain arguments only"),
        ("1e400", "out of range"),
        ("99999999999999", "out of range"),
        ("1 +", "not a formula"),
        ("", "the formula is empty"),
        ("1+" * 150 + "1", "the limit is 200"),
    ],
)
def test_unsafe_or_unknown_input_is_refused_with_the_reason(text, problem):
    with pytest.raises(FormulaError) as exc:
        parse_formula(text)
    assert problem in str(exc.value)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("source.count - 100000", "gives -40000; a quantity cannot be negative"),
        ("population * population * population", "more than the largest quantity accepted"),
        ("1 / (months - 12)", "divides by zero"),
    ],
)
def test_absurd_results_are_refused(text, problem):
    with pytest.raises(FormulaError) as exc:
        evaluate(text, YEAR)
    assert problem in str(exc.value)
    assert MAX_VALUE == 1e12


MODULE = """\
id: fee
name: Fee
category: revenue
summary: s
sources: [{title: t}]
flows:
  - {source: citizen, target: platform_operator, kind: money, label: fee per trip, amount: 0.25, occurrences: %s}
"""


def test_a_module_declares_formulas_and_a_bad_one_is_named_with_module_flow_and_formula():
    good = parse_module(MODULE % "source.count * months", "fee.yaml")
    assert good.flows[0].occurrences == "source.count * months" and good.flows[0].amount == 0.25
    with pytest.raises(LibraryError) as exc:
        parse_module(MODULE % "riders * 12", "fee.yaml")
    assert exc.value.problems == [
        "fee.yaml: module 'fee', flows[0] (citizen → platform_operator, 'fee per trip'): occurrences: formula 'riders * 12':"
        " unknown name 'riders' (use population, source.count, target.count, days, weeks, months, years)"
    ]
    with pytest.raises(LibraryError) as exc:
        parse_module(MODULE % "-3", "fee.yaml")
    assert exc.value.problems == [
        "fee.yaml: flows[0]: occurrences: number: input should be greater than or equal to 0 (got -3)"
    ]
