"""The application services between the callbacks and the core and storage: settings, the store, the module
library, the access check, and the few operations every page shares (open a configuration, the workspace's
effective score weights, evaluate with them, a live workspace). Callbacks call these instead of repeating them."""

from __future__ import annotations

import json
import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from werkzeug.exceptions import Forbidden, Unauthorized

from canvas_app.analysis import evaluate
from canvas_app.criteria import CATALOGUE_BY_ID
from canvas_app.evaluation import Evaluation
from canvas_app.library import LibraryError, load_library, parse_workspace_module
from canvas_app.model import MAX_FILE_BYTES, Configuration
from canvas_app.web.settings import Settings
from storage import AuditActor, DuplicateNameError, NotFoundError, StorageError

DEFAULT_WORKSPACE = "My workspace"
log = logging.getLogger(__name__)

ROLE_ACTIONS: dict[str, frozenset[str]] = {
    "viewer": frozenset({"view"}),
    "editor": frozenset({"view", "edit"}),
    "owner": frozenset({"view", "edit", "manage", "restore"}),
}
"""What each workspace role may do: ``view`` (look, export), ``edit`` (change configurations,
needs, advantages, weights, modules), ``manage`` (members and roles), ``restore`` (bring a deleted
workspace back: the only action a deleted workspace allows)."""
ACTIONS = frozenset({"use", "view", "edit", "manage", "restore"})
"""``use``: needs a signed-in user but no workspace (e.g. searching the module library)."""
NO_ACCESS = "You do not have access to this workspace or configuration."
VIEW_ONLY = "Your role in this workspace lets you look and export, not change anything."
SIGNED_OUT = "You are not signed in: sign in to continue."
WORKSPACE_DELETED = (
    "This workspace is deleted: everything in it waits until an owner restores it under Recently deleted on Home."
)
REFUSALS = (NO_ACCESS, VIEW_ONLY, SIGNED_OUT, WORKSPACE_DELETED)
"""Every refusal message of :meth:`Services.require` (a callback may show one instead of a 401/403)."""


class SignInRequired(Unauthorized):
    """401: accounts are on and nobody is signed in."""

    description = SIGNED_OUT


class AccessDenied(Forbidden):
    """403: the signed-in user's role does not allow this (or they are not a member)."""

    description = NO_ACCESS


@dataclass(frozen=True)
class Account:
    """Who is making the request: a signed-in user, or the single local user (accounts off)."""

    id: int | None
    name: str
    local: bool = False


@dataclass(frozen=True)
class Access:
    """What :meth:`Services.require` granted: who, in which workspace, with which role."""

    user: Account
    workspace_id: int | None
    role: str | None

    def can(self, action: str) -> bool:
        return action == "use" or (self.role is not None and action in ROLE_ACTIONS[self.role])


class Unavailable(Exception):
    """A configuration that cannot be opened: not there, or deleted (its message says which)."""


@dataclass(frozen=True)
class Opened:
    """A stored configuration opened for a page: its head revision, and what the access check granted."""

    config: Configuration
    head: Any  # storage.ConfigurationHead
    access: Access


@dataclass
class Services:
    """Shared, thread-safe handles; built once by ``create_app`` and passed to every ``register``."""

    settings: Settings
    store: Any  # storage.Store
    _library: Any = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _revisions: OrderedDict[tuple[int, int], tuple[Any, Any]] = field(default_factory=OrderedDict)
    _workspace_libraries: OrderedDict[tuple[int, tuple[Any, ...]], tuple[Any, list[str]]] = field(
        default_factory=OrderedDict
    )
    cache_size: int = 16
    _retention_checked_on: date | None = None

    def keep_round_retention(self, today: date) -> list[int]:
        """Delete the co-creation rounds whose retention has run out, at most once a day per process, so the
        consent text's "deleted on … at the latest" holds even where nobody schedules ``canvas-app rounds
        purge``. A failing store is logged, never raised: retention must not take the pages down."""
        with self._lock:
            if self._retention_checked_on == today:
                return []
            self._retention_checked_on = today
        try:
            deleted: list[int] = self.store.delete_expired_rounds(today)
        except StorageError:
            log.exception("deleting the rounds past their retention failed; the next day tries again")
            return []
        if deleted:
            log.info("deleted %d round(s) past their retention: %s", len(deleted), deleted)
        return deleted

    def load(self, configuration_id: int, version: int | None = None) -> Any:
        """``store.load`` with a small per-process cache of revisions.

        Revisions are immutable, so a cached ``(id, version)`` can never be stale;
        a head load (``version`` None) always asks the store.
        """
        key = (int(configuration_id), int(version)) if version is not None else None
        if key is not None:
            with self._lock:
                hit = self._revisions.get(key)
                if hit is not None:
                    self._revisions.move_to_end(key)
                    return hit
        config, head = self.store.load(int(configuration_id), None if version is None else int(version))
        self.remember(int(configuration_id), int(version) if version is not None else head.version, config)
        return config, head

    def remember(self, configuration_id: int, version: int, config: Any) -> None:
        """Cache a revision just saved (or loaded) by this process."""
        with self._lock:
            self._revisions[(configuration_id, version)] = (config, None)
            self._revisions.move_to_end((configuration_id, version))
            while len(self._revisions) > self.cache_size:
                self._revisions.popitem(last=False)

    @property
    def library(self) -> Any:
        """The module library (built-in ``modules/`` plus the settings' folders), loaded once."""
        if self._library is None:
            with self._lock:
                if self._library is None:
                    self._library = load_library(extra_dirs=self.settings.library_dirs)
        return self._library

    def library_for(self, workspace_id: Any) -> Any:
        """The shared library plus a workspace's own modules (what its editor, scores and reports use).

        The workspace's modules are read from the store on every call, so a module saved through
        another worker shows up at once; the merged library is cached on their exact text. A stored
        module that no longer validates, or whose id a city folder now also uses, is left out here
        and named on the workspace's Modules page (:meth:`workspace_module_problems`).
        """
        return self._workspace_library(workspace_id)[0]

    def workspace_module_problems(self, workspace_id: int) -> list[str]:
        """Why some of a workspace's stored modules are left out of its library (usually none)."""
        return self._workspace_library(workspace_id)[1]

    def _workspace_library(self, workspace_id: Any) -> tuple[Any, list[str]]:
        """``(library, problems)`` for a workspace's modules as stored now, built once per distinct text."""

        base = self.library
        if workspace_id in (None, ""):
            return base, []
        try:
            records = tuple(self.store.list_modules(int(workspace_id)))
        except NotFoundError:  # no such workspace: nothing of its own to add
            return base, []
        if not records:
            return base, []
        key = (int(workspace_id), records)
        with self._lock:
            hit = self._workspace_libraries.get(key)
            if hit is not None:
                self._workspace_libraries.move_to_end(key)
                return hit
        definitions, problems = [], []
        for record in records:
            try:
                definitions.append(parse_workspace_module(record.text, record.format, base, f"module '{record.id}'"))
            except LibraryError as exc:
                problems.extend(exc.problems)
        built = (base.with_modules(definitions, origin="workspace"), problems)
        with self._lock:
            self._workspace_libraries[key] = built
            while len(self._workspace_libraries) > self.cache_size:
                self._workspace_libraries.popitem(last=False)
        return built

    def library_of_configuration(self, configuration_id: Any) -> Any:
        """:meth:`library_for` the workspace a stored configuration belongs to."""
        if configuration_id in (None, ""):
            return self.library
        return self.library_for(self.store.get_configuration(int(configuration_id)).workspace_id)

    @property
    def author(self) -> str:
        """Recorded on revisions: the signed-in user (accounts on), else the settings' author."""
        user = self.current_user() if self.settings.auth else None
        return user.name if user is not None else self.settings.author

    def audit_actor(self) -> AuditActor:
        """Who makes this request and from where, for the audit log: the signed-in user, or
        ``local`` with accounts off (anyone at the keyboard); the client's address when in a request
        (the proxy's client with ``CITYCANVAS_BEHIND_PROXY=1``)."""
        from flask import has_request_context, request

        user = self.current_user()
        address = request.remote_addr if has_request_context() else None
        if user is None or user.local:
            return AuditActor(None, "local", address)
        return AuditActor(user.id, user.name, address)

    # -- authorization -------------------------------------------------------------------
    def current_user(self) -> Account | None:
        """The user of the current request: from the signed Flask session when accounts are on
        (None when nobody is signed in, or the session was ended), else the local user."""
        if not self.settings.auth:
            return Account(id=None, name=self.settings.author, local=True)
        from flask import g, has_request_context, session

        if not has_request_context():  # background jobs run inside canvas_app.web.background.job_request_context
            return None
        if "citycanvas_user" not in g:
            g.citycanvas_user = self._account(session)
        user: Account | None = g.citycanvas_user
        return user

    def _account(self, data: Any) -> Account | None:
        """The user a session names, if it is still valid (the user exists, same session epoch)."""
        user_id, epoch = (data.get("uid"), data.get("epoch")) if data else (None, None)
        if not (isinstance(user_id, int) and isinstance(epoch, int)):
            return None
        info = self.store.get_user(user_id)
        if info is None or info.session_epoch != epoch:
            return None
        return Account(id=info.id, name=info.name)

    def require(self, action: str, *, workspace_id: Any = None, configuration_id: Any = None) -> Access:
        """Check, on the server, that the current user may do ``action``; call it first in every
        callback and route.

        ``action`` is ``use`` (any signed-in user), ``view``, ``edit`` or ``manage``. Name the
        workspace, or the configuration (its real workspace is looked up in the store: the id
        the browser sent is only a key, never proof of access). Raises ``SignInRequired`` (401)
        or ``AccessDenied`` (403; also for an unknown or malformed id, so ids cannot be probed);
        both are HTTP errors Flask answers by itself, or catch them to show ``str(exc)``.
        With accounts off, the local user is owner of everything and nothing is looked up.

        >>> access = services.require("edit", configuration_id=state_config_id)  # doctest: +SKIP
        """
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}")
        try:
            access = self._decide(self.current_user(), action, workspace_id, configuration_id)
        except (SignInRequired, AccessDenied):
            self._note_check(action, None)
            raise
        self._note_check(action, access)
        return access

    def refusal(self, action: str, *, workspace_id: Any = None, configuration_id: Any = None) -> str | None:
        """:meth:`require` for callbacks that show a message: None when allowed, else the reason."""
        try:
            self.require(action, workspace_id=workspace_id, configuration_id=configuration_id)
        except (SignInRequired, AccessDenied) as exc:
            return str(exc.description)
        return None

    def _decide(self, user: Account | None, action: str, workspace_id: Any, configuration_id: Any) -> Access:
        if user is None:
            raise SignInRequired()
        if user.local:
            return self._decide_local(user, action, workspace_id, configuration_id)
        if configuration_id is not None:
            found = self.store.access_to_configuration(user.id, _id_or_deny(configuration_id))
            if found is None:
                raise AccessDenied()
            real_workspace, role, deleted = found
            if workspace_id is not None and _id_or_deny(workspace_id) != real_workspace:
                raise AccessDenied()  # a configuration paired with another workspace's id
            workspace_id = real_workspace
        elif workspace_id is not None:
            workspace_id = _id_or_deny(workspace_id)
            found_workspace = self.store.access_to_workspace(user.id, workspace_id)
            if found_workspace is None:
                raise AccessDenied()
            role, deleted = found_workspace
        elif action == "use":
            return Access(user=user, workspace_id=None, role=None)
        else:  # a workspace action without a workspace (e.g. the page's store was emptied): refused
            raise AccessDenied()
        access = Access(user=user, workspace_id=workspace_id, role=role)
        if not access.can(action):
            raise AccessDenied(description=VIEW_ONLY if role == "viewer" else NO_ACCESS)
        if deleted and action != "restore":  # checked after membership: a non-member learns nothing
            raise AccessDenied(description=WORKSPACE_DELETED)
        return access

    def _decide_local(self, user: Account, action: str, workspace_id: Any, configuration_id: Any) -> Access:
        """Accounts off: the local user owns everything, but a deleted workspace stays closed to
        everything except its restore (an unknown id is left to the caller, which says so)."""
        workspace, configuration = parse_id(workspace_id), parse_id(configuration_id)
        access = Access(user=user, workspace_id=workspace, role="owner")
        if action in ("use", "restore"):
            return access
        deleted = False
        if configuration is not None:
            found = self.store.access_to_configuration(None, configuration)
            deleted = found is not None and found[2]
            if found is not None:  # the workspace, resolved once: callers score with its weights and modules
                access = Access(user=user, workspace_id=found[0], role="owner")
        elif workspace is not None:
            found_workspace = self.store.access_to_workspace(None, workspace)
            deleted = found_workspace is not None and found_workspace[1]
        if deleted:
            raise AccessDenied(description=WORKSPACE_DELETED)
        return access

    def public_route(self) -> None:
        """Mark the current request as open to anyone on purpose (the sign-in pages)."""
        self._note_check("public", None)

    @staticmethod
    def _note_check(action: str, access: Access | None) -> None:
        """Remember in the request that access was checked (``after_request`` refuses a callback
        that never checked, when accounts are on; the authorization test reads it too)."""
        from flask import g, has_request_context

        if has_request_context():
            g.setdefault("citycanvas_checks", []).append((action, access))

    def visible_workspaces(self) -> list[Any]:
        """Live workspaces the current user may see (all of them with accounts off)."""
        user = self.current_user()
        if user is None:
            return []
        if user.local:
            return list(self.store.list_workspaces())
        return [workspace for workspace, _role in self.store.workspaces_of(user.id)]

    def roles(self) -> dict[int, str] | None:
        """The current user's role per workspace id; None with accounts off (no roles to show)."""
        user = self.current_user()
        if user is None or user.local:
            return None
        return {workspace.id: role for workspace, role in self.store.workspaces_of(user.id)}

    def examples(self) -> list[tuple[str, str]]:
        """``[(file name, display name)]`` of the example configurations."""
        out = []
        folder = Path(self.settings.examples_dir)
        for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
            try:
                name = json.loads(path.read_text(encoding="utf-8")).get("name") or path.stem
            except (OSError, ValueError, AttributeError):
                continue
            out.append((path.name, f"{name} ({path.stem})"))
        return out

    def example_path(self, file_name: str) -> Path | None:
        """The path of a listed example (never a path the browser made up)."""
        listed = {name for name, _ in self.examples()}
        return Path(self.settings.examples_dir) / file_name if file_name in listed else None

    def default_workspace(self) -> Any:
        """The first live workspace, creating "My workspace" on the very first run.

        None when every workspace was deleted (on purpose: nothing is brought back behind the
        user's back; Home's "Recently deleted" offers them), and with accounts on when the user
        is a member of none (nothing is created for them)."""

        if self.settings.auth:
            mine = self.visible_workspaces()
            return mine[0] if mine else None
        workspaces = self.store.list_workspaces()
        if workspaces:
            return workspaces[0]
        if self.store.list_workspaces(include_deleted=True):
            return None
        try:
            return self.store.create_workspace(DEFAULT_WORKSPACE, author=self.author)
        except DuplicateNameError:  # another worker created it at the same moment: use theirs
            found = self.store.find_workspace(DEFAULT_WORKSPACE)
            if found is None or found.deleted_at is not None:
                raise
            return found

    def open_configuration(self, configuration_id: Any, action: str = "view") -> Opened:
        """Check ``action`` on a stored configuration and load its head revision, for a page or an export.

        Raises :class:`Unavailable` with the sentence to show when there is no such configuration or it (or its
        workspace) is deleted; the access check raises as :meth:`require` does.
        """

        access = self.require(action, configuration_id=configuration_id)
        try:
            config, head = self.store.load(int(configuration_id))
        except (StorageError, TypeError, ValueError):
            raise Unavailable(f"There is no configuration {configuration_id}.") from None
        hidden = self.why_hidden(head)
        if hidden:
            raise Unavailable(hidden)
        return Opened(config, head, access)

    def open_workspace(self, workspace_id: Any, action: str = "view") -> tuple[Any, Access]:
        """Check ``action`` on a workspace and return it with the access granted, for a workspace page.

        Raises :class:`Unavailable` when there is no such workspace or it is deleted.
        """
        access = self.require(action, workspace_id=workspace_id)
        workspace = self.live_workspace(workspace_id)
        if workspace is None:
            raise Unavailable(
                f"There is no workspace {workspace_id}, or it is deleted: an owner can restore it on Home."
            )
        return workspace, access

    def score_weights(self, workspace_id: Any) -> dict[str, float]:
        """The score weights a workspace chose (criterion id → weight; empty means the defaults): what every
        score of the app is computed with. The workspace's other rankings keep their weights apart."""
        if workspace_id in (None, ""):
            return {}
        return {k: v for k, v in self.store.get_weights(int(workspace_id)).items() if k in CATALOGUE_BY_ID}

    def evaluate(self, workspace_id: Any, config: Configuration, **options: Any) -> Evaluation:
        """:func:`canvas_app.analysis.evaluate` with the workspace's modules and score weights, so the editor, the
        comparison and the report show the same scores."""
        return evaluate(config, self.library_for(workspace_id), weights=self.score_weights(workspace_id), **options)

    def live_workspace(self, workspace_id: Any) -> Any:
        """The workspace, or None when it does not exist or is deleted."""

        try:
            workspace = self.store.get_workspace(int(workspace_id))
        except (StorageError, TypeError, ValueError):
            return None
        return None if workspace.deleted_at is not None else workspace

    def why_hidden(self, head: Any) -> str | None:
        """Why a stored configuration cannot be opened (it or its workspace is deleted), or None.

        Deleted things keep every revision, but open only once restored: pages and exports say so
        instead of showing, and the store refuses their saves.
        """
        if head.deleted_at is not None:
            return f"Configuration {head.id} ({head.name}) is deleted: restore it under Recently deleted on Home."
        workspace = self.store.get_workspace(head.workspace_id)
        if workspace.deleted_at is not None:
            return (
                f"Configuration {head.id} ({head.name}) is in the deleted workspace “{workspace.name}”: "
                "an owner can restore it under Recently deleted on Home."
            )
        return None

    def max_upload_bytes(self) -> int:
        return self.settings.max_upload_bytes or MAX_FILE_BYTES


def parse_id(value: Any) -> int | None:
    """An id the browser sent, as an int; None for anything that cannot be one (a bool, text, out of range).

    >>> parse_id("7"), parse_id(True), parse_id(2**40), parse_id("x")
    (7, None, None, None)
    """
    if isinstance(value, bool):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**31 else None


def _id_or_deny(value: Any) -> int:
    """An id the browser sent, as an int; anything else is refused like a forbidden id."""
    number = parse_id(value)
    if number is None:
        raise AccessDenied()
    return number
