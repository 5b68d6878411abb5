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
    "scalability": "is more scalable",
    "replicability": "is more replicable",
    "sustainability": "is more sustainable",
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


@dataclass(frozen=True)
class ActorValue:
    """One actor's net value per period in each alternative (None where it does not take part),
    and over growth (occurrences ×1…×10) where its flows carry amounts."""

    actor: str
    name: str
    net: tuple[float | None, ...]
    growth: tuple[tuple[float, ...] | None, ...]


def net_values(comparison: Comparison) -> list[ActorValue]:
    """Net value per actor side by side, actors matched by id, in order of first appearance."""
    order: dict[str, str] = {}
    for config in comparison.configurations:
        for actor in config.actors:
            order.setdefault(actor.id, actor.name)
    rows = []
    for actor_id, name in order.items():
        nets = tuple((e.structure.get("net_value") or {}).get(actor_id, {}).get("net") for e in comparison.evaluations)
        growth = tuple(
            tuple(g) if (g := (e.structure.get("growth") or {}).get("net_value", {}).get(actor_id)) else None
            for e in comparison.evaluations
        )
        rows.append(ActorValue(actor_id, name, nets, growth))
    return rows


def _criterion(evaluation: Evaluation, criterion_id: str) -> Criterion:
    return next(c for s in evaluation.scores.values() for c in s.criteria if c.id == criterion_id)


@dataclass(frozen=True)
class Lead:
    """Why one alternative leads another on one score: the criterion, and what causes it on each side.

    ``modules`` are library modules only the leader uses whose removal lowers the criterion
    (found by re-scoring without each one); ``flagged`` are the runner's flags on that
    criterion, with the names of the elements they point at.
    """

    score: str
    leader: int
    runner: int
    values: tuple[float, float]
    criterion: Criterion
    runner_criterion: Criterion
    modules: tuple[str, ...] = ()
    jointly: bool = False  # no one of ``modules`` is needed alone, but removing all of them lowers it
    flagged: tuple[tuple[str, tuple[str, ...]], ...] = ()
    standards: tuple[str, ...] = ()  # open standards on the leader's data flows the runner's lack


def element_names(config: Configuration, ids: Sequence[str]) -> list[str]:
    """Readable names for element ids of a configuration (actors, flows, modules, needs).

    >>> c = Configuration.model_validate({"name": "x", "actors": [{"id": "a", "name": "Drivers", "type": "citizen"}]})
    >>> element_names(c, ["a", "zz"])
    ['Drivers', 'zz']
    """
    names: dict[str, str] = {a.id: a.name for a in config.actors}
    actor = {a.id: a.name for a in config.actors}
    for flow in config.flows:
        names[flow.id] = f"{flow.label or flow.kind.value} ({actor.get(flow.source, flow.source)} → {actor.get(flow.target, flow.target)})"
    for instance in config.modules:
        names.setdefault(instance.id, instance.module)
    for need in config.needs:
        names.setdefault(need.id, need.name)
    return [names.get(i, i) for i in ids]


def data_standards(config: Configuration) -> list[str]:
    """The standards named on a configuration's data flows, most used first.

    >>> data_standards(Configuration.model_validate({"name": "x", "actors": [
    ...     {"id": "a", "name": "A", "type": "city"}, {"id": "b", "name": "B", "type": "business"}],
    ...     "flows": [{"id": "f", "source": "a", "target": "b", "kind": "data", "standards": ["NGSI-LD"]}]}))
    ['NGSI-LD']
    """
    from collections import Counter

    from canvas_app.model import FlowKind

    counts = Counter(s for f in config.flows if f.kind is FlowKind.DATA for s in f.standards)
    return [s for s, _ in counts.most_common()]


def responsible_modules(
    config: Configuration,
    criterion_id: str,
    value: float,
    exclude: set[str],
    library: ModuleLibrary | None,
    weights: Mapping[str, float] | None = None,
    rescored: dict[tuple[str, ...], Evaluation | None] | None = None,
) -> tuple[tuple[str, ...], bool]:
    """Library modules of ``config`` (other than ``exclude``) without which ``criterion_id`` drops,
    and whether only all of them together matter (no single one is needed).

    Each candidate is removed and the configuration re-scored, so the answer is what the
    scoring really depends on, not a guess from module attributes. ``rescored`` caches
    those evaluations by removed instance ids, for the other criteria of the same ``config``.
    """
    from canvas_app.analysis import build_ecosystem
    from canvas_app.library import LibraryError, remove_module
    from canvas_app.model import ConfigurationError

    definitions = build_ecosystem(config, library).definitions
    candidates = [m for m in config.modules if m.module not in exclude]

    cache = {} if rescored is None else rescored

    def drops(instance_ids: Sequence[str]) -> bool:
        key = tuple(instance_ids)
        if key not in cache:
            try:
                without = config
                for instance_id in instance_ids:
                    without = remove_module(without, instance_id)
                cache[key] = evaluate(without, library, recommend=False, weights=weights, structure=False)
            except (ConfigurationError, LibraryError):
                cache[key] = None
        after = cache[key]
        return after is not None and _criterion(after, criterion_id).value < value - 1e-9

    found = [m for m in candidates if drops([m.id])]
    jointly = not found and len(candidates) > 1 and drops([m.id for m in candidates])
    if jointly:
        found = candidates
    names = []
    for instance in found:
        definition = definitions.get(instance.id)
        name = definition.name if definition is not None else instance.module
        if name not in names:
            names.append(name)
    return tuple(names), jointly


def find_leads(
    configs: Sequence[Configuration],
    evaluations: Sequence[Evaluation],
    library: ModuleLibrary | None = None,
    weights: Mapping[str, float] | None = None,
) -> list[Lead]:
    """For each score where one alternative leads the next best by a meaningful margin, why."""
    leads = []
    used = [{m.module for m in c.modules} for c in configs]
    rescored: dict[int, dict[tuple[str, ...], Evaluation | None]] = {}
    for score in SCORE_NAMES:
        values = [e.scores[score].score for e in evaluations]
        best = max(range(len(values)), key=lambda i: (values[i], -i))
        runner = max((i for i in range(len(values)) if i != best), key=lambda i: (values[i], -i))
        if values[best] - values[runner] < MEANINGFUL_POINTS:
            continue
        criteria_runner = {c.id: c for c in evaluations[runner].scores[score].criteria}
        reason = max(
            evaluations[best].scores[score].criteria,
            key=lambda c: c.weight * (c.value - criteria_runner[c.id].value),
        )
        modules, jointly = responsible_modules(configs[best], reason.id, reason.value, used[runner], library, weights,
                                      rescored.setdefault(best, {}))
        flagged = tuple(
            (f.code, tuple(element_names(configs[runner], f.elements)))
            for f in evaluations[runner].flags
            if f.criterion == reason.id
        )
        standards = ()
        if reason.id == "r_open_standards":
            theirs = data_standards(configs[runner])
            standards = tuple(s for s in data_standards(configs[best]) if s not in theirs)
        leads.append(
            Lead(score, best, runner, (values[best], values[runner]), reason, criteria_runner[reason.id],
                 modules, jointly, flagged, standards)
        )
    return leads


def lead_sentence(lead: Lead, names: Sequence[str]) -> str:
    """The verdict line for one lead, naming the criterion, both explanations and the causes."""
    best, runner = names[lead.leader], names[lead.runner]
    text = (
        f"{best} {ADJECTIVES[lead.score]} than {runner} "
        f"({SCORE_LABELS[lead.score]} {lead.values[0]:.0f} vs {lead.values[1]:.0f}) because of "
        f"{lead.criterion.label.lower()}: {lead.criterion.explanation.rstrip('.')} "
        f"(in {runner}: {lead.runner_criterion.explanation.rstrip('.')})."
    )
    if lead.standards:
        text += f" {best}'s data flows use {_join(lead.standards)}."
    if lead.modules:
        together = " together (no single one of them is needed)" if lead.jointly else ""
        text += f" In {best} this comes from {_join(lead.modules)}{together}."
    for code, elements in lead.flagged:
        text += f" {runner} is flagged {code}" + (f" on {_join(elements[:4])}" if elements else "") + "."
    return text


def tie_sentences(names: Sequence[str], evaluations: Sequence[Evaluation], leads: Sequence[Lead]) -> list[str]:
    """Scores within a few points where only some alternatives carry a flag on that dimension."""
    led = {lead.score for lead in leads}
    lines = []
    for score in SCORE_NAMES:
        if score in led:
            continue
        codes = [sorted({f.code for f in e.flags if f.dimension == score}) for e in evaluations]
        if all(c == codes[0] for c in codes):
            continue
        values = ", ".join(f"{n} {e.scores[score].score:.0f}" for n, e in zip(names, evaluations))
        flagged = "; ".join(f"{n}: {', '.join(c)}" for n, c in zip(names, codes) if c)
        lines.append(f"{SCORE_LABELS[score]} is about the same ({values}), but the flags differ ({flagged}).")
    return lines


def verdict_for(
    names: Sequence[str],
    evaluations: Sequence[Evaluation],
    configs: Sequence[Configuration] | None = None,
    library: ModuleLibrary | None = None,
    weights: Mapping[str, float] | None = None,
) -> list[str]:
    """Plain sentences: one per score where an alternative leads by a meaningful margin, saying
    which criterion makes the difference and which modules and flagged elements cause it, then
    the near-ties that still differ in their flags.
    """
    if configs is None:
        configs = [Configuration(name=n) for n in names]
    leads = find_leads(configs, evaluations, library, weights)
    lines = [lead_sentence(lead, names) for lead in leads] + tie_sentences(names, evaluations, leads)
    if not lines:
        lines.append("The alternatives score within a few points of each other on every dimension.")
    return lines


def _join(items: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def compare_configurations(
    configs: Sequence[Configuration],
    library: ModuleLibrary | None = None,
    weights: Mapping[str, float] | None = None,
    *,
    recommend: bool = False,
) -> Comparison:
    """Compare two to four configurations; differences are reported against the first.

    ``recommend`` adds each alternative's recommended modules to its flags (a report shows them;
    the comparison itself does not need them, and they cost a re-score per library module).
    """
    if not 2 <= len(configs) <= 4:
        raise ValueError(f"compare two to four configurations, not {len(configs)}")
    evaluations = tuple(evaluate(c, library, recommend=recommend, weights=weights) for c in configs)
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
        verdict=tuple(verdict_for(names, evaluations, configs, library, weights)),
    )


def _distinct_names(configs: Sequence[Configuration]) -> list[str]:
    names = [c.name for c in configs]
    if len(set(names)) == len(names):
        return names
    return [f"{chr(ord('A') + i)} ({n})" for i, n in enumerate(names)]
