"""Module library page callbacks: browse the workspace's library, and add, edit, import,
download or delete the workspace's own modules.

Validation is the core's (:func:`canvas_app.library.parse_workspace_module`); the store keeps
the text as the city wrote it. Every callback checks access first; a refused or invalid save
writes nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dash import ALL, Input, Output, State, ctx, no_update

from callbacks.home import decode_upload
from canvas_app.library import (
    BUILTIN_MODULE_DIR,
    MAX_MODULE_BYTES,
    LibraryError,
    ModuleLibrary,
    module_text,
    parse_module,
    parse_workspace_module,
    too_large,
)
from canvas_app.model import ConfigurationError
from canvas_app.standards import classify_all
from canvas_app.web.services import Services, Unavailable
from canvas_app.workspace_model import ModuleRecord, text_digest
from layouts import modules as modules_layouts
from layouts.common import message, not_found
from layouts.ids import ID
from storage import NotFoundError, StaleItemError, StorageError

LEFT_OUT = "left-out:"
"""Prefix of a left-out module's list entry: its id may also be a shared module's, listed beside it."""


"""The largest module file the page takes (the library's own limit)."""

TEMPLATE = """id: my-module
name: My module
category: services
summary: What the module adds to a service, in one or two sentences.
actors:
  - {role: provider, type: service_provider, name: Service provider}
flows:
  # amount and occurrences are defaults placed as estimates: a number, or a formula of population,
  # source.count, target.count, days, weeks, months, years (+ - * /, min, max, round)
  - {source: citizen, target: platform_operator, kind: money, label: service fee, amount: 1.0, occurrences: source.count * months}
  - {source: platform_operator, target: citizen, kind: service, label: the service, marginal_cost: low}
  - {source: platform_operator, target: provider, kind: money, label: provider's share, amount: 0.3, occurrences: 1000}
  - {source: provider, target: platform_operator, kind: service, label: delivery}
attributes:
  network_effects: none
  revenue_model: [transaction_fee]
  standards: []
  open_source: false
  locality: generic
  impacts: {economic: 1, social: 1, environmental: 0}
  # flags this module can close, for the flagged actor's type (recommendations try it only for these)
  remedies:
    - {flag: no-revenue, role: platform_operator}
sources:
  - {title: Where this structure comes from, note: "a contract, a report or an interview"}
"""
"""What "New module" puts in the form: a valid module to change, not a blank page."""


def origin_of(library: ModuleLibrary, module_id: str) -> str:
    """``builtin``, ``folder`` (a city's module folder) or ``workspace``."""
    origin = library.origin(module_id) or ""
    if origin == "workspace":
        return "workspace"
    try:
        return "builtin" if Path(origin).resolve().parent == BUILTIN_MODULE_DIR.resolve() else "folder"
    except (OSError, ValueError):
        return "folder"


def module_rows(
    library: ModuleLibrary, text: str | None = None, category: str | None = None
) -> list[modules_layouts.ModuleRow]:
    """The workspace's modules matching a search, its own first, then by name."""
    found = library.search(text or "", None if category in (None, "", "all") else category)
    rows = [
        modules_layouts.ModuleRow(d.id, d.name, str(d.category.value), d.summary, origin_of(library, d.id))
        for d in found
    ]
    return sorted(rows, key=lambda r: (r.origin != "workspace", r.name.lower()))


def left_out_rows(services: Services, workspace_id: int, text: str | None = None) -> list[modules_layouts.ModuleRow]:
    """The workspace's stored modules that its library leaves out (they no longer validate, or a
    city folder now uses their id), so they can still be opened, fixed or deleted."""
    library = services.library_for(workspace_id)
    problems = services.workspace_module_problems(workspace_id)
    words = (text or "").lower().split()
    rows = []
    for record in services.store.list_modules(int(workspace_id)):
        if library.origin(record.id) == "workspace" or not all(w in record.id.lower() for w in words):
            continue  # in the library as this workspace's own (or not searched for)
        reasons = [p for p in problems if p.startswith(f"module '{record.id}'")]
        summary = "Left out of the library: " + ("; ".join(reasons) or "it does not validate")
        rows.append(modules_layouts.ModuleRow(LEFT_OUT + record.id, record.id, "left out", summary, "workspace"))
    return rows


def stored_module(services: Services, workspace_id: int, module_id: str) -> ModuleRecord | None:
    """The workspace's own module of this id (or list entry), or None (a shared one, or gone)."""

    try:
        return services.store.get_module(int(workspace_id), str(module_id).removeprefix(LEFT_OUT))
    except NotFoundError:
        return None


def gone(services: Services, workspace_id: int) -> bool:
    """The workspace is deleted (or never was): its modules are not to be changed."""
    return services.live_workspace(workspace_id) is None


def module_detail(services: Services, workspace_id: int, module_id: Any) -> modules_layouts.ModuleDetail | None:
    library = services.library_for(workspace_id)
    broken = (
        [r for r in left_out_rows(services, workspace_id) if r.id == module_id] if isinstance(module_id, str) else []
    )
    definition = None if broken else library.get(str(module_id)) if isinstance(module_id, str) else None
    if definition is None:
        record = stored_module(services, workspace_id, module_id) if broken else None
        return modules_layouts.ModuleDetail(broken[0], record.text, ()) if record else None
    record = stored_module(services, workspace_id, definition.id)
    row = modules_layouts.ModuleRow(
        definition.id,
        definition.name,
        str(definition.category.value),
        definition.summary,
        origin_of(library, definition.id),
    )
    sources = [
        s.title + (f" ({s.note})" if s.note else "") + (f" — {s.url}" if s.url else "") for s in definition.sources
    ]

    standards = classify_all([*definition.attributes.standards, *(s for f in definition.flows for s in f.standards)])
    remedies = [(r.flag, r.role.value) for r in definition.attributes.remedies]
    return modules_layouts.ModuleDetail(
        row, record.text if record else module_text(definition), sources, standards, remedies
    )


def modules_page(services: Services, workspace_id: int) -> Any:
    """Build the Module library page of a workspace the user may view (editable if they may edit)."""

    try:
        workspace, access = services.open_workspace(workspace_id)
    except Unavailable as exc:
        return not_found(str(exc))
    library = services.library_for(workspace.id)
    return modules_layouts.modules_layout(
        workspace_id=workspace.id,
        workspace_name=workspace.name,
        rows=left_out_rows(services, workspace.id) + module_rows(library),
        categories=[str(c.value) for c in library.categories()],
        problems=services.workspace_module_problems(workspace.id),
        editable=access.can("edit"),
    )


def detail_view(services: Services, workspace_id: Any, module_id: Any) -> tuple[Any, str, bool, bool]:
    """``(detail card, edit button label, download disabled, delete disabled)`` for the selection.

    Only the workspace's own modules can be deleted, and only by its editors (viewers' buttons are hidden too).
    """
    access = services.require("view", workspace_id=workspace_id)
    detail = module_detail(services, int(workspace_id), module_id)
    if detail is None:
        return modules_layouts.module_detail(None), "Edit a copy", True, True
    own = detail.row.origin == "workspace"
    return (
        modules_layouts.module_detail(detail),
        "Edit" if own else "Edit a copy",
        False,
        not (own and access.can("edit")),
    )


def form_for(services: Services, workspace_id: Any, action: str, module_id: Any = None) -> dict[str, Any]:
    """What the form shows for ``new`` (the template) or ``edit`` (the selected module, or a copy)."""
    services.require("edit", workspace_id=workspace_id)
    if action == "new":
        return {"text": TEMPLATE, "format": "yaml", "editing": None, "heading": "Add a module to this workspace"}
    detail = module_detail(services, int(workspace_id), module_id)
    if detail is None:
        return {"feedback": message("Choose a module first.")}
    if detail.row.origin == "workspace":
        record = stored_module(services, int(workspace_id), detail.row.id)
        assert record is not None
        return {
            "text": record.text,
            "format": record.format,
            "editing": {"id": record.id, "digest": text_digest(record.text)},
            "heading": f"Edit {detail.row.name}",
        }
    copy = services.library_for(int(workspace_id))[detail.row.id].model_copy(
        update={"id": f"{detail.row.id}-local", "name": f"{detail.row.name} (our version)"}
    )
    return {
        "text": module_text(copy),
        "format": "yaml",
        "editing": None,
        "heading": f"A copy of {detail.row.name} for this workspace",
    }


def save_module(
    services: Services, workspace_id: Any, text: str | None, fmt: str | None, editing: Any
) -> tuple[bool, Any, str | None]:
    """Validate and save the form's module: ``(saved, inline message, module id)``.

    Refused, with every problem named and nothing written: invalid text, an id of the shared
    library, an id another workspace module already has (unless that is the one being edited),
    and an edit of a module that someone changed or deleted since the form opened it.
    """

    services.require("edit", workspace_id=workspace_id)
    workspace_id = int(workspace_id)
    if gone(services, workspace_id):
        return False, message("This workspace is deleted: nothing was saved. An owner can restore it on Home."), None
    fmt = fmt if fmt in ("yaml", "json") else "yaml"
    if not (text or "").strip():
        return False, message("Write or paste a module definition first; nothing was saved."), None
    try:
        definition = parse_workspace_module(text or "", fmt, services.library, "Module definition")
    except LibraryError as exc:
        return False, message(["Nothing was saved:", *exc.problems]), None
    editing_id = editing.get("id") if isinstance(editing, dict) else None
    current = stored_module(services, workspace_id, definition.id)
    if editing_id is not None:
        opened = stored_module(services, workspace_id, str(editing_id))
        if opened is None:
            return (
                False,
                message(
                    f"Module '{editing_id}' was deleted since you opened it; nothing was saved. "
                    "Press New module and paste your text to add it again."
                ),
                None,
            )
        if text_digest(opened.text) != editing.get("digest"):
            return (
                False,
                message(
                    f"Someone changed module '{editing_id}' since you opened it; nothing was saved. "
                    "Copy your text, press Edit to open their version, and apply your change there."
                ),
                None,
            )
    if current is not None and definition.id != editing_id:
        return (
            False,
            message(
                f"id: this workspace already has a module '{definition.id}'; give yours another id "
                "or open that one with Edit. Nothing was saved."
            ),
            None,
        )
    same = definition.id == editing_id  # an edit of the module opened; else a new id (a rename makes a new module)
    try:
        services.store.put_module(
            workspace_id,
            ModuleRecord(id=definition.id, text=text or "", format=fmt),
            author=services.author,
            create=not same,
            expected_digest=editing.get("digest") if same else None,
        )
    except StaleItemError:  # someone saved in the same instant: the store's check, in one transaction
        if same:
            return (
                False,
                message(
                    f"Someone changed module '{editing_id}' since you opened it; nothing was saved. "
                    "Copy your text, press Edit to open their version, and apply your change there."
                ),
                None,
            )
        return (
            False,
            message(
                f"id: this workspace already has a module '{definition.id}'; give yours another id "
                "or open that one with Edit. Nothing was saved."
            ),
            None,
        )
    except (StorageError, ValueError) as exc:
        return False, message(f"{exc}. Nothing was saved."), None
    renamed = editing_id is not None and editing_id != definition.id
    note = f" Module '{editing_id}' is unchanged." if renamed else ""
    return True, message(f"Saved module '{definition.id}' ({definition.name}).{note}", color="success"), definition.id


def import_module(services: Services, workspace_id: Any, contents: str | None, filename: str | None) -> dict[str, Any]:
    """An uploaded module file: saved when valid; otherwise shown in the form with its problems."""

    services.require("edit", workspace_id=workspace_id)
    name = Path(str(filename or "module.yaml")).name[:200]
    try:
        raw = decode_upload(contents, MAX_MODULE_BYTES)
    except ConfigurationError as exc:
        return {"feedback": message([f"{name}: {p}" for p in exc.problems] + ["Nothing was imported."])}
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return {"feedback": message(f"{name}: not UTF-8 text. Nothing was imported.")}
    suffix = Path(name).suffix.lower()
    fmt = "json" if suffix == ".json" else "yaml"
    if suffix == ".toml":  # kept as YAML: the store keeps YAML or JSON text
        try:
            text = module_text(parse_module(raw, name))
        except LibraryError as exc:
            return {"feedback": message(["Nothing was imported:", *exc.problems])}
    elif suffix not in (".yaml", ".yml", ".json"):
        return {
            "feedback": message(f"{name}: a module file ends in .yaml, .yml, .json or .toml. Nothing was imported.")
        }
    saved, feedback, module_id = save_module(services, workspace_id, text, fmt, None)
    out: dict[str, Any] = {"feedback": feedback}
    if saved:
        out.update(changed=True, selected=module_id)
    else:  # let the author fix it in the form
        out.update(text=text, format=fmt, editing=None, heading=f"Fix {name} and save it")
    return out


def delete_module(services: Services, workspace_id: Any, module_id: Any) -> tuple[bool, Any]:
    """Delete one of the workspace's own modules: ``(deleted, inline message)``."""

    services.require("edit", workspace_id=workspace_id)
    if gone(services, int(workspace_id)):
        return False, message("This workspace is deleted: nothing was deleted. An owner can restore it on Home.")
    record = stored_module(services, int(workspace_id), module_id) if isinstance(module_id, str) else None
    if record is None:
        return False, message("Only this workspace's own modules can be deleted; nothing was deleted.")
    module_id = record.id
    try:
        services.store.delete_module(int(workspace_id), module_id, author=services.author)
    except StorageError as exc:
        return False, message(str(exc))
    return True, message(
        f"Deleted module '{module_id}'. Configurations that placed it keep their copy.", color="success"
    )


def module_download(services: Services, workspace_id: Any, module_id: Any) -> dict[str, Any] | None:
    """``dcc.Download`` data for a module's file (the workspace's text, or a shared module as YAML)."""
    services.require("view", workspace_id=workspace_id)
    detail = module_detail(services, int(workspace_id), module_id)
    if detail is None:
        return None
    record = stored_module(services, int(workspace_id), detail.row.id)
    suffix = "json" if record is not None and record.format == "json" else "yaml"
    return {
        "content": detail.text,
        "filename": f"{record.id if record else detail.row.id}.{suffix}",
        "type": "text/plain",
    }


FORM_OUTPUTS = ("text", "format", "editing", "heading", "feedback")


def _form_outputs(values: dict[str, Any]) -> list[Any]:
    return [values.get(name, no_update) for name in FORM_OUTPUTS]


def register(app: Any, services: Services) -> None:
    form = [
        Output(ID.mod_text, "value"),
        Output(ID.mod_format, "value"),
        Output(ID.mod_editing, "data"),
        Output(ID.mod_form_heading, "children"),
        Output(ID.mod_feedback, "children"),
    ]

    @app.callback(
        Output(ID.mod_list, "children"),
        Input(ID.mod_search, "value"),
        Input(ID.mod_category, "value"),
        Input(ID.mod_changed, "data"),
        State(ID.mod_selected, "data"),
        State(ID.mod_workspace, "data"),
        prevent_initial_call=True,
    )
    def show_modules(text, category, _changed, selected, workspace_id):
        services.require("view", workspace_id=workspace_id)
        rows = module_rows(services.library_for(int(workspace_id)), text, category)
        if category in (None, "", "all"):
            rows = left_out_rows(services, int(workspace_id), text) + rows
        return modules_layouts.module_list(rows, selected if isinstance(selected, str) else None)

    @app.callback(
        Output(ID.mod_selected, "data"),
        Input(ID.mod_view(ALL), "n_clicks"),
        State(ID.mod_workspace, "data"),
        prevent_initial_call=True,
    )
    def select_module(clicks, workspace_id):
        services.require("view", workspace_id=workspace_id)
        trigger = ctx.triggered_id
        if not isinstance(trigger, dict) or not any(clicks or []):
            return no_update  # the list was redrawn: its buttons arrive unclicked
        return str(trigger.get("module"))

    @app.callback(
        Output(ID.mod_detail, "children"),
        Output(ID.mod_edit, "children"),
        Output(ID.mod_download, "disabled"),
        Output(ID.mod_delete, "disabled"),
        Input(ID.mod_selected, "data"),
        Input(ID.mod_changed, "data"),
        State(ID.mod_workspace, "data"),
        prevent_initial_call=True,
    )
    def show_selected(selected, _changed, workspace_id):
        return detail_view(services, workspace_id, selected)

    @app.callback(
        *form,
        Input(ID.mod_new, "n_clicks"),
        Input(ID.mod_edit, "n_clicks"),
        State(ID.mod_selected, "data"),
        State(ID.mod_workspace, "data"),
        prevent_initial_call=True,
    )
    def fill_form(_new, _edit, selected, workspace_id):
        action = "new" if ctx.triggered_id == ID.mod_new else "edit"
        return _form_outputs(form_for(services, workspace_id, action, selected))

    @app.callback(
        *(Output(o.component_id, o.component_property, allow_duplicate=True) for o in form),
        Output(ID.mod_changed, "data"),
        Output(ID.mod_selected, "data", allow_duplicate=True),
        Input(ID.mod_save, "n_clicks"),
        Input(ID.mod_upload, "contents"),
        State(ID.mod_upload, "filename"),
        State(ID.mod_text, "value"),
        State(ID.mod_format, "value"),
        State(ID.mod_editing, "data"),
        State(ID.mod_changed, "data"),
        State(ID.mod_workspace, "data"),
        prevent_initial_call=True,
    )
    def save_or_import(_save, contents, filename, text, fmt, editing, changed, workspace_id):
        counter = (changed or 0) + 1 if isinstance(changed, int) else 1
        if ctx.triggered_id == ID.mod_upload:
            out = import_module(services, workspace_id, contents, filename)
            if out.pop("changed", False):
                return [*_form_outputs(out), counter, out.get("selected", no_update)]
            return [*_form_outputs(out), no_update, no_update]
        saved, feedback, module_id = save_module(services, workspace_id, text, fmt, editing)
        if not saved:
            return [*_form_outputs({"feedback": feedback}), no_update, no_update]
        editing_now = {"id": module_id, "digest": text_digest(text or "")}
        return [*_form_outputs({"feedback": feedback, "editing": editing_now}), counter, module_id]

    @app.callback(
        Output(ID.mod_feedback, "children", allow_duplicate=True),
        Input(ID.mod_upload_rejected, "data"),
        State(ID.mod_workspace, "data"),
        prevent_initial_call=True,
    )
    def upload_rejected(data, workspace_id):
        services.require("edit", workspace_id=workspace_id)
        if not isinstance(data, dict):
            return no_update
        try:
            size = float(data.get("size") or 0)
        except (TypeError, ValueError):
            size = 0.0
        name = str(data.get("name") or "file")[:200]
        return message(f"{name}: {too_large(int(size))}. Nothing was imported.")

    @app.callback(
        Output(ID.mod_delete_modal, "is_open"),
        Output(ID.mod_delete_text, "children"),
        Output(ID.mod_feedback, "children", allow_duplicate=True),
        Output(ID.mod_changed, "data", allow_duplicate=True),
        Output(ID.mod_selected, "data", allow_duplicate=True),
        Input(ID.mod_delete, "n_clicks"),
        Input(ID.mod_delete_cancel, "n_clicks"),
        Input(ID.mod_delete_confirm, "n_clicks"),
        State(ID.mod_selected, "data"),
        State(ID.mod_changed, "data"),
        State(ID.mod_workspace, "data"),
        prevent_initial_call=True,
    )
    def confirm_delete(_ask, _cancel, _confirm, selected, changed, workspace_id):
        services.require("edit", workspace_id=workspace_id)
        trigger = ctx.triggered_id
        if trigger == ID.mod_delete:
            question = (
                f"Delete module '{selected}' from this workspace? Configurations that placed it keep "
                "their copy; download it first if you may want it back."
            )
            return True, question, no_update, no_update, no_update
        if trigger == ID.mod_delete_cancel:
            return False, no_update, no_update, no_update, no_update
        deleted, feedback = delete_module(services, workspace_id, selected)
        counter = (changed or 0) + 1 if isinstance(changed, int) else 1
        return False, no_update, feedback, counter if deleted else no_update, None if deleted else no_update

    @app.callback(
        Output(ID.mod_download_file, "data"),
        Input(ID.mod_download, "n_clicks"),
        State(ID.mod_selected, "data"),
        State(ID.mod_workspace, "data"),
        prevent_initial_call=True,
    )
    def download_module(_clicks, selected, workspace_id):
        return module_download(services, workspace_id, selected) or no_update
