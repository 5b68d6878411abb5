"""City profiles page callbacks: add, edit and delete a workspace's city profiles (the shared ranked-list ones).

The form's values become a :class:`canvas_app.city_profile.CityProfile`; a bad value is refused with the
field named, and nothing is saved.
"""

from __future__ import annotations

from typing import Any

from dash import Output
from pydantic import ValidationError

from callbacks import ranked_list
from canvas_app.city_profile import CityProfile, ProfileRecord, library_preconditions, new_profile_id
from canvas_app.model import describe_validation_error
from canvas_app.web.services import Services, Unavailable
from layouts import city_profiles as layouts
from layouts.common import not_found
from layouts.ids import ID

FORM_FIELDS = (
    "name",
    "country",
    "population",
    "language",
    "currency",
    "has",
    "has_other",
    "lacks",
    "lacks_other",
    "notes",
)
FIELD_LABELS = {"name": "City", "population": "Population", "currency": "Currency", "has": "Has", "lacks": "Lacks"}


def preconditions(services: Services, workspace_id: int) -> list[str]:
    return library_preconditions(services.library_for(workspace_id))


def profiles_page(services: Services, workspace_id: int) -> Any:
    """Build the City profiles page of a workspace."""
    try:
        workspace, _access = services.open_workspace(workspace_id)
    except Unavailable as exc:
        return not_found(str(exc))
    return layouts.profiles_layout(
        workspace_id=workspace.id,
        workspace_name=workspace.name,
        records=services.store.list_city_profiles(workspace.id),
        preconditions=preconditions(services, workspace.id),
    )


def _lines(text: Any) -> list[str]:
    return [line.strip() for line in str(text or "").splitlines() if line.strip()]


def profile_from_form(fields: dict[str, Any]) -> tuple[CityProfile | None, list[str]]:
    """Validate the form: ``(profile, [])`` or ``(None, problems)``, each naming its field.

    >>> profile_from_form({"name": "Umeå", "population": "131000", "has": ["x"], "has_other": "y\\n\\n z"})[0].has
    ['x', 'y', 'z']
    >>> profile_from_form({"name": "", "population": "many"})[1]
    ['City: give the city a name.', 'Population: a whole number of inhabitants (got many).']
    """
    problems = []
    name = str(fields.get("name") or "").strip()
    if not name:
        problems.append("City: give the city a name.")
    population: int | None = None
    raw = fields.get("population")
    if raw not in (None, ""):
        try:
            number = float(raw)
            if not number.is_integer():
                raise ValueError
            population = int(number)
        except (TypeError, ValueError, OverflowError):
            problems.append(f"Population: a whole number of inhabitants (got {raw}).")
    if problems:
        return None, problems
    data = {
        "name": name,
        "country": str(fields.get("country") or ""),
        "population": population,
        "language": str(fields.get("language") or ""),
        "currency": str(fields.get("currency") or "").strip().upper(),
        "has": [*(fields.get("has") or []), *_lines(fields.get("has_other"))],
        "lacks": [*(fields.get("lacks") or []), *_lines(fields.get("lacks_other"))],
        "notes": str(fields.get("notes") or ""),
    }
    try:
        return CityProfile.model_validate(data), []
    except ValidationError as exc:
        return None, [_labelled(line) for line in describe_validation_error(exc, data)]


def _labelled(line: str) -> str:
    field, sep, rest = line.partition(":")
    key = field.split("[")[0]
    if sep and key in FIELD_LABELS:
        return f"{FIELD_LABELS[key]}{field[len(key) :]}:{rest}"
    return line[:1].upper() + line[1:]


def save_profile(
    services: Services, workspace_id: int, editing: str | None, fields: dict[str, Any]
) -> tuple[bool, Any]:
    """Add or replace one profile; ``(saved, inline message)``."""
    existing = {r.id for r in services.store.list_city_profiles(int(workspace_id))}

    def build() -> tuple[ProfileRecord | None, list[str]]:
        profile, problems = profile_from_form(fields)
        if profile is None:
            return None, problems
        return ProfileRecord(editing or new_profile_id(profile.name, existing), profile), []

    return ranked_list.save_item(
        services,
        existing=existing,
        editing=editing,
        gone="This profile was deleted meanwhile; nothing was saved. Press New to add it again.",
        build=build,
        upsert=lambda record: services.store.upsert_city_profile(
            int(workspace_id), record.id, record.profile, author=services.author
        ),
        saved=lambda record: f"Profile of {record.profile.name} saved.",
    )


def delete_profile(services: Services, workspace_id: int, profile_id: str) -> Any:
    return ranked_list.delete_item(
        lambda: services.store.delete_city_profile(int(workspace_id), str(profile_id), author=services.author),
        "Profile deleted.",
    )


def form_values(record: ProfileRecord, known: set[str] | None = None) -> tuple[Any, ...]:
    """The form's field values for a stored profile (FORM_FIELDS order): library preconditions ticked, the rest
    as lines."""
    p = record.profile
    known = known if known is not None else set()
    return (
        p.name,
        p.country,
        p.population,
        p.language,
        p.currency,
        [i for i in p.has if i in known],
        "\n".join(i for i in p.has if i not in known),
        [i for i in p.lacks if i in known],
        "\n".join(i for i in p.lacks if i not in known),
        p.notes,
    )


def profiles_list(services: Services) -> ranked_list.RankedList:
    known = set(library_preconditions(services.library))
    return ranked_list.RankedList(
        ids=layouts.PROFILE_IDS,
        fields=(
            ID.cp_name,
            ID.cp_country,
            ID.cp_population,
            ID.cp_language,
            ID.cp_currency,
            ID.cp_has,
            ID.cp_has_other,
            ID.cp_lacks,
            ID.cp_lacks_other,
            ID.cp_notes,
        ),
        field_names=FORM_FIELDS,
        empty_form=("", "", None, "", "", [], "", [], "", ""),
        new_heading=layouts.NEW_HEADING,
        edit_heading="Edit the profile of {}",
        gone="This profile was deleted meanwhile.",
        delete_warning="The profile of {} will be removed.",
        items=lambda services, workspace_id: services.store.list_city_profiles(int(workspace_id)),
        label=lambda record: record.profile.name,
        form_values=lambda record: form_values(record, known),
        save=save_profile,
        delete=delete_profile,
        render_outputs=(Output(ID.cp_list, "children"),),
        render=lambda services, workspace_id: layouts.profile_list(
            services.store.list_city_profiles(int(workspace_id))
        ),
    )


def register(app: Any, services: Services) -> None:
    ranked_list.register(app, services, profiles_list(services))
