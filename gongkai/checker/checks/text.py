"""The writing of the prose: broken ordinal lists ("一是…三是…") and clauses duplicated by a bad copy."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from gongkai.checker.checks.context import WHITESPACE, Ctx, join
from gongkai.checker.codes import finding
from gongkai.core.messages import N_, Message
from gongkai.reports import model
from gongkai.reports.findings import Finding
from gongkai.reports.model import SECTION3_COLUMNS, SECTION4_COLUMNS, SECTION4_GROUPS

# --- ordinal lists -----------------------------------------------------------------------------

_CN_DIGITS: dict[str, int] = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_NUMERALS = frozenset("一二三四五六七八九十")
#: Characters that make "一是" part of a word (统一是, 唯一是, 之一是, 第一是 …), not a list marker.
_NOT_BEFORE_SHI = frozenset("统唯万之其第同单逐划专均归合")
#: "第一，" counts as a list marker only at the start of a sentence or clause list ("。第一，…；第二，…").
_BEFORE_DI = frozenset("。;；:：!！?？\n")
_SHI = re.compile("是")
_DI = re.compile(r"第([一二三四五六七八九十]{1,3})(?=[,，:：])")


def _ordinals(text: str) -> Iterator[tuple[str, str]]:
    """("是" or "第", numeral) of every list marker "一是…" / "第一，…", in order of kind then position."""
    for m in _SHI.finditer(text):
        end = m.start()
        start = end
        while start > 0 and end - start < 3 and text[start - 1] in _NUMERALS:
            start -= 1
        if start == end or (start > 0 and text[start - 1] in _NOT_BEFORE_SHI):
            continue
        yield "是", text[start:end]
    for m in _DI.finditer(text):
        if m.start() == 0 or text[m.start() - 1] in _BEFORE_DI:
            yield "第", m.group(1)


def _cn_number(s: str) -> int | None:
    if s == "十":
        return 10
    if len(s) == 1:
        return _CN_DIGITS.get(s)
    if len(s) == 2 and s[0] == "十":
        d = _CN_DIGITS.get(s[1])
        return 10 + d if d else None
    if len(s) == 2 and s[1] == "十":
        d = _CN_DIGITS.get(s[0])
        return 10 * d if d else None
    if len(s) == 3 and s[1] == "十":
        a, b = _CN_DIGITS.get(s[0]), _CN_DIGITS.get(s[2])
        return 10 * a + b if a and b else None
    return None


def _cn_ordinal(n: int) -> str:
    digits = "一二三四五六七八九"
    if n <= 9:
        return digits[n - 1]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else digits[tens - 1]) + "十" + (digits[ones - 1] if ones else "")


def _ordinal_lists(markers: Iterable[tuple[str, str]]) -> Iterator[list[tuple[int, str]]]:
    """Runs of ordinals of one kind, each starting at 一 (a 一 starts a new list)."""
    current: list[tuple[int, str]] = []
    for kind, numeral in markers:
        n = _cn_number(numeral)
        if n is None:
            continue
        word = f"{numeral}是" if kind == "是" else f"第{numeral}"
        if n == 1:
            if current:
                yield current
            current = [(n, word)]
        elif current:
            current.append((n, word))
    if current:
        yield current


def check_numbering(ctx: Ctx) -> list[Finding]:
    out: list[Finding] = []
    sections = ctx.report.sections or {"": ctx.report.text}
    for key, text in sections.items():
        number = model.SECTION_BY_KEY[key].number if key in model.SECTION_BY_KEY else ""
        markers = list(_ordinals(text))
        for suffix in ("是", "第"):
            for items in _ordinal_lists(m for m in markers if m[0] == suffix):
                if all(n == i + 1 for i, (n, _) in enumerate(items)):
                    continue
                found = join(w for _, w in items)
                if suffix == "是":
                    expected = join(f"{_cn_ordinal(i + 1)}是" for i in range(len(items)))
                else:
                    expected = join(f"第{_cn_ordinal(i + 1)}" for i in range(len(items)))
                template = (
                    N_("第%(number)s部分列举序号为“%(found)s”，不连续或重复；应为“%(expected)s”。")
                    if number
                    else N_("正文列举序号为“%(found)s”，不连续或重复；应为“%(expected)s”。")
                )
                out.append(
                    finding(
                        "prose.numbering",
                        Message(template, {"number": number, "found": found, "expected": expected}),
                        section=key or None,
                        expected=expected,
                        found=found,
                    )
                )
    return out


# --- duplicated clauses -------------------------------------------------------------------------

_MIN_REPEAT = 12
#: A clause of >= 12 characters (between punctuation marks or line breaks).
_LONG_CLAUSE = re.compile(r"[^,，。;；:：!！?？、\n]{12,}")
#: A clause that begins (or, reversed, ends) with a block of >= 12 characters written twice in a row.
_DOUBLED_START = re.compile(r"(.{12,}?)\1")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_TABLE_WORDS = re.compile(
    "|".join(
        sorted(
            {re.escape(c.label) for c in SECTION3_COLUMNS + SECTION4_COLUMNS}
            | {re.escape(g.label) for g in SECTION4_GROUPS}
            | {"行政复议", "行政诉讼", "法人或其他组织", "申请人情况"},
            key=len,
            reverse=True,
        )
    )
)


def _doubled_blocks(text: str) -> Iterator[str]:
    """Blocks of >= 12 characters written twice back to back.

    Either a clause repeated right after a punctuation mark ("A，A"), or a clause that starts or ends
    with a doubled block ("XX…", "…XX": the usual copy-paste slip, e.g. "…、聚焦新中国成立70周年平潭专场
    新闻发布会聚焦新中国成立70周年平潭专场新闻发布会；"). Linear in the text; a doubled block in the
    middle of a longer clause is not looked for.
    """
    previous, previous_end = "", -2
    for m in _LONG_CLAUSE.finditer(text):
        clause = m.group()
        if clause == previous and m.start() == previous_end + 1:
            yield clause
        previous, previous_end = clause, m.end()
        if len(clause) < 2 * _MIN_REPEAT:
            continue
        # XX…: the first 12 characters occur again further on (cheap test before the regex).
        if clause.find(clause[:_MIN_REPEAT], _MIN_REPEAT) >= 0:
            d = _DOUBLED_START.match(clause)
            if d:
                yield d.group(1)
                continue
        if clause.rfind(clause[-_MIN_REPEAT:], 0, len(clause) - _MIN_REPEAT) >= 0:
            d = _DOUBLED_START.match(clause[::-1])
            if d:
                yield d.group(1)[::-1]


def check_duplicates(ctx: Ctx) -> list[Finding]:
    out: list[Finding] = []
    seen: set[str] = set()
    for block in _doubled_blocks(ctx.prose):
        shown = block.strip()
        if shown in seen or len(_CJK.findall(_TABLE_WORDS.sub("", shown))) < 8:
            continue
        seen.add(shown)
        out.append(
            finding(
                "prose.duplicate_clause",
                Message(N_("“%(text)s”连续重复出现了两次，应删去重复的一处。"), {"text": shown}),
                section=ctx.section_of(WHITESPACE.sub("", shown + shown)),
                expected=shown,
                found=shown + shown,
            )
        )
    return out
