"""Analysis + scoring time by configuration size, against networkx alone on the same algorithms.

Run: python bench/analysis.py   (prints a table; targets: 50 ms at 300 actors, 0.3 s at 1,000, 3 s at 5,000; recommendations 1 s;
every single-actor exit of a 300-actor configuration ranked 2 s)
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import networkx as nx

sys.path.insert(0, str(Path(__file__).parent))
from synthetic import random_configuration  # noqa: E402

from canvas_app.analysis import evaluate  # noqa: E402
from canvas_app.library import ModuleLibrary, load_library  # noqa: E402
from canvas_app.stress import SCORED_EXITS, all_single_exits  # noqa: E402

TARGETS = {300: 0.050, 1000: 0.300, 5000: 3.0}
EXITS_TARGET = 2.0
"""Seconds for every single-actor exit of a 300-actor configuration, ranked (the stress page's tornado chart)."""
BEFORE_ISSUE_10 = {100: 1800, 1000: 3400}
"""Recommendations when every library module was placed and fully re-scored (ms, same machines)."""


def median_seconds(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def networkx_alone(config) -> None:
    """What a naive networkx analysis does: exact betweenness, components, articulation points, SCCs."""
    graph = nx.MultiDiGraph()
    graph.add_nodes_from(a.id for a in config.actors)
    graph.add_edges_from((f.source, f.target, f.id) for f in config.flows)
    simple = nx.DiGraph(graph)
    nx.betweenness_centrality(simple)
    undirected = simple.to_undirected()
    list(nx.connected_components(undirected))
    list(nx.articulation_points(undirected))
    list(nx.strongly_connected_components(simple))


def main() -> None:
    print(f"{'actors':>7} {'flows':>7} {'CityCanvas ms':>14} {'networkx ms':>12} {'ratio':>6} {'target ms':>10}")
    for n in (50, 300, 1000, 5000):
        config = random_configuration(n)
        repeat = 7 if n <= 1000 else 3
        ours = median_seconds(lambda: evaluate(config, recommend=False), repeat)
        theirs = median_seconds(lambda: networkx_alone(config), 1 if n >= 1000 else 3)
        target = TARGETS.get(n)
        mark = "" if target is None else ("ok" if ours <= target else "SLOW")
        print(
            f"{n:>7} {len(config.flows):>7} {ours * 1000:>14.1f} {theirs * 1000:>12.1f} "
            f"{theirs / ours:>6.1f} {'' if target is None else f'{target * 1000:.0f}':>10} {mark}"
        )
    library = load_library()
    big_library = grown_library(library, 300)
    for n, lib in ((100, big_library), (1000, library)):
        config = random_configuration(n)
        flags = len(evaluate(config, lib, recommend=False).flags)
        assert flags, f"the {n}-actor configuration must have gaps, or no recommendation is computed"
        repeat = 3
        base = median_seconds(lambda: evaluate(config, lib, recommend=False), repeat)
        seconds = median_seconds(lambda: evaluate(config, lib, recommend=True), repeat)
        print(
            f"recommendations over {len(lib)} library modules for {flags} flags, {n} actors / {len(config.flows)} flows: "
            f"{seconds * 1000:.0f} ms with the analysis ({(seconds - base) * 1000:.0f} ms recommending) "
            f"(target 1000 ms; every module re-scored, before issue 10: {BEFORE_ISSUE_10[n]} ms) "
            f"{'ok' if seconds <= 1.0 else 'SLOW'}"
        )
    config = random_configuration(300)
    seconds = median_seconds(lambda: all_single_exits(config), 3)
    money_only = median_seconds(lambda: all_single_exits(config, scored=0), 3)
    print(
        f"all single-actor exits, 300 actors / {len(config.flows)} flows: {seconds * 1000:.0f} ms "
        f"(money lost for all 300, scores re-judged for the top {SCORED_EXITS}; money alone {money_only * 1000:.0f} ms) "
        f"(target {EXITS_TARGET * 1000:.0f} ms) {'ok' if seconds <= EXITS_TARGET else 'SLOW'}"
    )


def grown_library(library: ModuleLibrary, size: int) -> ModuleLibrary:
    """The built-in modules repeated under new ids up to ``size`` modules (a city's library after years of use)."""
    modules = list(library)
    k = 0
    while len(modules) < size:
        original = list(library)[k % len(library)]
        k += 1
        modules.append(original.model_copy(update={"id": f"{original.id}-v{k}", "name": f"{original.name} v{k}"}))
    return ModuleLibrary(modules)


if __name__ == "__main__":
    main()
