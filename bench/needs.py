"""Figures for the Needs, Value mechanisms and Advantages pages: python bench/needs.py

- mechanisms in place, and the "could add" ranking (one re-score per library module) by size:
  the page computes the ranking on load up to 100 actors, on request above;
- need ranking: needs × configurations (the Needs page ranks on every save).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from synthetic import random_configuration  # noqa: E402

from canvas_app.library import load_library  # noqa: E402
from canvas_app.mechanisms import mechanisms_could_add, mechanisms_in_place  # noqa: E402
from canvas_app.model import Configuration  # noqa: E402
from canvas_app.ranking import rank_needs  # noqa: E402
from canvas_app.workspace_model import WorkspaceNeed  # noqa: E402


def median_seconds(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def with_needs(config: Configuration, needs: int) -> Configuration:
    """The configuration listing ``needs`` needs, every other one served by a flow."""
    data = config.model_dump(mode="json")
    data["needs"] = [
        {"id": f"n{i}", "name": f"Need {i}", "served_by": [data["flows"][i]["id"]] if i % 2 else []}
        for i in range(needs)
    ]
    return Configuration.model_validate(data)


def main() -> None:
    library = load_library()
    print(f"library: {len(library)} modules")
    print("actors  flows  in place (ms)  could add (s)")
    for size in (30, 100, 300):
        config = random_configuration(size)
        in_place = median_seconds(lambda: mechanisms_in_place(config, library), 5)
        could_add = median_seconds(lambda: mechanisms_could_add(config, library), 3 if size <= 100 else 1)
        print(f"{size:6d} {len(config.flows):6d} {1000 * in_place:14.1f} {could_add:14.2f}")
    print("needs  configurations  rank_needs (ms)")
    for needs, configs in ((50, 10), (200, 20), (1000, 50)):
        configurations = [with_needs(random_configuration(30, seed=s), 40) for s in range(configs)]
        workspace_needs = [WorkspaceNeed(id=f"n{i}", name=f"Need {i}", importance=1 + i % 5) for i in range(needs)]
        took = median_seconds(lambda: rank_needs(workspace_needs, configurations), 3)
        print(f"{needs:5d} {configs:15d} {1000 * took:16.1f}")


if __name__ == "__main__":
    main()
