"""The editor's side-panel forms read as model fields: what the user typed, checked, in the model's terms.

Pure Python (no Dash): the callbacks pass the raw form values (a dict keyed by the form's field names) and
get the fields of an actor or a flow back, or a :class:`~canvas_app.model.ConfigurationError` whose lines
the form shows beside itself. Nothing here reads or writes a configuration.
"""

from __future__ import annotations

import math
from typing import Any

from canvas_app.criteria import MAX_YEARS
from canvas_app.model import ConfigurationError, FlowKind


def number(value: Any, field: str = "", finite: bool = True) -> float | None:
    """A number typed in a form (empty: None); infinity is refused unless ``finite`` is False.

    >>> number("2.5"), number(""), number(None)
    (2.5, None, None)
    """
    if value in (None, ""):
        return None
    prefix = f"{field}: " if field else ""
    try:
        result = float(value)
    except (TypeError, ValueError):
        raise ConfigurationError([f"{prefix}'{value}' is not a number"]) from None
    if finite and not math.isfinite(result):
        raise ConfigurationError([f"{prefix}'{value}' is not a finite number"])
    return result


def whole_number(value: Any, field: str, what: str = "a count") -> int | None:
    """A count or a number of years typed in a form (empty: None); refuses fractions and infinity.

    >>> whole_number("12", "Population")
    12
    """
    result = number(value, field, finite=False)  # infinity is no whole number: the same message as 2.5
    if result is None:
        return None
    if not math.isfinite(result) or result != int(result):
        raise ConfigurationError([f"{field}: {what} must be a whole number"])
    return int(result)


def _not_negative(value: float | None, field: str, problems: list[str]) -> float | None:
    if value is not None and value < 0:
        problems.append(f"{field}: cannot be negative")
    return value


def _years(value: Any, field: str, problems: list[str]) -> int | None:
    years = whole_number(value, field, "a number of years")
    if years is not None and not 1 <= years <= MAX_YEARS:
        problems.append(f"{field}: between 1 and {MAX_YEARS} years")
    return years


def actor_fields(values: dict[str, Any]) -> dict[str, Any]:
    """Actor fields from the actor form: name, type, segment size, local, notes and the actor's own costs."""
    problems: list[str] = []
    name = (values.get("actor_name") or "").strip()
    if not name:
        problems.append("Name: an actor needs a name")
    count = _not_negative(whole_number(values.get("actor_count"), "Segment size"), "Segment size", problems)
    fixed_cost = _not_negative(number(values.get("actor_fixed_cost"), "Running cost"), "Running cost", problems)
    capital_cost = _not_negative(number(values.get("actor_capital_cost"), "Up-front cost"), "Up-front cost", problems)
    if problems:
        raise ConfigurationError(problems)
    return {
        "name": name,
        "type": values.get("actor_type") or "citizen",
        "count": count,
        "local": bool(values.get("actor_local")),
        "notes": values.get("actor_notes") or "",
        "fixed_cost": fixed_cost or None,  # 0 and empty both mean no running cost entered
        "capital_cost": capital_cost or None,
        "funding_source": (values.get("actor_funding_source") or "").strip() or None,
    }


def flow_fields(values: dict[str, Any]) -> dict[str, Any]:
    """Flow fields from the flow form. Fields that do not apply to the flow's kind (a payback period on a
    payment, personal data on money) are hidden in the form and read as unset here."""
    problems: list[str] = []
    source, target = values.get("flow_source"), values.get("flow_target")
    if not source:
        problems.append("From: choose the actor that gives the value")
    if not target:
        problems.append("To: choose the actor that receives the value")
    if source and target and source == target:
        problems.append("From and To are the same actor; a flow must go from one actor to another")
    kind = values.get("flow_kind") or "service"
    amount = _not_negative(number(values.get("flow_amount"), "Amount"), "Amount", problems)
    occurrences = _not_negative(number(values.get("flow_occurrences"), "Occurrences"), "Occurrences", problems)
    investment = kind == FlowKind.INVESTMENT.value
    term = None if investment else _years(values.get("flow_term_years"), "Runs for", problems)
    payback = _years(values.get("flow_payback_years"), "Paid back within", problems) if investment else None
    if problems:
        raise ConfigurationError(problems)
    standards = [s.strip() for s in (values.get("flow_standards") or "").split(",") if s.strip()]
    return {
        "source": source,
        "target": target,
        "kind": kind,
        "label": (values.get("flow_label") or "").strip(),
        "amount": amount,
        "occurrences": occurrences,
        "standards": standards,
        "term_years": term,
        "payback_years": payback,
        "personal_data": kind == FlowKind.DATA.value and bool(values.get("flow_personal_data")),
    }


def flow_costs(values: dict[str, Any]) -> dict[str, float | None]:
    """The flow's per-occurrence economics from the flow form, for
    :func:`~canvas_app.commands.set_flow_costs`: each end's own cost and the declared public benefit.

    >>> flow_costs({"flow_source_cost": "0.4", "flow_target_cost": "", "flow_benefit": None})
    {'source': 0.4, 'target': None, 'benefit': None}
    """
    problems: list[str] = []
    costs = {
        "source": _not_negative(number(values.get("flow_source_cost"), "Giver's cost"), "Giver's cost", problems),
        "target": _not_negative(number(values.get("flow_target_cost"), "Receiver's cost"), "Receiver's cost", problems),
        "benefit": _not_negative(number(values.get("flow_benefit"), "Public benefit"), "Public benefit", problems),
    }
    if problems:
        raise ConfigurationError(problems)
    return costs
