"""Normalisation of report text, shared by every reader of the checker, by label comparison and by the
exporters' test for a stated statistics period.

:func:`normalize_text` turns whatever a reader extracted into the one form the parser sees:

1. Unicode NFC; ``\\r\\n`` and ``\\r`` (and the other line/paragraph separators) become ``\\n``.
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
_NEEDS_TRANSLATE = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(_TRANSLATE)) + "]")

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
