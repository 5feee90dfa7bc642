"""The annual report (政府信息公开工作年度报告) formats, written once, as data.

Two official formats exist (see ``docs/law.md`` §2–3):

* ``"2019"`` — 国办公开办函〔2019〕60号, used for reports on 2019 and 2020;
* ``"2021"`` — 国办公开办函〔2021〕30号, used for reports on 2021 onward.

Both have the same six sections (条例 第五十条), a table 二 (主动公开, 第二十条), a table 三
(收到和处理申请) and a table 四 (行政复议、行政诉讼). This module describes every section, table caption,
row and column with its exact official label and a stable English key, plus every arithmetic identity
(勾稽关系) of the tables. The checker and the report generator both ask this module; nothing else
spells out a row label or an identity.

Pure Python: no Django, no I/O.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

FormatVersion = Literal["2019", "2021"]
FORMAT_VERSIONS: tuple[FormatVersion, ...] = ("2019", "2021")

#: First report year of each format (60号 for 2019–2020, 30号 from 2021).
FIRST_YEAR_OF_FORMAT: dict[FormatVersion, int] = {"2019": 2019, "2021": 2021}
#: The first report year governed by the 2019 revision of the 条例 (施行 2019-05-15); earlier reports
#: used the free-text style of the 2007 条例 第三十二条.
FIRST_STRUCTURED_YEAR = 2019


def format_for_year(year: int) -> FormatVersion | None:
    """The format a report on ``year`` must use, or ``None`` before 2019 (the 2007 free-text style)."""
    if year >= FIRST_YEAR_OF_FORMAT["2021"]:
        return "2021"
    if year >= FIRST_YEAR_OF_FORMAT["2019"]:
        return "2019"
    return None


# ---------------------------------------------------------------------------------------------
# Sections (条例 第五十条; 30号/60号 headings)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    key: str
    number: str  # 一 … 六
    title: str  # the official heading without its number
    #: Other wordings agencies use for the same heading (all accepted; the official one is preferred).
    variants: tuple[str, ...] = ()

    @property
    def heading(self) -> str:
        return f"{self.number}、{self.title}"


SECTIONS: tuple[Section, ...] = (
    Section("overview", "一", "总体情况", ("概述", "政府信息公开总体情况")),
    Section("proactive", "二", "主动公开政府信息情况", ("行政机关主动公开政府信息情况",)),
    Section(
        "applications",
        "三",
        "收到和处理政府信息公开申请情况",
        ("行政机关收到和处理政府信息公开申请情况",),
    ),
    Section(
        "appeals",
        "四",
        "政府信息公开行政复议、行政诉讼情况",
        (
            "因政府信息公开工作被申请行政复议、提起行政诉讼情况",
            "因政府信息公开申请行政复议、提起行政诉讼的情况",
            "因政府信息公开工作被申请行政复议提起行政诉讼情况",
        ),
    ),
    Section(
        "problems",
        "五",
        "存在的主要问题及改进情况",
        (
            "政府信息公开工作存在的主要问题及改进情况",
            "政府信息公开工作存在的主要问题及改进措施",
            "存在的主要问题",
        ),
    ),
    Section("other", "六", "其他需要报告的事项", ()),
)
SECTION_BY_KEY: dict[str, Section] = {s.key: s for s in SECTIONS}


@dataclass(frozen=True)
class Table:
    """One of the report's three statistical tables, and the section it belongs to."""

    key: str  # "section2" / "section3" / "section4": the key used in parsed tables and the JSON
    section: str  # the section key
    name: str  # how findings name it: 表二 …

    @property
    def full_name(self) -> str:
        return f"{self.name}（{SECTION_BY_KEY[self.section].title}）"


TABLES: tuple[Table, ...] = (
    Table("section2", "proactive", "表二"),
    Table("section3", "applications", "表三"),
    Table("section4", "appeals", "表四"),
)
TABLE_KEYS: tuple[str, ...] = tuple(t.key for t in TABLES)
TABLE_BY_KEY: dict[str, Table] = {t.key: t for t in TABLES}


# ---------------------------------------------------------------------------------------------
# Table 二 — 主动公开政府信息情况 (第二十条 items 一, 五, 六, 八, and 九 in the 2019 format)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    #: "count" = whole number of items (件/条/项); "signed_count" may be negative (本年增/减);
    #: "amount" = money, decimals allowed.
    kind: Literal["count", "signed_count", "amount"] = "count"
    unit: str = ""


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    #: Label of the merged group cell this row sits under (table 三), if any.
    group: str | None = None


@dataclass(frozen=True)
class Section2Block:
    """One captioned block of table 二, e.g. 第二十条第（一）项."""

    item: str  # the 第二十条 item number: "一", "五", "六", "八", "九"
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]

    @property
    def caption(self) -> str:
        return f"第二十条第（{self.item}）项"


#: The first column header of every block of table 二.
SECTION2_CONTENT_HEADER = "信息内容"

_ISSUED = Column("issued", "本年制发件数")
_ABOLISHED = Column("abolished", "本年废止件数")
_IN_FORCE = Column("in_force", "现行有效件数")
_DECISIONS_2021 = Column("decisions", "本年处理决定数量")
_FEE_AMOUNT = Column("amount", "本年收费金额（单位：万元）", kind="amount", unit="万元")

_MADE = Column("made", "本年新制作数量")
_PUBLISHED = Column("published", "本年新公开数量")
_TOTAL_PUBLISHED = Column("total_published", "对外公开总数量")
_PREVIOUS = Column("previous", "上一年项目数量")
_CHANGE = Column("change", "本年增/减", kind="signed_count")
_DECISIONS_2019 = Column("decisions", "处理决定数量")
_PROCUREMENT_ITEMS = Column("items", "采购项目数量")
_PROCUREMENT_AMOUNT = Column("amount", "采购总金额", kind="amount")

SECTION2_2021: tuple[Section2Block, ...] = (
    Section2Block(
        "一",
        (_ISSUED, _ABOLISHED, _IN_FORCE),
        (Row("regulations", "规章"), Row("normative_documents", "行政规范性文件")),
    ),
    Section2Block("五", (_DECISIONS_2021,), (Row("licensing", "行政许可"),)),
    Section2Block("六", (_DECISIONS_2021,), (Row("penalty", "行政处罚"), Row("enforcement", "行政强制"))),
    Section2Block("八", (_FEE_AMOUNT,), (Row("fees", "行政事业性收费"),)),
)

SECTION2_2019: tuple[Section2Block, ...] = (
    Section2Block(
        "一",
        (_MADE, _PUBLISHED, _TOTAL_PUBLISHED),
        (Row("regulations", "规章"), Row("normative_documents", "规范性文件")),
    ),
    Section2Block(
        "五",
        (_PREVIOUS, _CHANGE, _DECISIONS_2019),
        (Row("licensing", "行政许可"), Row("other_services", "其他对外管理服务事项")),
    ),
    Section2Block(
        "六",
        (_PREVIOUS, _CHANGE, _DECISIONS_2019),
        (Row("penalty", "行政处罚"), Row("enforcement", "行政强制")),
    ),
    Section2Block("八", (_PREVIOUS, _CHANGE), (Row("fees", "行政事业性收费"),)),
    Section2Block(
        "九",
        (_PROCUREMENT_ITEMS, _PROCUREMENT_AMOUNT),
        (Row("procurement", "政府集中采购"),),
    ),
)

# ---------------------------------------------------------------------------------------------
# Table 三 — 收到和处理政府信息公开申请情况
# ---------------------------------------------------------------------------------------------

SECTION3_COLUMNS: tuple[Column, ...] = (
    Column("natural_person", "自然人"),
    Column("commercial", "商业企业"),
    Column("research", "科研机构"),
    Column("social_welfare", "社会公益组织"),
    Column("legal_service", "法律服务机构"),
    Column("other_org", "其他"),
    Column("total", "总计"),
)
SECTION3_COLUMN_KEYS: tuple[str, ...] = tuple(c.key for c in SECTION3_COLUMNS)
#: The six applicant columns whose sum is 总计.
SECTION3_APPLICANT_COLUMNS: tuple[str, ...] = SECTION3_COLUMN_KEYS[:6]
SECTION3_HEADER_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
SECTION3_HEADER_GROUPS = ("申请人情况", "法人或其他组织")

RESULT_GROUP = "三、本年度办理结果"
_G3 = "（三）不予公开"
_G4 = "（四）无法提供"
_G5 = "（五）不予处理"
_G6 = "（六）其他处理"

_SECTION3_HEAD: tuple[Row, ...] = (
    Row("new_received", "一、本年新收政府信息公开申请数量"),
    Row("carried_over", "二、上年结转政府信息公开申请数量"),
)
_SECTION3_RESULTS_COMMON: tuple[Row, ...] = (
    Row("granted", "（一）予以公开", RESULT_GROUP),
    Row("partially_granted", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", RESULT_GROUP),
    Row("denied_state_secret", "1.属于国家秘密", _G3),
    Row("denied_prohibited_by_law", "2.其他法律行政法规禁止公开", _G3),
    Row("denied_three_safeties", "3.危及“三安全一稳定”", _G3),
    Row("denied_third_party", "4.保护第三方合法权益", _G3),
    Row("denied_internal_affairs", "5.属于三类内部事务信息", _G3),
    Row("denied_process_info", "6.属于四类过程性信息", _G3),
    Row("denied_enforcement_files", "7.属于行政执法案卷", _G3),
    Row("denied_query_matters", "8.属于行政查询事项", _G3),
    Row("unable_not_held", "1.本机关不掌握相关政府信息", _G4),
    Row("unable_needs_creation", "2.没有现成信息需要另行制作", _G4),
    Row("unable_unclear", "3.补正后申请内容仍不明确", _G4),
    Row("rejected_petition", "1.信访举报投诉类申请", _G5),
    Row("rejected_duplicate", "2.重复申请", _G5),
    Row("rejected_publication", "3.要求提供公开出版物", _G5),
    Row("rejected_excessive", "4.无正当理由大量反复申请", _G5),
    Row("rejected_confirmation", "5.要求行政机关确认或重新出具已获取信息", _G5),
)
_SECTION3_OTHER_2021: tuple[Row, ...] = (
    Row("other_no_correction", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", _G6),
    Row("other_no_fee", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", _G6),
    Row("other_other", "3.其他", _G6),
)
_SECTION3_OTHER_2019: tuple[Row, ...] = (Row("other", "（六）其他处理", RESULT_GROUP),)
_SECTION3_TAIL: tuple[Row, ...] = (
    Row("total", "（七）总计", RESULT_GROUP),
    Row("carried_forward", "四、结转下年度继续办理"),
)

SECTION3_ROWS: dict[FormatVersion, tuple[Row, ...]] = {
    "2021": _SECTION3_HEAD + _SECTION3_RESULTS_COMMON + _SECTION3_OTHER_2021 + _SECTION3_TAIL,
    "2019": _SECTION3_HEAD + _SECTION3_RESULTS_COMMON + _SECTION3_OTHER_2019 + _SECTION3_TAIL,
}

# ---------------------------------------------------------------------------------------------
# Table 四 — 政府信息公开行政复议、行政诉讼情况 (same in both formats)
# ---------------------------------------------------------------------------------------------

SECTION4_COLUMNS: tuple[Column, ...] = (
    Column("upheld", "结果维持"),
    Column("corrected", "结果纠正"),
    Column("other", "其他结果"),
    Column("pending", "尚未审结"),
    Column("total", "总计"),
)
SECTION4_COLUMN_KEYS: tuple[str, ...] = tuple(c.key for c in SECTION4_COLUMNS)


@dataclass(frozen=True)
class Section4Group:
    key: str
    label: str
    parent: str  # "行政复议" or "行政诉讼"


SECTION4_GROUPS: tuple[Section4Group, ...] = (
    Section4Group("reconsideration", "行政复议", "行政复议"),
    Section4Group("litigation_direct", "未经复议直接起诉", "行政诉讼"),
    Section4Group("litigation_after_reconsideration", "复议后起诉", "行政诉讼"),
)
SECTION4_GROUP_KEYS: tuple[str, ...] = tuple(g.key for g in SECTION4_GROUPS)


# ---------------------------------------------------------------------------------------------
# A whole format
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportFormat:
    version: FormatVersion
    name: str  # the notice that fixed it
    section2: tuple[Section2Block, ...]
    section3_rows: tuple[Row, ...]
    sections: tuple[Section, ...] = SECTIONS
    section3_columns: tuple[Column, ...] = SECTION3_COLUMNS
    section4_groups: tuple[Section4Group, ...] = SECTION4_GROUPS
    section4_columns: tuple[Column, ...] = SECTION4_COLUMNS
    #: Whether section 六 must state the 信息处理费 charged (国办函〔2020〕109号; 30号 instructions).
    requires_fee_statement: bool = False
    identities: tuple[Identity, ...] = field(default=())

    def section2_rows(self) -> Iterator[tuple[Section2Block, Row]]:
        for block in self.section2:
            for row in block.rows:
                yield block, row

    def section2_row(self, key: str) -> tuple[Section2Block, Row]:
        for block, row in self.section2_rows():
            if row.key == key:
                return block, row
        raise KeyError(key)

    @property
    def section3_row_keys(self) -> tuple[str, ...]:
        return tuple(r.key for r in self.section3_rows)

    @property
    def section3_result_keys(self) -> tuple[str, ...]:
        """The outcome rows whose sum is 三（七）总计 (every row of 三、本年度办理结果 but the total)."""
        return tuple(r.key for r in self.section3_rows if r.group is not None and r.key != "total")

    def section3_row(self, key: str) -> Row:
        for row in self.section3_rows:
            if row.key == key:
                return row
        raise KeyError(key)


# ---------------------------------------------------------------------------------------------
# Identities (勾稽关系)
# ---------------------------------------------------------------------------------------------

CellRef = tuple[str, str, str]  # (table, row/group key, column key); table in {"section3", "section4"}


@dataclass(frozen=True)
class Identity:
    """``result == sum(terms)`` (both sides are sums: ``sum(left) == sum(right)``).

    ``code`` is the stable finding code reported when it fails; ``where`` is the cell the error is shown
    on (the right-hand total cell); ``description`` is the rule in Chinese as printed in findings.
    """

    code: str
    left: tuple[CellRef, ...]
    right: tuple[CellRef, ...]
    where: CellRef
    description: str


def _section3_identities(rows: tuple[Row, ...]) -> tuple[Identity, ...]:
    result_keys = tuple(r.key for r in rows if r.group is not None and r.key != "total")
    out: list[Identity] = []
    # 1. Every row: 总计 = 自然人 + the five organisation columns (derived; the columns are exhaustive).
    for row in rows:
        out.append(
            Identity(
                code="section3.row_total",
                left=tuple(("section3", row.key, c) for c in SECTION3_APPLICANT_COLUMNS),
                right=(("section3", row.key, "total"),),
                where=("section3", row.key, "total"),
                description=f"“{row.label}”的总计应等于自然人与五类法人或其他组织之和",
            )
        )
    for col in SECTION3_COLUMNS:
        # 2. 三（七）总计 = the sum of every outcome row (the rows are exhaustive).
        out.append(
            Identity(
                code="section3.results_total",
                left=tuple(("section3", k, col.key) for k in result_keys),
                right=(("section3", "total", col.key),),
                where=("section3", "total", col.key),
                description=f"“{col.label}”列：三（七）总计应等于（一）至（六）各项办理结果之和",
            )
        )
        # 3. The official note printed in the header: 一 + 二 = 三（七） + 四, per column.
        out.append(
            Identity(
                code="section3.balance",
                left=(("section3", "new_received", col.key), ("section3", "carried_over", col.key)),
                right=(("section3", "total", col.key), ("section3", "carried_forward", col.key)),
                where=("section3", "carried_forward", col.key),
                description=f"“{col.label}”列：第一项加第二项之和应等于第三项加第四项之和（表头勾稽关系）",
            )
        )
    return tuple(out)


def _section4_identities() -> tuple[Identity, ...]:
    return tuple(
        Identity(
            code="section4.group_total",
            left=tuple(("section4", g.key, c) for c in SECTION4_COLUMN_KEYS[:4]),
            right=(("section4", g.key, "total"),),
            where=("section4", g.key, "total"),
            description=f"“{g.label}”的总计应等于结果维持、结果纠正、其他结果、尚未审结之和",
        )
        for g in SECTION4_GROUPS
    )


FORMATS: dict[FormatVersion, ReportFormat] = {
    "2019": ReportFormat(
        version="2019",
        name="国办公开办函〔2019〕60号",
        section2=SECTION2_2019,
        section3_rows=SECTION3_ROWS["2019"],
        identities=_section3_identities(SECTION3_ROWS["2019"]) + _section4_identities(),
    ),
    "2021": ReportFormat(
        version="2021",
        name="国办公开办函〔2021〕30号",
        section2=SECTION2_2021,
        section3_rows=SECTION3_ROWS["2021"],
        requires_fee_statement=True,
        identities=_section3_identities(SECTION3_ROWS["2021"]) + _section4_identities(),
    ),
}

IDENTITY_CODES: tuple[str, ...] = (
    "section3.row_total",
    "section3.results_total",
    "section3.balance",
    "section4.group_total",
)


def get_format(version: FormatVersion) -> ReportFormat:
    return FORMATS[version]


# ---------------------------------------------------------------------------------------------
# Cross-year rules ([practice], docs/law.md §2.7)
# ---------------------------------------------------------------------------------------------

#: This year's 二、上年结转 equals last year's 四、结转下年度继续办理, per column.
CARRY_OVER = ("carried_over", "carried_forward")
#: 2021 format: 现行有效件数(Y) = 现行有效件数(Y−1) + 本年制发件数(Y) − 本年废止件数(Y).
IN_FORCE_ROWS: tuple[str, ...] = ("regulations", "normative_documents")

#: Decimal places of the fee amount in 万元 (docs/decisions.md D9).
FEE_AMOUNT_DECIMALS = 4
