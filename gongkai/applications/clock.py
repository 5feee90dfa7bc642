"""The statutory clock of an application (答复期限), as one pure function of the case's facts.

Rules (``docs/decisions.md`` D2–D6, ``docs/law.md`` §1.5 and §6):

* **Receipt date** (收到申请之日, 条例 第三十一条, D2): in person — the day handed in; signed-for post —
  the day the agency signs for it; ordinary post — the day the agency confirms receipt with the applicant;
  online form — the day it is submitted (the system confirms at once); e-mail and fax — the day both
  sides confirm.
* **Due date** (第三十三条, D3): counting starts the day after the receipt date (民法典 第二百零一条);
  the answer is due on the 20th working day. An extension approved by the head of the OGI office on or
  before the original due date makes it the 40th; a late or unapproved extension has no effect and is
  flagged.
* **Correction** (补正, 第三十条, D4): the notice is due within 7 working days after the receipt date.
  While the applicant corrects, the answer clock stands still; when the corrected application arrives
  the clock restarts: 20 working days after that day.
* **Pauses** (第三十二、三十三、三十四条; 国办函〔2020〕109号; D5): working days strictly after a pause's
  start day up to and including its end day are not counted; a day inside several pauses is skipped
  once. A pause still running is counted up to today.
* **Reopening** (by a reconsideration decision or a court judgment): the clock restarts from the day
  the decision is received, 20 working days unless the decision fixes the due date.
* **States** (D6): "due soon" = 5 or fewer working days left; "overdue" = today is after the due date
  and no answer issued; an answer issued after the due date is "answered late".

Pure Python: no Django, no I/O. The calendar is passed in (:class:`gongkai.workdays.calendar.WorkCalendar`).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol

from gongkai.core.formatting import cn_date, date_message, weekday_name
from gongkai.core.messages import N_, Message
from gongkai.statute.periods import (
    ANSWER_WORKING_DAYS,
    CORRECTION_NOTICE_WORKING_DAYS,
    EXTENSION_WORKING_DAYS,
)

if TYPE_CHECKING:
    from gongkai.workdays.calendar import YearCalendar


class Calendar(Protocol):
    """What the clock needs of a working-day calendar (see ``gongkai.workdays.calendar``)."""

    def is_working_day(self, day: datetime.date) -> bool: ...
    def add_working_days(self, start: datetime.date, n: int) -> datetime.date: ...
    def working_days_between(self, start: datetime.date, end: datetime.date) -> int: ...
    def day_kind(self, day: datetime.date) -> tuple[bool, str]: ...
    def year_calendar(self, year: int) -> YearCalendar: ...


#: docs/decisions.md D6: a case with this many working days left or fewer is "due soon".
DUE_SOON_WORKING_DAYS = 5


def due_soon_before(calendar: Calendar, today: datetime.date) -> datetime.date:
    """Open cases due before this day are due soon or overdue (D6) — the threshold for database filters."""
    return calendar.add_working_days(today, DUE_SOON_WORKING_DAYS + 1)


class Channel(StrEnum):
    """How the application reached the agency (第二十九、三十一条)."""

    IN_PERSON = "in_person"
    POST_SIGNED = "post_signed"
    POST_ORDINARY = "post_ordinary"
    ONLINE = "online"
    EMAIL = "email"
    FAX = "fax"


CHANNEL_LABELS: dict[Channel, str] = {
    Channel.IN_PERSON: N_("当面提交"),
    Channel.POST_SIGNED: N_("邮寄（需签收）"),
    Channel.POST_ORDINARY: N_("邮寄（平信）"),
    Channel.ONLINE: N_("网上申请平台"),
    Channel.EMAIL: N_("电子邮件"),
    Channel.FAX: N_("传真"),
}

#: Channels whose receipt date is a confirmation day rather than the arrival day (D2).
CHANNELS_NEEDING_CONFIRMATION = frozenset({Channel.POST_ORDINARY, Channel.EMAIL, Channel.FAX})

_RECEIPT_RULES: dict[Channel, str] = {
    Channel.IN_PERSON: N_("当面提交的，以提交之日为收到申请之日"),
    Channel.POST_SIGNED: N_("以邮寄方式提交、需签收的，以行政机关签收之日为收到申请之日"),
    Channel.POST_ORDINARY: N_(
        "以平常信函等无需签收的邮寄方式提交的，以政府信息公开工作机构与申请人确认之日为收到申请之日"
    ),
    Channel.ONLINE: N_("通过网上申请平台提交的，系统即时确认，以提交之日为收到申请之日"),
    Channel.EMAIL: N_("通过电子邮件提交的，以双方确认之日为收到申请之日"),
    Channel.FAX: N_("通过传真提交的，以双方确认之日为收到申请之日"),
}


class PauseKind(StrEnum):
    THIRD_PARTY = "third_party"  # 征求第三方意见 (第三十二条)
    CO_PRODUCER = "co_producer"  # 征求共同制作机关意见 (第三十四条)
    OTHER_AGENCY = "other_agency"  # 征求其他机关意见 (第三十三条第三款)
    FEE = "fee"  # 缴纳信息处理费 (国办函〔2020〕109号)
    #: A pause of unstated kind (the public deadline calculator).
    UNSPECIFIED = "unspecified"


PAUSE_LABELS: dict[PauseKind, str] = {
    PauseKind.THIRD_PARTY: N_("征求第三方意见"),
    PauseKind.CO_PRODUCER: N_("征求共同制作机关意见"),
    PauseKind.OTHER_AGENCY: N_("征求其他机关意见"),
    PauseKind.FEE: N_("等待缴纳信息处理费"),
    PauseKind.UNSPECIFIED: N_("暂停计时（征求意见等）"),
}


class ClockState(StrEnum):
    ON_TIME = "on_time"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    AWAITING_CORRECTION = "awaiting_correction"
    PAUSED = "paused"
    ANSWERED = "answered"
    ANSWERED_LATE = "answered_late"
    PENDING_RECEIPT = "pending_receipt"


STATE_LABELS: dict[ClockState, str] = {
    ClockState.ON_TIME: N_("办理中"),
    ClockState.DUE_SOON: N_("即将到期"),
    ClockState.OVERDUE: N_("已逾期"),
    ClockState.AWAITING_CORRECTION: N_("等待补正"),
    ClockState.PAUSED: N_("暂停计时"),
    ClockState.ANSWERED: N_("已按期办结"),
    ClockState.ANSWERED_LATE: N_("逾期办结"),
    ClockState.PENDING_RECEIPT: N_("待确认收到"),
}


class ClockError(ValueError):
    """The facts do not allow a deadline to be computed; its argument, a :class:`Message`, says what is
    missing (``str()`` of the error is the Chinese text)."""


@dataclass(frozen=True)
class Pause:
    kind: PauseKind
    start: datetime.date
    end: datetime.date | None = None  # None: still running
    #: The pause's own period ends here (a third party's or co-producer's 15 working days, 第三十二、
    #: 三十四条; the fee's 20 working days, 109号): time after it counts again (D5 "or its own period
    #: ends"), even if no end was recorded.
    limit: datetime.date | None = None

    def __post_init__(self) -> None:
        if self.end is not None and self.end < self.start:
            raise ClockError(
                Message(
                    N_("暂停计时的结束日期 %(end)s 早于开始日期 %(start)s。"),
                    {"end": self.end, "start": self.start},
                )
            )


@dataclass(frozen=True)
class Extension:
    decided_on: datetime.date
    #: Approved by the head of the OGI office (工作机构负责人, 第三十三条第二款).
    approved_by_head: bool = True


@dataclass(frozen=True)
class ClockFacts:
    """Everything the clock depends on, taken from the case's events."""

    channel: Channel
    arrived_on: datetime.date
    #: Confirmation day for ordinary post, e-mail and fax (D2).
    confirmed_on: datetime.date | None = None
    correction_requested_on: datetime.date | None = None
    #: The end of the correction period set in the notice.
    correction_period_end: datetime.date | None = None
    correction_received_on: datetime.date | None = None
    pauses: tuple[Pause, ...] = ()
    extension: Extension | None = None
    #: The case was reopened by a reconsideration or court decision received on this day.
    reopened_on: datetime.date | None = None
    #: A due date fixed by the reopening decision (or a deferred deadline under 第三十五条).
    fixed_due_date: datetime.date | None = None
    answered_on: datetime.date | None = None


@dataclass(frozen=True)
class Clock:
    """The computed clock of one case; ``explanation`` says how, step by step, and ``flags`` what is wrong:
    messages (:mod:`gongkai.core.messages`) to render in the reader's language."""

    receipt_date: datetime.date | None
    #: The day after which working days are counted (receipt, corrected application, or reopening).
    counting_from: datetime.date | None
    working_days: int  # 20, or 40 with an effective extension
    original_due_date: datetime.date | None  # the 20-working-day due date, pauses included
    due_date: datetime.date | None
    correction_notice_due: datetime.date | None
    paused_working_days: int
    state: ClockState
    #: Working days from today (exclusive) to the due date (inclusive); negative when overdue.
    working_days_left: int | None
    explanation: tuple[Message, ...]
    flags: tuple[Message, ...] = field(default=())

    @property
    def state_label(self) -> str:
        """The state's label (an ``N_`` message id)."""
        return STATE_LABELS[self.state]

    @property
    def is_open(self) -> bool:
        return self.state not in {ClockState.ANSWERED, ClockState.ANSWERED_LATE}


def fmt(day: datetime.date) -> str:
    """``2026年2月10日（星期二）``."""
    return cn_date(day, weekday=True)


def _day(day: datetime.date) -> Message:
    """:func:`fmt` as a message: the date in the reader's language."""
    return date_message(day, weekday=True)


def receipt_date(facts: ClockFacts) -> tuple[datetime.date | None, str]:
    """The legal receipt date under D2 (``None`` while a confirmation is outstanding) and the rule."""
    rule = _RECEIPT_RULES[facts.channel]
    if facts.channel in CHANNELS_NEEDING_CONFIRMATION:
        if facts.confirmed_on is None:
            return None, rule
        if facts.confirmed_on < facts.arrived_on:
            raise ClockError(
                Message(
                    N_("确认收到的日期 %(confirmed)s 早于申请到达的日期 %(arrived)s。"),
                    {"confirmed": facts.confirmed_on, "arrived": facts.arrived_on},
                )
            )
        return facts.confirmed_on, rule
    return facts.arrived_on, rule


def _merge(
    intervals: Iterable[tuple[datetime.date, datetime.date]],
) -> list[tuple[datetime.date, datetime.date]]:
    """Merge ``(start, end]`` intervals so that no day is counted twice (D5)."""
    merged: list[tuple[datetime.date, datetime.date]] = []
    for start, end in sorted(intervals):
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def compute(facts: ClockFacts, calendar: Calendar, today: datetime.date) -> Clock:
    """Compute the clock of a case as of ``today``."""
    lines: list[Message] = []
    flags: list[Message] = []
    receipt, rule = receipt_date(facts)
    channel_label = CHANNEL_LABELS[facts.channel]
    if receipt is None:
        lines.append(
            Message(
                N_(
                    "申请于%(arrived)s通过%(channel)s到达。%(rule)s（条例第三十一条）；尚未确认，答复期限暂不能计算。"
                ),
                {"arrived": _day(facts.arrived_on), "channel": Message(channel_label), "rule": Message(rule)},
            )
        )
        return Clock(
            None,
            None,
            ANSWER_WORKING_DAYS,
            None,
            None,
            None,
            0,
            ClockState.PENDING_RECEIPT,
            None,
            tuple(lines),
        )
    lines.append(
        Message(
            N_("渠道：%(channel)s。%(rule)s（条例第三十一条）：收到申请之日为%(receipt)s。"),
            {"channel": Message(channel_label), "rule": Message(rule), "receipt": _day(receipt)},
        )
    )

    # 补正 (第三十条).
    correction_notice_due = calendar.add_working_days(receipt, CORRECTION_NOTICE_WORKING_DAYS)
    counting_from, awaiting_correction = _correction(
        facts, receipt, correction_notice_due, today, lines, flags
    )
    if facts.reopened_on is not None:
        counting_from = facts.reopened_on
        lines.append(
            Message(
                N_("%(day)s收到行政复议决定或法院裁判，责令重新答复：答复期限自该日重新计算。"),
                {"day": _day(facts.reopened_on)},
            )
        )

    if awaiting_correction and facts.reopened_on is None:
        return Clock(
            receipt,
            None,
            ANSWER_WORKING_DAYS,
            None,
            None,
            correction_notice_due,
            0,
            ClockState.AWAITING_CORRECTION,
            None,
            tuple(lines),
            tuple(flags),
        )

    pause_intervals, running_pause = _pauses(facts, counting_from, today, lines, flags)

    base_due = calendar.add_working_days(counting_from, ANSWER_WORKING_DAYS)
    lines.append(
        Message(
            N_(
                "自%(start)s的次日起计算（民法典第二百零一条），第%(n)s个工作日为%(due)s（条例第三十三条第一款）。%(notes)s"
            ),
            {
                "start": _day(counting_from),
                "n": ANSWER_WORKING_DAYS,
                "due": _day(base_due),
                "notes": _calendar_notes(calendar, counting_from, base_due),
            },
        )
    )

    original_due, skipped = _due_skipping(calendar, counting_from, ANSWER_WORKING_DAYS, pause_intervals)
    if skipped:
        lines.append(
            Message(
                N_(
                    "上述期间共有 %(skipped)s 个工作日不计入答复期限（条例第三十二、三十三、三十四条；"
                    "一日只扣除一次），答复期限相应顺延至%(due)s。"
                ),
                {"skipped": skipped, "due": _day(original_due)},
            )
        )
    working_days, due, skipped = _extended_due(
        facts, calendar, counting_from, original_due, skipped, pause_intervals, lines, flags
    )

    if facts.answered_on is not None:
        late = facts.answered_on > due
        state = ClockState.ANSWERED_LATE if late else ClockState.ANSWERED
        lines.append(
            Message(
                N_("%(day)s作出答复，晚于答复期限 %(n)s 个工作日。"),
                {"day": _day(facts.answered_on), "n": calendar.working_days_between(due, facts.answered_on)},
            )
            if late
            else Message(N_("%(day)s作出答复，在答复期限内。"), {"day": _day(facts.answered_on)})
        )
        return Clock(
            receipt,
            counting_from,
            working_days,
            original_due,
            due,
            correction_notice_due,
            skipped,
            state,
            None,
            tuple(lines),
            tuple(flags),
        )

    state, left = _open_state(calendar, today, due, running_pause, lines)
    return Clock(
        receipt,
        counting_from,
        working_days,
        original_due,
        due,
        correction_notice_due,
        skipped,
        state,
        left,
        tuple(lines),
        tuple(flags),
    )


def _correction(
    facts: ClockFacts,
    receipt: datetime.date,
    correction_notice_due: datetime.date,
    today: datetime.date,
    lines: list[Message],
    flags: list[Message],
) -> tuple[datetime.date, bool]:
    """补正 (第三十条): the day counting starts from, and whether the case awaits a correction."""
    counting_from = receipt
    awaiting_correction = False
    requested = facts.correction_requested_on
    if requested is not None or facts.correction_received_on is not None:
        notice = (
            Message(N_("本案于%(day)s发出补正告知。"), {"day": _day(requested)})
            if requested is not None
            else Message(N_("（未给出补正告知的发出日期。）"))
        )
        lines.append(
            Message(
                N_(
                    "补正告知应在收到申请后7个工作日内一次性发出，即不晚于%(due)s（条例第三十条）；%(notice)s"
                ),
                {"due": _day(correction_notice_due), "notice": notice},
            )
        )
        if requested is not None and requested > correction_notice_due:
            flags.append(Message(N_("补正告知晚于收到申请后第7个工作日（条例第三十条）。")))
        if facts.correction_received_on is not None:
            if facts.correction_received_on < (requested or receipt):
                raise ClockError(Message(N_("收到补正的日期早于发出补正告知的日期（或收到申请之日）。")))
            counting_from = facts.correction_received_on
            lines.append(
                Message(
                    N_("%(day)s收到补正后的申请，答复期限自该日重新计算（条例第三十条）。"),
                    {"day": _day(facts.correction_received_on)},
                )
            )
        else:
            awaiting_correction = True
            period = (
                Message(N_("，补正期限至%(day)s"), {"day": _day(facts.correction_period_end)})
                if facts.correction_period_end
                else ""
            )
            lines.append(
                Message(
                    N_("正在等待申请人补正%(period)s；补正期间答复期限不计算，收到补正后重新计算。"),
                    {"period": period},
                )
            )
            if facts.correction_period_end is not None and today > facts.correction_period_end:
                flags.append(
                    Message(
                        N_(
                            "补正期限已过而申请人未补正：可按“申请人无正当理由逾期不补正”办结（条例第三十条）。"
                        )
                    )
                )
    return counting_from, awaiting_correction


def _pauses(
    facts: ClockFacts,
    counting_from: datetime.date,
    today: datetime.date,
    lines: list[Message],
    flags: list[Message],
) -> tuple[list[tuple[datetime.date, datetime.date]], bool]:
    """Pauses (D5): the intervals not counted (only days after counting starts matter), and whether a
    pause is still running."""
    pause_intervals: list[tuple[datetime.date, datetime.date]] = []
    running_pause = False
    for pause in sorted(facts.pauses, key=lambda p: p.start):
        end = pause.end
        label = Message(PAUSE_LABELS[pause.kind])
        if end is None:
            end = max(today, pause.start)
            if pause.limit is not None and end > pause.limit:
                lines.append(
                    Message(
                        N_(
                            "%(label)s：自%(start)s起暂停计时，至%(limit)s期限届满仍未登记结束，此后恢复计算。"
                        ),
                        {"label": label, "start": _day(pause.start), "limit": _day(pause.limit)},
                    )
                )
                flags.append(
                    Message(
                        N_(
                            "%(label)s的期限已于%(limit)s届满，答复期限已恢复计算："
                            "请登记结束（收到的意见或期满未答复）。"
                        ),
                        {"label": label, "limit": _day(pause.limit)},
                    )
                )
            else:
                running_pause = True
                lines.append(
                    Message(
                        N_("%(label)s：自%(start)s起暂停计时，尚未结束（暂计至今日）。"),
                        {"label": label, "start": _day(pause.start)},
                    )
                )
        else:
            lines.append(
                Message(
                    N_("%(label)s：%(start)s至%(end)s。"),
                    {"label": label, "start": _day(pause.start), "end": _day(end)},
                )
            )
            if pause.limit is not None and end > pause.limit:
                lines.append(
                    Message(
                        N_("（%(label)s的期限至%(limit)s，其后的时间计入答复期限。）"),
                        {"label": label, "limit": _day(pause.limit)},
                    )
                )
        if pause.limit is not None:
            end = min(end, max(pause.limit, pause.start))
        if end > counting_from:
            pause_intervals.append((max(pause.start, counting_from), end))
    return pause_intervals, running_pause


def _extended_due(
    facts: ClockFacts,
    calendar: Calendar,
    counting_from: datetime.date,
    original_due: datetime.date,
    skipped: int,
    pause_intervals: list[tuple[datetime.date, datetime.date]],
    lines: list[Message],
    flags: list[Message],
) -> tuple[int, datetime.date, int]:
    """A due date fixed by a decision, or extended (第三十三条第二款): the working days, the due date and
    the working days skipped."""
    working_days = ANSWER_WORKING_DAYS
    due = original_due
    if facts.fixed_due_date is not None:
        due = facts.fixed_due_date
        lines.append(Message(N_("决定确定的答复期限为%(due)s。"), {"due": _day(due)}))
    elif facts.extension is not None:
        ext = facts.extension
        if not ext.approved_by_head:
            flags.append(
                Message(
                    N_("延期未经政府信息公开工作机构负责人批准，不发生延期效力（条例第三十三条第二款）。")
                )
            )
            lines.append(
                Message(
                    N_("%(day)s决定延期，但未经工作机构负责人批准，答复期限不变。"),
                    {"day": _day(ext.decided_on)},
                )
            )
        elif ext.decided_on > original_due:
            flags.append(
                Message(
                    N_(
                        "延期决定（%(decided)s）晚于原答复期限（%(due)s），不发生延期效力（条例第三十三条第二款）。"
                    ),
                    {"decided": ext.decided_on, "due": original_due},
                )
            )
            lines.append(
                Message(
                    N_("%(day)s决定延期，已晚于原答复期限，答复期限不变。"), {"day": _day(ext.decided_on)}
                )
            )
        else:
            working_days = ANSWER_WORKING_DAYS + EXTENSION_WORKING_DAYS
            due, skipped = _due_skipping(calendar, counting_from, working_days, pause_intervals)
            lines.append(
                Message(
                    N_(
                        "%(day)s经政府信息公开工作机构负责人批准延期，延长不超过%(extra)s个工作日"
                        "（条例第三十三条第二款）：第%(n)s个计入的工作日为%(due)s。"
                    ),
                    {
                        "day": _day(ext.decided_on),
                        "extra": EXTENSION_WORKING_DAYS,
                        "n": working_days,
                        "due": _day(due),
                    },
                )
            )
    return working_days, due, skipped


def _open_state(
    calendar: Calendar, today: datetime.date, due: datetime.date, running_pause: bool, lines: list[Message]
) -> tuple[ClockState, int]:
    """An open case's state today and the working days left (negative when overdue)."""
    if today <= due:
        left = calendar.working_days_between(today, due)
        state = ClockState.DUE_SOON if left <= DUE_SOON_WORKING_DAYS else ClockState.ON_TIME
        if running_pause:
            state = ClockState.PAUSED
        lines.append(
            Message(
                N_("今日%(today)s：距答复期限还有 %(left)s 个工作日。"), {"today": _day(today), "left": left}
            )
        )
    else:
        # Overdue by at least one: on a rest day right after the due date no working day has passed yet.
        left = -max(1, calendar.working_days_between(due, today))
        state = ClockState.OVERDUE
        lines.append(
            Message(
                N_("今日%(today)s：已超过答复期限（%(due)s），逾期 %(days)s 天。"),
                {"today": _day(today), "due": _day(due), "days": (today - due).days},
            )
        )
    return state, left


def _due_skipping(
    calendar: Calendar, start: datetime.date, n: int, pauses: Sequence[tuple[datetime.date, datetime.date]]
) -> tuple[datetime.date, int]:
    """The ``n``-th working day after ``start`` that is not inside a pause, and the days skipped.

    Walks the merged pauses in order: each pause that begins before the running due date pushes it
    later by the number of the pause's working days up to that due date, which may bring further
    pauses into range.
    """
    due = calendar.add_working_days(start, n)
    skipped = 0
    for s, e in _merge(pauses):
        if s >= due:
            break
        # Working days excluded by this pause: those in (s, e]. Counted days before the pause: the
        # working days in (start, s] not already skipped; the due date is then the remaining
        # counted days after e.
        excluded = calendar.working_days_between(s, e)
        counted_before = calendar.working_days_between(start, s) - skipped
        remaining = n - counted_before
        skipped += excluded
        due = calendar.add_working_days(e, remaining)
    return due, skipped


def _calendar_notes(calendar: Calendar, start: datetime.date, end: datetime.date) -> Message | str:
    """Name the weekday holidays and make-up working days in ``(start, end]`` (from the year data)."""
    holidays: dict[str, list[datetime.date]] = {}
    workdays: list[tuple[datetime.date, str]] = []
    for year in range(start.year, end.year + 1):
        data = calendar.year_calendar(year)
        for day, name in data.holidays.items():
            if start < day <= end and day.weekday() < 5:
                holidays.setdefault(name, []).append(day)
        for day, name in data.workdays.items():
            if start < day <= end:
                workdays.append((day, name))
    notes: list[Message] = []
    for name, days in holidays.items():
        days.sort()
        kind = Message(N_("%(name)s（放假）"), {"name": Message(name)}) if name else Message(N_("放假"))
        first = _month_day(days[0])
        span = (
            Message(N_("%(first)s至%(last)s"), {"first": first, "last": _month_day(days[-1])})
            if len(days) > 1
            else first
        )
        notes.append(
            Message(N_("%(span)s%(kind)s不计（%(n)s个工作日）"), {"span": span, "kind": kind, "n": len(days)})
        )
    for day, name in sorted(workdays):
        kind = (
            Message(N_("调休上班（%(name)s）"), {"name": Message(name)}) if name else Message(N_("调休上班"))
        )
        notes.append(
            Message(
                N_("%(day)s（%(weekday)s）%(kind)s计入"),
                {"day": _month_day(day), "weekday": Message(weekday_name(day)), "kind": kind},
            )
        )
    if not notes:
        return ""
    joined = notes[0]
    for note in notes[1:]:
        joined = Message(N_("%(first)s；%(next)s"), {"first": joined, "next": note})
    return Message(N_("其间%(notes)s。"), {"notes": joined})


def _month_day(day: datetime.date) -> Message:
    """``3月16日`` (``16 March``)."""
    return Message(N_("%(month)s%(day)s日"), {"month": Message(f"{day.month}月"), "day": day.day})
