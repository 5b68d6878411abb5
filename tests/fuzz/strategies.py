"""Hypothesis strategies: hostile configuration files and module files, from raw bytes to near-valid JSON."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st

ACTOR_TYPES = [
    "city",
    "citizen",
    "business",
    "platform_operator",
    "service_provider",
    "technology_vendor",
    "public_agency",
    "funder",
    "research",
    "community",
]
FLOW_KINDS = ["money", "data", "service", "permission", "reputation"]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
ids = st.one_of(st.sampled_from(["city", "drivers", "op", "f1", "m1", ""]), st.text(max_size=12), json_values)
numbers = st.one_of(
    st.none(),
    st.integers(min_value=-10, max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=6),
)


def maybe(strategy: st.SearchStrategy, wrong: st.SearchStrategy = json_values) -> st.SearchStrategy:
    """Mostly the right kind of value, sometimes anything at all."""
    return st.one_of(strategy, strategy, strategy, wrong)


actors = st.fixed_dictionaries(
    {"id": maybe(ids), "name": maybe(st.text(max_size=40)), "type": maybe(st.sampled_from(ACTOR_TYPES + ["alien"]))},
    optional={
        "count": numbers,
        "local": maybe(st.booleans()),
        "module": maybe(ids),
        "position": maybe(st.fixed_dictionaries({"x": numbers, "y": numbers})),
        "notes": maybe(st.text(max_size=50)),
        "extra": json_values,
    },
)
flows = st.fixed_dictionaries(
    {
        "id": maybe(ids),
        "source": maybe(ids),
        "target": maybe(ids),
        "kind": maybe(st.sampled_from(FLOW_KINDS + ["gold"])),
    },
    optional={
        "label": maybe(st.text(max_size=30)),
        "amount": numbers,
        "occurrences": numbers,
        "standards": maybe(st.lists(st.text(max_size=10), max_size=3)),
        "marginal_cost": maybe(st.sampled_from(["low", "medium", "high", "free"])),
        "module": maybe(ids),
    },
)
configuration_dicts = st.fixed_dictionaries(
    {"name": maybe(st.text(max_size=60))},
    optional={
        "format": maybe(st.sampled_from(["citycanvas/1", "citycanvas/2", ""])),
        "city": maybe(st.text(max_size=20)),
        "description": maybe(st.text(max_size=80)),
        "period": maybe(st.sampled_from(["day", "year", "decade"])),
        "actors": maybe(st.lists(actors, max_size=6)),
        "flows": maybe(st.lists(flows, max_size=6)),
        "modules": maybe(st.lists(st.fixed_dictionaries({"id": maybe(ids), "module": maybe(ids)}), max_size=3)),
        "needs": maybe(
            st.lists(
                st.fixed_dictionaries(
                    {"id": maybe(ids), "name": maybe(st.text(max_size=20))},
                    optional={"importance": numbers, "served_by": json_values},
                ),
                max_size=3,
            )
        ),
        "weights": maybe(st.dictionaries(st.text(max_size=12), numbers, max_size=3)),
    },
)


@st.composite
def damaged(draw: Any, text: str) -> bytes:
    """Valid-looking text, then cut, spliced with random bytes, or nested deeply."""
    data = text.encode("utf-8")
    how = draw(st.sampled_from(["cut", "splice", "nest", "bom", "as-is"]))
    if how == "cut":
        return data[: draw(st.integers(0, max(0, len(data) - 1)))]
    if how == "splice":
        at = draw(st.integers(0, len(data)))
        return data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at:]
    if how == "nest":
        depth = draw(st.integers(100, 50_000))
        return b"[" * depth + data + b"]" * depth
    if how == "bom":
        return b"\xef\xbb\xbf" + data
    return data


def _dump(value: Any) -> str:
    return json.dumps(value, allow_nan=True)


configuration_files = st.one_of(
    st.binary(max_size=200),
    st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")),
    json_values.map(lambda v: _dump(v).encode()),
    configuration_dicts.map(lambda d: _dump(d).encode()),
    configuration_dicts.map(_dump).flatmap(damaged),
)
"""Bytes of a would-be configuration file."""


module_dicts = st.fixed_dictionaries(
    {
        "id": maybe(st.sampled_from(["fuzz-module"])),
        "name": maybe(st.text(max_size=30)),
        "category": maybe(st.sampled_from(["data", "payment", "infrastructure", "nonsense"])),
        "summary": maybe(st.text(max_size=40)),
    },
    optional={
        "actors": maybe(
            st.lists(
                st.fixed_dictionaries(
                    {
                        "role": maybe(ids),
                        "type": maybe(st.sampled_from(ACTOR_TYPES)),
                        "name": maybe(st.text(max_size=20)),
                    }
                ),
                max_size=3,
            )
        ),
        "flows": maybe(st.lists(flows, max_size=3)),
        "attributes": json_values,
        "sources": maybe(st.lists(st.fixed_dictionaries({"title": maybe(st.text(max_size=20))}), max_size=2)),
    },
)
module_files = st.one_of(
    st.binary(max_size=200),
    st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")),
    module_dicts.map(lambda d: _dump(d).encode()),
    module_dicts.map(_dump).flatmap(damaged),
    st.sampled_from([b"a: &x [*x]", b"- - - - -", b"!!python/object:os.system {}", b"a: b: c", b"{{{{", b"---\n...\n"]),
)
"""Bytes of a would-be module file (YAML; JSON is YAML)."""
