"""CityCanvas storage: the only package that imports SQLAlchemy.

Use :class:`Store` (``Store.open()``) and the records and errors below; see
``storage/repository.py`` for the concurrency rule.

- Where: ``Store.open(url)`` (the shell passes ``DATABASE_URL``); ``None`` means
  ``platformdirs.user_data_dir("citycanvas")/citycanvas.sqlite3``.
- Schema: alembic revisions in ``storage/migrations`` (``canvas-app db upgrade``).
  SQLite files upgrade themselves on open; PostgreSQL is checked and raises
  :class:`SchemaOutOfDate` naming the command (``Store.open(url, upgrade=True)``
  upgrades it under an advisory lock).
- History: every save appends an immutable revision (database triggers refuse
  UPDATE/DELETE on revisions); a stale ``base_version`` raises
  :class:`ConflictError` with the newer revision and writes nothing.
- Deleting a workspace or configuration is a soft delete (``deleted_at``),
  undone by ``restore_workspace`` / ``restore_configuration``; workspace items
  (needs, advantages, custom modules) are deleted for real.
- Co-creation rounds: ``storage/rounds.py`` (link tokens stored only as their sha256).
"""

from canvas_app.workspace_model import Advantage, ModuleRecord, WorkspaceNeed
from storage.api import (
    AuditActor,
    AuditEvent,
    ConfigurationHead,
    ConflictError,
    DuplicateNameError,
    InvitationInfo,
    LastOwnerError,
    MemberInfo,
    NotFoundError,
    RevisionInfo,
    SchemaOutOfDate,
    StaleItemError,
    StorageError,
    UserInfo,
    WorkspaceInfo,
)
from storage.engine import default_sqlite_path, resolve_url
from storage.repository import Store, summarize_change
from storage.rounds import ProposalInfo, RoundInfo

__all__ = [
    "AuditActor",
    "AuditEvent",
    "Advantage",
    "ModuleRecord",
    "WorkspaceNeed",
    "ConfigurationHead",
    "ConflictError",
    "DuplicateNameError",
    "LastOwnerError",
    "InvitationInfo",
    "MemberInfo",
    "UserInfo",
    "NotFoundError",
    "RevisionInfo",
    "RoundInfo",
    "ProposalInfo",
    "SchemaOutOfDate",
    "StaleItemError",
    "StorageError",
    "Store",
    "WorkspaceInfo",
    "default_sqlite_path",
    "resolve_url",
    "summarize_change",
]
