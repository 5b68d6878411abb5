"""Report builders: the self-contained HTML report and the XLSX workbooks."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from builders import PLATFORM, config, healthy_platform_flows
from canvas_app.analysis import evaluate, nine_blocks
from canvas_app.compare import compare_configurations
from canvas_app.evaluation import SCORE_LABELS, SCORE_NAMES
from canvas_app.library import load_library
from canvas_app.model import load_configuration
from canvas_app.ranking import rank_advantages, rank_needs
from canvas_app.report import (
    comparison_report,
    comparison_workbook,
    configuration_report,
    configuration_workbook,
    radar_svg,
    report_html,
)
from canvas_app.workspace_model import Advantage, WorkspaceNeed

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
EVIL = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'


@pytest.fixture(scope="module")
def hostile():
    """A configuration whose every user-written text is markup or a spreadsheet formula."""
    flows = healthy_platform_flows()
    flows[0] = (*flows[0][:2], "money", 2.0, 1000, {"label": '=HYPERLINK("http://evil","x")'})
    return config(
        PLATFORM,
        flows,
        name=EVIL,
        city="<b>Oulu</b>",
        description="@SUM(A1:A9) " + EVIL,
        actor_drivers={"name": "+cmd|' /C calc'!A0"},
        needs=[{"id": "n1", "name": "<i>Park</i>", "actor": "drivers", "importance": 4, "served_by": ["f2"]}],
    )


def test_html_report_escapes_every_user_text(hostile):
    evaluation = evaluate(hostile)
    needs = rank_needs([WorkspaceNeed(id="n1", name="<i>Park</i>", evidence="<b>survey</b>")], [hostile])
    advantages = rank_advantages(
        [Advantage(id="a1", service=hostile.name, text="<u>We own the kerb</u>", criteria=["r_open_standards"])],
        {hostile.name: (hostile, evaluation)},
    )
    html = report_html(
        configuration_report(
            hostile,
            evaluation,
            version=2,
            workspace="<W>",
            needs=needs,
            advantages=advantages,
            blocks=nine_blocks(hostile),
        )
    )
    assert "<script" not in html
    assert "<img" not in html and "<b>" not in html and "<i>" not in html and "<u>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "&lt;u&gt;We own the kerb&lt;/u&gt;" in html  # the advantage is in the report, as text
    assert "&lt;i&gt;Park&lt;/i&gt;" in html


def test_html_report_is_self_contained_and_printable():
    c = load_configuration(EXAMPLES / "oulu-parking.json")
    evaluation = evaluate(c)
    html = report_html(configuration_report(c, evaluation, version=4))
    assert html.startswith("<!DOCTYPE html>") and '<html lang="en">' in html
    assert "@media print" in html
    assert not re.search(r"<script|<link|src=\"http|href=\"http|@import", html)
    assert html.count("<svg") == 3  # the canvas picture, the radar and the cumulative cash chart
    assert c.name in html or c.name.replace("&", "&amp;") in html
    for name in SCORE_NAMES:
        assert f"<td>{SCORE_LABELS[name]}</td><td>{evaluation.scores[name].score:.0f}</td>" in html
    for flag in evaluation.flags:
        assert flag.code in html
    for actor in c.actors:
        assert actor.name in html  # picture and net value table


def test_comparison_report_carries_verdict_scores_and_both_canvases():
    a = load_configuration(EXAMPLES / "parking-city-run.json")
    b = load_configuration(EXAMPLES / "parking-open-platform.json")
    comparison = compare_configurations([a, b])
    report = comparison_report(comparison, versions=[1, 3])
    html = report_html(report)
    assert f"A: {a.name} (version 1)" in html and f"B: {b.name} (version 3)" in html
    for line in comparison.verdict:
        assert line.replace("'", "&#x27;") in html
    assert html.count("<svg") == 3  # the radar and two canvases
    titles = [s.title for s in report.sections]
    assert titles[:4] == ["Alternatives", "Verdict", "Scores", "Criteria that differ"]
    criteria = next(s for s in report.sections if s.title == "Criteria that differ").tables[0]
    standards = next(r for r in criteria.rows if r[1] == "Data flows on open standards")
    assert criteria.headers == ("Score", "Criterion", "A", "B", "Δ B", "Why")
    assert standards[2:5] == ("0%", "100%", "+100") and "A: 0 of 2" in standards[5]
    structure = next(s for s in report.sections if s.title == "Structure against A").items
    assert any(i.startswith("B adds the library modules") and "ngsi-ld-context-broker" in i for i in structure)
    assert any(i.startswith("B drops the actors") and "City parking unit" in i for i in structure)


def test_comparison_report_has_each_alternatives_recommendations_needs_and_advantages():
    a = load_configuration(EXAMPLES / "parking-city-run.json")
    b = load_configuration(EXAMPLES / "parking-open-platform.json")
    comparison = compare_configurations([a, b], load_library(), recommend=True)
    needs = rank_needs(
        [
            WorkspaceNeed(id="n-free", name="Find a free parking place", importance=5),
            WorkspaceNeed(id="n-else", name="Something nobody serves", importance=1),
        ],
        [a, b],
    )
    evaluations = dict(zip([a.name, b.name], zip([a, b], comparison.evaluations)))
    advantages = rank_advantages(
        [
            Advantage(id="adv", service=b.name, text="Open standards travel", criteria=["r_open_standards"]),
            Advantage(id="other", service="Another service", text="Not compared"),
        ],
        evaluations,
    )
    report = comparison_report(comparison, needs=needs, advantages=advantages)
    by_title = {s.title: s for s in report.sections}
    flags_a = by_title[f"Flags and recommendations of A: {a.name}"].tables[0]
    assert [r[1] for r in flags_a.rows] == [f.code for f in comparison.evaluations[0].flags]
    helped = [(f, row) for f, row in zip(comparison.evaluations[0].flags, flags_a.rows) if f.recommendations]
    assert helped and all(row[5].startswith(f.recommendations[0].name) for f, row in helped)
    table = by_title["Needs served"].tables[0]
    assert table.headers == ("Rank", "Workspace need", "Rank score", "Served by A", "Served by B")
    assert [r[1] for r in table.rows] == [n.need.name for n in needs]
    served = {r.need.name: r.served_by for r in needs}
    assert [r[3:] for r in table.rows] == [
        tuple("yes" if c.name in served[r[1]] else "no" for c in (a, b)) for r in table.rows
    ]
    rows = by_title["Competitive advantages"].tables[0].rows
    assert [(r[0], r[2]) for r in rows] == [("B", "Open standards travel")]  # only the compared services
    book = load_workbook(io.BytesIO(comparison_workbook(comparison)))
    flows = _rows(book["Flows"])
    assert flows[0][:3] == ["alternative", "id", "source"]
    assert [(r[0], r[1]) for r in flows[1:]] == [("A", f.id) for f in a.flows] + [("B", f.id) for f in b.flows]


def test_radar_has_one_polygon_per_alternative_over_four_grid_rings():
    svg = radar_svg(["A", "B", "C"], [{n: 10 * i for n in SCORE_NAMES} for i in (1, 5, 9)])
    assert svg.count("<polygon") == 4 + 3
    assert all(SCORE_LABELS[n] in svg for n in SCORE_NAMES)


def _rows(sheet):
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def test_configuration_workbook_has_scores_one_row_per_actor_and_per_flow(hostile):
    evaluation = evaluate(hostile)
    book = load_workbook(io.BytesIO(configuration_workbook(hostile, evaluation, version=7)))
    assert book.sheetnames == ["Summary", "Net value", "Money over time", "Flows", "Criteria", "Flags"]
    summary = dict(_rows(book["Summary"])[1:])
    assert summary["Configuration"] == EVIL and summary["Version"] == 7
    for name in SCORE_NAMES:
        assert summary[SCORE_LABELS[name]] == pytest.approx(evaluation.scores[name].score, abs=0.05)
    net = _rows(book["Net value"])
    assert [r[0] for r in net[1:]] == [a.id for a in hostile.actors]
    header = net[0]
    drivers = next(r for r in net if r[0] == "drivers")
    expected = evaluation.structure["net_value"]["drivers"]["net"]
    assert drivers[header.index("Net")] == expected == drivers[header.index("Net ×1")]
    assert drivers[header.index("Net ×10")] == evaluation.structure["growth"]["net_value"]["drivers"][-1]
    flows = _rows(book["Flows"])
    assert [r[0] for r in flows[1:]] == [f.id for f in hostile.flows]


def test_workbook_text_never_becomes_a_formula(hostile):
    book = load_workbook(io.BytesIO(configuration_workbook(hostile, evaluate(hostile))))
    cells = [c for sheet in book for row in sheet.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = {c.value for c in cells if isinstance(c.value, str)}
    assert '\'=HYPERLINK("http://evil","x")' in texts
    assert "'+cmd|' /C calc'!A0" in texts


def test_comparison_workbook_side_by_side():
    a = load_configuration(EXAMPLES / "parking-city-run.json")
    b = load_configuration(EXAMPLES / "parking-open-platform.json")
    comparison = compare_configurations([a, b])
    book = load_workbook(io.BytesIO(comparison_workbook(comparison)))
    scores = _rows(book["Scores"])
    assert scores[0] == ["Score", f"A: {a.name}", f"B: {b.name}"]
    assert len(scores) == 1 + 2 * len(SCORE_NAMES)  # each score, then the share of its weight judged
    assert scores[1 + len(SCORE_NAMES)][0] == "Scalability: share of weight judged"
    net = {r[0]: r for r in _rows(book["Net value"])[1:]}
    assert net["platform"][2] is None and net["platform"][3] > 0
    assert [r[0] for r in _rows(book["Verdict"])[1:]] == list(comparison.verdict)


def test_cli_writes_reports_and_never_overwrites(tmp_path, capsys):
    from canvas_app.cli.main import main

    a, b = EXAMPLES / "parking-city-run.json", EXAMPLES / "parking-open-platform.json"
    html = tmp_path / "one.html"
    assert main(["report", str(a), "-o", str(html)]) == 0
    assert "<h1>Parking app, run by the city</h1>" in html.read_text(encoding="utf-8")
    assert main(["report", str(b), "-o", str(html)]) == 2  # exists: nothing written
    assert "exists; nothing was written" in capsys.readouterr().err
    assert "Parking app, run by the city" in html.read_text(encoding="utf-8")
    book = tmp_path / "both.xlsx"
    assert main(["report", str(a), str(b), "-o", str(book)]) == 0
    assert load_workbook(book).sheetnames == ["Scores", "Net value", "Growth", "Flows", "Verdict"]
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "citycanvas/1", "name": "x", "actors": [{"id": "a"}]}', encoding="utf-8")
    assert main(["report", str(broken), "-o", str(tmp_path / "x.html")]) == 2
    assert not (tmp_path / "x.html").exists()
    with pytest.raises(SystemExit) as exc:
        main(["report", str(a), "-o", str(tmp_path / "x.pdf")])
    assert exc.value.code == 2


def test_report_names_each_platform_side_and_why_and_the_suppliers_that_are_not():
    c = load_configuration(EXAMPLES / "oulu-parking.json")
    section = next(s for s in configuration_report(c, evaluate(c)).sections if s.title == "Platform and its sides")
    rows = {row[0]: row[1:] for row in section.tables[0].rows}
    assert rows["Drivers"][0] == "demand side" and "pay parking by phone" in rows["Drivers"][1]
    assert (
        rows["Payment service provider"][0] == "not a side" and "input supplier" in rows["Payment service provider"][1]
    )
    assert "does not connect a demand side with a supply side" in section.paragraphs[0]
