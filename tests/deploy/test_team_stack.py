"""The team stack of README "Deploy for a team", step by step, from the files in ``deploy/``.

The README's steps, in the test's folder instead of /opt, /etc and /var (the unit files' paths are
moved there): 1. build the sdist and the wheel, install the wheel with its ``team`` extra into a
fresh venv; 2. a database of its own (``CREATE DATABASE`` on the test server instead of a system
account and ``createdb``); 3. ``gunicorn.conf.py`` as shipped and the environment file from
``deploy/citycanvas.env.example``; 4. ``canvas-app db upgrade``, ``import`` of an example and
``users add`` of the first account, each through a shell that sources the environment file, as the
README's ``canvas`` function does; 5. instead of ``systemctl``, exactly the ``ExecStart=`` lines of
``deploy/citycanvas-web.service`` and ``deploy/citycanvas-worker.service`` with their
``EnvironmentFile=`` and ``WorkingDirectory=`` (and ``systemd-analyze verify`` of both units);
6. nginx with ``deploy/nginx-citycanvas.conf``, its placeholders substituted and a self-signed
certificate. Then, over HTTPS only: sign in, edit, run "Suggest modules" on the Celery worker, and
ask ``/healthz`` and ``/readyz``.

Needs PostgreSQL (``CITYCANVAS_TEST_POSTGRES_URL``), Redis (``CITYCANVAS_TEST_REDIS_URL``,
default ``redis://127.0.0.1:6379/15``), nginx and openssl (``.ci/run`` installs nginx); skipped,
saying which is missing, otherwise. Timings are printed (``-s``), never asserted. About a minute,
most of it pip.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import ssl
import subprocess
import time
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import PG_ADMIN_URL, REPO, free_port
from dash_client import DEPLOY_PASSWORD, DashClient
from installed import build_and_install, clean_env, run
from layouts.ids import ID

pytestmark = [pytest.mark.wheel, pytest.mark.postgres]

DEPLOY = REPO / "deploy"
REDIS_TEST_URL = os.environ.get("CITYCANVAS_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")

PRODUCTION_PATHS = ("/opt/citycanvas/venv", "/etc/citycanvas", "/var/lib/citycanvas", "/var/cache/citycanvas")
"""Where the README installs things; the test moves each into its own folder."""

NGINX_PLACEHOLDERS = {
    "server 127.0.0.1:8050;": "server {web};",
    "listen 80;": "listen 127.0.0.1:{http_port};",
    "listen 443 ssl http2;": "listen 127.0.0.1:{https_port} ssl http2;",
    "/etc/ssl/citycanvas/fullchain.pem": "{cert}",
    "/etc/ssl/citycanvas/privkey.pem": "{key}",
}
"""What the nginx sample says and what the test puts there. The IPv6 ``listen`` lines are dropped
(loopback IPv4 only here); everything else is the sample as shipped."""


def unit_service(unit: Path) -> dict[str, str]:
    """The ``[Service]`` settings of a systemd unit file (one value per key: the units use no repeats)."""
    settings: dict[str, str] = {}
    section = None
    for line in unit.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = line
        elif section == "[Service]":
            key, _, value = line.partition("=")
            assert key not in settings, f"{unit.name}: {key}= twice"
            settings[key.strip()] = value.strip()
    return settings


def relocate(text: str, paths: dict[str, Path]) -> str:
    """``text`` with the README's install paths moved to the test's folders."""
    unmoved = [p for p in re.findall(r"(?<![\w.])/[\w./-]+", text) if not p.startswith(tuple(paths))]
    assert not unmoved, f"paths the test does not move: {unmoved}"
    for production, here in paths.items():
        text = text.replace(production, str(here))
    return text


def read_environment_file(path: Path) -> dict[str, str]:
    """``KEY=value`` lines as systemd's ``EnvironmentFile=`` reads the simple ones (no quotes in ours)."""
    values = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith(("#", ";")):
            key, sep, value = line.partition("=")
            assert sep and key.strip().isidentifier() and '"' not in value and "'" not in value, line
            values[key.strip()] = value.strip()
    return values


def fill_in(template: str, values: dict[str, str]) -> str:
    """The environment file template with ``values`` in place of its values (every key must be there)."""
    lines, seen = [], set()
    for line in template.splitlines():
        key = line.partition("=")[0]
        if not line.startswith("#") and key in values:
            line, _ = f"{key}={values[key]}", seen.add(key)
        lines.append(line)
    assert seen == set(values), f"not in deploy/citycanvas.env.example: {set(values) - seen}"
    return "\n".join(lines) + "\n"


def redis_answers(url: str) -> bool:
    parts = urllib.parse.urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 6379), timeout=2) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def wait_until(check, timeout: float, what: str, log: Path | None = None) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not check():
        tail = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
        assert time.monotonic() < deadline, f"{what} within {timeout} s:\n{tail}"
        time.sleep(0.2)


class Services:
    """The long-running processes of the stack, each in its own process group, all stopped at the end."""

    def __init__(self, logs: Path):
        self.logs = logs
        self.started: list[subprocess.Popen] = []

    def start(self, name: str, command: list[str], cwd: Path, env: dict[str, str]) -> Path:
        log = self.logs / f"{name}.log"
        with open(log, "wb") as out:
            process = subprocess.Popen(
                command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.started.append(process)
        time.sleep(0.1)
        assert process.poll() is None or process.returncode == 0, f"{name} exited: {log.read_text()[-3000:]}"
        return log

    def stop(self) -> None:
        for process in reversed(self.started):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.started:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


def https_get(url: str, tls: ssl.SSLContext) -> tuple[int, dict[str, str], str]:
    with urllib.request.urlopen(url, timeout=10, context=tls) as response:
        return response.status, dict(response.headers), response.read().decode()


@pytest.fixture(scope="module")
def database() -> Iterator[str]:
    """A database of its own on the PostgreSQL server (dropped afterwards), still empty: the stack migrates it."""
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
    name = f"citycanvas_stack_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="module")
def stack(tmp_path_factory, database) -> Iterator[dict]:
    """Everything README "Deploy for a team" sets up, running; the same steps in the same order."""
    pytest.importorskip("build", reason="the team-stack test builds the wheel with `build` (pip install -e '.[test]')")
    if not redis_answers(REDIS_TEST_URL):
        pytest.skip(f"Redis not reachable at {REDIS_TEST_URL}: the Celery worker needs it")
    nginx = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
    if nginx is None or shutil.which("openssl") is None:
        pytest.skip("nginx or openssl is not installed (.ci/run installs Debian's nginx)")
    root = tmp_path_factory.mktemp("stack")
    paths = dict(zip(PRODUCTION_PATHS, (root / "venv", root / "etc", root / "lib", root / "cache"), strict=True))
    for folder in list(paths.values())[1:]:
        folder.mkdir()
    timings: dict[str, float] = {}

    # 1. Build and install: the wheel with its team extra, in a venv of its own.
    installed = build_and_install(root, clean_env(root), extras="team")
    timings["build sdist + wheel"], timings["install wheel[team] into a fresh venv"] = (
        installed.build_seconds,
        installed.install_seconds,
    )
    assert installed.bin == paths["/opt/citycanvas/venv"] / "bin"

    # 2. Settings: gunicorn.conf.py as shipped, the environment file from its template.
    etc = paths["/etc/citycanvas"]
    shutil.copy(DEPLOY / "gunicorn.conf.py", etc / "gunicorn.conf.py")
    web_port, queue = free_port(), f"citycanvas-stack-{uuid.uuid4().hex[:8]}"
    (etc / "citycanvas.env").write_text(
        fill_in(
            (DEPLOY / "citycanvas.env.example").read_text(),
            {
                "DATABASE_URL": database,
                "REDIS_URL": REDIS_TEST_URL,
                "CITYCANVAS_JOB_QUEUE": queue,
                "CITYCANVAS_SECRET_KEY": secrets.token_hex(32),
                "CITYCANVAS_BIND": f"127.0.0.1:{web_port}",
                "CITYCANVAS_CACHE_DIR": str(paths["/var/cache/citycanvas"]),
            },
        )
    )

    # What each unit runs, read from the unit files; the environment is the unit's file and little else.
    units = {}
    (root / "units").mkdir()
    for name in ("web", "worker"):
        unit = DEPLOY / f"citycanvas-{name}.service"
        moved = unit.read_text()
        for production, here in paths.items():
            moved = moved.replace(production, str(here))
        (root / "units" / unit.name).write_text(moved)  # for systemd-analyze verify
        service = unit_service(unit)
        env_file = Path(relocate(service["EnvironmentFile"], paths))
        units[name] = {
            "env_file": env_file,
            "command": shlex.split(relocate(service["ExecStart"], paths)),
            "cwd": Path(relocate(service["WorkingDirectory"], paths)),
            "env": {
                "PATH": os.environ["PATH"],
                "LANG": "C.UTF-8",
                "HOME": str(paths["/var/lib/citycanvas"]),
                **read_environment_file(env_file),
            },
        }
    assert units["web"]["env_file"] == units["worker"]["env_file"], "both units read the same settings"
    assert units["web"]["env"]["CITYCANVAS_AUTH"] == "on" and units["web"]["env"]["CITYCANVAS_BEHIND_PROXY"] == "1"
    env, state = units["web"]["env"], units["web"]["cwd"]
    bare = {key: env[key] for key in ("PATH", "LANG", "HOME")}

    def canvas(*arguments: str, stdin: str | None = None) -> str:
        """``canvas-app`` as the README runs it: a shell that reads the environment file first."""
        script = (
            f"cd {shlex.quote(str(state))}; set -a; . {shlex.quote(str(env_file))}; "
            f'exec {shlex.quote(str(installed.bin / "canvas-app"))} "$@"'
        )
        return run(["sh", "-c", script, "canvas-app", *arguments], state, bare, stdin=stdin).stdout

    # 3. The database schema, a workspace with an example, the first account (owner of what exists).
    started = time.monotonic()
    canvas("db", "upgrade")
    timings["canvas-app db upgrade"] = time.monotonic() - started
    example = next(line for line in canvas("examples").splitlines() if "oulu-parking" in line)  # README: grep
    imported = canvas("import", example, "--workspace", "Parking")
    configuration_id = int(re.search(r"as configuration (\d+) \(version 1\)", imported).group(1))  # type: ignore[union-attr]
    assert "first account" in canvas("users", "add", "alice", stdin=DEPLOY_PASSWORD + "\n")

    # 4. The services: web workers and Celery worker from their units, nginx from the sample.
    services = Services(root)
    try:
        started = time.monotonic()
        web_log = services.start("web", units["web"]["command"], state, env)
        worker_log = services.start("worker", units["worker"]["command"], units["worker"]["cwd"], env)
        tls_dir = root / "tls"
        tls_dir.mkdir()
        cert, key = tls_dir / "fullchain.pem", tls_dir / "privkey.pem"
        run(
            [
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "2",
                "-subj",
                "/CN=localhost",
                "-addext",
                "subjectAltName=IP:127.0.0.1,DNS:localhost",
                "-keyout",
                str(key),
                "-out",
                str(cert),
            ],
            root,
            env,
        )
        http_port, https_port = free_port(), free_port()
        site = (DEPLOY / "nginx-citycanvas.conf").read_text()
        site = "\n".join(line for line in site.splitlines() if "listen [::]" not in line)
        for placeholder, value in NGINX_PLACEHOLDERS.items():
            assert placeholder in site, f"deploy/nginx-citycanvas.conf no longer says {placeholder!r}"
            site = site.replace(
                placeholder,
                value.format(
                    web=env["CITYCANVAS_BIND"], http_port=http_port, https_port=https_port, cert=cert, key=key
                ),
            )
        prefix = root / "nginx"
        prefix.mkdir()
        (prefix / "citycanvas.conf").write_text(site)
        (
            prefix / "nginx.conf"
        ).write_text(  # what Debian's /etc/nginx/nginx.conf gives the site, in a folder of our own
            ("user root;\n" if os.geteuid() == 0 else "") + "daemon off;\nworker_processes 1;\npid nginx.pid;\n"
            "error_log stderr;\nevents { worker_connections 256; }\n"
            "http { access_log off; client_body_temp_path body; proxy_temp_path proxy; fastcgi_temp_path fastcgi;\n"
            "       uwsgi_temp_path uwsgi; scgi_temp_path scgi; include citycanvas.conf; }\n"
        )
        run([nginx, "-t", "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-e", "stderr"], root, env)
        nginx_log = services.start(
            "nginx", [nginx, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-e", "stderr"], prefix, env
        )
        tls = ssl.create_default_context(cafile=str(cert))
        base_url = f"https://127.0.0.1:{https_port}"

        def answers() -> bool:
            try:
                return https_get(base_url + "/healthz", tls)[0] == 200
            except OSError:
                return False

        ready = {
            "first answer over HTTPS": answers,
            "Celery worker ready": lambda: b"ready." in worker_log.read_bytes(),
        }

        def check_both() -> bool:
            for process, log in zip(services.started, (web_log, worker_log, nginx_log)):
                assert process.poll() is None, f"{log.stem} exited {process.returncode}:\n{log.read_text()[-3000:]}"
            for what, check in ready.items():
                if f"start to {what}" not in timings and check():
                    timings[f"start to {what}"] = time.monotonic() - started
            return all(f"start to {what}" in timings for what in ready)

        wait_until(check_both, 90, f"not all of {list(ready)} (web, worker and nginx logs in {root})", web_log)
        for step, seconds in timings.items():
            print(f"team stack: {step}: {seconds:.1f} s")
        yield {
            "units": root / "units",
            "base_url": base_url,
            "tls": tls,
            "http_port": http_port,
            "canvas": canvas,
            "env": env,
            "configuration_id": configuration_id,
            "queue": queue,
            "logs": {"web": web_log, "worker": worker_log, "nginx": nginx_log},
        }
    finally:
        services.stop()


def test_the_units_pass_systemd_analyze_verify(stack):
    """Every key and value of the units is one systemd knows (it runs nothing; a typo only warns, so no output is the bar)."""
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed")
    units = sorted(str(path) for path in stack["units"].glob("*.service"))
    assert len(units) == 2
    done = subprocess.run([analyze, "verify", *units], capture_output=True, text=True, timeout=60, check=False)
    assert (done.returncode, done.stderr) == (0, ""), done.stderr


def test_health_and_readiness_over_https(stack):
    status, headers, body = https_get(stack["base_url"] + "/healthz", stack["tls"])
    assert (status, json.loads(body)) == (200, {"status": "ok"})
    status, headers, body = https_get(stack["base_url"] + "/readyz", stack["tls"])
    assert (status, json.loads(body)) == (200, {"status": "ready", "checks": {"database": "ok", "redis": "ok"}})
    assert headers["Strict-Transport-Security"].startswith("max-age="), "the app saw HTTPS through the proxy"


def test_plain_http_is_sent_to_https(stack):
    connection = http.client.HTTPConnection("127.0.0.1", stack["http_port"], timeout=10)
    connection.request("GET", "/login")
    answer = connection.getresponse()
    assert (answer.status, answer.getheader("Location")) == (301, "https://127.0.0.1/login")
    connection.close()


def test_two_web_workers_from_the_unit_and_gunicorn_conf(stack):
    log = stack["logs"]["web"].read_text()
    assert len(re.findall(r"Booting worker with pid", log)) == 2, log[-2000:]
    assert f"Listening at: http://{stack['env']['CITYCANVAS_BIND']}" in log


def test_sign_in_edit_and_a_background_job_on_the_celery_worker(stack):
    started = time.monotonic()
    client = DashClient(stack["base_url"], timeout=60, user="alice", password=DEPLOY_PASSWORD, tls=stack["tls"])
    signed_in = time.monotonic() - started
    jar = next(h.cookiejar for h in client.opener.handlers if isinstance(h, urllib.request.HTTPCookieProcessor))
    assert [cookie.secure for cookie in jar] and all(cookie.secure for cookie in jar), "HTTPS-only cookies"
    values = {f"{ID.config_id}.data": stack["configuration_id"], f"{ID.version}.data": 1}

    status, answer = client.call(
        ID.moved, "data", {"positions": {"operator": [321.0, 123.0]}, "nonce": time.time()}, values
    )
    assert status == 200 and answer["response"][ID.version]["data"] == 2, answer
    history = stack["canvas"]("history", str(stack["configuration_id"]))
    assert re.search(r"^v2 .* alice: ", history, re.MULTILINE), history

    started = time.monotonic()
    status, raw = client.post(client.body(ID.suggest, "n_clicks", 1, {**values, f"{ID.version}.data": 2}))
    assert status == 200, raw[:500]
    handles = {key: json.loads(raw)[key] for key in ("cacheKey", "job")}
    blank = client.body(ID.suggest, "n_clicks", None)
    deadline = time.monotonic() + 120
    while True:
        status, raw = client.post(blank, query=handles)
        assert status == 200, raw[:500]
        if raw and "response" in json.loads(raw):
            break
        assert time.monotonic() < deadline, "the background job never finished"
        time.sleep(0.3)
    job_seconds = time.monotonic() - started
    assert "recs" in raw.decode()
    worker_log = stack["logs"]["worker"]
    wait_until(lambda: b"succeeded" in worker_log.read_bytes(), 10, "no job succeeded on the Celery worker", worker_log)
    assert stack["queue"] in worker_log.read_text(), "the worker took this run's queue (from the environment file)"
    print(
        f"team stack: sign-in over HTTPS {signed_in:.2f} s, 'Suggest modules' on the Celery worker {job_seconds:.2f} s"
    )
