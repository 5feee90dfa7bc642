"""Cells: blank, text where a number belongs, negative, fractional counts, fee amounts with too many
decimals."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from gongkai.checker.checks.context import (
    TABLE_ORDER,
    TABLE_SECTION,
    TABLE_TITLE,
    Ctx,
    cell_place,
    join,
    num,
    show,
)
from gongkai.checker.codes import finding
from gongkai.core.messages import N_, Message
from gongkai.reports.findings import Finding
from gongkai.reports.model import FEE_AMOUNT_DECIMALS, SECTION3_COLUMNS, SECTION4_COLUMNS, SECTION4_GROUPS
from gongkai.reports.tables import Cell


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
    def place(self) -> Message:
        return cell_place(self.table, self.row_label, self.column_label)


def _table_cells(ctx: Ctx) -> Iterator[tuple[str, str, list[_CellSpec]]]:
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


def check_cells(ctx: Ctx) -> list[Finding]:
    out: list[Finding] = []
    rows = list(_table_cells(ctx))
    wholly_blank = {
        table
        for table in TABLE_ORDER
        if any(t == table for t, _, _ in rows)
        and all(c.value is None for t, _, cells in rows if t == table for c in cells)
    }
    for table in TABLE_ORDER:
        if table in wholly_blank:
            out.append(
                finding(
                    "cell.blank",
                    Message(
                        N_("%(table)s所有单元格都是空白；没有发生的事项应填0。"),
                        {"table": TABLE_TITLE[table]},
                    ),
                    section=TABLE_SECTION[table],
                    table=table,
                    expected=0,
                    found=None,
                )
            )
    blank_rows: list[list[_CellSpec]] = []
    for table, row, cells in rows:
        if (table, row) in ctx.unreadable:
            continue  # the parser's finding says why the row cannot be read
        section = TABLE_SECTION[table]
        blanks: list[_CellSpec] = []
        for c in cells:
            v = c.value
            if v is None:
                blanks.append(c)
            elif isinstance(v, str):
                out.append(
                    finding(
                        "cell.not_number",
                        Message(
                            N_("%(place)s应填写数字，实际填写的是文字“%(text)s”。"),
                            {"place": c.place, "text": f"{v[:40]}{'…' if len(v) > 40 else ''}"},
                        ),
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
                            Message(
                                N_("%(place)s为%(value)s，数量和金额不能为负数。"),
                                {"place": c.place, "value": show(v)},
                            ),
                            section=section,
                            table=table,
                            row=row,
                            column=c.column,
                            expected=">= 0",
                            found=num(v),
                        )
                    )
                if c.kind != "amount" and isinstance(v, float) and not v.is_integer():
                    out.append(
                        finding(
                            "cell.fraction",
                            Message(
                                N_("%(place)s为%(value)s，件数应为整数。"), {"place": c.place, "value": v}
                            ),
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
                                Message(
                                    N_(
                                        "%(place)s为%(value)s，有%(places)s位小数；"
                                        "金额以万元计，应保留%(decimals)s位小数（如%(rounded)s）。"
                                    ),
                                    {
                                        "place": c.place,
                                        "value": v,
                                        "places": places,
                                        "decimals": FEE_AMOUNT_DECIMALS,
                                        "rounded": rounded,
                                    },
                                ),
                                section=section,
                                table=table,
                                row=row,
                                column=c.column,
                                expected=FEE_AMOUNT_DECIMALS,
                                found=places,
                            )
                        )
        if blanks and table not in wholly_blank:
            blank_rows.append(blanks)
    out.extend(_blank_findings(blank_rows))
    return out


#: A column (or a set of columns) blank in this many rows of one table is one pattern (the column left
#: blank throughout), reported once with the rows listed.
PATTERN_ROWS = 3


def _blank_findings(blank_rows: list[list[_CellSpec]]) -> list[Finding]:
    """``cell.blank``, grouped by column: a column blank in :data:`PATTERN_ROWS` or more rows of a table
    is one finding listing those rows (columns blank in exactly the same rows are one finding together),
    even when some of those rows have other blank cells; each row's blank cells outside such a pattern
    are one finding for the row. No cell's blankness is reported twice. 表二“规章” keeps its own advice
    (rule-making power) and is never part of a pattern."""
    by_column: dict[tuple[str, str], list[_CellSpec]] = {}
    for blanks in blank_rows:
        first = blanks[0]
        if first.table == "section2" and first.row == "regulations":
            continue
        for c in blanks:
            by_column.setdefault((c.table, c.column), []).append(c)
    # Columns blank in enough rows, grouped with the columns blank in exactly the same rows.
    patterns: dict[tuple[str, tuple[str, ...]], list[list[_CellSpec]]] = {}
    for (table, _column), cells in by_column.items():
        if len(cells) >= PATTERN_ROWS:
            patterns.setdefault((table, tuple(c.row for c in cells)), []).append(cells)
    in_pattern = {id(c) for groups in patterns.values() for cells in groups for c in cells}
    out: list[Finding] = []
    for blanks in blank_rows:
        rest = [c for c in blanks if id(c) not in in_pattern]
        if rest:
            out.append(_blank_row(rest))
    for (table, rows), groups in patterns.items():
        first_cells = groups[0]
        columns = [cells[0] for cells in groups]
        out.append(
            finding(
                "cell.blank",
                Message(
                    N_("%(table)s有 %(count)s 行的%(columns)s列为空白：%(rows)s；没有发生的事项应填0。"),
                    {
                        "table": TABLE_TITLE[table],
                        "count": len(rows),
                        "columns": join(f"“{c.column_label}”" for c in columns),
                        "rows": join(f"“{c.row_label}”" for c in first_cells),
                    },
                ),
                section=TABLE_SECTION[table],
                table=table,
                row=first_cells[0].row,
                column=columns[0].column if len(columns) == 1 else None,
                expected=0,
                found=None,
            )
        )
    return out


def _blank_row(blanks: list[_CellSpec]) -> Finding:
    first = blanks[0]
    rule_making = first.table == "section2" and first.row == "regulations"
    template = (
        N_("%(table)s“%(row)s”行的%(columns)s列为空白；没有规章制定权的机关可填0或“/”；建议填0。")
        if rule_making
        else N_("%(table)s“%(row)s”行的%(columns)s列为空白；没有发生的事项应填0。")
    )
    return finding(
        "cell.blank",
        Message(
            template,
            {
                "table": TABLE_TITLE[first.table],
                "row": first.row_label,
                "columns": join(f"“{c.column_label}”" for c in blanks),
            },
        ),
        severity="info" if rule_making else None,
        section=TABLE_SECTION[first.table],
        table=first.table,
        row=first.row,
        column=first.column if len(blanks) == 1 else None,
        expected=0,
        found=None,
    )
