"""Where long jobs run: Dash background callbacks on Celery workers, or in a subprocess.

With ``REDIS_URL`` set, jobs go through Redis to Celery workers
(``celery -A canvas_app.worker worker``), which may run on any host: that is how
several web hosts behind a load balancer share them (``CITYCANVAS_JOB_QUEUE`` names
the queue when several deployments share one Redis). Without it, each job runs in
a subprocess of the web worker and its result waits in a diskcache folder
(``CITYCANVAS_CACHE_DIR``, else the user's cache folder) that every gunicorn
worker of the host reads, so the polling request may reach any of them.

A background job is forked from a web worker (diskcache) or from the Celery
parent process: the store's pooled connections must not be shared with the
child, so :func:`background_manager` drops them in every forked child.
"""

from __future__ import annotations

import os
from contextlib import nullcontext
import threading
import weakref
from pathlib import Path
from typing import Any

import platformdirs

JOB_EXPIRE_SECONDS = 3600
"""Results nobody fetched are dropped after an hour."""

_celery: Any = None
_celery_lock = threading.Lock()
_forked_engines: weakref.WeakSet = weakref.WeakSet()
_fork_hook_installed = False


def redis_url() -> str | None:
    return os.environ.get("REDIS_URL") or None


def celery_app(url: str | None = None) -> Any:
    """The process's Celery app (one per process: the web app and ``canvas_app.worker`` share it)."""
    global _celery
    with _celery_lock:
        if _celery is None:
            from celery import Celery

            broker = url or redis_url()
            if broker is None:
                raise RuntimeError("REDIS_URL is not set: Celery needs a Redis broker")
            _celery = Celery("citycanvas", broker=broker, backend=broker)
            _celery.conf.update(
                result_expires=JOB_EXPIRE_SECONDS,
                broker_connection_retry_on_startup=True,
                # several deployments (or test runs) may share one Redis: each names its own queue
                task_default_queue=os.environ.get("CITYCANVAS_JOB_QUEUE") or "citycanvas",
            )
        return _celery


def cache_folder() -> Path:
    """Where in-process job results wait (``CITYCANVAS_CACHE_DIR``, else the user cache folder)."""
    folder = os.environ.get("CITYCANVAS_CACHE_DIR") or platformdirs.user_cache_dir("citycanvas", appauthor=False)
    path = Path(folder) / "background-jobs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def background_manager(store: Any = None) -> Any:
    """A Dash background callback manager: Celery when ``REDIS_URL`` is set, else diskcache."""
    if store is not None and getattr(store, "engine", None) is not None:
        _forget_connections_in_children(store.engine)
    url = redis_url()
    if url:
        from dash import CeleryManager

        return CeleryManager(celery_app(url), expire=JOB_EXPIRE_SECONDS)
    import diskcache
    from dash import DiskcacheManager

    return DiskcacheManager(diskcache.Cache(str(cache_folder())), expire=JOB_EXPIRE_SECONDS)


def job_request_context(server: Any) -> Any:
    """A request context for the body of a background callback.

    On a Celery worker a job has no Flask request, so session-based checks (accounts) would
    see nobody signed in; this rebuilds one carrying the cookies of the browser that started
    the job (Dash hands them to the job). Inside a real request it changes nothing.
    """
    from flask import has_request_context

    if has_request_context():
        return nullcontext()
    from dash import callback_context

    cookies = dict(getattr(callback_context, "cookies", None) or {})
    header = "; ".join(f"{name}={value}" for name, value in cookies.items())
    return server.test_request_context(
        "/_dash-update-component", method="POST", headers={"Cookie": header} if header else {}
    )


def _forget_connections_in_children(engine: Any) -> None:
    """After a fork, the child opens its own connections (SQLAlchemy's advice for multiprocessing)."""
    global _fork_hook_installed
    if not _fork_hook_installed:
        os.register_at_fork(after_in_child=lambda: [e.dispose(close=False) for e in list(_forked_engines)])
        _fork_hook_installed = True
    _forked_engines.add(engine)


__all__ = ["background_manager", "celery_app", "cache_folder", "redis_url", "job_request_context"]
