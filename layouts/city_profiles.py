"""The City profiles page of a workspace: the cities its services may be replicated to, with what each has.

Pure builders; user text goes in as text. The form offers every precondition the module library names
(so a profile uses the library's own words) and free-text items, one a line.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import dash_bootstrap_components as dbc
from dash import html

from canvas_app.city_profile import ProfileRecord
from layouts.advantages import PICK_LIST_STYLE
from layouts.ids import ID
from layouts.needs import page_header
from layouts.ranked_list import ListIds, form_buttons, item_buttons, ranked_list_page

PROFILE_IDS = ListIds(
    workspace=ID.cp_workspace,
    changed=ID.cp_changed,
    editing=ID.cp_editing,
    delete_pending=ID.cp_delete_pending,
    form_heading=ID.cp_form_heading,
    save=ID.cp_save,
    clear=ID.cp_clear,
    feedback=ID.cp_feedback,
    ranking=ID.cp_list,
    delete_modal=ID.cp_delete_modal,
    delete_text=ID.cp_delete_text,
    delete_confirm=ID.cp_delete_confirm,
    delete_cancel=ID.cp_delete_cancel,
    edit=ID.cp_edit,
    delete=ID.cp_delete,
    item_key="profile",
)
NEW_HEADING = "Add a city profile"


def _text_field(label: str, field_id: str, **props: Any) -> list[Any]:
    return [dbc.Label(label, html_for=field_id, className="small mb-0 mt-2"), dbc.Input(id=field_id, **props)]


def _items_field(legend: str, checklist_id: str, other_id: str, preconditions: Sequence[str]) -> html.Fieldset:
    return html.Fieldset(
        [
            html.Legend(legend, className="small mb-0 mt-2 fs-6"),
            dbc.Checklist(
                id=checklist_id,
                options=[{"label": p, "value": p} for p in preconditions],
                value=[],
                className="small border rounded px-2",
                style=PICK_LIST_STYLE,
            ),
            dbc.Label("Other items, one a line", html_for=other_id, className="small mb-0 mt-1"),
            dbc.Textarea(id=other_id, rows=2, maxLength=20000),
        ]
    )


def profile_form(preconditions: Sequence[str]) -> dbc.Card:
    """Add or edit a profile; ``preconditions`` are the library's, offered in both lists."""
    return dbc.Card(
        dbc.CardBody(
            [
                html.H2(NEW_HEADING, id=ID.cp_form_heading, className="h5"),
                *_text_field("City", ID.cp_name, maxLength=300, placeholder="e.g. Umeå"),
                *_text_field("Country", ID.cp_country, maxLength=100),
                *_text_field("Population", ID.cp_population, type="number", min=1, step=1),
                *_text_field("Language", ID.cp_language, maxLength=60),
                *_text_field("Currency (ISO code)", ID.cp_currency, maxLength=3, placeholder="EUR"),
                _items_field("What the city has", ID.cp_has, ID.cp_has_other, preconditions),
                _items_field("What the city lacks", ID.cp_lacks, ID.cp_lacks_other, preconditions),
                dbc.Label("Notes", html_for=ID.cp_notes, className="small mb-0 mt-2"),
                dbc.Textarea(id=ID.cp_notes, rows=2, maxLength=5000),
                *form_buttons(PROFILE_IDS, "Save profile", "Empty the form to add another city"),
            ]
        ),
        className="mb-3",
    )


def profile_list(records: Sequence[ProfileRecord]) -> Any:
    """The workspace's profiles, each with what it has and lacks."""
    if not records:
        return html.P("No city profiles yet: add one with the form.", className="text-body-secondary")
    items = []
    for record in records:
        p = record.profile
        facts = [
            f for f in (p.country, f"{p.population:,} inhabitants" if p.population else "", p.language, p.currency) if f
        ]
        items.append(
            html.Li(
                [
                    html.Div(
                        [
                            html.H2(p.name, className="h6 mb-0"),
                            item_buttons(PROFILE_IDS, record.id, f"Edit {p.name}", f"Delete {p.name}"),
                        ],
                        className="d-flex justify-content-between align-items-center",
                    ),
                    html.P(" · ".join(facts) or "No details yet.", className="small text-body-secondary mb-1"),
                    html.Div(
                        [
                            html.Span("Has: ", className="fw-semibold"),
                            "; ".join(p.has) or "nothing recorded",
                        ],
                        className="small",
                    ),
                    html.Div(
                        [html.Span("Lacks: ", className="fw-semibold"), "; ".join(p.lacks) or "nothing recorded"],
                        className="small",
                    ),
                ],
                className="list-group-item city-profile",
                **{"data-profile": record.id},
            )
        )
    return html.Ul(items, className="list-group")


def profiles_layout(
    *, workspace_id: int, workspace_name: str, records: Sequence[ProfileRecord], preconditions: Sequence[str]
) -> html.Main:
    return ranked_list_page(
        PROFILE_IDS,
        workspace_id=workspace_id,
        header=page_header(f"City profiles · {workspace_name}", workspace_id, "cities"),
        intro="The cities this workspace's services may be replicated to (or come from): their population, "
        "currency and what each already has. A configuration's “Replicate to another city” page checks the "
        "modules' preconditions against them.",
        ranking=html.Div(profile_list(records), id=ID.cp_list),
        side=profile_form(preconditions),
        delete_title="Delete this city profile?",
    )
