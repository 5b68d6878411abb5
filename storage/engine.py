"""Where the database is and how to connect to it safely.

SQLite is tuned for several writers (gunicorn workers, CLI) on one file: WAL so
readers never block the writer, a busy timeout so writers queue instead of
failing, ``BEGIN IMMEDIATE`` for write transactions so a read-then-write never
dies half-way with SQLITE_BUSY, and ``synchronous=FULL`` so an acknowledged
save survives a power cut, not only a killed process.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import platformdirs
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import StaticPool

APP_NAME = "citycanvas"
DB_FILENAME = "citycanvas.sqlite3"
WRITE_OPTION = "citycanvas_write"
"""Execution option that makes a SQLite transaction start with BEGIN IMMEDIATE."""
SQLITE_BUSY_TIMEOUT_MS = 30_000


def default_sqlite_path() -> Path:
    """The per-user database file, e.g. ``~/.local/share/citycanvas/citycanvas.sqlite3``."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / DB_FILENAME


def resolve_url(url: str | URL | None = None) -> URL:
    """An explicit URL, else the per-user SQLite file (the shell's settings supply ``DATABASE_URL``).

    ``postgres://`` and ``postgresql://`` (Heroku style) are mapped to psycopg 3,
    the driver this project installs.
    """
    if url is None:
        return URL.create("sqlite+pysqlite", database=str(default_sqlite_path()))
    parsed = make_url(url) if isinstance(url, str) else url
    if parsed.drivername in ("postgres", "postgresql"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.drivername == "sqlite":
        parsed = parsed.set(drivername="sqlite+pysqlite")
    return parsed


def is_sqlite(url: URL) -> bool:
    return url.get_backend_name() == "sqlite"


def make_engine(url: str | URL | None = None, **kwargs: Any) -> Engine:
    """Create an engine with the safety settings above (SQLite) or a checked pool (PostgreSQL)."""
    resolved = resolve_url(url)
    if not is_sqlite(resolved):
        kwargs.setdefault("pool_pre_ping", True)
        return create_engine(resolved, **kwargs)
    database = resolved.database or ""
    in_memory = database in ("", ":memory:") or database.startswith("file::memory:")
    if in_memory:
        kwargs.setdefault("poolclass", StaticPool)
    else:
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    connect_args = kwargs.pop("connect_args", {})
    connect_args.setdefault("timeout", SQLITE_BUSY_TIMEOUT_MS / 1000)
    connect_args.setdefault("check_same_thread", False)
    engine = create_engine(resolved, connect_args=connect_args, **kwargs)
    _install_sqlite_listeners(engine, wal=not in_memory)
    return engine


def _install_sqlite_listeners(engine: Engine, *, wal: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # pysqlite's own BEGIN handling is off: SQLAlchemy's "begin" event emits it,
        # so every transaction (DDL included) is a real one that we choose the mode of.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA foreign_keys = ON")
            if wal:
                cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = FULL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        mode = "IMMEDIATE" if connection.get_execution_options().get(WRITE_OPTION) else "DEFERRED"
        connection.exec_driver_sql(f"BEGIN {mode}")
