"""The agency that wrote the report: from the title (also wrapped over two or three lines), a phrase
("现将…报告如下"), the sentence "本报告由…编制", the opening sentence, what the text calls itself
(我镇 → "团坝镇") or the signature (落款: the name above the closing date, or the last line). Never
invented: ``None`` rather than a guess or a generic "区政府办公室". An official short form at the end of
the name is written in full ("上海市科委" → "上海市科学技术委员会", ``gongkai.reports.agencynames``).

:func:`agency_places` gives the pieces of a report where its agency is written out, for matching a
list of agencies (``gongkai.reports.agencynames.match_agency``)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from gongkai.checker.detect.headings import CJK
from gongkai.checker.detect.title import PUBLIC_WORD_RE, TITLE_YEAR_RE, YEAR, Title
from gongkai.reports.agencynames import bare_unit, expand_abbreviation, is_place, unit_forms

_LEVEL_RE = re.compile(r"省|市|县|区|镇|乡|州|旗|盟|街道")
_UNIT_RE = re.compile(
    r"(?:人民政府办公室|人民政府办公厅|政府办公室|人民政府|办公室|办公厅|办事处|管理委员会|管委会|委员会"
    r"|政府|局|厅|委|办|镇|乡|街道|区|县|市|中心|署|院|所|站|队)$"
)
#: A generic first word ("本机关", "全镇", "上级", "贵单位"), not a place: 上海、本溪、全椒、贵州 are places.
_GENERIC_START_RE = re.compile(
    r"^(?:[我该各每此其某]|上[级一]|下级|本(?!溪)|全(?!椒|州县)|贵(?![州阳港溪定德南]))"
)
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
_CJK_RUN_END_RE = re.compile(rf"[{CJK}]+$")

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
    rf"现(?:将|公开|公布|发布|予公布|印发)\s*([{CJK}]{{2,30}}?)\s*{YEAR}\s*年度?[^。\n]{{0,30}}?"
    r"(?:报告|年报)"
)
_OPENING_SUBJECT_RE = re.compile(
    rf"^\s*{YEAR}\s*年度?\s*,\s*(?:在[^,。\n]{{0,40}}?[下中]\s*,\s*)?([{CJK}]{{2,30}}?)\s*"
    r"(?:认真|坚持|深入|紧紧|全面|始终|积极|持续|不断|严格|高度|以|进一步|扎实|围绕|聚焦|按照|根据)"
)
#: A letter's or report's closing date; the signing agency is the text right before it.
_CLOSING_DATE_RE = re.compile(rf"{YEAR}\s*年\s*\d{{1,2}}\s*月\s*\d{{1,2}}\s*日[^{CJK}\n]*(?:附件[^\n]*)?\s*$")
_SIGNATURE_NAME_RE = re.compile(rf"([{CJK}]{{2,40}})[ \t\n]*$")
_NON_CJK_RE = re.compile(rf"[^{CJK}]")
#: Names made only of generic words: "政府", "区政府办公室", "本级人民政府", "行政机关".
_GENERIC_NAME_RE = re.compile(
    r"(?:[省市县区镇乡州旗村]|街道|各级|本级|上级|人民|政府|办公室|办公厅|机关|行政|部门|单位|工作|政务|管委会)+"
)


def _is_proper_name(name: str, *, place_unit: bool = False, need_level: bool = True) -> bool:
    """A proper name begins with a place ("团坝镇", "樟树市自然资源局"), not with a generic word ("本机关",
    "全镇", "区政府办公室"). With ``need_level`` it must contain a level word (省/市/县/区/镇/乡/街道 …);
    for a town or district (``place_unit``) at least two characters precede it."""
    if len(name) < 2 or _GENERIC_START_RE.match(name) or _GENERIC_NAME_RE.fullmatch(name):
        return False
    lm = _LEVEL_RE.search(name)
    if lm is None:
        return not need_level
    return lm.start() >= (2 if place_unit else 1)


_AFFIX_RE = re.compile(r"^(?:关于|印发|转发)+|(?:关于|印发|转发)+$")


def _clean_name(name: str | None, *, need_unit: bool = True, public_word: bool = False) -> str | None:
    """``name`` if it is a usable agency name, else ``None``. ``public_word``: the name may hold
    "政府信息公开" ("…政府信息公开工作领导小组办公室"), as it does where it is named as such."""
    if not name:
        return None
    name = _AFFIX_RE.sub("", name.strip())
    if not name or len(name) > 40 or _NON_CJK_RE.search(name):
        return None
    if not public_word and PUBLIC_WORD_RE.search(name):
        return None
    if need_unit and not _UNIT_RE.search(name):
        return None
    return name if _is_proper_name(name, need_level=need_unit) else None


def _agency_from_title(title: Title) -> str | None:
    if title.name_line:
        name = _clean_name(title.name_line, need_unit=False)
        if name:
            return name
    text = title.report or title.text
    if not text:
        return None
    m = TITLE_YEAR_RE.search(text)
    if m:
        return _clean_name(text[: m.start()], need_unit=False)
    m2 = PUBLIC_WORD_RE.search(text)
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


#: A title wrapped over lines, joined: "<name><year>年…公开…年度报告".
_JOINED_TITLE_RE = re.compile(
    rf"^(?:关于)?([{CJK}]{{2,40}}?)(?:关于)?{YEAR}\s*年度?[^,.。;:!?《》“”()]{{0,20}}?"
    r"(?:政府信息公开|政务信息公开|政务公开|信息公开)[^,.。;:!?《》“”()]{0,20}?"
    r"(?:年度报告|年报|工作报告|情况的?报告)$"
)
_TITLE_LINE_RE = re.compile(rf"^[{CJK}\d\s]{{2,40}}$")
#: "本报告由平潭综合实验区政府信息公开工作领导小组办公室（负责）编制"
_COMPILED_BY_RE = re.compile(
    rf"本(?:年度)?报告(?:是)?由\s*([{CJK}]{{2,40}}?)\s*(?:负责|组织|统一|牵头|汇总)?"
    r"(?:编制|编写|起草|制作|汇总编制|组织编制)"
)
_CN_DIGIT = "〇零○一二三四五六七八九十"
_CN_DATE_RE = re.compile(rf"[{_CN_DIGIT}]{{4}}\s*年\s*[{_CN_DIGIT}]{{1,2}}\s*月\s*[{_CN_DIGIT}]{{1,3}}\s*日")
_DATE_LINE_RE = re.compile(
    rf"^(?:{YEAR}\s*年\s*\d{{1,2}}\s*月\s*\d{{1,2}}\s*日|{_CN_DATE_RE.pattern})[^{CJK}]*$"
)
#: Lines a web page puts after the report ("附件下载", "打印本页", "关闭窗口", "【字体：大 中 小】" …).
_TRAILER_RE = re.compile(
    r"附件|下载|打印|关闭|字体|分享|扫一扫|浏览次数|责任编辑|来源|【|相关链接|上一篇|下一篇"
)


def _wrapped_title(body: str) -> str | None:
    """The agency of a title wrapped over two or three lines ("上海市黄浦区人民政府" /
    "办公室2023年政府信息公开工作年度报告", or "…2023年政府信息" / "公开工作年度报告")."""
    lines: list[str] = []
    for raw in body[:2000].split("\n"):
        line = raw.strip()
        if line:
            lines.append(line)
            if len(lines) == 8:
                break
    for i in range(len(lines)):
        for k in (2, 3):
            piece = lines[i : i + k]
            if len(piece) < k or not all(_TITLE_LINE_RE.match(line) for line in piece):
                continue
            m = _JOINED_TITLE_RE.match("".join(line.replace(" ", "") for line in piece))
            if m:
                name = _clean_name(m.group(1), need_unit=False)
                if name:
                    return name
    return None


def _signature(prose: str) -> str | None:
    """The name signed at the end (落款): the line above the closing date, or the last line when it is
    a name with a unit word; lines a web page adds after the report are skipped."""
    tail = prose[-400:]
    dm = _CLOSING_DATE_RE.search(tail)
    if dm:  # a date at the very end, the name right before it (on its line or the line above)
        sm = _SIGNATURE_NAME_RE.search(tail, max(0, dm.start() - 45), dm.start())
        if sm:
            return _clean_name(_cut_name(sm.group(1)))
    lines = [line.strip() for line in prose[-600:].split("\n") if line.strip()]
    while lines and len(lines[-1]) <= 30 and _TRAILER_RE.search(lines[-1]):
        lines.pop()
    if not lines:
        return None
    if _DATE_LINE_RE.match(lines[-1]):
        lines.pop()
        if not lines:
            return None
        sm = _SIGNATURE_NAME_RE.search(lines[-1])
        return _clean_name(_cut_name(sm.group(1))) if sm else None
    last = lines[-1]
    if len(last) <= 30 and not _NON_CJK_RE.search(last):
        return _clean_name(last)
    return None


def find_agency(
    prose: str, body: str, title: Title, overview: str | None, strong_sources_only: bool
) -> str | None:
    name = _find_agency(prose, body, title, overview, strong_sources_only)
    return expand_abbreviation(name) if name else None


def _find_agency(
    prose: str, body: str, title: Title, overview: str | None, strong_sources_only: bool
) -> str | None:
    name = _agency_from_title(title)
    wrapped = _wrapped_title(body)
    if wrapped and (
        name is None or (len(wrapped) > len(name) and wrapped.endswith(name) and not _is_proper_name(name))
    ):
        # "成都市" / "发改委2023年…": the title's line holds only the end of the name (no place in it)
        return wrapped
    unit = bare_unit(name) if name else None
    if unit is not None:
        # "发改委2023年…": a unit every place has, so no agency by itself; its name is taken only where the
        # document writes it with its place (the compiler, the signature, the body), else none.
        return _placed_unit(unit, prose, body, overview, strong_sources_only)
    if name:
        return name
    return next(_body_names(prose, body, overview, strong_sources_only), None)


def _body_names(prose: str, body: str, overview: str | None, strong_sources_only: bool) -> Iterator[str]:
    """The names the text gives outside its title, most telling first: the phrase "现将…报告如下",
    "本报告由…编制", the opening sentence's subject, what the text calls itself (我镇), the signature."""
    for m in _PHRASE_AGENCY_RE.finditer(prose):
        name = _clean_name(m.group(1))
        if name:
            yield name
    for m in _COMPILED_BY_RE.finditer(prose):
        name = _clean_name(m.group(1), public_word=True)
        if name:
            yield name
    if not strong_sources_only:
        for text in (overview, body.lstrip()):
            if not text:
                continue
            om = _OPENING_SUBJECT_RE.match(text)
            if om:
                name = _clean_name(om.group(2))
                if name:
                    yield name
        refs = sorted(set(_SELF_REF_RE.findall(prose)), key=lambda u: -prose.count("我" + u))
        if refs:
            name = _self_named(prose, refs)
            if name:
                yield name
    name = _signature(prose)
    if name:
        yield name


def _placed_unit(
    unit: str, prose: str, body: str, overview: str | None, strong_sources_only: bool
) -> str | None:
    """The name of ``unit`` ("发展和改革委员会") with its place, as the document writes it: a name from
    the other sources (:func:`_body_names`) that is this unit after a place, else the one place the body
    writes before the unit or its short form ("成都市发改委认真贯彻…"); ``None`` when there is none or
    more than one."""
    for name in _body_names(prose, body, overview, strong_sources_only):
        full = expand_abbreviation(name)
        if full.endswith(unit) and is_place(full[: -len(unit)]) and _is_proper_name(full):
            return name
    found: set[str] = set()
    for form in unit_forms(unit):
        for m in re.finditer(re.escape(form), prose):
            run = _CJK_RUN_END_RE.search(prose[max(0, m.start() - 20) : m.start()])
            if run is None:
                continue
            before = _cut_name(run.group())
            for i in range(len(before)):
                place = before[i:]
                if is_place(place) and _is_proper_name(place + unit):
                    found.add(place + unit)
                    break
    return found.pop() if len(found) == 1 else None


def agency_places(prose: str) -> list[str]:
    """Where a report writes out its agency: its first lines (the title), the sentences "本报告由…编制"
    and its last lines (the signature)."""
    head = "\n".join([line for line in prose[:2000].split("\n") if line.strip()][:8])
    compiled = [m.group(0) for m in _COMPILED_BY_RE.finditer(prose)]
    return [head, *compiled, prose[-300:]]
