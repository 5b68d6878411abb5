"""CityCanvas storage: the only package that imports SQLAlchemy.

Use :class:`Store` (``Store.open()``) and the records and errors below; see
``storage/repository.py`` for the concurrency and deletion rules.
"""

from storage.api import (
    ConfigurationHead,
    ConflictError,
    DuplicateNameError,
    NotFoundError,
    RevisionInfo,
    SchemaOutOfDate,
    StorageError,
    WorkspaceInfo,
)
from storage.engine import default_sqlite_path, resolve_url
from storage.repository import Store, summarize_change

__all__ = [
    "ConfigurationHead",
    "ConflictError",
    "DuplicateNameError",
    "NotFoundError",
    "RevisionInfo",
    "SchemaOutOfDate",
    "StorageError",
    "Store",
    "WorkspaceInfo",
    "default_sqlite_path",
    "resolve_url",
    "summarize_change",
]
