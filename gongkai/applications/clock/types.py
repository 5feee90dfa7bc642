"""The clock's types and labels: the calendar it needs, channels, pauses, states, the facts and the result.

Pure Python: no Django, no I/O.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from gongkai.core.messages import N_, Message
from gongkai.workdays.calendar import YearCalendar


class Calendar(Protocol):
    """What the clock needs of a working-day calendar (see ``gongkai.workdays.calendar``)."""

    def is_working_day(self, day: datetime.date) -> bool: ...
    def add_working_days(self, start: datetime.date, n: int) -> datetime.date: ...
    def working_days_between(self, start: datetime.date, end: datetime.date) -> int: ...
    def day_kind(self, day: datetime.date) -> tuple[bool, str]: ...
    def year_data(self, year: int) -> YearCalendar: ...
    def relies_on_provisional(self, start: datetime.date, end: datetime.date) -> bool: ...


#: docs/decisions.md D6: a case with this many working days left or fewer is "due soon".
DUE_SOON_WORKING_DAYS = 5


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
    #: The due date was counted over a provisional year (暂定, docs/decisions.md D17): it will be
    #: recomputed when that year's notice is loaded.
    provisional: bool = False

    @property
    def state_label(self) -> str:
        """The state's label (an ``N_`` message id)."""
        return STATE_LABELS[self.state]

    @property
    def is_open(self) -> bool:
        return self.state not in {ClockState.ANSWERED, ClockState.ANSWERED_LATE}
