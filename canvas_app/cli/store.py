"""Store commands of ``canvas-app``: db upgrade/current/backup/restore, import, export, workspaces, configs,
history, delete, restore.

``canvas_app.cli`` calls :func:`register`. Every command takes ``--database-url``
(default: ``DATABASE_URL``, else the per-user SQLite file) and exits 0 on
success, 2 on invalid input (message on stderr, nothing written), 1 when the
database itself fails.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

from canvas_app.exports import export_configuration
from canvas_app.library import LibraryError, load_library, resolve_definitions
from canvas_app.model import Configuration, ConfigurationError, load_configuration
from storage import AuditActor, NotFoundError, StorageError, Store, WorkspaceInfo, backup, migrate, resolve_url
from storage.engine import is_sqlite, make_engine

EXIT_OK, EXIT_FAILED, EXIT_INVALID = 0, 1, 2


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the store subcommands to the ``canvas-app`` parser."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--database-url",
        default=None,
        metavar="URL",
        help="SQLAlchemy URL (default: DATABASE_URL, else SQLite in the user data folder)",
    )
    author = argparse.ArgumentParser(add_help=False)
    author.add_argument(
        "--author", default=None, help="who makes the change (default: CITYCANVAS_AUTHOR, else the login name)"
    )

    db = subparsers.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    upgrade = db_sub.add_parser("upgrade", parents=[common], help="migrate the database to the current schema")
    upgrade.add_argument("--revision", default="head", help=argparse.SUPPRESS)
    upgrade.set_defaults(func=cmd_db_upgrade)
    current = db_sub.add_parser("current", parents=[common], help="print the database's schema revision")
    current.set_defaults(func=cmd_db_current)
    backup = db_sub.add_parser(
        "backup", parents=[common], help="copy an SQLite database to FILE (PostgreSQL: prints the pg_dump command)"
    )
    backup.add_argument("file", type=Path, metavar="FILE")
    backup.add_argument("--force", action="store_true", help="replace FILE if it exists")
    backup.set_defaults(func=cmd_db_backup)
    restore_db = db_sub.add_parser(
        "restore",
        parents=[common],
        help="replace an SQLite database with the backup FILE (PostgreSQL: prints the pg_restore command)",
    )
    restore_db.add_argument("file", type=Path, metavar="FILE")
    restore_db.add_argument("--force", action="store_true", help="replace a database that holds data")
    restore_db.set_defaults(func=cmd_db_restore)

    imp = subparsers.add_parser(
        "import", parents=[common, author], help="validate a configuration file and add it to a workspace"
    )
    imp.add_argument("file", type=Path)
    imp.add_argument("--workspace", required=True, metavar="NAME", help="workspace (created if missing)")
    imp.set_defaults(func=cmd_import)

    exp = subparsers.add_parser("export", parents=[common], help="export a stored configuration")
    exp.add_argument("config", metavar="CONFIG", help="configuration id or name")
    exp.add_argument("--format", choices=("json", "graphml", "csv"), default="json")
    exp.add_argument("--output", "-o", type=Path, default=None, help="file to write (default: standard output)")
    exp.add_argument("--workspace", default=None, metavar="NAME", help="look the name up in this workspace only")
    exp.add_argument("--version", type=int, default=None, help="a past revision (default: the latest)")
    exp.set_defaults(func=cmd_export)

    ws = subparsers.add_parser("workspaces", parents=[common], help="list workspaces")
    ws.add_argument("--all", action="store_true", help="include deleted workspaces")
    ws.set_defaults(func=cmd_workspaces)

    cfgs = subparsers.add_parser("configs", parents=[common], help="list the configurations of a workspace")
    cfgs.add_argument("--workspace", required=True, metavar="NAME")
    cfgs.add_argument("--all", action="store_true", help="include deleted configurations")
    cfgs.set_defaults(func=cmd_configs)

    hist = subparsers.add_parser("history", parents=[common], help="list the saved revisions of a configuration")
    hist.add_argument("config", metavar="CONFIG", help="configuration id or name")
    hist.add_argument("--workspace", default=None, metavar="NAME")
    hist.set_defaults(func=cmd_history)

    delete = subparsers.add_parser(
        "delete",
        parents=[common, author],
        help="hide a configuration or a whole workspace (kept, and brought back with 'restore')",
    )
    delete.add_argument("kind", choices=("config", "workspace"))
    delete.add_argument("ref", metavar="REF", help="configuration id or name, or workspace name")
    delete.add_argument("--workspace", default=None, metavar="NAME", help="look a configuration name up here only")
    delete.set_defaults(func=cmd_delete)

    restore = subparsers.add_parser(
        "restore", parents=[common, author], help="bring back a deleted configuration (by id) or workspace"
    )
    restore.add_argument("kind", choices=("config", "workspace"))
    restore.add_argument("ref", metavar="REF", help="configuration id (see 'configs --all'), or workspace name")
    restore.set_defaults(func=cmd_restore)

    rounds = subparsers.add_parser("rounds", help="co-creation rounds kept in the store")
    rounds_sub = rounds.add_subparsers(dest="rounds_command", required=True, metavar="COMMAND")
    purge = rounds_sub.add_parser(
        "purge",
        parents=[common],
        help="delete the rounds kept past their retention (each round's 'keep answers for' days after it closed)",
    )
    purge.add_argument(
        "--today", type=_day, default=None, metavar="YYYY-MM-DD", help="count from this day (default: today)"
    )
    purge.set_defaults(func=cmd_rounds_purge)


# -- commands ---------------------------------------------------------------------------
def cmd_db_upgrade(args: argparse.Namespace) -> int:
    url = resolve_url(args.database_url)
    try:
        migrate.upgrade(url, args.revision)
        engine = make_engine(url)
        try:
            revs = sorted(migrate.current_revisions(engine))
        finally:
            engine.dispose()
    except (StorageError, Exception) as exc:  # noqa: BLE001 - report any failure in one line, exit 1
        return _fail(f"upgrade failed, the database is unchanged: {exc}")
    print(f"{url.render_as_string(hide_password=True)}: schema at {', '.join(revs)}")
    return EXIT_OK


def cmd_db_current(args: argparse.Namespace) -> int:
    url = resolve_url(args.database_url)
    engine = make_engine(url)
    try:
        current = sorted(migrate.current_revisions(engine))
    except Exception as exc:  # noqa: BLE001
        return _fail(f"cannot read the schema revision: {exc}")
    finally:
        engine.dispose()
    heads = sorted(migrate.head_revisions())
    state = "up to date" if current == heads else f"needs upgrade to {', '.join(heads)}"
    print(f"{url.render_as_string(hide_password=True)}: schema {', '.join(current) or '(empty)'} ({state})")
    return EXIT_OK


def cmd_db_backup(args: argparse.Namespace) -> int:
    """SQLite: a consistent copy while the app runs; PostgreSQL: the pg_dump line to run instead."""
    url = resolve_url(args.database_url)
    if not is_sqlite(url):
        return _postgres_tool("backup", backup.pg_dump_command(url, args.file))
    try:
        backup.backup_sqlite(url, args.file, force=args.force)
    except (backup.BackupFailed, OSError) as exc:
        return _fail(f"backup failed, {args.file} is unchanged: {exc}")
    except backup.BackupError as exc:
        return _invalid(f"backup refused: {exc}")
    print(f"{url.render_as_string(hide_password=True)}: backed up to {args.file}")
    return EXIT_OK


def cmd_db_restore(args: argparse.Namespace) -> int:
    """SQLite: replace the database with a backup (stop the app first); PostgreSQL: the pg_restore line."""
    url = resolve_url(args.database_url)
    if not is_sqlite(url):
        return _postgres_tool("restore", backup.pg_restore_command(url, args.file))
    try:
        backup.restore_sqlite(args.file, url, force=args.force)
    except (backup.BackupFailed, OSError) as exc:
        return _fail(f"restore failed, the database is unchanged: {exc}")
    except backup.BackupError as exc:
        return _invalid(f"restore refused, the database is unchanged: {exc}")
    print(f"{url.render_as_string(hide_password=True)}: restored from {args.file}")
    return EXIT_OK


def _postgres_tool(verb: str, command: str) -> int:
    """PostgreSQL has its own tools: say so, and print the exact command for the configured database."""
    print(
        f"canvas-app: db {verb} copies SQLite files only; for PostgreSQL run (password from ~/.pgpass or PGPASSWORD):",
        file=sys.stderr,
    )
    print(command)
    return EXIT_INVALID


def cmd_import(args: argparse.Namespace) -> int:
    """Import a file only if it can be scored: its placed modules must carry a definition or be in the library."""

    try:
        config = load_configuration(args.file)
        resolve_definitions(config, load_library(args.settings.library_dirs))
    except (ConfigurationError, LibraryError) as exc:
        print(f"canvas-app import: invalid input, nothing was imported:\n{exc}", file=sys.stderr)
        return EXIT_INVALID
    return _with_store(args, lambda store: _import(store, args, config))


def _import(store: Store, args: argparse.Namespace, config: Configuration) -> int:
    head = store.import_configuration(
        args.workspace, config, author=_author(args), summary=f"imported from {args.file.name}"
    )
    print(
        f"imported '{head.name}' into workspace '{args.workspace}' as configuration {head.id} (version {head.version})"
    )
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    def run(store: Store) -> int:
        config_id = _resolve_config(store, args.config, args.workspace)
        config, _head = store.load(config_id, args.version)
        data = export_configuration(config, args.format)
        if args.output is None:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
        else:
            _write_atomically(args.output, data)
            print(f"wrote {args.output} ({len(data):,} bytes)", file=sys.stderr)
        return EXIT_OK

    return _with_store(args, run)


def cmd_workspaces(args: argparse.Namespace) -> int:
    def run(store: Store) -> int:
        for ws in store.list_workspaces(include_deleted=args.all):
            count = len(store.list_configurations(ws.id))
            deleted = f"  (deleted {ws.deleted_at:%Y-%m-%d})" if ws.deleted_at else ""
            print(f"{ws.id:>5}  {ws.name}  [{count} configuration{'s' if count != 1 else ''}]{deleted}")
        return EXIT_OK

    return _with_store(args, run)


def cmd_configs(args: argparse.Namespace) -> int:
    def run(store: Store) -> int:
        ws = _resolve_workspace(store, args.workspace)
        for head in store.list_configurations(ws.id, include_deleted=args.all):
            parent = f"  branched from {head.parent_id} v{head.parent_version}" if head.parent_id else ""
            deleted = "  (deleted)" if head.deleted_at else ""
            print(
                f"{head.id:>5}  {head.name}  v{head.version}  {head.updated_at:%Y-%m-%d %H:%M} "
                f"by {head.updated_by}{parent}{deleted}"
            )
        return EXIT_OK

    return _with_store(args, run)


def cmd_history(args: argparse.Namespace) -> int:
    def run(store: Store) -> int:
        config_id = _resolve_config(store, args.config, args.workspace)
        for rev in store.revisions(config_id):
            size = f"  [{rev.actor_count} actors, {rev.flow_count} flows]" if rev.actor_count is not None else ""
            print(f"v{rev.version:<4} {rev.created_at:%Y-%m-%d %H:%M:%S}  {rev.author}: {rev.summary}{size}")
        return EXIT_OK

    return _with_store(args, run)


def cmd_delete(args: argparse.Namespace) -> int:
    """Soft delete: nothing is erased, so a mistaken delete costs one ``restore``."""

    def run(store: Store) -> int:
        if args.kind == "workspace":
            ws = _resolve_workspace(store, args.ref)
            store.delete_workspace(ws.id, author=_author(args), audit=_audited(args))
            print(f"deleted workspace '{ws.name}'; bring it back with: canvas-app restore workspace '{ws.name}'")
        else:
            head = store.delete_configuration(
                _resolve_config(store, args.ref, args.workspace), author=_author(args), audit=_audited(args)
            )
            print(
                f"deleted configuration '{head.name}' (id {head.id}); bring it back with: "
                f"canvas-app restore config {head.id}"
            )
        return EXIT_OK

    return _with_store(args, run)


def cmd_restore(args: argparse.Namespace) -> int:
    def run(store: Store) -> int:
        if args.kind == "workspace":
            ws = _resolve_workspace(store, args.ref)
            store.restore_workspace(ws.id, author=_author(args), audit=_audited(args))
            print(f"restored workspace '{ws.name}'")
        else:
            if not args.ref.isdigit():
                raise _Invalid("give the configuration's id (canvas-app configs --workspace W --all lists them)")
            head = store.restore_configuration(int(args.ref), author=_author(args), audit=_audited(args))
            print(f"restored configuration '{head.name}' (id {head.id}, version {head.version})")
        return EXIT_OK

    return _with_store(args, run)


# -- helpers ----------------------------------------------------------------------------
class _Invalid(Exception):
    """A reference the user typed matches nothing (or too much)."""


def cmd_rounds_purge(args: argparse.Namespace) -> int:
    """Retention as the owners set it: run daily (cron, a systemd timer) on the shared store."""

    def run(store: Store) -> int:
        deleted = store.delete_expired_rounds(args.today or date.today())
        if deleted:
            print(
                f"deleted {len(deleted)} round(s) past their retention, with their answers: ids {', '.join(map(str, deleted))}"
            )
        else:
            print("no round is past its retention")
        return EXIT_OK

    return _with_store(args, run)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _with_store(args: argparse.Namespace, run: Callable[[Store], int]) -> int:
    try:
        store = Store.open(args.database_url)
    except StorageError as exc:
        return _fail(str(exc))
    try:
        return int(run(store))
    except (_Invalid, NotFoundError, ValueError) as exc:
        print(f"canvas-app {args.command}: {exc}", file=sys.stderr)
        return EXIT_INVALID
    except StorageError as exc:
        return _fail(str(exc))
    finally:
        store.close()


def _resolve_workspace(store: Store, name: str) -> WorkspaceInfo:
    ws = store.find_workspace(name)
    if ws is None:
        raise _Invalid(f"no workspace named '{name}'")
    return ws


def _resolve_config(store: Store, ref: str, workspace: str | None) -> int:
    workspace_id = _resolve_workspace(store, workspace).id if workspace else None
    if ref.isdigit():
        head = store.get_configuration(int(ref))
        if workspace_id is None or head.workspace_id == workspace_id:
            return head.id
    matches = store.find_configurations(ref, workspace_id=workspace_id)
    if not matches:
        raise _Invalid(f"no configuration '{ref}'" + (f" in workspace '{workspace}'" if workspace else ""))
    if len(matches) > 1:
        ids = ", ".join(str(m.id) for m in matches)
        raise _Invalid(f"'{ref}' names {len(matches)} configurations (ids {ids}): give the id or --workspace")
    return matches[0].id


def _author(args: argparse.Namespace) -> str:
    return str(args.author or args.settings.author)


def _audited(args: argparse.Namespace) -> AuditActor:
    """The command line's deletes and restores go into the audit log like the web app's (no address: a shell)."""
    return AuditActor(None, f"{_author(args)} (command line)")


def _write_atomically(path: Path, data: bytes) -> None:
    """Write beside the target and rename, so a crash never leaves half an export."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _invalid(message: str) -> int:
    print(f"canvas-app: {message}", file=sys.stderr)
    return EXIT_INVALID


def _fail(message: str) -> int:
    print(f"canvas-app: {message}", file=sys.stderr)
    return EXIT_FAILED
