"""HTTP hardening of the Dash server: security headers, and malformed or oversized JSON refused.

One call in ``create_app``: :func:`install_security`. What it adds, and why:

* a Content-Security-Policy that allows only the app's own scripts plus the hashes of
  Dash's inline scripts (``app.csp_hashes()``: the renderer bootstrap and any inline
  clientside callback), so an injected ``<script>`` cannot run; no ``'unsafe-eval'``;
* ``frame-ancestors 'none'`` and ``X-Frame-Options: DENY`` (no clickjacking),
  ``X-Content-Type-Options: nosniff``, a same-origin ``Referrer-Policy``;
* HSTS, only on HTTPS: ``request.is_secure``, which trusts ``X-Forwarded-Proto``
  only when ``CITYCANVAS_BEHIND_PROXY=1`` says a proxy we control sets it;
* callback bodies parsed before Dash sees them: invalid JSON is a 400, JSON nested
  deeper than :data:`MAX_JSON_DEPTH` a 400 (the stdlib parser would raise
  ``RecursionError``: a 500), a body that is not shaped like a call of one of the app's
  callbacks a 400 (Dash would raise ``KeyError``/``IndexError``: a 500), a body over
  ``MAX_CONTENT_LENGTH`` a 413;
* a well-formed callback request whose values the callback cannot use (a number where the
  page always sends text, no id where one is needed) a 400 instead of Dash's 500: the
  page itself never sends such values, so the request is forged or damaged. The traceback
  is still logged, so a genuine bug in a callback stays visible to whoever runs the server.
"""

from __future__ import annotations

import logging
import threading
from typing import Any, TypeGuard

from dash.exceptions import InvalidCallbackReturnValue
from flask import Flask, Response, abort, request
from werkzeug.exceptions import BadRequest, HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

MAX_JSON_DEPTH = 64
"""Deepest nesting accepted in a JSON request body. Dash callback payloads of this app are
under 10 levels; a component tree sent as State stays far below 64."""

HSTS_SECONDS = 365 * 24 * 3600

UNUSABLE_VALUE_ERRORS = (
    TypeError,
    ValueError,
    LookupError,
    AttributeError,
    ArithmeticError,
    InvalidCallbackReturnValue,
)
"""What a callback raises when handed a value of the wrong type or shape, or an id that names nothing
(``LookupError`` covers ``KeyError``, ``IndexError`` and the store's ``NotFoundError``;
``ArithmeticError`` an absurd number such as 10**400), and what Dash raises when the request
names fewer pattern-matching outputs than the page has (a forged ``outputs`` with zero matches:
the callback's answer no longer fits it)."""

log = logging.getLogger(__name__)

BASE_POLICY: dict[str, list[str]] = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    # React and cytoscape set styles through the CSSOM (allowed); dash-bootstrap-components'
    # transitions and Dash's loading states also write style attributes, which need this.
    "style-src": ["'self'", "'unsafe-inline'"],
    # cytoscape's PNG export and dcc.Upload previews use data: and blob: URLs.
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}


def json_depth_exceeds(value: Any, limit: int) -> bool:
    """True if ``value`` (parsed JSON) nests deeper than ``limit`` lists/objects.

    Iterative, so a hostile document cannot exhaust the Python stack here.

    >>> json_depth_exceeds([[[]]], 3), json_depth_exceeds([[[]]], 2)
    (False, True)
    """
    stack: list[tuple[Any, int]] = [(value, 1 if isinstance(value, (list, dict)) else 0)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        for child in children:
            if isinstance(child, (list, dict)):
                stack.append((child, depth + 1))
    return False


def is_callback_request(app: Any, body: Any) -> bool:
    """True if ``body`` has the shape Dash's dispatcher expects for one of ``app``'s callbacks.

    Dash answers anything else with a 500 (KeyError, IndexError...): an unknown ``output``,
    fewer inputs or states than the callback declares, an item that is not the declared
    ``{id, property}`` (or a list of them, for pattern-matching inputs).
    """
    if not isinstance(body, dict) or not isinstance(body.get("output"), str):
        return False
    spec = app.callback_map.get(body["output"])
    if spec is None:
        return False
    outputs, output = body.get("outputs"), body["output"]
    if output.startswith(".."):  # several outputs: "..a.x...b.y.."
        keys = output[2:-2].split("...")
        if not (_are_props(outputs) and len(outputs) == len(keys)):
            return False
        # a pattern-matching output at its place: ALL a list of matches, MATCH one, each with a dict id
        for key, item in zip(keys, outputs):
            if key.startswith("{") and not all(
                isinstance(i["id"], dict) for i in (item if isinstance(item, list) else [item])
            ):
                return False
    elif output.startswith("{"):  # one pattern-matching output: MATCH sends one, ALL a list
        if not (_is_prop(outputs) or (_are_props(outputs) and all(_is_prop(o) for o in outputs))):
            return False
    elif not _is_prop(outputs):
        return False
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(isinstance(c, str) for c in changed):
        return False
    return all(_matches_declared(body.get(name, []), spec.get(name, [])) for name in ("inputs", "state"))


def _matches_declared(items: Any, declared: list[dict[str, Any]]) -> bool:
    """Each sent item is the declared ``{id, property}`` at its place: a plain id exactly; a
    pattern-matching id as a dict id (MATCH), or a list of them (ALL, ALLSMALLER)."""
    if not (isinstance(items, list) and len(items) == len(declared)):
        return False
    for item, spec in zip(items, declared):
        spec_id, prop = str(spec.get("id")), spec.get("property")
        if not spec_id.startswith("{"):
            if not (_is_prop(item) and item["id"] == spec_id and item["property"] == prop):
                return False
        elif '["ALL' in spec_id:
            if not (isinstance(item, list) and all(_is_prop(i) and isinstance(i["id"], dict) for i in item)):
                return False
        elif not (_is_prop(item) and isinstance(item["id"], dict)):
            return False
    return True


def _is_prop(item: Any) -> bool:
    return isinstance(item, dict) and isinstance(item.get("property"), str) and isinstance(item.get("id"), (str, dict))


def _are_props(items: Any) -> TypeGuard[list[Any]]:
    """A list of ``{id, property}`` items, or of lists of them (pattern-matching ALL/ALLSMALLER)."""
    return isinstance(items, list) and all(
        _is_prop(item) or (isinstance(item, list) and all(_is_prop(i) for i in item)) for item in items
    )


def content_security_policy(script_hashes: list[str]) -> str:
    """The CSP header value, with Dash's inline-script hashes added to ``script-src``."""
    policy = {name: list(values) for name, values in BASE_POLICY.items()}
    policy["script-src"] += script_hashes
    return "; ".join(f"{name} {' '.join(values)}" for name, values in policy.items())


def install_security(app: Any, *, behind_proxy: bool = False) -> None:
    """Add the headers and request checks above to ``app`` (a Dash app).

    ``behind_proxy`` (``CITYCANVAS_BEHIND_PROXY``): trust one proxy's X-Forwarded-* headers.

    Call it after the callbacks are registered; the CSP is computed on the first
    response, so inline scripts registered later are still covered.
    """
    server: Flask = app.server
    if behind_proxy:
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=1, x_proto=1, x_host=1)  # type: ignore[method-assign]  # wrapping the WSGI app is how Werkzeug's ProxyFix is installed
    policy_lock = threading.Lock()
    policy: dict[str, str] = {}

    def current_policy() -> str:
        with policy_lock:
            if "csp" not in policy:
                policy["csp"] = content_security_policy(list(app.csp_hashes()))
            return policy["csp"]

    @server.before_request
    def refuse_bad_json() -> None:
        """Parse a JSON body once (Flask caches it for Dash) and refuse what would crash the parser."""
        if request.method not in ("POST", "PUT", "PATCH") or not request.is_json:
            return
        try:
            body = request.get_json(silent=False)
        except RecursionError:
            abort(400, description=f"the request body is nested more than {MAX_JSON_DEPTH} levels deep")
        except HTTPException:
            raise  # 400 (invalid JSON) or 413 (body over MAX_CONTENT_LENGTH)
        except (ValueError, UnicodeDecodeError):
            raise BadRequest("the request body is not valid JSON") from None
        if json_depth_exceeds(body, MAX_JSON_DEPTH):
            abort(400, description=f"the request body is nested more than {MAX_JSON_DEPTH} levels deep")
        if request.path.endswith("/_dash-update-component") and not is_callback_request(app, body):
            abort(400, description="the request is not a call of one of this app's callbacks")

    def refuse_unusable_values(exc: Exception) -> Response:
        """A callback failed on the values of a request: 400 for callback requests, else the usual 500."""
        if not request.path.endswith("/_dash-update-component"):
            raise exc
        log.warning("callback request refused: its values do not fit the callback", exc_info=exc)
        return Response("This request carries values the callback cannot use.", status=400, mimetype="text/plain")

    for error in UNUSABLE_VALUE_ERRORS:
        server.register_error_handler(error, refuse_unusable_values)

    @server.after_request
    def add_security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", current_policy())
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
        if request.is_secure:
            # no includeSubDomains: the app rarely owns the city's whole domain
            headers.setdefault("Strict-Transport-Security", f"max-age={HSTS_SECONDS}")
        return response


__all__ = ["install_security", "content_security_policy", "json_depth_exceeds", "MAX_JSON_DEPTH"]
