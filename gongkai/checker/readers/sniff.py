""":func:`read_bytes`: which kind of file it is, from its content (:mod:`gongkai.documents.sniffing`; the
file name's suffix is only a hint), and the reader for it; the kinds that cannot be read are refused with
a message saying why."""

from __future__ import annotations

import re
import warnings

from gongkai.checker.readers.common import (
    MSG_BLANK,
    MSG_DOC_BROKEN,
    MSG_DOCX_BROKEN,
    MSG_EMPTY,
    MSG_IMAGE,
    MSG_INTERNAL,
    MSG_ODF,
    MSG_OLE,
    MSG_PPTX,
    MSG_RTF,
    MSG_WPS_OLD,
    MSG_XLS,
    MSG_XLSX,
    MSG_ZIP,
    decode,
)
from gongkai.checker.readers.html import read_html
from gongkai.checker.readers.ofd import read_ofd
from gongkai.checker.readers.pdf import read_pdf
from gongkai.checker.readers.text import read_text
from gongkai.checker.readers.word import read_doc, read_docx
from gongkai.checker.source import Source, UnreadableFile
from gongkai.core.messages import Message
from gongkai.documents.sniffing import sniff
from gongkai.documents.text import decode_text


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
        if sniffed.detail == "doc":  # Word 97–2003, or WPS Office's .wps in the same format
            return read_doc(data, ".wps" if name.endswith(".wps") else ".doc")
        raise UnreadableFile(_ole_message(sniffed.detail, name))
    if sniffed.kind == "ofd":
        return read_ofd(data)
    if sniffed.kind == "docx":
        return read_docx(data)
    if sniffed.kind in _ZIP_MESSAGES:
        raise UnreadableFile(_ZIP_MESSAGES[sniffed.kind])
    if sniffed.kind == "image":
        raise UnreadableFile(Message(MSG_IMAGE, {"kind": sniffed.detail}))
    if sniffed.kind == "rtf":
        raise UnreadableFile(MSG_RTF)
    if name.endswith(".wps") and sniffed.kind == "other" and decode_text(data[:65536], final=False) is None:
        raise UnreadableFile(MSG_WPS_OLD)  # Kingsoft's own format of WPS 2000 and before
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
    if name.endswith(".wps"):
        return MSG_WPS_OLD  # an OLE file without a WordDocument stream: not WPS's Word 97 format
    if name.endswith((".doc", ".dot")):
        return MSG_DOC_BROKEN
    if kind == "xls" or name.endswith(".xls"):
        return MSG_XLS
    return MSG_OLE
