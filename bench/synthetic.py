"""Random but plausible configurations of any size, for benchmarks."""

from __future__ import annotations

import random

from canvas_app.model import Configuration

TYPES = ["citizen", "business", "service_provider", "technology_vendor", "community", "public_agency", "funder"]
KINDS = ["money", "data", "service", "goods", "knowledge", "reputation", "permission", "grant"]


def random_configuration(n_actors: int, flows_per_actor: int = 5, seed: int = 0) -> Configuration:
    """A city, a platform operator and ``n_actors - 2`` others; flows mostly via the platform, some direct."""
    rng = random.Random(seed)
    actors = [
        {"id": "city", "name": "City", "type": "city"},
        {"id": "op", "name": "Operator", "type": "platform_operator"},
    ]
    actors += [{"id": f"a{i}", "name": f"Actor {i}", "type": rng.choice(TYPES)} for i in range(n_actors - 2)]
    ids = [a["id"] for a in actors]
    flows = []
    for i in range(n_actors * flows_per_actor):
        source = rng.choice(ids)
        target = "op" if rng.random() < 0.3 and source != "op" else rng.choice(ids)
        if target == source:
            target = "city" if source != "city" else "op"
        kind = rng.choice(KINDS)
        flow = {"id": f"f{i}", "source": source, "target": target, "kind": kind, "label": kind}
        if kind in ("money", "grant"):
            flow["amount"] = round(rng.uniform(1, 100), 2)
            flow["occurrences"] = rng.choice([1, 12, 1000])
        if kind == "data":
            flow["standards"] = rng.choice([[], ["NGSI-LD"], ["proprietary"]])
        flows.append(flow)
    return Configuration.model_validate({"name": f"synthetic {n_actors}", "actors": actors, "flows": flows})
