"""The text of an attachment, for the privacy scanner: PDF, OFD, Word (.docx; .doc and WPS's .wps converted
by LibreOffice, :mod:`gongkai.documents.office`), Excel (.xlsx), plain text, or the files of a zip.

Pure Python (no Django). :func:`file_kind` tells the type from the bytes
(:mod:`gongkai.documents.sniffing`), never from the file name. :func:`extract_text` returns the text with
a Chinese ``problem`` whenever part of the file could not be checked and a person must look at it: an
image, a scanned PDF (no text layer), pictures inside a Word file, a file too large, an old or unknown
format, or text cut at :data:`MAX_CHARS`. No library exception escapes.

Every file is read in a child process with memory, CPU-time and wall-clock limits
(:func:`gongkai.documents.isolated.run_isolated`) — a small PDF can inflate one stream into gigabytes, a
.docx or .xlsx can hold a zip bomb or pathological XML — and one that reaches a limit, or makes the child
fail, is not checked (:data:`MSG_TOO_COMPLEX`). The limits below are read here and passed to the child.

Limits: files over :data:`MAX_BYTES` are refused unread; a zip whose members would unpack to more than
:data:`MAX_UNZIPPED_BYTES` (or whose XML parts to more than :data:`MAX_XML_BYTES`) is refused unread
(:mod:`gongkai.documents.zipguard`); a PDF is read up to :data:`MAX_PAGES` pages, a workbook up to
:data:`MAX_CELLS` cells, and any text up to :data:`MAX_CHARS`. A zip's files are read one by one with the
same readers (a zip inside it is not opened: a problem says so), in name order, each one's text after a
line ``【name】``, and each one's problems named by its file; at most :data:`MAX_ZIP_FILES` files are read.
Scanned pages are not read by OCR here (that is the report checker's): a problem asks a person to look.
"""

from __future__ import annotations

import datetime
import io
import warnings
import zipfile
from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gongkai.core.messages import N_, Message
from gongkai.documents import docx, isolated, ofd, office, sniffing
from gongkai.documents.isolated import TooComplex, read_isolated, run_isolated
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
#: Files of a zip read at most (each old Word file costs a LibreOffice conversion of a few seconds).
MAX_ZIP_FILES = 50
#: Bytes of a file looked at to tell text from binary.
TEXT_SAMPLE = 64 * 1024

KIND_LABELS: dict[str, str] = {
    "pdf": "PDF",
    "docx": N_("Word 文档"),
    "xlsx": N_("Excel 表格"),
    "doc": N_("旧版 Word 或 WPS 文档"),
    "ofd": "OFD",
    "zip": N_("zip 压缩包"),
    "image": N_("图片"),
    "text": N_("文本"),
    "unknown": N_("无法识别的格式"),
}
KINDS: tuple[str, ...] = tuple(KIND_LABELS)

# What could not be checked, as message ids (``%(name)s`` placeholders): each ends by asking for a person.
MSG_TOO_LARGE = N_("文件太大（%(size)s），超过 %(limit)s MB，未检查；请人工核对")
MSG_ZIP_BOMB = N_("文件解压后超过 %(limit)s MB（可能是“压缩炸弹”），未检查；请人工核对")
MSG_IMAGE = N_("这是一张图片（%(format)s），无法自动检查图片中的文字，请人工核对其中是否有个人信息")
MSG_SCANNED = N_("扫描件没有文字层，无法检查其中的个人信息，请人工核对")
MSG_SCANNED_PAGES = N_("第 %(pages)s 页没有文字层（可能是扫描页），无法检查，请人工核对这些页")
MSG_SCANNED_PAGES_MORE = N_(
    "第 %(pages)s 等 %(count)s 页没有文字层（可能是扫描页），无法检查，请人工核对这些页"
)
MSG_PAGES_CUT = N_("PDF 共 %(total)s 页，只检查了前 %(limit)s 页，其余各页请人工核对")
MSG_CHARS_CUT = N_("文字超过 %(limit)s字，只检查了前 %(limit)s字，其余部分请人工核对")
MSG_CELLS_CUT = N_("表格超过 %(limit)s个单元格，只检查了前 %(limit)s个，其余部分请人工核对")
MSG_PICTURES = N_("文件中有 %(count)s 张图片，无法检查图片中的文字，请人工核对")
MSG_PDF_ENCRYPTED = N_("PDF 已加密，无法检查，请人工核对")
MSG_BROKEN = N_("%(kind)s文件已损坏或格式不正确，无法检查；请重新保存后再试，或人工核对")
MSG_OLD_OFFICE = N_("旧版 Office 文件（.xls、.ppt 等）无法检查，请另存为 .docx 或 .xlsx 后再检查，或人工核对")
MSG_OTHER_ZIP = N_("不支持的文件格式（PowerPoint、OpenDocument 等），无法检查；请人工核对")
MSG_NO_OFFICE = N_("本机未安装 LibreOffice，无法读取旧版 Word 或 WPS 文件（.doc、.wps），未检查；请人工核对")
MSG_ZIP_FILE = N_("压缩包中的“%(name)s”：%(problem)s")
MSG_ZIP_NESTED = N_("压缩包中的压缩包“%(name)s”未打开，无法检查；请解压后人工核对")
MSG_ZIP_FILES_CUT = N_("压缩包中有 %(total)s 个文件，只检查了前 %(limit)s 个，其余请人工核对")
MSG_UNKNOWN = N_("无法识别文件格式，无法检查；请人工核对")
MSG_TOO_COMPLEX = N_("文件过大或过于复杂，无法自动检查，请人工核对")
#: A count of ten thousands, as Chinese writes round numbers ("200 万").
MSG_TEN_THOUSANDS = N_("%(n)s 万")


@dataclass(frozen=True)
class Extracted:
    """The text of a file. ``problems`` say what could not be checked (none when all was)."""

    text: str
    kind: str
    pages: int | None = None
    problems: tuple[Message, ...] = ()
    #: Offset in ``text`` where each page begins (PDF only).
    page_starts: tuple[int, ...] = ()

    @property
    def problem(self) -> str:
        """The problems in Chinese, one sentence ("" when none): what the ``scan`` command prints."""
        return "；".join(str(problem) for problem in self.problems)

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
    """The type of a file from its content: ``pdf``, ``docx``, ``doc`` (Word 97 binary: .doc or .wps),
    ``xlsx``, ``ofd``, ``zip``, ``image``, ``text`` or ``unknown``.

    The file's name is never asked: a ``.pdf`` that holds a web page is ``text``. Only the first
    64 KB decide whether a file is text, so the head of a large file may be sniffed too.
    """
    sniffed = sniffing.sniff(data)
    kind = sniffed.kind
    if kind in ("pdf", "docx", "xlsx", "image", "ofd", "zip"):
        return kind
    if kind == "ole" and sniffed.detail == "doc":
        return "doc"
    if kind in ("other", "rtf"):
        sample = decode_text(data[:TEXT_SAMPLE], final=len(data) <= TEXT_SAMPLE)
        return "text" if sample is not None else "unknown"
    return "unknown"


def _too_large(head: bytes, size: int) -> Extracted:
    kind = file_kind(head)
    if head.startswith(b"PK"):
        kind = "unknown"  # a zip cannot be told from its head
    return Extracted(
        "", kind, problems=(Message(MSG_TOO_LARGE, {"size": _size(size), "limit": MAX_BYTES // 2**20}),)
    )


def _count(n: int) -> Message | int:
    """2000000 → "200 万" (a message: English writes "2,000,000"); other numbers as they are."""
    return Message(MSG_TEN_THOUSANDS, {"n": n // 10_000}) if n >= 10_000 and n % 10_000 == 0 else n


def _size(size: int) -> str:
    return f"{size / 2**20:.1f} MB" if size >= 2**20 else f"{size / 1024:.0f} KB"


def extract_text(data: bytes, filename: str = "") -> Extracted:
    """The text of a file of any supported kind, with a problem for each part that could not be checked."""
    if len(data) > MAX_BYTES:
        return _too_large(data[:TEXT_SAMPLE], len(data))
    kind = file_kind(data)
    try:
        return run_isolated(extract_here, data, kind, _limits())
    except TooComplex:
        return Extracted("", kind, problems=(Message(MSG_TOO_COMPLEX),))


@dataclass(frozen=True)
class Limits:
    """This module's limits, as the parent has them (a child does not see the parent's module state)."""

    pages: int
    chars: int
    cells: int
    zip: ZipLimits


def _limits() -> Limits:
    return Limits(pages=MAX_PAGES, chars=MAX_CHARS, cells=MAX_CELLS, zip=_zip_limits())


def extract_here(data: bytes, kind: str, limits: Limits | None = None) -> Extracted:
    """:func:`extract_text` of a file whose ``kind`` is known, in this process (the child runs it)."""
    limits = limits or _limits()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return _extract(data, kind, limits)
    except MemoryError:
        raise  # the child ends: "too complex"
    except Exception:  # a broken file: no library exception escapes
        if isolated.out_of_memory():
            raise  # not broken: the child's memory was too small for it ("too complex")
        return Extracted("", kind, problems=(Message(MSG_BROKEN, {"kind": _broken_label(kind)}),))


def _broken_label(kind: str) -> str:
    return {
        "pdf": "PDF ",
        "docx": "Word ",
        "doc": "Word ",
        "xlsx": "Excel ",
        "ofd": "OFD ",
        "zip": "zip ",
    }.get(kind, "")


def _extract(data: bytes, kind: str, limits: Limits) -> Extracted:
    if kind == "pdf":
        return _pdf_isolated(data, limits)
    if kind in ("docx", "xlsx"):
        problem = _zip_problem(data, limits.zip)
        if problem is not None:
            return Extracted("", kind, problems=(problem,))
        return _docx(data, limits) if kind == "docx" else _xlsx(data, limits)
    if kind == "doc":
        return _doc(data, limits)
    if kind in ("ofd", "zip"):
        problem = _zip_problem(data, limits.zip)
        if problem is not None:
            return Extracted("", kind, problems=(problem,))
        return _ofd(data, limits) if kind == "ofd" else _zip(data, limits)
    if kind == "image":
        return Extracted("", kind, problems=(Message(MSG_IMAGE, {"format": sniffing.image_format(data)}),))
    if kind == "text":
        text = decode_text(data)
        if text is None:  # text at the start, binary further on
            return Extracted("", "unknown", problems=(Message(MSG_UNKNOWN),))
        return _cut(text, kind, limits.chars)
    if data.startswith(sniffing.OLE_MAGIC):
        return Extracted("", kind, problems=(Message(MSG_OLD_OFFICE),))
    if data.startswith(b"PK"):
        broken = sniffing.zip_names(data) is None
        problem = Message(MSG_BROKEN, {"kind": ""}) if broken else Message(MSG_OTHER_ZIP)
        return Extracted("", kind, problems=(problem,))
    return Extracted("", kind, problems=(Message(MSG_UNKNOWN),))


def _cut(
    text: str, kind: str, max_chars: int, problems: list[Message] | None = None, **extra: Any
) -> Extracted:
    problems = list(problems or [])
    if len(text) > max_chars:
        text = text[:max_chars]
        problems.append(Message(MSG_CHARS_CUT, {"limit": _count(max_chars)}))
    return Extracted(text, kind, problems=tuple(problems), **extra)


def _zip_limits() -> ZipLimits:
    return ZipLimits(
        max_members=MAX_ZIP_MEMBERS, max_total_bytes=MAX_UNZIPPED_BYTES, max_xml_bytes=MAX_XML_BYTES
    )


def _zip_problem(data: bytes, limits: ZipLimits) -> Message | None:
    """A reason to refuse a zip unread: too many members, or too much to unpack (a zip bomb)."""
    try:
        check_zip(data, limits)
    except ZipRefused as refused:
        limit = (limits.max_xml_bytes or 0) if refused.reason == "xml" else limits.max_total_bytes
        return Message(MSG_ZIP_BOMB, {"limit": limit // 2**20})
    return None


def _pictures(data: bytes, folder: str) -> int:
    names = sniffing.zip_names(data) or set()
    return sum(1 for n in names if n.startswith(folder) and not n.endswith("/"))


# -- PDF -----------------------------------------------------------------------------------------


def _pdf_isolated(data: bytes, limits: Limits) -> Extracted:
    """The pages' text of a PDF, read in a limited child process (:mod:`gongkai.documents.isolated`).

    Whatever goes wrong there — a limit reached, a crash, no answer in time — the file is "not checked"
    with :data:`MSG_TOO_COMPLEX`, never an exception.
    """
    too_complex = Extracted("", "pdf", problems=(Message(MSG_TOO_COMPLEX),))
    try:
        answer = read_isolated("pages", data, max_pages=limits.pages, max_chars=limits.chars)
    except TooComplex:
        return too_complex
    if "error" in answer:
        if answer["error"] == "encrypted":
            return Extracted("", "pdf", problems=(Message(MSG_PDF_ENCRYPTED),))
        return Extracted("", "pdf", problems=(Message(MSG_BROKEN, {"kind": _broken_label("pdf")}),))
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
        return Extracted("", "pdf", pages=total, problems=(Message(MSG_SCANNED),))
    problems: list[Message] = []
    if scanned_pages:
        if len(scanned_pages) > 10:
            more = {"pages": scanned_pages[:10], "count": len(scanned_pages)}
            problems.append(Message(MSG_SCANNED_PAGES_MORE, more))
        else:
            problems.append(Message(MSG_SCANNED_PAGES, {"pages": scanned_pages}))

    if total > limits.pages:
        problems.append(Message(MSG_PAGES_CUT, {"total": total, "limit": limits.pages}))
    return _cut(text, "pdf", limits.chars, problems, pages=total, page_starts=tuple(starts))


# -- Word ----------------------------------------------------------------------------------------


def _docx(data: bytes, limits: Limits) -> Extracted:
    text = docx.all_text(docx.open_docx(data, limits.zip), limits.chars)
    problems: list[Message] = []
    pictures = _pictures(data, "word/media/")
    if pictures:
        problems.append(Message(MSG_PICTURES, {"count": pictures}))
    return _cut(text, "docx", limits.chars, problems)


def _doc(data: bytes, limits: Limits) -> Extracted:
    """A .doc or .wps: converted to .docx by LibreOffice, then read as one."""
    try:
        converted = office.to_docx(data)
    except office.OfficeUnavailable:
        return Extracted("", "doc", problems=(Message(MSG_NO_OFFICE),))
    except office.ConversionFailed as failed:
        if failed.timeout:
            return Extracted("", "doc", problems=(Message(MSG_TOO_COMPLEX),))
        return Extracted("", "doc", problems=(Message(MSG_BROKEN, {"kind": _broken_label("doc")}),))
    read = _docx(converted, limits)
    return Extracted(read.text, "doc", problems=read.problems)


# -- OFD -----------------------------------------------------------------------------------------


def _ofd(data: bytes, limits: Limits) -> Extracted:
    text, starts = ofd.all_text(data, limits.chars, limits.zip)
    return _cut(text, "ofd", limits.chars, pages=len(starts), page_starts=tuple(starts))


# -- zip -----------------------------------------------------------------------------------------


def _member_name(info: zipfile.ZipInfo) -> str:
    """The member's name as its maker wrote it (GBK names from Chinese Windows have no UTF-8 flag)."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        raw = info.filename.encode("cp437")
    except UnicodeEncodeError:
        return info.filename
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return info.filename


def _zip(data: bytes, limits: Limits) -> Extracted:
    """The text of each file of a zip, read by the readers above, in name order."""
    chunks: list[str] = []
    problems: list[Message] = []
    length = 0
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = sorted(
            (info for info in archive.infolist() if not info.is_dir()), key=lambda info: _member_name(info)
        )
        for info in members[:MAX_ZIP_FILES]:
            name = _member_name(info)
            if info.flag_bits & 0x1:  # encrypted
                problems.append(Message(MSG_ZIP_FILE, {"name": name, "problem": Message(MSG_UNKNOWN)}))
                continue
            content = archive.read(info)
            kind = file_kind(content)
            if kind == "zip":
                problems.append(Message(MSG_ZIP_NESTED, {"name": name}))
                continue
            read = _extract(content, kind, limits)
            problems.extend(Message(MSG_ZIP_FILE, {"name": name, "problem": p}) for p in read.problems)
            chunk = f"【{name}】\n{read.text}\n"
            chunks.append(chunk)
            length += len(chunk)
            if length > limits.chars:
                break
        if len(members) > MAX_ZIP_FILES:
            problems.append(Message(MSG_ZIP_FILES_CUT, {"total": len(members), "limit": MAX_ZIP_FILES}))
    return _cut("".join(chunks), "zip", limits.chars, problems)


# -- Excel ---------------------------------------------------------------------------------------


def _xlsx(data: bytes, limits: Limits) -> Extracted:
    import openpyxl  # type: ignore[import-untyped]

    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    lines: list[str] = []
    length = 0
    cells = 0
    problems: list[Message] = []
    try:
        for sheet in workbook.worksheets:
            lines.append(f"【{sheet.title}】")
            if hasattr(sheet, "reset_dimensions"):
                sheet.reset_dimensions()  # a sheet's declared size may be a lie: read only the cells there
            for row in sheet.iter_rows(values_only=True):
                cells += len(row)
                if cells > limits.cells:
                    problems.append(Message(MSG_CELLS_CUT, {"limit": _count(limits.cells)}))
                    break
                line = "\t".join(_cell_text(v) for v in row if v is not None and v != "")
                if line:
                    lines.append(line)
                    length += len(line) + 1
                if length > limits.chars:
                    break
            if cells > limits.cells or length > limits.chars:
                break
    finally:
        workbook.close()
    pictures = _pictures(data, "xl/media/")
    if pictures:
        problems.append(Message(MSG_PICTURES, {"count": pictures}))
    return _cut("\n".join(lines), "xlsx", limits.chars, problems)


def _cell_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e19:
        return str(int(value))  # a phone number typed as a number
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        return value.date().isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value)
