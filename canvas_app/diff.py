"""Structural difference between two configurations (for revisions and comparisons)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from canvas_app.model import Configuration

_SCALARS = ("name", "city", "description", "period", "weights")


@dataclass(frozen=True)
class Changes:
    """Ids added, removed and changed in one collection."""

    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)


@dataclass(frozen=True)
class StructuralDiff:
    modules: Changes = field(default_factory=Changes)
    actors: Changes = field(default_factory=Changes)
    flows: Changes = field(default_factory=Changes)
    needs: Changes = field(default_factory=Changes)
    fields: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.modules or self.actors or self.flows or self.needs or self.fields)

    def summary(self) -> str:
        """One line a revision history can show, e.g. ``added 2 actors, 3 flows; removed 1 module``.

        >>> StructuralDiff(actors=Changes(added=("a", "b")), flows=Changes(removed=("f1",))).summary()
        'added 2 actors; removed 1 flow'
        """
        parts = []
        for verb in ("added", "removed", "changed"):
            counts = []
            for noun in ("modules", "actors", "flows", "needs"):
                n = len(getattr(getattr(self, noun), verb))
                if n:
                    counts.append(f"{n} {noun if n > 1 else noun[:-1]}")
            if counts:
                parts.append(f"{verb} " + ", ".join(counts))
        if self.fields:
            parts.append("edited " + ", ".join(self.fields))
        return "; ".join(parts) or "no change"

    def to_dict(self) -> dict[str, Any]:
        return {
            name: {"added": list(c.added), "removed": list(c.removed), "changed": list(c.changed)}
            for name, c in (
                ("modules", self.modules),
                ("actors", self.actors),
                ("flows", self.flows),
                ("needs", self.needs),
            )
        } | {"fields": list(self.fields)}


def _changes(old: list[Any], new: list[Any], key: str = "id") -> Changes:
    before = {getattr(item, key): item for item in old}
    after = {getattr(item, key): item for item in new}
    return Changes(
        added=tuple(k for k in after if k not in before),
        removed=tuple(k for k in before if k not in after),
        changed=tuple(k for k in after if k in before and after[k] != before[k]),
    )


def diff_configurations(old: Configuration, new: Configuration) -> StructuralDiff:
    """What ``new`` adds, removes and changes relative to ``old``, element by element (by id)."""
    return StructuralDiff(
        modules=_changes(old.modules, new.modules),
        actors=_changes(old.actors, new.actors),
        flows=_changes(old.flows, new.flows),
        needs=_changes(old.needs, new.needs),
        fields=tuple(f for f in _SCALARS if getattr(old, f) != getattr(new, f)),
    )


def diff_by_library_module(old: Configuration, new: Configuration) -> Changes:
    """Library modules (not instances) one alternative uses and the other does not."""
    before = sorted({m.module for m in old.modules})
    after = sorted({m.module for m in new.modules})
    return Changes(added=tuple(m for m in after if m not in before), removed=tuple(m for m in before if m not in after))
