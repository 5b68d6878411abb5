"""Value creation, capture and sharing mechanisms in place, and the ones the library could add."""

from __future__ import annotations

from builders import config
from canvas_app.library import load_library, place_module
from canvas_app.mechanisms import KINDS, mechanisms_could_add, mechanisms_in_place
from canvas_app.model import load_configuration
from canvas_app.web.settings import REPO_DIR

LIBRARY = load_library()

PLATFORM = config(
    {
        "city": "city",
        "op": "platform_operator",
        "drivers": "citizen",
        "provider": "service_provider",
        "vendor": "technology_vendor",
    },
    [
        ("drivers", "op", "money", 2.0, 100, {"label": "fee"}),  # f1 capture
        ("op", "drivers", "service", None, None, {"label": "parking"}),  # f2 creation
        ("provider", "op", "service", None, None, {"label": "spaces"}),  # f3 creation
        ("op", "provider", "money", 1.5, 100, {"label": "share of fees"}),  # f4 sharing (provider gives back)
        ("op", "vendor", "money", 10.0, 1, {"label": "licence"}),  # f5 a purchase, not sharing
        ("vendor", "op", "service", None, None, {"label": "software"}),  # f6 creation
        ("city", "op", "grant", 500.0, 1),  # f7 capture
        ("op", "city", "data", None, None, {"label": "occupancy"}),  # f8 creation, not sharing (city)
        ("op", "drivers", "reputation", None, None, {"label": "badges"}),  # f9 sharing (drivers pay the op)
    ],
)


def _flows(found, kind):
    return {m.name: m.elements for m in found[kind] if m.source == "flows"}


def test_flow_mechanisms_follow_the_stated_rules():
    found = mechanisms_in_place(PLATFORM, LIBRARY)
    assert set(found) == set(KINDS)
    assert _flows(found, "creation") == {
        "Service to Drivers": ("f2",),
        "Service to Op": ("f3", "f6"),
        "Data to City": ("f8",),
    }
    assert _flows(found, "capture") == {"Money from Drivers to Op": ("f1",), "Grant from City to Op": ("f7",)}
    assert _flows(found, "sharing") == {
        "Money passed on to Provider": ("f4",),
        "Reputation passed on to Drivers": ("f9",),
    }
    assert [m.detail for m in found["capture"]] == ["fee", ""]


def test_module_mechanisms_come_from_declared_category_revenue_model_and_network_effects():
    placed = place_module(PLATFORM, LIBRARY["transaction-fee"])
    placed = place_module(placed, LIBRARY["revenue-share-providers"])
    found = mechanisms_in_place(placed, LIBRARY)
    by_module = {(m.kind, m.name) for k in KINDS for m in found[k] if m.source == "module"}
    fee, share = LIBRARY["transaction-fee"], LIBRARY["revenue-share-providers"]
    assert ("capture", fee.name) in by_module  # revenue category -> capture
    assert {("capture", f"Revenue model: {r}") for r in fee.attributes.revenue_model} <= by_module
    assert ("sharing", share.name) in by_module  # sharing category -> sharing
    assert ("creation", "Cross-side network effects") in by_module  # revenue share declares cross_side


def test_could_add_lists_unplaced_modules_ranked_by_the_measured_gain():
    parking = load_configuration(REPO_DIR / "examples" / "oulu-parking.json")
    options = mechanisms_could_add(parking, LIBRARY)
    placed = {m.module for m in parking.modules}
    assert options and not placed & {o.module for o in options}
    assert [o.gain for o in options] == sorted((o.gain for o in options), reverse=True)
    best = options[0]
    assert best.gain == round(sum(best.gains.values()), 1) and best.gain > 0
    from canvas_app.analysis import evaluate

    before = evaluate(parking, LIBRARY, recommend=False).scores
    after = evaluate(place_module(parking, LIBRARY[best.module]), LIBRARY, recommend=False).scores
    assert best.gains["value_creation"] == round(after["value_creation"].score - before["value_creation"].score, 1)
