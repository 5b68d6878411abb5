"""Eight editors on one configuration through gunicorn (2 workers) on PostgreSQL: no lost update, ever.

The edits are real ``/_dash-update-component`` requests built from ``/_dash-dependencies`` like the
browser's: the node-move input (``ed-moved``, what canvas.js sends after a drag) with the version
the editor last saw. The negative control runs the same editors and checker against a
last-writer-wins save and shows the checker fails it.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field

import pytest

from canvas_app.model import parse_configuration
from dash_client import DEPLOY_PASSWORD, DashClient
from editors import PostEdit, Run, check_history, configuration_for, run_editors
from layouts.ids import ID

EDITORS = 8
SECONDS = 20.0


def http_edits(base_url: str, configuration_id: int, user: str | None = None) -> PostEdit:
    """Each editor posts the move callback over HTTP with its last-known version (signed in as
    ``user`` when accounts are on)."""
    clients: dict[int, DashClient] = {}
    lock = threading.Lock()

    def client_of(editor: int) -> DashClient:
        with lock:
            if editor not in clients:
                clients[editor] = DashClient(base_url, user=user, password=DEPLOY_PASSWORD)
            return clients[editor]

    def post(editor: int, base: int, position: list[float]):
        client = client_of(editor)
        value = {"positions": {f"e{editor}": position}, "nonce": time.time()}
        status, answer = client.call(
            ID.moved, "data", value, {f"{ID.config_id}.data": configuration_id, f"{ID.version}.data": base}
        )
        if status != 200:
            return "error", f"HTTP {status}: {str(answer)[:300]}"
        response = answer.get("response", {})
        if ID.version in response:
            return "ack", response[ID.version]["data"]
        conflict = (response.get(ID.conflict) or {}).get("data")
        if conflict:
            return "conflict", conflict["theirs"]
        return "error", f"neither saved nor refused: {str(answer)[:300]}"

    return post


def stored_positions(store, configuration_id: int):
    """``position_at(version, actor)`` over the store (revisions are immutable: cache them)."""
    cache: dict[int, object] = {}

    def position_at(version: int, actor: str) -> tuple[float, float]:
        if version not in cache:
            cache[version] = store.load(configuration_id, version)[0]
        found = cache[version].actor(actor)  # type: ignore[attr-defined]  # store.load gives a Configuration
        return (found.position.x, found.position.y) if found and found.position else (float("nan"), 0.0)

    return position_at


def verify(store, configuration_id: int, run: Run, editors: int = EDITORS, *, strict: bool = True) -> list[str]:
    versions = [r.version for r in store.revisions(configuration_id)]
    return check_history(run, versions, stored_positions(store, configuration_id), editors, strict=strict)


def new_configuration(store, editors: int = EDITORS, owner_id: int | None = None) -> int:
    workspace = store.create_workspace(f"Deploy {time.time_ns()}", author="deploy-test", owner_id=owner_id)
    return store.create_configuration(
        workspace.id, parse_configuration(configuration_for(editors)), author="deploy-test"
    ).id


@dataclass
class JobRun:
    """What signed-in users polling background jobs saw."""

    results: int = 0
    busy: int = 0
    problems: list[str] = field(default_factory=list)


def poll_jobs(
    base_url: str, configuration_id: int, version: int, user: str, stop: threading.Event, run: JobRun
) -> None:
    """Press "Suggest modules" and poll the job to its end, as the browser does (nulls in the poll), until
    ``stop``; every answer must be this configuration's flags, a busy refusal, never an error."""
    client = DashClient(base_url, user=user, password=DEPLOY_PASSWORD, timeout=60)
    values = {f"{ID.config_id}.data": configuration_id, f"{ID.version}.data": version}
    body = client.body(ID.suggest, "n_clicks", 1, values)
    blank = client.body(ID.suggest, "n_clicks", None)
    while not stop.is_set():
        status, raw = client.post(body)
        answer = json.loads(raw) if status == 200 and raw else {}
        if status != 200 or not isinstance(answer, dict):
            run.problems.append(f"{user}: start answered {status}: {raw[:200]!r}")
            return
        if "cacheKey" not in answer:
            run.busy += 1  # refused: the slots were full; the page says so
            time.sleep(0.5)
            continue
        handles = {"cacheKey": answer["cacheKey"], "job": answer["job"]}
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            status, raw = client.post(blank, query=handles)
            polled = json.loads(raw) if status == 200 and raw else None
            if status != 200 or polled is None:
                run.problems.append(f"{user}: poll answered {status}: {raw[:200]!r}")
                return
            if "response" in polled:
                if "recs" not in raw.decode():
                    run.problems.append(f"{user}: a result without recommendations: {raw[:200]!r}")
                run.results += 1
                break
            time.sleep(0.3)
        else:
            run.problems.append(f"{user}: a job never finished")
            return


@pytest.mark.postgres
@pytest.mark.parametrize("accounts", [False, True], ids=["accounts-off", "accounts-on"])
def test_dep001_eight_editors_through_gunicorn_lose_nothing(pg_url, gunicorn, accounts):
    """With accounts on, the editors sign in, and two more signed-in users press "Suggest modules"
    and poll their jobs all along: each gets its own results or a busy refusal, never an error."""
    from canvas_app.web.auth import hash_password
    from storage import Store

    server = gunicorn(pg_url, workers=2, accounts=accounts)
    with Store.open(pg_url) as store:
        owner = store.create_user("editor", hash_password(DEPLOY_PASSWORD)) if accounts else None
        configuration_id = new_configuration(store, owner_id=owner.id if owner else None)
        jobs, stop, pollers = JobRun(), threading.Event(), []
        if accounts:
            workspace_id = store.get_configuration(configuration_id).workspace_id
            for name in ("planner", "reviewer"):
                store.create_user(name, hash_password(DEPLOY_PASSWORD))
                store.add_member(workspace_id, name, "viewer", added_by="editor")
                pollers.append(
                    threading.Thread(
                        target=poll_jobs, daemon=True, args=(server.base_url, configuration_id, 1, name, stop, jobs)
                    )
                )
            for poller in pollers:
                poller.start()
        run = run_editors(
            http_edits(server.base_url, configuration_id, "editor" if accounts else None), EDITORS, SECONDS
        )
        stop.set()
        for poller in pollers:
            poller.join(timeout=150)
        problems = verify(store, configuration_id, run)
    print(
        f"{run.requests} edits: {run.acknowledged} saved, {len(run.conflicts)} refused as stale, "
        f"{len(run.errors)} failed; background jobs: {jobs.results} results, {jobs.busy} busy refusals"
    )
    assert problems == []
    assert run.errors == []
    assert run.acknowledged > 50 and run.conflicts, "the run must really race"
    assert run.acknowledged + len(run.conflicts) == run.requests
    assert jobs.problems == []
    if accounts:
        assert jobs.results >= 2, "the signed-in users got their jobs' results"


def test_dep002_the_checker_catches_last_writer_wins(tmp_path):
    """Negative control: the same editors and checker, in-process on SQLite, with a save that ignores
    the base version (last writer wins) are caught; with the real save, the same run is clean."""
    from callbacks.editor_edits import handle_edit
    from canvas_app.web.services import Services
    from canvas_app.web.settings import Settings
    from storage import Store

    class LastWriterWins:
        """The real store, except that a save is always based on the current head."""

        def __init__(self, store):
            self._store = store

        def __getattr__(self, name):
            return getattr(self._store, name)

        def save(self, configuration_id, config, *, base_version, **kwargs):
            head = self._store.get_configuration(configuration_id).version
            return self._store.save(configuration_id, config, base_version=head, **kwargs)

    def in_process_edits(services: Services, configuration_id: int) -> PostEdit:
        def post(editor: int, base: int, position: list[float]):
            value = {"positions": {f"e{editor}": position}, "nonce": time.time()}
            out = handle_edit(services, ID.moved, value, {"config_id": configuration_id, "version": base})
            if isinstance(out.get("version"), int):
                return "ack", out["version"]
            if isinstance(out.get("conflict"), dict):
                return "conflict", out["conflict"]["theirs"]
            return "error", str(out.get("message"))

        return post

    results = {}
    for name, wrap in (("real", lambda s: s), ("last-writer-wins", LastWriterWins)):
        with Store.open(f"sqlite:///{tmp_path}/{name}.sqlite3") as store:
            configuration_id = new_configuration(store, editors=4)
            services = Services(settings=Settings(database_url=store.url, author="t"), store=wrap(store))
            run = run_editors(in_process_edits(services, configuration_id), editors=4, seconds=3.0)
            results[name] = (run, verify(store, configuration_id, run, editors=4))
    real_run, real_problems = results["real"]
    assert real_problems == [] and real_run.acknowledged > 5
    broken_run, broken_problems = results["last-writer-wins"]
    assert broken_run.acknowledged > 5
    assert any("overwritten" in p for p in broken_problems), broken_problems[:5]
    assert any("lost update" in p for p in broken_problems), broken_problems[:5]
