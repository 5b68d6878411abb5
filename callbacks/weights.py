"""Score weights page callbacks, and the workspace weights every score of the app is computed with."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import Input, Output, State, ctx, no_update

from canvas_app.analysis import evaluate
from canvas_app.criteria import check_weights, weight_settings
from canvas_app.scoring import CRITERIA, CRITERIA_BY_ID
from canvas_app.web.services import Services, Unavailable
from layouts import weights as weights_layouts
from layouts.common import not_found
from layouts.ids import ID

MAX_EFFECT_ROWS = 20
"""The effect table re-scores each configuration; past this many it would slow the page down."""


def effect_rows(services: Services, workspace_id: int, weights: dict[str, float]) -> list[weights_layouts.EffectRow]:
    rows = []
    library = services.library_for(workspace_id)
    for head in services.store.list_configurations(int(workspace_id))[:MAX_EFFECT_ROWS]:
        config, _ = services.load(head.id, head.version)
        evaluation = evaluate(config, library, recommend=False, structure=False, weights=weights)
        rows.append((head.id, head.name, {name: s.score for name, s in evaluation.scores.items()}))
    return rows


def weights_page(services: Services, workspace_id: int) -> Any:
    """Build the page for a workspace the user may view (editable if they may edit)."""

    try:
        workspace, access = services.open_workspace(workspace_id)
    except Unavailable as exc:
        return not_found(str(exc))
    weights = services.score_weights(workspace.id)
    return weights_layouts.weights_layout(
        workspace.id,
        workspace.name,
        weight_settings(weights),
        effect_rows(services, workspace.id, weights),
        editable=access.can("edit"),
    )


def save_weights(services: Services, workspace_id: int, typed: dict[str, Any], reset: bool) -> tuple[Any, Any, Any]:
    """Validate and save (or reset) the weights: ``(input values, feedback, effect table)``.

    Invalid input is answered with every problem named, and nothing is written.
    """
    services.require("edit", workspace_id=workspace_id)
    if reset:
        chosen: dict[str, float] = {}
    else:
        empty = [spec.label for spec in CRITERIA if typed.get(spec.id) in (None, "")]
        if empty:
            message = f"Give every criterion a weight (empty: {', '.join(empty)}). Nothing was saved."
            return no_update, dbc.Alert(message, color="danger", className="py-2"), no_update
        try:
            chosen = check_weights(typed)
        except ValueError as exc:
            return no_update, dbc.Alert(f"{exc}. Nothing was saved.", color="danger", className="py-2"), no_update
    saved = services.store.set_named_weights(int(workspace_id), CRITERIA_BY_ID, chosen, author=services.author)
    values = [setting.weight for setting in weight_settings(saved)]
    changed = len(saved)
    text = (
        "Back to the default weights."
        if not changed
        else f"Saved: {changed} weight{'s' if changed != 1 else ''} differ from the defaults."
    )
    effect = weights_layouts.effect_table(effect_rows(services, int(workspace_id), saved))
    return values, dbc.Alert(text, color="success", className="py-2"), effect


def register(app: Any, services: Services) -> None:
    inputs = [ID.weight_input(spec.id) for spec in CRITERIA]

    @app.callback(
        [
            *(Output(input_id, "value") for input_id in inputs),
            Output(ID.weights_feedback, "children"),
            Output(ID.weights_effect, "children"),
        ],
        [Input(ID.weights_save, "n_clicks"), Input(ID.weights_reset, "n_clicks")],
        [State(ID.weights_workspace, "data"), *(State(input_id, "value") for input_id in inputs)],
        prevent_initial_call=True,
    )
    def save_or_reset_weights(_save: Any, _reset: Any, workspace_id: Any, *values: Any) -> list[Any]:
        typed = {spec.id: value for spec, value in zip(CRITERIA, values)}
        new_values, feedback, effect = save_weights(
            services, workspace_id, typed, reset=ctx.triggered_id == ID.weights_reset
        )
        if new_values is no_update:
            return [no_update] * len(inputs) + [feedback, effect]
        return [*new_values, feedback, effect]
