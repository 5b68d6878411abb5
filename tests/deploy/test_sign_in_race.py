"""The red team's sign-in attacks against real servers, over real HTTP: 40 parallel guesses on one
account (``canvas-app serve`` on SQLite and on PostgreSQL, gunicorn -w 2 on PostgreSQL), then the
hostile ``next`` values byte for byte (``/%09/evil.example`` gave ``Location: //evil.example``,
``/%0a/...`` a 500)."""

from __future__ import annotations

import http.client
import os
import re
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from http.cookies import SimpleCookie
from pathlib import Path

import pytest

from canvas_app.web.auth import MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS, THROTTLED, hash_password
from conftest import REPO, free_port

PASSWORD = "correct horse battery"
SECRET = "deploy-test-secret-0123456789abcdef"
BURST = 40


class Browser:
    """One cookie jar over http.client: enough to load the form and post it like a browser."""

    def __init__(self, base_url: str):
        self.netloc = urllib.parse.urlsplit(base_url).netloc
        self.cookies: dict[str, str] = {}

    def request(self, method: str, target: str, form: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
        connection = http.client.HTTPConnection(self.netloc, timeout=120)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, target, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            for raw in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(raw).items():
                    self.cookies[name] = morsel.value
            return response.status, dict(response.headers), text
        finally:
            connection.close()

    def form_token(self) -> str:
        status, _headers, page = self.request("GET", "/login")
        assert status == 200, page[:300]
        return re.search(r'name="csrf" value="([^"]+)"', page).group(1)

    def sign_in(self, name: str, password: str, token: str | None = None) -> tuple[int, dict[str, str], str]:
        return self.request("POST", "/login", {"name": name, "password": password, "csrf": token or self.form_token()})


def add_users(database_url: str) -> None:
    from storage import Store

    with Store.open(database_url, upgrade=database_url.startswith("sqlite")) as store:
        for name in ("ann", "val"):
            store.create_user(name, hash_password(PASSWORD))


def accounts_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CITYCANVAS_AUTH", "on")
    monkeypatch.setenv("CITYCANVAS_SECRET_KEY", SECRET)
    monkeypatch.delenv("CITYCANVAS_BEHIND_PROXY", raising=False)


@pytest.fixture()
def serve(tmp_path: Path) -> Iterator:
    """A factory of ``canvas-app serve`` processes (Flask's threaded server), stopped after the test."""
    started: list[subprocess.Popen] = []

    def start(database_url: str) -> str:
        port = free_port()
        log = open(tmp_path / f"serve-{port}.log", "ab")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(
            [sys.executable, "-m", "canvas_app.cli", "serve", "--database-url", database_url, "--port", str(port)],
            cwd=REPO,
            env=dict(os.environ),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        started.append(process)
        base_url = f"http://127.0.0.1:{port}"
        deadline = time.time() + 60
        while time.time() < deadline:
            assert process.poll() is None, (tmp_path / f"serve-{port}.log").read_text()[-2000:]
            try:
                if Browser(base_url).request("GET", "/login")[0] == 200:
                    return base_url
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("canvas-app serve did not answer within 60 s")

    yield start
    for process in started:
        process.terminate()
        process.wait(timeout=15)


def burst_then_redirects(base_url: str) -> None:
    """40 browsers post wrong passwords for ann at the same instant; then the right one; then the checks."""
    browsers = [Browser(base_url) for _ in range(BURST)]
    tokens = [b.form_token() for b in browsers]
    start = threading.Barrier(BURST)
    answers: list[tuple[int, str]] = [(0, "")] * BURST

    def attempt(i: int) -> None:
        start.wait()
        status, _headers, page = browsers[i].sign_in("ann", f"guess {i}", tokens[i])
        answers[i] = (status, page)

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(BURST)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(180)
    statuses = [status for status, _page in answers]
    checked = statuses.count(401)
    assert checked <= MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS, f"{checked} passwords checked: {sorted(statuses)}"
    assert checked + statuses.count(429) == BURST, sorted(statuses)  # no 500, nothing else
    assert all(THROTTLED in page for status, page in answers if status == 429)
    # the right password from the same address waits for the window too (before: it signed in)
    status, _headers, page = Browser(base_url).sign_in("ann", PASSWORD)
    assert status == 429 and THROTTLED in page

    # the burst did not lock other accounts from this address
    val = Browser(base_url)
    status, headers, _page = val.sign_in("val", PASSWORD)
    assert status == 302 and headers["Location"] == "/"
    # signed in: /login?next=... redirects at once; hostile values, exactly as sent on the wire
    for raw in (
        "/%09/evil.example",
        "/%0a/evil.example",
        "/%0d%0a/evil.example",
        "%2F%2Fevil.example",
        "/%5Cevil.example",
        "https:%2F%2Fevil.example",
        "%20//evil.example",
        "/%E3%80%80/evil.example",
    ):
        status, headers, page = val.request("GET", f"/login?next={raw}")
        assert (status, headers.get("Location")) == (302, "/"), (raw, status, headers.get("Location"), page[:200])
    status, headers, _page = val.request("GET", "/login?next=/edit/3%3Fx")
    assert (status, headers.get("Location")) == (302, "/edit/3?x")


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_canvas_app_serve_sign_in_burst(engine: str, serve, tmp_path, request, monkeypatch) -> None:
    database_url = f"sqlite:///{tmp_path}/serve.sqlite3" if engine == "sqlite" else request.getfixturevalue("pg_url")
    accounts_env(monkeypatch)
    add_users(database_url)
    burst_then_redirects(serve(database_url))


@pytest.mark.parametrize("threads", [1, 4], ids=["sync", "threads4"])
def test_gunicorn_two_workers_postgres_sign_in_burst(threads: int, pg_url: str, gunicorn, monkeypatch) -> None:
    """gunicorn -w 2 as documented (sync workers), and with 4 threads per worker (more in flight)."""
    accounts_env(monkeypatch)
    monkeypatch.setenv("GUNICORN_CMD_ARGS", f"--threads {threads}")
    add_users(pg_url)
    burst_then_redirects(gunicorn(pg_url, workers=2).base_url)
