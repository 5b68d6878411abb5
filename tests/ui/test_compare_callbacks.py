"""Compare, report and history callbacks called directly (no browser), on a real SQLite store."""

from __future__ import annotations

import base64
import io
from pathlib import Path

import pytest
from dash import no_update
from openpyxl import load_workbook

from callbacks import compare, history, report, router
from callbacks.editor_edits import handle_edit, history_change, save_mine
from canvas_app.commands import AddActor
from canvas_app.model import load_configuration
from layouts.ids import ID
from ui_helpers import text_of

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
DATA = Path(__file__).parent / "data"


def ids_in(component) -> set:
    found = set()
    if isinstance(component, (list, tuple)):
        for c in component:
            found |= ids_in(c)
        return found
    if hasattr(component, "to_plotly_json"):
        if getattr(component, "id", None) is not None:
            found.add(str(component.id))
        found |= ids_in(getattr(component, "children", None))
    return found


@pytest.fixture()
def parking(services):
    """The two parking alternatives stored in the default workspace: (city-run head, open-platform head)."""
    workspace = services.default_workspace()
    a = services.store.create_configuration(
        workspace.id, load_configuration(EXAMPLES / "parking-city-run.json"), author="tester"
    )
    b = services.store.create_configuration(
        workspace.id, load_configuration(EXAMPLES / "parking-open-platform.json"), author="tester"
    )
    return a, b


def test_cmp001_ids_from_the_query_string_with_clear_problems():
    assert compare.parse_ids("?ids=4,7") == ([4, 7], [])
    assert compare.parse_ids("") == ([], ["Name the configurations to compare, e.g. /compare?ids=1,2."])
    assert compare.parse_ids("?ids=3")[1] == ["Compare needs at least two configurations; 1 was given."]
    assert compare.parse_ids("?ids=1,2,3,4,5")[1] == ["Compare takes at most four configurations; 5 were given."]
    assert compare.parse_ids("?ids=1,<b>")[1] == ["'<b>' is not a configuration id (ids are whole numbers)"]
    assert compare.parse_ids("?ids=2,2")[1] == ["Configuration 2 is listed twice."]
    assert compare.parse_ids("?ids=1,99999999999999")[1][0].startswith("'99999999999999' is not")


def test_cmp002_compare_page_shows_radar_growth_and_verdict(services, parking):
    a, b = parking
    page = router.route(services, "/compare", f"?ids={a.id},{b.id}")
    found = ids_in(page)
    assert {ID.compare_radar, ID.compare_growth, ID.compare_verdict, ID.report_html, ID.report_xlsx} <= found
    text = text_of(page)
    assert "Parking on an open platform is more replicable than Parking app, run by the city" in text
    assert "Only A is flagged: vendor-lock-in" in text
    assert "Data flows on open standards" in text  # the criteria table with its reasons


def test_cmp005_without_amounts_the_growth_chart_says_why_it_is_empty(services):
    from canvas_app.model import parse_configuration

    workspace = services.default_workspace()
    ids = [
        services.store.create_configuration(
            workspace.id,
            parse_configuration(
                {
                    "name": name,
                    "actors": [
                        {"id": "c", "name": "City", "type": "city"},
                        {"id": "p", "name": "People", "type": "citizen"},
                    ],
                    "flows": [{"id": "f", "source": "c", "target": "p", "kind": kind}],
                }
            ),
            author="tester",
        ).id
        for name, kind in (("Service", "service"), ("Data", "data"))
    ]
    page = router.route(services, "/compare", f"?ids={ids[0]},{ids[1]}")
    assert ID.compare_growth not in ids_in(page) and ID.compare_radar in ids_in(page)
    assert "there is no net value to plot" in text_of(page)


def test_cmp003_unknown_deleted_and_bad_ids_get_a_message(services, parking):
    a, b = parking
    assert "There is no configuration 999." in text_of(router.route(services, "/compare", f"?ids={a.id},999"))
    services.store.delete_configuration(b.id, author="tester")
    text = text_of(router.route(services, "/compare", f"?ids={a.id},{b.id}"))
    assert f"Configuration {b.id} (Parking on an open platform) is deleted" in text
    assert "at least two" in text_of(router.route(services, "/compare", f"?ids={a.id}"))
    assert "Name the configurations" in text_of(router.route(services, "/compare", None))
    assert "at least two" in text_of(router.route(services, "/report/compare", f"?ids={a.id}"))


def test_cmp004_home_and_editor_pickers_build_the_compare_path(services, parking):
    a, b = parking
    values = [True, False, True]
    pick_ids = [ID.home_compare_pick(a.id), ID.home_compare_pick(12345), ID.home_compare_pick(b.id)]
    assert compare.picked_ids(values, pick_ids) == [a.id, b.id]
    assert compare.validate_ids(compare.picked_ids([True, True], [None, {"index": "1;2"}]))[1] == [
        "'None' is not a configuration id (ids are whole numbers)",
        "'1;2' is not a configuration id (ids are whole numbers)",
    ]
    assert compare.picked_ids("x", 3) == []
    assert compare.compare_path([a.id, b.id]) == f"/compare?ids={a.id},{b.id}"
    options = compare.partner_options(services, a.id)
    assert [o["value"] for o in options] == [str(b.id)]


def test_rep001_configuration_report_page_and_downloads(services, parking):
    a, _b = parking
    page = router.route(services, f"/report/{a.id}")
    text = text_of(page)
    assert "Parking app, run by the city" in text and "Flags and recommendations" in text
    assert "no-open-standards" in text
    data, problem = report.report_file(services, {"kind": "configuration", "id": a.id}, "html")
    assert problem is None and data["filename"].endswith("-v1-report.html")
    html = base64.b64decode(data["content"]).decode("utf-8")
    assert "<h1>Parking app, run by the city</h1>" in html and "<script" not in html
    data, problem = report.report_file(services, {"kind": "configuration", "id": a.id}, "xlsx")
    book = load_workbook(io.BytesIO(base64.b64decode(data["content"])))
    assert book["Summary"]["B2"].value == "Parking app, run by the city"


def test_rep003_report_ranks_workspace_needs_and_this_services_advantages(services, parking):
    from canvas_app.workspace_model import Advantage, WorkspaceNeed

    a, b = parking
    workspace = services.default_workspace()
    config_b, _ = services.store.load(b.id)
    own_need = config_b.needs[0]
    services.store.upsert_need(workspace.id, WorkspaceNeed(id=own_need.id, name=own_need.name, importance=5))
    services.store.upsert_need(workspace.id, WorkspaceNeed(id="wifi", name="Free <b>Wi-Fi</b> downtown"))
    services.store.upsert_advantage(
        workspace.id,
        Advantage(
            id="adv1", service=b.name, text="Open parking data already on NGSI-LD", criteria=["r_open_standards"]
        ),
    )
    services.store.upsert_advantage(workspace.id, Advantage(id="adv2", service="Another service", text="Not this one"))
    built = report.build_configuration_report(services, b.id)
    needs = next(s for s in built.report.sections if s.title == "Needs served")
    ranked = next(t for t in needs.tables if t.headers[1] == "Workspace need")
    rows = {r[1]: r for r in ranked.rows}
    assert rows[own_need.name][3] == "yes" and rows["Free <b>Wi-Fi</b> downtown"][3] == "no"
    advantages = next(s for s in built.report.sections if s.title == "Competitive advantages").tables[0]
    assert [r[1] for r in advantages.rows] == ["Open parking data already on NGSI-LD"]
    assert "r_open_standards 100%" in advantages.rows[0][3]
    data, _ = report.report_file(services, {"kind": "configuration", "id": b.id}, "html")
    html = base64.b64decode(data["content"]).decode("utf-8")
    assert "Free &lt;b&gt;Wi-Fi&lt;/b&gt; downtown" in html and "Not this one" not in html


def test_rep002_comparison_downloads_and_malformed_requests(services, parking):
    a, b = parking
    data, problem = report.report_file(services, {"kind": "comparison", "ids": [a.id, b.id]}, "html")
    assert problem is None and "Verdict" in base64.b64decode(data["content"]).decode("utf-8")
    data, problem = report.report_file(services, {"kind": "comparison", "ids": [a.id, b.id]}, "xlsx")
    assert load_workbook(io.BytesIO(base64.b64decode(data["content"]))).sheetnames[0] == "Scores"
    assert report.report_file(services, {"kind": "comparison", "ids": [a.id]}, "html") == (
        None,
        "Compare needs at least two configurations; 1 was given.",
    )
    assert report.report_file(services, {"kind": "configuration", "id": "x"}, "html") == (
        None,
        "malformed report request",
    )
    assert report.report_file(services, {"kind": "nope"}, "html") == (None, "malformed report request")
    assert report.report_file(services, {"kind": "configuration", "id": 999}, "html") == (
        None,
        "There is no configuration 999.",
    )
    assert "There is no configuration 999" in text_of(router.route(services, "/report/999"))


@pytest.fixture()
def edited(services):
    """A configuration with three versions: v2 adds actor X, v3 adds actor Y."""
    workspace = services.default_workspace()
    head = services.store.create_configuration(
        workspace.id, load_configuration(DATA / "small-parking.json"), author="tester"
    )
    config, _ = services.store.load(head.id)
    config = AddActor({"id": "x", "name": "X", "type": "business"}).apply(config)
    services.store.save(head.id, config, base_version=1, author="tester", summary="add X")
    config = AddActor({"id": "y", "name": "Y", "type": "business"}).apply(config)
    services.store.save(head.id, config, base_version=2, author="tester", summary="add Y")
    return head.id


def test_his001_history_lists_every_revision_newest_first(services, edited):
    listing = history.history_list(services, edited, 3)
    text = text_of(listing)
    assert text.index("Version 3") < text.index("Version 2") < text.index("Version 1")
    assert "add Y" in text and "tester" in text and "current" in text
    found = ids_in(listing)
    assert str(ID.restore_revision(1)) in found and str(ID.restore_revision(3)) not in found  # no restore of the head
    assert str(ID.branch_revision(3)) in found


def restore(services, configuration_id, version, shown):
    """Press "Restore" on ``version`` while the editor shows ``shown``: an ordinary edit."""
    return handle_edit(services, ID.restore_revision(version), 1, {"config_id": configuration_id, "version": shown})


def test_his002_restore_is_a_new_revision_that_undo_takes_back(services, edited):
    out = restore(services, edited, 1, 3)
    assert out["version"] == 4
    assert set(out["graph_diff"]["remove"]) == {"x", "y"}
    assert out["step_out"]["op"] == "do" and out["step_out"]["step"] == {
        "before": 3,
        "after": 4,
        "label": "restored version 1",
    }
    assert services.store.revisions(edited)[-1].summary == "restored version 1"
    restored, head = services.store.load(edited)
    assert head.version == 4 and restored == services.store.load(edited, 1)[0]
    assert [r.version for r in services.store.revisions(edited)] == [1, 2, 3, 4]  # history is never rewritten
    undo = history_change(services, edited, out["step_out"]["step"], undo=True)
    assert undo.apply(restored) == services.store.load(edited, 3)[0]


def test_his003_restore_from_a_stale_version_is_a_conflict_that_loses_nothing(services, edited):
    out = restore(services, edited, 1, 2)  # the screen shows v2, the head is v3
    conflict = out["conflict"]
    assert conflict["base_version"] == 2 and conflict["theirs"] == 3 and out["version"] is no_update
    assert services.store.get_configuration(edited).version == 3
    path, problems = save_mine(services, edited, conflict)  # the editor's "save mine as a new alternative"
    assert problems is None
    branch_id = int(path.rsplit("/", 1)[1])
    assert services.store.load(branch_id)[0].actors == services.store.load(edited, 1)[0].actors


def test_his004_branch_from_head_or_any_revision(services, edited):
    path, problem = history.branch_version(services, edited, 2, "Alternative from v2")
    assert problem is None
    new_id = int(path.rsplit("/", 1)[1])
    branched, head = services.store.load(new_id)
    assert head.name == "Alternative from v2" and head.parent_id == edited and head.parent_version == 2
    assert {a.id for a in branched.actors} == {a.id for a in services.store.load(edited, 2)[0].actors}
    path, _ = history.branch_version(services, edited, None, "From head")
    assert "y" in {a.id for a in services.store.load(int(path.rsplit("/", 1)[1]))[0].actors}
    assert history.branch_version(services, edited, None, "  ") == (None, "Name of a new alternative: give it a name.")
    assert history.branch_version(services, edited, 99, "x")[1]  # no such revision: a message, not a crash


def test_cmp006_names_in_the_charts_are_text_not_plotly_markup(services):
    """Plotly reads <a href>, <span style> … in trace names: a configuration or actor name is shown as typed."""
    from canvas_app.compare import net_values
    from canvas_app.model import parse_configuration
    from layouts.compare import growth_figure, radar_figure

    workspace = services.default_workspace()
    evil = '<a href="https://evil.example">Click</a>'
    ids = [
        services.store.create_configuration(
            workspace.id,
            parse_configuration(
                {
                    "name": f"{evil} {n}",
                    "actors": [
                        {"id": "c", "name": "City", "type": "city"},
                        {"id": "p", "name": evil, "type": "business"},
                    ],
                    "flows": [
                        {"id": "f", "source": "p", "target": "c", "kind": "money", "amount": 2, "occurrences": n}
                    ],
                }
            ),
            author="tester",
        ).id
        for n in (1, 2)
    ]
    loaded = compare.load_comparison(services, ids)
    radar = radar_figure([c.name for c in loaded.comparison.configurations], loaded.comparison)
    growth = growth_figure(net_values(loaded.comparison))
    names = [trace.name for trace in (*radar.data, *growth.data)]
    assert len(radar.data) == 2 and growth.data and all("<" not in n and ">" not in n for n in names)
    assert '&lt;a href="https://evil.example"&gt;Click&lt;/a&gt;' in radar.data[0].name
    assert any('&lt;a href="https://evil.example"&gt;' in trace.name for trace in growth.data)


def test_rep004_comparison_report_ranks_the_workspace_needs_and_recommends_per_alternative(services, parking):
    from callbacks import report as report_callbacks
    from canvas_app.workspace_model import Advantage, WorkspaceNeed

    a, b = parking
    workspace = services.default_workspace()
    services.store.upsert_need(workspace.id, WorkspaceNeed(id="n-free", name="Find a free place <fast>"), author="t")
    services.store.upsert_advantage(
        workspace.id,
        Advantage(
            id="av",
            service="Parking on an open platform",
            text="Other cities can copy it",
            criteria=["r_open_standards"],
        ),
        author="t",
    )
    page = router.route(services, "/report/compare", f"?ids={a.id},{b.id}")
    text = text_of(page)
    assert "Flags and recommendations of A: Parking app, run by the city" in text
    assert "Find a free place <fast>" in text and "Served by B" in text  # user text shown as text
    assert "Other cities can copy it" in text
    data, problem = report_callbacks.report_file(services, {"kind": "comparison", "ids": [a.id, b.id]}, "html")
    assert problem is None and "Find a free place &lt;fast&gt;" in base64.b64decode(data["content"]).decode()
