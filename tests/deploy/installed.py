"""Build CityCanvas as a city IT department does and install it into a fresh venv (no checkout on the path).

Shared by the installed-wheel test and the team-stack test: ``python -m build`` writes the sdist
and, from it, the wheel; ``python -m venv`` and the venv's own pip install the wheel (with extras).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from conftest import REPO


def run(
    command: list[str], cwd: Path, env: dict[str, str], timeout: float = 300, stdin: str | None = None
) -> subprocess.CompletedProcess:
    """Run ``command``; a non-zero exit fails the test with the tail of its output."""
    done = subprocess.run(
        command, check=False, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, input=stdin
    )
    assert done.returncode == 0, (
        f"{' '.join(command)} exited {done.returncode}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    )
    return done


def clean_env(root: Path) -> dict[str, str]:
    """This process's environment without the checkout or the app's own settings."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "REDIS_URL", "DATABASE_URL")}
    env["CITYCANVAS_CACHE_DIR"] = str(root / "cache")
    return env


@dataclass(frozen=True)
class Installed:
    wheel: Path
    bin: Path
    """The venv's scripts folder (``canvas-app``, ``python``, and with the team extra ``gunicorn``, ``celery``)."""
    build_seconds: float
    install_seconds: float


def build_and_install(root: Path, env: dict[str, str], extras: str = "") -> Installed:
    """The sdist and the wheel built from it into ``root/dist``, the wheel (``[extras]``) in ``root/venv``."""
    started = time.monotonic()
    run(
        [sys.executable, "-m", "build", "--outdir", str(root / "dist"), str(REPO)], root, env
    )  # sdist, then wheel from it
    built = time.monotonic()
    wheel = next((root / "dist").glob("citycanvas-*.whl"))
    run([sys.executable, "-m", "venv", str(root / "venv")], root, env)
    bin_dir = root / "venv" / ("Scripts" if os.name == "nt" else "bin")
    requirement = f"{wheel}[{extras}]" if extras else str(wheel)
    run(
        [str(bin_dir / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check", requirement]
        + ["-c", str(REPO / "constraints.txt")],  # the tested versions, as the README installs them
        root,
        env,
        timeout=600,
    )
    return Installed(wheel, bin_dir, built - started, time.monotonic() - built)
