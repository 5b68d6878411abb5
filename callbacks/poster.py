"""The poster page ``/poster/<configuration id>``: one printable sheet of a configuration (map, scores,
flags, nine blocks). Access is checked as for the report: opening the configuration asks
``Services.require("view", …)``; the two callbacks run in the browser only (paper size, print).
"""

from __future__ import annotations

from typing import Any

from dash import Input, Output

from canvas_app.analysis import nine_blocks
from canvas_app.web.services import AccessDenied, Services, SignInRequired, Unavailable
from layouts.common import not_found
from layouts.ids import ID
from layouts.poster import poster_layout


def poster_page(services: Services, configuration_id: int) -> Any:
    """The poster of a stored configuration, scored with its workspace's weights (no recommendations:
    the poster lists flags, the report their remedies)."""
    try:
        opened = services.open_configuration(configuration_id)
    except (SignInRequired, AccessDenied) as exc:
        return not_found(str(exc.description))
    except Unavailable as exc:
        return not_found(str(exc))
    config, head = opened.config, opened.head
    evaluation = services.evaluate(head.workspace_id, config, recommend=False)
    blocks = nine_blocks(config, services.library_for(head.workspace_id))
    return poster_layout(int(configuration_id), config, evaluation, blocks, head.version)


def register(app: Any, services: Services) -> None:
    del services  # nothing here reaches the server: the page itself is built (and checked) by the router
    app.clientside_callback(
        "function (paper) { return 'poster paper-' + (paper === 'a3' ? 'a3' : 'a4'); }",
        Output(ID.poster_sheet, "className"),
        Input(ID.poster_paper, "value"),
    )
    app.clientside_callback(
        "function (clicks) { if (clicks) { window.print(); } return window.dash_clientside.no_update; }",
        Output(ID.poster_print, "title"),
        Input(ID.poster_print, "n_clicks"),
        prevent_initial_call=True,
    )
