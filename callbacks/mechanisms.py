"""Value-mechanisms page callbacks: build the page, and compute the "could add" ranking on request
(a Dash background job) for configurations too large to re-score once per library module while
the page loads."""

from __future__ import annotations

from typing import Any

from dash import Input, Output, State, no_update

from canvas_app.mechanisms import mechanisms_could_add, mechanisms_in_place
from canvas_app.web.background import job_request_context
from canvas_app.web.services import Services, Unavailable
from layouts import mechanisms as mechanisms_layouts
from layouts.common import message, not_found
from layouts.ids import ID
from storage import StorageError

MAX_ACTORS_ON_LOAD = 100
"""Up to this many actors the library ranking is computed with the page (re-scoring each library
module takes well under a second there); above it, on request with a visible "computing" state."""


def mechanisms_page(services: Services, configuration_id: int) -> Any:
    """Load the configuration and build its value-mechanisms page."""
    try:
        opened = services.open_configuration(configuration_id)
    except Unavailable as exc:
        return not_found(str(exc))
    config, head = opened.config, opened.head
    small = len(config.actors) <= MAX_ACTORS_ON_LOAD
    library = services.library_for(head.workspace_id)
    return mechanisms_layouts.mechanisms_layout(
        configuration_id=head.id,
        name=head.name,
        workspace_id=head.workspace_id,
        actor_count=len(config.actors),
        found=mechanisms_in_place(config, library),
        options=mechanisms_could_add(config, library, services.score_weights(head.workspace_id)) if small else None,
    )


def could_add_view(services: Services, configuration_id: int) -> Any:
    """The ranked "could add" table for the configuration's current head."""

    try:
        config, head = services.store.load(int(configuration_id))
    except StorageError as exc:
        return message(str(exc))
    options = mechanisms_could_add(
        config, services.library_for(head.workspace_id), services.score_weights(head.workspace_id)
    )
    return mechanisms_layouts.could_add_table(options)


def register(app: Any, services: Services) -> None:
    @app.callback(
        Output(ID.mech_could_add, "children"),
        Input(ID.mech_compute, "n_clicks"),
        State(ID.mech_config, "data"),
        prevent_initial_call=True,
        background=True,  # one re-score per library module: seconds on a large configuration
        running=[
            (Output(ID.mech_compute, "disabled"), True, False),
            (Output(ID.mech_status, "children"), "Computing… re-scoring with each library module.", ""),
        ],
    )
    def compute_could_add(clicks, configuration_id):
        """The "could add" ranking on request, as a background job (Celery, else a subprocess)."""

        with job_request_context(app.server):  # a Celery job has no request: rebuild it from the cookies
            services.require("view", configuration_id=configuration_id)
            if not clicks:
                return no_update
            return could_add_view(services, configuration_id)
