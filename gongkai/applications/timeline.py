"""From a case's events to the clock's facts and the case's current situation (pure; no queries).

Events are read as plain :class:`EventRecord` tuples so that the same code serves a model
instance, a benchmark and a test. What the case may do next (:func:`allowed_actions`) is decided
here too, from the same facts, so the officer's buttons and the services agree.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping
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
from gongkai.statute.outcomes import ANSWER_OUTCOME_KEYS


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
    #: The event holding the answer in force (the answer, or the latest 更正 of it); ``None`` while open.
    answer_seq: int | None = None

    @property
    def outcome_correctable(self) -> bool:
        """An answer (答复, one of the statutory outcomes) is in force and may be corrected (更正).

        A withdrawal or a case ended because the applicant did not correct or pay was no answer.
        """
        return self.closed and self.answer_seq is not None and self.outcome in ANSWER_OUTCOME_KEYS

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


@dataclass
class _Replay:
    """What the events said so far, while :func:`situation` replays them."""

    confirmed_on: datetime.date | None
    correction_requested_on: datetime.date | None = None
    correction_period_end: datetime.date | None = None
    correction_received_on: datetime.date | None = None
    pauses: dict[int, Pause] = field(default_factory=dict)
    open_pauses: dict[int, OpenPause] = field(default_factory=dict)
    extension: Extension | None = None
    reopened_on: datetime.date | None = None
    fixed_due: datetime.date | None = None
    answered_on: datetime.date | None = None
    outcome: str = ""
    first_answered_on: datetime.date | None = None
    first_outcome: str = ""
    answer_seq: int | None = None
    #: Whether the answer in force is the first answer (what the annual report counts, D7/D11).
    answer_is_first: bool = False
    fee_payment_due: datetime.date | None = None
    fee_seq: int | None = None
    fee_notices: int = 0


def _on_receipt_confirmed(r: _Replay, event: EventRecord) -> None:
    r.confirmed_on = event.occurred_on


def _on_correction_requested(r: _Replay, event: EventRecord) -> None:
    r.correction_requested_on = event.occurred_on
    period_end = event.data.get("period_end")
    r.correction_period_end = _date(period_end) if period_end else None


def _on_correction_received(r: _Replay, event: EventRecord) -> None:
    r.correction_received_on = event.occurred_on


def _on_consultation_started(r: _Replay, event: EventRecord) -> None:
    day, data = event.occurred_on, event.data
    pause_kind = PauseKind(data.get("kind", PauseKind.THIRD_PARTY))
    reply_due = data.get("reply_due")
    limited = pause_kind in {PauseKind.THIRD_PARTY, PauseKind.CO_PRODUCER} and reply_due
    r.pauses[event.seq] = Pause(pause_kind, day, limit=_date(reply_due) if limited else None)
    r.open_pauses[event.seq] = OpenPause(event.seq, pause_kind, day, str(data.get("consultee", "")))


def _on_consultation_ended(r: _Replay, event: EventRecord) -> None:
    started = int(event.data["started_seq"])
    if started in r.pauses:
        r.pauses[started] = replace(r.pauses[started], end=event.occurred_on)
        r.open_pauses.pop(started, None)


def _on_extension_granted(r: _Replay, event: EventRecord) -> None:
    r.extension = Extension(event.occurred_on, bool(event.data.get("approved_by_head", True)))


def _on_fee_notice_issued(r: _Replay, event: EventRecord) -> None:
    due = event.data.get("payment_due")
    r.fee_payment_due = _date(due) if due else None
    r.pauses[event.seq] = Pause(PauseKind.FEE, event.occurred_on, limit=r.fee_payment_due)
    r.fee_seq = event.seq
    r.fee_notices += 1


def _on_fee_paid(r: _Replay, event: EventRecord) -> None:
    if r.fee_seq is not None and r.fee_seq in r.pauses:
        r.pauses[r.fee_seq] = replace(r.pauses[r.fee_seq], end=event.occurred_on)
    r.fee_seq = None


def _on_answered(r: _Replay, event: EventRecord) -> None:
    day = event.occurred_on
    r.answered_on = day
    r.outcome = "withdrawn" if event.kind == "withdrawn" else str(event.data["outcome"])
    r.answer_seq = event.seq
    r.answer_is_first = r.first_answered_on is None
    if r.first_answered_on is None:
        r.first_answered_on, r.first_outcome = r.answered_on, r.outcome
    # An answer ends whatever was still running on that day.
    for seq, pause in list(r.pauses.items()):
        if pause.end is None:
            r.pauses[seq] = replace(pause, end=max(day, pause.start))
    r.open_pauses.clear()
    r.fee_seq = None


def _on_reopened(r: _Replay, event: EventRecord) -> None:
    r.reopened_on = event.occurred_on
    fixed = event.data.get("fixed_due_date")
    r.fixed_due = _date(fixed) if fixed else None
    r.answered_on = None
    r.outcome = ""
    r.answer_seq = None
    r.answer_is_first = False
    r.extension = None
    r.fee_notices = 0


def _on_details_corrected(r: _Replay, event: EventRecord) -> None:
    """A 更正 of the receipt facts: a corrected confirmation date replaces the one recorded before."""
    new = event.data.get("new", {})
    if "confirmed_on" in new:
        r.confirmed_on = _date(new["confirmed_on"]) if new["confirmed_on"] else None


def _on_outcome_corrected(r: _Replay, event: EventRecord) -> None:
    """A 更正 of the answer in force: its outcome is replaced; the answer's date stays (D18).

    When the corrected answer is the case's first, the annual report counts the corrected outcome; a
    correction of an answer given after a reopening leaves the counted first answer alone (D11, D18).
    """
    r.outcome = str(event.data["outcome"])
    r.answer_seq = event.seq
    if r.answer_is_first:
        r.first_outcome = r.outcome


#: How each kind of event changes the replay (kinds not listed change nothing).
_REPLAY: dict[str, Callable[[_Replay, EventRecord], None]] = {
    "receipt_confirmed": _on_receipt_confirmed,
    "correction_requested": _on_correction_requested,
    "correction_received": _on_correction_received,
    "consultation_started": _on_consultation_started,
    "consultation_ended": _on_consultation_ended,
    "extension_granted": _on_extension_granted,
    "fee_notice_issued": _on_fee_notice_issued,
    "fee_paid": _on_fee_paid,
    "answered": _on_answered,
    "withdrawn": _on_answered,
    "reopened": _on_reopened,
    "details_corrected": _on_details_corrected,
    "outcome_corrected": _on_outcome_corrected,
}


def situation(
    channel: str,
    arrived_on: datetime.date,
    confirmed_on: datetime.date | None,
    events: Iterable[EventRecord],
) -> Situation:
    """Replay ``events`` (in ``seq`` order) into the clock facts and the case's situation."""
    r = _Replay(confirmed_on=confirmed_on)
    for event in sorted(events, key=lambda e: e.seq):
        handler = _REPLAY.get(event.kind)
        if handler is not None:
            handler(r, event)

    facts = ClockFacts(
        channel=Channel(channel),
        arrived_on=arrived_on,
        confirmed_on=r.confirmed_on,
        correction_requested_on=r.correction_requested_on,
        correction_period_end=r.correction_period_end,
        correction_received_on=r.correction_received_on,
        pauses=tuple(r.pauses.values()),
        extension=r.extension,
        reopened_on=r.reopened_on,
        fixed_due_date=r.fixed_due,
        answered_on=r.answered_on,
    )
    receipt_known = Channel(channel) not in CHANNELS_NEEDING_CONFIRMATION or r.confirmed_on is not None
    awaiting_correction = (
        r.correction_requested_on is not None
        and r.correction_received_on is None
        and r.reopened_on is None
        and r.answered_on is None
    )
    return Situation(
        facts=facts,
        closed=r.answered_on is not None,
        outcome=r.outcome,
        open_pauses=tuple(r.open_pauses.values()),
        correction_requested=r.correction_requested_on is not None,
        awaiting_correction=awaiting_correction,
        extended=r.extension is not None,
        fee_notice_open=r.fee_seq is not None,
        fee_notice_issued=r.fee_notices > 0,
        fee_payment_due=r.fee_payment_due if r.fee_seq is not None else None,
        receipt_known=receipt_known,
        reopened=r.reopened_on is not None,
        first_answered_on=r.first_answered_on,
        first_outcome=r.first_outcome,
        answer_seq=r.answer_seq if r.answered_on is not None else None,
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
