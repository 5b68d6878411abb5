"""Delete a configuration, or a whole workspace, on Home (after a question) and bring it back from
"Recently deleted": the functions behind the page called directly, roles, and once each in a real browser."""

from __future__ import annotations

import time
from pathlib import Path

import flask
import pytest

from callbacks import home
from canvas_app.model import load_configuration, parse_configuration
from canvas_app.web.services import NO_ACCESS, VIEW_ONLY, WORKSPACE_DELETED, Account, Services
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
    assert home.restore_configuration(services, head.id) == (
        False,
        "“Mobile parking” is not deleted: nothing to restore.",
    )
    assert home.delete_configuration(services, head.id)[0]
    first = services.store.get_configuration(head.id).deleted_at
    assert home.delete_configuration(services, head.id) == (
        False,
        "“Mobile parking” was already deleted: restore it under Recently deleted.",
    )
    assert home.ask_delete(services, head.id) == (
        None,
        "“Mobile parking” is already deleted: restore it under Recently deleted.",
    )
    assert services.store.get_configuration(head.id).deleted_at == first  # the first deletion stands
    assert home.restore_configuration(services, head.id)[0]
    assert not home.restore_configuration(services, head.id)[0]
    assert services.store.get_configuration(head.id).deleted_at is None
    # ids the browser made up
    assert home.delete_configuration(services, 999_999) == (
        False,
        "There is no configuration with id 999999: nothing was deleted.",
    )
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
    assert home.restore_configuration(services, head.id) == (False, WORKSPACE_DELETED)  # the workspace first
    assert services.store.get_configuration(head.id).deleted_at is not None


def test_the_dialog_asks_in_plain_words(services, workspace):
    head = new(services, workspace, "Mobile parking")
    question, problem = home.ask_delete(services, head.id)
    assert problem is None
    assert question == (
        "“Mobile parking” will be hidden from Home and can no longer be changed. All its revisions "
        "are kept, and you can restore it under Recently deleted."
    )
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
    assert any(t == HTML_NAME for t in texts) and any(t.startswith(HTML_NAME + " (old)") for t in texts)
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
    for roles, allowed in (
        (None, True),
        ({workspace.id: "owner"}, True),
        ({workspace.id: "editor"}, True),
        ({workspace.id: "viewer"}, False),
    ):
        cards = home_layouts.configuration_list(live, roles)
        recent = home_layouts.deleted_list(deleted, roles)
        assert (find(cards[0], ID.home_delete(head.id)) is not None) is allowed, roles
        assert (find(recent[0], ID.home_restore(gone.id)) is not None) is allowed, roles
        assert "Old plan" in text_of(recent)  # a viewer still sees what was deleted


def test_with_accounts_the_server_decides_who_may_delete_and_restore(settings, store):
    """The functions check the role themselves: a viewer or a non-member is refused, an editor is not,
    and nobody sees another workspace's deleted configurations."""
    from canvas_app.web.auth import hash_password

    services = Services(settings=settings.model_copy(update={"auth": True, "secret_key": "k" * 32}), store=store)
    users = {
        name: store.create_user(name, hash_password("correct horse battery")) for name in ("ann", "val", "ed", "nora")
    }
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


# -- a whole workspace ----------------------------------------------------------------------
def workspace_button(kind: str, workspace_id: int) -> str:
    """The CSS selector of a workspace's pattern-matching button."""
    return f"""[id='{{"type":"{kind}","workspace":{workspace_id}}}']"""


def select_values(page_or_options):
    options = page_or_options if isinstance(page_or_options, list) else find(page_or_options, ID.home_workspace).options
    return [o["value"] for o in options]


def filled_workspace(services, name: str = "Tampere"):
    """A second workspace with two configurations (one with three revisions), a need and a module."""
    from canvas_app.workspace_model import ModuleRecord, WorkspaceNeed

    other = services.store.create_workspace(name, author="tester")
    parking, wifi = new(services, other, "Mobile parking"), new(services, other, "Wi-Fi")
    config, _ = services.store.load(parking.id)
    services.store.save(parking.id, config.model_copy(update={"city": "Oulu"}), base_version=1, author="ann")
    services.store.save(parking.id, config.model_copy(update={"city": "Tampere"}), base_version=2, author="bob")
    services.store.upsert_need(other.id, WorkspaceNeed(id="n1", name="Pay without a meter"), author="ann")
    module = "id: own-module\nname: Own\ncategory: data\nsummary: s\nsources:\n  - {title: t}\n"
    services.store.put_module(other.id, ModuleRecord(id="own-module", text=module), author="ann")
    return other, parking, wifi


def everything_in(store, workspace_id):
    heads = store.list_configurations(workspace_id, include_deleted=True)
    return (
        [(h.id, h.name, h.version, h.deleted_at) for h in heads],
        [store.revisions(h.id) for h in heads],
        [n.model_dump() for n in store.list_needs(workspace_id)],
        store.list_modules(workspace_id),
        store.get_weights(workspace_id),
    )


def test_deleting_a_workspace_hides_it_and_its_configurations_from_home_and_the_create_form(services, workspace):
    other, parking, wifi = filled_workspace(services)
    page, listed, deleted = home_parts(services)
    delete = find(listed, ID.home_delete_workspace(other.id))
    assert delete is not None and "Delete workspace" in text_of(delete) and "Tampere" in text_of(delete)  # named
    assert delete.size == "sm" and delete.outline is True
    assert find(listed, ID.home_delete_workspace(workspace.id)) is not None  # accounts off: owner of everything
    assert str(other.id) in select_values(page)
    before = everything_in(services.store, other.id)

    ok, text = home.delete_workspace(services, other.id)
    assert ok and text == (
        "Deleted the workspace “Tampere”. Everything in it is kept: an owner can restore it under Recently deleted."
    )
    gone = services.store.get_workspace(other.id)
    assert gone.deleted_at is not None and gone.deleted_by == "tester"

    page, listed, deleted = home_parts(services)
    assert "Tampere" not in text_of(listed) and "Mobile parking" not in text_of(listed)
    assert find(listed, ID.home_delete_workspace(other.id)) is None
    assert find(listed, ID.home_delete(parking.id)) is None and find(listed, ID.home_delete(wifi.id)) is None
    assert select_values(page) == [str(workspace.id)]  # no longer a choice for a new configuration
    assert home.workspace_choice(services, other.id) == (home_layouts.workspace_options([workspace]), str(workspace.id))
    assert [(ws.name, count) for ws, count in home.deleted_workspaces(services)] == [("Tampere", 2)]
    assert home.deleted_configurations(services) == []  # its configurations come back with it: not listed one by one
    row = text_of(deleted)
    assert "Tampere" in row and "workspace with its 2 configurations" in row and "deleted by tester" in row
    assert f"{gone.deleted_at:%Y-%m-%d %H:%M}" in row and "Mobile parking" not in row
    restore = find(deleted, ID.home_restore_workspace(other.id))
    assert restore is not None and "Restore" in text_of(restore) and "Tampere" in text_of(restore)
    assert everything_in(services.store, other.id) == before  # nothing thrown away
    # nothing in it can be created or restored meanwhile
    assert home.create_configuration(services, ID.home_blank, other.id, blank_name="New")[0] is None
    assert home.restore_configuration(services, parking.id) == (False, WORKSPACE_DELETED)


def test_restoring_a_workspace_brings_back_everything(services, workspace):
    other, parking, wifi = filled_workspace(services)
    home.delete_configuration(services, wifi.id)  # deleted on its own before the workspace
    time.sleep(0.01)
    before = everything_in(services.store, other.id)
    home.delete_workspace(services, other.id)
    assert [h.name for _ws, h in home.deleted_configurations(services)] == []

    ok, text = home.restore_workspace(services, other.id)
    assert ok and text == "Restored the workspace “Tampere”: it is back with all its configurations."
    assert services.store.get_workspace(other.id).deleted_at is None
    assert everything_in(services.store, other.id) == before  # revisions, needs, modules, weights
    assert (
        services.store.load(parking.id)[0].city == "Tampere"
        and services.store.get_configuration(parking.id).version == 3
    )
    page, listed, deleted = home_parts(services)
    assert "Tampere" in text_of(listed) and "Mobile parking" in text_of(listed)
    assert find(listed, ID.home_delete_workspace(other.id)) is not None
    assert str(other.id) in select_values(page)
    assert home.deleted_workspaces(services) == []
    # what was deleted on its own stays deleted, and is listed again
    assert [h.name for _ws, h in home.deleted_configurations(services)] == ["Wi-Fi"]
    assert find(deleted, ID.home_restore(wifi.id)) is not None


def test_recently_deleted_lists_workspaces_and_configurations_newest_first(services, workspace):
    other, _parking, _wifi = filled_workspace(services)
    mine = new(services, workspace, "Smart lighting")
    home.delete_configuration(services, mine.id)
    time.sleep(0.01)
    home.delete_workspace(services, other.id)
    _, _, deleted = home_parts(services)
    rows = [text_of(item) for item in components(deleted) if getattr(item, "className", "") == "list-group-item"]
    assert rows[0].startswith("Tampere") and rows[1].startswith("Smart lighting") and len(rows) == 2


def test_a_second_workspace_delete_or_restore_is_harmless_and_says_so(services, workspace):
    other, _parking, _wifi = filled_workspace(services)
    assert home.restore_workspace(services, other.id) == (
        False,
        "The workspace “Tampere” is not deleted: nothing to restore.",
    )
    assert home.delete_workspace(services, other.id)[0]
    first = services.store.get_workspace(other.id)
    assert home.delete_workspace(services, other.id) == (False, WORKSPACE_DELETED)
    assert home.ask_delete_workspace(services, other.id) == (None, WORKSPACE_DELETED)
    assert services.store.get_workspace(other.id) == first  # the first deletion stands: same time, same author
    assert home.restore_workspace(services, other.id)[0]
    assert not home.restore_workspace(services, other.id)[0]
    assert services.store.get_workspace(other.id).deleted_at is None
    assert home.delete_workspace(services, 999_999) == (
        False,
        "There is no workspace with id 999999: nothing was deleted.",
    )
    assert home.restore_workspace(services, 999_999) == (
        False,
        "There is no workspace with id 999999: nothing was restored.",
    )
    for junk in (None, "x", True, -1, 2**40, {"a": 1}):
        assert home.delete_workspace(services, junk) == (False, "Choose a workspace first: nothing was deleted."), junk
        assert not home.restore_workspace(services, junk)[0]
        assert home.ask_delete_workspace(services, junk)[0] is None
    assert [ws.name for ws in services.store.list_workspaces()] == ["My workspace", "Tampere"]


def test_deleting_the_last_workspace_is_not_undone_by_the_next_home(services, workspace):
    """Accounts off, deleting every workspace on purpose leaves Home empty: nothing is made or
    brought back behind the user's back."""
    head = new(services, workspace, "Mobile parking")
    assert home.delete_workspace(services, workspace.id)[0]
    for _load in range(2):
        page, listed, deleted = home_parts(services)
        assert services.store.get_workspace(workspace.id).deleted_at is not None  # still deleted
        assert services.store.list_workspaces() == []  # and no new one made behind the user's back
    assert "No workspace yet" in text_of(listed) and "Mobile parking" not in text_of(listed)
    select = find(page, ID.home_workspace)
    assert select.options == [{"label": "No workspace yet: add one below", "value": "", "disabled": True}]
    assert select.value == ""
    assert home.create_configuration(services, ID.home_blank, select.value, blank_name="New") == (
        None,
        ["choose a workspace first"],
    )
    assert find(deleted, ID.home_restore_workspace(workspace.id)) is not None
    assert home.workspace_choice(services, workspace.id) == (select.options, "")

    assert home.restore_workspace(services, workspace.id)[0]
    page, listed, _ = home_parts(services)
    assert "Mobile parking" in text_of(listed) and find(listed, ID.home_delete(head.id)) is not None
    assert select_values(page) == [str(workspace.id)] and find(page, ID.home_workspace).value == str(workspace.id)


def test_first_run_still_makes_my_workspace(services):
    page, listed, _ = home_parts(services)
    assert "My workspace" in text_of(listed) and len(select_values(page)) == 1


def test_the_workspace_dialog_asks_in_plain_words(services, workspace):
    other, _parking, _wifi = filled_workspace(services)
    question, problem = home.ask_delete_workspace(services, other.id)
    assert problem is None
    assert question == (
        "The workspace “Tampere” and all its configurations will be hidden from everyone. Nothing is thrown "
        "away: its configurations with all their revisions, its needs, advantages, modules and members are kept, "
        "and an owner can restore it under Recently deleted."
    )
    page = home.home_page(services)
    modal = find(page, ID.home_delete_ws_modal)
    assert modal is not None and modal.is_open is False
    assert find(modal, ID.home_delete_ws_confirm) is not None and find(modal, ID.home_delete_ws_cancel) is not None
    assert find(page, ID.home_delete_ws_pending) is not None and find(page, ID.home_delete_ws_text) is not None
    assert services.store.get_workspace(other.id).deleted_at is None  # asking deletes nothing


def test_a_workspace_name_is_never_rendered_as_html(services, workspace):
    other = services.store.create_workspace(HTML_NAME, author="tester")
    gone = services.store.create_workspace(HTML_NAME + " (old)", author="tester")
    home.delete_workspace(services, gone.id)
    page = home.home_page(services)
    texts = [text for text in strings(page) if "<b>" in text]
    assert HTML_NAME in texts and f" {HTML_NAME}" in texts  # the heading, and the button's hidden name
    assert HTML_NAME + " (old)" in texts and f" workspace {HTML_NAME} (old)" in texts  # Recently deleted
    for component in components(page):
        assert type(component).__name__ != "Markdown" and not getattr(component, "dangerously_allow_html", False)
    assert home.ask_delete_workspace(services, other.id)[0].startswith(f"The workspace “{HTML_NAME}” and")
    message = home.outcome_message(*home.delete_workspace(services, other.id))
    assert HTML_NAME in text_of(message) and message.color == "success"


def test_only_owners_get_delete_workspace(services, workspace):
    live = [(workspace, [])]
    for roles, allowed in (
        (None, True),
        ({workspace.id: "owner"}, True),
        ({workspace.id: "editor"}, False),
        ({workspace.id: "viewer"}, False),
    ):
        cards = home_layouts.configuration_list(live, roles)
        assert (find(cards[0], ID.home_delete_workspace(workspace.id)) is not None) is allowed, roles


def test_with_accounts_only_owners_delete_and_restore_a_workspace(settings, store):
    """An editor, a viewer and a non-member are refused; nobody sees another's deleted workspace."""
    from canvas_app.web.auth import hash_password

    services = Services(settings=settings.model_copy(update={"auth": True, "secret_key": "k" * 32}), store=store)
    users = {
        name: store.create_user(name, hash_password("correct horse battery")) for name in ("ann", "val", "ed", "nora")
    }
    ours = store.create_workspace("Ours", author="ann", owner_id=users["ann"].id)
    theirs = store.create_workspace("Nora's", author="nora", owner_id=users["nora"].id)
    store.add_member(ours.id, "val", "viewer", added_by="ann")
    store.add_member(ours.id, "ed", "editor", added_by="ann")
    store.create_configuration(ours.id, parse_configuration({"name": "Our plan"}), author="ann")
    store.delete_workspace(theirs.id, author="nora")
    server = flask.Flask(__name__)

    def as_user(name):
        context = server.test_request_context("/")
        context.push()
        flask.g.citycanvas_user = Account(id=users[name].id, name=name)
        return context

    for name, expected in (("ed", NO_ACCESS), ("val", VIEW_ONLY), ("nora", NO_ACCESS)):
        context = as_user(name)
        try:
            assert home.ask_delete_workspace(services, ours.id) == (None, expected), name
            assert home.delete_workspace(services, ours.id) == (False, expected), name
            assert store.get_workspace(ours.id).deleted_at is None
            if name != "nora":
                listed = find(home.home_page(services), ID.home_list)
                assert "Ours" in text_of(listed) and find(listed, ID.home_delete_workspace(ours.id)) is None
        finally:
            context.pop()
    context = as_user("ann")
    try:
        assert home.restore_workspace(services, theirs.id) == (False, NO_ACCESS)  # not hers
        assert home.deleted_workspaces(services) == []  # and not shown to her
        listed = find(home.home_page(services), ID.home_list)
        assert find(listed, ID.home_delete_workspace(ours.id)) is not None
        assert home.delete_workspace(services, ours.id)[0]
        assert [ws.name for ws, _count in home.deleted_workspaces(services)] == ["Ours"]
        assert find(home.home_page(services), ID.home_restore_workspace(ours.id)) is not None
    finally:
        context.pop()
    for name, expected in (("ed", NO_ACCESS), ("val", VIEW_ONLY)):
        context = as_user(name)
        try:
            page = home.home_page(services)
            assert "Ours" not in text_of(find(page, ID.home_list))  # hidden from every member
            assert home.deleted_workspaces(services) == [] and "Ours" not in text_of(find(page, ID.home_deleted))
            assert home.restore_workspace(services, ours.id) == (False, expected), name  # an editor may not restore
            assert store.get_workspace(ours.id).deleted_at is not None
        finally:
            context.pop()
    context = as_user("nora")
    try:
        assert [ws.name for ws, _count in home.deleted_workspaces(services)] == ["Nora's"]  # not Ann's
        assert home.restore_workspace(services, ours.id) == (False, NO_ACCESS)
    finally:
        context.pop()
    context = as_user("ann")
    try:
        assert home.restore_workspace(services, ours.id)[0]
        assert "Our plan" in text_of(find(home.home_page(services), ID.home_list))
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


@pytest.mark.browser
def test_browser_delete_a_workspace_through_the_dialog_then_restore(dash_duo, app, services, workspace):
    from test_accessibility import violations

    keep = new(services, workspace, "Mobile parking")
    other = services.store.create_workspace(HTML_NAME, author="tester")
    inside = new(services, other, "Wi-Fi")
    dash_duo.start_server(app)
    dash_duo.wait_for_contains_text(f"#{ID.home_list}", HTML_NAME)

    def options():  # real choices (with none, one disabled line says so)
        return [
            o.get_attribute("value")
            for o in dash_duo.find_elements(f"#{ID.home_workspace} option")
            if o.get_attribute("value")
        ]

    assert str(other.id) in options()

    # Cancel: the dialog closes and nothing is deleted
    click(dash_duo, workspace_button("home-delete-ws", other.id))
    dash_duo.wait_for_element(".modal.show .modal-dialog")
    dash_duo.wait_for_contains_text(
        f"#{ID.home_delete_ws_text}", f"The workspace “{HTML_NAME}” and all its configurations"
    )
    time.sleep(0.4)  # the modal's fade-in transition
    assert violations(dash_duo) == [], "delete workspace dialog open"
    click(dash_duo, f"#{ID.home_delete_ws_cancel}")
    wait_for(lambda: not dash_duo.driver.find_elements("css selector", ".modal.show, .modal-backdrop"))
    assert services.store.get_workspace(other.id).deleted_at is None

    # Delete, through the dialog
    click(dash_duo, workspace_button("home-delete-ws", other.id))
    dash_duo.wait_for_element(".modal.show .modal-dialog")
    click(dash_duo, f"#{ID.home_delete_ws_confirm}")
    dash_duo.wait_for_contains_text(f"#{ID.home_message}", f"Deleted the workspace “{HTML_NAME}”")
    dash_duo.wait_for_contains_text(f"#{ID.home_deleted}", HTML_NAME)
    wait_for(lambda: not dash_duo.driver.find_elements("css selector", ".modal.show, .modal-backdrop"))
    assert not dash_duo.driver.find_elements("css selector", f"#{ID.home_list} b, #{ID.home_deleted} b, img[src=x]")
    listed = dash_duo.find_element(f"#{ID.home_list}").text
    assert HTML_NAME not in listed and "Wi-Fi" not in listed and "Mobile parking" in listed
    wait_for(lambda: str(other.id) not in options())  # no longer a choice in the create form
    assert options() == [str(workspace.id)]
    assert services.store.get_workspace(other.id).deleted_at is not None
    assert services.store.get_configuration(inside.id).deleted_at is None  # kept as it was, inside
    assert services.store.get_configuration(keep.id).deleted_at is None
    assert violations(dash_duo) == [], "Recently deleted with a workspace"

    # Restore
    click(dash_duo, workspace_button("home-restore-ws", other.id))
    dash_duo.wait_for_contains_text(f"#{ID.home_message}", f"Restored the workspace “{HTML_NAME}”")
    dash_duo.wait_for_contains_text(f"#{ID.home_list}", "Wi-Fi")
    wait_for(lambda: dash_duo.find_element(f"#{ID.home_deleted}").text == "")
    wait_for(lambda: str(other.id) in options())
    assert services.store.get_workspace(other.id).deleted_at is None
    dash_duo.wait_for_element(workspace_button("home-delete-ws", other.id))  # and it can be deleted again
    assert violations(dash_duo) == [], "restored"
    assert dash_duo.get_logs() == []


def test_a_deleted_workspace_opens_nowhere_until_it_is_restored(services, workspace):
    """Its configurations keep every revision, but the editor, value mechanisms, report and compare
    say it is deleted, and an edit sent anyway is refused by the store."""
    from callbacks import editor_edits, router
    from callbacks.auth import page_or_refusal

    head = new(services, workspace, "Mobile parking")
    other = new(services, workspace, "Smart lighting")
    assert home.delete_workspace(services, workspace.id)[0]
    with flask.Flask(__name__).test_request_context("/"):
        for path, search in (
            (f"/edit/{head.id}", None),
            (f"/mechanisms/{head.id}", None),
            (f"/report/{head.id}", None),
            ("/compare", f"?ids={head.id},{other.id}"),
        ):
            shown = text_of(page_or_refusal(services, lambda: router.route(services, path, search), path))
            assert "is in the deleted workspace “My workspace”" in shown or WORKSPACE_DELETED in shown, path
    out = editor_edits.handle_edit(
        services,
        ID.actor_add,
        1,
        {"config_id": head.id, "version": head.version, "actor_name": "Late", "actor_type": "citizen"},
    )
    assert (
        "deleted workspace" in text_of(out["actor_feedback"]) and services.store.get_configuration(head.id).version == 1
    )
    assert home.restore_workspace(services, workspace.id)[0]
    assert "Mobile parking" in text_of(router.route(services, f"/edit/{head.id}"))
