"""Report callbacks: the printable pages ``/report/<id>`` and ``/report/compare?ids=…`` and their
HTML and XLSX downloads. Everything a report shows comes from :mod:`canvas_app.report`,
fed with the stored configuration, its evaluation and the workspace's needs and advantages.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dash import Input, Output, State, ctx, dcc, no_update

from callbacks.compare import load_comparison, parse_ids, validate_ids
from canvas_app.analysis import nine_blocks
from canvas_app.evaluation import Evaluation
from canvas_app.ids import slug
from canvas_app.model import Configuration
from canvas_app.ranking import need_weights, rank_advantages, rank_needs
from canvas_app.report import (
    Report,
    comparison_report,
    comparison_workbook,
    configuration_report,
    configuration_workbook,
    report_html,
)
from canvas_app.web.background import job_request_context
from canvas_app.web.services import AccessDenied, Services, SignInRequired, Unavailable
from layouts import report as report_layouts
from layouts.common import message, not_found
from layouts.compare import problem_page
from layouts.ids import ID


@dataclass(frozen=True)
class ConfigurationReport:
    """A stored configuration with everything its report needs (``problem`` set when there is none)."""

    report: Report | None = None
    config: Configuration | None = None
    evaluation: Evaluation | None = None
    version: int | None = None
    problem: str | None = None
    recommendations_deferred: bool = False
    """True when the configuration is too large for recommendations inside the request."""


def build_configuration_report(
    services: Services, configuration_id: int, *, recommend: bool | None = None
) -> ConfigurationReport:
    """Load the configuration, evaluate it with its workspace's weights and recommendations, and
    rank the workspace's needs and this service's advantages against it.

    Recommendations re-score the configuration once per library module: by default they are
    computed here only up to the editor's live limit (``live_recommend_max_actors``), so a
    request never runs for minutes; above it the report page offers them as a background job.
    """

    try:
        opened = services.open_configuration(configuration_id)
    except (SignInRequired, AccessDenied) as exc:
        return ConfigurationReport(problem=str(exc.description))
    except Unavailable as exc:
        return ConfigurationReport(problem=str(exc))
    config, head = opened.config, opened.head
    workspace = services.store.get_workspace(head.workspace_id)
    weights = services.store.get_weights(head.workspace_id)  # the needs ranking reads its own weights here
    library = services.library_for(head.workspace_id)
    small = len(config.actors) <= services.settings.live_recommend_max_actors
    if recommend is None:
        recommend = services.settings.recommend and small
    evaluation = services.evaluate(head.workspace_id, config, recommend=recommend)
    others = [
        services.store.load(h.id)[0] for h in services.store.list_configurations(head.workspace_id) if h.id != head.id
    ]
    needs = rank_needs(services.store.list_needs(head.workspace_id), [config, *others], need_weights(weights))
    advantages = [
        r
        for r in rank_advantages(services.store.list_advantages(head.workspace_id), {config.name: (config, evaluation)})
        if r.advantage.service == config.name
    ]
    deferred = services.settings.recommend and not recommend
    note = (
        (
            f"Recommendations are not listed: this configuration has more than "
            f"{services.settings.live_recommend_max_actors} actors, so they are computed on request "
            "(Compute recommendations on the report page, or Suggest modules in the editor)."
        )
        if deferred
        else ""
    )
    report = configuration_report(
        config,
        evaluation,
        version=head.version,
        workspace=workspace.name,
        needs=needs,
        advantages=advantages,
        blocks=nine_blocks(config, library),
        recommendations_note=note,
    )
    return ConfigurationReport(report, config, evaluation, head.version, recommendations_deferred=deferred)


def report_page(services: Services, configuration_id: int) -> Any:
    built = build_configuration_report(services, configuration_id)
    if built.report is None:
        return not_found(built.problem or "")
    extra = (
        report_layouts.deferred_recommendations(int(configuration_id), services.settings.live_recommend_max_actors)
        if built.recommendations_deferred
        else None
    )
    return report_layouts.report_layout(
        built.report,
        {"kind": "configuration", "id": int(configuration_id)},
        (f"/edit/{configuration_id}", "← Back to the editor"),
        extra,
        poster_href=f"/poster/{configuration_id}",
    )


def recommendations_section(services: Services, configuration_id: Any) -> Any:
    """The report's flags with their recommendations, computed in full (the background job)."""
    built = build_configuration_report(services, int(configuration_id), recommend=services.settings.recommend)
    if built.report is None:
        return message(built.problem or "")
    wanted = [s for s in built.report.sections if s.title.startswith("Flags and recommendations")]
    return [report_layouts.section(s) for s in wanted]


def build_comparison_report(services: Services, loaded: Any) -> Report:
    """The report of a loaded comparison (with recommendations): when the alternatives share a
    workspace, with its needs ranked against all of them and the advantages of their services."""

    comparison, needs, advantages = loaded.comparison, [], []
    if loaded.workspace_id is not None:
        workspace_id = loaded.workspace_id
        weights = services.store.get_weights(workspace_id)
        needs = rank_needs(
            services.store.list_needs(workspace_id), list(comparison.configurations), need_weights(weights)
        )
        evaluations = {c.name: (c, e) for c, e in zip(comparison.configurations, comparison.evaluations)}
        advantages = rank_advantages(services.store.list_advantages(workspace_id), evaluations)
    return comparison_report(comparison, versions=loaded.versions, needs=needs, advantages=advantages)


def comparison_report_page(services: Services, search: str | None) -> Any:
    ids, problems = parse_ids(search)
    loaded = load_comparison(services, ids, recommend=services.settings.recommend) if not problems else None
    if loaded is None or loaded.problems:
        return problem_page(problems or (loaded.problems if loaded else []))
    report = build_comparison_report(services, loaded)
    ids_text = ",".join(str(i) for i in ids)
    return report_layouts.report_layout(
        report, {"kind": "comparison", "ids": ids}, (f"/compare?ids={ids_text}", "← Back to the comparison")
    )


def report_file(
    services: Services, target: dict[str, Any] | None, fmt: str
) -> tuple[dict[str, Any] | None, str | None]:
    """The download of a report: ``(dcc.Download data, None)`` or ``(None, problem)``.

    ``target`` comes from the browser, so it is checked like any input.
    """

    fmt = "xlsx" if fmt == "xlsx" else "html"
    kind = (target or {}).get("kind") if isinstance(target, dict) else None
    if kind == "configuration":
        try:
            configuration_id = int(target["id"])  # type: ignore[index]  # target may be anything the browser sent; a bad one is caught below
        except (KeyError, TypeError, ValueError):
            return None, "malformed report request"
        built = build_configuration_report(services, configuration_id)
        if built.report is None or built.config is None or built.evaluation is None:
            return None, built.problem
        stem = f"{slug(built.config.name, 'configuration')}-v{built.version}-report"
        if fmt == "xlsx":
            return dcc.send_bytes(
                configuration_workbook(built.config, built.evaluation, version=built.version), f"{stem}.xlsx"
            ), None
        return dcc.send_bytes(report_html(built.report).encode("utf-8"), f"{stem}.html"), None
    if kind == "comparison":
        ids, problems = validate_ids(target.get("ids"))  # type: ignore[union-attr]  # kind was read from it, so target is a dict
        loaded = (
            load_comparison(services, ids, recommend=fmt == "html" and services.settings.recommend)
            if not problems
            else None
        )
        if loaded is None or loaded.problems:
            return None, "; ".join(problems or (loaded.problems if loaded else []))
        stem = "comparison-" + "-".join(str(i) for i in ids)
        if fmt == "xlsx":
            return dcc.send_bytes(comparison_workbook(loaded.comparison), f"{stem}.xlsx"), None
        return dcc.send_bytes(
            report_html(build_comparison_report(services, loaded)).encode("utf-8"), f"{stem}.html"
        ), None
    return None, "malformed report request"


def register(app: Any, services: Services) -> None:
    @app.callback(
        Output(ID.report_recs, "children"),
        Input(ID.report_recs_compute, "n_clicks"),
        State(ID.report_config, "data"),
        prevent_initial_call=True,
        background=True,  # one re-score per library module: seconds to minutes on a large configuration
        running=[
            (Output(ID.report_recs_compute, "disabled"), True, False),
            (
                Output(ID.report_recs_status, "children"),
                "Computing recommendations… re-scoring with each library module.",
                "",
            ),
        ],
    )
    def compute_report_recommendations(clicks, configuration_id):
        """The report's recommendations on request, as a background job (Celery, else a subprocess)."""

        with job_request_context(app.server):  # a Celery job has no request: rebuild it from the cookies
            services.require("view", configuration_id=configuration_id)
            if not clicks:
                return no_update
            return recommendations_section(services, configuration_id)

    @app.callback(
        Output(ID.report_download, "data"),
        Output(ID.report_message, "children"),
        Input(ID.report_html, "n_clicks"),
        Input(ID.report_xlsx, "n_clicks"),
        State(ID.report_target, "data"),
        prevent_initial_call=True,
    )
    def download_report(_html, _xlsx, target):
        services.require("use")  # building the report checks each configuration it reads
        if not (ctx.triggered and ctx.triggered[0]["value"]):
            return no_update, no_update
        data, problem = report_file(services, target, "xlsx" if ctx.triggered_id == ID.report_xlsx else "html")
        if problem:
            return no_update, message(problem)
        return data, None
