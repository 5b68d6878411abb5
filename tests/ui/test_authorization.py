"""Authorization matrix: every registered callback and every route, as anonymous, as a
non-member, as a viewer, as an editor, as an owner, and with swapped workspace/configuration ids.

Callbacks are posted to ``/_dash-update-component`` with Flask's test client, their
payloads built from ``app.callback_map`` -- so a callback added later is covered without
touching this file, and one that never asks ``Services.require`` fails it. The other
workspace carries a unique marker string in its configuration, needs, advantages and modules: no
response to anyone but its owner may contain it, and nobody else's request may change it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import flask
import pytest

from canvas_app.city_profile import CityProfile
from canvas_app.model import load_configuration, parse_configuration
from canvas_app.web.auth import hash_password
from canvas_app.web.services import REFUSALS
from canvas_app.web.settings import Settings
from canvas_app.workspace_model import Advantage, ModuleRecord, WorkspaceNeed
from layouts.ids import ID

TEST_MODULES = Path(__file__).parent / "data" / "modules"
MARKER = "QZX7-their-secret-4411"
PASSWORD = "correct horse battery"
SECRET = "test-secret-key-0123456789abcdef"
DASH_ENDPOINTS = {"static", "_dash_assets.static", "/", "/<path:path>"}
PUBLIC_ROUTES = {
    "/login",
    "/logout",
    "/healthz",
    "/readyz",
}  # the probes say only ok/failing (tests/deploy/test_health.py)
PARTICIPATE_NO_TOKEN = "/r/not-a-participation-token-0000"
"""The participant page is public; without a valid token it shows nothing but "not valid"."""
INVITED_NO_ROUND = "/r/invited/999999"
"""An invited account's participant page: signed-in only; for a round that does not invite the user (here: no
round at all) it shows nothing but "not valid" (tests/ui/test_rounds_callbacks.py checks a real invitation)."""
PAGE_PATHS = [
    ("/", ""),
    ("/edit/{cid}", ""),
    ("/members/{wid}", ""),
    ("/workspace/{wid}/needs", ""),
    ("/workspace/{wid}/advantages", ""),
    ("/workspace/{wid}/weights", ""),
    ("/workspace/{wid}/modules", ""),
    ("/accessibility", ""),
    ("/workspace/{wid}/cities", ""),
    ("/mechanisms/{cid}", ""),
    ("/replicate/{cid}", ""),
    ("/stress/{cid}", ""),
    ("/report/{cid}", ""),
    ("/poster/{cid}", ""),
    ("/compare", "?ids={cid},{cid}"),
    ("/report/compare", "?ids={cid},{cid}"),
    ("/workspace/{wid}/rounds", ""),
    (PARTICIPATE_NO_TOKEN, ""),
    (INVITED_NO_ROUND, ""),
]
"""Every page of the router, filled with the target's ids (a router pattern not covered here fails
``test_every_router_pattern_is_in_the_matrix``)."""


@dataclass
class Target:
    """The ids a request names: a workspace, a configuration in it (or not: swapped) and a user."""

    wid: int
    cid: int
    version: int
    user_index: int
    names: dict[str, str] = field(default_factory=dict)


@dataclass
class World:
    app: Any
    store: Any
    users: dict[str, Any]
    ours: Target
    theirs: Target


@pytest.fixture()
def world(tmp_path) -> World:
    from canvas_app.web.app import create_app
    from storage import Store

    url = f"sqlite:///{tmp_path}/auth.sqlite3"
    store = Store.open(url)
    users = {name: store.create_user(name, hash_password(PASSWORD)) for name in ("ann", "val", "ed", "nora", "vic")}
    example = load_configuration(sorted(examples_dir().glob("*.json"))[0])
    ours_ws = store.create_workspace("Ours", author="ann", owner_id=users["ann"].id)
    store.create_workspace("Nora's", author="nora", owner_id=users["nora"].id)
    theirs_ws = store.create_workspace(f"Theirs {MARKER}", author="vic", owner_id=users["vic"].id)
    store.add_member(ours_ws.id, "val", "viewer", added_by="ann")
    store.add_member(ours_ws.id, "ed", "editor", added_by="ann")
    ours = store.create_configuration(ours_ws.id, example, author="ann")
    secret = example.model_dump(mode="json")
    secret.update(name=f"Plan {MARKER}", description=MARKER)
    secret["actors"][0]["name"] = f"Actor {MARKER}"
    theirs = store.create_configuration(theirs_ws.id, parse_configuration(secret), author="vic")
    secret["actors"][1]["notes"] = MARKER
    theirs = store.save(theirs.id, parse_configuration(secret), base_version=1, author="vic")
    for workspace, text in ((ours_ws.id, "Pay without a meter"), (theirs_ws.id, f"Need {MARKER}")):
        store.upsert_need(workspace, WorkspaceNeed(id="n1", name=text, description=text), author="x")
        store.upsert_advantage(workspace, Advantage(id="a1", service=text, text=text), author="x")
        module = f"id: own-module\nname: {text}\ncategory: data\nsummary: {text}\nsources:\n  - {{title: t}}\n"
        store.put_module(workspace, ModuleRecord(id="own-module", text=module), author="x")
        store.upsert_city_profile(workspace, "city", CityProfile(name=f"City {text}", has=[text]), author="x")
        store.create_round(workspace, open_round(text), author="x")  # ours is round 1: the id the matrix sends
    settings = Settings(
        database_url=url, auth=True, secret_key=SECRET, examples_dir=examples_dir(), module_dirs=(TEST_MODULES,)
    )
    app = create_app(settings, store=store)
    yield World(
        app=app,
        store=store,
        users=users,
        ours=Target(ours_ws.id, ours.id, ours.version, users["val"].id),
        theirs=Target(theirs_ws.id, theirs.id, theirs.version, users["vic"].id),
    )
    store.close()


def open_round(item_text: str) -> Any:
    """A needs round on need n1, open from today for three days."""
    from datetime import date, timedelta

    from canvas_app.rounds import Round, RoundItem

    today = date.today()
    return Round(
        kind="needs", items=(RoundItem(id="n1", text=item_text),), opens=today, closes=today + timedelta(days=3)
    )


def examples_dir() -> Path:
    from canvas_app.web.settings import REPO_DIR

    real = REPO_DIR / "examples"
    return real if any(real.glob("*.json")) else Path(__file__).parent / "data"


def client_for(world: World, name: str | None) -> Any:
    """A test client signed in as ``name`` through the real sign-in form (None: anonymous)."""
    client = world.app.server.test_client()
    if name is None:
        return client
    page = client.get("/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    answer = client.post("/login", data={"name": name, "password": PASSWORD, "csrf": csrf})
    assert answer.status_code == 302, answer.get_data(as_text=True)
    return client


# -- payloads from the callback map --------------------------------------------------------
def id_value(component: str, prop: str, target: Target) -> Any:
    """A plausible browser value for ``component.prop`` that names the target's ids."""
    if component.endswith("workspace"):
        return str(target.wid) if prop == "value" else target.wid
    if component in (ID.config_id, ID.mech_config) or component.endswith("-config"):
        return target.cid if prop == "data" else str(target.cid)
    if component == ID.version:
        return target.version
    if component in (ID.rp_target, ID.rp_source):
        return f"{target.wid}:city"  # a city profile of the target's workspace
    if component == ID.report_target:
        return {"kind": "configuration", "id": target.cid}
    if component == ID.history_request:
        return {"op": "undo", "step": {"before": 1, "after": max(target.version, 2), "label": "x"}}
    if component == ID.drop:
        return {"module": "test-alpha", "x": 1, "y": 1, "nonce": 1}
    if component == ID.selection:
        return {"kind": "actor", "id": "city"}
    if component == ID.url:
        return {"pathname": f"/edit/{target.cid}", "search": "", "href": f"/edit/{target.cid}"}.get(prop)
    return {
        "n_clicks": 1,
        "n_intervals": 1,
        "is_open": True,
        "value": "1",
        "tapNodeData": {"id": "city"},
        "contents": None,
    }.get(prop)


def concrete_id(pattern: dict[str, Any], target: Target) -> dict[str, Any]:
    """One concrete id for a wildcard (ALL/MATCH) id."""
    filled = {}
    for key, value in pattern.items():
        if isinstance(value, list):  # a wildcard
            value = (
                target.user_index
                if key == "index"
                else {
                    "need": "n1",
                    "advantage": "a1",
                    "module": "own-module",
                    "profile": "city",
                    "config": target.cid,
                    "workspace": target.wid,
                }.get(key, "x")
            )
        filled[key] = value
    return filled


def prop_id(component: Any, prop: str) -> str:
    if isinstance(component, dict):
        component = json.dumps(component, separators=(",", ":"), sort_keys=True)
    return f"{component}.{prop}"


def entry(spec: dict[str, Any], target: Target) -> Any:
    component, prop = spec["id"], spec["property"]
    if component.startswith("{"):
        concrete = concrete_id(json.loads(component), target)
        return [{"id": concrete, "property": prop, "value": id_value(concrete.get("type", ""), prop, target)}]
    return {"id": component, "property": prop, "value": id_value(component, prop, target)}


def outputs(key: str) -> Any:
    parts = key[2:-2].split("...") if key.startswith("..") else [key]
    specs = []
    for part in parts:
        component, _, prop = part.rpartition(".")
        specs.append(
            {"id": json.loads(component) if component.startswith("{") else component, "property": prop.split("@")[0]}
        )
    return specs if key.startswith("..") else specs[0]


def payload(key: str, callback: dict[str, Any], target: Target, trigger: int = 0) -> dict[str, Any]:
    inputs = [entry(spec, target) for spec in callback["inputs"]]
    first = inputs[trigger]
    first = first[0] if isinstance(first, list) else first
    return {
        "output": key,
        "outputs": outputs(key),
        "inputs": inputs,
        "state": [entry(spec, target) for spec in callback["state"]],
        "changedPropIds": [prop_id(first["id"], first["property"])],
    }


def server_callbacks(app: Any) -> list[tuple[str, dict[str, Any]]]:
    """Every callback that runs on the server (clientside ones never reach it)."""
    return [(key, cb) for key, cb in app.callback_map.items() if "callback" in cb and not cb.get("background")]


@dataclass
class Answer:
    status: int
    text: str
    checks: list[tuple[str, Any]]

    @property
    def refused(self) -> bool:
        return self.status in (401, 403) or any(text in self.text for text in REFUSALS)

    @property
    def denied(self) -> bool:
        """Some access check in this request said no."""
        return any(access is None and action != "public" for action, access in self.checks)


def post(client: Any, body: dict[str, Any]) -> Answer:
    with client:
        response = client.post("/_dash-update-component", json=body)
        checks = list(flask.g.get("citycanvas_checks", []))
    return Answer(response.status_code, response.get_data(as_text=True), checks)


def fingerprint(store: Any, workspace_id: int) -> tuple:
    """Everything a request could change in a workspace."""
    return (
        store.get_workspace(workspace_id),
        [
            (h.id, h.version, h.name, h.deleted_at)
            for h in store.list_configurations(workspace_id, include_deleted=True)
        ],
        [n.model_dump() for n in store.list_needs(workspace_id)],
        [a.model_dump() for a in store.list_advantages(workspace_id)],
        store.get_weights(workspace_id),
        store.list_modules(workspace_id),
        [(m.user_id, m.role) for m in store.list_members(workspace_id)],
        [(r.id, r.closed_at, r.revoked_at) for r in store.list_rounds(workspace_id)],
    )


def restores_a_workspace(callback: dict[str, Any]) -> bool:
    return any("home-restore-ws" in spec["id"] for spec in callback["inputs"])


def run_all(world: World, who: str | None, target: Target, *, skip: Any = None) -> list[tuple[str, Answer]]:
    """Every server callback (but those ``skip(callback)`` leaves out), once per input (each input
    in turn is the trigger), plus every page."""
    client = client_for(world, who)
    answers = []
    for key, callback in server_callbacks(world.app):
        if skip is not None and skip(callback):
            continue
        for trigger in range(len(callback["inputs"])):
            answers.append((key, post(client, payload(key, callback, target, trigger))))
    for path, search in PAGE_PATHS:
        values = {"cid": target.cid, "wid": target.wid}
        body = {
            "output": f"{ID.page}.children",
            "outputs": {"id": ID.page, "property": "children"},
            "inputs": [
                {"id": ID.url, "property": "pathname", "value": path.format(**values)},
                {"id": ID.url, "property": "search", "value": search.format(**values)},
            ],
            "changedPropIds": [f"{ID.url}.pathname"],
        }
        answers.append((f"page {path}", post(client, body)))
    return answers


def invariant_problems(answers: list[tuple[str, Answer]]) -> list[str]:
    """What is wrong with any answer, whoever asked: no check, a leak, a silent denial, a crash."""
    problems = []
    for key, answer in answers:
        if not answer.checks:
            problems.append(f"{key}: answered {answer.status} without an access check")
        if MARKER in answer.text:
            problems.append(f"{key}: leaked the other workspace's data")
        if answer.denied and not answer.refused:
            problems.append(f"{key}: access was denied but the answer ({answer.status}) does not say so")
        if answer.status == 500:
            problems.append(f"{key}: server error")
    return problems


def report(problems: list[str]) -> None:
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


def uses_workspace(answer: Answer) -> bool:
    return any(action not in ("use", "public") for action, _ in answer.checks)


def writes(answer: Answer) -> bool:
    return any(action in ("edit", "manage", "restore") for action, _ in answer.checks)


# -- the matrix ---------------------------------------------------------------------------
INVALID_LINK = "This participation link is not valid."


def participant_page(key: str) -> bool:
    """The participant page and its callbacks (public: they check the link's token instead)."""
    return key == f"page {PARTICIPATE_NO_TOKEN}" or key.startswith(
        ("pt-", "..pt-", '..{"item":["ALL"],"type":"pt-', '{"item":["ALL"],"type":"pt-')
    )


def shows_nothing(answer: Answer) -> bool:
    """Only "this link is not valid", or no update of any output."""
    if answer.status == 204 or INVALID_LINK in answer.text:
        return True
    if answer.status != 200:
        return False
    values = [v for output in json.loads(answer.text)["response"].values() for v in output.values()]
    return all(item == {"_dash_no_update": "_dash_no_update"} for value in values for item in value)


def test_anonymous_is_refused_everywhere(world: World) -> None:
    before = fingerprint(world.store, world.theirs.wid), fingerprint(world.store, world.ours.wid)
    answers = run_all(world, None, world.theirs)
    problems = invariant_problems(answers)
    problems += [
        f"{key}: anonymous got {a.status} {a.text[:120]}"
        for key, a in answers
        if not a.refused
        and key != "page /accessibility"  # the statement is public (EU directive)
        and not participant_page(key)
    ]
    problems += [
        f"{key}: the public participant page answered without a valid token: {a.text[:160]}"
        for key, a in answers
        if participant_page(key) and not shows_nothing(a)
    ]
    report(problems)
    assert (fingerprint(world.store, world.theirs.wid), fingerprint(world.store, world.ours.wid)) == before


def test_non_member_sees_and_changes_nothing_of_theirs(world: World) -> None:
    before = fingerprint(world.store, world.theirs.wid)
    answers = run_all(world, "nora", world.theirs)
    problems = invariant_problems(answers)
    problems += [f"{key}: a non-member was not refused" for key, a in answers if uses_workspace(a) and not a.refused]
    report(problems)
    assert sum(uses_workspace(a) for _key, a in answers) > 20, "most callbacks name a workspace or configuration"
    assert fingerprint(world.store, world.theirs.wid) == before


def test_viewer_looks_but_changes_nothing(world: World) -> None:
    before = fingerprint(world.store, world.ours.wid)
    answers = run_all(world, "val", world.ours)
    problems = invariant_problems(answers)
    problems += [f"{key}: a viewer's change was not refused" for key, a in answers if writes(a) and not a.refused]
    problems += [
        f"{key}: a viewer was refused a look ({a.status})"
        for key, a in answers
        if uses_workspace(a) and not writes(a) and a.refused
    ]
    report(problems)
    assert sum(writes(a) for _key, a in answers) >= 10
    exports = [a for key, a in answers if key.startswith(f"{ID.download}.data")]
    assert exports and all(a.status == 200 and '"content"' in a.text for a in exports), "viewers may export"
    assert fingerprint(world.store, world.ours.wid) == before


def test_owner_is_allowed_everything_in_their_workspace(world: World) -> None:
    before = fingerprint(world.store, world.theirs.wid)
    answers = run_all(world, "ann", world.ours)
    problems = invariant_problems(answers)
    problems += [f"{key}: the owner was refused ({a.status})" for key, a in answers if a.denied or a.refused]
    report(problems)
    pages = dict(answers)
    name = world.store.get_configuration(world.ours.cid).name
    assert name in pages["page /edit/{cid}"].text and "Pay without a meter" in pages["page /workspace/{wid}/needs"].text
    assert fingerprint(world.store, world.theirs.wid) == before


def manages(answer: Answer) -> bool:
    return any(action in ("manage", "restore") for action, _ in answer.checks)


def test_editor_changes_the_workspace_but_not_its_members(world: World) -> None:
    """An editor may do everything a viewer may, and change the content; members and roles stay the owners'."""
    members_before = [(m.user_id, m.role) for m in world.store.list_members(world.ours.wid)]
    answers = run_all(world, "ed", world.ours)
    problems = invariant_problems(answers)
    problems += [
        f"{key}: an editor's change of members was not refused" for key, a in answers if manages(a) and not a.refused
    ]
    problems += [
        f"{key}: an editor was refused ({a.status})"
        for key, a in answers
        if uses_workspace(a) and not manages(a) and a.refused
    ]
    report(problems)
    assert sum(manages(a) for _key, a in answers) >= 2, "the members panel's callbacks ask for 'manage'"
    assert sum(writes(a) and not manages(a) and not a.refused for _key, a in answers) >= 10
    assert [(m.user_id, m.role) for m in world.store.list_members(world.ours.wid)] == members_before


@pytest.mark.parametrize("swap", ["their configuration in my workspace", "my configuration in their workspace"])
def test_swapped_ids_are_refused(world: World, swap: str) -> None:
    ours, theirs = world.ours, world.theirs
    if swap.startswith("their"):
        target = Target(ours.wid, theirs.cid, theirs.version, ours.user_index)
    else:
        target = Target(theirs.wid, ours.cid, ours.version, theirs.user_index)
    before = fingerprint(world.store, theirs.wid)
    answers = run_all(world, "ann", target)
    report(invariant_problems(answers))
    assert sum(answer.denied for _key, answer in answers) > 10
    assert fingerprint(world.store, theirs.wid) == before


def test_background_callbacks_check_in_the_job(world: World) -> None:
    """A background callback's function runs later, in a job that rebuilds the request from the
    browser's cookies: anonymous users cannot start one, and the job itself refuses non-members."""
    background = [(key, cb) for key, cb in world.app.callback_map.items() if cb.get("background")]
    assert background, "the recommendations-on-request callback runs in the background"
    anonymous = client_for(world, None)
    for key, callback in background:
        assert post(anonymous, payload(key, callback, world.theirs)).status == 401, key
        body = callback["callback"].__wrapped__
        for who, target, allowed in (
            ("nora", world.theirs, False),
            ("val", world.theirs, False),
            ("ann", world.ours, True),
        ):
            cookie = client_for(world, who).get_cookie("citycanvas_session").value
            specs = callback["inputs"] + callback["state"]
            args = [entry(spec, target) for spec in specs]
            values = [a[0]["value"] if isinstance(a, list) else a["value"] for a in args]
            with world.app.server.test_request_context("/", headers={"Cookie": f"citycanvas_session={cookie}"}):
                if allowed:
                    answer = body(*values)
                    assert MARKER not in json.dumps(answer, default=str)
                else:
                    with pytest.raises(Exception) as refused:
                        body(*values)
                    assert getattr(refused.value, "code", None) == 403, (key, who, refused.value)


def test_every_router_pattern_is_in_the_matrix(world: World) -> None:
    from callbacks import router

    patterns = [value for value in vars(router).values() if isinstance(value, re.Pattern)]
    paths = [path.format(cid=1, wid=1) for path, _ in PAGE_PATHS]
    for pattern in patterns:
        assert any(pattern.match(path) for path in paths), f"add a page path for {pattern.pattern} to PAGE_PATHS"


def test_every_route_checks_access(world: World) -> None:
    """Flask routes beyond Dash's own (downloads, exports...) refuse anonymous users and non-members."""
    routes = [
        rule
        for rule in world.app.server.url_map.iter_rules()
        if rule.endpoint not in DASH_ENDPOINTS and not rule.rule.startswith(("/_dash-", "/_favicon", "/_reload-hash"))
    ]
    anonymous, nora, ann = (client_for(world, who) for who in (None, "nora", "ann"))
    for rule in routes:
        if rule.rule in PUBLIC_ROUTES:
            continue
        for client, target, allowed in (
            (anonymous, world.theirs, False),
            (nora, world.theirs, False),
            (ann, world.ours, True),
        ):
            values = {arg: target.cid if "config" in arg or arg == "id" else target.wid for arg in rule.arguments}
            url = rule.rule
            for arg, value in values.items():
                url = re.sub(rf"<(?:[a-z]+:)?{arg}>", str(value), url)
            with client:
                response = client.get(url) if "GET" in rule.methods else client.post(url)
                checks = list(flask.g.get("citycanvas_checks", []))
            text = response.get_data(as_text=True)
            assert MARKER not in text, f"{rule.rule} leaked the other workspace's data"
            if allowed:
                assert checks, f"{rule.rule} answered without an access check"
                assert response.status_code not in (401, 403), rule.rule
            else:
                assert response.status_code in (302, 401, 403), f"{rule.rule}: {response.status_code}"


def test_pages_redirect_to_sign_in_and_back(world: World) -> None:
    client = world.app.server.test_client()
    answer = client.get(f"/edit/{world.ours.cid}")
    assert answer.status_code == 302 and answer.headers["Location"] == f"/login?next=/edit/{world.ours.cid}"
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert '<html lang="en">' in page and '<label class="form-label" for="login-name">' in page
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    signed = client.post(
        "/login", data={"name": "ann", "password": PASSWORD, "csrf": csrf, "next": f"/edit/{world.ours.cid}"}
    )
    assert signed.status_code == 302 and signed.headers["Location"] == f"/edit/{world.ours.cid}"
    cookie = next(c for c in signed.headers.getlist("Set-Cookie") if c.startswith("citycanvas_session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie  # plain HTTP here
    assert client.get(f"/edit/{world.ours.cid}").status_code == 200


@pytest.mark.parametrize("who", ["val", "ed", "ann"])
def test_a_deleted_workspace_is_closed_to_its_members(world: World, who: str) -> None:
    """Once the owner deletes a workspace, its viewer, its editor and the owner too get nothing from
    it -- no export of any format, no history, no delete, no save, no page -- until it is restored;
    only the owner's restore goes through (posted separately below)."""
    from canvas_app.web.services import WORKSPACE_DELETED

    world.store.delete_workspace(world.ours.wid, author="ann")
    before = fingerprint(world.store, world.ours.wid)
    answers = run_all(world, who, world.ours, skip=restores_a_workspace)
    problems = invariant_problems(answers)
    problems += [
        f"{key}: answered {a.status} from a deleted workspace: {a.text[:160]}"
        for key, a in answers
        if uses_workspace(a) and not a.refused
    ]
    report(problems)
    exports = [a for key, a in answers if key.startswith(f"{ID.download}.data")]
    assert exports and all('"content"' not in a.text for a in exports), "no export from a deleted workspace"
    history = [a for key, a in answers if key.startswith(f"{ID.history_list}.")]
    assert history and all(a.refused for a in history)
    assert any(WORKSPACE_DELETED in a.text for _key, a in answers), "the refusal says why"
    assert fingerprint(world.store, world.ours.wid) == before


def test_only_the_owner_restores_a_deleted_workspace_over_http(world: World) -> None:
    world.store.delete_workspace(world.ours.wid, author="ann")
    restore = [(key, cb) for key, cb in server_callbacks(world.app) if restores_a_workspace(cb)]
    assert len(restore) == 1
    key, callback = restore[0]
    for who in ("val", "ed"):
        answer = post(client_for(world, who), payload(key, callback, world.ours))
        assert answer.refused and world.store.get_workspace(world.ours.wid).deleted_at is not None, who
    answer = post(client_for(world, "ann"), payload(key, callback, world.ours))
    assert answer.status == 200 and world.store.get_workspace(world.ours.wid).deleted_at is None, answer.text[:300]


def test_the_participant_page_opens_without_an_account_only_for_a_valid_token(world: World) -> None:
    """``/r/<token>`` loads for anyone and its callbacks work for anyone, with the round read from the
    token each time; a revoked token opens nothing. Other pages still send anonymous users to sign in."""
    info, token = world.store.create_round(world.ours.wid, open_round("Pay without a meter"), author="ann")
    anonymous = client_for(world, None)
    assert anonymous.get(f"/r/{token}").status_code == 200
    assert anonymous.get(f"/workspace/{world.ours.wid}/rounds").status_code == 302

    def page(path: str) -> Answer:
        body = {
            "output": f"{ID.page}.children",
            "outputs": {"id": ID.page, "property": "children"},
            "inputs": [
                {"id": ID.url, "property": "pathname", "value": path},
                {"id": ID.url, "property": "search", "value": ""},
            ],
            "changedPropIds": [f"{ID.url}.pathname"],
        }
        return post(anonymous, body)

    assert "Pay without a meter" in page(f"/r/{token}").text
    key = f"..{ID.participate_me}.data...{ID.participate_joined}.children.."
    join = {
        "output": key,
        "outputs": [
            {"id": ID.participate_me, "property": "data"},
            {"id": ID.participate_joined, "property": "children"},
        ],
        "inputs": [{"id": ID.participate_agree, "property": "n_clicks", "value": 1}],
        "state": [
            {"id": ID.url, "property": "pathname", "value": f"/r/{token}"},
            {"id": ID.participate_group, "property": "value", "value": "resident"},
            {"id": ID.participate_me, "property": "data", "value": None},
        ],
        "changedPropIds": [f"{ID.participate_agree}.n_clicks"],
    }
    joined = post(anonymous, join)
    assert joined.status == 200 and "Thank you" in joined.text and str(info.id) in joined.text
    world.store.revoke_round(info.id)
    assert INVALID_LINK in page(f"/r/{token}").text and "Pay without a meter" not in page(f"/r/{token}").text
    assert INVALID_LINK in post(anonymous, join).text
