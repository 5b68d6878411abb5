"""The audit log in the store: append one event, read a workspace's events or all of them.

A mixin of :class:`storage.Store`. The Store methods that change members, roles, invitations,
workspaces and configurations take ``audit=`` (an :class:`storage.api.AuditActor`) and append
their event with :func:`add_event` inside their own transaction, so a change that fails leaves no
record and a recorded change always happened. Sign-ins have no other change to share a
transaction with: the web layer calls :meth:`AuditMixin.record_audit` for them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from storage.api import AuditActor, AuditEvent
from storage.models import AuditRow, MembershipRow, utcnow

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Callable
    from contextlib import AbstractContextManager

ACCOUNT_EVENTS = ("sign-in", "sign-in failed", "sign-out")
"""Events of an account rather than of a workspace: a workspace's log shows those of its members."""
MAX_AUDIT_ROWS = 10_000
"""The most events one read returns (a page and a CSV stay a sensible size)."""


class AuditMixin:
    """Audit-log methods of :class:`storage.Store`."""

    if TYPE_CHECKING:  # provided by Store
        _tx: Callable[..., AbstractContextManager[Session]]

    def record_audit(
        self,
        action: str,
        actor: AuditActor,
        *,
        workspace_id: int | None = None,
        configuration_id: int | None = None,
        detail: str = "",
    ) -> None:
        """Append one event in a transaction of its own (sign-ins, sign-outs)."""
        with self._tx(write=True) as s:
            add_event(s, action, actor, workspace_id=workspace_id, configuration_id=configuration_id, detail=detail)

    def audit_log(self, workspace_id: int | None = None, *, limit: int = 500) -> list[AuditEvent]:
        """Events newest first: all of them (``workspace_id`` None, for administrators), or a
        workspace's own events plus the sign-ins, failed sign-ins and sign-outs of its current members."""
        query = select(AuditRow).order_by(AuditRow.at.desc(), AuditRow.id.desc())
        if workspace_id is not None:
            members = select(MembershipRow.user_id).where(MembershipRow.workspace_id == int(workspace_id))
            query = query.where(
                or_(
                    AuditRow.workspace_id == int(workspace_id),
                    and_(AuditRow.action.in_(ACCOUNT_EVENTS), AuditRow.user_id.in_(members)),
                )
            )
        with self._tx(write=False) as s:
            rows = s.scalars(query.limit(max(1, min(int(limit), MAX_AUDIT_ROWS)))).all()
            return [_event(row) for row in rows]


def add_event(
    s: Session,
    action: str,
    actor: AuditActor,
    *,
    workspace_id: int | None = None,
    configuration_id: int | None = None,
    detail: str = "",
) -> None:
    """Append an event to the transaction ``s`` (committed, or rolled back, with the change)."""
    s.add(
        AuditRow(
            at=utcnow(),
            action=action[:40],
            user_id=actor.user_id,
            user_name=actor.name[:200],
            workspace_id=workspace_id,
            configuration_id=configuration_id,
            detail=detail[:500],
            address=(actor.address or None) and str(actor.address)[:64],
        )
    )


def _event(row: AuditRow) -> AuditEvent:
    return AuditEvent(
        id=row.id,
        at=row.at,
        action=row.action,
        user_id=row.user_id,
        user_name=row.user_name,
        workspace_id=row.workspace_id,
        configuration_id=row.configuration_id,
        detail=row.detail,
        address=row.address,
    )


__all__ = ["AuditMixin", "add_event", "ACCOUNT_EVENTS"]
