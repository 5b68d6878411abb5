"""Compare callbacks: the ``/compare?ids=…`` page, and starting a comparison from Home
(tick 2–4 configurations) or from the editor ("Compare with…")."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from dash import ALL, Input, Output, State, no_update

from canvas_app.compare import Comparison, compare_configurations
from canvas_app.report import comparison_report
from canvas_app.web.services import Services
from layouts import compare as compare_layouts
from layouts.common import message
from layouts.ids import ID
from storage import StorageError

MIN_COMPARED, MAX_COMPARED = 2, 4


def validate_ids(raw: Any) -> tuple[list[int], list[str]]:
    """Configuration ids from a list (or comma-separated text): ``(ids, problems)``.

    >>> validate_ids("3, 5")
    ([3, 5], [])
    >>> validate_ids("3,x")[1]
    ["'x' is not a configuration id (ids are whole numbers)"]
    >>> validate_ids([1])[1]
    ['Compare needs at least two configurations; 1 was given.']
    """
    if isinstance(raw, str):
        parts: list[Any] = [p.strip() for p in raw.split(",") if p.strip()]
    elif isinstance(raw, (list, tuple)):
        parts = list(raw)
    else:
        parts = []
    ids: list[int] = []
    problems: list[str] = []
    for part in parts[: MAX_COMPARED + 8]:
        text = str(part)[:30]
        if not text.isdigit() or len(text) > 12:
            problems.append(f"'{text}' is not a configuration id (ids are whole numbers)")
        elif int(text) in ids:
            problems.append(f"Configuration {int(text)} is listed twice.")
        else:
            ids.append(int(text))
    if problems:
        return ids, problems
    if len(parts) < MIN_COMPARED:
        problems.append(f"Compare needs at least two configurations; {len(parts)} was given.")
    elif len(parts) > MAX_COMPARED:
        problems.append(f"Compare takes at most four configurations; {len(parts)} were given.")
    return ids, problems


def parse_ids(search: str | None) -> tuple[list[int], list[str]]:
    """The ``ids`` of a ``?ids=1,2`` query string."""
    values = parse_qs((search or "").lstrip("?")).get("ids")
    if not values:
        return [], ["Name the configurations to compare, e.g. /compare?ids=1,2."]
    return validate_ids(",".join(values))


@dataclass
class LoadedComparison:
    comparison: Comparison | None = None
    versions: list[int] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    workspace_id: int | None = None  # when every alternative comes from one workspace


def load_comparison(services: Services, ids: list[int], *, recommend: bool = False) -> LoadedComparison:
    """Load and compare stored configurations (from any workspace).

    Workspace weights apply when all come from one workspace; across workspaces the
    default weights keep the comparison fair. ``recommend``: with each flag's modules (for reports).
    """

    configs, versions, workspaces, problems = [], [], set(), []
    for configuration_id in ids:
        refusal = services.refusal("view", configuration_id=configuration_id)
        if refusal:
            problems.append(f"Configuration {configuration_id}: {refusal}")
            continue
        try:
            config, head = services.store.load(configuration_id)
        except StorageError:
            problems.append(f"There is no configuration {configuration_id}.")
            continue
        hidden = services.why_hidden(head)
        if hidden:
            problems.append(hidden)
            continue
        configs.append(config)
        versions.append(head.version)
        workspaces.add(head.workspace_id)
    if problems:
        return LoadedComparison(problems=problems)
    # Alternatives of one workspace are scored as its editor scores them; across workspaces, with the
    # defaults and the shared library (placed modules carry their own definitions either way).
    workspace_id = workspaces.pop() if len(workspaces) == 1 else None
    if workspace_id is not None:
        weights, library = services.score_weights(workspace_id), services.library_for(workspace_id)
    else:
        weights, library = None, services.library
    comparison = compare_configurations(configs, library, weights, recommend=recommend)
    return LoadedComparison(comparison, versions, workspace_id=workspace_id)


def compare_page(services: Services, search: str | None) -> Any:
    ids, problems = parse_ids(search)
    loaded = load_comparison(services, ids) if not problems else None
    if loaded is None or loaded.comparison is None:
        return compare_layouts.problem_page(problems or (loaded.problems if loaded else []))
    report = comparison_report(loaded.comparison, versions=loaded.versions)
    return compare_layouts.compare_layout(loaded.comparison, ids, report)


def compare_path(ids: list[int]) -> str:
    return "/compare?ids=" + ",".join(str(i) for i in ids)


def picked_ids(values: Any, ids: Any) -> list[Any]:
    """Indexes of the ticked Home checkboxes, in the order shown (checked by :func:`validate_ids`)."""
    if not isinstance(values, list) or not isinstance(ids, list):
        return []
    return [i.get("index") if isinstance(i, dict) else i for v, i in zip(values, ids) if v]


def partner_options(services: Services, configuration_id: int) -> list[dict[str, str]]:
    """The other live configurations of the editor's workspace."""
    head = services.store.get_configuration(int(configuration_id))
    return [
        {"label": f"{h.name} (#{h.id}, version {h.version})", "value": str(h.id)}
        for h in services.store.list_configurations(head.workspace_id)
        if h.id != head.id
    ]


def register(app: Any, services: Services) -> None:
    @app.callback(
        Output(ID.url, "href", allow_duplicate=True),
        Output(ID.home_compare_message, "children"),
        Input(ID.home_compare, "n_clicks"),
        State(ID.home_compare_pick(ALL), "value"),  # type: ignore[arg-type]  # ALL is Dash's wildcard, not an id
        State(ID.home_compare_pick(ALL), "id"),  # type: ignore[arg-type]  # ALL is Dash's wildcard, not an id
        prevent_initial_call=True,
    )
    def compare_from_home(clicks, values, ids):
        services.require("use")  # the compare page checks each configuration
        if not clicks:
            return no_update, no_update
        chosen, problems = validate_ids(picked_ids(values, ids))
        if problems:
            return no_update, message(problems)
        return compare_path(chosen), None

    @app.callback(
        Output(ID.compare_modal, "is_open"),
        Output(ID.compare_pick, "options"),
        Input(ID.compare_open, "n_clicks"),
        State(ID.config_id, "data"),
        prevent_initial_call=True,
    )
    def open_compare_with(clicks, configuration_id):
        services.require("view", configuration_id=configuration_id)
        if not clicks or configuration_id is None:
            return no_update, no_update
        try:
            return True, partner_options(services, configuration_id)
        except StorageError:
            return True, []

    @app.callback(
        Output(ID.url, "href", allow_duplicate=True),
        Output(ID.compare_feedback, "children"),
        Input(ID.compare_go, "n_clicks"),
        State(ID.compare_pick, "value"),
        State(ID.config_id, "data"),
        prevent_initial_call=True,
    )
    def compare_with(clicks, picked, configuration_id):
        services.require("view", configuration_id=configuration_id)  # the compare page checks the others
        if not clicks or configuration_id is None:
            return no_update, no_update
        chosen, problems = validate_ids([configuration_id, *(picked or [])])
        if problems:
            return no_update, message(
                "Pick one to three other configurations."
                if len(chosen) < MIN_COMPARED or len(chosen) > MAX_COMPARED
                else problems
            )
        return compare_path(chosen), None
