"""``canvas-app users``: accounts for a deployment with sign-in on (add, new password, unlock, list)."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from canvas_app.web.auth import account_key, check_password, hash_password
from storage import StorageError, Store


def read_new_password(stdin: Any = None) -> str:
    """Prompt twice on a terminal; otherwise read the first line of standard input."""
    stdin = stdin or sys.stdin
    if stdin.isatty():
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Repeat the password: "):
            raise ValueError("the two passwords differ")
        return check_password(first)
    return check_password(stdin.readline().rstrip("\r\n"))


def cmd_users_add(args: argparse.Namespace) -> int:
    try:
        password = read_new_password()
        with Store.open(args.database_url) as store:
            first = not store.list_users()
            user = store.create_user(args.name, hash_password(password))
    except (ValueError, StorageError) as exc:
        print(f"canvas-app users add: {exc}", file=sys.stderr)
        return 2
    note = " (first account: owner of every existing workspace)" if first else ""
    print(f"user '{user.name}' added{note}")
    return 0


def cmd_users_passwd(args: argparse.Namespace) -> int:
    """Set a new password (e.g. a forgotten one) and end the user's open sessions."""

    try:
        password = read_new_password()
        with Store.open(args.database_url) as store:
            user = store.find_user(args.name)
            if user is None:
                raise ValueError(f"there is no user named '{args.name}'")
            store.set_password_hash(user.id, hash_password(password))
            store.end_sessions(user.id)
    except (ValueError, StorageError) as exc:
        print(f"canvas-app users passwd: {exc}", file=sys.stderr)
        return 2
    print(f"password of '{user.name}' changed; their open sessions are ended")
    return 0


def cmd_users_unlock(args: argparse.Namespace) -> int:
    """Lift the sign-in throttle on an account (every address), e.g. after a guessing attack."""

    account = account_key(args.name)
    try:
        with Store.open(args.database_url) as store:
            cleared = store.clear_sign_in_throttle(
                keys=[f"account:{account}"], prefixes=[f"account+address:{account}|"]
            )
    except StorageError as exc:
        print(f"canvas-app users unlock: {exc}", file=sys.stderr)
        return 2
    print(f"sign-in of '{args.name}' unlocked ({cleared} counter{'s' if cleared != 1 else ''} cleared)")
    return 0


def cmd_users_list(args: argparse.Namespace) -> int:
    try:
        with Store.open(args.database_url) as store:
            for user in store.list_users():
                workspaces = ", ".join(f"{w.name} ({role})" for w, role in store.workspaces_of(user.id))
                print(f"{user.name}  {workspaces or '-'}")
    except StorageError as exc:
        print(f"canvas-app users list: {exc}", file=sys.stderr)
        return 2
    return 0


def register(sub: Any) -> None:
    """Add ``canvas-app users add NAME``, ``users passwd NAME``, ``users unlock NAME`` and ``users list``."""
    users = sub.add_parser("users", help="accounts for CITYCANVAS_AUTH=on")
    commands = users.add_subparsers(dest="users_command", required=True)
    add = commands.add_parser("add", help="create an account (password prompted, or the first line of stdin)")
    add.add_argument("name")
    add.add_argument("--database-url", default=None, help="SQLAlchemy URL (default: DATABASE_URL, else SQLite)")
    add.set_defaults(func=cmd_users_add)
    passwd = commands.add_parser("passwd", help="set a new password (prompted, or the first line of stdin)")
    passwd.add_argument("name")
    passwd.add_argument("--database-url", default=None)
    passwd.set_defaults(func=cmd_users_passwd)
    unlock = commands.add_parser("unlock", help="lift the sign-in throttle on an account, from every address")
    unlock.add_argument("name")
    unlock.add_argument("--database-url", default=None)
    unlock.set_defaults(func=cmd_users_unlock)
    listing = commands.add_parser("list", help="accounts and their workspaces")
    listing.add_argument("--database-url", default=None)
    listing.set_defaults(func=cmd_users_list)
