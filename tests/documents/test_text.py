"""The text of bytes in any common Chinese encoding (:mod:`gongkai.documents.text`)."""

from __future__ import annotations

import codecs

import pytest

from gongkai.documents.text import decode_text

REPORT = "本年新收政府信息公开申请数量，上年结转政府信息公开申请数量，行政复议，行政诉讼。"
ASCII = "Annual report on government information disclosure, 2023: "
#: Without a BOM, UTF-16 is recognised by the NULs of ASCII on one side only; "开" (U+5F00) would put one on
#: the other side, so the UTF-16 samples use other characters.
UTF16_REPORT = "行政复议，行政诉讼。"
BIG5_REPORT = "本年新收政府資訊公開申請數量，上年結轉政府資訊公開申請數量，行政複議，行政訴訟。"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (REPORT.encode(), REPORT),
        (codecs.BOM_UTF8 + REPORT.encode(), REPORT),
        (REPORT.encode("utf-16"), REPORT),  # with a BOM
        (REPORT.encode("utf-32"), REPORT),
        (REPORT.encode("gb18030"), REPORT),
        (REPORT.encode("gbk"), REPORT),
        ((ASCII + UTF16_REPORT).encode("utf-16-le"), ASCII + UTF16_REPORT),  # no BOM: ASCII leaves NULs
        ((ASCII + UTF16_REPORT).encode("utf-16-be"), ASCII + UTF16_REPORT),
    ],
)
def test_simplified_chinese_in_every_encoding(data: bytes, expected: str) -> None:
    assert decode_text(data) == expected


def test_big5_is_told_from_gb18030() -> None:
    data = BIG5_REPORT.encode("big5")
    data.decode("gb18030")  # valid GB18030 too: only the detector tells them apart
    assert decode_text(data) == BIG5_REPORT


def test_a_few_gbk_characters_stay_gbk() -> None:
    # charset-normalizer takes "公開"/"收到" in GBK for Big5: too short to ask it.
    for word in ("公开", "收到", "复议"):
        assert decode_text(word.encode("gbk")) == word


def test_the_charset_a_web_page_declares_is_used() -> None:
    page = '<html><meta charset="big5"><body>申請</body></html>'
    assert decode_text(page.encode("big5")) == page


def test_binary_is_not_text() -> None:
    assert decode_text(bytes(range(256)) * 8) is None
    assert decode_text(b"\x00\x01\x02\x03" * 100) is None


def test_a_sample_may_end_in_the_middle_of_a_character() -> None:
    data = REPORT.encode()[:-1]
    assert decode_text(data, final=True) != REPORT[:-1]  # a whole file cannot end there
    assert decode_text(data, final=False) == REPORT[:-1]
