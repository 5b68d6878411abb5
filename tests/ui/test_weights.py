"""Score weights per workspace: the page, saving and resetting, and every score of the app using them."""

from __future__ import annotations

from pathlib import Path

import pytest
from dash import no_update

from callbacks import weights
from canvas_app.analysis import evaluate
from canvas_app.model import load_configuration
from canvas_app.scoring import CRITERIA
from layouts.ids import ID
from ui_helpers import click, find, text_of

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "oulu-parking.json"


@pytest.fixture()
def stored(services):
    workspace = services.default_workspace()
    head = services.store.create_configuration(workspace.id, load_configuration(EXAMPLE), author="tester")
    return workspace, head


def defaults() -> dict[str, float]:
    return {spec.id: spec.weight for spec in CRITERIA}


def test_page_shows_every_criterion_with_its_default_and_the_scores(services, stored):
    workspace, head = stored
    page = weights.weights_page(services, workspace.id)
    for spec in CRITERIA:
        assert find(page, ID.weight_input(spec.id)).value == spec.weight
    effect = text_of(find(page, ID.weights_effect))
    expected = evaluate(load_configuration(EXAMPLE), services.library, recommend=False).scores["value_capture"].score
    assert head.name in effect and f"{expected:.1f}" in effect


def test_saving_keeps_only_differences_and_changes_the_scores_as_computed(services, stored):
    workspace, head = stored
    typed = {**defaults(), "cap_take_rate": 10, "cap_revenue": 0}
    values, feedback, effect = weights.save_weights(services, workspace.id, typed, reset=False)
    assert services.score_weights(workspace.id) == {"cap_take_rate": 10.0, "cap_revenue": 0.0}
    assert values[[s.id for s in CRITERIA].index("cap_take_rate")] == 10.0
    assert "2 weights differ" in text_of(feedback)
    by_hand = (
        evaluate(
            load_configuration(EXAMPLE),
            services.library,
            recommend=False,
            weights={"cap_take_rate": 10, "cap_revenue": 0},
        )
        .scores["value_capture"]
        .score
    )
    assert f"{by_hand:.1f}" in text_of(effect)
    config, _ = services.store.load(head.id)
    stored_eval = services.evaluate(workspace.id, config, recommend=False, structure=False)
    assert stored_eval.scores["value_capture"].score == by_hand


def test_invalid_weights_are_named_and_nothing_is_saved(services, stored):
    workspace, _ = stored
    weights.save_weights(services, workspace.id, {**defaults(), "r_open_standards": 5}, reset=False)
    for typed, message in (
        ({**defaults(), "cap_take_rate": -1}, "Take rate within the band: the weight must be between 0 and 100"),
        ({**defaults(), "cap_take_rate": None}, "Give every criterion a weight (empty: Take rate within the band)"),
        (
            {**defaults(), "cap_take_rate": 0, "cap_revenue": 0, "cap_operator_net": 0, "cap_operator_share": 0},
            "value capture: at least one criterion must weigh more than 0",
        ),
    ):
        values, feedback, effect = weights.save_weights(services, workspace.id, typed, reset=False)
        assert values is no_update and effect is no_update
        assert message in text_of(feedback) and "Nothing was saved" in text_of(feedback)
        assert services.score_weights(workspace.id) == {"r_open_standards": 5.0}


def test_reset_goes_back_to_the_defaults(services, stored):
    workspace, _ = stored
    weights.save_weights(services, workspace.id, {**defaults(), "r_open_standards": 5}, reset=False)
    values, feedback, _ = weights.save_weights(services, workspace.id, {}, reset=True)
    assert services.score_weights(workspace.id) == {}
    assert values == [spec.weight for spec in CRITERIA]
    assert "Back to the default weights" in text_of(feedback)


def test_score_weights_live_beside_other_weight_groups(services, stored):
    """Saving score weights never drops another ranking's weights kept in the same table."""
    workspace, _ = stored
    services.store.set_weight_group(workspace.id, "needs.", {"importance": 4})
    weights.save_weights(services, workspace.id, {**defaults(), "r_open_standards": 5}, reset=False)
    weights.save_weights(services, workspace.id, {}, reset=True)
    assert services.store.get_weight_group(workspace.id, "needs.") == {"importance": 4.0}


@pytest.mark.browser
def test_browser_change_a_weight_and_see_the_scores_change(dash_duo, app, services, stored):
    workspace, head = stored
    dash_duo.start_server(app)
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/workspace/{workspace.id}/weights")
    dash_duo.wait_for_element(f"#{ID.weight_input('cap_take_rate')}")
    before = dash_duo.find_element(f"#{ID.weights_effect}").text
    field = dash_duo.find_element(f"#{ID.weight_input('cap_revenue')}")
    field.clear()
    field.send_keys("0")
    click(dash_duo, f"#{ID.weights_save}")
    dash_duo.wait_for_contains_text(f"#{ID.weights_feedback}", "1 weight differ")
    dash_duo.wait_for_text_to_equal(
        f"#{ID.weights_effect} tbody tr td:nth-child(6)",
        f"{services.evaluate(workspace.id, services.store.load(head.id)[0], recommend=False, structure=False).scores['value_capture'].score:.1f}",
    )
    assert dash_duo.find_element(f"#{ID.weights_effect}").text != before
    field = dash_duo.find_element(f"#{ID.weight_input('cap_take_rate')}")
    field.clear()
    field.send_keys("-3")
    click(dash_duo, f"#{ID.weights_save}")
    dash_duo.wait_for_contains_text(f"#{ID.weights_feedback}", "Nothing was saved")
    assert services.score_weights(workspace.id) == {"cap_revenue": 0.0}
