"""The due date fixed by a decision, or extended (第三十三条第二款, D3)."""

from __future__ import annotations

import datetime

from gongkai.applications.clock.explain import day_message
from gongkai.applications.clock.pauses import due_skipping
from gongkai.applications.clock.types import Calendar, ClockFacts
from gongkai.core.messages import N_, Message
from gongkai.statute.periods import ANSWER_WORKING_DAYS, EXTENSION_WORKING_DAYS


def extended_due(
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
        lines.append(Message(N_("决定确定的答复期限为%(due)s。"), {"due": day_message(due)}))
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
                    {"day": day_message(ext.decided_on)},
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
                    N_("%(day)s决定延期，已晚于原答复期限，答复期限不变。"),
                    {"day": day_message(ext.decided_on)},
                )
            )
        else:
            working_days = ANSWER_WORKING_DAYS + EXTENSION_WORKING_DAYS
            due, skipped = due_skipping(calendar, counting_from, working_days, pause_intervals)
            lines.append(
                Message(
                    N_(
                        "%(day)s经政府信息公开工作机构负责人批准延期，延长不超过%(extra)s个工作日"
                        "（条例第三十三条第二款）：第%(n)s个计入的工作日为%(due)s。"
                    ),
                    {
                        "day": day_message(ext.decided_on),
                        "extra": EXTENSION_WORKING_DAYS,
                        "n": working_days,
                        "due": day_message(due),
                    },
                )
            )
    return working_days, due, skipped
