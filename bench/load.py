"""Edit-callback load through gunicorn: requests/s and latency of real ``/_dash-update-component`` edits.

Each simulated client edits its own configuration (a node move, what canvas.js sends after a drag),
so every request is a save: load, apply, save a revision, re-score, answer the diff. A bounded loop
(``--seconds`` per setup) against 127.0.0.1, for: PostgreSQL with 1 and 2 gunicorn workers, and
SQLite with 1.

Run: python bench/load.py [--seconds 10] [--clients 4] [--actors 30] [--postgres-url URL]
PostgreSQL: a throwaway database is created (default: CITYCANVAS_BENCH_POSTGRES_URL /
CITYCANVAS_TEST_POSTGRES_URL / the local server) and dropped afterwards; unreachable: skipped.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests" / "deploy"))
from canvas_app.model import parse_configuration  # noqa: E402
from dash_client import DashClient  # noqa: E402
from layouts.ids import ID  # noqa: E402
from storage import Store  # noqa: E402

DEFAULT_PG = os.environ.get(
    "CITYCANVAS_BENCH_POSTGRES_URL",
    os.environ.get("CITYCANVAS_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"),
)


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_gunicorn(database_url: str, workers: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "CITYCANVAS_AUTHOR": "bench"}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
            "--no-control-socket",
            "--log-level",
            "warning",
            "canvas_app.web.wsgi:server",
        ],
        cwd=REPO,
        env=env,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(base + "/_dash-dependencies", timeout=2).read()
            return process, base
        except OSError:
            time.sleep(0.2)
    os.killpg(process.pid, signal.SIGKILL)
    raise RuntimeError("gunicorn did not start")


def configuration(actors: int) -> dict:
    return {
        "name": "Load test",
        "actors": [
            {"id": f"a{i}", "name": f"Actor {i}", "type": "citizen", "position": {"x": 40 * i, "y": 0}}
            for i in range(actors)
        ],
        "flows": [
            {"id": f"f{i}", "source": f"a{i}", "target": f"a{(i + 1) % actors}", "kind": "service"}
            for i in range(actors)
        ],
    }


def run(database_url: str, workers: int, clients: int, seconds: float, actors: int) -> dict:
    store = Store.open(database_url, upgrade=True)
    workspace = store.create_workspace(f"Load {uuid.uuid4().hex[:6]}", author="bench")
    ids = [
        store.create_configuration(workspace.id, parse_configuration(configuration(actors)), author="bench").id
        for _ in range(clients)
    ]
    store.close()
    process, base = start_gunicorn(database_url, workers)
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(configuration_id: int) -> None:
        dash = DashClient(base)
        version, seq = 1, 0
        while time.monotonic() < deadline:
            seq += 1
            move = {"positions": {f"a{seq % actors}": [float(seq), float(seq % 97)]}, "nonce": seq}
            started = time.perf_counter()
            status, answer = dash.call(
                ID.moved, "data", move, {f"{ID.config_id}.data": configuration_id, f"{ID.version}.data": version}
            )
            elapsed = time.perf_counter() - started
            saved = (answer.get("response") or {}).get(ID.version, {}).get("data") if status == 200 else None
            with lock:
                if saved is None:
                    failures.append(f"{status} {str(answer)[:200]}")
                else:
                    latencies.append(elapsed)
                    version = saved

    try:
        threads = [threading.Thread(target=client, args=(cid,)) for cid in ids]
        began = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.monotonic() - began
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    latencies.sort()
    return {
        "requests": len(latencies),
        "per_second": len(latencies) / wall,
        "p50": statistics.median(latencies) * 1000 if latencies else float("nan"),
        "p95": latencies[int(0.95 * (len(latencies) - 1))] * 1000 if latencies else float("nan"),
        "failures": len(failures),
        "first_failure": failures[0] if failures else "",
    }


def postgres_database(admin_url: str):
    """(url, drop) of a throwaway database, or None if the server is unreachable."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin_url_obj = make_url(admin_url).set(drivername="postgresql+psycopg")
    admin = create_engine(admin_url_obj, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - report and skip
        print(f"PostgreSQL skipped: {exc.__class__.__name__}: {str(exc).splitlines()[0]}")
        return None
    name = f"citycanvas_load_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return admin_url_obj.set(database=name).render_as_string(hide_password=False), drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients, one configuration each")
    parser.add_argument("--actors", type=int, default=30, help="actors per configuration (scored on every edit)")
    parser.add_argument("--postgres-url", default=DEFAULT_PG)
    args = parser.parse_args()
    print(f"{args.clients} clients, {args.actors} actors each, {args.seconds:.0f} s per setup, edits = node moves")
    print(f"{'setup':<26} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'saves':>7} {'failed':>7}")
    setups: list[tuple[str, str, int]] = []
    pg = postgres_database(args.postgres_url)
    if pg is not None:
        setups += [("PostgreSQL, 1 worker", pg[0], 1), ("PostgreSQL, 2 workers", pg[0], 2)]
    folder = tempfile.mkdtemp(prefix="citycanvas-load-")
    setups.append(("SQLite, 1 worker", f"sqlite:///{folder}/load.sqlite3", 1))
    try:
        for name, url, workers in setups:
            result = run(url, workers, args.clients, args.seconds, args.actors)
            print(
                f"{name:<26} {result['per_second']:>8.1f} {result['p50']:>8.1f} {result['p95']:>8.1f} "
                f"{result['requests']:>7} {result['failures']:>7}  {result['first_failure']}"
            )
    finally:
        if pg is not None:
            pg[1]()


if __name__ == "__main__":
    main()
