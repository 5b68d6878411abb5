"""Security headers and hostile request bodies, through Flask's test client against the real app."""

from __future__ import annotations

import json

import pytest

from canvas_app.web.security import MAX_JSON_DEPTH, content_security_policy
from layouts.ids import ID

CALLBACK = "/_dash-update-component"


@pytest.fixture()
def app(tmp_path, monkeypatch):
    from canvas_app.web.app import create_app
    from canvas_app.web.settings import Settings
    from storage import Store

    monkeypatch.delenv("CITYCANVAS_BEHIND_PROXY", raising=False)
    store = Store.open(f"sqlite:///{tmp_path}/t.sqlite3")
    yield create_app(Settings(database_url=store.url, author="tester"), store=store)
    store.close()


@pytest.fixture()
def client(app):
    return app.server.test_client()


def blank_payload(client, name: object, workspace_id: int | None = None) -> dict:
    """The body the browser posts when "Create blank" is clicked on Home (see callbacks/home.py)."""
    from dash_client import CallbackBodies

    bodies = CallbackBodies(client.get("/_dash-dependencies").get_json())
    values = {f"{ID.home_blank_name}.value": name, f"{ID.home_workspace}.value": workspace_id}
    return bodies.body(ID.home_blank, "n_clicks", 1, values)


def test_sec001_headers_on_pages_and_assets(client):
    for path in ("/", "/edit/1", "/assets/app.css", "/_dash-layout"):
        response = client.get(path)
        assert response.status_code == 200, path
        headers = response.headers
        csp = headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp and "unsafe-eval" not in csp
        assert "script-src 'self' 'sha256-" in csp  # Dash's inline renderer script, by hash
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert "Strict-Transport-Security" not in headers  # plain HTTP: no HSTS


def test_sec002_csp_hashes_cover_every_inline_script_of_the_page(client, app):
    import base64
    import hashlib
    import re

    html = client.get("/").get_data(as_text=True)
    csp = client.get("/").headers["Content-Security-Policy"]
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, flags=re.S)
    inline = [body for attrs, body in scripts if "src=" not in attrs and "application/json" not in attrs]
    assert inline, "Dash's renderer bootstrap is an inline script"
    for script in inline:
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp


def test_sec003_hsts_only_over_https_and_forwarded_proto_only_behind_proxy(tmp_path, monkeypatch, app):
    client = app.server.test_client()
    assert client.get("/", base_url="https://localhost").headers["Strict-Transport-Security"] == "max-age=31536000"
    # Without CITYCANVAS_BEHIND_PROXY a forged X-Forwarded-Proto is ignored.
    assert "Strict-Transport-Security" not in client.get("/", headers={"X-Forwarded-Proto": "https"}).headers

    from canvas_app.web.app import create_app
    from canvas_app.web.settings import Settings

    monkeypatch.setenv("CITYCANVAS_BEHIND_PROXY", "1")
    proxied = create_app(Settings(database_url=f"sqlite:///{tmp_path}/p.sqlite3", author="tester"))
    proxied_client = proxied.server.test_client()
    assert "Strict-Transport-Security" in proxied_client.get("/", headers={"X-Forwarded-Proto": "https"}).headers
    assert "Strict-Transport-Security" not in proxied_client.get("/").headers


def test_sec004_a_normal_callback_still_works(client, app):
    workspace = app.canvas_services.default_workspace()
    response = client.post(CALLBACK, json=blank_payload(client, "Plain", workspace.id))
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.get_json()["response"]["url"]["pathname"].startswith("/edit/")


def test_sec005_deeply_nested_json_is_400_not_500(client, app):
    store = app.canvas_services.store
    before = store.list_workspaces()
    deep = "[" * 10_000 + '"x"' + "]" * 10_000  # written by hand: json.dumps itself would recurse
    body = json.dumps(blank_payload(client, "ok")).replace('"ok"', deep)
    response = client.post(CALLBACK, data=body, content_type="application/json")
    assert response.status_code == 400
    shallow_but_too_deep = "[" * (MAX_JSON_DEPTH + 5) + "]" * (MAX_JSON_DEPTH + 5)
    body = json.dumps(blank_payload(client, "ok")).replace('"ok"', shallow_but_too_deep)
    assert client.post(CALLBACK, data=body, content_type="application/json").status_code == 400
    assert store.list_workspaces() == before


def test_sec006_invalid_json_or_unknown_callback_is_400(client):
    unknown = json.dumps({"output": "nothing.here", "inputs": [], "changedPropIds": [], "state": []})
    wrong_shape = json.dumps({**blank_payload(client, "x"), "inputs": {"not": "a list"}})
    for body in ("{not json", '{"output": ', "\xff\xfe", "[" * 100_000, "[]", unknown, wrong_shape):
        response = client.post(CALLBACK, data=body, content_type="application/json")
        assert response.status_code == 400, body[:20]


def test_sec009_a_pattern_output_sent_as_a_plain_id_is_400_not_500(client, app):
    """The side panel's callback also sets the move buttons (an ALL output): a body naming them with a
    plain string id instead of their dict ids is refused before Dash fails on it."""
    from dash_client import CallbackBodies

    bodies = CallbackBodies(client.get("/_dash-dependencies").get_json())
    # the form filler (it also sets the move buttons); the helper writes every output id as a plain string
    body = bodies.body(ID.selection, "data", None, output=ID.actor_heading)
    assert any(o["id"].startswith('{"dir"') for o in body["outputs"])
    response = client.post(CALLBACK, json=body)
    assert response.status_code == 400 and "not a call of one of this app" in response.get_data(as_text=True)


def test_sec010_a_pattern_output_with_zero_matches_is_400_not_500(client, app):
    """The same callback with the move buttons' ALL output sent as an empty list of matches: Dash
    raised InvalidCallbackReturnValue (a 500) on the callback's four answers for it."""
    from dash_client import CallbackBodies

    bodies = CallbackBodies(client.get("/_dash-dependencies").get_json())
    body = bodies.body(ID.selection, "data", None, output=ID.actor_heading)
    body["outputs"] = [[] if o["id"].startswith('{"dir"') else o for o in body["outputs"]]
    response = client.post(CALLBACK, json=body)
    assert response.status_code == 400 and "values the callback cannot use" in response.get_data(as_text=True)


def test_sec007_sixty_megabyte_body_is_413(client, app):
    limit = app.server.config["MAX_CONTENT_LENGTH"]
    assert limit < 60_000_000
    body = b'{"output": "' + b"a" * 60_000_000 + b'"}'
    response = client.post(CALLBACK, data=body, content_type="application/json")
    assert response.status_code == 413


def test_sec008_policy_text():
    text = content_security_policy(["'sha256-abc'"])
    assert text.startswith("default-src 'self'; script-src 'self' 'sha256-abc';")
    assert "object-src 'none'" in text
