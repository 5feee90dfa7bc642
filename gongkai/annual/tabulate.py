"""Tables 二, 三 and 四 of the annual report (年度报告), computed from the records (docs/decisions.md D7–D9).

Each table is a few grouped aggregate queries (``values(...).annotate(Count(..., filter=...))``); the
Python code only folds the handful of groups (applicant type × outcome, group × result, document type,
item kind) into the official rows and columns of :mod:`gongkai.reports.model`. No loop ever runs over
cases, appeals or catalogue entries, so the number of queries does not grow with the records.

All three take the agencies' ids, so that a supervisor's roll-up (汇总) is the same call with more ids.

* :func:`table3` — 收到和处理政府信息公开申请情况 (D7);
* :func:`table4` — 政府信息公开行政复议、行政诉讼情况 (D8);
* :func:`table2` — 主动公开政府信息情况, 2021 format only (D9: the 2019 table 二 is entered by hand).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.db.models import Case, CharField, Count, Q, QuerySet, Value, When

from gongkai.applications.models import Appeal, AppealKind, Application
from gongkai.catalogue.models import DocumentType, Item, ItemKind, Status
from gongkai.reports.model import (
    FIRST_STRUCTURED_YEAR,
    SECTION2_2021,
    SECTION3_APPLICANT_COLUMNS,
    SECTION3_COLUMN_KEYS,
    SECTION3_ROWS,
    SECTION4_COLUMN_KEYS,
    SECTION4_GROUP_KEYS,
    FormatVersion,
    format_for_year,
)
from gongkai.statute.outcomes import OUTCOME_KEYS, row_for

Table = dict[str, dict[str, int]]
Table2 = dict[str, dict[str, int | None]]

#: Catalogue entries that count in table 二: published ones, and published ones later withdrawn (已撤回) —
#: a withdrawal takes an entry off the site but does not undo the fact that it was published (D9).
TABLE2_STATUSES: tuple[str, ...] = (Status.PUBLISHED, Status.WITHDRAWN)
#: 第二十条（一）: document type → table-二 row.
DOCUMENT_ROWS: dict[str, str] = {
    DocumentType.REGULATION: "regulations",  # 规章
    DocumentType.NORMATIVE: "normative_documents",  # 行政规范性文件
}
#: 第二十条（五）（六）: decision kind → table-二 row (本年处理决定数量).
DECISION_ROWS: dict[str, str] = {
    ItemKind.LICENSING: "licensing",  # 行政许可
    ItemKind.PENALTY: "penalty",  # 行政处罚
    ItemKind.ENFORCEMENT: "enforcement",  # 行政强制
}
#: Rows whose figure is entered by hand (行政事业性收费 in 万元, from the finance system).
HAND_ENTERED_ROWS: frozenset[str] = frozenset({"fees"})


def _format(year: int) -> FormatVersion:
    version = format_for_year(year)
    if version is None:
        raise ValueError(
            f"{year}年的年度报告没有统一表格格式（{FIRST_STRUCTURED_YEAR}年起适用），无法从记录生成表格。"
        )
    return version


def _year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


# ---------------------------------------------------------------------------------------------
# Table 三 — 收到和处理政府信息公开申请情况 (D7)
# ---------------------------------------------------------------------------------------------


def _table3_conditions(first: datetime.date, last: datetime.date) -> dict[str, Q]:
    """The conditions of table 三's rows (D7), shared by the counts and the lists behind each cell."""
    not_answered_before = Q(counted_answer_on__isnull=True) | Q(counted_answer_on__gte=first)
    return {
        "new_received": Q(receipt_date__gte=first, receipt_date__lte=last),
        "not_answered_before": not_answered_before,
        "carried_over": Q(receipt_date__lt=first) & not_answered_before,
        "answered": Q(counted_answer_on__gte=first, counted_answer_on__lte=last),
        "carried_forward": Q(receipt_date__lte=last)
        & (Q(counted_answer_on__isnull=True) | Q(counted_answer_on__gt=last)),
    }


def table3(agency_ids: Sequence[int], year: int) -> Table:
    """Row key → column key → count, for every row of the year's format and every column.

    * 一 ``new_received``: 收到申请之日 in the year;
    * 二 ``carried_over`` (上年结转): received before 1 January, not answered before 1 January;
    * 三 result rows: answered in the year, in the row of its outcome (``outcomes.row_for``);
      （七） ``total`` is their sum;
    * 四 ``carried_forward`` (结转下年度): received by 31 December, not answered by 31 December.

    "Answered" is the case's first answer or withdrawal (``counted_answer_on`` / ``counted_outcome``): a
    case reopened after a reconsideration decision or a judgment and answered again still counts once, by
    its first answer, so that a published report's 四 stays next year's 二 (the appeal itself is in 四).
    A case without a receipt date (an e-mail withdrawn before its receipt was confirmed: never received,
    D2) counts nowhere. Column ``total`` (总计) is the sum of the six applicant columns.
    """
    version = _format(year)
    first, last = _year_bounds(year)
    q = _table3_conditions(first, last)
    groups = (
        Application.objects.filter(agency_id__in=agency_ids, receipt_date__lte=last)  # NULL never matches
        .filter(q["new_received"] | q["not_answered_before"])  # every case that counts in some row this year
        .values("applicant_type", "counted_outcome")
        .annotate(
            new_received=Count("id", filter=q["new_received"]),
            carried_over=Count("id", filter=q["carried_over"]),
            answered=Count("id", filter=q["answered"]),
            carried_forward=Count("id", filter=q["carried_forward"]),
        )
        .order_by()
    )
    table: Table = {row.key: dict.fromkeys(SECTION3_COLUMN_KEYS, 0) for row in SECTION3_ROWS[version]}
    for group in groups:  # one per (applicant type, outcome): at most 6 × the number of outcomes
        column = group["applicant_type"]
        if column not in SECTION3_APPLICANT_COLUMNS:  # pragma: no cover - the field's choices are the columns
            raise ValueError(f"申请人类型“{column}”不是表三的列。")
        for row in ("new_received", "carried_over", "carried_forward"):
            table[row][column] += group[row]
        if group["answered"]:
            table[row_for(group["counted_outcome"], year)][column] += group["answered"]
            table["total"][column] += group["answered"]
    for cells in table.values():
        cells["total"] = sum(cells[c] for c in SECTION3_APPLICANT_COLUMNS)
    return table


# ---------------------------------------------------------------------------------------------
# Table 四 — 政府信息公开行政复议、行政诉讼情况 (D8)
# ---------------------------------------------------------------------------------------------

#: ``Appeal.group`` computed in the database.
_APPEAL_GROUP = Case(
    When(kind=AppealKind.RECONSIDERATION, then=Value("reconsideration")),  # 行政复议
    When(after_reconsideration__isnull=False, then=Value("litigation_after_reconsideration")),  # 复议后起诉
    default=Value("litigation_direct"),  # 未经复议直接起诉
    output_field=CharField(),
)


def _table4_conditions(first: datetime.date, last: datetime.date) -> tuple[Q, Q]:
    """(concluded in the year, pending on 31 December) — D8."""
    concluded = Q(concluded_on__gte=first, concluded_on__lte=last)
    pending = Q(filed_on__lte=last) & (Q(concluded_on__isnull=True) | Q(concluded_on__gt=last))
    return concluded, pending


def table4(agency_ids: Sequence[int], year: int) -> Table:
    """Group key → column key → count: an appeal concluded in the year counts under its result
    (结果维持 / 结果纠正 / 其他结果); one filed by 31 December and not concluded by then under 尚未审结
    (and again under its result in the year it concludes); ``total`` is the sum of the four."""
    _format(year)
    concluded, pending = _table4_conditions(*_year_bounds(year))
    groups = (
        Appeal.objects.filter(agency_id__in=agency_ids)
        .filter(concluded | pending)
        .annotate(table_group=_APPEAL_GROUP)
        .values("table_group", "result")
        .annotate(concluded=Count("id", filter=concluded), pending=Count("id", filter=pending))
        .order_by()
    )
    table: Table = {g: dict.fromkeys(SECTION4_COLUMN_KEYS, 0) for g in SECTION4_GROUP_KEYS}
    for group in groups:  # at most 3 groups × 4 results
        cells = table[group["table_group"]]
        if group["concluded"]:
            cells[group["result"]] += group["concluded"]
        cells["pending"] += group["pending"]
    for cells in table.values():
        cells["total"] = sum(cells[c] for c in SECTION4_COLUMN_KEYS[:4])
    return table


# ---------------------------------------------------------------------------------------------
# Table 二 — 主动公开政府信息情况 (D9; 2021 format)
# ---------------------------------------------------------------------------------------------


def _table2_document_conditions(first: datetime.date, last: datetime.date) -> dict[str, Q]:
    """本年制发 / 本年废止 / 现行有效 of 规章 and 行政规范性文件 (D9)."""
    return {
        "issued": Q(written_on__gte=first, written_on__lte=last),
        "abolished": Q(repealed_on__gte=first, repealed_on__lte=last),
        "in_force": Q(written_on__lte=last) & (Q(repealed_on__isnull=True) | Q(repealed_on__gt=last)),
    }


def _published_items(agency_ids: Sequence[int]) -> QuerySet[Item]:
    return Item.objects.filter(
        agency_id__in=agency_ids, status__in=TABLE2_STATUSES, published_on__isnull=False
    )


def table2(agency_ids: Sequence[int], year: int) -> Table2:
    """Row key → column key → figure, 2021 format, from the catalogue's published (or published and later
    withdrawn) entries:

    * 规章 / 行政规范性文件: 本年制发 = 成文日期 in the year; 本年废止 = 废止日期 in the year;
      现行有效 = written by 31 December and not repealed by then;
    * 行政许可 / 行政处罚 / 行政强制: 本年处理决定数量 = decisions of that kind published in the year
      (an agency deciding in another system overrides the figure by hand, with a note);
    * 行政事业性收费: ``None`` — the amount in 万元 is entered by hand from the finance system.

    The 2019 format's table 二 (2019–2020 reports) is never computed or converted (D9): ``ValueError``.
    """
    version = _format(year)
    if version != "2021":
        raise ValueError(
            f"{year}年度报告使用2019年格式，其表二（主动公开政府信息情况）须手工填报，不从目录生成。"
        )
    first, last = _year_bounds(year)
    published = _published_items(agency_ids)
    table: Table2 = {
        row.key: {column.key: (None if row.key in HAND_ENTERED_ROWS else 0) for column in block.columns}
        for block in SECTION2_2021
        for row in block.rows
    }
    q = _table2_document_conditions(first, last)
    documents = (
        published.filter(document_type__in=tuple(DOCUMENT_ROWS))
        .values("document_type")
        .annotate(**{column: Count("id", filter=condition) for column, condition in q.items()})
        .order_by()
    )
    for group in documents:
        cells = table[DOCUMENT_ROWS[group["document_type"]]]
        for column in ("issued", "abolished", "in_force"):
            cells[column] = group[column]
    decisions = (
        published.filter(kind__in=tuple(DECISION_ROWS), published_on__gte=first, published_on__lte=last)
        .values("kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    for group in decisions:
        table[DECISION_ROWS[group["kind"]]]["decisions"] = group["n"]
    return table


# ---------------------------------------------------------------------------------------------
# What is behind a cell: the same conditions as the counts, as lists
# ---------------------------------------------------------------------------------------------


def table3_cases(agency_ids: Sequence[int], year: int, row: str, column: str) -> QuerySet[Application]:
    """The cases counted in table 三's cell (``row``, ``column``); ``column`` may be ``total``.

    ``KeyError`` for a row or column the year's format does not have."""
    version = _format(year)
    if row not in {r.key for r in SECTION3_ROWS[version]} or column not in SECTION3_COLUMN_KEYS:
        raise KeyError((row, column))
    first, last = _year_bounds(year)
    q = _table3_conditions(first, last)
    cases = Application.objects.filter(agency_id__in=agency_ids, receipt_date__isnull=False)
    if column != "total":
        cases = cases.filter(applicant_type=column)
    if row in ("new_received", "carried_over", "carried_forward"):
        return cases.filter(q[row])
    cases = cases.filter(q["answered"])
    if row == "total":
        return cases
    return cases.filter(counted_outcome__in=[key for key in OUTCOME_KEYS if row_for(key, year) == row])


def table4_appeals(agency_ids: Sequence[int], year: int, group: str, column: str) -> QuerySet[Appeal]:
    """The reconsiderations or lawsuits counted in table 四's cell (``group``, ``column``)."""
    _format(year)
    if group not in SECTION4_GROUP_KEYS or column not in SECTION4_COLUMN_KEYS:
        raise KeyError((group, column))
    concluded, pending = _table4_conditions(*_year_bounds(year))
    appeals = Appeal.objects.filter(agency_id__in=agency_ids).annotate(table_group=_APPEAL_GROUP)
    appeals = appeals.filter(table_group=group)
    if column == "pending":
        return appeals.filter(pending)
    if column == "total":
        return appeals.filter(concluded | pending)
    return appeals.filter(concluded, result=column)


def table2_items(agency_ids: Sequence[int], year: int, row: str, column: str) -> QuerySet[Item]:
    """The catalogue entries counted in table 二's cell (2021 format; not the hand-entered fee row)."""
    if _format(year) != "2021":
        raise KeyError((row, column))
    first, last = _year_bounds(year)
    published = _published_items(agency_ids)
    kinds = {v: k for k, v in DOCUMENT_ROWS.items()}
    if row in kinds:
        q = _table2_document_conditions(first, last)
        if column not in q:
            raise KeyError((row, column))
        return published.filter(q[column], document_type=kinds[row])
    decisions = {v: k for k, v in DECISION_ROWS.items()}
    if row in decisions and column == "decisions":
        return published.filter(kind=decisions[row], published_on__gte=first, published_on__lte=last)
    raise KeyError((row, column))
