"""Undoable edits of a :class:`~canvas_app.model.Configuration` (the editor's commands).

Every edit in the canvas editor is a small command. ``cmd.apply(config)``
returns the new, re-validated configuration (a bad edit raises
:class:`~canvas_app.model.ConfigurationError` with readable lines and leaves
the input untouched, configurations being immutable). ``cmd.invert(before)``
returns the command that undoes ``cmd`` once it has been applied to
``before``. Commands round-trip through plain dicts (``to_dict`` /
:func:`command_from_dict`) so the browser can hold a pending edit (a conflict
to resolve) as a small JSON payload.

The concrete commands (add, update, delete an actor or a flow, move nodes,
place or remove a module) all invert to a :class:`ChangeSet`: the exact
elements to put back and to take away, computed by :func:`changeset_between`.
Undoing and then redoing a command is therefore lossless even for edits that
cascade (deleting an actor deletes its flows and unlinks the needs they
served).

>>> from canvas_app.model import Configuration
>>> c0 = Configuration(name="demo")
>>> add = AddActor({"id": "city", "name": "City", "type": "city"})
>>> c1 = add.apply(c0)
>>> [a.id for a in c1.actors]
['city']
>>> add.invert(c0).apply(c1) == c0
True

No Dash imports here: the UI is a thin shell over this module.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from pydantic import ValidationError

from canvas_app.diff import named_summary
from canvas_app.ids import fresh_id, numbered_id, slug
from canvas_app.model import (
    PUBLIC_TYPES,
    Configuration,
    ConfigurationError,
    describe_validation_error,
    detach_flow_ends,
    forget_flows,
)

COLLECTIONS = ("actors", "flows", "modules", "needs")
"""The id-keyed lists of a configuration that commands edit."""

_REGISTRY: dict[str, type[Command]] = {}


def validate(data: dict[str, Any]) -> Configuration:
    """Validate an edited configuration dict, raising ConfigurationError with readable lines."""
    try:
        return Configuration.model_validate(data)
    except ValidationError as exc:
        raise ConfigurationError(describe_validation_error(exc, data)) from None


class Command:
    """Base of all commands: ``apply``, ``invert``, ``to_dict``."""

    kind: ClassVar[str] = ""
    named_by_the_diff: ClassVar[bool] = False
    """True for an edit of elements: its step's label names them from the change (``diff.named_summary``:
    "edited flow 'fee' (Drivers → Operator)"), where :meth:`describe` knows only ids ("edit flow f16")."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.kind:
            _REGISTRY[cls.kind] = cls

    def apply(self, config: Configuration) -> Configuration:  # pragma: no cover - abstract
        raise NotImplementedError

    def invert(self, before: Configuration) -> ChangeSet:
        """The command that undoes this one once it has been applied to ``before``."""
        return changeset_between(self.apply(before), before)

    def describe(self) -> str:
        return self.kind.replace("_", " ")

    def to_dict(self) -> dict[str, Any]:
        body = {k: v for k, v in self.__dict__.items()}
        return {"kind": self.kind, **body}


def command_from_dict(data: dict[str, Any]) -> Command:
    """Rebuild a command from :meth:`Command.to_dict` output.

    >>> command_from_dict(MoveNodes({"a": [1, 2]}).to_dict())
    MoveNodes(positions={'a': [1, 2]})
    """
    if not isinstance(data, dict) or data.get("kind") not in _REGISTRY:
        raise ConfigurationError([f"unknown edit command {data.get('kind') if isinstance(data, dict) else data!r}"])
    body = {k: v for k, v in data.items() if k != "kind"}
    return _REGISTRY[data["kind"]](**body)


# -- the generic change set -------------------------------------------------


@dataclass(frozen=True)
class ChangeSet(Command):
    """Put back (``upsert``) and take away (``remove``) elements by id.

    ``upsert`` maps a collection name to ``[index, element dict]`` pairs: an
    element whose id exists is replaced in place, a new one is inserted at
    ``index`` (clamped), so undo restores the original order exactly.
    ``remove`` maps a collection name to ids. ``fields`` sets top-level
    configuration fields (name, description, weights...).
    """

    kind: ClassVar[str] = "changeset"
    upsert: dict[str, list[list[Any]]] = field(default_factory=dict)
    remove: dict[str, list[str]] = field(default_factory=dict)
    fields: dict[str, Any] = field(default_factory=dict)
    label: str = ""

    def apply(self, config: Configuration) -> Configuration:
        data = config.model_dump(mode="json")
        for name in COLLECTIONS:
            gone = set(self.remove.get(name, ()))
            items = [item for item in data[name] if item["id"] not in gone]
            for index, element in sorted(self.upsert.get(name, ()), key=lambda pair: pair[0]):
                at = next((i for i, item in enumerate(items) if item["id"] == element["id"]), None)
                if at is None:
                    items.insert(max(0, min(int(index), len(items))), element)
                else:
                    items[at] = element
            data[name] = items
        data.update(self.fields)
        return validate(data)

    def is_empty(self) -> bool:
        return not (any(self.upsert.values()) or any(self.remove.values()) or self.fields)

    def describe(self) -> str:
        return self.label or "change"

    def touched(self) -> dict[str, set[str]]:
        """Ids of the elements this change set adds, replaces or removes, per collection."""
        out: dict[str, set[str]] = {}
        for name in COLLECTIONS:
            ids = {element["id"] for _, element in self.upsert.get(name, ())} | set(self.remove.get(name, ()))
            if ids:
                out[name] = ids
        return out


def changeset_between(before: Configuration, after: Configuration, label: str = "") -> ChangeSet:
    """The :class:`ChangeSet` that turns ``before`` into ``after``.

    Compares the (immutable) elements by id and serialises only those that
    changed, so an edit of a large configuration costs little.

    >>> from canvas_app.model import Configuration
    >>> a = Configuration(name="x")
    >>> b = AddActor({"id": "c", "name": "City", "type": "city"}).apply(a)
    >>> changeset_between(a, b).upsert["actors"][0][1]["id"]
    'c'
    """
    upsert: dict[str, list[list[Any]]] = {}
    remove: dict[str, list[str]] = {}
    for name in COLLECTIONS:
        old_items = getattr(before, name)
        new_items = getattr(after, name)
        if old_items is new_items:
            continue
        old_by_id = {item.id: item for item in old_items}
        new_ids = set()
        for index, item in enumerate(new_items):
            new_ids.add(item.id)
            old = old_by_id.get(item.id)
            if old is None or (old is not item and old != item):
                upsert.setdefault(name, []).append([index, item.model_dump(mode="json", exclude_defaults=True)])
        gone = [i for i in old_by_id if i not in new_ids]
        if gone:
            remove[name] = gone
    fields = {}
    for key in type(after).model_fields:
        if key in COLLECTIONS:
            continue
        old_value, new_value = getattr(before, key), getattr(after, key)
        if old_value != new_value:
            fields[key] = after.model_dump(mode="json", include={key}).get(key)  # an unset population is not dumped
    return ChangeSet(upsert=upsert, remove=remove, fields=fields, label=label)


# -- concrete commands ----------------------------------------------------------


def new_actor_id(config: Configuration, name: str) -> str:
    """A fresh actor id based on ``name``, unique in ``config``."""
    return fresh_id(slug(name), {a.id for a in config.actors})


def new_flow_id(config: Configuration) -> str:
    """A fresh flow id (``f1``, ``f2``...), unique in ``config``."""
    return numbered_id("f", {f.id for f in config.flows})


@dataclass(frozen=True)
class AddActor(Command):
    """Add one actor (a dict of :class:`~canvas_app.model.Actor` fields)."""

    kind: ClassVar[str] = "add_actor"
    named_by_the_diff: ClassVar[bool] = True
    actor: dict[str, Any]

    def apply(self, config: Configuration) -> Configuration:
        data = config.model_dump(mode="json")
        data["actors"].append(dict(self.actor))
        return validate(data)

    def describe(self) -> str:
        return f"add actor {self.actor.get('name', '')}"


def _rescaled(config: Configuration) -> Configuration:
    """Module estimates follow a change of scale (a count, the population, the period); entered figures do not."""
    from canvas_app.library import refresh_estimates  # imported when needed, as PlaceModule does

    return refresh_estimates(config)


DETAIL_FIELDS = ("name", "city", "description", "period", "population")
"""The configuration's own fields the editor's details form changes."""


@dataclass(frozen=True)
class UpdateDetails(Command):
    """Change the configuration's name, city, description, period or population (other keys are refused).

    >>> from canvas_app.model import Configuration
    >>> UpdateDetails({"name": "Parking, concession", "period": "month"}).apply(Configuration(name="x")).name
    'Parking, concession'
    """

    kind: ClassVar[str] = "update_details"
    named_by_the_diff: ClassVar[bool] = True
    changes: dict[str, Any]

    def apply(self, config: Configuration) -> Configuration:
        unknown = sorted(set(self.changes) - set(DETAIL_FIELDS))
        if unknown:
            raise ConfigurationError([f"{key}: not a detail of the configuration" for key in unknown])
        updated = validate({**config.model_dump(mode="json"), **self.changes})
        scale_changed = (updated.period, updated.population) != (config.period, config.population)
        return _rescaled(updated) if scale_changed else updated

    def describe(self) -> str:
        return "edit the configuration's details"


@dataclass(frozen=True)
class UpdateActor(Command):
    """Change fields of one actor (``changes`` must not contain ``id``)."""

    kind: ClassVar[str] = "update_actor"
    named_by_the_diff: ClassVar[bool] = True
    actor_id: str
    changes: dict[str, Any]

    def apply(self, config: Configuration) -> Configuration:
        data = config.model_dump(mode="json")
        for item in data["actors"]:
            if item["id"] == self.actor_id:
                item.update({k: v for k, v in self.changes.items() if k != "id"})
                updated = validate(data)
                return (
                    _rescaled(updated)
                    if updated.actor(self.actor_id).count != config.actor(self.actor_id).count
                    else updated
                )
        raise ConfigurationError([f"actor '{self.actor_id}' no longer exists"])

    def describe(self) -> str:
        return f"edit actor {self.actor_id}"


@dataclass(frozen=True)
class DeleteActor(Command):
    """Delete an actor, its flows, the needs' references to those flows and needs held by it."""

    kind: ClassVar[str] = "delete_actor"
    named_by_the_diff: ClassVar[bool] = True
    actor_id: str

    def apply(self, config: Configuration) -> Configuration:
        if not any(a.id == self.actor_id for a in config.actors):
            raise ConfigurationError([f"actor '{self.actor_id}' no longer exists"])
        return DeleteElements([self.actor_id], []).apply(config)

    def describe(self) -> str:
        return f"delete actor {self.actor_id}"


def set_flow_costs(data: dict[str, Any], flow_id: str, costs: dict[str, float | None]) -> None:
    """Write a flow's per-occurrence economics into its ends (they live on the actors, keyed by flow id).

    ``costs`` may hold ``source`` and ``target`` (each end's own cost per occurrence) and ``benefit`` (the public
    benefit per occurrence, declared by the end that is the city or a public agency). ``None`` or 0 clears one.
    """
    flow = next(f for f in data["flows"] if f["id"] == flow_id)
    actors = {a["id"]: a for a in data["actors"]}

    def put(actor: dict[str, Any], name: str, value: float | None) -> None:
        values = dict(actor.get(name) or {})
        values.pop(flow_id, None)
        if value:
            values[flow_id] = value
        actor[name] = values

    for end in ("source", "target"):
        if end in costs and flow[end] in actors:
            put(actors[flow[end]], "unit_costs", costs[end])
    if "benefit" in costs:
        ends = [actors[flow[end]] for end in ("source", "target") if flow[end] in actors]
        public = [a for a in ends if a["type"] in PUBLIC_TYPES]  # the city's position reads only theirs
        if costs["benefit"] and not public:
            raise ConfigurationError(
                ["Public benefit: only a flow to or from the city or a public agency carries a declared public benefit"]
            )
        for actor in ends:
            put(actor, "unit_benefits", costs["benefit"] if public and actor is public[0] else None)


@dataclass(frozen=True)
class AddFlow(Command):
    """Add one value flow (a dict of :class:`~canvas_app.model.Flow` fields) and its ends' costs (see
    :func:`set_flow_costs`)."""

    kind: ClassVar[str] = "add_flow"
    named_by_the_diff: ClassVar[bool] = True
    flow: dict[str, Any]
    costs: dict[str, float | None] = field(default_factory=dict)

    def apply(self, config: Configuration) -> Configuration:
        data = config.model_dump(mode="json")
        data["flows"].append(dict(self.flow))
        if self.costs:
            set_flow_costs(data, self.flow["id"], self.costs)
        return validate(data)

    def describe(self) -> str:
        return f"add flow {self.flow.get('label') or self.flow.get('kind', '')}"


@dataclass(frozen=True)
class UpdateFlow(Command):
    """Change fields of one flow and, when ``costs`` names them, its ends' costs (see :func:`set_flow_costs`).
    Redrawn between other actors, the flow leaves the old ends' costs on it behind."""

    kind: ClassVar[str] = "update_flow"
    named_by_the_diff: ClassVar[bool] = True
    flow_id: str
    changes: dict[str, Any]
    costs: dict[str, float | None] = field(default_factory=dict)

    def apply(self, config: Configuration) -> Configuration:
        data = config.model_dump(mode="json")
        for item in data["flows"]:
            if item["id"] == self.flow_id:
                changes = {k: v for k, v in self.changes.items() if k != "id"}
                if "estimated" not in changes:
                    changes["estimated"] = _still_estimated(item, changes)
                item.update(changes)
                detach_flow_ends(data, self.flow_id)
                if self.costs:
                    set_flow_costs(data, self.flow_id, self.costs)
                return validate(data)
        raise ConfigurationError([f"flow '{self.flow_id}' no longer exists"])

    def describe(self) -> str:
        return f"edit flow {self.flow_id}"


def _still_estimated(flow: dict[str, Any], changes: dict[str, Any]) -> list[str]:
    """The flow's estimates an edit leaves alone: a quantity the user changed (or cleared) is now entered.

    >>> _still_estimated({"amount": 0.25, "occurrences": 12.0, "estimated": ["amount", "occurrences"]},
    ...                  {"amount": 0.25, "occurrences": 10})
    ['amount']
    """
    return [
        q
        for q in flow.get("estimated") or []
        if q not in changes or (changes[q] is not None and changes[q] == flow.get(q))
    ]


@dataclass(frozen=True)
class DeleteFlow(Command):
    kind: ClassVar[str] = "delete_flow"
    named_by_the_diff: ClassVar[bool] = True
    flow_id: str

    def apply(self, config: Configuration) -> Configuration:
        if not any(f.id == self.flow_id for f in config.flows):
            raise ConfigurationError([f"flow '{self.flow_id}' no longer exists"])
        return DeleteElements([], [self.flow_id]).apply(config)

    def describe(self) -> str:
        return f"delete flow {self.flow_id}"


@dataclass(frozen=True)
class DeleteElements(Command):
    """Delete several actors and flows at once (a box selection): one question, one revision, one undo.

    An actor's flows go with it, as with :class:`DeleteActor`; every id must still exist, or nothing is deleted.
    """

    kind: ClassVar[str] = "delete_elements"
    named_by_the_diff: ClassVar[bool] = True
    actor_ids: list[str]
    flow_ids: list[str]

    def apply(self, config: Configuration) -> Configuration:
        data = config.model_dump(mode="json")
        actors, flows = set(self.actor_ids), set(self.flow_ids)
        missing = sorted(actors - {a["id"] for a in data["actors"]}) + sorted(flows - {f["id"] for f in data["flows"]})
        if missing:
            raise ConfigurationError([f"'{element}' no longer exists" for element in missing])
        gone_flows = flows | {f["id"] for f in data["flows"] if f["source"] in actors or f["target"] in actors}
        data["actors"] = [a for a in data["actors"] if a["id"] not in actors]
        forget_flows(data, gone_flows)
        for need in data["needs"]:
            if need.get("actor") in actors:
                need["actor"] = None
        return validate(data)

    def describe(self) -> str:
        parts = [
            f"{len(ids)} {noun}{'s' if len(ids) != 1 else ''}"
            for ids, noun in ((self.actor_ids, "actor"), (self.flow_ids, "flow"))
            if ids
        ]
        return "delete " + " and ".join(parts)


@dataclass(frozen=True)
class MoveNodes(Command):
    """Set the canvas positions of actors: ``{actor id: [x, y]}`` (unknown ids are ignored)."""

    kind: ClassVar[str] = "move_nodes"
    named_by_the_diff: ClassVar[bool] = True
    positions: dict[str, list[float]]

    def apply(self, config: Configuration) -> Configuration:
        data = config.model_dump(mode="json")
        for item in data["actors"]:
            pos = self.positions.get(item["id"])
            if pos is not None:
                item["position"] = {"x": round(float(pos[0]), 1), "y": round(float(pos[1]), 1)}
        return validate(data)

    def describe(self) -> str:
        return "move " + ("node" if len(self.positions) == 1 else f"{len(self.positions)} nodes")


@dataclass(frozen=True)
class PlaceModule(Command):
    """Place a library module at ``position`` (its actors merge with those already there); with no position,
    beside the existing actors it exchanges with (how a recommendation is applied).

    Needs the module library (``canvas_app.library``) to apply; its inverse and
    the redo entry of the :class:`Step` :func:`perform` records are plain change sets.
    """

    kind: ClassVar[str] = "place_module"
    named_by_the_diff: ClassVar[bool] = True
    module: str
    position: list[float] | None = field(default_factory=lambda: [0.0, 0.0])
    instance_id: str | None = None

    def apply(self, config: Configuration, library: Any = None) -> Configuration:
        from canvas_app import library as library_module

        lib = library if library is not None else library_module.load_library()
        definition = lib.get(self.module)
        if definition is None:
            raise ConfigurationError([f"no module '{self.module}' in the library"])
        # place_module returns a validated configuration (it raises ConfigurationError otherwise)
        position = None if self.position is None else (float(self.position[0]), float(self.position[1]))
        return library_module.place_module(config, definition, position=position, instance_id=self.instance_id)

    def describe(self) -> str:
        return f"place module {self.module}"


@dataclass(frozen=True)
class RemoveModule(Command):
    kind: ClassVar[str] = "remove_module"
    named_by_the_diff: ClassVar[bool] = True
    instance_id: str

    def apply(self, config: Configuration) -> Configuration:
        from canvas_app import library as library_module

        return library_module.remove_module(config, self.instance_id)

    def describe(self) -> str:
        return f"remove module {self.instance_id}"


@dataclass(frozen=True)
class AddScenario(Command):
    """Save a stress test with the configuration (a dict of :class:`~canvas_app.model.Scenario` fields; a fresh
    id ``s1``, ``s2``... when it has none), so it is rerun on every revision."""

    kind: ClassVar[str] = "add_scenario"
    scenario: dict[str, Any]

    def apply(self, config: Configuration) -> Configuration:
        data = config.model_dump(mode="json")
        scenario = {k: v for k, v in self.scenario.items() if v is not None}
        scenario.setdefault("id", numbered_id("s", {s.id for s in config.scenarios}))
        data["scenarios"] = [*data.get("scenarios", []), scenario]
        return validate(data)

    def describe(self) -> str:
        return f"add stress test {str(self.scenario.get('kind', '')).replace('_', ' ')}"


@dataclass(frozen=True)
class RemoveScenario(Command):
    """Delete one saved stress test."""

    kind: ClassVar[str] = "remove_scenario"
    scenario_id: str

    def apply(self, config: Configuration) -> Configuration:
        if not any(s.id == self.scenario_id for s in config.scenarios):
            raise ConfigurationError([f"stress test '{self.scenario_id}' no longer exists"])
        data = config.model_dump(mode="json")
        data["scenarios"] = [s for s in data.get("scenarios", []) if s["id"] != self.scenario_id]
        return validate(data)

    def describe(self) -> str:
        return "remove a stress test"


# -- performing an edit ----------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One done edit: the change that redoes it and the change that undoes it."""

    redo: ChangeSet
    undo: ChangeSet


def perform(config: Configuration, command: Command, **kwargs: Any) -> tuple[Configuration, Step]:
    """Apply ``command`` and record it as a :class:`Step` (exact redo and undo change sets).

    >>> from canvas_app.model import Configuration
    >>> c0 = Configuration(name="x")
    >>> c1, step = perform(c0, AddActor({"id": "a", "name": "A", "type": "city"}))
    >>> step.undo.apply(c1) == c0 and step.redo.apply(c0) == c1
    True
    """
    after = command.apply(config, **kwargs) if kwargs else command.apply(config)
    label = named_summary(config, after) if command.named_by_the_diff else command.describe()
    return after, Step(redo=changeset_between(config, after, label), undo=changeset_between(after, config, label))
