"""Properties of the privacy scanner: numbers embedded in any Chinese text are found at the right place,
and no text makes it crash or return inconsistent hits."""

from __future__ import annotations

import datetime
import itertools

from hypothesis import given
from hypothesis import strategies as st

from gongkai.catalogue.scanner import KINDS, MOBILE, RESIDENT_ID, mask_text, scan_text
from gongkai.statute import resident_id

CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
cjk_text = st.text(alphabet=CJK, max_size=30)

#: Region codes, some created or renamed after many of the birth years drawn (500103 渝中区 1997,
#: 460100 海口市 as 海南's 1988, 370116 济南市莱芜区 2019): the region never makes a number invalid.
REGIONS = ["110105", "310104", "330106", "440305", "510107", "120101", "500103", "460100", "370116"]
FULL_WIDTH = str.maketrans("0123456789Xx -", "０１２３４５６７８９Ｘｘ　－")


@st.composite
def resident_ids(draw: st.DrawFn) -> str:
    region = draw(st.sampled_from(REGIONS))
    born = draw(st.dates(datetime.date(1931, 1, 1), datetime.date(2010, 12, 31)))
    seq = draw(st.integers(0, 999))
    first17 = f"{region}{born:%Y%m%d}{seq:03d}"
    return first17 + resident_id.check_character(first17)


@st.composite
def mobiles(draw: st.DrawFn) -> str:
    return "1" + draw(st.sampled_from("3456789")) + draw(st.text("0123456789", min_size=9, max_size=9))


def written(number: str, groups: tuple[int, ...], form: str) -> str:
    if form in ("space", "dash"):
        sep = " " if form == "space" else "-"
        parts, pos = [], 0
        for n in groups:
            parts.append(number[pos : pos + n])
            pos += n
        number = sep.join(parts)
    if form == "lower":
        number = number.lower()
    if form == "full":
        number = number.translate(FULL_WIDTH)
    return number


@given(cjk_text, resident_ids(), st.sampled_from(["plain", "space", "dash", "lower", "full"]), cjk_text)
def test_an_id_in_chinese_text_is_found_at_its_place(left: str, number: str, form: str, right: str) -> None:
    shown = written(number, (6, 8, 4), form)
    text = left + shown + right
    hits = scan_text(text)
    assert [(h.kind, h.start, h.end, h.value) for h in hits] == [
        (RESIDENT_ID, len(left), len(left) + len(shown), shown)
    ]
    assert hits[0].masked == number[:6] + "********" + number[-4:]
    assert number not in mask_text(text, hits)


@given(cjk_text, mobiles(), st.sampled_from(["plain", "space", "dash", "full"]), cjk_text)
def test_a_mobile_number_in_chinese_text_is_found_at_its_place(
    left: str, number: str, form: str, right: str
) -> None:
    shown = written(number, (3, 4, 4), form)
    text = left + shown + right
    hits = scan_text(text)
    assert [(h.kind, h.start, h.end, h.value) for h in hits] == [
        (MOBILE, len(left), len(left) + len(shown), shown)
    ]
    assert hits[0].masked == number[:3] + "****" + number[-4:]


noisy_text = st.text(
    alphabet=st.one_of(
        CJK,
        st.sampled_from("0123456789０１２３４５６７８９ -－　()（）+＋@.xX号〔〕[]转\n"),
        st.characters(min_codepoint=0x61, max_codepoint=0x7A),
    ),
    max_size=200,
)


@given(noisy_text, st.lists(st.text(alphabet=CJK, min_size=1, max_size=3), max_size=3))
def test_any_text_of_chinese_and_digits_gives_consistent_hits(text: str, words: list[str]) -> None:
    hits = scan_text(text, sensitive_words=words)
    for hit in hits:
        assert hit.kind in KINDS
        assert 0 <= hit.start < hit.end <= len(text)
        assert text[hit.start : hit.end] == hit.value
        assert hit.written_over != hit.value
    assert all(a.end <= b.start for a, b in itertools.pairwise(hits))
    masked = mask_text(text, hits)
    assert len(hits) == 0 or masked != text
