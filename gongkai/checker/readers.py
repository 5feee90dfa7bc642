"""Readers: turn the bytes of an uploaded/downloaded file into a :class:`~gongkai.checker.source.Source`.

:func:`read_bytes` sniffs the file type from the content (the file name's suffix is only a hint):

* PDF (``%PDF-``) — pdfplumber: tables (``page.find_tables()``) become table-row lines, the text outside
  them prose lines, in vertical order per page. A PDF without a text layer (a scan) is refused.
* DOCX (a zip holding ``word/document.xml``) — python-docx: the body's paragraphs and tables in document
  order; a merged cell (``gridSpan``, ``vMerge``) is written once.
* HTML (starts with a tag such as ``<html``/``<table``/``<p``, or suffix ``.htm``/``.html``) — lxml:
  script/style/nav noise dropped, block elements give line breaks, innermost ``<table>`` elements give
  table-row lines (a table that contains tables is a layout table: its cells are read as blocks).
* Anything else is text (BOM, then UTF-8, then GB18030); table-looking lines are converted according to
  their layout: ``pipes``, ``cell_per_line``, ``tabs``; prose stays prose (``squashed``/``plain``).

Unsupported or broken input raises :class:`~gongkai.checker.source.UnreadableFile` with a Chinese
message saying why and what to do. No library exception escapes.
"""

from __future__ import annotations

import codecs
import io
import re
import warnings
import zipfile
from collections import Counter
from collections.abc import Iterator
from typing import Any

from gongkai.checker.source import CELL, Source, UnreadableFile
from gongkai.reports.model import SECTION2_2019, SECTION2_2021
from gongkai.reports.normalize import normalize_text

# ------------------------------------------------------------------------------------------------
# Messages
# ------------------------------------------------------------------------------------------------

_SUPPORTED = "请提供 Word（.docx）、PDF、网页（.html）或文本（.txt）格式的报告"
MSG_EMPTY = "文件是空的（0 字节），没有可读取的内容；请检查是否选错了文件，" + _SUPPORTED
MSG_BLANK = "文件中没有任何文字；请检查是否选错了文件，" + _SUPPORTED
MSG_DOC = "不支持旧版 Word（.doc）文件，请在 Word 中另存为 .docx 后重试"
MSG_XLS = "不支持 Excel 表格（.xls）文件；" + _SUPPORTED
MSG_OLE = "不支持旧版 Office（.doc/.xls/.ppt/.wps）文件，请另存为 .docx 或 PDF 后重试"
MSG_XLSX = "不支持 Excel 表格（.xlsx）文件；" + _SUPPORTED
MSG_PPTX = "不支持 PowerPoint（.pptx）文件；" + _SUPPORTED
MSG_ODF = "不支持 OpenDocument（.odt/.ods）文件，请另存为 .docx 后重试"
MSG_ZIP = "这是一个压缩包，不是报告文件；请解压后上传其中的报告（.docx、PDF、.html 或 .txt）"
MSG_RTF = "不支持 RTF 文件，请在 Word 中另存为 .docx 后重试"
MSG_IMAGE = "这是一张图片（{kind}），无法读取其中的文字；" + _SUPPORTED + "（带文字层，不是扫描件）"
MSG_PDF_NO_TEXT = "该 PDF 没有文字层（可能是扫描件），无法读取；请提供带文字的 PDF 或 Word 文件"
MSG_PDF_ENCRYPTED = "该 PDF 已加密或设置了打开密码，无法读取；请提供未加密的 PDF 或 Word 文件"
MSG_PDF_BROKEN = "PDF 文件已损坏或格式不正确，无法读取；请重新导出 PDF，或提供 Word（.docx）文件"
MSG_DOCX_BROKEN = "Word（.docx）文件已损坏或格式不正确，无法读取；请在 Word 中打开并另存为 .docx 后重试"
MSG_HTML_BROKEN = "网页文件无法解析；请在浏览器中打开后另存为网页（.html），或提供 Word、PDF、文本文件"
MSG_BINARY = (
    "无法识别文件内容：它不是支持的文件格式（.docx、PDF、.html），也不是 UTF-8 或 GB18030（GBK）编码的"
    "文本；" + _SUPPORTED
)
MSG_INTERNAL = "读取文件时出错（{error}），无法读取；请在原程序中重新保存文件后重试，" + _SUPPORTED


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


# ------------------------------------------------------------------------------------------------
# Sniffing
# ------------------------------------------------------------------------------------------------

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
        return _read_pdf(data)
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
    text = _decode(data)
    if not text.strip():
        raise UnreadableFile(MSG_BLANK)
    if (
        name.endswith((".htm", ".html", ".shtml", ".xhtml"))
        or _HTML_START.match(text[:4096])
        or _HTML_ANYWHERE.search(text[:4096])
    ):
        return _read_html(text)
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
        return _read_docx(data)
    if "xl/workbook.xml" in names:
        raise UnreadableFile(MSG_XLSX)
    if "ppt/presentation.xml" in names:
        raise UnreadableFile(MSG_PPTX)
    if "content.xml" in names and "mimetype" in names:
        raise UnreadableFile(MSG_ODF)
    raise UnreadableFile(MSG_ZIP)


# ------------------------------------------------------------------------------------------------
# Text decoding
# ------------------------------------------------------------------------------------------------

#: C0 controls other than \t \n \r, DEL and C1 controls: never text (and \x1f is our cell marker).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x84\x86-\x9f]")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_CHARSET_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030"}


def _decode(data: bytes) -> str:
    text: str | None = None
    if data.startswith(codecs.BOM_UTF8):
        text = _try_decode(data[3:], "utf-8")
    elif data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        text = _try_decode(data, "utf-32")
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = _try_decode(data, "utf-16")
    else:
        text = _try_decode(data, "utf-8")
        if b"\x00" in data[:4000]:  # UTF-16 without a BOM (any 8-bit decoding would keep the NULs)
            text = _utf16_without_bom(data) or text
        if text is None:
            m = _META_CHARSET.search(data[:4096])
            if m:
                enc = m.group(1).decode("ascii").lower()
                enc = _CHARSET_ALIASES.get(enc, enc)
                try:
                    codecs.lookup(enc)
                except LookupError:
                    pass
                else:
                    text = _try_decode(data, enc)
        if text is None:
            text = _try_decode(data, "gb18030")
        if text is None:
            text = _utf16_without_bom(data)
    if text is None:
        raise UnreadableFile(MSG_BINARY)
    controls = len(_CONTROL.findall(text[:20000]))
    if "\x00" in text or controls > max(2, len(text[:20000]) // 200):
        raise UnreadableFile(MSG_BINARY)
    return _CONTROL.sub("", text) if controls else text


def _try_decode(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text without a BOM: ASCII characters leave NULs on every other byte."""
    if len(data) < 4 or len(data) % 2:
        return None
    sample = data[:4000]
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    half = len(sample) // 2
    if odd_nuls > half // 4 and even_nuls == 0:
        return _try_decode(data, "utf-16-le")
    if even_nuls > half // 4 and odd_nuls == 0:
        return _try_decode(data, "utf-16-be")
    return None


# ------------------------------------------------------------------------------------------------
# Shared helpers
# ------------------------------------------------------------------------------------------------

#: CJK ideographs plus CJK/full-width punctuation: no space is needed between two of them.
_CJKP = "\u2e80-\u2fff\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
_IS_CJKP = re.compile(f"[{_CJKP}]")
_NEWLINE_RUN = re.compile(r"\s*\n\s*")
_SPACE_RUN = re.compile(r"[^\S\n]+")


def _join_breaks(s: str) -> str:
    """Join the lines of a cell: nothing between two CJK characters, a space otherwise."""
    if "\n" in s:
        s = _NEWLINE_RUN.sub(_break_replacement, s.strip())
    return _SPACE_RUN.sub(" ", s).strip()


def _break_replacement(m: re.Match[str]) -> str:
    text = m.string
    start, end = m.start(), m.end()
    if start > 0 and end < len(text) and _IS_CJKP.match(text, start - 1) and _IS_CJKP.match(text, end):
        return ""
    return " "


def _row_line(cells: list[str]) -> str:
    """A table row: every cell followed by CELL (callers have removed CELL and newlines from cells)."""
    return CELL.join(cells) + CELL


def _finish(lines: list[str], file_kind: str, layout: str | None) -> Source:
    """Normalise the assembled lines of a structured file (HTML, DOCX, PDF) into a Source."""
    text = normalize_text("\n".join(lines))
    out: list[str] = []
    for line in text.split("\n"):
        if CELL in line:
            out.append(_row_line([c.strip() for c in line.split(CELL)[:-1]]))
        else:
            line = line.strip()
            if line:
                out.append(line)
    result = "\n".join(out)
    if layout is None:
        layout = "squashed" if _SQUASHED.search(result) else "plain"
    return Source(text=result, file_kind=file_kind, layout=layout)


# ------------------------------------------------------------------------------------------------
# Plain text
# ------------------------------------------------------------------------------------------------

#: A table caption/row label immediately followed by digits: cells run together (a crawler's innerText).
_SQUASHED = re.compile(
    r"(?:本年新收政府信息公开申请数量|上年结转政府信息公开申请数量) ?\d"
    r"|第二十条第\([一二三四五六七八九十]+\)项[^\n]{0,60}?(?:规章|规范性文件|行政许可|行政处罚) ?\d"
)
_SECTION3_FIRST_ROW = "本年新收政府信息公开申请数量"
_ONLY_PIPES = re.compile(r"\|+")
_NUMBERISH = re.compile(r"[-+]?\d[\d,.]*(?:%|元|万元|件|条|个|项)?|[-/—–]+|无")
_LABEL_START = re.compile(rf"(?:\(?[一二三四五六七八九十]+[)、.]|\d+[.、]|\()?[{_CJKP}]")
_CJK_CHAR = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


def read_text(text: str) -> Source:
    """Read decoded plain text (any layout) into a Source (``file_kind="text"``)."""
    text = normalize_text(text)
    if CELL in text:
        text = text.replace(CELL, " ")
    lines = text.split("\n")
    kinds = [_line_kind(line) for line in lines]
    out: list[str] = []
    row_layouts: list[tuple[str, str]] = []  # (first cell, layout) of every row written
    prose: list[str] = []
    i, n = 0, len(lines)
    while i < n:
        kind = kinds[i]
        if kind is None:
            line = lines[i].strip()
            out.append(line)
            prose.append(line)
            i += 1
            continue
        block: list[str] = []
        while i < n:
            if kinds[i] == kind:
                block.append(lines[i])
                i += 1
                continue
            if not lines[i].strip():  # blank lines inside a table: skip if the table goes on
                j = i
                while j < n and not lines[j].strip():
                    j += 1
                if j < n and kinds[j] == kind:
                    i = j
                    continue
            break
        if kind == "tabs":
            rows, layout = _tab_rows(block), "tabs"
        elif _is_cell_per_line(block):
            rows, layout = _cell_per_line_rows(block), "cell_per_line"
        else:
            rows, layout = _pipe_rows(block), "pipes"
        for cells in rows:
            out.append(_row_line(cells))
            row_layouts.append((cells[0] if cells else "", layout))
    return Source(text="\n".join(out), file_kind="text", layout=_text_layout(row_layouts, prose))


def _line_kind(line: str) -> str | None:
    if "|" in line:
        return "pipes"
    if "\t" in line:
        fields = [f for f in line.split("\t") if f.strip()]
        # one field: a table row only with a colspan filler ("第二十条第(一)项\t\t\t"), not a stray tab
        if len(fields) >= 2 or (len(fields) == 1 and line.rstrip(" ").endswith("\t\t")):
            return "tabs"
    return None


def _text_layout(row_layouts: list[tuple[str, str]], prose: list[str]) -> str:
    for first, layout in row_layouts:
        if _SECTION3_FIRST_ROW in first.replace(" ", ""):
            return layout
    if _SQUASHED.search("\n".join(prose)):
        return "squashed"
    if row_layouts:
        return Counter(layout for _, layout in row_layouts).most_common(1)[0][0]
    return "plain"


def _tab_rows(block: list[str]) -> list[list[str]]:
    rows = []
    for line in block:
        cells = [f.strip() for f in line.split("\t")]
        while cells and not cells[-1]:
            cells.pop()
        if cells:
            rows.append(cells)
    return rows


def _pipe_fields(line: str) -> list[str]:
    s = line.strip()
    if "\t" in s:
        s = s.replace("\t", " ")
    if s.endswith("|") and s.count("|") == 1:  # the common "text |" of cell_per_line
        return [s[:-1].strip()]
    fields = [f.strip() for f in s.split("|")]
    if s.startswith("|") and len(fields) > 1:
        fields.pop(0)
    if s.endswith("|") and fields:
        fields.pop()
    return fields


def _pipe_rows(block: list[str]) -> list[list[str]]:
    rows = []
    for line in block:
        cells = _pipe_fields(line)
        if any(cells):
            rows.append(cells)
    return rows


def _is_cell_per_line(block: list[str]) -> bool:
    """One cell per line ("text |"), rather than one row per line ("a | b | c |")?"""
    single = multi = 0
    for line in block:
        filled = sum(1 for f in line.split("|") if f and not f.isspace())
        if filled == 1:
            single += 1
        elif filled >= 2:
            multi += 1
    return single > 0 and multi * 4 < single


def _is_numberish(cell: str) -> bool:
    return bool(_NUMBERISH.fullmatch(cell))


def _is_label(cell: str) -> bool:
    """A row label (starts a row): begins with CJK text or a list marker, has ≥ 2 ideographs."""
    return (
        bool(cell)
        and not _is_numberish(cell)
        and bool(_LABEL_START.match(cell))
        and len(_CJK_CHAR.findall(cell[:12])) >= 2
    )


def _cell_per_line_rows(block: list[str]) -> list[list[str]]:
    """Rows of the ``cell_per_line`` layout (seed 001, reports 015, 021, 041).

    * ``text |`` is a cell; ``text | |||`` is a cell that ends its row (colspan filler);
    * a line of two or more ``|`` ends the row;
    * a bare ``|`` is an empty cell — except at the start of a row, or right before a line that starts a
      new row (a label), where it is the row separator these converters write (015: every row is preceded
      by ``|``; 021: the ``(一)予以公开`` row ends ``18 | | | | | | | |`` without ``||``);
    * a label cell right after a number cell starts a new row (021 writes the rows of table 二 with no
      separator at all: ``规章 | 0 | 0 | 0 | 行政规范性文件 | …``), and so does a caption of table 二,
      ``信息内容`` or a row label of table 二 (``… | 现行有效件数 | 规章 | 0 | …``).
    """
    rows: list[list[str]] = []
    row: list[str] = []

    def end_row() -> None:
        nonlocal row
        if any(row):
            rows.append(row)
        row = []

    lines = [line.strip() for line in block if line.strip()]
    for idx, s in enumerate(lines):
        if _ONLY_PIPES.fullmatch(s):
            if len(s) >= 2 or not row or (idx + 1 < len(lines) and _starts_row(lines[idx + 1])):
                end_row()
            else:
                row.append("")
            continue
        fields = _pipe_fields(s)
        if not fields:
            continue
        first, rest = fields[0], fields[1:]
        if (
            row
            and first
            and not _is_numberish(first)
            and (_starts_table2_row(first) or (_is_numberish(row[-1]) and _is_label(first)))
        ):
            end_row()
        row.append(first)
        if rest and not any(rest):
            end_row()  # "text | |||": colspan filler ends the row
        else:
            row.extend(rest)
    end_row()
    return rows


#: Cells that always start a row of table 二: its captions, "信息内容" and its row labels (both formats).
_TABLE2_CAPTION = re.compile(r"第二十条第\([一二三四五六七八九十]+\)项")
_TABLE2_ROW_STARTS = frozenset(
    ["信息内容"] + [row.label for block in SECTION2_2019 + SECTION2_2021 for row in block.rows]
)


def _starts_table2_row(cell: str) -> bool:
    compact = cell.replace(" ", "")
    return compact in _TABLE2_ROW_STARTS or bool(_TABLE2_CAPTION.fullmatch(compact))


def _starts_row(line: str) -> bool:
    if _ONLY_PIPES.fullmatch(line):
        return False
    fields = _pipe_fields(line)
    return bool(fields) and _is_label(fields[0])


# ------------------------------------------------------------------------------------------------
# HTML
# ------------------------------------------------------------------------------------------------

_DROP_TAG_NAMES = (
    "script style noscript template head nav iframe svg math object embed select option button textarea "
    "input map area audio video canvas"
)
_BLOCK_TAG_NAMES = (
    "address article aside blockquote body center dd details dialog dir div dl dt fieldset figcaption "
    "figure footer form h1 h2 h3 h4 h5 h6 header hr html legend li main menu ol p pre section summary "
    "table caption tbody thead tfoot tr ul"
)
_DROP_TAGS = frozenset(_DROP_TAG_NAMES.split())
_BLOCK_TAGS = frozenset(_BLOCK_TAG_NAMES.split())
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
#: Markers in the token stream of the HTML walker.
_SOFT = "\x00"  # a newline in the HTML source (collapsible whitespace)
_HARD = "\n"  # a line break (<br>, block boundary)


class _Row:
    __slots__ = ("cells",)

    def __init__(self, cells: list[str]) -> None:
        self.cells = cells


_WS_WITH_NEWLINE = re.compile(r"[ \t\f\v\u00a0]*[\r\n][\s]*")
_WS = re.compile(r"\s+")


def _html_text(s: str | None) -> str:
    """A text node: source newlines become soft breaks, other whitespace runs a space."""
    if not s:
        return ""
    s = _CONTROL.sub("", s)
    return _WS.sub(" ", _WS_WITH_NEWLINE.sub(_SOFT, s))


def _read_html(text: str) -> Source:
    import lxml.etree
    import lxml.html

    text = _XML_DECL.sub("", text)
    try:
        doc = lxml.html.document_fromstring(text)
    except (lxml.etree.ParserError, ValueError) as exc:
        if not text.strip():
            raise UnreadableFile(MSG_BLANK) from exc
        raise UnreadableFile(MSG_HTML_BROKEN) from exc
    title_el = doc.find(".//title")
    title = _join_breaks(_resolve_soft(title_el.text_content())) if title_el is not None else ""
    body = doc.find("body")
    root = body if body is not None else doc
    tokens: list[str | _Row] = []
    n_tables = _walk_html(root, tokens)
    lines: list[str] = []
    chunk: list[str] = []

    def flush() -> None:
        if chunk:
            for line in _resolve_soft("".join(chunk)).split(_HARD):
                line = _SPACE_RUN.sub(" ", line).strip()
                if line:
                    lines.append(line)
            chunk.clear()

    for tok in tokens:
        if isinstance(tok, _Row):
            flush()
            lines.append(_row_line(tok.cells))
        else:
            chunk.append(tok)
    flush()
    if title and not any(title.replace(" ", "") in line.replace(" ", "") for line in lines[:20]):
        lines.insert(0, title)
    if not lines:
        raise UnreadableFile(MSG_BLANK)
    return _finish(lines, "html", "html" if n_tables else None)


_SOFT_RUN = re.compile(f"[ {_SOFT}]*{_SOFT}[ {_SOFT}]*")


def _resolve_soft(s: str) -> str:
    """Soft breaks (source newlines) vanish between CJK characters and become a space otherwise."""
    if _SOFT not in s:
        return s
    return _SOFT_RUN.sub(_break_replacement, s)


def _tag(el: Any) -> str:
    tag = el.tag
    return tag.lower() if isinstance(tag, str) else ""


def _walk_html(el: Any, out: list[str | _Row]) -> int:
    """Append the tokens of ``el``'s content (not its tail) to ``out``; returns the data tables seen."""
    tables = 0
    out.append(_html_text(el.text))
    for child in el:
        tag = _tag(child)
        if not tag or tag in _DROP_TAGS or _HIDDEN_STYLE.search(child.get("style") or ""):
            pass  # comments, processing instructions, noise
        elif tag == "br":
            out.append(_HARD)
        elif tag == "table":
            tables += _html_table(child, out)
        elif tag in _BLOCK_TAGS:
            out.append(_HARD)
            tables += _walk_html(child, out)
            out.append(_HARD)
        elif tag in ("td", "th"):  # stray cells outside a table
            out.append(" ")
            tables += _walk_html(child, out)
            out.append(" ")
        else:
            tables += _walk_html(child, out)
        out.append(_html_text(child.tail))
    return tables


def _own_rows(table: Any) -> Iterator[Any]:
    for child in table:
        tag = _tag(child)
        if tag == "tr":
            yield child
        elif tag in ("thead", "tbody", "tfoot"):
            yield from (tr for tr in child if _tag(tr) == "tr")


def _html_table(table: Any, out: list[str | _Row]) -> int:
    out.append(_HARD)
    nested = any(True for _ in table.iterdescendants("table"))
    tables = 0
    for child in table:
        if _tag(child) == "caption":
            tables += _walk_html(child, out)
            out.append(_HARD)
    for tr in _own_rows(table):
        cells_el = [c for c in tr if _tag(c) in ("td", "th")]
        if nested:  # a layout table: read its cells as blocks
            for cell in cells_el:
                out.append(_HARD)
                tables += _walk_html(cell, out)
                out.append(_HARD)
            continue
        cells: list[str] = []
        for cell in cells_el:
            if _HIDDEN_STYLE.search(cell.get("style") or ""):
                continue
            sub: list[str | _Row] = []
            _walk_html(cell, sub)
            raw = "".join(t for t in sub if isinstance(t, str))
            cells.append(_join_breaks(_resolve_soft(raw).replace(_HARD, "\n")))
        if cells:
            out.append(_Row(cells))
    out.append(_HARD)
    return tables if nested else 1


# ------------------------------------------------------------------------------------------------
# DOCX
# ------------------------------------------------------------------------------------------------


def _read_docx(data: bytes) -> Source:
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # PackageNotFoundError, KeyError, lxml's XMLSyntaxError, BadZipFile …
        raise UnreadableFile(MSG_DOCX_BROKEN) from exc
    lines: list[str] = []
    n_tables = _docx_blocks(document.element.body, lines)
    if not any(line.strip() for line in lines):
        raise UnreadableFile(MSG_BLANK)
    return _finish(lines, "docx", "docx" if n_tables else None)


def _w(tag: str) -> str:
    return "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}" + tag


_W_P, _W_TBL, _W_TR, _W_TC, _W_SDT, _W_SDT_CONTENT = (
    _w("p"),
    _w("tbl"),
    _w("tr"),
    _w("tc"),
    _w("sdt"),
    _w("sdtContent"),
)
_W_T, _W_TAB, _W_BR, _W_CR, _W_TCPR = _w("t"), _w("tab"), _w("br"), _w("cr"), _w("tcPr")
_W_VMERGE, _W_HMERGE, _W_VAL = _w("vMerge"), _w("hMerge"), _w("val")
_W_DEL, _W_INSTR = _w("del"), _w("instrText")
_W_TXBX = _w("txbxContent")


def _docx_paragraph_text(p: Any) -> str:
    """Text of a w:p: runs, hyperlinks, insertions; w:br → newline, w:tab → tab; deletions skipped."""
    parts: list[str] = []
    for el in p.iter(_W_T, _W_TAB, _W_BR, _W_CR):
        # skip deleted text and text boxes (their paragraphs are read on their own if at all)
        anc = el.getparent()
        skip = False
        while anc is not None and anc is not p:
            if anc.tag in (_W_DEL, _W_TXBX):
                skip = True
                break
            anc = anc.getparent()
        if skip:
            continue
        if el.tag == _W_T:
            parts.append(el.text or "")
        elif el.tag == _W_TAB:
            parts.append("\t")
        else:
            parts.append("\n")
    return "".join(parts)


def _docx_blocks(container: Any, lines: list[str]) -> int:
    """Paragraphs and tables of a body / cell / content control in order; returns the tables written."""
    tables = 0
    for child in container.iterchildren():
        if child.tag == _W_P:
            for line in _docx_paragraph_text(child).replace("\t", " ").split("\n"):
                lines.append(_CONTROL.sub("", line))
        elif child.tag == _W_TBL:
            tables += _docx_table(child, lines)
        elif child.tag == _W_SDT:
            content = child.find(_W_SDT_CONTENT)
            if content is not None:
                tables += _docx_blocks(content, lines)
    return tables


def _docx_cells(tr: Any) -> Iterator[Any]:
    for child in tr.iterchildren():
        if child.tag == _W_TC:
            yield child
        elif child.tag == _W_SDT:
            content = child.find(_W_SDT_CONTENT)
            if content is not None:
                yield from (c for c in content.iterchildren() if c.tag == _W_TC)


def _docx_rows(tbl: Any) -> Iterator[Any]:
    for child in tbl.iterchildren():
        if child.tag == _W_TR:
            yield child
        elif child.tag == _W_SDT:
            content = child.find(_W_SDT_CONTENT)
            if content is not None:
                yield from (r for r in content.iterchildren() if r.tag == _W_TR)


def _merge_continues(tc: Any, merge_tag: str) -> bool:
    tc_pr = tc.find(_W_TCPR)
    if tc_pr is None:
        return False
    merge = tc_pr.find(merge_tag)
    if merge is None:
        return False
    return (merge.get(_W_VAL) or "continue") == "continue"


def _docx_table(tbl: Any, lines: list[str]) -> int:
    nested = any(True for _ in tbl.iterdescendants(_W_TBL))
    if nested:  # a layout table: read its cells as blocks
        tables = 0
        for tr in _docx_rows(tbl):
            for tc in _docx_cells(tr):
                if not _merge_continues(tc, _W_VMERGE) and not _merge_continues(tc, _W_HMERGE):
                    tables += _docx_blocks(tc, lines)
        return tables
    for tr in _docx_rows(tbl):
        cells: list[str] = []
        # A horizontally merged cell (w:gridSpan) is one w:tc: written once. A vertically merged cell
        # is a w:tc in every row it covers; the ones with vMerge "continue" are not written.
        for tc in _docx_cells(tr):
            if _merge_continues(tc, _W_VMERGE) or _merge_continues(tc, _W_HMERGE):
                continue
            text = "\n".join(_docx_paragraph_text(p) for p in tc.iter(_W_P))
            cells.append(_join_breaks(_CONTROL.sub("", text.replace("\t", " "))))
        if cells:
            lines.append(_row_line(cells))
    return 1


# ------------------------------------------------------------------------------------------------
# PDF
# ------------------------------------------------------------------------------------------------


def _read_pdf(data: bytes) -> Source:
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    lines: list[str] = []
    n_chars = 0
    n_tables = 0
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for page in pdf.pages:
                n_chars += len(page.chars)
                n_tables += _pdf_page(page, lines)
    except UnreadableFile:
        raise
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise UnreadableFile(MSG_PDF_ENCRYPTED) from exc
    except Exception as exc:  # pdfminer raises many kinds (PSEOF, PDFSyntaxError, KeyError …)
        if "password" in str(exc).lower() or "encrypt" in type(exc).__name__.lower():
            raise UnreadableFile(MSG_PDF_ENCRYPTED) from exc
        raise UnreadableFile(MSG_PDF_BROKEN) from exc
    if n_chars == 0 or not any(line.strip(CELL + " ") for line in lines):
        raise UnreadableFile(MSG_PDF_NO_TEXT)
    return _finish(lines, "pdf", "pdf" if n_tables else None)


def _pdf_page(page: Any, lines: list[str]) -> int:
    tables = page.find_tables()
    boxes = [t.bbox for t in tables]

    def outside(obj: dict[str, Any]) -> bool:
        if obj.get("object_type") != "char":
            return True
        x = (obj["x0"] + obj["x1"]) / 2
        y = (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)

    items: list[tuple[float, int, list[str]]] = []
    prose_page = page.filter(outside) if boxes else page
    for text_line in prose_page.extract_text_lines(return_chars=False):
        items.append((float(text_line["top"]), 0, [str(text_line["text"])]))
    for table in tables:
        rows: list[str] = []
        for row in table.extract():
            cells = [_join_breaks(_CONTROL.sub("", c)) for c in row if c is not None]
            if cells:
                rows.append(_row_line(cells))
        items.append((float(table.bbox[1]), 1, rows))
    items.sort(key=lambda item: (item[0], item[1]))
    for _, _, item_lines in items:
        lines.extend(_CONTROL.sub("", line) if CELL not in line else line for line in item_lines)
    return len(tables)
