"""kill -9 of gunicorn (master and workers) in the middle of eight editors' work: no acknowledged save lost."""

from __future__ import annotations

import threading
import time

import pytest

from dash_client import DEPLOY_PASSWORD
from editors import Run, run_editors
from test_concurrency_gunicorn import EDITORS, http_edits, new_configuration, verify


@pytest.mark.postgres
@pytest.mark.parametrize("accounts", [False, True], ids=["accounts-off", "accounts-on"])
def test_dep003_kill9_mid_run_then_restart_loses_no_acknowledged_save(pg_url, gunicorn, accounts):
    from canvas_app.web.auth import hash_password
    from storage import Store

    server = gunicorn(pg_url, workers=2, accounts=accounts)
    with Store.open(pg_url) as store:
        owner = store.create_user("editor", hash_password(DEPLOY_PASSWORD)) if accounts else None
        configuration_id = new_configuration(store, owner_id=owner.id if owner else None)
        run, stop = Run(), threading.Event()
        edits = http_edits(server.base_url, configuration_id, "editor" if accounts else None)
        editing = threading.Thread(
            target=run_editors,
            args=(edits, EDITORS, 120.0),
            kwargs={"stop": stop, "run": run},
            daemon=True,
        )
        editing.start()
        time.sleep(5.0)
        server.kill9()  # every process of the server at once, mid-request
        acknowledged_before_kill = run.acknowledged
        time.sleep(1.0)
        server.start()  # same port, same database: the editors carry on from their last-known versions
        restarted_at = run.acknowledged
        time.sleep(4.0)
        stop.set()
        editing.join(timeout=60)
        failed_while_down = len(run.errors)
        run.errors.clear()  # refused connections while the server was down are expected; they saved nothing
        problems = verify(store, configuration_id, run, strict=False)
    print(
        f"{acknowledged_before_kill} saves acknowledged before kill -9, {run.acknowledged - restarted_at} after "
        f"the restart, {failed_while_down} requests failed while the server was down"
    )
    assert acknowledged_before_kill > 20
    assert run.acknowledged > restarted_at, "the restarted server saves again"
    assert problems == []
