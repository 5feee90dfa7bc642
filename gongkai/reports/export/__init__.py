"""Exporting an annual report (政府信息公开工作年度报告) from a
:class:`~gongkai.reports.document.ReportDocument`: Word (.docx), PDF, HTML and JSON.

* :mod:`~gongkai.reports.export.layout` — the document as blocks and the official tables as grids with
  merged cells (pure);
* :mod:`~gongkai.reports.export.html` — the HTML page (and the fragment to embed in a page);
* :mod:`~gongkai.reports.export.docx` — the Word document agencies submit (python-docx);
* :mod:`~gongkai.reports.export.pdf` — the HTML page printed by WeasyPrint, Chinese fonts embedded;
* :mod:`~gongkai.reports.export.jsonexport` — the ``gongkai check --json`` schema.

Every file these write is read back by the checker (``check_bytes`` of its pipeline) with the same
tables, cell by cell (tests/reports/test_export_roundtrip.py). Pure Python (no Django); WeasyPrint, the
heaviest library, is imported only when a PDF is asked for.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gongkai.core.messages import N_, Message
from gongkai.reports.export.base import ExportUnavailable
from gongkai.reports.export.docx import render_docx
from gongkai.reports.export.html import render_html
from gongkai.reports.export.jsonexport import render_json
from gongkai.reports.export.pdf import render_pdf

if TYPE_CHECKING:
    from gongkai.reports.document import ReportDocument
    from gongkai.reports.findings import Finding

__all__ = ["FORMATS_BY_SUFFIX", "ExportFormat", "ExportUnavailable", "export", "export_format"]


def _docx(doc: ReportDocument, findings: list[Finding] | None) -> bytes:
    return render_docx(doc)


def _pdf(doc: ReportDocument, findings: list[Finding] | None) -> bytes:
    return render_pdf(doc)


def _html(doc: ReportDocument, findings: list[Finding] | None) -> bytes:
    return render_html(doc).encode("utf-8")


def _json(doc: ReportDocument, findings: list[Finding] | None) -> bytes:
    return json.dumps(render_json(doc, findings), ensure_ascii=False, indent=2).encode("utf-8")


@dataclass(frozen=True)
class ExportFormat:
    suffix: str  # ".docx"
    name: str  # how the format is named to users: "Word" (a message id where it needs translating)
    content_type: str  # the HTTP Content-Type of the file
    render: Callable[[ReportDocument, list[Finding] | None], bytes]


FORMATS_BY_SUFFIX: dict[str, ExportFormat] = {
    ".docx": ExportFormat(
        ".docx", "Word", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", _docx
    ),
    ".pdf": ExportFormat(".pdf", "PDF", "application/pdf", _pdf),
    ".html": ExportFormat(".html", N_("网页"), "text/html; charset=utf-8", _html),
    ".json": ExportFormat(".json", "JSON", "application/json", _json),
}

MSG_UNKNOWN_SUFFIX = N_("不支持的导出格式 %(suffix)s，请使用 .docx、.pdf、.html 或 .json")
MSG_EMPTY_SUFFIX = N_("（空）")


def export_format(suffix: str) -> ExportFormat:
    """The format of a file suffix (".docx", "docx" and ".DOCX" alike); ``ValueError`` (a Message) if none."""
    key = suffix.strip().lower()
    if key and not key.startswith("."):
        key = "." + key
    try:
        return FORMATS_BY_SUFFIX[key]
    except KeyError:
        raise ValueError(Message(MSG_UNKNOWN_SUFFIX, {"suffix": key or Message(MSG_EMPTY_SUFFIX)})) from None


def export(doc: ReportDocument, suffix: str, findings: list[Finding] | None = None) -> bytes:
    """The report as the bytes of a file with ``suffix``; ``findings`` go into the JSON only.

    Raises ``ValueError`` for an unknown suffix and :class:`ExportUnavailable` when this server cannot
    produce the format (both with a Chinese message).
    """
    return export_format(suffix).render(doc, findings)
