"""Exports mark each quantity as entered or as a module's estimate (CSV, XLSX, GraphML, HTML report)."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from builders import PLATFORM, config, healthy_platform_flows
from canvas_app.analysis import evaluate
from canvas_app.exports import FLOW_COLUMNS, export_configuration
from canvas_app.report import configuration_report, configuration_workbook, report_html


def _estimated():
    flows = healthy_platform_flows()
    flows[0] = (
        *flows[0][:5],
        {"label": "fee", "estimated": ["amount", "occurrences"]},
    )  # 2.0 × 1000, both module defaults
    flows[3] = (*flows[3][:5], {"label": "share", "estimated": ["occurrences"]})  # 1.5 entered × 1000 estimated
    flows[1] = (*flows[1][:5], {"label": "parking"})
    return config(PLATFORM, flows)


def test_csv_has_an_entered_or_estimate_column_beside_each_quantity():
    rows = list(csv.DictReader(io.StringIO(export_configuration(_estimated(), "csv").decode("utf-8"))))
    assert list(rows[0]) == list(FLOW_COLUMNS)
    assert FLOW_COLUMNS.index("amount_is") == FLOW_COLUMNS.index("amount") + 1
    by_id = {r["id"]: (r["amount"], r["amount_is"], r["occurrences"], r["occurrences_is"]) for r in rows}
    assert by_id["f1"] == ("2.0", "estimate", "1000.0", "estimate")
    assert by_id["f4"] == ("1.5", "entered", "1000.0", "estimate")
    assert by_id["f7"] == ("100.0", "entered", "1.0", "entered")
    assert by_id["f2"] == ("", "", "", "")  # no quantity: neither entered nor estimated


def test_xlsx_flows_sheet_and_graphml_carry_the_marker():
    c = _estimated()
    book = load_workbook(io.BytesIO(configuration_workbook(c, evaluate(c))))
    rows = [list(r) for r in book["Flows"].iter_rows(values_only=True)]
    header = rows[0]
    assert tuple(header) == FLOW_COLUMNS
    f4 = next(r for r in rows if r[0] == "f4")
    assert (f4[header.index("amount_is")], f4[header.index("occurrences_is")]) == ("entered", "estimate")
    graphml = export_configuration(c, "graphml").decode("utf-8")
    assert "amount;occurrences" in graphml and graphml.count('"estimated"') == 1  # one key declaration


def test_html_report_lists_money_flows_with_estimates_marked():
    c = _estimated()
    report = configuration_report(c, evaluate(c))
    table = next(s for s in report.sections if s.title == "Money flows").tables[0]
    assert table.headers == ("From", "To", "Kind", "Label", "Amount", "Occurrences", "Per year")
    by_label = {r[3]: r for r in table.rows}
    assert by_label["fee"][4:] == ("2 (estimate)", "1,000 (estimate)", "2,000")
    assert by_label["share"][4:] == ("1.50", "1,000 (estimate)", "1,500")
    assert "parking" not in by_label  # a service moves no money
    assert "1,000 (estimate)" in report_html(report)
    summary = next(s for s in report.sections if s.title == "Summary").paragraphs
    assert "3 figures are modules' estimates, not entered for this service: they are marked in Money flows." in summary
    one = config(PLATFORM, [("drivers", "op", "money", 2.0, None, {"estimated": ["amount"]})])
    assert "1 figure is a module's estimate, not entered for this service: it is marked in Money flows." in (
        configuration_report(one, evaluate(one)).sections[0].paragraphs
    )
