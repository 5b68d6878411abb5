"""The settings object and ``canvas-app config``: sources, precedence, masking, bad values."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from canvas_app.cli.main import main
from canvas_app.web.settings import Settings, SettingsError

REPO = Path(__file__).resolve().parents[2]
VARIABLES = (
    "DATABASE_URL",
    "REDIS_URL",
    "CITYCANVAS_JOB_QUEUE",
    "CITYCANVAS_CACHE_DIR",
    "CITYCANVAS_BEHIND_PROXY",
    "CITYCANVAS_MODULE_PATH",
    "CITYCANVAS_AUTHOR",
    "CITYCANVAS_JOBS_PER_USER",
    "CITYCANVAS_JOBS_TOTAL",
    "CITYCANVAS_AUTH",
    "CITYCANVAS_SECRET_KEY",
    "CITYCANVAS_LOG_FORMAT",
    "CITYCANVAS_LOG_LEVEL",
)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    """Each test sets exactly the variables it is about."""
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)


def config_lines(capsys, *argv: str) -> dict[str, str]:
    assert main(["config", *argv]) == 0
    lines = capsys.readouterr().out.splitlines()
    return dict(line.split(" = ", 1) for line in lines)


def test_config_prints_every_variable_with_its_default(capsys, monkeypatch):
    monkeypatch.setenv("CITYCANVAS_AUTHOR", "ann")
    shown = config_lines(capsys)
    assert list(shown) == list(VARIABLES)
    assert shown["DATABASE_URL"] == "(unset)  (source: default)"
    assert shown["CITYCANVAS_JOBS_PER_USER"] == "2  (source: default)"
    assert shown["CITYCANVAS_JOBS_TOTAL"] == "4  (source: default)"
    assert shown["CITYCANVAS_JOB_QUEUE"] == "citycanvas  (source: default)"
    assert shown["CITYCANVAS_AUTH"] == "off  (source: default)"
    assert shown["CITYCANVAS_AUTHOR"] == "ann  (source: environment)"
    assert shown["CITYCANVAS_LOG_FORMAT"] == "text  (source: default)"
    assert shown["CITYCANVAS_LOG_LEVEL"] == "INFO  (source: default)"


def test_config_masks_the_secret_key_and_url_passwords(capsys, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://ann:s3cret-pw@db.example.org:5432/citycanvas")
    monkeypatch.setenv("REDIS_URL", "redis://:r3dis-pw@127.0.0.1:6379/0")
    monkeypatch.setenv("CITYCANVAS_SECRET_KEY", "0123456789abcdef-session-secret")
    monkeypatch.setenv("CITYCANVAS_AUTH", "on")
    assert main(["config"]) == 0
    out = capsys.readouterr().out
    for secret in ("s3cret-pw", "r3dis-pw", "0123456789abcdef-session-secret"):
        assert secret not in out
    shown = dict(line.split(" = ", 1) for line in out.splitlines())
    assert shown["DATABASE_URL"] == "postgresql+psycopg://ann:***@db.example.org:5432/citycanvas  (source: environment)"
    assert shown["REDIS_URL"] == "redis://:***@127.0.0.1:6379/0  (source: environment)"
    assert shown["CITYCANVAS_SECRET_KEY"] == "***  (source: environment)"
    assert shown["CITYCANVAS_AUTH"] == "on  (source: environment)"
    # a URL without a password is shown as it is
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg:///citycanvas")
    assert config_lines(capsys)["DATABASE_URL"] == "postgresql+psycopg:///citycanvas  (source: environment)"


def test_the_environment_beats_the_file_which_beats_the_default(tmp_path, capsys, monkeypatch):
    env_file = tmp_path / "citycanvas.env"
    env_file.write_text("CITYCANVAS_JOBS_PER_USER=3\nCITYCANVAS_JOBS_TOTAL=7\nCITYCANVAS_BEHIND_PROXY=1\n")
    monkeypatch.setenv("CITYCANVAS_JOBS_PER_USER", "5")
    shown = config_lines(capsys, "--env-file", str(env_file))
    assert shown["CITYCANVAS_JOBS_PER_USER"] == "5  (source: environment)"
    assert shown["CITYCANVAS_JOBS_TOTAL"] == "7  (source: file)"
    assert shown["CITYCANVAS_BEHIND_PROXY"] == "on  (source: file)"
    assert shown["CITYCANVAS_JOB_QUEUE"] == "citycanvas  (source: default)"
    # arguments (the command line's options) beat the environment
    assert Settings.from_env(env_file=env_file, jobs_per_user=9).jobs_per_user == 9


def test_values_are_typed_and_empty_variables_count_as_unset(monkeypatch, tmp_path):
    monkeypatch.setenv("CITYCANVAS_AUTH", "")
    monkeypatch.setenv("CITYCANVAS_JOBS_TOTAL", " ")
    monkeypatch.setenv("CITYCANVAS_BEHIND_PROXY", "yes")
    monkeypatch.setenv("CITYCANVAS_MODULE_PATH", f"{tmp_path / 'a'}{os.pathsep}{os.pathsep}{tmp_path / 'b'}")
    settings = Settings.from_env()
    assert settings.auth is False
    assert settings.jobs_total == 4
    assert settings.behind_proxy is True
    assert settings.module_path == (tmp_path / "a", tmp_path / "b")
    monkeypatch.setenv("CITYCANVAS_LOG_FORMAT", " JSON ")
    monkeypatch.setenv("CITYCANVAS_LOG_LEVEL", "warning")
    assert (Settings.from_env().log_format, Settings.from_env().log_level) == ("json", "WARNING")


@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [
        ("CITYCANVAS_JOBS_PER_USER", "abc", "valid integer"),
        ("CITYCANVAS_JOBS_TOTAL", "0", "greater than or equal to 1"),
        ("CITYCANVAS_AUTH", "maybe", "valid boolean"),
    ],
)
def test_a_bad_value_is_named_and_exits_2(variable, value, says, monkeypatch, capsys):
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError, match=f"{variable}='{value}'"):
        Settings.from_env()
    assert main(["config"]) == 2
    err = capsys.readouterr().err
    assert f"{variable}='{value}'" in err and says in err


def test_a_bad_value_stops_the_console_script_without_a_traceback():
    env = {**os.environ, "PYTHONPATH": str(REPO), "CITYCANVAS_JOBS_PER_USER": "abc"}
    done = subprocess.run(
        [sys.executable, "-m", "canvas_app.cli", "examples"], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("canvas-app: invalid settings: CITYCANVAS_JOBS_PER_USER='abc'")


def test_no_module_but_the_settings_reads_the_environment():
    """One place for settings: a new ``os.environ`` read elsewhere would bypass the checks and ``config``."""
    allowed = REPO / "canvas_app" / "web" / "settings.py"
    readers = [
        str(path.relative_to(REPO))
        for package in ("canvas_app", "storage", "callbacks", "layouts")
        for path in (REPO / package).rglob("*.py")
        if path != allowed and any(word in path.read_text() for word in ("os.environ", "getenv", "environ["))
    ]
    assert readers == []
