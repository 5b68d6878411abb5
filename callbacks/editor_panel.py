"""Canvas editor side panel: what is selected, the forms that edit it, the second, slower pass after each
edit (flags with recommendations, criteria, nine blocks, money over time) and recommendations on request."""

from __future__ import annotations

from typing import Any

from dash import ALL, ClientsideFunction, Input, Output, State, ctx, no_update
from dash.exceptions import PreventUpdate

from callbacks.editor import evaluate
from callbacks.editor_edits import FLOW_ECONOMICS_FIELDS, NUDGE_STEPS
from canvas_app.analysis import nine_blocks
from canvas_app.library import place_module
from canvas_app.model import QUANTITIES, Configuration, ConfigurationError
from canvas_app.recommend import preview, suggestion_change
from canvas_app.web.background import job_request_context
from canvas_app.web.services import Services
from layouts import advice, graph, panels
from layouts import editor as editor_layouts
from layouts.ids import ID
from layouts.table_view import table_view
from storage import StorageError

# -- side panel -------------------------------------------------------------------------


def tap(
    trigger: Any, node: dict | None, edge: dict | None, pick: bool, source: str | None, target: str | None
) -> tuple:
    """Selection and flow ends after a tap: ``(selection, source, target)``."""
    if trigger == ID.deselect:
        return None, no_update, no_update
    if trigger == "node" and node:
        node_id = node.get("id")
        if pick:
            if not source or (source and target):
                return no_update, node_id, None
            if node_id != source:
                return no_update, source, node_id
            return no_update, no_update, no_update
        return {"kind": "actor", "id": node_id}, no_update, no_update
    if trigger == "edge" and edge:
        return {"kind": "flow", "id": edge.get("id")}, no_update, no_update
    return no_update, no_update, no_update


def pick_value(selection: Any) -> Any:
    """The element picker's value for a selection (what the canvas tap selected shows in the picker too).

    >>> pick_value({"kind": "flow", "id": "f1"}), pick_value(None)
    ('flow:f1', 'new')
    """
    if isinstance(selection, dict):
        return f"{selection['kind']}:{selection['id']}"
    return editor_layouts.NEW_ELEMENT if selection is None else selection  # no_update passes through


def form_values(config: Configuration | None, selection: dict | None) -> dict[str, Any]:
    """Values of the side-panel forms for the selected element (headings, fields, button states)."""
    out: dict[str, Any] = {
        "actor_heading": "Add an actor",
        "flow_heading": "Draw a value flow",
        "actor_save_disabled": True,
        "actor_delete_disabled": True,
        "module_remove_disabled": True,
        "nudge_disabled": [True] * len(NUDGE_STEPS),
        "flow_save_disabled": True,
        "flow_delete_disabled": True,
    }
    kind, element_id = (selection or {}).get("kind"), (selection or {}).get("id")
    if config is None or not kind:
        return out
    if kind == "actor":
        actor = next((a for a in config.actors if a.id == element_id), None)
        if actor is None:
            return out
        out.update(
            actor_heading=f"Edit actor “{actor.name}”",
            actor_name=actor.name,
            actor_type=actor.type.value,
            actor_count=actor.count,
            actor_local=actor.local,
            actor_notes=actor.notes,
            actor_fixed_cost=actor.fixed_cost,
            actor_capital_cost=actor.capital_cost,
            actor_funding_source=actor.funding_source or "",
            actor_save_disabled=False,
            actor_delete_disabled=False,
            module_remove_disabled=actor.module is None,
            nudge_disabled=[False] * len(NUDGE_STEPS),
        )
    elif kind == "flow":
        flow = next((f for f in config.flows if f.id == element_id), None)
        if flow is None:
            return out
        out.update(
            flow_heading=f"Edit flow {config.flow_name(flow)}",
            flow_source=flow.source,
            flow_target=flow.target,
            flow_kind=flow.kind.value,
            flow_label=flow.label,
            flow_amount=flow.amount,
            flow_occurrences=flow.occurrences,
            flow_standards=", ".join(flow.standards),
            flow_term_years=flow.term_years,
            flow_payback_years=flow.payback_years,
            flow_source_cost=config.actor(flow.source).unit_costs.get(flow.id),
            flow_target_cost=config.actor(flow.target).unit_costs.get(flow.id),
            flow_benefit=next(
                (
                    config.actor(end).unit_benefits[flow.id]
                    for end in (flow.source, flow.target)
                    if flow.id in config.actor(end).unit_benefits
                ),
                None,
            ),
            flow_personal_data=flow.personal_data,
            flow_save_disabled=False,
            flow_delete_disabled=False,
        )
    return out


def estimate_marks(config: Configuration | None, selection: dict | None) -> dict[str, Any]:
    """For the selected flow, which quantities are a module's estimates: badge shown, input muted."""
    flow = None
    if config is not None and isinstance(selection, dict) and selection.get("kind") == "flow":
        flow = next((f for f in config.flows if f.id == selection.get("id")), None)
    out: dict[str, Any] = {}
    for quantity in QUANTITIES:
        estimated = flow is not None and flow.is_estimated(quantity)
        out[f"flow_{quantity}_estimate_hidden"] = not estimated
        out[f"flow_{quantity}_class"] = editor_layouts.ESTIMATE_INPUT_CLASS if estimated else ""
    return out


def delete_question(config: Configuration | None, target: dict | None) -> str | None:
    """The question before deleting ``target`` ({"actors": [...], "flows": [...]}), by names; None: nothing there."""
    if config is None or not isinstance(target, dict):
        return None
    names = {a.id: a.name for a in config.actors}
    actors = [a for a in config.actors if a.id in set(target.get("actors") or [])]
    flows = [f for f in config.flows if f.id in set(target.get("flows") or [])]
    if len(actors) == 1 and not flows:
        n = sum(1 for f in config.flows if actors[0].id in (f.source, f.target))
        return f"Delete actor “{actors[0].name}” and its {n} flow{'s' if n != 1 else ''}? You can undo this."
    if len(flows) == 1 and not actors:
        flow = flows[0]
        return (
            f"Delete the {flow.kind.value} flow “{flow.label or flow.kind.value}” from {names[flow.source]} "
            f"to {names[flow.target]}? You can undo this."
        )
    if not actors and not flows:
        return None
    gone = {a.id for a in actors}
    also = sum(1 for f in config.flows if f not in flows and (f.source in gone or f.target in gone))
    parts = (
        [f"{len(actors)} actor{'s' if len(actors) != 1 else ''} ({', '.join(a.name for a in actors)})"]
        if actors
        else []
    )
    if flows:
        parts.append(f"{len(flows)} flow{'s' if len(flows) != 1 else ''}")
    tail = f", with the {also} other flow{'s' if also != 1 else ''} of those actors" if also else ""
    return f"Delete {' and '.join(parts)}{tail}? This is one step: one Undo brings them all back."


def delete_target(selection: Any, many: Any, many_asked: bool) -> dict | None:
    """What a delete question is about: ``many`` (the box selection, or what the Delete key or the context menu
    named) when that asked, else the selected element."""
    if many_asked:
        if not isinstance(many, dict):
            return None
        return {
            "actors": [str(a) for a in many.get("actors") or []],
            "flows": [str(f) for f in many.get("flows") or []],
        }
    if not isinstance(selection, dict) or selection.get("kind") not in ("actor", "flow"):
        return None
    return (
        {"actors": [selection["id"]], "flows": []}
        if selection["kind"] == "actor"
        else {"actors": [], "flows": [selection["id"]]}
    )


def highlight(trigger: Any, value: Any, flag_elements: list[list[str]] | None) -> Any:
    """The stylesheet with a flag's elements highlighted (or none)."""
    if trigger == ID.clear_highlight:
        return graph.stylesheet()
    if isinstance(trigger, dict) and value:
        index = int(trigger.get("index", -1))
        if flag_elements and 0 <= index < len(flag_elements):
            return graph.stylesheet(tuple(flag_elements[index]))
    return no_update


def apply_preview(services: Services, configuration_id: int, version: Any, which: dict[str, Any]) -> Any:
    """The preview of one recommendation (``kind`` module) or suggestion (``kind`` its flag code): the same
    command Apply runs, applied to the shown revision and compared with it, nothing saved."""

    try:
        config, _ = services.load(configuration_id, int(version) if version else None)
        workspace_id = services.store.get_configuration(configuration_id).workspace_id
        library = services.library_for(workspace_id)
        if which.get("kind") == advice.MODULE:
            definition = library.get(str(which.get("key")))
            if definition is None:
                raise ConfigurationError([f"no module '{which.get('key')}' in the library"])
            after = place_module(config, definition)
        else:
            after = suggestion_change(config, library, str(which.get("kind")), str(which.get("key"))).apply(config)
        return advice.preview_body(preview(config, after, library, services.score_weights(workspace_id)))
    except ConfigurationError as exc:
        return advice.preview_problem(exc.problems)
    except StorageError as exc:
        return advice.preview_problem([str(exc)])


# -- registration -------------------------------------------------------------------


def register(app: Any, services: Services) -> None:
    @app.callback(
        Output(ID.flags, "children"),
        Output(ID.flag_elements, "data"),
        Output(ID.blocks, "children"),
        Output(ID.scores, "children", allow_duplicate=True),
        Output(ID.suggest, "style"),
        Output(ID.cash_data, "data"),
        Input(ID.diff_applied, "data"),
        State(ID.version, "data"),
        State(ID.config_id, "data"),
        prevent_initial_call="initial_duplicate",
    )
    def after_edit(_drawn, version, configuration_id):
        """Second, slower pass after each saved edit: flags with recommendations, criteria, nine blocks."""

        access = services.require("view", configuration_id=configuration_id)
        if configuration_id is None:
            return (no_update,) * 6
        try:
            config, _ = services.load(int(configuration_id), int(version) if version else None)
        except StorageError:
            return (no_update,) * 6
        live = services.settings.recommend and len(config.actors) <= services.settings.live_recommend_max_actors
        evaluation = evaluate(services, access.workspace_id, config, recommend=live, money=True)
        return (
            panels.flags_panel(evaluation),
            panels.flag_elements(evaluation),
            panels.blocks_panel(nine_blocks(config, services.library_for(access.workspace_id))),
            panels.criteria_patch(evaluation),
            {} if services.settings.recommend and not live and evaluation.flags else panels.HIDDEN,
            panels.cash_data(evaluation, {a.id: a.name for a in config.actors}),
        )

    @app.callback(
        Output(ID.cash_chart, "children"),
        Input(ID.cash_data, "data"),
        Input(ID.selection, "data"),
        State(ID.config_id, "data"),
        prevent_initial_call=True,
    )
    def draw_cash(data, selection, configuration_id):
        """The selected actor's cash over time (or the investors' and the city's), from the second pass's data."""
        services.require("view", configuration_id=configuration_id)
        actor = selection.get("id") if isinstance(selection, dict) and selection.get("kind") == "actor" else None
        return panels.cash_panel(data, actor)

    @app.callback(
        Output(ID.flags, "children", allow_duplicate=True),
        Input(ID.suggest, "n_clicks"),
        State(ID.version, "data"),
        State(ID.config_id, "data"),
        prevent_initial_call=True,
        background=True,  # re-scores once per library module: seconds on a large configuration
        running=[
            (Output(ID.suggest, "disabled"), True, False),
            (Output(ID.suggest, "children"), "Computing recommendations…", "Suggest modules for these gaps"),
        ],
    )
    def suggest(clicks, version, configuration_id):
        """Recommendations on request (large configurations), as a background job: Celery or a subprocess."""

        with job_request_context(app.server):  # a Celery job has no request: rebuild it from the cookies
            access = services.require("view", configuration_id=configuration_id)
            if not clicks or configuration_id is None:
                return no_update
            config, _ = services.load(int(configuration_id), int(version))
            return panels.flags_panel(evaluate(services, access.workspace_id, config, recommend=True))

    @app.callback(
        Output(ID.preview_body(ALL, ALL, ALL), "children"),
        Input(ID.preview(ALL, ALL, ALL), "n_clicks"),
        State(ID.version, "data"),
        State(ID.config_id, "data"),
        prevent_initial_call=True,
    )
    def show_preview(clicks, version, configuration_id):
        """What Apply would do, computed when the user opens one preview (one re-score); the others stay."""
        services.require("view", configuration_id=configuration_id)
        which = ctx.triggered_id
        if configuration_id is None or not isinstance(which, dict) or not any(clicks or ()):
            raise PreventUpdate
        bodies = [no_update] * len(ctx.outputs_list)
        for i, output in enumerate(ctx.outputs_list):
            if {k: v for k, v in output["id"].items() if k != "type"} == {
                k: v for k, v in which.items() if k != "type"
            }:
                bodies[i] = apply_preview(services, int(configuration_id), version, which)
        return bodies

    @app.callback(
        Output(ID.table_view_body, "children"),
        Output(ID.canvas_region, "aria-label"),
        Input(ID.diff_applied, "data"),
        Input(ID.table_view_details, "open"),
        State(ID.version, "data"),
        State(ID.config_id, "data"),
    )
    def refresh_table_view(_drawn, is_open, version, configuration_id):
        """The Table view while it is open (and the canvas's name, which counts actors and flows) after each
        drawn edit; a closed Table view is emptied, so a large map costs nothing until it is read."""
        services.require("view", configuration_id=configuration_id)
        if configuration_id is None:
            raise PreventUpdate
        try:
            config, _ = services.load(int(configuration_id), int(version) if version else None)
        except StorageError:
            raise PreventUpdate from None
        label = f"Value network map: {len(config.actors)} actors, {len(config.flows)} flows"
        return (table_view(config, services.store.value_ratings(int(configuration_id))) if is_open else []), label

    app.clientside_callback(  # the picker is the one way into the selection: canvas taps set the picker
        ClientsideFunction("citycanvas", "pickElement"),
        Output(ID.selection, "data", allow_duplicate=True),
        Input(ID.element_pick, "value"),
        prevent_initial_call=True,
    )

    @app.callback(
        Output(ID.element_pick, "value"),
        Output(ID.flow_source, "value", allow_duplicate=True),
        Output(ID.flow_target, "value", allow_duplicate=True),
        Input(ID.cy, "tapNodeData"),
        Input(ID.cy, "tapEdgeData"),
        Input(ID.deselect, "n_clicks"),
        State(ID.flow_pick, "value"),
        State(ID.flow_source, "value"),
        State(ID.flow_target, "value"),
        prevent_initial_call=True,
    )
    def on_tap(node, edge, _deselect, pick, source, target):
        services.require("use")
        trigger = ctx.triggered[0]["prop_id"] if ctx.triggered else ""
        kind = (
            "node"
            if trigger.endswith("tapNodeData")
            else "edge"
            if trigger.endswith("tapEdgeData")
            else ctx.triggered_id
        )
        selection, source, target = tap(kind, node, edge, bool(pick), source, target)
        return pick_value(selection), source, target

    form_outputs = {
        "actor_heading": Output(ID.actor_heading, "children"),
        "actor_name": Output(ID.actor_name, "value"),
        "actor_type": Output(ID.actor_type, "value"),
        "actor_count": Output(ID.actor_count, "value"),
        "actor_local": Output(ID.actor_local, "value"),
        "actor_notes": Output(ID.actor_notes, "value"),
        "actor_fixed_cost": Output(ID.actor_fixed_cost, "value"),
        "actor_capital_cost": Output(ID.actor_capital_cost, "value"),
        "actor_funding_source": Output(ID.actor_funding_source, "value"),
        "actor_save_disabled": Output(ID.actor_save, "disabled"),
        "actor_delete_disabled": Output(ID.actor_delete, "disabled"),
        "module_remove_disabled": Output(ID.module_remove, "disabled"),
        "nudge_disabled": Output(ID.nudge(ALL), "disabled"),
        "flow_heading": Output(ID.flow_heading, "children"),
        "flow_source": Output(ID.flow_source, "value", allow_duplicate=True),
        "flow_target": Output(ID.flow_target, "value", allow_duplicate=True),
        "flow_kind": Output(ID.flow_kind, "value"),
        "flow_label": Output(ID.flow_label, "value"),
        "flow_amount": Output(ID.flow_amount, "value"),
        "flow_occurrences": Output(ID.flow_occurrences, "value"),
        "flow_standards": Output(ID.flow_standards, "value"),
        **{name: Output(getattr(ID, name), "value") for name in FLOW_ECONOMICS_FIELDS},
        "flow_save_disabled": Output(ID.flow_save, "disabled"),
        "flow_delete_disabled": Output(ID.flow_delete, "disabled"),
    }

    @app.callback(
        output=form_outputs,
        inputs=dict(selection=Input(ID.selection, "data"), configuration_id=State(ID.config_id, "data")),
        prevent_initial_call=True,
    )
    def fill_forms(selection, configuration_id):
        services.require("view", configuration_id=configuration_id)
        config = None
        if selection and configuration_id is not None:
            try:
                config, _ = services.store.load(int(configuration_id))
            except Exception:  # noqa: BLE001 - a vanished configuration just empties the form
                config = None
        values = form_values(config, selection)
        return {name: values.get(name, no_update) for name in form_outputs}

    @app.callback(
        output={
            "flow_amount_estimate_hidden": Output(ID.flow_amount_estimate, "hidden"),
            "flow_amount_class": Output(ID.flow_amount, "className"),
            "flow_occurrences_estimate_hidden": Output(ID.flow_occurrences_estimate, "hidden"),
            "flow_occurrences_class": Output(ID.flow_occurrences, "className"),
        },
        inputs=dict(
            selection=Input(ID.selection, "data"),
            version=Input(ID.version, "data"),
            configuration_id=State(ID.config_id, "data"),
        ),
        prevent_initial_call=True,
    )
    def mark_estimates(selection, version, configuration_id):
        """Redrawn on selection and after every edit: a saved change makes an estimate entered."""
        services.require("view", configuration_id=configuration_id)
        config = None
        if isinstance(selection, dict) and selection.get("kind") == "flow" and configuration_id is not None:
            try:
                config, _ = services.store.load(int(configuration_id))
            except Exception:  # noqa: BLE001 - a vanished configuration just clears the marks
                config = None
        return estimate_marks(config, selection)

    @app.callback(
        Output(ID.delete_modal, "is_open"),
        Output(ID.delete_text, "children"),
        Output(ID.delete_target, "data"),
        Input(ID.actor_delete, "n_clicks"),
        Input(ID.flow_delete, "n_clicks"),
        Input(ID.delete_many, "n_clicks"),
        Input(ID.delete_request, "data"),
        Input(ID.delete_cancel, "n_clicks"),
        Input(ID.delete_confirm, "n_clicks"),
        State(ID.selection, "data"),
        State(ID.many_selected, "data"),
        State(ID.config_id, "data"),
        prevent_initial_call=True,
    )
    def confirm_delete(_a, _f, _many, request, _cancel, _confirm, selection, many, configuration_id):
        """Ask before deleting, and keep what was asked about: Delete deletes that, whatever is selected since."""
        services.require("edit", configuration_id=configuration_id)
        if ctx.triggered_id in (ID.delete_cancel, ID.delete_confirm):
            return False, no_update, no_update
        config = services.store.load(int(configuration_id))[0] if configuration_id is not None else None
        asked = {ID.delete_many: many, ID.delete_request: request}
        target = delete_target(selection, asked.get(ctx.triggered_id), ctx.triggered_id in asked)
        question = delete_question(config, target)
        if question is None:
            return False, no_update, None
        return True, question, target

    app.clientside_callback(  # the box selection's Delete button says how many it deletes, and shows only then
        """function (many) {
            var n = many ? (many.actors || []).length + (many.flows || []).length : 0;
            return [n > 1 ? {} : {display: "none"}, "Delete the " + n + " selected elements"];
        }""",
        Output(ID.delete_many, "style"),
        Output(ID.delete_many, "children"),
        Input(ID.many_selected, "data"),
    )

    @app.callback(
        Output(ID.cy, "stylesheet"),
        Input(ID.flag(ALL), "n_clicks"),  # type: ignore[arg-type]  # ALL is Dash's wildcard, not an id
        Input(ID.clear_highlight, "n_clicks"),
        State(ID.flag_elements, "data"),
        prevent_initial_call=True,
    )
    def on_flag(_flag_clicks, _clear, flag_elements):
        services.require("use")
        value = ctx.triggered[0]["value"] if ctx.triggered else None
        return highlight(ctx.triggered_id, value, flag_elements)
