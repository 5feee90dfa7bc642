"""The pure folding of the statistics (no database)."""

from __future__ import annotations

import datetime

from gongkai.stats.figures import CaseRow, fold, median, nearest_rank

D = datetime.date


def test_median_and_nearest_rank_percentile() -> None:
    assert median([]) is None
    assert median([9, 18, 25, 26]) == 21.5
    assert median([3, 1, 2]) == 2
    assert nearest_rank([], 90) is None
    assert nearest_rank([9, 18, 25, 26], 90) == 26
    assert nearest_rank(list(range(1, 11)), 90) == 9
    assert nearest_rank([7], 90) == 7


def test_fold_counts_the_year_and_skips_withdrawals_in_timing() -> None:
    rows = [
        CaseRow("in_person", "natural_person", D(2025, 3, 3), D(2025, 3, 14), "granted", 9, True),
        CaseRow("online", "commercial", D(2025, 3, 3), D(2025, 4, 8), "granted", 25, False),
        CaseRow("in_person", "natural_person", D(2025, 3, 3), D(2025, 3, 5), "withdrawn", None, None),
        # Received the year before, answered in the year: counted in the outcomes only.
        CaseRow("email", "natural_person", D(2024, 12, 30), D(2025, 1, 20), "granted", 14, True),
        # Received in the year, still open and overdue now.
        CaseRow("in_person", "research", D(2025, 11, 3), overdue_now=True),
    ]
    figures = fold(2025, rows)
    assert figures.received == 4
    assert figures.by_channel == {"in_person": 3, "online": 1}
    assert figures.by_applicant_type == {"natural_person": 2, "commercial": 1, "research": 1}
    assert figures.answered == 4
    assert figures.by_outcome == {"granted": 3, "withdrawn": 1}
    assert figures.timed == 3
    assert figures.median_days == 14
    assert figures.p90_days == 25
    assert (figures.on_time, figures.late) == (2, 1)
    assert figures.on_time_rate == 2 / 3
    assert figures.overdue_now == 1
    assert fold(2024, rows).received == 1
    assert fold(2024, rows).on_time_rate is None


def test_an_answer_the_clock_cannot_time_is_counted_but_not_timed() -> None:
    rows = [
        CaseRow("in_person", "natural_person", D(2025, 3, 3), D(2025, 3, 14), "granted", 9, True),
        CaseRow("in_person", "natural_person", D(2025, 3, 3), D(2025, 3, 20), "granted", clock_unknown=True),
    ]
    figures = fold(2025, rows)
    assert (figures.answered, figures.timed, figures.clock_unknown) == (2, 1, 1)
    assert figures.on_time_rate == 1.0
