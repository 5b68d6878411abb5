"""What every set of weights a user types has in common: one number check, one error.

The score weights (:func:`canvas_app.criteria.check_weights`) and the need-ranking weights
(:func:`canvas_app.ranking.check_need_weights`) differ in their criteria and limits, not in
how a typed weight is read or how a refusal is reported.
"""

from __future__ import annotations


class WeightError(ValueError):
    """Weights typed by a user were refused; ``problems`` are readable one-liners, every one found.

    >>> str(WeightError(["a: too big", "b: not a number"]))
    'a: too big; b: not a number'
    """

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


def weight_number(raw: object) -> float | None:
    """``raw`` (a number or the text of one) as a float, or None when it is neither; the caller
    checks the range with ``0 <= number <= maximum``, which also refuses NaN.

    >>> weight_number("2.5"), weight_number(3), weight_number("x"), weight_number(None)
    (2.5, 3.0, None, None)
    """
    try:
        return float(raw)  # type: ignore[arg-type]  # float() takes any object; what it refuses is caught
    except (TypeError, ValueError):
        return None
