"""Stress tests: what a shock (an actor leaves, a payer stops, a grant ends, demand or prices move) does to a
configuration's scores, flags and money.

A scenario (:class:`~canvas_app.model.Scenario`, saved in the file) is applied to a copy of the configuration by
:func:`apply_scenario`; :func:`run_scenario` judges both with :func:`canvas_app.analysis.evaluate` and prices the
damage. The damage measure, in money terms, is **money lost by those who stay**: the sum, over the actors still
on the canvas after the scenario, of the fall of their net present value over the configuration's horizon
(:mod:`canvas_app.economics`; only falls count, a gain of one actor never offsets another's loss). Both sides are
discounted over the horizon of the configuration before the shock, so the two figures compare.
:func:`all_single_exits` runs "this actor leaves" for every actor and ranks them by that damage, then by how many
score points the six scores lose together. Rules and formulas: docs/stress.md.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from canvas_app.analysis import evaluate
from canvas_app.economics import Economics, economics_of
from canvas_app.ecosystem import Ecosystem
from canvas_app.evaluation import SCORE_NAMES, Finding, Score
from canvas_app.library import ModuleLibrary
from canvas_app.model import (
    FINANCIAL_KINDS,
    MAX_COUNT,
    MAX_QUANTITY,
    PUBLIC_TYPES,
    Actor,
    Configuration,
    ConfigurationError,
    Flow,
    FlowKind,
    Scenario,
    forget_flows,
    parse_configuration,
)

SCORED_EXITS = 20
"""How many single exits, the most damaging in money (then the most connected), get their six scores re-judged:
a full judgement costs ~40 ms at 300 actors, so judging all 300 would take 12 s (docs/stress.md)."""

KIND_LABELS = {
    "actor_leaves": "An actor leaves",
    "payer_stops": "A payer stops paying",
    "grant_ends": "A grant ends",
    "demand": "Demand changes",
    "price": "A price changes",
    "vendor_fees": "A vendor raises its fees",
}


class ScenarioError(ConfigurationError):
    """The scenario cannot run on this revision (it names an actor or flow that is no longer there)."""


def _percent(value: float) -> str:
    return f"{value:+g} %".replace("-", "−")


def describe(scenario: Scenario, config: Configuration) -> str:
    """What the scenario does, in names (never ids).

    >>> c = Configuration.model_validate({"name": "x", "actors": [{"id": "a", "name": "Riders", "type": "citizen"}]})
    >>> describe(Scenario(id="s1", kind="actor_leaves", actor="a"), c), describe(Scenario(id="s2", kind="demand",
    ...     factor=0.5), c)
    ('Exit of Riders', 'Demand ×0.5')
    """
    names = {a.id: a.name for a in config.actors}
    flows = {f.id: f for f in config.flows}

    def actor() -> str:
        return names.get(scenario.actor or "", "an actor no longer on the canvas")

    def flow() -> str:
        found = flows.get(scenario.flow or "")
        return config.flow_name(found) if found else "a flow no longer on the canvas"

    kind = scenario.kind
    if kind == "actor_leaves":
        return f"Exit of {actor()}"
    if kind == "payer_stops":
        return f"Payments from {actor()} stop"
    if kind == "grant_ends":
        if scenario.flow is not None:
            return f"The grant {flow()} ends"
        return f"The grants of {actor()} end" if scenario.actor is not None else "Every grant ends"
    if kind == "demand":
        return f"Demand ×{scenario.factor:g}"
    if kind == "price":
        what = flow() if scenario.flow is not None else f"every {scenario.flow_kind} flow"
        return f"Price of {what} {_percent(scenario.percent or 0.0)}"
    return f"Fees of {actor()} to the operator and the city {_percent(scenario.percent or 0.0)}"


def _need_actor(config: Configuration, actor_id: str | None) -> str:
    if actor_id is None or not any(a.id == actor_id for a in config.actors):
        raise ScenarioError([f"the actor this scenario names ('{actor_id}') is no longer on the canvas"])
    return actor_id


def _need_flow(config: Configuration, flow_id: str | None) -> Any:
    found = next((f for f in config.flows if f.id == flow_id), None)
    if found is None:
        raise ScenarioError([f"the flow this scenario names ('{flow_id}') is no longer on the canvas"])
    return found


def _scaled(amount: float, factor: float) -> float:
    return min(MAX_QUANTITY, amount * factor)


def apply_scenario(config: Configuration, scenario: Scenario) -> Configuration:
    """The configuration after the scenario (rules in docs/stress.md); the input is left as it is.

    Raises :class:`ScenarioError` when the scenario names an actor or flow the configuration no longer has.
    """
    data = config.model_dump(mode="json")
    data.pop("scenarios", None)
    kind = scenario.kind
    if kind == "actor_leaves":
        leaver = _need_actor(config, scenario.actor)
        forget_flows(data, {f.id for f in config.flows if leaver in (f.source, f.target)})
        data["actors"] = [a for a in data["actors"] if a["id"] != leaver]
        for need in data["needs"]:
            if need.get("actor") == leaver:
                need["actor"] = None
    elif kind == "payer_stops":
        payer = _need_actor(config, scenario.actor)
        forget_flows(data, {f.id for f in config.flows if f.source == payer and f.kind is FlowKind.MONEY})
    elif kind == "grant_ends":
        if scenario.flow is not None:
            grant = _need_flow(config, scenario.flow)
            if grant.kind is not FlowKind.GRANT:
                raise ScenarioError([f"{config.flow_name(grant)} is a {grant.kind} flow, not a grant"])
            gone = {grant.id}
        else:
            funder = _need_actor(config, scenario.actor) if scenario.actor is not None else None
            gone = {f.id for f in config.flows if f.kind is FlowKind.GRANT and funder in (None, f.source)}
        forget_flows(data, gone)
    elif kind == "demand":
        factor = scenario.factor if scenario.factor is not None else 1.0
        for actor in data["actors"]:
            if actor.get("count") is not None:
                actor["count"] = min(MAX_COUNT, round(actor["count"] * factor))
        for flow in data["flows"]:
            if flow.get("occurrences") is not None and flow["occurrences"] > 1:
                flow["occurrences"] = _scaled(flow["occurrences"], factor)
    elif kind == "price":
        factor = 1 + (scenario.percent or 0.0) / 100
        if scenario.flow is not None:
            priced = _need_flow(config, scenario.flow)
            if priced.kind not in FINANCIAL_KINDS or priced.amount is None:
                raise ScenarioError([f"{config.flow_name(priced)} moves no money amount: it has no price to change"])
            ids = {priced.id}
        else:
            ids = {f.id for f in config.flows if f.kind == scenario.flow_kind}
        _scale_amounts(data, ids, factor)
    else:  # vendor_fees
        vendor = _need_actor(config, scenario.actor)
        operator = Ecosystem(config).operator
        payers = {a.id for a in config.actors if a.type in PUBLIC_TYPES} | ({operator.id} if operator else set())
        ids = {f.id for f in config.flows if f.kind is FlowKind.MONEY and f.target == vendor and f.source in payers}
        _scale_amounts(data, ids, 1 + (scenario.percent or 0.0) / 100)
    return parse_configuration(data)


def _scale_amounts(data: dict[str, Any], flow_ids: set[str], factor: float) -> None:
    for flow in data["flows"]:
        if flow["id"] in flow_ids and flow.get("amount") is not None:
            flow["amount"] = _scaled(flow["amount"], factor)


# -- money ------------------------------------------------------------------------


def _npvs(economics: Economics, actors: Iterable[str]) -> dict[str, float]:
    """Each actor's net present value (flows without an amount count as nothing)."""
    return {a: economics.cash(a).npv for a in actors}


def _economics_like(eco: Ecosystem, reference: Economics) -> Economics:
    """The time view of ``eco`` over the reference's horizon and discount rate, so before and after compare."""
    return Economics(eco, reference.horizon, reference.discount_rate)


def money_lost(before: Mapping[str, float], after: Mapping[str, float]) -> dict[str, float]:
    """By actor still there: how much its net present value fell (actors that lost nothing left out).

    >>> money_lost({"a": 100.0, "b": 50.0, "c": 10.0}, {"a": 60.0, "b": 80.0})
    {'a': 40.0}
    """
    return {a: before[a] - value for a, value in after.items() if a in before and before[a] - value > 1e-9}


# -- results ----------------------------------------------------------------------


@dataclass(frozen=True)
class StressResult:
    """One scenario run: the configuration after it, the six scores and flags before and after, and the money."""

    scenario: Scenario
    description: str
    after: Configuration | None
    scores_before: dict[str, Score]
    scores_after: dict[str, Score]
    flags_added: tuple[Finding, ...]
    flags_removed: tuple[Finding, ...]
    npv_before: dict[str, float]  # every actor's NPV before the scenario
    npv_after: dict[str, float]  # every actor still there, after it
    operator: str | None  # the operator before the scenario (its NPV is the other figure shown)
    problem: str = ""  # why the scenario could not run on this revision ("" when it ran)

    @property
    def losses(self) -> dict[str, float]:
        """Money lost by each actor that stays (NPV fall)."""
        return money_lost(self.npv_before, self.npv_after)

    @property
    def damage(self) -> float:
        """Money lost by those who stay: the sum of the falls of their NPV."""
        return sum(self.losses.values())

    def score_change(self, name: str) -> float:
        return self.scores_after[name].score - self.scores_before[name].score if self.scores_after else 0.0

    def to_dict(self, config: Configuration) -> dict[str, Any]:
        """JSON-ready, with names instead of ids (``canvas-app stress --json``)."""
        names = {a.id: a.name for a in config.actors}
        return {
            "id": self.scenario.id,
            "scenario": self.description,
            "problem": self.problem or None,
            "scores": {
                name: {
                    "before": round(self.scores_before[name].score, 1),
                    "after": round(self.scores_after[name].score, 1),
                }
                for name in self.scores_after
            },
            "flags_added": [f.message for f in self.flags_added],
            "flags_removed": [f.message for f in self.flags_removed],
            "money_lost": round(self.damage, 2),
            "money_lost_by": {names.get(a, a): round(v, 2) for a, v in self.losses.items()},
            "operator_npv": None
            if self.operator is None
            else {
                "operator": names.get(self.operator, self.operator),
                "before": round(self.npv_before.get(self.operator, 0.0), 2),
                "after": None if self.operator not in self.npv_after else round(self.npv_after[self.operator], 2),
            },
        }


def _flag_key(flag: Finding) -> tuple[str, str]:
    return flag.code, flag.message


def run_scenario(
    config: Configuration,
    scenario: Scenario,
    library: ModuleLibrary | None = None,
    weights: Mapping[str, float] | None = None,
) -> StressResult:
    """Apply ``scenario`` and compare: scores and flags (``evaluate``), NPV of every actor before and after."""
    before = evaluate(config, library, recommend=False, structure=False, weights=weights)
    eco_before = Ecosystem(config)
    econ_before = economics_of(eco_before)
    npv_before = _npvs(econ_before, eco_before.actors)
    operator = eco_before.operator.id if eco_before.operator else None
    description = describe(scenario, config)
    try:
        after_config = apply_scenario(config, scenario)
    except ScenarioError as exc:
        return StressResult(
            scenario, description, None, before.scores, {}, (), (), npv_before, {}, operator, problem=str(exc)
        )
    after = evaluate(after_config, library, recommend=False, structure=False, weights=weights)
    eco_after = Ecosystem(after_config)
    npv_after = _npvs(_economics_like(eco_after, econ_before), eco_after.actors)
    keys_before = {_flag_key(f) for f in before.flags}
    keys_after = {_flag_key(f) for f in after.flags}
    return StressResult(
        scenario,
        description,
        after_config,
        before.scores,
        after.scores,
        tuple(f for f in after.flags if _flag_key(f) not in keys_before),
        tuple(f for f in before.flags if _flag_key(f) not in keys_after),
        npv_before,
        npv_after,
        operator,
    )


def run_saved(
    config: Configuration, library: ModuleLibrary | None = None, weights: Mapping[str, float] | None = None
) -> list[StressResult]:
    """Every scenario saved with the configuration, run on it as it is now (so they rerun on every revision)."""
    return [run_scenario(config, s, library, weights) for s in config.scenarios]


# -- every actor leaves, one at a time -----------------------------------------


@dataclass(frozen=True)
class Exit:
    """What one actor's exit does: money lost by those who stay, by whom, and the six scores' total fall."""

    actor: str
    name: str
    damage: float
    losses: dict[str, float]
    flows_lost: int
    score_drop: float | None  # points lost by the six scores together; None: not re-judged (beyond SCORED_EXITS)


def _without(config: Configuration, leaver: str) -> Configuration:
    """``config`` after ``leaver`` leaves, as :func:`apply_scenario` makes it, built without re-validation: it only
    loses elements of a valid configuration and every reference to them (validating again costs ~30 ms at 300
    actors, which 300 exits cannot afford)."""
    gone = {f.id for f in config.flows if leaver in (f.source, f.target)}
    actors = []
    for actor in config.actors:
        if actor.id == leaver:
            continue
        if any(ref in gone for ref in (*actor.unit_costs, *actor.unit_benefits)):
            actor = actor.model_copy(
                update={
                    "unit_costs": {k: v for k, v in actor.unit_costs.items() if k not in gone},
                    "unit_benefits": {k: v for k, v in actor.unit_benefits.items() if k not in gone},
                }
            )
        actors.append(actor)
    needs = [
        need
        if need.actor != leaver and not gone.intersection(need.served_by)
        else need.model_copy(
            update={
                "actor": None if need.actor == leaver else need.actor,
                "served_by": [ref for ref in need.served_by if ref not in gone],
            }
        )
        for need in config.needs
    ]
    flows = [f for f in config.flows if f.id not in gone]
    return config.model_copy(update={"actors": actors, "flows": flows, "needs": needs, "scenarios": []})


def _exit_money(
    config: Configuration,
    touching: Mapping[str, list[Flow]],
    by_id: Mapping[str, Actor],
    econ: Economics,
    npv: Mapping[str, float],
    leaver: str,
) -> dict[str, float]:
    """Losses when ``leaver`` goes. Only its trading partners' cash changes, so only they are recomputed, on the
    part of the configuration ``Economics.cash`` reads for them (their remaining flows and those flows' ends)."""
    partners = {end for f in touching.get(leaver, ()) for end in (f.source, f.target)} - {leaver}
    if not partners:
        return {}
    flows = list(
        {f.id: f for a in partners for f in touching.get(a, ()) if leaver not in (f.source, f.target)}.values()
    )
    ends = partners | {f.source for f in flows} | {f.target for f in flows}
    kept = {f.id for f in flows}
    actors = [
        a.model_copy(
            update={
                "unit_costs": {k: v for k, v in a.unit_costs.items() if k in kept},
                "unit_benefits": {k: v for k, v in a.unit_benefits.items() if k in kept},
            }
        )
        if a.id in partners and (a.unit_costs or a.unit_benefits)
        else a
        for a in (by_id[i] for i in sorted(ends))
    ]
    part = config.model_copy(update={"actors": actors, "flows": flows, "needs": [], "scenarios": []})
    after = _economics_like(Ecosystem(part), econ)
    ordered = sorted(partners)  # the same order on every run (a set's order changes between processes)
    return money_lost({a: npv[a] for a in ordered}, _npvs(after, ordered))


def _total(scores: Mapping[str, Score]) -> float:
    return sum(scores[name].score for name in SCORE_NAMES if name in scores)


def all_single_exits(
    config: Configuration,
    library: ModuleLibrary | None = None,
    weights: Mapping[str, float] | None = None,
    scored: int = SCORED_EXITS,
) -> list[Exit]:
    """Every actor removed one at a time, most damaging first: by money lost by those who stay, then by the six
    scores' total fall, then by flows lost. Money is computed for every exit (only the leaver's partners change);
    the scores are re-judged for the ``scored`` exits that lose the most money (ties: the most flows) only."""
    eco = Ecosystem(config)
    econ = economics_of(eco)
    npv = _npvs(econ, eco.actors)
    touching: dict[str, list[Flow]] = defaultdict(list)
    for flow in config.flows:
        touching[flow.source].append(flow)
        touching[flow.target].append(flow)
    rough = []
    for actor in config.actors:
        losses = _exit_money(config, touching, eco.actors, econ, npv, actor.id)
        rough.append((actor, losses, sum(losses.values()), len(touching.get(actor.id, ()))))
    rough.sort(key=lambda r: (-round(r[2], 2), -r[3], r[0].name))
    base = _total(evaluate(config, library, recommend=False, structure=False, weights=weights).scores) if rough else 0
    exits = []
    for rank, (actor, losses, damage, flows_lost) in enumerate(rough):
        drop = None
        if rank < scored:
            after = _without(config, actor.id)
            drop = base - _total(evaluate(after, library, recommend=False, structure=False, weights=weights).scores)
        exits.append(Exit(actor.id, actor.name, damage, losses, flows_lost, drop))
    exits.sort(key=lambda e: (-round(e.damage, 2), e.score_drop is None, -(e.score_drop or 0.0), -e.flows_lost, e.name))
    return exits


def exits_to_dict(exits: list[Exit], config: Configuration) -> list[dict[str, Any]]:
    """The single-exit ranking, JSON-ready, with names instead of ids."""
    names = {a.id: a.name for a in config.actors}
    return [
        {
            "actor": e.name,
            "money_lost": round(e.damage, 2),
            "money_lost_by": {names.get(a, a): round(v, 2) for a, v in e.losses.items()},
            "score_drop": None if e.score_drop is None else round(e.score_drop, 1),
            "flows_lost": e.flows_lost,
        }
        for e in exits
    ]
