"""A whole checked report as the results page shows it (:func:`present`), and a check back from the
JSON that saved checks store (:func:`result_from_json`, :func:`findings_from_json`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, cast

from django.utils.translation import gettext as _

from gongkai.checker.codes import CODES
from gongkai.checker.presenters.labels import (
    SEVERITY_RANK,
    describe_location,
    finding_message,
    format_label,
    format_value,
    kind_label,
    layout_format,
    severity_label,
)
from gongkai.checker.presenters.tables import CellKey, Marks, TableView, marked_table_views
from gongkai.checker.result import CheckResult, ParsedReport, ReportKind
from gongkai.core.i18n import render
from gongkai.reports.findings import SEVERITIES, Finding, Severity, params_from_json
from gongkai.reports.model import FORMAT_VERSIONS, FormatVersion
from gongkai.reports.tables import Tables


@dataclass
class FindingView:
    id: str
    code: str
    severity: str
    severity_label: str
    message: str
    location: str
    expected: str
    found: str
    has_expected: bool
    #: The id of the highlighted cell, "" when the finding names no cell shown in the tables.
    anchor: str = ""
    #: What the code means (``codes.CODES``) in the active language; "" for a code the checker does not own.
    code_title: str = ""
    code_description: str = ""

    @property
    def code_help(self) -> str:
        """The code's title and description, for a tooltip on the code ("" for a code without them)."""
        if not self.code_title:
            return ""
        return _("%(title)s：%(description)s") % {
            "title": self.code_title,
            "description": self.code_description,
        }


@dataclass
class SeverityGroup:
    severity: str
    label: str
    findings: list[FindingView]


@dataclass
class ReportView:
    prefix: str
    path: str
    kind: str
    kind_label: str
    #: The format the year requires, and the one the tables use (``docs/check-json.md``).
    format: str | None
    format_label: str
    table_format_label: str
    year: int | None
    agency: str | None
    counts: list[tuple[str, str, int]]  # (severity, label, count)
    is_report: bool
    tables: list[TableView]
    findings: list[FindingView]

    @property
    def error_count(self) -> int:
        return next(n for s, _, n in self.counts if s == "error")

    @property
    def finding_groups(self) -> list[SeverityGroup]:
        return [
            SeverityGroup(s, label, [f for f in self.findings if f.severity == s])
            for s, label, n in self.counts
            if n
        ]


def present(result: CheckResult, prefix: str = "r1") -> ReportView:
    """Everything the results page shows for one checked report; ``prefix`` keeps ids unique per page."""
    report = result.report
    version = layout_format(report)
    marks = Marks(prefix, result.findings)
    is_report = report.kind in ("annual_report", "legacy_report")
    tables = marked_table_views(report.tables, version, marks) if is_report and version is not None else []
    findings: list[FindingView] = []
    for n, f in enumerate(_sorted(result.findings), start=1):
        key: CellKey | None = (f.table, f.row, f.column) if f.table and f.row else None
        findings.append(
            FindingView(
                id=f"{prefix}-f{n}",
                code=f.code,
                severity=f.severity,
                severity_label=severity_label(f.severity),
                message=finding_message(f),
                location=describe_location(f, version),
                expected=format_value(f.expected),
                found=format_value(f.found),
                has_expected=f.expected is not None or f.found is not None,
                anchor=marks.cell_id(key) if key is not None and key in marks.shown else "",
                code_title=render(info.title) if (info := CODES.get(f.code)) else "",
                code_description=render(info.description) if info else "",
            )
        )
    return ReportView(
        prefix=prefix,
        path=result.path,
        kind=report.kind,
        kind_label=kind_label(report.kind),
        format=report.format,
        format_label=format_label(report.format),
        table_format_label=format_label(report.table_format),
        year=report.year,
        agency=report.agency,
        counts=[(s, severity_label(s), result.count(s)) for s in SEVERITIES],
        is_report=is_report,
        tables=tables,
        findings=findings,
    )


def _sorted(findings: Iterable[Finding]) -> list[Finding]:
    """Errors first, then warnings, then notes; document order within a severity."""
    return sorted(findings, key=lambda f: SEVERITY_RANK.get(f.severity, len(SEVERITIES)))


# ---------------------------------------------------------------------------------------------
# Back from JSON (saved checks store ``CheckResult.to_json()``)
# ---------------------------------------------------------------------------------------------


def findings_from_json(items: Iterable[Mapping[str, Any]]) -> list[Finding]:
    """Findings as ``Finding.to_json()`` wrote them (the checker's and Gongkai's own rules alike); one
    stored without ``template`` (before findings carried one) keeps only its Chinese ``message``."""
    return [
        Finding(
            code=f["code"],
            severity=cast(Severity, f["severity"]),
            message=f["message"],
            section=f.get("section"),
            table=f.get("table"),
            row=f.get("row"),
            column=f.get("column"),
            expected=f.get("expected"),
            found=f.get("found"),
            template=f["template"] if isinstance(f.get("template"), str) else None,
            params=params_from_json(f.get("params")),
        )
        for f in items
    ]


def result_from_json(data: Mapping[str, Any]) -> CheckResult:
    """Rebuild the parts of a :class:`CheckResult` that ``to_json`` keeps (no text, no sections)."""
    tables = data.get("tables") or {}
    period = data.get("period") or {}
    fmt = data.get("format")
    # Results saved before ``table_format`` existed: their ``format`` was the tables' format.
    table_fmt = data.get("table_format", fmt)
    report = ParsedReport(
        kind=cast(ReportKind, data.get("kind", "not_a_report")),
        format=cast(FormatVersion, fmt) if fmt in FORMAT_VERSIONS else None,
        table_format=cast(FormatVersion, table_fmt) if table_fmt in FORMAT_VERSIONS else None,
        year=data.get("year"),
        agency=data.get("agency"),
        tables=Tables(
            section2={k: dict(v) for k, v in (tables.get("section2") or {}).items()},
            section3={k: list(v) for k, v in (tables.get("section3") or {}).items()},
            section4={k: list(v) for k, v in (tables.get("section4") or {}).items()},
        ),
        text="",
        period_start=period.get("start"),
        period_end=period.get("end"),
        layout=data.get("layout", "none"),
    )
    findings = findings_from_json(data.get("findings") or [])
    return CheckResult(path=data.get("path", ""), report=report, findings=findings)
