"""The state of an open case today (D6): on time, due soon, paused or overdue."""

from __future__ import annotations

import datetime

from gongkai.applications.clock.explain import day_message
from gongkai.applications.clock.types import DUE_SOON_WORKING_DAYS, Calendar, ClockState
from gongkai.core.messages import N_, Message


def due_soon_before(calendar: Calendar, today: datetime.date) -> datetime.date:
    """Open cases due before this day are due soon or overdue (D6) — the threshold for database filters."""
    return calendar.add_working_days(today, DUE_SOON_WORKING_DAYS + 1)


def open_state(
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
                N_("今日%(today)s：距答复期限还有 %(left)s 个工作日。"),
                {"today": day_message(today), "left": left},
            )
        )
    else:
        # Overdue by at least one: on a rest day right after the due date no working day has passed yet.
        left = -max(1, calendar.working_days_between(due, today))
        state = ClockState.OVERDUE
        lines.append(
            Message(
                N_("今日%(today)s：已超过答复期限（%(due)s），逾期 %(days)s 天。"),
                {"today": day_message(today), "due": day_message(due), "days": (today - due).days},
            )
        )
    return state, left
