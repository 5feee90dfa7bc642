"""A report printed to PDF by headless Chromium whose table 三 row labels wrap inside their narrow cells
("2.其他法律行政法规禁" / "止公开") reads every cell: the label is one cell's text over two lines, and its
row's numbers stay the row's (issue 14).

The page is the report rendered as HTML (tests/checker/renderers.py) with a fixed table layout, so that the
label columns of table 三 are narrow and its long labels take two or more lines; the test first checks that
the printed text layer really has the labels wrapped.
"""

from __future__ import annotations

from pathlib import Path

import pdfplumber
from playwright.sync_api import Browser

from gongkai.checker.checks import run_checks
from gongkai.checker.pipeline import parse_bytes
from gongkai.reports.normalize import normalize_text
from tests.browser.chromium import NEEDS_CHROMIUM
from tests.browser.test_radicals_pdf import _values
from tests.checker.renderers import render_report
from tests.checker.test_roundtrip_properties import _differences

pytestmark = [NEEDS_CHROMIUM]

#: Ruled cells (pdfplumber finds tables by their rules), every column the same narrow width.
STYLE = (
    "<style>table{border-collapse:collapse;table-layout:fixed;width:520px}"
    "td{border:1px solid #000;padding:1px;font-size:8px;word-break:break-all}</style></head>"
)
#: Labels of table 三 that must wrap in that layout.
WRAPPED = ("其他法律行政法规禁止公开", "申请人无正当理由逾期不补正", "要求行政机关确认或重新出具已获取信息")


def test_a_chromium_pdf_whose_table_3_labels_wrap_reads_every_cell(browser: Browser, tmp_path: Path) -> None:
    values = _values()
    page_html = render_report(values, "2021", "html").decode("utf-8").replace("</head>", STYLE)
    page = browser.new_page()
    page.set_content(page_html)
    pdf = page.pdf()
    (tmp_path / "report.pdf").write_bytes(pdf)
    with pdfplumber.open(tmp_path / "report.pdf") as doc:
        cells = [
            normalize_text(str(cell))
            for page_ in doc.pages
            for table in page_.extract_tables()
            for row in table
            for cell in row
            if cell
        ]
    # The input really wraps those labels: each is the text of one cell over two or more lines.
    for label in WRAPPED:
        holding = [c for c in cells if label in c.replace("\n", "")]
        assert holding and all("\n" in c for c in holding), (label, holding)

    report = parse_bytes(pdf, "report.pdf")
    assert (report.kind, report.format, report.year) == ("annual_report", "2021", 2023)
    assert _differences(report.tables, values, ("section2", "section3", "section4")) == []
    found = run_checks(report, None)
    assert [f.code for f in found if f.severity == "error"] == []
    assert [f for f in found if f.code.startswith("parse.")] == []
