"""Fuzzing every way a file gets in: the configuration parser, ``canvas-app import``, module files, and the
Home page's "import file" and the Module library's "import a module file" upload callbacks over HTTP. Whatever the bytes: a clear message or a valid
configuration, never a traceback or a 5xx, and a refused file leaves the database exactly as it was."""

from __future__ import annotations

import base64
import io
import json
from contextlib import redirect_stderr, redirect_stdout

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from canvas_app.model import Configuration, ConfigurationError, dump_configuration, parse_configuration
from strategies import configuration_dicts, configuration_files, module_files

FIXTURE_OK = [
    HealthCheck.function_scoped_fixture,
    HealthCheck.too_slow,
    HealthCheck.data_too_large,
    HealthCheck.filter_too_much,
]


def assert_clear(problems: list[str]) -> None:
    """A refusal a person can act on: some readable lines, no Python internals."""
    assert problems and all(isinstance(p, str) and p.strip() for p in problems)
    text = "\n".join(problems)
    assert "Traceback" not in text and 'File "' not in text


def snapshot(store) -> list[tuple]:
    """Everything a refused import could have touched: workspaces, heads, revision counts, content."""
    rows: list[tuple] = []
    for ws in store.list_workspaces(include_deleted=True):
        rows.append(("ws", ws.id, ws.name, ws.deleted_at))
        for head in store.list_configurations(ws.id, include_deleted=True):
            config, _ = store.load(head.id)
            rows.append(("cfg", head.id, head.version, len(store.revisions(head.id)), dump_configuration(config)))
    return rows


@settings(max_examples=700, deadline=None, suppress_health_check=FIXTURE_OK)
@given(configuration_files)
def test_fz001_parser_bytes(data: bytes) -> None:
    try:
        config = parse_configuration(data)
    except ConfigurationError as exc:
        assert_clear(exc.problems)
    else:
        assert isinstance(config, Configuration)
        assert parse_configuration(dump_configuration(config)) == config  # what is accepted round-trips


@settings(max_examples=300, deadline=None, suppress_health_check=FIXTURE_OK)
@given(configuration_dicts)
def test_fz002_parser_dicts(data: dict) -> None:
    try:
        parse_configuration(data)
    except ConfigurationError as exc:
        assert_clear(exc.problems)


@pytest.fixture(scope="module")
def sqlite_store(tmp_path_factory):
    from storage import Store

    folder = tmp_path_factory.mktemp("fuzzdb")
    store = Store.open(f"sqlite:///{folder}/fuzz.sqlite3")
    workspace = store.create_workspace("Fuzz", author="fuzz")
    store.create_configuration(workspace.id, parse_configuration({"name": "Existing"}), author="fuzz")
    yield store
    store.close()


@settings(max_examples=120, deadline=None, suppress_health_check=FIXTURE_OK)
@given(data=configuration_files)
def test_fz003_cli_import(sqlite_store, tmp_path_factory, data: bytes) -> None:
    from canvas_app.cli.main import main

    path = tmp_path_factory.mktemp("in") / "upload.json"
    path.write_bytes(data)
    before = snapshot(sqlite_store)
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(["import", str(path), "--workspace", "Fuzz", "--database-url", sqlite_store.url])
    after = snapshot(sqlite_store)
    if code == 0:
        assert len(after) == len(before) + 1 and "imported" in out.getvalue()
    else:
        assert code == 2, err.getvalue()
        assert_clear([err.getvalue()])
        assert "nothing was imported" in err.getvalue() or "invalid input" in err.getvalue()
        assert after == before


@settings(max_examples=200, deadline=None, suppress_health_check=FIXTURE_OK)
@given(data=module_files, suffix=st.sampled_from([".yaml", ".yml", ".toml"]))
def test_fz004_module_file_loading(tmp_path_factory, data: bytes, suffix: str) -> None:
    from canvas_app.library import LibraryError, load_library

    folder = tmp_path_factory.mktemp("modules")
    (folder / f"fuzz-module{suffix}").write_bytes(data)
    try:
        library = load_library(extra_dirs=[folder])
    except LibraryError as exc:
        assert_clear(exc.problems)
        assert all(str(folder) in p for p in exc.problems)  # every problem names the file
    else:
        assert "fuzz-module" in [m.id for m in library]


@pytest.fixture(scope="module")
def web(tmp_path_factory):
    """The real app over Flask's test client, with its store."""
    from canvas_app.web.app import create_app
    from canvas_app.web.settings import Settings
    from dash_client import CallbackBodies
    from storage import Store

    folder = tmp_path_factory.mktemp("web")
    store = Store.open(f"sqlite:///{folder}/web.sqlite3")
    app = create_app(Settings(database_url=store.url, author="fuzz"), store=store)
    client = app.server.test_client()
    workspace = app.canvas_services.default_workspace()
    bodies = CallbackBodies(client.get("/_dash-dependencies").get_json())
    yield client, store, bodies, workspace.id, app
    store.close()


def upload_contents(data: bytes, how: str) -> str:
    encoded = base64.b64encode(data).decode()
    return {
        "data-url": f"data:application/json;base64,{encoded}",
        "no-comma": encoded,
        "bad-base64": f"data:application/json;base64,{encoded[:-1]}!",
    }[how]


@settings(max_examples=250, deadline=None, suppress_health_check=FIXTURE_OK)
@given(
    data=configuration_files,
    how=st.sampled_from(["data-url", "data-url", "data-url", "no-comma", "bad-base64"]),
    filename=st.one_of(st.none(), st.text(max_size=40)),
)
def test_fz005_home_upload_callback_over_http(web, data: bytes, how: str, filename) -> None:
    from layouts.ids import ID

    client, store, bodies, workspace_id, _app = web
    contents = upload_contents(data, how)
    body = bodies.body(
        ID.home_upload,
        "contents",
        contents,
        {f"{ID.home_upload}.filename": filename, f"{ID.home_workspace}.value": str(workspace_id)},
    )
    before = snapshot(store)
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    if not contents:  # an empty selection: nothing to import, nothing to say
        assert response.status_code in (200, 204) and snapshot(store) == before
        return
    assert response.status_code == 200
    answer = response.get_json()["response"]
    path = answer.get(ID.url, {}).get("pathname")
    after = snapshot(store)
    if path:
        assert path.startswith("/edit/") and len(after) == len(before) + 1
    else:
        assert after == before
        shown = json.dumps(answer[ID.home_message]["children"])
        assert "Traceback" not in shown and len(shown) > 20  # a message is on the page


@settings(max_examples=200, deadline=None, suppress_health_check=FIXTURE_OK)
@given(
    data=module_files,
    how=st.sampled_from(["data-url", "data-url", "data-url", "no-comma", "bad-base64"]),
    filename=st.one_of(
        st.none(), st.sampled_from(["m.yaml", "m.yml", "m.json", "m.toml", "m.exe"]), st.text(max_size=40)
    ),
)
def test_fz008_module_library_upload_over_http(web, data: bytes, how: str, filename) -> None:
    """The Module library's "import a module file": saved when valid, else a clear message and no change."""
    from layouts.ids import ID

    client, store, bodies, workspace_id, _app = web
    body = bodies.body(
        ID.mod_upload,
        "contents",
        upload_contents(data, how),
        {
            f"{ID.mod_upload}.filename": filename,
            f"{ID.mod_workspace}.data": workspace_id,
            f"{ID.mod_format}.value": "yaml",
            f"{ID.mod_changed}.data": 0,
        },
    )
    before = store.list_modules(workspace_id)
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    answer = response.get_json()["response"]
    after = store.list_modules(workspace_id)
    feedback = json.dumps(answer[ID.mod_feedback]["children"])
    assert "Traceback" not in feedback and len(feedback) > 20  # a message is on the page
    if ID.mod_changed in answer:  # saved: exactly one module more, the one the answer selects
        assert len(after) == len(before) + 1 and answer[ID.mod_selected]["data"] in {m.id for m in after}
        store.delete_module(workspace_id, answer[ID.mod_selected]["data"])  # keep ids free for later examples
    else:
        assert after == before and ("Nothing was" in feedback or "nothing was" in feedback)


def damage_body(body: dict, damage: str, junk) -> dict:
    """A real callback body with one part replaced by junk (what a broken or hostile client might send)."""
    out = dict(body)
    if damage == "drop-key":
        out.pop(junk if isinstance(junk, str) and junk in out else "inputs", None)
    elif damage in ("inputs", "state", "outputs", "changedPropIds", "output"):
        out[damage] = junk
    elif damage == "short-inputs":
        out["inputs"] = body["inputs"][:-1]
    elif damage == "item":
        out["inputs"] = [junk, *body["inputs"][1:]]
    return out


@settings(max_examples=150, deadline=None, suppress_health_check=FIXTURE_OK)
@given(
    which=st.integers(min_value=0, max_value=10_000),
    damage=st.sampled_from(
        ["drop-key", "inputs", "state", "outputs", "changedPropIds", "output", "short-inputs", "item"]
    ),
    junk=st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=10),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
        max_leaves=8,
    ),
)
def test_fz006_damaged_callback_bodies_get_400_not_500(web, which: int, damage: str, junk) -> None:
    """The structure of any callback's request broken in one place: refused with a 4xx before Dash sees it.

    Damage that leaves a well-formed request (e.g. another list of changed ids) is not this test's
    business: such a request reaches the callback, whose own checks answer it.
    """
    from canvas_app.web.security import is_callback_request

    client, store, bodies, _workspace_id, app = web
    server_side = [dep for dep in bodies.dependencies if not dep.get("clientside_function") and dep["inputs"]]
    dep = server_side[which % len(server_side)]
    first = dep["inputs"][0]
    damaged = damage_body(bodies.body(first["id"], first["property"], None), damage, junk)
    assume(not is_callback_request(app, damaged))
    before = snapshot(store)
    response = client.post("/_dash-update-component", json=damaged)
    assert 400 <= response.status_code < 500, (dep["output"][:80], damage, junk, response.get_data(as_text=True)[:300])
    assert snapshot(store) == before


JUNK_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=6,
)


@settings(max_examples=300, deadline=None, suppress_health_check=FIXTURE_OK)
@given(
    which=st.integers(min_value=0, max_value=10_000),
    trigger=st.integers(min_value=0, max_value=50),
    value=JUNK_VALUES,
    others=st.lists(JUNK_VALUES, max_size=8),
)
def test_fz007_well_formed_callback_requests_with_junk_values_never_get_a_5xx(web, which, trigger, value, others):
    """Every callback, triggered with values the page never sends (wrong types, missing ids): a
    4xx or an answer, never a 5xx. Values the callback can use may change data: that is a
    legitimate edit by the local owner, so only the status is checked here."""
    client, _store, bodies, _workspace_id, _app = web
    server_side = [dep for dep in bodies.dependencies if not dep.get("clientside_function") and dep["inputs"]]
    dep = server_side[which % len(server_side)]
    plain = [i for i in dep["inputs"] if not str(i["id"]).startswith("{")]
    assume(plain)
    first = plain[trigger % len(plain)]
    extra = {
        f"{s['id']}.{s['property']}": v
        for s, v in zip(dep["inputs"] + dep["state"], others)
        if not str(s["id"]).startswith("{")
    }
    body = bodies.body(first["id"], first["property"], value, extra)
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code < 500, (dep["output"][:80], first["id"], value, response.get_data(as_text=True)[:300])
