"""Recommendations for a large configuration run as a Dash background callback: in a subprocess
(diskcache) by default, on a real Celery worker through Redis when ``REDIS_URL`` is set."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from dash import CeleryManager, DiskcacheManager

from layouts.ids import ID
from ui_helpers import wait_for

pytestmark = pytest.mark.browser
DATA = Path(__file__).parent / "data"
REPO = Path(__file__).resolve().parents[2]
TEST_MODULES = DATA / "modules"  # the two test-* modules of the UI tests
SETTLED = (
    "var b = document.getElementById(arguments[0]), f = document.getElementById(arguments[1]);"
    "return !!b && b.offsetParent !== null && !b.disabled && !f.getAttribute('data-dash-is-loading');"
)
APPLY_BUTTONS = "return document.querySelectorAll('.recs button').length;"


def make_app(tmp_path):
    """An app that treats every configuration as large (recommendations on request)."""
    from canvas_app.web.app import create_app
    from canvas_app.web.settings import Settings
    from storage import Store

    url = f"sqlite:///{tmp_path}/bg.sqlite3"
    settings = Settings(
        database_url=url, author="tester", examples_dir=DATA, module_dirs=(TEST_MODULES,), live_recommend_max_actors=0
    )
    store = Store.open(url)
    return create_app(settings, store=store), store


def suggest_in_browser(dash_duo, app, store):
    from canvas_app.model import load_configuration

    workspace = store.find_workspace("My workspace") or store.create_workspace("My workspace", author="tester")
    head = store.create_configuration(workspace.id, load_configuration(DATA / "small-parking.json"), author="tester")
    dash_duo.start_server(app)
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/edit/{head.id}")
    dash_duo.wait_for_element(f"#{ID.suggest}", timeout=20)
    wait_for(
        lambda: dash_duo.driver.execute_script(SETTLED, ID.suggest, ID.flags), timeout=30
    )  # the second pass has drawn
    assert dash_duo.driver.execute_script(APPLY_BUTTONS) == 0  # not computed live
    dash_duo.find_element(f"#{ID.suggest}").click()
    dash_duo.wait_for_text_to_equal(f"#{ID.suggest}", "Computing recommendations…")  # the user sees it is running
    wait_for(lambda: dash_duo.driver.execute_script(APPLY_BUTTONS) > 0, timeout=60)
    assert dash_duo.get_logs() == []


def test_bg001_suggest_runs_in_a_subprocess_without_redis(dash_duo, tmp_path, monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setenv("CITYCANVAS_CACHE_DIR", str(tmp_path / "cache"))
    app, store = make_app(tmp_path)
    assert isinstance(app._background_manager, DiskcacheManager)
    suggest_in_browser(dash_duo, app, store)
    assert any((tmp_path / "cache" / "background-jobs").iterdir()), "the result went through the cache folder"
    store.close()


def redis_reachable(host: str = "127.0.0.1", port: int = 6379) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def test_bg002_suggest_runs_on_a_celery_worker_with_redis(dash_duo, tmp_path, monkeypatch):
    redis = os.environ.get("CITYCANVAS_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    if not redis_reachable():
        pytest.skip(f"Redis not reachable at {redis}: the Celery path needs it")
    queue = f"citycanvas-test-{uuid.uuid4().hex[:8]}"  # our worker takes only this run's jobs
    monkeypatch.setenv("REDIS_URL", redis)
    monkeypatch.setenv("CITYCANVAS_JOB_QUEUE", queue)
    app, store = make_app(tmp_path)
    assert isinstance(app._background_manager, CeleryManager)
    env = {
        **os.environ,
        "DATABASE_URL": store.url,
        "CITYCANVAS_MODULE_PATH": str(TEST_MODULES),
        "REDIS_URL": redis,
        "CITYCANVAS_JOB_QUEUE": queue,
    }
    log = tmp_path / "celery.log"
    with open(log, "wb") as out:
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "canvas_app.web.worker",
                "worker",
                "--pool=solo",
                "--concurrency=1",
                "-Q",
                queue,
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                "--loglevel=INFO",
            ],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for(lambda: b"ready" in log.read_bytes() or worker.poll() is not None, timeout=60)
        assert worker.poll() is None, log.read_text()[-3000:]
        suggest_in_browser(dash_duo, app, store)
        wait_for(lambda: b"succeeded" in log.read_bytes(), timeout=10)  # the job really ran on the worker
        assert log.read_text().count("] received") == 1, "only the click starts a job, not drawing the page"
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        store.close()
