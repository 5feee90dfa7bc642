"""The table-二 figures entered by hand, each with where it comes from."""

from __future__ import annotations

from typing import cast

from django.db import transaction
from django.utils.translation import gettext

from gongkai.annual import documents
from gongkai.annual.models import HandEntry, ReportVersion
from gongkai.annual.services.common import ReportError, clean_text, locked_draft
from gongkai.core.actors import Actor, user_of
from gongkai.core.audit import record_audit
from gongkai.reports.model import FormatVersion


def set_hand_entry(
    *, actor: Actor, version: ReportVersion, row: str, column: str, value: str, note: str
) -> HandEntry:
    """Enter one table-二 figure by hand, with where it comes from (required)."""
    try:
        cell = documents.hand_cell(cast(FormatVersion, version.format), row, column)
        figure = documents.parse_figure(cell, value)
    except documents.BadFigure as exc:
        raise ReportError({"value": str(exc)}) from None
    note = clean_text(note, "note").strip()
    if not note:
        raise ReportError(
            {
                "note": gettext(
                    "请说明%(cell)s的数据来源（例如“据财务系统统计”“行政许可在省政务服务平台办理”）。"
                )
                % {"cell": cell.shown_label}
            }
        )
    if len(note) > 500:
        raise ReportError({"note": gettext("说明不能超过500字。")})
    with transaction.atomic():
        report, draft = locked_draft(actor, version)
        entry, created = HandEntry.objects.update_or_create(
            version=draft,
            row=row,
            column=column,
            defaults={
                "value": figure,
                "note": note,
                "entered_by": user_of(actor),
            },
        )
        record_audit(
            actor,
            "annual.hand_entry_set",
            draft,
            agency=report.agency,
            row=row,
            column=column,
            value=str(figure),
            note=note,
            created=created,
        )
    return entry


def fill_blank_hand_entries(*, actor: Actor, version: ReportVersion, note: str) -> int:
    """Enter 0, with one note, in every required hand-entered cell still blank (e.g. the 2019 table 二 of
    an agency that makes no 规章 and charges no fees). Returns how many cells were filled."""
    note = clean_text(note, "note").strip()
    if not note:
        raise ReportError(
            {"note": gettext("请说明这些单元格为0的依据（例如“本机关本年度未发生上述事项”）。")}
        )
    if len(note) > 500:
        raise ReportError({"note": gettext("说明不能超过500字。")})
    with transaction.atomic():
        report, draft = locked_draft(actor, version)
        tables = documents.assembled_tables(draft)
        blank = documents.missing_hand_cells(draft, tables)
        HandEntry.objects.bulk_create(
            HandEntry(
                version=draft,
                row=cell.row.key,
                column=cell.column.key,
                value=0,
                note=note,
                entered_by=user_of(actor),
            )
            for cell in blank
        )
        record_audit(
            actor,
            "annual.hand_entries_zero_filled",
            draft,
            agency=report.agency,
            cells=[f"{c.row.key}/{c.column.key}" for c in blank],
            note=note,
        )
    return len(blank)


def remove_hand_entry(*, actor: Actor, version: ReportVersion, row: str, column: str) -> None:
    try:
        documents.hand_cell(cast(FormatVersion, version.format), row, column)
    except documents.BadFigure as exc:
        raise ReportError(str(exc)) from None
    with transaction.atomic():
        report, draft = locked_draft(actor, version)
        deleted, _ = HandEntry.objects.filter(version=draft, row=row, column=column).delete()
        if not deleted:
            raise ReportError(gettext("该单元格没有手工填报的数据。"))
        record_audit(actor, "annual.hand_entry_removed", draft, agency=report.agency, row=row, column=column)
