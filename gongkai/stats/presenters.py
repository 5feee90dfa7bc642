"""What the statistics pages and spreadsheets show, from the figures (no queries)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils import formats
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]
from openpyxl.styles import Font  # type: ignore[import-untyped]

from gongkai.agencies.models import Agency
from gongkai.applications.clock import CHANNEL_LABELS, Channel
from gongkai.applications.models import ApplicantType
from gongkai.core.i18n import render
from gongkai.core.reversing import fast_reverse
from gongkai.stats.figures import Figures
from gongkai.statute.outcomes import OUTCOMES, UnknownOutcome, get_outcome


def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def days(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:g}"


def _outcome_label(key: str) -> str:
    try:
        return render(get_outcome(key).label)
    except UnknownOutcome:
        return key


def breakdowns(figures: Figures) -> list[dict[str, Any]]:
    """The three tables of counts: by channel, by applicant type, by outcome (rows in the statute's order,
    zeros included for channels and types)."""
    channels = [(render(CHANNEL_LABELS[c]), figures.by_channel.get(c.value, 0)) for c in Channel]
    types = [(str(label), figures.by_applicant_type.get(value, 0)) for value, label in ApplicantType.choices]
    known = [o.key for o in OUTCOMES]
    outcomes = [(_outcome_label(k), figures.by_outcome[k]) for k in known if figures.by_outcome.get(k)]
    outcomes += [(_outcome_label(k), n) for k, n in sorted(figures.by_outcome.items()) if k not in known]
    return [
        {"caption": _("按提交方式"), "rows": channels, "total": figures.received},
        {"caption": _("按申请人类型"), "rows": types, "total": figures.received},
        {"caption": _("按办理结果"), "rows": outcomes, "total": figures.answered},
    ]


def summary(figures: Figures) -> list[tuple[str, str]]:
    """The headline figures (label, value)."""
    return [
        (_("收到申请"), str(figures.received)),
        (_("办结（含撤回）"), str(figures.answered)),
        (_("按期答复率"), percent(figures.on_time_rate)),
        (_("按期答复 / 逾期答复"), f"{figures.on_time} / {figures.late}"),
        (_("答复用时中位数（工作日）"), days(figures.median_days)),
        (_("答复用时第90百分位（工作日）"), days(figures.p90_days)),
        (_("当前逾期未答复"), str(figures.overdue_now)),
    ]


def column_headers() -> list[str]:
    return [
        _("机关"),
        _("收到申请"),
        _("办结（含撤回）"),
        _("按期答复"),
        _("逾期答复"),
        _("按期答复率"),
        _("答复用时中位数（工作日）"),
        _("答复用时第90百分位（工作日）"),
        _("当前逾期未答复"),
    ]


def table_row(agency: Agency, figures: Figures) -> list[Any]:
    """One agency's row of the side-by-side table and the spreadsheet (numbers stay numbers)."""
    rate = figures.on_time_rate
    return [
        agency.name,
        figures.received,
        figures.answered,
        figures.on_time,
        figures.late,
        None if rate is None else round(rate * 100, 1),
        figures.median_days,
        figures.p90_days,
        figures.overdue_now,
    ]


@dataclass(frozen=True)
class Bar:
    label: str
    value: str
    y: int
    width: float
    text_y: int


#: The chart's geometry (SVG user units).
CHART_LABEL_WIDTH = 220
CHART_BAR_WIDTH = 400
CHART_ROW = 26


def chart_bars(rows: Sequence[tuple[Agency, Figures]]) -> dict[str, Any]:
    """A horizontal bar chart of the on-time rate of each agency, drawn as server-side SVG."""
    bars = []
    for i, (agency, figures) in enumerate(rows):
        rate = figures.on_time_rate
        y = i * CHART_ROW + 4
        bars.append(
            Bar(
                label=agency.name,
                value=percent(rate),
                y=y,
                width=round((rate or 0) * CHART_BAR_WIDTH, 1),
                text_y=y + 14,
            )
        )
    return {
        "bars": bars,
        "height": len(bars) * CHART_ROW + 8,
        "label_width": CHART_LABEL_WIDTH,
        "bar_x": CHART_LABEL_WIDTH + 8,
        "bar_width": CHART_BAR_WIDTH,
        "width": CHART_LABEL_WIDTH + CHART_BAR_WIDTH + 80,
        "value_x": CHART_LABEL_WIDTH + CHART_BAR_WIDTH + 14,
    }


def _number(value: Any, decimal_separator: str) -> str:
    """A number as the template's ``{{ value }}`` showed it (no thousands separator), or a dash."""
    if value is None:
        return "—"
    if isinstance(value, float):
        return str(value).replace(".", decimal_separator)
    return str(value) if isinstance(value, int) else escape(value)


def table_body(rows: Sequence[tuple[Agency, list[Any]]], year: int) -> SafeString:
    """The side-by-side table's rows, made in Python: 2,000 rows of nine cells through the template's
    lookups (and a ``reverse`` per row, a ``localize`` per cell) were most of the page's time (as the
    officer's queue found, D41). Names and numbers are escaped."""
    separator = str(formats.get_format("DECIMAL_SEPARATOR"))
    lines = []
    for agency, row in rows:
        cells = "".join(f'<td class="cases-num">{_number(v, separator)}</td>' for v in row[1:])
        link = escape(f"{fast_reverse('stats:agency', agency.short_code)}?year={year}")
        lines.append(f'<tr><th scope="row"><a href="{link}">{escape(agency.name)}</a></th>{cells}</tr>')
    return mark_safe("\n".join(lines))  # noqa: S308 - every value above is escaped


def chart_svg(chart: dict[str, Any]) -> SafeString:
    """The chart's bars (the inside of its ``<svg>``), made in Python for the same reason."""
    separator = str(formats.get_format("DECIMAL_SEPARATOR"))
    label_x, bar_x, bar_width, value_x = (
        chart["label_width"],
        chart["bar_x"],
        chart["bar_width"],
        chart["value_x"],
    )
    lines = []
    for bar in chart["bars"]:
        label, value, width = escape(bar.label), escape(bar.value), _number(bar.width, separator)
        lines.append(
            f'<text x="{label_x}" y="{bar.text_y}" text-anchor="end" font-size="13">{label}</text>'
            f'<rect x="{bar_x}" y="{bar.y}" width="{bar_width}" height="18" fill="#eef1f5"></rect>'
            f'<rect x="{bar_x}" y="{bar.y}" width="{width}" height="18" fill="#1f5fa8">'
            f"<title>{label} {value}</title></rect>"
            f'<text x="{value_x}" y="{bar.text_y}" font-size="13">{value}</text>'
        )
    return mark_safe("\n".join(lines))  # noqa: S308 - every value above is escaped


def workbook(title: str, rows: Sequence[tuple[Agency, Figures]]) -> bytes:
    """The side-by-side table as an .xlsx file (written row by row: 2,000 agencies)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("办理统计"))
    sheet.column_dimensions["A"].width = 36
    bold = Font(bold=True)

    def heading(values: list[Any]) -> list[WriteOnlyCell]:
        cells = [WriteOnlyCell(sheet, value=value) for value in values]
        for cell in cells:
            cell.font = bold
        return cells

    sheet.append(heading([title]))
    sheet.append(heading(column_headers()))
    for agency, figures in rows:
        sheet.append(table_row(agency, figures))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_text(rows: Sequence[tuple[Agency, Figures]]) -> str:
    """The side-by-side table as CSV (UTF-8 with BOM for spreadsheet programs)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(column_headers())
    for agency, figures in rows:
        writer.writerow(["" if v is None else v for v in table_row(agency, figures)])
    return "\ufeff" + out.getvalue()
