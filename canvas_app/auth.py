"""Accounts: password hashing, sign-in with throttling, and ``canvas-app users``.

Accounts are off by default (a laptop on 127.0.0.1: one local user who owns
everything). ``CITYCANVAS_AUTH=on`` switches them on; then the app needs
``CITYCANVAS_SECRET_KEY`` to sign session cookies and refuses to start without it.

Passwords are hashed with argon2id (argon2-cffi's defaults, RFC 9106 low-memory
profile). Failed sign-ins are counted in the database per account and per IP
address, so every worker sees the same count; past the limit, sign-in is refused
for the rest of the window without even checking the password.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024
"""Longer input is refused before hashing (argon2 would hash it, slowly, for nothing)."""
THROTTLE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_ADDRESS = 30
"""Per IP address: higher than per account, since an office may share one address."""
REFUSED = "Wrong user name or password."

_hasher = PasswordHasher()


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """Verified against when the user does not exist, so a wrong name costs as long as a wrong password."""
    return _hasher.hash("not a password anyone has")


class AuthConfigError(RuntimeError):
    """Accounts are on but the app cannot run safely (e.g. no secret key)."""


def check_secret_key(secret_key: str | None) -> str:
    """The session-signing key, or AuthConfigError saying how to set one."""
    if not secret_key or len(secret_key) < 16:
        raise AuthConfigError(
            "accounts are on (CITYCANVAS_AUTH=on) but CITYCANVAS_SECRET_KEY is missing or shorter than 16 "
            "characters. Set it to a long random value, the same on every worker, e.g. "
            "CITYCANVAS_SECRET_KEY=$(python -c 'import secrets; print(secrets.token_hex(32))')"
        )
    return secret_key


def check_password(password: str) -> str:
    """A new password: at least MIN_PASSWORD_LENGTH characters (ValueError says why not)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValueError(f"the password must have at most {MAX_PASSWORD_LENGTH} characters")
    return password


def hash_password(password: str) -> str:
    return _hasher.hash(check_password(password))


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


@dataclass(frozen=True)
class SignIn:
    """The outcome of a sign-in attempt: ``user`` (a storage.UserInfo) or a ``message`` to show."""

    user: Any = None
    message: str = ""


def throttle_keys(name: str, address: str | None) -> list[str]:
    keys = [f"user:{' '.join(name.split()).lower()}"]
    if address:
        keys.append(f"ip:{address}")
    return keys


def sign_in(store: Any, name: str, password: str, address: str | None) -> SignIn:
    """Check a user name and password against the store, counting failures.

    The same message for an unknown name and a wrong password (no account discovery).
    """
    name = " ".join(str(name or "").split())
    password = str(password or "")
    account_key, *address_key = throttle_keys(name, address)
    if store.login_failures([account_key], window=THROTTLE_WINDOW) >= MAX_FAILURES_PER_ACCOUNT or (
        address_key and store.login_failures(address_key, window=THROTTLE_WINDOW) >= MAX_FAILURES_PER_ADDRESS
    ):
        minutes = int(THROTTLE_WINDOW.total_seconds() // 60)
        return SignIn(message=f"Too many failed sign-ins. Try again in {minutes} minutes.")
    if not name or not password or len(password) > MAX_PASSWORD_LENGTH:
        store.record_login_failure([account_key, *address_key], window=THROTTLE_WINDOW)
        return SignIn(message=REFUSED)
    found = store.password_hash(name)
    stored = found[1] if found else _dummy_hash()
    if found is None or not verify_password(stored, password):
        store.record_login_failure([account_key, *address_key], window=THROTTLE_WINDOW)
        return SignIn(message=REFUSED)
    user = found[0]
    store.clear_login_failures([account_key])
    if _hasher.check_needs_rehash(stored):
        store.set_password_hash(user.id, _hasher.hash(password))
    return SignIn(user=user)


# -- canvas-app users -----------------------------------------------------------------
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
    from storage import Store, StorageError

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
    from storage import Store, StorageError

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


def cmd_users_list(args: argparse.Namespace) -> int:
    from storage import Store, StorageError

    try:
        with Store.open(args.database_url) as store:
            for user in store.list_users():
                workspaces = ", ".join(f"{w.name} ({role})" for w, role in store.workspaces_of(user.id))
                print(f"{user.name}  {workspaces or '-'}")
    except StorageError as exc:
        print(f"canvas-app users list: {exc}", file=sys.stderr)
        return 2
    return 0


def register_cli(sub: Any) -> None:
    """Add ``canvas-app users add NAME``, ``users passwd NAME`` and ``users list``."""
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
    listing = commands.add_parser("list", help="accounts and their workspaces")
    listing.add_argument("--database-url", default=None)
    listing.set_defaults(func=cmd_users_list)

