"""The year's figures of one agency's applications, folded from plain per-case rows (pure Python).

Definitions (docs/audit-and-statistics.md):

* **received** (收到申请): cases whose receipt date (收到申请之日, 条例 第三十一条) falls in the year, by
  channel and by applicant type (the columns of table 三); an application never received (withdrawn
  before an ordinary letter, e-mail or fax was confirmed) counts nowhere;
* **outcomes** (办理结果): cases whose first answer or withdrawal (D7, as the annual report counts it)
  falls in the year, by outcome;
* **working days to answer** (答复用时): for those answered in the year (withdrawals excluded), the
  working days the clock counted from the start of the answer period to the answer
  (:func:`gongkai.applications.clock.working_days_taken`: 补正 restarts it, pauses are not counted); the
  median and the 90th percentile (nearest rank: the smallest value at least 90 % of the answers do not
  exceed, so always a value some case actually took);
* **on-time rate** (按期答复率): answers on or before the due date the clock set (第三十三条, an approved
  extension and the pauses included), over the answers whose timeliness the clock could tell;
* **overdue now** (当前逾期): open cases the clock finds overdue on ``today`` (D6), whatever the year.

No Django, no queries: :mod:`gongkai.stats.selectors` reads the grouped counts (and the cases whose
timing is not stored yet, asking the clock) and adds them to a :class:`Tally`.
"""

from __future__ import annotations

import datetime
import math
import statistics
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from gongkai.applications.timing import WITHDRAWN

__all__ = [
    "CaseRow",
    "Figures",
    "Tally",
    "fold",
    "histogram_median",
    "histogram_rank",
    "median",
    "nearest_rank",
]


@dataclass(frozen=True)
class CaseRow:
    """What the figures need of one case (no personal data)."""

    channel: str
    applicant_type: str
    receipt_date: datetime.date | None
    #: The first answer or withdrawal (D7) and its outcome key.
    counted_answer_on: datetime.date | None = None
    counted_outcome: str = ""
    #: Working days the clock counted to the first answer, and whether it was in time (None: unknown).
    working_days: int | None = None
    on_time: bool | None = None
    #: The clock finds the case overdue today (open cases only).
    overdue_now: bool = False
    #: The clock could not be computed (a calendar year not loaded).
    clock_unknown: bool = False


@dataclass(frozen=True)
class Figures:
    year: int
    received: int = 0
    by_channel: dict[str, int] = field(default_factory=dict)
    by_applicant_type: dict[str, int] = field(default_factory=dict)
    answered: int = 0  # first answers and withdrawals in the year
    by_outcome: dict[str, int] = field(default_factory=dict)
    timed: int = 0  # answers (no withdrawals) whose working days the clock told
    median_days: float | None = None
    p90_days: int | None = None
    on_time: int = 0
    late: int = 0
    overdue_now: int = 0
    clock_unknown: int = 0

    @property
    def on_time_rate(self) -> float | None:
        """On-time answers over answers whose timeliness is known, 0–1; ``None`` with none."""
        judged = self.on_time + self.late
        return self.on_time / judged if judged else None


def median(values: Sequence[int]) -> float | None:
    return float(statistics.median(values)) if values else None


def nearest_rank(values: Sequence[int], percent: int) -> int | None:
    """The nearest-rank percentile: the ⌈percent/100 × n⌉-th smallest value (``None`` for no values)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(percent * len(ordered) / 100))
    return ordered[rank - 1]


def _nth(histogram: Sequence[tuple[int, int]], index: int) -> int:
    """The ``index``-th (0-based) smallest value of the values counted in ``histogram`` (sorted)."""
    seen = 0
    for value, count in histogram:
        seen += count
        if index < seen:
            return value
    raise IndexError(index)


def histogram_median(histogram: Mapping[int, int]) -> float | None:
    """:func:`median` of the values counted in ``histogram`` (value → how many), without listing them."""
    ordered = sorted((v, n) for v, n in histogram.items() if n)
    total = sum(n for _v, n in ordered)
    if not total:
        return None
    if total % 2:
        return float(_nth(ordered, total // 2))
    return (_nth(ordered, total // 2 - 1) + _nth(ordered, total // 2)) / 2


def histogram_rank(histogram: Mapping[int, int], percent: int) -> int | None:
    """:func:`nearest_rank` of the values counted in ``histogram``."""
    ordered = sorted((v, n) for v, n in histogram.items() if n)
    total = sum(n for _v, n in ordered)
    if not total:
        return None
    return _nth(ordered, max(1, math.ceil(percent * total / 100)) - 1)


@dataclass
class Tally:
    """The year's counts of one agency as they are gathered: from case rows (:meth:`add`) or from the
    database's grouped counts (the selectors add to the fields); :meth:`figures` gives the result."""

    year: int
    received: int = 0
    channels: Counter[str] = field(default_factory=Counter)
    types: Counter[str] = field(default_factory=Counter)
    outcomes: Counter[str] = field(default_factory=Counter)
    #: Working days to the first answer → how many answers took them.
    days: Counter[int] = field(default_factory=Counter)
    on_time: int = 0
    late: int = 0
    overdue: int = 0
    unknown: int = 0

    def add(self, row: CaseRow) -> None:
        """One case (rows of other years count only for ``overdue_now``)."""
        self.overdue += row.overdue_now
        if row.receipt_date is not None and row.receipt_date.year == self.year:
            self.received += 1
            self.channels[row.channel] += 1
            self.types[row.applicant_type] += 1
        if row.counted_answer_on is None or row.counted_answer_on.year != self.year:
            return
        self.outcomes[row.counted_outcome] += 1
        if row.counted_outcome == WITHDRAWN:
            return
        self.add_timing(row.working_days, row.on_time, unknown=row.clock_unknown)

    def add_timing(
        self, working_days: int | None, on_time: bool | None, *, unknown: bool, n: int = 1
    ) -> None:
        """``n`` answers (no withdrawals) of the year with this timing."""
        if unknown:
            self.unknown += n
        if working_days is not None:
            self.days[working_days] += n
        if on_time is True:
            self.on_time += n
        elif on_time is False:
            self.late += n

    def figures(self, *, breakdowns: bool = True) -> Figures:
        """The figures; without ``breakdowns`` the counts by channel, applicant type and outcome are left
        empty (``outcomes`` may then hold any keys: only their sum is used)."""
        return Figures(
            year=self.year,
            received=self.received,
            by_channel=dict(self.channels) if breakdowns else {},
            by_applicant_type=dict(self.types) if breakdowns else {},
            answered=sum(self.outcomes.values()),
            by_outcome=dict(self.outcomes) if breakdowns else {},
            timed=sum(self.days.values()),
            median_days=histogram_median(self.days),
            p90_days=histogram_rank(self.days, 90),
            on_time=self.on_time,
            late=self.late,
            overdue_now=self.overdue,
            clock_unknown=self.unknown,
        )


def fold(year: int, rows: Iterable[CaseRow]) -> Figures:
    """The year's figures from the agency's case rows (rows of other years are ignored for the year's
    counts; ``overdue_now`` counts every row)."""
    tally = Tally(year)
    for row in rows:
        tally.add(row)
    return tally.figures()
