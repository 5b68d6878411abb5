"""Fixtures of the deployment tests: a throwaway PostgreSQL database per test, and real gunicorn servers.

PostgreSQL comes from ``CITYCANVAS_TEST_POSTGRES_URL`` (default: the local server of these
machines). Each test creates a uniquely named database with ``canvas-app db upgrade`` and drops
it afterwards; when the server is unreachable the tests are SKIPPED with the reason.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DEPLOY_SECRET = uuid.uuid4().hex  # made per run: signs the test servers' session cookies
PG_ADMIN_URL = os.environ.get("CITYCANVAS_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture()
def pg_url() -> Iterator[str]:
    """A fresh, migrated PostgreSQL database (dropped after the test)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin_url = make_url(PG_ADMIN_URL).set(drivername="postgresql+psycopg")
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any failure to connect means "no server": skip, saying why
        admin.dispose()
        pytest.skip(f"PostgreSQL not reachable at {admin_url.render_as_string(hide_password=True)}: {exc}")
    name = f"citycanvas_deploy_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin_url.set(database=name).render_as_string(hide_password=False)
    try:
        upgrade = subprocess.run(
            [sys.executable, "-m", "canvas_app.cli", "db", "upgrade", "--database-url", url],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=REPO,
        )
        assert upgrade.returncode == 0, upgrade.stderr
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


class Gunicorn:
    """``gunicorn -w N canvas_app.web.wsgi:server`` in its own process group (so kill -9 reaches every worker)."""

    def __init__(self, database_url: str, workers: int = 2, tmp: Path | None = None, accounts: bool = False):
        self.database_url = database_url
        self.workers = workers
        self.accounts = accounts
        self.cache_dir = (tmp or Path("/tmp")) / f"jobs-{uuid.uuid4().hex[:8]}"
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log = (tmp or Path("/tmp")) / f"gunicorn-{self.port}.log"
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60.0) -> Gunicorn:
        env = {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "CITYCANVAS_AUTHOR": "deploy-test",
            "CITYCANVAS_CACHE_DIR": str(self.cache_dir),
        }
        env.pop("REDIS_URL", None)  # background jobs in subprocesses, results in this server's own folder
        if self.accounts:
            env.update(CITYCANVAS_AUTH="on", CITYCANVAS_SECRET_KEY=DEPLOY_SECRET)
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "-w",
            str(self.workers),
            "-b",
            f"127.0.0.1:{self.port}",
            "--no-control-socket",
            "--timeout",
            "60",
            "canvas_app.web.wsgi:server",
        ]
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}: {self.log.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(self.base_url + "/_dash-dependencies", timeout=2) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer within {timeout}s: {self.log.read_text()[-2000:]}")

    def kill9(self) -> None:
        """SIGKILL the master and every worker at once (no graceful shutdown, nothing flushed)."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


@pytest.fixture()
def gunicorn(tmp_path) -> Iterator:
    """A factory of gunicorn servers, all stopped after the test."""
    started: list[Gunicorn] = []

    def start(database_url: str, workers: int = 2, accounts: bool = False) -> Gunicorn:
        server = Gunicorn(database_url, workers, tmp_path, accounts).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
