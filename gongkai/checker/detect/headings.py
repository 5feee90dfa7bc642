"""The six section headings of 条例 第五十条 (``gongkai.reports.model.SECTIONS``) and those of the
pre-2019 free-text style, also inline (crawled "squashed" text runs headings and tables together on one
line) and with a lost number at line start; the prose of each section."""

from __future__ import annotations

import re
from dataclasses import dataclass

from gongkai.reports.model import SECTIONS

CJK = "\u3400-\u9fff\u3007"
SPACE = r"[ \t\u3000]*"

#: Wordings of the six headings seen in reports besides the model's title and variants (regexes).
#: Separators between 行政复议 and 行政诉讼 ("、", "及", "和") are made optional for every title.
_EXTRA_VARIANTS: dict[str, tuple[str, ...]] = {
    "overview": (r"政府信息公开工作总体情况",),
    "proactive": (r"主动公开政府信息的情况", r"政府信息主动公开(?:工作)?情况"),
    "appeals": (r"因政府信息公开(?:工作)?(?:被)?申请行政复议[、及和与]?(?:提起)?行政诉讼(?:的)?情况",),
    "problems": (
        r"(?:政府信息公开|信息公开|政务公开)?(?:工作)?(?:存在的?)?(?:主要)?问题(?:[和及与]不足)?[和及与]"
        r"(?:改进|整改)(?:情况|措施)",
    ),
}
#: Headings of the pre-2019 free-text style (条例 2007 第三十二条). ``applications`` is recorded as the
#: applications section; the others only end the previous section.
_LEGACY_HEADINGS: dict[str, str] = {
    "applications": r"(?:政府信息)?依申请公开(?:政府信息)?(?:的)?(?:工作|办理)?情况",
    "_fees": r"(?:政府信息公开)?(?:的)?收费及减免(?:的)?情况",
    "_statistics": r"(?:政府信息公开(?:工作)?)?(?:情况)?统计表",
}


def _title_regex(title: str) -> str:
    """A heading title as a regex: spaces allowed between characters, "、" may be "及"/"和" or absent."""
    parts: list[str] = []
    for ch in title:
        parts.append(r"[、,及和与]?" if ch == "、" else re.escape(ch))
    return r"\s*".join(parts)


def _build_title_alternation(named: bool) -> tuple[str, dict[str, tuple[str, bool]]]:
    groups: dict[str, tuple[str, bool]] = {}  # group name → (section key, is_legacy)
    alts: list[str] = []
    entries: list[tuple[str, bool, list[str]]] = []
    for s in SECTIONS:
        pats = [_title_regex(t) for t in sorted((s.title, *s.variants), key=len, reverse=True)]
        pats += list(_EXTRA_VARIANTS.get(s.key, ()))
        entries.append((s.key, False, pats))
    for key, pat in _LEGACY_HEADINGS.items():
        entries.append((key, True, [pat]))
    for i, (key, legacy, pats) in enumerate(entries):
        body = "|".join(pats)
        name = f"h{i}"
        groups[name] = (key, legacy)
        alts.append(f"(?P<{name}>{body})" if named else f"(?:{body})")
    return "|".join(alts), groups


_TITLES_NAMED, HEADING_GROUPS = _build_title_alternation(named=True)
_TITLES_PLAIN, _ = _build_title_alternation(named=False)

#: A heading: "三、收到和…" anywhere (squashed text has headings inline; the character before the number
#: is checked in Python, a leading look-behind would be tried at every position) …
_NUMBERED_HEADING_RE = re.compile(rf"[一二三四五六七八九十]{{1,2}}{SPACE}、{SPACE}(?:{_TITLES_NAMED})")
_NOT_BEFORE_NUMBER = frozenset("一二三四五六七八九十百第")
#: … or, at line start, "、收到和…" (the number was lost) or a line that is only the title. Searched in
#: "\n" + prose so that the pattern starts with a literal.
_LINE_HEADING_RE = re.compile(
    rf"\n{SPACE}(?:、{SPACE}|(?=(?:{_TITLES_PLAIN}){SPACE}[。.:]?{SPACE}(?:\n|$)))(?:{_TITLES_NAMED})"
)

#: A self-describing list "本报告包括总体情况、主动公开…" (evidence of the format, never headings).
PREAMBLE_LIST_RE = re.compile(
    r"(?:报告|内容)(?:主要)?(?:包括|由|分为|包含)[^。\n]{0,400}?(?:组成|部分|内容|等|。)"
)
TITLE_ANYWHERE_RE = re.compile(_TITLES_NAMED)
#: Captions and labels that only the official tables have (a report cut inside its first table).
OFFICIAL_TABLE_MARK_RE = re.compile(
    r"第二十条\s*第\s*\(\s*[一五六八九]\s*\)\s*项|本列数据的勾稽关系|本年新收政府信息公开申请数量"
)


@dataclass
class _Heading:
    key: str
    legacy: bool
    start: int
    end: int


def find_headings(prose: str) -> list[_Heading]:
    out: list[_Heading] = []
    for m in _NUMBERED_HEADING_RE.finditer(prose):
        if m.start() > 0 and prose[m.start() - 1] in _NOT_BEFORE_NUMBER:
            continue
        if m.lastgroup is not None:
            key, legacy = HEADING_GROUPS[m.lastgroup]
            out.append(_Heading(key, legacy, m.start(), m.end()))
    for m in _LINE_HEADING_RE.finditer("\n" + prose):
        if m.lastgroup is not None:
            key, legacy = HEADING_GROUPS[m.lastgroup]
            out.append(_Heading(key, legacy, m.start(), m.end() - 1))
    out.sort(key=lambda h: h.start)
    return out


def split_sections(prose: str, headings: list[_Heading]) -> tuple[dict[str, str], list[str]]:
    """Prose of each section (first occurrence; a heading repeated right after itself is merged)."""
    sections: dict[str, str] = {}
    order: list[str] = []
    n = len(headings)
    i = 0
    while i < n:
        h = headings[i]
        j = i + 1
        while j < n and headings[j].key == h.key:  # duplicated heading block (seed 003)
            if not h.key.startswith("_"):
                order.append(h.key)
            j += 1
        end = headings[j].start if j < n else len(prose)
        if not h.key.startswith("_"):
            order.append(h.key)
            if h.key not in sections:
                sections[h.key] = prose[h.end : end].strip()
        i = j
    return sections, order
