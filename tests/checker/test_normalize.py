"""gongkai.reports.normalize: pinyin glosses, traditional → simplified, widths, spaces (no Django)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gongkai.checker.source import CELL
from gongkai.reports.normalize import PHRASE_FIXES, normalize_label, normalize_text

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
_IDEOGRAPHS = re.compile(r"[\u3400-\u9fff]")


def _shared(rel: str) -> str:
    matches = sorted(FIXTURES.glob(rel))
    assert matches, f"fixture missing: {rel}"
    return matches[0].read_text(encoding="utf-8")


# -- pinyin glosses ------------------------------------------------------------------------------


def test_gloss_removed_and_converted() -> None:
    assert normalize_text("在縣委、縣政府的正確領(lǐng)導(dǎo)下") == "在县委、县政府的正确领导下"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("數(shù)據(jù)", "数据"),
        ("項(xiàng)", "项"),
        ("鎮(zhèn)", "镇"),
        ("第二十條第(一)項(xiàng)", "第二十条第(一)项"),
        ("統(tǒng)計(jì)期限", "统计期限"),
        # a syllable without tone mark directly after a CJK character
        ("的(de)", "的"),
        # the same converter garbled by a wrong code page: a tone-marked gloss after a latin letter
        ("?,F(xiàn)將我鎮(zhèn)", "?,F将我镇"),
    ],
)
def test_gloss_variants(raw: str, expected: str) -> None:
    assert normalize_text(raw) == expected


@pytest.mark.parametrize(
    "text",
    [
        "(一)予以公开",
        "(三)不予公开",
        "本年收费金额(单位:万元)",
        "2021年度(2021)",
        "现行有效件数(历史累计)",
        "长度(km)和重量(kg)",  # units: no vowel
        "Word(docx)",  # latin before, no tone mark
        "见 links.tsv(同目录)",
    ],
)
def test_real_parentheses_kept(text: str) -> None:
    assert normalize_text(text) == text


def test_parenthesised_enumerator_after_traditional_keeps_group() -> None:
    assert normalize_text("(三)不予 公開") == "(三)不予 公开"
    assert normalize_text("(四)無法 提供") == "(四)无法 提供"


# -- widths, spaces, newlines --------------------------------------------------------------------


def test_full_width_ascii_to_ascii() -> None:
    assert normalize_text("（一）予以公开，０－１：ＡＢ｜％") == "(一)予以公开,0-1:AB|%"


def test_cjk_punctuation_kept() -> None:
    text = "一、总体情况。“三安全一稳定”《条例》〔2021〕30号"
    assert normalize_text(text) == text


def test_odd_spaces_zero_width_and_newlines() -> None:
    raw = "a\u00a0b\u3000c\u2002d\u200be\ufefff\u200dg\r\nh\ri\u2028j"
    assert normalize_text(raw) == "a b c defg\nh\ni\nj"


def test_cell_marker_and_tab_survive() -> None:
    assert normalize_text("規章\x1f0\x1f\t數量") == "规章" + CELL + "0" + CELL + "\t数量"


def test_nfc() -> None:
    assert normalize_text("la\u0301") == "lá"


def test_idempotent_on_real_text() -> None:
    text = _shared("seeds/000_*.txt")
    once = normalize_text(text)
    assert normalize_text(once) == once
    assert "(lǐng)" not in once and "領" not in once


# -- traditional → simplified and Taiwan-phrasing glitches ---------------------------------------


def test_traditional_to_simplified() -> None:
    assert normalize_text("政府信息公開條例 行政強製 本年製發件數 當麵受理") == (
        "政府信息公开条例 行政强制 本年制发件数 当面受理"
    )


def test_phrase_fixes_on_report_034() -> None:
    text = normalize_text(_shared("reports/034_*.txt"))
    assert "最佳化" not in text and "改革优化营商环境" in text
    assert "全面公开规章文件" in text
    assert "人民政府发布的文件" in text


def test_phrase_fixes_only_targeted() -> None:
    assert normalize_text("政府資訊公開 行政規範性檔案") == "政府信息公开 行政规范性文件"
    # legitimate mainland words stay
    assert normalize_text("各方面资讯的同步发布,加强档案管理") == "各方面资讯的同步发布,加强档案管理"
    for key in PHRASE_FIXES:
        assert normalize_text(key) == PHRASE_FIXES[key]


@pytest.mark.parametrize(
    "rel",
    [
        "seeds/002_*.txt",
        "seeds/003_*.txt",
        "reports/002_*.txt",
        "reports/006_*.txt",
        "reports/015_*.txt",
        "reports/021_*.txt",
        "reports/025_*.txt",
        "reports/041_*.txt",
    ],
)
def test_simplified_material_characters_unchanged(rel: str) -> None:
    """Simplified text keeps every ideograph: t2s and the phrase fixes leave mainland text alone."""
    text = _shared(rel)
    assert _IDEOGRAPHS.findall(normalize_text(text)) == _IDEOGRAPHS.findall(text)


def test_traditional_material_036_fully_converted() -> None:
    text = normalize_text(_shared("reports/036_*.txt"))
    for phrase in ("本年制发件数", "行政强制", "当面受理", "统计期限", "行政规范性文件"):
        assert phrase in text


def test_label() -> None:
    assert normalize_label(" 自 然 人 ") == "自然人"
    assert normalize_label("(三)不予\n公開") == "(三)不予公开"
    assert normalize_label("商業　企業") == "商业企业"


def test_empty_and_ascii() -> None:
    assert normalize_text("") == ""
    assert normalize_text("plain ascii 123") == "plain ascii 123"


# -- radicals (Chrome/Skia PDF text layers) ------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("⼀、本年新收政府信息公开申请数量", "一、本年新收政府信息公开申请数量"),  # U+2F00
        ("⾃然⼈", "自然人"),  # U+2F83, U+2F08
        ("⾏政许可", "行政许可"),  # U+2F8F
        ("中华⼈⺠共和国", "中华人民共和国"),  # U+2EA0 (supplement: no decomposition)
        ("部⻔", "部门"),  # U+2ED4 C-SIMPLIFIED GATE
        ("⻓期", "长期"),  # U+2ED3 C-SIMPLIFIED LONG
        ("⻓⾨", "长门"),  # Kangxi ⾨ (U+2FA8) is 門, simplified afterwards by step 5
    ],
)
def test_radicals_become_the_ideographs_they_stand_for(written: str, expected: str) -> None:
    assert normalize_text(written) == expected
    assert normalize_text(expected) == expected


def test_every_radical_is_mapped_and_nothing_else_is_folded() -> None:
    for cp in range(0x2F00, 0x2FD6):  # every assigned Kangxi radical
        out = normalize_text(chr(cp))
        assert len(out) == 1 and not 0x2E80 <= ord(out) <= 0x2FDF, hex(cp)
    for cp in range(0x2E81, 0x2EF4):  # the assigned radicals supplement, but U+2E80 and U+2E9A
        if cp == 0x2E9A:
            continue
        out = normalize_text(chr(cp))
        # a unified ideograph (some are in extensions newer than this Python's Unicode data)
        assert len(out) == 1 and (0x3400 <= ord(out) <= 0x9FFF or 0x20000 <= ord(out) <= 0x3FFFF), hex(cp)
    # NFKC would fold these too; normalisation leaves them to the parser (list markers).
    assert normalize_text("①㈠⑴") == "①㈠⑴"
