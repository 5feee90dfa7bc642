"""The text of an attachment, for the privacy scanner: PDF, Word (.docx), Excel (.xlsx) or plain text.

Pure Python (no Django). :func:`file_kind` tells the type from the bytes
(:mod:`gongkai.documents.sniffing`), never from the file name. :func:`extract_text` returns the text with
a Chinese ``problem`` whenever part of the file could not be checked and a person must look at it: an
image, a scanned PDF (no text layer), pictures inside a Word file, a file too large, an old or unknown
format, or text cut at :data:`MAX_CHARS`. No library exception escapes.

Limits: files over :data:`MAX_BYTES` are refused unread; a zip whose members would unpack to more than
:data:`MAX_UNZIPPED_BYTES` (or whose XML parts to more than :data:`MAX_XML_BYTES`) is refused unread
(:mod:`gongkai.documents.zipguard`); a PDF is read up to :data:`MAX_PAGES` pages, a workbook up to
:data:`MAX_CELLS` cells, and any text up to :data:`MAX_CHARS`. A PDF is read in a child process with
memory, CPU-time and wall-clock limits (:mod:`gongkai.documents.isolated`) — a small PDF can inflate one
stream into gigabytes — and one that reaches a limit, or makes the child fail, is not checked
(:data:`MSG_TOO_COMPLEX`).
"""

from __future__ import annotations

import datetime
import io
import warnings
from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gongkai.documents import docx, sniffing
from gongkai.documents.isolated import TooComplex, read_isolated
from gongkai.documents.text import decode_text
from gongkai.documents.zipguard import OFFICE_LIMITS, ZipLimits, ZipRefused, check_zip

__all__ = [
    "KINDS",
    "KIND_LABELS",
    "MAX_BYTES",
    "MAX_CELLS",
    "MAX_CHARS",
    "MAX_PAGES",
    "MAX_UNZIPPED_BYTES",
    "MAX_XML_BYTES",
    "MSG_TOO_COMPLEX",
    "Extracted",
    "extract_path",
    "extract_text",
    "file_kind",
]

MAX_BYTES = 20 * 1024 * 1024
MAX_UNZIPPED_BYTES = OFFICE_LIMITS.max_total_bytes
MAX_XML_BYTES: int = OFFICE_LIMITS.max_xml_bytes or 0
MAX_ZIP_MEMBERS = OFFICE_LIMITS.max_members
MAX_PAGES = 500
MAX_CHARS = 2_000_000
MAX_CELLS = 2_000_000
#: Bytes of a file looked at to tell text from binary.
TEXT_SAMPLE = 64 * 1024

KIND_LABELS: dict[str, str] = {
    "pdf": "PDF",
    "docx": "Word 文档",
    "xlsx": "Excel 表格",
    "image": "图片",
    "text": "文本",
    "unknown": "无法识别的格式",
}
KINDS: tuple[str, ...] = tuple(KIND_LABELS)

_MANUAL = "请人工核对"
MSG_TOO_LARGE = "文件太大（{size}），超过 {limit} MB，未检查；" + _MANUAL
MSG_ZIP_BOMB = "文件解压后超过 {limit} MB（可能是“压缩炸弹”），未检查；" + _MANUAL
MSG_IMAGE = "这是一张图片（{format}），无法自动检查图片中的文字，" + _MANUAL + "其中是否有个人信息"
MSG_SCANNED = "扫描件没有文字层，无法检查其中的个人信息，" + _MANUAL
MSG_SCANNED_PAGES = "第 {pages} 页没有文字层（可能是扫描页），无法检查，" + _MANUAL + "这些页"
MSG_PAGES_CUT = "PDF 共 {total} 页，只检查了前 {limit} 页，其余各页" + _MANUAL
MSG_CHARS_CUT = "文字超过 {limit}字，只检查了前 {limit}字，其余部分" + _MANUAL
MSG_CELLS_CUT = "表格超过 {limit}个单元格，只检查了前 {limit}个，其余部分" + _MANUAL
MSG_PICTURES = "文件中有 {count} 张图片，无法检查图片中的文字，" + _MANUAL
MSG_PDF_ENCRYPTED = "PDF 已加密，无法检查，" + _MANUAL
MSG_BROKEN = "{kind}文件已损坏或格式不正确，无法检查；请重新保存后再试，或人工核对"
MSG_OLD_OFFICE = (
    "旧版 Office 文件（.doc、.xls、.wps 等）无法检查，请另存为 .docx 或 .xlsx 后再检查，或人工核对"
)
MSG_OTHER_ZIP = "不支持的文件格式（压缩包、PowerPoint、OpenDocument 等），无法检查；" + _MANUAL
MSG_UNKNOWN = "无法识别文件格式，无法检查；" + _MANUAL
MSG_TOO_COMPLEX = "文件过大或过于复杂，无法自动检查，" + _MANUAL


@dataclass(frozen=True)
class Extracted:
    """The text of a file. ``problem`` (Chinese, or "") says what could not be checked."""

    text: str
    kind: str
    pages: int | None = None
    problem: str = ""
    #: Offset in ``text`` where each page begins (PDF only).
    page_starts: tuple[int, ...] = ()

    def page_of(self, offset: int) -> int | None:
        """The 1-based page that the character at ``offset`` is on (PDF), else None."""
        if not self.page_starts:
            return None
        return max(1, bisect_right(self.page_starts, offset))


# ------------------------------------------------------------------------------------------------
# Extraction
# ------------------------------------------------------------------------------------------------


def extract_path(path: str | Path) -> Extracted:
    """:func:`extract_text` of a file; a file over :data:`MAX_BYTES` is not read beyond its head.

    Raises :class:`OSError` when the file cannot be read.
    """
    p = Path(path)
    with p.open("rb") as f:
        size = p.stat().st_size
        if size > MAX_BYTES:
            return _too_large(f.read(TEXT_SAMPLE), size)
        return extract_text(f.read(MAX_BYTES + 1), p.name)


def file_kind(data: bytes) -> str:
    """The type of a file from its content: ``pdf``, ``docx``, ``xlsx``, ``image``, ``text`` or ``unknown``.

    The file's name is never asked: a ``.pdf`` that holds a web page is ``text``. Only the first
    64 KB decide whether a file is text, so the head of a large file may be sniffed too.
    """
    kind = sniffing.sniff(data).kind
    if kind in ("pdf", "docx", "xlsx", "image"):
        return kind
    if kind in ("other", "rtf"):
        sample = decode_text(data[:TEXT_SAMPLE], final=len(data) <= TEXT_SAMPLE)
        return "text" if sample is not None else "unknown"
    return "unknown"


def _too_large(head: bytes, size: int) -> Extracted:
    kind = file_kind(head)
    if head.startswith(b"PK"):
        kind = "unknown"  # a zip cannot be told from its head
    return Extracted("", kind, problem=MSG_TOO_LARGE.format(size=_size(size), limit=MAX_BYTES // 2**20))


def _count(n: int) -> str:
    """2000000 → "200 万"."""
    return f"{n // 10_000} 万" if n >= 10_000 and n % 10_000 == 0 else str(n)


def _size(size: int) -> str:
    return f"{size / 2**20:.1f} MB" if size >= 2**20 else f"{size / 1024:.0f} KB"


def extract_text(data: bytes, filename: str = "") -> Extracted:
    """The text of a file of any supported kind, with a problem (Chinese) for what could not be checked."""
    if len(data) > MAX_BYTES:
        return _too_large(data[:TEXT_SAMPLE], len(data))
    kind = file_kind(data)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return _extract(data, kind)
    except Exception:  # a broken file: no library exception escapes
        return Extracted("", kind, problem=MSG_BROKEN.format(kind=_broken_label(kind)))


def _broken_label(kind: str) -> str:
    return {"pdf": "PDF ", "docx": "Word ", "xlsx": "Excel "}.get(kind, "")


def _extract(data: bytes, kind: str) -> Extracted:
    if kind == "pdf":
        return _pdf_isolated(data)
    if kind in ("docx", "xlsx"):
        problem = _zip_problem(data)
        if problem:
            return Extracted("", kind, problem=problem)
        return _docx(data) if kind == "docx" else _xlsx(data)
    if kind == "image":
        return Extracted("", kind, problem=MSG_IMAGE.format(format=sniffing.image_format(data)))
    if kind == "text":
        text = decode_text(data)
        if text is None:  # text at the start, binary further on
            return Extracted("", "unknown", problem=MSG_UNKNOWN)
        return _cut(text, kind)
    if data.startswith(sniffing.OLE_MAGIC):
        return Extracted("", kind, problem=MSG_OLD_OFFICE)
    if data.startswith(b"PK"):
        broken = sniffing.zip_names(data) is None
        return Extracted("", kind, problem=MSG_BROKEN.format(kind="") if broken else MSG_OTHER_ZIP)
    return Extracted("", kind, problem=MSG_UNKNOWN)


def _cut(text: str, kind: str, problems: list[str] | None = None, **extra: Any) -> Extracted:
    problems = list(problems or [])
    if len(text) > MAX_CHARS:
        text = text[:MAX_CHARS]
        problems.append(MSG_CHARS_CUT.format(limit=_count(MAX_CHARS)))
    return Extracted(text, kind, problem="；".join(problems), **extra)


def _zip_limits() -> ZipLimits:
    return ZipLimits(
        max_members=MAX_ZIP_MEMBERS, max_total_bytes=MAX_UNZIPPED_BYTES, max_xml_bytes=MAX_XML_BYTES
    )


def _zip_problem(data: bytes) -> str:
    """A reason to refuse a zip unread: too many members, or too much to unpack (a zip bomb)."""
    try:
        check_zip(data, _zip_limits())
    except ZipRefused as refused:
        limit = MAX_XML_BYTES if refused.reason == "xml" else MAX_UNZIPPED_BYTES
        return MSG_ZIP_BOMB.format(limit=limit // 2**20)
    return ""


def _pictures(data: bytes, folder: str) -> int:
    names = sniffing.zip_names(data) or set()
    return sum(1 for n in names if n.startswith(folder) and not n.endswith("/"))


# -- PDF -----------------------------------------------------------------------------------------


def _pdf_isolated(data: bytes) -> Extracted:
    """The pages' text of a PDF, read in a limited child process (:mod:`gongkai.documents.isolated`).

    Whatever goes wrong there — a limit reached, a crash, no answer in time — the file is "not checked"
    with :data:`MSG_TOO_COMPLEX`, never an exception.
    """
    too_complex = Extracted("", "pdf", problem=MSG_TOO_COMPLEX)
    try:
        answer = read_isolated("pages", data, max_pages=MAX_PAGES, max_chars=MAX_CHARS)
    except TooComplex:
        return too_complex
    if "error" in answer:
        if answer["error"] == "encrypted":
            return Extracted("", "pdf", problem=MSG_PDF_ENCRYPTED)
        return Extracted("", "pdf", problem=MSG_BROKEN.format(kind=_broken_label("pdf")))
    try:
        total = int(answer["pages"])
        texts = [str(text) for text in answer["texts"]]
        scanned_pages = [int(number) for number in answer["scanned"]]
    except (KeyError, TypeError, ValueError):
        return too_complex
    starts: list[int] = []
    length = 0
    for text in texts:
        starts.append(length)
        length += len(text) + 1
    text = "\n".join(texts)
    if not text.strip():
        return Extracted("", "pdf", pages=total, problem=MSG_SCANNED)
    problems: list[str] = []
    if scanned_pages:
        shown = "、".join(str(n) for n in scanned_pages[:10])
        if len(scanned_pages) > 10:
            shown += f" 等 {len(scanned_pages)} "
        problems.append(MSG_SCANNED_PAGES.format(pages=shown))
    if total > MAX_PAGES:
        problems.append(MSG_PAGES_CUT.format(total=total, limit=MAX_PAGES))
    return _cut(text, "pdf", problems, pages=total, page_starts=tuple(starts))


# -- Word ----------------------------------------------------------------------------------------


def _docx(data: bytes) -> Extracted:
    text = docx.all_text(docx.open_docx(data, _zip_limits()), MAX_CHARS)
    problems: list[str] = []
    pictures = _pictures(data, "word/media/")
    if pictures:
        problems.append(MSG_PICTURES.format(count=pictures))
    return _cut(text, "docx", problems)


# -- Excel ---------------------------------------------------------------------------------------


def _xlsx(data: bytes) -> Extracted:
    import openpyxl  # type: ignore[import-untyped]

    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    lines: list[str] = []
    length = 0
    cells = 0
    problems: list[str] = []
    try:
        for sheet in workbook.worksheets:
            lines.append(f"【{sheet.title}】")
            if hasattr(sheet, "reset_dimensions"):
                sheet.reset_dimensions()  # a sheet's declared size may be a lie: read only the cells there
            for row in sheet.iter_rows(values_only=True):
                cells += len(row)
                if cells > MAX_CELLS:
                    problems.append(MSG_CELLS_CUT.format(limit=_count(MAX_CELLS)))
                    break
                line = "\t".join(_cell_text(v) for v in row if v is not None and v != "")
                if line:
                    lines.append(line)
                    length += len(line) + 1
                if length > MAX_CHARS:
                    break
            if cells > MAX_CELLS or length > MAX_CHARS:
                break
    finally:
        workbook.close()
    pictures = _pictures(data, "xl/media/")
    if pictures:
        problems.append(MSG_PICTURES.format(count=pictures))
    return _cut("\n".join(lines), "xlsx", problems)


def _cell_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e19:
        return str(int(value))  # a phone number typed as a number
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        return value.date().isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value)
