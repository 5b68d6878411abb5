"""Recommendations: which library module, or which concrete edit, closes each gap.

A module is offered for a flag only when

1. it declares that it remedies that flag for the type of an actor the flag names
   (``attributes.remedies``: this prunes the library to a few candidates), and
2. once placed exactly as Apply places it, it removes the problem *for at least one element
   the flag names* (per-element flags), or changes the flagged quantity *through the flagged
   actor or flows* (configuration-level flags: a new payer of the operator, a standard on data
   of the flagged flows' actors, a second side joined to the same platform...). Only the
   flag's own check is re-run on the trial, so this scales with the flags, not the library.

Raising a ratio by adding unrelated healthy actors never qualifies: it clears no element and
changes no flagged quantity. Candidates that qualify are ranked by fit to the service (share of
their roles that are actors already there, standards and needs in common, local preconditions
count against), then by the gain of the flag's score. When no module fits, or beside the
modules, :func:`structural_suggestions` proposes ordinary edits (a :class:`ChangeSet` of the
command log, so Apply and Undo work as for any edit), each verified the same way.
Deterministic: ties are broken by module id.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

import networkx as nx

from canvas_app import checks
from canvas_app.commands import COLLECTIONS, ChangeSet
from canvas_app.economics import economics_of
from canvas_app.ecosystem import NOT_A_SIDE, OFFERING_KINDS, Ecosystem, is_open_standard, source_key
from canvas_app.evaluation import Evaluation, Finding, Recommendation, Suggestion
from canvas_app.judging import build_ecosystem, judge
from canvas_app.library import FreeSpots, ModuleLibrary, occupied_positions, place_module, resolve_definitions
from canvas_app.model import (
    FINANCIAL_KINDS,
    PERIODS_PER_YEAR,
    PUBLIC_TYPES,
    Actor,
    ActorType,
    Configuration,
    ConfigurationError,
    Flow,
    FlowKind,
    ModuleInstance,
    Need,
)
from canvas_app.module_schema import ModuleDefinition
from canvas_app.scoring import CRITERIA

MAX_RECOMMENDATIONS = 3
MAX_SUGGESTIONS = 2
PER_ELEMENT = frozenset(
    {
        "no-return",
        "free-rider",
        "isolated-actor",
        "negative-net-value",
        "high-marginal-cost",
        "single-point-of-failure",
        "vendor-lock-in",
        "disconnected-ecosystem",
        "local-dependency",
        "unmet-need",
        "missing-quantities",
        "personal-data-without-consent",
        "personal-data-sold",
    }
)
"""Flags judged element by element: a remedy must clear at least one element the flag names."""
CONFIGURATION_WIDE = frozenset({"personal-data-without-consent"})
"""Per-element flags a change anywhere can clear: one consent service covers every flow of the configuration."""

CHECK_OF: dict[str, Callable[[Ecosystem], list[Finding]]] = {
    "isolated-actor": checks.check_isolated_actors,
    "disconnected-ecosystem": checks.check_disconnected,
    "no-return": checks.check_no_return,
    "free-rider": checks.check_free_riders,
    "no-revenue": checks.check_no_revenue,
    "negative-net-value": checks.check_negative_net_value,
    "grant-dependent": checks.check_grant_dependent,
    "funding-concentration": checks.check_funding_concentration,
    "single-point-of-failure": checks.check_single_point_of_failure,
    "vendor-lock-in": checks.check_vendor_lock_in,
    "not-multi-sided": checks.check_not_multi_sided,
    "no-network-effects": checks.check_no_network_effects,
    "high-marginal-cost": checks.check_high_marginal_cost,
    "no-open-standards": checks.check_no_open_standards,
    "local-dependency": checks.check_local_dependency,
    "no-citizen-value": checks.check_no_citizen_value,
    "unmet-need": checks.check_unmet_needs,
    "missing-quantities": checks.check_missing_quantities,
    "no-payback": checks.check_no_payback,
    "per-use-subsidy": checks.check_per_use_subsidy,
    "personal-data-without-consent": checks.check_personal_data_without_consent,
    "personal-data-sold": checks.check_personal_data_sold,
}
"""The check behind each flag code: a trial re-runs only the check of the flag it is tried for."""

MIN_CHANGE = 0.01
"""Least move of a flagged ratio (Herfindahl index, grant share) that counts as changing it."""
REGISTRY_STANDARD = "NGSI-LD"
"""The open standard proposed for a data flow when the configuration uses none yet (ETSI, OASC MIM1)."""


# -- one trial: the configuration after a module or an edit -----------------------------------


TOPOLOGY = ("undirected", "components", "articulation_points", "betweenness")
"""Cached graph facts of an ecosystem that depend only on its actors and who is linked to whom."""


def _links(eco: Ecosystem) -> set[tuple[str, str]]:
    """Who gives to whom, computed once per ecosystem (kept beside its other cached facts)."""
    if "_links" not in eco.__dict__:
        eco.__dict__["_links"] = {(f.source, f.target) for f in eco.flows}
    links: set[tuple[str, str]] = eco.__dict__["_links"]
    return links


@dataclass
class Trial:
    """A configuration after one change, with the ecosystem to re-check it."""

    before: Ecosystem
    config: Configuration
    added: dict[str, ModuleDefinition] = field(default_factory=dict)  # definitions of newly placed modules

    @cached_property
    def eco(self) -> Ecosystem:
        eco = Ecosystem(self.config, self.before.definitions | self.added)
        before = self.before
        if (
            len(eco.flows) == len(before.flows)
            and len(self.config.actors) == len(before.actors)
            and [a.id for a in self.config.actors] == list(before.actors)
            and {(f.source, f.target) for f in eco.flows} == _links(before)
        ):
            # same actors, same links (an edit of standards, costs or needs): the graph facts carry over
            for name in TOPOLOGY:
                if name in before.__dict__:
                    eco.__dict__[name] = before.__dict__[name]
        return eco

    @cached_property
    def new_flows(self) -> list[Flow]:
        old = {f.id for f in self.before.all_flows}
        return [f for f in self.config.flows if f.id not in old]

    def findings(self, finding: Finding) -> list[Finding]:
        check = CHECK_OF.get(finding.code)
        found = check(self.eco) if check is not None else checks.run_checks(self.eco)
        return [f for f in found if f.code == finding.code and f.criterion == finding.criterion]


@dataclass(frozen=True)
class Verdict:
    qualifies: bool
    clears_flag: bool
    elements_cleared: tuple[str, ...]
    reason: str


def _names(eco: Ecosystem, ids: Iterable[str], limit: int = 3) -> str:
    """Actor names in configuration order (sets have no stable order across runs)."""
    wanted = set(ids)
    ids = [a for a in eco.actors if a in wanted]
    names = [eco.actors[i].name for i in ids[:limit]]
    return ", ".join(names) + (f" and {len(ids) - limit} more" if len(ids) > limit else "")


def _labels(flows: Iterable[Flow], limit: int = 2) -> str:
    flows = list(flows)
    return ", ".join(f"'{f.label or f.kind.value}'" for f in flows[:limit]) + (" …" if len(flows) > limit else "")


def _reaches(finding: Finding, trial: Trial) -> bool:
    """Does the change touch a flagged element or an actor next to one (the only way to change its problem)?"""
    before = trial.before
    old_flows = {f.id: f for f in before.all_flows}
    changed = [f for f in trial.config.flows if old_flows.get(f.id) is not f]
    kept = {f.id for f in trial.config.flows}
    changed += [f for f in before.all_flows if f.id not in kept]  # a removed flow touches its ends too
    touched = (
        {e for f in changed for e in (f.source, f.target)}
        | {f.id for f in changed}
        | {a.id for a in trial.config.actors if before.actors.get(a.id) is not a}
        | {n.id for n in trial.config.needs if n not in before.config.needs}
    )
    near: set[str] = set()
    for element in finding.elements:
        near.add(element)
        if element in before.actors:
            near |= {f.target for f in before.out_flows.get(element, ())} | {
                f.source for f in before.in_flows.get(element, ())
            }
        elif element in old_flows:
            near |= {old_flows[element].source, old_flows[element].target}
    return bool(near & touched) or not finding.elements


def _closed_data(eco: Ecosystem, vendor: str) -> bool:
    """The lock-in check's first reason, without the betweenness it needs for the second."""
    return any(
        f.kind is FlowKind.DATA and not any(is_open_standard(s) for s in f.standards)
        for f in (*eco.in_flows.get(vendor, ()), *eco.out_flows.get(vendor, ()))
    )


def _payers(eco: Ecosystem, actor_id: str) -> set[str]:
    return {f.source for f in eco.in_flows.get(actor_id, ()) if f.kind in FINANCIAL_KINDS}


def verify(finding: Finding, trial: Trial) -> Verdict:
    """Does the change remove the problem for an element the flag names, or move the flagged quantity through it?"""
    before = trial.before
    if finding.code in PER_ELEMENT and finding.code not in CONFIGURATION_WIDE and not _reaches(finding, trial):
        return Verdict(False, False, (), "")  # it changes nothing at or next to a flagged element
    after = trial.eco
    if finding.code == "vendor-lock-in" and all(_closed_data(after, v) for v in finding.elements if v in after.actors):
        return Verdict(False, False, (), "")  # every flagged vendor still carries data on closed interfaces
    remaining = trial.findings(finding)
    still = {e for f in remaining for e in f.elements}
    cleared = tuple(e for e in finding.elements if e not in still)
    clears = not remaining
    new = trial.new_flows
    code = finding.code
    no = Verdict(False, clears, cleared, "")
    if code in ("personal-data-without-consent", "personal-data-sold"):
        flows = {f.id: f for f in before.all_flows}
        freed = [flows[e] for e in cleared if e in flows and flows[e].personal_data]
        if not freed:
            return no
        now = {f.id: f for f in after.all_flows}
        still_personal = [f for f in freed if f.id in now and now[f.id].personal_data]
        if not still_personal:
            return Verdict(True, clears, cleared, f"{_labels(freed)} no longer carries personal data")
        if code == "personal-data-sold":
            return Verdict(True, clears, cleared, f"nobody pays for {_labels(still_personal)} any more")
        consent = [after.definitions[m].name for m in checks.consent_modules(after)]
        return Verdict(
            True,
            clears,
            cleared,
            f"residents can give and withdraw consent for {_labels(still_personal)}"
            + (f" through {consent[0]}" if consent else ""),
        )
    if code in PER_ELEMENT:
        if not cleared:
            return no
        touching = [f for f in new if f.source in cleared or f.target in cleared]
        what = _names(before, cleared) or ", ".join(cleared[:3])
        return Verdict(True, clears, cleared, f"clears it for {what}" + (f" ({_labels(touching)})" if touching else ""))
    operator = before.operator
    if code in ("funding-concentration", "grant-dependent", "no-revenue"):
        if operator is None or after.operator is None or after.operator.id != operator.id:
            return no  # a module that brings its own operator judges another business, not this one
        added = _payers(after, operator.id) - _payers(before, operator.id)
        if code == "funding-concentration":
            # a new source, not another box of one that already pays
            old_sources = checks.funding_sources(before)
            added = {a for a in added if source_key(after.actors[a]) not in old_sources}
            hhi_before, hhi_after = checks.funding_hhi(before), checks.funding_hhi(after)
            if not added or hhi_after is None or hhi_before is None or hhi_after > hhi_before - MIN_CHANGE:
                return no
            return Verdict(
                True,
                clears,
                cleared,
                f"adds {_names(after, added)} as payer of {operator.name} "
                f"(Herfindahl index {hhi_before:.2f} → {hhi_after:.2f})",
            )
        if code == "grant-dependent":
            share_before, share_after = checks.grant_share(before), checks.grant_share(after)
            money = {f.source for f in after.in_flows.get(operator.id, ()) if f.kind is FlowKind.MONEY} - {
                f.source for f in before.in_flows.get(operator.id, ()) if f.kind is FlowKind.MONEY
            }
            if not money or share_after is None or share_before is None or share_after > share_before - MIN_CHANGE:
                return no
            return Verdict(
                True,
                clears,
                cleared,
                f"{operator.name} earns from {_names(after, money)}: grants fall "
                f"from {share_before:.0%} to {share_after:.0%} of its income",
            )
        if not clears or not added:
            return no
        return Verdict(True, clears, cleared, f"{operator.name} earns from {_names(after, added)}")
    if code in ("not-multi-sided", "no-network-effects"):
        platform = before.platform
        if not clears or (platform is not None and (after.platform is None or after.platform.id != platform.id)):
            return no
        where = after.platform.name if after.platform else "the platform"
        if code == "not-multi-sided":
            supply = after.sides["supply"]
            demand = [d for d in after.sides["demand"] if d not in supply] or after.sides["demand"]
            return Verdict(
                True, clears, cleared, f"{where} now connects {_names(after, supply)} with {_names(after, demand)}"
            )
        loop = after.cross_side_loop
        assert loop is not None
        return Verdict(
            True,
            clears,
            cleared,
            f"{_names(after, [loop[0]])} and {_names(after, [loop[1]])} now draw each other through {where}",
        )
    if code == "no-open-standards":
        flagged: set[str] | list[str] = {f.id for f in before.flows if f.id in finding.elements}
        ends = {e for f in before.flows if f.id in flagged for e in (f.source, f.target)}
        changed = [
            f
            for f in after.flows
            if f.kind is FlowKind.DATA
            and any(is_open_standard(s) for s in f.standards)
            and (f.id in flagged or ends & {f.source, f.target})
        ]
        if not clears or not changed:
            return no
        standards = sorted({s for f in changed for s in f.standards if is_open_standard(s)})
        return Verdict(
            True,
            clears,
            cleared,
            f"carries the data of {_names(after, ends & set(after.actors))} on {', '.join(standards[:3])}",
        )
    if code == "no-citizen-value":
        flagged = [c for c in finding.elements if c in after.actors]
        served = [c for c in flagged if after.in_flows.get(c)]
        if not clears or (flagged and not served):
            return no
        return Verdict(
            True,
            clears,
            cleared,
            f"{_names(after, served or [c.id for c in after.of_type(ActorType.CITIZEN)])} now receive value",
        )
    if code == "no-payback":
        econ = economics_of(after)
        back = [a for a in cleared if a in econ.investor_positions and econ.investor_positions[a].pays_back]
        if not back:
            return no
        p = econ.investor_positions[back[0]]
        return Verdict(
            True,
            clears,
            cleared,
            f"{_names(after, back)} gets its {p.outlay:,.0f} back by year "
            f"{p.discounted_payback_year} (net present value {p.npv:,.0f})",
        )
    if code == "per-use-subsidy":
        city_before, city_after = economics_of(before).city, economics_of(after).city
        if not cleared or city_before is None or city_after is None:
            return no
        return Verdict(
            True,
            clears,
            cleared,
            f"what the city pays per use falls from {city_before.per_use_cost:,.0f} "
            f"to {city_after.per_use_cost:,.0f} a {after.config.period}",
        )
    # a flag this module does not know (added later): only clearing an element it names counts
    if not cleared:
        return no
    return Verdict(True, clears, cleared, f"clears it for {', '.join(cleared[:3])}")


# -- which modules to try ---------------------------------------------------------------------


def flagged_types(finding: Finding, eco: Ecosystem) -> set[ActorType]:
    """Types of the actors a flag is about: its actors, the ends of its flows, the holders of its needs."""
    flows = {f.id: f for f in eco.all_flows}
    needs = {n.id: n for n in eco.config.needs}
    types: set[ActorType] = set()
    for element in finding.elements:
        if element in eco.actors:
            types.add(eco.actors[element].type)
        elif element in flows:
            types |= {eco.actors[flows[element].source].type, eco.actors[flows[element].target].type}
        elif element in needs:
            need = needs[element]
            types.add(eco.actors[need.actor].type if need.actor in eco.actors else ActorType.CITIZEN)
    return types


def candidates(finding: Finding, eco: Ecosystem, library: ModuleLibrary, placed: set[str]) -> list[ModuleDefinition]:
    """Library modules that declare a remedy for this flag for the type of an actor it names."""
    types = flagged_types(finding, eco)
    return [
        d
        for d in library
        if d.id not in placed
        and any(r.flag == finding.code and (not types or r.role in types) for r in d.attributes.remedies)
    ]


STOP_WORDS = frozenset(
    {
        "which",
        "where",
        "there",
        "their",
        "these",
        "those",
        "other",
        "about",
        "would",
        "should",
        "could",
        "every",
        "being",
        "using",
        "service",
        "services",
        "people",
    }
)


def _words(text: str) -> set[str]:
    """Content words of a text (five letters or more), to match needs with modules and flows."""
    return {w for w in re.findall(r"[a-z]{5,}", text.lower())} - STOP_WORDS


@dataclass
class Context:
    """What every recommendation for one configuration shares: the trials, the current scores."""

    config: Configuration
    library: ModuleLibrary
    weights: Mapping[str, float] | None
    eco: Ecosystem

    def __post_init__(self) -> None:
        self._trials: dict[str, Trial | None] = {}
        self._scores: dict[tuple[int, str], float] = {}
        self.placed = {m.module for m in self.config.modules}
        self.standards = {s for f in self.eco.flows for s in f.standards}
        self.need_words = set().union(*(_words(n.name) for n in self.config.needs)) if self.config.needs else set()
        self.categories = {d.category for d in self.eco.definitions.values()}

    def trial(self, definition: ModuleDefinition) -> Trial | None:
        if definition.id not in self._trials:
            try:
                placed = place_module(self.config, definition)
                self._trials[definition.id] = Trial(self.eco, placed, {placed.modules[-1].id: definition})
            except ConfigurationError:
                self._trials[definition.id] = None  # a module that cannot be placed here is no recommendation
        return self._trials[definition.id]

    def score(self, eco: Ecosystem, dimension: str) -> float:
        key = (id(eco), dimension)
        if key not in self._scores:
            self._scores[key] = dimension_score(eco, dimension, self.weights)
        return self._scores[key]

    def fit(self, definition: ModuleDefinition, trial: Trial) -> tuple[float, str]:
        """How well a module fits the service, 0..~2, and why: roles already there, standards, needs."""
        ends = {e for f in trial.new_flows for e in (f.source, f.target)}
        shared = [e for e in ends if e in self.eco.actors]
        share = len(shared) / len(ends) if ends else 0.0
        value = share
        why = [f"works with {_names(self.eco, shared)}"] if shared else []
        if self.standards & set(definition.attributes.standards):
            value += 0.5
            why.append("uses standards already in place")
        if self.need_words & _words(f"{definition.name} {definition.summary}"):
            value += 0.5
            why.append("speaks to a recorded need")
        if definition.category in self.categories:
            value += 0.25
        if definition.attributes.locality == "local" or definition.attributes.preconditions:
            value -= 0.25
        return round(value, 3), "; ".join(why)


def dimension_score(eco: Ecosystem, dimension: str, weights: Mapping[str, float] | None = None) -> float:
    """One score as :func:`canvas_app.scoring.score_ecosystem` computes it, measuring only its own criteria."""
    merged = {**(weights or {}), **eco.config.weights}
    total = value = 0.0
    for spec in CRITERIA:
        if spec.score != dimension:
            continue
        measured = spec.measure(eco)[0]
        if measured is None:  # not assessable: left out of the mean
            continue
        weight = float(merged.get(spec.id, spec.weight))
        total += weight
        value += weight * max(0.0, min(1.0, measured))
    return round(100 * value / total, 1) if total > 0 else 0.0


def recommend_for(finding: Finding, ctx: Context) -> tuple[Recommendation, ...]:
    """The modules that close this gap for a flagged element, best fit first, then the largest gain.

    The gain (a re-score of the flag's dimension) is measured only for the fit groups that compete
    for the few places shown: the cost follows the modules shown, not the size of the library.
    """
    qualified: list[tuple[float, bool, ModuleDefinition, Trial, Verdict, str]] = []
    for definition in candidates(finding, ctx.eco, ctx.library, ctx.placed):
        trial = ctx.trial(definition)
        if trial is None:
            continue
        verdict = verify(finding, trial)
        if verdict.qualifies:
            fit, why = ctx.fit(definition, trial)
            qualified.append((fit, verdict.clears_flag, definition, trial, verdict, why))
    qualified.sort(key=lambda q: (-q[0], not q[1]))
    chosen: list[Recommendation] = []
    group_start = 0
    while group_start < len(qualified) and len(chosen) < MAX_RECOMMENDATIONS:
        fit, clears = qualified[group_start][:2]
        group = [q for q in qualified[group_start:] if q[0] == fit and q[1] == clears]
        group_start += len(group)
        before = ctx.score(ctx.eco, finding.dimension)
        ranked = []
        for _, _, definition, trial, verdict, why in group:
            gain = round(ctx.score(trial.eco, finding.dimension) - before, 1)
            reason = verdict.reason[0].upper() + verdict.reason[1:] + (f"; {why}" if why else "") + "."
            ranked.append(
                Recommendation(
                    definition.id,
                    definition.name,
                    finding.dimension,
                    gain,
                    verdict.clears_flag,
                    verdict.elements_cleared,
                    reason,
                    fit,
                )
            )
        ranked.sort(key=lambda r: (-r.gain, r.module))
        chosen.extend(ranked[: MAX_RECOMMENDATIONS - len(chosen)])
    return tuple(chosen)


def add_recommendations(
    evaluation: Evaluation,
    config: Configuration,
    library: ModuleLibrary,
    weights: Mapping[str, float] | None = None,
    eco: Ecosystem | None = None,
) -> Evaluation:
    """Each flag with its modules and its structural suggestions (``eco``: the one just scored, graph facts cached)."""
    eco = eco if eco is not None else Ecosystem(config, resolve_definitions(config, library))
    ctx = Context(config, library, weights, eco)
    flags = tuple(
        replace(f, recommendations=recommend_for(f, ctx), suggestions=tuple(structural_suggestions(f, ctx.eco)))
        for f in evaluation.flags
    )
    return replace(evaluation, flags=flags)


# -- what Apply would do ---------------------------------------------------------------------


@dataclass(frozen=True)
class Preview:
    """What an Apply adds and what it changes, shown before the click."""

    actors_new: tuple[tuple[str, str, float, float, str], ...]  # id, name, x, y, name of the nearest actor there
    actors_merged: tuple[str, ...]  # names of existing actors the change uses
    flows_new: tuple[str, ...]  # "A → B: label (kind)"
    flows_changed: tuple[str, ...]
    score_changes: dict[str, float]
    flags_cleared: tuple[str, ...]  # "code: element names"
    flags_added: tuple[str, ...]


def preview(
    before: Configuration,
    after: Configuration,
    library: ModuleLibrary | None,
    weights: Mapping[str, float] | None = None,
) -> Preview:
    """Compare a configuration with what an Apply makes of it (full scores and flags, both sides)."""
    old, new = judge(before, library, weights), judge(after, library, weights)
    actors = {a.id: a for a in after.actors}
    old_actor_ids = {a.id for a in before.actors}
    old_flows = {f.id: f for f in before.flows}
    added = [f for f in after.flows if f.id not in old_flows]
    changed = [f for f in after.flows if f.id in old_flows and old_flows[f.id] != f]

    def line(f: Flow) -> str:
        return f"{actors[f.source].name} → {actors[f.target].name}: {f.label or f.kind.value} ({f.kind.value})"

    label = {m.id: str(m.definition.get("name") or m.module) for m in after.modules}
    label |= {n.id: n.name for n in after.needs} | {f.id: f.label or f.id for f in after.flows}
    label |= {a.id: a.name for a in after.actors}

    def flag_lines(ev: Evaluation) -> set[str]:
        return {f"{f.code}: {label.get(e, e)}" for f in ev.flags for e in f.elements} | {
            f.code for f in ev.flags if not f.elements
        }

    drawn = [a for a in before.actors if a.position is not None]

    def nearest(x: float, y: float) -> str:
        return min(drawn, key=lambda a: math.dist((x, y), (a.position.x, a.position.y))).name if drawn else ""  # type: ignore[union-attr]  # drawn holds only actors with a position

    new_actors = tuple(
        (a.id, a.name, a.position.x, a.position.y, nearest(a.position.x, a.position.y))
        for a in after.actors
        if a.id not in old_actor_ids and a.position is not None
    )
    used = {e for f in [*added, *changed] for e in (f.source, f.target) if e in old_actor_ids}
    return Preview(
        actors_new=new_actors,
        actors_merged=tuple(sorted(actors[a].name for a in used)),
        flows_new=tuple(line(f) for f in added),
        flows_changed=tuple(line(f) for f in changed),
        score_changes={
            n: round(new.scores[n].score - s.score, 1)
            for n, s in old.scores.items()
            if abs(new.scores[n].score - s.score) >= 0.05
        },
        flags_cleared=tuple(sorted(flag_lines(old) - flag_lines(new))),
        flags_added=tuple(sorted(flag_lines(new) - flag_lines(old))),
    )


# -- structural suggestions -----------------------------------------------------------------


ELEMENT_MODELS: dict[str, Any] = {"actors": Actor, "flows": Flow, "modules": ModuleInstance, "needs": Need}


def apply_change(config: Configuration, change: ChangeSet) -> Configuration:
    """``change.apply`` for verification: validates only the changed elements (the whole file costs ~40 ms at
    1,000 actors). Suggestions only add flows between existing or added actors, so references hold; Apply
    itself goes through :meth:`ChangeSet.apply`, which validates everything."""
    update: dict[str, list[Any]] = {}
    for name in COLLECTIONS:
        upserts, gone = change.upsert.get(name, ()), set(change.remove.get(name, ()))
        if not upserts and not gone:
            continue
        items = [item for item in getattr(config, name) if item.id not in gone]
        at = {item.id: i for i, item in enumerate(items)}
        for index, element in sorted(upserts, key=lambda pair: pair[0]):
            model = ELEMENT_MODELS[name].model_validate(element)
            if model.id in at:
                items[at[model.id]] = model
            else:
                items.insert(max(0, min(int(index), len(items))), model)
                at = {item.id: i for i, item in enumerate(items)}
        update[name] = items
    return config.model_copy(update=update)


class _Edit:
    """Builds one change set: fresh ids, flows and actors placed without overlap."""

    def __init__(self, eco: Ecosystem):
        self.eco = eco
        self.config = eco.config
        self.actor_ids = set(eco.actors)
        self.flow_ids = {f.id for f in eco.all_flows}
        self.upsert: dict[str, list[list[Any]]] = {}
        self.spots: FreeSpots | None = None
        self.added: dict[str, dict[str, Any]] = {}

    def _fresh(self, base: str, taken: set[str]) -> str:
        n = len(taken) + 1
        candidate = base if base not in taken else f"{base}-{n}"
        while candidate in taken:
            n += 1
            candidate = f"{base}-{n}"
        taken.add(candidate)
        return candidate

    def name(self, actor_id: str) -> str:
        return self.added[actor_id]["name"] if actor_id in self.added else self.eco.actors[actor_id].name

    def actor(self, name: str, kind: ActorType, near: str | None) -> str:
        if self.spots is None:
            self.spots = FreeSpots(occupied_positions(self.config))
        anchor = self.eco.actors.get(near) if near else None
        wish = (anchor.position.x, anchor.position.y) if anchor is not None and anchor.position else (0.0, 0.0)
        x, y = self.spots.near((wish[0] + 120.0, wish[1] + 60.0))
        actor_id = self._fresh(re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "actor", self.actor_ids)
        element = {"id": actor_id, "name": name, "type": kind.value, "position": {"x": x, "y": y}}
        self.added[actor_id] = element
        self.upsert.setdefault("actors", []).append([len(self.config.actors) + len(self.added), element])
        return actor_id

    def flow(self, source: str, target: str, kind: FlowKind, label: str, **extra: Any) -> None:
        n = len(self.flow_ids) + 1
        while f"f{n}" in self.flow_ids:
            n += 1
        flow_id = f"f{n}"  # as the editor numbers drawn flows
        self.flow_ids.add(flow_id)
        element = {"id": flow_id, "source": source, "target": target, "kind": kind.value, "label": label[:300], **extra}
        self.upsert.setdefault("flows", []).append(
            [len(self.config.flows) + len(self.upsert.get("flows", ())), element]
        )

    def update(self, collection: str, item: Any, **changes: Any) -> None:
        index = next(i for i, x in enumerate(getattr(self.config, collection)) if x.id == item.id)
        self.upsert.setdefault(collection, []).append([index, {**item.model_dump(mode="json"), **changes}])

    def change(self, label: str) -> ChangeSet:
        return ChangeSet(upsert=self.upsert, label=label)


Proposal = tuple[str, str, ChangeSet]  # id, text, change
_MONEY_TAKERS = frozenset(
    {
        ActorType.BUSINESS,
        ActorType.SERVICE_PROVIDER,
        ActorType.TECHNOLOGY_VENDOR,
        ActorType.PLATFORM_OPERATOR,
        ActorType.PUBLIC_AGENCY,
        ActorType.RESEARCH,
        ActorType.CITY,
    }
)


def _return_for(giver: Actor, gives: Flow) -> tuple[FlowKind, str]:
    """What an actor fairly gets back for what it gives (e3value reciprocity)."""
    what = gives.label or gives.kind.value
    if gives.kind is FlowKind.INVESTMENT:
        return FlowKind.MONEY, "dividend or buy-back"
    if gives.kind is FlowKind.GRANT:
        return FlowKind.KNOWLEDGE, "reports and open results"
    if gives.kind is FlowKind.MONEY:
        return FlowKind.SERVICE, f"service paid by {what}"
    if giver.type in _MONEY_TAKERS:
        return FlowKind.MONEY, f"payment for {what}"
    return FlowKind.SERVICE, f"service in return for {what}"


def _give_back(taker: Actor, takes: Flow) -> tuple[FlowKind, str]:
    """What an actor that only takes should give for it."""
    what = takes.label or takes.kind.value
    if taker.type is ActorType.FUNDER:
        return FlowKind.INVESTMENT, f"financing in return for {what}"
    if taker.type is ActorType.RESEARCH:
        return FlowKind.KNOWLEDGE, f"findings from {what}"
    if takes.kind is FlowKind.MONEY:
        return FlowKind.SERVICE, f"service for {what}"
    return FlowKind.MONEY, f"payment for {what}"


def _exchange(kind: ActorType) -> tuple[tuple[FlowKind, str], tuple[FlowKind, str]]:
    """A first exchange with the hub for an actor of this type: (what it gets, what it gives)."""
    return {
        ActorType.CITIZEN: ((FlowKind.SERVICE, "service for residents"), (FlowKind.REPUTATION, "use and feedback")),
        ActorType.COMMUNITY: ((FlowKind.SERVICE, "service for the community"), (FlowKind.KNOWLEDGE, "local knowledge")),
        ActorType.BUSINESS: ((FlowKind.SERVICE, "service for businesses"), (FlowKind.MONEY, "fees")),
        ActorType.FUNDER: ((FlowKind.KNOWLEDGE, "reports and results"), (FlowKind.GRANT, "funding")),
        ActorType.CITY: ((FlowKind.DATA, "service data"), (FlowKind.PERMISSION, "mandate")),
        ActorType.PUBLIC_AGENCY: ((FlowKind.DATA, "service data"), (FlowKind.SERVICE, "public task")),
        ActorType.RESEARCH: ((FlowKind.MONEY, "research contract"), (FlowKind.KNOWLEDGE, "evaluation")),
    }.get(kind, ((FlowKind.MONEY, "contract"), (FlowKind.SERVICE, "service")))


def _hub(eco: Ecosystem, exclude: Iterable[str] = ()) -> str | None:
    """The actor new exchanges are best made with: the operator, else the city, else the best connected."""
    skip = set(exclude)
    for actor in (eco.operator, *eco.of_type(ActorType.CITY)):
        if actor is not None and actor.id not in skip:
            return actor.id
    rest = [a for a in eco.actors if a not in skip]
    return max(rest, key=lambda a: (eco.degree(a), a)) if rest else None


def _users(eco: Ecosystem, operator: str) -> list[str]:
    """Who receives an offering from the operator, in configuration order."""
    got = {f.target for f in eco.out_flows.get(operator, ()) if f.kind in OFFERING_KINDS}
    return [a for a in eco.actors if a in got and eco.actors[a].type is not ActorType.FUNDER]


def _per_period(eco: Ecosystem) -> str:
    return eco.config.period


def _no_return(finding: Finding, eco: Ecosystem) -> Iterable[Proposal]:
    for actor_id in finding.elements[:MAX_SUGGESTIONS]:
        actor = eco.actors[actor_id]
        gives = eco.out_flows[actor_id][0]
        kind, label = _return_for(actor, gives)
        edit = _Edit(eco)
        edit.flow(gives.target, actor_id, kind, label)
        yield (
            f"return:{actor_id}",
            f"Give {actor.name} a return: add a {kind.value} flow "
            f"{eco.actors[gives.target].name} → {actor.name} ({label})",
            edit.change(f"give {actor.name} a return"),
        )


def _free_rider(finding: Finding, eco: Ecosystem) -> Iterable[Proposal]:
    for actor_id in finding.elements[:MAX_SUGGESTIONS]:
        actor = eco.actors[actor_id]
        takes = eco.in_flows[actor_id][0]
        kind, label = _give_back(actor, takes)
        edit = _Edit(eco)
        edit.flow(actor_id, takes.source, kind, label)
        yield (
            f"give-back:{actor_id}",
            f"Have {actor.name} give back: add a {kind.value} flow {actor.name} → "
            f"{eco.actors[takes.source].name} ({label})",
            edit.change(f"{actor.name} gives back"),
        )


def _connect(finding: Finding, eco: Ecosystem) -> Iterable[Proposal]:
    """Isolated actors and cut-off parts: a first two-way exchange with the hub of the main part."""
    main = set(eco.components[0]) if eco.components else set()
    for actor_id in list(finding.elements)[:MAX_SUGGESTIONS]:
        hub = _hub(eco, exclude=[a for a in eco.actors if a not in main or a == actor_id]) if main else None
        hub = hub or _hub(eco, exclude=[actor_id])
        if hub is None:
            continue
        actor = eco.actors[actor_id]
        (get_kind, get_label), (give_kind, give_label) = _exchange(actor.type)
        edit = _Edit(eco)
        edit.flow(hub, actor_id, get_kind, get_label)
        edit.flow(actor_id, hub, give_kind, give_label)
        yield (
            f"connect:{actor_id}",
            f"Connect {actor.name} with {eco.actors[hub].name}: {get_label} ({get_kind.value}) "
            f"one way, {give_label} ({give_kind.value}) the other",
            edit.change(f"connect {actor.name}"),
        )


def _negative_net(finding: Finding, eco: Ecosystem) -> Iterable[Proposal]:
    for actor_id in finding.elements[:MAX_SUGGESTIONS]:
        actor, deficit = eco.actors[actor_id], -eco.net_values[actor_id].net
        edit = _Edit(eco)
        fee = next(
            (f for f in eco.in_flows.get(actor_id, ()) if f.kind is FlowKind.MONEY and f.amount is not None), None
        )
        if fee is not None:
            times = fee.occurrences if fee.occurrences else 1.0
            amount = math.ceil((fee.amount + deficit / times) * 100) / 100  # type: ignore[operator]  # fee was chosen for its amount not being None
            edit.update("flows", fee, amount=amount)
            yield (
                f"price:{fee.id}",
                f"Let {actor.name} cover its costs: raise '{fee.label or 'money'}' from "
                f"{eco.actors[fee.source].name} from {fee.amount:,.2f} to {amount:,.2f}",
                edit.change(f"raise {fee.label or fee.id}"),
            )
            continue
        users = [f.target for f in eco.out_flows.get(actor_id, ()) if f.kind in OFFERING_KINDS]
        payer = users[0] if users else _hub(eco, exclude=[actor_id])
        if payer is None:
            continue
        amount = float(math.ceil(deficit))
        edit.flow(payer, actor_id, FlowKind.MONEY, "payment covering its costs", amount=amount)
        yield (
            f"cover:{actor_id}",
            f"Let {actor.name} cover its costs: add a money flow {eco.actors[payer].name} → "
            f"{actor.name} of {amount:,.0f} a {_per_period(eco)}",
            edit.change(f"cover {actor.name}'s costs"),
        )


def _new_income(
    eco: Ecosystem, operator: str, payer: str | None, amount: float | None, why: str, key: str
) -> Proposal | None:
    edit = _Edit(eco)
    name = eco.actors[operator].name
    if payer is None:
        payer = edit.actor("Business customers", ActorType.BUSINESS, operator)
        edit.flow(operator, payer, FlowKind.SERVICE, "premium service for businesses")
    extra = {"amount": amount} if amount is not None else {}
    edit.flow(payer, operator, FlowKind.MONEY, "fees for the service", **extra)
    figure = f" of {amount:,.0f} a {_per_period(eco)}" if amount is not None else ""
    return (
        f"{key}:{payer}",
        f"{why}: add a money flow {edit.name(payer)} → {name}{figure}",
        edit.change(f"{edit.name(payer)} pays {name}"),
    )


def _amounts_known(eco: Ecosystem, operator: str) -> bool:
    inflows = [f for f in eco.in_flows.get(operator, ()) if f.kind in FINANCIAL_KINDS]
    return bool(inflows) and all(f.amount is not None for f in inflows)


def _funding(finding: Finding, eco: Ecosystem) -> Iterable[Proposal]:
    operator = eco.operator
    if operator is None:
        return
    by_payer = eco.financial_inflow_by_payer(operator.id)
    payers = set(by_payer)
    if finding.code == "no-revenue":
        users = _users(eco, operator.id)
        payer = users[0] if users else _hub(eco, exclude=[operator.id])
        proposal = _new_income(eco, operator.id, payer, None, f"Let {operator.name} earn from its users", "revenue")
        if proposal:
            yield proposal
        return
    sources = checks.funding_sources(eco)
    total = sum(s.total for s in sources.values())
    amount: float | None = None
    if finding.code == "funding-concentration":
        # a box of a source that already pays (another department of the same budget) diversifies nothing
        payers |= {a for a, actor in eco.actors.items() if source_key(actor) in sources}
        if _amounts_known(eco, operator.id) and total > 0:
            # S2: the sum of each source's (amount² ÷ payers), so that S2 ÷ T² is the index
            squares = sum(s.total**2 / s.payers for s in sources.values())
            # smallest new payment x from one new payer with (S2 + x²) / (T + x)² ≤ HHI threshold, plus a margin
            h = checks.HHI_THRESHOLD
            disc = (2 * h * total) ** 2 - 4 * (1 - h) * (squares - h * total * total)
            x = (2 * h * total - math.sqrt(max(disc, 0.0))) / (2 * (1 - h))
            amount = float(math.ceil(max(x, 0.0) * 1.02 + 1))
        why = f"Spread {operator.name}'s income over more payers"
    else:  # grant-dependent: enough money that grants fall to half of the income
        grant = sum(k.get(FlowKind.GRANT, 0.0) for k in by_payer.values())
        money = sum(k.get(FlowKind.MONEY, 0.0) for k in by_payer.values())
        if _amounts_known(eco, operator.id):
            amount = float(math.ceil(max(grant - money, 0.0) + 1))
        why = f"Make {operator.name} less dependent on grants"
    users = [u for u in _users(eco, operator.id) if u not in payers]
    others = [
        a
        for a, actor in eco.actors.items()
        if a not in payers
        and a != operator.id
        and actor.type in (ActorType.BUSINESS, ActorType.CITY, ActorType.PUBLIC_AGENCY)
    ]
    for payer in ([users[0]] if users else []) + ([others[0]] if others and not users else []) + [None]:
        proposal = _new_income(eco, operator.id, payer, amount, why, finding.code)
        if proposal:
            yield proposal


def _second_of(finding: Finding, eco: Ecosystem) -> Iterable[Proposal]:
    """Single points of failure (and central vendors): a second actor in the same exchanges."""
    for actor_id in finding.elements[:MAX_SUGGESTIONS]:
        actor = eco.actors[actor_id]
        rest = eco.undirected.subgraph(a for a in eco.actors if a != actor_id)
        neighbours = set(eco.undirected.neighbors(actor_id))
        keep: list[str] = []
        for part in nx.connected_components(rest):
            inside = sorted(neighbours & part)
            if inside:
                keep.append(inside[0])
        edit = _Edit(eco)
        name = actor.name[:1].lower() + actor.name[1:] if actor.name[1:2].islower() else actor.name
        second = edit.actor(f"Second {name}", actor.type, actor_id)
        copied = 0
        for flow in [*eco.out_flows.get(actor_id, ()), *eco.in_flows.get(actor_id, ())]:
            other = flow.target if flow.source == actor_id else flow.source
            if other not in keep:
                continue
            source, target = (second, other) if flow.source == actor_id else (other, second)
            edit.flow(source, target, flow.kind, flow.label, standards=list(flow.standards))
            copied += 1
        if not copied:
            continue
        partners = _names(eco, keep)
        yield (
            f"second:{actor_id}",
            f"Add a second {actor.type.value.replace('_', ' ')} beside {actor.name}: "
            f"{edit.name(second)} takes part in the same exchanges with {partners}",
            edit.change(f"add {edit.name(second)}"),
        )


def _registry_standard(eco: Ecosystem) -> str:
    """The open standard to propose: NGSI-LD when the service already knows it, else one its data flows or
    placed modules use (the city's own registry), else NGSI-LD."""
    known = [s for f in eco.flows if f.kind is FlowKind.DATA for s in f.standards if is_open_standard(s)]
    known += [s for d in eco.definitions.values() for s in d.attributes.standards if is_open_standard(s)]
    return REGISTRY_STANDARD if REGISTRY_STANDARD in known or not known else known[0]


def _standardise(eco: Ecosystem, flows: list[Flow], key: str, who: str) -> Proposal | None:
    if not flows:
        return None
    standard = _registry_standard(eco)
    edit = _Edit(eco)
    for flow in flows:
        edit.update("flows", flow, standards=[*flow.standards, standard])
    labels = _labels(flows)
    return (
        f"standard:{key}",
        f"Mark {who} data flow{'s' if len(flows) > 1 else ''} {labels} with the open standard {standard}",
        edit.change(f"{standard} on {len(flows)} data flow(s)"),
    )


def _lock_in(finding: Finding, eco: Ecosystem) -> Iterable[Proposal]:
    for actor_id in finding.elements[:MAX_SUGGESTIONS]:
        closed = [
            f
            for f in (*eco.out_flows.get(actor_id, ()), *eco.in_flows.get(actor_id, ()))
            if f.kind is FlowKind.DATA and not any(is_open_standard(s) for s in f.standards)
        ]
        proposal = _standardise(eco, closed, actor_id, f"{eco.actors[actor_id].name}'s")
        if proposal:
            yield proposal
    yield from _second_of(finding, eco)


def _open_standards(finding: Finding, eco: Ecosystem) -> Iterable[Proposal]:
    flows = [f for f in eco.flows if f.id in set(finding.elements)]
    operator = eco.operator.id if eco.operator else None
    mine = [f for f in flows if operator in (f.source, f.target)]
    proposal = _standardise(eco, (mine or flows)[:50], "data", "the")
    if proposal:
        yield proposal


def _marginal_cost(finding: Finding, eco: Ecosystem) -> Iterable[Proposal]:
    for flow in [f for f in eco.flows if f.id in set(finding.elements)][:MAX_SUGGESTIONS]:
        edit = _Edit(eco)
        edit.update("flows", flow, marginal_cost="low")
        yield (
            f"digital:{flow.id}",
            f"Deliver '{flow.label or flow.kind.value}' as self-service (app, web or kiosk) "
            "so one more user costs little, and set its marginal cost to low",
            edit.change(f"self-service {flow.label or flow.id}"),
        )


def _sides(finding: Finding, eco: Ecosystem) -> Iterable[Proposal]:
    """A second side for a one-sided platform, or the loop between its sides.

    An input supplier that trades on a market (a transport operator, a payment provider; not a
    technology vendor or a public body) becomes a side when the platform passes it bookings and
    demand data from its users: it then supplies through the platform as its customer (Hagiu &
    Wright 2015). That edit, on the named supplier, comes first; otherwise an existing provider or
    business, else a new group of service providers, supplies through the platform and gets those
    bookings.
    """
    platform = eco.platform
    if platform is None:
        return
    demand, supply = eco.sides["demand"], eco.sides["supply"]
    pays = {f.source for f in eco.in_flows.get(platform.id, ()) if f.kind is FlowKind.MONEY}
    paid = {f.target for f in eco.out_flows.get(platform.id, ()) if f.kind is FlowKind.MONEY}
    market = [a for a in eco.input_suppliers if eco.actors[a].type not in NOT_A_SIDE | PUBLIC_TYPES]
    for supplier in [*market[:MAX_SUGGESTIONS], None]:
        edit = _Edit(eco)
        consumer = next((d for d in demand if d not in supply and d != supplier), None)
        if consumer is None:
            citizens = [c.id for c in eco.of_type(ActorType.CITIZEN) if c.id not in supply]
            consumer = citizens[0] if citizens else edit.actor("Residents", ActorType.CITIZEN, platform.id)
            edit.flow(platform.id, consumer, FlowKind.SERVICE, "service through the platform")
        provider = supplier or next(
            (s for s in supply if consumer not in eco.actors or eco.distinct_sides(s, consumer)), None
        )
        booked = provider is None or supplier is not None  # the provider gets bookings from the platform
        if supplier is not None:
            edit.flow(platform.id, supplier, FlowKind.DATA, "bookings and demand data from users")
        elif provider is None:
            taken = {consumer, platform.id, *eco.input_suppliers}
            existing = [
                a
                for a, actor in eco.actors.items()
                if a not in taken
                and actor.type not in NOT_A_SIDE
                and actor.type in (ActorType.SERVICE_PROVIDER, ActorType.BUSINESS)
            ]
            provider = (
                existing[0] if existing else edit.actor("Service providers", ActorType.SERVICE_PROVIDER, platform.id)
            )
            edit.flow(provider, platform.id, FlowKind.SERVICE, "services offered through the platform")
            edit.flow(platform.id, provider, FlowKind.DATA, "bookings and demand data from users")
        assert provider is not None  # the supplier, an existing side, an existing provider or a new group
        if finding.code == "no-network-effects":
            if consumer not in {f.source for f in eco.in_flows.get(platform.id, ())}:
                edit.flow(
                    consumer,
                    platform.id,
                    FlowKind.MONEY if consumer not in pays else FlowKind.DATA,
                    "fees for the service" if consumer not in pays else "usage data",
                )
            if provider not in {f.target for f in eco.out_flows.get(platform.id, ())} and not booked:
                if provider in paid or eco.actors[provider].type not in _MONEY_TAKERS:
                    edit.flow(platform.id, provider, FlowKind.DATA, "demand data")
                else:
                    edit.flow(platform.id, provider, FlowKind.MONEY, "share of sales")
        if not edit.upsert:
            continue
        added = "; ".join(
            f"{edit.name(f['source'])} → {edit.name(f['target'])}: {f['label']}" for _, f in edit.upsert["flows"]
        )
        if supplier is not None:
            text = (
                f"Make {eco.actors[supplier].name} a side of {platform.name}, not only its supplier: "
                f"{platform.name} passes it bookings and demand data from its users, so it serves them through "
                f"{platform.name} ({added})"
            )
        elif finding.code == "not-multi-sided":
            text = f"Join a second side to {platform.name} ({added})"
        else:
            text = f"Close the loop through {platform.name}, so each side draws the other ({added})"
        yield (f"{finding.code}:{provider}", text, edit.change(f"second side for {platform.name}"))


def _citizen_value(finding: Finding, eco: Ecosystem) -> Iterable[Proposal]:
    giver = _hub(eco)
    edit = _Edit(eco)
    citizens = list(finding.elements)
    if giver is None:
        return
    citizen = citizens[0] if citizens else edit.actor("Residents", ActorType.CITIZEN, giver)
    if citizen == giver:
        return
    edit.flow(giver, citizen, FlowKind.SERVICE, "service for residents")
    yield (
        f"citizens:{citizen}",
        f"Serve residents: add a service flow {eco.actors[giver].name} → {edit.name(citizen)}",
        edit.change("serve residents"),
    )


def _unmet_need(finding: Finding, eco: Ecosystem) -> Iterable[Proposal]:
    needs = {n.id: n for n in eco.config.needs}
    for need_id in finding.elements[:MAX_SUGGESTIONS]:
        need = needs[need_id]
        holder = need.actor if need.actor in eco.actors else next((c.id for c in eco.of_type(ActorType.CITIZEN)), None)
        edit = _Edit(eco)
        words = _words(need.name)
        serving = (
            next(
                (
                    f
                    for f in eco.in_flows.get(holder, ())
                    if f.kind in OFFERING_KINDS and len(words & _words(f.label)) >= min(2, len(words))
                ),
                None,
            )
            if holder and words
            else None
        )
        if serving is not None:
            edit.update("needs", need, served_by=[serving.id])
            text = (
                f"Record that '{serving.label or serving.kind.value}' ({eco.actors[serving.source].name} → "
                f"{eco.actors[serving.target].name}) serves '{need.name}'"
            )
        else:
            giver = _hub(eco, exclude=[holder] if holder else [])
            if giver is None:
                continue
            if holder is None:
                holder = edit.actor("Residents", ActorType.CITIZEN, giver)
            edit.flow(giver, holder, FlowKind.SERVICE, need.name)
            flow_id = edit.upsert["flows"][-1][1]["id"]
            edit.update("needs", need, served_by=[flow_id])
            text = f"Serve '{need.name}': add a service flow {eco.actors[giver].name} → {edit.name(holder)} for it"
        yield (f"need:{need_id}", text, edit.change(f"serve {need.name}"))


def _local(finding: Finding, eco: Ecosystem) -> Iterable[Proposal]:
    if finding.criterion != "r_generic_roles":
        return  # a module's local preconditions are facts of the module; a city checks them, no edit removes them
    for actor_id in finding.elements[:MAX_SUGGESTIONS]:
        actor = eco.actors[actor_id]
        edit = _Edit(eco)
        edit.update("actors", actor, local=False)
        yield (
            f"generic:{actor_id}",
            f"Make {actor.name} a generic role any city can fill (contracted by open tender, "
            "not a named local organisation): clear 'local organisation'",
            edit.change(f"{actor.name} as a generic role"),
        )


def annuity(present_value: float, rate: float, years: int) -> float:
    """The yearly payment that repays ``present_value`` over ``years`` at ``rate`` (the standard annuity formula).

    >>> round(annuity(1000, 0.0, 4), 2), round(annuity(1000, 0.05, 10), 2)
    (250.0, 129.5)
    """
    if rate == 0:
        return present_value / years
    return present_value * rate / (1 - (1 + rate) ** -years)


def _repay(finding: Finding, eco: Ecosystem) -> Iterable[Proposal]:
    """An investor short of payback: a yearly repayment from whoever received its investment, sized as an annuity
    on the present-value shortfall over the investor's own payback period."""
    econ = economics_of(eco)
    ppy = PERIODS_PER_YEAR[eco.config.period]
    for actor_id in [e for e in finding.elements if e in econ.investor_positions][:MAX_SUGGESTIONS]:
        position = econ.investor_positions[actor_id]
        investment = next((f for f in eco.out_flows.get(actor_id, ()) if f.kind is FlowKind.INVESTMENT), None)
        if investment is None:
            continue  # an own capital cost: no one to repay it, a price change is the operator's call
        limit = min(position.payback_limit, position.horizon)
        shortfall = -position.discounted_cumulative[limit]
        # 1 % above the exact annuity, so rounding never leaves the investor a few cents short
        per_period = math.ceil(annuity(shortfall, econ.discount_rate, limit) * 1.01 / ppy * 100) / 100
        investor, recipient = eco.actors[actor_id].name, eco.actors[investment.target].name
        edit = _Edit(eco)
        edit.flow(
            investment.target,
            actor_id,
            FlowKind.MONEY,
            "repayment of the investment",
            amount=per_period,
            occurrences=1,
            term_years=limit,
        )
        yield (
            f"repay:{actor_id}",
            f"Agree that {recipient} repays {investor} {per_period:,.2f} a {_per_period(eco)} "
            f"for {limit} years (an annuity at {econ.discount_rate:.0%})",
            edit.change(f"{recipient} repays {investor}"),
        )


def _availability_fee(finding: Finding, eco: Ecosystem) -> Iterable[Proposal]:
    """The city pays per use: pay the same total as a fixed availability fee, so its cost stops growing with use."""
    flows = [eco.flow_by_id[e] for e in finding.elements if e in eco.flow_by_id]
    for flow in [
        f
        for f in flows
        if f.amount is not None and f.source in eco.actors and eco.actors[f.source].type in PUBLIC_TYPES
    ][:MAX_SUGGESTIONS]:
        total = round(flow.value_per_period or 0.0, 2)
        edit = _Edit(eco)
        edit.update("flows", flow, amount=total, occurrences=1)
        yield (
            f"availability:{flow.id}",
            f"Pay {eco.actors[flow.target].name} a fixed availability fee of "
            f"{total:,.2f} a {_per_period(eco)} instead of {flow.amount:,.2f} per use "
            f"('{flow.label or flow.kind.value}'); demand risk then sits with the "
            "operator",
            edit.change(f"availability fee for {flow.label or flow.id}"),
        )


def _anonymise(eco: Ecosystem, flow: Flow) -> Proposal:
    edit = _Edit(eco)
    edit.update("flows", flow, personal_data=False)
    what = flow.label or flow.id
    return (
        f"anonymise:{flow.id}",
        f"Share '{what}' ({eco.actors[flow.source].name} → {eco.actors[flow.target].name}) "
        "only as aggregated, anonymised open data, which is not personal data (GDPR "
        "Recital 26): clear 'personal data'",
        edit.change(f"anonymise {what}"),
    )


def _personal_consent(finding: Finding, eco: Ecosystem) -> Iterable[Proposal]:
    """Without consent: the consent module comes from the library (its remedies); the edit is to anonymise."""
    flows = {f.id: f for f in eco.all_flows}
    for flow_id in [e for e in finding.elements if e in flows][:MAX_SUGGESTIONS]:
        yield _anonymise(eco, flows[flow_id])


def _personal_sold(finding: Finding, eco: Ecosystem) -> Iterable[Proposal]:
    """Sold personal data: remove the payment, or make the data anonymised open data."""
    flows = {f.id: f for f in eco.all_flows}
    listed = {ref for n in eco.config.needs for ref in n.served_by}
    for flow in [flows[e] for e in finding.elements if e in flows and flows[e].personal_data][:MAX_SUGGESTIONS]:
        payments = [p for p in eco.data_payments if (p.source, p.target) == (flow.target, flow.source)]
        if payments and not listed & {p.id for p in payments}:
            buyer, seller = eco.actors[flow.target].name, eco.actors[flow.source].name
            yield (
                f"unpaid:{flow.id}",
                f"Stop selling '{flow.label or flow.id}': remove the payment{'s' if len(payments) > 1 else ''} "
                f"{buyer} → {seller} ({_labels(payments)})",
                ChangeSet(remove={"flows": [p.id for p in payments]}, label=f"stop selling {flow.label or flow.id}"),
            )
        yield _anonymise(eco, flow)


PROPOSERS: dict[str, Callable[[Finding, Ecosystem], Iterable[Proposal]]] = {
    "no-return": _no_return,
    "free-rider": _free_rider,
    "isolated-actor": _connect,
    "disconnected-ecosystem": _connect,
    "negative-net-value": _negative_net,
    "no-revenue": _funding,
    "grant-dependent": _funding,
    "funding-concentration": _funding,
    "single-point-of-failure": _second_of,
    "vendor-lock-in": _lock_in,
    "not-multi-sided": _sides,
    "no-network-effects": _sides,
    "high-marginal-cost": _marginal_cost,
    "no-open-standards": _open_standards,
    "local-dependency": _local,
    "no-citizen-value": _citizen_value,
    "unmet-need": _unmet_need,
    "no-payback": _repay,
    "per-use-subsidy": _availability_fee,
    "personal-data-without-consent": _personal_consent,
    "personal-data-sold": _personal_sold,
}
"""For each flag code, the concrete edits a consultant would propose (each is verified before it is shown)."""


def structural_suggestions(finding: Finding, eco: Ecosystem) -> list[Suggestion]:
    """Concrete edits that close this gap for a flagged element (or move the flagged quantity), verified.

    Each carries a :class:`ChangeSet` (as a dict) that the editor applies as an ordinary undoable edit.
    """
    proposer = PROPOSERS.get(finding.code)
    if proposer is None:
        return []
    found: list[Suggestion] = []
    for key, text, change in proposer(finding, eco):
        try:
            trial = Trial(eco, apply_change(eco.config, change))
            verdict = verify(finding, trial)
        except (ValueError, KeyError, StopIteration):  # pydantic's ValidationError is a ValueError
            continue
        if verdict.qualifies:
            reason = verdict.reason[0].upper() + verdict.reason[1:] + "."
            found.append(
                Suggestion(key, text + ".", reason, change.to_dict(), verdict.clears_flag, verdict.elements_cleared)
            )
        if len(found) >= MAX_SUGGESTIONS:
            break
    return found


def suggestion_change(config: Configuration, library: ModuleLibrary | None, code: str, key: str) -> ChangeSet:
    """The change set of suggestion ``key`` for flag ``code``, recomputed on ``config`` (the editor never trusts a
    change sent back by the browser). Raises ConfigurationError when it no longer applies."""
    eco = build_ecosystem(config, library)
    for finding in checks.run_checks(eco):
        if finding.code != code:
            continue
        for suggestion in structural_suggestions(finding, eco):
            if suggestion.id == key:
                change = ChangeSet(**{k: v for k, v in suggestion.change.items() if k != "kind"})
                return change
    raise ConfigurationError(["this suggestion no longer applies: the configuration has changed"])


# -- value mechanisms -------------------------------------------------------------------------


def candidate_evaluations(
    config: Configuration, library: ModuleLibrary, weights: Mapping[str, float] | None = None
) -> dict[str, Evaluation]:
    """Evaluate the configuration once with each library module added (by module id)."""
    placed = {m.module for m in config.modules}
    results: dict[str, Evaluation] = {}
    for definition in library:
        if definition.id in placed:
            continue
        try:
            trial = place_module(config, definition)
        except ConfigurationError:
            continue
        results[definition.id] = judge(trial, library, weights)
    return results


def mechanisms_to_add(
    config: Configuration, library: ModuleLibrary, weights: Mapping[str, float] | None = None
) -> list[tuple[str, float, dict[str, float]]]:
    """Every candidate module with its total score gain and the gain per score, best first."""
    current = judge(config, library, weights)
    ranked = []
    for module_id, trial in candidate_evaluations(config, library, weights).items():
        gains = {name: round(trial.scores[name].score - s.score, 1) for name, s in current.scores.items()}
        ranked.append((module_id, round(sum(gains.values()), 1), gains))
    ranked.sort(key=lambda item: (-item[1], item[0]))
    return ranked
