"""Property-based tests on random valid configurations (hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from canvas_app.analysis import evaluate
from canvas_app.exports import export_configuration
from canvas_app.judging import build_ecosystem
from canvas_app.library import load_library, place_module
from canvas_app.model import ActorType, Configuration, FlowKind, parse_configuration

NON_FINANCIAL = [k for k in FlowKind if k not in (FlowKind.MONEY, FlowKind.GRANT, FlowKind.INVESTMENT)]
STANDARDS = ["NGSI-LD", "MIM1", "GTFS", "proprietary API"]
PROFILE = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
LIBRARY = load_library()
WITH_MODULES = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

AMOUNTS = st.just(0.0) | st.floats(0.01, 1e6, allow_nan=False)
"""Money as entered: nothing, or at least a cent (a 5e-324 amount split in two underflows to zero)."""


@st.composite
def configurations(draw) -> Configuration:
    n = draw(st.integers(min_value=1, max_value=9))
    types = draw(st.lists(st.sampled_from(list(ActorType)), min_size=n, max_size=n))
    actors = [
        {
            "id": f"a{i}",
            "name": f"Actor {i}",
            "type": t.value,
            "local": draw(st.booleans()),
            "count": draw(st.none() | st.integers(0, 10**6)),
        }
        for i, t in enumerate(types)
    ]
    flows = []
    if n > 1:
        for i in range(draw(st.integers(0, 3 * n))):
            source, target = draw(st.permutations(range(n)))[:2]
            flow = {
                "id": f"f{i}",
                "source": f"a{source}",
                "target": f"a{target}",
                "kind": draw(st.sampled_from(list(FlowKind))).value,
                "label": draw(st.sampled_from(["", "fee", "data", "ride"])),
                "standards": draw(st.lists(st.sampled_from(STANDARDS), max_size=2, unique=True)),
            }
            amount = draw(st.none() | AMOUNTS)
            if amount is not None:
                flow["amount"] = amount
                flow["occurrences"] = draw(st.floats(0, 1e5, allow_nan=False))
            cost = draw(st.none() | st.sampled_from(["low", "medium", "high"]))
            if cost:
                flow["marginal_cost"] = cost
            flows.append(flow)
    needs = [
        {
            "id": f"n{i}",
            "name": f"Need {i}",
            "importance": draw(st.integers(1, 5)),
            "served_by": [f["id"] for f in flows[:1]] if draw(st.booleans()) else [],
        }
        for i in range(draw(st.integers(0, 2)))
    ]
    return Configuration.model_validate({"name": "random", "actors": actors, "flows": flows, "needs": needs})


@st.composite
def configurations_with_modules(draw) -> Configuration:
    """A random configuration with 0-3 library modules placed on it (the same module may come twice)."""
    config = draw(configurations())
    for module_id in draw(st.lists(st.sampled_from(LIBRARY.ids()), max_size=3)):
        config = place_module(config, LIBRARY[module_id])
    return config


@PROFILE
@given(configurations())
def test_scores_stay_in_range_and_flags_agree_with_criteria(config):
    evaluation = evaluate(config, recommend=False)
    criteria = {c.id: c for s in evaluation.scores.values() for c in s.criteria}
    for score in evaluation.scores.values():
        assert 0.0 <= score.score <= 100.0
        assert all(0.0 <= c.value <= 1.0 for c in score.criteria)
    for flag in evaluation.flags:
        if not flag.criterion:  # missing-quantities says what cannot be judged; it lowers no criterion
            continue
        assert criteria[flag.criterion].assessable, flag  # a flag is evidence: its criterion is judged
        assert criteria[flag.criterion].value < 1.0, flag  # a flag always costs points on its criterion
        assert criteria[flag.criterion].score == flag.dimension


@PROFILE
@given(configurations())
def test_export_then_import_is_identity(config):
    assert parse_configuration(export_configuration(config, "json")) == config


@PROFILE
@given(configurations(), st.data())
def test_giving_an_actor_value_back_never_lowers_sustainability(config, data):
    if len(config.actors) < 2:
        return
    source, target = data.draw(st.permutations([a.id for a in config.actors]))[:2]
    kind = data.draw(st.sampled_from(NON_FINANCIAL))
    extra = {"id": "added", "source": source, "target": target, "kind": kind}
    bigger = Configuration.model_validate({**config.model_dump(), "flows": [*config.model_dump()["flows"], extra]})
    before = evaluate(config, recommend=False, structure=False).scores["sustainability"].score
    after = evaluate(bigger, recommend=False, structure=False).scores["sustainability"].score
    assert after >= before


@PROFILE
@given(configurations(), st.data())
def test_adding_an_open_standard_to_a_data_flow_never_lowers_replicability(config, data):
    data_flows = [f for f in config.flows if f.kind is FlowKind.DATA]
    if not data_flows:
        return
    chosen = data.draw(st.sampled_from(data_flows))
    dumped = config.model_dump()
    for flow in dumped["flows"]:
        if flow["id"] == chosen.id:
            flow["standards"] = (
                [*flow["standards"], "NGSI-LD"] if "NGSI-LD" not in flow["standards"] else flow["standards"]
            )
    improved = Configuration.model_validate(dumped)
    before = evaluate(config, recommend=False, structure=False).scores["replicability"].score
    after = evaluate(improved, recommend=False, structure=False).scores["replicability"].score
    assert after >= before


@WITH_MODULES
@given(configurations_with_modules())
def test_placed_modules_feed_criteria_and_recommendations_agree_with_flags(config):
    eco = build_ecosystem(config, LIBRARY)
    placed = [LIBRARY[m.module] for m in config.modules]
    assert eco.placed_definitions == placed  # the stored definitions resolve to the library's
    # module-attribute criteria, recomputed from the library definitions
    count = sum(len(d.attributes.preconditions) + (d.attributes.locality == "local") for d in placed)
    dims = {
        dim for d in placed for dim in ("economic", "social", "environmental") if getattr(d.attributes.impacts, dim)
    }

    evaluation = evaluate(config, LIBRARY, recommend=True)
    criteria = {c.id: c for s in evaluation.scores.values() for c in s.criteria}
    if placed:
        assert criteria["r_preconditions"].value == pytest.approx(1 / (1 + count))
        assert criteria["su_impacts"].value == pytest.approx(len(dims) / 3)
    else:  # nothing placed, nothing declared: not assessable rather than full marks
        assert not criteria["r_preconditions"].assessable and not criteria["su_impacts"].assessable
    for score in evaluation.scores.values():
        assert 0.0 <= score.score <= 100.0
        assert all(0.0 <= c.value <= 1.0 for c in score.criteria)
    placed_ids = {m.module for m in config.modules}
    for flag in evaluation.flags:
        if flag.criterion:
            assert criteria[flag.criterion].value < 1.0, flag
            assert criteria[flag.criterion].score == flag.dimension
        assert len(flag.recommendations) <= 3
        for rec in flag.recommendations:
            assert rec.module in LIBRARY, rec
            assert rec.module not in placed_ids, rec  # an already placed module is no recommendation
            assert rec.name == LIBRARY[rec.module].name
            assert rec.dimension == flag.dimension
    # the first recommendation does what it promises once applied
    rec, flag = next(((f.recommendations[0], f) for f in evaluation.flags if f.recommendations), (None, None))
    if rec is not None:
        after = evaluate(place_module(config, LIBRARY[rec.module]), LIBRARY, recommend=False, structure=False)
        gain = after.scores[flag.dimension].score - evaluation.scores[flag.dimension].score
        assert round(gain, 1) == pytest.approx(rec.gain)
        still = any(f.code == flag.code and f.criterion == flag.criterion for f in after.flags)
        assert still is not rec.clears_flag


# -- evidence, dilution and scale (numbers a city can defend) ---------------------------------
MONEY_CRITERIA = (
    "s_revenue_growth",
    "su_viability",
    "cap_operator_net",
    "cap_operator_share",
    "cap_take_rate",
    "sh_evenness",
)


def _without_amounts(config: Configuration) -> Configuration:
    dumped = config.model_dump()
    for flow in dumped["flows"]:
        flow["amount"] = None
        flow["occurrences"] = None
    return Configuration.model_validate(dumped)


@PROFILE
@given(configurations())
def test_no_evidence_is_never_full_marks(config):
    """Without a single amount, no money criterion is judged; without data flows, no standard is."""
    criteria = {
        c.id: c
        for s in evaluate(_without_amounts(config), recommend=False, structure=False).scores.values()
        for c in s.criteria
    }
    for criterion_id in MONEY_CRITERIA:
        assert not criteria[criterion_id].assessable, criteria[criterion_id]
    if not any(f.kind is FlowKind.DATA for f in config.flows):
        assert not criteria["r_open_standards"].assessable
    if not config.flows and len(config.actors) == 1:
        judged = {c.id for c in criteria.values() if c.assessable}
        assert judged <= {"vc_needs_served", "r_generic_roles"}, judged  # needs and roles placed are evidence


def _with_healthy_group(config: Configuration) -> Configuration:
    """``config`` plus a self-contained pair of generic companies trading fairly (nothing to flag among them)."""
    dumped = config.model_dump()
    dumped["actors"] += [
        {"id": "g-buyer", "name": "Group buyer", "type": "business"},
        {"id": "g-seller", "name": "Group seller", "type": "business"},
    ]
    dumped["flows"] += [
        {
            "id": "g-f1",
            "source": "g-buyer",
            "target": "g-seller",
            "kind": "money",
            "amount": 10.0,
            "occurrences": 100.0,
        },
        {"id": "g-f2", "source": "g-seller", "target": "g-buyer", "kind": "service", "marginal_cost": "low"},
        {"id": "g-f3", "source": "g-buyer", "target": "g-seller", "kind": "reputation"},
    ]
    return Configuration.model_validate(dumped)


@PROFILE
@given(configurations())
def test_an_unrelated_healthy_group_never_raises_a_criterion_whose_flag_remains(config):
    before = evaluate(config, recommend=False, structure=False)
    after = evaluate(_with_healthy_group(config), recommend=False, structure=False)
    value_before = {c.id: c for s in before.scores.values() for c in s.criteria}
    value_after = {c.id: c for s in after.scores.values() for c in s.criteria}
    remaining = {(f.code, f.criterion) for f in after.flags} & {(f.code, f.criterion) for f in before.flags}
    for _code, criterion in remaining:
        if criterion and value_before[criterion].assessable:
            assert value_after[criterion].value <= value_before[criterion].value + 1e-9, (criterion, _code)


@PROFILE
@given(configurations(), st.sampled_from([3.0, 1000.0]))
def test_multiplying_every_amount_by_a_constant_changes_no_score(config, factor):
    dumped = config.model_dump()
    for flow in dumped["flows"]:
        if flow["amount"] is not None:
            flow["amount"] *= factor
    scaled = Configuration.model_validate(dumped)
    before = evaluate(config, recommend=False, structure=False).scores
    after = evaluate(scaled, recommend=False, structure=False).scores
    for name, score in before.items():
        assert after[name].score == pytest.approx(score.score, abs=0.11), name
        assert after[name].coverage == score.coverage


@PROFILE
@given(configurations(), st.data())
def test_personal_data_with_or_without_a_payment_for_it_never_raises_a_score(config, data):
    """Adding a personal-data flow X → Y, and maybe a new payment Y → X for it, lowers or keeps all six scores.

    With or without a consent module placed first. A money flow Y → X already in the configuration is left
    out: declaring X → Y personal turns it into the price of the data, and dropping a payer moves ratios
    (a funding spread) either way; a new payment is what could have bought a better score.
    """
    if len(config.actors) < 2:
        return
    if data.draw(st.booleans(), label="consent module placed"):
        config = place_module(config, LIBRARY["mydata-consent"])
    source, target = data.draw(st.permutations([a.id for a in config.actors]))[:2]
    if any(f.kind is FlowKind.MONEY and (f.source, f.target) == (target, source) for f in config.flows):
        return
    dumped = config.model_dump(mode="json")
    dumped["flows"].append(
        {
            "id": "personal",
            "source": source,
            "target": target,
            "kind": "data",
            "label": "personal data",
            "personal_data": True,
        }
    )
    if data.draw(st.booleans(), label="paid for"):
        dumped["flows"].append(
            {
                "id": "price",
                "source": target,
                "target": source,
                "kind": "money",
                "amount": data.draw(AMOUNTS),
                "occurrences": data.draw(st.floats(0, 1e5, allow_nan=False)),
            }
        )
    bigger = Configuration.model_validate(dumped)
    before = evaluate(config, LIBRARY, recommend=False, structure=False).scores
    after = evaluate(bigger, LIBRARY, recommend=False, structure=False).scores
    for name, score in before.items():
        assert after[name].score <= score.score, name


# -- sides and payers do not depend on how boxes are drawn (issue 17) ----------------------------
FUNDING_AND_SIDES = ("su_diversified_funding", "su_grant_independence", "cap_revenue", "s_network_effects")
"""Every criterion that reads who pays the operator or who is a side of the platform."""
FUNDING_AND_SIDE_FLAGS = frozenset(
    {"funding-concentration", "grant-dependent", "no-revenue", "not-multi-sided", "no-network-effects"}
)


def _split(config: Configuration, payer: str, boxes: int) -> Configuration:
    """``payer`` drawn as ``boxes`` boxes of one funding source: its count and every amount shared equally among
    them (``boxes`` is a power of two, so the parts add up exactly), every other flow of it drawn once per box."""
    dumped = config.model_dump(mode="json")
    actor = next(a for a in dumped["actors"] if a["id"] == payer)
    if actor["type"] not in ("city", "public_agency"):  # the city and agencies are one public budget already
        actor["funding_source"] = actor.get("funding_source") or "split-source"
    ids = [payer] + [f"{payer}.{i}" for i in range(1, boxes)]
    counts = (
        [actor["count"] // boxes + (i < actor["count"] % boxes) for i in range(boxes)]
        if actor.get("count") is not None
        else [None] * boxes
    )
    dumped["actors"] = [a for a in dumped["actors"] if a["id"] != payer] + [
        {**actor, "id": box, "count": count} for box, count in zip(ids, counts, strict=True)
    ]
    flows = []
    for flow in dumped["flows"]:
        if payer not in (flow["source"], flow["target"]):
            flows.append(flow)
            continue
        for i, box in enumerate(ids):
            part = {**flow, "id": flow["id"] if i == 0 else f"{flow['id']}.{i}"}
            part["source" if flow["source"] == payer else "target"] = box
            if part.get("amount") is not None:
                part["amount"] = flow["amount"] / boxes
            flows.append(part)
    dumped["flows"] = flows
    return Configuration.model_validate(dumped)


def _funding_and_sides(config: Configuration) -> tuple[dict[str, tuple[bool, float]], set[str]]:
    evaluation = evaluate(config, recommend=False, structure=False)
    criteria = {
        c.id: (c.assessable, c.value)
        for s in evaluation.scores.values()
        for c in s.criteria
        if c.id in FUNDING_AND_SIDES
    }
    return criteria, {f.code for f in evaluation.flags} & FUNDING_AND_SIDE_FLAGS


@PROFILE
@given(configurations(), st.data())
def test_splitting_a_payer_into_boxes_of_one_source_changes_no_funding_or_side_score(config, data):
    """One budget paid through several departments, or one segment drawn as several boxes, is one source."""
    eco = build_ecosystem(config)
    if eco.operator is None:
        return
    payers = sorted(
        {
            f.source
            for f in eco.in_flows.get(eco.operator.id, ())
            if f.kind in (FlowKind.MONEY, FlowKind.GRANT, FlowKind.INVESTMENT)
        }
    )
    if not payers:
        return
    payer = data.draw(st.sampled_from(payers), label="payer")
    split = _split(config, payer, data.draw(st.sampled_from([2, 4]), label="boxes"))
    (before, flags_before), (after, flags_after) = _funding_and_sides(config), _funding_and_sides(split)
    assert flags_after == flags_before
    for criterion, (assessable, value) in before.items():
        assert after[criterion][0] == assessable, criterion
        assert after[criterion][1] == pytest.approx(value, abs=1e-9), criterion


@PROFILE
@given(configurations(), st.data())
def test_adding_an_input_supplier_never_adds_a_platform_side(config, data):
    """A supplier that only supplies the platform, or is only paid by it, is no side, whatever its type."""
    eco = build_ecosystem(config)
    if eco.platform is None:
        return
    kind = data.draw(
        st.sampled_from([t for t in ActorType if t not in (ActorType.PLATFORM_OPERATOR, ActorType.FUNDER)])
    )
    supplies = data.draw(st.lists(st.sampled_from(NON_FINANCIAL), max_size=2), label="supplies")
    offering = {FlowKind.SERVICE, FlowKind.GOODS, FlowKind.DATA, FlowKind.KNOWLEDGE}
    paid = data.draw(st.booleans(), label="paid") or not offering & set(supplies)  # it supplies or is paid
    dumped = config.model_dump(mode="json")
    dumped["actors"].append(
        {
            "id": "supplier",
            "name": "Supplier",
            "type": kind.value,
            "count": data.draw(st.none() | st.integers(0, 10**6)),
        }
    )
    dumped["flows"] += [
        {"id": f"supply{i}", "source": "supplier", "target": eco.platform.id, "kind": k.value}
        for i, k in enumerate(supplies)
    ]
    if paid:
        dumped["flows"].append(
            {
                "id": "payment",
                "source": eco.platform.id,
                "target": "supplier",
                "kind": "money",
                "amount": data.draw(st.none() | AMOUNTS),
                "occurrences": 1,
            }
        )
    after = build_ecosystem(Configuration.model_validate(dumped))
    assert after.side_roles["supplier"].role == "input supplier" and "supplier" in after.input_suppliers
    assert after.sides == eco.sides
    assert (after.is_multi_sided, after.cross_side_loop) == (eco.is_multi_sided, eco.cross_side_loop)
    network = [
        evaluate(c, recommend=False, structure=False).scores["scalability"].criteria for c in (config, after.config)
    ]
    assert [c.value for c in network[0] if c.id == "s_network_effects"] == [
        c.value for c in network[1] if c.id == "s_network_effects"
    ]
