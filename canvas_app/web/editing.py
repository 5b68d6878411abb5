"""One edit of a stored configuration, as every page applies it: load the revision the user sees, apply a
command, save the result as the next revision, or say why nothing was saved (bad input, or someone saved
first: a conflict that carries the change, so it is never lost)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from canvas_app.commands import Command, PlaceModule, Step, perform
from canvas_app.model import Configuration, ConfigurationError
from canvas_app.web.services import Services
from storage import ConflictError, StorageError


@dataclass
class Outcome:
    """What one edit produced (``problems`` or ``conflict`` when nothing was saved)."""

    config: Configuration | None = None
    head: Any = None
    step: Step | None = None
    base: Configuration | None = None  # the revision the edit was applied to
    problems: list[str] | None = None
    conflict: dict[str, Any] | None = None


def apply_edit(
    services: Services,
    configuration_id: int,
    version: int,
    make: Callable[[Configuration], Command],
) -> Outcome:
    """Load revision ``version``, apply ``make(config)``, save it as ``version + 1``.

    Bad input: ``problems`` (nothing saved). Someone saved first: ``conflict``
    (nothing saved; it carries the change so the user can save it elsewhere).
    """

    try:
        base, _head = services.load(int(configuration_id), int(version))
    except StorageError as exc:
        return Outcome(problems=[str(exc)])
    try:
        command = make(base)
        kwargs = (
            {"library": services.library_of_configuration(configuration_id)} if isinstance(command, PlaceModule) else {}
        )
        after, step = perform(base, command, **kwargs)
    except ConfigurationError as exc:
        return Outcome(problems=exc.problems)
    if step.redo.is_empty():
        return Outcome(config=base, head=_head, step=None)
    try:
        head = services.store.save(
            int(configuration_id), after, base_version=int(version), author=services.author, summary=step.redo.label
        )
    except ConflictError as exc:
        current = exc.current
        return Outcome(
            conflict={
                "base_version": int(version),
                "theirs": current.version,
                "author": current.author,
                "when": f"{current.created_at:%Y-%m-%d %H:%M:%S}",
                "summary": current.summary,
                "change": step.redo.to_dict(),
            }
        )
    except StorageError as exc:
        return Outcome(problems=[str(exc)])
    if head.version == int(version) + 1:
        services.remember(int(configuration_id), head.version, after)
    return Outcome(config=after, head=head, step=step, base=base)
