"""The readers of the new formats at the documents layer: the page layout shared by OFD and OCR, the OFD
package, LibreOffice's conversion and OCR when their programs are missing, and what sniffing and uploads
make of each. Fast: no OCR and no conversion runs here (``tests/checker/test_scanned.py`` and
``tests/checker/test_formats.py`` run them)."""

from __future__ import annotations

import io
import logging
import zipfile
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from gongkai.documents import ocr, ofd, office, uploads
from gongkai.documents.layout import Rule, Word, page_items
from gongkai.documents.sniffing import Sniffed, sniff
from gongkai.documents.zipguard import ZipLimits, ZipRefused
from tests.support.ofd import Page, Run, write_ofd

DOC = Path(__file__).resolve().parents[1] / "fixtures" / "derived" / "012_ceshishi-2025.doc"


def _grid(x0: float, top: float, widths: list[float], heights: list[float]) -> list[Rule]:
    xs = [x0]
    for w in widths:
        xs.append(xs[-1] + w)
    ys = [top]
    for h in heights:
        ys.append(ys[-1] + h)
    rules = [Rule(xs[0], y, xs[-1], y) for y in ys]
    rules += [Rule(x, ys[0], x, ys[-1]) for x in xs]
    return rules


def test_page_items_recover_a_ruled_table_and_the_lines_around_it() -> None:
    rules = _grid(100, 100, [100, 50, 50], [20, 20])
    words = [
        Word(100, 60, 160, 72, "二、主动公开"),
        Word(105, 104, 130, 116, "规章"),
        Word(205, 104, 215, 116, "3", 95),
        Word(255, 104, 270, 116, "12", 41),
        Word(105, 124, 160, 136, "行政规范性文件"),
        Word(205, 124, 215, 136, "0", 90),
        Word(100, 160, 140, 172, "三、收到"),
        Word(141, 160, 150, 172, "17"),
    ]
    items, tables = page_items(words, rules)
    assert tables == 1
    assert items == [
        {"line": "二、主动公开"},
        {
            "rows": [["规章", "3", "12"], ["行政规范性文件", "0", ""]],
            "confidence": [[None, 95, 41], [None, 90, None]],
        },
        {"line": "三、收到17"},
    ]


def test_a_table_cut_by_a_page_break_is_closed() -> None:
    """The top of a table continued from the previous page has no border: the rows still read as a table."""
    rules = [r for r in _grid(100, 100, [100, 50], [20, 20]) if not (r.horizontal and r.top == 100)]
    words = [Word(105, 104, 130, 116, "规章"), Word(205, 104, 215, 116, "3")]
    items, tables = page_items(words, rules)
    assert tables == 1 and items[0]["rows"][0] == ["规章", "3"]


def test_rules_are_found_in_a_picture_and_text_strokes_are_not() -> None:
    image = Image.new("L", (400, 200), 255)
    draw = ImageDraw.Draw(image)
    draw.line((20, 50, 380, 50), fill=0, width=2)  # a border
    draw.line((200, 20, 200, 180), fill=0, width=2)  # a border
    draw.line((40, 120, 60, 120), fill=0, width=3)  # a stroke of "一": too short
    rules = ocr.find_rules(image, dpi=100)
    horizontal = {(x0, x1) for x0, _, x1, _ in rules if x1 - x0 > 10}
    vertical = {(top, bottom) for _, top, _, bottom in rules if bottom - top > 10}
    assert horizontal == {(20, 381)}
    assert vertical == {(20, 181)}


def test_delta_x_shorthand() -> None:
    assert ofd.delta_x("3.5 g 3 4.2 1") == [3.5, 4.2, 4.2, 4.2, 1.0]
    assert ofd.delta_x(None) == []


def _one_page(*runs: Run, lines: list[tuple[float, float, float, float]] | None = None) -> bytes:
    return write_ofd([Page(runs=list(runs), lines=lines or [])])


def test_ofd_text_is_placed_by_boundary_ctm_and_delta_x() -> None:
    # the second run is written with a CTM halving its own space (coordinates doubled by the writer)
    data = _one_page(
        Run(20, 30, 5, "规章", [5, 5]),
        Run(80, 30, 5, "12", [2.5, 2.5]),
        Run(20, 50, 5, "第二行", [5, 5, 5]),
    )
    assert sniff(data) == Sniffed("ofd")
    answer = ofd.read_layout(data)
    assert answer["pages"] == [[{"line": "规章 12"}, {"line": "第二行"}]] and answer["chars"] == 7
    text, starts = ofd.all_text(data, 1000)
    assert text == "规章 12\n第二行\n" and starts == [0]


def test_ofd_zip_bomb_is_refused_from_its_directory() -> None:
    data = _one_page(Run(20, 30, 5, "规章", [5, 5]))
    with pytest.raises(ZipRefused):
        ofd.read_layout(data, ZipLimits(max_members=2, max_total_bytes=10**9))


def test_ofd_without_document_is_not_ofd() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(
            "OFD.xml", '<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"><ofd:DocBody/></ofd:OFD>'
        )
    with pytest.raises(ofd.NotOfd):
        ofd.read_layout(out.getvalue())


def test_missing_programs_are_said(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    assert ocr.available() == "no_tesseract"
    assert ocr.read_scanned(b"%PDF-1.4") == {"error": "no_tesseract"}
    with pytest.raises(office.OfficeUnavailable):
        office.to_docx(DOC.read_bytes())


def test_a_libreoffice_doc_is_sniffed_as_word_from_its_directory() -> None:
    """LibreOffice writes the OLE directory after the streams (past the first 64 KB)."""
    data = DOC.read_bytes()
    assert "WordDocument".encode("utf-16-le") not in data[:65536]
    assert sniff(data) == Sniffed("ole", "doc")


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("通知.doc", DOC.read_bytes(), "doc"),
        ("通知.wps", DOC.read_bytes(), "doc"),
        ("通知.ofd", write_ofd([Page()]), "ofd"),
        ("附件.zip", write_ofd([Page()]).replace(b"OFD.xml", b"ABC.xml"), "zip"),
    ],
)
def test_attachments_take_the_new_kinds_and_the_case_file_does_not(name: str, data: bytes, kind: str) -> None:
    checked = uploads.check_upload(name, data, max_bytes=2**22, kinds=uploads.ATTACHMENT_KINDS)
    assert checked.kind == kind
    with pytest.raises(uploads.UploadRefused) as info:
        uploads.check_upload(name, data, max_bytes=2**22)
    assert info.value.code == "file_type"


def test_a_doc_named_ofd_is_refused() -> None:
    with pytest.raises(uploads.UploadRefused) as info:
        uploads.check_upload("通知.ofd", DOC.read_bytes(), max_bytes=2**22, kinds=uploads.ATTACHMENT_KINDS)
    assert info.value.code == "extension_mismatch"


def _pdf_without_fontbbox() -> bytes:
    """A one-page PDF whose font descriptor has no usable FontBBox (pdfminer warns about it)."""
    content = b"BT /F1 12 Tf 50 700 Td (Hello 2021) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /TrueType /BaseFont /Foo /FirstChar 32 /LastChar 126 /Widths []"
        b" /FontDescriptor 6 0 R >>",
        b"<< /Type /FontDescriptor /FontName /Foo /Flags 32 /FontBBox null >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_pdfminer_says_nothing_about_fonts(caplog: pytest.LogCaptureFixture) -> None:
    from gongkai.documents import pdf

    caplog.set_level(logging.DEBUG)
    answer = pdf.read_layout(_pdf_without_fontbbox())
    assert answer["chars"] == 10 and answer["scanned"] == []
    assert not [r for r in caplog.records if r.name.startswith(("pdfminer", "pdfplumber"))]
