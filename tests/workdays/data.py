"""Calendar files used by the tests.

CSV_2027 is FICTIONAL test data, not the State Council's 2027 notice: 2027-01-01 is a Friday,
2027-02-06 a Saturday, 2027-02-20 a Saturday.
"""

from __future__ import annotations

CSV_2027 = """\
date,type,name
# 测试用的虚构安排（不是真实的2027年通知）
2027-01-01,holiday,元旦
2027-01-02,holiday,元旦
2027-01-03,holiday,元旦
2027-02-06,holiday,春节
2027-02-07,holiday,春节
2027-02-08,holiday,春节
2027-02-09,holiday,春节
2027-02-10,holiday,春节
2027-02-11,holiday,春节
2027-02-12,holiday,春节
2027-02-13,holiday,春节
2027-02-20,workday,春节
"""

# The 2026 notice's 国庆节 as in force, but with 10-07 moved to 10-08 (a made-up correction).
CORRECTED_2026_NATIONAL_DAY = [
    ("2026-10-01", "holiday", "国庆节"),
    ("2026-10-02", "holiday", "国庆节"),
    ("2026-10-03", "holiday", "国庆节"),
    ("2026-10-04", "holiday", "国庆节"),
    ("2026-10-05", "holiday", "国庆节"),
    ("2026-10-06", "holiday", "国庆节"),
    ("2026-10-08", "holiday", "国庆节"),
]


def csv_2026_corrected() -> str:
    """The built-in 2026 year as CSV, except 国庆节 ends on 10-08 instead of 10-07."""
    from gongkai.workdays.builtin import builtin_years

    year = builtin_years()[2026]
    lines = ["date,type,name"]
    for day, name in year.holidays.items():
        if not (day.month == 10 and day.day <= 7 and name == "国庆节"):
            lines.append(f"{day.isoformat()},holiday,{name}")
    lines += [",".join(row) for row in CORRECTED_2026_NATIONAL_DAY]
    lines += [f"{day.isoformat()},workday,{name}" for day, name in year.workdays.items()]
    return "\n".join(lines) + "\n"
