"""The clock of a case as one pure function of its facts: the steps put together."""

from __future__ import annotations

import datetime
from dataclasses import replace

from gongkai.applications.clock.correction import correction
from gongkai.applications.clock.due import extended_due
from gongkai.applications.clock.explain import calendar_notes, day_message
from gongkai.applications.clock.pauses import count_pauses, due_skipping
from gongkai.applications.clock.receipt import receipt_date
from gongkai.applications.clock.state import open_state
from gongkai.applications.clock.types import CHANNEL_LABELS, Calendar, Clock, ClockFacts, ClockState
from gongkai.core.messages import N_, Message
from gongkai.statute.periods import ANSWER_WORKING_DAYS, CORRECTION_NOTICE_WORKING_DAYS


def compute(facts: ClockFacts, calendar: Calendar, today: datetime.date) -> Clock:
    """Compute the clock of a case as of ``today``.

    ``provisional`` is set when the days from the receipt to the due date touch a year whose notice is
    not loaded (暂定, docs/decisions.md D17): the calendar then used the statutory holidays alone.
    """
    clock = _compute(facts, calendar, today)
    if clock.receipt_date is None or clock.due_date is None:
        return clock
    if not calendar.relies_on_provisional(clock.receipt_date, clock.due_date):
        return clock
    return replace(clock, provisional=True)


def _compute(facts: ClockFacts, calendar: Calendar, today: datetime.date) -> Clock:
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
                {
                    "arrived": day_message(facts.arrived_on),
                    "channel": Message(channel_label),
                    "rule": Message(rule),
                },
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
            {"channel": Message(channel_label), "rule": Message(rule), "receipt": day_message(receipt)},
        )
    )

    # 补正 (第三十条).
    correction_notice_due = calendar.add_working_days(receipt, CORRECTION_NOTICE_WORKING_DAYS)
    counting_from, awaiting_correction = correction(
        facts, receipt, correction_notice_due, today, lines, flags
    )
    if facts.reopened_on is not None:
        counting_from = facts.reopened_on
        lines.append(
            Message(
                N_("%(day)s收到行政复议决定或法院裁判，责令重新答复：答复期限自该日重新计算。"),
                {"day": day_message(facts.reopened_on)},
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

    pause_intervals, running_pause = count_pauses(facts, counting_from, today, lines, flags)

    base_due = calendar.add_working_days(counting_from, ANSWER_WORKING_DAYS)
    lines.append(
        Message(
            N_(
                "自%(start)s的次日起计算（民法典第二百零一条），第%(n)s个工作日为%(due)s（条例第三十三条第二款）。%(notes)s"
            ),
            {
                "start": day_message(counting_from),
                "n": ANSWER_WORKING_DAYS,
                "due": day_message(base_due),
                "notes": calendar_notes(calendar, counting_from, base_due),
            },
        )
    )

    original_due, skipped = due_skipping(calendar, counting_from, ANSWER_WORKING_DAYS, pause_intervals)
    if skipped:
        lines.append(
            Message(
                N_(
                    "上述期间共有 %(skipped)s 个工作日不计入答复期限（条例第三十二、三十三、三十四条；"
                    "一日只扣除一次），答复期限相应顺延至%(due)s。"
                ),
                {"skipped": skipped, "due": day_message(original_due)},
            )
        )
    working_days, due, skipped = extended_due(
        facts, calendar, counting_from, original_due, skipped, pause_intervals, lines, flags
    )

    if facts.answered_on is not None:
        late = facts.answered_on > due
        state = ClockState.ANSWERED_LATE if late else ClockState.ANSWERED
        lines.append(
            Message(
                N_("%(day)s作出答复，晚于答复期限 %(n)s 个工作日。"),
                {
                    "day": day_message(facts.answered_on),
                    "n": calendar.working_days_between(due, facts.answered_on),
                },
            )
            if late
            else Message(N_("%(day)s作出答复，在答复期限内。"), {"day": day_message(facts.answered_on)})
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

    state, left = open_state(calendar, today, due, running_pause, lines)
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
