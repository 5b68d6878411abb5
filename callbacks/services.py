"""What the callbacks need from the rest of the app: settings, the store, the module library."""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from canvas_app.settings import Settings

DEFAULT_WORKSPACE = "My workspace"


@dataclass
class Services:
    """Shared, thread-safe handles; built once by ``create_app`` and passed to every ``register``."""

    settings: Settings
    store: Any  # storage.Store
    _library: Any = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _revisions: OrderedDict = field(default_factory=OrderedDict)
    cache_size: int = 16

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
                    from canvas_app.library import load_library

                    self._library = load_library(extra_dirs=tuple(self.settings.module_dirs))
        return self._library

    @property
    def author(self) -> str:
        return self.settings.author

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
        """The first live workspace, creating (or restoring) "My workspace" on first run."""
        from storage import DuplicateNameError

        workspaces = self.store.list_workspaces()
        if workspaces:
            return workspaces[0]
        for _attempt in range(2):
            found = self.store.find_workspace(DEFAULT_WORKSPACE)
            if found is not None:
                if getattr(found, "deleted_at", None) is not None:
                    return self.store.restore_workspace(found.id, author=self.author)
                return found
            try:
                return self.store.create_workspace(DEFAULT_WORKSPACE, author=self.author)
            except DuplicateNameError:  # another worker created it first: use theirs
                continue
        raise RuntimeError("could not create the default workspace")

    def max_upload_bytes(self) -> int:
        from canvas_app.model import MAX_FILE_BYTES

        return self.settings.max_upload_bytes or MAX_FILE_BYTES
