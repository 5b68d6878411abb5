"""The "Replicate to another city" page: the plan redrawn on every choice, and "Create replica".

The plan and the replica come from :func:`canvas_app.replication.replicate` (scored with the source
workspace's weights and modules); nothing here computes a score. Every callback checks access: viewing
the configuration for the plan, and edit rights in the chosen workspace for creating the replica.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dash import ALL, Input, Output, State, no_update

from callbacks.needs import workspace_configurations
from canvas_app.city_profile import CityProfile
from canvas_app.library import LibraryError
from canvas_app.model import ConfigurationError
from canvas_app.replication import Replication, Substitution, local_organisations, replicate
from canvas_app.web.services import Opened, Services, Unavailable
from layouts import replicate as layouts
from layouts.common import message, not_found
from layouts.ids import ID
from storage import StorageError

MAX_SUGGESTIONS = 50
"""Names offered for one counterpart (actors of the same type in the workspace's configurations)."""


def profile_options(services: Services) -> list[tuple[str, str]]:
    """Every city profile of every workspace the user may see: ``("<workspace id>:<profile id>", label)``."""
    options = []
    for workspace in services.visible_workspaces():
        for record in services.store.list_city_profiles(workspace.id):
            options.append((f"{workspace.id}:{record.id}", f"{record.profile.name} ({workspace.name})"))
    return options


def editable_workspaces(services: Services) -> list[tuple[str, str]]:
    """The workspaces where the user may save a replica."""
    roles = services.roles()
    return [
        (str(w.id), w.name)
        for w in services.visible_workspaces()
        if roles is None or roles.get(w.id) in ("owner", "editor")
    ]


def suggestions(services: Services, workspace_id: int, opened: Opened) -> list[list[str]]:
    """For each named local organisation, names of actors of its type in the workspace's other configurations."""
    local = local_organisations(opened.config)
    found: list[set[str]] = [set() for _ in local]
    own = {a.name for a in opened.config.actors}
    for configuration_id, config in workspace_configurations(services, workspace_id):
        if configuration_id == opened.head.id:
            continue
        for i, actor in enumerate(local):
            found[i] |= {a.name for a in config.actors if a.type is actor.type and a.name not in own}
    return [sorted(names)[:MAX_SUGGESTIONS] for names in found]


def replicate_page(services: Services, configuration_id: int) -> Any:
    try:
        opened = services.open_configuration(configuration_id)
    except Unavailable as exc:
        return not_found(str(exc))
    workspace_id = opened.access.workspace_id or opened.head.workspace_id
    workspaces = editable_workspaces(services)
    chosen = str(workspace_id) if any(v == str(workspace_id) for v, _ in workspaces) else None
    return layouts.replicate_layout(
        configuration_id=opened.head.id,
        name=opened.config.name,
        city=opened.config.city,
        profiles=profile_options(services),
        workspaces=workspaces,
        workspace=chosen or (workspaces[0][0] if workspaces else None),
        local=local_organisations(opened.config),
        suggestions=suggestions(services, workspace_id, opened),
        profiles_href=f"/workspace/{workspace_id}/cities",
    )


def load_profile_choice(services: Services, value: Any) -> CityProfile | None:
    """The profile a select's value names, after checking the user may see its workspace; None for ``""``."""
    if not value:
        return None
    workspace, _, profile_id = str(value).partition(":")
    services.require("view", workspace_id=workspace)
    record = next((r for r in services.store.list_city_profiles(int(workspace)) if r.id == profile_id), None)
    if record is None:
        raise ConfigurationError(["That city profile was deleted meanwhile: reload the page."])
    return record.profile


def substitutions_from(ids: Sequence[Any], names: Sequence[Any], generic: Sequence[Any]) -> dict[str, Substitution]:
    """The page's substitution fields (pattern ids with the actor id) as substitutions; empty ones are left out.

    >>> substitutions_from([{"actor": "a"}, {"actor": "b"}], ["  Umeå IT AB ", ""], [[], ["generic"]])
    {'a': Substitution(name='Umeå IT AB', local=True)}
    """
    result = {}
    for component, name, ticks in zip(ids, names, generic):
        if isinstance(component, dict) and isinstance(name, str) and name.strip():
            result[str(component.get("actor"))] = Substitution(name.strip(), local="generic" not in (ticks or []))
    return result


def replication_for(
    services: Services, configuration_id: Any, target: Any, source: Any, subs: dict[str, Substitution]
) -> tuple[Opened, Replication]:
    """The plan and replica of the stored configuration's head revision (raises ConfigurationError on bad input)."""
    opened = services.open_configuration(configuration_id)
    target_profile = load_profile_choice(services, target)
    if target_profile is None:
        raise ConfigurationError(["Choose a target city (add a city profile first if there is none)."])
    workspace_id = opened.access.workspace_id or opened.head.workspace_id
    result = replicate(
        opened.config,
        services.library_for(workspace_id),
        load_profile_choice(services, source),
        target_profile,
        subs,
        revision=opened.head.version,
        weights=services.score_weights(workspace_id),
    )
    return opened, result


def show_plan(
    services: Services, configuration_id: Any, target: Any, source: Any, subs: dict[str, Substitution]
) -> Any:
    try:
        _opened, result = replication_for(services, configuration_id, target, source, subs)
    except Unavailable as exc:
        return message(str(exc))
    except (ConfigurationError, LibraryError) as exc:
        return message(list(getattr(exc, "problems", [str(exc)])))
    return layouts.plan_view(result.plan)


def create_replica(
    services: Services, configuration_id: Any, target: Any, source: Any, workspace: Any, subs: dict[str, Substitution]
) -> Any:
    """Save the replica in ``workspace`` (edit rights needed there) and link to it."""
    refusal = services.refusal("edit", workspace_id=workspace)
    if refusal:
        return message(refusal)
    try:
        _opened, result = replication_for(services, configuration_id, target, source, subs)
        head = services.store.create_configuration(
            int(workspace), result.replica, author=services.author, summary=result.plan.provenance
        )
    except Unavailable as exc:
        return message(str(exc))
    except (ConfigurationError, LibraryError) as exc:
        return message(list(getattr(exc, "problems", [str(exc)])))
    except StorageError as exc:
        return message(str(exc))
    return layouts.replica_created(result.replica.name, head.id)


def register(app: Any, services: Services) -> None:
    @app.callback(
        Output(ID.rp_plan, "children"),
        Input(ID.rp_target, "value"),
        Input(ID.rp_source, "value"),
        Input(ID.rp_substitute(ALL), "value"),
        Input(ID.rp_generic(ALL), "value"),
        State(ID.rp_substitute(ALL), "id"),
        State(ID.rp_config, "data"),
    )
    def plan(target: Any, source: Any, names: Any, generic: Any, ids: Any, configuration_id: Any) -> Any:
        services.require("view", configuration_id=configuration_id)
        return show_plan(services, configuration_id, target, source, substitutions_from(ids, names, generic))

    @app.callback(
        Output(ID.rp_result, "children"),
        Input(ID.rp_create, "n_clicks"),
        State(ID.rp_target, "value"),
        State(ID.rp_source, "value"),
        State(ID.rp_workspace, "value"),
        State(ID.rp_substitute(ALL), "value"),
        State(ID.rp_generic(ALL), "value"),
        State(ID.rp_substitute(ALL), "id"),
        State(ID.rp_config, "data"),
        prevent_initial_call=True,
    )
    def create(
        clicks: Any, target: Any, source: Any, workspace: Any, names: Any, generic: Any, ids: Any, configuration_id: Any
    ) -> Any:
        services.require("view", configuration_id=configuration_id)
        if not clicks:
            return no_update
        if not workspace:
            return message("Choose the workspace to save the replica in (you need edit rights there).")
        return create_replica(
            services, configuration_id, target, source, workspace, substitutions_from(ids, names, generic)
        )
