"""Hypothesis strategies for VALID tables of each report format.

Valid means every identity of ``gongkai.reports.model.FORMATS[v].identities`` holds. Table 三 is built
from the outcome counts of each applicant column: 三（七） is their sum, 四 (结转下年度) and 二 (上年结转) are
drawn, 一 (本年新收) follows from the header note 一 + 二 = 三（七） + 四, and every row's 总计 is the sum of
its six applicant columns. Table 四 groups are four counts and their sum. Table 二 holds counts (the
2019 本年增/减 may be negative), the 2021 fee amount in 万元 with up to 4 decimals and the 2019
procurement amount in 元 with 2 decimals; an amount is an ``int`` when it is whole (the parser reads
"12" as 12) and a ``float`` otherwise (the parser reads "12.5" as 12.5).

``squash_safe=True`` draws table 二 so that a crawler's squashed text can still be split without a
judgement: every cell of a row with more than one column has a single-digit whole part and is not
negative (a squashed "-" is lost), so a row's digit run has exactly one split.
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import strategies as st

from gongkai.reports.model import (
    FORMATS,
    SECTION3_APPLICANT_COLUMNS,
    SECTION3_COLUMN_KEYS,
    SECTION4_COLUMN_KEYS,
    SECTION4_GROUP_KEYS,
    Column,
    FormatVersion,
)
from gongkai.reports.tables import Cell, Tables

#: Real tables are mostly zeros with a few small counts and the odd large one.
counts = st.one_of(
    st.just(0),
    st.just(0),
    st.integers(1, 9),
    st.integers(10, 99),
    st.integers(100, 20000),
)
#: Counts that keep squashed digit runs short (fewer splits to choose from).
small_counts = st.one_of(st.just(0), st.just(0), st.just(0), st.integers(1, 9), st.integers(10, 60))
digits = st.integers(0, 9)


def amount_value(d: Decimal) -> int | float:
    """The value the parser reads from ``str(d)``: an int when whole, else a float."""
    d = d.normalize()
    if d == d.to_integral_value():
        return int(d)
    return float(d)


def amounts(places: int, max_value: int) -> st.SearchStrategy[int | float]:
    """Money with up to ``places`` decimals (some whole, some with fewer decimals)."""
    return (
        st.integers(0, places)
        .flatmap(
            lambda p: st.decimals(
                min_value=0, max_value=max_value, places=p, allow_nan=False, allow_infinity=False
            )
        )
        .map(amount_value)
    )


def _section2_cell(
    version: FormatVersion, column: Column, row_key: str, squash_safe: bool, width: int
) -> st.SearchStrategy[Cell]:
    if squash_safe and width > 1:
        if column.kind == "amount":
            return st.decimals(min_value=0, max_value=Decimal("9.99"), places=2).map(amount_value)
        return digits
    if column.kind == "amount":
        # 2021: 本年收费金额（单位：万元）, 4 decimals (decisions.md D9); 2019: 采购总金额 in 元, 2 decimals.
        return amounts(4, 10**6) if version == "2021" else amounts(2, 10**8)
    if column.kind == "signed_count":
        return st.integers(-50, 50)
    return counts


@st.composite
def section2_tables(
    draw: st.DrawFn, version: FormatVersion, squash_safe: bool = False
) -> dict[str, dict[str, Cell]]:
    out: dict[str, dict[str, Cell]] = {}
    for block, row in FORMATS[version].section2_rows():
        width = len(block.columns)
        out[row.key] = {
            col.key: draw(_section2_cell(version, col, row.key, squash_safe, width)) for col in block.columns
        }
    return out


@st.composite
def section3_tables(draw: st.DrawFn, version: FormatVersion, small: bool = False) -> dict[str, list[Cell]]:
    fmt = FORMATS[version]
    result_keys = fmt.section3_result_keys
    cell = small_counts if small else counts
    rows: dict[str, list[int]] = {key: [0] * len(SECTION3_COLUMN_KEYS) for key in fmt.section3_row_keys}
    for j, _column in enumerate(SECTION3_APPLICANT_COLUMNS):
        # Most tables leave most applicant columns empty: draw a whole column of zeros half the time.
        if j > 0 and draw(st.booleans()):
            continue
        for key in result_keys:
            rows[key][j] = draw(cell)
        total = sum(rows[key][j] for key in result_keys)
        rows["total"][j] = total
        carried_forward = draw(cell)
        carried_over = draw(st.integers(0, total + carried_forward))
        rows["carried_forward"][j] = carried_forward
        rows["carried_over"][j] = carried_over
        rows["new_received"][j] = total + carried_forward - carried_over
    total_index = SECTION3_COLUMN_KEYS.index("total")
    for values in rows.values():
        values[total_index] = sum(values[: len(SECTION3_APPLICANT_COLUMNS)])
    return {key: list(values) for key, values in rows.items()}


@st.composite
def section4_tables(draw: st.DrawFn, small: bool = False) -> dict[str, list[Cell]]:
    cell = small_counts if small else counts
    out: dict[str, list[Cell]] = {}
    for key in SECTION4_GROUP_KEYS:
        results = [draw(cell) for _ in SECTION4_COLUMN_KEYS[:-1]]
        out[key] = [*results, sum(results)]
    return out


@st.composite
def tables(draw: st.DrawFn, version: FormatVersion, squash_safe: bool = False) -> Tables:
    """A complete, valid set of tables of ``version``; ``squash_safe`` for the squashed layout."""
    return Tables(
        section2=draw(section2_tables(version, squash_safe)),
        section3=draw(section3_tables(version, small=squash_safe)),
        section4=draw(section4_tables(small=squash_safe)),
    )


def identity_failures(values: Tables, version: FormatVersion) -> set[tuple[str, str, str]]:
    """``(code, row, column)`` of every identity of the format that ``values`` break (for self-checks)."""
    failed: set[tuple[str, str, str]] = set()

    def cell(ref: tuple[str, str, str]) -> int:
        table, row, column = ref
        if table == "section3":
            v = values.section3[row][SECTION3_COLUMN_KEYS.index(column)]
        else:
            v = values.section4[row][SECTION4_COLUMN_KEYS.index(column)]
        assert isinstance(v, int)
        return v

    for ident in FORMATS[version].identities:
        if sum(cell(r) for r in ident.left) != sum(cell(r) for r in ident.right):
            failed.add((ident.code, ident.where[1], ident.where[2]))
    return failed
