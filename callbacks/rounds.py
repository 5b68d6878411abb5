"""Co-creation round callbacks: the designer's page of a workspace's rounds, and the participant's
page at ``/r/<token>``, which needs no account.

The designer's callbacks check ``view``/``edit`` on the workspace, and that the round they act on
belongs to it. The participant's callbacks are public on purpose (``Services.public_route``): each
one reads the round again from the token in the URL, so a round id sent by a browser is never
trusted, and counts its submission against the round's write limits (``canvas_app.rounds``).
The bodies are plain functions, tested directly.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from dash import ALL, Input, Output, State, ctx, dcc, no_update
from pydantic import ValidationError

from canvas_app.rounds import (
    DEFAULT_KEEP_DAYS,
    GROUPS,
    MAX_INVITED,
    MAX_KEEP_DAYS,
    MAX_PROPOSAL,
    MIN_KEEP_DAYS,
    Answer,
    Round,
    RoundItem,
    accepted_updates,
    advantage_items,
    aggregate,
    answers_csv,
    answers_xlsx,
    by_group,
    convergence,
    merged_evidence,
    need_from_proposal,
    needs_items,
    parse_invited,
    parse_reference,
    plain_text,
    reference_code,
    text,
    value_items,
    value_ratings,
    write_limits,
)
from canvas_app.web.auth import address_key
from canvas_app.web.services import Services, Unavailable
from canvas_app.workspace_model import Advantage, WorkspaceNeed
from layouts import rounds as layouts
from layouts.common import message, not_found
from layouts.ids import ID
from storage import NotFoundError, StorageError
from storage.rounds import RoundInfo, new_token, token_hash


def today() -> date:
    """Today in UTC: the day the store opens and closes rounds by (docs/co-creation.md)."""
    return datetime.now(UTC).date()


def first_problem(exc: ValidationError) -> str:
    """The core's own message (e.g. "A comment must be plain text: …"), without pydantic's prefix."""
    problem = str(exc.errors()[0]["msg"])
    return problem.removeprefix("Value error, ")


# -- designer page ----------------------------------------------------------------------
def participant_counts(services: Services, workspace_id: int) -> dict[int, int]:
    """Per round of the workspace, how many participants saved at least one answer (counted by the store)."""
    return services.store.answering_participants(workspace_id)


def rounds_page(services: Services, workspace_id: int) -> Any:
    """Build the designer's page of a workspace's rounds."""
    try:
        workspace, _access = services.open_workspace(workspace_id)
    except Unavailable as exc:
        return not_found(str(exc))
    rounds = services.store.list_rounds(workspace.id)
    return layouts.rounds_layout(
        workspace_id=workspace.id,
        workspace_name=workspace.name,
        rounds=rounds,
        participants=participant_counts(services, workspace.id),
        needs=[(n.id, n.name) for n in services.store.list_needs(workspace.id)],
        advantages=[(a.id, f"{a.service}: {a.text}") for a in services.store.list_advantages(workspace.id)],
        today=today(),
        configurations=[(c.id, c.name) for c in services.store.list_configurations(workspace.id)],
    )


def bumped(changed: Any, done: bool) -> Any:
    """The rounds page's change counter after an action: one more when it changed something (the list, the
    results and the proposals redraw), else left alone."""
    return int(changed or 0) + 1 if done else no_update


def round_items(
    services: Services,
    workspace_id: int,
    kind: Any,
    need_ids: Any,
    advantage_ids: Any,
    follow_up: Any,
    configuration: Any = None,
) -> tuple[str, tuple[RoundItem, ...], int | None, int | None] | str:
    """The new round's kind, items, the round it follows up and (a value round) its configuration, or why
    there are none.

    A follow-up takes the earlier round's kind and items as they were asked (texts included), so the
    two rounds' answers compare item by item."""
    if follow_up not in (None, ""):
        earlier = workspace_round(services, workspace_id, follow_up)
        if earlier is None or earlier.state(today()) != "closed":
            return "Choose a closed round of this workspace to follow up."
        return earlier.round.kind, earlier.round.items, earlier.id, earlier.round.configuration
    if kind == "value":
        heads = {str(c.id): c for c in services.store.list_configurations(workspace_id)}
        head = heads.get(str(configuration))
        if head is None:
            return "Choose a configuration of this workspace whose actors to rate."
        config, _head = services.load(head.id)
        if not config.actors:
            return f"“{head.name}” has no actors yet: add some in the editor."
        return "value", value_items(config), None, head.id
    if kind == "advantages":
        advantages = {a.id: a for a in services.store.list_advantages(workspace_id)}
        chosen = [advantages[i] for i in advantage_ids or [] if isinstance(i, str) and i in advantages]
        return (
            ("advantages", advantage_items(chosen), None, None) if chosen else "Choose at least one advantage to rate."
        )
    needs = {n.id: n for n in services.store.list_needs(workspace_id)}
    picked = [needs[i] for i in need_ids or [] if isinstance(i, str) and i in needs]
    return ("needs", needs_items(picked), None, None) if picked else "Choose at least one need to rate."


def create_round(
    services: Services, workspace_id: Any, need_ids: Any, intro: Any, opens: Any, closes: Any, language: Any,
    host_url: str, keep_days: Any = DEFAULT_KEEP_DAYS, *, kind: Any = "needs", advantage_ids: Any = None,
    follow_up: Any = None, configuration: Any = None, invited: Any = None,
) -> tuple[Any, bool]:  # fmt: skip
    """Create a needs or advantages round on the chosen items, or a follow-up of an earlier round;
    ``(message with the link shown once, created)``."""
    refusal = services.refusal("edit", workspace_id=workspace_id)
    if refusal:
        return message(refusal), False
    chosen = round_items(services, int(workspace_id), kind, need_ids, advantage_ids, follow_up, configuration)
    if isinstance(chosen, str):
        return message(chosen), False
    round_kind, items, follow_up_of, configuration_id = chosen
    accounts = parse_invited(invited)
    problem = invited_problem(services, accounts)
    if problem:
        return message(problem), False
    try:
        days = DEFAULT_KEEP_DAYS if keep_days in (None, "") else int(keep_days)
    except (TypeError, ValueError):
        days = -1
    if not MIN_KEEP_DAYS <= days <= MAX_KEEP_DAYS:
        return message(f"Keep the answers for {MIN_KEEP_DAYS} to {MAX_KEEP_DAYS} days after the round closes."), False
    try:
        round_ = Round(
            kind=round_kind,  # type: ignore[arg-type]  # round_items returns a Kind
            items=items,
            intro=str(intro or ""),
            opens=date.fromisoformat(str(opens or "")),
            closes=date.fromisoformat(str(closes or "")),
            language=language if language in ("en", "fi") else "en",
            follow_up_of=follow_up_of,
            configuration=configuration_id,
            invited=accounts,
            keep_days=days,
        )
    except ValidationError as exc:
        return message(first_problem(exc)), False
    except ValueError:
        return message("Give the opening and closing days as dates."), False
    try:
        _info, token = services.store.create_round(int(workspace_id), round_, author=services.author)
    except StorageError as exc:
        return message(str(exc)[:1].upper() + str(exc)[1:] + "."), False
    return layouts.created_notice(f"{host_url.rstrip('/')}{layouts.PARTICIPATE_PREFIX}{token}"), True


def invited_problem(services: Services, accounts: tuple[str, ...]) -> str:
    """Why these account names cannot be invited ("" when they can): accounts off, too many, or unknown."""
    if not accounts:
        return ""
    if not services.settings.auth:
        return "Accounts are off on this server: send the participation link instead of inviting accounts."
    if len(accounts) > MAX_INVITED:
        return f"Invite at most {MAX_INVITED} accounts; send the link to larger groups."
    unknown = [name for name in accounts if services.store.find_user(name) is None]
    if unknown:
        return f"No account is named {', '.join(unknown)}: nothing was created."
    return ""


def list_view(services: Services, workspace_id: Any) -> tuple[Any, list[dict[str, Any]], list[dict[str, Any]]]:
    """The rounds table, the options of the round select and those of the rounds a new one can follow up."""
    services.require("view", workspace_id=workspace_id)
    rounds = services.store.list_rounds(int(workspace_id))
    return (
        layouts.rounds_table(rounds, participant_counts(services, int(workspace_id)), today()),
        layouts.round_options(rounds, today()),
        layouts.follow_up_options(rounds, today()),
    )


def workspace_round(services: Services, workspace_id: Any, round_id: Any) -> RoundInfo | None:
    """The round the browser names, only if it belongs to the workspace access was checked on."""
    try:
        info = services.store.get_round(int(round_id))
    except (NotFoundError, TypeError, ValueError):
        return None
    return info if info.workspace_id == int(workspace_id) else None


NO_ROUND = "Choose a round of this workspace first."


def round_action(services: Services, action: str, workspace_id: Any, round_id: Any) -> tuple[Any, bool]:
    """Close, revoke, accept or undo (anything else: nothing); ``(message, changed)``."""
    refusal = services.refusal("edit", workspace_id=workspace_id)
    if refusal:
        return message(refusal), False
    info = workspace_round(services, workspace_id, round_id)
    if info is None:
        return message(NO_ROUND), False
    store = services.store
    try:
        if action == "close":
            store.close_round(info.id)
            return message(f"Round #{info.id} is closed: it takes no more answers.", "success"), True
        if action == "revoke":
            store.revoke_round(info.id)
            return message(f"Round #{info.id}'s link is revoked: it opens nothing any more.", "success"), True
        if action == "accept":
            return accept_results(services, info)
        if action != "undo":
            return no_update, False
        step = store.last_acceptance(info.id)
        if step is None:
            return message("Nothing to undo for this round.", "info"), False
        restored = store.undo_acceptance(step, author=services.author)
        return message(undone_said(info.round.kind, restored), "success"), True
    except StorageError as exc:
        return message(str(exc)[:1].upper() + str(exc)[1:] + "."), False


def undone_said(kind: str, restored: Mapping[str, Mapping[str, Any]]) -> str:
    """What an undone acceptance put back: the needs' importances ("n1 → 2, n2 → 3") or the advantages' ratings."""
    if kind == "needs":
        values = ", ".join(f"{i} → {f['importance']}" for i, f in restored.items() if "importance" in f)
        return f"Undone: the importances are back ({values or 'unchanged'}); the round's ratings are taken off."
    if kind == "value":
        return f"Undone: the value view no longer shows this round's ratings of {', '.join(restored)}."
    return f"Undone: the stakeholders' ratings of {', '.join(restored) or 'no advantage left'} are taken off."


def accept_results(services: Services, info: RoundInfo) -> tuple[Any, bool]:
    """Accept a closed needs or advantages round's results as one recorded step; ``(message, changed)``."""
    store = services.store
    results = aggregate(store.list_answers(info.id), info.round.item_ids())
    if info.round.kind == "value":
        ratings = value_ratings(results, info.id)
        if not ratings:
            return message("Nothing to accept: nobody rated an actor.", "info"), False
        store.accept_results(info.id, ratings, author=services.author)
        return message(
            f"Accepted into the value view (the Table view of the configuration): {', '.join(ratings)}.", "success"
        ), True
    current: dict[str, WorkspaceNeed | Advantage]
    if info.round.kind == "needs":
        current = {n.id: n for n in store.list_needs(info.workspace_id)}
    else:
        current = {a.id: a for a in store.list_advantages(info.workspace_id)}
    updates = accepted_updates(info.round.kind, current, results, info.id)
    if not updates:
        return message("Nothing changes: the items already carry these results (or nobody rated them).", "info"), False
    store.accept_results(info.id, updates, author=services.author)
    if info.round.kind == "needs":
        names = ", ".join(
            f"{need} → {fields['importance']}" for need, fields in updates.items() if "importance" in fields
        )
        return message(
            f"Accepted into the needs ranking: {names or 'the ratings, importances unchanged'}.", "success"
        ), True
    return message(f"Accepted into the advantages ranking: {', '.join(updates)}.", "success"), True


def results_view(services: Services, workspace_id: Any, round_id: Any) -> Any:
    """The chosen round's results section (nothing for a round of another workspace)."""
    services.require("view", workspace_id=workspace_id)
    info = workspace_round(services, workspace_id, round_id)
    if info is None:
        return None
    answers = services.store.list_answers(info.id)
    items = info.round.item_ids()
    results = aggregate(answers, items)
    converged = None
    if info.round.follow_up_of is not None:
        earlier = workspace_round(services, workspace_id, info.round.follow_up_of)
        if earlier is not None:  # deleted by retention: no convergence to show
            before = aggregate(services.store.list_answers(earlier.id), items)
            changes = convergence(before, results)
            reasons = [(a.item, a.reason) for a in answers if a.reason]
            converged = layouts.follow_up_results(info.round, earlier.id, reasons, changes)
    return layouts.results_section(info, results, by_group(answers, items), today(), converged)


def export_answers(services: Services, fmt: str, workspace_id: Any, round_id: Any) -> tuple[Any, Any]:
    """The chosen round's answers as CSV or XLSX (``view`` may export): ``(download, message)``."""
    refusal = services.refusal("view", workspace_id=workspace_id)
    if refusal:
        return no_update, message(refusal)
    info = workspace_round(services, workspace_id, round_id)
    if info is None:
        return no_update, message(NO_ROUND)
    answers = services.store.list_answers(info.id)
    if fmt == "xlsx":
        return dcc.send_bytes(answers_xlsx(info.round, answers), f"round-{info.id}-answers.xlsx"), None
    return dcc.send_bytes(answers_csv(info.round, answers), f"round-{info.id}-answers.csv"), None


def proposals_view(services: Services, workspace_id: Any, round_id: Any) -> Any:
    """The chosen round's proposals to moderate (nothing for a round of another workspace)."""
    services.require("view", workspace_id=workspace_id)
    info = workspace_round(services, workspace_id, round_id)
    if info is None:
        return None
    needs = [(n.id, n.name) for n in services.store.list_needs(info.workspace_id)]
    return layouts.proposals_section(info.id, services.store.list_proposals(info.id), needs)


MODERATION = {"accept": "accepted", "reject": "rejected", "merge": "merged"}
"""A moderation action and the status it gives a new proposal."""


def moderate(
    services: Services, action: str, workspace_id: Any, round_id: Any, proposal_id: Any, target: Any = None
) -> tuple[Any, bool]:
    """Accept a new proposal as a need, merge it into the need ``target`` (its evidence gets the
    proposal's text), or reject it; ``(message, changed)``."""
    refusal = services.refusal("edit", workspace_id=workspace_id)
    if refusal:
        return message(refusal), False
    info = workspace_round(services, workspace_id, round_id)
    if info is None:
        return message(NO_ROUND), False
    proposal = next((p for p in services.store.list_proposals(info.id) if str(p.id) == str(proposal_id)), None)
    if proposal is None or action not in MODERATION:
        return message(f"That proposal is not one of round #{info.id}'s."), False
    store = services.store
    needs = {n.id: n for n in store.list_needs(info.workspace_id)}
    if action == "merge":
        need = needs.get(target) if isinstance(target, str) else None
        if need is None:
            return message("Choose a need of this workspace to merge the proposal into."), False
        evidence = merged_evidence(need.evidence, proposal.text, info.id)
        try:
            stored: WorkspaceNeed | None = WorkspaceNeed.model_validate({**need.model_dump(), "evidence": evidence})
        except ValidationError:
            return message(f"“{need.name}” has no room left in its evidence: nothing was merged."), False
        done = f"Merged into “{need.name}”: its evidence quotes the proposal."
    elif action == "accept":
        stored = need_from_proposal(proposal.text, set(needs), info.id)
        done = (
            f"Added “{stored.name}” to the workspace's needs with importance and urgency 3: set them on the Needs page."
        )
    else:
        stored, done = None, "Proposal rejected: it stays in the list, marked rejected."
    try:  # marked first, only if still new: a second click or moderator meanwhile gets "already …"
        store.set_proposal_status(proposal.id, MODERATION[action], expected="new")
    except StorageError as exc:
        return message(str(exc)[:1].upper() + str(exc)[1:] + ".", "info"), False
    if stored is not None:
        try:
            store.upsert_need(info.workspace_id, stored, author=services.author)
        except StorageError:
            store.set_proposal_status(proposal.id, "new", expected=MODERATION[action])  # nothing stored: it waits
            raise
    return message(done, "success"), True


def participant_by_code(services: Services, info: RoundInfo, code: Any) -> tuple[str | None, str]:
    """The hash of the round's participant a quoted reference code names: ``(hash, "")`` or ``(None, why not)``."""
    parsed = parse_reference(code)
    if parsed is None:
        return None, "A reference code is 8 characters, digits 0–9 and letters a–f, as the participant page shows it."
    found = services.store.participants_with_code(info.id, parsed)
    if not found:
        return None, f"No participant of round #{info.id} has the reference code {parsed}: nothing was deleted."
    if len(found) > 1:
        return None, f"More than one participant of round #{info.id} has the code {parsed}: nothing was deleted."
    return found[0], ""


def ask_to_erase(services: Services, workspace_id: Any, round_id: Any, code: Any) -> tuple[bool, Any, Any, Any]:
    """The confirm step of a deletion on request: ``(dialog open, its question, pending, message)``."""
    refusal = services.refusal("edit", workspace_id=workspace_id)
    if refusal:
        return False, no_update, None, message(refusal)
    info = workspace_round(services, workspace_id, round_id)
    if info is None:
        return False, no_update, None, message(NO_ROUND)
    participant, problem = participant_by_code(services, info, code)
    if participant is None:
        return False, no_update, None, message(problem)
    answers = sum(1 for a in services.store.list_answers(info.id) if a.participant == participant)
    code = reference_code(participant)
    return True, layouts.erase_question(code, answers, info.id), {"round": info.id, "code": code}, None


def erase_participant(services: Services, workspace_id: Any, pending: Any) -> tuple[Any, bool]:
    """Delete the participant the dialog asked about (looked up again: the browser's store is only a key)."""
    refusal = services.refusal("edit", workspace_id=workspace_id)
    if refusal:
        return message(refusal), False
    pending = pending if isinstance(pending, dict) else {}
    info = workspace_round(services, workspace_id, pending.get("round"))
    if info is None:
        return message(NO_ROUND), False
    participant, problem = participant_by_code(services, info, pending.get("code"))
    if participant is None:
        return message(problem), False
    try:
        deleted = services.store.delete_participant(info.id, participant)
    except NotFoundError:  # deleted meanwhile, e.g. from another tab
        return message(f"No participant of round #{info.id} has that code any more: nothing was deleted."), False
    plural = "s" if deleted != 1 else ""
    shown = f"Deleted {deleted} answer{plural} of the participant with reference code {reference_code(participant)}."
    return message(shown, "success"), True


# -- participant page -------------------------------------------------------------------
def round_from_path(services: Services, pathname: Any) -> RoundInfo | None:
    """The round the URL's token names, or the round at ``/r/invited/<id>`` when it invites the signed-in
    account (None: invalid, revoked or not invited). Marks the request as public on purpose: the token,
    or the account's name on the round's list, is the check."""
    services.public_route()
    path = pathname if isinstance(pathname, str) else ""
    invited = layouts.INVITED_PATH.match(path)
    if invited is not None:
        return invited_round(services, int(invited.group(1)))
    match = layouts.PARTICIPATE_PATH.match(path)
    if match is None:
        return None
    try:
        return services.store.get_round_by_token(match.group(1))
    except NotFoundError:
        return None


def invited_round(services: Services, round_id: int) -> RoundInfo | None:
    """The round, only for a signed-in account it invites by name (and not revoked)."""
    user = services.current_user()
    if user is None or user.local:
        return None
    try:
        info = services.store.get_round(round_id)
    except NotFoundError:
        return None
    if user.name not in info.round.invited or info.revoked_at is not None:
        return None
    return info


def invitations_of(services: Services) -> list[tuple[RoundInfo, str]]:
    """Home: the rounds that invite the signed-in account, with their workspace's name (none with accounts off)."""
    user = services.current_user()
    if user is None or user.local:
        return []
    return [
        (info, services.store.get_workspace(info.workspace_id).name)
        for info in services.store.rounds_inviting(user.name)
    ]


def participant_page(services: Services, path: str) -> Any:
    """The participant page (``path``: ``/r/<token>`` or ``/r/invited/<id>``): only a message unless it names
    an open round."""
    info = round_from_path(services, path)
    if info is None:
        return layouts.participant_message(text("en", "invalid"))
    state = info.state(today())
    if state == "closed":
        return layouts.participant_message(text(info.round.language, "closed"))
    if state == "not open yet":
        return layouts.participant_message(text(info.round.language, "not_open"))
    earlier = earlier_round(services, info)
    results = aggregate(services.store.list_answers(earlier.id), info.round.item_ids()) if earlier else None
    return layouts.participant_layout(info.round, results)


def earlier_round(services: Services, info: RoundInfo) -> RoundInfo | None:
    """The round a follow-up round follows up (None: not a follow-up, or that round was deleted since)."""
    if info.round.follow_up_of is None:
        return None
    try:
        earlier = services.store.get_round(info.round.follow_up_of)
    except NotFoundError:
        return None
    return earlier if earlier.workspace_id == info.workspace_id else None


def reference_notice(services: Services, pathname: Any, me: Any) -> Any:
    """This browser's reference code in the round (after consent), and what it is for."""
    info = round_from_path(services, pathname)
    token = me.get(str(info.id)) if info is not None and isinstance(me, dict) else None
    if info is None or not isinstance(token, str):
        return no_update  # before consent the page has no code to show
    return text(info.round.language, "reference", code=reference_code(token_hash(token)))


def within_limits(services: Services, info: RoundInfo, address: str | None) -> bool:
    """Count one submission against the round's limits (per address and per round); False when refused."""
    return services.store.reserve_sign_in(write_limits(info.id, address_key(address))) is None


def is_token(value: Any) -> bool:
    """A participant token as this page makes them (``secrets.token_urlsafe(32)``); anything else is replaced."""
    return isinstance(value, str) and 20 <= len(value) <= 100


def join(services: Services, pathname: Any, group: Any, me: Any, address: str | None) -> tuple[Any, Any]:
    """Consent with a group: ``(new local store or no_update, message)``."""
    info = round_from_path(services, pathname)
    if info is None:
        return no_update, message(text("en", "invalid"))
    language = info.round.language
    if group not in GROUPS:
        return no_update, message(text(language, "choose_group"))
    if not within_limits(services, info, address):
        return no_update, message(text(language, "too_many"))
    mine = dict(me) if isinstance(me, dict) else {}
    token = mine.get(str(info.id))
    if not is_token(token) and info.round.follow_up_of is not None:  # the same person as in the earlier round
        token = mine.get(str(info.round.follow_up_of))
    token = token if is_token(token) else new_token()
    try:
        services.store.join_round(info.id, token, group)
    except StorageError as exc:
        return no_update, message(str(exc))
    mine[str(info.id)] = token
    return mine, message(text(language, "joined"), "success")


def own_answers(
    services: Services, pathname: Any, me: Any, item_ids: list[Any], comment_ids: list[Any]
) -> tuple[list[Any], list[Any]]:
    """This browser's saved ratings and comments, in the order of the page's ratings and comment boxes (for
    coming back); in a follow-up round, an item not answered yet shows the earlier round's rating."""
    info = round_from_path(services, pathname)
    token = me.get(str(info.id)) if info is not None and isinstance(me, dict) else None
    if info is None or not isinstance(token, str):
        return [no_update] * len(item_ids), [no_update] * len(comment_ids)  # an advantage: 2 ratings, 1 comment
    participant = token_hash(token)
    mine = {a.item: a for a in services.store.list_answers(info.id, participant)}
    earlier = earlier_round(services, info)
    before = {a.item: a for a in services.store.list_answers(earlier.id, participant)} if earlier else {}
    ratings = []
    for item in item_ids:
        key = item.get("item") if isinstance(item, dict) else None
        answer = mine.get(key) or before.get(key)  # a follow-up starts from the earlier answer, to confirm or revise
        ratings.append(
            no_update if answer is None else layouts.DONT_KNOW if answer.rating is None else str(answer.rating)
        )
    comments = []
    for item in comment_ids:
        answer = mine.get(item.get("item") if isinstance(item, dict) else None)
        comments.append(no_update if answer is None else answer.comment)
    return ratings, comments


def earlier_answers(services: Services, pathname: Any, me: Any, item_ids: list[Any]) -> list[Any]:
    """In a follow-up round, this browser's answer of the earlier round beside each item."""
    info = round_from_path(services, pathname)
    token = me.get(str(info.id)) if info is not None and isinstance(me, dict) else None
    earlier = earlier_round(services, info) if info is not None else None
    if info is None or earlier is None or not isinstance(token, str):
        return [no_update] * len(item_ids)
    language = info.round.language
    before = {a.item: a for a in services.store.list_answers(earlier.id, token_hash(token))}
    out = []
    for item in item_ids:
        found = before.get(item.get("item") if isinstance(item, dict) else "")
        if found is None:
            out.append(text(language, "no_earlier"))
        else:
            rating = text(language, "dont_know") if found.rating is None else str(found.rating)
            out.append(text(language, "your_earlier", rating=rating))
    return out


def by_item(values: list[Any], ids: list[Any]) -> dict[str, Any]:
    """Pattern-matched inputs' values keyed by their item (an advantage has two ratings and one comment box)."""
    return {str(i.get("item")): v for i, v in zip(ids, values) if isinstance(i, dict)}


def save_answers(
    services: Services, pathname: Any, me: Any, group: Any, ratings: list[Any], rating_ids: list[Any],
    comments: Mapping[str, Any], address: str | None, reasons: Mapping[str, Any] | None = None,
) -> Any:  # fmt: skip
    """Save the rated items (unrated ones are left out); all are checked before any is saved.
    ``comments`` and ``reasons`` are by item (see :func:`by_item`)."""
    info = round_from_path(services, pathname)
    if info is None:
        return message(text("en", "invalid"))
    language = info.round.language
    token = me.get(str(info.id)) if isinstance(me, dict) else None
    if not isinstance(token, str):
        return message(text(language, "consent_first"))
    answers = []
    try:
        for rating, rid in zip(ratings, rating_ids):
            if rating is None or not isinstance(rid, dict):
                continue
            item = str(rid.get("item"))
            answers.append(
                Answer(
                    participant=token_hash(token),
                    group=group if group in GROUPS else "other",
                    item=item,
                    rating=None if rating == layouts.DONT_KNOW else int(rating),
                    comment=str(comments.get(item) or ""),
                    reason=str((reasons or {}).get(item) or ""),
                )
            )
    except ValidationError as exc:
        return message(first_problem(exc))
    if not answers:
        return message(text(language, "nothing_rated"))
    if not within_limits(services, info, address):
        return message(text(language, "too_many"))
    try:
        services.store.save_answers(info.id, answers)
    except StorageError as exc:
        return message(str(exc))
    return message(text(language, "saved"), "success")


def propose(services: Services, pathname: Any, me: Any, proposal: Any, address: str | None) -> tuple[Any, Any]:
    """Send a proposed need or opportunity: ``(message, the textarea's new value)`` (emptied once sent)."""
    info = round_from_path(services, pathname)
    if info is None:
        return message(text("en", "invalid")), no_update
    language = info.round.language
    token = me.get(str(info.id)) if isinstance(me, dict) else None
    if not isinstance(token, str):
        return message(text(language, "consent_first")), no_update
    try:
        clean = plain_text(str(proposal or ""), "A proposal")
    except ValueError as exc:
        return message(str(exc)), no_update
    if not clean:
        return message(text(language, "nothing_proposed")), no_update
    if len(clean) > MAX_PROPOSAL:
        return message(text(language, "proposal_too_long", n=MAX_PROPOSAL)), no_update
    if not within_limits(services, info, address):
        return message(text(language, "too_many")), no_update
    try:
        services.store.add_proposal(info.id, token_hash(token), clean)
    except StorageError as exc:
        return message(str(exc)), no_update
    return message(text(language, "proposed"), "success"), ""


def register(app: Any, services: Services) -> None:
    from flask import request

    @app.callback(
        Output(ID.rounds_created, "children"),
        Output(ID.rounds_changed, "data", allow_duplicate=True),
        Input(ID.rounds_create, "n_clicks"),
        State(ID.rounds_workspace, "data"),
        State(ID.rounds_needs, "value"),
        State(ID.rounds_intro, "value"),
        State(ID.rounds_opens, "value"),
        State(ID.rounds_closes, "value"),
        State(ID.rounds_language, "value"),
        State(ID.rounds_keep_days, "value"),
        State(ID.rounds_changed, "data"),
        State(ID.rounds_kind, "value"),
        State(ID.rounds_advantages, "value"),
        State(ID.rounds_follow_up, "value"),
        State(ID.rounds_configuration, "value"),
        State(ID.rounds_invited, "value"),
        prevent_initial_call=True,
    )
    def create(_n: Any, workspace_id: Any, needs: Any, intro: Any, opens: Any, closes: Any, language: Any,
               keep_days: Any, changed: Any, kind: Any, advantages: Any, follow_up_of: Any,
               configuration: Any, invited: Any) -> tuple[Any, Any]:  # fmt: skip
        shown, created = create_round(
            services, workspace_id, needs, intro, opens, closes, language, request.host_url, keep_days,
            kind=kind, advantage_ids=advantages, follow_up=follow_up_of, configuration=configuration,
            invited=invited,
        )  # fmt: skip
        return shown, bumped(changed, created)

    @app.callback(
        Output(ID.rounds_list, "children"),
        Output(ID.rounds_round, "options"),
        Output(ID.rounds_follow_up, "options"),
        Input(ID.rounds_changed, "data"),
        State(ID.rounds_workspace, "data"),
        prevent_initial_call=True,
    )
    def refresh(_changed: Any, workspace_id: Any) -> tuple[Any, Any, Any]:
        return list_view(services, workspace_id)

    @app.callback(
        Output(ID.rounds_feedback, "children"),
        Output(ID.rounds_changed, "data", allow_duplicate=True),
        Input(ID.rounds_close, "n_clicks"),
        Input(ID.rounds_revoke, "n_clicks"),
        Input(ID.rounds_accept, "n_clicks"),
        Input(ID.rounds_undo, "n_clicks"),
        State(ID.rounds_workspace, "data"),
        State(ID.rounds_round, "value"),
        State(ID.rounds_changed, "data"),
        prevent_initial_call=True,
    )
    def act(*values: Any) -> tuple[Any, Any]:
        workspace_id, round_id, changed = values[4:]
        action = {
            ID.rounds_close: "close",
            ID.rounds_revoke: "revoke",
            ID.rounds_accept: "accept",
            ID.rounds_undo: "undo",
        }.get(str(ctx.triggered_id), "")
        shown, done = round_action(services, action, workspace_id, round_id)
        return shown, bumped(changed, done)

    @app.callback(
        Output(ID.rounds_results, "children"),
        Input(ID.rounds_round, "value"),
        Input(ID.rounds_changed, "data"),
        State(ID.rounds_workspace, "data"),
    )
    def results(round_id: Any, _changed: Any, workspace_id: Any) -> Any:
        return results_view(services, workspace_id, round_id)

    @app.callback(
        Output(ID.rounds_download, "data"),
        Output(ID.rounds_export_feedback, "children"),
        Input(ID.rounds_download_csv, "n_clicks"),
        Input(ID.rounds_download_xlsx, "n_clicks"),
        State(ID.rounds_workspace, "data"),
        State(ID.rounds_round, "value"),
        prevent_initial_call=True,
    )
    def download(_csv: Any, _xlsx: Any, workspace_id: Any, round_id: Any) -> tuple[Any, Any]:
        fmt = "xlsx" if ctx.triggered_id == ID.rounds_download_xlsx else "csv"
        return export_answers(services, fmt, workspace_id, round_id)

    @app.callback(
        Output(ID.rounds_erase_modal, "is_open"),
        Output(ID.rounds_erase_text, "children"),
        Output(ID.rounds_erase_pending, "data"),
        Output(ID.rounds_erase_feedback, "children"),
        Input(ID.rounds_erase, "n_clicks"),
        State(ID.rounds_workspace, "data"),
        State(ID.rounds_round, "value"),
        State(ID.rounds_erase_code, "value"),
        prevent_initial_call=True,
    )
    def ask_erase(_n: Any, workspace_id: Any, round_id: Any, code: Any) -> tuple[Any, Any, Any, Any]:
        return ask_to_erase(services, workspace_id, round_id, code)

    @app.callback(
        Output(ID.rounds_erase_modal, "is_open", allow_duplicate=True),
        Output(ID.rounds_erase_feedback, "children", allow_duplicate=True),
        Output(ID.rounds_changed, "data", allow_duplicate=True),
        Input(ID.rounds_erase_confirm, "n_clicks"),
        Input(ID.rounds_erase_cancel, "n_clicks"),
        State(ID.rounds_erase_pending, "data"),
        State(ID.rounds_workspace, "data"),
        State(ID.rounds_changed, "data"),
        prevent_initial_call=True,
    )
    def confirm_erase(_confirm: Any, _cancel: Any, pending: Any, workspace_id: Any, changed: Any) -> tuple[Any, ...]:
        if ctx.triggered_id != ID.rounds_erase_confirm:
            services.require("view", workspace_id=workspace_id)
            return False, no_update, no_update
        shown, done = erase_participant(services, workspace_id, pending)
        return False, shown, bumped(changed, done)

    @app.callback(
        Output(ID.rounds_proposals, "children"),
        Input(ID.rounds_round, "value"),
        Input(ID.rounds_changed, "data"),
        State(ID.rounds_workspace, "data"),
    )
    def proposals(round_id: Any, _changed: Any, workspace_id: Any) -> Any:
        return proposals_view(services, workspace_id, round_id)

    @app.callback(
        Output(ID.rounds_proposals_feedback, "children"),
        Output(ID.rounds_changed, "data", allow_duplicate=True),
        Input(ID.rounds_proposal_accept(ALL), "n_clicks"),  # type: ignore[arg-type]  # a wildcard id
        Input(ID.rounds_proposal_reject(ALL), "n_clicks"),  # type: ignore[arg-type]  # a wildcard id
        Input(ID.rounds_proposal_merge(ALL), "n_clicks"),  # type: ignore[arg-type]  # a wildcard id
        State(ID.rounds_proposal_target(ALL), "value"),  # type: ignore[arg-type]  # a wildcard id
        State(ID.rounds_proposal_target(ALL), "id"),  # type: ignore[arg-type]  # a wildcard id
        State(ID.rounds_workspace, "data"),
        State(ID.rounds_round, "value"),
        State(ID.rounds_changed, "data"),
        prevent_initial_call=True,
    )
    def moderate_proposal(
        _accept: Any, _reject: Any, _merge: Any, targets: Any, target_ids: Any, workspace_id: Any, round_id: Any,
        changed: Any,
    ) -> Any:  # fmt: skip
        services.require("view", workspace_id=workspace_id)
        clicked = ctx.triggered_id
        if not (ctx.triggered and ctx.triggered[0]["value"]) or not isinstance(clicked, dict):
            return no_update, no_update  # the list was re-rendered: nothing was clicked
        proposal = clicked.get("proposal")
        action = {
            ID.rounds_proposal_accept(None)["type"]: "accept",
            ID.rounds_proposal_reject(None)["type"]: "reject",
            ID.rounds_proposal_merge(None)["type"]: "merge",
        }.get(str(clicked.get("type")), "")
        chosen = {str(i.get("proposal")): v for i, v in zip(target_ids or [], targets or []) if isinstance(i, dict)}
        shown, done = moderate(services, action, workspace_id, round_id, proposal, chosen.get(str(proposal)))
        return shown, bumped(changed, done)

    @app.callback(
        Output(ID.participate_proposed, "children"),
        Output(ID.participate_proposal, "value"),
        Input(ID.participate_propose, "n_clicks"),
        State(ID.url, "pathname"),
        State(ID.participate_me, "data"),
        State(ID.participate_proposal, "value"),
        prevent_initial_call=True,
    )
    def send_proposal(_n: Any, pathname: Any, me: Any, proposal: Any) -> tuple[Any, Any]:
        return propose(services, pathname, me, proposal, request.remote_addr)

    @app.callback(
        Output(ID.participate_code, "children"),
        Input(ID.participate_me, "data"),
        State(ID.url, "pathname"),
    )
    def show_reference(me: Any, pathname: Any) -> Any:
        return reference_notice(services, pathname, me)

    @app.callback(
        Output(ID.participate_me, "data"),
        Output(ID.participate_joined, "children"),
        Input(ID.participate_agree, "n_clicks"),
        State(ID.url, "pathname"),
        State(ID.participate_group, "value"),
        State(ID.participate_me, "data"),
        prevent_initial_call=True,
    )
    def agree(_n: Any, pathname: Any, group: Any, me: Any) -> tuple[Any, Any]:
        return join(services, pathname, group, me, request.remote_addr)

    @app.callback(
        Output(ID.participate_rating(ALL), "value"),  # type: ignore[arg-type]  # a wildcard id
        Output(ID.participate_comment(ALL), "value"),  # type: ignore[arg-type]  # a wildcard id
        Input(ID.participate_me, "data"),
        State(ID.url, "pathname"),
        State(ID.participate_rating(ALL), "id"),  # type: ignore[arg-type]  # a wildcard id
        State(ID.participate_comment(ALL), "id"),  # type: ignore[arg-type]  # a wildcard id
    )
    def come_back(me: Any, pathname: Any, item_ids: Any, comment_ids: Any) -> tuple[list[Any], list[Any]]:
        return own_answers(services, pathname, me, list(item_ids or []), list(comment_ids or []))

    @app.callback(
        Output(ID.participate_earlier(ALL), "children"),  # type: ignore[arg-type]  # a wildcard id
        Input(ID.participate_me, "data"),
        State(ID.url, "pathname"),
        State(ID.participate_earlier(ALL), "id"),  # type: ignore[arg-type]  # a wildcard id
    )
    def show_earlier(me: Any, pathname: Any, item_ids: Any) -> list[Any]:
        return earlier_answers(services, pathname, me, list(item_ids or []))

    @app.callback(
        Output(ID.participate_feedback, "children"),
        Input(ID.participate_save, "n_clicks"),
        State(ID.url, "pathname"),
        State(ID.participate_me, "data"),
        State(ID.participate_group, "value"),
        State(ID.participate_rating(ALL), "value"),  # type: ignore[arg-type]  # a wildcard id
        State(ID.participate_rating(ALL), "id"),  # type: ignore[arg-type]  # a wildcard id
        State(ID.participate_comment(ALL), "value"),  # type: ignore[arg-type]  # a wildcard id
        State(ID.participate_comment(ALL), "id"),  # type: ignore[arg-type]  # a wildcard id
        State(ID.participate_reason(ALL), "value"),  # type: ignore[arg-type]  # a wildcard id
        State(ID.participate_reason(ALL), "id"),  # type: ignore[arg-type]  # a wildcard id
        prevent_initial_call=True,
    )
    def save(_n: Any, pathname: Any, me: Any, group: Any, ratings: Any, rating_ids: Any, comments: Any,
             comment_ids: Any, reasons: Any, reason_ids: Any) -> Any:  # fmt: skip
        return save_answers(
            services, pathname, me, group, list(ratings or []), list(rating_ids or []),
            by_item(list(comments or []), list(comment_ids or [])), request.remote_addr,
            by_item(list(reasons or []), list(reason_ids or [])),
        )  # fmt: skip

    app.clientside_callback(  # which items the create form offers follows the kind of round: no server round trip
        "function (kind) { return [kind !== 'needs', kind !== 'advantages', kind !== 'value']; }",
        Output(ID.rounds_needs_box, "hidden"),
        Output(ID.rounds_advantages_box, "hidden"),
        Output(ID.rounds_value_box, "hidden"),
        Input(ID.rounds_kind, "value"),
    )
