"""The canvas editor page: palette, canvas with toolbar, side panel, score panel, nine-block view."""

from __future__ import annotations

from typing import Any, get_args

import dash_bootstrap_components as dbc
import dash_cytoscape as cyto
from dash import dcc, html

from canvas_app.model import ActorType, FlowKind, Period
from canvas_app.standards import known_standards
from layouts import graph, history, members, panels
from layouts.common import confirm_dialog
from layouts.ids import ID
from layouts.needs import configuration_links

LAYOUTS = [
    ("preset", "Keep positions"),
    ("fcose", "Organic (for value networks)"),
    ("breadthfirst", "Breadth-first"),
    ("concentric", "Concentric"),
    ("cose", "Force-directed (cose)"),
]
PRESET = {"name": "preset", "fit": False, "animate": False}
"""After the first paint, the viewport stays still when elements are added."""
INITIAL = {"name": "preset", "fit": True, "padding": 30, "animate": False}
"""On page load: stored positions (computed once), fitted to the view."""


NEW_ELEMENT = "new"
"""The element picker's "(new element)" value: not empty, or the select shows a blank placeholder beside it."""


def _label(text: str) -> str:
    return text.replace("_", " ").capitalize()


def palette_items(modules: list[Any], own: frozenset[str] = frozenset()) -> list[Any]:
    """Draggable, focusable module cards; Enter places the focused one near the canvas centre.

    ``own``: ids of the workspace's own modules (from its Module library page), marked as such.
    """
    if not modules:
        return [html.P("No module matches.", className="text-body-secondary small")]
    items = []
    for index, module in enumerate(modules):
        summary_id = ID.palette_summary(module.id)
        items.append(
            html.Div(
                [
                    html.Div(module.name, className="palette-name"),
                    html.Span(_label(str(module.category.value)), className="badge text-bg-light palette-cat"),
                    *(
                        [html.Span("this workspace", className="badge text-bg-primary ms-1")]
                        if module.id in own
                        else []
                    ),
                    html.Div(module.summary, id=summary_id, className="palette-summary"),
                    html.Span(" Press Enter to place it on the canvas.", className="visually-hidden"),
                ],
                id=ID.palette_item(module.id),
                className="palette-item",
                draggable="true",
                tabIndex="0" if index == 0 else "-1",  # one Tab stop: arrow keys move within (canvas.js)
                role="button",
                title=module.summary,
                **{"data-module": module.id},
            )
        )
    return items


def details_form(details: dict[str, Any]) -> html.Details:
    """The configuration's own name, city, description, period and population; saved like any edit (undoable)."""
    return html.Details(
        [
            html.Summary("Configuration details", className="h6 mb-1"),
            dbc.Label("Name", html_for=ID.details_name, className="small mb-0"),
            dbc.Input(id=ID.details_name, size="sm", maxLength=300, value=details.get("name", "")),
            dbc.Label("City", html_for=ID.details_city, className="small mb-0 mt-1"),
            dbc.Input(id=ID.details_city, size="sm", maxLength=200, value=details.get("city", "")),
            dbc.Label("Amounts and occurrences are per", html_for=ID.details_period, className="small mb-0 mt-1"),
            dbc.Select(
                id=ID.details_period,
                size="sm",
                value=details.get("period", "year"),
                options=[{"label": p, "value": p} for p in get_args(Period)],
            ),
            dbc.Label(
                "Population of the city (scales modules' estimates)",
                html_for=ID.details_population,
                className="small mb-0 mt-1",
            ),
            dbc.Input(
                id=ID.details_population, type="number", min=0, step=1, size="sm", value=details.get("population")
            ),
            dbc.Label(
                "Description (where this structure comes from)",
                html_for=ID.details_description,
                className="small mb-0 mt-1",
            ),
            dbc.Textarea(
                id=ID.details_description, size="sm", maxLength=20000, rows=3, value=details.get("description", "")
            ),
            html.Div(id=ID.details_feedback, role="alert", **{"aria-live": "polite"}),
            dbc.Button("Save details", id=ID.details_save, size="sm", color="primary", className="mt-2"),
        ],
        className="mb-3",
    )


NUDGE_ARROWS = (("left", "←"), ("up", "↑"), ("down", "↓"), ("right", "→"))
"""The keyboard alternative to dragging an actor: one step per press, in this order on the page."""


def actor_form() -> html.Div:
    return html.Section(
        [
            html.H3("Add an actor", id=ID.actor_heading, className="h6"),
            dbc.Label("Name", html_for=ID.actor_name, className="small mb-0"),
            dbc.Input(id=ID.actor_name, size="sm", maxLength=300),
            dbc.Label("Type", html_for=ID.actor_type, className="small mb-0 mt-1"),
            dbc.Select(
                id=ID.actor_type,
                size="sm",
                options=[{"label": _label(t.value), "value": t.value} for t in ActorType],
                value=ActorType.CITIZEN.value,
            ),
            dbc.Label("Segment size (count, optional)", html_for=ID.actor_count, className="small mb-0 mt-1"),
            dbc.Input(id=ID.actor_count, type="number", size="sm"),
            dbc.Checkbox(id=ID.actor_local, label="Named local organisation", value=False, className="small mt-1"),
            dbc.Label("Notes", html_for=ID.actor_notes, className="small mb-0 mt-1"),
            dbc.Textarea(id=ID.actor_notes, size="sm", maxLength=5000, rows=2),
            html.Details(
                [
                    html.Summary("Own costs", className="small"),
                    html.Small(
                        "Money this actor spends that is not paid to another actor on the map. Empty: not entered.",
                        className="text-muted d-block",
                    ),
                    *number_field("Running cost per period (staff, energy, maintenance)", ID.actor_fixed_cost, min=0),
                    *number_field(
                        "Up-front cost, paid once in year 0 (hardware, installation)", ID.actor_capital_cost, min=0
                    ),
                    dbc.Label(
                        "Funding source (optional: boxes with the same source count as one payer)",
                        html_for=ID.actor_funding_source,
                        className="small mb-0 mt-1",
                    ),
                    dbc.Input(id=ID.actor_funding_source, size="sm", maxLength=120, placeholder="e.g. state-budget"),
                    html.Small(
                        "The city and its agencies are one public budget already; letters, digits and _ . : - only.",
                        className="text-muted d-block",
                    ),
                ],
                id=ID.actor_costs,
                className="mt-1",
            ),
            html.Div(
                [html.Span("Move it", className="small me-1", **{"aria-hidden": "true"})]
                + [
                    dbc.Button(
                        [
                            html.Span(arrow, **{"aria-hidden": "true"}),
                            html.Span(f"Move the selected actor {direction}", className="visually-hidden"),
                        ],
                        id=ID.nudge(direction),
                        size="sm",
                        color="secondary",
                        outline=True,
                        disabled=True,
                        title=f"Move the selected actor {direction}",
                        className="py-0",
                    )
                    for direction, arrow in NUDGE_ARROWS
                ],
                className="d-flex gap-1 align-items-center mt-1",
                role="group",
                **{"aria-label": "Move the selected actor with the keyboard"},
            ),
            html.Div(id=ID.actor_feedback, role="alert", **{"aria-live": "polite"}),
            html.Div(
                [
                    dbc.Button("Add actor", id=ID.actor_add, size="sm", color="primary"),
                    dbc.Button("Save actor", id=ID.actor_save, size="sm", color="primary", disabled=True),
                    dbc.Button(
                        "Delete actor", id=ID.actor_delete, size="sm", color="danger", outline=True, disabled=True
                    ),
                    dbc.Button(
                        "Remove its module",
                        id=ID.module_remove,
                        size="sm",
                        color="secondary",
                        outline=True,
                        disabled=True,
                        title="Remove the library module this actor came with (undoable)",
                    ),
                ],
                className="d-flex gap-1 mt-2 flex-wrap",
            ),
        ],
        className="mb-3",
    )


def flow_form(actor_options: list[dict[str, str]]) -> html.Div:
    return html.Section(
        [
            html.H3("Draw a value flow", id=ID.flow_heading, className="h6"),
            dbc.Switch(
                id=ID.flow_pick,
                label="Pick source, then target, on the canvas",
                value=False,
                className="small",
            ),
            dbc.Row(
                [
                    dbc.Col(
                        [
                            dbc.Label("From", html_for=ID.flow_source, className="small mb-0"),
                            dbc.Select(id=ID.flow_source, size="sm", options=actor_options),
                        ]
                    ),
                    dbc.Col(
                        [
                            dbc.Label("To", html_for=ID.flow_target, className="small mb-0"),
                            dbc.Select(id=ID.flow_target, size="sm", options=actor_options),
                        ]
                    ),
                ],
                className="g-1",
            ),
            dbc.Label("Kind", html_for=ID.flow_kind, className="small mb-0 mt-1"),
            dbc.Select(
                id=ID.flow_kind,
                size="sm",
                options=[{"label": _label(k.value), "value": k.value} for k in FlowKind],
                value=FlowKind.SERVICE.value,
            ),
            dbc.Label("Label", html_for=ID.flow_label, className="small mb-0 mt-1"),
            dbc.Input(id=ID.flow_label, size="sm", maxLength=300),
            dbc.Row(
                [
                    dbc.Col(
                        [
                            dbc.Label(
                                ["Amount (money per occurrence) ", estimate_badge(ID.flow_amount_estimate)],
                                html_for=ID.flow_amount,
                                className="small mb-0",
                            ),
                            dbc.Input(id=ID.flow_amount, type="number", size="sm"),
                        ]
                    ),
                    dbc.Col(
                        [
                            dbc.Label(
                                ["Occurrences per period ", estimate_badge(ID.flow_occurrences_estimate)],
                                html_for=ID.flow_occurrences,
                                className="small mb-0",
                            ),
                            dbc.Input(id=ID.flow_occurrences, type="number", size="sm"),
                        ]
                    ),
                ],
                className="g-1 mt-1",
            ),
            dbc.Label(
                "Standards (comma-separated, e.g. NGSI-LD, MIM1)",
                html_for=ID.flow_standards,
                className="small mb-0 mt-1",
            ),
            *standards_input(),
            flow_economics(),
            html.Div(id=ID.flow_feedback, role="alert", **{"aria-live": "polite"}),
            html.Div(
                [
                    dbc.Button("Add flow", id=ID.flow_add, size="sm", color="primary"),
                    dbc.Button("Save flow", id=ID.flow_save, size="sm", color="primary", disabled=True),
                    dbc.Button(
                        "Delete flow", id=ID.flow_delete, size="sm", color="danger", outline=True, disabled=True
                    ),
                ],
                className="d-flex gap-1 mt-2 flex-wrap",
            ),
        ],
        className="mb-3",
    )


def number_field(label: str, field_id: str, *, top: bool = True, **limits: Any) -> list[Any]:
    """A small label and the number input it names (``limits``: min, step); empty means not entered."""
    return [
        dbc.Label(label, html_for=field_id, className="small mb-0" + (" mt-1" if top else "")),
        dbc.Input(id=field_id, type="number", size="sm", **limits),
    ]


def flow_economics() -> html.Details:
    """The flow's time, per-occurrence costs and personal data, folded away: most flows need none of them.
    Which fields show follows the flow's kind (canvas.js ``kindFields``)."""
    return html.Details(
        [
            html.Summary("Time, costs and personal data", className="small"),
            html.Div(
                number_field(
                    "Runs for (years from year 1; empty: the whole horizon)", ID.flow_term_years, min=1, step=1
                ),
                id=ID.flow_term_box,
            ),
            html.Div(
                number_field("Paid back within (years; empty: the horizon)", ID.flow_payback_years, min=1, step=1),
                id=ID.flow_payback_box,
                style={"display": "none"},
            ),
            dbc.Row(
                [
                    dbc.Col(number_field("Giver's own cost per occurrence", ID.flow_source_cost, top=False, min=0)),
                    dbc.Col(number_field("Receiver's own cost per occurrence", ID.flow_target_cost, top=False, min=0)),
                ],
                className="g-1 mt-1",
            ),
            *number_field(
                "Public benefit per occurrence, in money (declared by its city or agency end)", ID.flow_benefit, min=0
            ),
            html.Small(
                "Time saved, emissions avoided: shown beside the city's cash, never added to it.",
                className="text-muted d-block",
            ),
            html.Div(
                dbc.Switch(
                    id=ID.flow_personal_data,
                    label="Carries personal data (identifies a person)",
                    value=False,
                    className="small mt-1",
                ),
                id=ID.flow_personal_box,
                style={"display": "none"},
            ),
        ],
        id=ID.flow_economics,
        className="mt-1",
    )


CANVAS_CONTROLS = (
    ("fit", "Fit", "Fit the whole map in view"),
    ("in", "+", "Zoom in"),
    ("out", "−", "Zoom out"),
    ("help", "?", "Keyboard shortcuts"),
)
SHORTCUTS = (
    # (keys, what they do): the help dialog lists them; canvas.js runs them outside text fields
    ("?", "Show these shortcuts"),
    ("F or 0", "Fit the whole map in view"),
    ("+ and −", "Zoom in and out"),
    ("Enter on a module", "Place it in the middle of the map"),
    ("Arrow keys in the palette", "Move between modules"),
    ("Shift+F10 or the Menu key", "Actions for the selected element: edit, delete, draw a flow from it"),
    ("Delete or Backspace", "Delete the selected element, or every element of a box selection (asks first)"),
    ("Shift+drag on the map", "Select several elements with a box; drag one of them to move them all"),
    ("Ctrl+Z, Ctrl+Y", "Undo, redo"),
    ("Escape", "Close a menu or dialog"),
)


def shortcuts_dialog() -> dbc.Modal:
    """The keyboard shortcuts, as a table (opened by canvas.js: "?" or the canvas's "?" button)."""
    rows = [html.Tr([html.Th(keys, scope="row"), html.Td(what)]) for keys, what in SHORTCUTS]
    return dbc.Modal(
        [
            dbc.ModalHeader(dbc.ModalTitle("Keyboard shortcuts", id=f"{ID.keys_modal}-title")),
            dbc.ModalBody(
                html.Table(
                    [
                        html.Thead(html.Tr([html.Th("Keys", scope="col"), html.Th("What they do", scope="col")])),
                        html.Tbody(rows),
                    ],
                    className="table table-sm mb-0",
                )
            ),
        ],
        id=ID.keys_modal,
        labelledby=f"{ID.keys_modal}-title",
        is_open=False,
    )


def canvas_controls() -> html.Div:
    """Fit and zoom buttons over the canvas (and Clear highlight, after a flag's), which flow kinds to show and focus mode (canvas.js runs them all in
    the browser: hiding is a view, nothing is deleted or saved)."""
    kinds = [k.value for k in FlowKind]
    view = [
        dbc.Checklist(
            id=ID.view_kinds,
            options=[{"label": _label(k), "value": k} for k in kinds],
            value=kinds,
            inline=True,
            className="small ms-2",
            input_class_name="me-1",
        ),
        html.Details(
            [
                html.Summary("Actor types", className="small"),
                dbc.Checklist(
                    id=ID.view_types,
                    options=[{"label": _label(t.value), "value": t.value} for t in ActorType],
                    value=[t.value for t in ActorType],
                    inline=True,
                    className="small",
                    input_class_name="me-1",
                ),
            ],
            className="ms-2",
        ),
        dbc.Switch(id=ID.view_focus, label="Focus on the selected actor", value=False, className="small ms-2"),
        dcc.Store(id=ID.view_state),
    ]
    return html.Div(
        [
            html.Div(
                [*buttons_for_view(), dbc.Button("Clear highlight", id=ID.clear_highlight, size="sm", color="link")],
                className="d-flex gap-1",
                role="group",
                **{"aria-label": "Canvas view"},
            ),
            html.Fieldset(
                [html.Legend("Show flows", className="visually-hidden"), *view],
                className="d-flex flex-wrap align-items-center",
            ),
        ],
        className="d-flex flex-wrap align-items-center gap-1 mb-1 canvas-controls",
    )


def buttons_for_view() -> list[html.Button]:
    """Fit, zoom in, zoom out."""
    return [
        html.Button(  # html, not dbc: only plain elements take data-* attributes
            [html.Span(text, **{"aria-hidden": "true"}), html.Span(label, className="visually-hidden")],
            type="button",
            title=label,
            className="btn btn-sm btn-outline-secondary py-0",
            **{"data-canvas": what},
        )
        for what, text, label in CANVAS_CONTROLS
    ]


ESTIMATE_HINT = "A module's default, not a figure entered for this service: type your own to replace it."
ESTIMATE_INPUT_CLASS = "text-muted fst-italic"
"""How an estimated quantity's input looks (muted), beside its "estimate" badge."""


def estimate_badge(component_id: str) -> html.Span:
    """The "estimate" badge beside a quantity's label; hidden while the quantity is entered (or empty)."""
    return html.Span("estimate", id=component_id, className="badge text-bg-warning", title=ESTIMATE_HINT, hidden=True)


def toolbar(status: str = "") -> html.Div:
    return html.Div(
        [
            dbc.ButtonGroup(
                [
                    dbc.Button("Undo", id=ID.undo, size="sm", color="secondary", outline=True, disabled=True),
                    dbc.Button("Redo", id=ID.redo, size="sm", color="secondary", outline=True, disabled=True),
                ],
                className="me-2",
            ),
            dbc.Label("Layout", html_for=ID.layout_name, className="visually-hidden"),
            dbc.Select(
                id=ID.layout_name,
                options=[{"label": label, "value": name} for name, label in LAYOUTS],
                value="preset",
                size="sm",
                style={"width": "12.5rem"},
            ),
            dbc.Button(
                "Apply layout", id=ID.layout_apply, size="sm", color="secondary", outline=True, className="me-2"
            ),
            dbc.DropdownMenu(  # one menu, not a select and four buttons: the toolbar fits one line at 1024 px
                [
                    dbc.DropdownMenuItem("Configuration (JSON)", id=ID.export_button),
                    dbc.DropdownMenuItem("Network (GraphML)", id=ID.export_graphml),
                    dbc.DropdownMenuItem("Flows (CSV)", id=ID.export_csv),
                    dbc.DropdownMenuItem(divider=True),
                    dbc.DropdownMenuItem("Picture (PNG, 3×)", id=ID.export_png),
                    dbc.DropdownMenuItem("Picture (SVG)", id=ID.export_svg),
                ],
                id=ID.export_menu,
                label="Export",
                size="sm",
                color="secondary",
                toggle_class_name="btn-outline-secondary bg-transparent text-body",
                className="me-2",
            ),
            html.Span(
                [
                    dbc.Spinner(size="sm", spinner_class_name="me-1"),
                    "Saving…",
                ],
                id=ID.saving,
                style={"display": "none"},
                className="ms-auto small",
            ),
            html.Span(status, id=ID.status, className="small ms-2", role="status", **{"aria-live": "polite"}),
            dcc.Download(id=ID.download),
        ],
        className="d-flex align-items-center gap-1 flex-wrap mb-2 toolbar",
    )


def skip_links() -> html.Nav:
    """Links past the header to each part of the editor (visible when focused; WCAG 2.4.1)."""
    targets = [
        ("Palette", ID.palette_region),
        ("Canvas", ID.canvas_region),
        ("Table view", ID.table_view),
        ("Scores", ID.scores_region),
        ("Flags", ID.flags_region),
    ]
    return html.Nav(
        [html.A(f"Skip to {text.lower()}", href=f"#{target}", className="skip-link") for text, target in targets],
        className="skip-links",
        **{"aria-label": "Skip links"},
    )


def legend() -> html.Details:
    """What the node shapes/colours and the edge patterns/arrow heads/colours mean, each with its caption."""
    chips = [
        html.Span(
            [html.Img(src=graph.type_symbol(type_), alt="", className="symbol"), _label(type_)], className="legend-item"
        )
        for type_ in graph.TYPE_STYLE
    ]
    lines = [
        html.Span(
            [html.Img(src=graph.kind_symbol(kind), alt="", className="symbol"), _label(kind)], className="legend-item"
        )
        for kind in graph.KIND_STYLE
    ]
    return html.Details(
        [
            html.Summary("Legend", className="small"),
            html.Div([html.Strong("Actors ", className="small")] + chips, className="legend"),
            html.Div([html.Strong("Flows ", className="small")] + lines, className="legend"),
        ],
        className="mt-1",
    )


def editor_layout(
    *,
    configuration_id: int,
    name: str,
    version: int,
    elements: list[dict[str, Any]],
    modules: list[Any],
    categories: list[str],
    actors: list[tuple[str, str]],
    flows: list[tuple[str, str]] | None = None,
    scores: Any = None,
    blocks: Any,
    status: str,
    workspace_id: int | None = None,
    details: dict[str, str] | None = None,
    own_modules: frozenset[str] = frozenset(),
) -> html.Div:
    """The editor for one stored configuration (built once per page load)."""
    actor_options = [{"label": label, "value": actor_id} for actor_id, label in actors]
    element_options = (
        [{"label": "(new element)", "value": NEW_ELEMENT}]
        + [{"label": f"Actor: {label}", "value": f"actor:{actor_id}"} for actor_id, label in actors]
        + [{"label": f"Flow: {label}", "value": f"flow:{flow_id}"} for flow_id, label in (flows or [])]
    )
    stores = [
        dcc.Store(id=ID.config_id, data=configuration_id),
        dcc.Store(id=ID.version, data=version),
        dcc.Store(id=ID.history, data={"done": [], "undone": []}),
        dcc.Store(id=ID.step_out),
        dcc.Store(id=ID.history_request),
        dcc.Store(id=ID.graph_diff),
        dcc.Store(id=ID.diff_applied),
        dcc.Store(id=ID.score_values),
        dcc.Store(id=ID.drop),
        dcc.Store(id=ID.moved),
        dcc.Store(id=ID.selection),
        dcc.Store(id=ID.conflict),
        dcc.Store(id=ID.flag_elements, data=[]),
        dcc.Store(id=ID.many_selected),
        dcc.Store(id=ID.delete_target),
        dcc.Store(id=ID.delete_request),
    ]
    palette = html.Nav(
        [
            html.H2("Modules", className="h6"),
            dbc.Label("Search modules", html_for=ID.palette_search, className="visually-hidden"),
            dbc.Input(id=ID.palette_search, placeholder="Search modules", type="search", size="sm", debounce=False),
            dbc.Label("Category", html_for=ID.palette_category, className="visually-hidden"),
            dbc.Select(
                id=ID.palette_category,
                options=[{"label": "All categories", "value": "all"}]
                + [{"label": _label(c), "value": c} for c in categories],
                value="all",
                size="sm",
                className="mt-1 mb-2",
            ),
            html.P(
                "Drag a module onto the canvas, or focus it and press Enter. Arrow keys move between modules.",
                className="small text-body-secondary",
                id=ID.palette_help,
            ),
            html.Div(
                palette_items(modules, own_modules),
                id=ID.palette_list,
                className="palette-list",
                role="toolbar",
                **{"aria-orientation": "vertical", "aria-label": "Modules", "aria-describedby": ID.palette_help},
            ),
        ],
        className="palette",
        id=ID.palette_region,
        tabIndex="-1",
        **{"aria-label": "Module palette"},
    )
    canvas = html.Div(
        [
            toolbar(status),
            dbc.Alert(
                [
                    html.Div(id=ID.conflict_box),
                    html.Div(
                        [
                            dbc.Button("Reload theirs", id=ID.reload_theirs, size="sm", color="warning"),
                            dbc.Button("Save mine as a new alternative", id=ID.save_mine, size="sm", color="primary"),
                        ],
                        className="d-flex gap-2 mt-2",
                    ),
                ],
                id=ID.conflict_alert,
                color="warning",
                is_open=False,
                className="py-2",
            ),
            html.Div(id=ID.message, role="alert", **{"aria-live": "polite"}),
            canvas_controls(),
            html.Div(
                cyto.Cytoscape(
                    id=ID.cy,
                    elements=elements,
                    layout=INITIAL,
                    stylesheet=graph.stylesheet(),
                    autoRefreshLayout=False,
                    style={"width": "100%", "height": "62vh"},
                    className="canvas border rounded",
                    minZoom=0.1,
                    maxZoom=4,
                    wheelSensitivity=0.3,
                    boxSelectionEnabled=True,
                ),
                id=ID.canvas_region,
                tabIndex="0",
                role="group",
                **{
                    "aria-roledescription": "map",
                    "aria-label": f"Value network map: {len(actors)} actors, {len(flows or [])} flows",
                    "aria-describedby": ID.canvas_help,
                },
            ),
            html.P(
                "Click an actor or a flow to edit it; right-click it (or press Shift+F10) for its actions. Drag actors "
                "to move them; positions are saved. Shift+drag selects several. Delete asks to delete the selection; "
                "Ctrl+Z undoes, Ctrl+Y redoes; F fits the whole map in view; ? lists every shortcut. The Table view "
                "below lists every actor and flow, with an Edit button for each.",
                className="small text-body-secondary mt-1 mb-0",
                id=ID.canvas_help,
            ),
            legend(),
            html.Section(
                html.Details(
                    [
                        html.Summary(html.H2("Table view", className="h6 d-inline", id=ID.table_view_heading)),
                        html.Div(id=ID.table_view_body, className="table-view"),
                    ],
                    id=ID.table_view_details,
                    open=len(actors) + len(flows or []) <= TABLE_VIEW_OPEN_UP_TO,
                    className="mt-2",
                ),
                id=ID.table_view,
                tabIndex="-1",
                **{"aria-labelledby": ID.table_view_heading},
            ),
            html.Section(
                [
                    html.H2("Nine-block canvas (derived, read-only)", className="h6 mt-2"),
                    html.Div(blocks, id=ID.blocks),
                ],
                **{"aria-label": "Nine-block canvas"},
            ),
        ],
        className="canvas-col",
    )
    side = html.Aside(
        [
            html.Div(  # the element forms come first: these go to the first field of each, selection cleared
                [
                    html.Button(
                        "Add an actor",
                        type="button",
                        className="btn btn-sm btn-outline-primary",
                        **{"data-jump": ID.actor_name},
                    ),
                    html.Button(
                        "Draw a value flow",
                        type="button",
                        className="btn btn-sm btn-outline-primary",
                        **{"data-jump": ID.flow_source},
                    ),
                ],
                className="d-flex flex-wrap gap-1 mb-2",
            ),
            html.Div(
                [
                    html.H2("Edit", className="h6 d-inline me-2"),
                    dbc.Button("New element", id=ID.deselect, size="sm", color="link", className="p-0 align-baseline"),
                ]
            ),
            dbc.Label(
                "Select an element to edit (or click it on the canvas)",
                html_for=ID.element_pick,
                className="small mb-0",
            ),
            dbc.Select(id=ID.element_pick, options=element_options, value=NEW_ELEMENT, size="sm", className="mb-2"),
            dbc.Button(  # shown while two or more elements are selected on the canvas (canvas.js fills many_selected)
                "Delete the selected elements",
                id=ID.delete_many,
                size="sm",
                color="danger",
                outline=True,
                className="mb-2",
                style={"display": "none"},
            ),
            actor_form(),
            flow_form(actor_options),
            html.Hr(),
            html.Section(
                [
                    html.H2("Scores", className="h6"),
                    html.Div(scores, id=ID.scores),
                    html.Div(
                        id=ID.score_changes, className="visually-hidden", role="status", **{"aria-live": "polite"}
                    ),
                ],
                id=ID.scores_region,
                tabIndex="-1",
                **{"aria-label": "Scores"},
            ),
            html.Section(
                [html.H2("Flags", className="h6 mt-3"), panels.suggest_button(), html.Div(id=ID.flags)],
                id=ID.flags_region,
                tabIndex="-1",
                **{"aria-label": "Flags"},
            ),
            html.Section(
                [
                    html.H2("Money over time", className="h6 mt-3"),
                    html.Div(id=ID.cash_chart),
                    dcc.Store(id=ID.cash_data),
                ],
                **{"aria-label": "Money over time"},
            ),
            html.Hr(),
            details_form(details or {"name": name}),
        ],
        className="side-panel",
        **{"aria-label": "Scores and element editor"},
    )
    modal = confirm_dialog(
        "Delete?",
        "Delete",
        modal=ID.delete_modal,
        text=ID.delete_text,
        confirm=ID.delete_confirm,
        cancel=ID.delete_cancel,
    )
    return html.Main(
        [
            *stores,
            skip_links(),
            html.Div(
                [
                    dcc.Link("← Home", href="/", className="me-3"),
                    html.H1(name, id=ID.title, className="h5 mb-0 d-inline"),
                    *configuration_links(configuration_id, workspace_id),
                    *history.editor_tools(configuration_id, name),
                    *members.presence_tools(),
                ],
                className="d-flex flex-wrap align-items-baseline gap-1 py-2",
            ),
            dbc.Row(
                [
                    dbc.Col(palette, lg=2, md=3),
                    dbc.Col(canvas, lg=7, md=9),
                    dbc.Col(side, lg=3, md=12),
                ],
                className="g-2",
            ),
            modal,
            shortcuts_dialog(),
        ],
        className="container-fluid editor",
    )


TABLE_VIEW_OPEN_UP_TO = 150
"""The Table view opens by itself up to this many actors and flows. A bigger map's tables (thousands of
cells) take Dash's renderer most of a minute to draw, so they are drawn only when the user opens them."""


def standards_input() -> list[Any]:
    """The flow's standards field, offering the registry's open standards as the user types.

    The datalist starts with every open standard; a clientside callback keeps what is already
    typed before the last comma in front of each suggestion, so the browser's own filter
    offers the next standard too.
    """
    offered = [[s.name, s.source] for s in known_standards("open")]
    return [
        dbc.Input(id=ID.flow_standards, size="sm", maxLength=800, list=ID.flow_standards_known, autoComplete="off"),
        html.Datalist(id=ID.flow_standards_known, children=[html.Option(value=n, label=src) for n, src in offered]),
        dcc.Store(id=ID.standards_registry, data=offered),
        html.Small(
            "Known open standards are offered as you type; a name the registry does not know counts as unverified.",
            className="text-muted d-block",
        ),
    ]
