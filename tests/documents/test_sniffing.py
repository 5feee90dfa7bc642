"""What a file is, from its bytes (:mod:`gongkai.documents.sniffing`)."""

from __future__ import annotations

import io
import zipfile

import pytest

from gongkai.documents.sniffing import OLE_MAGIC, Sniffed, image_format, sniff


def _zip(*names: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name in names:
            zf.writestr(name, "<x/>")
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"%PDF-1.7\n", Sniffed("pdf")),
        (b"junk before the header " + b"%PDF-1.4\n", Sniffed("pdf")),
        (_zip("[Content_Types].xml", "word/document.xml"), Sniffed("docx")),
        (_zip("xl/workbook.xml"), Sniffed("xlsx")),
        (_zip("ppt/presentation.xml"), Sniffed("pptx")),
        (_zip("mimetype", "content.xml"), Sniffed("odf")),
        (_zip("报告.docx"), Sniffed("zip")),
        (b"PK\x03\x04 not really a zip", Sniffed("broken_zip")),
        (OLE_MAGIC + "WordDocument".encode("utf-16-le"), Sniffed("ole", "doc")),
        (OLE_MAGIC + "Workbook".encode("utf-16-le"), Sniffed("ole", "xls")),
        (OLE_MAGIC + bytes(600), Sniffed("ole", "")),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(40), Sniffed("image", "PNG")),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", Sniffed("image", "JPEG")),
        (b"GIF89a\x01\x00\x01\x00", Sniffed("image", "GIF")),
        (b"II*\x00" + bytes(12), Sniffed("image", "TIFF")),
        (b"BM" + bytes(4) + bytes(4) + bytes(20), Sniffed("image", "BMP")),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", Sniffed("image", "WebP")),
        (b"  {\\rtf1\\ansi hello}", Sniffed("rtf")),
        ("政府信息公开".encode(), Sniffed("other")),
    ],
)
def test_sniff_tells_the_kind_from_the_content(data: bytes, expected: Sniffed) -> None:
    assert sniff(data) == expected


@pytest.mark.parametrize(
    "text",
    [
        b"GIF images are not text files, but this is a text file",  # filetype: any "GIF" is an image
        b"BMW annual report 2023 \xe5\xb9\xb4",  # filetype: any "BM" is a bitmap
        b"BM\x01\x02\x03\x04 a text that starts with BM",
    ],
)
def test_texts_that_start_like_an_image_are_not_images(text: bytes) -> None:
    assert image_format(text) == ""
    assert sniff(text).kind == "other"
