"""The year's figures that the prose of the annual report (年度报告) quotes: 一、总体情况 and
六、其他需要报告的事项 (see :mod:`gongkai.reports.drafting`). Pure data.

:class:`YearFigures` is plain data; :func:`figures_from_tables` folds the tables into it (pure, used by the
tests with tables drawn at random). Gathering the figures from the records is
:func:`gongkai.annual.figures.year_figures`: the application and appeal figures are taken from the tables
themselves, so that a number in the prose is the number in the table.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from gongkai.reports.model import FIRST_STRUCTURED_YEAR, FormatVersion, format_for_year

#: Table 三 / 四 in the form :mod:`gongkai.annual.tabulate` returns them: row → column → count.
CountTable = Mapping[str, Mapping[str, int]]
Table2 = Mapping[str, Mapping[str, int | None]]


@dataclass(frozen=True)
class CategoryCount:
    """Entries of one 主题分类 published in the year."""

    name: str
    count: int


@dataclass(frozen=True)
class Proactive:
    """主动公开: catalogue entries published in the year."""

    published: int
    #: Every 主题分类 with at least one entry, largest first (ties in the categories' own order).
    categories: tuple[CategoryCount, ...] = ()
    #: Entries without a 主题分类 (counted in ``published``, not in ``categories``).
    uncategorised: int = 0
    #: 政策解读 among them.
    interpretations: int = 0
    #: Entries filed under an item of 条例 第二十条.
    article20: int = 0


@dataclass(frozen=True)
class Documents:
    """Table 二, 第二十条第（一）项, 2021 format: 本年制发 / 本年废止 / 现行有效."""

    regulations_issued: int
    regulations_abolished: int
    regulations_in_force: int
    normative_issued: int
    normative_abolished: int
    normative_in_force: int


@dataclass(frozen=True)
class Applications:
    """Table 三, column 总计."""

    received: int  # 一、本年新收
    received_from_persons: int  # 一、本年新收, 自然人
    carried_over: int  # 二、上年结转
    answered: int  # 三（七）总计
    granted: int  # （一）予以公开
    partially_granted: int  # （二）部分公开
    denied: int  # （三）不予公开, all reasons
    unable: int  # （四）无法提供
    rejected: int  # （五）不予处理
    other: int  # （六）其他处理
    carried_forward: int  # 四、结转下年度继续办理

    @property
    def received_from_organisations(self) -> int:
        return self.received - self.received_from_persons


@dataclass(frozen=True)
class Appeals:
    """One kind of appeal in table 四 (行政诉讼: both groups added); keys as ``SECTION4_COLUMN_KEYS``."""

    upheld: int
    corrected: int
    other: int
    pending: int

    @property
    def concluded(self) -> int:
        return self.upheld + self.corrected + self.other

    @property
    def total(self) -> int:
        return self.concluded + self.pending


@dataclass(frozen=True)
class Fees:
    """信息处理费 (国办函〔2020〕109号), amounts in 元."""

    notices: int = 0  # 收费通知 issued in the year
    noticed_amount: Decimal = Decimal(0)  # their total amount
    payments: int = 0  # notices paid in the year (whenever issued)
    collected_amount: Decimal = Decimal(0)  # the amount actually collected in the year


@dataclass(frozen=True)
class YearFigures:
    year: int
    format: FormatVersion
    proactive: Proactive
    applications: Applications
    reconsideration: Appeals  # 行政复议
    litigation: Appeals  # 行政诉讼 (未经复议直接起诉 + 复议后起诉)
    fees: Fees
    #: 2021 format only (the 2019 format's table 二 is entered by hand, D9).
    documents: Documents | None = None


# ---------------------------------------------------------------------------------------------
# From the tables (pure)
# ---------------------------------------------------------------------------------------------


def _sum_rows(table: CountTable, prefixes: tuple[str, ...], column: str = "total") -> int:
    return sum(cells[column] for key, cells in table.items() if key.startswith(prefixes))


def _appeals(table4: CountTable, *groups: str) -> Appeals:
    def cell(column: str) -> int:
        return sum(table4[g][column] for g in groups)

    return Appeals(cell("upheld"), cell("corrected"), cell("other"), cell("pending"))


def _documents(table2: Table2) -> Documents:
    def cell(row: str, column: str) -> int:
        return table2[row][column] or 0

    return Documents(
        regulations_issued=cell("regulations", "issued"),
        regulations_abolished=cell("regulations", "abolished"),
        regulations_in_force=cell("regulations", "in_force"),
        normative_issued=cell("normative_documents", "issued"),
        normative_abolished=cell("normative_documents", "abolished"),
        normative_in_force=cell("normative_documents", "in_force"),
    )


def figures_from_tables(
    year: int,
    *,
    table3: CountTable,
    table4: CountTable,
    table2: Table2 | None = None,
    proactive: Proactive | None = None,
    fees: Fees | None = None,
) -> YearFigures:
    """Fold tables 三 and 四 (and the 2021 table 二) into the figures the prose quotes.

    The tables are in :mod:`gongkai.annual.tabulate`'s form (row key → column key → count); table 二 is
    used only in the 2021 format.
    """
    version = format_for_year(year)
    if version is None:
        raise ValueError(
            f"{year}年的年度报告没有统一格式（{FIRST_STRUCTURED_YEAR}年起适用），无法生成年度报告的数据。"
        )
    t3 = table3
    applications = Applications(
        received=t3["new_received"]["total"],
        received_from_persons=t3["new_received"]["natural_person"],
        carried_over=t3["carried_over"]["total"],
        answered=t3["total"]["total"],
        granted=t3["granted"]["total"],
        partially_granted=t3["partially_granted"]["total"],
        denied=_sum_rows(t3, ("denied_",)),
        unable=_sum_rows(t3, ("unable_",)),
        rejected=_sum_rows(t3, ("rejected_",)),
        # 2019 format: the single row "other"; 2021: other_no_correction / other_no_fee / other_other.
        other=_sum_rows(t3, ("other",)),
        carried_forward=t3["carried_forward"]["total"],
    )
    return YearFigures(
        year=year,
        format=version,
        proactive=proactive or Proactive(published=0),
        applications=applications,
        reconsideration=_appeals(table4, "reconsideration"),
        litigation=_appeals(table4, "litigation_direct", "litigation_after_reconsideration"),
        fees=fees or Fees(),
        documents=_documents(table2) if table2 is not None and version == "2021" else None,
    )
