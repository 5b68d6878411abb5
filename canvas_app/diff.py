"""Structural difference between two configurations (for revisions and comparisons)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from canvas_app.model import Actor, Configuration, Flow, ModuleInstance

_SCALARS = ("name", "city", "description", "period", "weights")
_COLLECTIONS = ("modules", "actors", "flows", "needs")
NAMED_AT_MOST = 3
"""A change touching more elements of one collection than this counts them: a history line stays one line."""
NAME_LENGTH = 60
"""Longest name a history line shows whole; a longer one is cut with "…" (names are user text)."""


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


def plain_name(text: str) -> str:
    """User text fit for a one-line history: whitespace collapsed, cut with "…" past :data:`NAME_LENGTH`.

    >>> plain_name("  Park and\\n ride ")
    'Park and ride'
    """
    text = " ".join(text.split())
    return text if len(text) <= NAME_LENGTH else text[: NAME_LENGTH - 1] + "…"


def _plural(n: int, noun: str) -> str:
    return f"{n} {_noun(noun, n)}"


def _noun(noun: str, count: int) -> str:
    return noun if count == 1 else noun + "s"


def _name(element: Any, actors: dict[str, Any]) -> str | None:
    """How the history names one element, quoted; None for a module whose name the file does not carry."""
    if isinstance(element, Flow):
        source, target = (plain_name(actors[end].name) for end in (element.source, element.target))
        return f"'{plain_name(element.label or element.kind.value)}' ({source} → {target})"
    if isinstance(element, ModuleInstance):
        name = element.definition.get("name")  # a file may refer to a library module by its id alone
        return f"'{plain_name(name)}'" if isinstance(name, str) and name.strip() else None
    return f"'{plain_name(element.name)}'"


def _only_moved(before: Actor | ModuleInstance, after: Actor | ModuleInstance) -> bool:
    return before.position != after.position and before.model_copy(update={"position": after.position}) == after


@dataclass
class _Verb:
    """What one verb (added, deleted, edited) does: the ids it touches per collection, read in ``elements``
    (the old configuration's for a deletion), and the children that went along with a parent, counted."""

    word: str
    elements: dict[str, dict[str, Any]]
    ids: dict[str, list[str]]
    along: dict[str, dict[str, int]] = field(default_factory=dict)  # parent collection: {child noun: count}

    def take_along(self, parent: str, child: str, belongs: Callable[[Any, set[str]], bool]) -> None:
        """Count the ``child`` elements that ``belongs`` to this verb's ``parent`` elements (given their ids)."""
        parents = set(self.ids[parent])
        kept = [id_ for id_ in self.ids[child] if not belongs(self.elements[child][id_], parents)]
        if len(kept) < len(self.ids[child]):
            self.along.setdefault(parent, {})[child[:-1]] = len(self.ids[child]) - len(kept)
        self.ids[child] = kept

    def names(self, noun: str) -> list[str | None]:
        return [_name(self.elements[noun][id_], self.elements["actors"]) for id_ in self.ids[noun]]


def named_summary(old: Configuration, new: Configuration) -> str:
    """The history's line for a revision, naming what changed as the user knows it: names, never ids.

    Up to :data:`NAMED_AT_MOST` elements of a collection are named (a flow as its label, else its kind,
    with its two actors); more are counted. The flows of a deleted actor, and the actors and flows a placed
    or removed module brings or takes, go with it as a count. Elements that only moved are counted.

    >>> from canvas_app.model import Actor
    >>> old = Configuration(name="Parking", actors=[Actor(id="a", name="City", type="city")])
    >>> new = old.model_copy(update={"actors": [*old.actors, Actor(id="b", name="Operator", type="business")]})
    >>> named_summary(old, new)
    "added actor 'Operator'"
    >>> named_summary(new, new.model_copy(update={"name": "Parking Oulu", "city": "Oulu"}))
    'edited name, city'
    """
    diff = diff_configurations(old, new)
    before = {noun: {e.id: e for e in getattr(old, noun)} for noun in _COLLECTIONS}
    after = {noun: {e.id: e for e in getattr(new, noun)} for noun in _COLLECTIONS}
    added = _Verb("added", after, {noun: list(getattr(diff, noun).added) for noun in _COLLECTIONS})
    deleted = _Verb("deleted", before, {noun: list(getattr(diff, noun).removed) for noun in _COLLECTIONS})
    edited = _Verb("edited", after, {noun: [] for noun in _COLLECTIONS})
    moved = {"actors": 0, "modules": 0}
    for noun in _COLLECTIONS:
        for id_ in getattr(diff, noun).changed:
            if noun in moved and _only_moved(before[noun][id_], after[noun][id_]):
                moved[noun] += 1
            else:
                edited.ids[noun].append(id_)
    for verb in (added, deleted):  # what a module brings or takes goes with it
        for child in ("actors", "flows"):
            verb.take_along("modules", child, lambda element, modules: element.module in modules)
    deleted.take_along("actors", "flows", lambda flow, actors: flow.source in actors or flow.target in actors)

    verbs = (added, deleted, edited)
    shown = {(verb.word, noun): verb.names(noun) for verb in verbs for noun in _COLLECTIONS}
    named = {  # per collection, across verbs: few enough to name, and every one has a name
        noun: sum(len(shown[verb.word, noun]) for verb in verbs) <= NAMED_AT_MOST
        and all(None not in shown[verb.word, noun] for verb in verbs)
        for noun in _COLLECTIONS
    }
    parts = []
    for verb in verbs:
        texts = []
        for noun in (n for n in _COLLECTIONS if verb.ids[n]):
            names = shown[verb.word, noun]
            text = f"{_noun(noun[:-1], len(names))} {', '.join(map(str, names))}" if named[noun] else ""
            text = text or _plural(len(names), noun[:-1])
            along = verb.along.get(noun)
            if along:  # a phrase of its own: "deleted actor 'Citizens' and 3 flows; deleted flow 'fee' (...)"
                parts.append(f"{verb.word} {text} and " + ", ".join(_plural(n, child) for child, n in along.items()))
            else:
                texts.append(text)
        if texts:
            parts.append(f"{verb.word} " + ", ".join(texts))
    if any(moved.values()):
        parts.append("moved " + ", ".join(_plural(n, noun[:-1]) for noun, n in moved.items() if n))
    fields = [
        name.replace("_", " ")
        for name in Configuration.model_fields
        if name not in _COLLECTIONS and getattr(old, name) != getattr(new, name)
    ]
    if fields:
        parts.append("edited " + ", ".join(fields))
    return "; ".join(parts) or "no change"
