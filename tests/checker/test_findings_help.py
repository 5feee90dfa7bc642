"""Findings that help (issue 14): a mistyped row label is matched to its row, a balance finding never
suggests a negative count, one pattern across many rows is one finding; prose counts of applications
received, answered and carried over are compared with table 三."""

from __future__ import annotations

import pytest

from gongkai.checker.checks import run_checks
from gongkai.checker.parse.rows import label_similarity
from gongkai.checker.pipeline import parse_here
from gongkai.reports.model import FORMATS
from gongkai.reports.tables import Cell, Tables

from .renderers import Layout, render
from .test_checks import make_report, valid_tables, where

# ---------------------------------------------------------------------------------------------
# A mistyped row label
# ---------------------------------------------------------------------------------------------

OFFICIAL = "其他法律行政法规禁止公开"
TYPO = "其他法律行政止公开"


def _typo_report(layout: Layout, typo: str = TYPO) -> tuple[Tables, bytes, str]:
    t = valid_tables("2021")
    # A row with figures that differ from its neighbours', so that losing or shifting it shows.
    t.section3["denied_prohibited_by_law"] = [2, 0, 1, 0, 0, 0, 3]
    fmt = FORMATS["2021"]
    for j in range(7):
        t.section3["total"][j] = sum(int(t.section3[k][j] or 0) for k in fmt.section3_result_keys)
        t.section3["new_received"][j] = (
            int(t.section3["total"][j] or 0)
            + int(t.section3["carried_forward"][j] or 0)
            - int(t.section3["carried_over"][j] or 0)
        )
    data, name = render(t, "2021", layout)
    text = data.decode()
    assert OFFICIAL in text
    return t, text.replace(OFFICIAL, typo).encode(), name


@pytest.mark.parametrize("layout", ["pipes", "cell_per_line", "html"])
def test_a_mistyped_label_keeps_its_cells_and_gives_one_label_finding(layout: Layout) -> None:
    tables, data, name = _typo_report(layout)
    parsed = parse_here(data, name)
    assert parsed.tables.section3["denied_prohibited_by_law"] == [2, 0, 1, 0, 0, 0, 3]
    assert parsed.tables.section3 == tables.section3
    found = run_checks(parsed)
    labels = [f for f in found if f.code == "label.nonstandard"]
    assert [(f.row, f.found) for f in labels] == [("denied_prohibited_by_law", f"2.{TYPO}")]
    assert TYPO in labels[0].message and OFFICIAL in labels[0].message
    codes = {f.code for f in found}
    assert not {"parse.row_not_found", "table.extra_row"} & codes
    assert not [f for f in found if f.severity == "error"]


def test_an_unrelated_label_is_not_taken_for_the_missing_row() -> None:
    """A label that is not like the official one stays unmatched: the row is missing (as before)."""
    _, data, name = _typo_report("pipes", typo="其他主动公开文件")
    found = run_checks(parse_here(data, name))
    assert ("parse.row_not_found", "denied_prohibited_by_law", None) in where(found)
    assert "label.nonstandard" not in {f.code for f in found if f.row == "denied_prohibited_by_law"}


def test_label_similarity_ignores_numbering_and_punctuation() -> None:
    assert label_similarity("2.其他法律行政止公开", "2.其他法律行政法规禁止公开") >= 0.6
    assert (
        label_similarity("（二）部分公开", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）") == 1.0
    )
    assert label_similarity("其他主动公开文件", "2.其他法律行政法规禁止公开") < 0.45


# ---------------------------------------------------------------------------------------------
# Balance: never a negative count
# ---------------------------------------------------------------------------------------------


def _zero_section3() -> Tables:
    t = valid_tables("2021")
    for key in FORMATS["2021"].section3_row_keys:
        t.section3[key] = [0] * 7
    return t


def test_a_balance_that_would_need_a_negative_count_names_the_cells() -> None:
    t = _zero_section3()
    t.section3["new_received"] = [1, 0, 0, 0, 0, 0, 1]
    t.section3["granted"] = [2, 0, 0, 0, 0, 0, 2]
    t.section3["total"] = [2, 0, 0, 0, 0, 0, 2]
    found = [f for f in run_checks(make_report(tables=t)) if f.code == "section3.balance"]
    assert [(f.column, f.expected, f.found) for f in found] == [
        ("natural_person", None, 0),
        ("total", None, 0),
    ]
    for f in found:
        assert "应为-" not in f.message and "应为" not in f.message
        assert "第一项（1）" in f.message and "第三项（2）" in f.message


def test_a_balance_with_a_positive_correction_still_says_what_it_should_be() -> None:
    t = _zero_section3()
    t.section3["new_received"] = [3, 0, 0, 0, 0, 0, 3]
    t.section3["granted"] = [2, 0, 0, 0, 0, 0, 2]
    t.section3["total"] = [2, 0, 0, 0, 0, 0, 2]
    found = [f for f in run_checks(make_report(tables=t)) if f.code == "section3.balance"]
    assert [(f.column, f.expected) for f in found] == [("natural_person", 1), ("total", 1)]
    assert "应为1" in found[0].message


# ---------------------------------------------------------------------------------------------
# One pattern across many rows, one finding
# ---------------------------------------------------------------------------------------------


def test_a_column_left_blank_in_every_row_is_one_finding() -> None:
    t = _zero_section3()
    for cells in t.section3.values():
        cells[1] = None  # 商业企业 left blank throughout
    found = [f for f in run_checks(make_report(tables=t)) if f.code == "cell.blank"]
    assert len(found) == 1
    f = found[0]
    assert (f.table, f.column) == ("section3", "commercial")
    assert f"表三有 {len(t.section3)} 行的“商业企业”列为空白" in f.message
    assert "“一、本年新收政府信息公开申请数量”" in f.message and "“四、结转下年度继续办理”" in f.message


def test_two_rows_with_blanks_are_still_two_findings() -> None:
    t = _zero_section3()
    t.section3["granted"][1] = None
    t.section3["partially_granted"][1] = None
    found = [f for f in run_checks(make_report(tables=t)) if f.code == "cell.blank"]
    assert sorted(f.row or "" for f in found) == ["granted", "partially_granted"]


def test_a_column_blank_in_many_rows_is_one_finding_even_where_those_rows_have_other_blanks() -> None:
    t = _zero_section3()
    for cells in t.section3.values():
        cells[1] = None  # 商业企业 left blank throughout
    t.section3["granted"][2] = None  # and two other cells, in rows of the pattern
    t.section3["denied_state_secret"][3] = None
    found = [f for f in run_checks(make_report(tables=t)) if f.code == "cell.blank"]
    pattern = [f for f in found if f.column == "commercial"]
    assert len(pattern) == 1
    assert f"表三有 {len(t.section3)} 行的“商业企业”列为空白" in pattern[0].message
    assert "“（一）予以公开”" in pattern[0].message
    others = sorted((f.row, f.column) for f in found if f is not pattern[0])
    assert others == [("denied_state_secret", "social_welfare"), ("granted", "research")]
    # No cell's blankness twice: the rows' own findings name only their other blank cell.
    for f in found:
        if f is not pattern[0]:
            assert "商业企业" not in f.message


def test_columns_blank_in_the_same_rows_are_one_finding_and_other_rows_another() -> None:
    t = _zero_section3()
    for key in ("granted", "partially_granted", "denied_state_secret"):
        t.section3[key][3] = None  # 社会公益组织 and 法律服务机构 in the same three rows
        t.section3[key][4] = None
    for key in ("new_received", "carried_over", "granted", "total"):
        t.section3[key][5] = None  # 其他 in four rows, one of them also above
    found = [f for f in run_checks(make_report(tables=t)) if f.code == "cell.blank"]
    assert len(found) == 2
    both = next(f for f in found if f.column is None)
    assert "有 3 行的“社会公益组织”、“法律服务机构”列为空白" in both.message
    other = next(f for f in found if f.column == "other_org")
    assert "有 4 行的“其他”列为空白" in other.message


def test_a_total_column_left_blank_is_one_row_total_finding() -> None:
    t = _zero_section3()
    for key in ("new_received", "granted", "total"):
        t.section3[key] = [5, 0, 0, 0, 0, 0, 5]
    for cells in t.section3.values():
        cells[6] = None
    found = run_checks(make_report(tables=t))
    totals = [f for f in found if f.code == "section3.row_total"]
    assert len(totals) == 1
    assert "在 3 行为空白" in totals[0].message
    assert "“（一）予以公开”" in totals[0].message


def test_one_row_with_a_blank_total_is_its_own_finding() -> None:
    t = _zero_section3()
    for key in ("new_received", "granted", "total"):
        t.section3[key] = [5, 0, 0, 0, 0, 0, 5]
    t.section3["granted"][6] = None
    found = [f for f in run_checks(make_report(tables=t)) if f.code == "section3.row_total"]
    assert [(f.row, f.expected, f.found) for f in found] == [("granted", 5, None)]


# ---------------------------------------------------------------------------------------------
# Prose: received, answered, carried over
# ---------------------------------------------------------------------------------------------


def _tables_95() -> Tables:
    """一、本年新收 95, 二、上年结转 3, (七) 总计 96, 四、结转下年度 2."""
    t = _zero_section3()
    rows: dict[str, list[Cell]] = {
        "new_received": [95, 0, 0, 0, 0, 0, 95],
        "carried_over": [3, 0, 0, 0, 0, 0, 3],
        "granted": [96, 0, 0, 0, 0, 0, 96],
        "total": [96, 0, 0, 0, 0, 0, 96],
        "carried_forward": [2, 0, 0, 0, 0, 0, 2],
    }
    t.section3.update(rows)
    return t


@pytest.mark.parametrize(
    ("sentence", "row", "expected", "stated"),
    [
        ("受理政府信息公开申请 17 件。", "new_received", 95, 17),
        ("2023年收到政府信息公开申请90件。", "new_received", 95, 90),
        ("全年答复政府信息公开申请95件。", "total", 96, 95),
        ("已办结96件，1件结转下年度继续办理。", "carried_forward", 2, 1),
        ("上年结转政府信息公开申请5件。", "carried_over", 3, 5),
    ],
)
def test_prose_counts_are_compared_with_table_3(sentence: str, row: str, expected: int, stated: int) -> None:
    found = run_checks(make_report(tables=_tables_95(), extra_text=sentence))
    assert [(f.code, f.row, f.column, f.expected, f.found) for f in found] == [
        ("prose.table_mismatch", row, "total", expected, stated)
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "受理政府信息公开申请95件。",
        "本年度共收到政府信息公开申请98件，均已按期答复。",  # 一 + 二 reported as received
        "全年答复政府信息公开申请96件，2件结转下年度继续办理。",
        "上年结转政府信息公开申请3件。",
        "其中区卫健委受理申请12件。",  # a part of the total
        "2022年受理政府信息公开申请17件。",  # another year
        "受理各类群众诉求259起。",
        "未予答复0件。",
    ],
)
def test_prose_counts_that_agree_give_nothing(sentence: str) -> None:
    assert run_checks(make_report(tables=_tables_95(), extra_text=sentence)) == [], sentence


def test_new_received_stated_as_such_must_be_row_1_alone() -> None:
    """ "新收" names row 一 itself: 一 + 二 is not an acceptable reading of it."""
    found = run_checks(make_report(tables=_tables_95(), extra_text="本年新收政府信息公开申请98件。"))
    assert [(f.row, f.expected, f.found) for f in found] == [("new_received", 95, 98)]


# ---------------------------------------------------------------------------------------------
# No false error on the real reports
# ---------------------------------------------------------------------------------------------

#: The errors of every real report and seed in tests/fixtures: each a true defect of the document itself
#: (see tests/fixtures/README.md). A new check must not add one.
REAL_ERRORS: dict[str, list[str]] = {
    "r002": ["prose.sum_mismatch"],
    "r006": ["prose.table_mismatch"],
    "r011": ["kind.not_a_report"],
    "r021": ["section3.row_total"],
    "s001": ["cell.not_number"],
    "s002": ["format.legacy", "period.mismatch"],
    "s003": ["parse.missing_cells"],
    "s004": ["kind.not_a_report"],
}


def test_the_errors_on_the_real_reports_are_their_true_defects() -> None:
    from .samples import REPORTS, SEEDS

    files = [("r", p) for p in sorted(REPORTS.glob("*.*"))] + [("s", p) for p in sorted(SEEDS.glob("*"))]
    assert len(files) == 21
    found: dict[str, list[str]] = {}
    for prefix, path in files:
        errors = sorted(
            {f.code for f in run_checks(parse_here(path.read_bytes(), path.name)) if f.severity == "error"}
        )
        if errors:
            found[prefix + path.name[:3]] = errors
    assert found == REAL_ERRORS
