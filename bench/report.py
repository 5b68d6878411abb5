"""Comparison and report build times: the two parking examples, and large alternatives with many modules.

Run: python bench/report.py   (prints a table of median milliseconds)

The verdict re-scores the leader without each module only it uses (to name the modules
that cause a lead), so its cost grows with modules × leads; this shows how much.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from synthetic import random_configuration  # noqa: E402

from canvas_app.analysis import evaluate  # noqa: E402
from canvas_app.compare import compare_configurations  # noqa: E402
from canvas_app.library import load_library, place_module  # noqa: E402
from canvas_app.model import load_configuration  # noqa: E402
from canvas_app.report import (  # noqa: E402
    comparison_report,
    comparison_workbook,
    configuration_report,
    configuration_workbook,
    report_html,
)

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def with_modules(n_actors: int, module_ids: list[str], library, seed: int):
    config = random_configuration(n_actors, seed=seed)
    for i, module_id in enumerate(module_ids):
        config = place_module(config, library[module_id], (40.0 * i, 0.0))
    return config


def row(label: str, configs, library, repeat: int) -> None:
    comparison = compare_configurations(configs, library)
    evaluation = evaluate(configs[0], library, recommend=False)
    figures = {
        "compare": median_ms(lambda: compare_configurations(configs, library), repeat),
        "evaluate one": median_ms(lambda: evaluate(configs[0], library, recommend=False), repeat),
        "comparison HTML": median_ms(lambda: report_html(comparison_report(comparison)), repeat),
        "comparison XLSX": median_ms(lambda: comparison_workbook(comparison), repeat),
        "report HTML": median_ms(lambda: report_html(configuration_report(configs[0], evaluation)), repeat),
        "report XLSX": median_ms(lambda: configuration_workbook(configs[0], evaluation), repeat),
    }
    actors = "/".join(str(len(c.actors)) for c in configs)
    modules = "/".join(str(len(c.modules)) for c in configs)
    print(f"{label:<28} {actors:>9} {modules:>7} " + " ".join(f"{v:>10.0f}" for v in figures.values()))


def main() -> None:
    library = load_library()
    headers = ["compare", "eval one", "cmp HTML", "cmp XLSX", "rep HTML", "rep XLSX"]
    print(f"{'median ms':<28} {'actors':>9} {'modules':>7} " + " ".join(f"{h:>10}" for h in headers))
    parking = [
        load_configuration(EXAMPLES / "parking-city-run.json"),
        load_configuration(EXAMPLES / "parking-open-platform.json"),
    ]
    row("parking: city-run vs open", parking, library, 7)
    ids = sorted(m.id for m in library)
    for n, k in ((100, 10), (300, 20)):
        a = with_modules(n, ids[:k], library, seed=1)
        b = with_modules(n, ids[k // 2 : k // 2 + k], library, seed=2)
        row(f"synthetic {n} actors, {k} modules", [a, b], library, 3)


if __name__ == "__main__":
    main()
