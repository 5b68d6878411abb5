"""Post Dash callbacks over HTTP the way the browser does: read ``/_dash-dependencies``, build the body.

Used by the deployment tests, the fuzz tests and ``bench/load.py``.
"""

from __future__ import annotations

import http.cookiejar
import json
import re
import ssl
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

DEPLOY_PASSWORD = "deploy test password"
"""The password of the accounts the deployment tests create."""


class CallbackBodies:
    """Builds callback request bodies from the app's ``/_dash-dependencies`` answer."""

    def __init__(self, dependencies: list[dict[str, Any]]):
        self.dependencies = dependencies

    def find(self, input_id: str, prop: str, output: str = "") -> dict[str, Any]:
        """The server-side callback that has ``input_id.prop`` among its inputs (and ``output`` in its outputs,
        when several callbacks take that input)."""
        for dep in self.dependencies:
            if dep.get("clientside_function") or output not in dep["output"]:
                continue
            if any(i["id"] == input_id and i["property"] == prop for i in dep["inputs"]):
                return dep
        raise LookupError(f"no server callback takes {input_id}.{prop}")

    def body(
        self, input_id: str, prop: str, value: Any, values: dict[str, Any] | None = None, output: str = ""
    ) -> dict[str, Any]:
        """The request body for ``input_id.prop`` changing to ``value``; ``values`` give other inputs and states
        by ``"id.prop"`` (unset ones are null); ``output`` picks among callbacks that take the same input."""
        dep = self.find(input_id, prop, output)
        values = {f"{input_id}.{prop}": value, **(values or {})}
        outputs = [_split(key) for key in _output_keys(dep["output"])]
        return {
            "output": dep["output"],
            "outputs": outputs if dep["output"].startswith("..") else outputs[0],
            "inputs": [_item(i, values) for i in dep["inputs"]],
            "changedPropIds": [f"{input_id}.{prop}"],
            "state": [_item(s, values) for s in dep["state"]],
        }


class DashClient(CallbackBodies):
    """A minimal Dash front end over HTTP: knows the server's callbacks and posts callback requests."""

    def __init__(
        self,
        base_url: str,
        timeout: float = 30.0,
        *,
        user: str | None = None,
        password: str = "",
        tls: ssl.SSLContext | None = None,
    ):
        """``tls``: how to verify an HTTPS server (e.g. trusting a test's self-signed certificate)."""
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), urllib.request.HTTPSHandler(context=tls)
        )
        if user is not None:
            self.sign_in(user, password)
        super().__init__(self.get_json("/_dash-dependencies"))

    def sign_in(self, user: str, password: str) -> None:
        """Sign in through the real form (CSRF token and all); the session cookie is kept."""
        with self.opener.open(self.base_url + "/login", timeout=self.timeout) as page:
            csrf = re.search(r'name="csrf" value="([^"]+)"', page.read().decode()).group(1)  # type: ignore[union-attr]  # the sign-in page has the field; None would fail the test anyway
        form = urllib.parse.urlencode({"name": user, "password": password, "csrf": csrf}).encode()
        with self.opener.open(self.base_url + "/login", data=form, timeout=self.timeout) as answer:
            if "/login" in answer.geturl():
                raise RuntimeError(f"sign-in as {user} refused")

    def get_json(self, path: str) -> Any:
        with self.opener.open(self.base_url + path, timeout=self.timeout) as response:
            return json.loads(response.read())

    def post(
        self, body: dict[str, Any] | bytes, content_type: str = "application/json", query: dict[str, str] | None = None
    ) -> tuple[int, bytes]:
        """``(status, raw body)``; HTTP errors are returned, not raised. ``query``: a background
        job's poll handles (``cacheKey``, ``job``)."""
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        url = self.base_url + "/_dash-update-component" + ("?" + urllib.parse.urlencode(query) if query else "")
        request = urllib.request.Request(url, data=data, headers={"Content-Type": content_type})
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def call(self, input_id: str, prop: str, value: Any, values: dict[str, Any] | None = None) -> tuple[int, dict]:
        """Post one callback; ``(status, parsed response or {})``. 204 means "no update"."""
        status, raw = self.post(self.body(input_id, prop, value, values))
        try:
            parsed = json.loads(raw) if raw else {}
        except ValueError:
            parsed = {"raw": raw[:500].decode(errors="replace")}
        return status, parsed


def _item(spec: dict[str, Any], values: dict[str, Any]) -> Any:
    """One input or state as the browser sends it; a pattern-matching ALL input is the list of the
    components it matches (``values`` may give that list; none matched by default)."""
    value = values.get(f"{spec['id']}.{spec['property']}")
    if str(spec["id"]).startswith("{") and '["ALL' in str(spec["id"]):
        return value if isinstance(value, list) else []
    return {**spec, "value": value}


def _output_keys(output: str) -> list[str]:
    """``..a.x...b.y..`` -> ``["a.x", "b.y"]``; a single output is itself."""
    if output.startswith("..") and output.endswith(".."):
        return output[2:-2].split("...")
    return [output]


def _split(key: str) -> dict[str, str]:
    key = key.split("@", 1)[0]  # allow_duplicate outputs carry a hash suffix
    component, _, prop = key.rpartition(".")
    return {"id": component, "property": prop}
