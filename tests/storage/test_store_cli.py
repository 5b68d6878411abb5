"""The store subcommands (db upgrade, import, export, workspaces, configs, history) on both engines."""

from __future__ import annotations

import json

import pytest

from canvas_app.cli.main import main
from storage import Store


def run(*argv: str) -> int:
    """``canvas-app ARGV``, the way the console script runs it (settings read, then the command)."""
    return main(list(argv))


@pytest.fixture
def config_file(tmp_path, make_config):
    path = tmp_path / "parking.json"
    path.write_text(json.dumps(make_config("Parking", actors=3).model_dump(mode="json")))
    return path


def test_upgrade_import_list_export(empty_db_url, config_file, tmp_path, capsys) -> None:
    assert run("db", "upgrade", "--database-url", empty_db_url) == 0
    assert "0007_city_profiles" in capsys.readouterr().out
    assert (
        run("import", str(config_file), "--workspace", "Oulu", "--database-url", empty_db_url, "--author", "ann") == 0
    )
    assert "configuration 1" in capsys.readouterr().out
    assert run("workspaces", "--database-url", empty_db_url) == 0
    assert "Oulu" in capsys.readouterr().out
    assert run("configs", "--workspace", "Oulu", "--database-url", empty_db_url) == 0
    assert "Parking  v1" in capsys.readouterr().out
    assert run("history", "Parking", "--database-url", empty_db_url) == 0
    assert "ann: imported from parking.json" in capsys.readouterr().out
    for fmt, marker in (("json", b'"format": "citycanvas/1"'), ("graphml", b"<graphml"), ("csv", b"id,source")):
        out = tmp_path / f"out.{fmt}"
        assert run("export", "Parking", "--format", fmt, "-o", str(out), "--database-url", empty_db_url) == 0
        assert marker in out.read_bytes()
    assert run("export", "1", "--format", "json", "--database-url", empty_db_url) == 0
    assert json.loads(capsys.readouterr().out)["name"] == "Parking"


def test_invalid_import_writes_nothing(store_url, tmp_path, capsys) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"name": "x", "actors": [{"id": "a", "name": "A", "type": "alien"}]}')
    assert run("import", str(bad), "--workspace", "Oulu", "--database-url", store_url) == 2
    err = capsys.readouterr().err
    assert "actors[0] (id 'a'): type" in err and "Traceback" not in err
    with Store.open(store_url, upgrade=False) as store:
        assert store.list_workspaces(include_deleted=True) == []


def test_import_refuses_a_module_it_cannot_score(store_url, tmp_path, capsys) -> None:
    """A placed module that is neither in the library nor carried by the file: refused, nothing stored."""
    data = {
        "name": "x",
        "actors": [{"id": "a", "name": "A", "type": "city"}],
        "modules": [{"id": "m1", "module": "no-such-module"}],
    }
    path = tmp_path / "unknown-module.json"
    path.write_text(json.dumps(data))
    assert run("import", str(path), "--workspace", "Oulu", "--database-url", store_url) == 2
    err = capsys.readouterr().err
    assert "modules[0] (id 'm1'): module: 'no-such-module' is not in the module library" in err
    with Store.open(store_url, upgrade=False) as store:
        assert store.list_workspaces(include_deleted=True) == []


def test_unknown_and_ambiguous_names(store_url, config_file, capsys) -> None:
    assert run("export", "Nope", "--database-url", store_url) == 2
    assert "no configuration 'Nope'" in capsys.readouterr().err
    for ws in ("Oulu", "Tampere"):
        assert run("import", str(config_file), "--workspace", ws, "--database-url", store_url) == 0
    assert run("export", "Parking", "--database-url", store_url) == 2
    assert "names 2 configurations" in capsys.readouterr().err
    assert run("export", "Parking", "--workspace", "Tampere", "--database-url", store_url) == 0
    assert run("configs", "--workspace", "Nowhere", "--database-url", store_url) == 2


def test_database_url_falls_back_to_env(tmp_path, monkeypatch, config_file, capsys) -> None:
    url = f"sqlite+pysqlite:///{tmp_path / 'env.sqlite3'}"
    monkeypatch.setenv("DATABASE_URL", url)
    assert run("import", str(config_file), "--workspace", "Oulu") == 0  # a fresh SQLite file upgrades itself
    with Store.open(url) as store:
        assert [w.name for w in store.list_workspaces()] == ["Oulu"]


def test_postgres_without_schema_is_reported(request, capsys) -> None:
    server = request.getfixturevalue("pg_server")
    url = server.create_database()
    try:
        assert run("workspaces", "--database-url", url.render_as_string(hide_password=False)) == 1
        assert "canvas-app db upgrade" in capsys.readouterr().err
    finally:
        server.drop_database(url)


def test_delete_and_restore_keep_everything(store_url, config_file, capsys) -> None:
    assert run("import", str(config_file), "--workspace", "Oulu", "--database-url", store_url) == 0
    capsys.readouterr()
    assert run("delete", "config", "Parking", "--database-url", store_url, "--author", "ann") == 0
    assert "canvas-app restore config 1" in capsys.readouterr().out
    assert run("configs", "--workspace", "Oulu", "--database-url", store_url) == 0
    assert "Parking" not in capsys.readouterr().out
    assert run("configs", "--workspace", "Oulu", "--all", "--database-url", store_url) == 0
    assert "(deleted)" in capsys.readouterr().out
    assert run("restore", "config", "Parking", "--database-url", store_url) == 2
    assert "give the configuration's id" in capsys.readouterr().err
    assert run("restore", "config", "1", "--database-url", store_url) == 0
    assert run("delete", "workspace", "Oulu", "--database-url", store_url) == 0
    capsys.readouterr()
    assert run("workspaces", "--database-url", store_url) == 0
    assert "Oulu" not in capsys.readouterr().out
    assert run("restore", "workspace", "Oulu", "--database-url", store_url) == 0
    with Store.open(store_url, upgrade=False) as store:
        [ws] = store.list_workspaces()
        [head] = store.list_configurations(ws.id)
        config, _ = store.load(head.id)
        assert config.name == "Parking" and len(config.actors) == 3 and head.version == 1
        logged = [(e.action, e.user_name) for e in reversed(store.audit_log())]
    # the command line's deletes and restores are in the audit log too, oldest first, by the author it names
    actions = ["configuration deleted", "configuration restored", "workspace deleted", "workspace restored"]
    assert [action for action, _who in logged] == actions
    assert logged[0][1] == "ann (command line)" and all(who.endswith(" (command line)") for _a, who in logged)
    assert run("delete", "config", "Nope", "--database-url", store_url) == 2


def test_rounds_purge_deletes_what_is_past_its_retention(empty_db_url, capsys) -> None:
    from datetime import date

    from canvas_app.rounds import Round

    assert run("db", "upgrade", "--database-url", empty_db_url) == 0
    store = Store.open(empty_db_url)
    ws = store.create_workspace("Oulu", author="ann")
    spec = {"kind": "needs", "items": [{"id": "n1", "text": "Quiet streets"}], "opens": "2026-03-01"}
    old, _ = store.create_round(
        ws.id, Round.model_validate({**spec, "closes": "2026-03-31", "keep_days": 30}), author="ann"
    )
    kept, _ = store.create_round(ws.id, Round.model_validate({**spec, "closes": "2026-03-31"}), author="ann")
    store.close()
    capsys.readouterr()
    assert run("rounds", "purge", "--today", "2026-05-01", "--database-url", empty_db_url) == 0
    assert f"deleted 1 round(s) past their retention, with their answers: ids {old.id}" in capsys.readouterr().out
    assert run("rounds", "purge", "--today", "2026-05-01", "--database-url", empty_db_url) == 0
    assert "no round is past its retention" in capsys.readouterr().out
    store = Store.open(empty_db_url)
    assert [r.id for r in store.list_rounds(ws.id)] == [kept.id] and date(2026, 5, 1) < date(2027, 3, 31)
    store.close()
    with pytest.raises(SystemExit):
        run("rounds", "purge", "--today", "May 1st", "--database-url", empty_db_url)
