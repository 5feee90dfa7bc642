""":func:`read_bytes`: which kind of file it is, from its content (the file name's suffix is only a
hint), and the reader for it; the kinds that cannot be read are refused with a message saying why."""

from __future__ import annotations

import io
import re
import warnings
import zipfile

from gongkai.checker.readers.common import (
    MSG_BLANK,
    MSG_DOC,
    MSG_DOCX_BROKEN,
    MSG_EMPTY,
    MSG_IMAGE,
    MSG_INTERNAL,
    MSG_ODF,
    MSG_OLE,
    MSG_PPTX,
    MSG_RTF,
    MSG_XLS,
    MSG_XLSX,
    MSG_ZIP,
    decode,
)
from gongkai.checker.readers.html import read_html
from gongkai.checker.readers.pdf import read_pdf
from gongkai.checker.readers.text import read_text
from gongkai.checker.readers.word import read_docx
from gongkai.checker.source import Source, UnreadableFile


def read_bytes(data: bytes, filename: str = "") -> Source:
    """Read a report file of any supported kind into a :class:`Source`.

    Raises :class:`UnreadableFile` (message in Chinese) when the file cannot be read as a report.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return _read(data, filename)
    except UnreadableFile:
        raise
    except Exception as exc:  # never let a library exception escape
        raise UnreadableFile(MSG_INTERNAL.format(error=type(exc).__name__)) from exc


_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_IMAGE_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
)
_HTML_START = re.compile(
    r"\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*"
    r"<(?:!doctype\s+html|html|head|body|meta|title|table|p|div|span|h[1-6]|br|font|center|section|article)\b",
    re.IGNORECASE | re.DOTALL,
)
_HTML_ANYWHERE = re.compile(r"<(?:html|body|table)[\s>]", re.IGNORECASE)


def _read(data: bytes, filename: str) -> Source:
    if not data:
        raise UnreadableFile(MSG_EMPTY)
    name = filename.lower()
    head = data[:1024]
    if b"%PDF-" in head:
        return read_pdf(data)
    if data.startswith(_OLE_MAGIC):
        raise UnreadableFile(_ole_message(data, name))
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return _read_zip(data)
    for magic, kind in _IMAGE_MAGIC:
        if data.startswith(magic):
            raise UnreadableFile(MSG_IMAGE.format(kind=kind))
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        raise UnreadableFile(MSG_IMAGE.format(kind="WebP"))
    if data.lstrip()[:5] == b"{\\rtf":
        raise UnreadableFile(MSG_RTF)
    text = decode(data)
    if not text.strip():
        raise UnreadableFile(MSG_BLANK)
    if (
        name.endswith((".htm", ".html", ".shtml", ".xhtml"))
        or _HTML_START.match(text[:4096])
        or _HTML_ANYWHERE.search(text[:4096])
    ):
        return read_html(text)
    return read_text(text)


def _ole_message(data: bytes, name: str) -> str:
    directory = data[:65536]
    if "WordDocument".encode("utf-16-le") in directory or name.endswith((".doc", ".wps", ".dot")):
        return MSG_DOC
    if any(s.encode("utf-16-le") in directory for s in ("Workbook", "Book")) or name.endswith(".xls"):
        return MSG_XLS
    return MSG_OLE


def _read_zip(data: bytes) -> Source:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise UnreadableFile(MSG_DOCX_BROKEN) from exc
    if "word/document.xml" in names:
        return read_docx(data)
    if "xl/workbook.xml" in names:
        raise UnreadableFile(MSG_XLSX)
    if "ppt/presentation.xml" in names:
        raise UnreadableFile(MSG_PPTX)
    if "content.xml" in names and "mimetype" in names:
        raise UnreadableFile(MSG_ODF)
    raise UnreadableFile(MSG_ZIP)
