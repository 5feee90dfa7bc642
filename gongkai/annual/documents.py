"""From a report version to the document every export and check reads.

* the tables computed from the records (``gongkai.annual.tabulate``) in the checker's ``Tables`` form;
* which cells of table 二 are entered by hand (D9) and how a typed value is read;
* the version's tables with its hand entries applied, its notes, and the :class:`ReportDocument`;
* a fingerprint of the document, so that a check is known to be about exactly what will be published.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from django.utils.translation import gettext

from gongkai.annual import tabulate
from gongkai.annual.models import HandEntry, ReportVersion
from gongkai.core.i18n import render
from gongkai.core.messages import N_, Message
from gongkai.reports.document import ReportDocument
from gongkai.reports.model import (
    FEE_AMOUNT_DECIMALS,
    SECTION3_COLUMN_KEYS,
    SECTION4_COLUMN_KEYS,
    Column,
    FormatVersion,
    Row,
    Section2Block,
    get_format,
)
from gongkai.reports.tables import Cell, Tables

#: 2021 format: the cells of table 二 entered by hand — the fee amount (always), and the decision counts
#: when the agency decides in another system (the catalogue's count is then replaced, with a note).
HAND_CELLS_2021: frozenset[tuple[str, str]] = frozenset(
    {("fees", "amount"), ("licensing", "decisions"), ("penalty", "decisions"), ("enforcement", "decisions")}
)
#: 2021-format cells that have no value until entered by hand.
REQUIRED_HAND_CELLS_2021: frozenset[tuple[str, str]] = frozenset({("fees", "amount")})


class BadFigure(ValueError):
    """A hand-entered figure that cannot be read; the message says why, in the reader's language."""


@dataclass(frozen=True)
class HandCell:
    block: Section2Block
    row: Row
    column: Column
    required: bool  # no value until entered (2019 table 二, 2021 fee amount)

    @property
    def message(self) -> Message:
        """The cell's name (the row and column keep their official Chinese labels)."""
        return Message(
            N_("表二 第二十条第（%(item)s）项“%(row)s”·%(column)s"),
            {"item": self.block.item, "row": self.row.label, "column": self.column.label},
        )

    @property
    def label(self) -> str:
        """The cell's name in Chinese, as the report prints it."""
        return str(self.message)

    @property
    def shown_label(self) -> str:
        """The cell's name in the reader's language."""
        return render(self.message)


def hand_cells(version: FormatVersion) -> list[HandCell]:
    """The table-二 cells of ``version`` that may be entered by hand, in table order."""
    fmt = get_format(version)
    out = []
    for block, row in fmt.section2_rows():
        for column in block.columns:
            if version == "2019":
                out.append(HandCell(block, row, column, required=True))
            elif (row.key, column.key) in HAND_CELLS_2021:
                out.append(HandCell(block, row, column, (row.key, column.key) in REQUIRED_HAND_CELLS_2021))
    return out


def hand_cell(version: FormatVersion, row: str, column: str) -> HandCell:
    for cell in hand_cells(version):
        if cell.row.key == row and cell.column.key == column:
            return cell
    raise BadFigure(gettext("该单元格由系统根据记录生成，不能手工填报。"))


def parse_figure(cell: HandCell, text: str) -> Decimal:
    """Read a typed figure for ``cell``: whole numbers for counts (本年增/减 may be negative), at most four
    decimals for amounts in 万元. Accepts full-width digits and thousands separators."""
    raw = (
        text.strip().translate(str.maketrans("０１２３４５６７８９．－，", "0123456789.-,")).replace(",", "")
    )
    if not raw:
        raise BadFigure(gettext("请填写%(cell)s的数值。") % {"cell": cell.shown_label})
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise BadFigure(
            gettext("“%(text)s”不是数字，请填写阿拉伯数字，例如 12 或 0.0150。") % {"text": text.strip()}
        ) from None
    if not value.is_finite():
        raise BadFigure(gettext("“%(text)s”不是数字。") % {"text": text.strip()})
    if cell.column.kind == "amount":
        if value < 0:
            raise BadFigure(gettext("%(cell)s不能为负数。") % {"cell": cell.shown_label})
        if -cast(int, value.as_tuple().exponent) > FEE_AMOUNT_DECIMALS:
            raise BadFigure(
                gettext("%(cell)s以万元为单位，最多保留%(decimals)s位小数（例如 0.0125）。")
                % {"cell": cell.shown_label, "decimals": FEE_AMOUNT_DECIMALS}
            )
        if value >= Decimal("1e11"):
            raise BadFigure(gettext("%(cell)s数值过大，请核对单位（万元）。") % {"cell": cell.shown_label})
        return value
    if value != value.to_integral_value():
        raise BadFigure(gettext("%(cell)s是件数，应为整数。") % {"cell": cell.shown_label})
    if cell.column.kind == "count" and value < 0:
        raise BadFigure(
            gettext("%(cell)s不能为负数（只有“本年增/减”可以为负）。") % {"cell": cell.shown_label}
        )
    if abs(value) >= Decimal("1e9"):
        raise BadFigure(gettext("%(cell)s数值过大，请核对。") % {"cell": cell.shown_label})
    return value


def _cell_value(column: Column, value: Decimal) -> Cell:
    if column.kind == "amount":
        return float(value.quantize(Decimal(1).scaleb(-FEE_AMOUNT_DECIMALS)))
    return int(value)


# ---------------------------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------------------------


def computed_tables(agency_ids: Sequence[int], year: int, version: FormatVersion) -> dict[str, Any]:
    """The tables from the records in ``Tables.to_json()`` form. The 2019 table 二 is all blanks (D9)."""
    t3 = tabulate.table3(agency_ids, year)
    t4 = tabulate.table4(agency_ids, year)
    if version == "2021":
        section2: dict[str, dict[str, Cell]] = {
            k: dict(v) for k, v in tabulate.table2(agency_ids, year).items()
        }
    else:
        fmt = get_format(version)
        section2 = {
            row.key: dict.fromkeys((c.key for c in block.columns), None) for block, row in fmt.section2_rows()
        }
    return Tables(
        section2=section2,
        section3={row: [cells[c] for c in SECTION3_COLUMN_KEYS] for row, cells in t3.items()},
        section4={group: [cells[c] for c in SECTION4_COLUMN_KEYS] for group, cells in t4.items()},
    ).to_json()


def assembled_tables(version: ReportVersion, entries: Iterable[HandEntry] | None = None) -> Tables:
    """The version's tables: computed from the records, with its hand entries applied."""
    data = version.computed or {}
    tables = Tables(
        section2={k: dict(v) for k, v in (data.get("section2") or {}).items()},
        section3={k: list(v) for k, v in (data.get("section3") or {}).items()},
        section4={k: list(v) for k, v in (data.get("section4") or {}).items()},
    )
    fmt_version = cast(FormatVersion, version.format)
    for entry in version.hand_entries.all() if entries is None else entries:
        try:
            cell = hand_cell(fmt_version, entry.row, entry.column)
        except BadFigure:  # pragma: no cover - the service only stores hand-enterable cells
            continue
        tables.section2.setdefault(entry.row, {})[entry.column] = _cell_value(cell.column, entry.value)
    return tables


def notes(version: ReportVersion, entries: Iterable[HandEntry]) -> tuple[str, ...]:
    """The report's notes on its hand-entered figures, in Chinese as it prints them."""
    return tuple(str(note) for note in note_messages(version, entries))


def note_messages(version: ReportVersion, entries: Iterable[HandEntry]) -> list[Message]:
    """The notes on the hand-entered figures, to render in the reader's language on the workspace."""
    fmt_version = cast(FormatVersion, version.format)
    out = []
    for entry in entries:
        try:
            cell = hand_cell(fmt_version, entry.row, entry.column)
        except BadFigure:  # pragma: no cover
            continue
        out.append(Message(N_("%(cell)s为手工填报：%(note)s"), {"cell": cell.message, "note": entry.note}))
    return out


def to_document(version: ReportVersion) -> ReportDocument:
    entries = list(version.hand_entries.all())
    report = version.report
    return ReportDocument(
        agency_name=version.agency_name or report.agency.name,
        year=report.year,
        format=cast(FormatVersion, version.format),
        sections=dict(version.sections or {}),
        tables=assembled_tables(version, entries),
        published_on=version.published_on,
        version=version.number,
        notes=notes(version, entries),
        change_note=version.change_note,
    )


def fingerprint(doc: ReportDocument) -> str:
    """Changes whenever anything printed in the report changes (text, tables, notes, change note)."""
    payload = {
        "agency": doc.agency_name,
        "year": doc.year,
        "format": doc.format,
        "sections": {k: doc.sections[k] for k in sorted(doc.sections)},
        "tables": doc.tables.to_json(),
        "notes": list(doc.notes),
        "change_note": doc.change_note,
    }
    data = json.dumps(payload, ensure_ascii=False, sort_keys=True, default=str).encode()
    return hashlib.sha256(data).hexdigest()


def missing_hand_cells(version: ReportVersion, tables: Tables) -> list[HandCell]:
    """Required hand-entered cells still blank."""
    return [
        cell
        for cell in hand_cells(cast(FormatVersion, version.format))
        if cell.required and tables.section2.get(cell.row.key, {}).get(cell.column.key) is None
    ]
