"""A named group of a workspace's weights, read and replaced without touching the others.

A workspace keeps one table of weights: the score weights by bare criterion id,
and other rankings (e.g. the need ranking, ``needs.importance``…) under a key
prefix. ``Store.set_weights`` replaces every weight of the workspace; these two
functions read and replace one prefix's weights in one transaction, so saving
the need-ranking weights can never drop a score weight saved meanwhile by
someone else (and the reverse).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from sqlalchemy import delete, select

from storage.models import WeightRow, utcnow
from storage.repository import _item_author, _live_workspace_row, _workspace_row

if TYPE_CHECKING:  # pragma: no cover
    from storage.repository import Store

MAX_KEY = 120


def get_weight_group(store: Store, workspace_id: int, prefix: str) -> dict[str, float]:
    """The workspace's weights whose key starts with ``prefix``, keyed without it."""
    _check_prefix(prefix)
    with store._tx(write=False) as s:
        _workspace_row(s, workspace_id)
        rows = s.execute(
            select(WeightRow.criterion, WeightRow.weight)
            .where(WeightRow.workspace_id == workspace_id, WeightRow.criterion.startswith(prefix, autoescape=True))
            .order_by(WeightRow.criterion)
        ).all()
    return {key[len(prefix):]: weight for key, weight in rows}


def set_weight_group(
    store: Store, workspace_id: int, prefix: str, weights: Mapping[str, float], *, author: str | None = None
) -> dict[str, float]:
    """Replace the weights under ``prefix`` (one transaction); weights outside it stay as they are.

    Raises ValueError, writing nothing, for an empty or too long name or a weight that is
    negative or not a finite number.
    """
    _check_prefix(prefix)
    clean: dict[str, float] = {}
    for name, value in weights.items():
        key = prefix + str(name).strip()
        if len(key) == len(prefix) or len(key) > MAX_KEY:
            raise ValueError(f"weight name {name!r} must be 1-{MAX_KEY - len(prefix)} characters")
        number = float(value)
        if not math.isfinite(number) or number < 0:
            raise ValueError(f"weight '{name}' must be a finite number >= 0 (got {value!r})")
        clean[key] = number
    who, now = _item_author(author), utcnow()
    with store._tx(write=True) as s:
        _live_workspace_row(s, workspace_id)
        s.execute(
            delete(WeightRow)
            .where(WeightRow.workspace_id == workspace_id, WeightRow.criterion.startswith(prefix, autoescape=True))
            .execution_options(synchronize_session=False)
        )
        s.add_all(
            WeightRow(workspace_id=workspace_id, criterion=k, weight=v, updated_at=now, updated_by=who)
            for k, v in clean.items()
        )
    return {k[len(prefix):]: v for k, v in sorted(clean.items())}


def _check_prefix(prefix: str) -> None:
    if not prefix or len(prefix) >= MAX_KEY:
        raise ValueError("a weight group needs a non-empty prefix")


def set_named_weights(
    store: Store, workspace_id: int, names: Iterable[str], weights: Mapping[str, float], *, author: str | None = None
) -> dict[str, float]:
    """Replace the weights called ``names`` (one transaction): those in ``weights`` are set, the
    other names go back to their defaults (no row); every other weight of the workspace stays.

    The score weights use it with the criterion ids, which carry no group prefix.
    """
    names = {str(n) for n in names}
    unknown = sorted(set(weights) - names)
    if unknown:
        raise ValueError(f"unknown weight name(s): {', '.join(unknown)}")
    clean: dict[str, float] = {}
    for name, value in weights.items():
        number = float(value)
        if not math.isfinite(number) or number < 0:
            raise ValueError(f"weight '{name}' must be a finite number >= 0 (got {value!r})")
        clean[name] = number
    who, now = _item_author(author), utcnow()
    with store._tx(write=True) as s:
        _live_workspace_row(s, workspace_id)
        s.execute(
            delete(WeightRow)
            .where(WeightRow.workspace_id == workspace_id, WeightRow.criterion.in_(sorted(names)))
            .execution_options(synchronize_session=False)
        )
        s.add_all(
            WeightRow(workspace_id=workspace_id, criterion=k, weight=v, updated_at=now, updated_by=who)
            for k, v in clean.items()
        )
    return dict(sorted(clean.items()))
