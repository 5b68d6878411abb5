"""The module library: load, search and place business-model modules.

Modules are data files (YAML, or TOML) in the repository's ``modules/`` folder
and in a city's own folders. Loading is strict: a malformed file stops the load
with a message naming the file and the field, because a module that silently
disappears (or silently overrides another) would change every score it feeds.

Placing a module (:func:`place_module`) merges its role templates with the
actors already on the canvas, so that modules compose instead of duplicating the
city or the citizens. This module is pure Python: no Dash, no database.
"""

from __future__ import annotations

import json
import math
import tomllib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml
from pydantic import ValidationError

from canvas_app.estimates import FormulaError, Scale, estimate, scale_of
from canvas_app.ids import fresh_id, numbered_id, slug
from canvas_app.model import (
    QUANTITIES,
    Actor,
    ActorType,
    Configuration,
    ConfigurationError,
    Flow,
    ModuleInstance,
    describe_validation_error,
    forget_flows,
)
from canvas_app.module_schema import BUILTIN_ROLES, Category, ModuleDefinition, flow_place
from canvas_app.shipped import shipped_dir

BUILTIN_MODULE_DIR = shipped_dir("modules")
"""The library shipped with CityCanvas (the repository's top-level ``modules/``, inside the package once installed)."""

MAX_MODULE_BYTES = 200_000
"""Largest module accepted, as a file, an upload or a workspace module's text (200 KB; a real
module is 2-6 KB). Checked before any parsing, so an oversized module costs no CPU."""

MODULE_SUFFIXES = (".yaml", ".yml", ".toml")

BUILTIN_ROLE_NAMES: dict[str, str] = {
    "city": "City",
    "citizen": "Citizens",
    "platform_operator": "Platform operator",
}
"""Names of the built-in roles when a placement has to create them."""

SINGLETON_TYPES = (ActorType.CITY, ActorType.CITIZEN, ActorType.PLATFORM_OPERATOR)
"""Actor types a placement never duplicates: one city, one operator, one (first) citizen segment."""

RING_RADIUS = 140.0


class LibraryError(ValueError):
    """A module file or a module reference was refused; ``problems`` are readable one-liners."""

    def __init__(self, problems: list[str] | str):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


# -- the library -------------------------------------------------------------------


class ModuleLibrary:
    """Module definitions by id, in load order; immutable so one cached copy can be shared.

    >>> lib = ModuleLibrary([])
    >>> len(lib), "x" in lib, lib.get("x")
    (0, False, None)
    """

    def __init__(self, definitions: Iterable[ModuleDefinition] = (), origins: Mapping[str, str] | None = None):
        modules: dict[str, ModuleDefinition] = {}
        problems: list[str] = []
        for definition in definitions:
            if definition.id in modules:
                problems.append(f"module id '{definition.id}' is defined twice")
            modules[definition.id] = definition
        if problems:
            raise LibraryError(problems)
        self._modules: Mapping[str, ModuleDefinition] = MappingProxyType(modules)
        self._origins: Mapping[str, str] = MappingProxyType(dict(origins or {}))
        self._dumps: dict[str, dict[str, Any]] = {}

    def get(self, module_id: str, default: ModuleDefinition | None = None) -> ModuleDefinition | None:
        return self._modules.get(module_id, default)

    def __getitem__(self, module_id: str) -> ModuleDefinition:
        return self._modules[module_id]

    def __contains__(self, module_id: object) -> bool:
        return module_id in self._modules

    def __iter__(self) -> Iterator[ModuleDefinition]:
        return iter(self._modules.values())

    def __len__(self) -> int:
        return len(self._modules)

    def __repr__(self) -> str:
        return f"ModuleLibrary({len(self)} modules)"

    def ids(self) -> list[str]:
        return list(self._modules)

    def origin(self, module_id: str) -> str | None:
        """The file (or upload name) a module came from, for error messages and the library screen."""
        return self._origins.get(module_id)

    def categories(self) -> list[Category]:
        """Categories that hold at least one module, in the schema's order (the palette's filter)."""
        present = {d.category for d in self}
        return [c for c in Category if c in present]

    def search(self, text: str = "", category: Category | str | None = None) -> list[ModuleDefinition]:
        """Modules whose id, name, summary, category, standards or revenue model contain every word of ``text``.

        Case-insensitive; an empty text lists everything (of ``category`` when given).
        """
        words = text.lower().split()
        found = []
        for definition in self:
            if category and definition.category != category:
                continue
            if words:
                haystack = _search_text(definition)
                if not all(w in haystack for w in words):
                    continue
            found.append(definition)
        return found

    def dump(self, module_id: str) -> dict[str, Any]:
        """``model_dump(mode="json")`` of a module, computed once (what a placement stores)."""
        if module_id not in self._dumps:
            self._dumps[module_id] = self._modules[module_id].model_dump(mode="json")
        return self._dumps[module_id]

    def with_modules(self, definitions: Iterable[ModuleDefinition], origin: str = "custom") -> ModuleLibrary:
        """A new library with ``definitions`` added (a workspace's own modules); a clashing id is an error."""
        added = list(definitions)
        problems = [
            f"{origin}: module id '{d.id}' is already defined by {self.origin(d.id) or 'the library'}"
            for d in added
            if d.id in self
        ]
        if problems:
            raise LibraryError(problems)
        origins = dict(self._origins) | {d.id: origin for d in added}
        return ModuleLibrary([*self, *added], origins)


def _search_text(definition: ModuleDefinition) -> str:
    a = definition.attributes
    parts = [
        definition.id,
        definition.name,
        definition.summary,
        definition.category.value,
        *a.standards,
        *a.revenue_model,
        *(t.name for t in definition.actors),
    ]
    return " ".join(parts).lower()


# -- reading module files ------------------------------------------------------------


class _StrictYamlLoader(yaml.SafeLoader):
    """Safe YAML that refuses duplicate keys (a typo that silently drops data) and aliases (expansion bombs)."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]  # PyYAML's stubs leave peek_event unannotated
            raise yaml.MarkedYAMLError(None, None, "aliases (*name) are not allowed in module files", event.start_mark)
        return super().compose_node(parent, index)

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if isinstance(key, str) and key in seen:
                raise yaml.MarkedYAMLError(None, None, f"key '{key}' appears twice", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def too_large(size: int) -> str:
    """The refusal of a module of ``size`` bytes.

    >>> too_large(1_000_000)
    'the module is 1,000 KB; the limit for a module is 200 KB'
    """
    return f"the module is {math.ceil(size / 1000):,} KB; the limit for a module is {MAX_MODULE_BYTES // 1000:,} KB"


def _read_text(text: str, source_name: str) -> Any:
    """Parse YAML (a superset of JSON) or, for ``*.toml`` names, TOML."""
    if source_name.lower().endswith(".toml"):
        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise LibraryError(f"{source_name}: not valid TOML: {exc}") from None
        except RecursionError:  # tomllib recurses once per nested array or table
            raise LibraryError(f"{source_name}: not valid TOML: nested too deeply") from None
    try:
        return yaml.load(text, Loader=_StrictYamlLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise LibraryError(f"{source_name}: not valid YAML: {where}{problem}") from None
    except RecursionError:
        raise LibraryError(f"{source_name}: not valid YAML: nested too deeply") from None


def parse_module(source: str | bytes | Mapping[str, Any], source_name: str = "module") -> ModuleDefinition:
    """Validate YAML/JSON/TOML text, bytes or a dict into a :class:`ModuleDefinition`.

    For modules uploaded in the UI or stored with a workspace; every problem is
    reported as ``<source_name>: <field>: <what is wrong>``.

    >>> parse_module("id: x\\nname: X\\ncategory: data\\nsummary: s", "x.yaml")
    Traceback (most recent call last):
    ...
    canvas_app.library.LibraryError: x.yaml: sources: is required
    """
    if isinstance(source, (str, bytes)):
        raw = source.encode() if isinstance(source, str) else source
        if len(raw) > MAX_MODULE_BYTES:
            raise LibraryError(f"{source_name}: {too_large(len(raw))}")
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise LibraryError(f"{source_name}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
        data = _read_text(text, source_name)
    else:
        data = source
    if not isinstance(data, Mapping):
        kind = "empty" if data is None else f"a {type(data).__name__}"
        raise LibraryError(f"{source_name}: a module must be one mapping (id, name, category, ...), not {kind}")
    data = dict(data)
    try:  # YAML and JSON escapes can spell half a UTF-16 pair, which is no text at all
        json.dumps(data, ensure_ascii=False, default=str).encode("utf-8")
    except UnicodeEncodeError:
        raise LibraryError(
            f"{source_name}: contains an escaped lone surrogate (\\uD800-\\uDFFF), which is not text"
        ) from None
    except (TypeError, ValueError, RecursionError):
        pass  # not plain data: the schema check below names the field
    try:
        return ModuleDefinition.model_validate(data)
    except ValidationError as exc:
        raise LibraryError(
            [f"{source_name}: {_module_wording(line)}" for line in describe_validation_error(exc, data)]
        ) from None
    except RecursionError:
        raise LibraryError(f"{source_name}: nested too deeply") from None


def module_text(definition: ModuleDefinition) -> str:
    """A module as the YAML file a city would write (defaults left out), to read, copy or download.

    >>> from canvas_app.module_schema import ModuleDefinition
    >>> print(module_text(ModuleDefinition(id="x", name="X", category="data", summary="s", sources=[{"title": "t"}])), end="")
    id: x
    name: X
    category: data
    summary: s
    sources:
    - title: t
    """
    data = definition.model_dump(mode="json", exclude_defaults=True)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def parse_workspace_module(
    text: str, format: str, base: ModuleLibrary, source_name: str = "module"
) -> ModuleDefinition:
    """Validate a module a city writes or uploads for one workspace, against ``base`` (the shared library).

    A workspace module may not reuse the id of a shared module: a placement, a
    recommendation or a report would otherwise mean two different things by one id.
    """
    if format not in ("yaml", "json"):
        raise LibraryError(f"{source_name}: format must be yaml or json, not {format!r}")
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_MODULE_BYTES:  # before any parsing
        raise LibraryError(f"{source_name}: {too_large(size)}")
    if format == "json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise LibraryError(
                f"{source_name}: not valid JSON: line {exc.lineno}, column {exc.colno}: {exc.msg}"
            ) from None
        except RecursionError:
            raise LibraryError(f"{source_name}: nested too deeply") from None
        definition = parse_module(data, source_name)  # not a mapping: refused there, with the reason
    else:
        definition = parse_module(text, source_name)
    if definition.id in base:
        raise LibraryError(
            f"{source_name}: id: '{definition.id}' is already a module of the shared library; give yours another id"
        )
    return definition


def _module_wording(line: str) -> str:
    return line.replace("(not part of citycanvas/1)", "(not part of the module schema)")


def load_module_file(path: str | Path) -> ModuleDefinition:
    """Read one module file; its id must match the file name so a module is easy to find."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_MODULE_BYTES:
            raise LibraryError(f"{path}: {too_large(size)}")
        raw = path.read_bytes()
    except OSError as exc:
        raise LibraryError(f"{path}: cannot read ({exc.strerror})") from None
    definition = parse_module(raw, str(path))
    if definition.id != path.stem:
        raise LibraryError(f"{path}: id: '{definition.id}' does not match the file name (expected '{path.stem}')")
    return definition


def _module_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in MODULE_SUFFIXES and not p.name.startswith("."))


def _load_folders(folders: Sequence[Path]) -> tuple[list[ModuleDefinition], dict[str, str], list[str]]:
    """Load every module file of ``folders``; collect all problems instead of stopping at the first."""
    definitions: list[ModuleDefinition] = []
    origins: dict[str, str] = {}
    problems: list[str] = []
    for folder in folders:
        if not folder.is_dir():
            problems.append(f"{folder}: module folder does not exist")
            continue
        try:
            paths = _module_files(folder)
        except OSError as exc:
            problems.append(f"{folder}: cannot list module folder ({exc.strerror})")
            continue
        for path in paths:
            try:
                definition = load_module_file(path)
            except LibraryError as exc:
                problems.extend(exc.problems)
                continue
            if definition.id in origins:
                problems.append(
                    f"{path}: id: module '{definition.id}' is already defined in {origins[definition.id]}"
                    " (a module may not override another; rename one of them)"
                )
                continue
            origins[definition.id] = str(path)
            definitions.append(definition)
    return definitions, origins, problems


@lru_cache(maxsize=1)
def _builtin_library() -> ModuleLibrary:
    definitions, origins, problems = _load_folders([BUILTIN_MODULE_DIR])
    if problems:
        raise LibraryError(problems)
    return ModuleLibrary(definitions, origins)


def load_library(extra_dirs: Iterable[str | Path] = ()) -> ModuleLibrary:
    """The built-in modules plus those of ``extra_dirs`` (the shell passes a city's folders, see
    ``Settings.library_dirs``: the core never reads the environment).

    The built-in folder is read once per process (the editor asks often); extra
    folders are re-read on each call so a city's edits show up. Raises
    :class:`LibraryError` listing every malformed file, and every id defined twice.
    """
    builtin = _builtin_library()
    folders: list[Path] = []
    seen = {BUILTIN_MODULE_DIR}
    for folder in (Path(d) for d in extra_dirs):
        key = folder.resolve()
        if key not in seen:
            seen.add(key)
            folders.append(folder)
    if not folders:
        return builtin
    definitions, origins, problems = _load_folders(folders)
    for definition in definitions:
        if definition.id in builtin:
            problems.append(
                f"{origins[definition.id]}: id: module '{definition.id}' is already defined in"
                f" {builtin.origin(definition.id)} (a module may not override another; rename one of them)"
            )
    if problems:
        raise LibraryError(problems)
    return ModuleLibrary([*builtin, *definitions], {**builtin._origins, **origins})


# -- placing modules on a configuration ------------------------------------------------


def _default_position(config: Configuration) -> tuple[float, float]:
    """Right of the existing drawing, so a module added without a drop point does not cover it."""
    placed = [a.position for a in config.actors if a.position is not None]
    if not placed:
        return (0.0, 0.0)
    return (max(p.x for p in placed) + 2 * RING_RADIUS + 60.0, sum(p.y for p in placed) / len(placed))


MIN_GAP = 90.0
"""Nearest two actors a placement puts side by side (a drawn actor with its label is about 60 wide)."""


class FreeSpots:
    """Finds free canvas points near a wish, at least ``gap`` from every occupied one (a grid hash: O(1) per probe)."""

    def __init__(self, occupied: Iterable[tuple[float, float]], gap: float = MIN_GAP):
        self.gap = gap
        self._cells: dict[tuple[int, int], list[tuple[float, float]]] = {}
        for point in occupied:
            self.take(point)

    def _cell(self, point: tuple[float, float]) -> tuple[int, int]:
        return (math.floor(point[0] / self.gap), math.floor(point[1] / self.gap))

    def take(self, point: tuple[float, float]) -> None:
        self._cells.setdefault(self._cell(point), []).append(point)

    def is_free(self, point: tuple[float, float]) -> bool:
        cx, cy = self._cell(point)
        return all(
            math.dist(point, other) >= self.gap
            for dx in (-1, 0, 1)
            for dy in (-1, 0, 1)
            for other in self._cells.get((cx + dx, cy + dy), ())
        )

    def near(self, wish: tuple[float, float]) -> tuple[float, float]:
        """The free point nearest ``wish`` on growing rings around it; it is then taken."""
        spot = wish
        ring = 0
        while not self.is_free(spot) and ring < 200:
            ring += 1
            steps = 6 * ring
            for k in range(steps):
                angle = 2 * math.pi * k / steps
                spot = (wish[0] + ring * self.gap * math.cos(angle), wish[1] + ring * self.gap * math.sin(angle))
                if self.is_free(spot):
                    break
        spot = (round(spot[0], 1), round(spot[1], 1))
        self.take(spot)
        return spot


def occupied_positions(config: Configuration) -> list[tuple[float, float]]:
    return [(a.position.x, a.position.y) for a in config.actors if a.position is not None]


def _match_existing(config: Configuration, kind: ActorType, name: str) -> str | None:
    """The id of the existing actor a role template merges with, if any."""
    same_type = [a for a in config.actors if a.type == kind]
    by_name = next((a for a in same_type if a.name.casefold() == name.casefold()), None)
    if by_name is not None:
        return by_name.id
    if kind in SINGLETON_TYPES and same_type:
        return same_type[0].id
    return None


def place_module(
    config: Configuration,
    definition: ModuleDefinition,
    position: tuple[float, float] | None = None,
    instance_id: str | None = None,
) -> Configuration:
    """A new configuration with ``definition`` placed as instance ``instance_id`` (default: first free ``mN``).

    Role templates merge with actors already there: the one city, the one
    platform operator, the first citizen segment (or the one of the same name);
    other types merge with an actor of the same type and name (case-insensitive).
    Other roles become new actors (readable ids, a ring around ``position``)
    tagged with the instance id, as are the new flows (``<instance>-fN``). A flow
    whose two roles merge into one actor is dropped (it would be a self-loop).
    The module's default amounts and occurrences (numbers, or formulas of the
    population, the two ends' counts and the period) are written as *estimates*
    (listed in the flow's ``estimated``); a formula whose names have no value
    here leaves the quantity empty.
    The definition is stored in the instance so the file is self-contained.
    """
    if instance_id is None:
        taken = (
            {m.id for m in config.modules}
            | {a.module for a in config.actors if a.module}
            | {f.module for f in config.flows if f.module}
        )
        instance_id = numbered_id("m", taken)
    elif any(m.id == instance_id for m in config.modules):
        raise ConfigurationError([f"modules: id '{instance_id}' is already used by a placed module"])
    roles: dict[str, tuple[ActorType, str, bool, int | None]] = {
        t.role: (t.type, t.name, t.local, t.count) for t in definition.actors
    }
    for flow in definition.flows:
        for role in (flow.source, flow.target):
            if role not in roles and role in BUILTIN_ROLES:
                roles[role] = (BUILTIN_ROLES[role], BUILTIN_ROLE_NAMES[role], False, None)

    actor_ids = {a.id for a in config.actors}
    role_to_actor: dict[str, str] = {}
    new_actors: list[dict[str, Any]] = []
    for role, (kind, name, local, count) in roles.items():
        existing = _match_existing(config, kind, name)
        if existing is None:
            # also merge with an actor this same placement just created (two templates, one singleton)
            existing = next(
                (
                    a["id"]
                    for a in new_actors
                    if a["type"] == kind.value and (kind in SINGLETON_TYPES or a["name"].casefold() == name.casefold())
                ),
                None,
            )
        if existing is not None:
            role_to_actor[role] = existing
            continue
        actor_id = fresh_id(slug(name), actor_ids)
        actor_ids.add(actor_id)
        actor: dict[str, Any] = {
            "id": actor_id,
            "name": name,
            "type": kind.value,
            "local": local,
            "count": count,
            "module": instance_id,
        }
        new_actors.append(actor)
        role_to_actor[role] = actor["id"]

    drop = position if position is not None else _anchor(config, definition, role_to_actor, new_actors)
    spots = FreeSpots(occupied_positions(config))
    for k, actor in enumerate(new_actors):
        if len(new_actors) == 1:
            x, y = drop
        else:
            angle = -math.pi / 2 + 2 * math.pi * k / len(new_actors)
            radius = RING_RADIUS + 12.0 * max(0, len(new_actors) - 4)
            x, y = drop[0] + radius * math.cos(angle), drop[1] + radius * math.sin(angle)
        x, y = spots.near((x, y))  # never on top of an actor already drawn
        actor["position"] = {"x": x, "y": y}

    counts = {a.id: a.count for a in config.actors} | {a["id"]: a["count"] for a in new_actors}
    flow_ids = {f.id for f in config.flows}
    new_flows: list[dict[str, Any]] = []
    n = 0
    for index, template in enumerate(definition.flows):
        source, target = role_to_actor[template.source], role_to_actor[template.target]
        if source == target:
            continue
        scale = scale_of(config.period, config.population, counts.get(source), counts.get(target))
        quantities = _estimates(definition, index, scale)
        n += 1
        flow_id = f"{instance_id}-f{n}"
        while flow_id in flow_ids:
            n += 1
            flow_id = f"{instance_id}-f{n}"
        flow_ids.add(flow_id)
        new_flows.append(
            {
                "id": flow_id,
                "source": source,
                "target": target,
                "kind": template.kind.value,
                "label": template.label,
                **quantities,
                "estimated": [q for q in QUANTITIES if quantities[q] is not None],
                "standards": list(template.standards),
                "marginal_cost": template.marginal_cost,
                "module": instance_id,
                **{
                    name: getattr(template, name)
                    for name in ("term_years", "payback_years")
                    if getattr(template, name) is not None
                },
            }
        )

    instance = {
        "id": instance_id,
        "module": definition.id,
        "position": {"x": round(drop[0], 1), "y": round(drop[1], 1)},
        "definition": definition.model_dump(mode="json"),
    }
    # Only the new elements need validating: the input is a valid Configuration, the new ids are
    # fresh and every new flow joins actors that exist. Re-validating the whole configuration
    # would cost ~4 ms per placement at 100 actors, and recommendations place every module.
    try:
        actors = [Actor.model_validate(a) for a in new_actors]
        flows = [Flow.model_validate(f) for f in new_flows]
        module = ModuleInstance.model_validate(instance)
    except ValidationError as exc:
        raise ConfigurationError(describe_validation_error(exc)) from None
    return config.model_copy(
        update={
            "actors": [*config.actors, *actors],
            "flows": [*config.flows, *flows],
            "modules": [*config.modules, module],
        }
    )


def _anchor(
    config: Configuration,
    definition: ModuleDefinition,
    role_to_actor: Mapping[str, str],
    new_actors: list[dict[str, Any]],
) -> tuple[float, float]:
    """Where a module placed without a drop point goes: amid the existing actors its new actors exchange with."""
    new_ids = {a["id"] for a in new_actors}
    linked = {
        role_to_actor[end]
        for t in definition.flows
        for end in (t.source, t.target)
        if {role_to_actor[t.source], role_to_actor[t.target]} & new_ids and role_to_actor[end] not in new_ids
    }
    points = [(a.position.x, a.position.y) for a in config.actors if a.id in linked and a.position is not None]
    if not points:
        return _default_position(config)
    return (sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points))


def _estimates(definition: ModuleDefinition, index: int, scale: Scale) -> dict[str, float | None]:
    """A flow template's default quantities at this scale (None where it has none, or a name has no value)."""
    template = definition.flows[index]
    quantities: dict[str, float | None] = {}
    for quantity in QUANTITIES:
        default = getattr(template, quantity)
        try:
            quantities[quantity] = estimate(default, scale)
        except FormulaError as exc:
            raise ConfigurationError(
                [f"{flow_place(definition.id, index, template)}: {quantity}: formula '{default}': {exc}"]
            ) from None
    return quantities


def refresh_estimates(config: Configuration) -> Configuration:
    """Recompute module estimates at the configuration's current scale (population, counts, period).

    Called after an edit of a count, the population or the period: an estimate of
    ``30 * months`` placed for a year must not stay 360 once the period is a month.
    Entered quantities are never touched. An estimated quantity whose formula now
    lacks a value is emptied; an empty quantity whose formula now has one is filled
    in as an estimate. A flow is matched to its module's flow template by kind and
    label (the n-th flow of that kind and label to the n-th such template); a flow
    whose label the user changed, or whose module carries no definition, is left alone.
    """
    counts = {a.id: a.count for a in config.actors}
    matched = {
        flow_id: (definition, index)
        for flow_id, (definition, index) in flow_templates(config).items()
        if any(isinstance(getattr(t, q), str) for t in definition.flows for q in QUANTITIES)
    }  # numbers only: nothing depends on the scale
    if not matched:
        return config
    flows = list(config.flows)
    changed = False
    for position, flow in enumerate(flows):
        if flow.id not in matched:
            continue
        definition, index = matched[flow.id]
        scale = scale_of(config.period, config.population, counts.get(flow.source), counts.get(flow.target))
        quantities = _estimates(definition, index, scale)
        update: dict[str, Any] = {}
        estimated = list(flow.estimated)
        for quantity in QUANTITIES:
            if not isinstance(getattr(definition.flows[index], quantity), str):
                continue  # a number does not depend on the scale
            value = quantities[quantity]
            if flow.is_estimated(quantity):
                update[quantity] = value
                if value is None:
                    estimated.remove(quantity)
            elif getattr(flow, quantity) is None and value is not None:
                update[quantity] = value
                estimated.append(quantity)
        update["estimated"] = [q for q in QUANTITIES if q in estimated]
        new_flow = Flow.model_validate({**flow.model_dump(), **update})
        if new_flow != flow:
            flows[position] = new_flow
            changed = True
    return config.model_copy(update={"flows": flows}) if changed else config


def flow_templates(config: Configuration) -> dict[str, tuple[ModuleDefinition, int]]:
    """The module flow template each placed flow came from, by flow id: ``(definition, index in its flows)``.

    A flow is matched to its module's flow template by kind and label (the n-th flow of that kind and label
    to the n-th such template); a flow whose label the user changed, or whose module carries no (valid)
    definition, has none.
    """
    definitions: dict[str, ModuleDefinition] = {}
    templates: dict[str, dict[tuple[str, str], list[int]]] = {}
    for instance in config.modules:
        if not instance.definition:
            continue
        try:
            definition = _definition_from_json(json.dumps(instance.definition, sort_keys=True))
        except ValidationError:
            continue
        definitions[instance.id] = definition
        by_key: dict[tuple[str, str], list[int]] = {}
        for index, template in enumerate(definition.flows):
            by_key.setdefault((template.kind.value, template.label), []).append(index)
        templates[instance.id] = by_key
    matched: dict[str, tuple[ModuleDefinition, int]] = {}
    for flow in config.flows:
        if flow.module not in definitions:
            continue
        candidates = templates[flow.module].get((flow.kind.value, flow.label))
        if candidates:
            matched[flow.id] = (definitions[flow.module], candidates.pop(0))
    return matched


def remove_module(config: Configuration, instance_id: str) -> Configuration:
    """Undo :func:`place_module`: drop the instance, its flows, and the actors it created that no other flow uses.

    Actors it created that other flows still use stay (no longer tagged with the
    instance); needs lose the removed flows from ``served_by`` and the removed actors.
    """
    if not any(m.id == instance_id for m in config.modules):
        raise ConfigurationError([f"modules: no placed module has id '{instance_id}'"])
    flows = [f for f in config.flows if f.module != instance_id]
    removed_flows = {f.id for f in config.flows} - {f.id for f in flows}
    used = {f.source for f in flows} | {f.target for f in flows}
    data = config.model_dump(mode="json")
    actors = []
    removed_actors: set[str] = set()
    for actor in data["actors"]:
        if actor.get("module") == instance_id:
            if actor["id"] not in used:
                removed_actors.add(actor["id"])
                continue
            actor["module"] = None
        actors.append(actor)
    data["actors"] = actors
    forget_flows(data, removed_flows)
    data["modules"] = [m for m in data["modules"] if m["id"] != instance_id]
    for need in data["needs"]:
        if need.get("actor") in removed_actors:
            need["actor"] = None
    return _validated(data)


def _validated(data: dict[str, Any]) -> Configuration:
    try:
        return Configuration.model_validate(data)
    except ValidationError as exc:
        raise ConfigurationError(describe_validation_error(exc, data)) from None


# -- definitions of placed modules --------------------------------------------------------


@lru_cache(maxsize=512)
def _definition_from_json(text: str) -> ModuleDefinition:
    return ModuleDefinition.model_validate_json(text)


def resolve_definitions(config: Configuration, library: ModuleLibrary | None = None) -> dict[str, ModuleDefinition]:
    """The definition of each placed module, by instance id.

    The definition stored in the file wins (the file is self-contained and may
    come from another city); an empty one is looked up in ``library`` (default:
    the built-in library). An unknown module id is a :class:`LibraryError`.
    """
    resolved: dict[str, ModuleDefinition] = {}
    problems: list[str] = []
    lib = library
    for i, instance in enumerate(config.modules):
        where = f"modules[{i}] (id '{instance.id}')"
        if instance.definition:
            if lib is not None and instance.module in lib and lib.dump(instance.module) == instance.definition:
                resolved[instance.id] = lib[instance.module]
                continue
            try:
                resolved[instance.id] = _definition_from_json(json.dumps(instance.definition, sort_keys=True))
            except ValidationError as exc:
                problems.extend(
                    f"{where}: definition: {line}" for line in describe_validation_error(exc, instance.definition)
                )
            continue
        if lib is None:
            lib = _builtin_library()
        definition = lib.get(instance.module)
        if definition is None:
            problems.append(
                f"{where}: module: '{instance.module}' is not in the module library and the file carries no definition"
            )
        else:
            resolved[instance.id] = definition
    if problems:
        raise LibraryError(problems)
    return resolved


# -- schema ----------------------------------------------------------------------------------


def module_json_schema() -> dict[str, Any]:
    """The JSON Schema of a module file (committed as ``schema/module.schema.json`` for editors and other tools)."""
    schema = ModuleDefinition.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "citycanvas/module"
    return schema


if __name__ == "__main__":  # python -m canvas_app.library > schema/module.schema.json
    print(json.dumps(module_json_schema(), indent=2, ensure_ascii=False))
