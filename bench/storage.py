"""Storage throughput: saves per second and load time of a 1,000-actor configuration,
on SQLite (a real file, WAL, synchronous=FULL) and on PostgreSQL.

Run: python bench/storage.py [--saves N] [--actors N] [--postgres-url URL]
PostgreSQL: a throwaway database is created on the server (default: the
CITYCANVAS_BENCH_POSTGRES_URL / CITYCANVAS_TEST_POSTGRES_URL / local server) and
dropped afterwards; if the server is unreachable that engine is reported as skipped.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from synthetic import random_configuration  # noqa: E402

from canvas_app.model import Configuration, dump_configuration, parse_configuration  # noqa: E402
from storage import Store  # noqa: E402

DEFAULT_PG = os.environ.get(
    "CITYCANVAS_BENCH_POSTGRES_URL",
    os.environ.get("CITYCANVAS_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"),
)


def edits(base: Configuration, n: int) -> list[Configuration]:
    """n successive small edits (one actor moved each time), prepared before timing."""
    data = base.model_dump(mode="json")
    out = []
    for i in range(n):
        actor = data["actors"][i % len(data["actors"])]
        actor["position"] = {"x": float(i), "y": float(i * 2)}
        out.append(parse_configuration(data))
    return out


def run(url: str, config: Configuration, saves: int, loads: int) -> dict[str, float]:
    with Store.open(url, upgrade=True) as store:
        ws = store.create_workspace(f"bench-{uuid.uuid4().hex[:6]}", author="bench")
        start = time.perf_counter()
        head = store.create_configuration(ws.id, config, author="bench")
        create = time.perf_counter() - start
        versions = edits(config, saves)
        start = time.perf_counter()
        for edited in versions:
            head = store.save(head.id, edited, base_version=head.version, author="bench")
        save_total = time.perf_counter() - start
        start = time.perf_counter()
        for edited in versions:  # the same saves with the summary given: storage cost without the diff
            head = store.save(
                head.id,
                edited.model_copy(update={"description": str(time.perf_counter())}),
                base_version=head.version,
                author="bench",
                summary="bench",
            )
        save_nodiff = time.perf_counter() - start
        load_times = []
        for _ in range(loads):
            start = time.perf_counter()
            store.load(head.id)
            load_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        history = store.revisions(head.id)
        history_time = time.perf_counter() - start
        assert len(history) == 2 * saves + 1
    return {
        "create_s": create,
        "saves_per_s": saves / save_total,
        "saves_per_s_nodiff": saves / save_nodiff,
        "load_median_s": statistics.median(load_times),
        "load_p95_s": sorted(load_times)[int(0.95 * (len(load_times) - 1))],
        "history_s": history_time,
    }


def postgres_database(admin_url: str):  # type: ignore[no-untyped-def]  # a generator fixture of a bench script (not type-checked)
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin = create_engine(make_url(admin_url).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    name = f"citycanvas_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return admin.url.set(database=name).render_as_string(hide_password=False), drop


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actors", type=int, default=1000)
    parser.add_argument("--flows-per-actor", type=int, default=5)
    parser.add_argument("--saves", type=int, default=30)
    parser.add_argument("--loads", type=int, default=20)
    parser.add_argument("--postgres-url", default=DEFAULT_PG)
    args = parser.parse_args()

    config = random_configuration(args.actors, args.flows_per_actor)
    size = len(dump_configuration(config).encode())
    print(
        f"configuration: {len(config.actors):,} actors, {len(config.flows):,} flows, {size / 1e6:.2f} MB JSON; "
        f"{args.saves} saves with diff summary + {args.saves} with a given summary, {args.loads} loads"
    )
    print(f"{'engine':<12}{'create':>9}{'saves/s':>10}{'saves/s*':>10}{'load med':>10}{'load p95':>10}{'history':>9}")

    def show(engine: str, r: dict[str, float]) -> None:
        print(
            f"{engine:<12}{r['create_s'] * 1000:>7.0f}ms{r['saves_per_s']:>10.1f}{r['saves_per_s_nodiff']:>10.1f}"
            f"{r['load_median_s'] * 1000:>8.0f}ms{r['load_p95_s'] * 1000:>8.0f}ms{r['history_s'] * 1000:>7.1f}ms"
        )

    with tempfile.TemporaryDirectory() as tmp:
        show("sqlite", run(f"sqlite+pysqlite:///{Path(tmp) / 'bench.sqlite3'}", config, args.saves, args.loads))
    try:
        url, drop = postgres_database(args.postgres_url)
    except Exception as exc:  # noqa: BLE001
        print(f"{'postgresql':<12}skipped: not reachable at {args.postgres_url}: {str(exc).splitlines()[0]}")
    else:
        try:
            show("postgresql", run(url, config, args.saves, args.loads))
        finally:
            drop()
    print("saves/s* = summary given by the caller (no structural diff); load = read + re-validate the head")
    return 0


if __name__ == "__main__":
    sys.exit(main())
