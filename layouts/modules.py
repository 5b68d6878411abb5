"""The Module library page of a workspace: browse every module, read its definition, and add,
edit, import, download or delete the workspace's own modules.

Pure builders; module names, summaries and texts go into components as text, never as HTML.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from canvas_app.library import MAX_MODULE_BYTES
from layouts.common import confirm_dialog
from layouts.ids import ID
from layouts.needs import page_header

ORIGIN_LABELS = {"builtin": "Built in", "folder": "City module folder", "workspace": "This workspace"}
"""Where a module comes from, as the page says it."""


@dataclass(frozen=True)
class ModuleRow:
    """One module of the list: what the page shows of it."""

    id: str
    name: str
    category: str
    summary: str
    origin: str  # a key of ORIGIN_LABELS


@dataclass(frozen=True)
class ModuleDetail:
    """The module shown in the detail card, with its definition as YAML text."""

    row: ModuleRow
    text: str
    sources: Sequence[str]
    standards: Sequence[tuple[str, str]] = ()  # (name, "open" | "proprietary" | "unverified")
    remedies: Sequence[tuple[str, str]] = ()  # (flag code, actor type) the module declares it can close


STANDARD_STATUS = {
    "open": "open standard (in the registry)",
    "proprietary": "proprietary",
    "unverified": "unverified: not in the open-standards registry, check that it is open",
}


def _category_label(category: str) -> str:
    return category.replace("_", " ").capitalize()


def module_list(rows: Sequence[ModuleRow], selected: str | None) -> Any:
    """The modules matching the search, each with a button that shows it."""
    if not rows:
        return html.P("No module matches this search.", className="text-body-secondary")
    items = []
    for row in rows:
        badge_color = "text-bg-primary" if row.origin == "workspace" else "text-bg-light"
        items.append(
            html.Li(
                [
                    html.Div(
                        [
                            html.Button(
                                row.name,
                                id=ID.mod_view(row.id),
                                type="button",
                                className="btn btn-link p-0 fw-semibold text-start",
                                **{"aria-pressed": "true" if row.id == selected else "false"},
                            ),
                            html.Span(_category_label(row.category), className="badge text-bg-light ms-2"),
                            html.Span(ORIGIN_LABELS[row.origin], className=f"badge {badge_color} ms-1"),
                        ]
                    ),
                    html.Div(row.summary, className="small text-body-secondary"),
                ],
                className="list-group-item" + (" active-module" if row.id == selected else ""),
            )
        )
    return html.Ul(items, className="list-group module-list")


def module_detail(detail: ModuleDetail | None) -> Any:
    """The selected module: what it is, where it comes from, its sources and its whole definition."""
    if detail is None:
        return html.P("Choose a module in the list to read its definition.", className="text-body-secondary mb-0")
    row = detail.row
    return html.Div(
        [
            html.H3(row.name, className="h6 mb-1"),
            html.P(
                [html.Code(row.id), f" · {_category_label(row.category)} · {ORIGIN_LABELS[row.origin]}"],
                className="small mb-2",
            ),
            html.P(row.summary, className="small"),
            html.Div(
                [
                    html.Span("Remedies: ", className="small fw-semibold"),
                    html.Ul(
                        [
                            html.Li([html.Code(flag), f" for the {role.replace('_', ' ')}"], className="small")
                            for flag, role in detail.remedies
                        ],
                        className="mb-2 module-remedies",
                    )
                    if detail.remedies
                    else html.Span("none declared: recommendations never propose this module.", className="small"),
                ],
                className="mb-2",
            ),
            html.Div(
                [
                    html.Span("Sources: ", className="small fw-semibold"),
                    html.Ul([html.Li(s, className="small") for s in detail.sources], className="mb-2"),
                ]
            ),
            *(
                [
                    html.Div(
                        [
                            html.Span("Standards: ", className="small fw-semibold"),
                            html.Ul(
                                [
                                    html.Li(f"{name}: {STANDARD_STATUS[status]}", className="small")
                                    for name, status in detail.standards
                                ],
                                className="mb-2",
                            ),
                        ]
                    )
                ]
                if detail.standards
                else []
            ),
            html.Pre(
                detail.text,
                className="module-text small border rounded p-2",
                tabIndex=0,
                **{"aria-label": f"Definition of {row.name}"},
            ),
        ]
    )


def module_form(editable: bool) -> dbc.Card:
    """Write or paste a module (YAML or JSON), or import a file; problems appear under the button."""
    if not editable:
        return dbc.Card(
            dbc.CardBody(
                html.P(
                    "You can browse and download modules; only editors of the workspace can add or change its modules.",
                    className="text-body-secondary mb-0",
                )
            )
        )
    return dbc.Card(
        dbc.CardBody(
            [
                html.H2("Add a module to this workspace", id=ID.mod_form_heading, className="h5"),
                html.P(
                    "A module is a fragment of the value network: the roles it brings (actors), the value flows "
                    "between them and the built-in roles city, citizen and platform_operator, and the attributes "
                    "the scores read, including the flags it remedies (recommendations offer a module only for "
                    "those). Press New module for a template, or choose a module and press Edit a copy.",
                    className="small text-body-secondary",
                ),
                dbc.Button("New module", id=ID.mod_new, color="secondary", outline=True, size="sm", className="mb-2"),
                dbc.RadioItems(
                    id=ID.mod_format,
                    options=[{"label": "YAML", "value": "yaml"}, {"label": "JSON", "value": "json"}],
                    value="yaml",
                    inline=True,
                    className="mb-1",
                ),
                dbc.Label("Module definition", html_for=ID.mod_text, className="small mb-0"),
                dbc.Textarea(
                    id=ID.mod_text,
                    rows=16,
                    spellCheck=False,
                    wrap="off",
                    className="font-monospace small",
                    maxLength=200_000,
                ),
                dbc.Button("Save module", id=ID.mod_save, color="primary", className="mt-2"),
                html.Div(id=ID.mod_feedback, role="status", **{"aria-live": "polite"}),
                html.Hr(),
                html.H3("Import a module file", className="h6"),
                dcc.Upload(
                    id=ID.mod_upload,
                    children=html.Div(
                        [
                            "Drop a module file (YAML, JSON or TOML) here, or ",
                            html.Span("choose a file", className="link-primary"),
                        ]
                    ),
                    className="upload-zone",
                    max_size=MAX_MODULE_BYTES,
                    multiple=False,
                ),
                html.P(
                    f"Module files up to {MAX_MODULE_BYTES // 1000} KB. A valid file is saved at once; an invalid one is shown above "
                    "with its problems, and nothing is saved.",
                    className="form-text",
                ),
                dcc.Store(id=ID.mod_upload_rejected),
            ]
        )
    )


def delete_modal() -> dbc.Modal:
    return confirm_dialog(
        "Delete this module?",
        "Delete",
        modal=ID.mod_delete_modal,
        text=ID.mod_delete_text,
        confirm=ID.mod_delete_confirm,
        cancel=ID.mod_delete_cancel,
    )


def modules_layout(
    *,
    workspace_id: int,
    workspace_name: str,
    rows: Sequence[ModuleRow],
    categories: Sequence[str],
    problems: Sequence[str],
    editable: bool,
) -> html.Main:
    """The whole page."""
    warning = (
        [
            dbc.Alert(
                [html.Div("Some of this workspace's modules are left out of its library:")]
                + [html.Div(p) for p in problems],
                color="warning",
                className="small",
                id=ID.mod_problems,
            )
        ]
        if problems
        else [html.Div(id=ID.mod_problems)]
    )
    hidden = "" if editable else " d-none"  # viewers browse and download; the server refuses their changes anyway
    actions = [
        dbc.Button(
            "Download", id=ID.mod_download, color="secondary", outline=True, size="sm", disabled=True, className="me-2"
        ),
        dbc.Button(
            "Edit a copy",
            id=ID.mod_edit,
            color="secondary",
            outline=True,
            size="sm",
            disabled=not editable,
            className="me-2" + hidden,
        ),
        dbc.Button(
            "Delete", id=ID.mod_delete, color="danger", outline=True, size="sm", disabled=True, className=hidden.strip()
        ),
    ]
    return html.Main(
        dbc.Container(
            [
                page_header(f"Module library · {workspace_name}", workspace_id, "modules"),
                html.P(
                    "Every module the palette of this workspace's editor offers: the shared library, the city's "
                    "module folders, and the workspace's own modules, which only this workspace sees. A placed "
                    "module is copied into the configuration, so changing or deleting a module here never "
                    "changes a saved configuration.",
                    className="text-body-secondary",
                ),
                *warning,
                dcc.Store(id=ID.mod_workspace, data=workspace_id),
                dcc.Store(id=ID.mod_changed, data=0),
                dcc.Store(id=ID.mod_selected),
                dcc.Store(id=ID.mod_editing),
                dcc.Download(id=ID.mod_download_file),
                delete_modal(),
                dbc.Row(
                    [
                        dbc.Col(
                            [
                                dbc.Row(
                                    [
                                        dbc.Col(
                                            [
                                                dbc.Label(
                                                    "Search modules", html_for=ID.mod_search, className="small mb-0"
                                                ),
                                                dbc.Input(
                                                    id=ID.mod_search,
                                                    type="search",
                                                    debounce=True,
                                                    placeholder="e.g. parking, NGSI-LD, subscription",
                                                ),
                                            ]
                                        ),
                                        dbc.Col(
                                            [
                                                dbc.Label("Category", html_for=ID.mod_category, className="small mb-0"),
                                                dbc.Select(
                                                    id=ID.mod_category,
                                                    value="all",
                                                    options=[{"label": "All categories", "value": "all"}]
                                                    + [{"label": _category_label(c), "value": c} for c in categories],
                                                ),
                                            ]
                                        ),
                                    ],
                                    className="mb-2",
                                ),
                                html.Div(module_list(rows, None), id=ID.mod_list),
                            ],
                            lg=5,
                        ),
                        dbc.Col(
                            [
                                dbc.Card(
                                    [
                                        dbc.CardHeader(html.H2("Module", className="h6 mb-0")),
                                        dbc.CardBody(
                                            [
                                                html.Div(actions, className="mb-2"),
                                                html.Div(module_detail(None), id=ID.mod_detail),
                                            ]
                                        ),
                                    ],
                                    className="mb-3",
                                ),
                                module_form(editable),
                            ],
                            lg=7,
                        ),
                    ]
                ),
            ],
            fluid=True,
        ),
    )
