"""Evaluate a configuration: structure report, flags, scores and recommendations.

This is the one entry point the CLI, the editor's live score panel, the
comparison and the report call; nothing else computes scores.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import networkx as nx

from canvas_app.business_canvas import BLOCK_LABELS, nine_blocks  # re-exported: callers import them from here
from canvas_app.checks import run_checks
from canvas_app.economics import economics_of
from canvas_app.ecosystem import GROWTH_FACTORS, Ecosystem
from canvas_app.evaluation import Evaluation
from canvas_app.judging import build_ecosystem
from canvas_app.library import ModuleLibrary
from canvas_app.model import Configuration
from canvas_app.recommend import add_recommendations
from canvas_app.scoring import score_ecosystem

MAX_CYCLE_EXAMPLES = 5
MAX_CYCLE_LENGTH = 4


def evaluate(
    config: Configuration,
    library: ModuleLibrary | None = None,
    *,
    recommend: bool = True,
    weights: Mapping[str, float] | None = None,
    structure: bool = True,
    money: bool = False,
) -> Evaluation:
    """Score a configuration and list its flags.

    Parameters
    ----------
    config : the configuration to judge.
    library : the module library; needed for modules whose definition the file does not carry,
        and for recommendations.
    recommend : add, to each flag, the library modules that would best close it (re-scores once
        per candidate module, so the editor asks for it only when the panel shows it).
    weights : workspace weights by criterion id (the file's own ``weights`` win over them).
    structure : include the structure report (components, betweenness, cycles, net value...).
    money : without the structure report, include its money-over-time part alone (the editor's cash chart;
        the criteria have computed it already, so it costs nothing more).
    """
    eco = build_ecosystem(config, library)
    scores = score_ecosystem(eco, weights)
    flags = tuple(run_checks(eco))
    report = structure_report(eco) if structure else {"money_over_time": money_over_time(eco)} if money else {}
    evaluation = Evaluation(scores, flags, report)
    if recommend and library is not None and flags:
        evaluation = add_recommendations(evaluation, config, library, weights, eco=eco)
    return evaluation


def structure_report(eco: Ecosystem) -> dict[str, Any]:
    """The structure facts (components, articulation points, betweenness, platform and its sides with why each
    actor trading with it is a side or not, value cycles, net value per actor), as JSON-ready data."""
    platform = eco.platform
    return {
        "actors": len(eco.actors),
        "flows": len(eco.flows),
        "components": eco.components,
        "articulation_points": eco.articulation_points,
        "betweenness": {a: round(v, 4) for a, v in eco.betweenness.items()},
        "platform": None
        if platform is None
        else {
            "id": platform.id,
            "sides": eco.sides,
            "side_reasons": {a: r.reason for a, r in eco.side_roles.items() if r.side},
            "input_suppliers": eco.input_suppliers,
            "not_sides": {a: eco.side_roles[a].reason for a in eco.non_sides},
            "multi_sided": eco.is_multi_sided,
            "cross_side_loop": list(eco.cross_side_loop) if eco.cross_side_loop else None,
        },
        "operator": eco.operator.id if eco.operator else None,
        "value_cycles": value_cycles(eco),
        "net_value": {
            a: {
                "money_in": round(nv.money_in, 2),
                "money_out": round(nv.money_out, 2),
                "costs": round(nv.costs, 2),
                "net": round(nv.net, 2),
                "financing_in": round(nv.financing_in, 2),
                "intangible_in": nv.intangible_in,
                "intangible_out": nv.intangible_out,
            }
            for a, nv in eco.net_values.items()
        },
        "money_over_time": money_over_time(eco),
        "growth": {
            "factors": list(GROWTH_FACTORS),
            "net_value": {
                a: [round(nv.net_at(k), 2) for k in GROWTH_FACTORS]
                for a, nv in eco.net_values.items()
                if nv.has_amounts
            },
        },
    }


def money_over_time(eco: Ecosystem) -> dict[str, Any]:
    """Each actor's cash year by year (year 0: one-off payments) with payback and NPV, and the city's position."""
    econ = economics_of(eco)
    city = econ.city
    return {
        "horizon_years": econ.horizon,
        "discount_rate": econ.discount_rate,
        "actors": {
            a: {
                "yearly": [round(v, 2) for v in p.yearly],
                "cumulative": [round(v, 2) for v in p.cumulative],
                "outlay": round(p.outlay, 2),
                "npv": round(p.npv, 2),
                "payback_year": p.payback_year,
                "discounted_payback_year": p.discounted_payback_year,
                "payback_limit": p.payback_limit,
                "pays_back": p.pays_back,
            }
            for a, p in econ.positions.items()
        },
        "city": None
        if city is None
        else {
            "actors": list(city.actors),
            "net": round(city.net, 2),
            "net_at_10": round(city.net_at(GROWTH_FACTORS[-1]), 2),
            "per_use_cost": round(city.per_use_cost, 2),
            "per_use_income": round(city.per_use_income, 2),
            "per_use_benefit": round(city.per_use_benefit, 2),
            "per_use_cover": None if city.per_use_cover is None else round(city.per_use_cover, 4),
        },
    }


def value_cycles(eco: Ecosystem) -> dict[str, Any]:
    """Groups of actors whose value comes back to them, with a few short example loops.

    Enumerating every cycle is exponential (networkx's bounded ``simple_cycles`` took 1.2 s at
    1,000 actors), so each example is the shortest loop back to one actor of a group, found by
    a breadth-first search of at most ``MAX_CYCLE_LENGTH`` steps.
    """
    simple = nx.DiGraph()
    simple.add_edges_from((f.source, f.target) for f in eco.flows)
    groups = sorted(
        (sorted(c) for c in nx.strongly_connected_components(simple) if len(c) > 1), key=lambda g: (-len(g), g)
    )
    in_a_group = {a for group in groups for a in group}
    examples: list[list[str]] = []
    seen: set[frozenset[str]] = set()
    for actor in eco.actors:
        if len(examples) >= MAX_CYCLE_EXAMPLES:
            break
        if actor not in in_a_group:
            continue
        loop = shortest_loop_through(simple, actor, MAX_CYCLE_LENGTH)
        if loop and frozenset(loop) not in seen:
            seen.add(frozenset(loop))
            examples.append(loop)
    return {"groups": groups, "examples": examples}


def shortest_loop_through(graph: nx.DiGraph, start: str, max_length: int) -> list[str] | None:
    """The actors of a shortest directed loop from ``start`` back to it (at most ``max_length`` flows)."""
    parent: dict[str, str | None] = {start: None}
    frontier = [start]
    for _steps in range(max_length):
        next_frontier = []
        for node in frontier:
            for successor in graph.successors(node):
                if successor == start:
                    path = [node]
                    while parent[path[-1]] is not None:
                        path.append(parent[path[-1]])  # type: ignore[arg-type]  # the loop condition checked it is not None
                    return path[::-1]
                if successor not in parent:
                    parent[successor] = node
                    next_frontier.append(successor)
        frontier = next_frontier
    return None
