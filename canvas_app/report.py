"""Reports of a configuration or a comparison: one pure description, three renderings.

:func:`configuration_report` and :func:`comparison_report` gather what a report
shows (canvas picture, scores, criteria, flags and recommendations, needs,
advantages, net value) into a :class:`Report` of plain sections. :func:`report_html`
renders it as one self-contained HTML file that prints cleanly (inline CSS, no
script, every text escaped); the app's report page renders the same sections as
Dash components; :func:`configuration_workbook` and :func:`comparison_workbook`
write the net values and flows to XLSX. Nothing here computes a score: the
evaluation comes from :func:`canvas_app.analysis.evaluate`.
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape
from typing import Any

from canvas_app.compare import Comparison, net_values
from canvas_app.ecosystem import GROWTH_FACTORS, Ecosystem
from canvas_app.evaluation import SCORE_LABELS, SCORE_NAMES, Evaluation
from canvas_app.exports import FLOW_COLUMNS, flow_row, safe_cell
from canvas_app.model import FINANCIAL_KINDS, Configuration, Flow, Quantity
from canvas_app.picture import to_svg, type_caption
from canvas_app.ranking import RankedAdvantage, RankedNeed

LETTERS = "ABCD"
RADAR_COLOURS = ("#1f4e79", "#c62828", "#2e7d32", "#8d6e00")
GROWTH_COLUMNS = (1, 2, 5, 10)
"""Growth factors the report's tables show (the XLSX has all of ×1…×10)."""


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    caption: str = ""


@dataclass(frozen=True)
class Section:
    """One titled part of a report; ``svg`` is a picture drawn here (all its text escaped)."""

    title: str
    paragraphs: tuple[str, ...] = ()
    items: tuple[str, ...] = ()
    tables: tuple[Table, ...] = ()
    svg: str = ""
    svg_label: str = ""


@dataclass(frozen=True)
class Report:
    title: str
    subtitle: str
    sections: tuple[Section, ...]


# -- numbers as text ----------------------------------------------------------------------


def money(value: float | None) -> str:
    """A money figure with thousands separators, or a dash.

    >>> money(1234567.891), money(-5.0), money(None)
    ('1,234,568', '-5', '–')
    """
    if value is None:
        return "–"
    return f"{value:,.0f}"


def percent(value: float) -> str:
    return f"{value * 100:.0f}%"


def _signed(value: float) -> str:
    return f"{value:+.0f}" if round(value) else "0"


# -- pictures -------------------------------------------------------------------------------


def radar_svg(names: Sequence[str], scores: Sequence[Mapping[str, float]], size: int = 360) -> str:
    """The six scores of one to four alternatives as a radar chart (standalone SVG, no script).

    >>> svg = radar_svg(["A <1>"], [{n: 50 for n in SCORE_NAMES}])
    >>> svg.startswith("<svg") and "A &lt;1&gt;" in svg and svg.count("<polygon") == 5
    True
    """
    centre, radius = size / 2, size / 2 - 70
    count = len(SCORE_NAMES)

    def point(i: int, value: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * i / count
        r = radius * max(0.0, min(100.0, value)) / 100
        return centre + r * math.cos(angle), centre + r * math.sin(angle)

    def polygon(values: Sequence[float]) -> str:
        return " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, v) for i, v in enumerate(values)))

    legend_height = 18 * len(names)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size + legend_height}" '
        f'width="{size}" height="{size + legend_height}" font-family="sans-serif" font-size="11" role="img">',
        f"<title>Scores of {escape(', '.join(names))}</title>",
    ]
    for level in (25, 50, 75, 100):
        out.append(f'<polygon points="{polygon([level] * count)}" fill="none" stroke="#cccccc"/>')
    for i, name in enumerate(SCORE_NAMES):
        x, y = point(i, 100)
        out.append(f'<line x1="{centre}" y1="{centre}" x2="{x:.1f}" y2="{y:.1f}" stroke="#cccccc"/>')
        lx, ly = point(i, 118)
        anchor = "middle" if abs(lx - centre) < 5 else ("start" if lx > centre else "end")
        out.append(
            f'<text x="{lx:.1f}" y="{ly + 4:.1f}" text-anchor="{anchor}" fill="#1b1b1b">{escape(SCORE_LABELS[name])}</text>'
        )
    for k, (name, values) in enumerate(zip(names, scores)):
        colour = RADAR_COLOURS[k % len(RADAR_COLOURS)]
        out.append(
            f'<polygon points="{polygon([values[n] for n in SCORE_NAMES])}" fill="{colour}" fill-opacity="0.12" '
            f'stroke="{colour}" stroke-width="2"><title>{escape(name)}</title></polygon>'
        )
        y = size + 14 + 18 * k
        out.append(f'<rect x="10" y="{y - 10}" width="12" height="12" fill="{colour}"/>')
        out.append(f'<text x="28" y="{y}" fill="#1b1b1b">{escape(name)}</text>')
    out.append("</svg>")
    return "\n".join(out)


def cash_svg(series: Mapping[str, Sequence[float]], width: int = 420, height: int = 220) -> str:
    """Cumulative cash of a few actors, year 0 to the horizon, as a line chart (standalone SVG, no script).

    >>> svg = cash_svg({"Bank <1>": [-1000, -700, -400, -100, 200]})
    >>> svg.startswith("<svg") and "Bank &lt;1&gt;" in svg and svg.count("<polyline") == 1
    True
    """
    left, right, top, legend = 62, 12, 12, 18 * len(series)
    plot_h = height - top - 28
    years = max((len(v) for v in series.values()), default=1) - 1
    values = [x for v in series.values() for x in v] + [0.0]
    low, high = min(values), max(values)
    if high == low:
        high = low + 1.0

    def at(year: int, value: float) -> tuple[float, float]:
        x = left + (width - left - right) * (year / years if years else 0)
        return x, top + plot_h * (high - value) / (high - low)

    names = ", ".join(series)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height + legend}" width="{width}" '
        f'height="{height + legend}" font-family="sans-serif" font-size="11" role="img">',
        f"<title>Cumulative cash by year: {escape(names)}</title>",
    ]
    _, zero_y = at(0, 0.0)
    out.append(
        f'<line x1="{left}" y1="{zero_y:.1f}" x2="{width - right}" y2="{zero_y:.1f}" stroke="#6c757d" '
        'stroke-dasharray="4 3"/>'
    )
    for value in (low, high):
        _, y = at(0, value)
        out.append(f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" fill="#1b1b1b">{money(value)}</text>')
    out.append(f'<text x="{left - 4}" y="{zero_y + 4:.1f}" text-anchor="end" fill="#1b1b1b">0</text>')
    for year in range(0, years + 1, max(1, years // 10 or 1)):
        x, _ = at(year, low)
        out.append(f'<text x="{x:.1f}" y="{top + plot_h + 16}" text-anchor="middle" fill="#1b1b1b">{year}</text>')
    for k, (name, cumulative) in enumerate(series.items()):
        colour = RADAR_COLOURS[k % len(RADAR_COLOURS)]
        points = " ".join(f"{x:.1f},{y:.1f}" for x, y in (at(i, v) for i, v in enumerate(cumulative)))
        out.append(
            f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2">'
            f"<title>{escape(name)}</title></polyline>"
        )
        y = height + 10 + 18 * k
        out.append(f'<rect x="10" y="{y - 10}" width="12" height="12" fill="{colour}"/>')
        out.append(f'<text x="28" y="{y}" fill="#1b1b1b">{escape(name)}</text>')
    out.append("</svg>")
    return "\n".join(out)


def canvas_svg(config: Configuration) -> str:
    """The canvas picture (the editor's SVG export) without its XML prolog, for inlining."""
    return to_svg(config).decode("utf-8")


def canvas_section(config: Configuration, title: str = "Canvas") -> Section:
    """The canvas picture followed by its text alternative (WCAG 1.1.1, 1.3.1): a table of the actors and
    one of the flows, which the picture's label points to.

    >>> from canvas_app.model import Configuration
    >>> c = Configuration.model_validate({"name": "x", "actors": [
    ...     {"id": "a", "name": "A", "type": "city"}, {"id": "b", "name": "B", "type": "citizen"}],
    ...     "flows": [{"id": "f", "source": "a", "target": "b", "kind": "service", "label": "s", "amount": 2}]})
    >>> s = canvas_section(c)
    >>> s.svg_label
    'The value network of x: 2 actors and 1 flow, listed in the two tables that follow the picture.'
    >>> s.tables[0].rows, s.tables[1].rows
    ((('A', 'City'), ('B', 'Citizen')), (('A', 'B', 'Service', 's', '2'),))
    """
    names = _actor_names(config)
    actors = Table(
        ("Actor", "Type"),
        tuple((a.name, type_caption(a.type.value)) for a in config.actors),
        caption=f"Actors of {config.name} (the picture above as text)",
    )
    flows = Table(
        ("From", "To", "Kind", "Label", "Amount"),
        tuple(
            (
                names[f.source],
                names[f.target],
                type_caption(f.kind.value),
                f.label,
                "–" if f.amount is None else f"{'≈' if f.is_estimated('amount') else ''}{f.amount:g}",
            )
            for f in config.flows
        ),
        caption=f"Value flows of {config.name} (the picture above as text)",
    )
    count = f"{len(config.actors)} actor{'s' * (len(config.actors) != 1)} and {len(config.flows)} flow{'s' * (len(config.flows) != 1)}"
    label = f"The value network of {config.name}: {count}, listed in the two tables that follow the picture."
    return Section(title, svg=canvas_svg(config), svg_label=label, tables=(actors, flows))


# -- sections shared by both reports -----------------------------------------------------------


def _actor_names(config: Configuration) -> dict[str, str]:
    return {a.id: a.name for a in config.actors}


def _element_text(config: Configuration, ids: Sequence[str]) -> str:
    from canvas_app.compare import element_names

    return ", ".join(element_names(config, ids))


def scores_table(names: Sequence[str], evaluations: Sequence[Evaluation]) -> Table:
    """Scores side by side; with more than one alternative, each one's difference from the first."""
    headers = ("Score", *names, *(f"Δ {n}" for n in names[1:]))
    rows = []
    for score in SCORE_NAMES:
        shown = [e.scores[score] for e in evaluations]
        deltas = (_signed(s.score - shown[0].score) if s.assessable and shown[0].assessable else "–" for s in shown[1:])
        rows.append((SCORE_LABELS[score], *(s.display() for s in shown), *deltas))
    return Table(headers, tuple(rows))


def criteria_table(evaluation: Evaluation) -> Table:
    rows = [
        (
            SCORE_LABELS[s.name],
            c.label,
            percent(c.value) if c.assessable else "not assessable",
            f"{c.weight:g}",
            c.explanation,
        )
        for s in (evaluation.scores[n] for n in SCORE_NAMES)
        for c in s.criteria
    ]
    return Table(("Score", "Criterion", "Value", "Weight", "Why"), tuple(rows))


def flags_table(config: Configuration, evaluation: Evaluation) -> Table:
    rows = []
    for flag in evaluation.flags:
        recommended = "; ".join(
            f"{r.name} (+{r.gain:.0f} {SCORE_LABELS.get(r.dimension, r.dimension).lower()})"
            for r in flag.recommendations
        )
        changes = "; ".join(s.text for s in flag.suggestions)
        rows.append(
            (
                flag.severity,
                flag.code,
                SCORE_LABELS.get(flag.dimension, flag.dimension),
                flag.message,
                _element_text(config, flag.elements),
                recommended or "–",
                changes or "–",
            )
        )
    return Table(("Severity", "Flag", "Lowers", "Finding", "Elements", "Recommended modules", "Or change"), tuple(rows))


def net_value_tables(config: Configuration, evaluation: Evaluation) -> tuple[Table, ...]:
    """Money in, out and net per actor per period, and net value as occurrences grow."""
    names = _actor_names(config)
    types = {a.id: a.type.value.replace("_", " ") for a in config.actors}
    net = evaluation.structure.get("net_value") or {}
    rows = tuple(
        (
            names.get(a, a),
            types.get(a, ""),
            money(v["money_in"]),
            money(v["money_out"]),
            money(v.get("costs", 0.0)),
            money(v["net"]),
            money(v["financing_in"]),
        )
        for a, v in net.items()
    )
    growth = evaluation.structure.get("growth") or {}
    factors = list(growth.get("factors") or [])
    shown = [f for f in GROWTH_COLUMNS if f in factors]
    growth_rows = tuple(
        (names.get(a, a), *(money(series[factors.index(f)]) for f in shown))
        for a, series in (growth.get("net_value") or {}).items()
    )
    return (
        Table(
            ("Actor", "Type", "Money in", "Money out", "Own costs", "Net", "Grants and investment in"),
            rows,
            f"Per {config.period}; grants and investment are financing, reported apart.",
        ),
        Table(
            ("Actor", *(f"×{f}" for f in shown)),
            growth_rows,
            "Net value when every flow's occurrences grow by the factor (actors whose flows carry amounts).",
        ),
    )


MAX_CHARTED = 4
"""Actors drawn on one cash chart: the investors first, then the city, then the largest movers."""


def charted_cash(data: Mapping[str, Any], names: Mapping[str, str]) -> dict[str, Sequence[float]]:
    """The cumulative cash worth charting from a structure report's ``money_over_time``: investors first, then
    the public budget, then the largest swings; at most MAX_CHARTED lines, by actor name."""
    positions: Mapping[str, Any] = data.get("actors") or {}
    city = set((data.get("city") or {}).get("actors") or ())
    order = sorted(
        positions,
        key=lambda a: (positions[a]["outlay"] <= 0, a not in city, -max(abs(v) for v in positions[a]["cumulative"])),
    )
    return {names.get(a, a): positions[a]["cumulative"] for a in order[:MAX_CHARTED]}


def money_over_time_section(config: Configuration, evaluation: Evaluation) -> Section:
    """Outlay, payback and net present value per actor, with the cumulative cash of the main ones."""
    data = evaluation.structure.get("money_over_time") or {}
    positions: Mapping[str, Any] = data.get("actors") or {}
    if not positions:
        return Section("Money over time", ("No actor has amounts on all its money flows: nothing to count over time.",))
    names = _actor_names(config)
    horizon, rate = data.get("horizon_years"), data.get("discount_rate", 0.0)

    def year(value: int | None) -> str:
        return "not within the horizon" if value is None else ("no outlay" if value == 0 else str(value))

    rows = tuple(
        (
            names.get(a, a),
            money(p["outlay"]),
            money(p["yearly"][1] if len(p["yearly"]) > 1 else None),
            year(p["payback_year"]),
            year(p["discounted_payback_year"]),
            money(p["npv"]),
            ("yes" if p["pays_back"] else f"no (within {p['payback_limit']} years)") if p["outlay"] > 0 else "–",
        )
        for a, p in positions.items()
    )
    table = Table(
        (
            "Actor",
            "Outlay in year 0",
            "Cash in year 1",
            "Payback year",
            "Discounted payback year",
            "Net present value",
            "Paid back in time",
        ),
        rows,
        caption=f"Over {horizon} years at a {percent(rate)} discount rate; year 0 holds investments and "
        "capital costs, later years every recurring flow that runs that year and own costs.",
    )
    charted = charted_cash(data, names)
    return Section(
        "Money over time",
        tables=(table,),
        svg=cash_svg(charted),
        svg_label="Cumulative cash by year of " + ", ".join(charted),
    )


def platform_section(config: Configuration, evaluation: Evaluation) -> Section:
    """Who the platform's sides are and why each counts, and who exchanges with it without being a side
    (input suppliers it pays, funders): the network-effect criteria read exactly this."""
    platform = evaluation.structure.get("platform")
    if not platform:
        return Section("Platform and its sides", ("No actor is a platform operator: no platform sides to judge.",))
    names = _actor_names(config)
    role = {a: f"{side} side" for side, actors in (platform.get("sides") or {}).items() for a in actors}
    rows = tuple(
        (names.get(a, a), role.get(a, "side"), reason) for a, reason in platform.get("side_reasons", {}).items()
    )
    rows += tuple((names.get(a, a), "not a side", reason) for a, reason in platform.get("not_sides", {}).items())
    verdict = (
        "It connects several sides that reach each other through it."
        if platform.get("cross_side_loop")
        else "It connects several sides."
        if platform.get("multi_sided")
        else "It does not connect a demand side with a supply side, so no side draws another through it."
    )
    return Section(
        "Platform and its sides",
        (
            f"{names.get(platform['id'], platform['id'])} operates the platform. {verdict} A side is a customer group "
            "that interacts with another through the platform; suppliers the operator only pays and its funders are "
            "not sides (Hagiu & Wright, 'Multi-sided platforms', 2015).",
        ),
        tables=(Table(("Actor", "Counts as", "Why"), rows),) if rows else (),
    )


def city_position_section(config: Configuration, evaluation: Evaluation) -> Section:
    """The public budget's own position, apart from the business actors: what it pays as use grows."""
    data = (evaluation.structure.get("money_over_time") or {}).get("city")
    if not data:
        return Section(
            "The city's position",
            ("No city or public agency has amounts on all its money flows: the city's own position cannot be shown.",),
        )
    names = _actor_names(config)
    period = config.period
    cover = data["per_use_cover"]
    rows = (
        ("Public actors (one budget)", ", ".join(names.get(a, a) for a in data["actors"])),
        (f"Net cash per {period}", money(data["net"])),
        (f"Net cash per {period} if use grows ×10", money(data["net_at_10"])),
        (f"Paid per use, per {period}", money(data["per_use_cost"])),
        (f"Received per use, per {period}", money(data["per_use_income"])),
        (f"Declared benefits per use, per {period} (not cash)", money(data["per_use_benefit"])),
        ("Share of the per-use cost covered", "nothing is paid per use" if cover is None else percent(cover)),
    )
    return Section(
        "The city's position",
        (
            "The city's money is shown apart from the business actors: a service "
            "can make money for everyone else while its cost to the city grows "
            "with every use.",
        ),
        tables=(Table(("", "Value"), rows),),
    )


def quantity(value: float | None) -> str:
    """An amount or a count as text: whole numbers with separators, others to two decimals.

    >>> quantity(720000.0), quantity(0.25), quantity(None)
    ('720,000', '0.25', '–')
    """
    if value is None:
        return "–"
    return f"{value:,.0f}" if value == int(value) else f"{value:,.2f}"


def _marked(flow: Flow, name: Quantity) -> str:
    value = quantity(getattr(flow, name))
    return f"{value} (estimate)" if flow.is_estimated(name) else value


ESTIMATES_FACT = {
    "one": "{n} figure is a module's estimate, not entered for this service: it is marked in Money flows.",
    "other": "{n} figures are modules' estimates, not entered for this service: they are marked in Money flows.",
}
"""The summary's line on estimates, by plural category (CLDR names, ready for translation)."""


def money_flows_table(config: Configuration) -> Table:
    """Every money, grant and investment flow with its quantities, each marked entered or estimate."""
    names = _actor_names(config)
    rows = tuple(
        (
            names[f.source],
            names[f.target],
            f.kind.value,
            f.label,
            _marked(f, "amount"),
            _marked(f, "occurrences"),
            money(f.value_per_period),
        )
        for f in config.flows
        if f.kind in FINANCIAL_KINDS
    )
    return Table(
        ("From", "To", "Kind", "Label", "Amount", "Occurrences", f"Per {config.period}"),
        rows,
        "Figures marked (estimate) are a module's defaults, not entered for this service: check them.",
    )


# -- one configuration ------------------------------------------------------------------------------


def configuration_report(
    config: Configuration,
    evaluation: Evaluation,
    *,
    version: int | None = None,
    workspace: str = "",
    needs: Sequence[RankedNeed] = (),
    advantages: Sequence[RankedAdvantage] = (),
    blocks: Mapping[str, Sequence[str]] | None = None,
    generated: datetime | None = None,
    recommendations_note: str = "",
) -> Report:
    """Everything a steering group reads about one configuration.

    ``recommendations_note`` is printed under the flags when their recommendations were left
    out (a large configuration: they are computed on request, not with the report).

    ``needs`` are the workspace's needs ranked against this configuration
    (:func:`canvas_app.ranking.rank_needs`), ``advantages`` the workspace's advantages
    for this service (:func:`canvas_app.ranking.rank_advantages`). ``evaluation`` must
    carry the structure report (net value).
    """
    generated = generated or datetime.now(UTC)
    facts = [f"{len(config.actors)} actors, {len(config.flows)} value flows, {len(config.modules)} modules."]
    estimates = sum(len(f.estimated) for f in config.flows)
    if estimates:
        facts.append(ESTIMATES_FACT["one" if estimates == 1 else "other"].format(n=estimates))
    if config.description:
        facts.insert(0, config.description)
    where = " · ".join(
        p
        for p in (
            config.city,
            workspace and f"workspace {workspace}",
            version and f"version {version}",
            f"generated {generated:%Y-%m-%d %H:%M} UTC",
        )
        if p
    )
    sections = [
        Section("Summary", tuple(facts)),
        canvas_section(config),
        Section(
            "Scores",
            ("Each score is the weighted mean of the criteria below (0–100).",),
            tables=(scores_table([config.name], [evaluation]),),
            svg=radar_svg([config.name], [{n: s.score for n, s in evaluation.scores.items()}]),
            svg_label="Radar chart of the six scores",
        ),
        Section("Criteria", tables=(criteria_table(evaluation),)),
        Section(
            "Flags and recommendations",
            (() if evaluation.flags else ("No flags: every check passed.",))
            + ((recommendations_note,) if recommendations_note and evaluation.flags else ()),
            tables=(flags_table(config, evaluation),) if evaluation.flags else (),
        ),
        _needs_section(config, needs),
        _advantages_section(config, advantages),
        platform_section(config, evaluation),
        goals_section(config),  # beside the financial view that follows
        Section("Net value per actor", tables=net_value_tables(config, evaluation)),
        city_position_section(config, evaluation),
        money_over_time_section(config, evaluation),
        Section("Money flows", tables=(money_flows_table(config),))
        if any(f.kind in FINANCIAL_KINDS for f in config.flows)
        else Section("Money flows", ("No flow moves money.",)),
    ]
    if blocks is not None:
        from canvas_app.business_canvas import BLOCK_LABELS

        sections.append(
            Section(
                "Nine-block canvas (derived)",
                tables=(
                    Table(
                        ("Block", "Contents"),
                        tuple((BLOCK_LABELS.get(b, b), "; ".join(v) or "–") for b, v in blocks.items()),
                    ),
                ),
            )
        )
    sections.append(stress_section(config))
    return Report(config.name, where, tuple(sections))


def stress_section(config: Configuration) -> Section:
    """The saved stress tests rerun on this revision (docs/stress.md), judged with the file's own weights."""
    from canvas_app.stress import run_saved

    if not config.scenarios:
        return Section("Stress tests", ("No stress test saved with this configuration.",))
    rows = []
    for r in run_saved(config):
        changes = "; ".join(
            f"{SCORE_LABELS[n]} {r.scores_before[n].score:.0f} → {r.scores_after[n].score:.0f}"
            for n in SCORE_NAMES
            if r.scores_after and round(r.score_change(n), 1) != 0
        )
        flags = "; ".join([*(f"+ {f.message}" for f in r.flags_added), *(f"− {f.message}" for f in r.flags_removed)])
        rows.append((r.description, r.problem or changes or "no change", flags or "–", money(r.damage)))
    headers = ("Scenario", "Scores", "Flags added (+) and removed (−)", "Money lost by those who stay (NPV)")
    return Section("Stress tests", tables=(Table(headers, tuple(rows)),))


def goal_target(baseline: float | None, target: float | None, unit: str, year: int | None) -> str:
    """'10 → 5 minutes by 2030': what the goal moves from and to, and when.

    >>> goal_target(10, 5, "minutes", 2030), goal_target(None, 80, "%", None), goal_target(None, None, "", 2030)
    ('10 → 5 minutes by 2030', '80 %', 'by 2030')
    """
    figures = " → ".join(quantity(v) for v in (baseline, target) if v is not None)
    text = " ".join(p for p in (figures, unit if figures else "") if p)
    return " ".join(p for p in (text, f"by {year}" if year else "") if p) or "–"


def goals_section(config: Configuration) -> Section:
    """The public goals beside the financial view: what the service is for, measured, and whether its need is served."""
    if not config.goals:
        return Section("Public goals", ("No public goals stated for this configuration.",))
    served = Ecosystem(config).served_needs
    needs = {n.id: n.name for n in config.needs}

    def status(need: str | None) -> str:
        if need is None:
            return "no need named"
        return f"{needs[need]}: " + ("served" if served.get(need) else "not served")

    rows = tuple(
        (
            g.name,
            g.indicator or "–",
            goal_target(g.baseline, g.target, g.unit, g.year),
            "yes" if g.measurable else "no",
            status(g.need),
        )
        for g in config.goals
    )
    return Section(
        "Public goals",
        tables=(
            Table(
                ("Goal", "Indicator", "Baseline → target", "Measurable", "Need"),
                rows,
                "Measurable: an indicator, a target and a target year.",
            ),
        ),
    )


def _needs_section(config: Configuration, needs: Sequence[RankedNeed]) -> Section:
    flows = {f.id: f for f in config.flows}
    actors = _actor_names(config)
    own = tuple(
        (
            n.name,
            str(n.importance),
            actors.get(n.actor or "", "–"),
            "; ".join(flows[f].label or flows[f].kind.value for f in n.served_by if f in flows) or "not served",
        )
        for n in config.needs
    )
    tables = []
    if own:
        tables.append(Table(("Need", "Importance", "Whose", "Served by"), own, "Needs this configuration names."))
    if needs:
        rows = tuple(
            (
                str(i),
                r.need.name + (" (opportunity)" if r.need.opportunity else ""),
                f"{r.score:.0f}",
                "yes" if config.name in r.served_by else "no",
                ", ".join(r.modules) or "–",
            )
            for i, r in enumerate(needs, start=1)
        )
        tables.append(
            Table(
                ("Rank", "Workspace need", "Rank score", "Served here", "Through modules"),
                rows,
                "The workspace's needs and opportunities, ranked.",
            )
        )
    paragraphs = () if tables else ("No needs recorded for this configuration or its workspace.",)
    return Section("Needs served", paragraphs, tables=tuple(tables))


def _advantages_section(config: Configuration, advantages: Sequence[RankedAdvantage]) -> Section:
    if not advantages:
        return Section("Competitive advantages", (f"No competitive advantages recorded for “{config.name}”.",))
    rows = tuple(
        (
            "current" if r.advantage.state.value == "current" else "to be developed",
            r.advantage.text,
            f"{r.score:.0f}",
            ", ".join(f"{c} {percent(v)}" for c, v in r.support.items()) or "–",
            ", ".join(r.missing_modules) or "–",
        )
        for r in advantages
    )
    return Section(
        "Competitive advantages",
        tables=(Table(("State", "Advantage", "Support", "Criteria behind it", "Modules still to add"), rows),),
    )


# -- a comparison -------------------------------------------------------------------------------------


def comparison_report(
    comparison: Comparison,
    *,
    versions: Sequence[int | None] | None = None,
    needs: Sequence[RankedNeed] = (),
    advantages: Sequence[RankedAdvantage] = (),
    generated: datetime | None = None,
) -> Report:
    """Two to four alternatives side by side: scores, verdict, criteria with reasons, flags, diff, net
    value, then each alternative's flags with their recommended modules, the workspace's needs each
    one serves and the advantages of each (``needs`` ranked against all the alternatives,
    ``advantages`` of their services), and each canvas."""
    generated = generated or datetime.now(UTC)
    letters = LETTERS[: len(comparison.configurations)]
    versions = versions or [None] * len(letters)
    who = tuple(
        f"{k}: {c.name}" + (f" (version {v})" if v else "")
        for k, c, v in zip(letters, comparison.configurations, versions)
    )
    evaluations = comparison.evaluations
    criteria_rows = []
    for score in SCORE_NAMES:
        for criterion in evaluations[0].scores[score].criteria:
            others = [next(c for c in e.scores[score].criteria if c.id == criterion.id) for e in evaluations]
            values = [c.value for c in others]
            if max(values) - min(values) < 0.005:
                continue
            criteria_rows.append(
                (
                    SCORE_LABELS[score],
                    criterion.label,
                    *(percent(v) for v in values),
                    *(_signed(100 * (v - values[0])) for v in values[1:]),
                    " | ".join(f"{k}: {c.explanation}" for k, c in zip(letters, others)),
                )
            )
    unique = tuple(
        f"Only {k} is flagged: " + "; ".join(f"{f.code} ({f.message})" for f in e.flags if f.code in codes)
        for k, e, codes in zip(letters, evaluations, comparison.unique_flags)
        if codes
    )
    sections = [
        Section("Alternatives", items=who),
        Section("Verdict", items=comparison.verdict),
        Section(
            "Scores",
            tables=(scores_table(list(letters), evaluations),),
            svg=radar_svg(
                [f"{k}: {c.name}" for k, c in zip(letters, comparison.configurations)],
                [{n: s.score for n, s in e.scores.items()} for e in evaluations],
            ),
            svg_label="Radar chart of the six scores of each alternative",
        ),
        Section(
            "Criteria that differ",
            () if criteria_rows else ("Every criterion has the same value in all alternatives.",),
            tables=(
                Table(
                    ("Score", "Criterion", *letters, *(f"Δ {k}" for k in letters[1:]), "Why"),
                    tuple(criteria_rows),
                    "Values in % of full marks; Δ in points against A.",
                ),
            )
            if criteria_rows
            else (),
        ),
        Section("Flags only one alternative has", unique or ("All alternatives carry the same flags.",)),
        Section("Structure against A", items=tuple(_diff_lines(comparison, letters))),
        Section("Net value per actor", tables=comparison_net_tables(comparison, letters)),
    ]
    sections += [
        Section(
            f"Flags and recommendations of {k}: {c.name}",
            () if e.flags else ("No flags: every check passed.",),
            tables=(flags_table(c, e),) if e.flags else (),
        )
        for k, c, e in zip(letters, comparison.configurations, evaluations)
    ]
    sections += [
        _compared_needs_section(comparison, letters, needs),
        _compared_advantages_section(comparison, letters, advantages),
    ]
    sections += [canvas_section(c, f"Canvas of {k}: {c.name}") for k, c in zip(letters, comparison.configurations)]
    title = "Comparison: " + " / ".join(c.name for c in comparison.configurations)
    return Report(title, f"generated {generated:%Y-%m-%d %H:%M} UTC", tuple(sections))


def _compared_needs_section(comparison: Comparison, letters: str, needs: Sequence[RankedNeed]) -> Section:
    """The workspace's needs and opportunities, ranked, with which alternatives serve each."""
    if not needs:
        return Section("Needs served", ("No workspace needs recorded for these alternatives.",))
    names = [c.name for c in comparison.configurations]
    rows = tuple(
        (
            str(i),
            r.need.name + (" (opportunity)" if r.need.opportunity else ""),
            f"{r.score:.0f}",
            *("yes" if name in r.served_by else "no" for name in names),
        )
        for i, r in enumerate(needs, start=1)
    )
    return Section(
        "Needs served",
        tables=(
            Table(
                ("Rank", "Workspace need", "Rank score", *(f"Served by {k}" for k in letters)),
                rows,
                "The workspace's needs and opportunities, ranked.",
            ),
        ),
    )


def _compared_advantages_section(
    comparison: Comparison, letters: str, advantages: Sequence[RankedAdvantage]
) -> Section:
    """Current and to-be advantages of the compared services, with the support each gets."""
    by_name = {c.name: k for k, c in zip(letters, comparison.configurations)}
    rows = tuple(
        (
            by_name[r.advantage.service],
            "current" if r.advantage.state.value == "current" else "to be developed",
            r.advantage.text,
            f"{r.score:.0f}",
            ", ".join(r.missing_modules) or "–",
        )
        for r in advantages
        if r.advantage.service in by_name
    )
    if not rows:
        return Section("Competitive advantages", ("No competitive advantages recorded for these services.",))
    return Section(
        "Competitive advantages",
        tables=(Table(("Alternative", "State", "Advantage", "Support", "Modules still to add"), rows),),
    )


def _diff_lines(comparison: Comparison, letters: str) -> list[str]:
    """For each alternative after A: library modules, actors and flows it adds and drops, by name."""
    lines = []
    first = comparison.configurations[0]
    for k, config, diff, modules in zip(
        letters[1:], comparison.configurations[1:], comparison.diffs[1:], comparison.module_diffs[1:]
    ):
        lines.append(f"{k} against A: {diff.summary()}.")
        if modules.added:
            lines.append(f"{k} adds the library modules {', '.join(modules.added)}.")
        if modules.removed:
            lines.append(f"{k} drops the library modules {', '.join(modules.removed)}.")
        for noun in ("actors", "flows"):
            changes = getattr(diff, noun)
            if changes.added:
                lines.append(f"{k} adds the {noun} {_element_text(config, changes.added)}.")
            if changes.removed:
                lines.append(f"{k} drops the {noun} {_element_text(first, changes.removed)}.")
    return lines or ["Nothing to compare against."]


def comparison_net_tables(comparison: Comparison, letters: str) -> tuple[Table, ...]:
    rows = net_values(comparison)
    side = tuple((r.name, *(money(v) for v in r.net)) for r in rows)
    top = GROWTH_FACTORS[-1]
    growth = tuple((r.name, *(money(g[-1]) if g else "–" for g in r.growth)) for r in rows if any(r.growth))
    return (
        Table(("Actor", *letters), side, "Net value per period; – where the actor is not in that alternative."),
        Table(("Actor", *(f"{k} ×{top}" for k in letters)), growth, f"Net value when use grows ×{top}."),
    )


# -- HTML -------------------------------------------------------------------------------------------

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1b1b;margin:2rem auto;max-width:62rem;padding:0 1rem;line-height:1.4}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:1.6rem;border-bottom:1px solid #ccc;padding-bottom:.2rem}
.subtitle{color:#444;margin-top:0}table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem;font-size:.85rem}
th,td{border:1px solid #bbb;padding:.25rem .4rem;text-align:left;vertical-align:top}th{background:#eef2f6}
caption{caption-side:bottom;text-align:left;font-size:.8rem;color:#444;padding-top:.2rem}
figure{margin:.5rem 0}figure svg{max-width:100%;height:auto}
@media print{body{margin:0;max-width:none}h2{break-after:avoid}table,figure{break-inside:avoid}a{color:inherit}}
"""


def report_html(report: Report) -> str:
    """The report as one self-contained HTML page: inline CSS, no script, all text escaped."""
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(report.title)} — CityCanvas report</title>",
        f"<style>{CSS}</style></head><body>",
        f"<h1>{escape(report.title)}</h1>",
        f'<p class="subtitle">{escape(report.subtitle)}</p>',
    ]
    for section in report.sections:
        out.append(f"<section><h2>{escape(section.title)}</h2>")
        out += [f"<p>{escape(p)}</p>" for p in section.paragraphs]
        if section.items:
            out.append("<ul>" + "".join(f"<li>{escape(i)}</li>" for i in section.items) + "</ul>")
        if section.svg:
            out.append(f'<figure role="img" aria-label="{escape(section.svg_label)}">{section.svg}</figure>')
        for table in section.tables:
            out.append(_table_html(table))
        out.append("</section>")
    out.append("<footer><p>Made with CityCanvas.</p></footer></body></html>")
    return "\n".join(out)


def _table_html(table: Table) -> str:
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in table.headers)
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in table.rows)
    caption = f"<caption>{escape(table.caption)}</caption>" if table.caption else ""
    return f"<table>{caption}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


# -- XLSX -------------------------------------------------------------------------------------------


def _sheet(workbook: Any, title: str, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """A sheet of plain values: text never becomes a formula (see :func:`canvas_app.exports.safe_cell`)."""
    from openpyxl.styles import Font

    sheet = workbook.create_sheet(title)
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(["" if v is None else safe_cell(v) for v in row])
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # openpyxl reads any string starting with "=" as a formula
    sheet.freeze_panes = "A2"


def _workbook_bytes(workbook: Any) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _new_workbook() -> Any:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    return workbook


def _flow_rows(config: Configuration) -> list[tuple[Any, ...]]:
    """One row per flow in the order of ``FLOW_COLUMNS`` (the CSV export's columns)."""
    names = _actor_names(config)
    return [flow_row(f, names) for f in config.flows]


def configuration_workbook(config: Configuration, evaluation: Evaluation, *, version: int | None = None) -> bytes:
    """Summary and scores, net value per actor (×1 and over growth ×1…×10), flows and flags, as XLSX."""
    workbook = _new_workbook()
    summary: list[tuple[str, str | int | float | None]] = [
        ("Configuration", config.name),
        ("City", config.city),
        ("Version", version),
        ("Period", config.period),
    ]
    summary += [
        (SCORE_LABELS[n], round(evaluation.scores[n].score, 1) if evaluation.scores[n].assessable else "not assessable")
        for n in SCORE_NAMES
    ]
    summary += [
        (f"{SCORE_LABELS[n]}: share of weight judged", round(evaluation.scores[n].coverage, 4)) for n in SCORE_NAMES
    ]
    _sheet(workbook, "Summary", ("Item", "Value"), summary)
    names = _actor_names(config)
    types = {a.id: a.type.value for a in config.actors}
    net = evaluation.structure.get("net_value") or {}
    growth = evaluation.structure.get("growth") or {}
    factors = list(growth.get("factors") or [])
    series = growth.get("net_value") or {}
    rows = [
        (
            a,
            names.get(a, a),
            types.get(a, ""),
            v["money_in"],
            v["money_out"],
            v.get("costs", 0.0),
            v["net"],
            v["financing_in"],
            *(series[a] if a in series else [None] * len(factors)),
        )
        for a, v in net.items()
    ]
    _sheet(
        workbook,
        "Net value",
        (
            "Actor id",
            "Actor",
            "Type",
            "Money in",
            "Money out",
            "Own costs",
            "Net",
            "Financing in",
            *(f"Net ×{f}" for f in factors),
        ),
        rows,
    )
    over_time = evaluation.structure.get("money_over_time") or {}
    positions = over_time.get("actors") or {}
    horizon = int(over_time.get("horizon_years") or 0)
    _sheet(
        workbook,
        "Money over time",
        (
            "Actor id",
            "Actor",
            "Outlay",
            "NPV",
            "Payback year",
            "Discounted payback year",
            *(f"Cumulative year {y}" for y in range(horizon + 1)),
        ),
        [
            (
                a,
                names.get(a, a),
                p["outlay"],
                p["npv"],
                p["payback_year"],
                p["discounted_payback_year"],
                *p["cumulative"],
            )
            for a, p in positions.items()
        ],
    )
    _sheet(workbook, "Flows", FLOW_COLUMNS, _flow_rows(config))
    criteria = [
        (
            SCORE_LABELS[c.score],
            c.id,
            c.label,
            round(c.value, 4) if c.assessable else None,
            "yes" if c.assessable else "no",
            c.weight,
            c.explanation,
        )
        for n in SCORE_NAMES
        for c in evaluation.scores[n].criteria
    ]
    _sheet(
        workbook, "Criteria", ("Score", "Criterion id", "Criterion", "Value", "Assessable", "Weight", "Why"), criteria
    )
    flags = [(f.code, f.severity, f.dimension, f.criterion, f.message, ", ".join(f.elements)) for f in evaluation.flags]
    _sheet(workbook, "Flags", ("Flag", "Severity", "Lowers", "Criterion", "Finding", "Elements"), flags)
    return _workbook_bytes(workbook)


def comparison_workbook(comparison: Comparison) -> bytes:
    """Scores, net value per actor side by side and over growth, every alternative's flows, and the verdict, as XLSX."""
    workbook = _new_workbook()
    letters = LETTERS[: len(comparison.configurations)]
    headers = [f"{k}: {c.name}" for k, c in zip(letters, comparison.configurations)]
    _sheet(
        workbook,
        "Scores",
        ("Score", *headers),
        [
            (
                SCORE_LABELS[n],
                *(
                    round(e.scores[n].score, 1) if e.scores[n].assessable else "not assessable"
                    for e in comparison.evaluations
                ),
            )
            for n in SCORE_NAMES
        ]
        + [
            (
                f"{SCORE_LABELS[n]}: share of weight judged",
                *(round(e.scores[n].coverage, 4) for e in comparison.evaluations),
            )
            for n in SCORE_NAMES
        ],
    )
    rows = net_values(comparison)
    _sheet(workbook, "Net value", ("Actor id", "Actor", *headers), [(r.actor, r.name, *r.net) for r in rows])
    factors = GROWTH_FACTORS
    growth_rows = [(r.actor, r.name, k, *series) for r in rows for k, series in zip(letters, r.growth) if series]
    _sheet(workbook, "Growth", ("Actor id", "Actor", "Alternative", *(f"Net ×{f}" for f in factors)), growth_rows)
    flows = [(k, *row) for k, config in zip(letters, comparison.configurations) for row in _flow_rows(config)]
    _sheet(workbook, "Flows", ("alternative", *FLOW_COLUMNS), flows)
    _sheet(workbook, "Verdict", ("Verdict",), [(line,) for line in comparison.verdict])
    return _workbook_bytes(workbook)
