"""Settings of the web app: where the data lives, where to listen, who is editing."""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass, field
from pathlib import Path

from canvas_app.shipped import shipped_dir

PACKAGE_DIR = Path(__file__).resolve().parents[1]
"""The canvas_app package folder (its assets/ are served by the app)."""
REPO_DIR = PACKAGE_DIR.parent
"""The checkout's top folder (tests and benches read its files; the app itself uses :func:`shipped_dir`)."""


def default_author() -> str:
    """Who saves when nobody is named: the login name, else "designer" (the web app and the command line)."""
    try:
        return getpass.getuser() or "designer"
    except Exception:  # no login name (containers): still a readable author
        return "designer"


@dataclass(frozen=True)
class Settings:
    """Everything :func:`canvas_app.web.app.create_app` needs.

    database_url : SQLAlchemy URL; None means ``DATABASE_URL`` from the environment,
        else SQLite in the user's data folder (see ``storage.Store.open``).
    module_dirs : extra folders of custom library modules, beside the built-in ``modules/`` and
        those named in ``CITYCANVAS_MODULE_PATH``.
    examples_dir : folder of example configurations offered on the Home page.
    author : name recorded on every revision this app saves.
    max_upload_bytes : largest configuration file accepted by "import file".
    """

    database_url: str | None = None
    host: str = "127.0.0.1"
    port: int = 8050
    debug: bool = False
    module_dirs: tuple[Path, ...] = ()
    examples_dir: Path = field(default_factory=lambda: shipped_dir("examples"))
    author: str = field(default_factory=default_author)
    max_upload_bytes: int | None = None
    recommend: bool = True
    live_recommend_max_actors: int = 120
    """Above this many actors, recommendations are computed on request, not after every edit
    (they re-score the configuration once per library module: ~1 s at 300 actors)."""
    jobs_per_user: int = 2
    """Background jobs (recommendations, value mechanisms) one user may have running at once."""
    jobs_total: int = 4
    """Background jobs running at once for everyone sharing the job backend (each may take a core
    and a few hundred MB while it re-scores the configuration once per library module)."""
    auth: bool = False
    """Accounts and workspace roles (``CITYCANVAS_AUTH=on``); off: one local user owns everything."""
    secret_key: str | None = field(default=None, repr=False)
    """Signs session cookies (``CITYCANVAS_SECRET_KEY``); required when ``auth`` is on."""
    log_format: str = "text"
    """``json`` (``CITYCANVAS_LOG_FORMAT=json``): one JSON object per log line; else readable text."""
    log_level: str = "INFO"
    """The least important log level written (``CITYCANVAS_LOG_LEVEL``: DEBUG, INFO, WARNING, ERROR)."""

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Settings from ``DATABASE_URL``, ``CITYCANVAS_AUTHOR``, ``CITYCANVAS_AUTH``, ``CITYCANVAS_SECRET_KEY``,
        ``CITYCANVAS_JOBS_PER_USER``, ``CITYCANVAS_JOBS_TOTAL``, ``CITYCANVAS_LOG_FORMAT`` and ``CITYCANVAS_LOG_LEVEL``.

        Custom module folders come from ``CITYCANVAS_MODULE_PATH``, which the library reads itself.
        """
        values: dict[str, object] = {}
        if os.environ.get("DATABASE_URL"):
            values["database_url"] = os.environ["DATABASE_URL"]
        if os.environ.get("CITYCANVAS_AUTHOR"):
            values["author"] = os.environ["CITYCANVAS_AUTHOR"]
        values["auth"] = os.environ.get("CITYCANVAS_AUTH", "").strip().lower() in ("1", "on", "true", "yes")
        values["secret_key"] = os.environ.get("CITYCANVAS_SECRET_KEY") or None
        values["log_format"] = (
            "json" if os.environ.get("CITYCANVAS_LOG_FORMAT", "").strip().lower() == "json" else "text"
        )
        values["log_level"] = os.environ.get("CITYCANVAS_LOG_LEVEL", "").strip().upper() or "INFO"
        for name, variable in (("jobs_per_user", "CITYCANVAS_JOBS_PER_USER"), ("jobs_total", "CITYCANVAS_JOBS_TOTAL")):
            if os.environ.get(variable, "").strip():
                values[name] = max(1, int(os.environ[variable]))
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]  # the values are read per field above; overrides are the caller's
