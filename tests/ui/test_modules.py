"""The workspace's Module library page: browse, add, edit, import, download and delete the
workspace's own modules, and see them in the editor's palette, placements and scores."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from callbacks import modules, router
from canvas_app.analysis import evaluate
from canvas_app.model import load_configuration
from layouts.ids import ID
from ui_helpers import click, text_of, wait_for

DATA = Path(__file__).parent / "data"

CURB_API = """id: curb-api
name: Curb-side loading API
category: data
summary: Delivery companies book loading bays through an open API; the city gets usage data back.
actors:
  - {role: couriers, type: business, name: Delivery companies}
flows:
  - {source: couriers, target: platform_operator, kind: money, label: bay booking fee, amount: 2.0, occurrences: 5000}
  - {source: platform_operator, target: couriers, kind: service, label: bay booking, marginal_cost: low}
  - {source: platform_operator, target: city, kind: data, label: bay usage, standards: [NGSI-LD]}
attributes:
  network_effects: cross_side
  standards: [NGSI-LD]
  open_source: true
sources:
  - {title: Test source, note: "kept short for the tests"}
"""


def upload(text: str) -> str:
    return "data:application/octet-stream;base64," + base64.b64encode(text.encode()).decode()


@pytest.fixture()
def workspace(services):
    return services.default_workspace()


def test_page_lists_shared_and_folder_modules_with_their_origin(services, workspace):
    page = router.route(services, f"/workspace/{workspace.id}/modules")
    shown = text_of(page)
    assert "Module library" in shown and "Mobile parking" in shown and "Built in" in shown
    assert "Test pay-by-phone" in shown and "City module folder" in shown  # the tests' module folder
    rows = modules.module_rows(services.library_for(workspace.id), "parking", "services")
    assert rows and all(r.category == "services" for r in rows)
    assert "mobile-parking" in [r.id for r in rows]


def test_saving_a_module_adds_it_to_this_workspace_only(services, workspace):
    other = services.store.create_workspace("Tampere", author="tester")
    saved, feedback, module_id = modules.save_module(services, workspace.id, CURB_API, "yaml", None)
    assert saved and module_id == "curb-api", text_of(feedback)
    assert "curb-api" in services.library_for(workspace.id)
    assert "curb-api" not in services.library_for(other.id) and "curb-api" not in services.library
    assert services.store.get_module(workspace.id, "curb-api").text == CURB_API  # kept as written
    rows = modules.module_rows(services.library_for(workspace.id))
    assert rows[0].id == "curb-api" and rows[0].origin == "workspace"  # its own modules first


@pytest.mark.parametrize(
    ("text", "fmt", "expected"),
    [
        (CURB_API.replace("category: data", "category: magic"), "yaml", "category: input should be"),
        (
            CURB_API.replace("source: couriers, target: platform_operator", "source: couriers, target: nobody"),
            "yaml",
            "unknown role 'nobody'",
        ),
        (CURB_API.replace("id: curb-api", "id: mobile-parking"), "yaml", "already a module of the shared library"),
        (CURB_API.replace("id: curb-api", "id: test-pay"), "yaml", "already a module of the shared library"),
        ("id: x\nname: [unclosed", "yaml", "not valid YAML: line 2"),
        ('{"id": "x", ', "json", "not valid JSON"),
        ("- just\n- a list\n", "yaml", "a module must be one mapping"),
        ("   ", "yaml", "Write or paste a module definition first"),
        (CURB_API.replace("name: Curb-side loading API", 'name: "Curb \\ud800"'), "yaml", "lone surrogate"),
    ],
)
def test_invalid_modules_are_refused_with_the_reason_and_nothing_is_saved(services, workspace, text, fmt, expected):
    modules.save_module(services, workspace.id, CURB_API.replace("curb-api", "kept"), "yaml", None)
    saved, feedback, module_id = modules.save_module(services, workspace.id, text, fmt, None)
    assert not saved and module_id is None
    assert expected in text_of(feedback)
    assert [m.id for m in services.store.list_modules(workspace.id)] == ["kept"]


def test_a_message_quoting_half_a_surrogate_pair_still_reaches_the_page():
    from dash._utils import to_json

    from layouts.common import message

    shown = message(["name: got 'x\ud800'"])  # half a pair: no JSON can carry it as it is
    line = json.loads(to_json(shown))["props"]["children"][0]["props"]["children"]
    assert line == "name: got 'x\\ud800'"  # shown as the escape the author typed


def test_json_modules_are_kept_as_json(services, workspace):
    data = {"id": "json-one", "name": "JSON one", "category": "revenue", "summary": "s", "sources": [{"title": "t"}]}
    saved, _, _ = modules.save_module(services, workspace.id, json.dumps(data), "json", None)
    assert saved and services.store.get_module(workspace.id, "json-one").format == "json"
    assert modules.module_download(services, workspace.id, "json-one")["filename"] == "json-one.json"


def test_edit_keeps_an_other_editors_change(services, workspace):
    modules.save_module(services, workspace.id, CURB_API, "yaml", None)
    mine = modules.form_for(services, workspace.id, "edit", "curb-api")
    theirs = modules.form_for(services, workspace.id, "edit", "curb-api")
    assert mine["text"] == CURB_API and mine["heading"] == "Edit Curb-side loading API"
    saved, _, _ = modules.save_module(
        services, workspace.id, CURB_API.replace("amount: 2.0", "amount: 3.0"), "yaml", theirs["editing"]
    )
    assert saved
    saved, feedback, _ = modules.save_module(
        services, workspace.id, CURB_API.replace("Curb-side", "Kerb"), "yaml", mine["editing"]
    )
    assert not saved and "Someone changed module 'curb-api' since you opened it" in text_of(feedback)
    assert "amount: 3.0" in services.store.get_module(workspace.id, "curb-api").text


def test_a_new_module_never_overwrites_one_with_the_same_id(services, workspace):
    modules.save_module(services, workspace.id, CURB_API, "yaml", None)
    saved, feedback, _ = modules.save_module(
        services, workspace.id, CURB_API.replace("Curb-side", "Other"), "yaml", None
    )
    assert not saved and "already has a module 'curb-api'" in text_of(feedback)
    assert services.store.get_module(workspace.id, "curb-api").text == CURB_API


def test_edit_a_copy_of_a_shared_module_gives_a_new_valid_id(services, workspace):
    form = modules.form_for(services, workspace.id, "edit", "mobile-parking")
    assert form["editing"] is None and "id: mobile-parking-local" in form["text"]
    saved, _, module_id = modules.save_module(services, workspace.id, form["text"], form["format"], None)
    assert saved and module_id == "mobile-parking-local"
    assert modules.form_for(services, workspace.id, "new")["text"] == modules.TEMPLATE
    assert modules.save_module(services, workspace.id, modules.TEMPLATE, "yaml", None)[0]  # the template is valid


def test_import_saves_a_valid_file_and_keeps_an_invalid_one_in_the_form(services, workspace):
    out = modules.import_module(services, workspace.id, upload(CURB_API), "curb-api.yaml")
    assert out["selected"] == "curb-api" and "Saved module 'curb-api'" in text_of(out["feedback"])
    bad = CURB_API.replace("id: curb-api", "id: curb-two").replace("kind: data", "kind: vibes")
    out = modules.import_module(services, workspace.id, upload(bad), "curb-two.yaml")
    assert "flows[2]: kind" in text_of(out["feedback"]) and out["text"] == bad
    toml = 'id = "toml-one"\nname = "TOML one"\ncategory = "funding"\nsummary = "s"\n[[sources]]\ntitle = "t"\n'
    out = modules.import_module(services, workspace.id, upload(toml), "toml-one.toml")
    assert out["selected"] == "toml-one"
    assert "Nothing was imported" in text_of(
        modules.import_module(services, workspace.id, upload("x"), "a.exe")["feedback"]
    )
    assert "larger than 200 KB" in text_of(
        modules.import_module(services, workspace.id, upload("#" * (2 * 1024 * 1024)), "big.yaml")["feedback"]
    )
    assert sorted(m.id for m in services.store.list_modules(workspace.id)) == ["curb-api", "toml-one"]


def test_delete_only_the_workspace_modules_and_placed_copies_survive(services, workspace):
    modules.save_module(services, workspace.id, CURB_API, "yaml", None)
    head = services.store.create_configuration(
        workspace.id, load_configuration(DATA / "small-parking.json"), author="t"
    )
    from canvas_app.library import place_module

    config, _ = services.store.load(head.id)
    placed = place_module(config, services.library_for(workspace.id)["curb-api"])
    services.store.save(head.id, placed, base_version=head.version, author="t")
    deleted, _ = modules.delete_module(services, workspace.id, "curb-api")
    assert deleted and "curb-api" not in services.library_for(workspace.id)
    deleted, feedback = modules.delete_module(services, workspace.id, "mobile-parking")
    assert not deleted and "Only this workspace's own modules" in text_of(feedback)
    config, _ = services.store.load(head.id)
    before = evaluate(placed, services.library, recommend=False).scores
    assert evaluate(config, services.library, recommend=False).scores == before  # the placed copy still scores


def test_workspace_modules_reach_the_editor_palette_and_value_mechanisms(services, workspace):
    from callbacks import editor, mechanisms

    head = services.store.create_configuration(
        workspace.id, load_configuration(DATA / "small-parking.json"), author="t"
    )
    assert "No module matches" in text_of(editor.filter_palette(services, head.id, "curb", ""))
    assert "Curb-side loading API" not in text_of(mechanisms.mechanisms_page(services, head.id))
    modules.save_module(services, workspace.id, CURB_API, "yaml", None)
    found = editor.filter_palette(services, head.id, "curb", "")
    assert [item.id for item in found] == [ID.palette_item("curb-api")]
    assert "this workspace" in text_of(found)  # marked as the workspace's own
    assert "this workspace" not in text_of(editor.filter_palette(services, head.id, "parking", ""))
    assert "Curb-side loading API" in text_of(mechanisms.mechanisms_page(services, head.id))  # ranked by its gain
    other = services.store.create_workspace("Tampere", author="tester")
    elsewhere = services.store.create_configuration(
        other.id, load_configuration(DATA / "small-parking.json"), author="t"
    )
    assert "No module matches" in text_of(editor.filter_palette(services, elsewhere.id, "curb", ""))


def test_viewers_only_look(services, workspace, monkeypatch):
    from canvas_app.web.services import Access, AccessDenied, Account

    modules.save_module(services, workspace.id, CURB_API, "yaml", None)

    def viewer(action, **_ids):
        if action not in ("use", "view"):
            raise AccessDenied()
        return Access(Account(1, "vera"), workspace.id, "viewer")

    monkeypatch.setattr(services, "require", viewer)
    page = modules.modules_page(services, workspace.id)
    assert "only editors of the workspace can add or change its modules" in text_of(page)
    assert modules.detail_view(services, workspace.id, "curb-api")[3] is True  # delete stays disabled
    with pytest.raises(AccessDenied):
        modules.save_module(services, workspace.id, CURB_API.replace("curb-api", "x"), "yaml", None)
    with pytest.raises(AccessDenied):
        modules.delete_module(services, workspace.id, "curb-api")
    assert [m.id for m in services.store.list_modules(workspace.id)] == ["curb-api"]


@pytest.mark.browser
def test_md001_write_a_module_then_place_it_from_the_palette(dash_duo, app, services, workspace, tmp_path):
    head = services.store.create_configuration(
        workspace.id, load_configuration(DATA / "small-parking.json"), author="t"
    )
    dash_duo.start_server(app)
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/workspace/{workspace.id}/modules")
    dash_duo.wait_for_element(f"#{ID.mod_new}")
    # an invalid module: the reason, and nothing saved
    text = dash_duo.find_element(f"#{ID.mod_text}")
    text.send_keys(CURB_API.replace("category: data", "category: magic"))
    click(dash_duo, f"#{ID.mod_save}")
    dash_duo.wait_for_contains_text(f"#{ID.mod_feedback}", "category: input should be")
    assert services.store.list_modules(workspace.id) == []
    # a valid one, through the page's text box
    dash_duo.driver.execute_script(  # replace the whole text as a paste would
        "const el = arguments[0]; const set = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value').set;"
        "set.call(el, arguments[1]); el.dispatchEvent(new Event('input', {bubbles: true}));",
        text,
        CURB_API,
    )
    click(dash_duo, f"#{ID.mod_save}")
    dash_duo.wait_for_contains_text(f"#{ID.mod_feedback}", "Saved module 'curb-api'")
    dash_duo.wait_for_contains_text(f"#{ID.mod_list}", "Curb-side loading API")
    dash_duo.wait_for_contains_text(f"#{ID.mod_detail}", "bay booking fee")
    # an oversize upload is refused in the browser
    big = tmp_path / "big.yaml"
    with big.open("wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    dash_duo.driver.find_element(By.CSS_SELECTOR, f"#{ID.mod_upload} input[type=file]").send_keys(str(big))
    dash_duo.wait_for_contains_text(f"#{ID.mod_feedback}", "the limit for a module is 200 KB")
    # the editor's palette offers it; Enter places it and the scores change
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/edit/{head.id}")
    item = dash_duo.wait_for_element('[data-module="curb-api"]')
    before = dash_duo.find_element(f"#{ID.scores}").text
    item.send_keys(Keys.ENTER)
    wait_for(lambda: services.store.get_configuration(head.id).version == head.version + 1)
    wait_for(lambda: dash_duo.find_element(f"#{ID.scores}").text != before)
    config, _ = services.store.load(head.id)
    assert config.modules[-1].module == "curb-api" and "Delivery companies" in [a.name for a in config.actors]
    assert dash_duo.get_logs() == []


def test_a_stored_module_the_library_leaves_out_can_still_be_fixed_or_deleted(services, workspace):
    """E.g. a city folder later takes its id: the module is listed as left out, with the reason."""
    from canvas_app.workspace_model import ModuleRecord

    clash = CURB_API.replace("id: curb-api", "id: test-pay")  # test-pay is in the tests' module folder
    services.store.put_module(workspace.id, ModuleRecord(id="test-pay", text=clash), author="t")
    page = modules.modules_page(services, workspace.id)
    assert "already a module of the shared library" in text_of(page)
    [row] = modules.left_out_rows(services, workspace.id)
    assert row.origin == "workspace" and "Left out of the library" in row.summary and row.name == "test-pay"
    ids = [
        r.id
        for r in modules.left_out_rows(services, workspace.id) + modules.module_rows(services.library_for(workspace.id))
    ]
    assert len(ids) == len(set(ids)) and "test-pay" in ids  # listed beside the shared one, under another entry
    detail, label, download_disabled, delete_disabled = modules.detail_view(services, workspace.id, row.id)
    assert "bay booking fee" in text_of(detail) and label == "Edit" and not delete_disabled
    assert modules.form_for(services, workspace.id, "edit", row.id)["text"] == clash
    assert modules.module_download(services, workspace.id, row.id)["filename"] == "test-pay.yaml"
    assert "Test pay-by-phone" in text_of(modules.detail_view(services, workspace.id, "test-pay")[0])  # the shared one
    assert modules.delete_module(services, workspace.id, row.id)[0]
    assert services.store.list_modules(workspace.id) == [] and "test-pay" in services.library


def test_a_deleted_workspace_s_modules_do_not_change(services, workspace):
    modules.save_module(services, workspace.id, CURB_API, "yaml", None)
    services.store.delete_workspace(workspace.id, author="t")
    from canvas_app.web.services import WORKSPACE_DELETED, AccessDenied

    with pytest.raises(AccessDenied, match=WORKSPACE_DELETED):  # a 403 for the browser
        modules.save_module(services, workspace.id, CURB_API.replace("curb-api", "other"), "yaml", None)
    with pytest.raises(AccessDenied, match=WORKSPACE_DELETED):
        modules.delete_module(services, workspace.id, "curb-api")
    assert [m.id for m in services.store.list_modules(workspace.id)] == ["curb-api"]


def test_the_detail_shows_what_a_module_remedies(services, workspace):
    """The remedies the recommender relies on are visible, so a reviewer can check them."""
    from layouts.modules import module_detail as render

    advertising = text_of(render(modules.module_detail(services, workspace.id, "advertising")))
    assert (
        "Remedies:" in advertising
        and "funding-concentration" in advertising
        and "for the platform operator" in advertising
    )
    micro = text_of(render(modules.module_detail(services, workspace.id, "5g-micro-operator")))
    assert "none declared: recommendations never propose this module" in micro
