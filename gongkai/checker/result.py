"""What the checker produces: a parsed report, its findings, and their JSON form.

Pure Python (no Django). The JSON form is the one ``gongkai check --json`` prints and is documented in
``docs/check-json.md``; the report generator will print the same schema.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from gongkai.reports.model import FormatVersion

#: A table cell as read: a number, ``None`` for a blank cell (also "/", "—", "－", "无"), or the raw text
#: when the cell holds text where a number belongs (kept verbatim, never guessed).
Cell = int | float | str | None

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")

ReportKind = Literal["annual_report", "legacy_report", "not_a_report"]

#: Where a finding is: ``section`` is a section key of ``gongkai.reports.model.SECTIONS``
#: ("overview", "proactive", "applications", "appeals", "problems", "other") or ``None`` for the
#: whole document; ``table`` is "section2" / "section3" / "section4" when the finding is about a cell;
#: ``row`` and ``column`` are the model's stable keys (for table 四, ``row`` is the group key).


@dataclass
class Finding:
    code: str  # stable, documented in docs/checks.md
    severity: Severity
    message: str  # in Chinese, says what is wrong and what was expected
    section: str | None = None
    table: str | None = None
    row: str | None = None
    column: str | None = None
    expected: Any = None
    found: Any = None

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "section": self.section,
            "table": self.table,
            "row": self.row,
            "column": self.column,
            "expected": self.expected,
            "found": self.found,
        }


@dataclass
class Tables:
    """The report's tables keyed by the model's stable keys.

    ``section2``: ``{row_key: {column_key: cell}}``; ``section3``: ``{row_key: [7 cells]}`` in the order
    of ``SECTION3_COLUMN_KEYS``; ``section4``: ``{group_key: [5 cells]}`` in the order of
    ``SECTION4_COLUMN_KEYS``. A row the report does not have is absent from the dict.
    """

    section2: dict[str, dict[str, Cell]] = field(default_factory=dict)
    section3: dict[str, list[Cell]] = field(default_factory=dict)
    section4: dict[str, list[Cell]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "section2": {k: dict(v) for k, v in self.section2.items()},
            "section3": {k: list(v) for k, v in self.section3.items()},
            "section4": {k: list(v) for k, v in self.section4.items()},
        }

    def is_empty(self) -> bool:
        return not (self.section2 or self.section3 or self.section4)


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
    #: The layout the tables were read from: "html", "docx", "pdf", "pipes", "tabs", "cell_per_line",
    #: "squashed", or "none".
    layout: str = "none"
    #: Findings produced while reading (ambiguous splits, extra cells, unreadable rows …).
    parse_findings: list[Finding] = field(default_factory=list)
    labels_seen: list[LabelSeen] = field(default_factory=list)
    #: Format detected from the table itself (column headers / rows), independent of the year.
    detected_format: FormatVersion | None = None
    #: Where the text stops when it is a cut copy (e.g. "表三“6.属于四类过程性信息”行"); the parts
    #: after it are not reported missing one by one (one ``document.truncated`` finding says it).
    truncated_after: str | None = None


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
        return {
            "path": self.path,
            "kind": r.kind,
            "format": r.format,
            "year": r.year,
            "agency": r.agency,
            "layout": r.layout,
            "period": {"start": r.period_start, "end": r.period_end},
            "tables": r.tables.to_json(),
            "findings": [f.to_json() for f in self.findings],
        }
