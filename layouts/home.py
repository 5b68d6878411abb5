"""The Home page: workspaces and their configurations; new from example, new blank, import file."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from layouts.ids import ID
from layouts.needs import workspace_links


def configuration_list(workspaces: list[tuple[Any, list[Any]]], roles: dict[int, str] | None = None) -> list[Any]:
    """Cards of workspaces, each listing its configurations as links to the editor.

    ``workspaces`` is ``[(WorkspaceInfo, [ConfigurationHead, ...]), ...]``; ``roles`` (accounts on:
    the user's role per workspace id) adds the role and a link to the workspace's members panel.
    """
    if not workspaces and roles is not None:
        return [html.P("You are not a member of any workspace yet: add one, or ask a workspace owner to invite you.")]
    cards = []
    for workspace, heads in workspaces:
        if heads:
            items = [
                html.Li(
                    [
                        dbc.Checkbox(
                            id=ID.home_compare_pick(head.id), value=False, className="d-inline-block me-1",
                            input_class_name="compare-pick", label=html.Span(f"Compare {head.name}", className="visually-hidden"),
                        ),
                        dcc.Link(head.name, href=f"/edit/{head.id}", className="fw-semibold"),
                        html.Span(
                            f" · version {head.version} · saved by {head.updated_by} "
                            f"{head.updated_at:%Y-%m-%d %H:%M}",
                            className="text-body-secondary small",
                        ),
                    ],
                    className="list-group-item",
                )
                for head in heads
            ]
            body: Any = html.Ul(items, className="list-group list-group-flush")
        else:
            body = html.P("No configurations yet: start one from an example, a blank canvas or a file.", className="p-3 mb-0")
        header: list[Any] = [html.H2(workspace.name, className="h5 mb-0 me-auto")]
        header += workspace_links(workspace.id)
        if roles is not None:
            header.append(html.Span(roles.get(workspace.id, ""), className="badge text-bg-secondary ms-2"))
            header.append(dcc.Link("Members", href=f"/members/{workspace.id}", className="small ms-2"))
        cards.append(
            dbc.Card([dbc.CardHeader(header, className="d-flex align-items-center"), body], className="mb-3")
        )
    return cards


def home_layout(
    workspaces: list[tuple[Any, list[Any]]],
    examples: list[tuple[str, str]],
    selected_workspace: int | None,
    max_upload_bytes: int,
    roles: dict[int, str] | None = None,
) -> html.Div:
    """The whole Home page. ``examples`` is ``[(file name, display name)]``."""
    workspace_options = [{"label": ws.name, "value": str(ws.id)} for ws, _ in workspaces]
    create = dbc.Card(
        dbc.CardBody(
            [
                html.H2("Start a configuration", className="h5"),
                dbc.Label("Workspace", html_for=ID.home_workspace),
                dbc.Select(id=ID.home_workspace, options=workspace_options, value=str(selected_workspace) if selected_workspace is not None else None),
                dbc.Label("New workspace", html_for=ID.home_new_workspace_name, className="small mt-2 mb-0"),
                dbc.InputGroup(
                    [
                        dbc.Input(id=ID.home_new_workspace_name, placeholder="Workspace name", maxLength=200),
                        dbc.Button("Add workspace", id=ID.home_new_workspace, color="secondary", outline=True),
                    ],
                    className="mb-3",
                    size="sm",
                ),
                html.H3("New from example", className="h6"),
                dbc.Label("Example", html_for=ID.home_example, className="visually-hidden"),
                dbc.Select(
                    id=ID.home_example,
                    options=[{"label": label, "value": name} for name, label in examples],
                    value=examples[0][0] if examples else None,
                ),
                dbc.Button("New from example", id=ID.home_from_example, color="primary", className="mt-2 mb-3"),
                html.H3("New blank", className="h6"),
                dbc.Label("Name of the new configuration", html_for=ID.home_blank_name),
                dbc.Input(id=ID.home_blank_name, placeholder="e.g. Smart lighting, concession model", maxLength=300),
                dbc.Button("New blank", id=ID.home_blank, color="primary", className="mt-2 mb-3"),
                html.H3("Import file", className="h6"),
                dcc.Upload(
                    id=ID.home_upload,
                    children=html.Div(
                        ["Drop a citycanvas/1 JSON file here, or ", html.Span("choose a file", className="link-primary")]
                    ),
                    className="upload-zone",
                    max_size=max_upload_bytes,
                    multiple=False,
                ),
                html.P(
                    f"JSON files up to {max_upload_bytes / 1e6:.0f} MB.", className="form-text"
                ),
                dcc.Store(id=ID.home_upload_rejected),
                html.Div(id=ID.home_message, role="alert", **{"aria-live": "polite"}),
            ]
        )
    )
    return html.Main(
        dbc.Container(
            [
                html.H1("CityCanvas", className="h3 mt-3"),
                html.P(
                    "Assemble city digital services from reusable business-model modules and see how scalable, "
                    "replicable and sustainable they are.",
                    className="lead",
                ),
                dbc.Row(
                    [
                        dbc.Col([compare_bar(), html.Div(configuration_list(workspaces, roles), id=ID.home_list)], md=7),
                        dbc.Col(create, md=5),
                    ]
                ),
            ],
            fluid="lg",
        )
    )


def compare_bar() -> html.Div:
    """Tick two to four configurations below, then Compare."""
    return html.Div(
        [
            html.Span("Tick two to four configurations to compare them side by side.", className="small me-2"),
            dbc.Button("Compare", id=ID.home_compare, size="sm", color="primary", outline=True),
            html.Div(id=ID.home_compare_message, role="alert", **{"aria-live": "polite"}, className="w-100"),
        ],
        className="d-flex flex-wrap align-items-center mb-2",
    )


def message(lines: list[str] | str, color: str = "danger") -> dbc.Alert:
    """An inline message; user-supplied text is rendered as text, never as HTML."""
    if isinstance(lines, str):
        lines = [lines]
    # a problem may quote the input, and the input may hold escaped lone surrogates, which no JSON can carry
    lines = [line.encode("utf-8", "backslashreplace").decode("utf-8") for line in lines]
    body = [html.Div(line) for line in lines[:20]]
    if len(lines) > 20:
        body.append(html.Div(f"... and {len(lines) - 20} more problems"))
    return dbc.Alert(body, color=color, className="mt-2 mb-0 small")
