"""Cell-by-cell readings of the five seed documents the project started from."""

from __future__ import annotations

from gongkai.checker.pipeline import check_path, parse_path
from gongkai.reports.model import FORMATS, SECTION4_GROUP_KEYS

from .samples import seed

ZERO7 = [0] * 7


def test_seed_000_pipes_traditional_2021_all_zero() -> None:
    r = parse_path(seed("000"))
    assert (r.kind, r.format, r.year) == ("annual_report", "2021", 2021)
    assert r.layout == "pipes"
    assert r.tables.section2 == {
        "regulations": {"issued": 0, "abolished": 0, "in_force": 0},
        "normative_documents": {"issued": 0, "abolished": 0, "in_force": 0},
        "licensing": {"decisions": 0},
        "penalty": {"decisions": 0},
        "enforcement": {"decisions": 0},
        "fees": {"amount": 0},
    }
    assert list(r.tables.section3) == list(FORMATS["2021"].section3_row_keys)
    assert all(cells == ZERO7 for cells in r.tables.section3.values())
    assert r.tables.section4 == {g: [0] * 5 for g in SECTION4_GROUP_KEYS}
    assert r.parse_findings == []


def test_seed_001_cell_per_line_2019_with_text_cell() -> None:
    r = parse_path(seed("001"))
    assert (r.kind, r.format, r.year) == ("annual_report", "2019", 2019)
    assert r.layout == "cell_per_line"
    s2 = r.tables.section2
    assert s2["regulations"] == {"made": 0, "published": 0, "total_published": 0}
    assert s2["normative_documents"] == {"made": 0, "published": 0, "total_published": 0}
    for key in ("licensing", "other_services", "penalty", "enforcement"):
        assert s2[key] == {"previous": 0, "change": 0, "decisions": 0}
    assert s2["fees"] == {"previous": 3, "change": 0}
    # 采购项目数量 holds a list of purchases instead of a number: the text is kept verbatim.
    assert s2["procurement"] == {
        "items": "电脑(6台)空调(1台)打印机(3台),高拍仪(2台)办公室(2张)椅子(7把)",
        "amount": 47888,
    }
    assert list(r.tables.section3) == list(FORMATS["2019"].section3_row_keys)
    assert all(cells == ZERO7 for cells in r.tables.section3.values())
    assert r.tables.section4 == {g: [0] * 5 for g in SECTION4_GROUP_KEYS}


def test_seed_001_findings() -> None:
    result = check_path(seed("001"))
    codes = {(f.code, f.table, f.row, f.column) for f in result.findings if f.severity == "error"}
    assert ("cell.not_number", "section2", "procurement", "items") in codes


def test_seed_003_tabs_2019_format_in_2020() -> None:
    r = parse_path(seed("003"))
    assert (r.kind, r.format, r.year, r.agency) == ("annual_report", "2019", 2020, "新习镇")
    assert r.layout == "tabs"
    s2 = r.tables.section2
    assert s2["procurement"] == {"items": 0, "amount": 0}
    assert s2["fees"] == {"previous": 0, "change": 0}
    assert r.tables.section3["new_received"] == ZERO7
    assert r.tables.section3["carried_over"] == ZERO7
    assert r.tables.section3["carried_forward"] == ZERO7
    # The outcome rows of this table have one cell fewer than the header (a converter lost a column):
    # six zeros are read, the seventh (总计) is blank, and each such row is reported.
    for key in FORMATS["2019"].section3_result_keys + ("total",):
        assert r.tables.section3[key] == [0, 0, 0, 0, 0, 0, None], key
    missing = {f.row for f in r.parse_findings if f.code == "parse.missing_cells"}
    assert missing == set(FORMATS["2019"].section3_result_keys) | {"total"}
    assert r.tables.section4 == {g: [0] * 5 for g in SECTION4_GROUP_KEYS}


def test_seed_002_legacy_report_with_wrong_period() -> None:
    result = check_path(seed("002"))
    r = result.report
    assert (r.kind, r.format, r.year, r.agency) == ("legacy_report", None, 2019, "鹅公镇")
    assert (r.period_start, r.period_end) == ("2018-01-01", "2019-12-31")
    assert r.tables.is_empty()
    errors = {f.code for f in result.findings if f.severity == "error"}
    assert {"format.legacy", "period.mismatch"} <= errors


def test_seed_004_not_a_report() -> None:
    result = check_path(seed("004"))
    assert result.report.kind == "not_a_report"
    assert result.report.tables.is_empty()
    assert [f.code for f in result.findings] == ["kind.not_a_report"]


def test_seed_003_lost_column_is_reported_once() -> None:
    result = check_path(seed("003"))
    short = [f for f in result.findings if f.code == "parse.missing_cells"]
    assert len(short) == 1
    assert (short[0].table, short[0].row, short[0].expected, short[0].found) == ("section3", None, 7, 6)
    assert "20 行" in short[0].message
    # The rows not fully read are not also reported as blank or as failing identities.
    assert not [f for f in result.findings if f.code in ("cell.blank", "section3.row_total")]
