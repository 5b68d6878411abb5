"""The nine-block canvas derived by the rules of docs/scoring-canvas.md, on the examples (answers checked by hand)."""

from __future__ import annotations

from pathlib import Path

import pytest

from builders import config
from canvas_app.analysis import nine_blocks as reexported
from canvas_app.business_canvas import nine_blocks
from canvas_app.library import load_library
from canvas_app.model import ActorType, load_configuration

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
NAMES = sorted(p.stem for p in EXAMPLES.glob("*.json"))


@pytest.fixture(scope="module")
def library():
    return load_library()


def blocks_of(name, library):
    return nine_blocks(load_configuration(EXAMPLES / f"{name}.json"), library)


def test_oulu_parking(library):
    blocks = blocks_of("oulu-parking", library)
    # the city's own enforcement receives session data to do its job: it is not a customer
    assert blocks["customer_segments"] == ["Drivers"]
    assert blocks["value_propositions"] == [
        "pay parking by phone (Drivers)",
        "street parking spaces (Drivers)",
        "service under the concession (Drivers)",
    ]
    # the city grants the rights (key resources) but is never a partner of its own service
    assert blocks["key_partnerships"] == [
        "Parking enforcement: parking enforcement",
        "Payment service provider: payment processing",
    ]
    assert blocks["key_resources"] == [
        "right to sell city parking (City of Oulu)",
        "concession (fixed term) (City of Oulu)",
    ]
    # parking fees collected for the city (1.60 of the 1.90 paid per session) are its money, not a cost
    assert blocks["cost_structure"] == [
        "concession fee (yearly) → City of Oulu",
        "transaction fees → Payment service provider",
    ]
    assert blocks["revenue_streams"] == [
        "parking fee and service fee (per session) from Drivers, "
        "of which collected parking fees passed on to City of Oulu"
    ]
    assert blocks["key_activities"] == [
        "pay parking by phone → Drivers",
        "active parking sessions → Parking enforcement",
        "service under the concession → Drivers",
        "operating data → City of Oulu",
    ]
    assert blocks["channels"] == ["Mobile parking", "Mobile payment gateway"]


def test_open_parking_platform(library):
    blocks = blocks_of("parking-open-platform", library)
    # app operators are paid a share and pay nothing: suppliers (partners), not a segment
    assert blocks["customer_segments"] == ["Drivers", "Application developers", "Third-party developers"]
    assert "Parking app operators: parking sessions sold in their apps" in blocks["key_partnerships"]
    assert not any(p.startswith("City:") for p in blocks["key_partnerships"])
    assert "sensor and registry data (City)" in blocks["key_resources"]
    assert blocks["cost_structure"] == [
        "hosting fee → Broker hosting provider",
        "share of fees to the driver's app operator → Parking app operators",
    ]
    assert "sales and demand data → Parking app operators" in blocks["key_activities"]
    assert "NGSI-LD context broker" in blocks["key_activities"]  # declared by the module


def test_city_run_parking_keeps_nothing_of_the_fees(library):
    blocks = blocks_of("parking-city-run", library)
    assert blocks["customer_segments"] == ["Drivers"]
    assert blocks["revenue_streams"] == [
        "parking fee (per session) from Drivers, of which collected parking fees passed on to City",
        "annual budget allocation from City",
    ]
    assert blocks["cost_structure"] == [
        "licence and maintenance → Local software company",
        "hosting and change requests → Local software company",
    ]
    assert blocks["key_partnerships"][1] == (
        "Local software company: delivered system, documentation and training, parking sessions (vendor back end)"
    )


def test_public_wifi_attention_is_a_relationship_and_the_funder_a_partner(library):
    blocks = blocks_of("public-wifi", library)
    assert blocks["customer_segments"] == ["Residents and visitors", "Advertisers"]
    assert "attention from Residents and visitors" in blocks["customer_relationships"]
    assert blocks["key_partnerships"] == [
        "Network operator (ISP): anonymous footfall statistics",
        "European Commission programme: WiFi4EU voucher",
    ]
    assert "reports and open results → European Commission programme" in blocks["key_activities"]


def test_smart_lighting_pole_tenants_buy_a_right(library):
    blocks = blocks_of("smart-lighting", library)
    assert blocks["customer_segments"] == ["Residents", "Pole tenants (telecoms, sensor operators)"]
    assert "space on poles (Pole tenants (telecoms, sensor operators))" in blocks["value_propositions"]
    assert "Private partner (SPV): build and operate, service-level reports" in blocks["key_partnerships"]


def test_data_marketplace_sides(library):
    blocks = blocks_of("data-marketplace", library)
    assert blocks["customer_segments"] == ["Application developers", "Data buyers"]  # not the EU programme
    assert "Data providers (companies): listed datasets and streams" in blocks["key_partnerships"]
    assert "European Commission programme: project grant" in blocks["key_partnerships"]
    # a revenue share paid per sale (20 a period, not the 120 data sales) is a cost, not a pass-through
    assert "share of city-data sales → City of Copenhagen" in blocks["cost_structure"]


@pytest.mark.parametrize("name", NAMES)
def test_rules_hold_on_every_example(name, library):
    cfg = load_configuration(EXAMPLES / f"{name}.json")
    blocks = nine_blocks(cfg, library)
    by_name = {a.name: a for a in cfg.actors}
    segment_types = {by_name[s].type for s in blocks["customer_segments"]}
    assert not segment_types & {ActorType.CITY, ActorType.FUNDER, ActorType.TECHNOLOGY_VENDOR}
    cities = [a.name for a in cfg.actors if a.type is ActorType.CITY]
    assert not any(p.startswith(f"{c}:") for c in cities for p in blocks["key_partnerships"])
    assert blocks["key_activities"] and blocks["customer_segments"] and blocks["value_propositions"]
    assert blocks == reexported(cfg, library)


def test_city_running_the_service_itself():
    """No operator: the city is the focal actor; its agency is not a customer, a paying one is."""
    blocks = nine_blocks(
        config(
            {"city": "city", "residents": "citizen", "agency": "public_agency", "port": "public_agency"},
            [
                ("city", "residents", "service", None, None, {"label": "open data portal"}),
                ("city", "agency", "data", None, None, {"label": "inspections"}),
                ("city", "port", "data", None, None, {"label": "berth data"}),
                ("port", "city", "money", 1000.0, 1, {"label": "data fee"}),
                ("agency", "city", "service", None, None, {"label": "enforcement"}),
            ],
        )
    )
    assert blocks["customer_segments"] == ["Residents", "Port"]
    assert blocks["key_partnerships"] == ["Agency: enforcement"]
    assert blocks["revenue_streams"] == ["data fee from Port"]


def test_paying_the_city_more_than_was_collected_is_a_cost():
    blocks = nine_blocks(
        config(
            {"city": "city", "op": "platform_operator", "users": "citizen"},
            [
                ("users", "op", "money", 1.5, 100, {"label": "fare"}),
                ("op", "users", "service"),
                ("op", "city", "money", 2.0, 100, {"label": "levy"}),
            ],
        )
    )
    assert blocks["cost_structure"] == ["levy → City"]
    assert blocks["revenue_streams"] == ["fare from Users"]


def test_no_operator_and_no_city_gives_empty_blocks():
    blocks = nine_blocks(config({"a": "citizen", "b": "business"}, [("b", "a", "service")]))
    assert all(v == [] for v in blocks.values()) and len(blocks) == 9
