"""The scoring rulebook as data: every criterion (id, score, label, default weight), every threshold a
criterion judges against, and the checks of the weights and thresholds a file or a user gives.

The functions that judge each criterion live in :mod:`canvas_app.scoring`; the catalogue is apart so
that the domain model can refuse a file's unknown weights and parameters without importing the scoring
engine (which imports the model).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from canvas_app.evaluation import SCORE_NAMES
from canvas_app.weights import WeightError, weight_number

MAX_YEARS = 100
"""Longest horizon, contract term or payback period accepted (a century covers any infrastructure)."""
HORIZON_YEARS = 10
"""Default time horizon: long enough for street furniture and sensors to pay back, short of a full concession."""
DISCOUNT_RATE = 0.03
"""Default yearly discount rate: the European Commission's social discount rate for member states outside the
Cohesion Fund (Guide to Cost-Benefit Analysis of Investment Projects, 2014, section 2.8.4)."""


@dataclass(frozen=True)
class CriterionInfo:
    """One criterion of the rulebook: which score it counts in, its name and its default weight."""

    id: str
    score: str
    label: str
    weight: float


CATALOGUE: tuple[CriterionInfo, ...] = (
    CriterionInfo("s_network_effects", "scalability", "Cross-side network effects", 3),
    CriterionInfo("s_marginal_cost", "scalability", "Low marginal cost per user", 2),
    CriterionInfo("s_revenue_growth", "scalability", "Margins hold as use grows ×10", 2),
    CriterionInfo("s_no_bottleneck", "scalability", "No bottleneck actor", 1),
    CriterionInfo("s_connected", "scalability", "One connected ecosystem", 1),
    CriterionInfo("s_city_cost", "scalability", "The city's cost does not outgrow use", 2),
    CriterionInfo("r_open_standards", "replicability", "Data flows on open standards", 3),
    CriterionInfo("r_generic_roles", "replicability", "Generic roles, not local organisations", 2),
    CriterionInfo("r_open_components", "replicability", "Open-source and open-standard components", 2),
    CriterionInfo("r_no_lock_in", "replicability", "No vendor lock-in", 2),
    CriterionInfo("r_preconditions", "replicability", "Few local preconditions", 1),
    CriterionInfo("su_reciprocity", "sustainability", "Every actor gives and gets", 3),
    CriterionInfo("su_personal_data", "sustainability", "Personal data with consent, never sold", 3),
    CriterionInfo("su_viability", "sustainability", "Business actors' margins", 3),
    CriterionInfo("su_payback", "sustainability", "Investments pay back within their horizon", 2),
    CriterionInfo("su_grant_independence", "sustainability", "Independent of grants", 2),
    CriterionInfo("su_diversified_funding", "sustainability", "Diversified funding", 1),
    CriterionInfo("su_impacts", "sustainability", "Economic, social and environmental impacts", 1),
    CriterionInfo("vc_needs_served", "value_creation", "Needs served", 2),
    CriterionInfo("vc_public_goals", "value_creation", "Measurable public goals answering served needs", 1),
    CriterionInfo("vc_citizen_value", "value_creation", "Value reaching citizens", 2),
    CriterionInfo("vc_value_variety", "value_creation", "Variety of value objects", 1),
    CriterionInfo("cap_revenue", "value_capture", "Operator earns from its users", 2),
    CriterionInfo("cap_operator_net", "value_capture", "Operator's operating margin", 2),
    CriterionInfo("cap_operator_share", "value_capture", "Operator keeps a share of the money moved", 1),
    CriterionInfo("cap_take_rate", "value_capture", "Take rate within the band", 1),
    CriterionInfo("sh_evenness", "value_sharing", "Net value evenly spread (1 − Gini)", 2),
    CriterionInfo("sh_positive_return", "value_sharing", "Actors with a positive return", 2),
)
CATALOGUE_BY_ID = {c.id: c for c in CATALOGUE}


@dataclass(frozen=True)
class Parameter:
    """A threshold a criterion judges against, shown in its explanation and changeable per configuration."""

    id: str
    label: str
    default: float
    maximum: float


PARAMETERS: tuple[Parameter, ...] = (
    Parameter("take_rate_low", "Take rate band: lowest healthy share kept by an intermediary", 0.05, 1.0),
    Parameter(
        "take_rate_high", "Take rate band: highest share an intermediary can keep without driving sides away", 0.30, 1.0
    ),
    Parameter("healthy_margin", "Operating margin that earns full marks", 0.10, 1.0),
    Parameter("operator_share", "Share of the money moved that the operator keeps for full marks", 0.10, 1.0),
    Parameter("horizon_years", "Time horizon in years over which investments must pay back", HORIZON_YEARS, MAX_YEARS),
    Parameter("discount_rate", "Yearly discount rate for present values", DISCOUNT_RATE, 1.0),
)
PARAMETERS_BY_ID = {p.id: p for p in PARAMETERS}


def check_parameters(values: Mapping[str, object]) -> dict[str, float]:
    """Validate parameter overrides; raises ValueError naming every problem (unknown id, out of range, band upside down)."""
    problems: list[str] = []
    clean: dict[str, float] = {}
    for key, raw in values.items():
        spec = PARAMETERS_BY_ID.get(str(key))
        if spec is None:
            problems.append(f"'{key}' is not a parameter (known: {', '.join(PARAMETERS_BY_ID)})")
            continue
        try:
            number = float(raw)  # type: ignore[arg-type]  # float() takes any object; what it refuses is caught
        except (TypeError, ValueError):
            problems.append(f"{key}: must be a number (got {raw!r})")
            continue
        if not 0 <= number <= spec.maximum:
            problems.append(f"{key}: must be between 0 and {spec.maximum:g} (got {raw!r})")
            continue
        if spec.id == "horizon_years" and (number < 1 or number != int(number)):
            problems.append(f"{key}: must be a whole number of years, at least 1 (got {raw!r})")
            continue
        clean[spec.id] = number
    low = clean.get("take_rate_low", PARAMETERS_BY_ID["take_rate_low"].default)
    high = clean.get("take_rate_high", PARAMETERS_BY_ID["take_rate_high"].default)
    if not problems and low >= high:
        problems.append(f"take_rate_low ({low:g}) must be below take_rate_high ({high:g})")
    if problems:
        raise ValueError("; ".join(problems))
    return clean


MAX_WEIGHT = 100.0


@dataclass(frozen=True)
class WeightSetting:
    """One criterion's weight as the weights page shows it: its default and what is in force."""

    criterion: str
    score: str
    label: str
    default: float
    weight: float

    @property
    def changed(self) -> bool:
        return self.weight != self.default


def weight_settings(overrides: Mapping[str, float] | None = None) -> list[WeightSetting]:
    """Every criterion in score order with its default weight and the weight in force."""
    overrides = overrides or {}
    return [
        WeightSetting(spec.id, spec.score, spec.label, spec.weight, float(overrides.get(spec.id, spec.weight)))
        for spec in CATALOGUE
    ]


def check_weights(values: Mapping[str, object]) -> dict[str, float]:
    """Validate weights typed by a user; return only those that differ from the defaults.

    Keeping only the differences lets a later change of a default reach every workspace
    that did not choose its own. Raises WeightError listing every problem (unknown
    criterion, not a number, negative, above ``MAX_WEIGHT``, a score whose criteria
    would all weigh 0 and so could not be computed).
    """
    problems: list[str] = []
    clean: dict[str, float] = {}
    for key, raw in values.items():
        spec = CATALOGUE_BY_ID.get(str(key))
        if spec is None:
            problems.append(f"'{key}' is not a criterion")
            continue
        number = weight_number(raw)
        if number is None:
            problems.append(f"{spec.label}: the weight must be a number (got {raw!r})")
            continue
        if not 0 <= number <= MAX_WEIGHT:  # also refuses NaN
            problems.append(f"{spec.label}: the weight must be between 0 and {MAX_WEIGHT:g} (got {raw!r})")
            continue
        clean[spec.id] = number
    for name in SCORE_NAMES:
        specs = [s for s in CATALOGUE if s.score == name]
        if specs and all(clean.get(s.id, s.weight) == 0 for s in specs):
            problems.append(f"{name.replace('_', ' ')}: at least one criterion must weigh more than 0")
    if problems:
        raise WeightError(problems)
    return {key: value for key, value in clean.items() if value != CATALOGUE_BY_ID[key].weight}
