"""What kind of file this is, from its bytes, never from its name.

:func:`sniff` answers with a :class:`Sniffed`: ``pdf``, ``ole`` (old Office; ``detail`` says ``doc`` or
``xls`` when its directory names the stream; a WPS Office ``.wps`` is a Word 97 file, ``doc``),
``docx``/``xlsx``/``pptx``/``odf``/``ofd``/``zip`` (a zip whose member names say which: an OFD, GB/T 33190,
holds ``OFD.xml``), ``broken_zip``, ``image`` (``detail`` is the format: PNG, JPEG, GIF, TIFF, BMP, WebP),
``rtf`` or ``other`` (text or unknown: the caller decodes it, :mod:`gongkai.documents.text`).

Images are recognised by the ``filetype`` library, whose matchers look at a few leading bytes only; where
they are looser than a real header (``GIF`` without ``87a``/``89a``, ``BM`` with no reserved zeros — a text
may start with either) the header is checked further here, and only the six formats above count as images.
``filetype`` cannot tell a .docx from an .xlsx or a plain zip (it guesses from the first member's name), nor
a .doc from an .xls, so those are told apart here from the zip's member names and the OLE directory.
A PDF is a file with ``%PDF-`` in its first KB (some producers write junk before the header).
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

import filetype  # type: ignore[import-untyped]

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
#: The image formats we know, by the MIME type ``filetype`` gives them.
_IMAGE_FORMATS = {
    "image/png": "PNG",
    "image/apng": "PNG",
    "image/jpeg": "JPEG",
    "image/gif": "GIF",
    "image/tiff": "TIFF",
    "image/bmp": "BMP",
    "image/webp": "WebP",
}
IMAGE_CONTENT_TYPES = {
    "PNG": "image/png",
    "JPEG": "image/jpeg",
    "GIF": "image/gif",
    "TIFF": "image/tiff",
    "BMP": "image/bmp",
    "WebP": "image/webp",
}
#: Members of a zip that say what the zip is (Office Open XML and OpenDocument).
_ZIP_KINDS = (
    ("word/document.xml", "docx"),
    ("xl/workbook.xml", "xlsx"),
    ("ppt/presentation.xml", "pptx"),
)


@dataclass(frozen=True)
class Sniffed:
    kind: str
    #: The image format, or for ``ole`` ``doc``/``xls``/"" (from the directory's stream names).
    detail: str = ""


def sniff(data: bytes) -> Sniffed:
    """What ``data`` is, from its content."""
    if b"%PDF-" in data[:1024]:
        return Sniffed("pdf")
    if data.startswith(OLE_MAGIC):
        return Sniffed("ole", ole_kind(data))
    if data.startswith(ZIP_MAGICS):
        names = zip_names(data)
        return Sniffed("broken_zip") if names is None else Sniffed(zip_kind(names))
    image = image_format(data)
    if image:
        return Sniffed("image", image)
    if data.lstrip()[:5] == b"{\\rtf":
        return Sniffed("rtf")
    return Sniffed("other")


def slow_to_read(data: bytes) -> bool:
    """Whether reading this file takes seconds, not milliseconds: an old Word or WPS file (a LibreOffice
    conversion) or a PDF that may be a scan (OCR). A PDF is taken for a possible scan when no ``/Font``
    appears in its bytes: a scan's pages hold pictures only (a PDF whose objects are all compressed in
    object streams is taken for one too, which only costs it the background)."""
    found = sniff(data[:2048] if not data.startswith(OLE_MAGIC) else data)
    if found.kind == "ole":
        return found.detail == "doc"
    return found.kind == "pdf" and b"/Font" not in data


def image_format(data: bytes) -> str:
    """PNG, JPEG, GIF, TIFF, BMP or WebP; "" for anything else."""
    match = filetype.image_match(data[:8192])
    name = _IMAGE_FORMATS.get(match.mime, "") if match is not None else ""
    if name == "GIF" and data[3:6] not in (b"87a", b"89a"):
        return ""
    if name == "BMP" and data[6:10] != b"\x00\x00\x00\x00":
        return ""
    return name


def ole_kind(data: bytes) -> str:
    """``doc`` or ``xls`` when the OLE directory names a Word or Excel stream.

    The directory may be anywhere in the file (LibreOffice writes it after the streams): its sector is
    found from the header (``_sectDirStart`` at 0x30, sectors of 2^``_uSectorShift`` bytes), with the
    first 64 KB as well for a header that does not say it plainly."""
    directory = data[:65536]
    if len(data) >= 0x34:
        shift = int.from_bytes(data[0x1E:0x20], "little")
        start = int.from_bytes(data[0x30:0x34], "little")
        if 7 <= shift <= 16 and start < 0xFFFFFFFA:
            offset = (start + 1) << shift
            directory += data[offset : offset + (1 << shift) * 4]
    if "WordDocument".encode("utf-16-le") in directory:
        return "doc"
    if any(s.encode("utf-16-le") in directory for s in ("Workbook", "Book")):
        return "xls"
    return ""


def zip_names(data: bytes) -> set[str] | None:
    """The member names of a zip, or None when it cannot be opened."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return set(zf.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        return None


def zip_kind(names: set[str]) -> str:
    """``docx``, ``xlsx``, ``pptx``, ``odf``, ``ofd`` or ``zip`` from the member names."""
    for member, kind in _ZIP_KINDS:
        if member in names:
            return kind
    if "content.xml" in names and "mimetype" in names:
        return "odf"
    if any(name.lower() == "ofd.xml" for name in names):
        return "ofd"
    return "zip"
