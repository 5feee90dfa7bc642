""":func:`read_bytes`: which kind of file it is, from its content (:mod:`gongkai.documents.sniffing`; the
file name's suffix is only a hint), and the reader for it; the kinds that cannot be read are refused with
a message saying why."""

from __future__ import annotations

import re
import warnings

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
from gongkai.core.messages import Message
from gongkai.documents.sniffing import sniff


def read_bytes(data: bytes, filename: str = "") -> Source:
    """Read a report file of any supported kind into a :class:`Source`.

    Raises :class:`UnreadableFile` (message in Chinese) when the file cannot be read as a report.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return _read(data, filename)
    except (UnreadableFile, MemoryError):
        raise  # MemoryError: the limited child ends ("too complex")
    except Exception as exc:  # never let a library exception escape
        raise UnreadableFile(Message(MSG_INTERNAL, {"error": type(exc).__name__})) from exc


_HTML_START = re.compile(
    r"\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*"
    r"<(?:!doctype\s+html|html|head|body|meta|title|table|p|div|span|h[1-6]|br|font|center|section|article)\b",
    re.IGNORECASE | re.DOTALL,
)
_HTML_ANYWHERE = re.compile(r"<(?:html|body|table)[\s>]", re.IGNORECASE)
#: What a zip that is not a .docx is, by its kind (:func:`gongkai.documents.sniffing.zip_kind`).
_ZIP_MESSAGES = {
    "broken_zip": MSG_DOCX_BROKEN,
    "xlsx": MSG_XLSX,
    "pptx": MSG_PPTX,
    "odf": MSG_ODF,
    "zip": MSG_ZIP,
}


def _read(data: bytes, filename: str) -> Source:
    if not data:
        raise UnreadableFile(MSG_EMPTY)
    name = filename.lower()
    sniffed = sniff(data)
    if sniffed.kind == "pdf":
        return read_pdf(data)
    if sniffed.kind == "ole":
        raise UnreadableFile(_ole_message(sniffed.detail, name))
    if sniffed.kind == "docx":
        return read_docx(data)
    if sniffed.kind in _ZIP_MESSAGES:
        raise UnreadableFile(_ZIP_MESSAGES[sniffed.kind])
    if sniffed.kind == "image":
        raise UnreadableFile(Message(MSG_IMAGE, {"kind": sniffed.detail}))
    if sniffed.kind == "rtf":
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


def _ole_message(kind: str, name: str) -> str:
    if kind == "doc" or name.endswith((".doc", ".wps", ".dot")):
        return MSG_DOC
    if kind == "xls" or name.endswith(".xls"):
        return MSG_XLS
    return MSG_OLE
