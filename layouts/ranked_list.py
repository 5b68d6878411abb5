"""The frame shared by a workspace's ranked-list pages (Needs & opportunities, Competitive advantages).

Such a page ranks a workspace's items (needs, advantages) on the left and edits them in a
form on the right: Save and New under the form, Edit and Delete on each item, a dialog that
confirms a delete, and four stores (the workspace, a counter bumped after each change that
re-renders the ranking, the item in the form, the item waiting for the dialog). The pages
differ in their items and forms; this module builds what they share from a :class:`ListIds`,
and ``callbacks.ranked_list`` wires it. Pure builders; user text goes in as text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html


@dataclass(frozen=True)
class ListIds:
    """The component ids of one ranked-list page (each page's come from ``layouts.ids.ID``)."""

    workspace: str  # store: the workspace id
    changed: str  # store: bumped after each save or delete, re-renders the ranking
    editing: str  # store: id of the item in the form (None: a new one)
    delete_pending: str  # store: id of the item the delete dialog asks about
    form_heading: str
    save: str
    clear: str
    feedback: str
    ranking: str
    delete_modal: str
    delete_text: str
    delete_confirm: str
    delete_cancel: str
    edit: Callable[[str], dict[str, str]]  # pattern id of an item's Edit button
    delete: Callable[[str], dict[str, str]]  # ...and of its Delete button
    item_key: str  # the key of the item id in those pattern ids


def form_buttons(ids: ListIds, save_label: str, clear_title: str) -> list[Any]:
    """Save and New under a form, and the live region where its problems and results appear."""
    return [
        html.Div(
            [
                dbc.Button(save_label, id=ids.save, color="primary"),
                dbc.Button("New", id=ids.clear, color="secondary", outline=True, title=clear_title),
            ],
            className="d-flex gap-2 mt-2",
        ),
        html.Div(id=ids.feedback, role="alert", **{"aria-live": "polite"}),
    ]


def item_buttons(ids: ListIds, item_id: str, edit_label: str, delete_label: str) -> html.Div:
    """An item's Edit and Delete buttons; the labels name the item for screen readers."""
    return html.Div(
        [
            html.Button("Edit", id=ids.edit(item_id), className="btn btn-link btn-sm", **{"aria-label": edit_label}),
            html.Button(
                "Delete",
                id=ids.delete(item_id),
                className="btn btn-link btn-sm text-danger",
                **{"aria-label": delete_label},
            ),
        ],
        className="d-flex",
    )


def delete_modal(ids: ListIds, title: str) -> dbc.Modal:
    """The dialog that confirms a delete (its text names the item)."""
    return dbc.Modal(
        [
            dbc.ModalHeader(dbc.ModalTitle(title, id=f"{ids.delete_modal}-title")),
            dbc.ModalBody(html.P(id=ids.delete_text)),
            dbc.ModalFooter(
                [
                    dbc.Button("Cancel", id=ids.delete_cancel, color="secondary"),
                    dbc.Button("Delete", id=ids.delete_confirm, color="danger"),
                ]
            ),
        ],
        id=ids.delete_modal,
        labelledby=f"{ids.delete_modal}-title",
        is_open=False,
    )


def ranked_list_page(
    ids: ListIds, *, workspace_id: int, header: Any, intro: str, ranking: Any, side: Any, delete_title: str
) -> html.Main:
    """The whole page: stores, ``header``, ``intro``, the ranking (8 of 12 columns), the ``side`` forms, the dialog."""
    return html.Main(
        dbc.Container(
            [
                dcc.Store(id=ids.workspace, data=workspace_id),
                dcc.Store(id=ids.changed, data=0),
                dcc.Store(id=ids.editing),
                dcc.Store(id=ids.delete_pending),
                header,
                html.P(intro, className="text-body-secondary"),
                dbc.Row([dbc.Col(ranking, lg=8), dbc.Col(side, lg=4)]),
                delete_modal(ids, delete_title),
            ],
            fluid="xl",
        )
    )
