"""Where long jobs run: Dash background callbacks on Celery workers, or in a subprocess.

With ``REDIS_URL`` set, jobs go through Redis to Celery workers
(``celery -A canvas_app.web.worker worker``), which may run on any host: that is how
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

import hashlib
import importlib
import json
import os
import secrets
import threading
import time
import weakref
from collections.abc import Callable
from contextlib import nullcontext, suppress
from pathlib import Path
from typing import Any

import platformdirs

from canvas_app.web.settings import Settings

JOB_EXPIRE_SECONDS = 3600
"""Results nobody fetched are dropped after an hour."""

JOB_LEASE_SECONDS = 900
"""A started job holds one of its user's (and the host's) job slots until its result is fetched,
or at most this long: a tab closed mid-job frees its slot after 15 minutes."""

_celery_apps: dict[tuple[str, str], Any] = {}
_celery_lock = threading.Lock()
_forked_engines: weakref.WeakSet[Any] = weakref.WeakSet()
_fork_hook_installed = False


class MissingExtra(RuntimeError):
    """``REDIS_URL`` asks for Redis and Celery, which come with the ``team`` extra, not installed here."""


def team_import(module: str) -> Any:
    """Import ``module`` of the ``team`` extra, or say plainly what to install (no bare ImportError)."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingExtra(
            f"REDIS_URL is set, so background jobs go through Redis and Celery, but the package {module!r} is "
            "not installed: install the team extra (pip install 'citycanvas[team]'), or unset REDIS_URL to run "
            "jobs in a subprocess of the web worker"
        ) from None


def celery_app(settings: Settings) -> Any:
    """The process's Celery app for this broker and queue (the web app and ``canvas_app.web.worker`` share it).

    One per (broker, queue), not one per process: an app built for one queue must never send another
    configuration's jobs to it (a worker takes only its own queue, so those jobs would wait forever)."""
    broker = settings.redis_url
    if broker is None:
        raise RuntimeError("REDIS_URL is not set: Celery needs a Redis broker")
    key = (broker, settings.job_queue)
    with _celery_lock:
        if key not in _celery_apps:
            team_import("redis")  # Celery's Redis transport, imported only when the first job is sent
            app = team_import("celery").Celery("citycanvas", broker=broker, backend=broker)
            app.conf.update(
                result_expires=JOB_EXPIRE_SECONDS,
                broker_connection_retry_on_startup=True,
                # several deployments (or test runs) may share one Redis: each names its own queue
                task_default_queue=settings.job_queue,
            )
            _celery_apps[key] = app
        return _celery_apps[key]


def cache_folder(settings: Settings) -> Path:
    """Where in-process job results wait (``CITYCANVAS_CACHE_DIR``, else the user cache folder)."""
    folder = settings.cache_dir or platformdirs.user_cache_dir("citycanvas", appauthor=False)
    path = Path(folder) / "background-jobs"
    path.mkdir(parents=True, exist_ok=True)
    return path


class _OwnResultPerStart:
    """Mixed into Dash's managers: every start of a job gets a result key of its own.

    Dash keys a result by a hash of the callback and its arguments, the same for every user:
    two people starting the same job with the same ids would share one result, and whoever
    polled first would take it (another workspace's flags, or 204 forever for the owner).
    Salting the key with the starting user and a random nonce gives each start its own slot.
    """

    key_owner: Callable[[], str] = staticmethod(lambda: "")

    def build_cache_key(self, fn: Any, args: Any, cache_args_to_ignore: Any, triggered: Any) -> str:
        shared = super().build_cache_key(fn, args, cache_args_to_ignore, triggered)  # type: ignore[misc]  # the mixin's super() is the Dash manager it is combined with
        return hashlib.sha256(f"{shared}|{self.key_owner()}|{secrets.token_hex(16)}".encode()).hexdigest()


def background_manager(settings: Settings, store: Any = None, key_owner: Callable[[], str] | None = None) -> Any:
    """A Dash background callback manager: Celery when ``REDIS_URL`` is set, else diskcache.

    ``key_owner`` names the user starting a job (it salts the job's result key, see
    :class:`_OwnResultPerStart`).
    """
    if store is not None and getattr(store, "engine", None) is not None:
        _forget_connections_in_children(store.engine)
    if settings.redis_url:
        from dash import CeleryManager

        class OwnCeleryManager(_OwnResultPerStart, CeleryManager):
            """Celery jobs, each start with its own result key."""

        manager: Any = OwnCeleryManager(celery_app(settings), expire=JOB_EXPIRE_SECONDS)  # type: ignore[no-untyped-call]  # Dash leaves its managers' __init__ and terminate_job unannotated
    else:
        import diskcache
        from dash import DiskcacheManager

        class OwnDiskcacheManager(_OwnResultPerStart, DiskcacheManager):
            def terminate_job(self, job: Any) -> None:
                """Dash's, except that a job which ended on its own while being stopped is no error
                (psutil raised NoSuchProcess: a 500 on the poll that fetched its result)."""
                import psutil

                with suppress(psutil.NoSuchProcess):
                    super().terminate_job(job)  # type: ignore[no-untyped-call]  # Dash leaves its managers' __init__ and terminate_job unannotated

        manager = OwnDiskcacheManager(diskcache.Cache(str(cache_folder(settings))), expire=JOB_EXPIRE_SECONDS)  # type: ignore[no-untyped-call]  # Dash leaves its managers' __init__ and terminate_job unannotated
    if key_owner is not None:
        manager.key_owner = key_owner
    return manager


class JobSlots:
    """Leases on background-job slots, shared by every worker that shares the job backend.

    A start takes a lease if its user holds fewer than ``per_user`` and everyone fewer than
    ``total``; fetching the result (or :data:`JOB_LEASE_SECONDS`) returns it. The check and the
    take are one atomic step: a Lua script on Redis (several hosts), a diskcache transaction
    (an SQLite write lock shared by the workers of one host) otherwise.
    """

    _LUA = """
    local now = tonumber(ARGV[1])
    local leases = redis.call('HGETALL', KEYS[1])
    local total, mine = 0, 0
    for i = 1, #leases, 2 do
        local lease = cjson.decode(leases[i + 1])
        if lease.expires <= now then
            redis.call('HDEL', KEYS[1], leases[i])
        else
            total = total + 1
            if lease.user == ARGV[3] then mine = mine + 1 end
        end
    end
    if mine >= tonumber(ARGV[5]) then return 'user' end
    if total >= tonumber(ARGV[6]) then return 'total' end
    redis.call('HSET', KEYS[1], ARGV[2], ARGV[4])
    return 'ok'
    """

    def __init__(
        self, per_user: int, total: int, settings: Settings, *, lease_seconds: float = JOB_LEASE_SECONDS
    ) -> None:
        self.per_user, self.total, self.lease_seconds = per_user, total, lease_seconds
        if settings.redis_url:
            self._redis: Any = team_import("redis").Redis.from_url(settings.redis_url)
            self._key = f"{settings.job_queue}:job-slots"
            self._take_script = self._redis.register_script(self._LUA)
            self._cache: Any = None
        else:
            import diskcache

            self._redis = None
            self._cache = diskcache.Cache(str(cache_folder(settings).parent / "job-slots"))

    def take(self, user: str, lease: str, subject: Any = None) -> str | None:
        """Take a slot for ``user`` under the name ``lease`` (``subject``: what the job reads, kept
        with the lease); None if taken, else what is full (``"user"``: this user's jobs,
        ``"total"``: everyone's)."""
        now = time.time()
        record = {"user": user, "subject": subject, "expires": now + self.lease_seconds}
        if self._redis is not None:
            answer = self._take_script(
                keys=[self._key], args=[now, lease, user, json.dumps(record), self.per_user, self.total]
            )
            answer = answer.decode() if isinstance(answer, bytes) else answer
            return None if answer == "ok" else answer
        with self._cache.transact():
            leases = {k: v for k, v in self._cache.get("leases", {}).items() if v["expires"] > now}
            if sum(1 for v in leases.values() if v["user"] == user) >= self.per_user:
                return "user"
            if len(leases) >= self.total:
                return "total"
            leases[lease] = record
            self._cache.set("leases", leases)
        return None

    def rename(self, lease: str, new_name: str) -> None:
        """Keep a lease under another name (the job's handle, known once the job started)."""
        if self._redis is not None:
            record = self._redis.hget(self._key, lease)
            if record is not None:
                self._redis.hset(self._key, new_name, record)
                self._redis.hdel(self._key, lease)
            return
        with self._cache.transact():
            leases = self._cache.get("leases", {})
            if lease in leases:
                leases[new_name] = leases.pop(lease)
                self._cache.set("leases", leases)

    def holder(self, lease: str) -> dict[str, Any] | None:
        """The live lease named ``lease`` (``user``, ``subject``, ``expires``), or None."""
        if self._redis is not None:
            raw = self._redis.hget(self._key, lease)
            record = json.loads(raw) if raw is not None else None
        else:
            record = self._cache.get("leases", {}).get(lease)
        return record if record is not None and record["expires"] > time.time() else None

    def give_back(self, lease: str) -> None:
        """Return a slot (its job finished, was fetched, or never started)."""
        if self._redis is not None:
            self._redis.hdel(self._key, lease)
            return
        with self._cache.transact():
            leases = self._cache.get("leases", {})
            if leases.pop(lease, None) is not None:
                self._cache.set("leases", leases)

    def held(self, user: str | None = None) -> int:
        """How many slots are held (by ``user``, or by everyone)."""
        now = time.time()
        if self._redis is not None:
            records = [json.loads(v) for v in self._redis.hgetall(self._key).values()]
        else:
            records = list(self._cache.get("leases", {}).values())
        return sum(1 for r in records if r["expires"] > now and (user is None or r["user"] == user))


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
    """After a fork, the child opens its own connections (SQLAlchemy's advice for multiprocessing).

    Windows has no fork (jobs start in a fresh interpreter, which inherits no connection), so
    there is nothing to drop there and no ``os.register_at_fork`` to call.
    """
    global _fork_hook_installed
    if not _fork_hook_installed and hasattr(os, "register_at_fork"):
        os.register_at_fork(after_in_child=lambda: [e.dispose(close=False) for e in list(_forked_engines)])
        _fork_hook_installed = True
    _forked_engines.add(engine)


__all__ = [
    "MissingExtra",
    "team_import",
    "background_manager",
    "celery_app",
    "cache_folder",
    "job_request_context",
    "JobSlots",
    "JOB_LEASE_SECONDS",
]
