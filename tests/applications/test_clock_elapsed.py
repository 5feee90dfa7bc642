"""The working days an answered case took, as the clock counts them (for the statistics; pure)."""

from __future__ import annotations

import datetime

from gongkai.applications.clock import (
    Channel,
    ClockFacts,
    Extension,
    Pause,
    PauseKind,
    compute,
    working_days_taken,
)
from tests.applications.conftest import builtin_calendar

CAL = builtin_calendar()
D = datetime.date
#: Monday 3 March 2025: the 20th working day after it is Monday 31 March.
RECEIVED = D(2025, 3, 3)


def facts(**kw: object) -> ClockFacts:
    return ClockFacts(channel=Channel.IN_PERSON, arrived_on=RECEIVED, **kw)  # type: ignore[arg-type]


def test_an_answer_on_the_due_date_took_exactly_the_period() -> None:
    assert compute(facts(), CAL, RECEIVED).due_date == D(2025, 3, 31)
    assert working_days_taken(facts(answered_on=D(2025, 3, 31)), CAL) == (20, True)
    assert working_days_taken(facts(answered_on=D(2025, 4, 1)), CAL) == (21, False)
    # Answered the day it was received: no working day counted yet.
    assert working_days_taken(facts(answered_on=RECEIVED), CAL) == (0, True)


def test_pauses_are_not_counted_and_the_extension_moves_the_due_date() -> None:
    pause = Pause(PauseKind.OTHER_AGENCY, D(2025, 3, 10), D(2025, 3, 14))  # 11–14 March: 4 days
    answered = D(2025, 4, 15)  # 30 working days after 3 March
    assert working_days_taken(facts(pauses=(pause,), answered_on=answered), CAL) == (26, False)
    extended = facts(pauses=(pause,), extension=Extension(D(2025, 3, 20)), answered_on=answered)
    assert working_days_taken(extended, CAL) == (26, True)
    # A late extension has no effect (第三十三条第二款): the answer stays late.
    late = facts(pauses=(pause,), extension=Extension(D(2025, 4, 10)), answered_on=answered)
    assert working_days_taken(late, CAL) == (26, False)


def test_a_correction_restarts_the_count() -> None:
    corrected = facts(
        correction_requested_on=D(2025, 3, 5),
        correction_period_end=D(2025, 3, 20),
        correction_received_on=D(2025, 3, 17),
        answered_on=D(2025, 4, 11),
    )
    assert working_days_taken(corrected, CAL) == (18, True)


def test_no_answer_or_no_receipt_takes_nothing() -> None:
    assert working_days_taken(facts(), CAL) is None
    unconfirmed = ClockFacts(channel=Channel.EMAIL, arrived_on=RECEIVED, answered_on=D(2025, 3, 5))
    assert working_days_taken(unconfirmed, CAL) is None
