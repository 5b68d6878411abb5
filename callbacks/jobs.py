"""Guards of the background jobs ("Suggest modules", value mechanisms' "Compute").

A background callback's own function runs later, in a job; by then the web worker has already
forked it. So the access check and the job caps run here, on the request itself, before Dash
sees it — on the start and on every poll (both are POSTs of the same callback; a poll carries
``cacheKey`` in its query string):

* the configuration the job reads (the State named in :data:`JOB_SUBJECTS`) must be viewable
  by the user, or the request is refused (401/403) before any work; a background callback
  naming no configuration is refused too (fail closed);
* a poll carries no values (the renderer sends nulls), only the job's signed handle: the poll is
  answered only for the user who started that job, and only while they may still view the
  configuration the job was started for (kept with the job's slot);
* a start takes one of the user's job slots and one of everyone's (:class:`JobSlots`); when
  either is full no job starts and the page shows why where the result would have gone;
  fetching the result gives the slot back.

Each start also gets its own result key (``canvas_app.web.background``), so a result only ever
reaches the page load that started its job.
"""

from __future__ import annotations

import json
import secrets
from typing import Any

from flask import Response, g, request
from plotly.utils import PlotlyJSONEncoder

from canvas_app.web.background import JobSlots
from canvas_app.web.services import Services
from layouts.common import message
from layouts.ids import ID

CALLBACK_PATH = "/_dash-update-component"

JOB_SUBJECTS = (ID.config_id, ID.mech_config, ID.report_config)
"""Component ids whose value names the configuration a background job reads."""

BUSY_USER = "You already have {n} computations running. Wait for one to finish, then try again."
BUSY_ALL = "The server is busy with other computations. Try again in a minute."


def job_subject(body: dict[str, Any]) -> tuple[bool, Any]:
    """``(found, configuration id)`` of a callback body: the value of its first input or state
    whose id is one of :data:`JOB_SUBJECTS`."""
    for item in [*(body.get("inputs") or []), *(body.get("state") or [])]:
        if isinstance(item, dict) and item.get("id") in JOB_SUBJECTS:
            return True, item.get("value")
    return False, None


def is_background_request(app: Any, body: Any) -> bool:
    return isinstance(body, dict) and bool(app.callback_map.get(body.get("output"), {}).get("background"))


def install_job_guard(app: Any, services: Services, slots: JobSlots) -> None:
    """Check access on every start and poll of a background job, and cap the jobs running."""
    server = app.server

    @server.before_request
    def check_background_job() -> Response | None:
        if request.method != "POST" or not request.path.endswith(CALLBACK_PATH):
            return None
        body = request.get_json(silent=True)
        if not is_background_request(app, body):
            return None
        handle = request.args.get("cacheKey")
        if handle:  # a poll: the renderer sends no values, so the job's lease says what it reads
            held = slots.holder(handle)
            if held is None:
                return Response("This computation is unknown or has ended.", status=403, mimetype="text/plain")
            access = services.require("view", configuration_id=held["subject"])  # access may have been revoked since
            if _user_key(access) != held["user"]:
                return Response("This computation was started by someone else.", status=403, mimetype="text/plain")
            return None
        found, configuration_id = job_subject(body)
        if not found or configuration_id in (None, ""):
            return Response("This computation names no configuration.", status=403, mimetype="text/plain")
        access = services.require("view", configuration_id=configuration_id)  # 401/403 before any work
        user = _user_key(access)
        lease = "start-" + secrets.token_hex(16)
        full = slots.take(user, lease, subject=configuration_id)
        if full is not None:
            return _busy_answer(body, BUSY_USER.format(n=slots.per_user) if full == "user" else BUSY_ALL)
        g.citycanvas_job_lease = lease
        return None

    @server.after_request
    def keep_or_return_the_slot(response: Response) -> Response:
        if request.method != "POST" or not request.path.endswith(CALLBACK_PATH):
            return response
        lease = g.pop("citycanvas_job_lease", None)
        if lease is not None:  # a start: the slot follows the job's handle, or comes back at once
            handle = _field(response, "cacheKey")
            if response.status_code == 200 and handle:
                slots.rename(lease, handle)
            else:
                slots.give_back(lease)
            return response
        handle = request.args.get("cacheKey")
        if (
            handle
            and response.status_code != 403
            and is_background_request(app, request.get_json(silent=True))
            and _finished(response)
        ):
            slots.give_back(handle)
        return response


def _busy_answer(body: dict[str, Any], text: str) -> Response:
    """The refusal of a start when the slots are full, as the callback's own answer: the page
    shows ``text`` where the result would have gone (the renderer drops any non-200 answer
    silently). A body whose output is not one ``children`` gets a plain 429."""
    output = body.get("outputs")
    if not (isinstance(output, dict) and output.get("property") == "children" and isinstance(output.get("id"), str)):
        return Response(text, status=429, mimetype="text/plain", headers={"Retry-After": "30"})
    answer = {"multi": True, "response": {output["id"]: {"children": message(text).to_plotly_json()}}}
    return Response(
        json.dumps(answer, cls=PlotlyJSONEncoder),
        status=200,
        mimetype="application/json",
        headers={"Retry-After": "30", "X-CityCanvas-Refused": "busy"},
    )


def _user_key(access: Any) -> str:
    user = access.user
    return f"user:{user.id}" if user is not None and user.id is not None else f"local:{getattr(user, 'name', '')}"


def _field(response: Response, name: str) -> Any:
    try:
        data = json.loads(response.get_data(as_text=True))
    except ValueError:
        return None
    return data.get(name) if isinstance(data, dict) else None


def _finished(response: Response) -> bool:
    """A poll's answer carries the result (``response``), or the job ended without one (204),
    or failed: the job no longer needs its slot."""
    if response.status_code != 200:
        return True
    return _field(response, "response") is not None


__all__ = ["install_job_guard", "job_subject", "JOB_SUBJECTS", "BUSY_USER", "BUSY_ALL"]
