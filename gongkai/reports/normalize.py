"""Normalisation of report text, shared by every reader of the checker, by label comparison and by the
exporters' test for a stated statistics period.

:func:`normalize_text` turns whatever a reader extracted into the one form the parser sees:

1. Unicode NFC; ``\\r\\n`` and ``\\r`` (and the other line/paragraph separators) become ``\\n``.
   Radicals become the ideographs they stand for: the text layers of PDFs printed by Chrome/Skia (and
   some converters) write ``⼀ ⼆ ⼈ ⾏ ⾃然⼈`` with the Kangxi radicals (U+2F00–U+2FDF) and the CJK radicals
   supplement (U+2E80–U+2EFF, e.g. ``⻔`` for 门), which look the same but match no label. Kangxi radicals
   go through NFKC (their compatibility decomposition is the unified ideograph); the supplement has no
   decomposition (but two), so :data:`RADICAL_SUPPLEMENT` maps it, generated from the Unicode Character
   Database's ``EquivalentUnifiedIdeograph.txt`` (Unicode 17.0). Only these two blocks are touched: NFKC
   on the whole text would also fold ``①``, ``㈠`` and full-width forms that step 3 handles on purpose.
2. Non-breaking and other odd spaces (U+00A0, U+2000–U+200A, U+202F, U+205F, U+3000 …) become a plain
   space; zero-width characters (U+200B–U+200D, U+2060, U+FEFF) and the soft hyphen are removed.
3. Full-width ASCII (U+FF01–U+FF5E) becomes ASCII: ``（`` → ``(``, ``，`` → ``,``, ``：`` → ``:``,
   ``０`` → ``0``, ``－`` → ``-``, ``｜`` → ``|``. CJK punctuation outside that block (``、。“”《》〔〕``)
   is kept as it is.
4. Pinyin glosses are removed. A bad converter writes a character followed by its pinyin in
   parentheses: ``領(lǐng)導(dǎo)``, ``數(shù)據(jù)``, ``項(xiàng)``. A parenthesised group is removed when

   * it directly follows a CJK character and holds one lower-case latin syllable (1–7 letters, tone-marked
     vowels allowed) that contains at least one vowel — so units such as ``(km)`` or ``(kg)`` stay; or
   * it holds such a syllable **with a tone-marked vowel** (``ā á ǎ à …``), whatever precedes it: the
     same converter's output garbled by a wrong code page leaves ``?,F(xiàn)将`` (seed 004), and a
     tone-marked syllable in parentheses is never real text in a report.

   Real parentheses — ``(一)``, ``(单位:万元)``, ``(2021)``, ``(三)不予公开``, ``(历史累计)`` — never
   match (their content is not latin).
5. Traditional → simplified with OpenCC ``t2s`` (character and phrase level; it leaves simplified text
   unchanged — verified on every simplified seed and report).
6. A small, explicit table fixes the glitches of converters that also apply *Taiwan phrasing*
   (``s2twp``-style: 文件→檔案, 优化→最佳化, 信息→資訊), which ``t2s`` cannot undo because the
   results are real words. Only phrases that never occur in mainland reports are replaced, see
   :data:`PHRASE_FIXES`. A bare ``资讯`` is **not** replaced: mainland reports use it legitimately
   (``各方面资讯的同步发布`` in report 026), nor is a bare ``档案`` (``档案管理``, ``人事档案``).

:func:`normalize_label` is the same plus removing all whitespace, for comparing labels.

Speed: on a 10 KB report the whole function takes well under a millisecond (OpenCC ~0.25 ms).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

# -- 1–3: one str.translate table ----------------------------------------------------------------

_TRANSLATE: dict[int, int | str | None] = {}
for _cp in range(0xFF01, 0xFF5F):  # full-width ASCII → ASCII
    _TRANSLATE[_cp] = _cp - 0xFEE0
for _ch in "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000":
    _TRANSLATE[ord(_ch)] = " "
for _ch in "\u200b\u200c\u200d\u2060\ufeff\u00ad":
    _TRANSLATE[ord(_ch)] = None
for _ch in "\u2028\u2029\x85\x0b\x0c":
    _TRANSLATE[ord(_ch)] = "\n"

_REPLACEMENT: dict[str, str] = {
    chr(k): "" if v is None else (chr(v) if isinstance(v, int) else v) for k, v in _TRANSLATE.items()
}
#: The characters steps 1 (radicals), 2 and 3 replace: one scan of the text finds them all.
_NEEDS_TRANSLATE = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(_TRANSLATE)) + "\u2e80-\u2fdf]")

# -- 1: radicals ---------------------------------------------------------------------------------

#: CJK Radicals Supplement → its equivalent unified ideograph (Unicode 17.0 EquivalentUnifiedIdeograph.txt;
#: U+2E80 and U+2E9A have none). Kangxi radicals are mapped by NFKC (see ``_RADICALS``).
# fmt: off
RADICAL_SUPPLEMENT: dict[int, int] = {
    0x2E81: 0x5382, 0x2E82: 0x4E5B, 0x2E83: 0x4E5A, 0x2E84: 0x4E59, 0x2E85: 0x4EBB, 0x2E86: 0x5182,
    0x2E87: 0x20628, 0x2E88: 0x5200, 0x2E89: 0x5202, 0x2E8A: 0x535C, 0x2E8B: 0x353E, 0x2E8C: 0x5C0F,
    0x2E8D: 0x5C0F, 0x2E8E: 0x5140, 0x2E8F: 0x5C23, 0x2E90: 0x5C22, 0x2E91: 0x21BC2, 0x2E92: 0x5DF3,
    0x2E93: 0x5E7A, 0x2E94: 0x5F51, 0x2E95: 0x2B739, 0x2E96: 0x5FC4, 0x2E97: 0x5FC3, 0x2E98: 0x624C,
    0x2E99: 0x6535, 0x2E9B: 0x65E1, 0x2E9C: 0x65E5, 0x2E9D: 0x6708, 0x2E9E: 0x6B7A, 0x2E9F: 0x6BCD,
    0x2EA0: 0x6C11, 0x2EA1: 0x6C35, 0x2EA2: 0x6C3A, 0x2EA3: 0x706C, 0x2EA4: 0x722B, 0x2EA5: 0x722B,
    0x2EA6: 0x4E2C, 0x2EA7: 0x725B, 0x2EA8: 0x72AD, 0x2EA9: 0x738B, 0x2EAA: 0x24D14, 0x2EAB: 0x76EE,
    0x2EAC: 0x793A, 0x2EAD: 0x793B, 0x2EAE: 0x25AD7, 0x2EAF: 0x7CF9, 0x2EB0: 0x7E9F, 0x2EB1: 0x7F53,
    0x2EB2: 0x7F52, 0x2EB3: 0x34C1, 0x2EB4: 0x5197, 0x2EB5: 0x2626B, 0x2EB6: 0x7F8A, 0x2EB7: 0x2634C,
    0x2EB8: 0x2634B, 0x2EB9: 0x8002, 0x2EBA: 0x8080, 0x2EBB: 0x807F, 0x2EBC: 0x8089, 0x2EBD: 0x26951,
    0x2EBE: 0x8279, 0x2EBF: 0x8279, 0x2EC0: 0x8279, 0x2EC1: 0x864E, 0x2EC2: 0x8864, 0x2EC3: 0x8980,
    0x2EC4: 0x897F, 0x2EC5: 0x89C1, 0x2EC6: 0x89D2, 0x2EC7: 0x278B2, 0x2EC8: 0x8BA0, 0x2EC9: 0x8D1D,
    0x2ECA: 0x27FB7, 0x2ECB: 0x8F66, 0x2ECC: 0x8FB6, 0x2ECD: 0x8FB6, 0x2ECE: 0x8FB6, 0x2ECF: 0x9091,
    0x2ED0: 0x9485, 0x2ED1: 0x9577, 0x2ED2: 0x9578, 0x2ED3: 0x957F, 0x2ED4: 0x95E8, 0x2ED5: 0x28E0F,
    0x2ED6: 0x961D, 0x2ED7: 0x96E8, 0x2ED8: 0x9752, 0x2ED9: 0x97E6, 0x2EDA: 0x9875, 0x2EDB: 0x98CE,
    0x2EDC: 0x98DE, 0x2EDD: 0x98DF, 0x2EDE: 0x2967F, 0x2EDF: 0x98E0, 0x2EE0: 0x9963, 0x2EE1: 0x29810,
    0x2EE2: 0x9A6C, 0x2EE3: 0x9AA8, 0x2EE4: 0x9B3C, 0x2EE5: 0x9C7C, 0x2EE6: 0x9E1F, 0x2EE7: 0x5364,
    0x2EE8: 0x9EA6, 0x2EE9: 0x9EC4, 0x2EEA: 0x9EFE, 0x2EEB: 0x6589, 0x2EEC: 0x9F50, 0x2EED: 0x6B6F,
    0x2EEE: 0x9F7F, 0x2EEF: 0x7ADC, 0x2EF0: 0x9F99, 0x2EF1: 0x9F9C, 0x2EF2: 0x4E80, 0x2EF3: 0x9F9F,
}
# fmt: on
_RADICALS: dict[str, str] = {chr(k): chr(v) for k, v in RADICAL_SUPPLEMENT.items()}
for _cp in range(0x2F00, 0x2FE0):
    _folded = unicodedata.normalize("NFKC", chr(_cp))
    if _folded != chr(_cp):
        _RADICALS[chr(_cp)] = _folded
_REPLACEMENT.update(_RADICALS)


# -- 4: pinyin glosses ---------------------------------------------------------------------------

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff"
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
_PINYIN_LETTERS = "a-z" + _TONED + "üê"
_VOWELS = "aeiouü" + _TONED + "ê"
# Written with "(" first and the look-behind after it, so that the regex engine scans for the literal
# "(" quickly (a leading look-behind is evaluated at every position: ~25× slower on clean text).
_GLOSS_AFTER_CJK = re.compile(
    rf"\((?<=[{_CJK}]\()(?=[{_PINYIN_LETTERS}]*[{_VOWELS}])[{_PINYIN_LETTERS}]{{1,7}}\)"
)
_GLOSS_TONED = re.compile(rf"\((?=[{_PINYIN_LETTERS}]*[{_TONED}])[{_PINYIN_LETTERS}]{{1,7}}\)")


# -- 5: OpenCC -----------------------------------------------------------------------------------

_converter: Any = None
#: Only text containing a character outside ASCII is worth converting.
_HAS_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _t2s(s: str) -> str:
    global _converter
    if _converter is None:
        import opencc

        _converter = opencc.OpenCC("t2s")
    return str(_converter.convert(s))


# -- 6: Taiwan-phrasing glitches -----------------------------------------------------------------

#: Phrase fixes applied after ``t2s`` (keys are in simplified characters). Each is a glitch seen in the
#: development material or its direct sibling, and none of the keys occurs in mainland writing:
PHRASE_FIXES: dict[str, str] = {
    # report 034 "著眼深化“放管服”改革最佳化營商環境": 优化 → 最佳化 (Taiwan term)
    "最佳化": "优化",
    # report 034 "全面公開規章檔案": 文件 → 檔案
    "规章档案": "规章文件",
    # report 034 "是2020年廣東省人民政府發布的檔案": 文件 → 檔案
    "发布的档案": "发布的文件",
    # same glitch on the table-二 labels 规范性文件 / 行政规范性文件
    "规范性档案": "规范性文件",
    # 信息 → 資訊 would break every label ("政府資訊公開"); 资讯公开/政府资讯 are not mainland usage
    "资讯公开": "信息公开",
    "政府资讯": "政府信息",
    # the same 信息 → 资讯 inside the official row labels, headers and notes of the tables, and in
    # 信息处理费 (section 六); 项目 → 专案 and 数据 → 资料 in the table headers and the period sentence
    "事务资讯": "事务信息",
    "过程性资讯": "过程性信息",
    "过程资讯": "过程信息",
    "现成资讯": "现成信息",
    "获取资讯": "获取信息",
    "资讯内容": "信息内容",
    "资讯处理费": "信息处理费",
    "专案数量": "项目数量",
    "本列资料": "本列数据",
    "所列资料": "所列数据",
}
_PHRASE_RE = re.compile("|".join(re.escape(k) for k in sorted(PHRASE_FIXES, key=len, reverse=True)))


def _fix_phrase(m: re.Match[str]) -> str:
    return PHRASE_FIXES[m.group(0)]


# -- public API ----------------------------------------------------------------------------------


def normalize_text(s: str) -> str:
    """Normalise extracted text (see the module docstring). Idempotent; keeps ``\\t`` and ``\\x1f``."""
    if not s:
        return s
    if not s.isascii() and not unicodedata.is_normalized("NFC", s):
        s = unicodedata.normalize("NFC", s)
    if "\r" in s:
        s = s.replace("\r\n", "\n").replace("\r", "\n")
    # str.translate() with a dict is slow on non-ASCII text (~0.1 µs/char); replacing only the few
    # distinct characters present is ~10× faster.
    for ch in set(_NEEDS_TRANSLATE.findall(s)):
        if ch in _REPLACEMENT:  # not an unassigned code point of the radical blocks
            s = s.replace(ch, _REPLACEMENT[ch])
    if "(" in s:
        s = _GLOSS_TONED.sub("", _GLOSS_AFTER_CJK.sub("", s))
    if _HAS_NON_ASCII.search(s):
        s = _t2s(s)
        s = _PHRASE_RE.sub(_fix_phrase, s)
    return s


_WHITESPACE = re.compile(r"\s+")


def normalize_label(s: str) -> str:
    """:func:`normalize_text` plus removing all whitespace (for comparing row/column labels)."""
    return _WHITESPACE.sub("", normalize_text(s))
