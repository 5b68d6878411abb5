"""Needs, value-mechanism and advantage callbacks, called directly on a real SQLite store."""

from __future__ import annotations

from pathlib import Path

import pytest
from dash import html

from callbacks import advantages as adv
from callbacks import mechanisms as mech
from callbacks import needs
from callbacks.router import route
from canvas_app.model import load_configuration, parse_configuration
from canvas_app.ranking import NEED_WEIGHT_PREFIX
from canvas_app.workspace_model import Advantage, WorkspaceNeed
from ui_helpers import text_of

DATA = Path(__file__).parent / "data"


@pytest.fixture()
def workspace(store):
    return store.create_workspace("Oulu", author="tester")


@pytest.fixture()
def parking(store, workspace):
    return store.create_configuration(workspace.id, load_configuration(DATA / "small-parking.json"), author="tester")


FORM = {
    "name": "Pay without a meter",
    "who": "drivers",
    "kind": "need",
    "importance": "4",
    "urgency": "2",
    "evidence": "survey",
    "description": "",
}


def test_a_need_form_without_a_name_or_with_a_bad_score_is_refused_naming_the_field(services, workspace):
    assert needs.need_from_form(None, set(), {**FORM, "name": "  "}) == (
        None,
        ["Name: give the need or opportunity a name."],
    )
    need, problems = needs.need_from_form(None, set(), {**FORM, "importance": "9"})
    assert need is None and problems[0].startswith("Importance:") and "5" in problems[0]
    saved, feedback = needs.save_need(services, workspace.id, None, {**FORM, "urgency": "0"})
    assert not saved and "Urgency" in text_of(feedback)
    assert services.store.list_needs(workspace.id) == []


def test_saving_adds_a_need_with_a_readable_unique_id_and_editing_replaces_it(services, workspace):
    assert needs.save_need(services, workspace.id, None, FORM)[0]
    assert needs.save_need(services, workspace.id, None, {**FORM, "kind": "opportunity"})[0]
    stored = services.store.list_needs(workspace.id)
    assert [n.id for n in stored] == ["need-pay-without-a-meter", "need-pay-without-a-meter-2"]
    assert stored[0].importance == 4 and not stored[0].opportunity and stored[1].opportunity
    assert needs.save_need(services, workspace.id, stored[0].id, {**FORM, "name": "Pay by phone"})[0]
    assert services.store.list_needs(workspace.id)[0].name == "Pay by phone"
    assert needs.form_values(services.store.list_needs(workspace.id)[0])[:4] == ("Pay by phone", "drivers", "need", "4")


def test_editing_a_need_deleted_meanwhile_saves_nothing(services, workspace):
    needs.save_need(services, workspace.id, None, FORM)
    services.store.delete_need(workspace.id, "need-pay-without-a-meter")
    saved, feedback = needs.save_need(services, workspace.id, "need-pay-without-a-meter", FORM)
    assert not saved and "deleted meanwhile" in text_of(feedback)
    assert services.store.list_needs(workspace.id) == []
    assert "no need" in text_of(needs.delete_need(services, workspace.id, "need-pay-without-a-meter"))


def test_weights_change_the_order_as_computed_by_hand_and_bad_weights_save_nothing(services, workspace, parking):
    store = services.store
    store.upsert_need(workspace.id, WorkspaceNeed(id="a", name="A", importance=5, urgency=1))
    store.upsert_need(workspace.id, WorkspaceNeed(id="b", name="B", importance=1, urgency=5, evidence="survey"))
    # defaults 3/2/2/1, both unserved: A = 100*(3+2)/8 = 62.5, B = 100*(2+2+1)/8 = 62.5 -> tie keeps order
    assert [(r.need.id, r.score) for r in needs.ranked_needs(services, workspace.id).ranked] == [
        ("a", 62.5),
        ("b", 62.5),
    ]
    saved, _ = needs.save_weights(services, workspace.id, {"importance": 0, "urgency": 2, "gap": 2, "evidence": 1})
    assert saved  # A = 100*2/5 = 40, B = 100*5/5 = 100
    assert [(r.need.id, r.score) for r in needs.ranked_needs(services, workspace.id).ranked] == [
        ("b", 100.0),
        ("a", 40.0),
    ]
    saved, feedback = needs.save_weights(
        services, workspace.id, {"importance": "", "urgency": 2, "gap": 2, "evidence": 1}
    )
    assert not saved and "Importance: enter a weight from 0 to 10." in text_of(feedback)
    assert store.get_weights(workspace.id)[NEED_WEIGHT_PREFIX + "importance"] == 0.0


def test_serving_a_need_saves_a_revision_and_the_need_is_then_served(services, workspace, parking):
    needs.save_need(services, workspace.id, None, FORM)
    need_id = "need-pay-without-a-meter"
    state = needs.ranked_needs(services, workspace.id)
    assert state.ranked[0].unserved and state.configurations == [(parking.id, "Test parking")]
    options, ticked = needs.flow_choices(services, workspace.id, need_id, str(parking.id))
    assert [o["value"] for o in options] == ["f1", "f2", "f3"] and ticked == []
    assert options[1]["label"] == "parking (Parking operator → Drivers)"
    saved, feedback = needs.serve_need(services, workspace.id, need_id, str(parking.id), ["f2"])
    assert saved, text_of(feedback)
    config, head = services.store.load(parking.id)
    assert head.version == parking.version + 1 and config.needs[-1].served_by == ["f2"]
    ranked = needs.ranked_needs(services, workspace.id).ranked[0]
    assert not ranked.unserved and ranked.served_by == ("Test parking",)
    assert needs.flow_choices(services, workspace.id, need_id, str(parking.id))[1] == ["f2"]
    table, unserved, need_options = needs.ranking_view(services, workspace.id)
    assert "Every need is served" in text_of(unserved) and need_options == [{"label": FORM["name"], "value": need_id}]


def test_serving_needs_a_need_a_configuration_of_the_workspace_and_existing_flows(services, workspace, parking):
    needs.save_need(services, workspace.id, None, FORM)
    need_id = "need-pay-without-a-meter"
    assert "Need: choose a need." in text_of(needs.serve_need(services, workspace.id, None, str(parking.id), [])[1])
    assert "Configuration: choose" in text_of(needs.serve_need(services, workspace.id, need_id, None, [])[1])
    other = services.store.create_workspace("Espoo", author="tester")
    services.store.upsert_need(other.id, WorkspaceNeed(id=need_id, name="x"))
    saved, feedback = needs.serve_need(services, other.id, need_id, str(parking.id), [])
    assert not saved and "this workspace's configurations" in text_of(feedback)
    saved, feedback = needs.serve_need(services, workspace.id, need_id, str(parking.id), ["f99"])
    assert not saved and "f99" in text_of(feedback)
    assert services.store.load(parking.id)[1].version == parking.version  # nothing saved


def test_pages_route_by_path_and_unknown_ids_are_not_found(services, workspace, parking):
    assert "Needs & opportunities · Oulu" in text_of(route(services, f"/workspace/{workspace.id}/needs"))
    assert "Competitive advantages · Oulu" in text_of(route(services, f"/workspace/{workspace.id}/advantages"))
    assert "Value mechanisms · Test parking" in text_of(route(services, f"/mechanisms/{parking.id}"))
    assert "There is no workspace 999" in text_of(route(services, "/workspace/999/needs"))
    assert "There is no configuration 999" in text_of(route(services, "/mechanisms/999"))
    services.store.delete_workspace(workspace.id, author="tester")
    from canvas_app.web.services import WORKSPACE_DELETED, AccessDenied

    with pytest.raises(AccessDenied, match=WORKSPACE_DELETED):  # the page shows the refusal
        route(services, f"/workspace/{workspace.id}/advantages")


def test_mechanisms_page_computes_the_library_ranking_on_load_only_up_to_100_actors(services, workspace, parking):
    page = mech.mechanisms_page(services, parking.id)
    assert "Money from Drivers to Parking operator" in text_of(page) and "None in place yet." in text_of(page)
    assert "Total gain" in text_of(page)  # computed with the page
    actors = [{"id": f"a{i}", "name": f"Segment {i}", "type": "citizen"} for i in range(101)]
    big = parse_configuration(
        {
            "name": "Big",
            "actors": [{"id": "op", "name": "Op", "type": "platform_operator"}, *actors],
            "flows": [{"id": f"f{i}", "source": f"a{i}", "target": "op", "kind": "money"} for i in range(101)],
        }
    )
    head = services.store.create_configuration(workspace.id, big, author="tester")
    page = mech.mechanisms_page(services, head.id)
    assert "computed when you ask for it" in text_of(page) and "Total gain" not in text_of(page)
    assert "Total gain" in text_of(mech.could_add_view(services, head.id))


def test_an_advantage_form_names_each_problem_and_saves_nothing(services, workspace, parking):
    fields = {"service": "", "text": " ", "state": "current", "criteria": ["nope"], "modules": ["no-such-module"]}
    saved, feedback = adv.save_advantage(services, workspace.id, None, fields)
    assert not saved
    for problem in (
        "Service: choose",
        "Advantage: describe",
        "no criterion 'nope'",
        "no library module 'no-such-module'",
    ):
        assert problem in text_of(feedback)
    assert services.store.list_advantages(workspace.id) == []


def test_advantages_rank_by_their_configurations_criteria_and_show_the_gap(services, workspace, parking):
    from canvas_app.analysis import evaluate

    config = services.store.load(parking.id)[0]
    values = {
        c.id: c.value for s in evaluate(config, services.library, recommend=False).scores.values() for c in s.criteria
    }
    strong = max(values, key=values.get)
    weak = min(values, key=values.get)
    for text, criterion, state in (
        ("Weak one", weak, "current"),
        ("Strong one", strong, "current"),
        ("Future one", weak, "to_be"),
    ):
        saved, feedback = adv.save_advantage(
            services,
            workspace.id,
            None,
            {"service": "Test parking", "text": text, "state": state, "criteria": [criterion], "modules": []},
        )
        assert saved, text_of(feedback)
    state = adv.ranked_advantages(services, workspace.id)
    assert [r.advantage.text for r in state.ranked] == ["Strong one", "Weak one", "Future one"]
    assert state.ranked[0].score == round(100 * values[strong], 1)
    assert state.ranked[2].gaps == {weak: round(1 - values[weak], 4)}
    assert state.services == ["Test parking"]
    shown = text_of(adv.ranking_children(services, workspace.id, state))
    assert "To be developed" in shown and f"{values[weak]:.2f}" in shown


def test_an_advantage_for_a_service_that_is_gone_says_so(services, workspace):
    services.store.upsert_advantage(
        workspace.id, Advantage(id="a1", service="Old name", text="Open standards", criteria=["r_open_standards"])
    )
    state = adv.ranked_advantages(services, workspace.id)
    assert not state.ranked[0].service_found and state.ranked[0].score == 0.0
    assert "no configuration of this name" in text_of(adv.ranking_children(services, workspace.id, state))


def test_user_text_is_rendered_as_text(services, workspace):
    services.store.upsert_need(workspace.id, WorkspaceNeed(id="x", name="<script>alert(1)</script>"))
    table, _unserved, _options = needs.ranking_view(services, workspace.id)
    names = [c for c in _walk(table) if isinstance(c, html.Span) and c.children == "<script>alert(1)</script>"]
    assert names  # a text child of a Span: React escapes it


def _walk(component):
    yield component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, (list, tuple)) else [children]:
        if child is not None and not isinstance(child, (str, int, float)):
            yield from _walk(child)


def test_mechanism_gains_use_the_workspaces_score_weights(services, workspace, parking):
    from canvas_app.mechanisms import mechanisms_could_add

    config = services.store.load(parking.id)[0]
    services.store.set_weights(workspace.id, {"vc_citizen_value": 10.0, "r_open_components": 0.0})
    weighted = mechanisms_could_add(config, services.library, {"vc_citizen_value": 10.0, "r_open_components": 0.0})
    plain = mechanisms_could_add(config, services.library)
    assert [(o.module, o.gain) for o in weighted] != [(o.module, o.gain) for o in plain]
    shown = text_of(mech.could_add_view(services, parking.id))
    best = next(o for o in weighted if o.gain > 0)
    assert f"{best.name} {mech.mechanisms_layouts.KIND_LABELS[best.kind]} {best.gain:+.1f}" in shown


def test_a_need_served_in_an_example_names_the_configuration_the_flow_and_the_module(services, workspace):
    from canvas_app.web.settings import REPO_DIR

    oulu = services.store.create_configuration(
        workspace.id, load_configuration(REPO_DIR / "examples" / "oulu-parking.json"), author="tester"
    )
    services.store.upsert_need(workspace.id, WorkspaceNeed(id="pay", name="Pay for parking without a meter or cash"))
    table, unserved, _options = needs.ranking_view(services, workspace.id)
    shown = text_of(table)
    assert f"{oulu.name} : pay parking by phone (Parking app operator → Drivers) · modules: Mobile parking" in shown
    assert "Every need is served" in text_of(unserved)
    links = [c.href for c in _walk(table) if getattr(c, "href", None)]
    assert links == [f"/edit/{oulu.id}"]


GOAL = {
    "name": "Cut time spent searching for parking",
    "need": "need-pay-without-a-meter",
    "indicator": "minutes searching per trip",
    "baseline": 10,
    "target": 5,
    "unit": "minutes",
    "year": 2030,
}


def test_a_public_goal_is_added_edited_and_removed_as_revisions_and_counts_in_value_creation(
    services, workspace, parking
):
    from canvas_app.analysis import evaluate

    needs.save_need(services, workspace.id, None, FORM)
    needs.serve_need(services, workspace.id, "need-pay-without-a-meter", str(parking.id), ["f2"])
    goals, need_options = needs.goal_choices(services, str(parking.id))
    assert goals == [needs.NEW_GOAL] and need_options[1] == {"label": FORM["name"], "value": "need-pay-without-a-meter"}
    saved, feedback, goal_id = needs.save_goal(services, workspace.id, str(parking.id), "", GOAL)
    assert saved and goal_id == "goal-cut-time-spent-searching-for-parking", text_of(feedback)
    config, head = services.store.load(parking.id)
    assert head.version == parking.version + 2 and config.goals[0].target == 5.0 and config.goals[0].year == 2030
    criterion = next(c for c in evaluate(config).scores["value_creation"].criteria if c.id == "vc_public_goals")
    assert criterion.value == 1.0  # measurable and its need is served by f2
    assert needs.goal_values(services, str(parking.id), goal_id) == (
        GOAL["name"],
        GOAL["need"],
        GOAL["indicator"],
        10.0,
        5.0,
        "minutes",
        2030,
    )
    saved, _, _ = needs.save_goal(services, workspace.id, str(parking.id), goal_id, {**GOAL, "year": None})
    config = services.store.load(parking.id)[0]
    assert saved and [g.year for g in config.goals] == [None]  # edited in place, no second goal
    criterion = next(c for c in evaluate(config).scores["value_creation"].criteria if c.id == "vc_public_goals")
    assert criterion.value == 0.0  # no target year: not measurable
    assert needs.remove_goal(services, workspace.id, str(parking.id), goal_id)[0]
    assert services.store.load(parking.id)[0].goals == []


def test_a_goal_without_a_name_or_with_an_implausible_year_saves_nothing(services, workspace, parking):
    saved, feedback, _ = needs.save_goal(services, workspace.id, str(parking.id), "", {**GOAL, "name": " "})
    assert not saved and "Public goal: name the goal" in text_of(feedback)
    saved, feedback, _ = needs.save_goal(
        services, workspace.id, str(parking.id), "", {**GOAL, "need": None, "year": 1850}
    )
    assert not saved and "Year: input should be greater than or equal to 2000 (got 1850)" in text_of(feedback)
    saved, feedback, _ = needs.save_goal(services, workspace.id, str(parking.id), "", GOAL)  # the need is not in it
    assert not saved and "need: no need has id 'need-pay-without-a-meter'" in text_of(feedback)
    assert "Configuration: choose" in text_of(needs.save_goal(services, workspace.id, None, "", GOAL)[1])
    assert services.store.load(parking.id)[1].version == parking.version  # nothing saved
