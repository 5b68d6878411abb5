"""Result types of analysis and scoring: what the CLI prints and the score panel shows.

Plain frozen dataclasses so the result is cheap to build on every edit and
serialises to the JSON shape of DESIGN.md §8 with :meth:`Evaluation.to_dict`.
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
    value: float  # 0..1
    weight: float
    explanation: str


@dataclass(frozen=True)
class Score:
    name: str
    score: float  # 0..100
    criteria: tuple[Criterion, ...]


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
        """The DESIGN.md §8 JSON shape."""
        return {
            "scores": {
                name: {
                    "score": round(s.score, 1),
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
