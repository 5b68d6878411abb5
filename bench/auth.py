"""What accounts cost: argon2id hash and verify, and the per-callback price of the access check.

    python bench/auth.py [N]

Posts the side-panel callback (it loads the configuration) N times through Flask's test
client with accounts off and on (signed in, owner), on a SQLite file, and prints the median
and 95th percentile request time of each; the difference is what ``Services.require`` and
reading the signed session add to every callback.
"""

from __future__ import annotations

import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from canvas_app.model import parse_configuration  # noqa: E402
from canvas_app.web.auth import hash_password, verify_password  # noqa: E402
from canvas_app.web.settings import Settings  # noqa: E402
from layouts.ids import ID  # noqa: E402

PASSWORD = "benchmark password"


def timed(fn, n: int) -> list[float]:
    times = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return times


def summary(times: list[float]) -> str:
    ordered = sorted(times)
    return f"median {statistics.median(ordered):6.2f} ms   p95 {ordered[int(len(ordered) * 0.95) - 1]:6.2f} ms"


def callback_times(auth: bool, n: int) -> list[float]:
    from canvas_app.web.app import create_app
    from storage import Store

    folder = tempfile.mkdtemp()
    url = f"sqlite:///{folder}/bench.sqlite3"
    store = Store.open(url)
    user = store.create_user("ann", hash_password(PASSWORD))
    workspace = store.create_workspace("Oulu", author="ann", owner_id=user.id)
    actors = [{"id": f"a{i}", "name": f"Actor {i}", "type": "citizen"} for i in range(50)]
    head = store.create_configuration(
        workspace.id, parse_configuration({"name": "Bench", "actors": actors}), author="ann"
    )
    app = create_app(Settings(database_url=url, auth=auth, secret_key="bench-secret-0123456789abcdef"), store=store)
    client = app.server.test_client()
    if auth:
        csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
        client.post("/login", data={"name": "ann", "password": PASSWORD, "csrf": csrf})
    key = next(k for k, cb in app.callback_map.items() if [i["id"] for i in cb["inputs"]] == [ID.selection])
    outputs = [
        {"id": p.rpartition(".")[0], "property": p.rpartition(".")[2].split("@")[0]} for p in key[2:-2].split("...")
    ]
    body = {
        "output": key,
        "outputs": outputs,
        "inputs": [{"id": ID.selection, "property": "data", "value": {"kind": "actor", "id": "a1"}}],
        "state": [{"id": ID.config_id, "property": "data", "value": head.id}],
        "changedPropIds": [f"{ID.selection}.data"],
    }

    def post() -> None:
        answer = client.post("/_dash-update-component", json=body)
        assert answer.status_code == 200, answer.status_code

    timed(post, 20)  # warm up
    times = timed(post, n)
    store.close()
    return times


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    stored = hash_password(PASSWORD)
    print(f"argon2id hash   : {summary(timed(lambda: hash_password(PASSWORD), 20))}")
    print(f"argon2id verify : {summary(timed(lambda: verify_password(stored, PASSWORD), 20))}")
    off, on = callback_times(False, n), callback_times(True, n)
    print(f"callback, accounts off      : {summary(off)}   ({n} requests)")
    print(f"callback, accounts on, owner: {summary(on)}")
    print(
        f"access check and session    : {statistics.median(on) - statistics.median(off):+.2f} ms per callback (median)"
    )


if __name__ == "__main__":
    main()
