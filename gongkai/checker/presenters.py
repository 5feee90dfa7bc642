"""Turn a checked report into what people read: the official tables as rows of cells, and findings.

The layout of every table is derived from ``gongkai.reports.model`` (captions, labels, the 3-row headers
with their merged cells, the row groups of table 三), never spelled out here. Cells named by a finding
are marked with the finding's severity, its message (for a tooltip) and an ``id`` the findings list
links to. Templates only loop over what this module builds.

Pure presentation: no database, no request. The command line uses the same labels and locations.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongkai.checker.result import CheckResult, ParsedReport, ReportKind
from gongkai.reports.findings import SEVERITIES, Finding, Severity
from gongkai.reports.model import (
    FORMAT_VERSIONS,
    RESULT_GROUP,
    SECTION2_CONTENT_HEADER,
    SECTION3_HEADER_GROUPS,
    SECTION3_HEADER_NOTE,
    SECTION_BY_KEY,
    FormatVersion,
    ReportFormat,
    get_format,
)
from gongkai.reports.tables import Cell, Tables

SEVERITY_LABELS: Mapping[str, Any] = {
    "error": gettext_lazy("错误"),
    "warning": gettext_lazy("警告"),
    "info": gettext_lazy("提示"),
}
KIND_LABELS: Mapping[str, Any] = {
    "annual_report": gettext_lazy("年度报告"),
    "legacy_report": gettext_lazy("旧式年度报告（2019年以前的格式）"),
    "not_a_report": gettext_lazy("不是政府信息公开工作年度报告"),
}
#: The first column header of every block of table 二. The model does not hold it yet (it is the same
#: in both formats); it belongs in ``gongkai.reports.model`` next to the other labels.
#: Which section of the report each table belongs to (keys of ``gongkai.reports.model.SECTIONS``).
TABLE_SECTIONS: Mapping[str, str] = {
    "section2": "proactive",
    "section3": "applications",
    "section4": "appeals",
}
_SEVERITY_RANK = {s: i for i, s in enumerate(SEVERITIES)}


def severity_label(severity: str) -> str:
    return str(SEVERITY_LABELS.get(severity, severity))


def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


def format_label(version: str | None) -> str:
    if version is None:
        return _("未识别")
    if version not in FORMAT_VERSIONS:
        return version
    return _("%(version)s年版（%(notice)s）") % {
        "version": version,
        "notice": get_format(cast(FormatVersion, version)).name,
    }


def format_cell(value: Cell) -> str:
    """A cell as shown: the number, "" for a blank cell, the raw text for text in a number cell."""
    if value is None:
        return ""
    if isinstance(value, bool):  # not a cell kind; never shown as True/False
        return str(int(value))
    return str(value)


def format_value(value: Any) -> str:
    """``expected``/``found`` of a finding, for people."""
    if value is None:
        return _("空白")
    if isinstance(value, str):
        return f"“{value}”"
    if isinstance(value, list | tuple):
        return "、".join(format_value(v) for v in value)
    if isinstance(value, dict):
        return "；".join(f"{k}：{format_value(v)}" for k, v in value.items())
    return str(value)


# ---------------------------------------------------------------------------------------------
# Locations
# ---------------------------------------------------------------------------------------------


def layout_format(report: ParsedReport) -> FormatVersion | None:
    """The format the tables were read in: detected from the table, else from its cells, else the year's."""
    return report.detected_format or tables_format(report.tables) or report.format


def tables_format(tables: Tables) -> FormatVersion | None:
    """The format whose rows and columns the cells match best (``None`` on a tie, e.g. no cells)."""
    scores: dict[FormatVersion, int] = {}
    for version in FORMAT_VERSIONS:
        fmt = get_format(version)
        section2 = {(row.key, col.key) for block, row in fmt.section2_rows() for col in block.columns}
        scores[version] = sum(
            (row, col) in section2 for row, cells in tables.section2.items() for col in cells
        ) + sum(key in fmt.section3_row_keys for key in tables.section3)
    best = max(scores.values())
    winners = [v for v, s in scores.items() if s == best]
    return winners[0] if len(winners) == 1 else None


def describe_location(finding: Finding, version: FormatVersion | None) -> str:
    """Where a finding is, in Chinese, with the official labels: section · group · row · column."""
    section_key = finding.section or (TABLE_SECTIONS.get(finding.table) if finding.table else None)
    parts: list[str] = []
    if section_key in SECTION_BY_KEY:
        parts.append(SECTION_BY_KEY[section_key].heading)
    if finding.table and version is not None:
        parts += _table_location(get_format(version), finding.table, finding.row, finding.column)
    elif finding.table:
        parts += [p for p in (finding.row, finding.column) if p]
    return " · ".join(parts) if parts else _("全文")


def _table_location(fmt: ReportFormat, table: str, row: str | None, column: str | None) -> list[str]:
    parts: list[str] = []
    if table == "section2":
        block = next((b for b in fmt.section2 if any(r.key == row for r in b.rows)), None)
        if block is None:
            return [p for p in (row, column) if p]
        parts.append(block.caption)
        parts.append(next(r.label for r in block.rows if r.key == row))
        if column is not None:
            parts.append(next((c.label for c in block.columns if c.key == column), column))
    elif table == "section3":
        if row is not None:
            if row in fmt.section3_row_keys:
                r = fmt.section3_row(row)
                if r.group is not None:
                    parts.append(RESULT_GROUP)
                    if r.group != RESULT_GROUP:
                        parts.append(r.group)
                parts.append(r.label)
            else:
                parts.append(row)
        if column is not None:
            parts.append(next((c.label for c in fmt.section3_columns if c.key == column), column))
    elif table == "section4":
        group = next((g for g in fmt.section4_groups if g.key == row), None)
        if group is not None:
            parts.append(group.parent)
            if group.label != group.parent:
                parts.append(group.label)
        elif row is not None:
            parts.append(row)
        if column is not None:
            parts.append(next((c.label for c in fmt.section4_columns if c.key == column), column))
    return parts


# ---------------------------------------------------------------------------------------------
# Table views
# ---------------------------------------------------------------------------------------------


@dataclass
class CellView:
    text: str = ""
    header: bool = False
    rowspan: int = 1
    colspan: int = 1
    #: "col", "colgroup", "row" or "rowgroup" for header cells.
    scope: str = ""
    css: list[str] = field(default_factory=list)
    #: Set on cells a finding names (the findings list links to it).
    id: str = ""
    #: The messages of the findings on this cell, one per line.
    title: str = ""
    severity: str = ""
    #: Where the value leads (the records behind a computed cell), "" for none.
    href: str = ""

    @property
    def css_class(self) -> str:
        return " ".join(self.css)


@dataclass
class TableView:
    key: str  # "section2", "section3", "section4"
    caption: str
    head: list[list[CellView]]
    body: list[list[CellView]]


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
    format: str | None
    format_label: str
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


CellKey = tuple[str, str, str | None]  # (table, row/group key, column key or None for the row)


class _Marks:
    """The findings of one report by the cell they name, and the ids given to those cells."""

    def __init__(
        self, prefix: str, findings: Sequence[Finding], link: Callable[[CellKey], str] | None = None
    ) -> None:
        self.prefix = prefix
        self.link = link
        self.by_cell: dict[CellKey, list[Finding]] = defaultdict(list)
        for f in findings:
            if f.table and f.row:
                self.by_cell[(f.table, f.row, f.column)].append(f)
        #: Cells actually laid out (a finding may name a row the layout does not have).
        self.shown: set[CellKey] = set()

    def cell_id(self, key: CellKey) -> str:
        return "-".join(p for p in (self.prefix, *key) if p)

    def apply(self, cell: CellView, key: CellKey) -> CellView:
        if self.link is not None and not cell.header:
            cell.href = self.link(key)
        found = self.by_cell.get(key)
        if not found:
            return cell
        worst = min((f.severity for f in found), key=lambda s: _SEVERITY_RANK.get(s, len(SEVERITIES)))
        cell.severity = worst
        cell.css.append(f"finding-{worst}")
        cell.id = self.cell_id(key)
        cell.title = "\n".join(f.message for f in found)
        self.shown.add(key)
        return cell


def _data_cell(value: Cell | None, *, present: bool) -> CellView:
    css = ["num"]
    if not present:
        css.append("cell-missing")
    elif value is None:
        css.append("cell-blank")
    elif isinstance(value, str):
        css = ["cell-text"]
    return CellView(text=format_cell(value), css=css)


def _section2_view(fmt: ReportFormat, data: Mapping[str, Mapping[str, Cell]], marks: _Marks) -> TableView:
    width = max(len(b.columns) for b in fmt.section2)
    body: list[list[CellView]] = []
    for block in fmt.section2:
        body.append(
            [CellView(block.caption, header=True, colspan=width + 1, scope="colgroup", css=["caption"])]
        )
        header = [CellView(SECTION2_CONTENT_HEADER, header=True, scope="col")]
        for i, col in enumerate(block.columns):
            span = width - len(block.columns) + 1 if i == len(block.columns) - 1 else 1
            header.append(CellView(col.label, header=True, colspan=span, scope="col"))
        body.append(header)
        for row in block.rows:
            values = data.get(row.key)
            cells = [marks.apply(CellView(row.label, header=True, scope="row"), ("section2", row.key, None))]
            for i, col in enumerate(block.columns):
                cell = _data_cell(values.get(col.key) if values else None, present=values is not None)
                if i == len(block.columns) - 1:
                    cell.colspan = width - len(block.columns) + 1
                cells.append(marks.apply(cell, ("section2", row.key, col.key)))
            body.append(cells)
    return TableView("section2", SECTION_BY_KEY["proactive"].heading, [], body)


def _section3_view(fmt: ReportFormat, data: Mapping[str, Sequence[Cell]], marks: _Marks) -> TableView:
    columns = fmt.section3_columns
    first, orgs, last = columns[0], columns[1:-1], columns[-1]
    applicants, organisations = SECTION3_HEADER_GROUPS
    head = [
        [
            CellView(SECTION3_HEADER_NOTE, header=True, rowspan=3, colspan=3, css=["note"]),
            CellView(applicants, header=True, colspan=len(columns), scope="colgroup"),
        ],
        [
            CellView(first.label, header=True, rowspan=2, scope="col"),
            CellView(organisations, header=True, colspan=len(orgs), scope="colgroup"),
            CellView(last.label, header=True, rowspan=2, scope="col"),
        ],
        [CellView(c.label, header=True, scope="col") for c in orgs],
    ]
    rows = fmt.section3_rows
    result_span = sum(1 for r in rows if r.group is not None)
    body: list[list[CellView]] = []
    previous_group: str | None = None
    for row in rows:
        cells: list[CellView] = []
        if row.group is None:
            label = CellView(row.label, header=True, colspan=3, scope="row")
        else:
            if previous_group is None:
                cells.append(CellView(RESULT_GROUP, header=True, rowspan=result_span, scope="rowgroup"))
            if row.group == RESULT_GROUP:
                label = CellView(row.label, header=True, colspan=2, scope="row")
            else:
                if row.group != previous_group:
                    span = _run_length(rows, row.key, row.group)
                    cells.append(CellView(row.group, header=True, rowspan=span, scope="rowgroup"))
                label = CellView(row.label, header=True, scope="row")
        previous_group = row.group
        cells.append(marks.apply(label, ("section3", row.key, None)))
        values = data.get(row.key)
        for i, col in enumerate(columns):
            value = values[i] if values is not None and i < len(values) else None
            cell = _data_cell(value, present=values is not None)
            cells.append(marks.apply(cell, ("section3", row.key, col.key)))
        body.append(cells)
    return TableView("section3", SECTION_BY_KEY["applications"].heading, head, body)


def _run_length(rows: Sequence[Any], start_key: str, group: str) -> int:
    """How many consecutive rows from ``start_key`` sit under ``group``."""
    keys = [r.key for r in rows]
    n = 0
    for r in rows[keys.index(start_key) :]:
        if r.group != group:
            break
        n += 1
    return n


def _section4_view(fmt: ReportFormat, data: Mapping[str, Sequence[Cell]], marks: _Marks) -> TableView:
    groups = fmt.section4_groups
    columns = fmt.section4_columns
    parents: list[str] = []
    for g in groups:
        if g.parent not in parents:
            parents.append(g.parent)
    row1 = [
        CellView(p, header=True, scope="colgroup", colspan=len(columns) * sum(g.parent == p for g in groups))
        for p in parents
    ]
    row2: list[CellView] = []
    row3: list[CellView] = []
    for g in groups:
        if g.label == g.parent:  # 行政复议: its columns sit directly under it
            row2 += [CellView(c.label, header=True, rowspan=2, scope="col") for c in columns]
        else:
            row2.append(CellView(g.label, header=True, colspan=len(columns), scope="colgroup"))
            row3 += [CellView(c.label, header=True, scope="col") for c in columns]
    body_row: list[CellView] = []
    for g in groups:
        values = data.get(g.key)
        for i, col in enumerate(columns):
            value = values[i] if values is not None and i < len(values) else None
            cell = _data_cell(value, present=values is not None)
            body_row.append(marks.apply(cell, ("section4", g.key, col.key)))
    head = [row1, row2] + ([row3] if row3 else [])
    return TableView("section4", SECTION_BY_KEY["appeals"].heading, head, [body_row])


def table_views(
    tables: Tables,
    version: FormatVersion,
    findings: Sequence[Finding] = (),
    prefix: str = "r1",
    link: Callable[[CellKey], str] | None = None,
) -> list[TableView]:
    """The three official tables of ``version`` filled from ``tables``, cells named by findings marked;
    ``link`` gives each value cell a URL (or "")."""
    return _table_views(tables, version, _Marks(prefix, findings, link))


def _table_views(tables: Tables, version: FormatVersion, marks: _Marks) -> list[TableView]:
    fmt = get_format(version)
    return [
        _section2_view(fmt, tables.section2, marks),
        _section3_view(fmt, tables.section3, marks),
        _section4_view(fmt, tables.section4, marks),
    ]


# ---------------------------------------------------------------------------------------------
# A whole report
# ---------------------------------------------------------------------------------------------


def present(result: CheckResult, prefix: str = "r1") -> ReportView:
    """Everything the results page shows for one checked report; ``prefix`` keeps ids unique per page."""
    report = result.report
    version = layout_format(report)
    marks = _Marks(prefix, result.findings)
    is_report = report.kind != "not_a_report"
    tables = _table_views(report.tables, version, marks) if is_report and version is not None else []
    findings: list[FindingView] = []
    for n, f in enumerate(_sorted(result.findings), start=1):
        key: CellKey | None = (f.table, f.row, f.column) if f.table and f.row else None
        findings.append(
            FindingView(
                id=f"{prefix}-f{n}",
                code=f.code,
                severity=f.severity,
                severity_label=severity_label(f.severity),
                message=f.message,
                location=describe_location(f, version),
                expected=format_value(f.expected),
                found=format_value(f.found),
                has_expected=f.expected is not None or f.found is not None,
                anchor=marks.cell_id(key) if key is not None and key in marks.shown else "",
            )
        )
    return ReportView(
        prefix=prefix,
        path=result.path,
        kind=report.kind,
        kind_label=kind_label(report.kind),
        format=report.format,
        format_label=format_label(report.format),
        year=report.year,
        agency=report.agency,
        counts=[(s, severity_label(s), result.count(s)) for s in SEVERITIES],
        is_report=is_report,
        tables=tables,
        findings=findings,
    )


def _sorted(findings: Iterable[Finding]) -> list[Finding]:
    """Errors first, then warnings, then notes; document order within a severity."""
    return sorted(findings, key=lambda f: _SEVERITY_RANK.get(f.severity, len(SEVERITIES)))


# ---------------------------------------------------------------------------------------------
# Back from JSON (saved checks store ``CheckResult.to_json()``)
# ---------------------------------------------------------------------------------------------


def findings_from_json(items: Iterable[Mapping[str, Any]]) -> list[Finding]:
    """Findings as ``Finding.to_json()`` wrote them (the checker's and Gongkai's own rules alike)."""
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
        )
        for f in items
    ]


def result_from_json(data: Mapping[str, Any]) -> CheckResult:
    """Rebuild the parts of a :class:`CheckResult` that ``to_json`` keeps (no text, no sections)."""
    tables = data.get("tables") or {}
    period = data.get("period") or {}
    fmt = data.get("format")
    report = ParsedReport(
        kind=cast(ReportKind, data.get("kind", "not_a_report")),
        format=cast(FormatVersion, fmt) if fmt in FORMAT_VERSIONS else None,
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
