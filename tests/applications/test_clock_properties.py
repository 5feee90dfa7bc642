"""Properties of the statutory clock over the built-in 2004–2026 calendar (Hypothesis).

The reference is a day-by-day count written independently of the clock: walk forward from the day
after the counting start, count each working day not inside a pause ``(start, end]`` (D5), and stop at
the 20th (or 40th). A draw whose count runs past 2026 raises ``CalendarNotLoaded`` and is rejected.
"""

from __future__ import annotations

import datetime

from hypothesis import given, reject, settings
from hypothesis import strategies as st

from gongkai.applications.clock import (
    Channel,
    Clock,
    ClockFacts,
    ClockState,
    Extension,
    Pause,
    PauseKind,
    compute,
)
from gongkai.workdays.calendar import CalendarNotLoaded
from tests.applications.conftest import builtin_calendar

D = datetime.date
CAL = builtin_calendar()
FIRST, LAST = D(2004, 1, 1), D(2026, 8, 31)
SETTINGS = settings(max_examples=150, deadline=None)

receipts = st.dates(FIRST, LAST)
kinds = st.sampled_from(list(PauseKind))


@st.composite
def pauses_after(draw: st.DrawFn, receipt: datetime.date) -> tuple[Pause, ...]:
    """0–4 closed pauses starting up to 45 days after (or a few days before) ``receipt``."""
    out = []
    for _ in range(draw(st.integers(0, 4))):
        start = receipt + datetime.timedelta(days=draw(st.integers(-3, 45)))
        length = draw(st.integers(0, 25))
        out.append(Pause(draw(kinds), start, start + datetime.timedelta(days=length)))
    return tuple(out)


@st.composite
def cases(draw: st.DrawFn) -> tuple[datetime.date, tuple[Pause, ...]]:
    receipt = draw(receipts)
    return receipt, draw(pauses_after(receipt))


def clock(
    receipt: datetime.date,
    pauses: tuple[Pause, ...] = (),
    *,
    extension: bool = False,
    today: datetime.date | None = None,
) -> Clock:
    facts = ClockFacts(
        channel=Channel.IN_PERSON,
        arrived_on=receipt,
        pauses=pauses,
        extension=Extension(receipt) if extension else None,
    )
    try:
        return compute(facts, CAL, today=today or receipt)
    except CalendarNotLoaded:
        reject()


def reference_due(receipt: datetime.date, pauses: tuple[Pause, ...], n: int) -> datetime.date:
    """The n-th working day after ``receipt`` that lies in no pause, counted one day at a time."""
    day, counted = receipt, 0
    while counted < n:
        day += datetime.timedelta(days=1)
        paused = any(p.start < day <= (p.end or day) for p in pauses)
        if CAL.is_working_day(day) and not paused:
            counted += 1
    return day


@SETTINGS
@given(cases(), st.booleans())
def test_due_date_is_the_reference_count(case: tuple[datetime.date, tuple[Pause, ...]], ext: bool) -> None:
    receipt, pauses = case
    result = clock(receipt, pauses, extension=ext)
    n = 40 if ext else 20
    assert result.working_days == n
    assert result.due_date == reference_due(receipt, pauses, n)


@SETTINGS
@given(cases(), st.booleans())
def test_due_date_is_a_working_day(case: tuple[datetime.date, tuple[Pause, ...]], ext: bool) -> None:
    receipt, pauses = case
    due = clock(receipt, pauses, extension=ext).due_date
    assert due is not None
    assert CAL.is_working_day(due)
    assert due > receipt


@SETTINGS
@given(cases(), st.booleans())
def test_counted_days_minus_paused_days_is_20_or_40(
    case: tuple[datetime.date, tuple[Pause, ...]], ext: bool
) -> None:
    receipt, pauses = case
    result = clock(receipt, pauses, extension=ext)
    assert result.due_date is not None and result.counting_from == receipt
    total = CAL.working_days_between(receipt, result.due_date)
    assert total - result.paused_working_days == (40 if ext else 20)


@SETTINGS
@given(receipts, st.integers(0, 40), st.data())
def test_a_later_receipt_never_gives_an_earlier_due_date(
    receipt: datetime.date, later_by: int, data: st.DataObject
) -> None:
    later = receipt + datetime.timedelta(days=later_by)
    pauses = data.draw(pauses_after(receipt))
    assert clock(receipt, pauses).due_date <= clock(later, pauses).due_date  # type: ignore[operator]
    assert clock(receipt).due_date <= clock(later).due_date  # type: ignore[operator]


@SETTINGS
@given(cases(), st.data())
def test_adding_a_pause_never_gives_an_earlier_due_date(
    case: tuple[datetime.date, tuple[Pause, ...]], data: st.DataObject
) -> None:
    receipt, pauses = case
    extra = data.draw(pauses_after(receipt).filter(bool))
    before = clock(receipt, pauses).due_date
    after = clock(receipt, pauses + extra[:1]).due_date
    assert before is not None and after is not None
    assert after >= before


@SETTINGS
@given(cases(), st.randoms(use_true_random=False))
def test_pauses_in_any_order_give_the_same_due_date(
    case: tuple[datetime.date, tuple[Pause, ...]], rnd: object
) -> None:
    receipt, pauses = case
    shuffled = list(pauses)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    assert clock(receipt, pauses).due_date == clock(receipt, tuple(shuffled)).due_date


@SETTINGS
@given(cases(), st.data())
def test_overlapping_pieces_give_the_same_due_date_as_their_union(
    case: tuple[datetime.date, tuple[Pause, ...]], data: st.DataObject
) -> None:
    receipt, pauses = case
    pieces: list[Pause] = []
    for pause in pauses:
        assert pause.end is not None
        span = (pause.end - pause.start).days
        # Two pieces (start, m2] and (m1, end] with m1 <= m2: they overlap or touch, union = the pause.
        m1 = data.draw(st.integers(0, span))
        m2 = data.draw(st.integers(m1, span))
        kind = data.draw(kinds)
        pieces.append(Pause(pause.kind, pause.start, pause.start + datetime.timedelta(days=m2)))
        pieces.append(Pause(kind, pause.start + datetime.timedelta(days=m1), pause.end))
    whole = clock(receipt, pauses)
    split = clock(receipt, tuple(pieces))
    assert split.due_date == whole.due_date
    assert split.paused_working_days == whole.paused_working_days


@SETTINGS
@given(receipts, st.integers(0, 30), st.integers(0, 60))
def test_an_open_pause_is_the_same_as_one_ending_today(
    receipt: datetime.date, start_after: int, today_after: int
) -> None:
    start = receipt + datetime.timedelta(days=start_after)
    today = start + datetime.timedelta(days=today_after)
    running = clock(receipt, (Pause(PauseKind.THIRD_PARTY, start),), today=today)
    ended = clock(receipt, (Pause(PauseKind.THIRD_PARTY, start, today),), today=today)
    assert running.due_date == ended.due_date
    if today <= ended.due_date:  # type: ignore[operator]
        assert running.state == ClockState.PAUSED
    else:
        assert running.state == ClockState.OVERDUE


@SETTINGS
@given(receipts, st.integers(0, 90))
def test_state_agrees_with_working_days_left(receipt: datetime.date, after: int) -> None:
    today = receipt + datetime.timedelta(days=after)
    result = clock(receipt, today=today)
    assert result.due_date is not None and result.working_days_left is not None
    if today > result.due_date:
        # <= 0, not < 0: on a rest day right after the due date no working day has passed yet
        # (see test_clock.py::test_overdue_on_a_rest_day_reports_no_zero_working_days).
        assert result.state == ClockState.OVERDUE and result.working_days_left <= 0
    elif result.working_days_left <= 5:
        assert result.state == ClockState.DUE_SOON
    else:
        assert result.state == ClockState.ON_TIME
