"""What every check reads: the report in its format, its cells, its prose, and where a finding sits.

:class:`Ctx` is made once per report (:func:`make_ctx`); :func:`sort_findings` orders findings by
severity, then by position in the document. Pure Python (no Django).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from gongkai.checker.result import ParsedReport
from gongkai.core.messages import N_, Message
from gongkai.reports import model
from gongkai.reports.findings import Finding
from gongkai.reports.model import (
    FORMATS,
    SECTION3_COLUMN_KEYS,
    SECTION3_COLUMNS,
    SECTION4_COLUMN_KEYS,
    SECTION4_COLUMNS,
    SECTION4_GROUPS,
    SECTIONS,
    FormatVersion,
    ReportFormat,
    format_for_year,
)
from gongkai.reports.tables import Cell, Tables, format_cell

SECTION_KEYS: tuple[str, ...] = tuple(s.key for s in SECTIONS)
SECTION_INDEX: dict[str, int] = {k: i for i, k in enumerate(SECTION_KEYS)}
TABLE_ORDER: tuple[str, ...] = model.TABLE_KEYS
TABLE_SECTION: dict[str, str] = {t.key: t.section for t in model.TABLES}
TABLE_NAME: dict[str, str] = {t.key: t.name for t in model.TABLES}
#: The tables' names as messages: a parameter of a finding's message, rendered in the reader's language.
TABLE_TITLE: dict[str, Message] = {
    "section2": Message(N_("表二")),
    "section3": Message(N_("表三")),
    "section4": Message(N_("表四")),
}
assert {k: m.template for k, m in TABLE_TITLE.items()} == TABLE_NAME, (
    "a table's name changed: update TABLE_TITLE"
)
#: What a blank cell is called in a message.
BLANK = Message(N_("空白"))
_SEVERITY_RANK: dict[str, int] = {"error": 0, "warning": 1, "info": 2}
S3_INDEX: dict[str, int] = {k: i for i, k in enumerate(SECTION3_COLUMN_KEYS)}
S4_INDEX: dict[str, int] = {k: i for i, k in enumerate(SECTION4_COLUMN_KEYS)}
S3_COLUMN_LABEL: dict[str, str] = {c.key: c.label for c in SECTION3_COLUMNS}
S4_COLUMN_LABEL: dict[str, str] = {c.key: c.label for c in SECTION4_COLUMNS}
S4_GROUP_LABEL: dict[str, str] = {g.key: g.label for g in SECTION4_GROUPS}
S4_GROUP_INDEX: dict[str, int] = {g.key: i for i, g in enumerate(SECTION4_GROUPS)}


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


class Missing:
    """A cell the report does not have (row absent or row too short): unverifiable, not blank."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING = Missing()

#: Whitespace, removed from prose before patterns are matched.
WHITESPACE = re.compile(r"\s+")


def num(v: float | None) -> int | float | None:
    """An integral float as int (so messages and JSON show 63, not 63.0); ``None`` stays ``None``."""
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


Number = int | float


def show(v: Cell | Missing) -> str | Message:
    """A value as printed in a message (blank as 空白, a message, text quoted)."""
    if v is None or isinstance(v, Missing):
        return BLANK
    if isinstance(v, str):
        return f"“{v}”"
    return format_cell(num(v))


def join(items: Iterable[str]) -> str:
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
    if report.table_format is not None:
        return report.table_format
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
        return S4_GROUP_INDEX.get(row, len(S4_GROUP_INDEX))
    entry = layout.s2_rows.get(row)
    return entry[2] if entry else len(layout.s2_rows)


def _column_index(layout: _Layout, table: str | None, row: str | None, column: str | None) -> int:
    if table is None or column is None:
        return -1
    if table == "section3":
        return S3_INDEX.get(column, len(S3_INDEX))
    if table == "section4":
        return S4_INDEX.get(column, len(S4_INDEX))
    entry = layout.s2_rows.get(row or "")
    if entry is None:
        return 99
    col = entry[1].get(column)
    return col[1] if col else len(entry[1])


def sort_findings(findings: list[Finding], fmt: ReportFormat) -> list[Finding]:
    layout = _LAYOUTS[fmt.version]

    def key(item: tuple[int, Finding]) -> tuple[int, int, int, int, int, int]:
        seq, f = item
        section = f.section or (TABLE_SECTION.get(f.table) if f.table else None)
        s_idx = SECTION_INDEX.get(section, len(SECTION_INDEX)) if section else -1
        t_idx = TABLE_ORDER.index(f.table) if f.table in TABLE_ORDER else -1
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
class Ctx:
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

    def cell(self, table: str, row: str, column: str) -> Cell | Missing:
        if table != "section2":
            return self.values.get((table, row, column), MISSING)
        if (table, row) in self.unreadable:
            return MISSING
        return _cell(self.report.tables, table, row, column)

    @cached_property
    def prose(self) -> str:
        """The report's prose (the normalised text without table rows)."""
        return self.report.text or "\n".join(self.report.sections.values())

    @cached_property
    def compact(self) -> str:
        """The prose without any whitespace (patterns need not allow for stray spaces and line breaks)."""
        return WHITESPACE.sub("", self.prose)

    @cached_property
    def compact_sections(self) -> dict[str, str]:
        return {k: WHITESPACE.sub("", v) for k, v in self.report.sections.items()}

    def section_of(self, needle: str) -> str | None:
        """The section whose compact prose contains ``needle`` (the first one), if any."""
        for key, text in self.compact_sections.items():
            if needle in text:
                return key
        return None

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


def _cell(tables: Tables, table: str, row: str, column: str) -> Cell | Missing:
    if table == "section2":
        cells2 = tables.section2.get(row)
        if cells2 is None:
            return MISSING
        return cells2.get(column)
    if table == "section3":
        cells, idx = tables.section3.get(row), S3_INDEX.get(column)
    elif table == "section4":
        cells, idx = tables.section4.get(row), S4_INDEX.get(column)
    else:
        return MISSING
    if cells is None or idx is None or idx >= len(cells):
        return MISSING
    return cells[idx]


def make_ctx(report: ParsedReport) -> Ctx:
    fmt = FORMATS[_table_format(report)]
    unreadable: set[tuple[str, str]] = set()
    labelled: set[tuple[str, str]] = set()
    for f in report.parse_findings:
        if not f.table:
            continue
        # Table 四 is read as one row of 15 cells: a finding without a row is about all three groups.
        rows = [f.row] if f.row else list(S4_GROUP_INDEX) if f.table == "section4" else []
        for row in rows:
            if f.code in _UNREADABLE_ROW_CODES:
                unreadable.add((f.table, row))
            elif f.code == "label.nonstandard":
                labelled.add((f.table, row))
    return Ctx(report, fmt, frozenset(unreadable), frozenset(labelled))


def date_message(day: date | None) -> Message:
    """A date as a message parameter: ``2019年1月1日`` (as ``cn_date`` writes it) in Chinese; a missing
    date is “（未写明）”."""
    if day is None:
        return Message(N_("（未写明）"))
    return Message(
        N_("%(year)s年%(month)s月%(day)s日"), {"year": day.year, "month": day.month, "day": day.day}
    )


def cell_place(table: str, row_label: str, column_label: str) -> Message:
    """A cell named as a message: the table's name around its row and column labels (quoted as written)."""
    return Message(
        N_("%(table)s“%(row)s”行“%(column)s”列"),
        {"table": TABLE_TITLE.get(table, table), "row": row_label, "column": column_label},
    )
