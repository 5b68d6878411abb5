"""Stress-test page callbacks: build the page, and add or remove a scenario as an edit (a new revision, with the
conflict check of every edit) whose results replace the saved-scenarios table."""

from __future__ import annotations

from typing import Any

from dash import ALL, Input, Output, State, ctx, no_update

from canvas_app.commands import AddScenario, Command, RemoveScenario
from canvas_app.stress import SCORED_EXITS, all_single_exits, run_saved
from canvas_app.web.editing import apply_edit
from canvas_app.web.services import Services, Unavailable
from layouts import stress as stress_layouts
from layouts.common import message, not_found
from layouts.ids import ID

PERCENT_KINDS = ("price", "vendor_fees")
SCORED_UP_TO_ACTORS = 300
"""Above this many actors the page ranks exits by money alone (re-judging 20 exits of 1,000 actors takes ~7 s);
``canvas-app stress`` always re-judges them."""


def stress_page(services: Services, configuration_id: int) -> Any:
    """Load the configuration (access checked by ``open_configuration``), run its scenarios and every exit."""
    try:
        opened = services.open_configuration(configuration_id)
    except Unavailable as exc:
        return not_found(str(exc))
    config, head = opened.config, opened.head
    library = services.library_for(head.workspace_id)
    weights = services.score_weights(head.workspace_id)
    return stress_layouts.stress_layout(
        configuration_id=head.id,
        version=head.version,
        config=config,
        results=run_saved(config, library, weights),
        exits=all_single_exits(
            config, library, weights, scored=SCORED_EXITS if len(config.actors) <= SCORED_UP_TO_ACTORS else 0
        ),
        can_edit=opened.access.can("edit"),
    )


def scenario_fields(kind: str, actor: str, flow: str, flow_kind: str, number: Any) -> dict[str, Any]:
    """The form's values as scenario fields: blanks left out, the number a factor or a percent by kind.

    >>> scenario_fields("demand", "", "", "", 2), scenario_fields("price", "", "f1", "", "-20")
    ({'kind': 'demand', 'factor': 2.0}, {'kind': 'price', 'flow': 'f1', 'percent': -20.0})
    """
    fields: dict[str, Any] = {"kind": kind}
    for name, value in (("actor", actor), ("flow", flow), ("flow_kind", flow_kind)):
        if value:
            fields[name] = value
    if number not in (None, ""):
        try:
            fields["percent" if kind in PERCENT_KINDS else "factor"] = float(number)
        except (TypeError, ValueError):
            fields["percent" if kind in PERCENT_KINDS else "factor"] = number  # refused by the model, with the field
    return fields


def add_scenario(services: Services, configuration_id: int, version: int, fields: dict[str, Any]) -> tuple[Any, ...]:
    """Save the scenario as the next revision; ``(results, version, feedback)``."""
    return save_edit(services, configuration_id, version, AddScenario(fields), "Scenario saved")


def remove_scenario(services: Services, configuration_id: int, version: int, scenario_id: str) -> tuple[Any, ...]:
    """Remove one saved scenario as the next revision; ``(results, version, feedback)``."""
    return save_edit(services, configuration_id, version, RemoveScenario(scenario_id), "Scenario removed")


def save_edit(services: Services, configuration_id: int, version: int, command: Command, done: str) -> tuple[Any, ...]:
    """Apply ``command`` to revision ``version`` with the conflict check of every edit, then rerun the scenarios."""
    outcome = apply_edit(services, configuration_id, version, lambda _config: command)
    if outcome.problems:
        return no_update, no_update, message(outcome.problems)
    if outcome.conflict:
        return (
            no_update,
            no_update,
            message(
                f"Someone saved version {outcome.conflict['theirs']} first; nothing was saved. "
                "Reload the page and do it again."
            ),
        )
    config, head = outcome.config, outcome.head
    library = services.library_for(head.workspace_id)
    results = run_saved(config, library, services.score_weights(head.workspace_id))
    names = {a.id: a.name for a in config.actors}
    return (
        stress_layouts.results_view(results, names),
        head.version,
        message(f"{done}: version {head.version}.", color="success"),
    )


def register(app: Any, services: Services) -> None:
    @app.callback(
        Output(ID.stress_results, "children"),
        Output(ID.stress_version, "data"),
        Output(ID.stress_feedback, "children"),
        Input(ID.stress_add, "n_clicks"),
        Input(ID.stress_remove(ALL), "n_clicks"),
        State(ID.stress_config, "data"),
        State(ID.stress_version, "data"),
        State(ID.stress_kind, "value"),
        State(ID.stress_actor, "value"),
        State(ID.stress_flow, "value"),
        State(ID.stress_flow_kind, "value"),
        State(ID.stress_number, "value"),
        prevent_initial_call=True,
    )
    def add_or_remove(clicks, _removes, configuration_id, version, kind, actor, flow, flow_kind, number):
        refusal = services.refusal("edit", configuration_id=configuration_id)
        if refusal:
            return no_update, no_update, message(refusal)
        trigger = ctx.triggered_id
        if isinstance(trigger, dict) and trigger.get("type") == "st-remove":
            if not ctx.triggered[0].get("value"):  # the buttons were redrawn, not clicked
                return no_update, no_update, no_update
            return remove_scenario(services, int(configuration_id), int(version), str(trigger.get("scenario")))
        if not clicks:
            return no_update, no_update, no_update
        return add_scenario(
            services, int(configuration_id), int(version), scenario_fields(kind, actor, flow, flow_kind, number)
        )
