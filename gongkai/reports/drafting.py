"""Drafts of the annual report's prose sections (一、总体情况, 五、存在的主要问题及改进情况,
六、其他需要报告的事项), and the "copied from last year" warning for 五. Pure Python (no Django).

The drafts are starting points for the officer, one paragraph per line (``ReportDocument.paragraphs``):

* every figure is the year's real one (:class:`gongkai.reports.figures.YearFigures`), written the way the
  checker reads prose (``gongkai/checker/checks/prose.py``: ``_claims`` compares "共收到政府信息公开申请N件",
  "办结…N件", "予以公开N件", "部分公开N件", "因政府信息公开引起的行政复议案件N件", "…行政诉讼案件N件" and
  the 2021 format's "制发/废止/现行有效行政规范性文件N件" with the tables; ``_check_prose_sums`` adds up
  "共主动公开政府信息N条，其中…信息N条…"), so a draft never contradicts its own tables;
* what only the officer knows is a placeholder ``【请填写：…】`` (:data:`PLACEHOLDER`); publishing refuses a
  text in which :func:`find_placeholders` still finds one.

30号's instructions (docs/law.md §2.3): 一 covers 主动公开、依申请公开、政府信息管理、平台建设、监督保障;
五 the main problems and the improvements (and, by common practice, how last year's problems were dealt
with); 六 must state the 信息处理费 — the number of 收费通知 issued, their total amount and the amount
actually collected (``ReportFormat.requires_fee_statement``) — then the 政务公开工作要点, the 人大代表建议和
政协提案, innovations and anything else. Copy-paste reports ("内容雷同") are named by 30号 as grounds for
accountability: :func:`copied_from_previous` warns when 五 is last year's with light edits, or pasted
into this year's template.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from decimal import Decimal

from gongkai.reports.figures import Appeals, CategoryCount, YearFigures
from gongkai.reports.model import RESULT_GROUP, SECTION3_HEADER_GROUPS, ReportFormat

# ---------------------------------------------------------------------------------------------
# Placeholders
# ---------------------------------------------------------------------------------------------

#: What the officer must replace: ``【请填写：what to write】`` (or a bare ``【请填写】``).
PLACEHOLDER = re.compile(r"【请填写(?:[:：][^【】]*)?】")


def placeholder(what: str) -> str:
    return f"【请填写：{what}】"


def find_placeholders(text: str) -> list[str]:
    """Every placeholder still in ``text``, in order (empty when the officer has replaced them all)."""
    return PLACEHOLDER.findall(text)


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------

_NUMERALS = "一二三四五六七八九十"
#: How many 主题分类 the overview names; the rest are added up as 其他.
TOP_CATEGORIES = 5
#: A category of this name is the rest, not one to name.
_OTHER_CATEGORY = "其他"


def _ordinal(n: int) -> str:
    """（一） … （二十）."""
    if n <= 10:
        text = _NUMERALS[n - 1]
    else:
        tens, ones = divmod(n, 10)
        text = ("" if tens == 1 else _NUMERALS[tens - 1]) + "十" + (_NUMERALS[ones - 1] if ones else "")
    return f"（{text}）"


def yuan(amount: Decimal) -> str:
    """An amount in 元 as reports write it: ``1200``, ``35.5``, ``0.05`` (no grouping, no trailing zeros)."""
    value = amount.quantize(Decimal("0.01"))
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _lines(*paragraphs: str) -> str:
    return "\n".join(p for p in paragraphs if p)


# ---------------------------------------------------------------------------------------------
# 一、总体情况
# ---------------------------------------------------------------------------------------------


def _categories_clause(categories: tuple[CategoryCount, ...], published: int) -> str:
    """ "其中综合政务类信息12条，…，其他信息3条" — the parts add up to ``published`` exactly."""
    named = [c for c in categories if c.name != _OTHER_CATEGORY and c.count > 0][:TOP_CATEGORIES]
    if not named:
        return ""
    parts = [f"{c.name}类信息{c.count}条" for c in named]
    rest = published - sum(c.count for c in named)
    if rest > 0:
        parts.append(f"其他信息{rest}条")
    return "，其中" + "，".join(parts)


def _proactive_paragraph(f: YearFigures, fmt: ReportFormat) -> str:
    p = f.proactive
    sentences: list[str] = []
    if p.published:
        sentences.append(
            f"本年度通过政府信息公开目录共主动公开政府信息{p.published}条"
            + _categories_clause(p.categories, p.published)
            + "。"
        )
        if p.article20:
            sentences.append(f"按照《条例》第二十条规定应当主动公开的信息{p.article20}条。")
        if p.interpretations:
            sentences.append(f"发布政策解读{p.interpretations}条。")
    else:
        sentences.append("本年度未通过政府信息公开目录发布政府信息。")
    d = f.documents
    if d is not None:  # 2021 format: table 二, 第二十条第（一）项 (规章 only when the agency has any)
        regulations = (d.regulations_issued, d.regulations_abolished, d.regulations_in_force)
        normative = (d.normative_issued, d.normative_abolished, d.normative_in_force)
        rows = [("regulations", regulations)] if any(regulations) else []
        rows.append(("normative_documents", normative))
        for key, (issued, abolished, in_force) in rows:
            label = fmt.section2_row(key)[1].label
            sentences.append(
                f"本年度制发{label}{issued}件，废止{label}{abolished}件，截至年底现行有效{label}{in_force}件。"
            )
    sentences.append(placeholder("重点领域信息公开、政策解读、回应社会关切等工作情况"))
    return "".join(sentences)


def _counted(parts: list[tuple[str, int]]) -> str:
    """ "结果维持1件，尚未审结2件": the non-zero parts."""
    return "，".join(f"{word}{n}件" for word, n in parts if n)


def _appeal_results(appeals: Appeals, fmt: ReportFormat) -> str:
    values = {
        "upheld": appeals.upheld,
        "corrected": appeals.corrected,
        "other": appeals.other,
        "pending": appeals.pending,
    }
    return _counted([(c.label, values[c.key]) for c in fmt.section4_columns if c.key in values])


_ORDINAL_PREFIX = re.compile(r"^（[一二三四五六七八九十]+）")
_TRAILING_NOTE = re.compile(r"（[^（）]*）$")


def _outcome_word(fmt: ReportFormat, row_key: str) -> str:
    """The outcome a table-三 row belongs to, as prose names it: "予以公开", "部分公开", "不予公开" …
    (the row's group without its number, or for a row of its own its label without number and note)."""
    row = fmt.section3_row(row_key)
    label = row.group if row.group is not None and row.group != RESULT_GROUP else row.label
    return _TRAILING_NOTE.sub("", _ORDINAL_PREFIX.sub("", label))


def _applications_paragraph(f: YearFigures, fmt: ReportFormat) -> str:
    a = f.applications
    sentences: list[str] = []
    if a.received:
        persons, organisations = fmt.section3_columns[0].label, SECTION3_HEADER_GROUPS[1]
        sentences.append(
            f"本年度共收到政府信息公开申请{a.received}件，其中{persons}{a.received_from_persons}件，"
            f"{organisations}{a.received_from_organisations}件。"
        )
    else:
        sentences.append("本年度未收到政府信息公开申请。")
    if a.carried_over:
        sentences.append(f"上年结转政府信息公开申请{a.carried_over}件。")
    if a.answered:
        outcomes = (
            ("granted", a.granted),
            ("partially_granted", a.partially_granted),
            ("denied_state_secret", a.denied),
            ("unable_not_held", a.unable),
            ("rejected_petition", a.rejected),
            (fmt.section3_result_keys[-1], a.other),  # （六）其他处理: its last row in either format
        )
        parts = [(_outcome_word(fmt, key), n) for key, n in outcomes]
        sentences.append(f"本年度办结政府信息公开申请{a.answered}件，其中{_counted(parts)}。")
    elif a.received or a.carried_over:
        sentences.append("本年度没有办结的政府信息公开申请。")
    if a.carried_forward:
        sentences.append(f"结转下年度继续办理{a.carried_forward}件。")
    # 行政复议 / 行政诉讼 (table 四's groups), each "因政府信息公开引起的…案件N件" as the checker reads it.
    appeals = [
        (fmt.section4_groups[0].label, f.reconsideration),
        (fmt.section4_groups[1].parent, f.litigation),
    ]
    for kind, counts in appeals:
        if counts.total:
            sentences.append(
                f"本年度因政府信息公开引起的{kind}案件{counts.total}件，其中{_appeal_results(counts, fmt)}。"
            )
    none = [kind for kind, counts in appeals if not counts.total]
    if none:
        sentences.append(f"本年度未发生因政府信息公开引起的{'、'.join(none)}案件。")
    sentences.append(placeholder("依申请公开的受理、办理、答复规范化等工作情况"))
    return "".join(sentences)


def draft_overview(f: YearFigures, agency_name: str, fmt: ReportFormat) -> str:
    """一、总体情况: the five subjects of 30号 — 主动公开 and 依申请公开 with the year's figures,
    政府信息管理, 平台建设 and 监督保障 as placeholders."""
    return _lines(
        f"{f.year}年，{agency_name}认真贯彻落实《中华人民共和国政府信息公开条例》（以下简称《条例》），"
        + placeholder("本年度政府信息公开工作的总体部署和主要成效")
        + "。",
        "（一）主动公开",
        _proactive_paragraph(f, fmt),
        "（二）依申请公开",
        _applications_paragraph(f, fmt),
        "（三）政府信息管理",
        placeholder("政府信息公开属性源头认定、发布审核和保密审查、政策文件清理等情况"),
        "（四）政府信息公开平台建设",
        placeholder("政府网站、政务新媒体、政府公报、政务服务场所公开专区等平台建设情况"),
        "（五）监督保障",
        placeholder(
            "组织领导、制度建设、工作培训等情况；各级人民政府还应写明工作考核、社会评议和责任追究结果情况"
        ),
    )


# ---------------------------------------------------------------------------------------------
# 五、存在的主要问题及改进情况
# ---------------------------------------------------------------------------------------------

#: Where last year's section 五 turns from the problems to the measures.
_MEASURES = re.compile(r"改进措施|整改措施|改进情况|下一步|以下措施|今后|工作打算|努力方向|将从以下|将着力")
#: A list marker at the start of a clause: 一是 / （一） / (1) / 1. / 1、 / 一、.
_ITEM_MARKER = re.compile(
    r"(?:^|(?<=[。；;：:，,！!？?\s]))"
    r"(?:[一二三四五六七八九十]{1,3}是|[（(](?:[一二三四五六七八九十]{1,3}|\d{1,2})[）)]"
    r"|\d{1,2}[.．、](?!\d)|[一二三四五六七八九十]{1,3}、)"
)
#: A heading such as "存在的主要问题：" left at the start of an item.
_PROBLEMS_HEADING = re.compile(r"^(?:存在的)?(?:主要)?问题(?:主要有以下几个方面|有)?[:：。]?")
_TRIM = "，,；;、：: \t"


def previous_problems_list(text: str | None) -> list[str]:
    """The problems listed in last year's section 五, one per entry (best effort: the officer reviews
    them). The measures part is left out; the items are found by their list markers (一是…, （一）…,
    1. …), or else by sentence; their markers are dropped (the draft numbers them again)."""
    if not text or not text.strip():
        return []
    body = "\n".join(line.strip() for line in text.replace("\r", "\n").split("\n") if line.strip())
    for cut in _MEASURES.finditer(body):
        # Back to the start of the sentence (or list item) the measures begin in; a match in a heading
        # before any problem ("存在的主要问题及改进情况") is not the turn.
        start = max(body.rfind(mark, 0, cut.start()) for mark in ("。", "\n", "；", ";"))
        head = body[: start + 1] if start >= 0 else ""
        if head.strip(_TRIM + "。\n"):
            body = head
            break
    markers = list(_ITEM_MARKER.finditer(body))
    if markers:
        ends = [m.start() for m in markers[1:]] + [len(body)]
        pieces = [body[m.end() : end] for m, end in zip(markers, ends, strict=True)]
    else:
        pieces = re.split(r"(?<=[。！!？?])|\n", body)
    items: list[str] = []
    for piece in pieces:
        item = _PROBLEMS_HEADING.sub("", piece.strip(_TRIM + "\n")).strip(_TRIM + "。\n")
        if item:
            items.append(item.replace("\n", "") + "。")
    return items


#: The fixed words of the 五 draft (what every agency's template says, not what the officer writes).
_PREVIOUS_HEADING = "上一年度报告所列问题的整改情况："
_FOLLOW_UP = "整改情况："
_THIS_YEAR = "本年度存在的主要问题："
_MEASURES_LEAD = "{year}年改进措施："


def _quoted_problem(n: int, problem: str) -> str:
    return f"{_ordinal(n)}{problem}"


def draft_problems(year: int, previous_problems: str | None) -> str:
    """五、存在的主要问题及改进情况: last year's problems listed for the officer to report how each was dealt
    with, then this year's problems and next year's measures as placeholders.

    ``previous_problems`` is last year's section 五 (or just its list of problems), ``None`` when there is
    no previous report on the platform.
    """
    lines = [_PREVIOUS_HEADING]
    problems = previous_problems_list(previous_problems)
    if problems:
        for n, problem in enumerate(problems, start=1):
            lines.append(_quoted_problem(n, problem))
            lines.append(_FOLLOW_UP + placeholder("针对该问题采取的整改措施及取得的成效，尚未解决的写明原因"))
    else:
        lines.append(placeholder(f"{year - 1}年度报告所列问题及其整改情况"))
    lines.append(_THIS_YEAR + placeholder("结合本年度工作实际具体写明，不照搬往年内容"))
    lines.append(_MEASURES_LEAD.format(year=year + 1) + placeholder("针对上述问题逐条写明改进措施"))
    return _lines(*lines)


# ---------------------------------------------------------------------------------------------
# 六、其他需要报告的事项
# ---------------------------------------------------------------------------------------------


def fee_statement(f: YearFigures) -> str:
    """The 信息处理费 sentence of section 六 (国办函〔2020〕109号; 30号)."""
    fees = f.fees
    if fees.notices:
        collected = (
            f"实际收取信息处理费{yuan(fees.collected_amount)}元"
            if fees.collected_amount
            else "未实际收取信息处理费"
        )
        return f"本年度共发出收费通知{fees.notices}件，总金额{yuan(fees.noticed_amount)}元，{collected}。"
    if fees.collected_amount:
        return (
            f"本年度未发出收费通知，实际收取信息处理费{yuan(fees.collected_amount)}元"
            "（上一年度发出的收费通知于本年度缴纳）。"
        )
    return "本年度未发出收费通知，未收取信息处理费。"


def draft_other(f: YearFigures, fmt: ReportFormat) -> str:
    """六、其他需要报告的事项: the 信息处理费 statement (required by the 2021 format, written in the 2019
    one only when there was a fee) and the other usual items as placeholders."""
    items: list[tuple[str, str]] = []
    if fmt.requires_fee_statement or f.fees.notices or f.fees.collected_amount:
        items.append(("信息处理费收取情况", fee_statement(f)))
    items += [
        ("上级年度政务公开工作要点落实情况", placeholder("落实上级政务公开工作要点的情况")),
        (
            "人大代表建议和政协提案办理结果公开情况",
            placeholder("办理结果公开情况；本年度未承办的，写明未承办人大代表建议和政协提案"),
        ),
        ("政务公开工作创新情况", placeholder("本机关政务公开工作的创新做法；没有的删去本项")),
        ("其他事项", placeholder("其他需要报告的事项；没有的写“无”")),
    ]
    lines: list[str] = []
    for n, (title, body) in enumerate(items, start=1):
        lines.append(f"{_ordinal(n)}{title}")
        lines.append(body)
    return _lines(*lines)


# ---------------------------------------------------------------------------------------------
# "Copied from last year" (内容雷同)
# ---------------------------------------------------------------------------------------------

#: ``similarity`` at or above this: section 五 is last year's with light edits. A copy with the years
#: changed and a few words swapped scores above 0.9; the same agency's genuinely rewritten 五 of another
#: year (same subject, same stock phrases) scores well below 0.5.
COPY_THRESHOLD = 0.85
#: ``containment`` at or above this: most of last year's 五 is in this year's, sentence for sentence — a
#: copy pasted into the template, whatever the template around it. The real sections 五 of one agency in
#: three different years (tests/fixtures/reports, 平潭 2019, 2021, 2023) share no sentence of
#: :data:`MIN_SENTENCE` characters or more (the stock phrases are shorter); this year's template quotes
#: last year's problems, but those lines are not the officer's and are left out first
#: (:func:`officer_written`).
CONTAINMENT_THRESHOLD = 0.5
#: Sentences shorter than this (normalised characters) are stock phrases ("进一步加强政务公开工作") that
#: say nothing about copying.
MIN_SENTENCE = 12

_DIGITS = re.compile(r"\d+")
_SENTENCE_END = re.compile(r"[。；;！!？?\n]")


def _normalise(text: str) -> str:
    """NFKC, without whitespace, punctuation and symbols; every run of digits becomes ``#`` (a copy with
    the years moved on is still a copy)."""
    text = unicodedata.normalize("NFKC", text)
    kept = "".join(ch for ch in text if not ch.isspace() and unicodedata.category(ch)[0] not in "PSZC")
    return _DIGITS.sub("#", kept)


def _bigrams(text: str) -> Counter[str]:
    if len(text) < 2:
        return Counter([text]) if text else Counter()
    return Counter(text[i : i + 2] for i in range(len(text) - 1))


def _jaccard(x: str, y: str) -> float:
    a, b = _bigrams(x), _bigrams(y)
    if not a and not b:
        return 1.0
    union = sum((a | b).values())
    return sum((a & b).values()) / union if union else 0.0


def similarity(a: str, b: str) -> float:
    """0..1: the weighted Jaccard index of the character bigrams of the two normalised texts (linear in
    their length). Two texts that are empty once normalised are identical (1.0); one empty text is
    nothing like another (0.0)."""
    return _jaccard(_normalise(a), _normalise(b))


def _template_leads() -> list[str]:
    leads = (_PREVIOUS_HEADING, _FOLLOW_UP, _THIS_YEAR, _MEASURES_LEAD.format(year=0))
    return sorted({_normalise(t) for t in leads}, key=len, reverse=True)


def _own_sentences(text: str, quoted: set[str]) -> list[str]:
    """The normalised sentences of ``text`` without the template's words: lines equal to one of ``quoted``
    (normalised) are left out, and a sentence's template lead-in ("整改情况：", "本年度存在的主要问题：") is
    cut off."""
    leads = _template_leads()
    kept: list[str] = []
    for line in text.replace("\r", "\n").split("\n"):
        if _normalise(line) in quoted:
            continue
        for sentence in _SENTENCE_END.split(line):
            normalised = _normalise(sentence)
            lead = next((lead for lead in leads if normalised.startswith(lead)), "")
            if normalised[len(lead) :]:
                kept.append(normalised[len(lead) :])
    return kept


def _quoted_problems(previous: str | None) -> set[str]:
    return {_normalise(_quoted_problem(n, p)) for n, p in enumerate(previous_problems_list(previous), 1)}


def officer_written(this: str, previous: str | None) -> str:
    """``this`` (this year's 五) without the words of the template :func:`draft_problems` made from
    ``previous``: its headings and lead-ins, and the lines quoting last year's problems, are the same in
    every report built on the platform, and would dilute any comparison with last year's text (last year's
    五 pasted verbatim into the template scored 0.6–0.7 as a whole, under the copy threshold of 0.85).
    Normalised (:func:`_normalise`), one sentence a line; a text not written in the template keeps all its
    words."""
    return "\n".join(_own_sentences(this, _quoted_problems(previous)))


def containment(this: str, previous: str) -> float:
    """0..1: the share of last year's distinctive text (its sentences of :data:`MIN_SENTENCE` normalised
    characters or more, template lead-ins cut off, by length) found word for word in ``this``, whatever
    else ``this`` holds — a measure the template's text and the officer's additions cannot dilute. 0.0 when
    last year's text has no such sentence."""
    return _contained(_normalise(this), _own_sentences(previous, set()))


def _contained(text: str, previous_sentences: list[str]) -> float:
    sentences = [s for s in previous_sentences if len(s) >= MIN_SENTENCE]
    total = sum(len(s) for s in sentences)
    if not total:
        return 0.0
    return sum(len(s) for s in sentences if s in text) / total


def copied_from_previous(this: str, previous: str | None) -> bool:
    """Whether ``this`` (this year's section 五) is last year's with light edits, or pasted into this year's
    template: what the officer wrote (:func:`officer_written`) is what was written last year (its template's
    lead-ins cut off too) with light edits (``similarity >= COPY_THRESHOLD``), or holds most of last year's
    sentences word for word (``containment >= CONTAINMENT_THRESHOLD``). No previous text, or an empty one,
    or nothing written by the officer: ``False``."""
    if not previous or not _normalise(previous) or not _normalise(this):
        return False
    own = "".join(_own_sentences(this, _quoted_problems(previous)))
    if not own:
        return False
    # Last year's own words too: its 五 may have been written in last year's template.
    last = _own_sentences(previous, set())
    return _jaccard(own, "".join(last)) >= COPY_THRESHOLD or _contained(own, last) >= CONTAINMENT_THRESHOLD
