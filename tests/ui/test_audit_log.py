"""The audit log through the app with accounts on (Flask's test client, the real callbacks, a real
SQLite store), and request ids in logs: an owner reads and downloads the workspace's events, a viewer
gets neither; sign-ins are recorded with the name as typed and never the password; every log line
of a request carries its id, which the response sends back."""

from __future__ import annotations

import csv
import io
import json
import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest

from canvas_app.model import parse_configuration
from canvas_app.web.auth import hash_password
from canvas_app.web.logs import REQUEST_ID_HEADER, configure_logging
from canvas_app.web.settings import Settings
from layouts.ids import ID

PASSWORD = "correct horse battery"
SECRET = "test-secret-key-0123456789abcdef"


@pytest.fixture()
def db_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path}/audit.sqlite3"


@pytest.fixture()
def store(db_url):
    from storage import Store

    s = Store.open(db_url)
    for name in ("ann", "val"):
        s.create_user(name, hash_password(PASSWORD))
    yield s
    s.close()


@pytest.fixture()
def app(store, db_url):
    from canvas_app.web.app import create_app

    return create_app(Settings(database_url=db_url, auth=True, secret_key=SECRET), store=store)


@pytest.fixture()
def captured() -> Iterator[Any]:
    """Configure logging into a buffer (text or JSON); the handler goes when the test ends."""
    handlers: list[logging.Handler] = []

    def configure(log_format: str) -> io.StringIO:
        buffer = io.StringIO()
        handlers.append(configure_logging(Settings(log_format=log_format, log_level="INFO"), stream=buffer))
        return buffer

    yield configure
    for handler in handlers:
        logging.getLogger().removeHandler(handler)


def sign_in(client: Any, name: str, password: str = PASSWORD) -> Any:
    form = client.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf" value="([^"]+)"', form).group(1)
    return client.post("/login", data={"name": name, "password": password, "csrf": csrf})


def post_callback(client: Any, output: str, inputs: list[dict], state: list[dict]) -> Any:
    component, _, prop = output.partition(".")
    body = {
        "output": output,
        "outputs": {"id": component, "property": prop},
        "inputs": inputs,
        "state": state,
        "changedPropIds": [f"{inputs[0]['id']}.{inputs[0]['property']}"],
    }
    return client.post("/_dash-update-component", json=body)


def members_page(client: Any, workspace_id: int) -> str:
    answer = post_callback(
        client,
        f"{ID.page}.children",
        [
            {"id": ID.url, "property": "pathname", "value": f"/members/{workspace_id}"},
            {"id": ID.url, "property": "search", "value": ""},
        ],
        [],
    )
    assert answer.status_code == 200
    return answer.get_data(as_text=True)


def download(client: Any, workspace_id: int) -> Any:
    return post_callback(
        client,
        f"{ID.members_audit_file}.data",
        [{"id": ID.members_audit_download, "property": "n_clicks", "value": 1}],
        [{"id": ID.members_workspace, "property": "data", "value": workspace_id}],
    )


def test_owner_reads_and_downloads_the_log_viewer_is_refused(app, store) -> None:
    ann_user = store.find_user("ann")
    workspace = store.create_workspace("Oulu", author="ann", owner_id=ann_user.id)
    head = store.create_configuration(
        workspace.id, parse_configuration({"name": "=SUM(A1:A9)", "actors": []}), author="ann"
    )
    store.add_member(workspace.id, "val", "viewer", added_by="ann")
    ann, val = app.server.test_client(), app.server.test_client()
    assert sign_in(ann, "ann", "a wrong password").status_code == 401
    assert sign_in(ann, "ann").status_code == 302
    assert sign_in(val, "val").status_code == 302
    store.delete_configuration(head.id, author="ann", audit=_actor(ann_user.id))

    events = store.audit_log(workspace.id)
    assert [(e.action, e.user_name, e.address) for e in events] == [
        ("configuration deleted", "ann", "127.0.0.1"),
        ("sign-in", "val", "127.0.0.1"),
        ("sign-in", "ann", "127.0.0.1"),
        ("sign-in failed", "ann", "127.0.0.1"),
    ]
    assert all("wrong password" not in e.detail for e in store.audit_log())  # never the password

    page = members_page(ann, workspace.id)
    assert "Audit log" in page and "sign-in failed" in page and ID.members_audit_download in page
    viewer_page = members_page(val, workspace.id)
    assert "Members of Oulu" in viewer_page and "Audit log" not in viewer_page and "sign-in" not in viewer_page

    answer = download(ann, workspace.id)
    assert answer.status_code == 200
    data = answer.get_json()["response"][ID.members_audit_file]["data"]
    assert data["filename"] == f"audit-log-workspace-{workspace.id}.csv"
    rows = list(csv.reader(io.StringIO(data["content"])))
    assert rows[0] == ["time_utc", "user_id", "user", "event", "workspace_id", "configuration_id", "detail", "address"]
    assert [(r[2], r[3], r[6]) for r in rows[1:]] == [
        ("ann", "configuration deleted", "'=SUM(A1:A9)"),  # a formula-like name is written as text
        ("val", "sign-in", ""),
        ("ann", "sign-in", ""),
        ("ann", "sign-in failed", "wrong user name or password"),
    ]
    assert rows[1][5] == str(head.id) and rows[1][4] == str(workspace.id)

    refused = download(val, workspace.id)
    assert refused.status_code == 403 and "sign-in" not in refused.get_data(as_text=True)


def _actor(user_id: int) -> Any:
    from storage import AuditActor

    return AuditActor(user_id, "ann", "127.0.0.1")


def test_sign_out_and_unknown_names_recorded(app, store) -> None:
    ann_user = store.find_user("ann")
    workspace = store.create_workspace("Oulu", author="ann", owner_id=ann_user.id)
    client = app.server.test_client()
    assert sign_in(client, "<script>mallory</script>", "guess guess guess").status_code == 401
    assert sign_in(client, "ann").status_code == 302
    form = client.get("/logout").get_data(as_text=True)
    csrf = re.search(r'name="csrf" value="([^"]+)"', form).group(1)
    assert client.post("/logout", data={"csrf": csrf}).status_code == 302
    assert [(e.action, e.user_name, e.user_id) for e in store.audit_log()] == [
        ("sign-out", "ann", ann_user.id),
        ("sign-in", "ann", ann_user.id),
        ("sign-in failed", "<script>mallory</script>", None),
    ]
    assert [e.action for e in store.audit_log(workspace.id)] == ["sign-out", "sign-in"]  # not mallory's


def test_request_id_in_header_and_every_json_log_line(app, captured) -> None:
    buffer = captured("json")

    @app.server.post("/test-logs")  # a POST: the sign-in redirect is for page loads
    def logs_a_line() -> str:
        app.canvas_services.public_route()
        logging.getLogger("canvas_app.test").warning("something to look at")
        return "ok"

    client = app.server.test_client()
    kept = client.post("/test-logs", headers={REQUEST_ID_HEADER: "proxy-7f3a.01"})
    assert kept.headers[REQUEST_ID_HEADER] == "proxy-7f3a.01"
    fresh = client.get("/healthz", headers={REQUEST_ID_HEADER: "two words"})  # not a sane token: replaced
    new_id = fresh.headers[REQUEST_ID_HEADER]
    assert re.fullmatch(r"[0-9a-f]{32}", new_id)
    other = client.get("/healthz").headers[REQUEST_ID_HEADER]
    assert re.fullmatch(r"[0-9a-f]{32}", other) and other != new_id

    lines = [json.loads(line) for line in buffer.getvalue().splitlines()]
    assert all({"time", "level", "message", "request_id", "logger"} <= set(line) for line in lines)
    first = [line for line in lines if line["request_id"] == "proxy-7f3a.01"]
    assert [(line["level"], line["logger"]) for line in first] == [
        ("WARNING", "canvas_app.test"),
        ("INFO", "canvas_app.requests"),
    ]
    assert first[0]["message"] == "something to look at"
    assert re.fullmatch(r"POST /test-logs 200 \d+ ms", first[1]["message"])
    assert [line["message"][:15] for line in lines if line["request_id"] == new_id] == ["GET /healthz 20"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", first[0]["time"])


def test_text_log_lines_carry_the_request_id_and_no_password(app, captured) -> None:
    buffer = captured("text")
    answer = app.server.test_client().get("/healthz", headers={REQUEST_ID_HEADER: "abc-123"})
    assert answer.headers[REQUEST_ID_HEADER] == "abc-123"
    (line,) = [line for line in buffer.getvalue().splitlines() if "abc-123" in line]
    assert re.fullmatch(r"\S+ \S+ INFO \[abc-123\] canvas_app\.requests: GET /healthz 200 \d+ ms", line)
    client = app.server.test_client()
    assert sign_in(client, "ann", "Tr0ub4dor guess").status_code == 401
    assert sign_in(client, "ann").status_code == 302
    assert "POST /login 401" in buffer.getvalue() and "POST /login 302" in buffer.getvalue()
    assert "Tr0ub4dor" not in buffer.getvalue() and PASSWORD not in buffer.getvalue()
    assert "citycanvas_session" not in buffer.getvalue()
    logging.getLogger("canvas_app.test").warning("outside any request")
    assert buffer.getvalue().splitlines()[-1].endswith("WARNING [-] canvas_app.test: outside any request")


def test_log_settings_from_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("CITYCANVAS_LOG_FORMAT", "JSON")
    monkeypatch.setenv("CITYCANVAS_LOG_LEVEL", "warning")
    settings = Settings.from_env()
    assert (settings.log_format, settings.log_level) == ("json", "WARNING")
    monkeypatch.delenv("CITYCANVAS_LOG_FORMAT")
    monkeypatch.delenv("CITYCANVAS_LOG_LEVEL")
    assert (Settings.from_env().log_format, Settings.from_env().log_level) == ("text", "INFO")
