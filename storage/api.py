"""Plain records and errors of the storage API.

Nothing here imports SQLAlchemy: the UI and CLI can type against these
records without knowing which database sits underneath.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from canvas_app.model import Configuration


@dataclass(frozen=True, slots=True)
class WorkspaceInfo:
    """One workspace (a city or a programme)."""

    id: int
    name: str
    created_at: datetime
    deleted_at: datetime | None = None
    created_by: str = ""
    deleted_by: str | None = None


@dataclass(frozen=True, slots=True)
class ConfigurationHead:
    """The current state of a configuration: ``version`` is what a save must be based on."""

    id: int
    workspace_id: int
    name: str
    version: int
    updated_at: datetime
    updated_by: str
    parent_id: int | None = None
    deleted_at: datetime | None = None
    parent_version: int | None = None
    created_at: datetime | None = None
    created_by: str = ""
    deleted_by: str | None = None


@dataclass(frozen=True, slots=True)
class RevisionInfo:
    """One immutable saved revision of a configuration (who, when, what changed)."""

    configuration_id: int
    version: int
    author: str
    created_at: datetime
    summary: str
    actor_count: int | None = None
    flow_count: int | None = None


class StorageError(Exception):
    """Base of every error the store raises; the message is fit to show a user."""


class NotFoundError(StorageError, LookupError):
    """No such workspace, configuration or revision (or it is deleted where that matters)."""


class DuplicateNameError(StorageError):
    """A workspace with this name already exists (possibly deleted: restore it instead)."""


class SchemaOutOfDate(StorageError):
    """The database schema is not the one this code expects; run ``canvas-app db upgrade``."""


class ConflictError(StorageError):
    """A save was based on a stale version; nothing was written.

    ``current`` is the newer revision and ``current_config`` its content, so the
    UI can offer: reload theirs, branch mine, or merge by hand.
    """

    def __init__(self, current: RevisionInfo, current_config: Configuration, base_version: int):
        self.current = current
        self.current_config = current_config
        self.base_version = base_version
        when = current.created_at.strftime("%Y-%m-%d %H:%M:%S UTC")
        super().__init__(
            f"configuration {current.configuration_id} was changed by someone else: your edit is based on "
            f"version {base_version}, but version {current.version} was saved by {current.author} at {when} "
            f"({current.summary}). Nothing was saved: reload their version or branch yours."
        )


@dataclass(frozen=True, slots=True)
class UserInfo:
    """An account (accounts on). ``session_epoch`` changes when the user signs out everywhere."""

    id: int
    name: str
    created_at: datetime
    session_epoch: int = 0


@dataclass(frozen=True, slots=True)
class MemberInfo:
    """One member of a workspace and their role (owner, editor or viewer)."""

    user_id: int
    name: str
    role: str
    added_at: datetime
    added_by: str = ""


@dataclass(frozen=True)
class InvitationInfo:
    """A pending invitation: who is invited to which workspace, as what, by whom."""

    id: int
    workspace_id: int
    workspace_name: str
    user_id: int
    user_name: str
    role: str
    invited_at: datetime
    invited_by: str


@dataclass(frozen=True, slots=True)
class AuditActor:
    """Who asks for a change and from where, for the audit log: a user (``user_id`` None with
    accounts off, then ``name`` is ``"local"``) and the client's address (None off the web)."""

    user_id: int | None
    name: str
    address: str | None = None


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """One audit-log record: when, who, what (``action`` and a readable ``detail``), where."""

    id: int
    at: datetime
    action: str
    user_id: int | None
    user_name: str
    workspace_id: int | None
    configuration_id: int | None
    detail: str
    address: str | None


class StaleItemError(StorageError):
    """A workspace item changed (or appeared) since the editor read it; nothing was written."""


class LastOwnerError(StorageError):
    """The change would leave a workspace without an owner; nothing was changed."""
