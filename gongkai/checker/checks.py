"""The checks of an annual report (年报检查): every error a reader of the published report could find.

``run_checks(report, previous)`` returns the parser's findings plus the findings of every check below,
sorted by severity and then by position in the document. Every finding's code is registered in
``gongkai.checker.codes`` and documented in ``docs/checks.md``. The statutory tables (rows, columns,
identities) are asked from ``gongkai.reports.model``; nothing here re-spells a label or an identity.

Prose checks are deliberately conservative: a number in the text is compared with a table cell only
when an explicit sentence pattern ties it to exactly one cell; a false error on a correct report is
worse than a missed one.

Pure Python (no Django); regexes are compiled once at import.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cached_property
from typing import Any

from gongkai.checker.codes import finding
from gongkai.checker.result import ParsedReport
from gongkai.reports import model
from gongkai.reports.findings import Finding
from gongkai.reports.model import (
    FEE_AMOUNT_DECIMALS,
    FORMATS,
    RESULT_GROUP,
    SECTION3_COLUMN_KEYS,
    SECTION3_COLUMNS,
    SECTION4_COLUMN_KEYS,
    SECTION4_COLUMNS,
    SECTION4_GROUPS,
    SECTIONS,
    FormatVersion,
    Identity,
    ReportFormat,
    format_for_year,
)
from gongkai.reports.tables import Cell, Tables

__all__ = ["run_checks"]

# ---------------------------------------------------------------------------------------------
# Places, ordering, formatting
# ---------------------------------------------------------------------------------------------

_SECTION_KEYS: tuple[str, ...] = tuple(s.key for s in SECTIONS)
_SECTION_INDEX: dict[str, int] = {k: i for i, k in enumerate(_SECTION_KEYS)}
_TABLES: tuple[str, ...] = model.TABLE_KEYS
_TABLE_SECTION: dict[str, str] = {t.key: t.section for t in model.TABLES}
_TABLE_NAME: dict[str, str] = {t.key: t.name for t in model.TABLES}
_SEVERITY_RANK: dict[str, int] = {"error": 0, "warning": 1, "info": 2}
_S3_INDEX: dict[str, int] = {k: i for i, k in enumerate(SECTION3_COLUMN_KEYS)}
_S4_INDEX: dict[str, int] = {k: i for i, k in enumerate(SECTION4_COLUMN_KEYS)}
_S3_COLUMN_LABEL: dict[str, str] = {c.key: c.label for c in SECTION3_COLUMNS}
_S4_COLUMN_LABEL: dict[str, str] = {c.key: c.label for c in SECTION4_COLUMNS}
_S4_GROUP_LABEL: dict[str, str] = {g.key: g.label for g in SECTION4_GROUPS}
_S4_GROUP_INDEX: dict[str, int] = {g.key: i for i, g in enumerate(SECTION4_GROUPS)}


@dataclass(frozen=True)
class _Layout:
    """Lookups of one format, computed once (the model's accessors scan tuples)."""

    s3_labels: dict[str, str]
    s3_row_index: dict[str, int]
    #: table 二 row key -> (row label, {column key: (column label, index)}, row index)
    s2_rows: dict[str, tuple[str, dict[str, tuple[str, int]], int]]


def _layout(fmt: ReportFormat) -> _Layout:
    s2: dict[str, tuple[str, dict[str, tuple[str, int]], int]] = {}
    for i, (block, row) in enumerate(fmt.section2_rows()):
        s2[row.key] = (row.label, {c.key: (c.label, j) for j, c in enumerate(block.columns)}, i)
    return _Layout(
        s3_labels={r.key: r.label for r in fmt.section3_rows},
        s3_row_index={r.key: i for i, r in enumerate(fmt.section3_rows)},
        s2_rows=s2,
    )


_LAYOUTS: dict[str, _Layout] = {v: _layout(f) for v, f in FORMATS.items()}

#: Rows whose cells are unusable for arithmetic because the parser could not read them reliably.
_UNREADABLE_ROW_CODES = frozenset({"parse.unsplittable", "parse.missing_cells"})


class _Missing:
    """A cell the report does not have (row absent or row too short): unverifiable, not blank."""

    def __repr__(self) -> str:
        return "MISSING"


_MISSING = _Missing()


def _num(v: float | None) -> int | float | None:
    """An integral float as int (so messages and JSON show 63, not 63.0); ``None`` stays ``None``."""
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


Number = int | float


def _show(v: Cell | _Missing) -> str:
    """A value as printed in a message (blank as 空白, text quoted)."""
    if v is None or isinstance(v, _Missing):
        return "空白"
    if isinstance(v, str):
        return f"“{v}”"
    return str(_num(v))


def _join(items: Iterable[str]) -> str:
    return "、".join(items)


def _table_format(report: ParsedReport) -> FormatVersion:
    """The format the tables were read in: from the row/column keys present, else what the parser says."""
    s3 = report.tables.section3
    if "other" in s3:
        return "2019"
    if any(k in s3 for k in ("other_no_correction", "other_no_fee", "other_other")):
        return "2021"
    s2 = report.tables.section2
    if "procurement" in s2 or "other_services" in s2:
        return "2019"
    columns = {c for cells in s2.values() for c in cells}
    if columns & {"made", "published", "total_published", "previous", "change"}:
        return "2019"
    if columns & {"issued", "abolished", "in_force"}:
        return "2021"
    if report.format is not None:
        return report.format
    if report.detected_format is not None:
        return report.detected_format
    if report.year is not None:
        return format_for_year(report.year) or "2019"
    return "2021"


def _row_index(layout: _Layout, table: str | None, row: str | None) -> int:
    if table is None or row is None:
        return -1
    if table == "section3":
        return layout.s3_row_index.get(row, len(layout.s3_row_index))
    if table == "section4":
        return _S4_GROUP_INDEX.get(row, len(_S4_GROUP_INDEX))
    entry = layout.s2_rows.get(row)
    return entry[2] if entry else len(layout.s2_rows)


def _column_index(layout: _Layout, table: str | None, row: str | None, column: str | None) -> int:
    if table is None or column is None:
        return -1
    if table == "section3":
        return _S3_INDEX.get(column, len(_S3_INDEX))
    if table == "section4":
        return _S4_INDEX.get(column, len(_S4_INDEX))
    entry = layout.s2_rows.get(row or "")
    if entry is None:
        return 99
    col = entry[1].get(column)
    return col[1] if col else len(entry[1])


def _sorted(findings: list[Finding], fmt: ReportFormat) -> list[Finding]:
    layout = _LAYOUTS[fmt.version]

    def key(item: tuple[int, Finding]) -> tuple[int, int, int, int, int, int]:
        seq, f = item
        section = f.section or (_TABLE_SECTION.get(f.table) if f.table else None)
        s_idx = _SECTION_INDEX.get(section, len(_SECTION_INDEX)) if section else -1
        t_idx = _TABLES.index(f.table) if f.table in _TABLES else -1
        return (
            _SEVERITY_RANK.get(f.severity, 3),
            s_idx,
            t_idx,
            _row_index(layout, f.table, f.row),
            _column_index(layout, f.table, f.row, f.column),
            seq,
        )

    return [f for _, f in sorted(enumerate(findings), key=key)]


# ---------------------------------------------------------------------------------------------
# Cell access
# ---------------------------------------------------------------------------------------------


@dataclass
class _Ctx:
    report: ParsedReport
    fmt: ReportFormat
    #: (table, row) the parser could not read (unsplittable digits, missing cells): their cells are not
    #: used for arithmetic and get no blank-cell finding on top of the parser's.
    unreadable: frozenset[tuple[str, str]]
    #: (table, row) whose label the parser already reported as nonstandard.
    labelled: frozenset[tuple[str, str]]

    @property
    def tables(self) -> Tables:
        return self.report.tables

    @cached_property
    def values(self) -> dict[tuple[str, str, str], Cell]:
        """Every readable cell of tables 三 and 四 by (table, row, column) (table 二 is read on demand)."""
        out: dict[tuple[str, str, str], Cell] = {}
        for table, rows, keys in (
            ("section3", self.report.tables.section3, SECTION3_COLUMN_KEYS),
            ("section4", self.report.tables.section4, SECTION4_COLUMN_KEYS),
        ):
            for row, cells in rows.items():
                if (table, row) in self.unreadable:
                    continue
                for key, value in zip(keys, cells, strict=False):
                    out[(table, row, key)] = value
        return out

    def cell(self, table: str, row: str, column: str) -> Cell | _Missing:
        if table != "section2":
            return self.values.get((table, row, column), _MISSING)
        if (table, row) in self.unreadable:
            return _MISSING
        return _cell(self.report.tables, table, row, column)

    @cached_property
    def prose(self) -> str:
        """The report's prose (the normalised text without table rows)."""
        return self.report.text or "\n".join(self.report.sections.values())

    @cached_property
    def compact(self) -> str:
        """The prose without any whitespace (patterns need not allow for stray spaces and line breaks)."""
        return _WS.sub("", self.prose)

    @cached_property
    def compact_sections(self) -> dict[str, str]:
        return {k: _WS.sub("", v) for k, v in self.report.sections.items()}

    @property
    def layout(self) -> _Layout:
        return _LAYOUTS[self.fmt.version]

    def section3_label(self, row: str) -> str:
        return self.layout.s3_labels.get(row, row)

    def section2_labels(self, row: str, column: str) -> tuple[str, str]:
        entry = self.layout.s2_rows.get(row)
        if entry is None:
            return row, column
        col = entry[1].get(column)
        return entry[0], col[0] if col else column


def _cell(tables: Tables, table: str, row: str, column: str) -> Cell | _Missing:
    if table == "section2":
        cells2 = tables.section2.get(row)
        if cells2 is None:
            return _MISSING
        return cells2.get(column)
    if table == "section3":
        cells, idx = tables.section3.get(row), _S3_INDEX.get(column)
    elif table == "section4":
        cells, idx = tables.section4.get(row), _S4_INDEX.get(column)
    else:
        return _MISSING
    if cells is None or idx is None or idx >= len(cells):
        return _MISSING
    return cells[idx]


def _make_ctx(report: ParsedReport) -> _Ctx:
    fmt = FORMATS[_table_format(report)]
    unreadable: set[tuple[str, str]] = set()
    labelled: set[tuple[str, str]] = set()
    for f in report.parse_findings:
        if not f.table:
            continue
        # Table 四 is read as one row of 15 cells: a finding without a row is about all three groups.
        rows = [f.row] if f.row else list(_S4_GROUP_INDEX) if f.table == "section4" else []
        for row in rows:
            if f.code in _UNREADABLE_ROW_CODES:
                unreadable.add((f.table, row))
            elif f.code == "label.nonstandard":
                labelled.add((f.table, row))
    return _Ctx(report, fmt, frozenset(unreadable), frozenset(labelled))


# ---------------------------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------------------------


def run_checks(report: ParsedReport, previous: ParsedReport | None = None) -> list[Finding]:
    """The parser's findings plus every check's, sorted by severity, then position in the document."""
    if report.kind == "not_a_report":
        return [
            finding(
                "kind.not_a_report",
                "这不是政府信息公开工作年度报告，未作其他检查；年度报告应包含《条例》第五十条规定的六部分内容"
                "和统计表。",
                expected="政府信息公开工作年度报告",
            )
        ]
    ctx = _make_ctx(report)
    out: list[Finding] = [_placed(f) for f in _merge_short_rows(ctx.fmt, report.parse_findings)]
    if report.kind == "legacy_report":
        out += _check_legacy(report)
        out += _check_period(report)
        return _sorted(out, ctx.fmt)
    for check in _ANNUAL_CHECKS:
        out += check(ctx)
    if previous is not None:
        out += _check_cross_year(ctx, previous)
    return _sorted(out, ctx.fmt)


def _merge_short_rows(fmt: ReportFormat, findings: list[Finding]) -> list[Finding]:
    """Many rows of one table each a cell short is one defect (a column lost by a converter): say it once,
    naming the rows, instead of once per row. (``ParsedReport.parse_findings`` keeps one finding per row,
    so that the checks know which rows were not fully read.)"""
    groups: dict[tuple[str | None, Any, Any], list[Finding]] = {}
    for f in findings:
        if f.code == "parse.missing_cells" and f.found:
            groups.setdefault((f.table, f.expected, f.found), []).append(f)
    merged = {id(f) for group in groups.values() if len(group) >= 3 for f in group}
    out = [f for f in findings if id(f) not in merged]
    for (table, expected, found), group in groups.items():
        if len(group) < 3 or table is None:
            continue
        labels = "、".join(f"“{_label(fmt, table, f.row)}”" for f in group)
        out.append(
            finding(
                "parse.missing_cells",
                f"{_TABLE_NAME[table]}有 {len(group)} 行只有 {found} 个单元格，应有 {expected} 个"
                f"（可能缺了一列）：{labels}；缺少的单元格按空白处理。",
                table=table,
                expected=expected,
                found=found,
            )
        )
    return out


def _label(fmt: ReportFormat, table: str, key: str | None) -> str:
    if table == "section2" and key:
        return fmt.section2_row(key)[1].label
    if table == "section3" and key:
        return fmt.section3_row(key).label
    return key or ""


def _placed(f: Finding) -> Finding:
    """A parser finding about a table cell, with the table's section filled in when it lacks one."""
    if f.section is None and f.table in _TABLE_SECTION:
        return replace(f, section=_TABLE_SECTION[f.table])
    return f


# ---------------------------------------------------------------------------------------------
# Kind, format, year, agency, period
# ---------------------------------------------------------------------------------------------


def _format_example(version: FormatVersion) -> str:
    """What tells the formats apart, in the model's own words: the columns of 第二十条第（一）项, plus the
    2019 format's 第（九）项 and the 2021 format's fee column."""
    blocks = FORMATS[version].section2
    words = "".join(f"“{c.label}”" for c in blocks[0].columns)
    if version == "2019":
        return f"{words}、{blocks[-1].caption}{blocks[-1].rows[0].label}"
    return words + "".join(f"“{c.label}”" for c in blocks[-1].columns)


_FORMAT_EXAMPLES: dict[FormatVersion, str] = {v: _format_example(v) for v in FORMATS}


def _check_legacy(report: ParsedReport) -> list[Finding]:
    year = report.year
    if year is not None and year >= model.FIRST_STRUCTURED_YEAR:
        required = format_for_year(year) or "2019"
        return [
            finding(
                "format.legacy",
                f"{year}年度报告采用了2019年以前的旧式结构（概述、统计表）；{year}年度报告应使用"
                f"{FORMATS[required].name}规定的格式（六个部分和表二、表三、表四）。",
                expected=required,
                found="legacy",
            )
        ]
    which = f"{year}年度" if year is not None else "本"
    return [
        finding(
            "format.legacy",
            f"{which}报告采用2007年《条例》第三十二条的旧式结构，2019年以前的年度报告本应如此；"
            "旧式报告只核对统计期限。",
            severity="info",
            expected=None,
            found="legacy",
        )
    ]


def _check_kind_and_format(ctx: _Ctx) -> list[Finding]:
    report = ctx.report
    out: list[Finding] = []
    if report.year is None:
        out.append(
            finding(
                "format.year_unknown",
                "报告中未找到报告年度（如“2023年度政府信息公开工作年度报告”），无法判断应使用的格式、核对统计期限；"
                "标题应写明年度。",
            )
        )
    else:
        required = format_for_year(report.year)
        detected = report.detected_format
        if required is not None and detected is not None and detected != required:
            out.append(
                finding(
                    "format.mismatch",
                    f"{report.year}年度报告应使用{FORMATS[required].name}格式（{_FORMAT_EXAMPLES[required]}），"
                    f"但表格使用的是{FORMATS[detected].name}格式（{_FORMAT_EXAMPLES[detected]}）。",
                    expected=required,
                    found=detected,
                )
            )
    if not report.agency:
        out.append(
            finding(
                "agency.unknown",
                "报告中未找到编制报告的机关名称（只写“我局”“我办”等不足以确定）；标题或正文应写明机关全称。",
            )
        )
    return out


def _iso_to_date(s: str | None) -> date | None:
    if not s:
        return None
    try:
        return date.fromisoformat(s)
    except ValueError:
        return None


def _cn_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _check_period(report: ParsedReport) -> list[Finding]:
    start, end = _iso_to_date(report.period_start), _iso_to_date(report.period_end)
    if start is None and end is None:
        return []
    year = report.year
    if year is None:
        year = end.year if end is not None else start.year if start is not None else 0
    exp_start, exp_end = date(year, 1, 1), date(year, 12, 31)
    if (start is None or start == exp_start) and (end is None or end == exp_end):
        return []
    found = f"{_cn_date(start) if start else '（未写明）'}至{_cn_date(end) if end else '（未写明）'}"
    return [
        finding(
            "period.mismatch",
            f"报告所列数据的统计期限为{found}，{year}年度报告的统计期限应为"
            f"{_cn_date(exp_start)}至{_cn_date(exp_end)}。",
            expected=[exp_start.isoformat(), exp_end.isoformat()],
            found=[report.period_start, report.period_end],
        )
    ]


def _check_period_ctx(ctx: _Ctx) -> list[Finding]:
    return _check_period(ctx.report)


# ---------------------------------------------------------------------------------------------
# Structure
# ---------------------------------------------------------------------------------------------


def _check_structure(ctx: _Ctx) -> list[Finding]:
    report = ctx.report
    order = list(report.section_order) or list(report.sections)
    present = set(order)
    out: list[Finding] = []
    # A truncated text (document.truncated) lacks everything after the cut: those sections are not
    # reported one by one.
    last = max((_SECTION_INDEX[k] for k in present if k in _SECTION_INDEX), default=-1)
    truncated = report.truncated_after is not None or any(
        f.code == "document.truncated" for f in report.parse_findings
    )
    for s in SECTIONS:
        if truncated and _SECTION_INDEX[s.key] > last:
            continue
        if s.key not in present:
            out.append(
                finding(
                    "structure.section_missing",
                    f"报告缺少第{s.number}部分“{s.heading}”；年度报告应依次包含一至六共六个部分。",
                    section=s.key,
                    expected=s.heading,
                )
            )
    first: list[str] = []
    counts: dict[str, int] = {}
    for key in order:
        if key not in counts:
            first.append(key)
        counts[key] = counts.get(key, 0) + 1
    expected_order = [k for k in _SECTION_KEYS if k in counts]
    if first != expected_order:
        numbers = {s.key: s.number for s in SECTIONS}
        out.append(
            finding(
                "structure.section_order",
                f"报告各部分的顺序为{_join(numbers.get(k, k) for k in first)}，应按"
                f"{_join(numbers.get(k, k) for k in expected_order)}的顺序排列。",
                expected=expected_order,
                found=first,
            )
        )
    for s in SECTIONS:
        n = counts.get(s.key, 0)
        if n > 1:
            out.append(
                finding(
                    "structure.section_duplicated",
                    f"第{s.number}部分标题“{s.heading}”出现了{n}次，应只出现一次。",
                    section=s.key,
                    expected=1,
                    found=n,
                )
            )
    # Tables: a missing section already says its table is missing; the parser may have said it too.
    told = {f.table for f in report.parse_findings if f.code == "parse.table_not_found"}
    # A cut copy: the table of the section the text stops in may simply come after the cut.
    last_present = max((_SECTION_KEYS.index(k) for k in present if k in _SECTION_KEYS), default=-1)
    for table in _TABLES:
        section = _TABLE_SECTION[table]
        if getattr(report.tables, table) or table in told or section not in present:
            continue
        if report.truncated_after is not None and _SECTION_KEYS.index(section) >= last_present:
            continue
        s = model.SECTION_BY_KEY[section]
        out.append(
            finding(
                "table.missing",
                f"第{s.number}部分“{s.heading}”没有统计表；该部分应以{ctx.fmt.name}规定的表格报告。",
                section=section,
                table=table,
            )
        )
    return out


# ---------------------------------------------------------------------------------------------
# Cells
# ---------------------------------------------------------------------------------------------


def _decimals(v: float) -> int:
    try:
        exponent = Decimal(repr(v)).normalize().as_tuple().exponent
    except InvalidOperation:  # pragma: no cover - repr of a finite float is a valid Decimal
        return 0
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


@dataclass
class _CellSpec:
    table: str
    row: str
    row_label: str
    column: str
    column_label: str
    kind: str  # "count" | "signed_count" | "amount"
    unit: str
    value: Cell

    @property
    def place(self) -> str:
        return _where(self.table, self.row_label, self.column_label)


def _table_cells(ctx: _Ctx) -> Iterator[tuple[str, str, list[_CellSpec]]]:
    """(table, row, cells of the row) for every official row the report has, in document order."""
    tables = ctx.tables
    for block, row in ctx.fmt.section2_rows():
        cells2 = tables.section2.get(row.key)
        if cells2 is None:
            continue
        yield (
            "section2",
            row.key,
            [
                _CellSpec("section2", row.key, row.label, c.key, c.label, c.kind, c.unit, cells2.get(c.key))
                for c in block.columns
            ],
        )
    for row in ctx.fmt.section3_rows:
        cells = tables.section3.get(row.key)
        if cells is None:
            continue
        yield (
            "section3",
            row.key,
            [
                _CellSpec("section3", row.key, row.label, c.key, c.label, c.kind, c.unit, cells[i])
                for i, c in enumerate(SECTION3_COLUMNS)
                if i < len(cells)
            ],
        )
    for group in SECTION4_GROUPS:
        cells = tables.section4.get(group.key)
        if cells is None:
            continue
        yield (
            "section4",
            group.key,
            [
                _CellSpec(
                    "section4",
                    group.key,
                    f"{group.parent}·{group.label}",
                    c.key,
                    c.label,
                    c.kind,
                    c.unit,
                    cells[i],
                )
                for i, c in enumerate(SECTION4_COLUMNS)
                if i < len(cells)
            ],
        )


def _where(table: str, row_label: str, column_label: str) -> str:
    return f"{_TABLE_NAME[table]}“{row_label}”行“{column_label}”列"


def _check_cells(ctx: _Ctx) -> list[Finding]:
    out: list[Finding] = []
    rows = list(_table_cells(ctx))
    wholly_blank = {
        table
        for table in _TABLES
        if any(t == table for t, _, _ in rows)
        and all(c.value is None for t, _, cells in rows if t == table for c in cells)
    }
    for table in _TABLES:
        if table in wholly_blank:
            out.append(
                finding(
                    "cell.blank",
                    f"{_TABLE_NAME[table]}所有单元格都是空白；没有发生的事项应填0。",
                    section=_TABLE_SECTION[table],
                    table=table,
                    expected=0,
                    found=None,
                )
            )
    for table, row, cells in rows:
        if (table, row) in ctx.unreadable:
            continue  # the parser's finding says why the row cannot be read
        section = _TABLE_SECTION[table]
        blanks: list[_CellSpec] = []
        for c in cells:
            v = c.value
            if v is None:
                blanks.append(c)
            elif isinstance(v, str):
                out.append(
                    finding(
                        "cell.not_number",
                        f"{c.place}应填写数字，实际填写的是文字“{v[:40]}{'…' if len(v) > 40 else ''}”。",
                        section=section,
                        table=table,
                        row=row,
                        column=c.column,
                        expected="数字",
                        found=v,
                    )
                )
            elif isinstance(v, int | float):
                if v < 0 and c.kind != "signed_count":
                    out.append(
                        finding(
                            "cell.negative",
                            f"{c.place}为{_show(v)}，数量和金额不能为负数。",
                            section=section,
                            table=table,
                            row=row,
                            column=c.column,
                            expected=">= 0",
                            found=_num(v),
                        )
                    )
                if c.kind != "amount" and isinstance(v, float) and not v.is_integer():
                    out.append(
                        finding(
                            "cell.fraction",
                            f"{c.place}为{v}，件数应为整数。",
                            section=section,
                            table=table,
                            row=row,
                            column=c.column,
                            expected="整数",
                            found=v,
                        )
                    )
                if c.kind == "amount" and c.unit == "万元" and isinstance(v, float):
                    places = _decimals(v)
                    if places > FEE_AMOUNT_DECIMALS:
                        rounded = f"{round(v, FEE_AMOUNT_DECIMALS):.{FEE_AMOUNT_DECIMALS}f}"
                        out.append(
                            finding(
                                "fee.decimals",
                                f"{c.place}为{v}，有{places}位小数；"
                                f"金额以万元计，应保留{FEE_AMOUNT_DECIMALS}位小数（如{rounded}）。",
                                section=section,
                                table=table,
                                row=row,
                                column=c.column,
                                expected=FEE_AMOUNT_DECIMALS,
                                found=places,
                            )
                        )
        if blanks and table not in wholly_blank:
            label = blanks[0].row_label
            rule_making = table == "section2" and row == "regulations"
            note = "没有规章制定权的机关可填0或“/”；建议填0。" if rule_making else "没有发生的事项应填0。"
            out.append(
                finding(
                    "cell.blank",
                    f"{_TABLE_NAME[table]}“{label}”行的{_join(f'“{c.column_label}”' for c in blanks)}"
                    f"列为空白；{note}",
                    severity="info" if rule_making else None,
                    section=section,
                    table=table,
                    row=row,
                    column=blanks[0].column if len(blanks) == 1 else None,
                    expected=0,
                    found=None,
                )
            )
    return out


# ---------------------------------------------------------------------------------------------
# Identities (勾稽关系)
# ---------------------------------------------------------------------------------------------


def _identity_message(
    ctx: _Ctx,
    ident: Identity,
    values: dict[tuple[str, str, str], Number | None],
    expected: Number | None,
    found: Number | None,
) -> str:
    table, row, column = ident.where
    exp = _show(expected)
    if ident.code == "section3.row_total":
        return (
            f"表三“{ctx.section3_label(row)}”行“总计”列为{_show(found)}，"
            f"但自然人与五类法人或其他组织之和为{exp}。"
        )
    if ident.code == "section3.results_total":
        return (
            f"表三“{ctx.section3_label('total')}”行“{_S3_COLUMN_LABEL[column]}”列为{_show(found)}，"
            f"但（一）至（六）各项办理结果之和为{exp}。"
        )
    if ident.code == "section3.balance":
        a, b = (values[r] or 0 for r in ident.left)
        c, d = (values[r] or 0 for r in ident.right)
        return (
            f"表三“{_S3_COLUMN_LABEL[column]}”列：第一项（{_show(a)}）加第二项（{_show(b)}）"
            f"为{_show(a + b)}，第三项（{_show(c)}）加第四项（{_show(d)}）为{_show(c + d)}，两者应相等；"
            f"“{ctx.section3_label('carried_forward')}”应为{exp}。"
        )
    if ident.code == "section4.group_total":
        group = next(g for g in SECTION4_GROUPS if g.key == row)
        name = group.label if group.label == group.parent else f"{group.parent}·{group.label}"
        return f"表四“{name}”的“总计”为{_show(found)}，但结果维持、结果纠正、其他结果、尚未审结之和为{exp}。"
    return f"{ident.description}：表中为{_show(found)}，应为{exp}。"  # pragma: no cover - future identities


def _check_identities(ctx: _Ctx) -> list[Finding]:
    out: list[Finding] = []
    seen: set[tuple[str, tuple[str, str, str]]] = set()
    cells = ctx.values
    for ident in ctx.fmt.identities:
        key = (ident.code, ident.where)
        if key in seen:
            continue
        values: dict[tuple[str, str, str], Number | None] = {}
        usable = True
        for ref in ident.left + ident.right:
            v = cells.get(ref, _MISSING)
            if v is not None and not isinstance(v, int | float):
                usable = False
                break
            values[ref] = v
        if not usable or all(v is None for v in values.values()):
            continue
        left = sum(values[r] or 0 for r in ident.left)
        right = sum(values[r] or 0 for r in ident.right)
        if abs(left - right) < 1e-9:
            continue
        seen.add(key)
        found = values[ident.where]
        rest = (right if ident.where in ident.right else left) - (found or 0)
        expected = _num((left if ident.where in ident.right else right) - rest)
        table, row, column = ident.where
        out.append(
            finding(
                ident.code,
                _identity_message(ctx, ident, values, expected, found),
                section=_TABLE_SECTION[table],
                table=table,
                row=row,
                column=column,
                expected=expected,
                found=_num(found),
            )
        )
    return out


# ---------------------------------------------------------------------------------------------
# Section 六: the 信息处理费 statement (30号)
# ---------------------------------------------------------------------------------------------

_FEE_STATEMENT = re.compile(
    r"信息处理费|处理费|收费通知|收取[^。;；]{0,12}费"
    r"|(?:未|无|没有|不)(?:发生|产生)?收费"
)


def _check_fee_statement(ctx: _Ctx) -> list[Finding]:
    report = ctx.report
    required_fmt = format_for_year(report.year) if report.year is not None else ctx.fmt.version
    if required_fmt is None or not FORMATS[required_fmt].requires_fee_statement:
        return []
    if "other" not in report.sections and "other" not in report.section_order:
        return []  # structure.section_missing covers it
    if _FEE_STATEMENT.search(report.sections.get("other", "")):
        return []
    return [
        finding(
            "section6.fee_statement_missing",
            "第六部分“六、其他需要报告的事项”没有说明信息处理费的收取情况；应写明发出收费通知的件数和总金额、"
            "实际收取的总金额，未收取的写明“未收取信息处理费”。",
            section="other",
            expected="信息处理费收取情况",
        )
    ]


# ---------------------------------------------------------------------------------------------
# Prose against tables
# ---------------------------------------------------------------------------------------------

_SENTENCE_SPLIT = re.compile(r"[。!?！？]")
_CLAUSE_BREAK = re.compile(r"[,，;；:：。]")
_WS = re.compile(r"\s+")
_PROSE_TRIGGER = re.compile(r"新收|收到|接收|受理|接到|办结|予以公开|部分公开|复议|诉讼|规范性文件")
_YEAR_IN = re.compile(r"(?<!\d)((?:19|20)\d\d)年")
_NOT_THIS_YEAR = re.compile(r"上年|去年|上一年|前年|累计|历年|同期|以来")
_THIS_YEAR = re.compile(r"本年|全年|今年|年内|年度")
_RECEIVED_WORDS = re.compile(r"新收|收到|接收|受理|接到")
#: Reconsideration/litigation counts are compared only when the sentence ties them to 政府信息公开
#: ("因政府信息公开引起的行政复议案件2件") or stands in section 四; an agency's other cases are not
#: table 四's.
_OGI_CONTEXT = re.compile(
    r"(?:因|涉及|关于|针对|对)(?:政府)?信息公开|(?:政府)?信息公开(?:工作|申请|答复)?(?:引起|引发|而|被)"
)
_APPLICATION_CONTEXT = re.compile(r"申请|办结|答复")
_NOT_OUTCOME_CONTEXT = re.compile(r"复议|诉讼|主动")
_CARRIED_CONTEXT = re.compile(r"上一?年度?结转")

_N = r"(?P<n>\d+)"
_MID_BAD = re.compile(r"复议|诉讼|信访|举报|投诉|补正|建议|提案|来信|来电|咨询|诉求|热线")
_APPLICATION = r"(?:政府信息公开申请|依申请公开申请|信息公开申请|公开申请|申请)"
_RECEIVED_PATTERNS: tuple[re.Pattern[str], ...] = (
    # 共收到政府信息公开申请8件 / 接收……政府信息公开申请共计81件 / 新收政府信息公开申请8件
    re.compile(
        r"(?P<gong>共|共计|合计)?(?:新收到?|收到|接收|受理|接到)(?:了)?(?P<mid>[^,，;；。:：]{0,24}?)"
        + _APPLICATION
        + r"(?P<gong2>共计|共|合计)?"
        + _N
        + r"(?:件|份|个)"
    ),
    # 共收到70件申请 / 共收到8份政府信息公开申请
    re.compile(
        r"(?P<gong>共|共计|合计)(?:新收到?|收到|接收|受理|接到)(?:了)?"
        + _N
        + r"(?:件|份|个)(?P<mid>(?:各类)?(?:政府信息公开|依申请公开|信息公开)?)申请"
    ),
)
_RECEIVED_NONE = re.compile(
    r"(?:未|没有)(?:收到|接到|接收|受理)(?:过|任何)?(?:政府信息公开申请|依申请公开(?:申请|事项)?|信息公开申请)"
)
_ANSWERED = re.compile(
    r"办结(?:了)?(?:政府信息公开申请|依申请公开(?:申请|事项)?|申请)?(?:共计|共)?" + _N + r"件"
)
_GRANTED = re.compile(r"(?<![主动不])予以公开(?:共)?" + _N + r"件")
_PARTIAL = re.compile(r"部分公开(?:共)?" + _N + r"件")
_COMBINED_OUTCOME = re.compile(r"(?:予以公开|部分公开)[和及与、/]$")
_RECONSIDERATION = re.compile(r"行政复议(?:案件|申请)?(?:共计|共)?" + _N + r"(?:件|起|宗)")
_LITIGATION = re.compile(r"诉讼(?:案件)?(?:共计|共)?" + _N + r"(?:件|起|宗)")
_COMBINED_APPEAL = re.compile(r"复议[、和及与/](?:行政)?$")
_IN_FORCE = re.compile(r"现行有效(?:的)?(?:行政)?规范性文件(?:共计|共|有)?" + _N + r"件")
_ISSUED = re.compile(r"(?:制发|印发|出台)(?:了)?(?:的)?(?:行政)?规范性文件(?:共计|共)?" + _N + r"件")
_ABOLISHED = re.compile(r"废止(?:了)?(?:失效)?(?:的)?(?:行政)?规范性文件(?:共计|共)?" + _N + r"件")


@dataclass
class _Claim:
    sentence: str
    n: int
    table: str
    row: str | None
    column: str
    what: str  # the claim in words, e.g. "本年新收政府信息公开申请"


def _sentences(compact: str) -> Iterator[str]:
    """Sentences of the whitespace-free text that may state a number the tables have."""
    for sentence in _SENTENCE_SPLIT.split(compact):
        if _PROSE_TRIGGER.search(sentence):
            yield sentence


def _clause_before(sentence: str, start: int) -> str:
    """The clause the match starts in, up to the match."""
    cut = 0
    for m in _CLAUSE_BREAK.finditer(sentence, 0, start):
        cut = m.end()
    return sentence[cut:start]


def _other_year(text: str, year: int | None) -> bool:
    return any(year is None or int(m.group(1)) != year for m in _YEAR_IN.finditer(text))


def _plain_this_year(sentence: str, start: int, year: int | None) -> bool:
    """The clause before the number does not point at another year or a cumulative figure."""
    clause = _clause_before(sentence, start)
    return not _NOT_THIS_YEAR.search(clause) and not _other_year(clause, year)


def _claims(sentence: str, year: int | None, fmt: ReportFormat, in_appeals: bool) -> Iterator[_Claim]:
    """The numbers a sentence states that one table cell (or one sum of cells) also has."""
    # Applications received this year -> 表三 一、本年新收 总计 (not when the sentence mixes in 上年结转)
    if _RECEIVED_WORDS.search(sentence) and not _CARRIED_CONTEXT.search(sentence):
        for pattern in _RECEIVED_PATTERNS:
            for m in pattern.finditer(sentence):
                # "共收到…" states a total; "新收…" is the table's own row 一 (本年新收).
                if not (m.groupdict().get("gong") or m.groupdict().get("gong2") or "新收" in m.group()):
                    continue
                if _MID_BAD.search(m.group("mid") or "") or not _plain_this_year(sentence, m.start(), year):
                    continue
                yield _Claim(sentence, int(m.group("n")), "section3", "new_received", "total", "本年新收申请")
        for m in _RECEIVED_NONE.finditer(sentence):
            if _plain_this_year(sentence, m.start(), year):
                yield _Claim(sentence, 0, "section3", "new_received", "total", "本年新收申请")
    if _APPLICATION_CONTEXT.search(sentence):
        if "办结" in sentence:
            for m in _ANSWERED.finditer(sentence):
                if _plain_this_year(sentence, m.start(), year):
                    yield _Claim(sentence, int(m.group("n")), "section3", "total", "total", "办结申请")
        for word, pattern, row in (
            ("予以公开", _GRANTED, "granted"),
            ("部分公开", _PARTIAL, "partially_granted"),
        ):
            if word not in sentence:
                continue
            for m in pattern.finditer(sentence):
                if _COMBINED_OUTCOME.search(sentence, max(0, m.start() - 5), m.start()):
                    continue  # "予以公开及部分公开42件" is the sum of two rows
                clause = _clause_before(sentence, m.start())
                if _NOT_OUTCOME_CONTEXT.search(clause) or not _plain_this_year(sentence, m.start(), year):
                    continue
                yield _Claim(sentence, int(m.group("n")), "section3", row, "total", word)
    # Reconsideration and litigation -> 表四 (only where the text is about 政府信息公开)
    appeal_patterns: tuple[tuple[str, re.Pattern[str], str | None, str], ...] = (
        ("复议", _RECONSIDERATION, "reconsideration", "行政复议"),
        ("诉讼", _LITIGATION, None, "行政诉讼"),
    )
    for word, pattern, group, label in appeal_patterns:
        if word not in sentence:
            continue
        for m in pattern.finditer(sentence):
            prefix = sentence[: m.start()]
            if not (in_appeals or _OGI_CONTEXT.search(prefix)):
                continue
            if group is None and _COMBINED_APPEAL.search(prefix):
                continue  # "行政复议、行政诉讼案件共3件" is the sum of both
            if not _plain_this_year(sentence, m.start(), year):
                continue
            yield _Claim(sentence, int(m.group("n")), "section4", group, "total", label)
    # Normative documents -> 表二 第二十条第（一）项 (the 2021 columns only)
    if fmt.version == "2021" and "规范性文件" in sentence:
        for pattern, column, what, needs_year in (
            (_IN_FORCE, "in_force", "现行有效行政规范性文件", False),
            (_ISSUED, "issued", "本年制发行政规范性文件", True),
            (_ABOLISHED, "abolished", "本年废止行政规范性文件", False),
        ):
            for m in pattern.finditer(sentence):
                if not _plain_this_year(sentence, m.start(), year):
                    continue
                if needs_year and not (
                    _THIS_YEAR.search(sentence[: m.start()])
                    or (year is not None and f"{year}年" in sentence[: m.start()])
                ):
                    continue
                yield _Claim(sentence, int(m.group("n")), "section2", "normative_documents", column, what)


def _claim_value(ctx: _Ctx, claim: _Claim) -> tuple[Cell | _Missing, str]:
    """The table's value for a claim and where it is, in words."""
    if claim.table == "section4" and claim.row is None:
        a = ctx.cell("section4", "litigation_direct", "total")
        b = ctx.cell("section4", "litigation_after_reconsideration", "total")
        if isinstance(a, _Missing | str) or isinstance(b, _Missing | str) or (a is None and b is None):
            return _MISSING, ""
        return (a or 0) + (b or 0), "表四行政诉讼“未经复议直接起诉”与“复议后起诉”的“总计”之和"
    assert claim.row is not None
    v = ctx.cell(claim.table, claim.row, claim.column)
    if claim.table == "section2":
        row_label, col_label = ctx.section2_labels(claim.row, claim.column)
        return v, _where("section2", row_label, col_label)
    if claim.table == "section4":
        return v, f"表四“{_S4_GROUP_LABEL[claim.row]}”的“总计”"
    return v, _where("section3", ctx.section3_label(claim.row), _S3_COLUMN_LABEL[claim.column])


def _snippet(sentence: str, limit: int = 90) -> str:
    return sentence if len(sentence) <= limit else sentence[: limit - 1] + "…"


def _section_of(ctx: _Ctx, needle: str) -> str | None:
    for key, text in ctx.compact_sections.items():
        if needle in text:
            return key
    return None


def _check_prose_tables(ctx: _Ctx) -> list[Finding]:
    report = ctx.report
    out: list[Finding] = []
    seen: set[tuple[str, str | None, str, int, str]] = set()
    appeals = ctx.compact_sections.get("appeals", "")
    for sentence in _sentences(ctx.compact):
        for claim in _claims(sentence, report.year, ctx.fmt, bool(appeals) and sentence in appeals):
            value, where = _claim_value(ctx, claim)
            if not isinstance(value, int | float):
                continue
            if abs(value - claim.n) < 1e-9:
                continue
            key = (claim.table, claim.row, claim.column, claim.n, sentence)
            if key in seen:
                continue
            seen.add(key)
            out.append(
                finding(
                    "prose.table_mismatch",
                    f"正文“{_snippet(sentence)}”中{claim.what}为{claim.n}件，但{where}为{_show(value)}；"
                    "正文与表格应一致。",
                    section=_section_of(ctx, sentence),
                    table=claim.table,
                    row=claim.row,
                    column=claim.column,
                    expected=_num(value),
                    found=claim.n,
                )
            )
    return out


#: "…信息2599条，(其中…": found by its literal part; the words before it are checked separately.
_SUM_HEAD = re.compile(r"信息" + _N + r"条[,，]?(?P<open>[(（])?其中[:：]?")
_SUM_LEAD = re.compile(r"(?:共计?|合计)(?:主动)?(?:公布|公开|发布)?(?:了)?(?:各类)?(?:政府)?$")
_SUM_CLOSE = re.compile(r"[)）。]")
_SUM_ITEM = re.compile(r"(?P<name>[^,，;；()（）。:：\d]{1,30}?信息)(?P<n>\d+)条")
_SUM_SEP = re.compile(r"[,，;；]")


def _check_prose_sums(ctx: _Ctx) -> list[Finding]:
    out: list[Finding] = []
    text = ctx.compact
    for m in _SUM_HEAD.finditer(text):
        if not _SUM_LEAD.search(text, max(0, m.start() - 12), m.start()):
            continue
        total = int(m.group("n"))
        close = _SUM_CLOSE.search(text, m.end(), m.end() + 600)
        if close is None or (close.group() == "。") == bool(m.group("open")):
            continue  # "(其中…" must end with ")", "其中…" with "。"
        end = close.start()
        parts = _SUM_SEP.split(text[m.end() : end])
        items: list[tuple[str, int]] = []
        for part in parts:
            im = _SUM_ITEM.fullmatch(part)
            if im is None:
                items = []
                break
            items.append((im.group("name"), int(im.group("n"))))
        if len(items) < 2:
            continue
        parts_sum = sum(n for _, n in items)
        exhaustive = items[-1][0].startswith(("其他", "其它"))
        if parts_sum == total or (parts_sum < total and not exhaustive):
            continue
        out.append(
            finding(
                "prose.sum_mismatch",
                f"正文称共公布政府信息{total}条，但“其中”所列各类信息之和为{parts_sum}条"
                f"（{'+'.join(str(n) for _, n in items)}），两者应相等。",
                section=_section_of(ctx, text[m.start() : m.end()]),
                expected=total,
                found=parts_sum,
            )
        )
    return out


# --- ordinal lists -----------------------------------------------------------------------------

_CN_DIGITS: dict[str, int] = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_NUMERALS = frozenset("一二三四五六七八九十")
#: Characters that make "一是" part of a word (统一是, 唯一是, 之一是, 第一是 …), not a list marker.
_NOT_BEFORE_SHI = frozenset("统唯万之其第同单逐划专均归合")
#: "第一，" counts as a list marker only at the start of a sentence or clause list ("。第一，…；第二，…").
_BEFORE_DI = frozenset("。;；:：!！?？\n")
_SHI = re.compile("是")
_DI = re.compile(r"第([一二三四五六七八九十]{1,3})(?=[,，:：])")


def _ordinals(text: str) -> Iterator[tuple[str, str]]:
    """("是" or "第", numeral) of every list marker "一是…" / "第一，…", in order of kind then position."""
    for m in _SHI.finditer(text):
        end = m.start()
        start = end
        while start > 0 and end - start < 3 and text[start - 1] in _NUMERALS:
            start -= 1
        if start == end or (start > 0 and text[start - 1] in _NOT_BEFORE_SHI):
            continue
        yield "是", text[start:end]
    for m in _DI.finditer(text):
        if m.start() == 0 or text[m.start() - 1] in _BEFORE_DI:
            yield "第", m.group(1)


def _cn_number(s: str) -> int | None:
    if s == "十":
        return 10
    if len(s) == 1:
        return _CN_DIGITS.get(s)
    if len(s) == 2 and s[0] == "十":
        d = _CN_DIGITS.get(s[1])
        return 10 + d if d else None
    if len(s) == 2 and s[1] == "十":
        d = _CN_DIGITS.get(s[0])
        return 10 * d if d else None
    if len(s) == 3 and s[1] == "十":
        a, b = _CN_DIGITS.get(s[0]), _CN_DIGITS.get(s[2])
        return 10 * a + b if a and b else None
    return None


def _cn_ordinal(n: int) -> str:
    digits = "一二三四五六七八九"
    if n <= 9:
        return digits[n - 1]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else digits[tens - 1]) + "十" + (digits[ones - 1] if ones else "")


def _ordinal_lists(markers: Iterable[tuple[str, str]]) -> Iterator[list[tuple[int, str]]]:
    """Runs of ordinals of one kind, each starting at 一 (a 一 starts a new list)."""
    current: list[tuple[int, str]] = []
    for kind, numeral in markers:
        n = _cn_number(numeral)
        if n is None:
            continue
        word = f"{numeral}是" if kind == "是" else f"第{numeral}"
        if n == 1:
            if current:
                yield current
            current = [(n, word)]
        elif current:
            current.append((n, word))
    if current:
        yield current


def _check_numbering(ctx: _Ctx) -> list[Finding]:
    out: list[Finding] = []
    sections = ctx.report.sections or {"": ctx.report.text}
    for key, text in sections.items():
        number = model.SECTION_BY_KEY[key].number if key in model.SECTION_BY_KEY else ""
        markers = list(_ordinals(text))
        for suffix in ("是", "第"):
            for items in _ordinal_lists(m for m in markers if m[0] == suffix):
                if all(n == i + 1 for i, (n, _) in enumerate(items)):
                    continue
                found = _join(w for _, w in items)
                if suffix == "是":
                    expected = _join(f"{_cn_ordinal(i + 1)}是" for i in range(len(items)))
                else:
                    expected = _join(f"第{_cn_ordinal(i + 1)}" for i in range(len(items)))
                where = f"第{number}部分" if number else "正文"
                out.append(
                    finding(
                        "prose.numbering",
                        f"{where}列举序号为“{found}”，不连续或重复；应为“{expected}”。",
                        section=key or None,
                        expected=expected,
                        found=found,
                    )
                )
    return out


# --- duplicated clauses -------------------------------------------------------------------------

_MIN_REPEAT = 12
#: A clause of >= 12 characters (between punctuation marks or line breaks).
_LONG_CLAUSE = re.compile(r"[^,，。;；:：!！?？、\n]{12,}")
#: A clause that begins (or, reversed, ends) with a block of >= 12 characters written twice in a row.
_DOUBLED_START = re.compile(r"(.{12,}?)\1")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_TABLE_WORDS = re.compile(
    "|".join(
        sorted(
            {re.escape(c.label) for c in SECTION3_COLUMNS + SECTION4_COLUMNS}
            | {re.escape(g.label) for g in SECTION4_GROUPS}
            | {"行政复议", "行政诉讼", "法人或其他组织", "申请人情况"},
            key=len,
            reverse=True,
        )
    )
)


def _doubled_blocks(text: str) -> Iterator[str]:
    """Blocks of >= 12 characters written twice back to back.

    Either a clause repeated right after a punctuation mark ("A，A"), or a clause that starts or ends
    with a doubled block ("XX…", "…XX": the usual copy-paste slip, e.g. "…、聚焦新中国成立70周年平潭专场
    新闻发布会聚焦新中国成立70周年平潭专场新闻发布会；"). Linear in the text; a doubled block in the
    middle of a longer clause is not looked for.
    """
    previous, previous_end = "", -2
    for m in _LONG_CLAUSE.finditer(text):
        clause = m.group()
        if clause == previous and m.start() == previous_end + 1:
            yield clause
        previous, previous_end = clause, m.end()
        if len(clause) < 2 * _MIN_REPEAT:
            continue
        # XX…: the first 12 characters occur again further on (cheap test before the regex).
        if clause.find(clause[:_MIN_REPEAT], _MIN_REPEAT) >= 0:
            d = _DOUBLED_START.match(clause)
            if d:
                yield d.group(1)
                continue
        if clause.rfind(clause[-_MIN_REPEAT:], 0, len(clause) - _MIN_REPEAT) >= 0:
            d = _DOUBLED_START.match(clause[::-1])
            if d:
                yield d.group(1)[::-1]


def _check_duplicates(ctx: _Ctx) -> list[Finding]:
    out: list[Finding] = []
    seen: set[str] = set()
    for block in _doubled_blocks(ctx.prose):
        shown = block.strip()
        if shown in seen or len(_CJK.findall(_TABLE_WORDS.sub("", shown))) < 8:
            continue
        seen.add(shown)
        out.append(
            finding(
                "prose.duplicate_clause",
                f"“{shown}”连续重复出现了两次，应删去重复的一处。",
                section=_section_of(ctx, _WS.sub("", shown + shown)),
                expected=shown,
                found=shown + shown,
            )
        )
    return out


# ---------------------------------------------------------------------------------------------
# Labels
# ---------------------------------------------------------------------------------------------

_LABEL_TRANS = str.maketrans({"（": "(", "）": ")", "，": ",", "：": ":", "；": ";", "．": ".", "、": "."})
_LABEL_DROP = re.compile(r"[\s“”\"'‘’「」]")
_LABEL_PREFIXES: tuple[str, ...] = tuple(
    sorted(
        {RESULT_GROUP}
        | {r.group for f in FORMATS.values() for r in f.section3_rows if r.group}
        | {g.parent for g in SECTION4_GROUPS},
        key=len,
        reverse=True,
    )
)


def _canon_label(s: str) -> str:
    return _LABEL_DROP.sub("", s).translate(_LABEL_TRANS)


_CANON_PREFIXES: tuple[str, ...] = tuple(_canon_label(p) for p in _LABEL_PREFIXES)


def _official_label(ctx: _Ctx, table: str, row: str) -> str | None:
    if table == "section3":
        return ctx.layout.s3_labels.get(row)
    if table == "section4":
        return _S4_GROUP_LABEL.get(row)
    if table == "section2":
        entry = ctx.layout.s2_rows.get(row)
        return entry[0] if entry else None
    return None


def _check_labels(ctx: _Ctx) -> list[Finding]:
    out: list[Finding] = []
    seen: set[tuple[str, str]] = set()
    for label in ctx.report.labels_seen:
        official = _official_label(ctx, label.table, label.row)
        key = (label.table, label.row)
        if official is None or key in seen or key in ctx.labelled:
            continue
        want, got = _canon_label(official), _canon_label(label.text)
        stripped = True
        while got != want and stripped:
            stripped = False
            for p in _CANON_PREFIXES:
                if got.startswith(p) and len(got) > len(p):
                    got, stripped = got[len(p) :], True
                    break
        if got == want:
            continue
        seen.add((label.table, label.row))
        out.append(
            finding(
                "label.nonstandard",
                f"{_TABLE_NAME.get(label.table, label.table)}的行标签“{label.text.strip()}”与官方表述不一致，"
                f"应为“{official}”。",
                section=_TABLE_SECTION.get(label.table),
                table=label.table,
                row=label.row,
                expected=official,
                found=label.text,
            )
        )
    return out


# ---------------------------------------------------------------------------------------------
# Cross-year
# ---------------------------------------------------------------------------------------------


def _check_cross_year(ctx: _Ctx, previous: ParsedReport) -> list[Finding]:
    report = ctx.report
    if previous.kind != "annual_report":
        return []
    if report.year is None or previous.year is None or previous.year != report.year - 1:
        this = f"{report.year}年度" if report.year is not None else "年度不明的"
        prev = f"{previous.year}年度" if previous.year is not None else "年度不明的报告"
        want = f"{report.year - 1}年度" if report.year is not None else "上一年度"
        return [
            finding(
                "crossyear.year_gap",
                f"用于核对的上年度报告是{prev}，而本报告是{this}报告，应使用{want}报告；未作跨年度核对。",
                expected=report.year - 1 if report.year is not None else None,
                found=previous.year,
            )
        ]
    prev_ctx = _make_ctx(previous)
    out: list[Finding] = []
    format_change = prev_ctx.fmt.version == "2019" and ctx.fmt.version == "2021"
    if format_change:
        out.append(
            finding(
                "crossyear.format_change",
                f"上年度（{previous.year}年度）报告使用{FORMATS['2019'].name}格式，本年度使用{FORMATS['2021'].name}"
                "格式；“对外公开总数量”不同于“现行有效件数”，不核对现行有效件数的衔接。",
                expected="2021",
                found="2019",
            )
        )
    this_row, prev_row = model.CARRY_OVER
    for col in SECTION3_COLUMNS:
        now = ctx.cell("section3", this_row, col.key)
        before = prev_ctx.cell("section3", prev_row, col.key)
        if not (now is None or isinstance(now, int | float)) or not (
            before is None or isinstance(before, int | float)
        ):
            continue
        if now is None and before is None:
            continue
        if abs((now or 0) - (before or 0)) < 1e-9:
            continue
        out.append(
            finding(
                "crossyear.carry_over",
                f"表三“{ctx.section3_label(this_row)}”“{col.label}”列为{_show(now)}，但{previous.year}年度报告"
                f"“{prev_ctx.section3_label(prev_row)}”为{_show(before)}，两者应相等。",
                section="applications",
                table="section3",
                row=this_row,
                column=col.key,
                expected=_num(before or 0),
                found=_num(now),
            )
        )
    if not format_change and ctx.fmt.version == "2021" and prev_ctx.fmt.version == "2021":
        for row in model.IN_FORCE_ROWS:
            refs = (
                prev_ctx.cell("section2", row, "in_force"),
                ctx.cell("section2", row, "issued"),
                ctx.cell("section2", row, "abolished"),
                ctx.cell("section2", row, "in_force"),
            )
            numbers: list[int | float] = []
            for v in refs:
                if isinstance(v, _Missing | str):
                    break
                numbers.append(v or 0)
            if len(numbers) < len(refs) or all(v is None for v in refs):
                continue
            before, issued, abolished, now = numbers
            expected = before + issued - abolished
            if abs(expected - now) < 1e-9:
                continue
            row_label, col_label = ctx.section2_labels(row, "in_force")
            out.append(
                finding(
                    "crossyear.in_force",
                    f"表二“{row_label}”的“{col_label}”为{_show(now)}，但上年度（{previous.year}年度）现行有效"
                    f"{_show(before)}件加本年制发{_show(issued)}件减本年废止{_show(abolished)}件为{_show(expected)}件；"
                    "如有清理或口径调整，应在正文中说明。",
                    section="proactive",
                    table="section2",
                    row=row,
                    column="in_force",
                    expected=_num(expected),
                    found=_num(now),
                )
            )
    return out


# ---------------------------------------------------------------------------------------------

_ANNUAL_CHECKS: tuple[Callable[[_Ctx], list[Finding]], ...] = (
    _check_kind_and_format,
    _check_period_ctx,
    _check_structure,
    _check_cells,
    _check_identities,
    _check_fee_statement,
    _check_prose_tables,
    _check_prose_sums,
    _check_numbering,
    _check_duplicates,
    _check_labels,
)
