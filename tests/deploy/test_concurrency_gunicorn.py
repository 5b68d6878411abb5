"""Eight editors on one configuration through gunicorn (2 workers) on PostgreSQL: no lost update, ever.

The edits are real ``/_dash-update-component`` requests built from ``/_dash-dependencies`` like the
browser's: the node-move input (``ed-moved``, what canvas.js sends after a drag) with the version
the editor last saw. The negative control runs the same editors and checker against a
last-writer-wins save and shows the checker fails it.
"""

from __future__ import annotations

import time

import pytest

from canvas_app.model import parse_configuration
from dash_client import DashClient
from editors import PostEdit, Run, check_history, configuration_for, run_editors
from layouts.ids import ID

EDITORS = 8
SECONDS = 20.0


def http_edits(base_url: str, configuration_id: int) -> PostEdit:
    """Each editor posts the move callback over HTTP with its last-known version."""
    clients: dict[int, DashClient] = {}

    def post(editor: int, base: int, position: list[float]):
        client = clients.get(editor) or clients.setdefault(editor, DashClient(base_url))
        value = {"positions": {f"e{editor}": position}, "nonce": time.time()}
        status, answer = client.call(ID.moved, "data", value,
                                     {f"{ID.config_id}.data": configuration_id, f"{ID.version}.data": base})
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
        found = cache[version].actor(actor)  # type: ignore[attr-defined]
        return (found.position.x, found.position.y) if found and found.position else (float("nan"), 0.0)

    return position_at


def verify(store, configuration_id: int, run: Run, editors: int = EDITORS, *, strict: bool = True) -> list[str]:
    versions = [r.version for r in store.revisions(configuration_id)]
    return check_history(run, versions, stored_positions(store, configuration_id), editors, strict=strict)


def new_configuration(store, editors: int = EDITORS) -> int:
    workspace = store.create_workspace(f"Deploy {time.time_ns()}", author="deploy-test")
    return store.create_configuration(workspace.id, parse_configuration(configuration_for(editors)),
                                      author="deploy-test").id


@pytest.mark.postgres
def test_dep001_eight_editors_through_gunicorn_lose_nothing(pg_url, gunicorn):
    from storage import Store

    server = gunicorn(pg_url, workers=2)
    with Store.open(pg_url) as store:
        configuration_id = new_configuration(store)
        run = run_editors(http_edits(server.base_url, configuration_id), EDITORS, SECONDS)
        problems = verify(store, configuration_id, run)
    print(f"{run.requests} edits: {run.acknowledged} saved, {len(run.conflicts)} refused as stale, "
          f"{len(run.errors)} failed")
    assert problems == []
    assert run.errors == []
    assert run.acknowledged > 50 and run.conflicts, "the run must really race"
    assert run.acknowledged + len(run.conflicts) == run.requests


def test_dep002_the_checker_catches_last_writer_wins(tmp_path):
    """Negative control: the same editors and checker, in-process on SQLite, with a save that ignores
    the base version (last writer wins) are caught; with the real save, the same run is clean."""
    from callbacks.editor import handle_edit
    from callbacks.services import Services
    from canvas_app.settings import Settings
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
