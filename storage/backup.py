"""Backups of an SQLite store (``canvas-app db backup`` / ``db restore``) and the PostgreSQL commands.

SQLite is copied with its online backup API (``sqlite3.Connection.backup``): a consistent copy
while the app keeps running, WAL included. Every file this module writes is first written beside
its target and renamed over it, so a crash or a full disk never leaves half a database. PostgreSQL
is backed up by its own tools; :func:`pg_dump_command` and :func:`pg_restore_command` spell them out.
"""

from __future__ import annotations

import os
import shlex
import sqlite3
from contextlib import closing
from pathlib import Path

from sqlalchemy.engine import URL

from storage.engine import is_sqlite


class BackupError(Exception):
    """A backup or restore that was refused; nothing was replaced. The message says why."""


class BackupFailed(BackupError):
    """The copy itself failed (a disk or I/O error from SQLite); nothing was replaced."""


def sqlite_path(url: URL) -> Path:
    """The database file of an SQLite ``url``; an in-memory database has none to back up."""
    database = url.database or ""
    if not is_sqlite(url) or database in ("", ":memory:") or database.startswith("file::memory:"):
        raise BackupError(f"{url.render_as_string(hide_password=True)} is not an SQLite file")
    return Path(database).expanduser()


def backup_sqlite(url: URL, target: Path, *, force: bool = False) -> None:
    """Copy the SQLite database of ``url`` to ``target`` (one self-contained file, checked before it is kept)."""
    source = sqlite_path(url)
    if not source.is_file():
        raise BackupError(f"there is no database at {source}")
    if target.exists() and not force:
        raise BackupError(f"{target} exists; give --force to replace it")
    try:
        with closing(sqlite3.connect(source)) as db:
            _copy_atomically(db, target)
    except sqlite3.Error as exc:
        raise BackupFailed(str(exc)) from exc


def restore_sqlite(backup: Path, url: URL, *, force: bool = False) -> None:
    """Replace the SQLite database of ``url`` with ``backup``.

    Refused when ``backup`` is no CityCanvas database, and when the target holds data unless
    ``force``. Stop the app first: a database in use cannot be replaced.
    """
    target = sqlite_path(url)
    if not backup.is_file():
        raise BackupError(f"there is no backup file {backup}")
    with closing(sqlite3.connect(_read_only(backup), uri=True)) as db:
        try:
            tables = _tables(db)
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"{backup} is not an SQLite database ({exc})") from None
        if "alembic_version" not in tables:
            raise BackupError(f"{backup} is not a CityCanvas database (it has no schema revision)")
        if target.exists():
            _release(target, force=force)
        try:
            _copy_atomically(db, target)
        except sqlite3.Error as exc:
            raise BackupFailed(str(exc)) from exc


def has_data(path: Path) -> bool:
    """True if any table but the schema revision holds a row (an upgraded empty database has none)."""
    with closing(sqlite3.connect(_read_only(path), uri=True)) as db:
        return any(
            db.execute(f'SELECT 1 FROM "{table}" LIMIT 1').fetchone() is not None  # noqa: S608 - names from sqlite_master
            for table in _tables(db)
            if table != "alembic_version"
        )


def pg_dump_command(url: URL, file: Path) -> str:
    """The pg_dump line that writes the database of ``url`` to ``file`` (custom format, for pg_restore)."""
    return shlex.join(["pg_dump", "--format=custom", f"--file={file}", _libpq_url(url)])


def pg_restore_command(url: URL, file: Path) -> str:
    """The pg_restore line that replaces the database of ``url``'s contents with those of ``file``."""
    return shlex.join(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            f"--dbname={_libpq_url(url)}",
            str(file),
        ]
    )


def _libpq_url(url: URL) -> str:
    """``url`` as libpq reads it (no ``+psycopg``), without its password (pg_dump takes it from ~/.pgpass or PGPASSWORD)."""
    bare = URL.create("postgresql", url.username, None, url.host, url.port, url.database, url.query)
    return bare.render_as_string(hide_password=False)


def _read_only(path: Path) -> str:
    return f"{path.resolve().as_uri()}?mode=ro"


def _tables(db: sqlite3.Connection) -> list[str]:
    return [
        row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    ]


def _release(target: Path, *, force: bool) -> None:
    """Check ``target`` may be replaced and fold its WAL into it, so no stale ``-wal`` outlives the rename."""
    if has_data(target) and not force:
        raise BackupError(f"{target} holds data; give --force to replace it with the backup")
    try:
        with closing(sqlite3.connect(target, timeout=1)) as db:
            db.execute("PRAGMA journal_mode = DELETE")  # checkpoints and removes the -wal; fails while in use
    except sqlite3.OperationalError as exc:
        raise BackupError(f"{target} is in use ({exc}); stop the app and the workers, then restore") from None


def _copy_atomically(source: sqlite3.Connection, target: Path) -> None:
    """``source`` into a fresh file beside ``target``, checked, synced, then renamed over ``target``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        with closing(sqlite3.connect(tmp)) as copy:
            source.backup(copy)
            copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal beside it
            problem = copy.execute("PRAGMA integrity_check").fetchone()[0]
            if problem != "ok":
                raise BackupError(f"the copy failed its integrity check ({problem}); nothing was replaced")
        with open(tmp, "rb+") as written:
            os.fsync(written.fileno())
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


__all__ = [
    "BackupError",
    "BackupFailed",
    "backup_sqlite",
    "restore_sqlite",
    "has_data",
    "pg_dump_command",
    "pg_restore_command",
]
