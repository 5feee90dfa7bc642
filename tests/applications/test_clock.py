"""The statutory clock (gongkai.applications.clock), against hand-counted dates.

Every expected date below is counted by hand from the State Council's notices (decisions.md D1, D3–D6;
regulation.md §6): the counting starts the day after the receipt date (民法典 第二百零一条), holidays
(放假) are skipped, weekend days made working days (调休上班) count. The day-by-day count is written next
to each case; ``(n)`` is the n-th counted working day.
"""

from __future__ import annotations

import datetime

import pytest

from gongkai.applications.clock import (
    CHANNELS_NEEDING_CONFIRMATION,
    Channel,
    ClockError,
    ClockFacts,
    ClockState,
    Extension,
    Pause,
    PauseKind,
    compute,
    receipt_date,
)
from gongkai.statute.periods import ANSWER_WORKING_DAYS
from gongkai.workdays.calendar import CalendarNotLoaded
from tests.applications.conftest import builtin_calendar, calendar_until, fictional_year

D = datetime.date
CAL = builtin_calendar()

# 2026-03-02 (Monday), in person. No holiday until 清明 (4/4–4/6). Base due date:
# 3/3(1) 3/4(2) 3/5(3) 3/6(4) 3/9(5) 3/10(6) 3/11(7) 3/12(8) 3/13(9) 3/16(10) 3/17(11) 3/18(12)
# 3/19(13) 3/20(14) 3/23(15) 3/24(16) 3/25(17) 3/26(18) 3/27(19) 3/30(20) -> 2026-03-30 (Monday).
MARCH = D(2026, 3, 2)
MARCH_DUE = D(2026, 3, 30)


def facts(received: datetime.date = MARCH, **kwargs: object) -> ClockFacts:
    return ClockFacts(channel=Channel.IN_PERSON, arrived_on=received, **kwargs)  # type: ignore[arg-type]


# --- Holidays and make-up working days -------------------------------------------------------------


def test_spring_festival_2026_in_person() -> None:
    # Handed in Tuesday 2026-02-10. 春节 2026: 2/15–2/23 放假; 2/14 (Sat) and 2/28 (Sat) 上班.
    # 2/11 Wed(1) 2/12 Thu(2) 2/13 Fri(3) 2/14 Sat 上班(4) | 2/15–2/23 放假 |
    # 2/24 Tue(5) 2/25(6) 2/26(7) 2/27 Fri(8) 2/28 Sat 上班(9) | 3/1 Sun |
    # 3/2 Mon(10) 3/3(11) 3/4(12) 3/5(13) 3/6(14) | 3/9(15) 3/10(16) 3/11(17) 3/12(18) 3/13(19) |
    # 3/16 Mon(20) -> due 2026-03-16.
    clock = compute(facts(D(2026, 2, 10)), CAL, today=D(2026, 2, 10))
    assert clock.receipt_date == D(2026, 2, 10)
    assert clock.counting_from == D(2026, 2, 10)
    assert clock.due_date == clock.original_due_date == D(2026, 3, 16)
    assert clock.working_days == ANSWER_WORKING_DAYS == 20
    assert clock.paused_working_days == 0
    assert clock.state == ClockState.ON_TIME
    assert clock.working_days_left == 20
    # Correction notice (7 working days): 2/11(1) 2/12(2) 2/13(3) 2/14 Sat 上班(4) 2/24(5) 2/25(6) 2/26(7).
    assert clock.correction_notice_due == D(2026, 2, 26)
    text = "\n".join(map(str, clock.explanation))
    assert "2026年3月16日（星期一）" in text
    assert "春节" in text
    assert "2月14日（星期六）" in text and "2月28日（星期六）" in text


def test_national_day_2025() -> None:
    # Handed in Friday 2025-09-26. 国庆节、中秋节 2025: 10/1–10/8 放假; 9/28 (Sun) and 10/11 (Sat) 上班.
    # 9/27 Sat | 9/28 Sun 上班(1) 9/29 Mon(2) 9/30 Tue(3) | 10/1–10/8 放假 | 10/9 Thu(4) 10/10 Fri(5)
    # 10/11 Sat 上班(6) | 10/13(7) 10/14(8) 10/15(9) 10/16(10) 10/17(11) | 10/20(12) 10/21(13)
    # 10/22(14) 10/23(15) 10/24(16) | 10/27(17) 10/28(18) 10/29(19) 10/30 Thu(20) -> due 2025-10-30.
    clock = compute(facts(D(2025, 9, 26)), CAL, today=D(2025, 9, 26))
    assert clock.due_date == D(2025, 10, 30)
    text = "\n".join(map(str, clock.explanation))
    assert "国庆节" in text
    assert "9月28日（星期日）" in text and "10月11日（星期六）" in text


def test_count_running_into_an_unloaded_year_names_the_year_and_the_command() -> None:
    # Received Thursday 2026-12-10: 12/11(1), 12/14–12/18(2–6), 12/21–12/25(7–11), 12/28–12/31(12–15),
    # and the 16th working day is in 2027, whose calendar is not loaded: an error, never a guess (D1).
    calendar = calendar_until(2026)
    with pytest.raises(CalendarNotLoaded) as info:
        compute(facts(D(2026, 12, 10)), calendar, today=D(2026, 12, 10))
    assert info.value.year == 2027
    message = str(info.value)
    assert "2027年" in message
    assert "gongkai calendar load" in message


def test_count_into_a_loaded_2027() -> None:
    # The same receipt with a FICTIONAL 2027 (only 1/1 a holiday; see conftest.fictional_year):
    # 12/11(1) 12/14–12/18(2–6) 12/21–12/25(7–11) 12/28(12) 12/29(13) 12/30(14) 12/31(15) |
    # 2027-01-01 Fri 放假 (test) | 1/4 Mon(16) 1/5(17) 1/6(18) 1/7(19) 1/8 Fri(20) -> due 2027-01-08.
    calendar = calendar_until(2026, fictional_year(2027))
    clock = compute(facts(D(2026, 12, 10)), calendar, today=D(2026, 12, 10))
    assert clock.due_date == D(2027, 1, 8)


# --- Receipt date by channel (D2) ------------------------------------------------------------------


@pytest.mark.parametrize("channel", [Channel.IN_PERSON, Channel.POST_SIGNED, Channel.ONLINE])
def test_arrival_is_the_receipt_date(channel: Channel) -> None:
    f = ClockFacts(channel=channel, arrived_on=MARCH)
    assert receipt_date(f)[0] == MARCH
    assert compute(f, CAL, today=MARCH).due_date == MARCH_DUE


@pytest.mark.parametrize("channel", sorted(CHANNELS_NEEDING_CONFIRMATION))
def test_post_email_fax_wait_for_a_confirmation(channel: Channel) -> None:
    assert {Channel.POST_ORDINARY, Channel.EMAIL, Channel.FAX} == CHANNELS_NEEDING_CONFIRMATION
    pending = compute(ClockFacts(channel=channel, arrived_on=D(2026, 2, 27)), CAL, today=D(2026, 3, 2))
    assert pending.state == ClockState.PENDING_RECEIPT
    assert pending.receipt_date is None and pending.due_date is None
    assert pending.working_days_left is None
    assert pending.is_open
    assert "尚未确认" in str(pending.explanation[0])
    # Arrived Friday 2/27, confirmed Monday 3/2: the confirmation day is the receipt date.
    confirmed = compute(
        ClockFacts(channel=channel, arrived_on=D(2026, 2, 27), confirmed_on=MARCH), CAL, today=MARCH
    )
    assert confirmed.receipt_date == MARCH
    assert confirmed.due_date == MARCH_DUE


def test_confirmation_before_arrival_is_an_error() -> None:
    f = ClockFacts(channel=Channel.EMAIL, arrived_on=MARCH, confirmed_on=D(2026, 3, 1))
    with pytest.raises(ClockError):
        compute(f, CAL, today=MARCH)


def test_confirmation_is_ignored_for_in_person() -> None:
    f = ClockFacts(channel=Channel.IN_PERSON, arrived_on=MARCH, confirmed_on=D(2026, 3, 5))
    assert receipt_date(f)[0] == MARCH


# --- Correction (补正, D4) -------------------------------------------------------------------------


def test_correction_notice_due_and_restart_from_the_corrected_application() -> None:
    # Notice due 7 working days after 3/2: 3/3(1) 3/4(2) 3/5(3) 3/6(4) 3/9(5) 3/10(6) 3/11(7).
    # Corrected application received Monday 3/16; the 20 days restart from it:
    # 3/17(1) 3/18(2) 3/19(3) 3/20(4) | 3/23–3/27(5–9) | 3/30(10) 3/31(11) 4/1(12) 4/2(13) 4/3(14) |
    # 4/4–4/6 清明节 放假 | 4/7(15) 4/8(16) 4/9(17) 4/10(18) | 4/13(19) 4/14(20) -> due 2026-04-14.
    f = facts(
        correction_requested_on=D(2026, 3, 5),
        correction_period_end=D(2026, 3, 20),
        correction_received_on=D(2026, 3, 16),
    )
    clock = compute(f, CAL, today=D(2026, 3, 16))
    assert clock.correction_notice_due == D(2026, 3, 11)
    assert clock.receipt_date == MARCH  # a correction does not change the receipt date (D7)
    assert clock.counting_from == D(2026, 3, 16)
    assert clock.due_date == D(2026, 4, 14)
    assert clock.flags == ()


def test_correction_notice_on_the_seventh_day_is_in_time_the_eighth_is_flagged() -> None:
    on_time = compute(facts(correction_requested_on=D(2026, 3, 11)), CAL, today=D(2026, 3, 11))
    assert on_time.flags == ()
    late = compute(facts(correction_requested_on=D(2026, 3, 12)), CAL, today=D(2026, 3, 12))
    assert any("第7个工作日" in str(flag) for flag in late.flags)


def test_awaiting_correction_has_no_due_date() -> None:
    f = facts(correction_requested_on=D(2026, 3, 5), correction_period_end=D(2026, 3, 20))
    clock = compute(f, CAL, today=D(2026, 3, 10))
    assert clock.state == ClockState.AWAITING_CORRECTION
    assert clock.due_date is None and clock.original_due_date is None and clock.counting_from is None
    assert clock.working_days_left is None
    assert clock.correction_notice_due == D(2026, 3, 11)
    assert clock.flags == ()
    # The correction period has run out: the case may be closed as （六）1 (flagged, never automatic).
    expired = compute(f, CAL, today=D(2026, 3, 23))
    assert expired.state == ClockState.AWAITING_CORRECTION
    assert any("逾期不补正" in str(flag) for flag in expired.flags)


def test_correction_received_before_the_notice_is_an_error() -> None:
    f = facts(correction_requested_on=D(2026, 3, 5), correction_received_on=D(2026, 3, 4))
    with pytest.raises(ClockError):
        compute(f, CAL, today=D(2026, 3, 10))


# --- Pauses (D5) -----------------------------------------------------------------------------------


def test_overlapping_pauses_are_counted_once() -> None:
    # Third party 3/9 -> 3/13 excludes 3/10 3/11 3/12 3/13 (4); another agency 3/11 -> 3/18 excludes
    # 3/12 3/13 3/16 3/17 3/18 (5). Their union (3/9, 3/18] excludes 7 working days, not 9:
    # 3/3(1) 3/4(2) 3/5(3) 3/6(4) 3/9(5) | 3/10–3/18 paused | 3/19(6) 3/20(7) 3/23–3/27(8–12)
    # 3/30(13) 3/31(14) 4/1(15) 4/2(16) 4/3(17) | 4/4–4/6 清明节 | 4/7(18) 4/8(19) 4/9(20) -> 2026-04-09.
    pauses = (
        Pause(PauseKind.THIRD_PARTY, D(2026, 3, 9), D(2026, 3, 13)),
        Pause(PauseKind.OTHER_AGENCY, D(2026, 3, 11), D(2026, 3, 18)),
    )
    clock = compute(facts(pauses=pauses), CAL, today=D(2026, 3, 20))
    assert clock.paused_working_days == 7
    assert clock.due_date == clock.original_due_date == D(2026, 4, 9)
    assert clock.state == ClockState.ON_TIME
    assert any("一日只扣除一次" in str(line) for line in clock.explanation)


def test_a_pause_inside_another_changes_nothing() -> None:
    outer = Pause(PauseKind.THIRD_PARTY, D(2026, 3, 9), D(2026, 3, 18))
    inner = Pause(PauseKind.CO_PRODUCER, D(2026, 3, 10), D(2026, 3, 12))
    both = compute(facts(pauses=(outer, inner)), CAL, today=D(2026, 3, 20))
    alone = compute(facts(pauses=(outer,)), CAL, today=D(2026, 3, 20))
    assert both.due_date == alone.due_date == D(2026, 4, 9)
    assert both.paused_working_days == alone.paused_working_days == 7


def test_a_pause_ending_on_its_start_day_excludes_nothing() -> None:
    same_day = Pause(PauseKind.THIRD_PARTY, D(2026, 3, 9), D(2026, 3, 9))
    assert compute(facts(pauses=(same_day,)), CAL, today=D(2026, 3, 20)).due_date == MARCH_DUE


def test_a_pause_after_the_due_date_does_not_rescue_an_overdue_case() -> None:
    # Due 3/30; a consultation sent on 3/31 (still open) or on the due date itself changes nothing:
    # only working days strictly after the pause's start are excluded, and the 20th was 3/30.
    for start in (D(2026, 3, 30), D(2026, 3, 31)):
        clock = compute(facts(pauses=(Pause(PauseKind.THIRD_PARTY, start),)), CAL, today=D(2026, 4, 2))
        assert clock.due_date == MARCH_DUE
        assert clock.state == ClockState.OVERDUE
        # Overdue by 3/31(1) 4/1(2) 4/2(3).
        assert clock.working_days_left == -3


def test_an_open_pause_counts_up_to_today_and_the_case_is_paused() -> None:
    # Third party asked 3/9, no reply yet; today Friday 3/20. Excluded so far: 3/10–3/13, 3/16–3/20 (9).
    # Base due 3/30 + 9: 3/31(1) 4/1(2) 4/2(3) 4/3(4) | 清明节 | 4/7(5) 4/8(6) 4/9(7) 4/10(8) 4/13(9).
    clock = compute(facts(pauses=(Pause(PauseKind.THIRD_PARTY, D(2026, 3, 9)),)), CAL, today=D(2026, 3, 20))
    assert clock.state == ClockState.PAUSED
    assert clock.paused_working_days == 9
    assert clock.due_date == D(2026, 4, 13)
    # Working days after today up to the due date: 3/23–3/27(5) 3/30 3/31 4/1–4/3(10) 4/7–4/10(14) 4/13(15).
    assert clock.working_days_left == 15
    assert any("尚未结束" in str(line) for line in clock.explanation)


def test_a_pause_before_the_counting_start_is_ignored() -> None:
    # Corrected application received 3/16: a consultation that ended 3/13 is before the restart.
    f = facts(
        correction_requested_on=D(2026, 3, 3),
        correction_received_on=D(2026, 3, 16),
        pauses=(Pause(PauseKind.THIRD_PARTY, D(2026, 3, 4), D(2026, 3, 13)),),
    )
    clock = compute(f, CAL, today=D(2026, 3, 16))
    assert clock.paused_working_days == 0
    assert clock.due_date == D(2026, 4, 14)


def test_a_pause_cannot_end_before_it_starts() -> None:
    with pytest.raises(ClockError):
        Pause(PauseKind.FEE, D(2026, 3, 9), D(2026, 3, 8))


# --- Extension (第三十三条第二款) ------------------------------------------------------------------


def test_extension_approved_before_the_due_date_gives_40_working_days() -> None:
    # 20 more counted days after 3/30 (the 20th): 3/31(21) 4/1(22) 4/2(23) 4/3(24) | 清明节 |
    # 4/7(25) 4/8(26) 4/9(27) 4/10(28) | 4/13–4/17(29–33) | 4/20–4/24(34–38) | 4/27(39) 4/28(40).
    clock = compute(facts(extension=Extension(D(2026, 3, 20))), CAL, today=D(2026, 3, 20))
    assert clock.working_days == 40
    assert clock.original_due_date == MARCH_DUE
    assert clock.due_date == D(2026, 4, 28)
    assert clock.flags == ()


def test_extension_on_the_due_date_itself_is_in_time() -> None:
    clock = compute(facts(extension=Extension(MARCH_DUE)), CAL, today=MARCH_DUE)
    assert clock.due_date == D(2026, 4, 28)


def test_extension_with_pauses() -> None:
    # The overlapping pauses above (7 days) put the 20th counted day on 4/9; 20 more:
    # 4/10(21) | 4/13–4/17(22–26) | 4/20–4/24(27–31) | 4/27(32) 4/28(33) 4/29(34) 4/30(35) |
    # 5/1–5/5 劳动节 放假 | 5/6(36) 5/7(37) 5/8(38) 5/9 Sat 上班(39) | 5/11 Mon(40) -> 2026-05-11.
    pauses = (
        Pause(PauseKind.THIRD_PARTY, D(2026, 3, 9), D(2026, 3, 13)),
        Pause(PauseKind.OTHER_AGENCY, D(2026, 3, 11), D(2026, 3, 18)),
    )
    clock = compute(facts(pauses=pauses, extension=Extension(D(2026, 4, 1))), CAL, today=D(2026, 4, 1))
    assert clock.original_due_date == D(2026, 4, 9)
    assert clock.due_date == D(2026, 5, 11)
    assert clock.paused_working_days == 7


def test_late_extension_is_flagged_and_has_no_effect() -> None:
    clock = compute(facts(extension=Extension(D(2026, 3, 31))), CAL, today=D(2026, 3, 31))
    assert clock.due_date == MARCH_DUE
    assert clock.working_days == 20
    assert clock.state == ClockState.OVERDUE
    assert any("晚于原答复期限" in str(flag) for flag in clock.flags)


def test_unapproved_extension_is_flagged_and_has_no_effect() -> None:
    f = facts(extension=Extension(D(2026, 3, 20), approved_by_head=False))
    clock = compute(f, CAL, today=D(2026, 3, 20))
    assert clock.due_date == MARCH_DUE
    assert clock.working_days == 20
    assert any("未经政府信息公开工作机构负责人批准" in str(flag) for flag in clock.flags)


# --- States (D6) -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "left", "state"),
    [
        (D(2026, 3, 2), 20, ClockState.ON_TIME),
        (D(2026, 3, 20), 6, ClockState.ON_TIME),  # Fri: 3/23 3/24 3/25 3/26 3/27 3/30 left
        (D(2026, 3, 21), 6, ClockState.ON_TIME),  # Sat: the same 6
        (D(2026, 3, 23), 5, ClockState.DUE_SOON),  # Mon: 3/24 3/25 3/26 3/27 3/30 left
        (D(2026, 3, 27), 1, ClockState.DUE_SOON),
        (D(2026, 3, 30), 0, ClockState.DUE_SOON),
        (D(2026, 3, 31), -1, ClockState.OVERDUE),
        (D(2026, 4, 7), -5, ClockState.OVERDUE),  # 3/31 4/1 4/2 4/3 | 清明节 | 4/7
    ],
)
def test_due_soon_on_time_and_overdue(today: datetime.date, left: int, state: ClockState) -> None:
    clock = compute(facts(), CAL, today=today)
    assert clock.working_days_left == left
    assert clock.state == state
    assert clock.is_open


def test_overdue_on_a_rest_day_reports_no_zero_working_days() -> None:
    # Received Saturday 2026-02-28 (a 调休 working day); 3/2–3/6, 3/9–3/13, 3/16–3/20, 3/23–3/27 are the
    # 20 working days, so the answer is due Friday 2026-03-27. Today Saturday
    # 3/28 is after the due date, so the case is overdue (D6) — but no working day has passed since, and
    # the explanation says "已超过答复期限 0 个工作日" with working_days_left == 0 ("negative when overdue").
    clock = compute(facts(D(2026, 2, 28)), CAL, today=D(2026, 3, 28))
    assert clock.due_date == D(2026, 3, 27)
    assert clock.state == ClockState.OVERDUE
    assert not any("0 个工作日" in str(line) for line in clock.explanation)
    assert clock.working_days_left is not None and clock.working_days_left < 0


def test_answered_on_the_due_date_is_on_time_after_it_is_late() -> None:
    on_time = compute(facts(answered_on=MARCH_DUE), CAL, today=D(2026, 4, 20))
    assert on_time.state == ClockState.ANSWERED
    assert not on_time.is_open
    assert on_time.working_days_left is None
    late = compute(facts(answered_on=D(2026, 4, 1)), CAL, today=D(2026, 4, 20))
    assert late.state == ClockState.ANSWERED_LATE
    assert any("晚于答复期限 2 个工作日" in str(line) for line in late.explanation)  # 3/31, 4/1


# --- Reopening ------------------------------------------------------------------------------------


def test_reopening_restarts_20_working_days() -> None:
    # Answered 3/20, a reconsideration decision received Monday 6/1 orders a new answer:
    # 6/2(1) 6/3(2) 6/4(3) 6/5(4) | 6/8–6/12(5–9) | 6/15(10) 6/16(11) 6/17(12) 6/18(13) |
    # 6/19–6/21 端午节 放假 | 6/22–6/26(14–18) | 6/29(19) 6/30(20) -> 2026-06-30.
    f = facts(
        pauses=(Pause(PauseKind.THIRD_PARTY, D(2026, 3, 9), D(2026, 3, 13)),),
        reopened_on=D(2026, 6, 1),
    )
    clock = compute(f, CAL, today=D(2026, 6, 1))
    assert clock.counting_from == D(2026, 6, 1)
    assert clock.receipt_date == MARCH
    assert clock.paused_working_days == 0  # the old pause lies before the restart
    assert clock.due_date == D(2026, 6, 30)


def test_reopening_with_a_fixed_due_date() -> None:
    f = facts(reopened_on=D(2026, 6, 1), fixed_due_date=D(2026, 6, 15))
    clock = compute(f, CAL, today=D(2026, 6, 1))
    assert clock.due_date == D(2026, 6, 15)
    assert clock.original_due_date == D(2026, 6, 30)
    # An extension does not move a due date fixed by the decision.
    extended = compute(
        facts(reopened_on=D(2026, 6, 1), fixed_due_date=D(2026, 6, 15), extension=Extension(D(2026, 6, 2))),
        CAL,
        today=D(2026, 6, 2),
    )
    assert extended.due_date == D(2026, 6, 15)
