"""Compare alternative configurations: scores, criteria deltas, structural diff, flags and a verdict."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from canvas_app.analysis import evaluate
from canvas_app.diff import Changes, StructuralDiff, diff_by_library_module, diff_configurations
from canvas_app.evaluation import SCORE_LABELS, SCORE_NAMES, Criterion, Evaluation
from canvas_app.library import ModuleLibrary
from canvas_app.model import Configuration

MEANINGFUL_POINTS = 5.0
"""Score differences smaller than this are called a tie in the verdict."""

ADJECTIVES = {
    "scalability": "more scalable",
    "replicability": "more replicable",
    "sustainability": "more sustainable",
    "value_creation": "creates more value",
    "value_capture": "captures more value",
    "value_sharing": "shares value more evenly",
}


@dataclass(frozen=True)
class Comparison:
    configurations: tuple[Configuration, ...]
    evaluations: tuple[Evaluation, ...]
    diffs: tuple[StructuralDiff, ...]  # each against the first configuration
    module_diffs: tuple[Changes, ...]  # library modules, each against the first
    unique_flags: tuple[tuple[str, ...], ...]  # flag codes only this configuration has
    verdict: tuple[str, ...]

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.configurations]

    def to_dict(self) -> dict[str, Any]:
        return {
            "configurations": self.names,
            "scores": {n: [e.scores[n].score for e in self.evaluations] for n in SCORE_NAMES},
            "criteria": [
                {"id": c.id, "score": c.score, "label": c.label,
                 "values": [round(_criterion(e, c.id).value, 3) for e in self.evaluations]}
                for c in (c for s in self.evaluations[0].scores.values() for c in s.criteria)
            ],
            "diffs": [d.to_dict() for d in self.diffs],
            "modules": [{"added": list(m.added), "removed": list(m.removed)} for m in self.module_diffs],
            "unique_flags": [list(u) for u in self.unique_flags],
            "verdict": list(self.verdict),
        }


def _criterion(evaluation: Evaluation, criterion_id: str) -> Criterion:
    return next(c for s in evaluation.scores.values() for c in s.criteria if c.id == criterion_id)


def verdict_for(names: Sequence[str], evaluations: Sequence[Evaluation]) -> list[str]:
    """One plain sentence per score where one alternative leads by a meaningful margin.

    The reason given is the criterion that contributes most to the lead, with both explanations.
    """
    lines = []
    for score in SCORE_NAMES:
        values = [e.scores[score].score for e in evaluations]
        best = max(range(len(values)), key=lambda i: (values[i], -i))
        runner = max((i for i in range(len(values)) if i != best), key=lambda i: (values[i], -i))
        if values[best] - values[runner] < MEANINGFUL_POINTS:
            continue
        criteria_best = evaluations[best].scores[score].criteria
        criteria_runner = {c.id: c for c in evaluations[runner].scores[score].criteria}
        reason = max(criteria_best, key=lambda c: c.weight * (c.value - criteria_runner[c.id].value))
        other = criteria_runner[reason.id]
        lines.append(
            f"{names[best]} {ADJECTIVES[score]} than {names[runner]} "
            f"({SCORE_LABELS[score]} {values[best]:.0f} vs {values[runner]:.0f}): "
            f"{reason.label.lower()}: {reason.explanation.rstrip('.')} (vs: {other.explanation.rstrip('.')})."
        )
    if not lines:
        lines.append("The alternatives score within a few points of each other on every dimension.")
    return lines


def compare_configurations(
    configs: Sequence[Configuration],
    library: ModuleLibrary | None = None,
    weights: Mapping[str, float] | None = None,
) -> Comparison:
    """Compare two to four configurations; differences are reported against the first."""
    if not 2 <= len(configs) <= 4:
        raise ValueError(f"compare two to four configurations, not {len(configs)}")
    evaluations = tuple(evaluate(c, library, recommend=False, weights=weights) for c in configs)
    codes = [{f.code for f in e.flags} for e in evaluations]
    unique = tuple(
        tuple(sorted(own - set().union(*(c for j, c in enumerate(codes) if j != i)))) for i, own in enumerate(codes)
    )
    names = _distinct_names(configs)
    return Comparison(
        configurations=tuple(configs),
        evaluations=evaluations,
        diffs=tuple(diff_configurations(configs[0], c) for c in configs),
        module_diffs=tuple(diff_by_library_module(configs[0], c) for c in configs),
        unique_flags=unique,
        verdict=tuple(verdict_for(names, evaluations)),
    )


def _distinct_names(configs: Sequence[Configuration]) -> list[str]:
    names = [c.name for c in configs]
    if len(set(names)) == len(names):
        return names
    return [f"{chr(ord('A') + i)} ({n})" for i, n in enumerate(names)]
