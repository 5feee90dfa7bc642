"""The 公民身份号码 rule (``gongkai.statute.resident_id``; GB 11643-1999, 居民身份证法 第三条); pure."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongkai.statute import resident_id
from gongkai.statute.resident_id import PROVINCE_CODES, InvalidResidentId, Problem

TODAY = datetime.date(2026, 6, 15)


def with_check(first17: str) -> str:
    return first17 + resident_id.check_character(first17)


def test_the_check_character_of_the_standards_example() -> None:
    # GB 11643-1999's worked example: 11010519491231002X.
    assert resident_id.check_character("11010519491231002") == "X"
    assert resident_id.is_valid("11010519491231002X", today=TODAY)
    assert resident_id.is_valid("11010519491231002x", today=TODAY)


def test_the_three_numbers_python_stdnum_refused() -> None:
    for number, place in [
        ("500103198001010016", "重庆市渝中区"),
        ("440305197001010019", "广东省深圳市南山区"),
        ("330102198001010018", "浙江省杭州市上城区"),
    ]:
        parsed = resident_id.parse(number, today=TODAY)
        assert not parsed.first_generation
        assert resident_id.region_hint(parsed.region_code) == place


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("11010519491231002", Problem.LENGTH),
        ("", Problem.LENGTH),
        ("11010519491231002Y", Problem.FORMAT),
        ("1101051949123100X2", Problem.FORMAT),
        ("11010549123100X", Problem.FORMAT),  # no X in a 15-digit number
        ("110105194912310021", Problem.CHECKSUM),
        (with_check("11010519800230001"), Problem.BIRTH_DATE),  # 30 February
        (with_check("11010519800231001"), Problem.BIRTH_DATE),  # 31 February
        ("110105800231001", Problem.BIRTH_DATE),
        (with_check("11010520260616001"), Problem.FUTURE_BIRTH),
        (with_check("00010519800101001"), Problem.PROVINCE),
        (with_check("99010519800101001"), Problem.PROVINCE),
        ("990105800101001", Problem.PROVINCE),
    ],
)
def test_problems(value: str, problem: Problem) -> None:
    assert resident_id.problem_of(value, today=TODAY) == problem
    with pytest.raises(InvalidResidentId) as caught:
        resident_id.parse(value, today=TODAY)
    assert caught.value.problem == problem


def test_born_today_is_valid_and_tomorrow_is_not() -> None:
    number = with_check("11010520260615001")
    assert resident_id.is_valid(number, today=TODAY)
    assert resident_id.problem_of(number, today=TODAY - datetime.timedelta(days=1)) == Problem.FUTURE_BIRTH


def test_fifteen_digit_numbers_are_born_in_the_1900s() -> None:
    parsed = resident_id.parse("330106 800101 123", today=TODAY)
    assert parsed.first_generation
    assert parsed.number == "330106800101123"
    assert parsed.birth_date == datetime.date(1980, 1, 1)


def test_29_february_1900_is_not_a_day() -> None:
    # 1900 was not a leap year: a first-generation number cannot be born on 000229.
    assert resident_id.problem_of("110105000229001", today=TODAY) == Problem.BIRTH_DATE


def test_province_codes_are_those_of_gb_t_2260_and_the_residence_permits() -> None:
    assert {"11", "46", "50", "54", "65", "71", "81", "82", "83"} <= PROVINCE_CODES
    assert not {"00", "10", "16", "20", "24", "30", "38", "47", "55", "66", "72", "84", "99"} & PROVINCE_CODES


def test_the_region_hint_is_only_a_hint() -> None:
    assert resident_id.region_hint("370116") == "山东省济南市莱芜区"
    assert resident_id.region_hint("460100") == "海南省海口市"
    assert resident_id.region_hint("110000") == "北京市"
    assert resident_id.region_hint("110001") is None  # in no edition
    assert resident_id.region_hint("abc") is None
    assert resident_id.is_valid(with_check("11000119900101001"), today=TODAY)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(sorted(PROVINCE_CODES)),
    st.integers(0, 9999),
    st.dates(datetime.date(1900, 1, 1), TODAY),
    st.integers(0, 999),
)
def test_every_number_with_its_check_character_is_valid_and_no_other_last_character_is(
    province: str, county: int, born: datetime.date, seq: int
) -> None:
    first17 = f"{province}{county:04d}{born:%Y%m%d}{seq:03d}"
    number = with_check(first17)
    parsed = resident_id.parse(number, today=TODAY)
    assert (parsed.number, parsed.birth_date, parsed.region_code) == (number, born, number[:6])
    for other in "0123456789X":
        if other != number[-1]:
            assert resident_id.problem_of(first17 + other, today=TODAY) == Problem.CHECKSUM


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text("0123456789X", min_size=18, max_size=18))
def test_a_single_changed_digit_is_always_caught(number: str) -> None:
    # MOD 11-2 catches every single-character substitution: change one of the first 17 digits of a valid
    # number and the check character no longer fits.
    first17 = number[:17].replace("X", "0")
    valid = with_check(first17)
    for i in range(17):
        changed = first17[:i] + str((int(first17[i]) + 1) % 10) + first17[i + 1 :]
        assert resident_id.check_character(changed) != valid[-1]
