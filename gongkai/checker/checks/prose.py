"""Prose against tables: numbers stated in sentences ("共收到政府信息公开申请N件") and itemised sums
("信息N条，其中…") compared with the cells they name.

Deliberately conservative: a number in the text is compared with a table cell only when an explicit
sentence pattern ties it to exactly one cell; a false error on a correct report is worse than a missed
one."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from gongkai.checker.checks.context import (
    MISSING,
    S3_COLUMN_LABEL,
    S4_GROUP_LABEL,
    Ctx,
    Missing,
    cell_place,
    num,
    show,
)
from gongkai.checker.codes import finding
from gongkai.core.messages import N_, Message
from gongkai.reports.findings import Finding
from gongkai.reports.model import ReportFormat
from gongkai.reports.tables import Cell

_SENTENCE_SPLIT = re.compile(r"[。!?！？]")
_CLAUSE_BREAK = re.compile(r"[,，;；:：。]")
_PROSE_TRIGGER = re.compile(r"新收|收到|接收|受理|接到|办结|答复|结转|予以公开|部分公开|复议|诉讼|规范性文件")
_YEAR_IN = re.compile(r"(?<!\d)((?:19|20)\d\d)年")
_NOT_THIS_YEAR = re.compile(r"上年|去年|上一年|前年|累计|历年|同期|以来")
_THIS_YEAR = re.compile(r"本年|全年|今年|年内|年度")
_RECEIVED_WORDS = re.compile(r"新收|收到|接收|受理|接到")
#: Reconsideration/litigation counts are compared only when the sentence ties them to 政府信息公开
#: ("因政府信息公开引起的行政复议案件2件") or stands in section 四; an agency's other cases are not
#: table 四's.
_OGI_CONTEXT = re.compile(
    r"(?:因|涉及|关于|针对|对)(?:政府)?信息公开|(?:政府)?信息公开(?:工作|申请|答复)?(?:引起|引发|而|被)"
)
_APPLICATION_CONTEXT = re.compile(r"申请|办结|答复")
_NOT_OUTCOME_CONTEXT = re.compile(r"复议|诉讼|主动")
_CARRIED_CONTEXT = re.compile(r"上一?年度?结转")

_N = r"(?P<n>\d+)"
_MID_BAD = re.compile(r"复议|诉讼|信访|举报|投诉|补正|建议|提案|来信|来电|咨询|诉求|热线")
_APPLICATION = r"(?:政府信息公开申请|依申请公开申请|信息公开申请|公开申请|申请)"
_RECEIVED_PATTERNS: tuple[re.Pattern[str], ...] = (
    # 共收到政府信息公开申请8件 / 接收……政府信息公开申请共计81件 / 新收政府信息公开申请8件
    re.compile(
        r"(?P<gong>共|共计|合计)?(?:新收到?|收到|接收|受理|接到)(?:了)?(?P<mid>[^,，;；。:：]{0,24}?)"
        + _APPLICATION
        + r"(?P<gong2>共计|共|合计)?"
        + _N
        + r"(?:件|份|个)"
    ),
    # 共收到70件申请 / 共收到8份政府信息公开申请
    re.compile(
        r"(?P<gong>共|共计|合计)(?:新收到?|收到|接收|受理|接到)(?:了)?"
        + _N
        + r"(?:件|份|个)(?P<mid>(?:各类)?(?:政府信息公开|依申请公开|信息公开)?)申请"
    ),
)
_RECEIVED_NONE = re.compile(
    r"(?:未|没有)(?:收到|接到|接收|受理)(?:过|任何)?(?:政府信息公开申请|依申请公开(?:申请|事项)?|信息公开申请)"
)
_ANSWERED = re.compile(
    r"(?:(?<![未不])办结|(?<![未不])(?<!未予)(?<!不予)答复)(?:了)?(?:政府信息公开申请|依申请公开(?:申请|事项)?|申请)?(?:共计|共)?"
    + _N
    + r"件"
)
#: 四、结转下年度继续办理: "1件结转下年度继续办理" / "结转下一年度办理2件".
_CARRIED_FORWARD = (
    re.compile(_N + r"件(?:申请)?(?:将|已)?结转(?:至|到)?下一?年度?"),
    re.compile(r"结转(?:至|到)?下一?年度?(?:继续)?(?:办理)?(?:的)?(?:申请)?(?:共计|共)?" + _N + r"件"),
)
#: 二、上年结转: "上年结转政府信息公开申请3件".
_CARRIED_OVER = re.compile(
    r"上一?年度?结转(?:的)?(?:政府信息公开|依申请公开)?(?:申请)?(?:共计|共)?" + _N + r"件"
)
#: A part of a total ("其中区卫健委受理12件") is not the agency's own count.
_PART_OF = re.compile(r"其中|分别|占")
_GRANTED = re.compile(r"(?<![主动不])予以公开(?:共)?" + _N + r"件")
_PARTIAL = re.compile(r"部分公开(?:共)?" + _N + r"件")
_COMBINED_OUTCOME = re.compile(r"(?:予以公开|部分公开)[和及与、/]$")
_RECONSIDERATION = re.compile(r"行政复议(?:案件|申请)?(?:共计|共)?" + _N + r"(?:件|起|宗)")
_LITIGATION = re.compile(r"诉讼(?:案件)?(?:共计|共)?" + _N + r"(?:件|起|宗)")
_COMBINED_APPEAL = re.compile(r"复议[、和及与/](?:行政)?$")
_IN_FORCE = re.compile(r"现行有效(?:的)?(?:行政)?规范性文件(?:共计|共|有)?" + _N + r"件")
_ISSUED = re.compile(r"(?:制发|印发|出台)(?:了)?(?:的)?(?:行政)?规范性文件(?:共计|共)?" + _N + r"件")
_ABOLISHED = re.compile(r"废止(?:了)?(?:失效)?(?:的)?(?:行政)?规范性文件(?:共计|共)?" + _N + r"件")


@dataclass
class _Claim:
    sentence: str
    n: int
    table: str
    row: str | None
    column: str
    what: str  # the claim in words, e.g. "本年新收政府信息公开申请"
    #: Another row of the same column whose sum with the claimed cell the sentence may mean too: "收到"
    #: said of 一、本年新收 plus 二、上年结转 (the applications handled this year).
    or_plus: str | None = None


def _sentences(compact: str) -> Iterator[str]:
    """Sentences of the whitespace-free text that may state a number the tables have."""
    for sentence in _SENTENCE_SPLIT.split(compact):
        if _PROSE_TRIGGER.search(sentence):
            yield sentence


def _clause_before(sentence: str, start: int) -> str:
    """The clause the match starts in, up to the match."""
    cut = 0
    for m in _CLAUSE_BREAK.finditer(sentence, 0, start):
        cut = m.end()
    return sentence[cut:start]


def _other_year(text: str, year: int | None) -> bool:
    return any(year is None or int(m.group(1)) != year for m in _YEAR_IN.finditer(text))


def _plain_this_year(sentence: str, start: int, year: int | None) -> bool:
    """The clause before the number does not point at another year or a cumulative figure."""
    clause = _clause_before(sentence, start)
    return not _NOT_THIS_YEAR.search(clause) and not _other_year(clause, year)


def _claims(sentence: str, year: int | None, fmt: ReportFormat, in_appeals: bool) -> Iterator[_Claim]:
    """The numbers a sentence states that one table cell (or one sum of cells) also has."""
    # Applications received this year -> 表三 一、本年新收 总计 (not when the sentence mixes in 上年结转)
    if _RECEIVED_WORDS.search(sentence) and not _CARRIED_CONTEXT.search(sentence):
        yield from _received_claims(sentence, year)
    if _APPLICATION_CONTEXT.search(sentence):
        yield from _answered_claims(sentence, year)
        yield from _outcome_claims(sentence, year)
    if "结转" in sentence:
        yield from _carried_claims(sentence, year)
    # Reconsideration and litigation -> 表四 (only where the text is about 政府信息公开)
    yield from _appeal_claims(sentence, year, in_appeals)
    # Normative documents -> 表二 第二十条第（一）项 (the 2021 columns only)
    if fmt.version == "2021" and "规范性文件" in sentence:
        yield from _normative_claims(sentence, year)


def _received_claims(sentence: str, year: int | None) -> Iterator[_Claim]:
    for pattern in _RECEIVED_PATTERNS:
        for m in pattern.finditer(sentence):
            # "新收…" is the table's own row 一 (本年新收); "共收到…", "受理…申请17件" state the year's
            # applications too, but may count 一 plus 二 (上年结转): either agrees.
            if _MID_BAD.search(m.group("mid") or "") or not _plain_this_year(sentence, m.start(), year):
                continue
            if _PART_OF.search(_clause_before(sentence, m.start())):
                continue
            own_row = "新收" in m.group()
            yield _Claim(
                sentence,
                int(m.group("n")),
                "section3",
                "new_received",
                "total",
                "本年新收申请",
                or_plus=None if own_row else "carried_over",
            )
    for m in _RECEIVED_NONE.finditer(sentence):
        if _plain_this_year(sentence, m.start(), year):
            yield _Claim(sentence, 0, "section3", "new_received", "total", "本年新收申请")


def _answered_claims(sentence: str, year: int | None) -> Iterator[_Claim]:
    if "办结" in sentence or "答复" in sentence:
        for m in _ANSWERED.finditer(sentence):
            if _plain_this_year(sentence, m.start(), year):
                yield _Claim(sentence, int(m.group("n")), "section3", "total", "total", "办结申请")


def _carried_claims(sentence: str, year: int | None) -> Iterator[_Claim]:
    for pattern in _CARRIED_FORWARD:
        for m in pattern.finditer(sentence):
            if not _PART_OF.search(_clause_before(sentence, m.start())) and not _other_year(
                _clause_before(sentence, m.start()), year
            ):
                yield _Claim(
                    sentence, int(m.group("n")), "section3", "carried_forward", "total", "结转下年度"
                )
    for m in _CARRIED_OVER.finditer(sentence):
        if not _PART_OF.search(_clause_before(sentence, m.start())):
            yield _Claim(sentence, int(m.group("n")), "section3", "carried_over", "total", "上年结转")


def _outcome_claims(sentence: str, year: int | None) -> Iterator[_Claim]:
    for word, pattern, row in (
        ("予以公开", _GRANTED, "granted"),
        ("部分公开", _PARTIAL, "partially_granted"),
    ):
        if word not in sentence:
            continue
        for m in pattern.finditer(sentence):
            if _COMBINED_OUTCOME.search(sentence, max(0, m.start() - 5), m.start()):
                continue  # "予以公开及部分公开42件" is the sum of two rows
            clause = _clause_before(sentence, m.start())
            if _NOT_OUTCOME_CONTEXT.search(clause) or not _plain_this_year(sentence, m.start(), year):
                continue
            yield _Claim(sentence, int(m.group("n")), "section3", row, "total", word)


def _appeal_claims(sentence: str, year: int | None, in_appeals: bool) -> Iterator[_Claim]:
    appeal_patterns: tuple[tuple[str, re.Pattern[str], str | None, str], ...] = (
        ("复议", _RECONSIDERATION, "reconsideration", "行政复议"),
        ("诉讼", _LITIGATION, None, "行政诉讼"),
    )
    for word, pattern, group, label in appeal_patterns:
        if word not in sentence:
            continue
        for m in pattern.finditer(sentence):
            prefix = sentence[: m.start()]
            if not (in_appeals or _OGI_CONTEXT.search(prefix)):
                continue
            if group is None and _COMBINED_APPEAL.search(prefix):
                continue  # "行政复议、行政诉讼案件共3件" is the sum of both
            if not _plain_this_year(sentence, m.start(), year):
                continue
            yield _Claim(sentence, int(m.group("n")), "section4", group, "total", label)


def _normative_claims(sentence: str, year: int | None) -> Iterator[_Claim]:
    for pattern, column, what, needs_year in (
        (_IN_FORCE, "in_force", "现行有效行政规范性文件", False),
        (_ISSUED, "issued", "本年制发行政规范性文件", True),
        (_ABOLISHED, "abolished", "本年废止行政规范性文件", False),
    ):
        for m in pattern.finditer(sentence):
            if not _plain_this_year(sentence, m.start(), year):
                continue
            if needs_year and not (
                _THIS_YEAR.search(sentence[: m.start()])
                or (year is not None and f"{year}年" in sentence[: m.start()])
            ):
                continue
            yield _Claim(sentence, int(m.group("n")), "section2", "normative_documents", column, what)


#: What a claim is about, as a message parameter (``_Claim.what`` is the Chinese).
_WHAT: dict[str, Message] = {
    m.template: m
    for m in (
        Message(N_("本年新收申请")),
        Message(N_("办结申请")),
        Message(N_("结转下年度")),
        Message(N_("上年结转")),
        Message(N_("予以公开")),
        Message(N_("部分公开")),
        Message(N_("行政复议")),
        Message(N_("行政诉讼")),
        Message(N_("现行有效行政规范性文件")),
        Message(N_("本年制发行政规范性文件")),
        Message(N_("本年废止行政规范性文件")),
    )
}


def _claim_value(ctx: Ctx, claim: _Claim) -> tuple[Cell | Missing, Message | str]:
    """The table's value for a claim and where it is, in words."""
    if claim.table == "section4" and claim.row is None:
        a = ctx.cell("section4", "litigation_direct", "total")
        b = ctx.cell("section4", "litigation_after_reconsideration", "total")
        if isinstance(a, Missing | str) or isinstance(b, Missing | str) or (a is None and b is None):
            return MISSING, ""
        return (a or 0) + (b or 0), Message(
            N_("表四行政诉讼“%(direct)s”与“%(after)s”的“%(total)s”之和"),
            {"direct": "未经复议直接起诉", "after": "复议后起诉", "total": "总计"},
        )
    assert claim.row is not None
    v = ctx.cell(claim.table, claim.row, claim.column)
    if claim.table == "section2":
        row_label, col_label = ctx.section2_labels(claim.row, claim.column)
        return v, cell_place("section2", row_label, col_label)
    if claim.table == "section4":
        return v, Message(
            N_("表四“%(group)s”的“%(total)s”"), {"group": S4_GROUP_LABEL[claim.row], "total": "总计"}
        )
    return v, cell_place("section3", ctx.section3_label(claim.row), S3_COLUMN_LABEL[claim.column])


def _snippet(sentence: str, limit: int = 90) -> str:
    return sentence if len(sentence) <= limit else sentence[: limit - 1] + "…"


def check_prose_tables(ctx: Ctx) -> list[Finding]:
    report = ctx.report
    out: list[Finding] = []
    seen: set[tuple[str, str | None, str, int, str]] = set()
    appeals = ctx.compact_sections.get("appeals", "")
    for sentence in _sentences(ctx.compact):
        for claim in _claims(sentence, report.year, ctx.fmt, bool(appeals) and sentence in appeals):
            value, where = _claim_value(ctx, claim)
            if not isinstance(value, int | float):
                continue
            if abs(value - claim.n) < 1e-9:
                continue
            if claim.or_plus is not None:
                other = ctx.cell(claim.table, claim.or_plus, claim.column)
                if isinstance(other, int | float) and abs(value + other - claim.n) < 1e-9:
                    continue  # 一 plus 二 reported as the applications received
            key = (claim.table, claim.row, claim.column, claim.n, sentence)
            if key in seen:
                continue
            seen.add(key)
            out.append(
                finding(
                    "prose.table_mismatch",
                    Message(
                        N_(
                            "正文“%(sentence)s”中%(what)s为%(n)s件，但%(where)s为%(value)s；正文与表格应一致。"
                        ),
                        {
                            "sentence": _snippet(sentence),
                            "what": _WHAT.get(claim.what, claim.what),
                            "n": claim.n,
                            "where": where,
                            "value": show(value),
                        },
                    ),
                    section=ctx.section_of(sentence),
                    table=claim.table,
                    row=claim.row,
                    column=claim.column,
                    expected=num(value),
                    found=claim.n,
                )
            )
    return out


#: "…信息2599条，(其中…": found by its literal part; the words before it are checked separately.
_SUM_HEAD = re.compile(r"信息" + _N + r"条[,，]?(?P<open>[(（])?其中[:：]?")
_SUM_LEAD = re.compile(r"(?:共计?|合计)(?:主动)?(?:公布|公开|发布)?(?:了)?(?:各类)?(?:政府)?$")
_SUM_CLOSE = re.compile(r"[)）。]")
_SUM_ITEM = re.compile(r"(?P<name>[^,，;；()（）。:：\d]{1,30}?信息)(?P<n>\d+)条")
_SUM_SEP = re.compile(r"[,，;；]")


def check_prose_sums(ctx: Ctx) -> list[Finding]:
    out: list[Finding] = []
    text = ctx.compact
    for m in _SUM_HEAD.finditer(text):
        if not _SUM_LEAD.search(text, max(0, m.start() - 12), m.start()):
            continue
        total = int(m.group("n"))
        close = _SUM_CLOSE.search(text, m.end(), m.end() + 600)
        if close is None or (close.group() == "。") == bool(m.group("open")):
            continue  # "(其中…" must end with ")", "其中…" with "。"
        end = close.start()
        parts = _SUM_SEP.split(text[m.end() : end])
        items: list[tuple[str, int]] = []
        for part in parts:
            im = _SUM_ITEM.fullmatch(part)
            if im is None:
                items = []
                break
            items.append((im.group("name"), int(im.group("n"))))
        if len(items) < 2:
            continue
        parts_sum = sum(n for _, n in items)
        exhaustive = items[-1][0].startswith(("其他", "其它"))
        if parts_sum == total or (parts_sum < total and not exhaustive):
            continue
        out.append(
            finding(
                "prose.sum_mismatch",
                Message(
                    N_(
                        "正文称共公布政府信息%(total)s条，但“其中”所列各类信息之和为%(sum)s条（%(parts)s），两者应相等。"
                    ),
                    {"total": total, "sum": parts_sum, "parts": "+".join(str(n) for _, n in items)},
                ),
                section=ctx.section_of(text[m.start() : m.end()]),
                expected=total,
                found=parts_sum,
            )
        )
    return out
