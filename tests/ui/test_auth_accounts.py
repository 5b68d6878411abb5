"""Accounts on (CITYCANVAS_AUTH=on) through Flask's test client and the real callbacks:
sign-in and its throttle across workers, sign-out ending every session, CSRF and open
redirects, the secret-key refusal, ``canvas-app users``, revision authors, the members
panel and presence. Accounts off (the default) is what every other UI test runs."""

from __future__ import annotations

import io
import json
import re
from typing import Any

import pytest

from canvas_app.model import parse_configuration
from canvas_app.web.auth import MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS, AuthConfigError, hash_password
from canvas_app.web.services import NO_ACCESS, SIGNED_OUT, VIEW_ONLY
from canvas_app.web.settings import Settings
from layouts.ids import ID

PASSWORD = "correct horse battery"
SECRET = "test-secret-key-0123456789abcdef"


@pytest.fixture()
def db_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path}/accounts.sqlite3"


@pytest.fixture()
def store(db_url):
    from storage import Store

    s = Store.open(db_url)
    for name in ("ann", "val", "nora"):
        s.create_user(name, hash_password(PASSWORD))
    yield s
    s.close()


def make_app(store: Any, db_url: str) -> Any:
    from canvas_app.web.app import create_app

    return create_app(Settings(database_url=db_url, auth=True, secret_key=SECRET), store=store)


@pytest.fixture()
def app(store, db_url):
    return make_app(store, db_url)


def csrf_of(client: Any, path: str = "/login") -> str:
    return re.search(r'name="csrf" value="([^"]+)"', client.get(path).get_data(as_text=True)).group(1)


def sign_in(client: Any, name: str, password: str = PASSWORD, **extra: str) -> Any:
    return client.post("/login", data={"name": name, "password": password, "csrf": csrf_of(client), **extra})


def call(client: Any, output: str, outputs: Any, inputs: list[dict], state: list[dict] | None = None) -> Any:
    """Post one callback the way the Dash renderer does."""
    first = inputs[0]
    changed = first["id"] if isinstance(first["id"], str) else re.sub(r"\s", "", str(first["id"]).replace("'", '"'))
    body = {
        "output": output,
        "outputs": outputs,
        "inputs": inputs,
        "state": state or [],
        "changedPropIds": [f"{changed}.{first['property']}"],
    }
    return client.post("/_dash-update-component", json=body)


def page(client: Any, path: str) -> str:
    answer = call(
        client,
        f"{ID.page}.children",
        {"id": ID.page, "property": "children"},
        [{"id": ID.url, "property": "pathname", "value": path}, {"id": ID.url, "property": "search", "value": ""}],
    )
    assert answer.status_code == 200
    return answer.get_data(as_text=True)


def test_sign_in_wrong_then_right(app) -> None:
    client = app.server.test_client()
    form = client.get("/login").get_data(as_text=True)
    assert '<link rel="stylesheet" href="/assets/bootstrap.min.css' in form and "&lt;link" not in form
    wrong = sign_in(client, "ann", "not the password")
    assert wrong.status_code == 401 and "Wrong user name or password." in wrong.get_data(as_text=True)
    assert 'value="ann"' in wrong.get_data(as_text=True)  # the name is kept, the password is not
    unknown = sign_in(client, "nobody", PASSWORD)
    assert unknown.status_code == 401 and "Wrong user name or password." in unknown.get_data(as_text=True)
    right = sign_in(client, "ann")
    assert right.status_code == 302 and right.headers["Location"] == "/"
    assert "Signed in as" in page(client, "/")


def test_throttle_is_shared_by_workers(store, db_url) -> None:
    """Two apps on one database stand for two gunicorn workers: guesses on one count on the other."""
    first, second = make_app(store, db_url), make_app(store, db_url)
    for attempt in range(MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS):
        app = first if attempt % 2 else second
        assert sign_in(app.server.test_client(), "ann", f"guess {attempt}").status_code == 401
    blocked = sign_in(first.server.test_client(), "ann")  # even the right password, for now
    assert blocked.status_code == 429 and "Too many failed sign-ins" in blocked.get_data(as_text=True)
    assert sign_in(second.server.test_client(), "val").status_code == 302  # other accounts are not blocked


def test_csrf_and_open_redirects(app) -> None:
    client = app.server.test_client()
    forged = client.post("/login", data={"name": "ann", "password": PASSWORD, "csrf": "made-up"})
    assert forged.status_code == 400 and "form expired" in forged.get_data(as_text=True)
    for evil in ("//evil.example/x", "https://evil.example", "/\\evil.example"):
        answer = sign_in(client, "ann", next=evil)
        assert answer.headers["Location"] == "/", evil
        client.post("/logout", data={"csrf": csrf_of(client, "/logout")})


def test_sign_out_ends_every_session_of_the_user(app) -> None:
    laptop, phone = app.server.test_client(), app.server.test_client()
    sign_in(laptop, "ann")
    sign_in(phone, "ann")
    assert "Signed in as" in page(phone, "/")
    out = laptop.post("/logout", data={"csrf": csrf_of(laptop, "/logout")})
    assert out.status_code == 302 and out.headers["Location"] == "/login?signed_out=1"
    assert "You are signed out." in laptop.get(out.headers["Location"]).get_data(as_text=True)
    assert SIGNED_OUT in page(phone, "/")  # the other cookie is still signed, but no longer valid
    assert laptop.get("/").status_code == 302


def test_sign_out_needs_the_form_token(app) -> None:
    client = app.server.test_client()
    sign_in(client, "ann")
    assert client.post("/logout", data={"csrf": "wrong"}).headers["Location"] == "/logout"
    assert "Signed in as" in page(client, "/")


def test_no_secret_key_no_start(store, db_url, monkeypatch, capsys) -> None:
    from canvas_app.cli import main as cli
    from canvas_app.web.app import create_app

    with pytest.raises(AuthConfigError, match="CITYCANVAS_SECRET_KEY"):
        create_app(Settings(database_url=db_url, auth=True, secret_key=None), store=store)
    monkeypatch.setenv("CITYCANVAS_AUTH", "on")
    monkeypatch.delenv("CITYCANVAS_SECRET_KEY", raising=False)
    with pytest.raises(SystemExit) as stopped:
        cli.main(["serve", "--database-url", db_url, "--port", "1"])
    assert stopped.value.code == 2
    assert "CITYCANVAS_SECRET_KEY is missing" in capsys.readouterr().err


def test_no_accounts_no_network_address(db_url, monkeypatch, capsys) -> None:
    """Accounts off makes every visitor the owner: the app will not listen beyond this machine unless told twice."""
    from canvas_app.cli import main as cli
    from canvas_app.web import app as app_module

    monkeypatch.delenv("CITYCANVAS_AUTH", raising=False)
    started = []
    monkeypatch.setattr("dash.Dash.run", lambda self, **kw: started.append(kw["host"]))
    for host in ("0.0.0.0", "10.20.30.40", "city-server.example"):
        with pytest.raises(SystemExit) as stopped:
            cli.main(["serve", "--database-url", db_url, "--host", host, "--port", "1"])
        assert stopped.value.code == 2 and "accounts are off" in capsys.readouterr().err
    assert started == []
    cli.main(["serve", "--database-url", db_url, "--host", "127.0.0.1", "--port", "1"])
    cli.main(["serve", "--database-url", db_url, "--host", "0.0.0.0", "--port", "1", "--open-without-accounts"])
    assert started == ["127.0.0.1", "0.0.0.0"]
    assert app_module.is_loopback("::1") and not app_module.is_loopback("192.168.1.5")


def test_users_add_from_stdin(tmp_path, monkeypatch, capsys) -> None:
    from canvas_app.cli import main as cli
    from storage import Store

    url = f"sqlite:///{tmp_path}/cli.sqlite3"
    with Store.open(url) as store:
        old = store.create_workspace("Made before accounts", author="designer")
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough password\n"))
    assert cli.main(["users", "add", "ann", "--database-url", url]) == 0
    assert "first account: owner of every existing workspace" in capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert cli.main(["users", "add", "bob", "--database-url", url]) == 2
    assert "at least 10 characters" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("another long password\n"))
    assert cli.main(["users", "add", "ann", "--database-url", url]) == 2
    assert "already exists" in capsys.readouterr().err
    with Store.open(url) as store:
        ann = store.find_user("ann")
        assert store.role_in_workspace(ann.id, old.id) == "owner"
        assert store.password_hash("ann")[1].startswith("$argon2id$")
    assert cli.main(["users", "list", "--database-url", url]) == 0
    assert "ann  Made before accounts (owner)" in capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", io.StringIO("a brand new password\n"))
    assert cli.main(["users", "passwd", "ann", "--database-url", url]) == 0
    with Store.open(url) as store:
        from canvas_app.web.auth import verify_password

        assert verify_password(store.password_hash("ann")[1], "a brand new password")
        assert store.find_user("ann").session_epoch == 1  # open sessions ended
    monkeypatch.setattr("sys.stdin", io.StringIO("a brand new password\n"))
    assert cli.main(["users", "passwd", "zed", "--database-url", url]) == 2


def _workspace_with_config(store: Any) -> tuple[int, int]:
    ann = store.find_user("ann")
    workspace = store.create_workspace("Oulu", author="ann", owner_id=ann.id)
    config = parse_configuration({"name": "Parking", "actors": [{"id": "city", "name": "City", "type": "city"}]})
    head = store.create_configuration(workspace.id, config, author="ann")
    store.add_member(workspace.id, "val", "viewer", added_by="ann")
    return workspace.id, head.id


def add_actor(client: Any, app: Any, configuration_id: int, version: int, name: str) -> Any:
    key = next(k for k, cb in app.callback_map.items() if any(i["id"] == ID.actor_add for i in cb["inputs"]))
    outputs = [
        {"id": part.rpartition(".")[0], "property": part.rpartition(".")[2].split("@")[0]}
        for part in key[2:-2].split("...")
    ]
    callback = app.callback_map[key]
    values = {ID.config_id: configuration_id, ID.version: version, ID.actor_name: name, ID.actor_type: "citizen"}
    state = [{"id": s["id"], "property": s["property"], "value": values.get(s["id"])} for s in callback["state"]]
    inputs = [
        {"id": i["id"], "property": i["property"], "value": 1 if i["id"] == ID.actor_add else None}
        for i in callback["inputs"]
    ]
    return call(client, key, outputs, inputs, state)


def test_revisions_record_the_signed_in_user_and_viewers_cannot_edit(app, store) -> None:
    _workspace, configuration = _workspace_with_config(store)
    ann, val = app.server.test_client(), app.server.test_client()
    sign_in(ann, "ann")
    sign_in(val, "val")
    assert add_actor(ann, app, configuration, 1, "Drivers").status_code == 200
    assert [(r.version, r.author) for r in store.revisions(configuration)] == [(1, "ann"), (2, "ann")]
    refused = add_actor(val, app, configuration, 2, "Cyclists")
    assert VIEW_ONLY in refused.get_data(as_text=True)
    assert len(store.revisions(configuration)) == 2
    assert "Read only" in page(val, f"/edit/{configuration}")
    assert '"children":"viewer","className":"badge' in page(val, "/").replace(" ", "")
    assert "Read only" not in page(ann, f"/edit/{configuration}")


def test_members_panel_invite_change_remove(app, store) -> None:
    workspace, configuration = _workspace_with_config(store)
    ann, nora = app.server.test_client(), app.server.test_client()
    sign_in(ann, "ann")
    sign_in(nora, "nora")
    assert NO_ACCESS in page(nora, f"/edit/{configuration}")
    assert NO_ACCESS in page(nora, f"/members/{workspace}")
    assert "Oulu" not in page(nora, "/")
    members_page = page(ann, f"/members/{workspace}")
    assert "Members of Oulu" in members_page and "Invite someone" in members_page

    invite_key = next(
        k for k, cb in app.callback_map.items() if any(i["id"] == ID.members_invite for i in cb["inputs"])
    )
    outputs = [
        {"id": ID.members_list, "property": "children"},
        {"id": ID.members_message, "property": "children"},
        {"id": ID.members_invite_name, "property": "value"},
    ]

    def invite(client: Any, name: str, role: str) -> str:
        state = [
            {"id": ID.members_invite_name, "property": "value", "value": name},
            {"id": ID.members_invite_role, "property": "value", "value": role},
            {"id": ID.members_workspace, "property": "data", "value": workspace},
        ]
        answer = call(
            client, invite_key, outputs, [{"id": ID.members_invite, "property": "n_clicks", "value": 1}], state
        )
        return answer.get_data(as_text=True)

    # the same answer for an account, for no account and for a member: no name oracle, and no one
    # joins without consenting (the red team's finding)
    answers = {name: invite(ann, name, "editor") for name in ("nora", "zed", "val")}
    assert all("If an account named" in text and "accept the invitation" in text for text in answers.values())
    assert len({text.replace(f"'{name}'", "NAME") for name, text in answers.items()}) == 1
    assert store.role_in_workspace(store.find_user("nora").id, workspace) is None
    assert NO_ACCESS in page(nora, f"/edit/{configuration}")
    assert NO_ACCESS in invite(nora, "val", "owner") or VIEW_ONLY in invite(nora, "val", "owner")
    assert store.role_in_workspace(store.find_user("val").id, workspace) == "viewer"
    # Nora sees the invitation on Home, and accepts it
    assert "Invitations" in page(nora, "/") and "Oulu" in page(nora, "/")
    (invitation,) = store.invitations_for(store.find_user("nora").id)
    assert not answer_invitation(ann, app, invitation.id, accept=True)  # only Nora may accept hers
    assert "You joined the workspace as editor" in answer_invitation(nora, app, invitation.id, accept=True)
    assert store.invitations_for(store.find_user("nora").id) == []
    assert "Parking" in page(nora, "/") and NO_ACCESS not in page(nora, f"/edit/{configuration}")

    role_key = next(k for k, cb in app.callback_map.items() if any("mem-role" in i["id"] for i in cb["inputs"]))
    remove_key = next(k for k, cb in app.callback_map.items() if any("mem-remove" in i["id"] for i in cb["inputs"]))
    pair = [{"id": ID.members_list, "property": "children"}, {"id": ID.members_message, "property": "children"}]
    here = [{"id": ID.members_workspace, "property": "data", "value": workspace}]

    def change(key: str, prop: str, user_id: int, value: Any) -> str:
        component = ID.member_role(user_id) if key == role_key else ID.member_remove(user_id)
        inputs = [[{"id": component, "property": prop, "value": value}]]
        body = {
            "output": key,
            "outputs": pair,
            "inputs": inputs,
            "state": here,
            "changedPropIds": [f'{{"index":{user_id},"type":"{component["type"]}"}}.{prop}'],
        }
        return ann.post("/_dash-update-component", json=body).get_data(as_text=True)

    ann_id, nora_id = store.find_user("ann").id, store.find_user("nora").id
    assert "at least one owner" in change(role_key, "value", ann_id, "viewer")
    assert "nora is now viewer" in change(role_key, "value", nora_id, "viewer")
    assert "Member removed" in change(remove_key, "n_clicks", nora_id, 1)
    assert NO_ACCESS in page(nora, f"/edit/{configuration}")
    # a deleted workspace: its members page and member changes wait until an owner restores it
    store.delete_workspace(workspace, author="ann")
    assert "This workspace is deleted: everything in it waits" in page(ann, f"/members/{workspace}")
    assert "This workspace is deleted: everything in it waits" in invite(ann, "nora", "editor")
    assert store.role_in_workspace(nora_id, workspace) is None


def answer_invitation(client: Any, app: Any, invitation_id: int, *, accept: bool) -> str:
    """Press Accept (or Decline) on Home for ``invitation_id``; the message shown, or "" when refused."""
    key = next(
        k for k, cb in app.callback_map.items() if any("home-invitation-accept" in str(i["id"]) for i in cb["inputs"])
    )
    button = ID.invitation_accept(invitation_id) if accept else ID.invitation_decline(invitation_id)
    other = ID.invitation_decline(invitation_id) if accept else ID.invitation_accept(invitation_id)
    inputs = [
        [{"id": button if accept else other, "property": "n_clicks", "value": 1 if accept else None}],
        [{"id": other if accept else button, "property": "n_clicks", "value": None if accept else 1}],
    ]
    parts = key[2:-2].split("...")
    outputs = [{"id": part.rpartition(".")[0], "property": part.rpartition(".")[2].split("@")[0]} for part in parts]
    changed = json.dumps(button, separators=(",", ":"), sort_keys=True) + ".n_clicks"
    body = {
        "output": key,
        "outputs": outputs,
        "inputs": inputs,
        "changedPropIds": [changed],
        "state": [{"id": ID.home_workspace, "property": "value", "value": None}],
    }
    answer = client.post("/_dash-update-component", json=body)
    text = answer.get_data(as_text=True)
    return text if answer.status_code == 200 and "cannot be used" not in text else ""


def test_presence_names_the_others(app, store) -> None:
    _workspace, configuration = _workspace_with_config(store)
    ann, val = app.server.test_client(), app.server.test_client()
    sign_in(ann, "ann")
    sign_in(val, "val")
    key = next(k for k, cb in app.callback_map.items() if any(i["id"] == ID.presence_tick for i in cb["inputs"]))

    def beat(client: Any, page_id: str) -> str:
        state = [
            {"id": ID.config_id, "property": "data", "value": configuration},
            {"id": ID.presence_client, "property": "data", "value": page_id},
        ]
        answer = call(
            client,
            key,
            {"id": ID.presence_line, "property": "children"},
            [{"id": ID.presence_tick, "property": "n_intervals", "value": 1}],
            state,
        )
        assert answer.status_code == 200
        return answer.get_data(as_text=True)

    assert "Also here" not in beat(ann, "p1")
    assert "Also here: ann" in beat(val, "p2")
    assert "Also here: val" in beat(ann, "p1")
    assert "Also here: val, you (another window)" in beat(ann, "p3")
    nora = app.server.test_client()
    sign_in(nora, "nora")
    assert "ann" not in beat_as(nora, app, key, configuration)


def beat_as(client: Any, app: Any, key: str, configuration: int) -> str:
    state = [
        {"id": ID.config_id, "property": "data", "value": configuration},
        {"id": ID.presence_client, "property": "data", "value": "x"},
    ]
    answer = call(
        client,
        key,
        {"id": ID.presence_line, "property": "children"},
        [{"id": ID.presence_tick, "property": "n_intervals", "value": 1}],
        state,
    )
    assert answer.status_code == 403
    return answer.get_data(as_text=True)


def test_accounts_off_is_the_local_owner(tmp_path) -> None:
    """The default: no sign-in page, no redirect, the settings' author on every revision."""
    from canvas_app.web.app import create_app
    from storage import Store

    url = f"sqlite:///{tmp_path}/off.sqlite3"
    with Store.open(url) as store:
        app = create_app(Settings(database_url=url, author="designer"), store=store)
        client = app.server.test_client()
        assert client.get("/").status_code == 200
        assert client.get("/login").status_code == 200  # Dash's page shell: no sign-in route at all
        assert "Signed in as" not in page(client, "/") and "Members" not in page(client, "/")
        services = app.canvas_services
        assert services.require("manage", workspace_id=12345).role == "owner"
        assert services.author == "designer"


def test_session_cookie_is_secure_over_https(app) -> None:
    client = app.server.test_client()
    page = client.get("/login", base_url="https://citycanvas.example")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    signed = client.post(
        "/login", base_url="https://citycanvas.example", data={"name": "ann", "password": PASSWORD, "csrf": csrf}
    )
    cookies = {c.split("=", 1)[0]: c for c in signed.headers.getlist("Set-Cookie")}
    assert signed.status_code == 302
    session_cookie = cookies["citycanvas_session"]
    assert "Secure" in session_cookie and "HttpOnly" in session_cookie and "SameSite=Lax" in session_cookie
    known = cookies["citycanvas_known_browser"]  # holds no session: only the name, signed, for /login
    assert "Secure" in known and "HttpOnly" in known and "SameSite=Strict" in known and "Path=/login" in known


def test_malformed_or_unknown_ids_are_refused_like_forbidden_ones(app, store) -> None:
    _workspace, configuration = _workspace_with_config(store)
    client = app.server.test_client()
    sign_in(client, "ann")
    key = next(k for k, cb in app.callback_map.items() if any(i["id"] == ID.presence_tick for i in cb["inputs"]))
    for bad in ("abc", -1, 0, True, 10**15, {"id": configuration}, [configuration], configuration + 1000):
        state = [
            {"id": ID.config_id, "property": "data", "value": bad},
            {"id": ID.presence_client, "property": "data", "value": "p"},
        ]
        answer = call(
            client,
            key,
            {"id": ID.presence_line, "property": "children"},
            [{"id": ID.presence_tick, "property": "n_intervals", "value": 1}],
            state,
        )
        assert answer.status_code == 403, bad
        assert NO_ACCESS in answer.get_data(as_text=True)


def test_the_accessibility_statement_is_public(app) -> None:
    client = app.server.test_client()
    assert 'href="/accessibility"' in client.get("/login").get_data(as_text=True)
    assert client.get("/accessibility").status_code == 200  # no redirect to the sign-in form
    statement = page(client, "/accessibility")
    assert "Accessibility" in statement and SIGNED_OUT not in statement and "Signed in as" not in statement
    assert SIGNED_OUT in page(client, "/")
    sign_in(client, "ann")
    assert "Signed in as" in page(client, "/accessibility")
