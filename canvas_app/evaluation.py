"""Result types of analysis and scoring: what the CLI prints and the score panel shows.

Plain frozen dataclasses so the result is cheap to build on every edit and
serialises to the JSON shape `canvas-app score --json` prints with :meth:`Evaluation.to_dict`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

SCORE_NAMES = (
    "scalability",
    "replicability",
    "sustainability",
    "value_creation",
    "value_capture",
    "value_sharing",
)
SCORE_LABELS = {
    "scalability": "Scalability",
    "replicability": "Replicability",
    "sustainability": "Sustainability",
    "value_creation": "Value creation",
    "value_capture": "Value capture",
    "value_sharing": "Value sharing",
}
Severity = Literal["high", "medium", "low"]


@dataclass(frozen=True)
class Criterion:
    """One named, explained number behind a score."""

    id: str
    score: str
    label: str
    value: float  # 0..1 (0 when not assessable)
    weight: float
    explanation: str
    assessable: bool = True  # False: nothing to judge; left out of the score, which loses coverage


PROVISIONAL_BELOW = 0.6
"""A score judged on less than this share of its weight is shown as provisional."""


@dataclass(frozen=True)
class Score:
    """A weighted mean of the assessable criteria, with the share of weight they carry (coverage)."""

    name: str
    score: float  # 0..100 (0 when not assessable)
    criteria: tuple[Criterion, ...]
    coverage: float = 1.0  # 0..1: share of the score's weight that could be judged

    @property
    def assessable(self) -> bool:
        return self.coverage > 0

    @property
    def provisional(self) -> bool:
        """Judged on too little evidence to be defended as it stands."""
        return self.coverage < PROVISIONAL_BELOW

    @property
    def not_assessed(self) -> tuple[Criterion, ...]:
        return tuple(c for c in self.criteria if not c.assessable)

    def display(self) -> str:
        """'72', '72 (provisional, 40 % judged)' or 'not assessable': how every page prints a score.

        >>> Score("x", 71.6, (), 1.0).display(), Score("x", 50, (), 0.4).display(), Score("x", 0, (), 0).display()
        ('72', '50 (provisional: 40% judged)', 'not assessable')
        """
        if not self.assessable:
            return "not assessable"
        if self.provisional:
            return f"{round(self.score)} (provisional: {self.coverage:.0%} judged)"
        return str(round(self.score))


@dataclass(frozen=True)
class Recommendation:
    """A library module that, added to the configuration, removes the flagged problem for ``elements_cleared``
    (or changes the flagged quantity through the flagged actor) and moves ``dimension`` by ``gain`` points."""

    module: str
    name: str
    dimension: str
    gain: float
    clears_flag: bool
    elements_cleared: tuple[str, ...] = ()
    reason: str = ""
    fit: float = 0.0


@dataclass(frozen=True)
class Suggestion:
    """A concrete edit (a change set of the command log, as a dict) that closes a gap no module has to."""

    id: str
    text: str
    reason: str
    change: dict[str, Any]
    clears_flag: bool = False
    elements_cleared: tuple[str, ...] = ()


@dataclass(frozen=True)
class Finding:
    code: str
    severity: Severity
    dimension: str
    criterion: str
    message: str
    elements: tuple[str, ...]
    recommendations: tuple[Recommendation, ...] = ()
    suggestions: tuple[Suggestion, ...] = ()


@dataclass(frozen=True)
class Evaluation:
    scores: dict[str, Score]
    flags: tuple[Finding, ...]
    structure: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape `canvas-app score --json` prints."""
        return {
            "scores": {
                name: {
                    "score": round(s.score, 1),
                    "coverage": round(s.coverage, 4),
                    "assessable": s.assessable,
                    "provisional": s.provisional,
                    "criteria": [
                        {k: (round(v, 4) if isinstance(v, float) else v) for k, v in asdict(c).items()}
                        for c in s.criteria
                    ],
                }
                for name, s in self.scores.items()
            },
            "flags": [
                {
                    "code": f.code,
                    "severity": f.severity,
                    "dimension": f.dimension,
                    "criterion": f.criterion,
                    "message": f.message,
                    "elements": list(f.elements),
                    "recommendations": [asdict(r) for r in f.recommendations],
                    "suggestions": [asdict(s) for s in f.suggestions],
                }
                for f in self.flags
            ],
            "structure": self.structure,
        }
