"""Sign-in, sign-out and the request guards that go with accounts (``CITYCANVAS_AUTH=on``).

With accounts off nothing here is installed: the local user owns everything.
With accounts on:

* ``/login`` (GET form, POST check) and ``/logout`` (GET page, POST sign-out) are plain
  Flask routes; forms carry a per-session CSRF token; a throttled sign-in gets 429 with
  ``Retry-After`` (the limits: canvas_app.web.auth); ``next`` may only name a path on this site;
* a successful sign-in leaves a signed "known browser" cookie (path ``/login``, 180 days,
  the account name only): it lets that browser past the per-account limit that guesses
  from many addresses can reach, never past its own address's limits;
* the session is Flask's signed cookie: HTTP-only, SameSite=Lax, Secure when the request
  came over HTTPS, 12 hours; it holds the user id and the user's session epoch, so
  signing out ends every session of that user on every worker;
* page loads without a signed-in user are redirected to ``/login``;
* a Dash callback that never called :meth:`Services.require` is refused (403): a callback
  added without an access check fails closed instead of leaking.
"""

from __future__ import annotations

import logging
import math
import re
import secrets
from datetime import timedelta
from typing import Any
from urllib.parse import quote, urlsplit

from flask import Flask, Response, g, redirect, request, session
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import BadData, URLSafeTimedSerializer

from canvas_app.web.auth import KNOWN_BROWSER_DAYS, account_key, check_secret_key, sign_in
from canvas_app.web.health import HEALTH_PATHS
from canvas_app.web.services import Services
from layouts import auth as auth_layouts
from layouts.accessibility import STATEMENT_PATH
from layouts.rounds import PARTICIPATE_PATH, PARTICIPATE_PREFIX

log = logging.getLogger(__name__)
SESSION_LIFETIME = timedelta(hours=12)
PUBLIC_PAGES = (STATEMENT_PATH,)
"""Dash pages anyone may read: the accessibility statement must be reachable before signing in."""
PUBLIC_PREFIXES = (
    "/login",
    "/logout",
    "/assets/",
    "/_dash-",
    "/_favicon.ico",
    "/_reload-hash",
    *PUBLIC_PAGES,
    PARTICIPATE_PREFIX,
)
"""Paths that load without a signed-in user: the sign-in pages, public pages, a co-creation round's
participant page (``/r/<token>``: the token is the key, checked by the page and each of its callbacks)
and Dash's own scripts and endpoints (``/_dash-update-component`` checks access in every callback instead)."""
CALLBACK_PATH = "/_dash-update-component"
KNOWN_BROWSER_COOKIE = "citycanvas_known_browser"


class _SecureWhenHttps(SecureCookieSessionInterface):
    """Flask's signed-cookie session with the Secure flag set whenever the request is HTTPS
    (a static setting would either break plain-HTTP laptops or leak cookies over HTTP)."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(request.is_secure) or bool(app.config.get("SESSION_COOKIE_SECURE"))


def csrf_token() -> str:
    """This session's form token (created on first use)."""
    token = session.get("csrf")
    if not isinstance(token, str) or len(token) < 32:
        token = secrets.token_urlsafe(32)
        session["csrf"] = token
    return token


def _csrf_ok() -> bool:
    sent, expected = request.form.get("csrf", ""), session.get("csrf")
    return isinstance(expected, str) and secrets.compare_digest(sent.encode(), expected.encode())


NOT_A_DESTINATION = re.compile(r"[\\\x00-\x20\x7f-\x9f\u00a0\u1680\u2000-\u200f\u2028-\u202f\u205f\u2060\u3000\ufeff]")
"""Backslashes (browsers read them as ``/``), controls and every kind of space: none belongs in
a path this app links to, and each has turned a path into another site in some browser."""


def safe_next(path: str | None) -> str:
    """Where to go after signing in: only a path on this site (``/edit/3?x=1``), else ``/``.

    Normalised first, the way a browser reads a ``Location``: tabs and newlines removed,
    surrounding spaces and controls stripped. What is left must start with a single ``/``,
    have no scheme or host, no backslash, control or space, and not lead back to sign-in.
    """
    if not isinstance(path, str):
        return "/"
    cleaned = re.sub(r"[\t\n\r]", "", path).strip("".join(map(chr, range(0x21))))
    if not cleaned.startswith("/") or cleaned.startswith("//") or NOT_A_DESTINATION.search(cleaned):
        return "/"
    parts = urlsplit(cleaned)
    if parts.scheme or parts.netloc or parts.path.startswith(("/login", "/logout")):
        return "/"
    return cleaned


def _known_browsers(server: Flask) -> URLSafeTimedSerializer:
    """Signs the cookie that marks a browser as one that signed in to an account before."""
    return URLSafeTimedSerializer(server.secret_key, salt="citycanvas-known-browser")


def register(app: Any, services: Services) -> None:
    """Install the session, the sign-in routes and the guards (only when accounts are on)."""
    if not services.settings.auth:
        return
    server: Flask = app.server
    server.secret_key = check_secret_key(services.settings.secret_key)
    server.session_interface = _SecureWhenHttps()
    server.config.update(
        SESSION_COOKIE_NAME="citycanvas_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=SESSION_LIFETIME,
    )
    services.store.adopt_orphan_workspaces()

    def stylesheets() -> list[str]:
        return [app.get_asset_url("bootstrap.min.css"), app.get_asset_url("app.css")]

    def login_form(status: int = 200, **kwargs: Any) -> Response:
        html = auth_layouts.sign_in_page(csrf=csrf_token(), stylesheets=stylesheets(), **kwargs)
        return Response(html, status=status, mimetype="text/html")

    @server.route("/login", methods=["GET", "POST"])
    def login() -> Any:
        services.public_route()
        next_path = safe_next(request.values.get("next"))
        if request.method == "GET":
            if services.current_user() is not None:
                return redirect(next_path)
            notice = "You are signed out." if request.args.get("signed_out") else None
            return login_form(next_path=next_path, notice=notice)
        name = request.form.get("name", "")[:200]
        if not _csrf_ok():
            return login_form(400, next_path=next_path, user_name=name, error="The form expired. Please sign in again.")
        known = _known_browsers(server)
        try:
            known_name = known.loads(request.cookies.get(KNOWN_BROWSER_COOKIE, ""), max_age=KNOWN_BROWSER_DAYS * 86400)
        except BadData:
            known_name = None
        outcome = sign_in(
            services.store,
            name,
            request.form.get("password", ""),
            request.remote_addr,
            known_browser=known_name == account_key(name),
        )
        if outcome.retry_after is not None:
            refused = login_form(429, next_path=next_path, user_name=name, error=outcome.message)
            refused.headers["Retry-After"] = str(math.ceil(outcome.retry_after.total_seconds()))
            return refused
        if outcome.user is None:
            return login_form(401, next_path=next_path, user_name=name, error=outcome.message)
        session.clear()
        session.permanent = True
        session["uid"], session["epoch"] = outcome.user.id, outcome.user.session_epoch
        session["csrf"] = secrets.token_urlsafe(32)
        signed_in = redirect(next_path)
        signed_in.set_cookie(
            KNOWN_BROWSER_COOKIE,
            known.dumps(account_key(outcome.user.name)),
            max_age=KNOWN_BROWSER_DAYS * 86400,
            path="/login",
            secure=bool(request.is_secure),
            httponly=True,
            samesite="Strict",
        )
        return signed_in

    @server.route("/logout", methods=["GET", "POST"])
    def logout() -> Any:
        services.public_route()
        user = services.current_user()
        if request.method == "GET":
            if user is None:
                return redirect("/login")
            html = auth_layouts.sign_out_page(csrf=csrf_token(), user_name=user.name, stylesheets=stylesheets())
            return Response(html, mimetype="text/html")
        if not _csrf_ok():
            return redirect("/logout")
        if user is not None and user.id is not None:
            services.store.end_sessions(user.id, audit=services.audit_actor())
        session.clear()
        return redirect("/login?signed_out=1")

    @server.before_request
    def sign_in_first() -> Any:
        """A page load by nobody goes to the sign-in form (and comes back after)."""
        if request.method != "GET" or request.path.startswith(PUBLIC_PREFIXES) or request.path in HEALTH_PATHS:
            return None
        if services.current_user() is None:
            return redirect(f"/login?next={quote(safe_next(request.full_path.rstrip('?')), safe='/?=&')}")
        return None

    @server.after_request
    def callbacks_must_check(response: Response) -> Response:
        """Fail closed: a callback that answered without asking ``require`` is refused.

        Background callbacks are checked before Dash sees them, on the start and every poll
        (``callbacks.jobs``); their function checks again in the job, inside
        ``canvas_app.web.background.job_request_context`` (the browser's cookies)."""
        if request.path.endswith(CALLBACK_PATH) and response.status_code in (200, 204):
            body = request.get_json(silent=True) or {}
            background = bool(app.callback_map.get(body.get("output"), {}).get("background"))
            if not g.get("citycanvas_checks") and not background:
                log.error("callback %s answered without an access check: refused", body.get("output"))
                return Response("This action did not check access and was refused.", status=403)
        return response


def page_or_refusal(services: Services, build: Any, pathname: str | None = None) -> Any:
    """Build a page after checking a user is signed in (public pages: anyone); a refused page
    becomes a "No access" page (its builder checks the workspace), with the account bar on top."""
    from dash import html
    from werkzeug.exceptions import HTTPException

    try:
        if (pathname or "").rstrip("/") in PUBLIC_PAGES or PARTICIPATE_PATH.match(pathname or ""):
            services.public_route()
            user = services.current_user()
        else:
            user = services.require("use").user
        page = build()
    except HTTPException as exc:  # SignInRequired or AccessDenied
        return auth_layouts.no_access(str(exc.description), signed_out=exc.code == 401)
    if user is None or user.local:
        return page
    return html.Div([auth_layouts.account_bar(user.name, csrf_token()), page])
