"""A co-creation round under load through gunicorn + PostgreSQL: do 500 participants answering a 20-item round
get through within 10 minutes, with every acknowledged answer stored?

What runs: a throwaway PostgreSQL database (created, migrated, dropped at the end even on failure), a
workspace with ``--items`` needs and an open needs round of them made through the store, and gunicorn
started with ``deploy/gunicorn.conf.py`` (2 sync workers, worker recycling as deployed) and the deployed
settings that matter here: accounts on, ``CITYCANVAS_BEHIND_PROXY=1``. Then ``--clients`` threads play
``--participants`` participants, each doing over HTTP what the participant page's browser does:

1. load the page: ``GET /r/<token>``, ``/_dash-layout`` and ``/_dash-dependencies`` (the static
   scripts and styles are not fetched: a browser caches them), then the router callback that
   renders the page, then the page's two initial callbacks (reference code, own saved answers),
   with an empty local-storage store;
2. consent: the "I agree, start" callback with a stakeholder group; its answer is the browser's
   local-storage store holding the participant token, and the two callbacks that take that store
   run again;
3. save: the "Save my answers" callback with every item rated 1-5 or *don't know* (about one in
   ten) and a comment on one item, the store's token sent back as the page does.

An answer is **acknowledged** when the save callback answered with the page's success message
("Your answers are saved…"). At the end the store's ``list_answers`` is compared with the
acknowledged answers as sets of (participant hash, group, item, rating, comment): lost = acknowledged
but not stored (must be 0); stored but not acknowledged (a save whose answer never arrived) is
reported apart.

**Network addresses.** The round's write limits allow 60 submissions per round and network address,
and 3000 per round from all addresses, in 10 minutes (``write_limits``): right for phones, each with
its own address, but 500 participants from 127.0.0.1 would be refused after 30. As deployed behind
nginx, the app trusts one proxy's ``X-Forwarded-For`` (``CITYCANVAS_BEHIND_PROXY=1``); the bench
sends a distinct one per participant (10.x.y.z) in place of nginx, standing in for 500 distinct
phones. Nothing in the app is changed or bypassed: each participant's consent and save count
against the per-address limit, and all of them against the per-round limit of 3000 (this run makes
2 per participant: 1000 for 500).

Run: python bench/rounds_load.py [--participants 500] [--items 20] [--clients 20]
[--postgres-url URL] [--sqlite] [--same-address]. ``--sqlite`` also runs the same against SQLite with
1 worker. ``--same-address`` sends every participant from one address, to see the per-address limit
refuse them past 60 submissions (30 participants): the limits are in force during the run.
Exit status 1 when an acknowledged answer is missing from the store, not every participant's answers
were acknowledged, or a run took more than 10 minutes; 2 when PostgreSQL cannot be reached.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests" / "deploy"))
from canvas_app.rounds import GROUPS, Round, RoundItem, text  # noqa: E402
from canvas_app.workspace_model import WorkspaceNeed  # noqa: E402
from dash_client import CallbackBodies  # noqa: E402
from layouts.ids import ID  # noqa: E402
from layouts.rounds import DONT_KNOW, PARTICIPATE_PREFIX  # noqa: E402
from storage import Store  # noqa: E402
from storage.rounds import token_hash  # noqa: E402

DEFAULT_PG = os.environ.get(
    "CITYCANVAS_BENCH_POSTGRES_URL",
    os.environ.get("CITYCANVAS_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"),
)
TARGET_SECONDS = 600.0
SAVED = text("en", "saved")
JOINED = text("en", "joined")
KINDS = (
    "page",
    "layout",
    "dependencies",
    "render",
    "code",
    "own answers",
    "join",
    "code again",
    "answers again",
    "save",
)
"""Request kinds, in a participant's order: the three GETs of a page load, the router callback, the
page's two initial callbacks (reference code, own saved answers: none yet, the store is empty),
consent, the same two callbacks again (the new local store fires them), the save."""

Answered = tuple[str, str, str, int | None, str]
"""(participant hash, group, item, rating or None for don't know, comment)."""


@dataclass
class Tally:
    """What the participant threads measured (appended under ``lock``)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    latency: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in KINDS})
    errors: dict[str, int] = field(default_factory=lambda: {k: 0 for k in KINDS})
    first_errors: list[str] = field(default_factory=list)
    acknowledged: set[Answered] = field(default_factory=set)
    sent_unacknowledged: int = 0
    """Answers sent whose save was not acknowledged (refused, an error, no answer)."""
    joined: int = 0
    saved_pages: int = 0

    def error(self, kind: str, what: str) -> None:
        with self.lock:
            self.errors[kind] += 1
            if len(self.first_errors) < 5:
                self.first_errors.append(f"{kind}: {what[:300]}")


class Refused(Exception):
    """A step of a participant failed; the participant stops there, as a browser showing an error would."""


# -- setup ------------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def postgres_database(admin_url: str) -> tuple[str, Callable[[], None]] | None:
    """(url, drop) of a throwaway database on the server of ``admin_url``; None when it is unreachable."""
    from sqlalchemy import create_engine
    from sqlalchemy import text as sql
    from sqlalchemy.engine import make_url

    admin_url_obj = make_url(admin_url).set(drivername="postgresql+psycopg")
    admin = create_engine(admin_url_obj, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sql("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - reported, then the bench stops
        print(f"PostgreSQL unreachable: {exc.__class__.__name__}: {str(exc).splitlines()[0]}")
        return None
    name = f"citycanvas_rounds_load_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(sql(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return admin_url_obj.set(database=name).render_as_string(hide_password=False), drop


def make_round(database_url: str, items: int) -> tuple[int, str]:
    """Migrate the store, add a workspace with ``items`` needs and an open needs round of them: (round id, token)."""
    store = Store.open(database_url, upgrade=True)
    try:
        workspace = store.create_workspace(f"Rounds load {uuid.uuid4().hex[:6]}", author="bench")
        round_items = []
        for i in range(1, items + 1):
            need = WorkspaceNeed(id=f"n{i}", name=f"Need {i}: safer crossings near school {i}")
            store.upsert_need(workspace.id, need, author="bench")
            round_items.append(RoundItem(id=need.id, text=need.name))
        today = datetime.now(UTC).date()
        round_ = Round(
            kind="needs",
            items=tuple(round_items),
            intro="How much does each need matter to you?",
            opens=today,
            closes=today + timedelta(days=14),
            language="en",
        )
        info, token = store.create_round(workspace.id, round_, author="bench")
        return info.id, token
    finally:
        store.close()


def start_gunicorn(database_url: str, workers: int, log: Any) -> tuple[subprocess.Popen[bytes], str]:
    """gunicorn with the deployed config file and settings, on a free loopback port; its logs go to ``log``."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "CITYCANVAS_AUTH": "on",
        "CITYCANVAS_SECRET_KEY": secrets.token_urlsafe(32),
        "CITYCANVAS_BEHIND_PROXY": "1",
        "CITYCANVAS_BIND": f"127.0.0.1:{port}",
        "CITYCANVAS_WEB_WORKERS": str(workers),
        "CITYCANVAS_AUTHOR": "bench",
    }
    env.pop("REDIS_URL", None)  # the participant page runs no background job
    command = [sys.executable, "-m", "gunicorn", "--config", str(REPO / "deploy" / "gunicorn.conf.py")]
    command += ["-w", str(workers), "canvas_app.web.wsgi:server"]  # -w: the config file allows no fewer than 2
    process = subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=log, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 90
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        try:
            urllib.request.urlopen(base + "/readyz", timeout=2).read()
            return process, base
        except OSError:
            time.sleep(0.3)
    stop(process)
    raise RuntimeError("gunicorn did not start")


def stop(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=40)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


# -- one participant ------------------------------------------------------------------------------
def address(n: int) -> str:
    """Participant ``n``'s stand-in network address (10.0.0.1, 10.0.0.2, …)."""
    n += 1
    return f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"


def component_ids(tree: Any, kind: str) -> Iterator[dict[str, Any]]:
    """The dict ids of type ``kind`` in a rendered component tree, in page order (as Dash's ALL matches them)."""
    if isinstance(tree, dict):
        props = tree.get("props")
        if isinstance(props, dict):
            cid = props.get("id")
            if isinstance(cid, dict) and cid.get("type") == kind:
                yield cid
            for value in props.values():
                yield from component_ids(value, kind)
    elif isinstance(tree, list):
        for child in tree:
            yield from component_ids(child, kind)


def strings(tree: Any) -> Iterator[str]:
    if isinstance(tree, str):
        yield tree
    elif isinstance(tree, dict):
        yield from strings((tree.get("props") or {}).get("children"))
    elif isinstance(tree, list):
        for child in tree:
            yield from strings(child)


def is_success(message: Any, expected: str) -> bool:
    """A ``message(...)`` Alert the page shows: green, and saying ``expected``."""
    props = message.get("props") if isinstance(message, dict) else None
    return isinstance(props, dict) and props.get("color") == "success" and expected in " ".join(strings(message))


class Browser:
    """One participant's browser: its own network address (X-Forwarded-For) and local-storage store."""

    def __init__(self, base: str, forwarded_for: str, tally: Tally):
        self.base = base
        self.headers = {"X-Forwarded-For": forwarded_for, "User-Agent": "citycanvas-rounds-load-bench"}
        self.tally = tally
        self.bodies: CallbackBodies | None = None

    def request(self, kind: str, path: str, body: dict[str, Any] | None = None) -> tuple[int, bytes]:
        data = None if body is None else json.dumps(body).encode()
        headers = {**self.headers, **({"Content-Type": "application/json"} if data is not None else {})}
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(
                urllib.request.Request(self.base + path, data=data, headers=headers), timeout=60
            ) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as exc:
            status, raw = exc.code, exc.read()
        except OSError as exc:
            self.tally.error(kind, f"{exc.__class__.__name__}: {exc}")
            raise Refused(kind) from exc
        elapsed = time.perf_counter() - started
        if status not in (200, 204):
            self.tally.error(kind, f"HTTP {status}: {raw[:300]!r}")
            raise Refused(kind)
        with self.tally.lock:
            self.tally.latency[kind].append(elapsed)
        return status, raw

    def callback(self, kind: str, body: dict[str, Any]) -> dict[str, Any]:
        """Post a callback; its ``response`` part ({} for 204, no update)."""
        status, raw = self.request(kind, "/_dash-update-component", body)
        if status == 204 or not raw:
            return {}
        answer = json.loads(raw)
        return answer.get("response") or {}

    def reread(self, kinds: tuple[str, str], pathname: str, me: Any, rating_ids: list[dict[str, Any]]) -> None:
        """The two callbacks that take the local store as input: the reference code and the saved answers."""
        assert self.bodies is not None
        initial = me is None
        for kind, output in zip(kinds, (ID.participate_code, '"pt-rating"')):
            body = self.bodies.body(
                ID.participate_me,
                "data",
                me,
                {
                    f"{ID.url}.pathname": pathname,
                    _all_key("pt-rating", "id"): [{"id": i, "property": "id", "value": i} for i in rating_ids],
                    _all_key("pt-comment", "id"): [
                        {"id": {**i, "type": "pt-comment"}, "property": "id", "value": {**i, "type": "pt-comment"}}
                        for i in rating_ids
                    ],
                },
                output=output,
            )
            if output != ID.participate_code:  # ALL outputs: the browser names every matched component
                body["outputs"] = [
                    [{"id": i, "property": "value"} for i in rating_ids],
                    [{"id": {**i, "type": "pt-comment"}, "property": "value"} for i in rating_ids],
                ]
            if initial:
                body["changedPropIds"] = []
            self.callback(kind, body)

    def participate(self, token: str, group: str, ratings: dict[str, int | None], comments: dict[str, str]) -> None:
        pathname = f"{PARTICIPATE_PREFIX}{token}"
        self.request("page", pathname)
        self.request("layout", "/_dash-layout")
        _status, raw = self.request("dependencies", "/_dash-dependencies")
        self.bodies = CallbackBodies(json.loads(raw))
        page = self.callback(
            "render", self.bodies.body(ID.url, "pathname", pathname, {f"{ID.url}.search": ""}, output=ID.page)
        )
        rating_ids = list(component_ids(page.get(ID.page, {}).get("children"), "pt-rating"))
        if len(rating_ids) != len(ratings):
            self.tally.error("render", f"the page shows {len(rating_ids)} items, not {len(ratings)}")
            raise Refused("render")
        self.reread(("code", "own answers"), pathname, None, rating_ids)

        values: dict[str, Any] = {
            f"{ID.url}.pathname": pathname,
            f"{ID.participate_group}.value": group,
            f"{ID.participate_me}.data": None,
        }
        joined = self.callback("join", self.bodies.body(ID.participate_agree, "n_clicks", 1, values))
        me = joined.get(ID.participate_me, {}).get("data")
        if not isinstance(me, dict) or not is_success(joined.get(ID.participate_joined, {}).get("children"), JOINED):
            said = " ".join(strings(joined.get(ID.participate_joined, {}).get("children"))) or str(joined)
            self.tally.error("join", f"not joined: {said[:300]}")
            raise Refused("join")
        with self.tally.lock:
            self.tally.joined += 1
        participant_token = next(iter(me.values()))
        self.reread(("code again", "answers again"), pathname, me, rating_ids)

        shown = [DONT_KNOW if ratings[i["item"]] is None else str(ratings[i["item"]]) for i in rating_ids]
        values = {
            f"{ID.url}.pathname": pathname,
            f"{ID.participate_me}.data": me,
            f"{ID.participate_group}.value": group,
            _all_key("pt-rating", "value"): [
                {"id": i, "property": "value", "value": v} for i, v in zip(rating_ids, shown)
            ],
            _all_key("pt-rating", "id"): [{"id": i, "property": "id", "value": i} for i in rating_ids],
            _all_key("pt-comment", "value"): [
                {"id": {**i, "type": "pt-comment"}, "property": "value", "value": comments.get(i["item"], "")}
                for i in rating_ids
            ],
            _all_key("pt-comment", "id"): [
                {"id": {**i, "type": "pt-comment"}, "property": "id", "value": {**i, "type": "pt-comment"}}
                for i in rating_ids
            ],
            _all_key("pt-reason", "value"): [],  # no reason boxes: this round follows up none
            _all_key("pt-reason", "id"): [],
        }
        sent = {(token_hash(participant_token), group, i, r, comments.get(i, "")) for i, r in ratings.items()}
        try:
            saved = self.callback("save", self.bodies.body(ID.participate_save, "n_clicks", 1, values))
        except Refused:
            with self.tally.lock:
                self.tally.sent_unacknowledged += len(sent)
            raise
        feedback = saved.get(ID.participate_feedback, {}).get("children")
        with self.tally.lock:
            if is_success(feedback, SAVED):
                self.tally.acknowledged |= sent
                self.tally.saved_pages += 1
            else:
                self.tally.sent_unacknowledged += len(sent)
        if not is_success(feedback, SAVED):
            self.tally.error("save", f"not saved: {' '.join(strings(feedback))[:300]}")


def _all_key(kind: str, prop: str) -> str:
    """The ``values`` key of an ALL-pattern input or state, as ``/_dash-dependencies`` spells its id."""
    return json.dumps({"item": ["ALL"], "type": kind}, separators=(",", ":")) + "." + prop


def choices(n: int, items: list[str]) -> tuple[str, dict[str, int | None], dict[str, str]]:
    """Participant ``n``'s group, ratings (about one in ten don't know) and a comment on one item."""
    rnd = random.Random(n)
    ratings: dict[str, int | None] = {i: None if rnd.random() < 0.1 else rnd.randint(1, 5) for i in items}
    return rnd.choice(GROUPS), ratings, {rnd.choice(items): f"Participant {n}: the crossing at the school is unsafe."}


# -- a run ------------------------------------------------------------------------------------------
def run(
    name: str, database_url: str, workers: int, participants: int, items: int, clients: int, same_address: bool = False
) -> bool:
    """One setup; prints its figures and returns whether the claim held."""
    round_id, token = make_round(database_url, items)
    item_ids = [f"n{i}" for i in range(1, items + 1)]
    tally = Tally()
    work: queue.Queue[int] = queue.Queue()
    for n in range(participants):
        work.put(n)

    with tempfile.NamedTemporaryFile(prefix="citycanvas-rounds-load-", suffix=".log", delete=False) as log:
        process, base = start_gunicorn(database_url, workers, log)
        try:

            def client() -> None:
                while True:
                    try:
                        n = work.get_nowait()
                    except queue.Empty:
                        return
                    group, ratings, comments = choices(n, item_ids)
                    try:
                        where = address(0) if same_address else address(n)
                        Browser(base, where, tally).participate(token, group, ratings, comments)
                    except Refused:
                        pass

            threads = [threading.Thread(target=client) for _ in range(clients)]
            began = time.monotonic()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            wall = time.monotonic() - began
        finally:
            stop(process)

    store = Store.open(database_url)
    try:
        stored = {(a.participant, a.group, a.item, a.rating, a.comment) for a in store.list_answers(round_id)}
    finally:
        store.close()
    lost = tally.acknowledged - stored
    unacknowledged_stored = stored - tally.acknowledged
    expected = participants * items
    submissions = tally.joined + tally.saved_pages
    requests = sum(len(v) for v in tally.latency.values())

    print(f"\n{name}: {participants} participants × {items} items, {clients} concurrent clients, {workers} worker(s)")
    print(f"  participants joined {tally.joined}, pages of answers saved {tally.saved_pages}")
    print(
        f"  answers acknowledged {len(tally.acknowledged)} / stored {len(stored)} / lost {len(lost)}"
        f"  (stored but not acknowledged {len(unacknowledged_stored)}, sent but not acknowledged"
        f" {tally.sent_unacknowledged})"
    )
    print(
        f"  wall time {wall:.1f} s ({'within' if wall <= TARGET_SECONDS else 'OVER'} {TARGET_SECONDS / 60:.0f} min);"
        f" {submissions / wall:.1f} submissions/s (consent + save), {len(tally.acknowledged) / wall:.0f} answers/s,"
        f" {requests / wall:.1f} requests/s"
    )
    print(f"  {'request':<14} {'count':>6} {'median ms':>10} {'p95 ms':>8} {'max ms':>8} {'errors':>7}")
    for kind in KINDS:
        times = sorted(tally.latency[kind])
        if times:
            p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
            print(
                f"  {kind:<14} {len(times):>6} {statistics.median(times) * 1000:>10.1f} {p95 * 1000:>8.1f}"
                f" {times[-1] * 1000:>8.1f} {tally.errors[kind]:>7}"
            )
        else:
            print(f"  {kind:<14} {0:>6} {'-':>10} {'-':>8} {'-':>8} {tally.errors[kind]:>7}")
    for line in tally.first_errors:
        print(f"  error: {line}")
    problems = []
    if lost:
        problems.append(f"{len(lost)} acknowledged answers are not stored, e.g. {sorted(lost, key=str)[:3]}")
    if len(tally.acknowledged) != expected:
        problems.append(f"{len(tally.acknowledged)} of {expected} answers acknowledged")
    if wall > TARGET_SECONDS:
        problems.append(f"{wall:.0f} s is over {TARGET_SECONDS:.0f} s")
    if problems:
        print(f"  CLAIM NOT MET: {'; '.join(problems)} (gunicorn log: {log.name})")
    else:
        print("  claim met: every participant answered, none lost, within 10 minutes")
        os.unlink(log.name)
    return not problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--participants", type=int, default=500)
    parser.add_argument("--items", type=int, default=20, help="items of the round (at most 100)")
    parser.add_argument("--clients", type=int, default=20, help="participants answering at the same time (threads)")
    parser.add_argument("--postgres-url", default=DEFAULT_PG, help="a server to create the throwaway database on")
    parser.add_argument("--sqlite", action="store_true", help="also run against SQLite with 1 gunicorn worker")
    parser.add_argument(
        "--same-address",
        action="store_true",
        help="every participant from one address: the per-address limit refuses past 60 submissions (exits 1)",
    )
    args = parser.parse_args()
    ok = True
    pg = postgres_database(args.postgres_url)
    if pg is None:
        sys.exit(2)
    try:
        ok = run("PostgreSQL", pg[0], 2, args.participants, args.items, args.clients, args.same_address) and ok
    finally:
        pg[1]()
    if args.sqlite:
        with tempfile.TemporaryDirectory(prefix="citycanvas-rounds-load-") as folder:
            url = f"sqlite:///{folder}/rounds.sqlite3"
            ok = run("SQLite", url, 1, args.participants, args.items, args.clients, args.same_address) and ok
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
