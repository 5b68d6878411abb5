"""Figures for co-creation round results: python bench/rounds.py

Aggregation (per item, per stakeholder group, convergence between two rounds) of 10,000 answers:
500 participants × 20 items, the load the issue names. Target: ≤ 1 s.
"""

from __future__ import annotations

import hashlib
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from canvas_app.rounds import GROUPS, Answer, aggregate, by_group, convergence  # noqa: E402

PARTICIPANTS = 500
ITEMS = [f"n{i}" for i in range(20)]


def answers(seed: int) -> list[Answer]:
    rnd = random.Random(seed)
    out = []
    for p in range(PARTICIPANTS):
        token = hashlib.sha256(f"participant {p}".encode()).hexdigest()
        group = rnd.choice(GROUPS)
        for item in ITEMS:
            rating = None if rnd.random() < 0.05 else rnd.randint(1, 5)
            out.append(Answer(participant=token, group=group, item=item, rating=rating))  # type: ignore[arg-type]
    return out


def main() -> None:
    first, second = answers(1), answers(2)
    before = aggregate(first, ITEMS)
    times = []
    for _ in range(5):
        start = time.perf_counter()
        after = aggregate(second, ITEMS)
        by_group(second, ITEMS)
        convergence(before, after)
        times.append(time.perf_counter() - start)
    print(
        f"{len(second)} answers, {len(ITEMS)} items: aggregate + groups + convergence {statistics.median(times) * 1000:.1f} ms (target ≤ 1000 ms)"
    )


if __name__ == "__main__":
    main()
