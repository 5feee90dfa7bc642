"""The text of an attachment, for the privacy scanner: PDF, Word (.docx), Excel (.xlsx) or plain text.

Pure Python (no Django). :func:`gongkai.catalogue.sniffing.sniff` tells the type from the bytes, never
from the file name. :func:`extract_text` returns the text with a Chinese ``problem`` whenever part of the
file could not be checked and a person must look at it: an image, a scanned PDF (no text layer),
pictures inside a Word file, a file too large, an old or unknown format, or text cut at
:data:`MAX_CHARS`. No library exception escapes.

Limits: files over :data:`MAX_BYTES` are refused unread; a zip whose members would unpack to more than
:data:`MAX_UNZIPPED_BYTES` (or whose XML parts to more than :data:`MAX_XML_BYTES`) is refused unread —
the sizes a zip declares are a safe bound, :mod:`zipfile` never returns more; a PDF is read up to
:data:`MAX_PAGES` pages, a workbook up to :data:`MAX_CELLS` cells, and any text up to :data:`MAX_CHARS`.
A PDF is read in a child process (:mod:`gongkai.catalogue.extract_worker`) limited to
:data:`PDF_MEMORY_BYTES` of memory, :data:`PDF_CPU_SECONDS` of CPU time and :data:`PDF_TIMEOUT_SECONDS` in
all — a small PDF can inflate one stream into gigabytes — and one that reaches a limit, or makes the
child fail, is not checked (:data:`MSG_TOO_COMPLEX`).
"""

from __future__ import annotations

import datetime
import io
import json
import os
import re
import subprocess
import sys
import warnings
import zipfile
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gongkai.catalogue.sniffing import OLE_MAGIC, TEXT_SAMPLE, decode_text, image_format, sniff, zip_names

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
    "PDF_CPU_SECONDS",
    "PDF_MEMORY_BYTES",
    "PDF_TIMEOUT_SECONDS",
    "Extracted",
    "extract_path",
    "extract_text",
]

MAX_BYTES = 20 * 1024 * 1024
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
MAX_XML_BYTES = 50 * 1024 * 1024
MAX_ZIP_MEMBERS = 10_000
MAX_PAGES = 500
MAX_CHARS = 2_000_000
MAX_CELLS = 2_000_000
#: Limits of the child process that reads a PDF: address space, CPU time, and time in all (seconds).
PDF_MEMORY_BYTES = 768 * 2**20
PDF_CPU_SECONDS = 60
PDF_TIMEOUT_SECONDS = 90

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


def _too_large(head: bytes, size: int) -> Extracted:
    kind = sniff(head)
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
    kind = sniff(data, filename)
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
        return Extracted("", kind, problem=MSG_IMAGE.format(format=image_format(data)))
    if kind == "text":
        text = decode_text(data)
        if text is None:  # text at the start, binary further on
            return Extracted("", "unknown", problem=MSG_UNKNOWN)
        return _cut(text, kind)
    if data.startswith(OLE_MAGIC):
        return Extracted("", kind, problem=MSG_OLD_OFFICE)
    if data.startswith(b"PK"):
        broken = zip_names(data) is None
        return Extracted("", kind, problem=MSG_BROKEN.format(kind="") if broken else MSG_OTHER_ZIP)
    return Extracted("", kind, problem=MSG_UNKNOWN)


def _cut(text: str, kind: str, problems: list[str] | None = None, **extra: Any) -> Extracted:
    problems = list(problems or [])
    if len(text) > MAX_CHARS:
        text = text[:MAX_CHARS]
        problems.append(MSG_CHARS_CUT.format(limit=_count(MAX_CHARS)))
    return Extracted(text, kind, problem="；".join(problems), **extra)


def _zip_problem(data: bytes) -> str:
    """A reason to refuse a zip unread: too many members, or too much to unpack (a zip bomb)."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        infos = zf.infolist()
    total = sum(i.file_size for i in infos)
    xml = sum(i.file_size for i in infos if i.filename.endswith((".xml", ".rels")))
    if len(infos) > MAX_ZIP_MEMBERS or total > MAX_UNZIPPED_BYTES:
        return MSG_ZIP_BOMB.format(limit=MAX_UNZIPPED_BYTES // 2**20)
    if xml > MAX_XML_BYTES:
        return MSG_ZIP_BOMB.format(limit=MAX_XML_BYTES // 2**20)
    return ""


def _pictures(data: bytes, folder: str) -> int:
    names = zip_names(data) or set()
    return sum(1 for n in names if n.startswith(folder) and not n.endswith("/"))


# -- PDF -----------------------------------------------------------------------------------------


def _worker_environment() -> dict[str, str]:
    """A small environment for the child: where this package is, and nothing secret."""
    root = str(Path(__file__).resolve().parents[2])  # the directory that holds the gongkai package
    keep = ("PATH", "LANG", "LC_ALL", "TMPDIR", "PYTHONDONTWRITEBYTECODE")
    environment = {name: os.environ[name] for name in keep if name in os.environ}
    environment["PYTHONPATH"] = root
    return environment


def _pdf_isolated(data: bytes) -> Extracted:
    """:func:`_pdf` in a child process with memory, CPU and time limits (:mod:`.extract_worker`).

    Whatever goes wrong there — a limit reached, a crash, no answer in time — the file is "not checked"
    with :data:`MSG_TOO_COMPLEX`, never an exception.
    """
    command = [
        sys.executable,
        "-m",
        "gongkai.catalogue.extract_worker",
        str(PDF_MEMORY_BYTES),
        str(PDF_CPU_SECONDS),
        str(MAX_PAGES),
        str(MAX_CHARS),
    ]
    too_complex = Extracted("", "pdf", problem=MSG_TOO_COMPLEX)
    try:
        done = subprocess.run(
            command,
            input=data,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            timeout=PDF_TIMEOUT_SECONDS,
            env=_worker_environment(),
            check=False,
        )
    except (subprocess.TimeoutExpired, OSError):
        return too_complex
    if done.returncode != 0:
        return too_complex
    try:
        answer = json.loads(done.stdout)
        pages = answer["pages"]
        return Extracted(
            str(answer["text"]),
            "pdf",
            pages=int(pages) if pages is not None else None,
            problem=str(answer["problem"]),
            page_starts=tuple(int(start) for start in answer["page_starts"]),
        )
    except (ValueError, KeyError, TypeError):
        return too_complex


def pdf_in_this_process(data: bytes) -> Extracted:
    """The text of a PDF read in this process, for :mod:`.extract_worker` only (no limits here).

    A broken PDF is reported, not raised; running out of memory is raised (the worker says so).
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return _pdf(data)
    except MemoryError:
        raise
    except Exception as error:  # a broken file: no library exception escapes
        if _out_of_memory(error):  # pdfplumber wraps what pdfminer raised, MemoryError too
            raise MemoryError from error
        return Extracted("", "pdf", problem=MSG_BROKEN.format(kind=_broken_label("pdf")))


def _out_of_memory(error: BaseException) -> bool:
    """Whether ``error`` is, wraps or was raised while handling a :class:`MemoryError`."""
    seen: set[int] = set()
    pending: list[object] = [error]
    while pending:
        current = pending.pop()
        if not isinstance(current, BaseException) or id(current) in seen:
            continue
        if isinstance(current, MemoryError):
            return True
        seen.add(id(current))
        pending.extend([current.__cause__, current.__context__, *current.args])
    return False


def _pdf(data: bytes) -> Extracted:
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    texts: list[str] = []
    starts: list[int] = []
    scanned_pages: list[int] = []
    length = 0
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            total = len(pdf.pages)
            for number, page in enumerate(pdf.pages[:MAX_PAGES], start=1):
                text = page.extract_text() or ""
                if not text.strip() and page.images:
                    scanned_pages.append(number)
                page.close()
                starts.append(length)
                texts.append(text)
                length += len(text) + 1
                if length > MAX_CHARS:
                    break
    except (PDFPasswordIncorrect, PDFEncryptionError):
        return Extracted("", "pdf", problem=MSG_PDF_ENCRYPTED)
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

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_W_TEXT = {_W + "t", _W + "delText", _W + "instrText"}
_W_TAB = _W + "tab"
_W_BREAKS = {_W + "br", _W + "cr"}
_W_BLOCK_END = {_W + "p"}
#: Parts with text, in the order they are read: body, headers, footers, notes, comments.
_DOCX_PARTS = re.compile(r"/word/(document|header\d*|footer\d*|footnotes|endnotes|comments)\.xml")
_DOCX_ORDER = ("document", "header", "footer", "footnotes", "endnotes", "comments")


def _docx(data: bytes) -> Extracted:
    import docx
    from lxml import etree

    document = docx.Document(io.BytesIO(data))
    parts: list[tuple[int, str, Any]] = []
    for part in document.part.package.iter_parts():
        m = _DOCX_PARTS.fullmatch(str(part.partname))
        if not m:
            continue
        element = getattr(part, "element", None)
        if element is None:
            parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
            element = etree.fromstring(part.blob, parser)
        order = _DOCX_ORDER.index(re.sub(r"\d+$", "", m.group(1)))
        parts.append((order, str(part.partname), element))
    chunks: list[str] = []
    length = 0
    for _, _, element in sorted(parts, key=lambda p: (p[0], p[1])):
        for piece in _docx_text(element):
            chunks.append(piece)
            length += len(piece)
        chunks.append("\n")
        if length > MAX_CHARS:
            break
    problems: list[str] = []
    pictures = _pictures(data, "word/media/")
    if pictures:
        problems.append(MSG_PICTURES.format(count=pictures))
    return _cut("".join(chunks), "docx", problems)


def _docx_text(root: Any) -> Iterator[str]:
    """Text of a WordprocessingML part in document order: runs (deleted text too: it is still in the file),
    tabs and breaks; a paragraph (also in a table cell) ends a line."""
    from lxml import etree

    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = el.tag
        if event == "start":
            if tag in _W_TEXT and el.text:
                yield el.text
            elif tag == _W_TAB:
                yield "\t"
            elif tag in _W_BREAKS:
                yield "\n"
        elif tag in _W_BLOCK_END:
            yield "\n"


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
