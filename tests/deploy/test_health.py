"""``/healthz`` and ``/readyz`` against real databases and a real Redis: open without signing in,
503 naming the failing part, and nothing else said (no URL, host or error text)."""

from __future__ import annotations

import json
import os
import uuid

import pytest

from conftest import DEPLOY_SECRET, PG_ADMIN_URL, free_port

REDIS_TEST_URL = os.environ.get("CITYCANVAS_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def make_app(database_url: str, tmp_path, monkeypatch, redis: str | None = None):
    """The full app with accounts on (so an open route is open on purpose), jobs in ``tmp_path``."""
    from canvas_app.web.app import create_app
    from canvas_app.web.settings import Settings

    monkeypatch.setenv("CITYCANVAS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("CITYCANVAS_JOB_QUEUE", f"health-{uuid.uuid4().hex}")
    if redis is None:
        monkeypatch.delenv("REDIS_URL", raising=False)
    else:
        monkeypatch.setenv("REDIS_URL", redis)
    app = create_app(Settings(database_url=database_url, auth=True, secret_key=DEPLOY_SECRET))
    return app, app.server.test_client()


def probe(client, path: str) -> tuple[int, dict, str]:
    response = client.get(path)
    text = response.get_data(as_text=True)
    assert response.headers["Content-Type"] == "application/json"
    assert response.headers["Cache-Control"] == "no-store"
    return response.status_code, json.loads(text), text


def redis_or_skip() -> str:
    import redis

    try:
        redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:
        pytest.skip(f"no Redis at {REDIS_TEST_URL}: {exc}")
    return REDIS_TEST_URL


def test_sqlite_ready_then_not_when_the_schema_is_behind(tmp_path, monkeypatch):
    from alembic import command

    from storage import migrate

    url = f"sqlite:///{tmp_path}/health.sqlite3"
    app, client = make_app(url, tmp_path, monkeypatch)
    assert probe(client, "/healthz")[:2] == (200, {"status": "ok"})
    assert probe(client, "/readyz")[:2] == (200, {"status": "ready", "checks": {"database": "ok"}})
    assert client.get("/").status_code == 302  # a page does ask for a sign-in: the probes are open on purpose

    command.downgrade(migrate.alembic_config(url), "-1")  # as if a newer release had not been migrated yet
    status, body, text = probe(client, "/readyz")
    assert (status, body) == (503, {"status": "not ready", "checks": {"database": "schema out of date"}})
    assert str(tmp_path) not in text and "sqlite" not in text
    assert probe(client, "/healthz")[:2] == (200, {"status": "ok"})  # the process itself is fine

    migrate.upgrade(url)
    assert probe(client, "/readyz")[0] == 200
    app.canvas_services.store.close()


@pytest.mark.postgres
def test_postgres_ready_then_unreachable_when_the_database_goes(pg_url, tmp_path, monkeypatch):
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    app, client = make_app(pg_url, tmp_path, monkeypatch)
    assert probe(client, "/readyz")[:2] == (200, {"status": "ready", "checks": {"database": "ok"}})

    name = make_url(pg_url).database
    admin = create_engine(make_url(PG_ADMIN_URL).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))  # ends the app's connections too
    admin.dispose()
    status, body, raw = probe(client, "/readyz")
    assert (status, body) == (503, {"status": "not ready", "checks": {"database": "unreachable"}})
    assert name not in raw and "postgres" not in raw and "127.0.0.1" not in raw
    assert probe(client, "/healthz")[:2] == (200, {"status": "ok"})
    app.canvas_services.store.close()


@pytest.mark.postgres
def test_postgres_and_redis_ready(pg_url, tmp_path, monkeypatch):
    app, client = make_app(pg_url, tmp_path, monkeypatch, redis=redis_or_skip())
    assert probe(client, "/readyz")[:2] == (200, {"status": "ready", "checks": {"database": "ok", "redis": "ok"}})
    app.canvas_services.store.close()


def test_a_wrong_redis_url_is_503_naming_redis(tmp_path, monkeypatch):
    redis_or_skip()
    wrong = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    app, client = make_app(f"sqlite:///{tmp_path}/health.sqlite3", tmp_path, monkeypatch, redis=wrong)
    status, body, text = probe(client, "/readyz")
    assert (status, body) == (503, {"status": "not ready", "checks": {"database": "ok", "redis": "unreachable"}})
    assert wrong not in text and "127.0.0.1" not in text
    assert probe(client, "/healthz")[:2] == (200, {"status": "ok"})
    app.canvas_services.store.close()
