"""The annual report as a PDF: the HTML page (:func:`gongkai.reports.export.html.render_html`) printed on
A4 by WeasyPrint, with the Chinese fonts embedded.

WeasyPrint needs Pango (Debian: libpango-1.0-0, libpangoft2-1.0-0) and finds fonts through fontconfig.
Without any Chinese font it does not fail: it silently prints every character as an empty box (tofu).
So before printing, :func:`cjk_font_families` asks fontconfig for the fonts that cover Chinese, and
:func:`render_pdf` refuses with :class:`~gongkai.reports.export.ExportUnavailable` (a Chinese message
naming the package to install) when there is none.
"""

from __future__ import annotations

import logging
import subprocess
from typing import Any

from gongkai.core.messages import N_, Message
from gongkai.reports.document import ReportDocument
from gongkai.reports.export.base import ExportUnavailable
from gongkai.reports.export.html import render_html

__all__ = [
    "MSG_NO_CJK_FONT",
    "MSG_NO_FONTCONFIG",
    "MSG_NO_PANGO",
    "cjk_font_families",
    "print_html",
    "render_pdf",
]

MSG_NO_CJK_FONT = N_(
    "无法生成 PDF：服务器上没有可用的中文字体，生成的 PDF 中汉字会显示为方框。"
    "请系统管理员安装中文字体后重试（Debian/Ubuntu：apt-get install fonts-noto-cjk）；"
    "也可以先导出 Word（.docx）或网页（.html）版本。"
)
MSG_NO_FONTCONFIG = N_(
    "无法生成 PDF：服务器上没有 fontconfig 字体配置工具（fc-list），无法确认是否安装了中文字体。"
    "请系统管理员安装后重试（Debian/Ubuntu：apt-get install fontconfig fonts-noto-cjk）；"
    "也可以先导出 Word（.docx）或网页（.html）版本。"
)
MSG_NO_PANGO = N_(
    "无法生成 PDF：服务器缺少 PDF 排版所需的系统库（%(error)s）。"
    "请系统管理员安装 Pango 后重试（Debian/Ubuntu：apt-get install libpango-1.0-0 libpangoft2-1.0-0）；"
    "也可以先导出 Word（.docx）或网页（.html）版本。"
)


def cjk_font_families() -> list[str]:
    """The font families fontconfig has that cover Chinese (``fc-list :lang=zh family``), sorted.

    fontconfig is the library WeasyPrint (Pango) finds fonts with, and ``fc-list`` reads the same
    configuration (``FONTCONFIG_FILE`` included). Raises :class:`ExportUnavailable` if ``fc-list`` is
    missing or fails.
    """
    try:
        proc = subprocess.run(
            ["fc-list", ":lang=zh", "family"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    except (FileNotFoundError, PermissionError, subprocess.TimeoutExpired) as exc:
        raise ExportUnavailable(Message(MSG_NO_FONTCONFIG)) from exc
    if proc.returncode != 0:
        raise ExportUnavailable(Message(MSG_NO_FONTCONFIG))
    families: set[str] = set()
    for line in proc.stdout.splitlines():
        # One font per line; a font with localized names lists them comma-separated.
        for name in line.split(","):
            name = name.strip().replace("\\-", "-")
            if name:
                families.add(name)
    return sorted(families)


def _weasyprint() -> Any:
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: cffi cannot load libpango / libgobject
        first_line = (str(exc).splitlines() or [type(exc).__name__])[0]
        raise ExportUnavailable(Message(MSG_NO_PANGO, {"error": first_line})) from exc
    return weasyprint


def render_pdf(doc: ReportDocument) -> bytes:
    """The report as an A4 PDF with the Chinese fonts embedded (subset).

    Raises :class:`ExportUnavailable` when the server cannot print Chinese (no CJK font, no Pango).
    """
    return print_html(render_html(doc, standalone=True))


def print_html(page: str) -> bytes:
    """A standalone HTML page (inline CSS, no external resources) printed to PDF with the Chinese fonts
    embedded (subset); the annual report's and the case file's cover. Raises :class:`ExportUnavailable`
    when the server cannot print Chinese (no CJK font, no Pango)."""
    weasyprint = _weasyprint()
    # WeasyPrint logs every layout step at INFO, which the site's root logger would print for each export.
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    if not cjk_font_families():
        raise ExportUnavailable(Message(MSG_NO_CJK_FONT))
    pdf = weasyprint.HTML(string=page, base_url=None).write_pdf()
    assert isinstance(pdf, bytes)
    return bytes(pdf)
