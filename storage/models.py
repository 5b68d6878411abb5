"""Tables of the store (SQLAlchemy 2 typed ORM).

The schema is owned by the alembic revisions in ``storage/migrations``; these
classes must match the latest one (``tests/storage/test_migrations.py`` checks).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on both engines (SQLite would otherwise hand back naive ones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use datetime.now(UTC)")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        stored: datetime = value
        return stored.replace(tzinfo=UTC) if stored.tzinfo is None else stored.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime()}


class WorkspaceRow(Base):
    """A workspace; ``deleted_at`` set means soft-deleted (restorable)."""

    __tablename__ = "workspaces"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # since 0004 not unique database-wide: the store refuses a name only among the workspaces the
    # creating user can see (another tenant may use the same name)
    name: Mapped[str] = mapped_column(String(200), index=True)
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(200))
    deleted_at: Mapped[datetime | None]
    deleted_by: Mapped[str | None] = mapped_column(String(200))


class ConfigurationRow(Base):
    """The head of a configuration. ``version`` is the optimistic-lock column:
    a save moves it from ``base`` to ``base + 1`` only if it is still ``base``."""

    __tablename__ = "configurations"
    __table_args__ = (
        CheckConstraint("version >= 1", name="version_positive"),
        Index("ix_configurations_workspace_id", "workspace_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="RESTRICT"))
    name: Mapped[str] = mapped_column(String(300))
    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime]
    updated_by: Mapped[str] = mapped_column(String(200))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("configurations.id", ondelete="RESTRICT"))
    parent_version: Mapped[int | None] = mapped_column(Integer)
    deleted_at: Mapped[datetime | None]
    deleted_by: Mapped[str | None] = mapped_column(String(200))


class RevisionRow(Base):
    """One immutable revision. Append-only: database triggers refuse UPDATE and DELETE,
    and (configuration_id, version) is unique so two writers can never both append n+1."""

    __tablename__ = "revisions"
    __table_args__ = (
        UniqueConstraint("configuration_id", "version", name="uq_revisions_configuration_id_version"),
        CheckConstraint("version >= 1", name="version_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    configuration_id: Mapped[int] = mapped_column(ForeignKey("configurations.id", ondelete="RESTRICT"))
    version: Mapped[int] = mapped_column(Integer)
    author: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]
    summary: Mapped[str] = mapped_column(String(1000))
    content: Mapped[str] = mapped_column(Text)
    content_sha256: Mapped[str] = mapped_column(String(64))
    # since 0002: sizes for the history list, without loading every revision's content
    actor_count: Mapped[int | None] = mapped_column(Integer)
    flow_count: Mapped[int | None] = mapped_column(Integer)


class _WorkspaceItem:
    """Shared columns of a workspace-level item kept as validated JSON text.

    The pydantic model (canvas_app.workspace_model) owns the fields, so adding
    a field to a need or an advantage needs no schema migration.
    """

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="RESTRICT"))
    item_id: Mapped[str] = mapped_column(String(120))
    data: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime]
    updated_by: Mapped[str] = mapped_column(String(200))


class NeedRow(_WorkspaceItem, Base):
    """A need or opportunity of the city (WorkspaceNeed as JSON)."""

    __tablename__ = "workspace_needs"
    __table_args__ = (UniqueConstraint("workspace_id", "item_id", name="uq_workspace_needs_workspace_id_item_id"),)


class AdvantageRow(_WorkspaceItem, Base):
    """A current or to-be competitive advantage (Advantage as JSON)."""

    __tablename__ = "workspace_advantages"
    __table_args__ = (UniqueConstraint("workspace_id", "item_id", name="uq_workspace_advantages_workspace_id_item_id"),)


class CustomModuleRow(_WorkspaceItem, Base):
    """A city's own module, kept as the YAML/JSON text it was written in (``data``), with its format."""

    __tablename__ = "custom_modules"
    __table_args__ = (UniqueConstraint("workspace_id", "item_id", name="uq_custom_modules_workspace_id_item_id"),)

    format: Mapped[str] = mapped_column(String(10))


class CityProfileRow(_WorkspaceItem, Base):
    """A city profile of the workspace (CityProfile as JSON), since 0007: where a service may be replicated."""

    __tablename__ = "city_profiles"
    __table_args__ = (UniqueConstraint("workspace_id", "item_id", name="uq_city_profiles_workspace_id_item_id"),)


class WeightRow(Base):
    """One score-criterion weight of a workspace."""

    __tablename__ = "workspace_weights"

    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="RESTRICT"), primary_key=True)
    criterion: Mapped[str] = mapped_column(String(120), primary_key=True)
    weight: Mapped[float] = mapped_column(Float)
    updated_at: Mapped[datetime]
    updated_by: Mapped[str] = mapped_column(String(200))


# -- accounts (since 0003) -------------------------------------------------------------
ROLES = ("owner", "editor", "viewer")
"""Workspace roles, most powerful first."""


class UserRow(Base):
    """A person who can sign in (only used with accounts on).

    ``session_epoch`` is copied into each signed session cookie; signing out bumps it,
    so every cookie issued before is refused on every worker (cookies cannot be recalled).
    """

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    password_hash: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime]
    session_epoch: Mapped[int] = mapped_column(Integer)


class MembershipRow(Base):
    """A user's role in a workspace: owner, editor or viewer."""

    __tablename__ = "memberships"
    __table_args__ = (
        CheckConstraint("role IN ('owner', 'editor', 'viewer')", name="role_known"),
        Index("ix_memberships_user_id", "user_id"),
    )

    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="RESTRICT"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), primary_key=True)
    role: Mapped[str] = mapped_column(String(10))
    added_at: Mapped[datetime]
    added_by: Mapped[str] = mapped_column(String(200))


class InvitationRow(Base):
    """An owner's invitation of a user to a workspace (since 0004): the user becomes a member
    only by accepting it, so nobody is added to a workspace without their consent."""

    __tablename__ = "invitations"
    __table_args__ = (
        UniqueConstraint("workspace_id", "user_id", name="uq_invitations_workspace_id_user_id"),
        CheckConstraint("role IN ('owner', 'editor', 'viewer')", name="role_known"),
        Index("ix_invitations_user_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="RESTRICT"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    role: Mapped[str] = mapped_column(String(10))
    invited_at: Mapped[datetime]
    invited_by: Mapped[str] = mapped_column(String(200))


class LoginThrottleRow(Base):
    """Failed sign-ins per key (``user:NAME`` or ``ip:ADDRESS``) in the current window.

    Kept in the database, not in a worker's memory, so every worker counts the same guesses.
    """

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    window_start: Mapped[datetime]


class PresenceRow(Base):
    """Who has a configuration open: one row per browser page, refreshed by a heartbeat."""

    __tablename__ = "presence"

    configuration_id: Mapped[int] = mapped_column(ForeignKey("configurations.id", ondelete="CASCADE"), primary_key=True)
    client_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    user_name: Mapped[str] = mapped_column(String(200))
    last_seen: Mapped[datetime]


class AuditRow(Base):
    """One event of the audit log (since 0005): sign-ins, member and role changes, invitations,
    deletions and restores. Written in the transaction of the change it records, so a change that
    fails leaves no record. ``user_name`` is kept as typed or as it was then (a failed sign-in's
    account may not exist; a user may be renamed), never a password."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_workspace_id_at", "workspace_id", "at"),
        Index("ix_audit_log_user_id_at", "user_id", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime]
    action: Mapped[str] = mapped_column(String(40))
    user_id: Mapped[int | None] = mapped_column(Integer)
    user_name: Mapped[str] = mapped_column(String(200))
    workspace_id: Mapped[int | None] = mapped_column(Integer)
    configuration_id: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[str] = mapped_column(String(500))
    address: Mapped[str | None] = mapped_column(String(64))


# -- co-creation rounds (since 0006) ------------------------------------------------------------


class RoundRow(Base):
    """A questionnaire round of a workspace. ``spec`` is the :class:`canvas_app.rounds.Round` as JSON
    (items with their texts, intro, dates, language, follow-up); ``token_hash`` is the sha256 of the
    participation link's token, the token itself is never stored."""

    __tablename__ = "rounds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="RESTRICT"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    spec: Mapped[str] = mapped_column(Text)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(200))
    closed_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class ParticipantRow(Base):
    """One participant of a round: the sha256 of their browser's token, when they consented and the
    stakeholder group they speak for. No name, e-mail or address."""

    __tablename__ = "round_participants"
    __table_args__ = (UniqueConstraint("round_id", "token_hash", name="uq_round_participants_round_id_token_hash"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64))
    group: Mapped[str] = mapped_column(String(40))
    consented_at: Mapped[datetime]


class AnswerRow(Base):
    """A participant's answer on one item; a revision updates the row (one per participant and item)."""

    __tablename__ = "round_answers"
    __table_args__ = (UniqueConstraint("participant_id", "item", name="uq_round_answers_participant_id_item"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("round_participants.id", ondelete="CASCADE"))
    item: Mapped[str] = mapped_column(String(100))
    rating: Mapped[int | None] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    answered_at: Mapped[datetime]


class ProposalRow(Base):
    """A need or opportunity a participant proposed, waiting for the designer's moderation."""

    __tablename__ = "round_proposals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("round_participants.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(String(1000))
    status: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime]


class AcceptanceRow(Base):
    """A round's results accepted into the needs or advantages: ``previous`` is the JSON of
    {"fields": {item id: {field: value before}}} (rows from before advantages rounds: {need id:
    importance before}), so the step can be undone (``undone_at``); for a value round, {"value":
    {actor id: {"stakeholders": rating}}}, the ratings the configuration's value view shows."""

    __tablename__ = "round_acceptances"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    accepted_at: Mapped[datetime]
    accepted_by: Mapped[str] = mapped_column(String(200))
    previous: Mapped[str] = mapped_column(Text)
    undone_at: Mapped[datetime | None]
