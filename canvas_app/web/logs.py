"""Logging, configured in one place, and a request id on every request and every log line.

:func:`configure_logging` (called by ``create_app`` and by ``canvas-app serve``) puts one handler
on the root logger: readable text, or one JSON object per line with ``CITYCANVAS_LOG_FORMAT=json``
(what a city's log collector parses), at ``CITYCANVAS_LOG_LEVEL`` (default INFO). Calling it again
replaces that handler, never adds a second one.

:func:`install_request_ids` gives each request an id: the incoming ``X-Request-ID`` when it is a
sane token (so a proxy's id follows the request through), else a new random one. It is sent back
in the ``X-Request-ID`` header and added to every log line written while the request runs, so one
user's "it failed at 10:02" can be found among every worker's lines.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import sys
import time
from datetime import UTC, datetime
from typing import Any, TextIO

from flask import Flask, Response, g, has_request_context, request

REQUEST_ID_HEADER = "X-Request-ID"
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,100}")
"""An incoming id is kept only if it is this: no spaces, quotes or control characters that could
forge or break a log line or a header."""
NO_REQUEST = "-"
"""The request id of a line written outside any request (start-up, background jobs)."""
TEXT_FORMAT = "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"

access_log = logging.getLogger("canvas_app.requests")


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record: the current request's id, else ``-``."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = g.get("request_id", NO_REQUEST) if has_request_context() else NO_REQUEST
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, request_id (and the
    exception's traceback when there is one)."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", NO_REQUEST),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


class _CurrentStderr(logging.StreamHandler[TextIO]):
    """Writes to whatever ``sys.stderr`` is now (a handler kept from an earlier stream would write
    to a closed one when a test runner or a daemon swaps it)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property  # StreamHandler keeps a fixed stream attribute; this one follows sys.stderr
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _value: TextIO) -> None:
        """StreamHandler assigns its stream on setup and on setStream: ignored, the stream is sys.stderr."""


_HANDLER_MARK = "citycanvas"


def configure_logging(settings: Any, stream: TextIO | None = None) -> logging.Handler:
    """Install (or replace) CityCanvas's handler on the root logger, per ``settings.log_format``
    and ``settings.log_level``; ``stream`` defaults to the current standard error. Returns the handler."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "name", None) == _HANDLER_MARK]:
        root.removeHandler(old)
    handler: logging.Handler = _CurrentStderr() if stream is None else logging.StreamHandler(stream)
    handler.set_name(_HANDLER_MARK)
    handler.addFilter(RequestIdFilter())
    if str(settings.log_format).lower() == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter(TEXT_FORMAT))
    root.addHandler(handler)
    level = logging.getLevelNamesMapping().get(str(settings.log_level).upper())
    root.setLevel(level if level is not None else logging.INFO)
    if level is None:
        logging.getLogger(__name__).warning("unknown CITYCANVAS_LOG_LEVEL %r: logging at INFO", settings.log_level)
    return handler


def install_request_ids(server: Flask) -> None:
    """Give every request of ``server`` an id (before any other check runs), send it back in the
    ``X-Request-ID`` header and write one access line per request (method, path, status, duration)."""

    def assign_request_id() -> None:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = incoming if SANE_REQUEST_ID.fullmatch(incoming) else secrets.token_hex(16)
        g.request_started = time.perf_counter()

    server.before_request_funcs.setdefault(None, []).insert(0, assign_request_id)

    @server.after_request
    def send_request_id(response: Response) -> Response:
        request_id = g.get("request_id")
        if request_id:
            response.headers[REQUEST_ID_HEADER] = request_id
            elapsed_ms = (time.perf_counter() - g.get("request_started", time.perf_counter())) * 1000
            access_log.info("%s %s %s %.0f ms", request.method, request.path, response.status_code, elapsed_ms)
        return response


__all__ = [
    "configure_logging",
    "install_request_ids",
    "JsonFormatter",
    "RequestIdFilter",
    "REQUEST_ID_HEADER",
]
