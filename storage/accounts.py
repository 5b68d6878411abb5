"""Accounts in the store: users, workspace memberships, login throttling and presence.

A mixin of :class:`storage.Store` (kept in its own module so the workspace and
revision code stays readable). Passwords arrive already hashed: hashing is
``canvas_app.web.auth``'s job, the store only keeps the hash.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import ColumnElement, CursorResult, Engine, Table, and_, case, delete, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.api import (
    AuditActor,
    DuplicateNameError,
    InvitationInfo,
    LastOwnerError,
    MemberInfo,
    NotFoundError,
    StorageError,
    UserInfo,
    WorkspaceInfo,
)
from storage.audit import add_event
from storage.models import (
    ROLES,
    ConfigurationRow,
    InvitationRow,
    LoginThrottleRow,
    MembershipRow,
    PresenceRow,
    UserRow,
    WorkspaceRow,
    utcnow,
)

THROTTLE_TABLE = cast(Table, LoginThrottleRow.__table__)
"""The sign-in throttle's table, written with Core statements (a mapped class's ``__table__`` is typed as any FromClause)."""

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Callable
    from contextlib import AbstractContextManager

MAX_USER_NAME = 200
PRESENCE_KEEP = timedelta(hours=1)
"""Presence rows older than this are deleted by the next heartbeat of the configuration."""


@dataclass(frozen=True)
class SignInRefused:
    """A sign-in attempt refused before its password was checked: ``key`` reached its limit,
    which lifts after ``retry_after``."""

    key: str
    retry_after: timedelta


class _OverLimit(Exception):
    """Internal: rolls back a reservation that would pass a limit."""

    def __init__(self, refusal: SignInRefused):
        super().__init__(refusal.key)
        self.refusal = refusal


class AccountsMixin:
    """User, membership, throttling and presence methods of :class:`storage.Store`."""

    if TYPE_CHECKING:  # provided by Store
        engine: Engine
        _tx: Callable[..., AbstractContextManager[Session]]

    # -- users ---------------------------------------------------------------------
    def create_user(self, name: str, password_hash: str) -> UserInfo:
        """Add an account. The very first account becomes owner of every workspace
        that has no member yet (the workspaces made before accounts were switched on)."""
        name = clean_user_name(name)
        if not password_hash:
            raise ValueError("password hash is required")

        def duplicate(_exc: IntegrityError) -> StorageError:
            return DuplicateNameError(f"a user named '{name}' already exists")

        with self._tx(write=True, integrity=duplicate) as s:
            if s.scalar(select(UserRow.id).where(UserRow.name == name)) is not None:
                raise DuplicateNameError(f"a user named '{name}' already exists")
            first = s.scalar(select(func.count()).select_from(UserRow)) == 0
            row = UserRow(name=name, password_hash=password_hash, created_at=utcnow(), session_epoch=0)
            s.add(row)
            s.flush()
            if first:
                _adopt_orphans(s, row.id, row.name)
            return _user_info(row)

    def adopt_orphan_workspaces(self) -> int:
        """Give every workspace without members to the first account, as owner.

        Workspaces created while accounts were off have no members; called when the
        app starts with accounts on, so they stay reachable. Returns how many were adopted.
        """
        with self._tx(write=True) as s:
            first = s.scalar(select(UserRow).order_by(UserRow.id).limit(1))
            if first is None:
                return 0
            return _adopt_orphans(s, first.id, first.name)

    def get_user(self, user_id: int) -> UserInfo | None:
        try:
            with self._tx(write=False) as s:
                row = s.get(UserRow, int(user_id))
                return None if row is None else _user_info(row)
        except NotFoundError:  # an id beyond the column
            return None

    def find_user(self, name: str) -> UserInfo | None:
        with self._tx(write=False) as s:
            row = s.scalar(select(UserRow).where(UserRow.name == " ".join(str(name or "").split())))
            return None if row is None else _user_info(row)

    def password_hash(self, name: str) -> tuple[UserInfo, str] | None:
        """The account named ``name`` and its stored hash, for verifying a sign-in."""
        with self._tx(write=False) as s:
            row = s.scalar(select(UserRow).where(UserRow.name == " ".join(str(name or "").split())))
            return None if row is None else (_user_info(row), row.password_hash)

    def set_password_hash(self, user_id: int, password_hash: str) -> None:
        """Replace the hash (a new password, or a rehash with stronger parameters)."""
        with self._tx(write=True) as s:
            row = _user_row(s, user_id)
            row.password_hash = password_hash

    def end_sessions(self, user_id: int, *, audit: AuditActor | None = None) -> UserInfo:
        """Sign the user out everywhere: cookies carrying the old epoch stop working. With
        ``audit`` (the user signing out), a ``sign-out`` event is recorded in the same transaction."""
        with self._tx(write=True) as s:
            row = _user_row(s, user_id)
            row.session_epoch += 1
            if audit is not None:
                add_event(s, "sign-out", audit)
            return _user_info(row)

    def list_users(self) -> list[UserInfo]:
        with self._tx(write=False) as s:
            return [_user_info(r) for r in s.scalars(select(UserRow).order_by(UserRow.name))]

    # -- memberships -------------------------------------------------------------------
    def add_member(
        self, workspace_id: int, user_name: str, role: str, *, added_by: str, audit: AuditActor | None = None
    ) -> MemberInfo:
        """Add an existing user to a workspace at once (an operator's step and test set-up; the
        app's owners :meth:`invite` instead, and the user accepts)."""
        role = _check_role(role)
        name = " ".join(str(user_name or "").split())
        if not name:
            raise ValueError("user name: give the name of an existing user")

        def already(_exc: IntegrityError) -> StorageError:
            return DuplicateNameError(f"'{name}' is already a member")

        with self._tx(write=True, integrity=already) as s:
            _live_workspace(s, workspace_id)
            user = s.scalar(select(UserRow).where(UserRow.name == name))
            if user is None:
                raise NotFoundError(f"there is no user named '{name}'")
            if s.get(MembershipRow, (workspace_id, user.id)) is not None:
                raise DuplicateNameError(f"'{name}' is already a member")
            row = MembershipRow(
                workspace_id=workspace_id, user_id=user.id, role=role, added_at=utcnow(), added_by=added_by[:200]
            )
            s.add(row)
            if audit is not None:
                add_event(s, "member added", audit, workspace_id=int(workspace_id), detail=f"{user.name} as {role}")
            s.flush()
            return MemberInfo(user.id, user.name, role, row.added_at, row.added_by)

    # -- invitations ----------------------------------------------------------------------
    def invite(
        self, workspace_id: int, user_name: str, role: str, *, invited_by: str, audit: AuditActor | None = None
    ) -> None:
        """Invite the user named ``user_name`` to a live workspace as ``role`` (an owner's request).

        Returns nothing on purpose: an unknown name, an existing member and a second invitation
        (which only updates the role) all look the same to the owner, so the form tells nobody
        which accounts exist. The user becomes a member only by :meth:`accept_invitation`. With
        ``audit``, the request is recorded with the name as typed, the same words in every case."""
        role = _check_role(role)
        name = " ".join(str(user_name or "").split())
        if not name:
            raise ValueError("user name: give the name of the person to invite")
        if len(name) > MAX_USER_NAME:
            raise ValueError(f"user name is longer than {MAX_USER_NAME} characters")
        with self._tx(
            write=True, integrity=lambda _exc: StorageError("invited at the same moment elsewhere: try again")
        ) as s:
            _live_workspace(s, workspace_id)
            if audit is not None:  # before looking the name up: the record must not tell whether it exists
                add_event(s, "invitation", audit, workspace_id=int(workspace_id), detail=f"{name} as {role}")
            user = s.scalar(select(UserRow).where(UserRow.name == name))
            if user is None or s.get(MembershipRow, (int(workspace_id), user.id)) is not None:
                return
            row = s.scalar(
                select(InvitationRow).where(
                    InvitationRow.workspace_id == int(workspace_id), InvitationRow.user_id == user.id
                )
            )
            if row is None:
                s.add(
                    InvitationRow(
                        workspace_id=int(workspace_id),
                        user_id=user.id,
                        role=role,
                        invited_at=utcnow(),
                        invited_by=invited_by[:200],
                    )
                )
            else:
                row.role, row.invited_at, row.invited_by = role, utcnow(), invited_by[:200]

    def invitations_for(self, user_id: int) -> list[InvitationInfo]:
        """The user's pending invitations to live workspaces, newest first (what Home offers)."""
        return self._invitations(InvitationRow.user_id == int(user_id), WorkspaceRow.deleted_at.is_(None))

    def invitations_to(self, workspace_id: int) -> list[InvitationInfo]:
        """A workspace's pending invitations, newest first (what its owners see on Members)."""
        return self._invitations(InvitationRow.workspace_id == int(workspace_id))

    def accept_invitation(self, invitation_id: int, user_id: int, *, audit: AuditActor | None = None) -> MemberInfo:
        """The invited user joins the workspace with the invited role; the invitation is used up.
        Only the invited user may accept, and only while the workspace is live. (A decline is not
        audited: it would tell the inviting owner that the name is an account.)"""
        with self._tx(write=True, integrity=lambda _exc: DuplicateNameError("you are already a member")) as s:
            row = _own_invitation(s, invitation_id, user_id)
            _live_workspace(s, row.workspace_id)
            member = MembershipRow(
                workspace_id=row.workspace_id,
                user_id=row.user_id,
                role=row.role,
                added_at=utcnow(),
                added_by=row.invited_by,
            )
            s.delete(row)
            s.add(member)
            s.flush()
            name = s.scalar(select(UserRow.name).where(UserRow.id == row.user_id)) or ""
            if audit is not None:
                detail = f"{name} as {member.role}"
                add_event(s, "invitation accepted", audit, workspace_id=row.workspace_id, detail=detail)
            return MemberInfo(row.user_id, name, member.role, member.added_at, member.added_by)

    def decline_invitation(self, invitation_id: int, user_id: int) -> None:
        """The invited user says no: the invitation goes, nothing else changes."""
        with self._tx(write=True) as s:
            s.delete(_own_invitation(s, invitation_id, user_id))

    def withdraw_invitation(self, workspace_id: int, invitation_id: int, *, audit: AuditActor | None = None) -> None:
        """An owner takes back an invitation of their workspace (not one of another workspace)."""
        with self._tx(write=True) as s:
            row = s.get(InvitationRow, int(invitation_id))
            if row is None or row.workspace_id != int(workspace_id):
                raise NotFoundError("there is no such invitation in this workspace")
            if audit is not None:
                detail = f"invitation {row.id} withdrawn"
                add_event(s, "invitation withdrawn", audit, workspace_id=row.workspace_id, detail=detail)
            s.delete(row)

    def _invitations(self, *where: ColumnElement[bool]) -> list[InvitationInfo]:
        with self._tx(write=False) as s:
            rows = s.execute(
                select(InvitationRow, WorkspaceRow.name, UserRow.name)
                .join(WorkspaceRow, WorkspaceRow.id == InvitationRow.workspace_id)
                .join(UserRow, UserRow.id == InvitationRow.user_id)
                .where(*where)
                .order_by(InvitationRow.invited_at.desc(), InvitationRow.id.desc())
            ).all()
        return [
            InvitationInfo(
                row.id, row.workspace_id, workspace, row.user_id, user, row.role, row.invited_at, row.invited_by
            )
            for row, workspace, user in rows
        ]

    def set_role(self, workspace_id: int, user_id: int, role: str, *, audit: AuditActor | None = None) -> MemberInfo:
        """Change a member's role; the last owner cannot step down."""
        role = _check_role(role)
        with self._tx(write=True) as s:
            row = _membership_row(s, workspace_id, user_id)
            if row.role == "owner" and role != "owner":
                _keep_an_owner(s, workspace_id)
            before, row.role = row.role, role
            name = s.scalar(select(UserRow.name).where(UserRow.id == user_id)) or ""
            if audit is not None and before != role:
                add_event(
                    s, "role changed", audit, workspace_id=int(workspace_id), detail=f"{name}: {before} to {role}"
                )
            return MemberInfo(user_id, name, role, row.added_at, row.added_by)

    def remove_member(self, workspace_id: int, user_id: int, *, audit: AuditActor | None = None) -> None:
        """Take a user out of a workspace; the last owner cannot be removed."""
        with self._tx(write=True) as s:
            row = _membership_row(s, workspace_id, user_id)
            if row.role == "owner":
                _keep_an_owner(s, workspace_id)
            if audit is not None:
                name = s.scalar(select(UserRow.name).where(UserRow.id == int(user_id))) or ""
                add_event(s, "member removed", audit, workspace_id=int(workspace_id), detail=f"{name} ({row.role})")
            s.delete(row)

    def list_members(self, workspace_id: int) -> list[MemberInfo]:
        """Members by role (owners first), then name."""
        order = case({r: i for i, r in enumerate(ROLES)}, value=MembershipRow.role)
        with self._tx(write=False) as s:
            rows = s.execute(
                select(
                    MembershipRow.user_id,
                    UserRow.name,
                    MembershipRow.role,
                    MembershipRow.added_at,
                    MembershipRow.added_by,
                )
                .join(UserRow, UserRow.id == MembershipRow.user_id)
                .where(MembershipRow.workspace_id == workspace_id)
                .order_by(order, UserRow.name)
            ).all()
        return [MemberInfo(*r) for r in rows]

    def role_in_workspace(self, user_id: int, workspace_id: int) -> str | None:
        """The user's role in the workspace, None if not a member (or no such workspace)."""
        with self._tx(write=False) as s:
            return s.scalar(
                select(MembershipRow.role).where(
                    MembershipRow.workspace_id == int(workspace_id), MembershipRow.user_id == int(user_id)
                )
            )

    def role_for_configuration(self, user_id: int, configuration_id: int) -> tuple[int, str | None] | None:
        """``(the configuration's real workspace id, the user's role there or None)``;
        None when there is no such configuration. One query: it runs on every callback."""
        with self._tx(write=False) as s:
            row = s.execute(
                select(ConfigurationRow.workspace_id, MembershipRow.role)
                .outerjoin(
                    MembershipRow,
                    and_(
                        MembershipRow.workspace_id == ConfigurationRow.workspace_id,
                        MembershipRow.user_id == int(user_id),
                    ),
                )
                .where(ConfigurationRow.id == int(configuration_id))
            ).first()
        return None if row is None else (int(row[0]), row[1])

    def access_to_workspace(self, user_id: int | None, workspace_id: int) -> tuple[str | None, bool] | None:
        """``(the user's role or None, whether the workspace is deleted)``; None when there is no
        such workspace. ``user_id`` None (accounts off) only asks whether it is deleted. One query:
        it runs on every callback."""
        member = and_(MembershipRow.workspace_id == WorkspaceRow.id, MembershipRow.user_id == _user_key(user_id))
        with self._tx(write=False) as s:
            row = s.execute(
                select(MembershipRow.role, WorkspaceRow.deleted_at)
                .select_from(WorkspaceRow)
                .outerjoin(MembershipRow, member)
                .where(WorkspaceRow.id == int(workspace_id))
            ).first()
        return None if row is None else (row[0], row[1] is not None)

    def access_to_configuration(
        self, user_id: int | None, configuration_id: int
    ) -> tuple[int, str | None, bool] | None:
        """``(the configuration's real workspace id, the user's role there or None, whether that
        workspace is deleted)``; None when there is no such configuration. One query."""
        member = and_(
            MembershipRow.workspace_id == ConfigurationRow.workspace_id, MembershipRow.user_id == _user_key(user_id)
        )
        with self._tx(write=False) as s:
            row = s.execute(
                select(ConfigurationRow.workspace_id, MembershipRow.role, WorkspaceRow.deleted_at)
                .join(WorkspaceRow, WorkspaceRow.id == ConfigurationRow.workspace_id)
                .outerjoin(MembershipRow, member)
                .where(ConfigurationRow.id == int(configuration_id))
            ).first()
        return None if row is None else (int(row[0]), row[1], row[2] is not None)

    def workspaces_of(self, user_id: int) -> list[tuple[WorkspaceInfo, str]]:
        """Live workspaces the user is a member of, with their role, by name."""
        with self._tx(write=False) as s:
            rows = s.execute(
                select(WorkspaceRow, MembershipRow.role)
                .join(MembershipRow, MembershipRow.workspace_id == WorkspaceRow.id)
                .where(MembershipRow.user_id == int(user_id), WorkspaceRow.deleted_at.is_(None))
                .order_by(WorkspaceRow.name, WorkspaceRow.id)
            ).all()
            return [(_workspace(row), role) for row, role in rows]

    def deleted_workspaces_of(self, user_id: int) -> list[tuple[WorkspaceInfo, str]]:
        """Deleted workspaces the user is a member of, with their role, newest deletion first
        (what Home's "Recently deleted" offers to bring back). One query."""
        with self._tx(write=False) as s:
            rows = s.execute(
                select(WorkspaceRow, MembershipRow.role)
                .join(MembershipRow, MembershipRow.workspace_id == WorkspaceRow.id)
                .where(MembershipRow.user_id == int(user_id), WorkspaceRow.deleted_at.is_not(None))
                .order_by(WorkspaceRow.deleted_at.desc(), WorkspaceRow.id.desc())
            ).all()
            return [(_workspace(row), role) for row, role in rows]

    # -- login throttling ------------------------------------------------------------------
    def reserve_sign_in(self, rules: Mapping[str, tuple[int, timedelta]]) -> SignInRefused | None:
        """Count one sign-in attempt against every key of ``rules`` (key: (limit, window)),
        before its password is checked; None when admitted.

        One transaction: each key's counter is raised by an upsert that returns the new count
        (its row stays locked until commit), so N parallel attempts admit at most ``limit``,
        on every worker. When a key would pass its limit, the whole transaction is rolled
        back: a refused attempt counts against no key (an address that is refused cannot
        push an account's own counter up). Keys are taken in sorted order, so two attempts
        sharing keys never deadlock. A window starts at its first counted attempt.
        """
        now = utcnow()
        table = THROTTLE_TABLE
        insert = sqlite_insert if self.engine.dialect.name == "sqlite" else pg_insert
        try:
            with self._tx(write=True) as s:
                for key in sorted(rules):
                    limit, window = rules[key]
                    expired = table.c.window_start < now - window
                    statement = (
                        insert(table)
                        .values(key=key[:300], failures=1, window_start=now)
                        .on_conflict_do_update(
                            index_elements=["key"],
                            set_={
                                "failures": case((expired, 1), else_=table.c.failures + 1),
                                "window_start": case((expired, now), else_=table.c.window_start),
                            },
                        )
                        .returning(table.c.failures, table.c.window_start)
                    )
                    count, started = s.execute(statement).one()
                    if count > limit:
                        raise _OverLimit(SignInRefused(key, max(started + window - now, timedelta(seconds=1))))
        except _OverLimit as over:
            return over.refusal
        return None

    def sign_in_succeeded(self, *, clear: Iterable[str], refund: Iterable[str], purge_before: timedelta) -> None:
        """After a right password: delete the ``clear`` counters, give back the attempt
        reserved on the ``refund`` ones (their other failures still count), and delete
        counters whose window ended more than ``purge_before`` ago (skipping rows another
        attempt holds, so the purge never waits on or deadlocks with a sign-in)."""
        table = THROTTLE_TABLE
        cleared = {k[:300] for k in clear}
        with self._tx(write=True) as s:
            for key in sorted(cleared | {k[:300] for k in refund}):
                if key in cleared:
                    s.execute(delete(table).where(table.c.key == key))
                else:
                    s.execute(
                        update(table)
                        .where(table.c.key == key, table.c.failures > 0)
                        .values(failures=table.c.failures - 1)
                    )
        old = select(table.c.key).where(table.c.window_start < utcnow() - purge_before).limit(1000)
        with self._tx(write=True) as s:
            s.execute(delete(table).where(table.c.key.in_(old.with_for_update(skip_locked=True).scalar_subquery())))

    def clear_sign_in_throttle(self, *, keys: Iterable[str], prefixes: Iterable[str]) -> int:
        """Delete the counters named in ``keys`` and those whose key starts with one of
        ``prefixes`` (an administrator unlocking an account); returns how many."""
        table = THROTTLE_TABLE
        wanted: list[ColumnElement[bool]] = [table.c.key.in_([k[:300] for k in keys])]
        wanted += [table.c.key.startswith(p[:300], autoescape=True) for p in prefixes]
        with self._tx(write=True) as s:
            result = cast(CursorResult[Any], s.execute(delete(table).where(or_(*wanted))))  # a DELETE's result
            return int(result.rowcount or 0)

    # -- presence -----------------------------------------------------------------------
    def touch_presence(self, configuration_id: int, client_id: str, user_name: str) -> None:
        """Record that ``client_id`` (one open editor page) of ``user_name`` is here now."""
        now = utcnow()
        values = {"user_name": user_name[:200], "last_seen": now}
        insert = sqlite_insert if self.engine.dialect.name == "sqlite" else pg_insert
        statement = insert(PresenceRow).values(
            configuration_id=int(configuration_id), client_id=str(client_id)[:100], **values
        )
        statement = statement.on_conflict_do_update(index_elements=["configuration_id", "client_id"], set_=values)
        with self._tx(write=True) as s:
            s.execute(statement)
            s.execute(
                delete(PresenceRow).where(
                    PresenceRow.configuration_id == int(configuration_id), PresenceRow.last_seen < now - PRESENCE_KEEP
                )
            )

    def present(self, configuration_id: int, *, within: timedelta) -> list[tuple[str, str]]:
        """``[(client_id, user_name)]`` seen on the configuration in the last ``within``."""
        since = utcnow() - within
        with self._tx(write=False) as s:
            rows = s.execute(
                select(PresenceRow.client_id, PresenceRow.user_name)
                .where(PresenceRow.configuration_id == int(configuration_id), PresenceRow.last_seen >= since)
                .order_by(PresenceRow.user_name, PresenceRow.client_id)
            ).all()
        return [(c, n) for c, n in rows]


# -- helpers ---------------------------------------------------------------------------
def clean_user_name(name: str) -> str:
    """A user name: 1-200 visible characters, inner whitespace collapsed."""
    name = " ".join(str(name or "").split())
    if not name:
        raise ValueError("user name must not be empty")
    if len(name) > MAX_USER_NAME:
        raise ValueError(f"user name is longer than {MAX_USER_NAME} characters")
    return name


def _user_key(user_id: int | None) -> int:
    """The user id to join memberships on; accounts off (None) matches no membership (ids start at 1)."""
    return 0 if user_id is None else int(user_id)


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)} (got {role!r})")
    return role


def _adopt_orphans(s: Session, user_id: int, user_name: str) -> int:
    orphans = s.scalars(
        select(WorkspaceRow.id).where(
            ~select(MembershipRow.user_id).where(MembershipRow.workspace_id == WorkspaceRow.id).exists()
        )
    ).all()
    if not orphans:
        return 0
    # ON CONFLICT DO NOTHING: two workers starting at once may adopt the same workspace
    insert = sqlite_insert if s.get_bind().dialect.name == "sqlite" else pg_insert
    now = utcnow()
    s.execute(
        insert(MembershipRow)
        .values(
            [
                {"workspace_id": w, "user_id": user_id, "role": "owner", "added_at": now, "added_by": user_name[:200]}
                for w in orphans
            ]
        )
        .on_conflict_do_nothing(index_elements=["workspace_id", "user_id"])
    )
    return len(orphans)


def _keep_an_owner(s: Session, workspace_id: int) -> None:
    # lock the workspace row first (PostgreSQL; SQLite writers are serial already), so two owners
    # stepping down at the same moment cannot both see the other one still there
    s.execute(select(WorkspaceRow.id).where(WorkspaceRow.id == workspace_id).with_for_update())
    owners = s.scalar(
        select(func.count()).where(MembershipRow.workspace_id == workspace_id, MembershipRow.role == "owner")
    )
    if (owners or 0) <= 1:
        raise LastOwnerError("a workspace needs at least one owner: make someone else owner first")


def _user_row(s: Session, user_id: int) -> UserRow:
    row = s.get(UserRow, int(user_id))
    if row is None:
        raise NotFoundError(f"no user with id {user_id}")
    return row


def _membership_row(s: Session, workspace_id: int, user_id: int) -> MembershipRow:
    row = s.get(MembershipRow, (int(workspace_id), int(user_id)))
    if row is None:
        raise NotFoundError(f"user {user_id} is not a member of workspace {workspace_id}")
    return row


def _own_invitation(s: Session, invitation_id: int, user_id: int) -> InvitationRow:
    """The invitation, if it is addressed to ``user_id`` (anyone else's is "not found", like none)."""
    row = s.get(InvitationRow, int(invitation_id))
    if row is None or row.user_id != int(user_id):
        raise NotFoundError("there is no such invitation for you (it may have been withdrawn)")
    return row


def _live_workspace(s: Session, workspace_id: int) -> WorkspaceRow:
    row = s.get(WorkspaceRow, int(workspace_id))
    if row is None:
        raise NotFoundError(f"no workspace with id {workspace_id}")
    if row.deleted_at is not None:
        raise NotFoundError(f"workspace '{row.name}' is deleted: restore it first")
    return row


def _user_info(row: UserRow) -> UserInfo:
    return UserInfo(id=row.id, name=row.name, created_at=row.created_at, session_epoch=row.session_epoch)


def _workspace(row: WorkspaceRow) -> WorkspaceInfo:
    return WorkspaceInfo(
        id=row.id,
        name=row.name,
        created_at=row.created_at,
        deleted_at=row.deleted_at,
        created_by=row.created_by,
        deleted_by=row.deleted_by,
    )


__all__ = ["AccountsMixin", "SignInRefused", "clean_user_name"]
