"""The flow's standards field offers the open-standards registry as the user types (issue 9, item 4)."""

from __future__ import annotations

import pytest

from layouts.ids import ID
from test_editor_browser import open_editor
from ui_helpers import wait_for

pytestmark = pytest.mark.browser

OPTIONS = f"return Array.from(document.querySelectorAll('#{ID.flow_standards_known} option')).map(o => o.value);"


def test_the_standards_field_offers_the_next_open_standard(dash_duo, app, store):
    open_editor(dash_duo, app, store)
    field = dash_duo.find_element(f"#{ID.flow_standards}")
    assert field.get_attribute("list") == ID.flow_standards_known
    first = dash_duo.driver.execute_script(OPTIONS)
    assert "NGSI-LD" in first and "DATEX II" in first and "proprietary API" not in first
    field.send_keys("NGSI-LD, MI")
    wait_for(lambda: "NGSI-LD, MIM1" in dash_duo.driver.execute_script(OPTIONS))
    options = dash_duo.driver.execute_script(OPTIONS)
    assert all(o.startswith("NGSI-LD, ") for o in options)
    assert "NGSI-LD, NGSI-LD" not in options  # what is already typed is not offered again
    assert dash_duo.get_logs() == []
