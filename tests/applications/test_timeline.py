"""Replaying a case's events into the clock's facts and the actions open to an officer (pure)."""

from __future__ import annotations

import datetime
from typing import Any

from gongkai.applications import timeline as t
from gongkai.applications.clock import Channel, Pause, PauseKind
from gongkai.applications.timeline import EventRecord, allowed_actions, situation

D = datetime.date
ARRIVED = D(2026, 3, 2)
TODAY = D(2026, 3, 20)


def replay(*events: tuple[str, datetime.date, dict[str, Any]], channel: str = "in_person") -> t.Situation:
    records = [EventRecord(i + 1, kind, day, data) for i, (kind, day, data) in enumerate(events)]
    confirmed = None
    return situation(channel, ARRIVED, confirmed, [EventRecord(0, "registered", ARRIVED, {}), *records])


def actions(s: t.Situation, today: datetime.date = TODAY) -> tuple[str, ...]:
    receipt = s.facts.confirmed_on if s.facts.channel in {"post_ordinary", "email", "fax"} else ARRIVED
    return allowed_actions(s, today, receipt_date=receipt)


def test_a_fresh_case() -> None:
    s = replay()
    assert not s.closed and s.receipt_known and s.waiting_on == ""
    assert actions(s) == (
        t.REQUEST_CORRECTION,
        t.START_CONSULTATION,
        t.GRANT_EXTENSION,
        t.ISSUE_FEE_NOTICE,
        t.ANSWER,
        t.WITHDRAW,
        t.RECORD_APPEAL,
    )


def test_pending_confirmation() -> None:
    s = replay(channel="email")
    assert not s.receipt_known and s.waiting_on == "confirmation"
    assert actions(s) == (t.CONFIRM_RECEIPT, t.WITHDRAW)
    confirmed = replay(("receipt_confirmed", D(2026, 3, 3), {}), channel="email")
    assert confirmed.receipt_known and confirmed.facts.confirmed_on == D(2026, 3, 3)
    assert t.CONFIRM_RECEIPT not in actions(confirmed)


def test_events_are_replayed_in_seq_order_whatever_the_input_order() -> None:
    events = [
        EventRecord(2, "consultation_ended", D(2026, 3, 12), {"started_seq": 1}),
        EventRecord(1, "consultation_started", D(2026, 3, 9), {"kind": "third_party"}),
    ]
    s = situation("in_person", ARRIVED, None, events)
    assert s.facts.pauses == (Pause(PauseKind.THIRD_PARTY, D(2026, 3, 9), D(2026, 3, 12)),)
    assert s.open_pauses == ()


def test_correction_cycle() -> None:
    period = {"period_end": "2026-03-13", "items": "请写明文号"}
    waiting = replay(("correction_requested", D(2026, 3, 4), period))
    assert waiting.awaiting_correction and waiting.waiting_on == "correction"
    assert actions(waiting, D(2026, 3, 13)) == (t.RECORD_CORRECTION, t.WITHDRAW)
    assert actions(waiting, D(2026, 3, 14)) == (t.RECORD_CORRECTION, t.LAPSE_CORRECTION, t.WITHDRAW)
    corrected = replay(
        ("correction_requested", D(2026, 3, 4), period), ("correction_received", D(2026, 3, 10), {})
    )
    assert not corrected.awaiting_correction and corrected.correction_requested
    assert corrected.facts.correction_received_on == D(2026, 3, 10)
    assert corrected.facts.correction_period_end == D(2026, 3, 13)
    # The correction notice is one-time (一次性告知): never a second one.
    assert t.REQUEST_CORRECTION not in actions(corrected)
    assert t.ANSWER in actions(corrected)


def test_consultations_pause_and_block_the_answer() -> None:
    s = replay(
        ("consultation_started", D(2026, 3, 9), {"kind": "other_agency", "consultee": "甲县自然资源局"})
    )
    assert s.waiting_on == "consultation"
    assert s.open_pauses == (t.OpenPause(1, PauseKind.OTHER_AGENCY, D(2026, 3, 9), "甲县自然资源局"),)
    assert s.facts.pauses == (Pause(PauseKind.OTHER_AGENCY, D(2026, 3, 9)),)
    acts = actions(s)
    assert t.ANSWER not in acts and t.REQUEST_CORRECTION not in acts
    assert t.END_CONSULTATION in acts and t.START_CONSULTATION in acts
    # Two at once; ending one leaves the other open.
    two = replay(
        ("consultation_started", D(2026, 3, 9), {"kind": "third_party"}),
        ("consultation_started", D(2026, 3, 10), {"kind": "co_producer"}),
        ("consultation_ended", D(2026, 3, 12), {"started_seq": 1}),
    )
    assert [p.seq for p in two.open_pauses] == [2]
    assert t.ANSWER not in actions(two)


def test_fee_notice_pauses_until_payment_and_may_lapse() -> None:
    notice = ("fee_notice_issued", D(2026, 3, 5), {"payment_due": "2026-04-02", "amount": 100})
    s = replay(notice)
    assert s.fee_notice_open and s.waiting_on == "payment" and s.fee_payment_due == D(2026, 4, 2)
    # The payment period is the pause's own limit (109号: 20 working days).
    assert s.facts.pauses == (Pause(PauseKind.FEE, D(2026, 3, 5), limit=D(2026, 4, 2)),)
    assert actions(s, D(2026, 4, 2)) == (
        t.START_CONSULTATION,
        t.GRANT_EXTENSION,
        t.RECORD_PAYMENT,
        t.WITHDRAW,
        t.RECORD_APPEAL,
    )
    assert t.LAPSE_FEE in actions(s, D(2026, 4, 3))
    paid = replay(notice, ("fee_paid", D(2026, 3, 10), {}))
    assert not paid.fee_notice_open and paid.fee_payment_due is None
    assert paid.facts.pauses == (Pause(PauseKind.FEE, D(2026, 3, 5), D(2026, 3, 10), limit=D(2026, 4, 2)),)
    assert t.ANSWER in actions(paid)
    # One fee per application (109号): no second notice after payment.
    assert t.ISSUE_FEE_NOTICE not in actions(paid)


def test_no_fee_notice_for_applications_received_before_2021() -> None:
    s = situation("in_person", D(2020, 12, 31), None, [EventRecord(1, "registered", D(2020, 12, 31), {})])
    assert t.ISSUE_FEE_NOTICE not in allowed_actions(s, D(2021, 1, 5), receipt_date=D(2020, 12, 31))


def test_an_answer_closes_everything_still_running() -> None:
    s = replay(
        ("consultation_started", D(2026, 3, 9), {"kind": "third_party"}),
        ("answered", D(2026, 3, 16), {"outcome": "granted"}),
    )
    assert s.closed and s.outcome == "granted" and s.waiting_on == ""
    assert s.facts.answered_on == D(2026, 3, 16)
    assert s.facts.pauses == (Pause(PauseKind.THIRD_PARTY, D(2026, 3, 9), D(2026, 3, 16)),)
    assert s.open_pauses == ()
    assert actions(s) == (t.REOPEN, t.RECORD_APPEAL)


def test_withdrawal_is_an_outcome() -> None:
    s = replay(("withdrawn", D(2026, 3, 6), {"outcome": "withdrawn"}))
    assert s.closed and s.outcome == "withdrawn"


def test_reopen_clears_the_answer_and_the_extension() -> None:
    s = replay(
        ("extension_granted", D(2026, 3, 20), {"approved_by_head": True}),
        ("answered", D(2026, 4, 20), {"outcome": "denied_state_secret"}),
        ("reopened", D(2026, 6, 1), {"fixed_due_date": "2026-06-15"}),
    )
    assert not s.closed and s.outcome == "" and s.reopened
    assert s.facts.answered_on is None and s.facts.extension is None
    assert s.facts.reopened_on == D(2026, 6, 1) and s.facts.fixed_due_date == D(2026, 6, 15)
    acts = actions(s, D(2026, 6, 2))
    assert t.REQUEST_CORRECTION not in acts  # the case was already examined
    assert t.GRANT_EXTENSION not in acts  # a fixed due date cannot be extended
    assert t.ANSWER in acts


def test_extension_is_granted_once() -> None:
    s = replay(("extension_granted", D(2026, 3, 20), {"approved_by_head": True}))
    assert s.extended and s.facts.extension is not None and s.facts.extension.approved_by_head
    assert t.GRANT_EXTENSION not in actions(s)


def test_channel_is_parsed() -> None:
    assert replay(channel="fax").facts.channel == Channel.FAX
