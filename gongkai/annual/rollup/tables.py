"""Tables 三 and 四 of a seat's agencies added up, with the agencies left out and why."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from django.db.models import F
from django.utils.translation import gettext as _

from gongkai.agencies.models import Agency
from gongkai.annual.rollup.common import agencies_in_tree, import_problem, latest_imports, latest_published
from gongkai.reports.model import (
    SECTION3_COLUMN_KEYS,
    SECTION4_COLUMN_KEYS,
    FormatVersion,
    format_for_year,
    get_format,
)
from gongkai.reports.tables import Tables


@dataclass(frozen=True)
class Included:
    agency_id: int
    name: str
    short_code: str
    #: "gongkai" (published here) or "import" (read from a file).
    source: str
    imported_id: int | None = None


@dataclass(frozen=True)
class Missing:
    agency_id: int
    name: str
    reason: str
    imported_id: int | None = None


@dataclass
class SummedTables:
    year: int
    format: FormatVersion
    #: ``Tables`` with ``section3`` and ``section4`` only (``section2`` is not summed).
    tables: Tables
    included: list[Included] = field(default_factory=list)
    missing: list[Missing] = field(default_factory=list)


def _complete(
    section3: Any, section4: Any, version: FormatVersion
) -> tuple[dict[str, list[int]], dict[str, list[int]]] | str:
    """Tables 三 and 四 with every row of ``version`` and only whole numbers, or why not (in Chinese)."""
    fmt = get_format(version)
    out3: dict[str, list[int]] = {}
    out4: dict[str, list[int]] = {}
    checks: list[tuple[str, Any, Sequence[tuple[str, str]], int, dict[str, list[int]]]] = [
        ("表三", section3, [(r.key, r.label) for r in fmt.section3_rows], len(SECTION3_COLUMN_KEYS), out3),
        ("表四", section4, [(g.key, g.label) for g in fmt.section4_groups], len(SECTION4_COLUMN_KEYS), out4),
    ]
    for table, data, rows, width, out in checks:
        if not isinstance(data, dict):
            return _("未读出%(table)s") % {"table": table}
        for key, label in rows:
            cells = data.get(key)
            if not isinstance(cells, list) or len(cells) != width:
                return _("%(table)s缺少“%(row)s”") % {"table": table, "row": label}
            if any(type(c) is not int for c in cells):  # not a blank, text, float or bool
                return _("%(table)s“%(row)s”有空白或不是整数的单元格") % {"table": table, "row": label}
            out[key] = list(cells)
    return out3, out4


def _add(total: dict[str, list[int]], part: Mapping[str, list[int]]) -> None:
    for key, cells in part.items():
        into = total[key]
        for i, value in enumerate(cells):
            into[i] += value


def summed_tables(seat: Agency, year: int) -> SummedTables | None:
    """Tables 三 and 四 of the seat's agencies for ``year`` added up; ``None`` before 2019 (no format).

    An agency counts with its latest version published in Gongkai (tables 三 and 四 are never entered by
    hand: the stored ``computed`` tables are the published ones), else with its latest import for the
    year when the file was read as a report in the year's format with tables 三 and 四 complete."""
    version = format_for_year(year)
    if version is None:
        return None
    fmt = get_format(version)
    total3 = {r.key: [0] * len(SECTION3_COLUMN_KEYS) for r in fmt.section3_rows}
    total4 = {g.key: [0] * len(SECTION4_COLUMN_KEYS) for g in fmt.section4_groups}
    result = SummedTables(year, version, Tables(section3=cast(Any, total3), section4=cast(Any, total4)))

    agencies = agencies_in_tree(seat)
    published = {
        row["report__agency_id"]: row
        for row in latest_published(seat, year).values(
            "report__agency_id", "format", section3=F("computed__section3"), section4=F("computed__section4")
        )
    }
    imports = latest_imports(seat, year, "result__tables__section3", "result__tables__section4")
    for agency in agencies:
        gongkai = published.get(agency.pk)
        imported = imports.get(agency.pk)
        if gongkai is not None:
            tables = (
                _complete(gongkai["section3"], gongkai["section4"], version)
                if gongkai["format"] == version
                else _("格式与该年度不符")
            )
            if isinstance(
                tables, str
            ):  # pragma: no cover - Gongkai computes both tables in the year's format
                result.missing.append(Missing(agency.pk, agency.name, tables))
                continue
            _add(total3, tables[0])
            _add(total4, tables[1])
            result.included.append(Included(agency.pk, agency.name, agency.short_code, "gongkai"))
            continue
        if imported is None:
            result.missing.append(Missing(agency.pk, agency.name, _("未公开年度报告，也没有导入")))
            continue
        problem = import_problem(imported["unreadable"], imported["kind"])
        if not problem and imported["format"] != version:
            problem = _("导入的报告不是%(year)s年度应采用的格式") % {"year": year}
        if problem:
            result.missing.append(Missing(agency.pk, agency.name, problem, imported["id"]))
            continue
        tables = _complete(
            imported["result__tables__section3"], imported["result__tables__section4"], version
        )
        if isinstance(tables, str):
            reason = _("导入的报告不完整：%(reason)s") % {"reason": tables}
            result.missing.append(Missing(agency.pk, agency.name, reason, imported["id"]))
            continue
        _add(total3, tables[0])
        _add(total4, tables[1])
        result.included.append(Included(agency.pk, agency.name, agency.short_code, "import", imported["id"]))
    return result
