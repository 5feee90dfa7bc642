"""Text extraction for the privacy scanner (``gongkai.catalogue.extract``): Word, Excel, PDF, text, images,
and the limits (size, zip bombs, pages, characters)."""

from __future__ import annotations

import datetime
import io
import struct
import zipfile
import zlib
from pathlib import Path

import docx
import openpyxl  # type: ignore[import-untyped]
import pytest
from docx.oxml.ns import qn

from gongkai.catalogue import extract
from gongkai.catalogue.extract import (
    MSG_IMAGE,
    MSG_PDF_ENCRYPTED,
    MSG_SCANNED,
    Extracted,
    extract_path,
    extract_text,
    file_kind,
)
from gongkai.catalogue.scanner import scan_text
from tests.checker.renderers import _pdf_file, _pdf_text

VALID_ID = "11010519491231002X"


def png_bytes() -> bytes:
    """A real 1×1 grey PNG."""

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\x80"))
        + chunk(b"IEND", b"")
    )


def make_docx(*, picture: bool = False) -> bytes:
    document = docx.Document()
    document.add_paragraph(f"申请人：张三，身份证号{VALID_ID}。")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "联系电话"
    table.cell(0, 1).text = "138 0013 8000"
    table.cell(1, 0).text = "电子邮箱"
    table.cell(1, 1).text = "zhang@example.org"
    section = document.sections[0]
    section.header.paragraphs[0].text = "页眉：经办人 0571-88001234"
    section.footer.paragraphs[0].text = "页脚：内部资料"
    if picture:
        document.add_picture(io.BytesIO(png_bytes()))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def make_xlsx() -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "名单"
    sheet.append(["姓名", "手机", "身份证号", "日期"])
    sheet.append(["张三", 13800138000, VALID_ID, datetime.datetime(2026, 1, 15)])  # noqa: DTZ001 (Excel cells have no time zone)
    sheet.append(["李四", 13900139000.0, None, 3.5])
    workbook.create_sheet("联系方式").append([None, "li@example.org"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def cjk_pdf(*pages: str) -> bytes:
    """A PDF with a CJK text layer (the hand-written PDF of the checker's tests), one line per page."""
    chars = set("".join(pages))
    return _pdf_file([[_pdf_text(40, 700, 10, text)] if text else [] for text in pages], chars)


def pdf_with_images(*pages: tuple[str, bool]) -> bytes:
    """A PDF whose pages have ASCII text (Helvetica) and/or a 1×1 image."""
    objects: list[bytes] = [b"", b"", b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    objects.append(
        b"<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray "
        b"/BitsPerComponent 8 /Length 1 >>\nstream\n\xff\nendstream"
    )
    kids = []
    for text, image in pages:
        ops = b""
        if text:
            ops += b"BT /F1 12 Tf 72 720 Td (" + text.encode("ascii") + b") Tj ET\n"
        if image:
            ops += b"q 200 0 0 200 72 300 cm /Im1 Do Q\n"
        objects.append(b"<< /Length %d >>\nstream\n" % len(ops) + ops + b"\nendstream")
        content = len(objects)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
            b"/Resources << /Font << /F1 3 0 R >> /XObject << /Im1 4 0 R >> >> >>" % content
        )
        kids.append(len(objects))
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids),
        len(kids),
    )
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


def declare_size(zip_data: bytes, member: str, size: int) -> bytes:
    """The zip with ``member``'s uncompressed size in the central directory changed to ``size``."""
    data = bytearray(zip_data)
    pos = 0
    while (pos := data.find(b"PK\x01\x02", pos)) >= 0:
        name_length = int.from_bytes(data[pos + 28 : pos + 30], "little")
        if data[pos + 46 : pos + 46 + name_length] == member.encode():
            data[pos + 24 : pos + 28] = size.to_bytes(4, "little")
            return bytes(data)
        pos += 4
    raise AssertionError(f"{member} not in the zip")


# ------------------------------------------------------------------------------------------------
# Sniffing
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "filename", "kind"),
    [
        (cjk_pdf("公开"), "a.docx", "pdf"),
        (make_docx(), "a.pdf", "docx"),
        (make_xlsx(), "a.txt", "xlsx"),
        (png_bytes(), "a.txt", "image"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "", "image"),
        (b"GIF89a\x01\x00", "", "image"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "", "image"),
        ("<html><body>联系电话</body></html>".encode(), "a.pdf", "text"),
        ("联系电话".encode("gbk"), "a.docx", "text"),
        ("联系电话".encode("utf-16"), "", "text"),
        (b"", "a.txt", "text"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "a.doc", "unknown"),
        (b"PK\x03\x04 broken zip", "a.docx", "unknown"),
        (bytes(range(256)) * 8, "a.txt", "unknown"),
    ],
)
def test_sniff_looks_at_the_content_not_the_name(data: bytes, filename: str, kind: str) -> None:
    assert file_kind(data) == kind
    assert extract_text(data, filename).kind == kind  # the name given is not asked


def test_sniff_tells_other_zips_apart() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("ppt/presentation.xml", "<p/>")
    assert file_kind(out.getvalue()) == "unknown"
    assert "不支持的文件格式" in extract_text(out.getvalue(), "a.pptx").problem


# ------------------------------------------------------------------------------------------------
# Word, Excel, PDF, text
# ------------------------------------------------------------------------------------------------


def test_docx_body_tables_headers_and_footers() -> None:
    result = extract_text(make_docx(), "申请.docx")
    assert result.kind == "docx"
    assert result.problem == ""
    assert result.pages is None
    for piece in (VALID_ID, "138 0013 8000", "zhang@example.org", "0571-88001234", "内部资料"):
        assert piece in result.text
    assert result.text.index(VALID_ID) < result.text.index("138 0013") < result.text.index("页眉")
    hits = scan_text(result.text, sensitive_words=["内部资料"])
    assert [h.kind for h in hits] == ["resident_id", "mobile", "email", "landline", "sensitive_word"]


def test_docx_pictures_need_a_person() -> None:
    result = extract_text(make_docx(picture=True), "a.docx")
    assert VALID_ID in result.text
    assert result.problem == "文件中有 1 张图片，无法检查图片中的文字，请人工核对"


def test_docx_deleted_text_is_still_read() -> None:
    document = docx.Document()
    paragraph = document.add_paragraph("电话：")
    deleted = paragraph._p.makeelement(qn("w:del"), {})
    run = deleted.makeelement(qn("w:r"), {})
    text = run.makeelement(qn("w:delText"), {})
    text.text = "13800138000"
    run.append(text)
    deleted.append(run)
    paragraph._p.append(deleted)
    out = io.BytesIO()
    document.save(out)
    assert "13800138000" in extract_text(out.getvalue(), "a.docx").text


def test_xlsx_every_sheet_and_cell() -> None:
    result = extract_text(make_xlsx(), "名单.xlsx")
    assert result.kind == "xlsx"
    assert result.problem == ""
    lines = result.text.splitlines()
    assert lines[0] == "【名单】"
    assert lines[2] == f"张三\t13800138000\t{VALID_ID}\t2026-01-15"
    assert lines[3] == "李四\t13900139000\t3.5"
    assert lines[4:] == ["【联系方式】", "li@example.org"]
    assert [h.kind for h in scan_text(result.text)] == ["mobile", "resident_id", "mobile", "email"]


def test_pdf_text_layer_with_pages() -> None:
    result = extract_text(cjk_pdf("联系人张三，手机 138 0013 8000", f"第二页：身份证号{VALID_ID}"), "a.pdf")
    assert result.kind == "pdf"
    assert result.problem == ""
    assert result.pages == 2
    hits = scan_text(result.text)
    assert [(h.kind, result.page_of(h.start)) for h in hits] == [("mobile", 1), ("resident_id", 2)]


def test_a_scanned_pdf_has_no_text_layer() -> None:
    for data in (cjk_pdf(""), pdf_with_images(("", True), ("", True))):
        result = extract_text(data, "scan.pdf")
        assert (result.kind, result.text, result.problem) == ("pdf", "", MSG_SCANNED)
    assert MSG_SCANNED == "扫描件没有文字层，无法检查其中的个人信息，请人工核对"


def test_scanned_pages_in_a_pdf_with_text_are_named() -> None:
    data = pdf_with_images(("Tel 13800138000", False), ("", True), ("Page three", True), ("", False))
    result = extract_text(data, "a.pdf")
    assert "13800138000" in result.text
    assert result.pages == 4
    assert result.problem == "第 2 页没有文字层（可能是扫描页），无法检查，请人工核对这些页"


def test_pdf_pages_beyond_the_limit_are_not_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(extract, "MAX_PAGES", 1)
    result = extract_text(cjk_pdf("第一页 13800138000", f"第二页 {VALID_ID}"), "a.pdf")
    assert VALID_ID not in result.text and "13800138000" in result.text
    assert result.pages == 2
    assert result.problem == "PDF 共 2 页，只检查了前 1 页，其余各页请人工核对"


def test_broken_and_encrypted_pdfs_are_reported_not_raised() -> None:
    broken = extract_text(b"%PDF-1.4\n this is not a pdf", "a.pdf")
    assert (broken.kind, broken.text) == ("pdf", "")
    assert broken.problem == "PDF 文件已损坏或格式不正确，无法检查；请重新保存后再试，或人工核对"
    assert "已加密" in MSG_PDF_ENCRYPTED


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_plain_text_in_chinese_encodings(encoding: str) -> None:
    text = f"联系电话：0571-88001234；身份证号：{VALID_ID}"
    result = extract_text(text.encode(encoding), "a.txt")
    assert (result.kind, result.text, result.problem) == ("text", text, "")


def test_an_image_needs_a_person() -> None:
    result = extract_text(png_bytes(), "扫描件.png")
    assert (result.kind, result.text) == ("image", "")
    assert result.problem == MSG_IMAGE % {"format": "PNG"}
    assert "人工核对" in result.problem


def test_old_office_and_unknown_files() -> None:
    old = extract_text(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "a.doc")
    assert old.kind == "unknown" and ".docx" in old.problem and "人工核对" in old.problem
    binary = extract_text(bytes(range(256)) * 8, "a.bin")
    assert binary.kind == "unknown" and binary.problem == "无法识别文件格式，无法检查；请人工核对"
    broken_zip = extract_text(b"PK\x03\x04 broken", "a.docx")
    assert broken_zip.problem == "文件已损坏或格式不正确，无法检查；请重新保存后再试，或人工核对"


def test_a_broken_docx_is_reported_not_raised() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("word/document.xml", "<not xml")
    result = extract_text(out.getvalue(), "a.docx")
    assert (result.kind, result.text) == ("docx", "")
    assert result.problem.startswith("Word 文件已损坏")


# ------------------------------------------------------------------------------------------------
# Limits
# ------------------------------------------------------------------------------------------------


def test_a_fake_zip_bomb_is_refused_unread() -> None:
    bomb = declare_size(make_docx(), "word/document.xml", 2**31 - 1)
    assert file_kind(bomb) == "docx"
    result = extract_text(bomb, "a.docx")
    assert (result.kind, result.text) == ("docx", "")
    assert result.problem == "文件解压后超过 200 MB（可能是“压缩炸弹”），未检查；请人工核对"


def test_a_docx_whose_xml_would_unpack_too_much_is_refused() -> None:
    bomb = declare_size(make_docx(), "word/document.xml", 60 * 2**20)
    result = extract_text(bomb, "a.docx")
    assert result.problem == "文件解压后超过 50 MB（可能是“压缩炸弹”），未检查；请人工核对"


def test_a_zip_that_unpacks_too_much_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    out = io.BytesIO(make_xlsx())
    with zipfile.ZipFile(out, "a", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/media/zeros.bin", bytes(3 * 2**20))
    data = out.getvalue()
    assert len(data) < 2**20
    assert extract_text(data, "a.xlsx").problem == "文件中有 1 张图片，无法检查图片中的文字，请人工核对"
    monkeypatch.setattr(extract, "MAX_UNZIPPED_BYTES", 2**20)
    result = extract_text(data, "a.xlsx")
    assert result.text == ""
    assert result.problem == "文件解压后超过 1 MB（可能是“压缩炸弹”），未检查；请人工核对"


def test_a_file_over_the_size_limit_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(extract, "MAX_BYTES", 1024)
    data = ("身份证号" + VALID_ID + "\n").encode() * 100
    result = extract_text(data, "a.txt")
    assert (result.kind, result.text) == ("text", "")
    assert result.problem.startswith("文件太大（3 KB），超过 0 MB，未检查")
    big = tmp_path / "big.docx"
    big.write_bytes(make_docx() + bytes(2048))
    from_disk = extract_path(big)
    assert from_disk.kind == "unknown" and from_disk.problem.startswith("文件太大")


def test_text_beyond_the_character_limit_is_cut_and_said(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(extract, "MAX_CHARS", 20)
    result = extract_text(("甲" * 30).encode(), "a.txt")
    assert result.text == "甲" * 20
    assert result.problem == "文字超过 20字，只检查了前 20字，其余部分请人工核对"


def test_cells_beyond_the_limit_are_not_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(extract, "MAX_CELLS", 4)
    result = extract_text(make_xlsx(), "a.xlsx")
    assert result.text == "【名单】\n姓名\t手机\t身份证号\t日期"
    assert result.problem == "表格超过 4个单元格，只检查了前 4个，其余部分请人工核对"


def test_extract_path_reads_a_file(tmp_path: Path) -> None:
    path = tmp_path / "说明.txt"
    path.write_text("手机13800138000", encoding="utf-8")
    assert extract_path(path) == Extracted("手机13800138000", "text")
    with pytest.raises(OSError):
        extract_path(tmp_path / "missing.txt")
