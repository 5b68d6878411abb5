"""The Module library says which of a module's declared standards the registry knows (issue 9, item 4)."""

from __future__ import annotations

from callbacks import modules
from layouts.modules import module_detail
from test_modules import CURB_API
from ui_helpers import text_of


def test_a_module_s_standards_are_classified_on_its_detail(services):
    workspace = services.default_workspace()
    text = CURB_API.replace(
        "standards: [NGSI-LD]\n  open_source", "standards: [NGSI-LD, ParkCo Link, Acme SDK]\n  open_source"
    )
    saved, _, module_id = modules.save_module(services, workspace.id, text, "yaml", None)
    assert saved
    detail = modules.module_detail(services, workspace.id, module_id)
    assert list(detail.standards) == [("NGSI-LD", "open"), ("ParkCo Link", "unverified"), ("Acme SDK", "proprietary")]
    shown = text_of(module_detail(detail))
    assert "ParkCo Link: unverified: not in the open-standards registry, check that it is open" in shown
    assert "NGSI-LD: open standard (in the registry)" in shown and "Acme SDK: proprietary" in shown


def test_a_built_in_module_lists_only_known_standards(services):
    workspace = services.default_workspace()
    detail = modules.module_detail(services, workspace.id, "ngsi-ld-context-broker")
    assert ("NGSI-LD", "open") in detail.standards
    assert all(status != "unverified" for _, status in detail.standards)
