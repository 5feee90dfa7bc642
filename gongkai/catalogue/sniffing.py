"""What kind of file this is, from its bytes (magic numbers; a .docx or .xlsx is a zip whose member names
say which), never from its name; and the text of a file that is plain text in any common Chinese
encoding. Pure Python (no Django): :mod:`gongkai.catalogue.extract` and the upload checks use it.
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_IMAGE_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"BM", "BMP"),
)
#: Bytes of a file looked at to tell text from binary.
TEXT_SAMPLE = 64 * 1024
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def image_format(data: bytes) -> str:
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WebP"
    for magic, name in _IMAGE_MAGIC:
        if data.startswith(magic) and (name != "BMP" or data[6:10] == b"\x00\x00\x00\x00"):
            return name
    return ""


def zip_names(data: bytes) -> set[str] | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return set(zf.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None


def sniff(data: bytes, filename: str = "") -> str:
    """The type of a file from its content: ``pdf``, ``docx``, ``xlsx``, ``image``, ``text`` or ``unknown``.

    ``filename`` is never trusted: a ``.pdf`` that holds a web page is ``text``. Only the first
    64 KB decide whether a file is text, so the head of a large file may be sniffed too.
    """
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        names = zip_names(data) or set()
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        return "unknown"
    if image_format(data):
        return "image"
    if data.startswith(OLE_MAGIC):
        return "unknown"
    return (
        "text" if decode_text(data[:TEXT_SAMPLE], final=len(data) <= TEXT_SAMPLE) is not None else "unknown"
    )


def decode_text(data: bytes, *, final: bool = True) -> str | None:
    """Text in UTF-8 (with or without a BOM), UTF-16/32 with a BOM, or GB18030 (GBK); None for binary.

    With ``final=False`` a character cut at the end of ``data`` is not an error (a sample of a file).
    """
    if data.startswith(codecs.BOM_UTF8):
        encodings = ["utf-8-sig"]
    elif data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        encodings = ["utf-32"]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ["utf-16"]
    else:
        encodings = ["utf-8", "gb18030"]
    for encoding in encodings:
        try:
            text = codecs.getincrementaldecoder(encoding)().decode(data, final=final)
        except UnicodeDecodeError:
            continue
        sample = text[:20000]
        if "\x00" in sample or len(_CONTROL.findall(sample)) > max(2, len(sample) // 200):
            return None
        return text
    return None
