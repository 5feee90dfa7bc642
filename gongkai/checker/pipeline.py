"""Read → parse → check: the one entry point the command line, the web page, the annual report's
previous-report and bulk imports use.

Reading and parsing run in a limited child process (:func:`gongkai.documents.isolated.run_isolated`):
a hostile file (a zip bomb, pathological XML or HTML, a PDF that inflates or spins) costs one child and
is refused with :data:`MSG_TOO_COMPLEX`, never a stuck or crashed worker. The checks run here, on what
the child parsed.

Pure Python (no Django).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from pathlib import Path

from gongkai.checker.checks import run_checks
from gongkai.checker.detect.agency import agency_places
from gongkai.checker.parse import parse_source
from gongkai.checker.readers import read_bytes
from gongkai.checker.readers.common import MSG_PDF_TOO_COMPLEX
from gongkai.checker.readers.ocr import mark_ocr
from gongkai.checker.result import CheckResult, ParsedReport
from gongkai.checker.source import UnreadableFile
from gongkai.core.messages import N_, Message
from gongkai.documents.isolated import TooComplex, run_isolated
from gongkai.documents.sniffing import sniff
from gongkai.reports.agencynames import match_agency

__all__ = [
    "MAX_DOCX_XML_BYTES",
    "MSG_TOO_COMPLEX",
    "UnreadableFile",
    "check_bytes",
    "check_path",
    "parse_bytes",
    "parse_here",
    "parse_path",
    "with_listed_agency",
]

#: A Word file whose XML parts unpack to more than this is refused unread. Parsing XML takes about 15 times
#: its size in memory (a 1 MB upload unpacking to 400 MB took 6 GB and two minutes); a real report's
#: ``word/document.xml`` is a few MB at most.
MAX_DOCX_XML_BYTES = 20 * 1024 * 1024


#: A file that passed the child's limits (memory, CPU time, wall clock) or made it fail.
MSG_TOO_COMPLEX = N_(
    "文件过大或过于复杂，无法在限定的时间和内存内读取；请在原程序中另存为 .docx 或 PDF 后重试，"
    "或提供文本（.txt）格式的报告"
)


def parse_bytes(data: bytes, filename: str = "", agencies: Sequence[str] = ()) -> ParsedReport:
    """Parse one file's content in a limited child process; raises :class:`UnreadableFile` (message in
    Chinese), :data:`MSG_TOO_COMPLEX` when the child reached a limit. ``agencies``: the names of known
    agencies (the site's, a supervisor's subtree); the report's agency is the listed one it names, when
    it names exactly one (:func:`with_listed_agency`)."""
    try:
        report: ParsedReport = run_isolated(parse_here, data, filename, MAX_DOCX_XML_BYTES)
    except TooComplex as exc:
        if sniff(data[:2048]).kind == "pdf":
            raise UnreadableFile(MSG_PDF_TOO_COMPLEX) from exc
        raise UnreadableFile(MSG_TOO_COMPLEX) from exc
    return with_listed_agency(report, agencies)


def with_listed_agency(report: ParsedReport, agencies: Sequence[str]) -> ParsedReport:
    """``report`` with its agency replaced by the listed agency it names (``match_agency``: the name it
    found or its expansion is a listed name, or exactly one listed name is written in its title, its
    "本报告由…编制" or its signature); unchanged when it names none or several."""
    if agencies:
        matched = match_agency(report.agency, agencies, agency_places(report.text))
        if matched is not None:
            report.agency = matched
    return report


def parse_here(data: bytes, filename: str = "", max_xml_bytes: int = MAX_DOCX_XML_BYTES) -> ParsedReport:
    """:func:`parse_bytes` in this process (the child runs it; PDFs still go to a child of their own
    when called outside one)."""
    _refuse_huge_zip(data, max_xml_bytes)
    source = read_bytes(data, filename)
    report = parse_source(source)
    mark_ocr(source, report)  # a scan: which cells came from OCR, and its doubtful digits
    return report


def _refuse_huge_zip(data: bytes, max_xml_bytes: int) -> None:
    """Refuse a zip (.docx) whose XML would unpack to more than :data:`MAX_DOCX_XML_BYTES`.

    The sizes the zip declares are a safe bound: :mod:`zipfile` never returns more than the declared size.
    """
    if not data.startswith(b"PK"):
        return
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            unpacked = sum(i.file_size for i in zf.infolist() if i.filename.endswith((".xml", ".rels")))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        return  # the reader explains a broken file
    if unpacked > max_xml_bytes:
        raise UnreadableFile(
            Message(
                N_(
                    "Word 文件解压后的内容超过 %(mb)s MB，不像是一份年度报告，"
                    "未检查；请在 Word 中打开并另存为 .docx，或者提供 PDF 文件"
                ),
                {"mb": max_xml_bytes // (1024 * 1024)},
            )
        )


def parse_path(path: str | Path) -> ParsedReport:
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise UnreadableFile(
            Message(
                N_("无法读取文件 %(path)s：%(error)s"), {"path": str(p), "error": exc.strerror or str(exc)}
            )
        ) from exc
    return parse_bytes(data, p.name)


def check_bytes(
    data: bytes,
    filename: str = "",
    previous: ParsedReport | None = None,
    path: str | None = None,
    agencies: Sequence[str] = (),
) -> CheckResult:
    report = parse_bytes(data, filename, agencies)
    return CheckResult(path=path or filename, report=report, findings=run_checks(report, previous))


def check_path(path: str | Path, previous: ParsedReport | None = None) -> CheckResult:
    report = parse_path(path)
    return CheckResult(path=str(path), report=report, findings=run_checks(report, previous))
