"""Rank the city's needs and opportunities, and its competitive advantages (seed aims a and c).

Rankings are weighted sums of visible criteria, each 0–1, so a steering group
can see why one need outranks another and change the weights.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from canvas_app.evaluation import Evaluation
from canvas_app.model import Configuration
from canvas_app.workspace_model import Advantage, AdvantageState, WorkspaceNeed

NEED_CRITERIA = {
    "importance": "How important the need is (1–5)",
    "urgency": "How urgent it is (1–5)",
    "gap": "No configuration serves it yet",
    "evidence": "Evidence is recorded",
}
DEFAULT_NEED_WEIGHTS = {"importance": 3.0, "urgency": 2.0, "gap": 2.0, "evidence": 1.0}


@dataclass(frozen=True)
class RankedNeed:
    need: WorkspaceNeed
    score: float  # 0..100
    parts: dict[str, float]  # criterion → 0..1
    served_by: tuple[str, ...]  # names of configurations that serve it
    modules: tuple[str, ...]  # library modules whose flows serve it


def serving(need: WorkspaceNeed, config: Configuration) -> tuple[bool, set[str]]:
    """Whether a configuration serves a workspace need, and through which library modules.

    A configuration refers to a workspace need by listing it in its own ``needs`` with the same id
    (or, for files made elsewhere, the same name); it serves it when that entry names serving flows.
    """
    instance_module = {m.id: m.module for m in config.modules}
    flow_module = {f.id: f.module for f in config.flows}
    for own in config.needs:
        if own.id == need.id or own.name.strip().lower() == need.name.strip().lower():
            modules = {instance_module[m] for f in own.served_by if (m := flow_module.get(f)) in instance_module}
            return bool(own.served_by), modules
    return False, set()


def rank_needs(
    needs: Sequence[WorkspaceNeed],
    configurations: Sequence[Configuration],
    weights: Mapping[str, float] | None = None,
) -> list[RankedNeed]:
    """Needs ranked by weighted importance, urgency, gap and evidence; ties keep the given order."""
    w = {**DEFAULT_NEED_WEIGHTS, **(weights or {})}
    total = sum(w.values()) or 1.0
    ranked = []
    for need in needs:
        served_by, modules = [], set()
        for config in configurations:
            served, used = serving(need, config)
            if served:
                served_by.append(config.name)
                modules |= used
        parts = {
            "importance": (need.importance - 1) / 4,
            "urgency": (need.urgency - 1) / 4,
            "gap": 0.0 if served_by else 1.0,
            "evidence": 1.0 if need.evidence.strip() else 0.0,
        }
        score = 100 * sum(w[k] * v for k, v in parts.items()) / total
        ranked.append(RankedNeed(need, round(score, 1), parts, tuple(served_by), tuple(sorted(modules))))
    return sorted(ranked, key=lambda r: -r.score)


@dataclass(frozen=True)
class RankedAdvantage:
    advantage: Advantage
    score: float  # 0..100: how strongly the service's scores support it
    support: dict[str, float]  # criterion id → value 0..1 in the service's configuration
    missing_modules: tuple[str, ...]  # linked modules the configuration does not use yet


def rank_advantages(
    advantages: Sequence[Advantage],
    evaluations: Mapping[str, tuple[Configuration, Evaluation]],
) -> list[RankedAdvantage]:
    """Rank advantages by the support their linked criteria get in the service's configuration.

    ``evaluations`` maps a service name to its chosen configuration and evaluation. Current
    advantages should be well supported already; to-be advantages rank by how much is in place,
    and list the linked modules still to add.
    """
    ranked = []
    for advantage in advantages:
        pair = evaluations.get(advantage.service)
        support: dict[str, float] = {}
        missing: tuple[str, ...] = tuple(advantage.modules)
        if pair is not None:
            config, evaluation = pair
            values = {c.id: c.value for s in evaluation.scores.values() for c in s.criteria}
            support = {c: values[c] for c in advantage.criteria if c in values}
            used = {m.module for m in config.modules}
            missing = tuple(m for m in advantage.modules if m not in used)
        parts = list(support.values())
        if advantage.modules:
            parts.append(1 - len(missing) / len(advantage.modules))
        score = 100 * sum(parts) / len(parts) if parts else 0.0
        ranked.append(RankedAdvantage(advantage, round(score, 1), support, missing))
    order = {AdvantageState.CURRENT: 0, AdvantageState.TO_BE: 1}
    return sorted(ranked, key=lambda r: (order[r.advantage.state], -r.score))
