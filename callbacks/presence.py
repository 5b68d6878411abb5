"""Presence in the editor: a heartbeat every 15 s records who has the configuration open
(in the database, so it works across workers) and shows the others: "Also here: Ann"."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from dash import Input, Output, State

from canvas_app.web.services import Services
from layouts import members as members_layouts
from layouts.ids import ID
from storage import StorageError

SEEN_WITHIN = timedelta(seconds=45)
"""Three missed heartbeats and a page counts as closed."""


def heartbeat(services: Services, configuration_id: Any, client: Any) -> str:
    """Record this page as present and name the others (the text of the "also here" line).

    A configuration that is gone (deleted for good, or an id that names nothing) has nobody in it.
    """

    access = services.require("view", configuration_id=configuration_id)
    if configuration_id is None:
        return ""
    user_key = "local" if access.user.id is None else str(access.user.id)
    # the row key is made on the server: a page cannot refresh (or hide) another person's row
    me = f"{user_key}:{str(client or '')[:32]}"
    try:
        services.store.touch_presence(int(configuration_id), me, access.user.name)
        present = services.store.present(int(configuration_id), within=SEEN_WITHIN)
    except StorageError:
        return ""
    others = [
        "you (another window)" if client_id.startswith(f"{user_key}:") else name
        for client_id, name in present
        if client_id != me
    ]
    return members_layouts.presence_text(others)


def register(app: Any, services: Services) -> None:
    @app.callback(
        Output(ID.presence_line, "children"),
        Input(ID.presence_tick, "n_intervals"),
        State(ID.config_id, "data"),
        State(ID.presence_client, "data"),
    )
    def show_presence(_tick, configuration_id, client):
        return heartbeat(services, configuration_id, client)
