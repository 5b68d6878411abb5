"""Canvas editor page: builds the page for a stored configuration and registers the page-wide callbacks
(clientside diff, scores and history glue, the palette search, layouts, exports).

The editor's other callbacks live beside it: :mod:`callbacks.editor_edits` turns every edit into a domain
command saved as a revision, :mod:`callbacks.editor_panel` keeps the side panel (selection, forms, flags,
money over time) in step. Scores come from :func:`canvas_app.analysis.evaluate`; nothing here computes one.
"""

from __future__ import annotations

import time
from typing import Any

from dash import ClientsideFunction, Input, Output, State, ctx, dcc, no_update

from canvas_app.analysis import nine_blocks
from canvas_app.commands import (
    DETAIL_FIELDS,
    slug,
)
from canvas_app.evaluation import SCORE_NAMES
from canvas_app.exports import export_configuration
from canvas_app.model import Configuration
from canvas_app.web.services import Services, Unavailable
from layouts import editor as editor_layouts
from layouts import graph, panels
from layouts import members as members_layouts
from layouts.common import not_found
from layouts.ids import ID

# -- page ----------------------------------------------------------------------------


def evaluate(
    services: Services, workspace_id: int, config: Configuration, recommend: bool = False, money: bool = False
) -> Any:
    """Score a stored configuration (one of its revisions) with its workspace's score weights."""
    return services.evaluate(workspace_id, config, recommend=recommend, structure=False, money=money)


def status_text(head: Any) -> str:
    return f"Saved · version {head.version} · {head.updated_by} {head.updated_at:%H:%M:%S}"


def editor_page(services: Services, configuration_id: int) -> Any:
    """Load a stored configuration and build its editor page."""
    try:
        opened = services.open_configuration(configuration_id)
    except Unavailable as exc:
        return not_found(str(exc))
    config, head, access = opened.config, opened.head, opened.access
    library = services.library_for(head.workspace_id)
    evaluation = evaluate(services, head.workspace_id, config)
    page = editor_layouts.editor_layout(
        configuration_id=head.id,
        name=head.name,
        version=head.version,
        elements=graph.config_elements(config),
        modules=list(library),
        categories=[str(getattr(c, "value", c)) for c in library.categories()],
        actors=[(a.id, a.name) for a in config.actors],
        flows=[(f.id, config.flow_name(f, quoted=False)) for f in config.flows],
        scores=panels.score_panel(evaluation),
        blocks=panels.blocks_panel(nine_blocks(config, library)),
        status=status_text(head),
        workspace_id=head.workspace_id,
        details=details_of(config),
        own_modules=own_module_ids(library),
    )
    return members_layouts.read_only(page) if access.role == "viewer" else page


def own_module_ids(library: Any) -> frozenset[str]:
    """The workspace's own modules in its library (the palette marks them)."""
    return frozenset(m.id for m in library if library.origin(m.id) == "workspace")


def details_of(config: Configuration) -> dict[str, Any]:
    """What the details form shows: the configuration's own fields."""
    return {key: getattr(config, key) for key in DETAIL_FIELDS}


def filter_palette(services: Services, configuration_id: Any, text: str | None, category: str | None) -> list[Any]:
    """The palette's modules (the shared library and the workspace's own) matching the search."""
    services.require("view", configuration_id=configuration_id)
    library = services.library_of_configuration(configuration_id)
    modules = library.search(text or "", None if category in (None, "", "all") else category)
    return editor_layouts.palette_items(list(modules), own_module_ids(library))


def layout_for(name: str | None) -> dict[str, Any]:
    if not name or name == "preset":
        return dict(editor_layouts.PRESET)
    if name not in {n for n, _ in editor_layouts.LAYOUTS}:
        return dict(editor_layouts.PRESET)
    if name == "fcose":
        return {**FCOSE, "nonce": time.time()}
    return {"name": name, "animate": False, "fit": True, "padding": 30, "nonce": time.time()}


FCOSE = {
    "name": "fcose",
    "quality": "default",
    "randomize": False,  # starts from where the actors are: a tidy-up, not a reshuffle
    "animate": False,
    "fit": True,
    "padding": 30,
    "nodeDimensionsIncludeLabels": True,  # names take room too: no name drawn over another actor
    "nodeSeparation": 90,
    "idealEdgeLength": 150,
    "nodeRepulsion": 12000,
    "packComponents": True,
}
"""The organic layout for value networks (cytoscape-fcose, in dash-cytoscape's extra bundle): actors that
exchange a lot end up close, hubs in the middle, nothing on top of anything else."""


PNG_SCALE = 3
"""The PNG is drawn at three times the canvas's size: sharp on a projector and in a printed report."""


EXPORT_FORMATS = {ID.export_button: "json", ID.export_graphml: "graphml", ID.export_csv: "csv", ID.export_svg: "svg"}
"""The Export menu's item -> the file it downloads (export_file)."""


def png_request(name: str, version: Any) -> dict[str, Any]:
    """What cytoscape draws for the PNG export: the whole graph as the user sees it, on white, at PNG_SCALE,
    named after the configuration and its version.

    >>> png_request("Pysäköinti Oulu", 4)["filename"]
    'pysakointi-oulu-v4'
    """
    return {
        "type": "png",
        "action": "download",
        "filename": f"{slug(name, 'configuration')}-v{version}",
        "options": {"full": True, "bg": "#ffffff", "scale": PNG_SCALE},
    }


def export_file(services: Services, configuration_id: int, fmt: str) -> dict[str, Any]:
    """The configuration as JSON, GraphML or CSV (canvas_app.exports), or the canvas picture as SVG."""

    config, head = services.store.load(int(configuration_id))
    if fmt == "svg":
        return dcc.send_bytes(graph.to_svg(config), f"{slug(config.name, 'configuration')}-v{head.version}.svg")
    fmt = fmt if fmt in ("json", "graphml", "csv") else "json"
    data = export_configuration(config, fmt)  # type: ignore[arg-type]  # fmt is one of the three names checked above
    extension = {"json": "json", "graphml": "graphml", "csv": "csv"}[fmt]
    return dcc.send_bytes(data, f"{slug(config.name, 'configuration')}-v{head.version}.{extension}")


# -- registration -------------------------------------------------------------------


def register(app: Any, services: Services) -> None:
    ns = "citycanvas"

    app.clientside_callback(
        ClientsideFunction(ns, "applyDiff"),
        Output(ID.diff_applied, "data"),
        Input(ID.graph_diff, "data"),
        prevent_initial_call=True,
    )

    app.clientside_callback(
        ClientsideFunction(ns, "showScores"),
        *[Output(ID.score_value(name), "children", allow_duplicate=True) for name in SCORE_NAMES],
        *[Output(ID.score_bar(name), "style", allow_duplicate=True) for name in SCORE_NAMES],
        *[Output(ID.score_coverage(name), "children", allow_duplicate=True) for name in SCORE_NAMES],
        Input(ID.score_values, "data"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        ClientsideFunction(ns, "updateHistory"),
        Output(ID.history, "data"),
        Output(ID.undo, "disabled"),
        Output(ID.redo, "disabled"),
        Input(ID.step_out, "data"),
        State(ID.history, "data"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        ClientsideFunction(ns, "filterView"),
        Output(ID.view_state, "data"),
        Input(ID.view_kinds, "value"),
        Input(ID.view_types, "value"),
        Input(ID.view_focus, "value"),
        Input(ID.selection, "data"),
        State(ID.view_kinds, "options"),
        State(ID.view_types, "options"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        ClientsideFunction(ns, "kindFields"),
        Output(ID.flow_term_box, "style"),
        Output(ID.flow_payback_box, "style"),
        Output(ID.flow_personal_box, "style"),
        Input(ID.flow_kind, "value"),
    )
    app.clientside_callback(
        ClientsideFunction(ns, "suggestStandards"),
        Output(ID.flow_standards_known, "children"),
        Input(ID.flow_standards, "value"),
        State(ID.standards_registry, "data"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        ClientsideFunction(ns, "requestHistory"),
        Output(ID.history_request, "data"),
        Input(ID.undo, "n_clicks"),
        Input(ID.redo, "n_clicks"),
        State(ID.history, "data"),
        prevent_initial_call=True,
    )

    @app.callback(
        Output(ID.palette_list, "children"),
        Input(ID.palette_search, "value"),
        Input(ID.palette_category, "value"),
        State(ID.config_id, "data"),
        prevent_initial_call=True,
    )
    def palette(text, category, configuration_id):
        return filter_palette(services, configuration_id, text, category)

    @app.callback(
        Output(ID.cy, "layout"),
        Input(ID.layout_apply, "n_clicks"),
        State(ID.layout_name, "value"),
        prevent_initial_call=True,
    )
    def apply_layout(_clicks, name):
        services.require("use")
        return layout_for(name)

    @app.callback(
        Output(ID.download, "data"),
        Input(ID.export_button, "n_clicks"),
        Input(ID.export_graphml, "n_clicks"),
        Input(ID.export_csv, "n_clicks"),
        Input(ID.export_svg, "n_clicks"),
        State(ID.config_id, "data"),
        prevent_initial_call=True,
    )
    def export(_json, _graphml, _csv, _svg, configuration_id):
        """The Export menu's file items (the PNG is drawn in the browser: export_png)."""
        services.require("view", configuration_id=configuration_id)
        if not (ctx.triggered and ctx.triggered[0]["value"]):
            return no_update
        return export_file(services, configuration_id, EXPORT_FORMATS[ctx.triggered_id])

    @app.callback(
        Output(ID.cy, "generateImage"),
        Input(ID.export_png, "n_clicks"),
        State(ID.config_id, "data"),
        State(ID.version, "data"),
        prevent_initial_call=True,
    )
    def export_png(_png, configuration_id, version):
        services.require("view", configuration_id=configuration_id)
        return png_request(services.store.get_configuration(int(configuration_id)).name, version)
