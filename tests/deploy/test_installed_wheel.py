"""Install CityCanvas as a city IT department would: build the sdist and, from it, the wheel, install
the wheel into a fresh venv (pip's own index, nothing from the checkout), then run it from a folder
that is not the checkout: ``--version``, ``db upgrade``, ``score`` of a shipped example, the module
library, and ``canvas-app --port N`` answering ``/healthz``, ``/readyz`` and ``/``.

About a minute: most of it is pip installing the dependencies into the venv.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.request

import pytest

from conftest import REPO, free_port
from installed import build_and_install, clean_env, run
from wheel_contents import describe, summary

pytestmark = pytest.mark.wheel

SHIPPED = {
    "canvas_app/_shipped/modules": 36,
    "canvas_app/_shipped/examples": 8,
    "canvas_app/_shipped/schema": 2,
    "canvas_app/assets": 7,
    "canvas_app/data": 1,
    "storage/migrations": 2,
    "storage/migrations/versions": 7,
}
"""Files the app reads at run time, per folder of the wheel (counted in the checkout: ``ls``)."""


def get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.read().decode("utf-8")


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> dict:
    """The wheel built from the sdist, installed into a fresh venv; an environment without the checkout."""
    pytest.importorskip("build", reason="the installed-wheel test needs `build` (pip install -e '.[test]')")
    root = tmp_path_factory.mktemp("wheel")
    env = clean_env(root)
    done = build_and_install(root, env)
    print(describe(done.wheel))
    print(
        f"built sdist + wheel in {done.build_seconds:.1f} s, venv with the wheel installed in {done.install_seconds:.1f} s"
    )
    work = root / "work"  # not the checkout: nothing resolves against the repository's folders
    work.mkdir()
    return {"wheel": done.wheel, "bin": done.bin, "env": env, "work": work}


def test_the_wheel_carries_what_the_app_reads_at_run_time(installed):
    counts = summary(installed["wheel"])
    assert {folder: counts[folder] for folder in SHIPPED} == SHIPPED
    for top in ("canvas_app", "layouts", "callbacks", "storage"):  # the top-level packages stay top-level
        assert counts[top] > 0
    assert not [folder for folder in counts if "__pycache__" in folder or folder.startswith(("tests", "bench"))]


def test_cli_db_upgrade_score_and_library_from_the_installed_wheel(installed):
    bin_dir, env, work = installed["bin"], installed["env"], installed["work"]
    version = run([str(bin_dir / "canvas-app"), "--version"], work, env).stdout
    import canvas_app

    assert version == f"canvas-app {canvas_app.__version__}\n"
    database = f"sqlite:///{work}/installed.sqlite3"
    upgraded = run([str(bin_dir / "canvas-app"), "db", "upgrade", "--database-url", database], work, env).stdout
    from storage.migrate import head_revisions

    assert upgraded.endswith(f"schema at {', '.join(sorted(head_revisions()))}\n")
    examples = run([str(bin_dir / "canvas-app"), "examples"], work, env).stdout.splitlines()
    site = run(
        [str(bin_dir / "python"), "-c", "import canvas_app, pathlib; print(pathlib.Path(canvas_app.__file__).parent)"],
        work,
        env,
    ).stdout.strip()
    assert site.startswith(str(installed["bin"].parent)) and not site.startswith(str(REPO))
    assert len(examples) == 8 and all(line.startswith(site) for line in examples)
    oulu = next(line for line in examples if line.endswith("oulu-parking.json"))
    scored = json.loads(
        run([str(bin_dir / "canvas-app"), "score", "--json", "--no-recommendations", oulu], work, env).stdout
    )
    from canvas_app.analysis import evaluate
    from canvas_app.model import load_configuration

    here = evaluate(load_configuration(REPO / "examples" / "oulu-parking.json"), recommend=False)
    checkout = here.to_dict()["scores"]
    assert {name: s["score"] for name, s in scored["scores"].items()} == {
        name: s["score"] for name, s in checkout.items()
    }  # the installed wheel scores the shipped example exactly as the checkout does
    probe = (
        "from canvas_app.library import load_library, BUILTIN_MODULE_DIR\n"
        "from canvas_app.web.settings import Settings\n"
        "print(len(load_library(()).ids()), BUILTIN_MODULE_DIR, Settings().examples_dir)"
    )
    count, modules, examples_dir = run([str(bin_dir / "python"), "-c", probe], work, env).stdout.split()
    assert (int(count), modules, examples_dir) == (36, f"{site}/_shipped/modules", f"{site}/_shipped/examples")


def test_canvas_app_serves_from_the_installed_wheel(installed):
    bin_dir, env, work = installed["bin"], installed["env"], installed["work"]
    port = free_port()
    served_env = {**env, "DATABASE_URL": f"sqlite:///{work}/served.sqlite3"}
    log = work / f"serve-{port}.log"
    with open(log, "wb") as out:
        server = subprocess.Popen(
            [str(bin_dir / "canvas-app"), "--port", str(port), "--host", "127.0.0.1"],
            cwd=work,
            env=served_env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, f"canvas-app exited {server.returncode}: {log.read_text()[-2000:]}"
            try:
                status, body = get(f"http://127.0.0.1:{port}/healthz")
                break
            except OSError:
                assert time.monotonic() < deadline, f"no answer on port {port}: {log.read_text()[-2000:]}"
                time.sleep(0.2)
        assert (status, json.loads(body)) == (200, {"status": "ok"})
        status, body = get(f"http://127.0.0.1:{port}/readyz")
        assert (status, json.loads(body)) == (200, {"status": "ready", "checks": {"database": "ok"}})
        status, page = get(f"http://127.0.0.1:{port}/")
        assert status == 200 and "<title>CityCanvas</title>" in page and '<html lang="en">' in page
        status, css = get(f"http://127.0.0.1:{port}/assets/app.css")  # the package's assets are served
        assert status == 200 and css.strip()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=15)


def test_redis_without_the_team_extra_says_what_to_install(installed):
    """The wheel alone has no Celery or Redis client: REDIS_URL stops the start with the remedy, not a traceback."""
    bin_dir, env, work = installed["bin"], installed["env"], installed["work"]
    done = subprocess.run(
        [str(bin_dir / "canvas-app"), "--port", str(free_port())],
        cwd=work,
        capture_output=True,
        text=True,
        timeout=120,
        env={**env, "REDIS_URL": "redis://127.0.0.1:6379/15", "DATABASE_URL": f"sqlite:///{work}/redis.sqlite3"},
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "pip install 'citycanvas[team]'" in done.stderr and "REDIS_URL" in done.stderr
