"""Simulated editors and the checker of their outcome: no acknowledged save lost, every stale save refused.

Editor ``n`` moves its own actor ``e<n>`` to a new, unique position on every edit, always based on
the last version it knows (the version its last save produced, or the newer version a conflict
answer named, as a user who clicks "reload theirs" would). A save is acknowledged when the answer
carries the new version. Afterwards :func:`check_history` proves from the stored revisions that

* every acknowledged save is a revision, saved right on top of the version the editor saw
  (``version == base + 1``: nothing in between was silently overwritten), holding that edit;
* every revision, up to the head, still shows each actor where its last acknowledged edit put it
  (no last-writer-wins loss);
* every refused save was really stale (the conflict names a newer version);
* no request failed (no 5xx, no connection error).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

Outcome = tuple[str, Any]
"""``("ack", new version)``, ``("conflict", their version)`` or ``("error", detail)``."""
PostEdit = Callable[[int, int, list[float]], Outcome]
"""``post(editor, base version, position of e<editor>)``: one edit, as the server answered it."""


@dataclass(frozen=True)
class Ack:
    editor: int
    base: int
    version: int
    position: tuple[float, float]


@dataclass
class Run:
    """Everything the editors saw."""

    acks: list[Ack] = field(default_factory=list)
    conflicts: list[tuple[int, int, int]] = field(default_factory=list)  # (editor, base, theirs)
    errors: list[str] = field(default_factory=list)
    requests: int = 0

    @property
    def acknowledged(self) -> int:
        return len(self.acks)


def configuration_for(editors: int) -> dict[str, Any]:
    """A configuration with one actor per editor (``e0``, ``e1``...), in the citycanvas/1 format."""
    return {
        "name": "Concurrency test",
        "actors": [
            {"id": f"e{n}", "name": f"Editor {n}'s actor", "type": "citizen", "position": {"x": 0, "y": 0}}
            for n in range(editors)
        ],
    }


def run_editors(
    post: PostEdit,
    editors: int,
    seconds: float,
    start_version: int = 1,
    stop: threading.Event | None = None,
    run: Run | None = None,
) -> Run:
    """``editors`` threads edit for ``seconds`` (or until ``stop`` is set); returns what they saw."""
    run = run or Run()
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    stop = stop or threading.Event()

    def editor(n: int) -> None:
        known, seq = start_version, 0
        while time.monotonic() < deadline and not stop.is_set():
            seq += 1
            position = [float(n * 100_000 + seq), float(seq)]
            try:
                kind, value = post(n, known, position)
            except Exception as exc:  # noqa: BLE001 - a failed request is a finding, not a crash of the test
                kind, value = "error", f"{type(exc).__name__}: {exc}"
            with lock:
                run.requests += 1
                if kind == "ack":
                    run.acks.append(Ack(n, known, int(value), (position[0], position[1])))
                    known = int(value)
                elif kind == "conflict":
                    run.conflicts.append((n, known, int(value)))
                    known = int(value)
                else:
                    run.errors.append(str(value))
            if kind == "error":
                time.sleep(0.05)

    threads = [threading.Thread(target=editor, args=(n,), daemon=True) for n in range(editors)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 120)
    return run


def check_history(
    run: Run,
    versions: Iterable[int],
    position_at: Callable[[int, str], tuple[float, float]],
    editors: int,
    start_version: int = 1,
    *,
    strict: bool = True,
) -> list[str]:
    """Problems found (empty: no lost update). ``position_at(version, actor)`` reads a stored revision.

    ``strict``: every stored revision must have been acknowledged to someone. After a crash a save can
    commit while its answer is lost with the server, so the crash test turns this off.
    """
    problems = [f"request failed: {e}" for e in run.errors[:5]]
    if len(run.errors) > 5:
        problems.append(f"... {len(run.errors)} failed requests in all")
    stored = set(versions)
    by_version: dict[int, Ack] = {}
    for ack in run.acks:
        if ack.version in by_version:
            problems.append(
                f"version {ack.version} acknowledged twice (editors {by_version[ack.version].editor}, {ack.editor})"
            )
        by_version[ack.version] = ack
        if ack.version not in stored:
            problems.append(f"editor {ack.editor}'s acknowledged version {ack.version} is not in the history")
            continue
        if ack.version != ack.base + 1:
            problems.append(
                f"editor {ack.editor} saved version {ack.version} over base {ack.base}: "
                f"{ack.version - ack.base - 1} newer revision(s) overwritten"
            )
        if position_at(ack.version, f"e{ack.editor}") != ack.position:
            problems.append(f"version {ack.version} does not hold editor {ack.editor}'s edit")
    unexplained = stored - set(by_version) - {start_version}
    if unexplained and strict:
        problems.append(f"revisions nobody was told about: {sorted(unexplained)[:10]}")
    for editor, base, theirs in run.conflicts:
        if theirs <= base:
            problems.append(f"editor {editor} got a conflict at base {base}, but 'theirs' is {theirs}")
    problems += replay(by_version, sorted(stored), position_at, editors, start_version, strict)
    return problems


def replay(
    by_version: dict[int, Ack],
    versions: list[int],
    position_at: Callable[[int, str], tuple[float, float]],
    editors: int,
    start_version: int,
    strict: bool,
) -> list[str]:
    """Walk the history in order: each revision must show every actor where its last acknowledged edit put it.

    A last-writer-wins save shows up here: it writes the stale positions of the other actors back.
    Not strict (after a crash): a revision nobody was told about may move one actor, to a position
    its own editor sent.
    """
    actors = [f"e{n}" for n in range(editors)]
    expected = {actor: position_at(start_version, actor) for actor in actors}
    problems: list[str] = []
    for version in versions:
        if version == start_version:
            continue
        ack = by_version.get(version)
        if ack is not None:
            expected[f"e{ack.editor}"] = ack.position
        for n, actor in enumerate(actors):
            actual = position_at(version, actor)
            if actual == expected[actor]:
                continue
            if ack is None and not strict and actual[0] // 100_000 == n:
                expected[actor] = actual  # an unanswered save of that editor's own edit
                continue
            problems.append(
                f"version {version}: {actor} is at {actual}, but its last acknowledged edit put it "
                f"at {expected[actor]}: a lost update"
            )
            expected[actor] = actual  # report each loss once
    return problems
