"""A writer killed with SIGKILL mid-series loses no acknowledged revision, on both engines."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import text

from canvas_app.model import dump_configuration
from storage import Store

WORKER = Path(__file__).with_name("store_worker.py")


def _run_and_kill(url: str, config_id: int, name: str, acks_before_kill: int) -> list[dict]:
    """Start a worker that saves until killed; SIGKILL it once it has acknowledged enough saves."""
    proc = subprocess.Popen(
        [sys.executable, str(WORKER), url, str(config_id), name, "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    acked: list[dict] = []
    deadline = time.monotonic() + 120
    assert proc.stdout is not None
    for line in proc.stdout:
        acked.append(json.loads(line))
        if len(acked) >= acks_before_kill or time.monotonic() > deadline:
            break
    # kill at an arbitrary moment of the next save (a save is a few ms long)
    time.sleep((len(acked) % 7) / 1000)
    os.kill(proc.pid, signal.SIGKILL)
    rest, err = proc.communicate(timeout=30)
    acked.extend(json.loads(line) for line in rest.splitlines() if line.strip())  # printed just before the kill
    assert proc.returncode == -signal.SIGKILL, err
    return acked


def test_sigkill_mid_saves_loses_no_acknowledged_revision(store_url: str, make_config) -> None:
    with Store.open(store_url, upgrade=False) as store:
        ws = store.create_workspace("Oulu", author="ann")
        head = store.create_configuration(ws.id, make_config(actors=2), author="ann")

    acked: list[dict] = []
    for round_ in range(3):  # kill, restart, kill again: each restart continues from the stored head
        acked += _run_and_kill(store_url, head.id, f"w{round_}", acks_before_kill=40 + 7 * round_)

    with Store.open(store_url, upgrade=False) as store:  # "restart"
        if store.engine.dialect.name == "sqlite":
            with store.engine.connect() as conn:
                assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
                assert conn.execute(text("PRAGMA foreign_key_check")).all() == []
        history = store.revisions(head.id)
        versions = [r.version for r in history]
        current = store.get_configuration(head.id)
        assert versions == list(range(1, len(versions) + 1)), "gap in the revision history"
        assert current.version == versions[-1], "head and history disagree"
        by_version = {r["version"]: r for r in acked}
        assert len(by_version) == len(acked), "a version was acknowledged twice"
        for version, record in by_version.items():
            content = dump_configuration(store.load(head.id, version)[0])
            assert hashlib.sha256(content.encode()).hexdigest() == record["sha"], f"version {version} differs"
        store.load(head.id)  # the head validates
        # the store still takes writes after the crashes
        config, latest = store.load(head.id)
        assert (
            store.save(head.id, make_config(actors=9), base_version=latest.version, author="ann").version
            == latest.version + 1
        )
    assert len(acked) >= 3 * 40
