"""Score and flag one configuration: the judgement that :func:`canvas_app.analysis.evaluate`, the
recommendations (which re-judge a configuration once per candidate change) and comparisons share.

Apart from :mod:`canvas_app.analysis` so that recommending can judge without importing the module
that adds the recommendations.
"""

from __future__ import annotations

from collections.abc import Mapping

from canvas_app.checks import run_checks
from canvas_app.ecosystem import Ecosystem
from canvas_app.evaluation import Evaluation
from canvas_app.library import ModuleLibrary, resolve_definitions
from canvas_app.model import Configuration
from canvas_app.scoring import score_ecosystem


def build_ecosystem(config: Configuration, library: ModuleLibrary | None = None) -> Ecosystem:
    """Index a configuration with its module definitions (stored in the file, else from the library)."""
    return Ecosystem(config, resolve_definitions(config, library))


def judge(
    config: Configuration, library: ModuleLibrary | None = None, weights: Mapping[str, float] | None = None
) -> Evaluation:
    """The six scores and the flags of ``config``, without a structure report or recommendations."""
    eco = build_ecosystem(config, library)
    return Evaluation(score_ecosystem(eco, weights), tuple(run_checks(eco)), {})
