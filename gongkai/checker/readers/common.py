"""What every reader shares: the messages of :class:`~gongkai.checker.source.UnreadableFile`, decoding
text of an unknown encoding (:mod:`gongkai.documents.text`), joining the lines of a cell, and assembling
lines into a ``Source``."""

from __future__ import annotations

import re

from gongkai.checker.labels import rejoin_wrapped_labels
from gongkai.checker.source import CELL, Source, UnreadableFile
from gongkai.core.messages import N_
from gongkai.documents.text import CONTROL, decode_text
from gongkai.reports.normalize import normalize_text

# ------------------------------------------------------------------------------------------------
# Messages
# ------------------------------------------------------------------------------------------------

#: The messages are ``N_``-marked message ids (Chinese); ``MSG_IMAGE`` and ``MSG_INTERNAL`` take values.
SUPPORTED = "请提供 Word（.docx）、PDF、网页（.html）或文本（.txt）格式的报告"
MSG_EMPTY = N_(
    "文件是空的（0 字节），没有可读取的内容；请检查是否选错了文件，"
    "请提供 Word（.docx）、PDF、网页（.html）或文本（.txt）格式的报告"
)
MSG_BLANK = N_(
    "文件中没有任何文字；请检查是否选错了文件，"
    "请提供 Word（.docx）、PDF、网页（.html）或文本（.txt）格式的报告"
)
MSG_OFFICE_MISSING = N_(
    "本机未安装 LibreOffice，无法读取旧版 Word（.doc）或 WPS（.wps）文件；请另存为 .docx 或 PDF 后重试，"
    "或请管理员安装 libreoffice-writer-nogui"
)
MSG_DOC_BROKEN = N_(
    "旧版 Word（.doc）或 WPS（.wps）文件无法转换，可能已损坏；请在 Word 或 WPS 中打开并另存为 .docx 后重试"
)
MSG_DOC_TIMEOUT = N_(
    "旧版 Word（.doc）或 WPS（.wps）文件未能在 %(seconds)s 秒内转换完成；请另存为 .docx 或 PDF 后重试"
)
MSG_WPS_OLD = N_(
    "这是 WPS 早期版本（WPS 2000 及以前）自有格式的文件，无法读取；请在 WPS 中另存为 .docx 或 PDF 后重试"
)
MSG_OFD_BROKEN = N_("OFD 文件已损坏或格式不正确，无法读取；请重新导出 OFD 或 PDF，或提供 Word（.docx）文件")
MSG_OFD_TOO_LARGE = N_("OFD 文件解压后过大（可能是“压缩炸弹”），无法读取；请重新导出 OFD 或 PDF 后重试")
MSG_XLS = N_(
    "不支持 Excel 表格（.xls）文件；请提供 Word（.docx）、PDF、网页（.html）或文本（.txt）格式的报告"
)
MSG_OLE = N_("不支持旧版 Office（.doc/.xls/.ppt/.wps）文件，请另存为 .docx 或 PDF 后重试")
MSG_XLSX = N_(
    "不支持 Excel 表格（.xlsx）文件；请提供 Word（.docx）、PDF、网页（.html）或文本（.txt）格式的报告"
)
MSG_PPTX = N_(
    "不支持 PowerPoint（.pptx）文件；请提供 Word（.docx）、PDF、网页（.html）或文本（.txt）格式的报告"
)
MSG_ODF = N_("不支持 OpenDocument（.odt/.ods）文件，请另存为 .docx 后重试")
MSG_ZIP = N_("这是一个压缩包，不是报告文件；请解压后上传其中的报告（.docx、PDF、.html 或 .txt）")
MSG_RTF = N_("不支持 RTF 文件，请在 Word 中另存为 .docx 后重试")
MSG_IMAGE = N_(
    "这是一张图片（%(kind)s），无法读取其中的文字；"
    "请提供 Word（.docx）、PDF、网页（.html）或文本（.txt）格式的报告"
    "（带文字层，不是扫描件）"
)
MSG_PDF_NO_TEXT = N_("该 PDF 没有文字层（可能是扫描件），无法读取；请提供带文字的 PDF 或 Word 文件")
MSG_OCR_MISSING = N_(
    "该 PDF 是扫描件（没有文字层），需要文字识别，但本机未安装 Tesseract，无法识别扫描件；"
    "请管理员安装 tesseract-ocr 和 tesseract-ocr-chi-sim，或提供带文字的 PDF 或 Word 文件"
)
MSG_OCR_NO_CHINESE = N_(
    "该 PDF 是扫描件（没有文字层），需要文字识别，但本机的 Tesseract 没有简体中文识别数据（chi_sim），"
    "无法识别扫描件；请管理员安装 tesseract-ocr-chi-sim，或提供带文字的 PDF 或 Word 文件"
)
MSG_OCR_PAGES = N_(
    "该 PDF 是扫描件，共有 %(pages)s 页需要文字识别，超过了一次最多识别的 %(max_pages)s 页；"
    "请只提供报告本身的页面，或提供带文字的 PDF 或 Word 文件"
)
MSG_OCR_TIMEOUT = N_(
    "该 PDF 是扫描件，文字识别未能在 %(seconds)s 秒内完成；请只提供报告本身的页面，"
    "或提供带文字的 PDF 或 Word 文件"
)
MSG_PDF_ENCRYPTED = N_("该 PDF 已加密或设置了打开密码，无法读取；请提供未加密的 PDF 或 Word 文件")
MSG_PDF_BROKEN = N_("PDF 文件已损坏或格式不正确，无法读取；请重新导出 PDF，或提供 Word（.docx）文件")
MSG_PDF_TOO_COMPLEX = N_(
    "PDF 文件过大或过于复杂，无法在限定的时间和内存内读取；请重新导出 PDF，或提供 Word（.docx）文件"
)
MSG_DOCX_TOO_LARGE = N_(
    "Word（.docx）文件解压后过大（可能是“压缩炸弹”），无法读取；请在 Word 中另存为 .docx 后重试"
)
MSG_DOCX_BROKEN = N_("Word（.docx）文件已损坏或格式不正确，无法读取；请在 Word 中打开并另存为 .docx 后重试")
MSG_HTML_BROKEN = N_("网页文件无法解析；请在浏览器中打开后另存为网页（.html），或提供 Word、PDF、文本文件")
MSG_BINARY = N_(
    "无法识别文件内容：它不是支持的文件格式（.docx、PDF、.html），也不是 UTF-8 或 GB18030（GBK）编码的"
    "文本；"
    "请提供 Word（.docx）、PDF、网页（.html）或文本（.txt）格式的报告"
)
MSG_INTERNAL = N_(
    "读取文件时出错（%(error)s），无法读取；请在原程序中重新保存文件后重试，"
    "请提供 Word（.docx）、PDF、网页（.html）或文本（.txt）格式的报告"
)


# ------------------------------------------------------------------------------------------------
# Text decoding
# ------------------------------------------------------------------------------------------------


def decode(data: bytes) -> str:
    """The text of ``data`` (:func:`gongkai.documents.text.decode_text`), its stray control characters
    removed; raises :class:`UnreadableFile` for binary data."""
    text = decode_text(data)
    if text is None:
        raise UnreadableFile(MSG_BINARY)
    return CONTROL.sub("", text) if CONTROL.search(text, 0, 20000) else text


# ------------------------------------------------------------------------------------------------
# Shared helpers
# ------------------------------------------------------------------------------------------------

#: CJK ideographs plus CJK/full-width punctuation: no space is needed between two of them.
CJKP = "\u2e80-\u2fff\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
_IS_CJKP = re.compile(f"[{CJKP}]")
_NEWLINE_RUN = re.compile(r"\s*\n\s*")
SPACE_RUN = re.compile(r"[^\S\n]+")
#: A table caption/row label immediately followed by digits: cells run together (a crawler's innerText).
SQUASHED = re.compile(
    r"(?:本年新收政府信息公开申请数量|上年结转政府信息公开申请数量) ?\d"
    r"|第二十条第\([一二三四五六七八九十]+\)项[^\n]{0,60}?(?:规章|规范性文件|行政许可|行政处罚) ?\d"
)


def join_breaks(s: str) -> str:
    """Join the lines of a cell: nothing between two CJK characters, a space otherwise."""
    if "\n" in s:
        s = _NEWLINE_RUN.sub(break_replacement, s.strip())
    return SPACE_RUN.sub(" ", s).strip()


def break_replacement(m: re.Match[str]) -> str:
    text = m.string
    start, end = m.start(), m.end()
    if start > 0 and end < len(text) and _IS_CJKP.match(text, start - 1) and _IS_CJKP.match(text, end):
        return ""
    return " "


def row_line(cells: list[str]) -> str:
    """A table row: every cell followed by CELL (callers have removed CELL and newlines from cells)."""
    return CELL.join(cells) + CELL


def finish(lines: list[str], file_kind: str, layout: str | None) -> Source:
    """Normalise the assembled lines of a structured file (HTML, DOCX, PDF) into a Source."""
    text = normalize_text("\n".join(lines))
    out: list[str] = []
    # A row label wrapped around its numbers (a table row a PDF gives as text): one line again.
    for line in rejoin_wrapped_labels(text.split("\n")):
        if CELL in line:
            out.append(row_line([c.strip() for c in line.split(CELL)[:-1]]))
        else:
            line = line.strip()
            if line:
                out.append(line)
    result = "\n".join(out)
    if layout is None:
        layout = "squashed" if SQUASHED.search(result) else "plain"
    return Source(text=result, file_kind=file_kind, layout=layout)
