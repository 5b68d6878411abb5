"""Replicate a configuration to another city: a replication plan and the replica, with its provenance.

The rules (written out in docs/replication.md):

- **Generic roles** (actors not marked ``local``) are carried over; a name that contains the source city's
  name gets the target city's name instead ("City of Oulu" → "City of Tampere").
- **Named local organisations** (``local: true``) are listed for substitution: the user names a counterpart
  in the target city (still a named local organisation) or turns it into a generic role; one left alone is
  kept under its old name and listed as still to substitute.
- **Preconditions** of every placed module are checked against the target profile: met (in ``has``),
  not met (in ``lacks``) or unknown (in neither), each with what to do.
- **Rescaling** by the population factor (target ÷ source population): segment sizes (actor counts), every
  quantity a module formula derives from the population or a segment size, and the uses per period of a
  per-use flow (occurrences above 1). Prices per use and fixed payments per period are kept. Every rescaled
  quantity is marked as an estimate (flows: ``estimated``; counts: ``replicated_from.estimated_counts``).
- **Scores** of the original and the replica side by side; each difference is traced to the step that caused
  it (each substitution, then the rescaling) by scoring after every step.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from canvas_app.analysis import evaluate
from canvas_app.city_profile import CityProfile, PreconditionStatus
from canvas_app.estimates import FormulaError, Scale, estimate, parse_formula, scale_of
from canvas_app.evaluation import SCORE_LABELS, SCORE_NAMES, Evaluation
from canvas_app.library import ModuleLibrary, flow_templates, resolve_definitions
from canvas_app.model import (
    FINANCIAL_KINDS,
    MAX_COUNT,
    MAX_QUANTITY,
    QUANTITIES,
    Actor,
    Configuration,
    ConfigurationError,
    Flow,
    Provenance,
)

SCALING_NAMES = frozenset({"population", "source.count", "target.count"})
"""Formula names that grow with the city: a quantity a module derives from them is rescaled."""
MAX_ALTERNATIVES = 3
"""Library modules suggested in place of one whose precondition the target city does not meet."""


@dataclass(frozen=True)
class Substitution:
    """The counterpart of a named local organisation in the target city: its name, and whether it is
    still a named local organisation (``local``) or becomes a generic role."""

    name: str
    local: bool = True


@dataclass(frozen=True)
class SubstitutionLine:
    actor: str
    type: str
    counterpart: str | None
    counterpart_local: bool
    action: str


@dataclass(frozen=True)
class CarriedRole:
    name: str
    type: str
    new_name: str


@dataclass(frozen=True)
class PreconditionCheck:
    module: str
    precondition: str
    status: PreconditionStatus
    action: str


@dataclass(frozen=True)
class RescaledQuantity:
    element: str
    quantity: str
    before: float
    after: float
    rule: str


@dataclass(frozen=True)
class KeptFigure:
    element: str
    what: str
    value: float
    reason: str


@dataclass(frozen=True)
class ScoreRow:
    name: str
    label: str
    original: str
    replica: str
    original_value: float
    replica_value: float
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class ReplicationPlan:
    """What replicating a configuration to a target city takes, in names a reader knows (never ids)."""

    source: str
    source_city: str
    target_city: str
    provenance: str
    factor: float | None
    factor_reason: str
    carried: tuple[CarriedRole, ...]
    substitutions: tuple[SubstitutionLine, ...]
    preconditions: tuple[PreconditionCheck, ...]
    rescaled: tuple[RescaledQuantity, ...]
    kept: tuple[KeptFigure, ...]
    scores: tuple[ScoreRow, ...]
    notes: tuple[str, ...] = field(default=())

    @property
    def open_substitutions(self) -> int:
        return sum(1 for s in self.substitutions if s.counterpart is None)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Replication:
    plan: ReplicationPlan
    replica: Configuration


def replace_city(text: str, old: str, new: str) -> str:
    """``text`` with the whole word ``old`` (a city's name) replaced by ``new``.

    >>> replace_city("City of Oulu", "Oulu", "Tampere"), replace_city("Ouluhalli", "Oulu", "Tampere")
    ('City of Tampere', 'Ouluhalli')
    """
    if not old or old == new:
        return text
    return re.sub(rf"(?<!\w){re.escape(old)}(?!\w)", new, text)


def local_organisations(config: Configuration) -> list[Actor]:
    """The actors replication asks to substitute: named local organisations, in the file's order."""
    return [a for a in config.actors if a.local]


def replicate(
    config: Configuration,
    library: ModuleLibrary | None,
    source_profile: CityProfile | None,
    target_profile: CityProfile,
    substitutions: Mapping[str, Substitution] | None = None,
    *,
    revision: int | None = None,
    weights: Mapping[str, float] | None = None,
) -> Replication:
    """The replication plan of ``config`` for ``target_profile`` and the replica.

    ``substitutions`` maps the id of a named local organisation to its counterpart. ``source_profile``
    (optional) gives the source city's population and currency when the configuration does not. Bad
    substitutions raise :class:`ConfigurationError` naming the organisation.
    """
    substitutions = dict(substitutions or {})
    _check_substitutions(config, substitutions)
    source_city = source_profile.name if source_profile is not None else config.city
    target_city = target_profile.name
    source_population = (
        source_profile.population
        if source_profile is not None and source_profile.population is not None
        else config.population
    )
    factor, factor_reason = _factor(source_population, target_profile.population, source_city, target_city)

    def score(c: Configuration) -> Evaluation:
        return evaluate(c, library, recommend=False, structure=False, weights=weights)

    evaluations: list[tuple[str, Evaluation]] = [("original", score(config))]
    current = config
    lines: list[SubstitutionLine] = []
    for actor in config.actors:
        if not actor.local:
            continue
        chosen = substitutions.get(actor.id)
        if chosen is None:
            lines.append(
                SubstitutionLine(
                    actor.name,
                    actor.type.value,
                    None,
                    True,
                    f"Still to substitute: kept as “{actor.name}”, an organisation of {source_city or 'the source city'}; "
                    f"name its counterpart in {target_city} or make it a generic role.",
                )
            )
            continue
        current = _update_actor(current, actor.id, name=chosen.name.strip(), local=chosen.local)
        what = "a named organisation of " + target_city if chosen.local else "a generic role"
        lines.append(
            SubstitutionLine(
                actor.name,
                actor.type.value,
                chosen.name.strip(),
                chosen.local,
                f"Replaced by “{chosen.name.strip()}”, {what}.",
            )
        )
        evaluations.append((f"Substituting “{actor.name}” by “{chosen.name.strip()}” ({what})", score(current)))

    carried: list[CarriedRole] = []
    for actor in config.actors:
        if actor.local:
            continue
        new_name = replace_city(actor.name, source_city, target_city)
        carried.append(CarriedRole(actor.name, actor.type.value, new_name))
        if new_name != actor.name:
            current = _update_actor(current, actor.id, name=new_name)

    rescaled: list[RescaledQuantity] = []
    estimated_counts: list[str] = []
    before_rescaling = current
    if factor is not None:
        current, rescaled, estimated_counts = _rescale(current, factor, source_population, target_profile.population)
        evaluations.append(
            (
                f"Rescaling by ×{factor:.3g} (uses and segment sizes scale, prices and fixed payments stay)",
                score(current),
            )
        )
    kept = _kept_figures(before_rescaling, current, target_city)

    provenance = Provenance(
        configuration=config.name,
        revision=revision,
        from_city=source_city,
        for_city=target_city,
        population_factor=factor,
        estimated_counts=estimated_counts,
    )
    name = replace_city(config.name, source_city, target_city)
    if name == config.name:
        name = f"{config.name} – {target_city}"[:300]
    replica = current.model_copy(
        update={
            "name": name,
            "city": target_city[:200],
            "population": target_profile.population if target_profile.population is not None else config.population,
            "replicated_from": provenance,
        }
    )
    replica = Configuration.model_validate(replica.model_dump())  # every rule of the file format, once
    notes = _notes(source_profile, target_profile)
    plan = ReplicationPlan(
        source=config.name,
        source_city=source_city,
        target_city=target_city,
        provenance=provenance.sentence(),
        factor=factor,
        factor_reason=factor_reason,
        carried=tuple(carried),
        substitutions=tuple(lines),
        preconditions=tuple(_preconditions(config, library, target_profile)),
        rescaled=tuple(rescaled),
        kept=tuple(kept),
        scores=_score_rows(evaluations),
        notes=tuple(notes),
    )
    return Replication(plan, replica)


def _check_substitutions(config: Configuration, substitutions: Mapping[str, Substitution]) -> None:
    problems: list[str] = []
    by_id = {a.id: a for a in config.actors}
    for actor_id, chosen in substitutions.items():
        actor = by_id.get(actor_id)
        if actor is None:
            problems.append(f"substitutions: no actor has id '{actor_id}'")
            continue
        if not actor.local:
            problems.append(f"substitutions: “{actor.name}” is a generic role, not a named local organisation")
        name = chosen.name.strip()
        if not name:
            problems.append(f"substitutions: “{actor.name}”: the counterpart needs a name")
        elif len(name) > 300:
            problems.append(f"substitutions: “{actor.name}”: the counterpart's name is over 300 characters")
        elif any(a.id != actor_id and a.name.casefold() == name.casefold() for a in config.actors):
            problems.append(f"substitutions: “{actor.name}”: another actor is already named “{name}”")
    if problems:
        raise ConfigurationError(problems)


def _factor(source: int | None, target: int | None, source_city: str, target_city: str) -> tuple[float | None, str]:
    if target is None:
        return None, f"Nothing rescaled: the profile of {target_city} gives no population."
    if not source:
        return None, (
            f"Nothing rescaled: the population of {source_city or 'the source city'} is unknown "
            "(enter it in the configuration's details, or give a profile of the source city)."
        )
    if source == target:
        return None, f"Nothing rescaled: {source_city or 'the source city'} and {target_city} have the same population."
    return target / source, (
        f"Population factor {target:,} ÷ {source:,} = {target / source:.3g}: segment sizes and uses per period "
        "are multiplied by it, and marked as estimates."
    )


def _update_actor(config: Configuration, actor_id: str, **changes: Any) -> Configuration:
    actors = [a.model_copy(update=changes) if a.id == actor_id else a for a in config.actors]
    return config.model_copy(update={"actors": actors})


def _rescale(
    config: Configuration, factor: float, source_population: int | None, target_population: int | None
) -> tuple[Configuration, list[RescaledQuantity], list[str]]:
    """Counts, formula-derived quantities and per-use occurrences multiplied by ``factor``, marked as estimates."""
    rescaled: list[RescaledQuantity] = []
    estimated_counts: list[str] = []
    old_counts = {a.id: a.count for a in config.actors}
    actors = []
    for actor in config.actors:
        if actor.count is None:
            actors.append(actor)
            continue
        count = min(MAX_COUNT, round(actor.count * factor))
        rescaled.append(
            RescaledQuantity(actor.name, "count", actor.count, count, f"segment size × {factor:.3g} (population)")
        )
        estimated_counts.append(actor.id)
        actors.append(actor.model_copy(update={"count": count}))
    new_counts = {a.id: a.count for a in actors}
    templates = flow_templates(config)
    flows: list[Flow] = []
    for flow in config.flows:
        update: dict[str, Any] = {}
        for quantity in QUANTITIES:
            value = getattr(flow, quantity)
            if value is None:
                continue
            default = None
            if flow.id in templates:
                definition, index = templates[flow.id]
                default = getattr(definition.flows[index], quantity)
            if isinstance(default, str) and parse_formula(default).names & SCALING_NAMES:
                old = scale_of(config.period, source_population, old_counts[flow.source], old_counts[flow.target])
                new = scale_of(config.period, target_population, new_counts[flow.source], new_counts[flow.target])
                after, rule = _by_formula(default, value, flow.is_estimated(quantity), old, new, factor)
            elif quantity == "occurrences" and flow.per_use:
                after, rule = value * factor, f"uses per period × {factor:.3g} (population)"
            else:
                continue
            after = min(MAX_QUANTITY, float(round(after)) if quantity == "occurrences" else round(after, 2))
            update[quantity] = after
            rescaled.append(RescaledQuantity(config.flow_name(flow), quantity, value, after, rule))
        if update:
            update["estimated"] = [q for q in QUANTITIES if q in update or flow.is_estimated(q)]
            flows.append(flow.model_copy(update=update))
        else:
            flows.append(flow)
    return config.model_copy(update={"actors": actors, "flows": flows}), rescaled, estimated_counts


def _by_formula(
    formula: str, value: float, estimated: bool, old: Scale, new: Scale, factor: float
) -> tuple[float, str]:
    """A quantity a module formula derives from the city's scale: the formula's value at the new scale when it is
    still the module's estimate; an entered figure times the formula's own growth (the factor if it cannot say)."""
    try:
        at_new = estimate(formula, new)
        at_old = estimate(formula, old)
    except FormulaError:
        at_new = at_old = None
    if estimated and at_new is not None:
        return at_new, f"module formula {formula} at {_scale_text(new)}"
    if at_new is not None and at_old:
        growth = at_new / at_old
        return value * growth, f"entered figure × {growth:.3g} (module formula {formula})"
    return value * factor, f"× {factor:.3g} (population)"


def _scale_text(scale: Scale) -> str:
    population = scale.get("population")
    return f"population {population:,.0f}" if population is not None else "the new segment sizes"


def _kept_figures(config: Configuration, rescaled: Configuration, target_city: str) -> list[KeptFigure]:
    """Money kept as it was (prices per use, fixed payments per period, actors' own costs): figures to check."""
    kept: list[KeptFigure] = []
    after = {f.id: f for f in rescaled.flows}
    for flow in config.flows:
        if flow.kind not in FINANCIAL_KINDS or flow.amount is None or after[flow.id].amount != flow.amount:
            continue
        name = config.flow_name(flow)
        if flow.per_use:
            uses = " (its uses are rescaled)" if after[flow.id].occurrences != flow.occurrences else ""
            reason = f"a price per use: kept{uses}; check the tariff in {target_city}"
            what = "amount per use"
        else:
            reason = f"a fixed payment per period does not grow with the population: check it with {target_city}"
            what = "amount per period"
        kept.append(KeptFigure(name, what, flow.amount, reason))
    for actor in config.actors:
        for attribute, what in (("fixed_cost", "own running cost per period"), ("capital_cost", "up-front cost")):
            value = getattr(actor, attribute)
            if value:
                kept.append(KeptFigure(actor.name, what, value, f"kept: get {target_city}'s own figure"))
    return kept


def _preconditions(
    config: Configuration, library: ModuleLibrary | None, target: CityProfile
) -> list[PreconditionCheck]:
    definitions = resolve_definitions(config, library)
    checks: list[PreconditionCheck] = []
    seen: set[tuple[str, str]] = set()
    for instance in config.modules:
        definition = definitions.get(instance.id)
        if definition is None:
            continue
        items = list(definition.attributes.preconditions)
        for text in items:
            if (definition.id, text) in seen:
                continue
            seen.add((definition.id, text))
            status = target.status(text)
            if status == "met":
                action = f"{target.name} has it: nothing to do."
            elif status == "not met":
                action = f"{target.name} lacks it: arrange it before launch, or replace “{definition.name}”" + (
                    _alternatives(definition.id, definition.category, library, target)
                )
            else:
                action = f"Find out whether {target.name} has it, then record the answer in its profile (has or lacks)."
            checks.append(PreconditionCheck(definition.name, text, status, action))
        if definition.attributes.locality == "local" and (definition.id, "") not in seen:
            seen.add((definition.id, ""))
            checks.append(
                PreconditionCheck(
                    definition.name,
                    "local by nature (the module says so)",
                    "unknown",
                    f"Re-create it with {target.name}'s own partners: it does not travel as it is.",
                )
            )
    return checks


def _alternatives(module_id: str, category: str, library: ModuleLibrary | None, target: CityProfile) -> str:
    if library is None:
        return "."
    options = [
        d.name
        for d in library
        if d.id != module_id
        and d.category == category
        and all(target.status(p) == "met" for p in d.attributes.preconditions)
        and d.attributes.locality != "local"
    ][:MAX_ALTERNATIVES]
    if not options:
        return " (no library module of its category does without unmet preconditions)."
    return " with a module of its category whose preconditions the city meets: " + ", ".join(options) + "."


def _score_rows(evaluations: list[tuple[str, Evaluation]]) -> tuple[ScoreRow, ...]:
    original, replica = evaluations[0][1], evaluations[-1][1]
    rows = []
    for name in SCORE_NAMES:
        reasons: list[str] = []
        for (_, before), (step, after) in zip(evaluations, evaluations[1:]):
            criteria_before = {c.id: c for c in before.scores[name].criteria}
            for c in after.scores[name].criteria:
                old = criteria_before.get(c.id)
                if old is None or (old.assessable, round(old.value, 4)) == (c.assessable, round(c.value, 4)):
                    continue
                reasons.append(
                    f"{step}: {c.label} {_value(old.assessable, old.value)} → {_value(c.assessable, c.value)}"
                )
        a, b = original.scores[name], replica.scores[name]
        rows.append(ScoreRow(name, SCORE_LABELS[name], a.display(), b.display(), a.score, b.score, tuple(reasons)))
    return tuple(rows)


def _value(assessable: bool, value: float) -> str:
    return f"{value:.2f}" if assessable else "n/a"


def _notes(source: CityProfile | None, target: CityProfile) -> list[str]:
    notes = []
    source_currency = source.currency if source is not None else ""
    if target.currency and source_currency and source_currency != target.currency:
        notes.append(
            f"Amounts are in {source_currency}; {target.name} uses {target.currency}: convert them "
            "(no exchange rate is applied)."
        )
    elif target.currency and not source_currency:
        notes.append(
            f"Amounts stay in the source city's currency; {target.name} uses {target.currency}: check and convert them."
        )
    if source is not None and source.language and target.language and source.language != target.language:
        notes.append(f"Residents' channels and texts need {target.language} (the source city uses {source.language}).")
    return notes


def plan_lines(plan: ReplicationPlan) -> list[str]:
    """The plan as plain text, in names (the command line prints it; the web page shows the same sections)."""
    title = f"Replication of “{plan.source}” to {plan.target_city}"
    lines = [title, "=" * len(title), plan.provenance, ""]
    lines.append("Generic roles carried over:")
    for role in plan.carried:
        renamed = f" → {role.new_name}" if role.new_name != role.name else ""
        lines.append(f"  - {role.name} ({role.type}){renamed}")
    lines.append("")
    lines.append("Named local organisations:")
    if not plan.substitutions:
        lines.append("  none: every role is generic")
    for line in plan.substitutions:
        lines.append(f"  - {line.actor} ({line.type}): {line.action}")
    lines.append("")
    lines.append("Preconditions:")
    if not plan.preconditions:
        lines.append("  the placed modules name none")
    for check in plan.preconditions:
        lines.append(f"  [{check.status}] {check.module}: {check.precondition}")
        lines.append(f"      {check.action}")
    lines.append("")
    lines.append("Rescaled (estimates):")
    lines.append(f"  {plan.factor_reason}")
    for item in plan.rescaled:
        lines.append(f"  - {item.element}, {item.quantity}: {item.before:,.6g} → {item.after:,.6g} ({item.rule})")
    if plan.kept:
        lines.append("")
        lines.append("Figures kept (check them):")
        for kept in plan.kept:
            lines.append(f"  - {kept.element}, {kept.what} {kept.value:,.6g}: {kept.reason}")
    lines.append("")
    lines.append(f"{'score':<16}{'original':>10}{'replica':>10}")
    for row in plan.scores:
        lines.append(f"{row.label:<16}{row.original:>10}{row.replica:>10}")
        for reason in row.reasons:
            lines.append(f"    {reason}")
    if plan.notes:
        lines.append("")
        lines.append("Notes:")
        lines.extend(f"  - {note}" for note in plan.notes)
    return lines


def substitutions_by_name(config: Configuration, named: Mapping[str, Substitution]) -> dict[str, Substitution]:
    """Substitutions given by the organisation's name (as a person types them) keyed by actor id.

    Raises :class:`ConfigurationError` for a name that is no named local organisation of ``config``.
    """
    result: dict[str, Substitution] = {}
    problems: list[str] = []
    locals_ = local_organisations(config)
    for name, chosen in named.items():
        matches = [a for a in locals_ if a.name.casefold() == name.strip().casefold()]
        if not matches:
            offered = ", ".join(f"“{a.name}”" for a in locals_) or "none"
            problems.append(f"substitute: no named local organisation is called “{name}” (there are: {offered})")
            continue
        for actor in matches:
            result[actor.id] = chosen
    if problems:
        raise ConfigurationError(problems)
    return result
