"""Renderers that trust nothing they are given (issue 15): text stays text in the Excel appendix."""

import dataclasses
import io

import openpyxl

from reports.render import render
from reports.render.context import build_document
from reports.services import report_get_or_create

from .stubs import stub_figures

HOSTILE_NAME = '=HYPERLINK("http://127.0.0.1:1/x","点击查看")'


def test_the_excel_title_is_text_when_the_bureau_name_starts_with_equals(bureau):
    bureau.name = HOSTILE_NAME
    bureau.save()
    report, _ = report_get_or_create(bureau=bureau, year=2024)
    doc = build_document(report, stub_figures())
    doc.figures[0] = dataclasses.replace(doc.figures[0], label="=1+1", definition="@SUM(A1:A2)")
    sheet = openpyxl.load_workbook(io.BytesIO(render(doc, "xlsx"))).active
    title = sheet.cell(1, 1)
    assert (title.value, title.data_type) == (f"{HOSTILE_NAME}2024年法治政府建设工作报告指标附表", "s")
    label, definition = sheet.cell(3, 2), sheet.cell(3, 7)
    assert (label.value, label.data_type) == ("=1+1", "s")
    assert (definition.value, definition.data_type) == ("@SUM(A1:A2)", "s")
    assert not [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"]
