"""The official tables as rows of cells (:func:`table_views`): the layout of every table derived from
``gongkai.reports.model`` (captions, labels, 3-row headers with their merged cells, the row groups of
table 三), the cells a finding names marked with its severity, its message and an ``id``."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from gongkai.checker.presenters.labels import SEVERITY_RANK, finding_message
from gongkai.reports.findings import SEVERITIES, Finding
from gongkai.reports.model import (
    RESULT_GROUP,
    SECTION2_CONTENT_HEADER,
    SECTION3_HEADER_GROUPS,
    SECTION3_HEADER_NOTE,
    SECTION_BY_KEY,
    FormatVersion,
    ReportFormat,
    get_format,
)
from gongkai.reports.tables import Cell, Tables, format_cell


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


CellKey = tuple[str, str, str | None]  # (table, row/group key, column key or None for the row)


class Marks:
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
        worst = min((f.severity for f in found), key=lambda s: SEVERITY_RANK.get(s, len(SEVERITIES)))
        cell.severity = worst
        cell.css.append(f"finding-{worst}")
        cell.id = self.cell_id(key)
        cell.title = "\n".join(finding_message(f) for f in found)
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


def _section2_view(fmt: ReportFormat, data: Mapping[str, Mapping[str, Cell]], marks: Marks) -> TableView:
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


def _section3_view(fmt: ReportFormat, data: Mapping[str, Sequence[Cell]], marks: Marks) -> TableView:
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


def _section4_view(fmt: ReportFormat, data: Mapping[str, Sequence[Cell]], marks: Marks) -> TableView:
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
    return marked_table_views(tables, version, Marks(prefix, findings, link))


def marked_table_views(tables: Tables, version: FormatVersion, marks: Marks) -> list[TableView]:
    fmt = get_format(version)
    return [
        _section2_view(fmt, tables.section2, marks),
        _section3_view(fmt, tables.section3, marks),
        _section4_view(fmt, tables.section4, marks),
    ]
