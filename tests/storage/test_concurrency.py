"""No lost update, ever: concurrent savers from the same base, on both engines."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from canvas_app.model import dump_configuration, parse_configuration
from storage import ConflictError, Store

WORKER = Path(__file__).with_name("store_worker.py")


def test_same_base_exactly_one_wins_per_version(store: Store, make_config) -> None:
    """Eight threads save from the same base, round after round: one wins, seven get the conflict."""
    threads, rounds = 8, 12
    ws = store.create_workspace("Oulu", author="ann")
    head = store.create_configuration(ws.id, make_config(actors=2), author="ann")
    barrier = threading.Barrier(threads)
    base_holder = {"version": 1}
    outcomes: list[list[tuple[str, object]]] = [[] for _ in range(rounds)]
    lock = threading.Lock()

    def editor(n: int) -> None:
        for r in range(rounds):
            barrier.wait()
            base = base_holder["version"]
            config = make_config(actors=3, tag=f"round {r} by editor {n}")
            try:
                saved = store.save(head.id, config, base_version=base, author=f"editor{n}")
                result: tuple[str, object] = ("won", (saved.version, dump_configuration(config)))
            except ConflictError as exc:
                result = ("conflict", exc)
            with lock:
                outcomes[r].append(result)
            barrier.wait()
            if n == 0:
                base_holder["version"] = store.get_configuration(head.id).version
            barrier.wait()

    workers = [threading.Thread(target=editor, args=(n,)) for n in range(threads)]
    for t in workers:
        t.start()
    for t in workers:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in workers)

    for r, results in enumerate(outcomes):
        winners = [value for kind, value in results if kind == "won"]
        conflicts = [value for kind, value in results if kind == "conflict"]
        assert len(winners) == 1 and len(conflicts) == threads - 1, f"round {r}: {results}"
        version, content = winners[0]
        assert version == r + 2
        for exc in conflicts:  # every loser is told about exactly the winning revision
            assert exc.current.version == version and dump_configuration(exc.current_config) == content
        assert dump_configuration(store.load(head.id, version)[0]) == content
    assert [rev.version for rev in store.revisions(head.id)] == list(range(1, rounds + 2))


def test_processes_editing_lose_nothing(store_url: str, make_config) -> None:
    """Four processes each land 15 saves, rebasing on conflicts: every acknowledged save is
    in the history exactly once, versions have no gaps, and the head holds every edit."""
    processes, saves = 4, 15
    with Store.open(store_url, upgrade=False) as store:
        ws = store.create_workspace("Oulu", author="ann")
        head = store.create_configuration(ws.id, make_config(actors=2), author="ann")
    procs = [
        subprocess.Popen(
            [sys.executable, str(WORKER), store_url, str(head.id), f"p{n}", str(saves)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(processes)
    ]
    acked: list[dict] = []
    conflicts = 0
    for proc in procs:
        out, err = proc.communicate(timeout=180)
        assert proc.returncode == 0, err
        for line in out.splitlines():
            record = json.loads(line)
            if "conflicts" in record:
                conflicts += record["conflicts"]
            else:
                acked.append(record)
    total = processes * saves
    assert len(acked) == total
    assert sorted(r["version"] for r in acked) == list(range(2, total + 2))  # one winner per version
    with Store.open(store_url, upgrade=False) as store:
        assert [r.version for r in store.revisions(head.id)] == list(range(1, total + 2))
        for record in acked:
            content = dump_configuration(store.load(head.id, record["version"])[0])
            assert hashlib.sha256(content.encode()).hexdigest() == record["sha"]
        final, final_head = store.load(head.id)
        assert final_head.version == total + 1
        assert {r["actor"] for r in acked} <= {a.id for a in final.actors}  # no edit lost on rebase
    print(f"{total} saves, {conflicts} conflicts reported, 0 lost")


def test_failed_write_leaves_previous_state(store: Store, make_config, monkeypatch) -> None:
    """A failure after the head row was updated rolls the whole save back."""
    ws = store.create_workspace("Oulu", author="ann")
    head = store.create_configuration(ws.id, make_config(actors=2), author="ann")

    def boom(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(Store, "_revision", boom)
    with pytest.raises(RuntimeError):
        store.save(head.id, make_config(actors=5), base_version=1, author="ann")
    monkeypatch.undo()
    assert store.get_configuration(head.id).version == 1
    assert [r.version for r in store.revisions(head.id)] == [1]
    assert store.save(head.id, make_config(actors=5), base_version=1, author="ann").version == 2
    assert parse_configuration(dump_configuration(store.load(head.id)[0])) == make_config(actors=5)
