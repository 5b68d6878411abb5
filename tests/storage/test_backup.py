"""``canvas-app db backup`` / ``db restore``: real SQLite files, through the command line."""

from __future__ import annotations

import os
import shlex
import sqlite3
import subprocess
from pathlib import Path

import pytest

from canvas_app.cli.main import main
from canvas_app.model import dump_configuration
from storage import Store


def sqlite_url(path: Path) -> str:
    return f"sqlite+pysqlite:///{path}"


@pytest.fixture
def populated(tmp_path, make_config) -> tuple[str, dict[int, list[tuple[int, str, str]]]]:
    url = sqlite_url(tmp_path / "live.sqlite3")
    return url, populate(url, make_config)


def populate(url: str, make_config) -> dict[int, list[tuple[int, str, str]]]:
    """Two configurations, three and two revisions: {configuration id: [(version, author, content)]}."""
    expected: dict[int, list[tuple[int, str, str]]] = {}
    with Store.open(url, upgrade=True) as store:
        workspace = store.create_workspace("Oulu", author="ann")
        for name, actors in (("Parking", 3), ("Bikes", 2)):
            config = make_config(name, actors=actors)
            head = store.create_configuration(workspace.id, config, author="ann")
            history = [(1, "ann", dump_configuration(config))]
            for step in range(1, 3 if name == "Parking" else 2):
                config = make_config(name, actors=actors + step, tag=f"step {step}")
                head = store.save(head.id, config, base_version=head.version, author="val")
                history.append((head.version, "val", dump_configuration(config)))
            expected[head.id] = history
    return expected


def stored(url: str) -> dict[int, list[tuple[int, str, str]]]:
    """Every revision of every configuration in the store at ``url``, content as stored."""
    found: dict[int, list[tuple[int, str, str]]] = {}
    with Store.open(url) as store:
        for workspace in store.list_workspaces():
            for head in store.list_configurations(workspace.id):
                found[head.id] = [
                    (r.version, r.author, dump_configuration(store.load(head.id, r.version)[0]))
                    for r in store.revisions(head.id)
                ]
    return found


def test_a_backup_restored_into_a_fresh_file_has_every_revision(populated, tmp_path, capsys):
    url, expected = populated
    assert [len(v) for v in expected.values()] == [3, 2]  # the fixture is what the test claims
    backup = tmp_path / "backups" / "citycanvas-2026-12-03.sqlite3"
    assert main(["db", "backup", str(backup), "--database-url", url]) == 0
    assert f"backed up to {backup}" in capsys.readouterr().out
    assert not list(backup.parent.glob("*-wal")) and not list(backup.parent.glob(".*.tmp"))  # one self-contained file
    fresh = sqlite_url(tmp_path / "elsewhere" / "restored.sqlite3")
    assert main(["db", "restore", str(backup), "--database-url", fresh]) == 0
    assert stored(fresh) == expected
    with Store.open(fresh) as store:  # the restored store takes new saves after the last version
        config, head = store.load(next(iter(expected)))
        assert (
            store.save(
                head.id, config.model_copy(update={"description": "after"}), base_version=3, author="ann"
            ).version
            == 4
        )


def test_backup_refuses_to_overwrite_and_copies_while_the_store_is_open(populated, tmp_path, capsys):
    url, expected = populated
    backup = tmp_path / "b.sqlite3"
    backup.write_bytes(b"an older file")
    assert main(["db", "backup", str(backup), "--database-url", url]) == 2
    assert "exists; give --force" in capsys.readouterr().err
    assert backup.read_bytes() == b"an older file"
    with Store.open(url) as store:  # the app is running: WAL mode, a connection open
        store.list_workspaces()
        assert main(["db", "backup", str(backup), "--force", "--database-url", url]) == 0
    assert stored(sqlite_url(backup)) == expected


def test_restore_refuses_a_database_with_data_unless_forced(populated, tmp_path, make_config, capsys):
    url, expected = populated
    backup = tmp_path / "b.sqlite3"
    assert main(["db", "backup", str(backup), "--database-url", url]) == 0
    other = sqlite_url(tmp_path / "other.sqlite3")
    with Store.open(other) as store:
        workspace = store.create_workspace("Tampere", author="tim")
        store.create_configuration(workspace.id, make_config("Other"), author="tim")
    capsys.readouterr()
    assert main(["db", "restore", str(backup), "--database-url", other]) == 2
    assert "holds data; give --force" in capsys.readouterr().err
    with Store.open(other) as store:  # still running: even --force does not pull the file from under it
        assert [w.name for w in store.list_workspaces()] == ["Tampere"]
        assert main(["db", "restore", str(backup), "--force", "--database-url", other]) == 2
        assert "is in use" in capsys.readouterr().err
    assert main(["db", "restore", str(backup), "--force", "--database-url", other]) == 0
    assert not Path(f"{tmp_path / 'other.sqlite3'}-wal").exists()  # no stale WAL of the old file beside the new one
    assert stored(other) == expected


def test_restore_into_an_empty_upgraded_database_needs_no_force(populated, tmp_path):
    url, expected = populated
    backup = tmp_path / "b.sqlite3"
    assert main(["db", "backup", str(backup), "--database-url", url]) == 0
    empty = sqlite_url(tmp_path / "empty.sqlite3")
    assert main(["db", "upgrade", "--database-url", empty]) == 0
    assert main(["db", "restore", str(backup), "--database-url", empty]) == 0
    assert stored(empty) == expected


def test_restore_refuses_what_is_not_a_citycanvas_backup(tmp_path, capsys):
    target = tmp_path / "target.sqlite3"
    not_sqlite = tmp_path / "notes.txt"
    not_sqlite.write_text("hello, this is no database at all, but long enough to have a header" * 10)
    other_sqlite = tmp_path / "other.sqlite3"
    with sqlite3.connect(other_sqlite) as db:
        db.execute("CREATE TABLE t (x)")
    for source, says in ((not_sqlite, "is not an SQLite database"), (other_sqlite, "is not a CityCanvas database")):
        assert main(["db", "restore", str(source), "--database-url", sqlite_url(target)]) == 2
        assert says in capsys.readouterr().err
    assert not target.exists()
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".tmp")]


def test_postgres_gets_the_exact_pg_dump_and_pg_restore_commands(tmp_path, capsys):
    url = "postgresql+psycopg://citycanvas:s3cret@db.example.org:5433/citycanvas"
    assert main(["db", "backup", str(tmp_path / "cc.dump"), "--database-url", url]) == 2
    out, err = capsys.readouterr()
    assert out.strip() == (
        f"pg_dump --format=custom --file={tmp_path / 'cc.dump'} postgresql://citycanvas@db.example.org:5433/citycanvas"
    )
    assert "SQLite files only" in err and "s3cret" not in out + err
    assert main(["db", "restore", str(tmp_path / "cc.dump"), "--database-url", url]) == 2
    assert capsys.readouterr().out.strip() == (
        "pg_restore --clean --if-exists --no-owner --single-transaction"
        f" --dbname=postgresql://citycanvas@db.example.org:5433/citycanvas {tmp_path / 'cc.dump'}"
    )
    assert not (tmp_path / "cc.dump").exists()


@pytest.mark.postgres
def test_the_printed_pg_dump_and_pg_restore_lines_carry_every_revision(pg_server, tmp_path, make_config, capsys):
    """The lines the commands print, run as printed against the real server, restore every revision."""
    source, fresh = pg_server.create_database(), pg_server.create_database()
    try:
        source_url, fresh_url = (u.render_as_string(hide_password=False) for u in (source, fresh))
        expected = populate(source_url, make_config)
        dump = tmp_path / "citycanvas.dump"
        capsys.readouterr()
        assert main(["db", "backup", str(dump), "--database-url", source_url]) == 2
        subprocess.run(shlex.split(capsys.readouterr().out), check=True, timeout=120)
        assert main(["db", "restore", str(dump), "--database-url", fresh_url]) == 2
        subprocess.run(shlex.split(capsys.readouterr().out), check=True, timeout=120)
        assert stored(fresh_url) == expected
    finally:
        pg_server.drop_database(source)
        pg_server.drop_database(fresh)
