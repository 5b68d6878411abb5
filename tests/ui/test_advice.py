"""The editor's advice: preview before Apply, structural suggestions applied as undoable edits (issue 10)."""

from __future__ import annotations

from pathlib import Path

import pytest

from callbacks import editor_edits, editor_panel
from canvas_app.analysis import evaluate
from canvas_app.model import load_configuration
from layouts import advice, panels
from layouts.ids import ID
from ui_helpers import text_of, wait_for

DATA = Path(__file__).parent / "data"


@pytest.fixture()
def stored(services):
    workspace = services.default_workspace()
    return services.store.create_configuration(
        workspace.id, load_configuration(DATA / "small-parking.json"), author="tester"
    )


def _values(stored, **extra):
    return {"config_id": stored.id, "version": stored.version, "selection": None, **extra}


def test_flag_panel_shows_modules_and_changes_each_with_preview_and_apply(services, stored):
    config, _ = services.load(stored.id, stored.version)
    evaluation = evaluate(config, services.library_of_configuration(stored.id))
    shown = text_of(panels.flags_panel(evaluation))
    assert "Connect Lonely vendor with" in shown and "What Apply does" in shown
    assert "isolated-actor" in shown


def test_preview_of_a_suggestion_then_apply_clears_the_flag_and_undo_restores(services, stored):
    which = {"type": "ed-preview", "index": 0, "kind": "isolated-actor", "key": "connect:lonely"}
    body = text_of(editor_panel.apply_preview(services, stored.id, stored.version, which))
    assert "New flows" in body and "Lonely" in body and "Flags cleared" in body and "isolated-actor: Lonely" in body
    trigger = ID.apply_fix(0, "isolated-actor", "connect:lonely")
    out = editor_edits.handle_edit(services, trigger, 1, _values(stored))
    assert out["version"] == stored.version + 1
    after, _ = services.load(stored.id, stored.version + 1)
    assert not any(
        f.code == "isolated-actor" for f in evaluate(after, services.library_of_configuration(stored.id)).flags
    )
    undo = editor_edits.handle_edit(
        services,
        ID.history_request,
        {"op": "undo", "step": out["step_out"]["step"]},
        _values(stored, version=stored.version + 1),
    )
    assert undo["version"] == stored.version + 2
    assert services.store.load(stored.id)[0] == load_configuration(DATA / "small-parking.json")


def test_a_forged_or_stale_suggestion_is_refused_with_a_message(services, stored):
    out = editor_edits.handle_edit(services, ID.apply_fix(0, "isolated-actor", "connect:city"), 1, _values(stored))
    assert "no longer applies" in text_of(out["message"])
    assert services.store.get_configuration(stored.id).version == stored.version
    which = {"type": "ed-preview", "index": 0, "kind": advice.MODULE, "key": "no-such-module"}
    assert "no module 'no-such-module'" in text_of(
        editor_panel.apply_preview(services, stored.id, stored.version, which)
    )


def test_applying_a_recommendation_places_its_new_actors_beside_what_it_connects_to(services, stored):
    config, _ = services.load(stored.id, stored.version)
    finding = next(f for f in evaluate(config, services.library_of_configuration(stored.id)).flags if f.recommendations)
    module = finding.recommendations[0].module
    out = editor_edits.handle_edit(services, ID.apply_rec(0, module), 1, _values(stored))
    after, _ = services.load(stored.id, out["version"])
    points = [(a.position.x, a.position.y) for a in after.actors if a.position]
    assert len(set(points)) == len(points)
    new = [a for a in after.actors if a.module == after.modules[-1].id]
    for actor in new:
        nearest = min(
            abs(actor.position.x - x) + abs(actor.position.y - y)
            for x, y in points
            if (x, y) != (actor.position.x, actor.position.y)
        )
        assert nearest >= 60  # nothing drawn on top of it


@pytest.mark.browser
def test_ad001_click_a_flag_preview_apply_then_undo(dash_duo, app, store):
    from test_editor_browser import open_editor

    head = open_editor(dash_duo, app, store)
    flag = dash_duo.wait_for_element("[id*='ed-flag'][data-code='isolated-actor']", timeout=20)
    flag.click()
    summary = dash_duo.wait_for_element("[id*='ed-preview'][id*='connect:lonely']", timeout=10)
    summary.click()
    body = "[id*='ed-preview-body'][id*='connect:lonely']"
    dash_duo.wait_for_contains_text(body, "Flags cleared", timeout=10)
    assert "isolated-actor: Lonely" in dash_duo.find_element(body).text
    dash_duo.find_element("[id*='ed-apply-fix'][id*='connect:lonely']").click()
    wait_for(lambda: store.get_configuration(head.id).version == head.version + 1)
    wait_for(lambda: not dash_duo.driver.find_elements("css selector", "[data-code='isolated-actor']"))
    dash_duo.find_element(f"#{ID.undo}").click()
    wait_for(lambda: store.get_configuration(head.id).version == head.version + 2)
    dash_duo.wait_for_element("[data-code='isolated-actor']", timeout=20)
    assert dash_duo.get_logs() == []
