"""Recommendations: which library module would best close each gap.

For every candidate module not yet placed, the configuration is re-scored
with the module added (exactly as "apply" would add it), so a recommendation's
gain is what the user will see after applying it. Deterministic: candidates
are tried in library order and ties are broken by module id.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from canvas_app.evaluation import Evaluation, Finding, Recommendation
from canvas_app.library import ModuleLibrary, place_module
from canvas_app.model import Configuration, ConfigurationError

MAX_RECOMMENDATIONS = 3


def candidate_evaluations(
    config: Configuration, library: ModuleLibrary, weights: Mapping[str, float] | None = None
) -> dict[str, Evaluation]:
    """Evaluate the configuration once with each library module added (by module id)."""
    from canvas_app.analysis import evaluate

    placed = {m.module for m in config.modules}
    results: dict[str, Evaluation] = {}
    for definition in library:
        if definition.id in placed:
            continue
        try:
            trial = place_module(config, definition)
        except ConfigurationError:
            continue  # a module that cannot be placed here is no recommendation
        results[definition.id] = evaluate(trial, library, recommend=False, weights=weights, structure=False)
    return results


def _criterion_value(evaluation: Evaluation, dimension: str, criterion: str) -> float | None:
    return next((c.value for c in evaluation.scores[dimension].criteria if c.id == criterion), None)


def recommend_for(
    finding: Finding, current: Evaluation, trials: Mapping[str, Evaluation], library: ModuleLibrary
) -> tuple[Recommendation, ...]:
    """The best modules for one finding, by score gain on its dimension; those that clear it first.

    A module counts only if it clears the flag or raises the very criterion the flag lowers:
    a module that lifts the score through some other criterion does not close this gap.
    """
    before = current.scores[finding.dimension].score
    criterion_before = _criterion_value(current, finding.dimension, finding.criterion)
    options = []
    for module_id, trial in trials.items():
        clears = not any(f.code == finding.code and f.criterion == finding.criterion for f in trial.flags)
        criterion_after = _criterion_value(trial, finding.dimension, finding.criterion)
        improves = (
            criterion_before is not None and criterion_after is not None and criterion_after > criterion_before + 1e-9
        )
        if clears or improves:
            gain = round(trial.scores[finding.dimension].score - before, 1)
            options.append(Recommendation(module_id, library.get(module_id).name, finding.dimension, gain, clears))
    options.sort(key=lambda r: (not r.clears_flag, -r.gain, r.module))
    return tuple(options[:MAX_RECOMMENDATIONS])


def add_recommendations(
    evaluation: Evaluation,
    config: Configuration,
    library: ModuleLibrary,
    weights: Mapping[str, float] | None = None,
) -> Evaluation:
    trials = candidate_evaluations(config, library, weights)
    flags = tuple(replace(f, recommendations=recommend_for(f, evaluation, trials, library)) for f in evaluation.flags)
    return replace(evaluation, flags=flags)


def mechanisms_to_add(
    config: Configuration, library: ModuleLibrary, weights: Mapping[str, float] | None = None
) -> list[tuple[str, float, dict[str, float]]]:
    """Every candidate module with its total score gain and the gain per score, best first."""
    from canvas_app.analysis import evaluate

    current = evaluate(config, library, recommend=False, weights=weights, structure=False)
    ranked = []
    for module_id, trial in candidate_evaluations(config, library, weights).items():
        gains = {name: round(trial.scores[name].score - s.score, 1) for name, s in current.scores.items()}
        ranked.append((module_id, round(sum(gains.values()), 1), gains))
    ranked.sort(key=lambda item: (-item[1], item[0]))
    return ranked
