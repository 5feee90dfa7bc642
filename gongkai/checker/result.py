"""What the checker produces: a parsed report and the result of checking it.

The tables and findings are the report domain's (``gongkai.reports.tables``,
``gongkai.reports.findings``); the JSON form is the one ``gongkai check --json`` prints, documented in
``docs/check-json.md`` and built by ``gongkai.reports.checkjson`` (the report generator's JSON export
builds the same). Pure Python (no Django).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from gongkai.reports.checkjson import result_json
from gongkai.reports.findings import SEVERITIES, Finding, Severity
from gongkai.reports.model import FormatVersion
from gongkai.reports.tables import Tables

#: What a document is: an annual report in the official formats (2019 onward), one in the free-text style
#: used before 2019, a blank template of the official tables (no figures), or not an annual report at all.
ReportKind = Literal["annual_report", "legacy_report", "template", "not_a_report"]
#: Why a document is ``not_a_report``: it does not read as one (a letter, a 总结), it compares two
#: years' reports, or it holds a report's tables inside another kind of document.
NotReportReason = Literal["not_report", "comparison", "tables_only"]


@dataclass
class LabelSeen:
    """How a row label was actually written in the report (for label-fidelity findings)."""

    table: str
    row: str
    text: str


@dataclass
class ParsedReport:
    """A report after reading and parsing, before checks."""

    kind: ReportKind
    #: The format the report's year requires (``gongkai.reports.model.format_for_year``): 2019 format for
    #: 2019–2020, 2021 format since; ``None`` when the year is unknown or before 2019, or not a report.
    format: FormatVersion | None
    year: int | None
    agency: str | None
    tables: Tables
    #: The normalised full text (simplified characters, half-width digits) without table cells.
    text: str
    #: Prose of each section, keyed by section key, in document order (only sections found).
    sections: dict[str, str] = field(default_factory=dict)
    #: Order in which section headings were found (section keys), duplicates kept.
    section_order: list[str] = field(default_factory=list)
    #: Statistics period stated in the text (统计期限), as ISO dates, when found.
    period_start: str | None = None
    period_end: str | None = None
    #: The layout the tables were read from: "html", "docx", "pdf", "pipes", "markdown", "tabs",
    #: "cell_per_line", "squashed", or "none".
    layout: str = "none"
    #: Findings produced while reading (ambiguous splits, extra cells, unreadable rows …).
    parse_findings: list[Finding] = field(default_factory=list)
    labels_seen: list[LabelSeen] = field(default_factory=list)
    #: Format detected from the table itself (column headers / rows), independent of the year.
    detected_format: FormatVersion | None = None
    #: Where the text stops when it is a cut copy (e.g. "表三“6.属于四类过程性信息”行"); the parts
    #: after it are not reported missing one by one (one ``document.truncated`` finding says it).
    truncated_after: str | None = None
    #: The format the tables were read in (their headers and rows; the year's when they do not tell);
    #: ``None`` when no table was found.
    table_format: FormatVersion | None = None
    #: Why a ``not_a_report`` is not one (see :data:`NotReportReason`); the years a comparison compares.
    not_report_reason: NotReportReason | None = None
    compared_years: tuple[int, ...] = ()
    #: A scanned PDF read by OCR: ``{"pages": [...], "cells": [{"table", "row", "column", "confidence",
    #: "unsure"}...]}`` (:mod:`gongkai.checker.readers.ocr`); None when no page was.
    ocr: dict[str, Any] | None = None


def severity_counts(result: dict[str, Any]) -> dict[str, int]:
    """How many findings of each severity a ``CheckResult.to_json()`` holds (none for an unreadable file)."""
    findings = result.get("findings") or []
    return {s: sum(1 for f in findings if f.get("severity") == s) for s in SEVERITIES}


@dataclass
class CheckResult:
    path: str
    report: ParsedReport
    findings: list[Finding]

    @property
    def has_errors(self) -> bool:
        return any(f.severity == "error" for f in self.findings)

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def to_json(self) -> dict[str, Any]:
        r = self.report
        return result_json(
            path=self.path,
            kind=r.kind,
            format=r.format,
            table_format=r.table_format,
            year=r.year,
            agency=r.agency,
            layout=r.layout,
            period_start=r.period_start,
            period_end=r.period_end,
            tables=r.tables,
            findings=self.findings,
            ocr=r.ocr,
        )
