"""Old Word (.doc), WPS (.wps) and OFD reports read like their .docx / PDF twins: the same tables, cell by
cell, and the same findings.

The .doc fixture (``tests/fixtures/derived/012_ceshishi-2025.doc``) is a real LibreOffice conversion of the
.docx the test renderers write from report 012's tables; the .wps fixture is the same bytes, as WPS Office
saves a .wps (the Word 97 format). The OFD twins are written here from the PDFs by ``tests/support/ofd.py``.
Each .doc/.wps costs a LibreOffice conversion (a few seconds): one test reads both.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from gongkai.checker.pipeline import check_bytes, check_path
from gongkai.checker.readers import read_bytes
from gongkai.checker.source import UnreadableFile
from gongkai.documents.sniffing import Sniffed, sniff
from gongkai.reports.model import FormatVersion
from tests.checker.renderers import render_pdf, render_report
from tests.support import ofd as ofd_writer
from tests.support.ofd import ofd_twin

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
DOC = FIXTURES / "derived" / "012_ceshishi-2025.doc"
WPS = FIXTURES / "derived" / "012_ceshishi-2025.wps"
HTML = FIXTURES / "reports" / "012_fixture-hangzhou-style-ceshishi.html"


def _same(a: dict[str, Any], b: dict[str, Any]) -> None:
    assert a["tables"] == b["tables"]
    assert [(f["code"], f["row"], f["column"]) for f in a["findings"]] == [
        (f["code"], f["row"], f["column"]) for f in b["findings"]
    ]
    assert (a["kind"], a["year"], a["agency"]) == (b["kind"], b["year"], b["agency"])


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_doc_and_wps_read_like_their_docx_twin() -> None:
    tables = check_path(HTML).report.tables
    docx = check_bytes(render_report(tables, "2021", "docx"), "report.docx").to_json()
    assert docx["tables"]["section3"]["new_received"] == [13612, 252, 0, 45, 128, 32, 14069]
    assert sniff(DOC.read_bytes()) == Sniffed("ole", "doc")
    for path in (DOC, WPS):
        read = check_path(path).to_json()
        _same(docx, read)


@pytest.mark.parametrize(
    ("version", "real"), [("2019", "002_pingtan-2019.txt"), ("2021", "004_pingtan-2021.txt")]
)
def test_ofd_reads_like_its_pdf_twin(version: FormatVersion, real: str) -> None:
    """A real report's tables (平潭 2019 and 2021) as a PDF with ruled tables, and its OFD twin."""
    pdf = render_pdf(check_path(FIXTURES / "reports" / real).report.tables, version)
    ofd = ofd_twin(pdf)
    assert sniff(ofd) == Sniffed("ofd")
    from_pdf, from_ofd = check_bytes(pdf, "r.pdf").to_json(), check_bytes(ofd, "r.ofd").to_json()
    assert (from_pdf["layout"], from_ofd["layout"]) == ("pdf", "ofd")
    assert from_ofd["tables"]["section3"]  # tables were read, not prose
    _same(from_pdf, from_ofd)


def test_ofd_twin_of_a_chromium_pdf_keeps_every_cell() -> None:
    """Report 012 as a PDF with ruled tables: its OFD twin (absolute paths, CTM, page blocks) reads the
    same tables as the HTML."""
    html = check_path(HTML).to_json()
    pdf = render_pdf(check_path(HTML).report.tables, "2021")
    read = check_bytes(ofd_twin(pdf), "012.ofd").to_json()
    assert read["tables"] == html["tables"]


def test_broken_and_empty_ofd_are_refused_in_chinese() -> None:
    broken = ofd_writer.write_ofd([ofd_writer.Page()]).replace(
        b"Doc_0/Document.xml", b"Doc_9/Document.xml", 1
    )
    with pytest.raises(UnreadableFile) as info:
        read_bytes(broken, "a.ofd")
    assert str(info.value).startswith("OFD 文件已损坏")
    with pytest.raises(UnreadableFile) as info:
        read_bytes(ofd_writer.write_ofd([ofd_writer.Page()]), "a.ofd")
    assert "没有任何文字" in str(info.value)


def test_an_ole_wps_without_a_word_stream_is_kingsofts_old_format() -> None:
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600
    with pytest.raises(UnreadableFile) as info:
        read_bytes(ole, "报告.wps")
    assert "WPS 早期版本" in str(info.value)
    with pytest.raises(UnreadableFile) as info:
        read_bytes(b"\x00\x01WPS\x00\x02" * 50, "报告.wps")  # not OLE, not text
    assert "WPS 早期版本" in str(info.value)
