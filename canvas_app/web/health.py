"""``/healthz`` and ``/readyz``: what a load balancer or an orchestrator asks of each web worker.

``/healthz`` says the process answers (always 200). ``/readyz`` says it can serve requests: the
database answers at the schema this code needs and, when ``REDIS_URL`` is set, Redis answers
(200; else 503 naming the failing part). Both are open without signing in, so they say nothing
beyond "ok" or what fails: no URL, host, version or error text (the causes go to the log).
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, jsonify

from canvas_app.web.background import team_import

HEALTH_PATHS = ("/healthz", "/readyz")
"""Open to anyone (``callbacks.auth`` lets them through without a session)."""

REDIS_TIMEOUT_SECONDS = 2.0
"""A probe that hangs is worse than one that fails: the orchestrator's own timeout is often 1-5 s."""

log = logging.getLogger(__name__)


def install_health(app: Any, services: Any) -> None:
    """Add ``/healthz`` and ``/readyz`` to the Flask server of ``app`` (a Dash app)."""
    server: Flask = app.server
    url = services.settings.redis_url
    redis_client = None
    if url:
        redis_client = team_import("redis").Redis.from_url(
            url, socket_connect_timeout=REDIS_TIMEOUT_SECONDS, socket_timeout=REDIS_TIMEOUT_SECONDS
        )

    def answer(body: dict[str, Any], status: int) -> Response:
        response = jsonify(body)
        response.status_code = status
        response.headers["Cache-Control"] = "no-store"
        return response

    @server.get("/healthz")
    def healthz() -> Response:
        services.public_route()
        return answer({"status": "ok"}, 200)

    @server.get("/readyz")
    def readyz() -> Response:
        services.public_route()
        checks = {"database": services.store.readiness() or "ok"}
        if redis_client is not None:
            checks["redis"] = redis_state(redis_client)
        ready = all(state == "ok" for state in checks.values())
        return answer({"status": "ready" if ready else "not ready", "checks": checks}, 200 if ready else 503)


def redis_state(client: Any) -> str:
    """``"ok"`` when Redis answers a PING within the timeout, else ``"unreachable"`` (the cause is logged)."""
    redis = team_import("redis")
    try:
        client.ping()
    except (redis.RedisError, OSError) as exc:
        log.warning("not ready: Redis does not answer: %s", exc)
        return "unreachable"
    return "ok"


__all__ = ["install_health", "redis_state", "HEALTH_PATHS"]
