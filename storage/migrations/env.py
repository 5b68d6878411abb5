"""Alembic environment for CityCanvas.

Configured programmatically by :mod:`storage.migrate` (no alembic.ini needed):
``config.attributes["connection"]`` is an open connection, or
``config.attributes["url"]`` a database URL. The whole upgrade is one
transaction on both engines (SQLite gets transactional DDL because our engine
emits BEGIN itself), so a failed migration leaves the previous schema intact.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, text

from storage.engine import WRITE_OPTION, make_engine
from storage.models import Base

config = context.config
target_metadata = Base.metadata
PG_MIGRATION_LOCK = 4_242_001
"""Advisory lock key: two ``db upgrade`` runs on one PostgreSQL database queue up."""


def _run(connection: Connection) -> None:
    sqlite = connection.dialect.name == "sqlite"
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=sqlite,
        transactional_ddl=True,
        compare_type=True,
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PG_MIGRATION_LOCK})
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.attributes.get("url") or config.get_main_option("sqlalchemy.url")
    engine = make_engine(url)
    try:
        # BEGIN IMMEDIATE on SQLite: a second app starting on the same fresh file
        # waits, then finds the schema current and does nothing.
        with engine.connect().execution_options(**{WRITE_OPTION: True}) as conn:
            sqlite = conn.dialect.name == "sqlite"
            driver = conn.connection.driver_connection
            assert driver is not None  # an open connection holds its DB-API connection
            if sqlite:  # a table rebuild (batch_alter_table) must not trip the references to it;
                # outside any transaction, or SQLite ignores it. Revisions check foreign_key_check.
                driver.execute("PRAGMA foreign_keys = OFF")
            try:
                _run(conn)
                conn.commit()
            finally:
                if sqlite:
                    conn.rollback()
                    driver.execute("PRAGMA foreign_keys = ON")
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("CityCanvas migrations run online only: canvas-app db upgrade")
run_migrations_online()
