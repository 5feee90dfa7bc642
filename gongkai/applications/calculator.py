"""The deadline calculator (期限计算) shared by ``gongkai deadline`` and the public ``/deadline/`` page.

It turns a few dates into :class:`~gongkai.applications.clock.ClockFacts` and lets the statutory clock
(:func:`gongkai.applications.clock.compute`) do the counting, so the calculator can never disagree with
the due dates of real cases. Nothing is stored; the only database access is reading the calendar in
force (:func:`calendar_in_force`).

Errors a user can fix raise :class:`CalculatorError` (a message in the reader's language, and the form
field it is about); the explanation and flags are rendered in the reader's language too (Chinese for the
CLI);
a date in a year whose calendar is not loaded raises
:class:`~gongkai.workdays.calendar.CalendarNotLoaded` (its message names the year and how to load it).
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Sequence
from typing import TypedDict

from django.db.utils import OperationalError, ProgrammingError
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.applications.clock import (
    CHANNEL_LABELS,
    CHANNELS_NEEDING_CONFIRMATION,
    PAUSE_LABELS,
    Calendar,
    Channel,
    Clock,
    ClockError,
    ClockFacts,
    Extension,
    Pause,
    PauseKind,
    compute,
)
from gongkai.core.i18n import render, render_lazy
from gongkai.core.messages import N_
from gongkai.workdays.builtin import builtin_years
from gongkai.workdays.calendar import CalendarNotLoaded, WorkCalendar
from gongkai.workdays.provisional import provisional_years
from gongkai.workdays.store import current_calendar

__all__ = [
    "CHANNEL_CHOICES",
    "CalculatorError",
    "Result",
    "calculate",
    "calendar_in_force",
    "parse_date",
    "parse_pause",
]

#: ``(value, label)`` for every channel, in the order of :class:`Channel` (labels in the reader's language).
CHANNEL_CHOICES: list[tuple[str, str]] = [(c.value, render_lazy(CHANNEL_LABELS[c])) for c in Channel]

#: How a pause given to the calculator is described (it may be any consultation or a fee notice).
PAUSE_LABEL = PAUSE_LABELS[PauseKind.UNSPECIFIED]

NOT_MIGRATED_NOTE = (
    "注意：数据库尚未建立（未运行 gongkai migrate），无法读取管理员载入的工作日历，"
    "以下按内置日历（国务院办公厅历年放假通知）计算，没有内置日历的年份按法定节假日暂定推算。"
)


class CalculatorError(ValueError):
    """Input the calculator cannot use; ``field`` names the input (as on the web form), if one."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message


class Result(TypedDict):
    receipt_date: str
    due_date: str
    working_days: int
    original_due_date: str
    #: The due date was counted over a year whose notice is not loaded (暂定, decisions D17).
    provisional: bool
    explanation: list[str]
    flags: list[str]


def parse_date(value: str, label: str, field: str | None = None) -> datetime.date:
    """``2026-02-10`` (also ``2026/2/10`` and ``2026.2.10``) as a date; :class:`CalculatorError` if not."""
    text = value.strip()
    for separator in ("/", "."):
        text = text.replace(separator, "-")
    parts = text.split("-")
    try:
        if len(parts) != 3 or len(parts[0]) != 4:
            raise ValueError(value)
        return datetime.date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        raise CalculatorError(
            _("%(label)s“%(value)s”不是有效的日期，请写成 年-月-日，例如 2026-02-10。")
            % {"label": render(label), "value": value},
            field=field,
        ) from None


def parse_pause(value: str) -> tuple[datetime.date, datetime.date]:
    """``2026-03-02:2026-03-06`` as ``(start, end)``."""
    start, sep, end = value.partition(":")
    if not sep or not start.strip() or not end.strip():
        raise CalculatorError(
            _("暂停计时期间“%(value)s”应写成 开始日期:结束日期，例如 2026-03-02:2026-03-06。")
            % {"value": value},
            field="pauses",
        )
    return parse_date(start, N_("暂停计时的开始日期"), "pauses"), parse_date(
        end, N_("暂停计时的结束日期"), "pauses"
    )


def calendar_in_force() -> tuple[WorkCalendar, str]:
    """The calendar in force and a note for the user (empty unless the database cannot be read).

    Without a migrated database no administrator can have loaded a year, so the built-in years are
    exactly the calendar in force; the note says so.
    """
    try:
        return current_calendar(), ""
    except (OperationalError, ProgrammingError):
        builtin = builtin_years()
        return WorkCalendar(builtin.values(), provisional=provisional_years(builtin)), NOT_MIGRATED_NOTE


def _check(
    received: datetime.date,
    channel: Channel,
    confirmed: datetime.date | None,
    correction_requested: datetime.date | None,
    correction_received: datetime.date | None,
    pauses: Sequence[tuple[datetime.date, datetime.date]],
) -> datetime.date:
    """Reject inconsistent input with a message naming the field; returns the receipt date (D2)."""
    if channel in CHANNELS_NEEDING_CONFIRMATION:
        if confirmed is None:
            raise CalculatorError(
                _(
                    "通过%(channel)s提交的申请，以与申请人确认收到之日为收到申请之日（条例第三十一条）："
                    "请填写确认收到的日期。"
                )
                % {"channel": render(CHANNEL_LABELS[channel])},
                field="confirmed",
            )
        if confirmed < received:
            raise CalculatorError(
                _("确认收到的日期（%(confirmed)s）不能早于申请到达的日期（%(received)s）。")
                % {"confirmed": confirmed, "received": received},
                field="confirmed",
            )
    elif confirmed is not None:
        raise CalculatorError(
            _("只有平信邮寄、电子邮件和传真提交的申请需要填写确认收到的日期。"), field="confirmed"
        )
    receipt = confirmed or received
    if correction_requested is not None:
        if correction_received is None:
            raise CalculatorError(
                _(
                    "填写了补正告知日期，请同时填写收到补正后申请的日期：补正期间答复期限不计算，"
                    "收到补正后重新计算。"
                ),
                field="correction_received",
            )
        if correction_requested < receipt:
            raise CalculatorError(
                _("补正告知的日期（%(requested)s）不能早于收到申请之日（%(receipt)s）。")
                % {"requested": correction_requested, "receipt": receipt},
                field="correction_requested",
            )
    if correction_received is not None:
        earliest = correction_requested or receipt
        if correction_received < earliest:
            what = _("补正告知的日期") if correction_requested is not None else _("收到申请之日")
            raise CalculatorError(
                _("收到补正的日期（%(received)s）不能早于%(what)s（%(earliest)s）。")
                % {"received": correction_received, "what": what, "earliest": earliest},
                field="correction_received",
            )
    for start, end in pauses:
        if end < start:
            raise CalculatorError(
                _("暂停计时的结束日期（%(end)s）早于开始日期（%(start)s）。") % {"end": end, "start": start},
                field="pauses",
            )
        if start < receipt:
            raise CalculatorError(
                _("暂停计时的开始日期（%(start)s）不能早于收到申请之日（%(receipt)s）。")
                % {"start": start, "receipt": receipt},
                field="pauses",
            )
    return receipt


def _compute(facts: ClockFacts, calendar: Calendar, today: datetime.date) -> tuple[Clock, bool]:
    """The clock, and whether its last line (about today) is kept.

    When only *today* lies in a year with no calendar (say the calculator is used in January of a
    year whose notice is not loaded yet, for an application of last year), the due date is still
    known: compute as of the arrival day and drop the line about today. If the due date itself needs
    the missing year, :class:`CalendarNotLoaded` propagates.
    """
    try:
        return compute(facts, calendar, today), True
    except CalendarNotLoaded:
        return compute(facts, calendar, facts.arrived_on), False


def calculate(
    received: datetime.date,
    channel: str = "in_person",
    confirmed: datetime.date | None = None,
    correction_received: datetime.date | None = None,
    pauses: Sequence[tuple[datetime.date, datetime.date]] = (),
    extended: bool = False,
    today: datetime.date | None = None,
    calendar: Calendar | None = None,
    *,
    correction_requested: datetime.date | None = None,
) -> Result:
    """The answer deadline of an application, with the counting explained step by step (in the active
    language).

    * ``received``: the day the application arrived (handed in, signed for, submitted online …);
    * ``confirmed``: the confirmation day, required for ordinary post, e-mail and fax (D2);
    * ``correction_received``: a correction notice was sent and the corrected application arrived on
      this day, so the 20 working days run from it (D4); ``correction_requested`` (optional) is the day
      the notice was sent, to check the 7-working-day limit;
    * ``pauses``: consultation (or fee) periods ``(start, end)``; working days after ``start`` up to
      and including ``end`` are not counted, a day in several pauses once (D5);
    * ``extended``: an extension approved by the head of the OGI office on the original due date (D3).
    """
    try:
        chosen = Channel(channel)
    except ValueError:
        values = "、".join(f"{value}（{label}）" for value, label in CHANNEL_CHOICES)
        raise CalculatorError(
            _("提交方式“%(channel)s”无效，可选：%(values)s。") % {"channel": channel, "values": values},
            field="channel",
        ) from None
    _check(received, chosen, confirmed, correction_requested, correction_received, pauses)
    if calendar is None:
        calendar = current_calendar()
    today = today or timezone.localdate()
    facts = ClockFacts(
        channel=chosen,
        arrived_on=received,
        confirmed_on=confirmed,
        correction_requested_on=correction_requested if correction_received else None,
        correction_received_on=correction_received,
        pauses=tuple(Pause(PauseKind.UNSPECIFIED, start, end) for start, end in pauses),
    )
    try:
        clock, keep_today = _compute(facts, calendar, today)
        if extended:
            assert clock.original_due_date is not None
            facts = dataclasses.replace(facts, extension=Extension(decided_on=clock.original_due_date))
            clock, keep_today = _compute(facts, calendar, today)
    except ClockError as exc:
        raise CalculatorError(render(exc.args[0]) if exc.args else str(exc)) from exc
    assert clock.receipt_date is not None and clock.due_date is not None and clock.original_due_date
    return {
        "receipt_date": clock.receipt_date.isoformat(),
        "due_date": clock.due_date.isoformat(),
        "working_days": clock.working_days,
        "original_due_date": clock.original_due_date.isoformat(),
        "provisional": clock.provisional,
        "explanation": _explanation(clock, keep_today),
        "flags": [render(flag) for flag in clock.flags],
    }


def _explanation(clock: Clock, keep_today: bool) -> list[str]:
    return [render(line) for line in (clock.explanation if keep_today else clock.explanation[:-1])]
