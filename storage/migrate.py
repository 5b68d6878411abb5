"""Schema upgrades with alembic, configured in code so they work from any directory."""

from __future__ import annotations

import threading
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine
from sqlalchemy.engine import URL

from storage.api import SchemaOutOfDate
from storage.engine import resolve_url

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_UPGRADE_LOCK = threading.Lock()
"""alembic's ``context`` is process-global: one upgrade at a time per process. Across
processes the database serialises them (BEGIN IMMEDIATE on SQLite, an advisory lock on PostgreSQL)."""


def alembic_config(url: str | URL | None = None) -> Config:
    """An alembic Config pointing into this package; ``url`` goes through :func:`resolve_url`."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # Passed as an attribute, not a main option: ConfigParser would choke on '%' in passwords.
    config.attributes["url"] = resolve_url(url)
    return config


def head_revisions() -> set[str]:
    return set(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads())


def current_revisions(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        return set(MigrationContext.configure(conn).get_current_heads())


def upgrade(url: str | URL | None = None, revision: str = "head") -> None:
    """Bring the database to ``revision`` (default: the latest), in one transaction."""
    with _UPGRADE_LOCK:
        command.upgrade(alembic_config(url), revision)


def check_schema(engine: Engine) -> None:
    """Raise SchemaOutOfDate unless the database is exactly at the latest revision."""
    current, heads = current_revisions(engine), head_revisions()
    if current == heads:
        return
    where = engine.url.render_as_string(hide_password=True)
    if not current:
        raise SchemaOutOfDate(f"the database {where} has no CityCanvas schema yet: run `canvas-app db upgrade`")
    known = {rev.revision for rev in ScriptDirectory.from_config(alembic_config("sqlite://")).walk_revisions()}
    if not current <= known:
        raise SchemaOutOfDate(
            f"the database {where} is at schema {sorted(current)}, newer than this CityCanvas "
            f"(knows up to {sorted(heads)}): upgrade the application"
        )
    raise SchemaOutOfDate(
        f"the database {where} is at schema {sorted(current)}, this CityCanvas needs {sorted(heads)}: "
        "run `canvas-app db upgrade`"
    )
