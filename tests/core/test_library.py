"""The module library: built-in modules, strict loading of city folders, placing and removing modules."""

from __future__ import annotations

import math
import os
from pathlib import Path

import pytest

from canvas_app.library import (
    BUILTIN_MODULE_DIR,
    LibraryError,
    ModuleLibrary,
    load_library,
    parse_module,
    place_module,
    remove_module,
    resolve_definitions,
)
from canvas_app.model import ActorType, Configuration, ConfigurationError, FlowKind
from canvas_app.module_schema import Category, ModuleDefinition

GOOD = """\
id: {id}
name: Test module
category: services
summary: A module used by the tests.
actors:
  - {{role: provider, type: service_provider, name: Test provider}}
flows:
  - {{source: citizen, target: provider, kind: money, label: fee}}
  - {{source: provider, target: citizen, kind: service, label: help}}
sources:
  - {{title: Test source}}
"""


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture()
def library() -> ModuleLibrary:
    return load_library()


@pytest.fixture()
def base() -> Configuration:
    return Configuration.model_validate(
        {
            "name": "Base",
            "actors": [
                {"id": "oulu", "name": "City of Oulu", "type": "city", "position": {"x": 0, "y": 0}},
                {"id": "drivers", "name": "Drivers", "type": "citizen", "count": 60000, "position": {"x": 300, "y": 0}},
                {"id": "op", "name": "Parking operator", "type": "platform_operator", "position": {"x": 150, "y": 200}},
            ],
            "flows": [
                {"id": "f1", "source": "drivers", "target": "op", "kind": "money", "amount": 1.8, "occurrences": 1000},
                {"id": "f2", "source": "op", "target": "drivers", "kind": "service", "label": "pay by phone"},
            ],
            "needs": [{"id": "n1", "name": "Pay without a meter", "actor": "drivers", "served_by": ["f2"]}],
        }
    )


# -- the built-in library ------------------------------------------------------------


def test_every_builtin_module_file_loads_and_is_named_by_its_id(library):
    files = sorted(BUILTIN_MODULE_DIR.glob("*.yaml"))
    assert len(files) == len(library)
    for path in files:
        assert path.stem in library, path.name
        assert library.origin(path.stem) == str(path)


def test_library_has_at_least_30_modules_covering_every_category(library):
    assert len(library) >= 30
    assert set(library.categories()) == set(Category)
    assert library.categories() == list(Category)  # schema order, for the palette filter


def test_builtin_modules_are_complete_enough_to_score(library):
    for definition in library:
        assert definition.sources and all(s.title for s in definition.sources), definition.id
        assert definition.flows, definition.id
        assert definition.attributes.bmc_blocks, definition.id
        assert definition.attributes.ova.opportunity and definition.attributes.ova.value, definition.id
        kinds = {f.kind for f in definition.flows}
        assert kinds, definition.id


def test_cross_side_network_effects_only_on_multi_sided_modules(library):
    """A module claiming cross-side effects must connect at least two other roles through one hub."""
    for d in library:
        if d.attributes.network_effects != "cross_side":
            continue
        partners: dict[str, set[str]] = {}
        for f in d.flows:
            partners.setdefault(f.source, set()).add(f.target)
            partners.setdefault(f.target, set()).add(f.source)
        assert max(len(p) for p in partners.values()) >= 2, d.id


def test_the_modules_named_in_the_design_are_there(library):
    for module_id in [
        "open-data-portal",
        "ngsi-ld-context-broker",
        "data-marketplace",
        "mydata-consent",
        "iot-sensor-network",
        "open-source-sensor-platform",
        "public-wifi",
        "smart-lighting-poles",
        "5g-micro-operator",
        "citizen-mobile-app",
        "city-web-portal",
        "city-kiosks",
        "mobile-parking",
        "maas-bundle",
        "bike-sharing",
        "e-permit",
        "waste-pickup-on-demand",
        "transaction-fee",
        "subscription",
        "freemium",
        "advertising",
        "revenue-share-providers",
        "data-licensing",
        "city-budget",
        "eu-grant",
        "public-private-partnership",
        "concession",
        "open-source-consortium",
        "public-procurement",
        "citizen-rewards",
        "open-api-developers",
        "mobile-payment",
    ]:
        assert module_id in library, module_id
    broker = library["ngsi-ld-context-broker"]
    assert {"NGSI-LD", "MIM1", "SmartDataModels"} <= set(broker.attributes.standards)


def test_builtin_load_is_cached(library):
    assert load_library() is library
    assert load_library() is library or len(load_library()) >= len(library)


def test_get_contains_iter_len_and_search(library):
    assert library.get("no-such-module") is None
    assert "mobile-parking" in library and "no-such-module" not in library
    assert [d.id for d in library] == library.ids()
    assert {d.id for d in library.search("parking")} >= {"mobile-parking"}
    assert {d.id for d in library.search("NGSI-LD broker")} == {"ngsi-ld-context-broker"}
    revenue = library.search("", category="revenue")
    assert revenue and all(d.category is Category.REVENUE for d in revenue)
    assert library.search("fee", category=Category.REVENUE)
    assert library.search("zzz-nothing") == []


# -- malformed module files ------------------------------------------------------------


def refused(tmp_path: Path, name: str, text: str) -> str:
    write(tmp_path / "city", name, text)
    with pytest.raises(LibraryError) as info:
        load_library([tmp_path / "city"])
    message = str(info.value)
    assert name in message, message
    return message


def test_a_city_folder_adds_its_modules(tmp_path):
    write(tmp_path / "city", "our-help.yaml", GOOD.format(id="our-help"))
    lib = load_library([tmp_path / "city"])
    assert "our-help" in lib and "mobile-parking" in lib
    assert lib.origin("our-help") == str(tmp_path / "city" / "our-help.yaml")


def test_bad_yaml_names_file_and_line(tmp_path):
    message = refused(tmp_path, "broken.yaml", "id: broken\nname: [unclosed\n")
    assert "not valid YAML" in message and "line" in message


def test_duplicate_yaml_key_is_refused(tmp_path):
    message = refused(tmp_path, "dup-key.yaml", GOOD.format(id="dup-key") + "name: Again\n")
    assert "key 'name' appears twice" in message


def test_unknown_field_names_the_field(tmp_path):
    message = refused(tmp_path, "extra.yaml", GOOD.format(id="extra") + "colour: blue\n")
    assert "colour: unknown field" in message


def test_unknown_role_in_a_flow_names_the_flow(tmp_path):
    text = GOOD.format(id="ghost").replace("target: provider, kind: money", "target: ghost, kind: money")
    message = refused(tmp_path, "ghost.yaml", text)
    assert "flows[0]: target: unknown role 'ghost'" in message


def test_unknown_category_names_the_field(tmp_path):
    message = refused(tmp_path, "cat.yaml", GOOD.format(id="cat").replace("category: services", "category: magic"))
    assert "category:" in message and "'magic'" in message


def test_missing_sources_is_refused(tmp_path):
    text = GOOD.format(id="nosrc").split("sources:")[0]
    message = refused(tmp_path, "nosrc.yaml", text)
    assert "sources: is required" in message


def test_empty_sources_is_refused(tmp_path):
    text = GOOD.format(id="nosrc2").split("sources:")[0] + "sources: []\n"
    message = refused(tmp_path, "nosrc2.yaml", text)
    assert "sources:" in message and "at least 1" in message


def test_file_over_one_megabyte_is_refused_unread(tmp_path):
    text = GOOD.format(id="big") + "# " + "x" * (1024 * 1024) + "\n"
    message = refused(tmp_path, "big.yaml", text)
    assert "KB" in message and "limit" in message


def test_id_must_match_file_name(tmp_path):
    message = refused(tmp_path, "wrong-name.yaml", GOOD.format(id="other-id"))
    assert "id: 'other-id' does not match the file name" in message


def test_duplicate_id_across_folders_names_both_files(tmp_path):
    first = write(tmp_path / "a", "twin.yaml", GOOD.format(id="twin"))
    second = write(tmp_path / "b", "twin.yaml", GOOD.format(id="twin"))
    with pytest.raises(LibraryError) as info:
        load_library([tmp_path / "a", tmp_path / "b"])
    message = str(info.value)
    assert str(first) in message and str(second) in message and "id:" in message


def test_a_city_module_may_not_override_a_builtin_one(tmp_path):
    path = write(tmp_path / "city", "mobile-parking.yaml", GOOD.format(id="mobile-parking"))
    with pytest.raises(LibraryError) as info:
        load_library([tmp_path / "city"])
    message = str(info.value)
    assert str(path) in message and str(BUILTIN_MODULE_DIR / "mobile-parking.yaml") in message


def test_every_bad_file_is_reported_at_once(tmp_path):
    write(tmp_path / "city", "one.yaml", "id: [")
    write(tmp_path / "city", "two.yaml", GOOD.format(id="two") + "oops: 1\n")
    with pytest.raises(LibraryError) as info:
        load_library([tmp_path / "city"])
    assert len(info.value.problems) == 2
    assert isinstance(info.value, ValueError)


def test_missing_folder_is_an_error(tmp_path):
    with pytest.raises(LibraryError, match="does not exist"):
        load_library([tmp_path / "nowhere"])


def test_env_var_adds_folders_through_the_settings(tmp_path, monkeypatch):
    """CITYCANVAS_MODULE_PATH reaches the library as an argument: the core itself never reads it."""
    from canvas_app.web.settings import MODULE_PATH_VAR, Settings

    write(tmp_path / "env", "from-env.yaml", GOOD.format(id="from-env"))
    monkeypatch.setenv(MODULE_PATH_VAR, f"{tmp_path / 'env'}{os.pathsep}")
    settings = Settings.from_env(module_dirs=(tmp_path / "env",))
    assert settings.library_dirs == (tmp_path / "env", tmp_path / "env")
    assert "from-env" not in load_library()
    # the same folder named twice (env and argument) is read once, not reported as a duplicate
    assert "from-env" in load_library(settings.library_dirs)


def test_toml_modules_load_too(tmp_path):
    toml = (
        'id = "tomly"\nname = "Tomly"\ncategory = "data"\nsummary = "A TOML module."\n'
        '[[flows]]\nsource = "city"\ntarget = "citizen"\nkind = "data"\n'
        '[[sources]]\ntitle = "Test"\n'
    )
    write(tmp_path / "city", "tomly.toml", toml)
    assert load_library([tmp_path / "city"])["tomly"].flows[0].kind is FlowKind.DATA


def test_parse_module_accepts_text_and_dicts_and_names_the_upload():
    definition = parse_module(GOOD.format(id="up"), "upload.yaml")
    assert definition.id == "up"
    assert parse_module(definition.model_dump(mode="json"), "x") == definition
    with pytest.raises(LibraryError, match=r"^upload.yaml: summary: is required"):
        parse_module({"id": "x", "name": "X", "category": "data", "sources": [{"title": "t"}]}, "upload.yaml")
    with pytest.raises(LibraryError, match="a module must be one mapping"):
        parse_module("- a\n- b\n", "list.yaml")
    with pytest.raises(LibraryError, match="aliases"):
        parse_module("a: &x [1]\nb: *x\n", "alias.yaml")


# -- placing modules -----------------------------------------------------------------------


def test_placing_merges_city_citizens_and_operator(base, library):
    placed = place_module(base, library["mobile-parking"], position=(500, 500))
    types = [a.type for a in placed.actors]
    assert types.count(ActorType.CITY) == 1
    assert types.count(ActorType.CITIZEN) == 1
    assert types.count(ActorType.PLATFORM_OPERATOR) == 1
    new = [a for a in placed.actors if a.id not in {"oulu", "drivers", "op"}]
    assert [a.type for a in new] == [ActorType.PUBLIC_AGENCY]
    assert all(a.module == "m1" for a in new)
    module_flows = [f for f in placed.flows if f.module == "m1"]
    assert len(module_flows) == len(library["mobile-parking"].flows)
    ends = {f.source for f in module_flows} | {f.target for f in module_flows}
    assert {"oulu", "drivers", "op"} <= ends
    # existing actors are untouched
    assert placed.actors[:3] == base.actors
    assert placed.modules[0].definition == library["mobile-parking"].model_dump(mode="json")


def test_builtin_roles_are_created_when_missing(library):
    placed = place_module(Configuration(name="Empty"), library["transaction-fee"])
    by_type = {a.type: a for a in placed.actors}
    assert by_type[ActorType.CITIZEN].name == "Citizens"
    assert by_type[ActorType.PLATFORM_OPERATOR].name == "Platform operator"
    assert all(a.module == "m1" for a in placed.actors)
    city_made = place_module(Configuration(name="Empty"), library["city-budget"])
    assert any(a.type is ActorType.CITY and a.name == "City" for a in city_made.actors)


def test_other_types_merge_by_type_and_name(base, library):
    with_vendor = place_module(base, library["iot-sensor-network"])
    again = place_module(with_vendor, library["iot-sensor-network"])
    vendors = [a for a in again.actors if a.type is ActorType.TECHNOLOGY_VENDOR]
    assert len(vendors) == 1  # same type, same name: one vendor for both placements
    other = place_module(with_vendor, library["public-wifi"])
    assert len([a for a in other.actors if a.type is ActorType.TECHNOLOGY_VENDOR]) == 2


def test_new_actors_ring_around_the_drop_point(base, library):
    drop = (1000.0, -400.0)
    placed = place_module(base, library["maas-bundle"], position=drop)
    new = [a for a in placed.actors if a.module == "m1"]
    assert len(new) >= 3
    distances = [math.dist((a.position.x, a.position.y), drop) for a in new]
    assert all(50 < d < 300 for d in distances)
    assert len({(a.position.x, a.position.y) for a in new}) == len(new)  # no two on top of each other
    assert (placed.modules[0].position.x, placed.modules[0].position.y) == drop


def test_placing_twice_gives_fresh_unique_ids(base, library):
    once = place_module(base, library["data-marketplace"])
    twice = place_module(once, library["data-marketplace"])
    assert [m.id for m in twice.modules] == ["m1", "m2"]
    flow_ids = [f.id for f in twice.flows]
    assert len(flow_ids) == len(set(flow_ids))
    assert any(f.startswith("m2-f") for f in flow_ids)
    assert len([a for a in twice.actors if a.module == "m2"]) == 0  # same-named roles merged with m1's


def test_readable_ids_are_deduplicated(library):
    config = Configuration.model_validate(
        {
            "name": "clash",
            "actors": [{"id": "advertisers", "name": "Ad agency", "type": "community"}],
        }
    )
    placed = place_module(config, library["advertising"])
    assert "advertisers-2" in {a.id for a in placed.actors}


def test_given_instance_id_is_used_and_clash_refused(base, library):
    placed = place_module(base, library["eu-grant"], instance_id="grant")
    assert placed.modules[0].id == "grant"
    with pytest.raises(ConfigurationError, match="already used"):
        place_module(placed, library["eu-grant"], instance_id="grant")


def test_place_module_does_not_change_its_input(base, library):
    before = base.model_dump()
    place_module(base, library["maas-bundle"])
    assert base.model_dump() == before


# -- removing modules -----------------------------------------------------------------------


@pytest.mark.parametrize("module_id", ["mobile-parking", "maas-bundle", "transaction-fee", "open-source-consortium"])
def test_remove_module_undoes_place_module(base, library, module_id):
    placed = place_module(base, library[module_id], position=(400, 400))
    assert remove_module(placed, "m1") == base


def test_remove_keeps_actors_other_flows_use_and_cleans_needs(base, library):
    placed = place_module(base, library["public-wifi"])
    isp = next(a for a in placed.actors if a.module == "m1")
    wifi_flow = next(f for f in placed.flows if f.module == "m1" and f.target == "drivers")
    data = placed.model_dump(mode="json")
    data["flows"].append({"id": "own", "source": isp.id, "target": "op", "kind": "service"})
    data["needs"].append({"id": "n2", "name": "Internet", "actor": "drivers", "served_by": [wifi_flow.id, "own"]})
    edited = Configuration.model_validate(data)
    removed = remove_module(edited, "m1")
    kept = removed.actor(isp.id)
    assert kept.module is None
    assert removed.needs[1].served_by == ["own"]
    assert not any(f.module == "m1" for f in removed.flows)


def test_remove_unknown_instance_is_an_error(base):
    with pytest.raises(ConfigurationError, match="no placed module has id 'm9'"):
        remove_module(base, "m9")


# -- definitions of placed modules ------------------------------------------------------------


def test_resolve_definitions_prefers_the_stored_definition(base, library):
    placed = place_module(base, library["mobile-parking"])
    data = placed.model_dump(mode="json")
    data["modules"][0]["definition"]["name"] = "Oulu's own parking"
    resolved = resolve_definitions(Configuration.model_validate(data), library)
    assert resolved["m1"].name == "Oulu's own parking"
    assert resolve_definitions(placed, library)["m1"] is library["mobile-parking"]


def test_resolve_definitions_falls_back_to_the_library(base, library):
    data = base.model_dump(mode="json")
    data["modules"] = [{"id": "m1", "module": "mobile-parking"}]
    config = Configuration.model_validate(data)
    assert resolve_definitions(config, library)["m1"] == library["mobile-parking"]
    assert resolve_definitions(config)["m1"] == library["mobile-parking"]  # built-in library by default


def test_resolve_definitions_names_an_unknown_module(base, library):
    data = base.model_dump(mode="json")
    data["modules"] = [{"id": "m1", "module": "teleporter"}]
    with pytest.raises(LibraryError, match=r"modules\[0\] \(id 'm1'\): module: 'teleporter'"):
        resolve_definitions(Configuration.model_validate(data), library)


def test_resolve_definitions_reports_a_broken_stored_definition(base, library):
    data = base.model_dump(mode="json")
    data["modules"] = [{"id": "m1", "module": "x", "definition": {"id": "x", "name": "X"}}]
    with pytest.raises(LibraryError, match=r"modules\[0\] \(id 'm1'\): definition: category: is required"):
        resolve_definitions(Configuration.model_validate(data), library)


def test_with_modules_adds_workspace_modules_without_overrides(library):
    mine = parse_module(GOOD.format(id="mine"), "workspace")
    extended = library.with_modules([mine], "workspace")
    assert "mine" in extended and "mine" not in library and len(extended) == len(library) + 1
    with pytest.raises(LibraryError, match="already defined"):
        library.with_modules([ModuleDefinition.model_validate(library["mobile-parking"].model_dump())])


def test_committed_module_json_schema_is_current():
    import json

    from canvas_app.library import module_json_schema

    committed = json.loads((BUILTIN_MODULE_DIR.parent / "schema" / "module.schema.json").read_text(encoding="utf-8"))
    assert committed == json.loads(json.dumps(module_json_schema())), (
        "regenerate with: python -m canvas_app.library > schema/module.schema.json"
    )


def test_builtin_module_files_validate_against_the_published_schema():
    """Tools other than CityCanvas (editors, CI of a city's module repo) can rely on the JSON Schema."""
    import json

    import jsonschema
    import yaml

    schema = json.loads((BUILTIN_MODULE_DIR.parent / "schema" / "module.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    for path in sorted(BUILTIN_MODULE_DIR.glob("*.yaml")):
        errors = list(validator.iter_errors(yaml.safe_load(path.read_text(encoding="utf-8"))))
        assert not errors, f"{path.name}: {errors[0].message}"


@pytest.mark.parametrize("start", ["empty", "base"])
def test_every_module_places_into_a_valid_configuration_with_all_its_flows(base, library, start):
    config = Configuration(name="Empty") if start == "empty" else base
    for definition in library:
        placed = place_module(config, definition)
        assert Configuration.model_validate(placed.model_dump()) == placed, definition.id
        assert len(placed.flows) - len(config.flows) == len(definition.flows), definition.id
        assert remove_module(placed, "m1") == config, definition.id


# -- estimates ------------------------------------------------------------------------------

SCALED = """\
id: scaled
name: Scaled
category: revenue
summary: A module whose defaults scale with the configuration.
actors:
  - {role: riders, type: citizen, name: Riders}
  - {role: vendor, type: technology_vendor, name: Vendor, count: 3}
flows:
  - {source: riders, target: platform_operator, kind: money, label: fare, amount: 2, occurrences: source.count * months}
  - {source: platform_operator, target: vendor, kind: money, label: licence, amount: population / 100, occurrences: target.count}
  - {source: platform_operator, target: riders, kind: service, label: rides}
sources: [{title: t}]
"""


def _quantities(config: Configuration, module_instance: str = "m1") -> dict[str, tuple]:
    return {f.label: (f.amount, f.occurrences, f.estimated) for f in config.flows if f.module == module_instance}


def test_placing_writes_module_defaults_as_estimates_scaled_to_the_configuration(base):
    definition = parse_module(SCALED, "scaled.yaml")
    monthly = base.model_copy(update={"period": "month", "population": 200_000})
    assert _quantities(place_module(monthly, definition)) == {
        "fare": (2.0, 60_000.0, ["amount", "occurrences"]),  # 60,000 drivers (the merged segment) × 1 month
        "licence": (2_000.0, 3.0, ["amount", "occurrences"]),  # the new vendor's own count
        "rides": (None, None, []),
    }
    assert place_module(base, definition).flow("m1-f1").occurrences == 720_000.0  # a year: 12 months


def test_a_formula_whose_names_have_no_value_leaves_the_quantity_empty(library):
    definition = parse_module(SCALED, "scaled.yaml")
    assert _quantities(place_module(Configuration(name="Empty"), definition)) == {
        "fare": (2.0, None, ["amount"]),  # the riders have no count
        "licence": (None, 3.0, ["occurrences"]),  # the configuration has no population
        "rides": (None, None, []),
    }
    subscription = place_module(Configuration(name="Empty"), library["subscription"]).flow("m1-f1")
    assert (subscription.amount, subscription.occurrences, subscription.estimated) == (360.0, None, ["amount"])


def test_builtin_defaults_are_estimates_and_entered_values_stay_entered(base, library):
    placed = place_module(base, library["subscription"])
    fee = placed.flow("m1-f1")
    assert (fee.amount, fee.occurrences, fee.estimated) == (360.0, 60_000.0, ["amount", "occurrences"])
    assert placed.flow("f1").estimated == []  # the user's own flow is untouched
    assert place_module(base, library["transaction-fee"]).flow("m1-f1").estimated == ["amount"]


def test_every_builtin_default_has_a_source_and_a_reason(library):
    """A module that gives a money flow a default says where the figure comes from (a comment and a source)."""
    for definition in library:
        defaults = [f for f in definition.flows if f.amount is not None or f.occurrences is not None]
        if not defaults:
            continue
        text = (BUILTIN_MODULE_DIR / f"{definition.id}.yaml").read_text(encoding="utf-8")
        assert "# Estimate" in text, definition.id
        assert any(s.note for s in definition.sources), definition.id


def test_a_formula_absurd_at_this_scale_refuses_the_placement_naming_module_flow_and_formula(base):
    definition = parse_module(SCALED.replace("population / 100", "population * population"), "scaled.yaml")
    with pytest.raises(ConfigurationError) as exc:
        place_module(base.model_copy(update={"population": 5_000_000}), definition)
    assert exc.value.problems == [
        "module 'scaled', flows[1] (platform_operator → vendor, 'licence'): amount: formula 'population * population':"
        " gives 2.5e+13, more than the largest quantity accepted (1e+12)"
    ]


def test_estimates_follow_a_change_of_scale_and_entered_figures_do_not(library):
    from canvas_app.commands import UpdateActor, UpdateDetails, UpdateFlow

    placed = place_module(Configuration(name="Empty"), library["subscription"])
    citizens = next(a for a in placed.actors if a.type is ActorType.CITIZEN)
    fee = "m1-f1"
    assert (placed.flow(fee).amount, placed.flow(fee).occurrences, placed.flow(fee).estimated) == (
        360.0,
        None,
        ["amount"],
    )
    counted = UpdateActor(citizens.id, {"count": 5_000}).apply(placed)
    assert (counted.flow(fee).occurrences, counted.flow(fee).estimated) == (5_000.0, ["amount", "occurrences"])
    monthly = UpdateDetails({"period": "month"}).apply(counted)
    assert monthly.flow(fee).amount == pytest.approx(30.0)  # 30 * months, now one month
    uncounted = UpdateActor(citizens.id, {"count": None}).apply(monthly)
    assert (uncounted.flow(fee).occurrences, uncounted.flow(fee).estimated) == (None, ["amount"])
    entered = UpdateFlow(fee, {"amount": 25.0}).apply(counted)
    assert entered.flow(fee).estimated == ["occurrences"]
    rescaled = UpdateDetails({"period": "quarter"}).apply(UpdateActor(citizens.id, {"count": 800}).apply(entered))
    assert (rescaled.flow(fee).amount, rescaled.flow(fee).occurrences) == (25.0, 800.0)  # the entered 25 stays
    relabelled = UpdateFlow(fee, {"label": "our plan"}).apply(placed)
    assert (
        UpdateDetails({"period": "month"}).apply(relabelled).flow(fee).amount == 360.0
    )  # no longer its template's flow
