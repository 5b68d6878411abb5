"""Co-creation rounds: stakeholders rate a workspace's needs, value or advantages, and the answers are aggregated.

The seed approach ranked needs, value and advantages with three questionnaire rounds run with
city stakeholders. This module holds the round and answer records and the aggregates the
designer sees (docs/co-creation.md states every rule): pure functions, so the same figures come
out of the web pages, the exports and the tests.
"""

from __future__ import annotations

import csv
import io
import math
import re
import statistics
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Annotated, Literal

import segno
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from canvas_app.exports import safe_cell
from canvas_app.ids import fresh_id, slug
from canvas_app.model import Configuration, Flow
from canvas_app.workspace_model import Advantage, StakeholderRating, WorkspaceNeed

KINDS = ("needs", "value", "advantages")
Kind = Literal["needs", "value", "advantages"]
LANGUAGES = ("en", "fi")
Language = Literal["en", "fi"]
GROUPS = ("resident", "business", "city department", "researcher", "third sector", "other")
"""The stakeholder groups a participant may speak for: a fixed list, so the breakdown compares like with like."""
Group = Literal["resident", "business", "city department", "researcher", "third sector", "other"]
RATINGS = (1, 2, 3, 4, 5)
MAX_COMMENT = 1000
MAX_ITEM_TEXT = 500
MAX_INTRO = 4000
MAX_ITEMS = 100
MAX_INVITED = 200
"""Accounts one round may invite by name (a workshop or a stakeholder panel; larger groups get the link)."""
MAX_PROPOSAL = MAX_ITEM_TEXT
"""A participant's proposal may become an item of a later round, so it has at most an item text's length."""
MAX_NEED_NAME = 300
"""The longest need name (``canvas_app.model.Name``): a longer accepted proposal is cut to it."""
AGREEMENT_BAND = 1.0
"""A rating counts as agreeing when it lies within this distance of the item's median."""
CONSENSUS_IQR = 1.0
"""An item has reached consensus when its IQR is at most this (on the 1–5 scale)."""

WRITE_WINDOW = timedelta(minutes=10)
MAX_WRITES_PER_ADDRESS = 60
"""Submissions (consent, a page of answers, a proposal) one network address may make to one round per window:
a workshop of 20 people behind one office address can each save three times in ten minutes."""
MAX_WRITES_PER_ROUND = 3000
"""Submissions one round takes per window from all addresses together: 500 participants saving a
20-item page, joining and revising once fit with room to spare; a flood from a leaked link does not."""

_MARKUP = re.compile(r"<\s*[A-Za-z/!?]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_HASH = re.compile(r"[0-9a-f]{64}")


def plain_text(value: str, what: str) -> str:
    """Refuse markup and control characters: participants' words are shown as typed, never as HTML."""
    if _MARKUP.search(value):
        raise ValueError(f"{what} must be plain text: remove the '<' markup")
    if _CONTROL.search(value):
        raise ValueError(f"{what} contains control characters")
    return value.strip()


class RoundItem(BaseModel):
    """One item put to the participants: the id of a need, actor value or advantage, and the designer's text."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: Annotated[str, StringConstraints(min_length=1, max_length=100, strip_whitespace=True)]
    text: Annotated[str, StringConstraints(min_length=1, max_length=MAX_ITEM_TEXT)]

    @field_validator("text")
    @classmethod
    def _plain(cls, value: str) -> str:
        return plain_text(value, "Item text")


DEFAULT_KEEP_DAYS = 365
MIN_KEEP_DAYS = 30
MAX_KEEP_DAYS = 3650
"""How long a round's answers are kept after it closes: a year unless the owner says otherwise, never less
than a month (time to read and accept the results) nor more than ten years."""


class Round(BaseModel):
    """A questionnaire round on a workspace's needs, one configuration's value, or its advantages."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Kind
    items: Annotated[tuple[RoundItem, ...], Field(min_length=1, max_length=MAX_ITEMS)]
    intro: Annotated[str, StringConstraints(max_length=MAX_INTRO)] = ""
    opens: date
    closes: date
    language: Language = "en"
    follow_up_of: int | None = None
    """The round this one follows up (Delphi-style): its results are shown next to each participant's earlier answer."""
    configuration: int | None = None
    """The configuration a value round asks about (its actors are the items); None for other kinds."""
    invited: Annotated[
        tuple[Annotated[str, StringConstraints(min_length=1, max_length=100)], ...], Field(max_length=MAX_INVITED)
    ] = ()
    """Names of accounts invited to answer: each finds the round on their Home page and answers signed in,
    without the link (their answers carry no account, like everyone's)."""
    keep_days: Annotated[int, Field(ge=MIN_KEEP_DAYS, le=MAX_KEEP_DAYS)] = DEFAULT_KEEP_DAYS
    """Retention the owner sets: the round and its answers are deleted this many days after it closes
    (``canvas-app rounds purge``); what was accepted into the rankings stays."""

    @field_validator("intro")
    @classmethod
    def _plain(cls, value: str) -> str:
        return plain_text(value, "Intro")

    @model_validator(mode="after")
    def _consistent(self) -> Round:
        if self.closes < self.opens:
            raise ValueError("The round must close on or after the day it opens")
        if (self.kind == "value") != (self.configuration is not None):
            raise ValueError("A value round, and only a value round, names the configuration it asks about")
        ids = [item.id for item in self.items]
        if len(set(ids)) != len(ids):
            raise ValueError("Each item may be asked only once in a round")
        return self

    def item_ids(self) -> tuple[str, ...]:
        return tuple(item.id for item in self.items)

    def kept_until(self, closed_on: date) -> date:
        """The last day the round and its answers are kept, for a round that stopped taking answers on ``closed_on``.

        >>> r = Round(kind="needs", items=[RoundItem(id="n1", text="x")], opens=date(2026, 3, 1), closes=date(2026, 3, 31))
        >>> r.kept_until(r.closes)
        datetime.date(2027, 3, 31)
        """
        return closed_on + timedelta(days=self.keep_days)

    def is_open(self, today: date) -> bool:
        """Answers are taken from the opening day to the closing day, both included."""
        return self.opens <= today <= self.closes


class Answer(BaseModel):
    """One participant's answer on one item. ``participant`` is the sha256 of their link token: no personal data."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    participant: str
    group: Group
    item: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    rating: Annotated[int, Field(ge=1, le=5)] | None
    """1 (not at all) … 5 (very much); None is "don't know" and counts apart from the ratings."""
    comment: Annotated[str, StringConstraints(max_length=MAX_COMMENT)] = ""
    reason: Annotated[str, StringConstraints(max_length=MAX_COMMENT)] = ""
    """Why the participant revised an earlier answer (Delphi follow-up); empty otherwise."""
    answered_at: datetime | None = None
    """When the answer was last saved (UTC), as the store keeps it; None for an answer not saved yet."""

    @field_validator("participant")
    @classmethod
    def _hashed(cls, value: str) -> str:
        if not _HASH.fullmatch(value):
            raise ValueError("A participant is named by the sha256 of their token (64 hex digits)")
        return value

    @field_validator("comment", "reason")
    @classmethod
    def _plain(cls, value: str) -> str:
        return plain_text(value, "A comment")


@dataclass(frozen=True)
class ItemResult:
    """The aggregate of one item's answers (docs/co-creation.md)."""

    item: str
    n: int  # ratings 1–5 given
    dont_know: int
    distribution: tuple[int, int, int, int, int]  # how many answered 1, 2, 3, 4, 5
    median: float | None
    q1: float | None
    q3: float | None
    iqr: float | None
    agreement: float | None  # share of ratings within ±AGREEMENT_BAND of the median, 0..1
    consensus: bool  # iqr ≤ CONSENSUS_IQR (False when nobody rated)


@dataclass(frozen=True)
class Convergence:
    """How an item's spread changed from one round to the next: a negative change means the views converged."""

    item: str
    iqr_before: float
    iqr_after: float
    change: float


def quartiles(values: Sequence[float]) -> tuple[float, float, float]:
    """Q1, median, Q3 by linear interpolation between order statistics (Hyndman & Fan type 7, "inclusive").

    The same method as numpy's default percentile, Excel's QUARTILE.INC and R's default quantile,
    so a participation officer can check the figures in a spreadsheet. One value gives (v, v, v).
    """
    if not values:
        raise ValueError("No values to take quartiles of")
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0], ordered[0], ordered[0]
    q1, q2, q3 = statistics.quantiles(ordered, n=4, method="inclusive")
    return q1, q2, q3


def item_result(item: str, ratings: Sequence[int | None]) -> ItemResult:
    """Aggregate one item's ratings (None = "don't know", counted apart and left out of every figure)."""
    given = [r for r in ratings if r is not None]
    dont_know = len(ratings) - len(given)
    counts = Counter(given)
    distribution = (counts[1], counts[2], counts[3], counts[4], counts[5])
    if not given:
        return ItemResult(item, 0, dont_know, distribution, None, None, None, None, None, False)
    q1, median, q3 = quartiles(given)
    iqr = q3 - q1
    agreeing = sum(1 for r in given if abs(r - median) <= AGREEMENT_BAND)
    return ItemResult(
        item=item,
        n=len(given),
        dont_know=dont_know,
        distribution=distribution,
        median=median,
        q1=q1,
        q3=q3,
        iqr=iqr,
        agreement=agreeing / len(given),
        consensus=iqr <= CONSENSUS_IQR,
    )


def _check_unique(answers: Sequence[Answer]) -> None:
    seen: set[tuple[str, str]] = set()
    for answer in answers:
        key = (answer.participant, answer.item)
        if key in seen:
            raise ValueError(f"Participant {answer.participant[:8]}… answered item {answer.item!r} twice")
        seen.add(key)


def aggregate(answers: Sequence[Answer], items: Sequence[str]) -> dict[str, ItemResult]:
    """Per item of ``items`` (in that order) its aggregate; answers on other items are ignored.

    Each participant has at most one answer per item (a revision replaces the earlier one,
    see :func:`revise`); a second one is refused rather than silently counted twice.
    """
    _check_unique(answers)
    by_item: dict[str, list[int | None]] = {item: [] for item in items}
    for answer in answers:
        if answer.item in by_item:
            by_item[answer.item].append(answer.rating)
    return {item: item_result(item, ratings) for item, ratings in by_item.items()}


def by_group(answers: Sequence[Answer], items: Sequence[str]) -> dict[str, dict[str, ItemResult]]:
    """The aggregates per stakeholder group, for the groups that answered, in the order of :data:`GROUPS`."""
    _check_unique(answers)
    grouped: dict[str, list[Answer]] = {}
    for answer in answers:
        grouped.setdefault(answer.group, []).append(answer)
    return {group: aggregate(grouped[group], items) for group in GROUPS if group in grouped}


def convergence(before: Mapping[str, ItemResult], after: Mapping[str, ItemResult]) -> list[Convergence]:
    """The change of IQR per item rated in both rounds, in the order of ``after``."""
    changes = []
    for item, result in after.items():
        earlier = before.get(item)
        if earlier is None or earlier.iqr is None or result.iqr is None:
            continue
        changes.append(Convergence(item, earlier.iqr, result.iqr, result.iqr - earlier.iqr))
    return changes


def revise(answers: Sequence[Answer], new: Answer) -> tuple[Answer, ...]:
    """The answers with ``new`` replacing the same participant's answer on the same item (or added)."""
    key = (new.participant, new.item)
    if all((a.participant, a.item) != key for a in answers):
        return (*answers, new)
    return tuple(new if (a.participant, a.item) == key else a for a in answers)


def importance_from_median(median: float) -> int:
    """The need importance (1–5) an accepted round sets: the median rounded half up (2.5 → 3, 3.5 → 4)."""
    if not 1 <= median <= 5:
        raise ValueError(f"A median of 1–5 ratings lies in 1..5, not {median}")
    return min(5, math.floor(median + 0.5))


def write_limits(round_id: int, address: str) -> dict[str, tuple[int, timedelta]]:
    """The counters one submission to a round counts against (key: (limit, window)), for the same
    database-kept throttle as sign-ins. ``address`` is the caller's normalised network address."""
    return {
        f"round:{int(round_id)}|address:{address}": (MAX_WRITES_PER_ADDRESS, WRITE_WINDOW),
        f"round:{int(round_id)}": (MAX_WRITES_PER_ROUND, WRITE_WINDOW),
    }


def need_from_proposal(proposal: str, taken: set[str], round_id: int) -> WorkspaceNeed:
    """The need an accepted proposal becomes: its text as the name (cut at a word with "…" past
    300 characters, the whole text then in the description), importance and urgency 3 (the
    designer sets them on the Needs page), and a note of where it came from as its evidence."""
    name = proposal
    description = ""
    if len(proposal) > MAX_NEED_NAME:
        cut = proposal[: MAX_NEED_NAME - 1]
        name = (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip() + "…"
        description = proposal
    return WorkspaceNeed(
        id=fresh_id("need-" + slug(name, "proposal"), taken),
        name=name,
        description=description,
        evidence=f"Proposed by a participant of co-creation round #{int(round_id)}.",
    )


def merged_evidence(evidence: str, proposal: str, round_id: int) -> str:
    """A need's evidence with a proposal merged into it: one line naming the round, after what was there."""
    line = f"Also proposed by a participant of co-creation round #{int(round_id)}: {proposal}"
    return f"{evidence.rstrip()}\n{line}" if evidence.strip() else line


REFERENCE_LENGTH = 8
_REFERENCE = re.compile(rf"[0-9a-f]{{{REFERENCE_LENGTH}}}")


def reference_code(participant: str) -> str:
    """The code a participant quotes to have their answers deleted: the first 8 hex digits of their hash.

    The store keeps only the hash, so the designer can find them by it; it tells nothing of the token
    behind it. Two of 500 participants share a code about once in 30,000 rounds; the deletion is then
    refused as ambiguous rather than guessed."""
    return participant[:REFERENCE_LENGTH]


def parse_invited(value: object) -> tuple[str, ...]:
    r"""Account names typed in the create form, separated by commas or new lines; each once, in order.

    >>> parse_invited("ann, bob\nann,, "), parse_invited(None)
    (('ann', 'bob'), ())
    """
    names = [n.strip() for n in re.split(r"[,\n]", value if isinstance(value, str) else "")]
    return tuple(dict.fromkeys(n for n in names if n))


def parse_reference(value: object) -> str | None:
    """A reference code as typed (any case, spaces around it), or None when it is not one."""
    code = value.strip().lower() if isinstance(value, str) else ""
    return code if _REFERENCE.fullmatch(code) else None


EXPORT_COLUMNS = (
    "item id", "item text", "stakeholder group", "rating", "comment", "reason for revision", "answered at"
)  # fmt: skip
"""The export's columns: no participant token, hash, number or address, and the day only, not the time."""
ExportRow = tuple[str, str, str, int | str, str, str, str]


def export_rows(round_: Round, answers: Sequence[Answer]) -> list[ExportRow]:
    """One row per answer on an item of the round, in the order of :data:`EXPORT_COLUMNS`.

    *Don't know* is an empty rating. The rows are sorted by the round's item order, then group, day,
    rating, comment and reason, so their order does not tell which answers one participant saved together."""
    texts = {item.id: item.text for item in round_.items}
    position = {item_id: n for n, item_id in enumerate(round_.item_ids())}
    rows = [
        (
            a.item,
            texts[a.item],
            a.group,
            "" if a.rating is None else a.rating,
            a.comment,
            a.reason,
            "" if a.answered_at is None else a.answered_at.date().isoformat(),
        )
        for a in answers
        if a.item in texts
    ]
    return sorted(rows, key=lambda r: (position[r[0]], GROUPS.index(r[2]), r[6], str(r[3]), r[4], r[5]))


def answers_csv(round_: Round, answers: Sequence[Answer]) -> bytes:
    """The round's answers as CSV (:func:`export_rows`); a cell a spreadsheet would read as a formula
    gets a leading quote (:func:`canvas_app.exports.safe_cell`). Comments and reasons are written as typed."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    writer.writerows([safe_cell(v) for v in row] for row in export_rows(round_, answers))
    return out.getvalue().encode("utf-8")


def answers_xlsx(round_: Round, answers: Sequence[Answer]) -> bytes:
    """The same rows as :func:`answers_csv` in one XLSX sheet "Answers": ratings are numbers, every
    other cell is text (a formula-like cell gets the same leading quote and is never a formula)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Answers"
    sheet.append(list(EXPORT_COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in export_rows(round_, answers):
        sheet.append([safe_cell(v) for v in row])
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # openpyxl takes any string starting with "=" for a formula
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


Aspect = Literal["today", "target"]
ASPECTS: tuple[Aspect, ...] = ("today", "target")
"""An advantages round asks two things of each advantage: its strength today and the strength it should have."""
ASPECT_FIELDS: dict[str, str] = {"today": "rated_today", "target": "rated_target"}
"""The :class:`~canvas_app.workspace_model.Advantage` field each aspect's accepted rating goes into."""


def advantage_item_id(advantage_id: str, aspect: Aspect) -> str:
    """The round item of one aspect of an advantage: ``<advantage id>@today`` or ``@target``."""
    return f"{advantage_id}@{aspect}"


def item_aspect(item_id: str) -> tuple[str, str]:
    """``(the need or advantage id, aspect)`` of a round item; the aspect is "" for a needs item.

    >>> item_aspect("adv-open-data@target"), item_aspect("need-parking")
    (('adv-open-data', 'target'), ('need-parking', ''))
    """
    ref, _, aspect = item_id.rpartition("@")
    return (ref, aspect) if ref and aspect in ASPECTS else (item_id, "")


def _item_text(value: str) -> str:
    """A need name or an advantage text as an item text: past its 500 characters cut at a word, with "…"."""
    value = " ".join(value.split())
    if len(value) <= MAX_ITEM_TEXT:
        return value
    return value[: MAX_ITEM_TEXT - 1].rsplit(" ", 1)[0] + "…"


def needs_items(needs: Sequence[WorkspaceNeed]) -> tuple[RoundItem, ...]:
    """A needs round's items: each need, its name as the text participants read."""
    return tuple(RoundItem(id=n.id, text=_item_text(n.name)) for n in needs)


def advantage_items(advantages: Sequence[Advantage]) -> tuple[RoundItem, ...]:
    """An advantages round's items: each advantage twice, its strength today and its target strength."""
    return tuple(
        RoundItem(id=advantage_item_id(a.id, aspect), text=_item_text(a.text)) for a in advantages for aspect in ASPECTS
    )


def value_items(config: Configuration) -> tuple[RoundItem, ...]:
    """A value round's items: each actor of the configuration with what it gives and what it gets, in words."""
    names = {a.id: a.name for a in config.actors}

    def said(flows: list[Flow], other: str) -> str:
        parts = [
            f"{f.label or f.kind.value} ({'to' if other == 'target' else 'from'} {names.get(getattr(f, other), '?')})"
            for f in flows
        ]
        return ", ".join(parts) or "nothing"

    items = []
    for actor in config.actors:
        gives = [f for f in config.flows if f.source == actor.id]
        gets = [f for f in config.flows if f.target == actor.id]
        items.append(
            RoundItem(
                id=actor.id,
                text=_item_text(f"{actor.name}. Gives: {said(gives, 'target')}. Gets: {said(gets, 'source')}."),
            )
        )
    return tuple(items)


def value_ratings(results: Mapping[str, ItemResult], round_id: int) -> dict[str, dict[str, object]]:
    """What accepting a value round records: {actor id: {"stakeholders": rating (JSON)}} for the rated actors."""
    ratings: dict[str, dict[str, object]] = {}
    for actor_id, result in results.items():
        rating = stakeholder_rating(result, round_id)
        if rating is not None:
            ratings[actor_id] = {"stakeholders": rating.model_dump(mode="json")}
    return ratings


def stakeholder_rating(result: ItemResult, round_id: int) -> StakeholderRating | None:
    """The figures an accepted round leaves on a need or advantage (None when nobody rated the item)."""
    if result.median is None or result.agreement is None or result.iqr is None:
        return None
    return StakeholderRating(
        round=round_id, median=result.median, n=result.n, agreement=round(result.agreement, 4), iqr=result.iqr
    )


def accepted_updates(
    kind: Kind, current: Mapping[str, WorkspaceNeed | Advantage], results: Mapping[str, ItemResult], round_id: int
) -> dict[str, dict[str, object]]:
    """What accepting a closed round changes: {need or advantage id: {field: new value (JSON)}}, only for the
    items that still exist, were rated by someone, and whose fields change.

    Needs: ``importance`` from the median (rounded half up) and ``stakeholders`` (median, n, agreement,
    IQR). Advantages: ``rated_today`` and ``rated_target``. A value round changes no workspace item
    (:func:`value_ratings`)."""
    updates: dict[str, dict[str, object]] = {}
    for item, result in results.items():
        ref, aspect = item_aspect(item) if kind == "advantages" else (item, "")
        existing = current.get(ref)
        rating = stakeholder_rating(result, round_id)
        if existing is None or rating is None or kind == "value":
            continue
        fields: dict[str, object]
        if kind == "needs":
            fields = {"importance": importance_from_median(rating.median), "stakeholders": rating}
        elif aspect:
            fields = {ASPECT_FIELDS[aspect]: rating}
        else:
            continue
        changed = {k: v for k, v in fields.items() if getattr(existing, k) != v}
        if changed:
            updates.setdefault(ref, {}).update(
                {k: v.model_dump(mode="json") if isinstance(v, StakeholderRating) else v for k, v in changed.items()}
            )
    return updates


TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "consent_title": "Before you start",
        "consent_body": (
            "We collect your ratings, comments and proposals, the stakeholder group you choose and when you "
            "agreed. We do not collect your name, e-mail or network address with your answers. The people "
            "running this round in the city see the answers, per item and per group; exports carry no "
            "identifier of you. The answers are deleted on {until} at the latest (what the city decided with "
            "them stays); you can ask for yours to be deleted sooner."
        ),
        "consent_agree": "I agree, start",
        "group_label": "I speak for",
        "rating_label": "How much does this matter? 1 = not at all, 5 = very much",
        "rating_today": "How strong is this advantage today? 1 = very weak, 5 = very strong",
        "rating_target": "How strong should it become? 1 = very weak, 5 = very strong",
        "rating_value": "How much does what this actor gives and gets matter to them? 1 = not at all, 5 = very much",
        "follow_up_intro": (
            "This round asks the earlier round's questions again. Beside each item you see what everyone "
            "answered then and, if you answered with this browser, your own earlier answer, already filled in. "
            "Confirm it or change it, and if you change it, say why."
        ),
        "group_none": "Nobody rated this in the previous round.",
        "no_earlier": "You did not rate this in the previous round with this browser.",
        "dont_know": "Don't know",
        "comment_label": "Comment (optional)",
        "reason_label": "Why did you change your answer? (optional)",
        "propose_label": "Propose a need or opportunity (optional)",
        "save": "Save my answers",
        "saved": "Your answers are saved. You can come back with the same link and change them until the round closes.",
        "closed": "This round is closed: it takes no more answers. Thank you.",
        "not_open": "This round is not open yet.",
        "invalid": "This participation link is not valid.",
        "too_many": "Too many submissions from your network. Try again in a few minutes.",
        "choose_group": "Choose the group you speak for first.",
        "joined": "Thank you. Now rate the items below and save your answers.",
        "consent_first": "Press “I agree, start” above first.",
        "nothing_rated": "Rate at least one item before saving.",
        "group_median": "Everyone in the previous round: median {median}, spread (IQR) {iqr}, {n} answers",
        "your_earlier": "Your earlier answer: {rating}",
        "reference": "Your reference code: {code}. Quote this code to ask for your answers to be deleted.",
        "propose_send": "Send my proposal",
        "proposed": "Thank you: your proposal is sent to the people running this round.",
        "nothing_proposed": "Write your proposal first.",
        "proposal_too_long": "A proposal has at most {n} characters.",
    },
    "fi": {
        "consent_title": "Ennen kuin aloitat",
        "consent_body": (
            "Keräämme arviosi, kommenttisi ja ehdotuksesi, valitsemasi sidosryhmän ja suostumuksesi ajan. "
            "Emme kerää nimeäsi, sähköpostiosoitettasi emmekä verkko-osoitettasi vastaustesi yhteydessä. "
            "Kierroksen järjestäjät kaupungilla näkevät vastaukset kohteittain ja ryhmittäin; vientitiedostoissa "
            "ei ole sinua yksilöivää tunnistetta. Vastaukset poistetaan viimeistään {until} (niiden pohjalta tehdyt "
            "päätökset säilyvät); voit pyytää poistamaan omasi aiemmin."
        ),
        "consent_agree": "Hyväksyn, aloitetaan",
        "group_label": "Edustan",
        "rating_label": "Kuinka tärkeä tämä on? 1 = ei lainkaan, 5 = erittäin",
        "rating_today": "Kuinka vahva tämä etu on nyt? 1 = hyvin heikko, 5 = hyvin vahva",
        "rating_target": "Kuinka vahvaksi sen pitäisi tulla? 1 = hyvin heikko, 5 = hyvin vahva",
        "rating_value": "Kuinka tärkeää tälle toimijalle on se, mitä se antaa ja saa? 1 = ei lainkaan, 5 = erittäin",
        "follow_up_intro": (
            "Tällä kierroksella kysytään uudelleen edellisen kierroksen kysymykset. Jokaisen kohteen vieressä näet, "
            "mitä kaikki silloin vastasivat, ja jos vastasit tällä selaimella, oman aiemman vastauksesi valmiiksi "
            "valittuna. Vahvista se tai muuta sitä, ja jos muutat, kerro miksi."
        ),
        "group_none": "Kukaan ei arvioinut tätä edellisellä kierroksella.",
        "no_earlier": "Et arvioinut tätä edellisellä kierroksella tällä selaimella.",
        "dont_know": "En osaa sanoa",
        "comment_label": "Kommentti (vapaaehtoinen)",
        "reason_label": "Miksi muutit vastaustasi? (vapaaehtoinen)",
        "propose_label": "Ehdota tarvetta tai mahdollisuutta (vapaaehtoinen)",
        "save": "Tallenna vastaukseni",
        "saved": "Vastauksesi on tallennettu. Voit palata samalla linkillä ja muuttaa niitä, kunnes kierros sulkeutuu.",
        "closed": "Tämä kierros on suljettu eikä ota enää vastauksia. Kiitos.",
        "not_open": "Tämä kierros ei ole vielä auki.",
        "invalid": "Tämä osallistumislinkki ei ole voimassa.",
        "too_many": "Verkostasi on tullut liian monta lähetystä. Yritä uudelleen muutaman minuutin kuluttua.",
        "choose_group": "Valitse ensin, ketä edustat.",
        "joined": "Kiitos. Arvioi nyt alla olevat kohteet ja tallenna vastauksesi.",
        "consent_first": "Paina ensin yllä olevaa painiketta “Hyväksyn, aloitetaan”.",
        "nothing_rated": "Arvioi vähintään yksi kohde ennen tallentamista.",
        "group_median": "Kaikki edellisellä kierroksella: mediaani {median}, hajonta (IQR) {iqr}, {n} vastausta",
        "your_earlier": "Aiempi vastauksesi: {rating}",
        "reference": "Viitekoodisi: {code}. Mainitse tämä koodi, jos pyydät vastaustesi poistamista.",
        "propose_send": "Lähetä ehdotukseni",
        "proposed": "Kiitos: ehdotuksesi on lähetetty kierroksen järjestäjille.",
        "nothing_proposed": "Kirjoita ensin ehdotuksesi.",
        "proposal_too_long": "Ehdotuksessa voi olla enintään {n} merkkiä.",
    },
}
"""The participant page's texts in each round language; item texts are shown as the designer wrote them."""
GROUP_NAMES: dict[str, dict[str, str]] = {
    "en": {g: g.capitalize() for g in GROUPS},
    "fi": {
        "resident": "Asukas",
        "business": "Yritys",
        "city department": "Kaupungin toimiala",
        "researcher": "Tutkija",
        "third sector": "Kolmas sektori",
        "other": "Muu",
    },
}


def link_qr_svg(link: str) -> str:
    """The participation link as a QR code (SVG text) to print on a poster or a flyer, drawn by segno here:
    the link never goes to a third-party service. Medium error correction survives a crease or a smudge.

    >>> link_qr_svg("https://city.example/r/abc").startswith("<?xml")
    True
    """
    buffer = io.BytesIO()
    segno.make(link, error="m").save(buffer, kind="svg", scale=6, border=4, title="Participation link")
    return buffer.getvalue().decode("utf-8")


def text(language: Language, key: str, **values: object) -> str:
    """A participant-page text in the round's language, with its ``{placeholders}`` filled."""
    return TEXTS[language][key].format(**values)
