"""What a document is: kind, report year, agency, statistics period and the section headings.

:func:`detect_metadata` reads the report's prose (normalised by ``gongkai.reports.normalize``, table rows
removed) and finds:

* the six section headings of 条例 第五十条 (``gongkai.reports.model.SECTIONS``), also inline (crawled
  "squashed" text runs headings and tables together on one line) and with a lost number at line start;
* whether it is an annual report in the official formats, one in the free-text style of the 2007 条例
  (第三十二条: 概述 / 依申请公开 / 收费及减免 / 统计表), or not a report at all;
* the year reported on, the agency's name (never invented: ``None`` rather than a guess or a generic
  "区政府办公室"), and the statistics period (统计期限).

Pure Python: no Django, no I/O. Every regular expression is compiled once at import.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from gongkai.checker.result import ReportKind
from gongkai.reports.model import SECTIONS
from gongkai.reports.period import stated_period

__all__ = ["Metadata", "detect_metadata"]


@dataclass
class Metadata:
    kind: ReportKind
    year: int | None
    agency: str | None
    period_start: str | None = None
    period_end: str | None = None
    #: Prose of each section keyed by model section key, in document order.
    sections: dict[str, str] = field(default_factory=dict)
    #: Section keys in the order their headings appear (duplicates kept).
    section_order: list[str] = field(default_factory=list)
    title: str | None = None


# ---------------------------------------------------------------------------------------------
# Section headings
# ---------------------------------------------------------------------------------------------

_CJK = "\u3400-\u9fff\u3007"
_SPACE = r"[ \t\u3000]*"

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


_TITLES_NAMED, _HEADING_GROUPS = _build_title_alternation(named=True)
_TITLES_PLAIN, _ = _build_title_alternation(named=False)

#: A heading: "三、收到和…" anywhere (squashed text has headings inline; the character before the number
#: is checked in Python, a leading look-behind would be tried at every position) …
_NUMBERED_HEADING_RE = re.compile(rf"[一二三四五六七八九十]{{1,2}}{_SPACE}、{_SPACE}(?:{_TITLES_NAMED})")
_NOT_BEFORE_NUMBER = frozenset("一二三四五六七八九十百第")
#: … or, at line start, "、收到和…" (the number was lost) or a line that is only the title. Searched in
#: "\n" + prose so that the pattern starts with a literal.
_LINE_HEADING_RE = re.compile(
    rf"\n{_SPACE}(?:、{_SPACE}|(?=(?:{_TITLES_PLAIN}){_SPACE}[。.:]?{_SPACE}(?:\n|$)))(?:{_TITLES_NAMED})"
)

#: A self-describing list "本报告包括总体情况、主动公开…" (evidence of the format, never headings).
_PREAMBLE_LIST_RE = re.compile(
    r"(?:报告|内容)(?:主要)?(?:包括|由|分为|包含)[^。\n]{0,400}?(?:组成|部分|内容|等|。)"
)
_TITLE_ANYWHERE_RE = re.compile(_TITLES_NAMED)
#: Captions and labels that only the official tables have (a report cut inside its first table).
_OFFICIAL_TABLE_MARK_RE = re.compile(
    r"第二十条\s*第\s*\(\s*[一五六八九]\s*\)\s*项|本列数据的勾稽关系|本年新收政府信息公开申请数量"
)


@dataclass
class _Heading:
    key: str
    legacy: bool
    start: int
    end: int


def _find_headings(prose: str) -> list[_Heading]:
    out: list[_Heading] = []
    for m in _NUMBERED_HEADING_RE.finditer(prose):
        if m.start() > 0 and prose[m.start() - 1] in _NOT_BEFORE_NUMBER:
            continue
        if m.lastgroup is not None:
            key, legacy = _HEADING_GROUPS[m.lastgroup]
            out.append(_Heading(key, legacy, m.start(), m.end()))
    for m in _LINE_HEADING_RE.finditer("\n" + prose):
        if m.lastgroup is not None:
            key, legacy = _HEADING_GROUPS[m.lastgroup]
            out.append(_Heading(key, legacy, m.start(), m.end() - 1))
    out.sort(key=lambda h: h.start)
    return out


def _sections(prose: str, headings: list[_Heading]) -> tuple[dict[str, str], list[str]]:
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


# ---------------------------------------------------------------------------------------------
# Title, purpose, year, period
# ---------------------------------------------------------------------------------------------

_YEAR = r"((?:19|20)\d{2})"
_HEADER_TITLE_RE = re.compile(r"^标题[ \t]*:[ \t]*(\S[^\n]*?)[ \t]*$", re.MULTILINE)
_BODY_MARK_RE = re.compile(r"^=+[ \t]*正文[ \t]*=+[ \t]*$", re.MULTILINE)
#: A report title at the start of a line (in squashed text the body follows after a space).
_REPORT_TITLE_RE = re.compile(
    rf"^{_SPACE}([^\s,.。;:!?《》“”()]{{0,60}}?公开[^\s,.。;:!?《》“”()]{{0,30}}?"
    r"(?:年度报告|年报|工作报告|情况的?报告))(?=[ \t\u3000]|$)",
    re.MULTILINE,
)
_STRONG_TITLE_RE = re.compile(rf"{_YEAR}\s*年.*?(?:信息公开|政务公开).*?(?:年度报告|年报)$")
_TITLE_YEAR_RE = re.compile(rf"{_YEAR}\s*年")
_PUBLIC_WORD_RE = re.compile(r"政府信息公开|政务信息公开|政务公开|信息公开")
#: The document says what it is: "编制完成了本报告", "现将…报告如下", "现公布…年度报告".
_PURPOSE_RE = re.compile(
    r"本(?:年度)?报告"
    r"|现(?:将|就|把)?[^。\n]{0,40}?(?:报告|汇报|公告)如下"
    r"|现(?:公布|公开|发布|予公布|将)[^。\n]{0,40}?(?:年度报告|年报)"
)
_PHRASE_YEAR_RE = re.compile(
    rf"现(?:将|就|公布|公开|发布|予公布)[^。\n]{{0,20}}?{_YEAR}\s*年度?[^。\n]{{0,40}}?"
    r"(?:报告|年报|公告|汇报)"
)
_OPENING_YEAR_RE = re.compile(rf"^\s*{_YEAR}\s*年度?\s*[,，]")
_MIN_YEAR, _MAX_YEAR = 2000, 2100


def _year_in(text: str | None) -> int | None:
    if not text:
        return None
    m = _TITLE_YEAR_RE.search(text)
    if m and _MIN_YEAR <= int(m.group(1)) <= _MAX_YEAR:
        return int(m.group(1))
    return None


@dataclass
class _Title:
    text: str | None  # the document's title as found (crawler header, <title>, first lines)
    report: str | None  # the title when it names a report ("…政府信息公开工作年度报告")
    name_line: str | None  # an agency name printed alone on the line above the report title


def _find_title(prose: str) -> tuple[_Title, str]:
    """The title and the body (the prose after a crawler's header block, if any)."""
    head = prose[:3000]
    header = _HEADER_TITLE_RE.search(head)
    body = prose
    mark = _BODY_MARK_RE.search(head)
    if mark:
        body = prose[mark.end() :]
    header_title = header.group(1) if header else None
    report: str | None = None
    name_line: str | None = None
    if header_title and _REPORT_TITLE_RE.fullmatch(header_title):
        report = header_title
    # The first few non-empty lines of the body.
    lines: list[str] = []
    for raw in body[:4000].split("\n"):
        ln = raw.strip()
        if ln:
            lines.append(ln)
            if len(lines) == 8:
                break
    if report is None:
        for i, ln in enumerate(lines):
            m = _REPORT_TITLE_RE.match(ln)
            if m is None:
                continue
            report = m.group(1)
            if i > 0 and _TITLE_YEAR_RE.match(report) and len(lines[i - 1]) <= 40:
                prev = lines[i - 1]
                if not re.search(r"[,.。;:!?《》“”()\s]", prev):
                    name_line = prev
            break
    text = header_title or (f"{name_line}{report}" if name_line and report else report)
    return _Title(text, report, name_line), body


# ---------------------------------------------------------------------------------------------
# Agency
# ---------------------------------------------------------------------------------------------

_LEVEL_RE = re.compile(r"省|市|县|区|镇|乡|州|旗|盟|街道")
_UNIT_RE = re.compile(
    r"(?:人民政府办公室|人民政府办公厅|政府办公室|人民政府|办公室|办公厅|办事处|管理委员会|管委会|委员会"
    r"|政府|局|厅|委|办|镇|乡|街道|区|县|市|中心|署|院|所|站|队)$"
)
_GENERIC_FIRST = set("本我该全各每此其上下某贵")
#: Words that end a stretch of text before a name ("推进团坝镇…", "…网站和樟树市自然资源局").
_STOP_MULTI = (
    "推进", "实现", "加强", "开展", "落实", "全面", "根据", "按照", "关于", "围绕", "结合", "做好",
    "完成", "通过", "进行", "负责", "认真", "积极", "深入", "持续", "不断", "贯彻", "执行", "对于",
    "为了", "依据", "依托", "经过", "以及", "同时", "其中", "包括", "召开", "印发", "制定", "建立",
    "提升", "提高", "发布", "公布", "报送", "现将", "现就", "本着", "坚持", "配合", "协助", "协调",
    "督促", "领导下", "指导下", "要求", "确保", "推动", "促进",
)  # fmt: skip
_STOP_SINGLE = set("在对由把为是和与及向经从按据将于被给让使同的了即或并至到等就也都又还而以请之")
_STOP_MULTI_RE = re.compile("|".join(sorted(_STOP_MULTI, key=len, reverse=True)))
_CJK_RUN_END_RE = re.compile(rf"[{_CJK}]+$")

#: 我镇 → names ending in 镇 …; the value is the regex of the unit word that ends the name.
_SELF_UNITS: dict[str, str] = {
    "街道": r"街道办事处|街道",
    "镇": r"镇人民政府|镇",
    "乡": r"乡人民政府|乡",
    "区": r"区",
    "局": r"局",
    "委": r"委员会|委",
    "办": r"办公室|办",
}
_SELF_REF_RE = re.compile(r"我(街道|镇|乡|区|局|委|办)")
_SELF_UNIT_RES: dict[str, re.Pattern[str]] = {
    k: re.compile(rf"(?:{v})(?![村级域直])") for k, v in _SELF_UNITS.items()
}
_PLACE_UNITS = {"街道", "镇", "乡", "区"}

_PHRASE_AGENCY_RE = re.compile(
    rf"现(?:将|公开|公布|发布|予公布|印发)\s*([{_CJK}]{{2,30}}?)\s*{_YEAR}\s*年度?[^。\n]{{0,30}}?"
    r"(?:报告|年报)"
)
_OPENING_SUBJECT_RE = re.compile(
    rf"^\s*{_YEAR}\s*年度?\s*,\s*(?:在[^,。\n]{{0,40}}?[下中]\s*,\s*)?([{_CJK}]{{2,30}}?)\s*"
    r"(?:认真|坚持|深入|紧紧|全面|始终|积极|持续|不断|严格|高度|以|进一步|扎实|围绕|聚焦|按照|根据)"
)
#: A letter's or report's closing date; the signing agency is the text right before it.
_CLOSING_DATE_RE = re.compile(
    rf"{_YEAR}\s*年\s*\d{{1,2}}\s*月\s*\d{{1,2}}\s*日[^{_CJK}\n]*(?:附件[^\n]*)?\s*$"
)
_SIGNATURE_NAME_RE = re.compile(rf"([{_CJK}]{{2,40}})[ \t\n]*$")
_NON_CJK_RE = re.compile(rf"[^{_CJK}]")
#: Names made only of generic words: "政府", "区政府办公室", "本级人民政府", "行政机关".
_GENERIC_NAME_RE = re.compile(
    r"(?:[省市县区镇乡州旗村]|街道|各级|本级|上级|人民|政府|办公室|办公厅|机关|行政|部门|单位|工作|政务|管委会)+"
)


def _is_proper_name(name: str, *, place_unit: bool = False, need_level: bool = True) -> bool:
    """A proper name begins with a place ("团坝镇", "樟树市自然资源局"), not with a generic word ("本机关",
    "全镇", "区政府办公室"). With ``need_level`` it must contain a level word (省/市/县/区/镇/乡/街道 …);
    for a town or district (``place_unit``) at least two characters precede it."""
    if len(name) < 2 or name[0] in _GENERIC_FIRST or _GENERIC_NAME_RE.fullmatch(name):
        return False
    lm = _LEVEL_RE.search(name)
    if lm is None:
        return not need_level
    return lm.start() >= (2 if place_unit else 1)


_AFFIX_RE = re.compile(r"^(?:关于|印发|转发)+|(?:关于|印发|转发)+$")


def _clean_name(name: str | None, *, need_unit: bool = True) -> str | None:
    """``name`` if it is a usable agency name, else ``None``."""
    if not name:
        return None
    name = _AFFIX_RE.sub("", name.strip())
    if not name or len(name) > 40 or _NON_CJK_RE.search(name) or _PUBLIC_WORD_RE.search(name):
        return None
    if need_unit and not _UNIT_RE.search(name):
        return None
    return name if _is_proper_name(name, need_level=need_unit) else None


def _agency_from_title(title: _Title) -> str | None:
    if title.name_line:
        name = _clean_name(title.name_line, need_unit=False)
        if name:
            return name
    text = title.report or title.text
    if not text:
        return None
    m = _TITLE_YEAR_RE.search(text)
    if m:
        return _clean_name(text[: m.start()], need_unit=False)
    m2 = _PUBLIC_WORD_RE.search(text)
    return _clean_name(text[: m2.start()], need_unit=False) if m2 else None


def _cut_name(run: str) -> str:
    """The end of ``run`` after the last verb/preposition ("推进团坝" → "团坝")."""
    cuts = [m.end() for m in _STOP_MULTI_RE.finditer(run)]
    start = max(cuts) if cuts else 0
    # Single-character words cut only if a plausible name (≥ 2 characters) is left.
    for i in range(len(run) - 1, start - 1, -1):
        if run[i] in _STOP_SINGLE and len(run) - i - 1 >= 2:
            return run[i + 1 :]
    return run[start:]


def _self_named(prose: str, refs: Iterable[str]) -> str | None:
    """The proper name ending in the unit word the text calls itself by (我镇 → "团坝镇")."""
    for unit in refs:
        unit_re = _SELF_UNIT_RES[unit]
        place = unit in _PLACE_UNITS
        counts: dict[str, int] = {}
        first: dict[str, int] = {}
        for m in unit_re.finditer(prose):
            before = prose[max(0, m.start() - 30) : m.start()]
            rm = _CJK_RUN_END_RE.search(before)
            if rm is None:
                continue
            run = rm.group()
            if rm.start() > 0 and before[rm.start() - 1].isdigit():
                run = run.lstrip("年度月日号")  # "2019年我镇" is not a name
            # Never reach back over an earlier occurrence of the same unit word.
            last = run.rfind(unit)
            if last >= 0:
                run = run[last + len(unit) :]
            prefix = _cut_name(run)
            name = prefix + m.group()
            if len(prefix) < 2 or "我" in prefix or not _is_proper_name(name, place_unit=place):
                continue
            counts[name] = counts.get(name, 0) + 1
            first.setdefault(name, m.start())
        if counts:
            return max(counts, key=lambda k: (counts[k], -first[k]))
    return None


def _agency(
    prose: str, body: str, title: _Title, overview: str | None, strong_sources_only: bool
) -> str | None:
    name = _agency_from_title(title)
    if name:
        return name
    for m in _PHRASE_AGENCY_RE.finditer(prose):
        name = _clean_name(m.group(1))
        if name:
            return name
    if not strong_sources_only:
        for text in (overview, body.lstrip()):
            if not text:
                continue
            om = _OPENING_SUBJECT_RE.match(text)
            if om:
                name = _clean_name(om.group(2))
                if name:
                    return name
        refs = sorted(set(_SELF_REF_RE.findall(prose)), key=lambda u: -prose.count("我" + u))
        if refs:
            name = _self_named(prose, refs)
            if name:
                return name
    tail = prose[-400:]
    dm = _CLOSING_DATE_RE.search(tail)
    if dm:
        sm = _SIGNATURE_NAME_RE.search(tail, max(0, dm.start() - 45), dm.start())
        if sm:
            return _clean_name(_cut_name(sm.group(1)))
    return None


# ---------------------------------------------------------------------------------------------
# The entry point
# ---------------------------------------------------------------------------------------------


def _year(title: _Title, period_end: str | None, prose: str, body: str, overview: str | None) -> int | None:
    year = _year_in(title.report) or _year_in(title.text)
    if year:
        return year
    if period_end:
        return int(period_end[:4])
    m = _PHRASE_YEAR_RE.search(prose)
    if m:
        return int(m.group(1))
    for text in (body.lstrip(), overview):
        if text:
            om = _OPENING_YEAR_RE.match(text)
            if om:
                return int(om.group(1))
    return None


def detect_metadata(prose: str, has_official_tables: bool) -> Metadata:
    """Kind, year, agency, period and sections of a report's normalised prose (table rows removed)."""
    headings = _find_headings(prose)
    sections, order = _sections(prose, headings)
    title, body = _find_title(prose)
    period_start, period_end = stated_period(prose)
    overview = sections.get("overview")
    year = _year(title, period_end, prose, body, overview)

    official = {h.key for h in headings if not h.legacy}
    legacy_marks = sum(1 for h in headings if h.legacy)
    evidence = set(official)
    for pm in _PREAMBLE_LIST_RE.finditer(prose[:6000]):
        for tm in _TITLE_ANYWHERE_RE.finditer(pm.group()):
            if tm.lastgroup and not _HEADING_GROUPS[tm.lastgroup][1]:
                evidence.add(_HEADING_GROUPS[tm.lastgroup][0])
    strong_title = bool(title.report and _STRONG_TITLE_RE.search(title.report))
    looks = bool(title.report) or bool(_PURPOSE_RE.search(prose)) or len(official) >= 4

    kind: ReportKind
    if has_official_tables:
        kind = "annual_report"
    elif looks and ((legacy_marks and "applications" not in official) or (year is not None and year < 2019)):
        kind = "legacy_report"
    elif (
        (looks and len(evidence) >= 4)
        or strong_title
        or (len(official) >= 2 and not legacy_marks and _OFFICIAL_TABLE_MARK_RE.search(prose))
    ):
        kind = "annual_report"
    else:
        kind = "not_a_report"

    agency = _agency(prose, body, title, overview, strong_sources_only=kind == "not_a_report")
    return Metadata(
        kind=kind,
        year=year,
        agency=agency,
        period_start=period_start,
        period_end=period_end,
        sections=sections,
        section_order=order,
        title=title.text,
    )
