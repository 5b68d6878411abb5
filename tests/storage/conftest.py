"""Fixtures: every storage test runs on a real SQLite file and on a real PostgreSQL.

PostgreSQL comes from ``CITYCANVAS_TEST_POSTGRES_URL`` (default: the local
server of these machines). Each test run creates its own throwaway database and
drops it afterwards; when the server is unreachable the PostgreSQL variants are
SKIPPED with the reason, never passed silently.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url

from canvas_app.model import Configuration, parse_configuration
from storage import Store
from storage.models import Base

PG_ADMIN_URL = os.environ.get("CITYCANVAS_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
ENGINES = [pytest.param("sqlite", id="sqlite"), pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres)]


class PostgresServer:
    """Creates and drops throwaway databases on the test server."""

    def __init__(self, admin_url: str):
        self.admin_url = make_url(admin_url).set(drivername="postgresql+psycopg")
        self._admin = create_engine(self.admin_url, isolation_level="AUTOCOMMIT", pool_pre_ping=True)
        self.created: list[str] = []

    def check(self) -> None:
        with self._admin.connect() as conn:
            conn.execute(text("SELECT 1"))

    def create_database(self) -> URL:
        name = f"citycanvas_test_{os.getpid()}_{uuid.uuid4().hex[:10]}"
        with self._admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        self.created.append(name)
        return self.admin_url.set(database=name)

    def drop_database(self, url: URL) -> None:
        with self._admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
        if url.database in self.created:
            self.created.remove(url.database)

    def close(self) -> None:
        for name in list(self.created):
            self.drop_database(self.admin_url.set(database=name))
        self._admin.dispose()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    server = PostgresServer(PG_ADMIN_URL)
    try:
        server.check()
    except Exception as exc:  # noqa: BLE001 - any failure to connect means "skip, and say why"
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        pytest.skip(
            f"PostgreSQL not reachable at {server.admin_url.render_as_string(hide_password=True)}: {first_line}"
        )
    yield server
    server.close()


@pytest.fixture(scope="session")
def pg_store_url(pg_server: PostgresServer) -> str:
    """One migrated database for the whole run; tables are emptied before each test."""
    url = pg_server.create_database()
    store = Store.open(url.render_as_string(hide_password=False), upgrade=True)
    store.close()
    return url.render_as_string(hide_password=False)


@pytest.fixture(params=ENGINES)
def empty_db_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    """A URL of an empty database (no schema) on each engine."""
    if request.param == "sqlite":
        yield f"sqlite+pysqlite:///{tmp_path / 'citycanvas.sqlite3'}"
        return
    server: PostgresServer = request.getfixturevalue("pg_server")
    url = server.create_database()
    yield url.render_as_string(hide_password=False)
    server.drop_database(url)


@pytest.fixture(params=ENGINES)
def store_url(request: pytest.FixtureRequest, tmp_path) -> str:
    """A URL of a database at the current schema with no data, on each engine."""
    if request.param == "sqlite":
        url = f"sqlite+pysqlite:///{tmp_path / 'citycanvas.sqlite3'}"
        Store.open(url).close()
        return url
    url = request.getfixturevalue("pg_store_url")
    engine = create_engine(url)
    tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()
    return url


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    s = Store.open(store_url, upgrade=False)
    yield s
    s.close()


def build_config(name: str = "Mobile parking", actors: int = 2, *, tag: str = "") -> Configuration:
    """A small valid configuration: ``actors`` actors in a chain of money/service flows."""
    types = ["city", "citizen", "platform_operator", "service_provider", "business"]
    data = {
        "name": name,
        "city": "Oulu",
        "description": tag,
        "actors": [{"id": f"a{i}", "name": f"Actor {i}", "type": types[i % len(types)]} for i in range(actors)],
        "flows": [
            {"id": f"f{i}", "source": f"a{i}", "target": f"a{i + 1}", "kind": "money" if i % 2 else "service"}
            for i in range(actors - 1)
        ],
    }
    return parse_configuration(data)


@pytest.fixture
def make_config():
    """The :func:`build_config` factory (fixtures are how tests share helpers under importlib mode)."""
    return build_config
