"""Renderers that trust nothing they are given (issue 15): text stays text in the Excel appendix,
and WeasyPrint fetches nothing but the product's own static files."""

import dataclasses
import io
import logging

import openpyxl
import pdfplumber
import pytest
from PIL import Image

from reports.render import render
from reports.render.context import build_document
from reports.render.pdf import STATIC_BASE_URL, FetchRefused, fetch_static, html_to_pdf
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
    label, definition = sheet.cell(3, 1), sheet.cell(3, 8)
    assert (label.value, label.data_type) == ("=1+1", "s")
    assert (definition.value, definition.data_type) == ("@SUM(A1:A2)", "s")
    assert not [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"]


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:1/x",
        "https://example.com/logo.png",
        "data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg'/>",
        "ftp://127.0.0.1/x",
        "file:///static/../etc/passwd",
        "file:///static/%2e%2e/%2e%2e/etc/passwd",
        "file:///static//etc/passwd",
        "file://evil.example/static/reports/print.css",
        "file:///static/reports/",
        "file:///static/reports/no-such-file.css",
    ],
)
def test_the_fetcher_refuses_everything_but_static_files(url, caplog):
    with pytest.raises(FetchRefused, match="报告 PDF 只能引用本系统的静态文件"):
        fetch_static(url)
    assert "已拒绝" in caplog.text


def test_the_fetcher_serves_static_files_by_name_and_by_path(settings):
    css = (settings.BASE_DIR / "static" / "reports" / "print.css").read_bytes()
    assert fetch_static(STATIC_BASE_URL + "reports/print.css") == (css, "text/css")
    assert fetch_static((settings.BASE_DIR / "static" / "reports" / "print.css").as_uri())[0] == css
    assert fetch_static(STATIC_BASE_URL + "admin/img/icon-yes.svg")[1] == "image/svg+xml"


def test_a_file_outside_static_a_local_address_and_a_symlink_out_of_static_are_not_drawn(tmp_path, settings, caplog):
    picture = tmp_path / "secret.png"
    Image.new("RGB", (40, 40), "red").save(picture)
    static_root = tmp_path / "collected"
    static_root.mkdir()
    (static_root / "escape.png").symlink_to(picture)
    settings.STATIC_ROOT = str(static_root)
    html = (
        "<html><body><p>附件</p>"
        f'<img src="{picture.as_uri()}"><img src="file:///etc/passwd">'
        '<img src="http://127.0.0.1:1/x"><img src="/static/escape.png">'
        "</body></html>"
    )
    with caplog.at_level(logging.WARNING, logger="reports.render.pdf"):
        pdf = html_to_pdf(html)
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        assert [image for page in doc.pages for image in page.images] == []
    refused = [r.getMessage() for r in caplog.records if r.name == "reports.render.pdf"]
    assert len(refused) == 4, refused
    assert any("127.0.0.1:1" in m for m in refused) and any("/etc/passwd" in m for m in refused)


def test_static_images_and_styles_still_load(caplog):
    html = (
        '<html><head><link rel="stylesheet" href="/static/reports/print.css"></head><body>'
        '<img src="/static/admin/img/icon-yes.svg"><img src="admin/img/icon-no.svg"><p>附件</p></body></html>'
    )
    with caplog.at_level(logging.WARNING):
        assert html_to_pdf(html).startswith(b"%PDF")
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
