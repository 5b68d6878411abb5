"""The callbacks every ranked-list page shares (Needs & opportunities, Competitive advantages).

Save the form, fill it from an item's Edit button or empty it with New, re-render the ranking
after each change, ask before a delete and delete. A page describes its items and form in a
:class:`RankedList`; :func:`register` wires the five callbacks on the ids of
:class:`layouts.ranked_list.ListIds`. Every callback checks access first, like all others.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from dash import ALL, Input, Output, State, ctx, no_update

from canvas_app.web.services import Services
from layouts.common import message
from layouts.ranked_list import ListIds
from storage import StorageError


@dataclass(frozen=True)
class RankedList:
    """How one ranked-list page differs from the others.

    ``fields`` are the form's component ids (each edited through its ``value``), ``empty_form``
    their values after a save or New (``no_update`` keeps one), ``form_values(item)`` their values
    for an item. ``edit_heading`` and ``delete_warning`` are formatted with ``label(item)``.
    ``render`` returns what ``render_outputs`` show after a change.
    """

    ids: ListIds
    fields: Sequence[str]
    empty_form: tuple[Any, ...]
    new_heading: str
    edit_heading: str
    gone: str  # the item in the form or the dialog was deleted meanwhile
    delete_warning: str
    items: Callable[[Services, int], Iterable[Any]]
    label: Callable[[Any], str]
    form_values: Callable[[Any], tuple[Any, ...]]
    save: Callable[[Services, int, str | None, dict[str, Any]], tuple[bool, Any]]
    delete: Callable[[Services, int, str], Any]
    render_outputs: Sequence[Output]
    render: Callable[[Services, int], Any]
    field_names: Sequence[str]  # the keys ``save`` reads the field values under, in ``fields`` order


def find(page: RankedList, services: Services, workspace_id: int, item_id: str) -> Any | None:
    """The item with this id, or None when it is gone."""
    return next((item for item in page.items(services, int(workspace_id)) if item.id == item_id), None)


def keep_fields(
    built: tuple[Any | None, list[str]], stored: Any | None, fields: tuple[str, ...]
) -> tuple[Any | None, list[str]]:
    """A form-built item with ``fields`` the form does not show carried over from the stored item (an accepted
    co-creation round's ratings survive an edit of the item's text)."""
    item, problems = built
    if item is None or stored is None:
        return built
    return item.model_copy(update={f: getattr(stored, f) for f in fields}), problems


def save_item(
    services: Services,
    *,
    existing: set[str],
    editing: str | None,
    gone: str,
    build: Callable[[], tuple[Any | None, list[str]]],
    upsert: Callable[[Any], None],
    saved: Callable[[Any], str],
) -> tuple[bool, Any]:
    """Validate the form with ``build`` and store the item with ``upsert``; ``(saved, inline message)``.

    An item edited in the form but deleted meanwhile is not brought back by a save.
    """
    if editing and editing not in existing:
        return False, message(gone)
    item, problems = build()
    if item is None:
        return False, message(problems)
    try:
        upsert(item)
    except StorageError as exc:
        return False, message(str(exc))
    return True, message(saved(item), color="success")


def delete_item(remove: Callable[[], None], done: str) -> Any:
    """Delete one item with ``remove``; the inline message says what happened."""
    try:
        remove()
    except StorageError as exc:
        return message(str(exc))
    return message(done, color="success")


def register(app: Any, services: Services, page: RankedList) -> None:
    ids = page.ids
    form_outputs = [
        *(Output(field, "value", allow_duplicate=True) for field in page.fields),
        Output(ids.editing, "data", allow_duplicate=True),
        Output(ids.form_heading, "children", allow_duplicate=True),
    ]
    width = len(form_outputs)

    @app.callback(
        Output(ids.feedback, "children"),
        Output(ids.changed, "data"),
        *form_outputs,
        Input(ids.save, "n_clicks"),
        State(ids.workspace, "data"),
        State(ids.editing, "data"),
        State(ids.changed, "data"),
        *(State(field, "value") for field in page.fields),
        prevent_initial_call=True,
    )
    def save_clicked(clicks: Any, workspace_id: Any, editing: Any, changed: Any, *values: Any) -> tuple[Any, ...]:
        refusal = services.refusal("edit", workspace_id=workspace_id)
        if refusal:
            return (message(refusal),) + (no_update,) * (width + 1)
        if not clicks:
            return (no_update,) * (width + 2)
        saved, feedback = page.save(services, workspace_id, editing, dict(zip(page.field_names, values)))
        if not saved:
            return (feedback,) + (no_update,) * (width + 1)
        return (feedback, (changed or 0) + 1, *page.empty_form, None, page.new_heading)

    @app.callback(
        *form_outputs,
        Output(ids.feedback, "children", allow_duplicate=True),
        Input(ids.edit(ALL), "n_clicks"),
        Input(ids.clear, "n_clicks"),
        State(ids.workspace, "data"),
        prevent_initial_call=True,
    )
    def fill_form(_edit_clicks: Any, _clear_clicks: Any, workspace_id: Any) -> tuple[Any, ...]:
        services.require("view", workspace_id=workspace_id)
        if not (ctx.triggered and ctx.triggered[0]["value"]):
            return (no_update,) * (width + 1)  # the list was re-rendered: nothing was clicked
        if ctx.triggered_id == ids.clear:
            return (*page.empty_form, None, page.new_heading, None)
        item = find(page, services, workspace_id, ctx.triggered_id[ids.item_key])
        if item is None:
            return (no_update,) * width + (message(page.gone),)
        return (*page.form_values(item), item.id, page.edit_heading.format(page.label(item)), None)

    @app.callback(
        *page.render_outputs,
        Input(ids.changed, "data"),
        State(ids.workspace, "data"),
        prevent_initial_call=True,
    )
    def render(_changed: Any, workspace_id: Any) -> Any:
        services.require("view", workspace_id=workspace_id)
        return page.render(services, workspace_id)

    @app.callback(
        Output(ids.delete_modal, "is_open"),
        Output(ids.delete_text, "children"),
        Output(ids.delete_pending, "data"),
        Input(ids.delete(ALL), "n_clicks"),
        State(ids.workspace, "data"),
        prevent_initial_call=True,
    )
    def ask_to_delete(_clicks: Any, workspace_id: Any) -> tuple[Any, Any, Any]:
        services.require("view", workspace_id=workspace_id)
        if not (ctx.triggered and ctx.triggered[0]["value"]):
            return no_update, no_update, no_update
        item_id = ctx.triggered_id[ids.item_key]
        item = find(page, services, workspace_id, item_id)
        return True, page.delete_warning.format(page.label(item) if item is not None else item_id), item_id

    @app.callback(
        Output(ids.delete_modal, "is_open", allow_duplicate=True),
        Output(ids.feedback, "children", allow_duplicate=True),
        Output(ids.changed, "data", allow_duplicate=True),
        Input(ids.delete_confirm, "n_clicks"),
        Input(ids.delete_cancel, "n_clicks"),
        State(ids.delete_pending, "data"),
        State(ids.workspace, "data"),
        State(ids.changed, "data"),
        prevent_initial_call=True,
    )
    def confirm_delete(
        _confirm: Any, _cancel: Any, item_id: Any, workspace_id: Any, changed: Any
    ) -> tuple[Any, Any, Any]:
        confirmed = ctx.triggered_id == ids.delete_confirm and bool(item_id)
        refusal = services.refusal("edit" if confirmed else "view", workspace_id=workspace_id)
        if refusal:
            return False, message(refusal), no_update
        if not confirmed:
            return False, no_update, no_update
        return False, page.delete(services, workspace_id, item_id), (changed or 0) + 1
