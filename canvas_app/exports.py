"""Exports of a configuration: native JSON, GraphML (for Gephi, yEd, networkx) and CSV of flows."""

from __future__ import annotations

import csv
import io
from typing import Literal

import networkx as nx

from canvas_app.model import Configuration, Flow, Quantity, dump_configuration

ExportFormat = Literal["json", "graphml", "csv"]
EXPORT_FORMATS: tuple[ExportFormat, ...] = ("json", "graphml", "csv")
MEDIA_TYPES = {"json": "application/json", "graphml": "application/graphml+xml", "csv": "text/csv"}
FLOW_COLUMNS = (
    "id",
    "source",
    "source_name",
    "target",
    "target_name",
    "kind",
    "label",
    "amount",
    "amount_is",
    "occurrences",
    "occurrences_is",
    "value_per_period",
    "standards",
    "marginal_cost",
    "module",
)
"""``amount_is`` and ``occurrences_is`` say whether the quantity beside them is entered or a module's estimate."""


def quantity_status(flow: Flow, quantity: Quantity) -> str:
    """``"estimate"`` for a module's default, ``"entered"`` for the user's figure, ``""`` when there is none."""
    if getattr(flow, quantity) is None:
        return ""
    return "estimate" if flow.is_estimated(quantity) else "entered"


def flow_row(flow: Flow, names: dict[str, str]) -> tuple[object, ...]:
    """One flow in the order of ``FLOW_COLUMNS`` (the CSV and the XLSX Flows sheets)."""
    return (
        flow.id,
        flow.source,
        names[flow.source],
        flow.target,
        names[flow.target],
        flow.kind.value,
        flow.label,
        flow.amount,
        quantity_status(flow, "amount"),
        flow.occurrences,
        quantity_status(flow, "occurrences"),
        flow.value_per_period,
        ";".join(flow.standards),
        flow.marginal_cost,
        flow.module,
    )


def to_graphml(config: Configuration) -> bytes:
    """Actors as nodes and flows as keyed edges, with their attributes (None values left out)."""
    graph = nx.MultiDiGraph(name=config.name, city=config.city, period=config.period)
    for actor in config.actors:
        attrs: dict[str, str | bool | int | float] = {
            "name": actor.name,
            "type": actor.type.value,
            "local": actor.local,
        }
        if actor.count is not None:
            attrs["count"] = actor.count
        if actor.position is not None:
            attrs["x"], attrs["y"] = actor.position.x, actor.position.y
        if actor.module:
            attrs["module"] = actor.module
        graph.add_node(actor.id, **attrs)
    for flow in config.flows:
        attrs = {"kind": flow.kind.value, "label": flow.label, "standards": ";".join(flow.standards)}
        for name in ("amount", "occurrences", "marginal_cost", "module"):
            value = getattr(flow, name)
            if value is not None:
                attrs[name] = value
        if flow.estimated:
            attrs["estimated"] = ";".join(flow.estimated)
        graph.add_edge(flow.source, flow.target, key=flow.id, **attrs)
    buffer = io.BytesIO()
    nx.write_graphml(graph, buffer, encoding="utf-8")
    return buffer.getvalue()


def to_flows_csv(config: Configuration) -> bytes:
    """One row per value flow; cells starting with = + - @ are quoted against spreadsheet formula injection."""
    names = {a.id: a.name for a in config.actors}
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(FLOW_COLUMNS)
    for f in config.flows:
        writer.writerow(["" if v is None else safe_cell(v) for v in flow_row(f, names)])
    return buffer.getvalue().encode("utf-8")


def safe_cell(value: object) -> object:
    """A cell a spreadsheet shows as text: a leading = + - @ (a formula to Excel) gets a quote first."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def export_configuration(config: Configuration, fmt: ExportFormat) -> bytes:
    if fmt == "json":
        return dump_configuration(config).encode("utf-8")
    if fmt == "graphml":
        return to_graphml(config)
    if fmt == "csv":
        return to_flows_csv(config)
    raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}")
