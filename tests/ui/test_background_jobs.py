"""Background jobs with accounts on, over HTTP: access is checked on the start and on every poll,
before any work; each start gets its own result; jobs are capped per user and in total.

Reproduces the red-team findings: a non-member could start "Suggest modules" on another
workspace's configuration, poll the shared result key and receive the owner's flags panel
(the owner's own polls then got 204 forever); every POST forked a job, without a limit.
"""

from __future__ import annotations

import json
import os
import re
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from canvas_app.model import load_configuration
from canvas_app.web.auth import hash_password
from canvas_app.web.settings import Settings
from layouts.ids import ID

DATA = Path(__file__).parent / "data"
PASSWORD = "correct horse battery"
SECRET = "test-secret-key-0123456789abcdef"
SUGGEST = f"{ID.flags}.children"


@pytest.fixture()
def jobs_world(tmp_path, monkeypatch):
    """Ann owns 'Ours' (Val views it, Ed edits it); Nora owns another workspace. One job per user,
    two in all, and every configuration treated as large (recommendations on request)."""
    from canvas_app.web.app import create_app
    from storage import Store

    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setenv("CITYCANVAS_CACHE_DIR", str(tmp_path / "cache"))
    url = f"sqlite:///{tmp_path}/jobs.sqlite3"
    store = Store.open(url)
    users = {name: store.create_user(name, hash_password(PASSWORD)) for name in ("ann", "val", "ed", "nora")}
    ours = store.create_workspace("Ours", author="ann", owner_id=users["ann"].id)
    theirs = store.create_workspace("Nora's", author="nora", owner_id=users["nora"].id)
    store.add_member(ours.id, "val", "viewer", added_by="ann")
    store.add_member(ours.id, "ed", "editor", added_by="ann")
    config = load_configuration(DATA / "small-parking.json")
    head = store.create_configuration(ours.id, config, author="ann")
    nora_head = store.create_configuration(theirs.id, config, author="nora")
    settings = Settings(
        database_url=url,
        auth=True,
        secret_key=SECRET,
        examples_dir=DATA,
        module_dirs=(DATA / "modules",),
        live_recommend_max_actors=0,
        jobs_per_user=1,
        jobs_total=2,
    )
    app = create_app(settings, store=store)
    yield {"app": app, "store": store, "head": head, "nora_head": nora_head}
    store.close()


def signed_in(app: Any, name: str) -> Any:
    client = app.server.test_client()
    page = client.get("/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    assert client.post("/login", data={"name": name, "password": PASSWORD, "csrf": csrf}).status_code == 302
    return client


def suggest_body(app: Any, configuration_id: int, version: int) -> dict[str, Any]:
    key = next(k for k in app.callback_map if k.startswith(SUGGEST))
    return {
        "output": key,
        "outputs": {"id": ID.flags, "property": "children"},
        "inputs": [{"id": ID.suggest, "property": "n_clicks", "value": 1}],
        "state": [
            {"id": ID.version, "property": "data", "value": version},
            {"id": ID.config_id, "property": "data", "value": configuration_id},
        ],
        "changedPropIds": [f"{ID.suggest}.n_clicks"],
    }


def start(client: Any, body: dict[str, Any]) -> Any:
    return client.post("/_dash-update-component", json=body)


def poll_until_done(client: Any, body: dict[str, Any], handles: dict[str, str], timeout: float = 60) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        answer = client.post(
            "/_dash-update-component", json=body, query_string={"cacheKey": handles["cacheKey"], "job": handles["job"]}
        )
        if answer.status_code != 200 or "response" in answer.get_json():
            return answer
        time.sleep(0.2)
    raise AssertionError("the job never finished")


def test_job001_a_non_member_cannot_start_a_job_on_another_workspace(jobs_world):
    app, head = jobs_world["app"], jobs_world["head"]
    nora = signed_in(app, "nora")
    from callbacks.jobs import JOB_SUBJECTS

    for key, callback in app.callback_map.items():
        if not callback.get("background"):
            continue
        component, _, prop = key.rpartition(".")
        body = {
            "output": key,
            "outputs": {"id": component, "property": prop},
            "inputs": [{**spec, "value": 1} for spec in callback["inputs"]],
            "state": [
                {**spec, "value": head.id if spec["id"] in JOB_SUBJECTS else head.version} for spec in callback["state"]
            ],
            "changedPropIds": [f"{callback['inputs'][0]['id']}.{callback['inputs'][0]['property']}"],
        }
        answer = start(nora, body)
        assert answer.status_code == 403, (key, answer.status_code, answer.get_data(as_text=True)[:200])
        assert "cacheKey" not in answer.get_data(as_text=True)
    assert app._background_manager is not None
    from canvas_app.web.background import JobSlots

    assert JobSlots(1, 2, Settings()).held() == 0  # nothing was reserved, nothing forked


def test_job002_a_poll_is_answered_only_to_its_starter_while_they_may_view(jobs_world):
    app, head, store = jobs_world["app"], jobs_world["head"], jobs_world["store"]
    ann, val, nora, ed = (signed_in(app, name) for name in ("ann", "val", "nora", "ed"))
    body = suggest_body(app, head.id, head.version)
    handles = start(ann, body).get_json()
    assert {"cacheKey", "job"} <= set(handles)
    # the renderer polls with null values: the job's own record says what it reads
    blank = {**body, "state": [{**item, "value": None} for item in body["state"]]}
    assert nora.post("/_dash-update-component", json=blank, query_string=handles).status_code == 403
    # Val may view the configuration, but did not start this job
    answer = val.post("/_dash-update-component", json=blank, query_string=handles)
    assert answer.status_code == 403 and "someone else" in answer.get_data(as_text=True)
    done = poll_until_done(ann, blank, handles)
    assert done.status_code == 200 and "recs" in json.dumps(done.get_json())
    # Ed starts a job, then loses access before polling: the poll is refused
    ed_handles = start(ed, body).get_json()
    store.remove_member(head.workspace_id, next(u.id for u in store.list_users() if u.name == "ed"))
    assert ed.post("/_dash-update-component", json=blank, query_string=ed_handles).status_code == 403


def test_job003_two_users_starting_the_same_job_each_get_their_own_result(jobs_world):
    app, head = jobs_world["app"], jobs_world["head"]
    ann, val = signed_in(app, "ann"), signed_in(app, "val")
    body = suggest_body(app, head.id, head.version)  # the very same arguments for both
    handles = {name: start(client, body).get_json() for name, client in (("ann", ann), ("val", val))}
    for name, client in (("ann", ann), ("val", val)):
        done = poll_until_done(client, body, handles[name])
        assert done.status_code == 200 and "response" in done.get_json(), name


def test_job004_result_keys_differ_per_start_even_with_the_same_arguments(jobs_world):
    manager = jobs_world["app"]._background_manager

    def body(x):
        return x

    keys = set()
    for who in ("ann", "val", "ann"):
        manager.key_owner = lambda who=who: who
        keys.add(manager.build_cache_key(body, [1, 2], [], None))
    assert len(keys) == 3


def test_job005_jobs_are_capped_per_user_and_in_total(jobs_world):
    from canvas_app.web.background import JobSlots

    app, head = jobs_world["app"], jobs_world["head"]
    ann, ed, val = (signed_in(app, name) for name in ("ann", "ed", "val"))
    body = suggest_body(app, head.id, head.version)
    first = start(ann, body)
    assert "cacheKey" in first.get_json()
    again = start(ann, body)  # Ann's one slot is taken
    assert again.headers.get("X-CityCanvas-Refused") == "busy"
    assert "computations running" in json.dumps(again.get_json()) and "cacheKey" not in again.get_json()
    second = start(ed, body)
    assert "cacheKey" in second.get_json()
    third = start(val, body)  # two running in all
    assert "server is busy" in json.dumps(third.get_json())
    assert JobSlots(1, 2, Settings()).held() == 2
    poll_until_done(ann, body, first.get_json())  # fetching the result gives the slot back
    assert JobSlots(1, 2, Settings()).held() == 1
    assert "cacheKey" in start(ann, body).get_json()


@pytest.mark.parametrize("backend", ["diskcache", "redis"])
def test_job006_taking_a_slot_is_atomic_under_a_race(backend, tmp_path, monkeypatch):
    from canvas_app.web.background import JobSlots

    monkeypatch.setenv("CITYCANVAS_CACHE_DIR", str(tmp_path / "cache"))
    if backend == "redis":
        url = os.environ.get("CITYCANVAS_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
        import redis

        try:
            redis.Redis.from_url(url, socket_connect_timeout=1).ping()
        except redis.RedisError:
            pytest.skip(f"no Redis at {url}")
        monkeypatch.setenv("REDIS_URL", url)
        monkeypatch.setenv("CITYCANVAS_JOB_QUEUE", f"test-{uuid.uuid4().hex}")
    else:
        monkeypatch.delenv("REDIS_URL", raising=False)
    slots = JobSlots(per_user=2, total=3, settings=Settings())
    taken: list[str] = []
    lock = threading.Lock()

    def grab(i: int) -> None:
        # each thread its own connection, like separate workers
        mine = JobSlots(per_user=2, total=3, settings=Settings())
        if mine.take("user:1" if i % 2 else "user:2", f"lease-{i}") is None:
            with lock:
                taken.append(f"lease-{i}")

    threads = [threading.Thread(target=grab, args=(i,)) for i in range(24)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(taken) == 3 and slots.held() == 3
    assert slots.held("user:1") <= 2 and slots.held("user:2") <= 2
    for lease in taken:
        slots.give_back(lease)
    assert slots.held() == 0


def test_job007_a_large_configuration_s_report_leaves_recommendations_to_a_background_job(jobs_world):
    """The red team made /report/<id> compute recommendations for 5,000 actors inside the request
    (gunicorn WORKER TIMEOUT, a 500). Above the live limit the page and its downloads leave them
    out and say so; the page's "Compute recommendations" runs them as a guarded background job."""
    from callbacks.report import build_configuration_report, report_page

    app, head = jobs_world["app"], jobs_world["head"]
    services = app.canvas_services
    ann = signed_in(app, "ann")
    as_ann = {"headers": {"Cookie": f"citycanvas_session={ann.get_cookie('citycanvas_session').value}"}}
    with app.server.test_request_context("/", **as_ann):
        built = build_configuration_report(services, head.id)
        assert built.recommendations_deferred and built.evaluation.flags
        assert all(not flag.recommendations for flag in built.evaluation.flags)  # none computed in the request
        flags = next(s for s in built.report.sections if s.title == "Flags and recommendations")
        assert any("computed on request" in p for p in flags.paragraphs)
        page = json.dumps(report_page(services, head.id).to_plotly_json(), default=lambda o: o.to_plotly_json())
        assert ID.report_recs_compute in page
    key = next(k for k, cb in app.callback_map.items() if cb.get("background") and k.startswith(ID.report_recs))
    body = {
        "output": key,
        "outputs": {"id": ID.report_recs, "property": "children"},
        "inputs": [{"id": ID.report_recs_compute, "property": "n_clicks", "value": 1}],
        "state": [{"id": ID.report_config, "property": "data", "value": head.id}],
        "changedPropIds": [f"{ID.report_recs_compute}.n_clicks"],
    }
    assert start(signed_in(app, "nora"), body).status_code == 403  # a non-member starts nothing
    handles = start(ann, body).get_json()
    done = poll_until_done(ann, body, handles)
    text = json.dumps(done.get_json())
    with app.server.test_request_context("/", **as_ann):
        full = build_configuration_report(services, head.id, recommend=True)
    names = {r.name for flag in full.evaluation.flags for r in flag.recommendations}
    assert names and all(name in text for name in names)


def test_each_queue_gets_its_own_celery_app():
    """An app built for one queue never sends another configuration's jobs to it: a worker takes only its
    own queue, so such jobs would wait forever (seen when one test process built apps for two queues)."""
    from canvas_app.web.background import celery_app
    from canvas_app.web.settings import Settings

    first = celery_app(Settings(redis_url="redis://127.0.0.1:6379/0", job_queue="citycanvas-a"))
    second = celery_app(Settings(redis_url="redis://127.0.0.1:6379/0", job_queue="citycanvas-b"))
    again = celery_app(Settings(redis_url="redis://127.0.0.1:6379/0", job_queue="citycanvas-a"))
    assert (first.conf.task_default_queue, second.conf.task_default_queue) == ("citycanvas-a", "citycanvas-b")
    assert again is first and second is not first
