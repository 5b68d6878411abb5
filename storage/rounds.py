"""Co-creation rounds in the store: rounds with revocable, expiring link tokens, participants without
personal data, one answer per participant and item, and proposed needs.

A mixin of :class:`storage.Store`. Tokens (the participation link's and each participant's browser
token) are ``secrets.token_urlsafe(32)``; only their sha256 is stored, so a copy of the database
lets nobody answer in a participant's name. A round takes answers from its open date to its close
date (both included, UTC), unless the designer closed or revoked it earlier.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import CursorResult, delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from canvas_app.rounds import GROUPS, MAX_PROPOSAL, Answer, Round, plain_text
from canvas_app.workspace_model import Advantage, StakeholderRating, WorkspaceNeed
from storage.api import NotFoundError, StorageError
from storage.models import (
    AcceptanceRow,
    AdvantageRow,
    AnswerRow,
    NeedRow,
    ParticipantRow,
    ProposalRow,
    RoundRow,
    WorkspaceRow,
    utcnow,
)

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Callable, Sequence
    from contextlib import AbstractContextManager

    from sqlalchemy import Engine

PROPOSAL_STATES = ("new", "accepted", "merged", "rejected")


def token_hash(token: str) -> str:
    """The sha256 (hex) under which a token is stored and looked up."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


@dataclass(frozen=True)
class RoundInfo:
    id: int
    workspace_id: int
    round: Round
    created_at: datetime
    created_by: str
    closed_at: datetime | None
    revoked_at: datetime | None

    def state(self, today: date) -> str:
        """'revoked', 'closed' (by the designer or past its close date), 'not open yet' or 'open'."""
        if self.revoked_at is not None:
            return "revoked"
        if self.closed_at is not None or today > self.round.closes:
            return "closed"
        if today < self.round.opens:
            return "not open yet"
        return "open"


@dataclass(frozen=True)
class ProposalInfo:
    id: int
    round_id: int
    text: str
    status: str
    created_at: datetime


class RoundsMixin:
    """Round methods of :class:`storage.Store`."""

    if TYPE_CHECKING:  # provided by Store
        _tx: Callable[..., AbstractContextManager[Session]]
        engine: Engine

    def create_round(self, workspace_id: int, round_: Round, *, author: str) -> tuple[RoundInfo, str]:
        """Store a round; returns it and its participation token (shown once: only its hash is kept)."""
        token = new_token()
        with self._tx(write=True) as s:
            workspace = s.get(WorkspaceRow, int(workspace_id))
            if workspace is None or workspace.deleted_at is not None:
                raise NotFoundError(f"workspace {workspace_id} not found")
            if round_.follow_up_of is not None:
                earlier = s.get(RoundRow, round_.follow_up_of)
                if earlier is None or earlier.workspace_id != workspace.id or earlier.kind != round_.kind:
                    raise StorageError(f"round {round_.follow_up_of} is not a {round_.kind} round of this workspace")
            row = RoundRow(
                workspace_id=workspace.id,
                kind=round_.kind,
                spec=round_.model_dump_json(),
                token_hash=token_hash(token),
                created_at=utcnow(),
                created_by=author.strip()[:200] or "unknown",
                closed_at=None,
                revoked_at=None,
            )
            s.add(row)
            s.flush()
            return _info(row), token

    def list_rounds(self, workspace_id: int) -> list[RoundInfo]:
        with self._tx(write=False) as s:
            rows = s.scalars(select(RoundRow).where(RoundRow.workspace_id == int(workspace_id)).order_by(RoundRow.id))
            return [_info(r) for r in rows]

    def get_round(self, round_id: int) -> RoundInfo:
        with self._tx(write=False) as s:
            return _info(_round_row(s, round_id))

    def get_round_by_token(self, token: str) -> RoundInfo:
        """The round a participation link names; a revoked or unknown link names none (same message)."""
        with self._tx(write=False) as s:
            row = s.scalar(select(RoundRow).where(RoundRow.token_hash == token_hash(token)))
            if row is None or row.revoked_at is not None:
                raise NotFoundError("this participation link is not valid")
            return _info(row)

    def close_round(self, round_id: int) -> RoundInfo:
        """Stop taking answers now (before the close date); results stay."""
        with self._tx(write=True) as s:
            row = _round_row(s, round_id)
            row.closed_at = row.closed_at or utcnow()
            return _info(row)

    def revoke_round(self, round_id: int) -> RoundInfo:
        """Invalidate the link: it opens nothing any more; the answers stay for the designer."""
        with self._tx(write=True) as s:
            row = _round_row(s, round_id)
            row.revoked_at = row.revoked_at or utcnow()
            return _info(row)

    def join_round(self, round_id: int, participant_token: str, group: str, *, today: date | None = None) -> str:
        """Record a participant's consent and group (or a new group); returns their hash."""
        if group not in GROUPS:
            raise StorageError(f"the stakeholder group is one of: {', '.join(GROUPS)}")
        participant = token_hash(participant_token)
        with self._tx(write=True) as s:
            _open_round_row(s, round_id, today)
            row = _participant_row(s, round_id, participant)
            if row is None:
                s.add(
                    ParticipantRow(round_id=int(round_id), token_hash=participant, group=group, consented_at=utcnow())
                )
            else:
                row.group = group
        return participant

    def save_answer(self, round_id: int, answer: Answer, *, today: date | None = None) -> None:
        """Insert or replace one answer (see :meth:`save_answers`)."""
        self.save_answers(round_id, [answer], today=today)

    def save_answers(self, round_id: int, answers: Sequence[Answer], *, today: date | None = None) -> None:
        """Insert or replace each answer (one per participant and item), all in one transaction: a page of
        answers is saved whole or not at all.

        Refused with a message when the round is not open, an item is not in it, or a participant
        has not consented; nothing else is changed."""
        with self._tx(write=True) as s:
            round_row = _open_round_row(s, round_id, today)
            items = Round.model_validate_json(round_row.spec).item_ids()
            insert = sqlite_insert if self.engine.dialect.name == "sqlite" else pg_insert
            participants: dict[str, ParticipantRow] = {}
            for answer in answers:
                if answer.item not in items:
                    raise StorageError(f"item {answer.item!r} is not asked in this round")
                participant = participants.get(answer.participant) or _participant_row(s, round_id, answer.participant)
                if participant is None:
                    raise StorageError("give your consent and stakeholder group first")
                participants[answer.participant] = participant
                values: dict[str, Any] = {
                    "rating": answer.rating,
                    "comment": answer.comment,
                    "reason": answer.reason,
                    "answered_at": utcnow(),
                }
                statement = insert(AnswerRow).values(participant_id=participant.id, item=answer.item, **values)
                s.execute(statement.on_conflict_do_update(index_elements=["participant_id", "item"], set_=values))

    def list_answers(self, round_id: int, participant: str | None = None) -> list[Answer]:
        """Every answer of the round (or only those of one participant, by hash), with the participant's group."""
        with self._tx(write=False) as s:
            query = (
                select(AnswerRow, ParticipantRow)
                .join(ParticipantRow, AnswerRow.participant_id == ParticipantRow.id)
                .where(ParticipantRow.round_id == int(round_id))
                .order_by(AnswerRow.id)
            )
            if participant is not None:
                query = query.where(ParticipantRow.token_hash == participant)
            return [
                Answer(
                    participant=p.token_hash,
                    group=p.group,
                    item=a.item,
                    rating=a.rating,
                    comment=a.comment,
                    reason=a.reason,
                    answered_at=a.answered_at,
                )
                for a, p in s.execute(query)
            ]

    def answering_participants(self, workspace_id: int) -> dict[int, int]:
        """Per round of the workspace, how many participants saved at least one answer (rounds without: absent)."""
        with self._tx(write=False) as s:
            rows = s.execute(
                select(ParticipantRow.round_id, func.count(func.distinct(ParticipantRow.id)))
                .join(AnswerRow, AnswerRow.participant_id == ParticipantRow.id)
                .join(RoundRow, ParticipantRow.round_id == RoundRow.id)
                .where(RoundRow.workspace_id == int(workspace_id))
                .group_by(ParticipantRow.round_id)
            )
            return {round_id: count for round_id, count in rows}

    def participants_with_code(self, round_id: int, code: str) -> list[str]:
        """The hashes of the round's participants whose hash starts with ``code`` (a reference code,
        :func:`canvas_app.rounds.reference_code`); more than one means the code is ambiguous."""
        with self._tx(write=False) as s:
            return list(
                s.scalars(
                    select(ParticipantRow.token_hash)
                    .where(
                        ParticipantRow.round_id == int(round_id),
                        ParticipantRow.token_hash.startswith(code, autoescape=True),
                    )
                    .order_by(ParticipantRow.id)
                )
            )

    def delete_participant(self, round_id: int, participant_hash: str) -> int:
        """Delete a participant (on request) with their answers; their proposals stay, unattributed.
        Returns how many answers were deleted."""
        with self._tx(write=True) as s:
            row = _participant_row(s, round_id, participant_hash)
            if row is None:
                raise NotFoundError("no such participant in this round")
            count = len(s.scalars(select(AnswerRow.id).where(AnswerRow.participant_id == row.id)).all())
            s.execute(delete(AnswerRow).where(AnswerRow.participant_id == row.id))
            s.execute(update(ProposalRow).where(ProposalRow.participant_id == row.id).values(participant_id=None))
            s.delete(row)
            return count

    def add_proposal(
        self, round_id: int, participant_hash: str, text: str, *, today: date | None = None
    ) -> ProposalInfo:
        """A participant proposes a need or opportunity (plain text, at most 500 characters)."""
        clean = plain_text(text, "A proposal")
        if not clean or len(clean) > MAX_PROPOSAL:
            raise StorageError(f"a proposal has 1 to {MAX_PROPOSAL} characters")
        with self._tx(write=True) as s:
            _open_round_row(s, round_id, today)
            participant = _participant_row(s, round_id, participant_hash)
            if participant is None:
                raise StorageError("give your consent and stakeholder group first")
            row = ProposalRow(
                round_id=int(round_id), participant_id=participant.id, text=clean, status="new", created_at=utcnow()
            )
            s.add(row)
            s.flush()
            return _proposal(row)

    def list_proposals(self, round_id: int) -> list[ProposalInfo]:
        with self._tx(write=False) as s:
            rows = s.scalars(select(ProposalRow).where(ProposalRow.round_id == int(round_id)).order_by(ProposalRow.id))
            return [_proposal(r) for r in rows]

    def set_proposal_status(self, proposal_id: int, status: str, *, expected: str | None = None) -> ProposalInfo:
        """Moderate a proposal. With ``expected``, only a proposal still in that status changes (one
        conditional UPDATE), else StorageError: two moderators accepting it at once make one need."""
        if status not in PROPOSAL_STATES:
            raise StorageError(f"a proposal is one of {', '.join(PROPOSAL_STATES)}")
        with self._tx(write=True) as s:
            condition = [ProposalRow.id == int(proposal_id)]
            if expected is not None:
                condition.append(ProposalRow.status == expected)
            result = cast(CursorResult[Any], s.execute(update(ProposalRow).where(*condition).values(status=status)))
            changed = result.rowcount  # an UPDATE's result
            row = s.get(ProposalRow, int(proposal_id))
            if row is None:
                raise NotFoundError(f"proposal {proposal_id} not found")
            if not changed:
                raise StorageError(f"this proposal is already {row.status}")
            return _proposal(row)

    def accept_results(self, round_id: int, updates: dict[str, dict[str, Any]], *, author: str) -> int:
        """Apply a closed round's accepted results as one recorded step; returns its id.

        ``updates`` is {need or advantage id: {field: new value}} (:func:`canvas_app.rounds.accepted_updates`),
        on the round's workspace needs (a needs round) or advantages (an advantages round). Only those
        fields change (the items' other fields keep later edits); the values before are kept with the
        step so :meth:`undo_acceptance` can put them back. A value round's updates are {actor id:
        {"stakeholders": rating}}: kept with the step itself, which :meth:`value_ratings` reads."""
        with self._tx(write=True) as s:
            round_row = _round_row(s, round_id)
            if _info(round_row).state(utcnow().date()) in ("open", "not open yet"):
                raise StorageError("close the round before accepting its results")
            if round_row.kind == "value":  # the ratings themselves are the step: the value view reads them
                return _add_step(s, round_row, {"value": updates}, author)
            table, model = _accepted_items(round_row.kind)
            found = s.scalars(
                select(table).where(table.workspace_id == round_row.workspace_id, table.item_id.in_(updates))
            )
            rows = {r.item_id: r for r in cast("list[NeedRow | AdvantageRow]", found.all())}
            missing = sorted(set(updates) - set(rows))
            if missing:
                raise NotFoundError(f"no such {_ITEM_NAMES[round_row.kind]} in the workspace: {', '.join(missing)}")
            previous: dict[str, dict[str, Any]] = {}
            for item_id, fields in updates.items():
                item = model.model_validate_json(rows[item_id].data)
                before = item.model_dump(mode="json")
                previous[item_id] = {field: before[field] for field in fields}
                _set_fields(rows[item_id], model, {**before, **fields}, author)
            return _add_step(s, round_row, {"fields": previous}, author)

    def last_acceptance(self, round_id: int) -> int | None:
        """The round's latest acceptance that is not undone (the one an "Undo accept" button undoes), or None."""
        with self._tx(write=False) as s:
            return s.scalar(
                select(AcceptanceRow.id)
                .where(AcceptanceRow.round_id == int(round_id), AcceptanceRow.undone_at.is_(None))
                .order_by(AcceptanceRow.id.desc())
                .limit(1)
            )

    def undo_acceptance(self, acceptance_id: int, *, author: str) -> dict[str, dict[str, Any]]:
        """Put back the fields an acceptance replaced (items deleted since are skipped); returns
        {item id: {field: value put back}}."""
        with self._tx(write=True) as s:
            step = s.get(AcceptanceRow, int(acceptance_id))
            if step is None:
                raise NotFoundError(f"acceptance {acceptance_id} not found")
            if step.undone_at is not None:
                raise StorageError("this acceptance is already undone")
            round_row = _round_row(s, step.round_id)
            step.undone_at = utcnow()
            if round_row.kind == "value":  # the value view stops showing the ratings
                return {actor: {} for actor in json.loads(step.previous).get("value", {})}
            table, model = _accepted_items(round_row.kind)
            previous = _previous_fields(json.loads(step.previous))
            restored = {}
            found = s.scalars(
                select(table).where(table.workspace_id == round_row.workspace_id, table.item_id.in_(previous))
            )
            rows = cast("list[NeedRow | AdvantageRow]", found.all())
            for row in rows:
                fields = previous[row.item_id]
                _set_fields(
                    row, model, {**model.model_validate_json(row.data).model_dump(mode="json"), **fields}, author
                )
                restored[row.item_id] = fields
            return restored

    def rounds_inviting(self, account: str) -> list[RoundInfo]:
        """The rounds of live workspaces that invite the account ``account`` by name, not revoked, oldest first."""
        with self._tx(write=False) as s:
            rows = s.scalars(
                select(RoundRow)
                .join(WorkspaceRow, RoundRow.workspace_id == WorkspaceRow.id)
                .where(WorkspaceRow.deleted_at.is_(None), RoundRow.revoked_at.is_(None))
                .order_by(RoundRow.id)
            )
            return [info for info in map(_info, rows) if account in info.round.invited]

    def value_ratings(self, configuration_id: int) -> dict[str, StakeholderRating]:
        """The actors' ratings of the latest accepted (and not undone) value round on a configuration:
        {actor id: rating}, empty when none was accepted."""
        with self._tx(write=False) as s:
            rows = s.execute(
                select(AcceptanceRow.previous, RoundRow.spec)
                .join(RoundRow, AcceptanceRow.round_id == RoundRow.id)
                .where(RoundRow.kind == "value", AcceptanceRow.undone_at.is_(None))
                .order_by(AcceptanceRow.id.desc())
            )
            for previous, spec in rows:
                if Round.model_validate_json(spec).configuration == int(configuration_id):
                    accepted = json.loads(previous).get("value", {})
                    return {a: StakeholderRating.model_validate(f["stakeholders"]) for a, f in accepted.items()}
            return {}

    def delete_rounds_closed_before(self, workspace_id: int, cutoff: date) -> list[int]:
        """Retention: delete the workspace's rounds that closed (on their close date or earlier by the
        designer) before ``cutoff``, with their participants, answers, proposals and acceptances.
        Returns the deleted round ids. Accepted importances stay in the needs."""
        with self._tx(write=True) as s:
            rows = s.scalars(select(RoundRow).where(RoundRow.workspace_id == int(workspace_id))).all()
            old = [r.id for r in rows if _closed_on(r) < cutoff]
            if old:
                s.execute(delete(RoundRow).where(RoundRow.id.in_(old)))
            return old

    def delete_expired_rounds(self, today: date) -> list[int]:
        """Retention, for every workspace: delete each round kept past its owner's ``keep_days`` (counted from the
        day it stopped taking answers), with its participants, answers, proposals and acceptances.
        Returns the deleted round ids. Accepted importances stay in the needs."""
        with self._tx(write=True) as s:
            rows = s.scalars(select(RoundRow)).all()
            expired = [r.id for r in rows if Round.model_validate_json(r.spec).kept_until(_closed_on(r)) < today]
            if expired:
                s.execute(delete(RoundRow).where(RoundRow.id.in_(expired)))
            return expired


def _closed_on(row: RoundRow) -> date:
    """The day a round stopped taking answers: its close date, or the day the designer closed it if earlier."""
    closes = Round.model_validate_json(row.spec).closes
    return min(closes, row.closed_at.date()) if row.closed_at is not None else closes


def _add_step(s: Session, round_row: RoundRow, previous: dict[str, Any], author: str) -> int:
    """Record an acceptance of the round's results (``previous``: what undoing it needs)."""
    step = AcceptanceRow(
        round_id=round_row.id,
        accepted_at=utcnow(),
        accepted_by=author.strip()[:200] or "unknown",
        previous=json.dumps(previous),
        undone_at=None,
    )
    s.add(step)
    s.flush()
    return step.id


_ITEM_NAMES = {"needs": "need", "advantages": "advantage"}


def _accepted_items(kind: str) -> tuple[type[NeedRow] | type[AdvantageRow], type[WorkspaceNeed] | type[Advantage]]:
    """The table and model a round's results are accepted into: needs or advantages (a value round: none)."""
    if kind == "needs":
        return NeedRow, WorkspaceNeed
    if kind == "advantages":
        return AdvantageRow, Advantage
    raise StorageError(f"the results of a {kind} round are not accepted into the workspace's items")


def _previous_fields(previous: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """An acceptance's values before: {"fields": {id: {field: value}}}, or (before advantages rounds) {id: importance}."""
    if isinstance(previous.get("fields"), dict):
        return cast(dict[str, dict[str, Any]], previous["fields"])
    return {item_id: {"importance": importance} for item_id, importance in previous.items()}


def _set_fields(
    row: NeedRow | AdvantageRow, model: type[WorkspaceNeed] | type[Advantage], data: dict[str, Any], author: str
) -> None:
    row.data = model.model_validate(data).model_dump_json()
    row.updated_at = utcnow()
    row.updated_by = author.strip()[:200] or "unknown"


def _info(row: RoundRow) -> RoundInfo:
    return RoundInfo(
        id=row.id,
        workspace_id=row.workspace_id,
        round=Round.model_validate(json.loads(row.spec)),
        created_at=row.created_at,
        created_by=row.created_by,
        closed_at=row.closed_at,
        revoked_at=row.revoked_at,
    )


def _proposal(row: ProposalRow) -> ProposalInfo:
    return ProposalInfo(row.id, row.round_id, row.text, row.status, row.created_at)


def _round_row(s: Session, round_id: int) -> RoundRow:
    row = s.get(RoundRow, int(round_id))
    if row is None:
        raise NotFoundError(f"round {round_id} not found")
    return row


def _open_round_row(s: Session, round_id: int, today: date | None) -> RoundRow:
    row = _round_row(s, round_id)
    state = _info(row).state(today or utcnow().date())
    if state != "open":
        raise StorageError(f"this round is {state}: it takes no answers")
    return row


def _participant_row(s: Session, round_id: int, participant_hash: str) -> ParticipantRow | None:
    return s.scalar(
        select(ParticipantRow).where(
            ParticipantRow.round_id == int(round_id), ParticipantRow.token_hash == participant_hash
        )
    )
