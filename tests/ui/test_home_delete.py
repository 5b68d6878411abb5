"""Delete a configuration on Home (after a question) and bring it back from "Recently deleted":
the functions behind the page called directly, roles, and once in a real browser."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import flask
import pytest

from callbacks import home
from callbacks.services import NO_ACCESS, VIEW_ONLY, Account, Services
from canvas_app.model import load_configuration, parse_configuration
from layouts import home as home_layouts
from layouts.ids import ID
from ui_helpers import click, find, text_of, wait_for

DATA = Path(__file__).parent / "data"
HTML_NAME = 'Lighting <b>concession</b> <img src=x onerror="alert(1)">'


@pytest.fixture()
def workspace(services):
    return services.default_workspace()


def new(services, workspace, name: str):
    config = load_configuration(DATA / "small-parking.json").model_copy(update={"name": name})
    return services.store.create_configuration(workspace.id, config, author="tester")


def home_parts(services):
    page = home.home_page(services)
    return page, find(page, ID.home_list), find(page, ID.home_deleted)


def components(tree):
    """Every component of a layout tree, depth first."""
    yield tree
    children = getattr(tree, "children", None)
    for child in children if isinstance(children, (list, tuple)) else [children]:
        if child is not None and not isinstance(child, (str, int, float)):
            yield from components(child)


def strings(tree):
    """Every plain-text child of a layout tree."""
    for component in components(tree):
        children = getattr(component, "children", None)
        yield from (c for c in (children if isinstance(children, (list, tuple)) else [children]) if isinstance(c, str))


def test_delete_hides_it_from_home_and_lists_it_under_recently_deleted(services, workspace):
    parking, lighting = new(services, workspace, "Mobile parking"), new(services, workspace, "Smart lighting")
    _, listed, deleted = home_parts(services)
    assert find(listed, ID.home_delete(parking.id)) is not None and deleted.children == []  # calm: nothing shown

    ok, text = home.delete_configuration(services, parking.id)
    assert ok and text == "Deleted “Mobile parking”. All its revisions are kept: restore it under Recently deleted."
    assert services.store.get_configuration(parking.id).deleted_at is not None
    time.sleep(0.01)  # distinct deletion times, so the order below is the order of deletion
    assert home.delete_configuration(services, lighting.id)[0]

    page, listed, deleted = home_parts(services)
    assert "Mobile parking" not in text_of(listed) and find(listed, ID.home_delete(parking.id)) is None
    assert "Recently deleted" in text_of(deleted)
    assert [head.name for _ws, head in home.deleted_configurations(services)] == ["Smart lighting", "Mobile parking"]
    rows = [text_of(item) for item in components(deleted) if getattr(item, "className", "") == "list-group-item"]
    assert rows[0].startswith("Smart lighting") and rows[1].startswith("Mobile parking")  # newest deletion first
    when = f"{services.store.get_configuration(parking.id).deleted_at:%Y-%m-%d %H:%M}"
    assert "My workspace" in rows[1] and when in rows[1]
    restore = find(deleted, ID.home_restore(parking.id))
    assert restore is not None and "Restore" in text_of(restore) and "Mobile parking" in text_of(restore)  # named


def test_recently_deleted_says_who_deleted_it(services, workspace):
    head = new(services, workspace, "Mobile parking")
    home.delete_configuration(services, head.id)
    _, _, deleted = home_parts(services)
    assert "deleted by tester" in text_of(deleted)


def test_restore_brings_it_back_with_all_its_revisions(services, workspace):
    head = new(services, workspace, "Mobile parking")
    config, _ = services.store.load(head.id)
    head = services.store.save(head.id, config.model_copy(update={"city": "Oulu"}), base_version=1, author="ann")
    head = services.store.save(head.id, config.model_copy(update={"city": "Tampere"}), base_version=2, author="bob")
    before = services.store.revisions(head.id)
    home.delete_configuration(services, head.id)

    ok, text = home.restore_configuration(services, head.id)
    assert ok and text == "Restored “Mobile parking”: it is back in its workspace, with all its revisions."
    back = services.store.get_configuration(head.id)
    assert back.deleted_at is None and back.version == 3
    assert services.store.revisions(head.id) == before
    assert services.store.load(head.id)[0].city == "Tampere"
    _, listed, deleted = home_parts(services)
    assert "Mobile parking" in text_of(listed) and find(listed, ID.home_delete(head.id)) is not None
    assert deleted.children == [] and home.deleted_configurations(services) == []


def test_a_second_delete_or_restore_is_harmless_and_says_so(services, workspace):
    head = new(services, workspace, "Mobile parking")
    assert home.restore_configuration(services, head.id) == (False, "“Mobile parking” is not deleted: nothing to restore.")
    assert home.delete_configuration(services, head.id)[0]
    first = services.store.get_configuration(head.id).deleted_at
    assert home.delete_configuration(services, head.id) == (
        False, "“Mobile parking” was already deleted: restore it under Recently deleted.")
    assert home.ask_delete(services, head.id) == (None, "“Mobile parking” is already deleted: restore it under Recently deleted.")
    assert services.store.get_configuration(head.id).deleted_at == first  # the first deletion stands
    assert home.restore_configuration(services, head.id)[0]
    assert not home.restore_configuration(services, head.id)[0]
    assert services.store.get_configuration(head.id).deleted_at is None
    # ids the browser made up
    assert home.delete_configuration(services, 999_999) == (False, "There is no configuration with id 999999: nothing was deleted.")
    for junk in (None, "x", True, -1, 2**40, {"a": 1}):
        ok, text = home.delete_configuration(services, junk)
        assert not ok and text == "Choose a configuration first: nothing was deleted."
        assert not home.restore_configuration(services, junk)[0]


def test_a_configuration_of_a_deleted_workspace_stays_until_the_workspace_is_back(services, workspace):
    other = services.store.create_workspace("Tampere", author="tester")
    head = new(services, other, "Wi-Fi")
    home.delete_configuration(services, head.id)
    services.store.delete_workspace(other.id, author="tester")
    assert home.deleted_configurations(services) == []  # only the workspaces one can see are listed
    assert home.restore_configuration(services, head.id) == (
        False, "“Wi-Fi” is in a deleted workspace: restore the workspace first.")
    assert services.store.get_configuration(head.id).deleted_at is not None


def test_the_dialog_asks_in_plain_words(services, workspace):
    head = new(services, workspace, "Mobile parking")
    question, problem = home.ask_delete(services, head.id)
    assert problem is None
    assert question == ("“Mobile parking” will be hidden from Home and can no longer be changed. All its revisions "
                        "are kept, and you can restore it under Recently deleted.")
    page = home.home_page(services)
    modal = find(page, ID.home_delete_modal)
    assert modal is not None and modal.is_open is False
    assert find(modal, ID.home_delete_confirm) is not None and find(modal, ID.home_delete_cancel) is not None
    assert find(page, ID.home_delete_pending) is not None and find(page, ID.home_delete_text) is not None
    assert services.store.get_configuration(head.id).deleted_at is None  # asking deletes nothing


def test_the_page_never_renders_a_name_as_html(services, workspace):
    live, gone = new(services, workspace, HTML_NAME), new(services, workspace, HTML_NAME + " (old)")
    home.delete_configuration(services, gone.id)
    page = home.home_page(services)
    texts = [text for text in strings(page) if "<b>" in text]
    assert any(HTML_NAME == t for t in texts) and any(t.startswith(HTML_NAME + " (old)") for t in texts)
    assert HTML_NAME in text_of(find(page, ID.home_list)) and HTML_NAME in text_of(find(page, ID.home_deleted))
    assert find(page, ID.home_delete(live.id)) is not None and find(page, ID.home_restore(gone.id)) is not None
    for component in components(page):
        assert type(component).__name__ != "Markdown" and not getattr(component, "dangerously_allow_html", False)
    question, _ = home.ask_delete(services, live.id)
    assert question.startswith(f"“{HTML_NAME}” will be hidden")  # a str child of the dialog: text
    _, text = home.delete_configuration(services, live.id)
    message = home.outcome_message(True, text)
    assert HTML_NAME in text_of(message) and message.color == "success"


def test_only_editors_and_owners_get_delete_and_restore(services, workspace):
    head = new(services, workspace, "Mobile parking")
    gone = new(services, workspace, "Old plan")
    services.store.delete_configuration(gone.id, author="tester")
    live = [(workspace, [head])]
    deleted = [(workspace, services.store.get_configuration(gone.id))]
    for roles, allowed in ((None, True), ({workspace.id: "owner"}, True), ({workspace.id: "editor"}, True),
                           ({workspace.id: "viewer"}, False)):
        cards = home_layouts.configuration_list(live, roles)
        recent = home_layouts.deleted_list(deleted, roles)
        assert (find(cards[0], ID.home_delete(head.id)) is not None) is allowed, roles
        assert (find(recent[0], ID.home_restore(gone.id)) is not None) is allowed, roles
        assert "Old plan" in text_of(recent)  # a viewer still sees what was deleted


def test_with_accounts_the_server_decides_who_may_delete_and_restore(settings, store):
    """The functions check the role themselves: a viewer or a non-member is refused, an editor is not,
    and nobody sees another workspace's deleted configurations."""
    from canvas_app.auth import hash_password

    services = Services(settings=dataclasses.replace(settings, auth=True, secret_key="k" * 32), store=store)
    users = {name: store.create_user(name, hash_password("correct horse battery")) for name in ("ann", "val", "ed", "nora")}
    ours = store.create_workspace("Ours", author="ann", owner_id=users["ann"].id)
    theirs = store.create_workspace("Nora's", author="nora", owner_id=users["nora"].id)
    store.add_member(ours.id, "val", "viewer", added_by="ann")
    store.add_member(ours.id, "ed", "editor", added_by="ann")
    head = store.create_configuration(ours.id, parse_configuration({"name": "Our plan"}), author="ann")
    secret = store.create_configuration(theirs.id, parse_configuration({"name": "Nora's plan"}), author="nora")
    store.delete_configuration(secret.id, author="nora")
    server = flask.Flask(__name__)

    def as_user(name):
        context = server.test_request_context("/")
        context.push()
        flask.g.citycanvas_user = Account(id=users[name].id, name=name)
        return context

    for name, expected in (("val", VIEW_ONLY), ("nora", NO_ACCESS)):
        context = as_user(name)
        try:
            assert home.ask_delete(services, head.id) == (None, expected)
            assert home.delete_configuration(services, head.id) == (False, expected)
            assert store.get_configuration(head.id).deleted_at is None
        finally:
            context.pop()
    context = as_user("val")
    try:
        assert home.restore_configuration(services, secret.id) == (False, NO_ACCESS)  # not their workspace
        assert home.deleted_configurations(services) == []
    finally:
        context.pop()
    context = as_user("ed")
    try:
        assert home.delete_configuration(services, head.id)[0]
        assert [h.name for _ws, h in home.deleted_configurations(services)] == ["Our plan"]  # not Nora's
        assert home.restore_configuration(services, secret.id) == (False, NO_ACCESS)
        assert store.get_configuration(secret.id).deleted_at is not None
        assert home.restore_configuration(services, head.id)[0]
    finally:
        context.pop()


def button(kind: str, configuration_id: int) -> str:
    """The CSS selector of a pattern-matching button (Dash writes the id as sorted, compact JSON)."""
    return f"""[id='{{"config":{configuration_id},"type":"{kind}"}}']"""


@pytest.mark.browser
def test_browser_delete_through_the_dialog_then_restore(dash_duo, app, services, workspace):
    from test_accessibility import violations

    keep = new(services, workspace, "Mobile parking")
    head = new(services, workspace, HTML_NAME)
    dash_duo.start_server(app)
    dash_duo.wait_for_contains_text(f"#{ID.home_list}", HTML_NAME)
    assert dash_duo.find_element(f"#{ID.home_deleted}").text == ""

    # Cancel: the dialog closes and nothing is deleted
    click(dash_duo, button("home-delete", head.id))
    dash_duo.wait_for_element(".modal.show .modal-dialog")
    dash_duo.wait_for_contains_text(f"#{ID.home_delete_text}", f"“{HTML_NAME}” will be hidden")
    time.sleep(0.4)  # the modal's fade-in transition
    assert violations(dash_duo) == [], "delete dialog open"
    click(dash_duo, f"#{ID.home_delete_cancel}")
    wait_for(lambda: not dash_duo.driver.find_elements("css selector", ".modal.show, .modal-backdrop"))
    assert services.store.get_configuration(head.id).deleted_at is None

    # Delete, through the dialog
    click(dash_duo, button("home-delete", head.id))
    dash_duo.wait_for_element(".modal.show .modal-dialog")
    click(dash_duo, f"#{ID.home_delete_confirm}")
    dash_duo.wait_for_contains_text(f"#{ID.home_message}", f"Deleted “{HTML_NAME}”")
    dash_duo.wait_for_contains_text(f"#{ID.home_deleted}", "Recently deleted")
    wait_for(lambda: not dash_duo.driver.find_elements("css selector", ".modal.show, .modal-backdrop"))
    assert HTML_NAME in dash_duo.find_element(f"#{ID.home_deleted}").text  # the tags shown as text
    assert not dash_duo.driver.find_elements("css selector", f"#{ID.home_list} b, #{ID.home_deleted} b, img[src=x]")
    assert HTML_NAME not in dash_duo.find_element(f"#{ID.home_list}").text
    assert "Mobile parking" in dash_duo.find_element(f"#{ID.home_list}").text
    assert services.store.get_configuration(head.id).deleted_at is not None
    assert services.store.get_configuration(keep.id).deleted_at is None
    assert violations(dash_duo) == [], "Recently deleted shown"

    # Restore
    click(dash_duo, button("home-restore", head.id))
    dash_duo.wait_for_contains_text(f"#{ID.home_message}", f"Restored “{HTML_NAME}”")
    dash_duo.wait_for_contains_text(f"#{ID.home_list}", HTML_NAME)
    wait_for(lambda: dash_duo.find_element(f"#{ID.home_deleted}").text == "")
    assert services.store.get_configuration(head.id).deleted_at is None
    dash_duo.wait_for_element(button("home-delete", head.id))  # and it can be deleted again
    assert dash_duo.get_logs() == []
