"""How the official labels are found in real, messy reports.

``gongkai.reports.model`` holds the exact official wording; this module holds the *fuzzy* patterns
that find each row, caption and header in published text: spaces inside labels ("（三）不予 公开",
"社会公 益组织"), missing or changed numbering, and the typos agencies really make ("只记这一情形",
"四类过程信息", "过程性性信息", "三类内容事务信息", "其他法律行政禁止公开"). Patterns work on text
normalised by ``gongkai.reports.normalize`` (half-width parentheses, simplified characters).
"""

from __future__ import annotations

import re
from functools import cache

from gongkai.checker.source import CELL
from gongkai.reports.model import FormatVersion

_SP = r"[ \t]*"  # spaces a converter left inside a label (never a cell separator)


def fuzzy(word: str) -> str:
    """A regex matching ``word`` with optional spaces between its characters."""
    return _SP.join(re.escape(ch) for ch in word)


def _num(prefix: str) -> str:
    """An optional list number like "1." / "1、" / "(一)" before a label."""
    if prefix.isdigit():
        return rf"(?:{prefix}{_SP}[.、．]{_SP})?"
    return rf"(?:[(（]{_SP}{prefix}{_SP}[)）]{_SP}|{prefix}{_SP}、{_SP})?"


def _alt(*words: str) -> str:
    return "(?:" + "|".join(words) + ")"


# Row key → regex of its label (the leftmost match is the label's start; numbering included).
_SECTION3_PATTERNS: dict[str, str] = {
    "new_received": _num("一") + fuzzy("本年新收") + _SP + fuzzy("政府信息公开申请") + _SP + "(?:数量)?",
    "carried_over": _num("二") + fuzzy("上年结转") + _SP + fuzzy("政府信息公开申请") + _SP + "(?:数量)?",
    "granted": _num("一") + fuzzy("予以公开"),
    # The note in brackets never reaches over a line or a number: a label wrapped around its row's numbers
    # must not take them for part of its note.
    "partially_granted": _num("二") + fuzzy("部分公开") + rf"(?:{_SP}\({_SP}区分处理[^)\d\n\x1f]{{0,30}}\))?",
    "denied_state_secret": _num("1") + fuzzy("属于国家秘密"),
    "denied_prohibited_by_law": _num("2")
    + fuzzy("其他法律行政")
    + _SP
    + "(?:法规)?"
    + _SP
    + fuzzy("禁止公开"),
    "denied_three_safeties": _num("3")
    + fuzzy("危及")
    + _SP
    + '[“"]?'
    + _SP
    + fuzzy("三安全一稳定")
    + '[”"]?',
    "denied_third_party": _num("4") + fuzzy("保护第三方合法权益"),
    "denied_internal_affairs": _num("5") + fuzzy("属于三类内") + _SP + "[部容]" + _SP + fuzzy("事务信息"),
    "denied_process_info": _num("6") + fuzzy("属于四类过程") + rf"(?:{_SP}性)*" + _SP + fuzzy("信息"),
    "denied_enforcement_files": _num("7") + fuzzy("属于行政执法案卷"),
    "denied_query_matters": _num("8") + fuzzy("属于行政查询事项"),
    "unable_not_held": _num("1") + fuzzy("本机关不掌握") + _SP + "(?:相关)?" + _SP + fuzzy("政府信息"),
    "unable_needs_creation": _num("2") + fuzzy("没有现成信息") + _SP + "(?:需要)?" + _SP + fuzzy("另行制作"),
    "unable_unclear": _num("3") + fuzzy("补正后申请内容仍不明确"),
    "rejected_petition": _num("1") + fuzzy("信访举报投诉类申请"),
    "rejected_duplicate": _num("2") + fuzzy("重复申请"),
    "rejected_publication": _num("3") + fuzzy("要求提供公开出版物"),
    "rejected_excessive": _num("4") + fuzzy("无正当理由") + rf"(?:{_SP}由)?" + _SP + fuzzy("大量反复申请"),
    "rejected_confirmation": _num("5") + fuzzy("要求行政机关确认或重新出具已获取信息"),
    "other_no_correction": _num("1")
    + fuzzy("申请人无正当理由逾期不补正")
    + rf"(?:{_SP}[,，、]?{_SP}{fuzzy('行政机关不再处理其政府信息公开申请')})?",
    "other_no_fee": _num("2")
    + fuzzy("申请人逾期未按收费通知要求缴纳费用")
    + rf"(?:{_SP}[,，、]?{_SP}{fuzzy('行政机关不再处理其政府信息公开申请')})?",
    "other_other": rf"3{_SP}[.、．]{_SP}{fuzzy('其他')}",
    "other": _num("六") + fuzzy("其他处理"),
    "total": rf"[(（]{_SP}七{_SP}[)）]{_SP}{fuzzy('总计')}",
    "carried_forward": _num("四") + fuzzy("结转下年度继续办理"),
}

_SECTION2_PATTERNS: dict[str, str] = {
    "regulations": r"(?<![行政])" + fuzzy("规章") + r"(?!制度|和规范)",
    "normative_documents": r"(?:行政)?" + _SP + fuzzy("规范性文件"),
    "licensing": fuzzy("行政许可"),
    "other_services": fuzzy("其他对外管理服务事项"),
    "penalty": fuzzy("行政处罚"),
    "enforcement": fuzzy("行政强制"),
    "fees": fuzzy("行政事业性收费"),
    "procurement": fuzzy("政府集中采购"),
}


@cache
def section3_pattern(key: str) -> re.Pattern[str]:
    return re.compile(_SECTION3_PATTERNS[key])


@cache
def section2_pattern(key: str) -> re.Pattern[str]:
    return re.compile(_SECTION2_PATTERNS[key])


@cache
def caption_pattern(item: str) -> re.Pattern[str]:
    """第二十条第（一）项 and its spaced / half-width variants."""
    return re.compile(rf"第{_SP}二{_SP}十{_SP}条{_SP}第{_SP}[(（]?{_SP}{item}{_SP}[)）]?{_SP}项")


ANY_CAPTION = re.compile(
    rf"第{_SP}二{_SP}十{_SP}条{_SP}第{_SP}[(（]?{_SP}[一二三四五六七八九十]+{_SP}[)）]?{_SP}项"
)

#: Where table 三 begins (its header note or the section heading) — the end of table 二.
SECTION3_START = re.compile(
    rf"{fuzzy('勾稽关系')}|{fuzzy('收到和处理政府信息公开申请情况')}|{fuzzy('申请人情况')}|"
    rf"{fuzzy('本年新收政府信息公开申请')}"
)
#: The start of table 四: its section heading, or its header.
SECTION4_START = re.compile(
    rf"四{_SP}、{_SP}(?:{fuzzy('政府信息公开行政复议')}|{fuzzy('因政府信息公开')}|{fuzzy('政府信息公开')}"
    rf"{_SP}(?:申请)?{_SP}{fuzzy('行政复议')})"
    rf"|{fuzzy('行政复议')}{_SP}\x1f?[\s\x1f]*{fuzzy('行政诉讼')}"
)
#: The end of table 四: section 五's heading.
SECTION5_START = re.compile(
    rf"五{_SP}、{_SP}(?:{fuzzy('存在')}|{fuzzy('政府信息公开工作存在')}|{fuzzy('信息公开工作存在')})"
)
SECTION4_TOTAL_HEADER = re.compile(fuzzy("总计"))

#: Text that is part of a table's header or a row-group label, never a cell value.
LABEL_LIKE = re.compile(
    r"^(?:[(（]?[一二三四五六七八九十]+[)）、]|第二十条|信息内容|申请人情况|法人或其他组织|自然人|商业|科研|社会公益"
    r"|法律服务|其他$|组织$|机构$|企业$|总计|结果|尚未审结|行政复议|行政诉讼|未经复议|复议后|本年|上一年|对外公开|现行有效"
    r"|处理决定|采购|单位|保留|\(本列|（本列|本列数据|不予$|无法$|公开$|提供$|处理$)"
)


def is_label_like(text: str) -> bool:
    return bool(LABEL_LIKE.match(text.replace(" ", "")))


#: Markers of each format in the table headers and rows (whitespace removed before matching).
FORMAT_MARKERS: dict[FormatVersion, tuple[str, ...]] = {
    "2019": (
        "本年新制作数量",
        "本年新公开数量",
        "对外公开总数量",
        "上一年项目数量",
        "其他对外管理服务事项",
        "政府集中采购",
        "采购项目数量",
        "第二十条第(九)项",
    ),
    "2021": (
        "本年制发件数",
        "本年废止件数",
        "现行有效件数",
        "本年收费金额",
        "逾期不补正",
        "逾期未按收费通知",
    ),
}


# ---------------------------------------------------------------------------------------------------
# A row label wrapped in its cell, its numbers between its lines (a table row a PDF reader gives as text)
# ---------------------------------------------------------------------------------------------------

_NUMBERS_LINE = re.compile(r"^[+-]?\d+(?:\.\d+)?(?:[ \t]+[+-]?\d+(?:\.\d+)?)+$")
#: A line that ends with its row's numbers ("1.信访举报投 0 0 0 0 0 0 0"): the text, the numbers.
_TEXT_THEN_NUMBERS = re.compile(r"^(.*[^\d\s.+-])[ \t]+([+-]?\d+(?:\.\d+)?(?:[ \t]+[+-]?\d+(?:\.\d+)?)+)$")
_LABEL_PIECE = re.compile(r"^[^\d\x1f。；;！!？?]{1,30}$")
_SENTENCE = re.compile(r"[。；;！!？?]")
#: The most lines a wrapped label takes on either side of its numbers.
_WRAP_LINES = 4


@cache
def _all_row_patterns() -> tuple[re.Pattern[str], ...]:
    return tuple(section3_pattern(k) for k in _SECTION3_PATTERNS) + tuple(
        section2_pattern(k) for k in _SECTION2_PATTERNS
    )


def _completes_label(head: str, tail: str) -> bool:
    """Whether ``head`` + ``tail`` ends with a whole official row label that starts in ``head`` and
    that ``head`` alone does not hold (what comes before the label is a group label or nothing)."""
    joined = head + tail
    for pattern in _all_row_patterns():
        for m in pattern.finditer(joined):
            if m.end() != len(joined) or m.start() >= len(head) or m.end() <= len(head):
                continue
            before = joined[: m.start()].strip()
            if not before or is_label_like(before):
                return True
    return False


def rejoin_wrapped_labels(lines: list[str]) -> list[str]:
    """Lines of unmarked text with each official row label that wrapped around its row's numbers made one
    line again: the label, then the numbers.

    A PDF printed by Chromium (and other fixed-layout files) draws a table row cut by a page break
    without the rules that make it a table, so its cells come as lines of text in vertical order — and a
    label that wrapped inside its narrow cell comes as its first line(s), the numbers (vertically centred
    in the row), then its last line(s): "1.信访举报投" / "0 0 0 0 0 0 0" / "诉类申请", or, with the numbers
    on the first line, "1.信访举报投 0 0 0 0 0 0 0" / "诉类申请". No pattern finds a label across lines (and
    one that did would take the numbers inside it for part of the label), so the row would be lost. The
    lines are joined only when they make a whole official label that the first line(s) alone do not.
    Lines with marked cells are left alone."""
    out: list[str] = []
    i = 0
    n = len(lines)
    while i < n:
        joined = _rejoin_at(lines, i)
        if joined is None:
            out.append(lines[i])
            i += 1
            continue
        text, used = joined
        out.append(text)
        i += used
    return out


def _rejoin_at(lines: list[str], i: int) -> tuple[str, int] | None:
    """The row whose label starts at line ``i`` as one line, and the number of lines it took, when the
    label wraps around its numbers there."""
    n = len(lines)
    first = lines[i].strip()
    if not first or CELL in lines[i] or _NUMBERS_LINE.match(first) or _SENTENCE.search(first):
        return None
    for before in range(1, _WRAP_LINES + 1):
        if i + before > n:
            return None
        if CELL in lines[i + before - 1]:
            return None
        heads = [line.strip() for line in lines[i : i + before]]
        if before > 1 and not _LABEL_PIECE.match(heads[-1]) and not _TEXT_THEN_NUMBERS.match(heads[-1]):
            return None
        # The row's numbers: at the end of the last head line, or on the line after it.
        inline = _TEXT_THEN_NUMBERS.match(heads[-1])
        if inline:
            head = "".join(heads[:-1]) + inline.group(1).strip()
            numbers, tail_from = inline.group(2), i + before
        elif (
            i + before < n
            and CELL not in lines[i + before]
            and _NUMBERS_LINE.match(lines[i + before].strip())
        ):
            head = "".join(heads)
            numbers, tail_from = lines[i + before].strip(), i + before + 1
        else:
            continue
        tail = ""
        for k, raw in enumerate(lines[tail_from : tail_from + _WRAP_LINES], start=1):
            line = raw.strip()
            if not line or CELL in raw or not _LABEL_PIECE.match(line):
                break
            tail += line
            if _completes_label(head, tail):
                return f"{head}{tail} {numbers}", tail_from + k - i
        return None
    return None
