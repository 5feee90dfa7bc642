"""From a case's events to the clock's facts and the case's current situation (pure; no queries).

Events are read as plain :class:`EventRecord` tuples so that the same code serves a model
instance, a benchmark and a test. What the case may do next (:func:`allowed_actions`) is decided
here too, from the same facts, so the officer's buttons and the services agree.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from gongkai.applications.clock import (
    CHANNELS_NEEDING_CONFIRMATION,
    Channel,
    ClockFacts,
    Extension,
    Pause,
    PauseKind,
)
from gongkai.core.messages import N_
from gongkai.statute.fees import fee_applies


@dataclass(frozen=True)
class EventRecord:
    seq: int
    kind: str
    occurred_on: datetime.date
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class OpenPause:
    seq: int  # the event that started it
    kind: PauseKind
    start: datetime.date
    consultee: str = ""


@dataclass(frozen=True)
class Situation:
    """Where a case stands, as the events say."""

    facts: ClockFacts
    closed: bool
    outcome: str
    open_pauses: tuple[OpenPause, ...]
    correction_requested: bool
    awaiting_correction: bool
    extended: bool
    fee_notice_open: bool
    #: A fee notice was issued since the case was received or reopened (109号: one fee per application).
    fee_notice_issued: bool
    fee_payment_due: datetime.date | None
    receipt_known: bool
    reopened: bool
    #: The first answer (or withdrawal) ever issued, and its outcome: what the annual report counts (D7).
    #: A reopening after a reconsideration decision or a judgment does not undo it.
    first_answered_on: datetime.date | None = None
    first_outcome: str = ""

    @property
    def waiting_on(self) -> str:
        if self.closed:
            return ""
        if not self.receipt_known:
            return "confirmation"
        if self.awaiting_correction:
            return "correction"
        if self.fee_notice_open:
            return "payment"
        if self.open_pauses:
            return "consultation"
        return ""


def situation(  # noqa: C901
    channel: str,
    arrived_on: datetime.date,
    confirmed_on: datetime.date | None,
    events: Iterable[EventRecord],
) -> Situation:
    """Replay ``events`` (in ``seq`` order) into the clock facts and the case's situation."""
    correction_requested_on: datetime.date | None = None
    correction_period_end: datetime.date | None = None
    correction_received_on: datetime.date | None = None
    pauses: dict[int, Pause] = {}
    open_pauses: dict[int, OpenPause] = {}
    extension: Extension | None = None
    reopened_on: datetime.date | None = None
    fixed_due: datetime.date | None = None
    answered_on: datetime.date | None = None
    outcome = ""
    first_answered_on: datetime.date | None = None
    first_outcome = ""
    fee_payment_due: datetime.date | None = None
    fee_seq: int | None = None
    fee_notices = 0

    for event in sorted(events, key=lambda e: e.seq):
        kind, day, data = event.kind, event.occurred_on, event.data
        if kind == "receipt_confirmed":
            confirmed_on = day
        elif kind == "correction_requested":
            correction_requested_on = day
            period_end = data.get("period_end")
            correction_period_end = _date(period_end) if period_end else None
        elif kind == "correction_received":
            correction_received_on = day
        elif kind == "consultation_started":
            pause_kind = PauseKind(data.get("kind", PauseKind.THIRD_PARTY))
            reply_due = data.get("reply_due")
            limited = pause_kind in {PauseKind.THIRD_PARTY, PauseKind.CO_PRODUCER} and reply_due
            pauses[event.seq] = Pause(pause_kind, day, limit=_date(reply_due) if limited else None)
            open_pauses[event.seq] = OpenPause(event.seq, pause_kind, day, str(data.get("consultee", "")))
        elif kind == "consultation_ended":
            started = int(data["started_seq"])
            if started in pauses:
                pauses[started] = replace(pauses[started], end=day)
                open_pauses.pop(started, None)
        elif kind == "extension_granted":
            extension = Extension(day, bool(data.get("approved_by_head", True)))
        elif kind == "fee_notice_issued":
            due = data.get("payment_due")
            fee_payment_due = _date(due) if due else None
            pauses[event.seq] = Pause(PauseKind.FEE, day, limit=fee_payment_due)
            fee_seq = event.seq
            fee_notices += 1
        elif kind == "fee_paid":
            if fee_seq is not None and fee_seq in pauses:
                pauses[fee_seq] = replace(pauses[fee_seq], end=day)
            fee_seq = None
        elif kind in {"answered", "withdrawn"}:
            answered_on = day
            outcome = "withdrawn" if kind == "withdrawn" else str(data["outcome"])
            if first_answered_on is None:
                first_answered_on, first_outcome = answered_on, outcome
            # An answer ends whatever was still running on that day.
            for seq, pause in list(pauses.items()):
                if pause.end is None:
                    pauses[seq] = replace(pause, end=max(day, pause.start))
            open_pauses.clear()
            fee_seq = None
        elif kind == "reopened":
            reopened_on = day
            fixed = data.get("fixed_due_date")
            fixed_due = _date(fixed) if fixed else None
            answered_on = None
            outcome = ""
            extension = None
            fee_notices = 0

    facts = ClockFacts(
        channel=Channel(channel),
        arrived_on=arrived_on,
        confirmed_on=confirmed_on,
        correction_requested_on=correction_requested_on,
        correction_period_end=correction_period_end,
        correction_received_on=correction_received_on,
        pauses=tuple(pauses.values()),
        extension=extension,
        reopened_on=reopened_on,
        fixed_due_date=fixed_due,
        answered_on=answered_on,
    )
    receipt_known = Channel(channel) not in CHANNELS_NEEDING_CONFIRMATION or confirmed_on is not None
    awaiting_correction = (
        correction_requested_on is not None
        and correction_received_on is None
        and reopened_on is None
        and answered_on is None
    )
    return Situation(
        facts=facts,
        closed=answered_on is not None,
        outcome=outcome,
        open_pauses=tuple(open_pauses.values()),
        correction_requested=correction_requested_on is not None,
        awaiting_correction=awaiting_correction,
        extended=extension is not None,
        fee_notice_open=fee_seq is not None,
        fee_notice_issued=fee_notices > 0,
        fee_payment_due=fee_payment_due if fee_seq is not None else None,
        receipt_known=receipt_known,
        reopened=reopened_on is not None,
        first_answered_on=first_answered_on,
        first_outcome=first_outcome,
    )


def _date(value: Any) -> datetime.date:
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value))


# Actions (the service function of the same name performs each one).
CONFIRM_RECEIPT = "confirm_receipt"
REQUEST_CORRECTION = "request_correction"
RECORD_CORRECTION = "record_correction"
LAPSE_CORRECTION = "lapse_correction"
START_CONSULTATION = "start_consultation"
END_CONSULTATION = "end_consultation"
GRANT_EXTENSION = "grant_extension"
ISSUE_FEE_NOTICE = "issue_fee_notice"
RECORD_PAYMENT = "record_payment"
LAPSE_FEE = "lapse_fee"
ANSWER = "answer"
WITHDRAW = "withdraw"
REOPEN = "reopen"
RECORD_APPEAL = "record_appeal"

ACTION_LABELS: dict[str, str] = {
    CONFIRM_RECEIPT: N_("确认收到申请"),
    REQUEST_CORRECTION: N_("告知补正"),
    RECORD_CORRECTION: N_("收到补正"),
    LAPSE_CORRECTION: N_("逾期未补正，终止办理"),
    START_CONSULTATION: N_("征求意见"),
    END_CONSULTATION: N_("征求意见结束"),
    GRANT_EXTENSION: N_("延期答复"),
    ISSUE_FEE_NOTICE: N_("发出收费通知"),
    RECORD_PAYMENT: N_("登记缴费"),
    LAPSE_FEE: N_("逾期未缴费，终止办理"),
    ANSWER: N_("作出答复"),
    WITHDRAW: N_("申请人撤回"),
    REOPEN: N_("重新办理（复议决定或判决）"),
    RECORD_APPEAL: N_("登记行政复议或诉讼"),
}

ACTIONS: tuple[str, ...] = tuple(ACTION_LABELS)


def allowed_actions(
    s: Situation, today: datetime.date, *, receipt_date: datetime.date | None
) -> tuple[str, ...]:
    """The actions open to an officer on a case in situation ``s`` (in display order)."""
    allowed: list[str] = []
    if s.closed:
        return (REOPEN, RECORD_APPEAL)
    if not s.receipt_known:
        # Withdrawn before the receipt was confirmed, the application was never received (D2): it
        # closes without a receipt date and counts in no table.
        return (CONFIRM_RECEIPT, WITHDRAW)
    if s.awaiting_correction:
        allowed.append(RECORD_CORRECTION)
        end = s.facts.correction_period_end
        if end is not None and today > end:
            allowed.append(LAPSE_CORRECTION)
        allowed.append(WITHDRAW)
        return tuple(allowed)
    if not s.correction_requested and not s.reopened and not s.open_pauses and not s.fee_notice_open:
        allowed.append(REQUEST_CORRECTION)
    allowed.append(START_CONSULTATION)
    if s.open_pauses:
        allowed.append(END_CONSULTATION)
    if not s.extended and s.facts.fixed_due_date is None:
        allowed.append(GRANT_EXTENSION)
    if s.fee_notice_open:
        allowed.append(RECORD_PAYMENT)
        if s.fee_payment_due is not None and today > s.fee_payment_due:
            allowed.append(LAPSE_FEE)
    elif receipt_date is not None and fee_applies(receipt_date) and not s.fee_notice_issued:
        allowed.append(ISSUE_FEE_NOTICE)
    if not s.open_pauses and not s.fee_notice_open:
        allowed.append(ANSWER)
    allowed.append(WITHDRAW)
    allowed.append(RECORD_APPEAL)
    return tuple(allowed)
