"""When a report is due (第四十九条) and whether it was published on time."""

from __future__ import annotations

import datetime

import pytest

from gongkai.reports import deadlines

D = datetime.date


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("department", D(2026, 1, 31)),  # 县级以上人民政府部门: by 31 January
        ("other", D(2026, 1, 31)),  # read as a department
        ("government", D(2026, 3, 31)),  # 县级以上地方人民政府: by 31 March
        ("township", None),  # not in 第四十九条: set by the supervisor
    ],
)
def test_statutory_deadline(kind: str, expected: datetime.date | None) -> None:
    assert deadlines.statutory_deadline(kind, 2025) == expected
    assert deadlines.deadline_basis(kind)


def test_timeliness() -> None:
    due = D(2026, 1, 31)
    today = D(2026, 11, 21)
    assert deadlines.timeliness(due, D(2026, 1, 31), today) == "on_time"  # "1月31日前" includes the 31st
    assert deadlines.timeliness(due, D(2026, 2, 1), today) == "late"
    assert deadlines.timeliness(due, None, today) == "missing"
    assert deadlines.timeliness(due, None, D(2026, 1, 31)) == "not_due"
    assert deadlines.timeliness(None, None, today) == "no_deadline"
    assert deadlines.timeliness(None, D(2026, 3, 1), today) == "on_time"
    assert set(deadlines.TIMELINESS_LABELS) == {"on_time", "late", "missing", "not_due", "no_deadline"}


def test_a_townships_deadline_is_set_by_its_nearest_supervising_ancestor() -> None:
    city, county = 1, 2
    both = {city: D(2026, 2, 28), county: D(2026, 2, 20)}
    assert deadlines.agency_deadline("township", 2025, [city, county], both) == (D(2026, 2, 20), county)
    assert deadlines.agency_deadline("township", 2025, [city, county], {city: D(2026, 2, 28)}) == (
        D(2026, 2, 28),
        city,
    )
    assert deadlines.agency_deadline("township", 2025, [city, county], {}) == (None, None)
    # Others follow the statute whatever a supervisor set.
    assert deadlines.agency_deadline("department", 2025, [city, county], both) == (D(2026, 1, 31), None)
