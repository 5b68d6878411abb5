"""Fixtures of the UI tests: headless Debian Chromium for dash[testing], a real SQLite store."""

from __future__ import annotations

from pathlib import Path

import pytest
from selenium.webdriver.chrome.options import Options

TEST_MODULES = Path(__file__).parent / "data" / "modules"
"""Two small modules used by the UI tests (ids test-*, never clashing with the library's)."""


def pytest_setup_options() -> Options:
    """Selenium options for dash_duo: headless Chromium that works as root, with no phoning home."""
    options = Options()
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1400,1000",
    ):
        options.add_argument(flag)
    options.binary_location = "/usr/bin/chromium"
    return options


@pytest.fixture()
def store(tmp_path):
    from storage import Store

    s = Store.open(f"sqlite:///{tmp_path}/t.sqlite3")
    yield s
    s.close()


@pytest.fixture()
def settings(tmp_path):
    from canvas_app.web.settings import Settings

    return Settings(
        database_url=f"sqlite:///{tmp_path}/t.sqlite3",
        author="tester",
        examples_dir=examples_dir(),
        module_dirs=(TEST_MODULES,),
    )


def examples_dir():
    """The repository's examples when installed, else the tests' own small example."""
    from pathlib import Path

    from canvas_app.web.settings import REPO_DIR

    real = REPO_DIR / "examples"
    return real if any(real.glob("*.json")) else Path(__file__).parent / "data"


@pytest.fixture()
def services(settings, store):
    from canvas_app.web.services import Services

    return Services(settings=settings, store=store)


@pytest.fixture()
def app(settings, store):
    from canvas_app.web.app import create_app

    return create_app(settings, store=store)
