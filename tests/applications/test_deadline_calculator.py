"""The deadline calculator (gongkai.applications.calculator), against hand-counted dates.

Counting starts the day after the receipt date (民法典 第二百零一条); holidays (放假) are skipped and weekend
days made working days (调休上班) count. ``(n)`` below is the n-th counted working day. All cases pass
the calendar and "today" explicitly, so nothing here depends on the database or the real date.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from gongkai.applications.calculator import CalculatorError, Result, calculate, parse_date, parse_pause
from gongkai.workdays.calendar import CalendarNotLoaded
from tests.applications.conftest import builtin_calendar, calendar_until, fictional_year

D = datetime.date
CAL = builtin_calendar()

# 2026-06-01 (Monday), in person; 端午节 2026: 6/19 (Fri)–6/21 放假, no make-up day.
# 6/2(1) 6/3(2) 6/4(3) 6/5(4) 6/8(5) 6/9(6) 6/10(7) 6/11(8) 6/12(9) 6/15(10) 6/16(11) 6/17(12) 6/18(13)
# 6/19 放假 6/22(14) 6/23(15) 6/24(16) 6/25(17) 6/26(18) 6/29(19) 6/30(20) -> 2026-06-30.
JUNE = D(2026, 6, 1)
JUNE_DUE = D(2026, 6, 30)


def calc(received: datetime.date = JUNE, **kwargs: Any) -> Result:
    kwargs.setdefault("calendar", CAL)
    kwargs.setdefault("today", received)
    return calculate(received, **kwargs)


def test_spring_festival_2026_in_person() -> None:
    # Handed in Tuesday 2026-02-10. 春节 2026: 2/15–2/23 放假; 2/14 (Sat) and 2/28 (Sat) 上班.
    # 2/11 Wed(1) 2/12 Thu(2) 2/13 Fri(3) 2/14 Sat 上班(4) | 2/15–2/23 放假 | 2/24 Tue(5) 2/25(6) 2/26(7)
    # 2/27(8) 2/28 Sat 上班(9) 3/2 Mon(10) 3/3(11) 3/4(12) 3/5(13) 3/6(14) 3/9(15) 3/10(16) 3/11(17)
    # 3/12(18) 3/13(19) 3/16 Mon(20) -> 2026-03-16.
    result = calc(D(2026, 2, 10))
    assert result["receipt_date"] == "2026-02-10"
    assert result["due_date"] == "2026-03-16"
    assert result["original_due_date"] == "2026-03-16"
    assert result["working_days"] == 20
    assert result["flags"] == []
    text = "\n".join(result["explanation"])
    assert "春节" in text
    assert "2月14日（星期六）" in text and "2月28日（星期六）" in text


def test_national_day_2025_with_both_make_up_days() -> None:
    # Handed in Friday 2025-09-26. 国庆节、中秋节 2025: 10/1–10/8 放假; 9/28 (Sun) and 10/11 (Sat) 上班.
    # 9/28 Sun 上班(1) 9/29(2) 9/30(3) | 10/1–10/8 放假 | 10/9 Thu(4) 10/10 Fri(5) 10/11 Sat 上班(6)
    # 10/13(7) 10/14(8) 10/15(9) 10/16(10) 10/17(11) 10/20(12) 10/21(13) 10/22(14) 10/23(15) 10/24(16)
    # 10/27(17) 10/28(18) 10/29(19) 10/30 Thu(20) -> 2025-10-30.
    result = calc(D(2025, 9, 26))
    assert result["due_date"] == "2025-10-30"
    assert "10月11日（星期六）" in "\n".join(result["explanation"])


def test_a_due_date_in_a_year_without_calendar_is_an_error_naming_the_year() -> None:
    # 2026-12-10 (Thu): 12/11(1) 12/14–12/18(2–6) 12/21–12/25(7–11) 12/28–12/31(12–15), then 2027.
    with pytest.raises(CalendarNotLoaded) as caught:
        calc(D(2026, 12, 10))
    assert caught.value.year == 2027
    assert "2027年" in str(caught.value)
    assert "gongkai calendar load" in str(caught.value)


def test_with_the_next_year_loaded_the_due_date_is_in_it() -> None:
    # The test year 2027 has 1/1 (Fri) as its only holiday: 1/4 Mon(16) 1/5(17) 1/6(18) 1/7(19) 1/8 Fri(20).
    result = calc(D(2026, 12, 10), calendar=calendar_until(2026, fictional_year(2027)))
    assert result["due_date"] == "2027-01-08"


def test_a_correction_restarts_the_clock_from_the_day_it_arrives() -> None:
    # Corrected application received Wed 2026-06-10: 6/11(1) 6/12(2) 6/15–6/18(3–6) 6/19 放假
    # 6/22–6/26(7–11) 6/29(12) 6/30(13) 7/1(14) 7/2(15) 7/3(16) 7/6(17) 7/7(18) 7/8(19) 7/9(20).
    result = calc(correction_received=D(2026, 6, 10))
    assert result["receipt_date"] == "2026-06-01"
    assert result["due_date"] == "2026-07-09"
    text = "\n".join(result["explanation"])
    assert "重新计算" in text
    # The notice's date was not given: it is not invented.
    assert "本案于" not in text
    assert "未给出补正告知的发出日期" in text
    assert result["flags"] == []


def test_a_late_correction_notice_is_flagged() -> None:
    # The notice is due by the 7th working day after 6/1: 6/2(1) 6/3 6/4 6/5 6/8 6/9 6/10(7); sent 6/12.
    result = calc(correction_requested=D(2026, 6, 12), correction_received=D(2026, 6, 15))
    assert any("补正告知晚于" in flag for flag in result["flags"])


def test_overlapping_pauses_are_counted_once() -> None:
    # Pauses (6/3, 6/5] and (6/4, 6/9] merge into (6/3, 6/9]: 6/4, 6/5, 6/8, 6/9 = 4 working days not
    # counted, so the due date moves 4 working days after 6/30: 7/1 7/2 7/3 7/6 -> 2026-07-06.
    # (Counted separately they would be 2 + 3 = 5 days, giving 7/7.)
    result = calc(pauses=[(D(2026, 6, 3), D(2026, 6, 5)), (D(2026, 6, 4), D(2026, 6, 9))])
    assert result["due_date"] == "2026-07-06"
    assert result["original_due_date"] == "2026-07-06"
    text = "\n".join(result["explanation"])
    assert "4 个工作日不计入" in text or "4个工作日不计入" in text


def test_an_extension_makes_it_40_working_days() -> None:
    # 6/30(20) 7/1–7/3(21–23) 7/6–7/10(24–28) 7/13–7/17(29–33) 7/20–7/24(34–38) 7/27(39) 7/28(40).
    result = calc(extended=True)
    assert result["working_days"] == 40
    assert result["original_due_date"] == JUNE_DUE.isoformat()
    assert result["due_date"] == "2026-07-28"
    assert result["flags"] == []


def test_ordinary_post_counts_from_the_confirmation() -> None:
    # Arrived Mon 2026-03-02, confirmed Wed 3/4: 3/5(1) 3/6(2) 3/9–3/13(3–7) 3/16–3/20(8–12)
    # 3/23–3/27(13–17) 3/30(18) 3/31(19) 4/1(20) -> 2026-04-01.
    result = calc(D(2026, 3, 2), channel="post_ordinary", confirmed=D(2026, 3, 4))
    assert result["receipt_date"] == "2026-03-04"
    assert result["due_date"] == "2026-04-01"


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"channel": "email"}, "confirmed", "请填写确认收到的日期"),
        ({"channel": "fax", "confirmed": D(2026, 5, 30)}, "confirmed", "不能早于申请到达的日期"),
        ({"confirmed": D(2026, 6, 2)}, "confirmed", "只有平信邮寄、电子邮件和传真"),
        ({"channel": "pigeon"}, "channel", "提交方式“pigeon”无效"),
        ({"pauses": [(D(2026, 6, 9), D(2026, 6, 3))]}, "pauses", "早于开始日期"),
        ({"pauses": [(D(2026, 5, 20), D(2026, 6, 3))]}, "pauses", "不能早于收到申请之日"),
        ({"correction_received": D(2026, 5, 30)}, "correction_received", "不能早于收到申请之日"),
        ({"correction_requested": D(2026, 6, 3)}, "correction_received", "请同时填写收到补正"),
    ],
)
def test_bad_input_is_a_chinese_error_naming_the_field(
    kwargs: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(CalculatorError) as caught:
        calc(**kwargs)
    assert caught.value.field == field
    assert message in str(caught.value)


def test_a_today_in_a_year_without_calendar_does_not_stop_the_calculation() -> None:
    result = calc(D(2026, 2, 10), today=D(2027, 3, 1))
    assert result["due_date"] == "2026-03-16"
    assert not any("今日" in line for line in result["explanation"])
    with_today = calc(D(2026, 2, 10), today=D(2026, 3, 2))
    assert "今日2026年3月2日（星期一）" in with_today["explanation"][-1].replace(" ", "")


def test_the_result_has_exactly_these_keys_and_types() -> None:
    result = calc()
    assert set(result) == {
        "receipt_date",
        "due_date",
        "working_days",
        "original_due_date",
        "provisional",
        "explanation",
        "flags",
    }
    assert result["provisional"] is False
    assert isinstance(result["explanation"], list) and all(isinstance(x, str) for x in result["explanation"])
    assert isinstance(result["flags"], list)
    assert isinstance(result["working_days"], int)
    D.fromisoformat(result["due_date"])


@pytest.mark.parametrize("text", ["2026-02-30", "20260210", "2026-2", "明天", ""])
def test_a_bad_date_is_refused_in_chinese(text: str) -> None:
    with pytest.raises(CalculatorError, match="不是有效的日期"):
        parse_date(text, "申请到达之日")


def test_dates_and_pauses_are_read_leniently() -> None:
    assert parse_date(" 2026/2/10 ", "x") == D(2026, 2, 10)
    assert parse_pause("2026-03-02:2026-03-06") == (D(2026, 3, 2), D(2026, 3, 6))
    with pytest.raises(CalculatorError, match="开始日期:结束日期"):
        parse_pause("2026-03-02")
