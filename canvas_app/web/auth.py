"""Accounts: password hashing, sign-in with throttling, and ``canvas-app users``.

Accounts are off by default (a laptop on 127.0.0.1: one local user who owns
everything). ``CITYCANVAS_AUTH=on`` switches them on; then the app needs
``CITYCANVAS_SECRET_KEY`` to sign session cookies and refuses to start without it.

Passwords are hashed with argon2id (argon2-cffi's defaults, RFC 9106 low-memory
profile). Every sign-in attempt is counted in the database *before* its password is
checked, in one atomic step per attempt (see ``Store.reserve_sign_in``), so parallel
requests on any number of workers cannot get more guesses than the limits:

* per account from one address: MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS in THROTTLE_WINDOW;
* per address, whatever the accounts: MAX_FAILURES_PER_ADDRESS in THROTTLE_WINDOW;
* per account from everywhere: MAX_FAILURES_PER_ACCOUNT in ACCOUNT_WINDOW, except from a
  browser that has signed in to that account before (it shows a signed "known browser"
  cookie), so guesses from many addresses cannot lock the real user out either.

One address that passes its limits is refused for itself only: its refused attempts are
not counted anywhere, so it can never push an account or another address over a limit.
A right password clears that account's counter for that address and gives back the
attempt on the others. IPv6 addresses count per /64 network (one host's usual share).
"""

from __future__ import annotations

import ipaddress
import math
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from storage import AuditActor

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024
"""Longer input is refused before hashing (argon2 would hash it, slowly, for nothing)."""
THROTTLE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS = 5
MAX_FAILURES_PER_ADDRESS = 30
"""Per IP address: higher than per account, since an office may share one address."""
ACCOUNT_WINDOW = timedelta(hours=1)
MAX_FAILURES_PER_ACCOUNT = 100
"""From all addresses together (NIST SP 800-63B's ceiling): stops a guessing spread over many
addresses; browsers that signed in to the account before are not held back by it."""
KNOWN_BROWSER_DAYS = 180
REFUSED = "Wrong user name or password."
THROTTLED = "Too many failed sign-ins"

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
    """The outcome of a sign-in attempt: ``user`` (a storage.UserInfo) or a ``message`` to show;
    ``retry_after`` is set when the attempt was throttled (its password was not checked)."""

    user: Any = None
    message: str = ""
    retry_after: timedelta | None = None


def account_key(name: str) -> str:
    """The account part of throttle keys: one counter for ``Ann`` and ``ann``."""
    return " ".join(str(name or "").split()).lower()[:200]


def address_key(address: str | None) -> str:
    """An IPv4 address as is, an IPv6 address as its /64 network (IPv4-mapped ones as IPv4)."""
    try:
        parsed = ipaddress.ip_address((address or "").split("%")[0])
    except ValueError:
        return "unknown"
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{parsed}/64", strict=False))
    return str(parsed)


def throttle_rules(name: str, address: str | None, *, known_browser: bool) -> dict[str, tuple[int, timedelta]]:
    """The counters an attempt on ``name`` from ``address`` is counted against, with their limits."""
    account, where = account_key(name), address_key(address)
    rules = {
        f"account+address:{account}|{where}": (MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS, THROTTLE_WINDOW),
        f"address:{where}": (MAX_FAILURES_PER_ADDRESS, THROTTLE_WINDOW),
    }
    if not known_browser:
        rules[f"account:{account}"] = (MAX_FAILURES_PER_ACCOUNT, ACCOUNT_WINDOW)
    return rules


def throttled_message(key: str, retry_after: timedelta) -> str:
    minutes = max(1, math.ceil(retry_after.total_seconds() / 60))
    wait = f"Try again in {minutes} minute{'s' if minutes != 1 else ''}"
    if key.startswith("account:"):
        return (
            f"{THROTTLED} on this account from many places. {wait}, sign in from a browser you have "
            "signed in with before, or ask an administrator to unlock it."
        )
    return f"{THROTTLED} from your network address. {wait}."


def sign_in(store: Any, name: str, password: str, address: str | None, *, known_browser: bool = False) -> SignIn:
    """Check a user name and password against the store, within the throttle's limits.

    The same message for an unknown name and a wrong password (no account discovery);
    a throttled attempt is refused before its password is looked at. A counted attempt goes into
    the audit log: ``sign-in``, or ``sign-in failed`` with the name as typed (never the password)
    and the account's id when the name is one. A throttled attempt is not recorded (the throttle
    bounds the failures, so a flood of refused guesses cannot fill the database).
    """
    name = " ".join(str(name or "").split())
    password = str(password or "")
    rules = throttle_rules(name, address, known_browser=known_browser)
    refused = store.reserve_sign_in(rules)
    if refused is not None:
        return SignIn(message=throttled_message(refused.key, refused.retry_after), retry_after=refused.retry_after)
    # from here on the attempt is already counted as a failure; only a right password gives it back
    if not name or not password or len(password) > MAX_PASSWORD_LENGTH:
        store.record_audit("sign-in failed", AuditActor(None, name, address), detail="no user name or password")
        return SignIn(message=REFUSED)
    found = store.password_hash(name)
    stored = found[1] if found else _dummy_hash()
    if found is None or not verify_password(stored, password):
        account = AuditActor(found[0].id if found else None, name, address)
        store.record_audit("sign-in failed", account, detail="wrong user name or password")
        return SignIn(message=REFUSED)
    user = found[0]
    store.record_audit("sign-in", AuditActor(user.id, user.name, address))
    this_address, *shared = rules  # throttle_rules puts the account+address key first
    store.sign_in_succeeded(clear=[this_address], refund=shared, purge_before=ACCOUNT_WINDOW)
    if _hasher.check_needs_rehash(stored):
        store.set_password_hash(user.id, _hasher.hash(password))
    return SignIn(user=user)


# -- canvas-app users -----------------------------------------------------------------
