"""Settings of the app, read once from the environment into one typed object.

Every variable the app reads is a field of :class:`Settings` (the README lists them); no other
module reads the environment. The composition roots (``canvas-app``, ``wsgi.py``, ``worker.py``)
build it with :meth:`Settings.from_env` and hand it, or the values it holds, to what they build.
"""

from __future__ import annotations

import getpass
import os
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit, urlunsplit

from pydantic import AliasChoices, Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from canvas_app.shipped import shipped_dir

PACKAGE_DIR = Path(__file__).resolve().parents[1]
"""The canvas_app package folder (its assets/ are served by the app)."""
REPO_DIR = PACKAGE_DIR.parent
"""The checkout's top folder (tests and benches read its files; the app itself uses :func:`shipped_dir`)."""
MODULE_PATH_VAR = "CITYCANVAS_MODULE_PATH"
SECRET_FIELDS = frozenset({"secret_key"})
"""Shown as ``***`` by ``canvas-app config``; the URLs show their password masked instead."""
URL_FIELDS = frozenset({"database_url", "redis_url"})

Source = Literal["default", "environment", "file"]


class SettingsError(ValueError):
    """A variable holds a value the app cannot use; the message names each variable and what it takes."""


def default_author() -> str:
    """Who saves when nobody is named: the login name, else "designer" (the web app and the command line)."""
    try:
        return getpass.getuser() or "designer"
    except Exception:  # no login name (containers): still a readable author
        return "designer"


def _env(name: str) -> Any:
    """An optional field read from the variable ``name`` (also accepted under the field's own name as an argument)."""
    return Field(None, validation_alias=AliasChoices(name))


class Settings(BaseSettings):
    """Everything the web app, the worker and the command line need, from the environment.

    Precedence: arguments (the command line's options) over environment variables over the
    environment file (``from_env(env_file=…)``) over the defaults below. Empty variables count as unset.
    Fields marked ``exclude=True`` are arguments only (the command line's, the tests'), no variable.
    """

    model_config = SettingsConfigDict(
        frozen=True,
        populate_by_name=True,
        env_ignore_empty=True,
        extra="ignore",
        case_sensitive=True,
    )

    database_url: str | None = _env("DATABASE_URL")
    """SQLAlchemy URL; unset: SQLite in the user's data folder (see ``storage.Store.open``)."""
    redis_url: str | None = _env("REDIS_URL")
    """Redis for background jobs (Celery) and their slots; unset: jobs run in a subprocess of the web worker."""
    job_queue: str = Field("citycanvas", validation_alias=AliasChoices("CITYCANVAS_JOB_QUEUE"))
    """Celery queue and Redis key prefix: several installations may share one Redis."""
    cache_dir: Path | None = _env("CITYCANVAS_CACHE_DIR")
    """Where in-process job results wait; unset: the user cache folder."""
    behind_proxy: bool = Field(False, validation_alias=AliasChoices("CITYCANVAS_BEHIND_PROXY"))
    """Trust one proxy's X-Forwarded-* headers (only when clients cannot reach the app directly)."""
    module_path: Annotated[tuple[Path, ...], NoDecode] = Field((), validation_alias=AliasChoices(MODULE_PATH_VAR))
    """Folders of a city's library modules (``os.pathsep``-separated), beside the built-in ``modules/``."""
    module_dirs: tuple[Path, ...] = Field((), exclude=True)
    """More module folders given as arguments (``canvas-app --modules``)."""
    host: str = Field("127.0.0.1", exclude=True)
    port: int = Field(8050, exclude=True)
    debug: bool = Field(False, exclude=True)
    examples_dir: Path = Field(default_factory=lambda: shipped_dir("examples"), exclude=True)
    """Folder of example configurations offered on the Home page."""
    author: str = Field(default_factory=default_author, validation_alias=AliasChoices("CITYCANVAS_AUTHOR"))
    """Name recorded on every revision this app saves when nobody is signed in."""
    max_upload_bytes: int | None = Field(None, exclude=True)
    """Largest configuration file accepted by "import file"."""
    recommend: bool = Field(True, exclude=True)
    live_recommend_max_actors: int = Field(120, exclude=True)
    """Above this many actors, recommendations are computed on request, not after every edit
    (they re-score the configuration once per library module: ~1 s at 300 actors)."""
    jobs_per_user: int = Field(2, ge=1, validation_alias=AliasChoices("CITYCANVAS_JOBS_PER_USER"))
    """Background jobs (recommendations, value mechanisms) one user may have running at once."""
    jobs_total: int = Field(4, ge=1, validation_alias=AliasChoices("CITYCANVAS_JOBS_TOTAL"))
    """Background jobs running at once for everyone sharing the job backend (each may take a core
    and a few hundred MB while it re-scores the configuration once per library module)."""
    auth: bool = Field(False, validation_alias=AliasChoices("CITYCANVAS_AUTH"))
    """Accounts and workspace roles (``CITYCANVAS_AUTH=on``); off: one local user owns everything."""
    secret_key: str | None = Field(None, repr=False, validation_alias=AliasChoices("CITYCANVAS_SECRET_KEY"))
    """Signs session cookies; required when ``auth`` is on."""
    log_format: str = Field("text", validation_alias=AliasChoices("CITYCANVAS_LOG_FORMAT"))
    """``json``: one JSON object per log line; anything else: readable text."""
    log_level: str = Field("INFO", validation_alias=AliasChoices("CITYCANVAS_LOG_LEVEL"))
    """The least important log level written (DEBUG, INFO, WARNING, ERROR)."""

    @model_validator(mode="before")
    @classmethod
    def _blank_is_unset(cls, data: Any) -> Any:
        """A variable set to spaces (``CITYCANVAS_JOBS_TOTAL= ``) is unset, as an empty one is."""
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if not (isinstance(v, str) and not v.strip())}
        return data

    @field_validator("module_path", mode="before")
    @classmethod
    def _split_path(cls, value: Any) -> Any:
        """``a:b`` (``a;b`` on Windows) as a list of folders, empty entries ignored."""
        if isinstance(value, str):
            return tuple(Path(p) for p in value.split(os.pathsep) if p.strip())
        return value

    @field_validator("log_format", mode="before")
    @classmethod
    def _json_or_text(cls, value: Any) -> Any:
        return "json" if isinstance(value, str) and value.strip().lower() == "json" else "text"

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return value.strip().upper() if isinstance(value, str) else value

    @classmethod
    def from_env(cls, env_file: str | Path | None = None, **overrides: object) -> Settings:
        """The settings of this process; ``overrides`` that are None are left to the environment.

        Raises :class:`SettingsError` naming every variable with a value the app cannot use.
        """
        given: dict[str, Any] = {k: v for k, v in overrides.items() if v is not None}
        try:
            return cls(_env_file=env_file, **given)
        except ValidationError as exc:
            raise SettingsError(_explain(exc)) from None

    @property
    def library_dirs(self) -> tuple[Path, ...]:
        """The module folders beside the built-in one: the environment's first, then the arguments'."""
        return (*self.module_path, *self.module_dirs)

    def describe(self, env_file: str | Path | None = None) -> list[str]:
        """``NAME = value  (source: …)`` per environment variable, secrets and URL passwords masked."""
        file_values = _read_env_file(env_file)
        lines = []
        for name, info in type(self).model_fields.items():
            if info.exclude:
                continue
            variable = _variable(name)
            source: Source
            if os.environ.get(variable, "").strip():
                source = "environment"
            elif (file_values.get(variable) or "").strip():
                source = "file"
            else:
                source = "default"
            lines.append(f"{variable} = {_shown(name, getattr(self, name))}  (source: {source})")
        return lines


def _variable(field_name: str) -> str:
    alias = Settings.model_fields[field_name].validation_alias
    assert isinstance(alias, AliasChoices)  # every field read from the environment names its variable
    return str(alias.choices[0])


def _shown(name: str, value: object) -> str:
    if value is None or value == ():
        return "(unset)"
    if name in SECRET_FIELDS:
        return "***"
    if name in URL_FIELDS:
        return _mask_password(str(value))
    if isinstance(value, tuple):
        return os.pathsep.join(str(v) for v in value)
    if isinstance(value, bool):
        return "on" if value else "off"
    return str(value)


def _mask_password(url: str) -> str:
    """``postgresql://user:***@host/db``: the URL with its password (if any) replaced."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{parts.username or ''}:***@{host}"))


def _read_env_file(env_file: str | Path | None) -> dict[str, str | None]:
    if env_file is None:
        return {}
    from dotenv import dotenv_values  # pydantic-settings' own reader, so the sources agree

    return dict(dotenv_values(env_file))


def _explain(exc: ValidationError) -> str:
    problems = []
    for error in exc.errors():
        where = str(error["loc"][0]) if error["loc"] else ""
        problems.append(f"{where}={error.get('input')!r}: {error['msg']}")
    return "invalid settings: " + "; ".join(problems)


__all__ = ["Settings", "SettingsError", "default_author", "MODULE_PATH_VAR", "PACKAGE_DIR", "REPO_DIR"]
