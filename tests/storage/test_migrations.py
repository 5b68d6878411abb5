"""Alembic migrations on both engines: from an empty database, and from the first
schema revision with data in it."""

from __future__ import annotations

import subprocess
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.util.exc import CommandError
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from canvas_app.model import dump_configuration
from storage import SchemaOutOfDate, Store, migrate
from storage.engine import make_engine
from storage.models import Base


def _heads(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return migrate.current_revisions(engine)
    finally:
        engine.dispose()


def test_upgrade_from_empty_matches_the_models(empty_db_url: str) -> None:
    command.upgrade(migrate.alembic_config(empty_db_url), "head")
    assert _heads(empty_db_url) == migrate.head_revisions() == {"0006_rounds"}
    engine = make_engine(empty_db_url)
    try:
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    finally:
        engine.dispose()
    assert diff == [], f"models and migrations disagree: {diff}"
    command.upgrade(migrate.alembic_config(empty_db_url), "head")  # idempotent


def test_upgrade_from_first_revision_keeps_data(empty_db_url: str, make_config) -> None:
    command.upgrade(migrate.alembic_config(empty_db_url), "0001_initial")
    v1, v2 = make_config(actors=3), make_config(actors=6)
    now = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
    engine = make_engine(empty_db_url)
    stamp = now.replace(tzinfo=None) if engine.dialect.name == "sqlite" else now
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO workspaces (id, name, created_at, created_by) VALUES (1, 'Oulu', :t, 'ann')"),
            {"t": stamp},
        )
        conn.execute(
            text(
                "INSERT INTO configurations (id, workspace_id, name, version, created_at, created_by, updated_at, updated_by)"
                " VALUES (1, 1, 'Mobile parking', 2, :t, 'ann', :t, 'bob')"
            ),
            {"t": stamp},
        )
        for version, config, author in ((1, v1, "ann"), (2, v2, "bob")):
            content = dump_configuration(config)
            conn.execute(
                text(
                    "INSERT INTO revisions (configuration_id, version, author, created_at, summary, content, content_sha256)"
                    " VALUES (1, :v, :a, :t, :s, :c, 'x')"
                ),
                {"v": version, "a": author, "t": stamp, "s": f"v{version}", "c": content},
            )
        if engine.dialect.name == "postgresql":  # keep the sequences past the explicit ids
            for table in ("workspaces", "configurations"):
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), 1)"))
    engine.dispose()

    if empty_db_url.startswith("sqlite"):
        store = Store.open(empty_db_url)  # an old SQLite file upgrades itself on open
    else:
        with pytest.raises(SchemaOutOfDate, match="canvas-app db upgrade"):
            Store.open(empty_db_url)
        command.upgrade(migrate.alembic_config(empty_db_url), "head")
        store = Store.open(empty_db_url)
    with store:
        assert _heads(empty_db_url) == {"0006_rounds"}
        assert [w.name for w in store.list_workspaces()] == ["Oulu"]
        history = store.revisions(1)
        assert [(r.version, r.author, r.summary, r.actor_count, r.flow_count) for r in history] == [
            (1, "ann", "v1", 3, 2),
            (2, "bob", "v2", 6, 5),
        ]
        assert history[0].created_at == now
        assert store.load(1, 1)[0] == v1 and store.load(1)[0] == v2
        assert store.save(1, make_config(actors=7), base_version=2, author="cem").version == 3
        store.upsert_need(1, _need())
        with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as conn:  # the guard is back
            conn.execute(text("UPDATE revisions SET summary = 'x'"))
        assert store.create_workspace("Tampere", author="ann").id == 2


def test_downgrade_to_first_revision_and_back(empty_db_url: str) -> None:
    config = migrate.alembic_config(empty_db_url)
    command.upgrade(config, "head")
    command.downgrade(config, "0001_initial")
    assert _heads(empty_db_url) == {"0001_initial"}
    command.upgrade(config, "head")
    assert _heads(empty_db_url) == {"0006_rounds"}


def test_fresh_sqlite_opened_by_many_at_once(tmp_path) -> None:
    url = f"sqlite+pysqlite:///{tmp_path / 'fresh.sqlite3'}"
    errors: list[BaseException] = []

    def start() -> None:
        try:
            Store.open(url).close()
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert _heads(url) == {"0006_rounds"}


def test_fresh_database_upgraded_by_many_processes_at_once(empty_db_url: str) -> None:
    """Four app processes start on the same fresh database: one migrates, the others wait and find it done."""
    code = (
        f"import sys; sys.path.insert(0, {str(Path(__file__).resolve().parents[2])!r}); from storage import Store; "
        "Store.open(sys.argv[1], upgrade=True).close()"
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", code, empty_db_url], stderr=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    for proc in procs:
        _out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    assert _heads(empty_db_url) == {"0006_rounds"}


def test_sqlite_settings(tmp_path) -> None:
    with Store.open(f"sqlite:///{tmp_path / 'x.sqlite3'}") as store, store.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


def test_default_location_is_the_user_data_folder(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setattr("storage.engine.platformdirs.user_data_dir", lambda *a, **k: str(tmp_path / "data"))
    with Store.open() as store:
        assert store.engine.url.database == str(tmp_path / "data" / "citycanvas.sqlite3")
    assert (tmp_path / "data" / "citycanvas.sqlite3").exists()


def _need():
    from canvas_app.workspace_model import WorkspaceNeed

    return WorkspaceNeed(id="n1", name="Pay without a meter")


def test_schema_from_the_future_is_refused(tmp_path) -> None:
    url = f"sqlite+pysqlite:///{tmp_path / 'future.sqlite3'}"
    Store.open(url).close()
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    engine.dispose()
    with pytest.raises(CommandError):  # alembic cannot find 9999 to upgrade from
        Store.open(url)
    with pytest.raises(SchemaOutOfDate, match="newer than this CityCanvas"):
        Store.open(url, upgrade=False)
