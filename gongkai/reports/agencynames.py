"""Agency names as reports write them: official abbreviations expanded, and a name matched against a
list of agencies (the Gongkai site's, or a supervisor's subtree). Pure Python, no Django.

:data:`ABBREVIATIONS` is a small dictionary of the common official short forms of the units of local
government (机构简称: 科委, 发改委, 市监局 …) and the full name each stands for in the name of an agency
("上海市科委" → "上海市科学技术委员会"). A short form is expanded only at the end of a name and after a
place ("…省/市/区/县/州/旗/镇/乡") or on its own, so that "科委" inside a longer word is never touched.
A short form (or unit name) with no place, "发改委" alone, names no agency (:func:`bare_unit`): the
checker then takes the name only where the document writes it with its place.

:func:`match_agency` finds the agency of a list that a report names. It never guesses between agencies:

1. the name found, or its expansion, is exactly a listed name (spaces and widths ignored);
2. or a listed name is the name found with its place written out in front ("黄浦区科委" →
   "上海市黄浦区科学技术委员会": the listed name ends with the expansion, and what comes before is a place),
   when the name found starts with a place of its own at county level or above ("城关镇人民政府" and
   "官洲街道办事处" are names in many places: never completed);
3. or, when no name was found, exactly one listed name (or its short form) is written out on its own
   (not as the start or end of a longer name) in the report's title lines, its "本报告由…编制" sentence
   or its last lines (the signature, 落款), a name contained in another name found there not counting.

Containment alone never matches: "甲县人民政府办公室" contains "甲县人民政府", and a report put under the
wrong agency would be another agency's report (cross-year checks, roll-ups).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

#: Official short forms → the full unit name (longest first when expanding).
ABBREVIATIONS: dict[str, str] = {
    "科委": "科学技术委员会",
    "科技局": "科学技术局",
    "发改委": "发展和改革委员会",
    "发改局": "发展和改革局",
    "经信委": "经济和信息化委员会",
    "经信局": "经济和信息化局",
    "工信局": "工业和信息化局",
    "市监局": "市场监督管理局",
    "市场监管局": "市场监督管理局",
    "人社局": "人力资源和社会保障局",
    "人社厅": "人力资源和社会保障厅",
    "住建局": "住房和城乡建设局",
    "住建委": "住房和城乡建设委员会",
    "住建厅": "住房和城乡建设厅",
    "卫健委": "卫生健康委员会",
    "卫计委": "卫生和计划生育委员会",
    "环保局": "环境保护局",
    "生态环境局": "生态环境局",
    "规划资源局": "规划和自然资源局",
    "国土局": "国土资源局",
    "教委": "教育委员会",
    "农委": "农业委员会",
    "农业农村局": "农业农村局",
    "交通委": "交通委员会",
    "商务委": "商务委员会",
    "国资委": "国有资产监督管理委员会",
    "民宗委": "民族宗教事务委员会",
    "民宗局": "民族宗教事务局",
    "文旅局": "文化和旅游局",
    "文广旅局": "文化广电旅游局",
    "文广新局": "文化广电新闻出版局",
    "应急局": "应急管理局",
    "医保局": "医疗保障局",
    "退役军人局": "退役军人事务局",
    "城管局": "城市管理局",
    "城管执法局": "城市管理行政执法局",
    "房管局": "房屋管理局",
    "大数据局": "大数据管理局",
    "政务服务局": "政务服务管理局",
    "人防办": "人民防空办公室",
    "侨办": "侨务办公室",
    "台办": "台湾事务办公室",
    "外办": "外事办公室",
    "网信办": "网络安全和信息化委员会办公室",
    "政府办": "人民政府办公室",
    "府办": "人民政府办公室",
}
_PLACE_END = "省市区县州旗盟镇乡"
_BY_LENGTH = sorted(ABBREVIATIONS, key=len, reverse=True)
_SPACE = re.compile(r"\s+")
#: A place written out before a unit: "上海市", "上海市黄浦区", "黔东南苗族侗族自治州凯里市" …
_COUNTY_OR_ABOVE = re.compile(r"[省市区县州旗盟]")
_PLACE_PREFIX = re.compile(rf"(?:[\u4e00-\u9fff]{{1,12}}?(?:自治[州县旗]|特别行政区|[{_PLACE_END}]|街道))+")


def normal(name: str) -> str:
    """A name for comparison: NFKC (widths), no whitespace."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", name))


def expand_abbreviation(name: str) -> str:
    """``name`` with an official short form at its end written in full ("上海市科委" →
    "上海市科学技术委员会"); ``name`` itself when it ends in none, or when the short form does not follow a
    place."""
    for short in _BY_LENGTH:
        if not name.endswith(short):
            continue
        before = name[: -len(short)]
        if before and not (before[-1] in _PLACE_END or before.endswith("街道")):
            continue
        if short in ("府办", "政府办") and not before:
            return name  # "政府办" alone names no agency
        if short == "府办" and before.endswith("政"):
            continue
        return before + ABBREVIATIONS[short]
    return name


_FULL_UNITS = frozenset(ABBREVIATIONS.values())


def bare_unit(name: str) -> str | None:
    """The full unit name when ``name`` is only a unit's short form or full name with no place before it
    ("发改委", "发展和改革委员会" → "发展和改革委员会"): a name every county, city and province has, so it
    names no agency by itself; ``None`` for any other name."""
    key = normal(name)
    if key in ABBREVIATIONS:
        return ABBREVIATIONS[key]
    return key if key in _FULL_UNITS else None


def unit_forms(full: str) -> list[str]:
    """A unit's full name and its short forms, longest first ("发展和改革委员会", "发改委")."""
    return sorted({full, *(s for s, f in ABBREVIATIONS.items() if f == full)}, key=len, reverse=True)


def is_place(text: str) -> bool:
    """Whether ``text`` is written like a place ("成都市", "上海市黄浦区", "某某县城关镇")."""
    return bool(_PLACE_PREFIX.fullmatch(text))


def _short_forms(full: str) -> list[str]:
    """The abbreviated spellings of a listed name ("上海市科学技术委员会" → "上海市科委")."""
    out = []
    for short, long in ABBREVIATIONS.items():
        if short != long and full.endswith(long):
            before = full[: -len(long)]
            if before and (before[-1] in _PLACE_END or before.endswith("街道")):
                out.append(before + short)
    return out


def match_agency(found: str | None, names: Sequence[str], places: Sequence[str] = ()) -> str | None:
    """The listed name (as listed) that a report names (see the module docstring); ``places`` are the
    pieces of the report where a name is written out (title lines, "本报告由…编制", signature)."""
    listed = [(n, normal(n)) for n in names if n and n.strip()]
    if not listed:
        return None
    if found:
        wanted = {normal(found), normal(expand_abbreviation(found))}
        exact = {n for n, key in listed if key in wanted}
        if len(exact) == 1:
            return exact.pop()
        if not exact:
            full = normal(expand_abbreviation(found))
            own = _PLACE_PREFIX.match(full)
            # Only a name that starts with its own county-level place ("黄浦区…"): "城关镇人民政府" or
            # "官洲街道办事处" are names in many places.
            if own and _COUNTY_OR_ABOVE.search(own.group(0)):
                prefixed = {
                    n
                    for n, key in listed
                    if key.endswith(full) and _PLACE_PREFIX.fullmatch(key[: -len(full)])
                }
                if len(prefixed) == 1:
                    return prefixed.pop()
        return None
    return _written_in(listed, places)


#: A name written out stands on its own: after the start of a line, a non-ideograph or "由"; before
#: the end of a line, a non-ideograph, the year, "关于" or the verb of "本报告由…编制".
_BEFORE = r"(?:^|(?<=[^\u4e00-\u9fff])|(?<=由))"
_AFTER = r"(?=$|[^\u4e00-\u9fff]|关于|负责|组织|统一|牵头|汇总|编制|编写|起草|制作)"


def _written_in(listed: list[tuple[str, str]], places: Sequence[str]) -> str | None:
    text = "\n".join(normal(p) for p in places if p)
    if not text:
        return None
    spans: list[tuple[int, int, str]] = []
    for name, key in listed:
        for form in {key, *(normal(s) for s in _short_forms(key))}:
            if len(form) < 2:
                continue
            for m in re.finditer(_BEFORE + re.escape(form) + _AFTER, text, re.MULTILINE):
                spans.append((m.start(), m.end(), name))
    # A name inside a longer name found at the same place does not count ("甲县人民政府" in
    # "甲县人民政府办公室").
    kept = {
        name
        for start, end, name in spans
        if not any(s <= start and end <= e and (e - s) > (end - start) for s, e, _ in spans)
    }
    return kept.pop() if len(kept) == 1 else None
