"""Callback functions called directly (no browser): edits, conflicts, forms, highlight, home."""

from __future__ import annotations

import base64
import json
import math
from pathlib import Path

import pytest
from dash import no_update

from callbacks import editor, editor_edits, editor_panel, home, router
from canvas_app.library import MIN_GAP
from canvas_app.model import load_configuration
from layouts import graph
from layouts.ids import ID
from ui_helpers import text_of

DATA = Path(__file__).parent / "data"


@pytest.fixture()
def stored(services):
    workspace = services.default_workspace()
    head = services.store.create_configuration(
        workspace.id, load_configuration(DATA / "small-parking.json"), author="tester"
    )
    return head


def values(stored, **extra):
    base = {
        "config_id": stored.id,
        "version": stored.version,
        "selection": None,
        "extent": {"x1": 0, "y1": 0, "x2": 400, "y2": 200},
    }
    base.update(extra)
    return base


def test_cb001_drop_places_module_saves_and_returns_small_diff(services, stored):
    out = editor_edits.handle_edit(services, ID.drop, {"module": "test-pay", "x": 120.5, "y": -40}, values(stored))
    assert out["version"] == stored.version + 1
    added = {e["data"]["id"] for e in out["graph_diff"]["add"]}
    assert any(i.startswith("m1-f") for i in added) and "test-payment-provider" in added
    assert out["step_out"]["op"] == "do"
    assert out["step_out"]["step"] == {
        "before": stored.version,
        "after": stored.version + 1,
        "label": "added module 'Test pay-by-phone' and 1 actor, 4 flows",  # names, never ids
    }
    config, head = services.store.load(stored.id)
    assert head.version == stored.version + 1 and config.modules[0].position.x == 120.5
    assert set(out["scores"]) == {
        "scalability",
        "replicability",
        "sustainability",
        "value_creation",
        "value_capture",
        "value_sharing",
    }  # six numbers, nothing else
    assert out["status"].startswith("Saved · version")
    # diff is far smaller than the whole elements list
    assert len(json.dumps(out["graph_diff"])) < len(json.dumps(graph.config_elements(config)))


def test_cb002_undo_then_redo_through_history_request(services, stored):
    out = editor_edits.handle_edit(services, ID.drop, {"module": "test-open-data", "x": 0, "y": 0}, values(stored))
    step = out["step_out"]["step"]
    v1 = out["version"]
    undo = editor_edits.handle_edit(
        services, ID.history_request, {"op": "undo", "step": step}, values(stored, version=v1)
    )
    assert undo["step_out"]["op"] == "undo" and undo["version"] == v1 + 1
    assert services.store.load(stored.id)[0] == load_configuration(DATA / "small-parking.json")
    redo = editor_edits.handle_edit(
        services, ID.history_request, {"op": "redo", "step": step}, values(stored, version=v1 + 1)
    )
    assert redo["version"] == v1 + 2 and len(services.store.load(stored.id)[0].modules) == 1


@pytest.mark.parametrize(
    "trigger, form, feedback, words",
    [
        (ID.actor_add, {"actor_name": "  "}, "actor_feedback", "needs a name"),
        (ID.actor_add, {"actor_name": "X", "actor_count": -3}, "actor_feedback", "negative"),
        (ID.flow_add, {"flow_source": "city", "flow_target": "city"}, "flow_feedback", "same actor"),
        (
            ID.flow_add,
            {"flow_source": "city", "flow_target": "drivers", "flow_amount": -1},
            "flow_feedback",
            "negative",
        ),
        (ID.flow_add, {}, "flow_feedback", "choose"),
        (ID.actor_save, {"actor_name": "X"}, "actor_feedback", "select an actor"),
        (ID.drop, {"module": "no-such-module", "x": 0, "y": 0}, "message", "no-such-module"),
    ],
)
def test_cb003_bad_input_gets_message_and_nothing_saved(services, stored, trigger, form, feedback, words):
    value = form.pop("module", None)
    payload = {"module": "no-such-module", "x": 0, "y": 0} if trigger == ID.drop else 1
    out = editor_edits.handle_edit(services, trigger, payload if value is None else payload, values(stored, **form))
    assert words in text_of(out[feedback])
    assert out["version"] is no_update
    assert services.store.get_configuration(stored.id).version == stored.version


def test_cb004_add_update_delete_actor_and_flow(services, stored):
    v = stored.version
    out = editor_edits.handle_edit(
        services, ID.actor_add, 1, values(stored, actor_name="Bike operator", actor_type="business")
    )
    assert out["graph_diff"]["add"][0]["data"] == {"id": "bike-operator", "label": "Bike operator", "type": "business"}
    # the middle of the view (x 0..400, y 0..200), or the free spot nearest it: never on top of an actor
    added = out["graph_diff"]["add"][0]["position"]
    others = [(a.position.x, a.position.y) for a in services.store.load(stored.id, v)[0].actors if a.position]
    assert all(math.dist((added["x"], added["y"]), p) >= MIN_GAP for p in others)
    assert math.dist((added["x"], added["y"]), (200.0, 100.0)) <= 2 * MIN_GAP
    v += 1
    out = editor_edits.handle_edit(
        services,
        ID.flow_add,
        1,
        values(
            stored,
            version=v,
            flow_source="bike-operator",
            flow_target="drivers",
            flow_kind="service",
            flow_label="bikes",
            flow_amount=2,
            flow_occurrences=10,
            flow_standards="GBFS, MIM1",
        ),
    )
    edge = out["graph_diff"]["add"][0]["data"]
    assert edge["kind"] == "service" and edge["label"] == "bikes (2)"
    v += 1
    flow_id = edge["id"]
    out = editor_edits.handle_edit(
        services,
        ID.flow_save,
        1,
        values(
            stored,
            version=v,
            selection={"kind": "flow", "id": flow_id},
            flow_source="bike-operator",
            flow_target="city",
            flow_kind="data",
            flow_label="trips",
        ),
    )
    # a re-attached edge is removed and added again
    assert flow_id in out["graph_diff"]["remove"] and out["graph_diff"]["add"][0]["data"]["target"] == "city"
    v += 1
    out = editor_edits.handle_edit(
        services,
        ID.delete_confirm,
        1,
        values(
            stored,
            version=v,
            selection={"kind": "actor", "id": "city"},  # selected since the question: the question's actor goes
            delete_target={"actors": ["bike-operator"], "flows": []},
        ),
    )
    assert set(out["graph_diff"]["remove"]) == {"bike-operator", flow_id} and out["selection"] is None
    assert "bike-operator" not in {a.id for a in services.store.load(stored.id)[0].actors}


def test_cb005_moves_are_saved_but_not_echoed(services, stored):
    out = editor_edits.handle_edit(services, ID.moved, {"positions": {"city": [5, 6]}}, values(stored))
    assert out["graph_diff"] == {"add": [], "update": [], "remove": []}
    assert services.store.load(stored.id)[0].actor("city").position.x == 5
    step = out["step_out"]["step"]
    undo = editor_edits.handle_edit(
        services, ID.history_request, {"op": "undo", "step": step}, values(stored, version=out["version"])
    )
    assert undo["graph_diff"]["update"][0]["position"] == {"x": 0.0, "y": 0.0}


def test_cb006_conflict_keeps_both_and_save_mine_branches(services, stored):
    config, _ = services.store.load(stored.id)
    services.store.save(
        stored.id, config.model_copy(update={"city": "Other"}), base_version=stored.version, author="alice"
    )
    out = editor_edits.handle_edit(services, ID.drop, {"module": "test-pay", "x": 0, "y": 0}, values(stored))
    assert out["conflict"]["theirs"] == stored.version + 1 and out["conflict"]["author"] == "alice"
    assert out["version"] is no_update and out["status"].startswith("Conflict")
    path, problems = editor_edits.save_mine(services, stored.id, out["conflict"])
    assert problems is None
    new_id = int(path.rsplit("/", 1)[1])
    mine, head = services.store.load(new_id)
    assert mine.modules[0].module == "test-pay" and head.parent_id == stored.id
    theirs = services.store.load(stored.id)[0]
    assert theirs.city == "Other" and not theirs.modules
    reload = editor_edits.reload_theirs(services, stored.id)
    assert reload["version"] == stored.version + 1 and reload["step_out"]["op"] == "reset"
    assert len(reload["graph_diff"]["reset"]) == len(theirs.actors) + len(theirs.flows)


def test_cb006b_a_failing_save_mine_leaves_no_empty_alternative(services, stored):
    """Red team: each failing "save mine" left an empty "(alternative by ...)" branch behind."""
    workspace_id = services.store.get_configuration(stored.id).workspace_id
    before = [h.id for h in services.store.list_configurations(workspace_id)]
    forged = {"base_version": stored.version, "change": {"kind": "delete_actor", "actor_id": "nobody-here"}}
    path, problems = editor_edits.save_mine(services, stored.id, forged)
    assert path is None and problems
    unknown = {"base_version": stored.version, "change": {"kind": "no-such-command"}}
    assert editor_edits.save_mine(services, stored.id, unknown)[0] is None
    assert [h.id for h in services.store.list_configurations(workspace_id)] == before


def test_cb007_tap_selection_and_flow_picking():
    assert editor_panel.tap("node", {"id": "a"}, None, False, None, None) == (
        {"kind": "actor", "id": "a"},
        no_update,
        no_update,
    )
    assert editor_panel.tap("edge", None, {"id": "f1"}, False, None, None)[0] == {"kind": "flow", "id": "f1"}
    assert editor_panel.tap("node", {"id": "a"}, None, True, None, None) == (no_update, "a", None)
    assert editor_panel.tap("node", {"id": "b"}, None, True, "a", None) == (no_update, "a", "b")
    assert editor_panel.tap("node", {"id": "c"}, None, True, "a", "b") == (no_update, "c", None)
    assert editor_panel.tap(ID.deselect, None, None, False, None, None)[0] is None


def test_cb008_forms_delete_question_highlight_layout(services, stored):
    config, _ = services.store.load(stored.id)
    form = editor_panel.form_values(config, {"kind": "actor", "id": "drivers"})
    assert form["actor_name"] == "Drivers" and form["actor_count"] == 1000 and not form["actor_delete_disabled"]
    form = editor_panel.form_values(config, {"kind": "flow", "id": "f1"})
    assert form["flow_amount"] == 1.5 and form["flow_source"] == "drivers"
    assert editor_panel.form_values(config, None)["actor_save_disabled"]
    assert "its 2 flows" in editor_panel.delete_question(config, {"actors": ["drivers"], "flows": []})
    flow = editor_panel.delete_question(config, editor_panel.delete_target({"kind": "flow", "id": "f1"}, None, False))
    assert flow is not None and "from Drivers to " in flow and "drivers" not in flow  # names, never ids
    many = editor_panel.delete_target(None, {"actors": ["drivers"], "flows": ["f1"]}, True)
    question = editor_panel.delete_question(config, many)
    assert question is not None and question.startswith("Delete 1 actor (Drivers) and 1 flow, with the 1 other flow")
    assert editor_panel.delete_target({"kind": "actor", "id": "drivers"}, None, True) is None  # nothing boxed
    sheet = editor_panel.highlight({"type": "ed-flag", "index": 0}, 1, [["lonely", "f1"]])
    selectors = [rule["selector"] for rule in sheet]
    assert 'node[id = "lonely"]' in selectors and 'edge[id = "f1"]' in selectors
    assert editor_panel.highlight({"type": "ed-flag", "index": 0}, None, [["x"]]) is no_update
    assert editor.layout_for("cose")["name"] == "cose" and editor.layout_for("evil")["name"] == "preset"


def test_cb009_page_builders(services, stored):
    page = router.route(services, f"/edit/{stored.id}")
    assert "Test parking" in text_of(page)
    assert "There is no configuration" in text_of(router.route(services, "/edit/999"))
    assert "no page" in text_of(router.route(services, "/nope"))
    assert "My workspace" in text_of(router.route(services, "/"))
    found = editor.filter_palette(services, stored.id, "test open data", "data")
    assert "test-open-data" in [item.id.rsplit("item-", 1)[1] for item in found]
    assert "No module matches" in text_of(editor.filter_palette(services, stored.id, "zzzz", ""))


def test_cb010_home_create_from_example_blank_and_file(services):
    ws = services.default_workspace().id
    path, problems = home.create_configuration(services, ID.home_blank, ws, blank_name="  ")
    assert path is None and "name" in problems[0]
    path, _ = home.create_configuration(services, ID.home_blank, ws, blank_name="Wi-Fi")
    assert path.startswith("/edit/")
    example = services.examples()[0][0]
    path, _ = home.create_configuration(services, ID.home_from_example, ws, example=example)
    assert path.startswith("/edit/")
    path, problems = home.create_configuration(services, ID.home_from_example, ws, example="../../etc/passwd")
    assert path is None
    bad = "data:application/json;base64," + base64.b64encode(b'{"name": "x", "flows": [1]}').decode()
    path, problems = home.create_configuration(services, ID.home_upload, ws, upload=bad, filename="bad.json")
    assert path is None and problems[0].startswith("bad.json: flows[0]")
    path, problems = home.create_configuration(services, ID.home_upload, ws, upload="data:x;base64,@@@", filename="x")
    assert path is None and "decoded" in problems[0]
    unknown = {
        "name": "x",
        "actors": [{"id": "a", "name": "A", "type": "city"}],
        "modules": [{"id": "m1", "module": "nope"}],
    }
    upload = "data:application/json;base64," + base64.b64encode(json.dumps(unknown).encode()).decode()
    count = len(services.store.list_configurations(ws))
    path, problems = home.create_configuration(services, ID.home_upload, ws, upload=upload, filename="m.json")
    assert path is None and problems[0].startswith(
        "m.json: modules[0] (id 'm1'): module: 'nope' is not in the module library"
    )
    assert len(services.store.list_configurations(ws)) == count
    good = "data:application/json;base64," + base64.b64encode((DATA / "small-parking.json").read_bytes()).decode()
    path, problems = home.create_configuration(services, ID.home_upload, ws, upload=good, filename="ok.json")
    assert problems is None and path.startswith("/edit/")


def test_cb011_user_text_is_never_html(services, stored):
    out = editor_edits.handle_edit(services, ID.actor_add, 1, values(stored, actor_name="<img src=x onerror=alert(1)>"))
    assert out["graph_diff"]["add"][0]["data"]["label"] == "<img src=x onerror=alert(1)>"
    import inspect

    import layouts.editor
    import layouts.home
    import layouts.panels

    for module in (layouts.editor, layouts.home, layouts.panels, editor, home):
        source = inspect.getsource(module)
        assert "dangerously_allow_html" not in source and "dcc.Markdown" not in source


@pytest.mark.parametrize("fmt, start", [("json", b"{"), ("graphml", b"<?xml"), ("csv", b"id,"), ("svg", b"<svg")])
def test_cb012_export_file(services, stored, fmt, start):
    sent = editor.export_file(services, stored.id, fmt)
    data = base64.b64decode(sent["content"]) if sent.get("base64") else sent["content"].encode()
    assert data.lstrip().startswith(start)
    assert sent["filename"] == f"test-parking-v{stored.version}.{fmt}"


def test_cb013_malformed_history_request_is_a_message(services, stored):
    out = editor_edits.handle_edit(
        services, ID.history_request, {"op": "undo", "step": {"before": 99, "after": 100}}, values(stored)
    )
    assert text_of(out["message"]) and out["version"] is no_update
    out = editor_edits.handle_edit(services, ID.history_request, {"op": "undo", "step": "junk"}, values(stored))
    assert "malformed" in text_of(out["message"])
    out = editor_edits.handle_edit(services, ID.drop, {"module": "test-pay", "x": "abc"}, values(stored))
    assert "malformed" in text_of(out["message"])
    assert services.store.get_configuration(stored.id).version == stored.version


def test_cb014_remove_module_from_a_selected_actor(services, stored):
    out = editor_edits.handle_edit(services, ID.drop, {"module": "test-pay", "x": 0, "y": 0}, values(stored))
    v = out["version"]
    config = services.store.load(stored.id)[0]
    created = next(a for a in config.actors if a.module)
    assert not editor_panel.form_values(config, {"kind": "actor", "id": created.id})["module_remove_disabled"]
    out = editor_edits.handle_edit(
        services, ID.module_remove, 1, values(stored, version=v, selection={"kind": "actor", "id": created.id})
    )
    assert created.id in out["graph_diff"]["remove"] and out["selection"] is None
    assert services.store.load(stored.id)[0] == load_configuration(DATA / "small-parking.json")
    out = editor_edits.handle_edit(
        services, ID.module_remove, 1, values(stored, version=v + 1, selection={"kind": "actor", "id": "city"})
    )
    assert "did not come with a module" in text_of(out["message"])


def test_cb015_default_workspace_created_once_and_never_brought_back(services):
    first = services.default_workspace()
    assert services.default_workspace().id == first.id
    services.store.delete_workspace(first.id, author="tester")
    assert services.default_workspace() is None  # deleted on purpose: Recently deleted offers it back
    assert services.store.get_workspace(first.id).deleted_at is not None


def test_cb020_configuration_details_are_an_undoable_edit(services, stored):
    details = {
        "details_name": "Parking, concession model",
        "details_city": "Oulu",
        "details_description": "From the 2024 tender",
        "details_period": "month",
    }
    out = editor_edits.handle_edit(services, ID.details_save, 1, values(stored, **details))
    assert out["version"] == stored.version + 1 and out["details_feedback"] is None
    assert out["title"] == "Parking, concession model" and out["details_period"] == "month"
    config, head = services.store.load(stored.id)
    assert (config.name, config.city, config.description, config.period) == (
        "Parking, concession model",
        "Oulu",
        "From the 2024 tender",
        "month",
    )
    assert head.name == "Parking, concession model"  # Home lists it under its new name
    undo = editor_edits.handle_edit(
        services,
        ID.history_request,
        {"op": "undo", "step": out["step_out"]["step"]},
        values(stored, version=out["version"]),
    )
    assert undo["title"] == "Test parking" and undo["details_name"] == "Test parking"
    assert services.store.load(stored.id)[0].name == "Test parking"


def test_cb021_invalid_details_are_named_beside_the_form_and_nothing_is_saved(services, stored):
    for details, problem in (
        ({"details_name": "  ", "details_period": "year"}, "name: string should have at least 1 character"),
        ({"details_name": "X", "details_period": "fortnight"}, "period: input should be"),
    ):
        out = editor_edits.handle_edit(services, ID.details_save, 1, values(stored, **details))
        assert problem in text_of(out["details_feedback"]) and out["version"] is no_update
    assert services.store.get_configuration(stored.id).version == stored.version


def test_cb022_move_buttons_are_the_keyboard_path_to_drag_an_actor(services, stored):
    config, _ = services.store.load(stored.id)
    before = next(a for a in config.actors if a.id == "drivers").position
    assert editor_panel.form_values(config, {"kind": "actor", "id": "drivers"})["nudge_disabled"] == [False] * 4
    assert editor_panel.form_values(config, None)["nudge_disabled"] == [True] * 4
    out = editor_edits.handle_edit(
        services, ID.nudge("right"), 1, values(stored, selection={"kind": "actor", "id": "drivers"})
    )
    moved = next(a for a in services.store.load(stored.id)[0].actors if a.id == "drivers").position
    assert (moved.x, moved.y) == (before.x + 40, before.y) and out["version"] == stored.version + 1
    assert [e["position"] for e in out["graph_diff"]["update"] if e["data"]["id"] == "drivers"] == [
        {"x": moved.x, "y": moved.y}
    ]  # the canvas is told where it went
    out = editor_edits.handle_edit(services, ID.nudge("up"), 1, values(stored, version=out["version"]))
    assert "select an actor on the canvas first" in text_of(out["actor_feedback"]) and out["version"] is no_update


def test_cb030_editing_an_estimated_amount_in_the_side_panel_makes_it_entered(services, stored):
    """A placed module's default is marked as an estimate; saving the form with a new amount makes it entered."""
    out = editor_edits.handle_edit(services, ID.drop, {"module": "subscription", "x": 0, "y": 0}, values(stored))
    config, head = services.store.load(stored.id)
    fee = next(f for f in config.flows if f.module == "m1" and f.kind.value == "money")
    assert fee.estimated == ["amount", "occurrences"] and fee.occurrences == 1000  # the drivers' count
    selection = {"kind": "flow", "id": fee.id}
    assert editor_panel.estimate_marks(config, selection) == {
        "flow_amount_estimate_hidden": False,
        "flow_amount_class": "text-muted fst-italic",
        "flow_occurrences_estimate_hidden": False,
        "flow_occurrences_class": "text-muted fst-italic",
    }
    form = editor_panel.form_values(config, selection)
    fields = {
        k: form[k]
        for k in (
            "flow_source",
            "flow_target",
            "flow_kind",
            "flow_label",
            "flow_amount",
            "flow_occurrences",
            "flow_standards",
        )
    }
    out = editor_edits.handle_edit(
        services,
        ID.flow_save,
        1,
        values(stored, version=out["version"], selection=selection, **{**fields, "flow_amount": "25"}),
    )
    assert out["version"] == head.version + 1
    config, _ = services.store.load(stored.id)
    assert (config.flow(fee.id).amount, config.flow(fee.id).estimated) == (25.0, ["occurrences"])
    marks = editor_panel.estimate_marks(config, selection)
    assert marks["flow_amount_estimate_hidden"] and marks["flow_amount_class"] == ""
    assert not marks["flow_occurrences_estimate_hidden"]
    assert editor_panel.estimate_marks(config, {"kind": "actor", "id": "drivers"})["flow_amount_estimate_hidden"]


def test_cb031_population_is_a_configuration_detail_that_scales_estimates(services, stored):
    details = {"details_name": "Test parking", "details_period": "year", "details_population": "210000"}
    out = editor_edits.handle_edit(services, ID.details_save, 1, values(stored, **details))
    assert out["version"] == stored.version + 1 and out["details_population"] == 210000
    assert services.store.load(stored.id)[0].population == 210000
    for bad, problem in (
        ("2.5", "Population: a count must be a whole number"),
        ("-4", "population: input should be greater"),
        ("inf", "Population: a count must be a whole number"),
    ):
        out = editor_edits.handle_edit(
            services,
            ID.details_save,
            1,
            values(stored, version=stored.version + 1, **{**details, "details_population": bad}),
        )
        assert problem in text_of(out["details_feedback"]) and out["version"] is no_update
    cleared = editor_edits.handle_edit(
        services,
        ID.details_save,
        1,
        values(stored, version=stored.version + 1, **{**details, "details_population": ""}),
    )
    assert cleared["version"] == stored.version + 2 and services.store.load(stored.id)[0].population is None


@pytest.mark.parametrize(
    "selection", [None, [], "f1", {"kind": "flow"}, {"kind": "flow", "id": ["f1"]}, {"kind": "actor", "id": "f1"}]
)
def test_cb032_estimate_marks_of_anything_but_a_selected_flow_are_hidden(services, stored, selection):
    config, _ = services.store.load(stored.id)
    assert editor_panel.estimate_marks(config, selection) == {
        "flow_amount_estimate_hidden": True,
        "flow_amount_class": "",
        "flow_occurrences_estimate_hidden": True,
        "flow_occurrences_class": "",
    }


def test_the_table_view_of_a_large_map_waits_until_it_is_opened(services, stored):
    from canvas_app.model import parse_configuration
    from layouts.editor import TABLE_VIEW_OPEN_UP_TO
    from ui_helpers import find

    assert find(router.route(services, f"/edit/{stored.id}"), ID.table_view_details).open is True  # small: open
    actors = [{"id": f"a{i}", "name": f"Actor {i}", "type": "business"} for i in range(TABLE_VIEW_OPEN_UP_TO // 2 + 1)]
    flows = [
        {"id": f"f{i}", "source": f"a{i}", "target": f"a{i + 1}", "kind": "service"} for i in range(len(actors) - 1)
    ]
    big = parse_configuration({"name": "Big map", "actors": actors, "flows": flows})
    head = services.store.create_configuration(services.default_workspace().id, big, author="tester")
    assert find(router.route(services, f"/edit/{head.id}"), ID.table_view_details).open is False
