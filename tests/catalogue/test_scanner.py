"""The privacy scanner (``gongkai.catalogue.scanner``): what it finds, what it leaves alone, and masking."""

from __future__ import annotations

import datetime
import itertools

import pytest
from stdnum import luhn
from stdnum.cn import uscc

from gongkai.catalogue.scanner import (
    BANK_CARD,
    EMAIL,
    KIND_LABELS,
    LANDLINE,
    MOBILE,
    RESIDENT_ID,
    SENSITIVE_WORD,
    Hit,
    fold,
    mask_one,
    mask_text,
    scan_text,
)
from gongkai.statute import resident_id

VALID_ID = "11010519491231002X"

FULL_WIDTH = str.maketrans("0123456789Xx-", "０１２３４５６７８９Ｘｘ－")


def with_check(first17: str) -> str:
    """An 18-character 身份证号 with its check character computed."""
    return first17 + resident_id.check_character(first17)


def with_luhn(digits: str) -> str:
    return digits + luhn.calc_check_digit(digits)


def kinds(text: str, **kwargs: object) -> list[tuple[str, str]]:
    return [(h.kind, h.value) for h in scan_text(text, **kwargs)]  # type: ignore[arg-type]


def only(text: str) -> Hit:
    hits = scan_text(text)
    assert len(hits) == 1, hits
    return hits[0]


# ------------------------------------------------------------------------------------------------
# 身份证号
# ------------------------------------------------------------------------------------------------


def test_a_valid_id_is_found_masked_and_labelled() -> None:
    text = f"申请人张三，身份证号{VALID_ID}，住址略。"
    hit = only(text)
    assert hit.kind == RESIDENT_ID
    assert hit.kind_label == "身份证号"
    assert hit.value == VALID_ID
    assert hit.masked == "110105********002X"
    assert (hit.start, hit.end) == (text.index(VALID_ID), text.index(VALID_ID) + 18)
    assert text[hit.start : hit.end] == VALID_ID


@pytest.mark.parametrize("last", [c for c in "0123456789X" if c != "X"])
def test_an_id_with_a_wrong_check_character_is_not_a_hit(last: str) -> None:
    assert scan_text(f"身份证号{VALID_ID[:17]}{last}。") == []


def test_an_id_with_a_valid_checksum_but_no_such_date_or_region_is_not_a_hit() -> None:
    no_date = with_check("11010519491331002")  # month 13
    no_region = with_check("00000019491231002")
    assert resident_id.check_character(no_date[:17]) == no_date[-1]  # the checksum itself is right
    assert scan_text(f"号码 {no_date} 和 {no_region}") == []


def test_a_county_code_no_table_knows_is_still_a_hit_under_a_province_code() -> None:
    # 110001 is in no edition of GB/T 2260 python-stdnum knows (its ric.is_valid even raised KeyError for
    # it); the 地址码 only has to start with a province-level code.
    number = with_check("11000119900101001")
    assert kinds(f"号码{number}") == [(RESIDENT_ID, number)]


#: Numbers python-stdnum's ric refused because the county code did not exist in the birth year; the
#: 公民身份号码 keeps the code it was issued under (居民身份证法 第三条), so they are real numbers.
RENAMED_OR_NEWER_REGIONS = [
    "500103198001010016",  # 重庆市渝中区 (50 since 1997), born 1980
    "440305197001010019",  # 深圳市南山区 (1990), born 1970
    "330102198001010018",  # 杭州市上城区 (merged 2021), born 1980
    with_check("50010319960615123"),  # 重庆 50xxxx, born before 1997
    with_check("46010019870301456"),  # 海南 46, born before 1988
    with_check("33010220000101007"),  # 上城区 after the 2021 merger, born 2000
    with_check("37011619900101001"),  # 济南市莱芜区 (2019), born 1990
    with_check("37011719900101002"),  # 济南市钢城区 (2019)
]


@pytest.mark.parametrize("number", RENAMED_OR_NEWER_REGIONS)
def test_ids_from_regions_created_or_renamed_after_the_birth_year_are_found(number: str) -> None:
    text = f"申请人身份证号{number}，住址略。"
    hit = only(text)
    assert (hit.kind, hit.value) == (RESIDENT_ID, number)
    assert hit.masked == number[:6] + "********" + number[-4:]
    assert mask_text(text, [hit]) == f"申请人身份证号{hit.masked}，住址略。"


@pytest.mark.parametrize(
    "written", ["330106800101123", "330106 800101 123", "３３０１０６８００１０１１２３"]
)
def test_fifteen_digit_first_generation_ids_are_found_and_masked(written: str) -> None:
    text = f"原身份证号{written}。"
    hit = only(text)
    assert (hit.kind, hit.value) == (RESIDENT_ID, written)
    assert hit.masked == "330106*****1123"
    assert mask_text(text, scan_text(text)) == "原身份证号330106*****1123。"


@pytest.mark.parametrize(
    "number",
    [
        "000106800101123",  # province 00
        "990106800101123",  # province 99
        "330106800231123",  # 31 February 1980
        "3301068001011231",  # 16 digits: a longer run, not a 15-digit number
        "202601150000123",  # an order number: "20" is no province code
    ],
)
def test_fifteen_digit_numbers_that_are_not_ids_are_not_hits(number: str) -> None:
    assert [k for k, _v in kinds(f"编号{number}。") if k == RESIDENT_ID] == []


def test_an_id_born_after_today_is_not_a_hit_and_today_is_a_parameter() -> None:
    number = with_check("11010520260301001")
    assert scan_text(f"号码{number}", today=datetime.date(2026, 2, 28)) == []
    assert kinds(f"号码{number}", today=datetime.date(2026, 3, 1)) == [(RESIDENT_ID, number)]


@pytest.mark.parametrize(
    "first17",
    [
        "00010319800101001",  # province 00
        "99010319800101001",  # province 99
        "72010319800101001",  # 72: no province
        "50010319800231001",  # 31 February
    ],
)
def test_ids_with_no_province_or_no_such_day_are_not_hits(first17: str) -> None:
    number = with_check(first17)
    assert [k for k, _v in kinds(f"号码{number}") if k == RESIDENT_ID] == []


@pytest.mark.parametrize(
    "written",
    [
        "110105 19491231 002X",
        "110105-19491231-002X",
        "110105 1949 1231 002X",
        "1101 0519 4912 3100 2X",
        "11010519491231002x",
        "110105-19491231-002x",
        "１１０１０５１９４９１２３１００２Ｘ",
        "１１０１０５　１９４９１２３１　００２ｘ",
        "１１０１０５－１９４９１２３１－００２Ｘ",
    ],
)
def test_ids_split_by_spaces_or_dashes_in_any_width_and_case(written: str) -> None:
    text = f"身份证：{written}。"
    hit = only(text)
    assert hit.kind == RESIDENT_ID
    assert hit.value == written
    assert hit.masked == "110105********002X"
    assert text[hit.start : hit.end] == written


def test_an_id_in_a_longer_run_of_digits_is_not_a_hit() -> None:
    assert scan_text(f"编号0{VALID_ID}") == []
    assert scan_text(f"编号{VALID_ID}5") == []
    assert scan_text(f"编号{VALID_ID}abc") == []


def test_an_id_is_not_also_a_bank_card_or_phone() -> None:
    # An all-digit 身份证号 that also passes the Luhn check.
    number = next(
        n
        for n in (with_check(f"11010519800101{seq:03d}") for seq in range(1000))
        if n[-1] != "X" and luhn.is_valid(n)
    )
    assert kinds(f"身份证号 {number}") == [(RESIDENT_ID, number)]


# ------------------------------------------------------------------------------------------------
# Mobile and landline numbers
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "masked"),
    [
        ("13800138000", "138****8000"),
        ("138 0013 8000", "138****8000"),
        ("138-0013-8000", "138****8000"),
        ("1380 0138 000", "138****8000"),
        ("１３８００１３８０００", "138****8000"),
        ("１３８　００１３　８０００", "138****8000"),
        ("19912345678", "199****5678"),
        ("+86 138 0013 8000", "+86 138****8000"),
        ("+86-138-0013-8000", "+86 138****8000"),
        ("+8613800138000", "+86 138****8000"),
        ("8613800138000", "+86 138****8000"),
        ("0086 13800138000", "+86 138****8000"),
        ("(+86)13800138000", "+86 138****8000"),
        ("（＋８６）１３８００１３８０００", "+86 138****8000"),
    ],
)
def test_mobile_numbers(written: str, masked: str) -> None:
    text = f"手机：{written}，请联系。"
    hit = only(text)
    assert (hit.kind, hit.value, hit.masked, hit.kind_label) == (MOBILE, written, masked, "手机号码")


@pytest.mark.parametrize(
    ("written", "masked"),
    [
        ("0571-88001234", "0571-****1234"),
        ("0571 8800 1234", "0571-****1234"),
        ("0571-8800 1234", "0571-****1234"),
        ("(0571)88001234", "0571-****1234"),
        ("（0571）8800 1234", "0571-****1234"),
        ("（０５７１）８８００１２３４", "0571-****1234"),
        ("010-88001234", "010-****1234"),
        ("021 6888 1234", "021-****1234"),
        ("057188001234", "0571-****1234"),
        ("0571-8800123", "0571-***0123"),
        ("0571-88001234转8001", "0571-****1234转8001"),
        ("0571-88001234-8001", "0571-****1234转8001"),
        ("0571 8800 1234 分机 66", "0571-****1234转66"),
        ("0571-88001234 ext. 12", "0571-****1234转12"),
    ],
)
def test_landline_numbers(written: str, masked: str) -> None:
    text = f"电话：{written}。"
    hit = only(text)
    assert (hit.kind, hit.value, hit.masked, hit.kind_label) == (LANDLINE, written, masked, "固定电话")


@pytest.mark.parametrize(
    "text",
    [
        "成文日期20260115，发布日期2026-01-15，2026年1月15日",
        "2026011513800138000",  # a date run together with digits: one long run
        "流水号213800138000和1380013800012",
        "统一社会信用代码：91330106MA2B138001",
        "代码91330106MA2B13800138",
        "浙政办发〔2026〕12号、国办公开办函〔2021〕30号",
        "〔2026〕13800138000号",
        "[2026]第057188001234号",
        "金额13800138000.50元，比例0.13800138000",
        "邮政编码310000，第0571号",
        "010-12345678",  # a local number never starts with 1
        "zhang@localhost",
    ],
)
def test_false_positives_are_avoided(text: str) -> None:
    assert scan_text(text) == []


def test_a_phone_right_after_an_id_is_still_found() -> None:
    text = f"{VALID_ID} 138 0013 8000 0571-88001234"
    assert [h.kind for h in scan_text(text)] == [RESIDENT_ID, MOBILE, LANDLINE]


# ------------------------------------------------------------------------------------------------
# Bank cards, e-mail, sensitive words
# ------------------------------------------------------------------------------------------------


def test_luhn_valid_card_numbers_are_found_and_invalid_ones_are_not() -> None:
    card16 = with_luhn("622202123456789")
    card19 = with_luhn("621700001234567890")
    wrong = card16[:-1] + str((int(card16[-1]) + 1) % 10)
    grouped = " ".join(card16[i : i + 4] for i in range(0, 16, 4))
    text = f"卡号{card16}；{grouped}；{card19}；{wrong}。"
    hits = scan_text(text)
    assert [(h.kind, h.value) for h in hits] == [
        (BANK_CARD, card16),
        (BANK_CARD, grouped),
        (BANK_CARD, card19),
    ]
    assert hits[0].masked == f"6222 **** **** {card16[-4:]}"
    assert hits[1].masked == hits[0].masked
    assert hits[2].masked == f"6217 **** **** *** {card19[-4:]}"
    assert hits[0].kind_label == "银行卡号"


def test_a_card_in_six_and_the_rest_and_full_width() -> None:
    card = with_luhn("622202123456789012")
    written = f"{card[:6]} {card[6:]}"
    assert kinds(f"账号：{written}") == [(BANK_CARD, written)]
    assert kinds(f"账号：{card.translate(FULL_WIDTH)}") == [(BANK_CARD, card.translate(FULL_WIDTH))]


def test_numbers_that_are_not_cards() -> None:
    # Luhn-valid, but an 18-digit number with a birth date (a mistyped 身份证号), a 统一社会信用代码,
    # or starting with 0/1.
    id_like = next(
        n
        for n in (f"1101051949123100{k:02d}" for k in range(100))
        if luhn.is_valid(n) and not resident_id.is_valid(n, today=datetime.date(2026, 1, 1))
    )
    credit_code = next(
        code
        for code in (f"9133010{k:010d}" for k in itertools.count())
        if (full := code + uscc.calc_check_digit(code + "0")).isdigit() and luhn.is_valid(full)
    )
    credit_code += uscc.calc_check_digit(credit_code + "0")
    assert uscc.is_valid(credit_code)
    assert (
        scan_text(f"{id_like}；{credit_code}；{with_luhn('012345678901234')}；{with_luhn('112345678901234')}")
        == []
    )


def test_emails() -> None:
    text = "来信请寄 zhang.san@example.org 或 ｌｉ＠ｇｏｖ．ｃｎ，抄送 Wang_Wu+ogi@mail.hz.gov.cn。"
    hits = scan_text(text)
    assert [(h.kind, h.value, h.masked) for h in hits] == [
        (EMAIL, "zhang.san@example.org", "z***@example.org"),
        (EMAIL, "ｌｉ＠ｇｏｖ．ｃｎ", "l***@gov.cn"),
        (EMAIL, "Wang_Wu+ogi@mail.hz.gov.cn", "W***@mail.hz.gov.cn"),
    ]
    assert hits[0].kind_label == "电子邮箱"


def test_sensitive_words_exact_and_latin_case_insensitive() -> None:
    text = "本件为内部资料，TODO 待核实；ｔｏｄｏ；Todo。"
    hits = scan_text(text, sensitive_words=["内部资料", "todo", "  ", "", "不存在的词"])
    # A 错敏词 is no personal data: shown in full; masking writes one * per character (no correction given).
    assert [(h.kind, h.value, h.masked, h.written_over) for h in hits] == [
        (SENSITIVE_WORD, "内部资料", "内部资料", "****"),
        (SENSITIVE_WORD, "TODO", "TODO", "****"),
        (SENSITIVE_WORD, "ｔｏｄｏ", "ｔｏｄｏ", "****"),
        (SENSITIVE_WORD, "Todo", "Todo", "****"),
    ]
    corrected = scan_text("请核对帐户。", sensitive_words=["帐户"], corrections={"帐户": "账户"})
    assert [(h.masked, h.replacement) for h in corrected] == [("帐户", "账户")]
    assert mask_text("请核对帐户。", corrected) == "请核对账户。"
    assert {h.kind_label for h in hits} == {"错敏词"}


def test_the_longer_of_two_overlapping_words_wins() -> None:
    hits = scan_text("中华人民共和国", sensitive_words=["人民", "中华人民共和国"])
    assert [(h.value, h.start) for h in hits] == [("中华人民共和国", 0)]


# ------------------------------------------------------------------------------------------------
# Overlaps
# ------------------------------------------------------------------------------------------------


def test_a_card_wins_over_a_mobile_inside_it() -> None:
    # 19 digits in groups of four; the last three groups alone read as a mobile number (4-4-3).
    card = next(
        c
        for c in (f"6217{k:04d}13800138000" for k in range(10000))
        if luhn.is_valid(c) and not c.startswith("62170000")
    )
    written = " ".join(card[i : i + 4] for i in range(0, 19, 4))
    assert kinds(f"卡号 {written}") == [(BANK_CARD, written)]
    broken = card[:-1] + str((int(card[-1]) + 1) % 10)
    broken_written = " ".join(broken[i : i + 4] for i in range(0, 19, 4))
    # Not a card any more: the mobile number written 4-4-3 at its end is what is left.
    assert kinds(f"卡号 {broken_written}") == [(MOBILE, broken_written[10:])]


def test_an_id_wins_over_a_sensitive_word_and_an_email_over_the_mobile_in_it() -> None:
    assert kinds(f"{VALID_ID}", sensitive_words=["1949"]) == [(RESIDENT_ID, VALID_ID)]
    assert kinds("邮箱13800138000@qq.com") == [(EMAIL, "13800138000@qq.com")]
    assert kinds("手机13800138000", sensitive_words=["138"]) == [(MOBILE, "13800138000")]


def test_hits_are_in_order_and_never_overlap() -> None:
    text = f"{VALID_ID}，13800138000，zhang@example.org，0571-88001234，内部资料"
    hits = scan_text(text, sensitive_words=["内部资料"])
    assert [h.kind for h in hits] == [RESIDENT_ID, MOBILE, EMAIL, LANDLINE, SENSITIVE_WORD]
    assert all(a.end <= b.start for a, b in itertools.pairwise(hits))


# ------------------------------------------------------------------------------------------------
# Masking and context
# ------------------------------------------------------------------------------------------------

SAMPLE = (
    f"经查，申请人张三（身份证号{VALID_ID}，手机138 0013 8000，邮箱zhang@example.org）"
    "于2026年1月15日提出申请，联系电话0571-88001234。本件为内部资料。"
)


def test_masked_output_never_contains_a_raw_value() -> None:
    hits = scan_text(SAMPLE, sensitive_words=["内部资料"])
    assert len(hits) == 5
    masked = mask_text(SAMPLE, hits)
    personal = [h for h in hits if h.kind != SENSITIVE_WORD]  # a 错敏词 is shown in full
    assert len(personal) == 4
    for hit in hits:
        assert hit.value not in masked
        assert hit.written_over in masked
        assert hit.masked in hit.context
        for other in personal:
            assert other.value not in hit.context
    assert masked.startswith(
        "经查，申请人张三（身份证号110105********002X，手机138****8000，邮箱z***@example.org）"
    )
    assert "0571-****1234" in masked and "本件为****。" in masked


def test_context_is_about_fifteen_characters_either_side() -> None:
    text = "甲" * 40 + VALID_ID + "乙" * 40
    hit = only(text)
    assert hit.context == "…" + "甲" * 15 + hit.masked + "乙" * 15 + "…"
    assert only(f"号码{VALID_ID}").context == f"号码{hit.masked}"


def test_context_puts_line_breaks_on_one_line() -> None:
    hit = only(f"第一行\n身份证号：\n{VALID_ID}\r\n下一行")
    assert hit.context == f"第一行 身份证号： {hit.masked} 下一行"


def test_mask_one_masks_only_that_hit() -> None:
    hits = scan_text(SAMPLE)
    phone = next(h for h in hits if h.kind == MOBILE)
    once = mask_one(SAMPLE, phone)
    assert "138****8000" in once and "138 0013 8000" not in once
    assert VALID_ID in once
    # The other hits still mask correctly in the new text after a fresh scan.
    assert mask_text(once, scan_text(once)).count("*") > once.count("*")


def test_masking_a_changed_text_is_refused() -> None:
    hit = only(f"身份证号{VALID_ID}")
    with pytest.raises(ValueError, match="changed"):
        mask_one(f"身份证号码：{VALID_ID}", hit)


def test_the_raw_value_is_not_in_the_repr_or_json_of_a_hit() -> None:
    hit = only(f"身份证号{VALID_ID}")
    assert VALID_ID not in repr(hit)
    assert VALID_ID not in str(hit.to_json())
    assert set(hit.to_json()) == {"kind", "kind_label", "masked", "start", "end", "context"}


def test_fold_keeps_offsets() -> None:
    text = "（＋８６）１３８－００１３　８０００，ＡＢＣ"
    assert len(fold(text)) == len(text)
    assert fold(text) == "(+86)138-0013 8000,ABC"
    assert fold(text, lower=True).endswith("abc")


def test_every_kind_has_a_chinese_label() -> None:
    assert KIND_LABELS == {
        RESIDENT_ID: "身份证号",
        BANK_CARD: "银行卡号",
        EMAIL: "电子邮箱",
        MOBILE: "手机号码",
        LANDLINE: "固定电话",
        SENSITIVE_WORD: "错敏词",
    }


def test_an_empty_text_and_no_words() -> None:
    assert scan_text("") == []
    assert scan_text("没有任何个人信息。", sensitive_words=[]) == []
