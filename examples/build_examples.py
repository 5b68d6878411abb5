"""Build the example configurations from library modules, then tune them by hand.

Each example starts from a few named actors, places library modules with
:func:`canvas_app.library.place_module` (so every module's actors and flows
carry its instance id), then sets the figures a reader needs (amounts,
occurrences, counts, names) and the needs. Run from the repository root::

    python examples/build_examples.py          # rewrite examples/*.json
    python examples/build_examples.py --check  # exit 1 if a committed file differs
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from canvas_app.library import ModuleLibrary, load_library, place_module
from canvas_app.model import Configuration, dump_configuration, parse_configuration

HERE = Path(__file__).resolve().parent


class Draft:
    """A configuration being assembled: place modules, then tune flows and actors by label or id."""

    def __init__(self, library: ModuleLibrary, name: str, city: str, description: str, actors: list[dict[str, Any]]):
        self.library = library
        self.config = Configuration.model_validate(
            {"name": name, "city": city, "description": description, "actors": actors}
        )

    def place(self, module_id: str, at: tuple[float, float]) -> str:
        self.config = place_module(self.config, self.library[module_id], position=at)
        return self.config.modules[-1].id

    def _edit(self, change: Callable[[dict[str, Any]], None]) -> None:
        data = self.config.model_dump(mode="json")
        change(data)
        self.config = parse_configuration(data)

    def flow(self, instance: str, starts: str, /, **fields: Any) -> str:
        """Set fields of the one flow of ``instance`` whose label starts with ``starts``; return its id."""
        found: list[str] = []

        def change(data: dict[str, Any]) -> None:
            mine = [f for f in data["flows"] if f["module"] == instance]
            matches = [f for f in mine if f["label"] == starts] or [f for f in mine if f["label"].startswith(starts)]
            if len(matches) != 1:
                raise KeyError(f"{instance}: {len(matches)} flows labelled {starts!r}")
            matches[0].update(fields)
            matches[0]["estimated"] = [
                q for q in matches[0].get("estimated", []) if q not in fields
            ]  # set here: entered
            found.append(matches[0]["id"])

        self._edit(change)
        return found[0]

    def drop_flow(self, instance: str, label: str) -> None:
        def change(data: dict[str, Any]) -> None:
            before = len(data["flows"])
            data["flows"] = [f for f in data["flows"] if not (f["module"] == instance and f["label"].startswith(label))]
            if len(data["flows"]) != before - 1:
                raise KeyError(f"{instance}: no single flow labelled {label!r}")

        self._edit(change)

    def add_flow(self, flow: dict[str, Any]) -> None:
        self._edit(lambda data: data["flows"].append(flow))

    def actor(self, actor_id: str, **fields: Any) -> None:
        def change(data: dict[str, Any]) -> None:
            next(a for a in data["actors"] if a["id"] == actor_id).update(fields)

        self._edit(change)

    def merge(self, actor_id: str, into: str) -> None:
        """Redirect the flows of ``actor_id`` to ``into`` and drop it (a role the modules named differently)."""

        def change(data: dict[str, Any]) -> None:
            data["actors"] = [a for a in data["actors"] if a["id"] != actor_id]
            for f in data["flows"]:
                f["source"] = into if f["source"] == actor_id else f["source"]
                f["target"] = into if f["target"] == actor_id else f["target"]

        self._edit(change)

    def actor_id(self, name: str) -> str:
        return next(a.id for a in self.config.actors if a.name == name)

    def goal(self, goal: dict[str, Any]) -> None:
        self._edit(lambda data: data.setdefault("goals", []).append(goal))

    def need(self, need_id: str, name: str, actor: str, importance: int, served_by: list[str], **extra: Any) -> None:
        self._edit(
            lambda data: data["needs"].append(
                {"id": need_id, "name": name, "actor": actor, "importance": importance, "served_by": served_by, **extra}
            )
        )


# -- the examples ----------------------------------------------------------------------------


def oulu_parking(lib: ModuleLibrary) -> Configuration:
    d = Draft(
        lib,
        "Mobile parking, concession model",
        "Oulu",
        "Inspired by street parking in Oulu (and most Finnish cities), where drivers pay by phone through "
        "private parking-app operators instead of meters. Here one operator holds a five-year concession: it "
        "collects parking fees for the city, keeps a service fee, pays a concession fee and sends live "
        "parking sessions as NGSI-LD (Smart Data Models). Expect: medium scalability (low marginal cost and "
        "revenue that grows with use, but not-multi-sided and no-network-effects: the payment provider is an "
        "input supplier the operator pays, not a side); high sustainability with no grants and no "
        "funding-concentration (its income comes from 60,000 drivers); "
        "medium replicability: the concession's operating-data flow has no open standard and local-dependency "
        "flags the local parking ordinance and the concession tender; modest value capture (the operator "
        "keeps only a few per cent of what it collects); unmet-need for free-space information.",
        [
            {"id": "city", "name": "City of Oulu", "type": "city", "position": {"x": 0, "y": 0}},
            {"id": "drivers", "name": "Drivers", "type": "citizen", "count": 60000, "position": {"x": 400, "y": 0}},
            {
                "id": "operator",
                "name": "Parking app operator",
                "type": "platform_operator",
                "position": {"x": 200, "y": 200},
            },
        ],
    )
    p = d.place("mobile-parking", (200, 420))
    c = d.place("concession", (-200, 250))
    pay = d.place("mobile-payment", (450, 350))
    d.flow(p, "parking fee", amount=1.9, occurrences=400000, label="parking fee and service fee (per session)")
    d.flow(p, "collected parking fees", amount=1.6, occurrences=400000)
    d.drop_flow(c, "user fees")  # the parking fee above is the user fee
    d.flow(c, "concession fee", amount=60000, occurrences=1, label="concession fee (yearly)")
    d.drop_flow(pay, "payments by phone")
    d.drop_flow(pay, "settled payments")  # drivers pay the operator directly; the provider is paid per transaction
    d.flow(pay, "transaction fees", amount=0.08, occurrences=400000)
    service = d.flow(p, "pay parking by phone")
    d.need("n1", "Pay for parking without a meter or cash", "drivers", 5, [service])
    d.need("n2", "Know which streets have free spaces", "drivers", 3, [])
    d.need("n3", "Collect parking fees at low cost", "city", 4, [d.flow(p, "collected parking fees")])
    return d.config


def maas(lib: ModuleLibrary) -> Configuration:
    d = Draft(
        lib,
        "Mobility as a Service bundle",
        "Helsinki",
        "Inspired by Whim (MaaS Global, Helsinki, 2016-2024): one app sells public transport, taxis, city "
        "bikes and car sharing as monthly bundles or pay-per-trip, on ticket interfaces opened by the Finnish "
        "Act on Transport Services. Expect: medium scalability (as drawn the operator resells trips: the "
        "transport providers are only paid by it, input suppliers rather than sides, so not-multi-sided and "
        "no-network-effects), good replicability "
        "(every data flow on GTFS, GBFS, TOMP-API or NGSI-LD) held back by local preconditions (the "
        "open-ticketing law), high value creation, no grants; but value capture is modest: the operator passes "
        "almost all revenue to providers and keeps about 2 % (a thin positive margin, as MaaS operators found); "
        "its 650,000 riders are many payers (no funding-concentration).",
        [
            {"id": "city", "name": "City of Helsinki", "type": "city", "position": {"x": 0, "y": 0}},
            {
                "id": "residents",
                "name": "Residents and visitors",
                "type": "citizen",
                "count": 650000,
                "position": {"x": 450, "y": 0},
            },
        ],
    )
    m = d.place("maas-bundle", (250, 300))
    s = d.place("subscription", (600, 250))
    g = d.place("gtfs-open-transit-feed", (0, 550))
    b = d.place("bike-sharing", (550, 600))
    d.flow(m, "monthly bundle", amount=4.0, occurrences=900000, label="pay-per-trip fares")
    d.flow(s, "monthly subscription", amount=59.7, occurrences=60000, label="monthly bundle (5,000 subscribers)")
    d.flow(m, "tickets bought wholesale", amount=2.8, occurrences=2150000)
    d.flow(m, "taxi trips", amount=18.0, occurrences=40000)
    d.flow(m, "rental minutes", amount=3.0, occurrences=100000)
    d.flow(g, "public-transport subsidy", amount=300_000_000, occurrences=1)
    d.flow(g, "tickets", amount=2.8, occurrences=90_000_000, label="tickets bought directly")
    d.flow(b, "season pass", amount=35.0, occurrences=60000)
    d.flow(b, "operating contract", amount=4_000_000, occurrences=1)
    d.drop_flow(s, "bundled service")  # the MaaS trips are the bundled service
    trips = d.flow(m, "door-to-door trips")
    d.need("n1", "Travel door to door without owning a car", "residents", 5, [trips])
    d.need("n2", "Plan a journey across all modes", "residents", 4, [d.flow(g, "journey planning")])
    d.need(
        "n3",
        "Cut transport emissions",
        "city",
        4,
        [trips, d.flow(b, "city bikes")],
        evidence="Carbon-neutral Helsinki: transport emissions down 69 % from the 2005 level by 2030, to about "
        "220,000 tonnes of CO2 (City of Helsinki, 'Helsinki explores ways to accelerate reduction of "
        "transport emissions', https://www.hel.fi/uutiset/en/kaupunkiymparisto/"
        "helsinki-explores-ways-to-accelerate-reduction-of-transport-emissions)",
    )
    # the target as the city states it (the source is in the need's evidence)
    d.goal(
        {
            "id": "g1",
            "name": "Cut transport emissions by 69 % from the 2005 level",
            "need": "n3",
            "indicator": "CO2 emissions from transport in Helsinki",
            "target": 220000,
            "unit": "tonnes CO2 a year",
            "year": 2030,
        }
    )
    return d.config


def data_marketplace(lib: ModuleLibrary) -> Configuration:
    d = Draft(
        lib,
        "City data marketplace",
        "Copenhagen",
        "Inspired by the City Data Exchange of Copenhagen (the city and Hitachi, 2016-2018), a marketplace "
        "where the city and companies sold data to companies; it closed because too few buyers came. Here the "
        "operator runs an NGSI-LD context broker and a marketplace with standard contracts (OASC MIM1-MIM3, "
        "IDS), started with an EU grant. Expect: high replicability (every data flow on open standards) and a "
        "cross-side loop through the platform, but the lowest sustainability of the examples and a low "
        "value capture: grant-dependent (about 70 % of the operator's income is the grant) and negative-net-value "
        "(the operator's operating money flows lose about 1 million a year until sales grow).",
        [
            {"id": "city", "name": "City of Copenhagen", "type": "city", "position": {"x": 0, "y": 0}},
            {
                "id": "residents",
                "name": "Residents",
                "type": "citizen",
                "count": 640000,
                "position": {"x": 500, "y": -50},
            },
            {
                "id": "operator",
                "name": "Data exchange operator",
                "type": "platform_operator",
                "position": {"x": 250, "y": 200},
            },
        ],
    )
    b = d.place("ngsi-ld-context-broker", (-150, 450))
    m = d.place("data-marketplace", (450, 450))
    g = d.place("eu-grant", (250, -250))
    d.flow(b, "hosting fee", amount=150000, occurrences=1)
    d.flow(b, "platform budget", amount=100000, occurrences=1, label="city contribution")
    d.flow(m, "data access fees", amount=500.0, occurrences=120)
    d.flow(m, "payouts minus commission", amount=350.0, occurrences=100)
    d.flow(m, "share of city-data sales", amount=150.0, occurrences=20)
    d.flow(g, "project grant", amount=1_200_000, occurrences=1)
    d.flow(g, "co-funding share", amount=300000, occurrences=1)
    d.add_flow(
        {
            "id": "staff",
            "source": "operator",
            "target": d.actor_id("Broker hosting provider"),
            "kind": "money",
            "label": "development and staff (contracted)",
            "amount": 1_300_000,
            "occurrences": 1,
        }
    )
    access = d.flow(m, "licensed data access")
    d.need("n1", "Find and buy reliable city and company data", d.actor_id("Data buyers"), 4, [access])
    d.need(
        "n2",
        "Earn from data we already collect",
        d.actor_id("Data providers (companies)"),
        3,
        [d.flow(m, "payouts minus commission")],
    )
    d.need("n3", "Better services built on data", "residents", 2, [d.flow(m, "data-driven services")])
    return d.config


def open_sensor_platform(lib: ModuleLibrary) -> Configuration:
    d = Draft(
        lib,
        "Open-source sensor platform",
        "Barcelona",
        "Inspired by Sentilo, the open-source sensor and actuator platform that Barcelona built in 2012 and "
        "shares with other cities: sensors of many vendors report through one open API; the city funds the "
        "platform, a consortium of cities maintains the code. Expect: the highest replicability of the "
        "examples (open-source modules, every data flow on NGSI-LD, Sentilo API or Smart Data Models, generic "
        "roles), high value creation; value capture low (the platform is paid by the city, not by its users, "
        "and breaks even), funding-concentration (the city budget is the platform's only payer) and a "
        "single-point-of-failure (the consortium is the only link to the other member cities).",
        [
            {"id": "city", "name": "City of Barcelona", "type": "city", "position": {"x": 0, "y": 0}},
            {
                "id": "residents",
                "name": "Residents",
                "type": "citizen",
                "count": 1600000,
                "position": {"x": 500, "y": 0},
            },
            {
                "id": "platform",
                "name": "Municipal sensor platform (IT institute)",
                "type": "platform_operator",
                "position": {"x": 250, "y": 220},
            },
        ],
    )
    s = d.place("open-source-sensor-platform", (250, 520))
    i = d.place("iot-sensor-network", (-250, 350))
    c = d.place("open-source-consortium", (650, 400))
    o = d.place("open-data-portal", (700, 100))
    d.flow(s, "sensor contracts", amount=400000, occurrences=1)
    d.flow(s, "support contract", amount=250000, occurrences=1)
    d.flow(s, "platform budget", amount=500000, occurrences=1)
    d.flow(i, "connectivity and maintenance fee", amount=300000, occurrences=1)
    d.flow(i, "sensor programme budget", amount=300000, occurrences=1)
    d.flow(c, "membership fee", amount=40000, occurrences=1)
    d.flow(c, "membership fees", amount=200000, occurrences=1)
    d.flow(c, "development contracts", amount=220000, occurrences=1)
    d.flow(o, "portal hosting", amount=150000, occurrences=1)
    d.need("n1", "Know air quality and noise in my street", "residents", 4, [d.flow(s, "open sensor data")])
    d.need(
        "n2", "Connect any vendor's sensors without lock-in", "city", 5, [d.flow(s, "readings through the open API")]
    )
    d.need(
        "n3",
        "Reuse city data in apps",
        d.actor_id("Data reusers (companies and developers)"),
        3,
        [d.flow(o, "open datasets (CC")],
    )
    return d.config


def public_wifi(lib: ModuleLibrary) -> Configuration:
    d = Draft(
        lib,
        "Free public Wi-Fi",
        "Oulu",
        "Inspired by panOULU, Oulu's free public network since 2003, and the EU WiFi4EU vouchers: an ISP runs "
        "the network on city buildings for a yearly fee, a captive-portal sponsor adds a little revenue, the "
        "city's IT unit coordinates. Expect: low scalability (not-multi-sided and no-network-effects: one user "
        "side only), all needs served and high social value, open data only for footfall statistics; "
        "replicability held back by local preconditions (state aid, advertising rules, a grant call) and "
        "modules that are neither open source nor open API; a small grant (about a quarter of the "
        "coordinator's income).",
        [
            {"id": "city", "name": "City of Oulu", "type": "city", "position": {"x": 0, "y": 0}},
            {
                "id": "residents",
                "name": "Residents and visitors",
                "type": "citizen",
                "count": 200000,
                "position": {"x": 450, "y": 0},
            },
            {
                "id": "it-unit",
                "name": "City IT services (network coordinator)",
                "type": "platform_operator",
                "position": {"x": 220, "y": 220},
            },
        ],
    )
    w = d.place("public-wifi", (450, 400))
    g = d.place("eu-grant", (-250, 300))
    a = d.place("advertising", (300, -250))
    d.flow(w, "network operation fee", amount=250000, occurrences=1)
    d.flow(g, "project grant", amount=15000, occurrences=1, label="WiFi4EU voucher")
    d.flow(g, "co-funding share", amount=25000, occurrences=1, label="coordination budget")
    d.flow(a, "advertising fees", amount=20000, occurrences=1, label="captive-portal sponsorship")
    d.add_flow(
        {
            "id": "isp-pay",
            "source": "it-unit",
            "target": d.actor_id("Network operator (ISP)"),
            "kind": "money",
            "label": "access points and backhaul",
            "amount": 40000,
            "occurrences": 1,
        }
    )
    access = d.flow(w, "free internet access")
    d.need("n1", "Get online without a data plan", "residents", 5, [access])
    d.need("n2", "Understand how public spaces are used", "city", 2, [d.flow(w, "anonymous footfall")])
    return d.config


def smart_lighting(lib: ModuleLibrary) -> Configuration:
    d = Draft(
        lib,
        "Smart street lighting with shared poles",
        "Example city",
        "Inspired by LED street-lighting renewals run as partnerships (EPEC guidance) and the EU Smart Cities "
        "Marketplace 'Humble Lamppost' initiative: a private partner finances and operates TALQ-compliant "
        "lights; energy savings pay the availability fee; poles are rented to telecom and sensor operators. "
        "Expect: high replicability (TALQ, Smart Data Models, NGSI-LD on every data flow), no grants at all, "
        "economic, social and environmental impacts declared; lower scalability: not-multi-sided and "
        "no-network-effects (the private partner and the sensor vendor are input suppliers, not sides) and a "
        "single-point-of-failure (the private partner is the only link "
        "to the lenders); funding-concentration (the city is the only payer of the lighting unit).",
        [
            {"id": "city", "name": "City", "type": "city", "position": {"x": 0, "y": 0}},
            {
                "id": "residents",
                "name": "Residents",
                "type": "citizen",
                "count": 150000,
                "position": {"x": 450, "y": -50},
            },
            {
                "id": "lighting-unit",
                "name": "City street-lighting unit",
                "type": "platform_operator",
                "position": {"x": 200, "y": 200},
            },
        ],
    )
    s = d.place("smart-lighting-poles", (150, 500))
    p = d.place("public-private-partnership", (-300, 300))
    i = d.place("iot-sensor-network", (550, 350))
    d.flow(s, "purchase and maintenance", amount=200000, occurrences=1)
    d.flow(s, "energy bill", amount=900000, occurrences=1)
    d.flow(s, "pole rental", amount=1200, occurrences=150)
    d.flow(p, "project finance", amount=3_000_000, occurrences=1)
    d.flow(p, "debt service", amount=450000, occurrences=1)
    d.flow(p, "availability payments", amount=600000, occurrences=1)
    d.flow(i, "connectivity and maintenance fee", amount=80000, occurrences=1)
    d.flow(i, "sensor programme budget", amount=120000, occurrences=1)
    light = d.flow(s, "safe, adaptive street lighting")
    d.need("n1", "Feel safe in the street at night", "residents", 4, [light])
    d.need("n2", "Halve street-lighting energy use", "city", 5, [d.flow(s, "lamp status")])
    return d.config


PARKING_CITY = "Tampere-like city"


def parking_city_run(lib: ModuleLibrary) -> Configuration:
    d = Draft(
        lib,
        "Parking app, run by the city",
        PARKING_CITY,
        "Alternative A of one service (compare with parking-open-platform.json). Inspired by cities that "
        "commissioned their own parking app from a local software company before national parking apps "
        "existed: the city's parking unit runs the app, funds it from the budget, and the local vendor's "
        "proprietary interfaces carry all data. Expect the lowest replicability of the examples "
        "(no-open-standards: every data flow is a proprietary API; local-dependency: a named local vendor and "
        "the parking ordinance; vendor-lock-in), low scalability (not-multi-sided, no-network-effects), the "
        "parking unit breaking even on its budget and keeping nothing (take rate 0), an unmet need (drivers "
        "cannot choose their app). Sustainability stays high: no grants and everyone breaks even.",
        [
            {"id": "city", "name": "City", "type": "city", "position": {"x": 0, "y": 0}},
            {"id": "drivers", "name": "Drivers", "type": "citizen", "count": 50000, "position": {"x": 450, "y": 0}},
            {
                "id": "parking-unit",
                "name": "City parking unit",
                "type": "platform_operator",
                "position": {"x": 220, "y": 220},
            },
        ],
    )
    p = d.place("mobile-parking", (220, 480))
    b = d.place("city-budget", (-250, 250))
    v = d.place("public-procurement", (600, 350))
    vendor = d.actor_id("Contracted supplier")
    d.actor(vendor, name="Local software company", local=True)
    d.flow(p, "parking fee", amount=1.6, occurrences=350000, label="parking fee (per session)")
    d.flow(p, "collected parking fees", amount=1.6, occurrences=350000)
    d.flow(p, "active parking sessions", standards=["proprietary API"])
    d.flow(b, "annual budget allocation", amount=380000, occurrences=1)
    d.flow(b, "municipal taxes", amount=380000, occurrences=1)
    d.flow(v, "licence and maintenance", amount=320000, occurrences=1, source="parking-unit")
    d.add_flow(
        {
            "id": "vendor-data",
            "source": vendor,
            "target": "parking-unit",
            "kind": "data",
            "label": "parking sessions (vendor back end)",
            "standards": ["proprietary API"],
            "module": v,
        }
    )
    d.add_flow(
        {
            "id": "hosting",
            "source": "parking-unit",
            "target": vendor,
            "kind": "money",
            "label": "hosting and change requests",
            "amount": 60000,
            "occurrences": 1,
            "module": v,
        }
    )
    service = d.flow(p, "pay parking by phone")
    d.need("n1", "Pay for parking without a meter or cash", "drivers", 5, [service])
    d.need("n2", "Choose the parking app I already use", "drivers", 3, [])
    d.need("n3", "Collect parking fees at low cost", "city", 4, [d.flow(p, "collected parking fees")])
    return d.config


def parking_open_platform(lib: ModuleLibrary) -> Configuration:
    d = Draft(
        lib,
        "Parking on an open platform",
        PARKING_CITY,
        "Alternative B of one service (compare with parking-city-run.json). Inspired by the Finnish model "
        "where several parking-app operators (EasyPark, Moovy, ParkMan...) sell the same city parking, and by "
        "OASC cities publishing parking data on NGSI-LD: the city's open parking platform exposes sessions "
        "and occupancy as NGSI-LD / open API, any licensed operator plugs in, drivers choose their app; the "
        "platform takes a transaction fee and shares revenue with the operators. Expect, against alternative "
        "A: much higher replicability (every data flow on NGSI-LD, MIM1 or OpenAPI; generic roles; one local "
        "precondition, the parking ordinance), higher scalability (multi-sided, cross-side loop, revenue "
        "grows with use), higher value creation (all needs served, drivers choose their app) and value "
        "capture (the platform keeps about 9 %), no vendor-lock-in, no-open-standards or not-multi-sided flag; "
        "higher sustainability (its 50,000 drivers are many payers: no funding-concentration).",
        [
            {"id": "city", "name": "City", "type": "city", "position": {"x": 0, "y": 0}},
            {"id": "drivers", "name": "Drivers", "type": "citizen", "count": 50000, "position": {"x": 450, "y": 0}},
            {
                "id": "platform",
                "name": "Open parking platform (city company)",
                "type": "platform_operator",
                "position": {"x": 220, "y": 220},
            },
            {
                "id": "app-operators",
                "name": "Parking app operators",
                "type": "service_provider",
                "count": 3,
                "position": {"x": 600, "y": 300},
            },
        ],
    )
    p = d.place("mobile-parking", (150, 480))
    br = d.place("ngsi-ld-context-broker", (-250, 350))
    r = d.place("revenue-share-providers", (650, 500))
    t = d.place("transaction-fee", (450, 650))
    api = d.place("open-api-developers", (-200, 650))
    d.merge(d.actor_id("Service providers"), "app-operators")  # the revenue-share providers are the app operators
    d.flow(p, "parking fee", amount=1.6, occurrences=350000, label="parking fee (per session)")
    d.flow(p, "collected parking fees", amount=1.45, occurrences=350000)
    d.flow(p, "active parking sessions", standards=["NGSI-LD", "MIM1", "SmartDataModels"])
    d.flow(t, "fee per transaction", amount=0.25, occurrences=350000)
    d.drop_flow(t, "brokered transaction")  # the parking service below is the brokered transaction
    d.flow(r, "share of sales", amount=0.15, occurrences=350000, label="share of fees to the driver's app operator")
    d.flow(
        r,
        "services sold through the platform",
        label="parking sessions sold in their apps",
        standards=["NGSI-LD", "OpenAPI"],
    )
    d.drop_flow(r, "payments for providers")  # drivers' payments are the parking fee above
    d.flow(br, "hosting fee", amount=40000, occurrences=1)
    d.drop_flow(br, "platform budget")  # no city budget: fees fund the platform
    d.flow(api, "API fees above free tier", amount=1200, occurrences=10)
    d.flow(api, "app purchases and fees", amount=2.0, occurrences=20000)
    service = d.flow(p, "pay parking by phone")
    d.need("n1", "Pay for parking without a meter or cash", "drivers", 5, [service])
    d.need("n2", "Choose the parking app I already use", "drivers", 3, [d.flow(r, "choice of providers")])
    d.need("n3", "Collect parking fees at low cost", "city", 4, [d.flow(p, "collected parking fees")])
    d.need("n4", "Sell parking in our app in every city", "app-operators", 4, [d.flow(r, "share of fees")])
    return d.config


# -- economics from public sources (issue 17) ------------------------------------------------
# Investments, capital and running costs, contract terms and horizons enter an example only where a public
# source gives the figure, cited in the notes of the actor it concerns. Kept apart from the builders above so
# their figures and explanations can change without touching these.


def with_economics(
    config: Configuration, flows: dict[str, dict[str, Any]], actors: dict[str, dict[str, Any]]
) -> Configuration:
    """Set economic fields on the flows named by exact label and on the actors named by id."""
    data = config.model_dump(mode="json")
    for label, fields in flows.items():
        matches = [f for f in data["flows"] if f["label"] == label]
        if len(matches) != 1:
            raise KeyError(f"{config.name}: {len(matches)} flows labelled {label!r}")
        matches[0].update(fields)
    for actor_id, fields in actors.items():
        next(a for a in data["actors"] if a["id"] == actor_id).update(fields)
    return parse_configuration(data)


def public_wifi_economics(config: Configuration) -> Configuration:
    """The WiFi4EU voucher is paid once, not every year."""
    return with_economics(
        config,
        flows={"WiFi4EU voucher": {"term_years": 1}},
        actors={
            "it-unit": {
                "notes": (
                    "WiFi4EU: a voucher worth EUR 15,000, paid once, funds the equipment and its installation; the "
                    "municipality pays the connectivity and maintenance for 3 years (European Commission, 'WiFi4EU for "
                    "municipalities', Shaping Europe's digital future, "
                    "https://digital-strategy.ec.europa.eu/en/activities/wifi4eu-municipalities). The voucher is entered "
                    "for year 1 only."
                )
            }
        },
    )


ECONOMICS: dict[str, Callable[[Configuration], Configuration]] = {
    "public-wifi.json": public_wifi_economics,
}
"""Per example file, the economic figures its public sources give (examples without any are left out)."""


EXAMPLES: dict[str, Callable[[ModuleLibrary], Configuration]] = {
    "oulu-parking.json": oulu_parking,
    "maas-bundle.json": maas,
    "data-marketplace.json": data_marketplace,
    "open-sensor-platform.json": open_sensor_platform,
    "public-wifi.json": public_wifi,
    "smart-lighting.json": smart_lighting,
    "parking-city-run.json": parking_city_run,
    "parking-open-platform.json": parking_open_platform,
}


def build_all() -> dict[str, str]:
    library = load_library()
    built = {name: build(library) for name, build in EXAMPLES.items()}
    built = {name: ECONOMICS[name](config) if name in ECONOMICS else config for name, config in built.items()}
    return {name: dump_configuration(config) + "\n" for name, config in built.items()}


def main(argv: list[str]) -> int:
    built = build_all()
    if "--check" in argv:
        stale = [n for n, text in built.items() if not (HERE / n).is_file() or (HERE / n).read_text() != text]
        for name in stale:
            print(f"{name} differs from what build_examples.py builds", file=sys.stderr)
        return 1 if stale else 0
    for name, text in built.items():
        (HERE / name).write_text(text, encoding="utf-8")
        print(
            f"wrote examples/{name}: {len(json.loads(text)['actors'])} actors, {len(json.loads(text)['flows'])} flows"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
