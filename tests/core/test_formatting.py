from __future__ import annotations

import datetime

from gongkai.core.formatting import cn_date, weekday_name


def test_dates_are_written_without_leading_zeros() -> None:
    assert cn_date(datetime.date(2026, 1, 5)) == "2026年1月5日"
    assert cn_date(datetime.date(2025, 12, 31)) == "2025年12月31日"


def test_a_deadline_names_its_weekday() -> None:
    assert cn_date(datetime.date(2026, 2, 10), weekday=True) == "2026年2月10日（星期二）"
    assert weekday_name(datetime.date(2026, 12, 6)) == "星期日"
    assert weekday_name(datetime.date(2026, 12, 7)) == "星期一"
