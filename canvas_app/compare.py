"""Compare alternative configurations: scores, criteria deltas, structural diff, flags and a verdict."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from canvas_app.analysis import evaluate
from canvas_app.diff import Changes, StructuralDiff, diff_by_library_module, diff_configurations
from canvas_app.evaluation import SCORE_LABELS, SCORE_NAMES, Criterion, Evaluation, Score
from canvas_app.library import ModuleLibrary
from canvas_app.model import Configuration

TOLERANCE_POINTS = 5.0
"""Scores whose spread is below this are "about the same"; the verdict states it."""

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
            "coverage": {n: [e.scores[n].coverage for e in self.evaluations] for n in SCORE_NAMES},
            "criteria": [
                {
                    "id": c.id,
                    "score": c.score,
                    "label": c.label,
                    "values": [round(_criterion(e, c.id).value, 3) for e in self.evaluations],
                    "assessable": [_criterion(e, c.id).assessable for e in self.evaluations],
                }
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
    for flow in config.flows:
        names[flow.id] = config.flow_name(flow)
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
    from canvas_app.judging import build_ecosystem
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


@dataclass(frozen=True)
class Standing:
    """One alternative's figure on one score, with how much of the score could be judged."""

    name: str
    score: float
    assessable: bool = True
    provisional: bool = False
    coverage: float = 1.0

    @property
    def figure(self) -> str:
        """'67', or '67 (provisional: 40% of its weight judged)'."""
        if not self.provisional:
            return f"{self.score:.0f}"
        return f"{self.score:.0f} (provisional: {self.coverage:.0%} of its weight judged)"


def standing(name: str, score: Score) -> Standing:
    """The verdict's view of an evaluation score."""
    return Standing(name, score.score, score.assessable, score.provisional, score.coverage)


def _judged(criterion: Criterion) -> bool:
    """A criterion with nothing to judge cannot explain a lead (criteria without the flag were judged)."""
    return criterion.assessable


def ranked(standings: Sequence[Standing]) -> list[int]:
    """Indices of the assessable alternatives, best first (earlier alternative first on equal scores)."""
    judged = [i for i, s in enumerate(standings) if s.assessable]
    return sorted(judged, key=lambda i: (-standings[i].score, i))


def find_leads(
    configs: Sequence[Configuration],
    evaluations: Sequence[Evaluation],
    library: ModuleLibrary | None = None,
    weights: Mapping[str, float] | None = None,
) -> list[Lead]:
    """For each score where the best assessable alternative leads the next by at least the tolerance, why."""
    leads = []
    used = [{m.module for m in c.modules} for c in configs]
    rescored: dict[int, dict[tuple[str, ...], Evaluation | None]] = {}
    for score in SCORE_NAMES:
        order = ranked([standing("", e.scores[score]) for e in evaluations])
        if len(order) < 2:
            continue
        best, runner = order[0], order[1]
        values = [e.scores[score].score for e in evaluations]
        if values[best] - values[runner] < TOLERANCE_POINTS:
            continue
        criteria_runner = {c.id: c for c in evaluations[runner].scores[score].criteria}
        candidates = [
            c for c in evaluations[best].scores[score].criteria if _judged(c) and _judged(criteria_runner[c.id])
        ] or list(evaluations[best].scores[score].criteria)
        reason = max(candidates, key=lambda c: c.weight * (c.value - criteria_runner[c.id].value))
        modules, jointly = responsible_modules(
            configs[best], reason.id, reason.value, used[runner], library, weights, rescored.setdefault(best, {})
        )
        flagged = tuple(
            (f.code, tuple(element_names(configs[runner], f.elements)))
            for f in evaluations[runner].flags
            if f.criterion == reason.id
        )
        standards: tuple[str, ...] = ()
        if reason.id == "r_open_standards":
            theirs = data_standards(configs[runner])
            standards = tuple(s for s in data_standards(configs[best]) if s not in theirs)
        leads.append(
            Lead(
                score,
                best,
                runner,
                (values[best], values[runner]),
                reason,
                criteria_runner[reason.id],
                modules,
                jointly,
                flagged,
                standards,
            )
        )
    return leads


def lead_sentence(lead: Lead, names: Sequence[str], standings: Sequence[Standing] | None = None) -> str:
    """The verdict line for one lead, naming the criterion, both explanations and the causes."""
    best, runner = names[lead.leader], names[lead.runner]
    if standings is None:
        figures = (f"{lead.values[0]:.0f}", f"{lead.values[1]:.0f}")
    else:
        figures = (standings[lead.leader].figure, standings[lead.runner].figure)
    text = (
        f"{best} {ADJECTIVES[lead.score]} than {runner} "
        f"({SCORE_LABELS[lead.score]} {figures[0]} vs {figures[1]}) because of "
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


def _points(difference: float) -> str:
    rounded = round(difference)
    return f"{rounded} point" if rounded == 1 else f"{rounded} points"


def score_sentences(score: str, standings: Sequence[Standing], flag_codes: Sequence[Sequence[str]] = ()) -> list[str]:
    """What the numbers of one score say, before any explanation of a lead.

    Alternatives whose score is not assessable are left out, and the line says so. The
    others are "about the same" only when best and worst are less than
    :data:`TOLERANCE_POINTS` apart (said only when their flags on this dimension differ);
    otherwise, with three or more alternatives, the best and the worst are named with the gap.
    """
    label = SCORE_LABELS[score]
    lines = []
    left_out = [s.name for s in standings if not s.assessable]
    order = ranked(standings)
    if left_out:
        verb = "is" if len(left_out) == 1 else "are"
        lines.append(
            f"{label} is not assessable in {_join(left_out)} (nothing to judge yet), "
            f"so {'it' if len(left_out) == 1 else 'they'} {verb} left out of this comparison."
        )
    if len(order) < 2:
        return lines
    best, worst = standings[order[0]], standings[order[-1]]
    spread = best.score - worst.score
    tolerance = f"{TOLERANCE_POINTS:.0f} points"
    if spread < TOLERANCE_POINTS:
        codes = [sorted(flag_codes[i]) for i in order] if flag_codes else []
        if codes and any(c != codes[0] for c in codes):
            values = ", ".join(f"{standings[i].name} {standings[i].figure}" for i in order)
            flagged = "; ".join(f"{standings[i].name}: {', '.join(c)}" for i, c in zip(order, codes) if c)
            lines.append(f"{label} is about the same (within {tolerance}: {values}), but the flags differ ({flagged}).")
        return lines
    if len(order) >= 3:
        # alternatives level with the best (or the worst) share that place rather than sit "in between"
        tops = [standings[i] for i in order if standings[i].score == best.score]
        bottoms = [standings[i] for i in order if standings[i].score == worst.score]
        middle = [standings[i] for i in order if standings[i] not in tops and standings[i] not in bottoms]
        text = (
            f"{label}: best {_join([t.name for t in tops])} ({best.figure}), "
            f"worst {_join([b.name for b in bottoms])} ({worst.figure}), {_points(spread)} lower"
        )
        if middle:
            text += "; in between: " + "; ".join(
                f"{s.name} {s.figure}, {_points(best.score - s.score)} below the best" for s in middle
            )
        lines.append(text + ".")
    return lines


def verdict_for(
    names: Sequence[str],
    evaluations: Sequence[Evaluation],
    configs: Sequence[Configuration] | None = None,
    library: ModuleLibrary | None = None,
    weights: Mapping[str, float] | None = None,
) -> list[str]:
    """Plain sentences, score by score: what the numbers say (alternatives left out, near-ties
    with different flags, best and worst among three or four), then, where the best leads the
    next by at least the tolerance, which criterion makes the difference and which modules and
    flagged elements cause it.
    """
    if configs is None:
        configs = [Configuration(name=n) for n in names]
    leads = {lead.score: lead for lead in find_leads(configs, evaluations, library, weights)}
    lines = []
    for score in SCORE_NAMES:
        standings = [standing(n, e.scores[score]) for n, e in zip(names, evaluations)]
        codes = [[f.code for f in e.flags if f.dimension == score] for e in evaluations]
        lines += score_sentences(score, standings, codes)
        if score in leads:
            lines.append(lead_sentence(leads[score], names, standings))
    if not lines:
        lines.append(f"The alternatives score within {TOLERANCE_POINTS:.0f} points of each other on every dimension.")
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
