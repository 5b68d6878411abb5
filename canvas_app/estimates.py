"""Module estimates: a flow's default amount or occurrences as a small formula of the configuration's scale.

A module may write ``occurrences: source.count * months`` (one payment per member
of the paying segment per month) instead of a number. Placing the module turns
the formula into a number, marked as an *estimate* the user can see and
overwrite. Formulas come from module files a city may upload, so they are never
``eval``-ed: :func:`parse_formula` reads them with :mod:`ast` and accepts only
numbers, the names of :data:`NAMES`, ``+ - * /``, parentheses and ``min``,
``max`` and ``round``. A name without a value (a segment with no count) leaves
the quantity empty: an estimate is never guessed from nothing.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache

MAX_FORMULA_LENGTH = 200
"""Longest formula accepted (a real one is 10-40 characters)."""
MAX_VALUE = 1e12
"""Largest number a formula may contain or give: beyond it a quantity is a typo, not an estimate."""

NAMES: dict[str, str] = {
    "population": "inhabitants of the city (the configuration's population)",
    "source.count": "members of the segment that gives the flow (its count)",
    "target.count": "members of the segment that receives the flow (its count)",
    "days": "days in the configuration's period",
    "weeks": "weeks in the configuration's period",
    "months": "months in the configuration's period",
    "years": "years in the configuration's period",
}
"""The names a formula may use, with what each means (shown in messages and the module schema)."""

FUNCTIONS: dict[str, tuple[Callable[..., float], int, int]] = {
    "min": (min, 2, 8),
    "max": (max, 2, 8),
    "round": (round, 1, 2),
}
"""Functions a formula may call, with their least and greatest number of arguments."""

PERIOD_DAYS: dict[str, float] = {"day": 1.0, "week": 7.0, "month": 365 / 12, "quarter": 365 / 4, "year": 365.0}

_OPERATORS: dict[type[ast.operator], Callable[[float, float], float]] = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
}
_OPERATOR_SIGNS = {
    ast.Pow: "**",
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.MatMult: "@",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.BitOr: "|",
    ast.BitAnd: "&",
    ast.BitXor: "^",
}

Scale = Mapping[str, float | None]


class FormulaError(ValueError):
    """A formula was refused: it cannot be read, uses something not allowed, or gives no sensible quantity."""


@dataclass(frozen=True)
class Formula:
    text: str
    tree: ast.expr
    names: frozenset[str]


def allowed_names() -> str:
    return ", ".join(NAMES)


@lru_cache(maxsize=1024)
def parse_formula(text: str) -> Formula:
    """Read and check a formula; raises :class:`FormulaError` saying what is wrong.

    >>> sorted(parse_formula("source.count * months").names)
    ['months', 'source.count']
    >>> parse_formula("__import__('os')")
    Traceback (most recent call last):
    ...
    canvas_app.estimates.FormulaError: unknown function '__import__' (use min, max, round)
    """
    text = text.strip()
    if not text:
        raise FormulaError("the formula is empty")
    if len(text) > MAX_FORMULA_LENGTH:
        raise FormulaError(f"the formula is {len(text)} characters long; the limit is {MAX_FORMULA_LENGTH}")
    try:
        tree = ast.parse(text, mode="eval").body
    except SyntaxError as exc:
        raise FormulaError(f"not a formula ({exc.msg})") from None
    except (RecursionError, MemoryError, ValueError):
        raise FormulaError("not a formula (nested too deeply)") from None
    names: set[str] = set()
    _check(tree, names)
    return Formula(text, tree, frozenset(names))


def _check(node: ast.AST, names: set[str]) -> None:
    """Accept only the whitelisted node kinds; collect the names used."""
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            raise FormulaError(f"{node.value!r} is not a number")
        if not math.isfinite(node.value) or abs(node.value) > MAX_VALUE:
            raise FormulaError(f"the number {node.value:.3g} is out of range (at most {MAX_VALUE:.0e})")
    elif isinstance(node, ast.BinOp):
        if type(node.op) not in _OPERATORS:
            sign = _OPERATOR_SIGNS.get(type(node.op), type(node.op).__name__)
            raise FormulaError(f"the operator '{sign}' is not allowed (use + - * /)")
        _check(node.left, names)
        _check(node.right, names)
    elif isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, (ast.UAdd, ast.USub)):
            raise FormulaError("only + and - may stand before a number")
        _check(node.operand, names)
    elif isinstance(node, ast.Name):
        if node.id not in NAMES:
            raise FormulaError(f"unknown name '{node.id}' (use {allowed_names()})")
        names.add(node.id)
    elif isinstance(node, ast.Attribute):
        if not isinstance(node.value, ast.Name) or f"{node.value.id}.{node.attr}" not in NAMES:
            raise FormulaError(f"unknown name '{ast.unparse(node)}' (use {allowed_names()})")
        names.add(f"{node.value.id}.{node.attr}")
    elif isinstance(node, ast.Call):
        name = node.func.id if isinstance(node.func, ast.Name) else ast.unparse(node.func)
        if name not in FUNCTIONS:
            raise FormulaError(f"unknown function '{name}' (use {', '.join(FUNCTIONS)})")
        _, least, most = FUNCTIONS[name]
        if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
            raise FormulaError(f"{name}() takes plain arguments only")
        if not least <= len(node.args) <= most:
            raise FormulaError(f"{name}() takes {least} to {most} arguments, not {len(node.args)}")
        for arg in node.args:
            _check(arg, names)
    else:
        raise FormulaError(f"'{ast.unparse(node)}' is not allowed (numbers, names, + - * /, min, max, round)")


class _NoValue(Exception):
    """A name the formula uses has no value in this configuration."""


def evaluate(formula: Formula | str, scale: Scale) -> float | None:
    """The quantity a formula gives at ``scale``, or None when a name it uses has no value.

    Raises :class:`FormulaError` when the result is negative, not finite or above
    :data:`MAX_VALUE`, or on a division by zero.

    >>> evaluate("round(source.count * 0.1) * months", {"source.count": 60000, "months": 12})
    72000.0
    >>> evaluate("target.count * 2", {"target.count": None}) is None
    True
    """
    if isinstance(formula, str):
        formula = parse_formula(formula)
    try:
        value = _value(formula.tree, scale)
    except _NoValue:
        return None
    except ZeroDivisionError:
        raise FormulaError("divides by zero at this scale") from None
    except (OverflowError, TypeError, ValueError) as exc:
        raise FormulaError(f"cannot be computed ({exc})") from None
    if not math.isfinite(value) or value > MAX_VALUE:
        raise FormulaError(f"gives {value:.3g}, more than the largest quantity accepted ({MAX_VALUE:.0e})")
    if value < 0:
        raise FormulaError(f"gives {value:g}; a quantity cannot be negative")
    return value


def _value(node: ast.expr, scale: Scale) -> float:
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):  # parse_formula allows numbers only
        return float(node.value)
    if isinstance(node, ast.BinOp):
        return _OPERATORS[type(node.op)](_value(node.left, scale), _value(node.right, scale))
    if isinstance(node, ast.UnaryOp):
        operand = _value(node.operand, scale)
        return -operand if isinstance(node.op, ast.USub) else operand
    if isinstance(node, (ast.Name, ast.Attribute)):
        name = node.id if isinstance(node, ast.Name) else f"{node.value.id}.{node.attr}"  # type: ignore[attr-defined]  # parse_formula allows only name.attr
        value = scale.get(name)
        if value is None:
            raise _NoValue(name)
        return float(value)
    if isinstance(node, ast.Call):
        function = FUNCTIONS[node.func.id][0]  # type: ignore[attr-defined]  # parse_formula allows only calls of a name
        args = [_value(a, scale) for a in node.args]
        if function is round and len(args) == 2:
            return float(round(args[0], int(args[1])))
        return float(function(*args))
    raise FormulaError(f"'{ast.unparse(node)}' is not allowed")  # unreachable after parse_formula's check


def scale_of(
    period: str, population: int | None, source_count: int | None, target_count: int | None
) -> dict[str, float | None]:
    """The values of :data:`NAMES` for one flow of one configuration.

    >>> scale_of("quarter", None, 10, None)["months"]
    3.0
    """
    days = PERIOD_DAYS[period]
    return {
        "population": population,
        "source.count": source_count,
        "target.count": target_count,
        "days": days,
        "weeks": days / 7,
        "months": days * 12 / 365,
        "years": days / 365,
    }


SAMPLE_SCALE = scale_of("year", 100_000, 1_000, 1_000)
"""A typical scale on which a module's formulas are tried when the module is loaded."""


def estimate(default: float | str | None, scale: Scale) -> float | None:
    """A module default (a number, a formula or nothing) as a quantity at ``scale``."""
    if default is None:
        return None
    if isinstance(default, str):
        return evaluate(default, scale)
    return float(default)
