"""What an applicant gives us (条例 第二十九条): identity numbers and phone numbers."""

from __future__ import annotations

import datetime

import pytest

from gongkai.applications.validators import (
    compact_id,
    identity_notes,
    mask_id,
    mask_phone,
    validate_identity,
    validate_phone,
)
from gongkai.statute.resident_id import check_character
from tests.applications.conftest import uscc

VALID_ID = "11010519491231002X"  # the textbook example of GB 11643
VALID_USCC = "91110000600037341L"


# --- 居民身份证 ---------------------------------------------------------------------------------


def test_valid_resident_id() -> None:
    assert validate_identity("natural_person", "resident_id", VALID_ID) == {}


def test_lower_case_x_spaces_and_full_width_digits_are_accepted() -> None:
    assert validate_identity("natural_person", "resident_id", VALID_ID.lower()) == {}
    assert validate_identity("natural_person", "resident_id", "110105 19491231 002x") == {}
    assert validate_identity("natural_person", "resident_id", "110105-19491231-002X") == {}
    full_width = "１１０１０５１９４９１２３１００２Ｘ"
    assert validate_identity("natural_person", "resident_id", full_width) == {}
    assert validate_identity("natural_person", "resident_id", "１１０１０５１９４９１２３１００２ｘ") == {}
    assert compact_id(full_width) == VALID_ID
    assert compact_id("110105\u300019491231 002x") == VALID_ID  # ideographic space


def test_wrong_checksum() -> None:
    errors = validate_identity("natural_person", "resident_id", "110105194912310021")
    assert set(errors) == {"id_number"}
    assert "校验码" in errors["id_number"]


@pytest.mark.parametrize("number", ["11010519491231002", "11010519491231002X1", "1101054912310021"])
def test_wrong_length(number: str) -> None:
    errors = validate_identity("natural_person", "resident_id", number)
    assert errors["id_number"] == "居民身份证号码应为18位（第一代身份证为15位），请核对位数。"


def test_impossible_birth_date() -> None:
    # 1949-13-31 does not exist; the check character is made right so only the date is wrong.
    body = "11010519491331002"
    errors = validate_identity("natural_person", "resident_id", body + check_character(body))
    assert errors["id_number"] == "居民身份证号码中的出生日期不是真实存在的日期，请核对号码。"


@pytest.mark.parametrize(
    "number",
    [
        "500103198001010016",  # 重庆市渝中区 (1997), born 1980: python-stdnum's ric refused it
        "440305197001010019",  # 深圳市南山区 (1990), born 1970
        "330102198001010018",  # 杭州市上城区 (merged 2021), born 1980
        "50010319960615123" + check_character("50010319960615123"),  # 重庆 50, born before 1997
        "46010019870301456" + check_character("46010019870301456"),  # 海南 46, born before 1988
        "37011619900101001" + check_character("37011619900101001"),  # 济南市莱芜区 (2019)
        "83000019900101001" + check_character("83000019900101001"),  # 台湾居民居住证
    ],
)
def test_ids_from_regions_created_or_renamed_after_the_birth_year_are_accepted(number: str) -> None:
    assert validate_identity("natural_person", "resident_id", number) == {}


@pytest.mark.parametrize("province", ["00", "99", "72"])
def test_a_number_without_a_province_code_is_refused(province: str) -> None:
    body = province + "010319800101001"
    errors = validate_identity("natural_person", "resident_id", body + check_character(body))
    assert (
        errors["id_number"] == "居民身份证号码的前两位应为省级行政区划代码（如11北京、50重庆），请核对号码。"
    )


def test_a_birth_date_after_today_is_refused_on_that_day_only() -> None:
    body = "11010520260301001"
    number = body + check_character(body)
    errors = validate_identity("natural_person", "resident_id", number, today=datetime.date(2026, 2, 28))
    assert errors["id_number"] == "居民身份证号码中的出生日期晚于今天，请核对号码。"
    assert validate_identity("natural_person", "resident_id", number, today=datetime.date(2026, 3, 1)) == {}


def test_31_february_in_a_fifteen_digit_number_is_refused() -> None:
    errors = validate_identity("natural_person", "resident_id", "330106800231123")
    assert errors["id_number"] == "居民身份证号码中的出生日期不是真实存在的日期，请核对号码。"


def test_letters_other_than_a_final_x_are_refused() -> None:
    errors = validate_identity("natural_person", "resident_id", "11010519491231002A")
    assert errors["id_number"] == "居民身份证号码只能由数字组成，18位号码的最后一位可以是X，请核对。"


def test_a_fifteen_digit_number_is_accepted_with_a_note() -> None:
    assert validate_identity("natural_person", "resident_id", "110105491231002") == {}
    assert identity_notes("resident_id", "110105491231002", region=False) == [
        "一代身份证号码（15位），建议核对申请人现用的18位居民身份证号码。"
    ]


def test_the_region_is_a_hint_when_some_edition_of_gb_t_2260_knows_it() -> None:
    assert identity_notes("resident_id", "500103198001010016") == ["地区码 500103：重庆市渝中区"]
    unknown = "11000119900101001" + check_character("11000119900101001")  # in no edition: no hint
    assert validate_identity("natural_person", "resident_id", unknown) == {}
    assert identity_notes("resident_id", unknown) == []
    assert identity_notes("resident_id", "500103198001010017") == []  # invalid: no notes
    assert identity_notes("passport", "500103198001010016") == []


def test_empty_number() -> None:
    assert validate_identity("natural_person", "resident_id", "  ") == {"id_number": "请填写证件号码。"}


# --- 统一社会信用代码 ---------------------------------------------------------------------------


def test_valid_uscc_for_an_organisation() -> None:
    assert validate_identity("commercial", "uscc", VALID_USCC) == {}
    assert validate_identity("research", "uscc", VALID_USCC.lower()) == {}
    assert validate_identity("other_org", "uscc", uscc(42)) == {}


def test_invalid_uscc() -> None:
    assert "校验码" in validate_identity("commercial", "uscc", "91110000600037341X")["id_number"]
    assert "18位" in validate_identity("commercial", "uscc", "9111000060003734")["id_number"]
    assert "id_number" in validate_identity("commercial", "uscc", "91110000600037341I")  # I not allowed


def test_natural_person_with_a_uscc_is_rejected() -> None:
    errors = validate_identity("natural_person", "uscc", VALID_USCC)
    assert set(errors) == {"id_type"}
    assert "自然人" in errors["id_type"]


def test_organisation_with_a_resident_id_is_rejected() -> None:
    errors = validate_identity("commercial", "resident_id", VALID_ID)
    assert set(errors) == {"id_type"}


# --- Other documents ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("id_type", "number"),
    [
        ("passport", "E12345678"),
        ("passport", "e1234 5678"),
        ("hk_macao_permit", "H12345678"),
        ("other", "AB123"),
    ],
)
def test_other_documents_are_accepted(id_type: str, number: str) -> None:
    assert validate_identity("natural_person", id_type, number) == {}


@pytest.mark.parametrize("number", ["E12", "护照E12345678", "E1234/5678", "A" * 31])
def test_other_documents_must_be_5_to_30_letters_or_digits(number: str) -> None:
    assert "id_number" in validate_identity("natural_person", "passport", number)


# --- Phones -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("+86-13812345678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),
        ("010-12345678", "01012345678"),
        ("(010) 1234 5678", "01012345678"),
        ("（0755）1234-5678", "075512345678"),
        ("0755-1234567", "07551234567"),
        ("010-12345678-806", "01012345678806"),  # extension
        ("+86-010-12345678", "01012345678"),
    ],
)
def test_valid_phones(typed: str, stored: str) -> None:
    assert validate_phone(typed) == stored


@pytest.mark.parametrize(
    "typed", ["", "12345678901", "1381234567", "138123456789", "12345", "abc", "010-123"]
)
def test_invalid_phones(typed: str) -> None:
    assert validate_phone(typed) is None


def test_masks() -> None:
    assert mask_id(VALID_ID) == "110***********002X"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_id("12345") == "*****"
