"""The 政务公开办's roll-up: deadlines, statuses and timeliness, findings, summed tables 三/四, a constant
number of queries whatever the number of agencies."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongkai.agencies.models import AgencyKind
from gongkai.agencies.services import create_agency
from gongkai.annual import rollup, selectors, services
from gongkai.annual.models import ImportPurpose, LocalDeadline
from gongkai.reports.model import SECTION3_COLUMN_KEYS
from tests.annual import factories
from tests.checker.samples import report as shared_report
from tests.conftest import Tree

D = datetime.date
YEAR = 2025
TODAY = D(2026, 11, 21)


def rows_by_code(data: rollup.StatusRollup) -> dict[str, rollup.AgencyStatus]:
    return {row.short_code: row for row in data.rows}


def set_deadline(agency: Any, year: int, day: datetime.date) -> None:
    LocalDeadline.objects.create(supervisor_agency=agency, year=year, deadline=day)


# --- Deadlines --------------------------------------------------------------------------------


def test_deadlines_department_government_and_township(tree: Tree) -> None:
    set_deadline(tree.county_a, YEAR, D(2026, 2, 20))
    rows = rows_by_code(rollup.status_rollup(tree.county_a, YEAR, TODAY))
    assert rows["county-a-finance"].deadline == D(2026, 1, 31)  # 部门：1月31日前
    assert rows["county-a"].deadline == D(2026, 3, 31)  # 县级以上人民政府：3月31日前
    assert rows["town-a1"].deadline == D(2026, 2, 20)  # set by the county's office
    assert rows["town-a1"].deadline_set_by is not None
    assert rows["town-a1"].deadline_set_by.agency_name == "甲县人民政府"
    assert rows["town-a1-office"].deadline == D(2026, 1, 31)  # "other" bodies read as departments
    assert rows["town-a1"].basis.startswith("乡镇、街道")
    assert "3月31日" in rows["county-a"].basis
    assert "1月31日" in rows["county-a-finance"].basis


def test_township_deadlines_follow_the_nearest_office_like_deadline_for(tree: Tree) -> None:
    """Unset → no deadline; the city's deadline applies below until the county sets its own."""
    rows = rows_by_code(rollup.status_rollup(tree.city, YEAR, TODAY))
    assert rows["town-a1"].deadline is None
    assert rows["town-a1"].status == "no_deadline"
    set_deadline(tree.city, YEAR, D(2026, 3, 1))
    set_deadline(tree.county_a, YEAR, D(2026, 2, 15))
    set_deadline(tree.county_a, YEAR - 1, D(2025, 1, 1))  # another year: ignored
    data = rollup.status_rollup(tree.city, YEAR, TODAY)
    rows = rows_by_code(data)
    assert rows["town-a1"].deadline == D(2026, 2, 15)
    assert rows["town-b1"].deadline == D(2026, 3, 1)
    for agency in tree.all():  # the same rule as the one-agency service
        assert rows[agency.short_code].deadline == selectors.deadline_for(agency, YEAR), agency.short_code
    # Seen from county B: the city's deadline is inherited, none set at the seat.
    county_b = rollup.status_rollup(tree.county_b, YEAR, TODAY)
    assert county_b.own_deadline is None
    assert county_b.inherited_deadline is not None
    assert county_b.inherited_deadline.deadline == D(2026, 3, 1)
    assert rows_by_code(county_b)["town-b1"].deadline == D(2026, 3, 1)


# --- Statuses ---------------------------------------------------------------------------------


def test_statuses_and_timeliness(tree: Tree) -> None:
    set_deadline(tree.county_a, YEAR, D(2026, 2, 20))
    # Department: published on 31 January itself — on time; then a correction, and a draft of another.
    factories.publish(tree.county_a_finance, YEAR, D(2026, 1, 31))
    factories.publish(tree.county_a_finance, YEAR, D(2026, 6, 1))
    factories.draft(tree.county_a_finance, YEAR)
    # Government: published 1 April — late (3月31日前).
    factories.publish(
        tree.county_a,
        YEAR,
        D(2026, 4, 1),
        findings=[factories.finding("error"), factories.finding("warning"), factories.finding("info")],
        extra=[factories.finding("error", "draft.x"), factories.finding("warning", "draft.y")],
    )
    # Township: published after the county's deadline — late; the other township never published.
    factories.publish(tree.town_a1, YEAR, D(2026, 2, 21))
    # An "other" body with only a draft: missing after 31 January.
    factories.draft(tree.town_a1_office, YEAR)

    data = rollup.status_rollup(tree.county_a, YEAR, TODAY)
    rows = rows_by_code(data)
    assert [r.short_code for r in data.rows] == [
        "county-a",
        "county-a-finance",
        "town-a1",
        "town-a1-office",
        "town-a2",
    ]  # tree order: each agency followed by those below it
    finance = rows["county-a-finance"]
    assert (finance.status, finance.status_label) == ("on_time", "按时公开")
    assert (finance.version, finance.published_on, finance.first_published_on) == (
        2,
        D(2026, 6, 1),
        D(2026, 1, 31),
    )
    assert (finance.published_versions, finance.corrections, finance.has_draft) == (2, 1, True)
    government = rows["county-a"]
    assert (government.status, government.status_label) == ("late", "逾期公开")
    assert (government.errors, government.warnings) == (2, 2)  # checker's and Gongkai's own findings
    assert (government.corrections, government.has_draft) == (0, False)
    assert rows["town-a1"].status == "late"
    assert rows["town-a2"].status == "missing"
    assert rows["town-a2"].status_label == "逾期未公开"
    office = rows["town-a1-office"]
    assert (office.status, office.has_draft, office.version, office.errors) == ("missing", True, None, None)
    assert {s: n for s, _label, n in data.counts()} == {
        "on_time": 1,
        "late": 2,
        "missing": 2,
        "not_due": 0,
        "no_deadline": 0,
        rollup.IMPORTED: 0,
    }
    assert [r.short_code for r in rollup.filter_rows(data.rows, status="late")] == ["county-a", "town-a1"]
    assert [r.short_code for r in rollup.filter_rows(data.rows, kind="township")] == ["town-a1", "town-a2"]


def test_before_the_deadline_a_report_is_not_yet_due(tree: Tree) -> None:
    rows = rows_by_code(rollup.status_rollup(tree.county_a, YEAR, D(2026, 1, 31)))
    assert rows["county-a-finance"].status == "not_due"  # 31 January is still in time
    assert rows["county-a"].status == "not_due"
    assert rows["town-a1"].status == "no_deadline"
    rows = rows_by_code(rollup.status_rollup(tree.county_a, YEAR, D(2026, 2, 1)))
    assert rows["county-a-finance"].status == "missing"
    assert rows["county-a"].status == "not_due"


def test_an_agency_without_a_gongkai_report_shows_its_import(tree: Tree) -> None:
    result = {
        "path": "a.html",
        "kind": "annual_report",
        "format": "2021",
        "year": YEAR,
        "agency": "甲县二乡人民政府",
        "tables": factories.tables_json("2021"),
        "findings": [factories.finding("error"), factories.finding("warning"), factories.finding("warning")],
    }
    factories.imported(tree.town_a2, tree.county_a, YEAR, result=result)
    # A later unreadable file does not hide the readable one; a letter is not a report.
    factories.imported(tree.town_a2, tree.county_a, YEAR, result={"path": "x.pdf", "unreadable": "扫描件"})
    letter = {**result, "kind": "not_a_report", "findings": []}
    factories.imported(tree.town_a1_office, tree.county_a, YEAR, result=letter, filename="letter.txt")
    # Imports by another seat are not this seat's; an import of a published agency is not used.
    factories.imported(tree.town_a1, tree.city, YEAR)
    factories.publish(tree.county_a_finance, YEAR, D(2026, 1, 10))
    factories.imported(tree.county_a_finance, tree.county_a, YEAR, result=result)

    rows = rows_by_code(rollup.status_rollup(tree.county_a, YEAR, TODAY))
    town = rows["town-a2"]
    assert (town.status, town.status_label) == (rollup.IMPORTED, "已导入外部公开的报告")
    assert (town.errors, town.warnings, town.imported_filename) == (1, 2, "report.html")
    assert rows["town-a1-office"].status == "missing"
    assert rows["town-a1-office"].imported_problem == "导入的文件不是政府信息公开工作年度报告"
    assert rows["town-a1"].imported_id is None
    assert rows["county-a-finance"].status == "on_time"
    assert rows["county-a-finance"].imported_id is None


def test_the_agency_s_own_import_of_a_previous_report_counts(tree: Tree) -> None:
    factories.imported(tree.town_a2, tree.town_a2, YEAR, purpose=ImportPurpose.PREVIOUS)
    assert rows_by_code(rollup.status_rollup(tree.county_a, YEAR, TODAY))["town-a2"].status == rollup.IMPORTED


def test_the_number_of_queries_does_not_grow_with_the_agencies(
    tree: Tree, django_assert_max_num_queries: Any
) -> None:
    def populate(n: int) -> None:
        for i in range(n):
            agency = create_agency(
                actor=None,
                name=f"甲县测试{i}镇",
                short_code=f"t-{n}-{i}",
                kind=AgencyKind.TOWNSHIP,
                parent=tree.county_a,
            )
            factories.publish(agency, YEAR, D(2026, 2, 1), findings=[factories.finding("error")])
            factories.publish(agency, YEAR, D(2026, 3, 1))
            factories.draft(agency, YEAR)
            factories.imported(agency, tree.county_a, YEAR)

    def count() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as status:
            data = rollup.status_rollup(tree.county_a, YEAR, TODAY)
        with CaptureQueriesContext(connection) as tables:
            summed = rollup.summed_tables(tree.county_a, YEAR)
        assert summed is not None
        assert len(data.rows) == len(summed.included) + len(summed.missing)
        return len(status), len(tables)

    set_deadline(tree.county_a, YEAR, D(2026, 2, 20))
    populate(2)
    small = count()
    populate(25)
    assert count() == small
    # 5, and 1 for the monitoring's column (annual.rollup.observers: its latest outcomes, one query).
    with django_assert_max_num_queries(5 + 1):
        rollup.status_rollup(tree.county_a, YEAR, TODAY)
    with django_assert_max_num_queries(4):
        rollup.summed_tables(tree.county_a, YEAR)


# --- Tables 三 and 四 summed --------------------------------------------------------------------


def test_tables_three_and_four_are_summed_cell_by_cell(tree: Tree) -> None:
    """Two reports published in Gongkai (one corrected) and one imported from a real file (平潭 2021)."""
    year = 2021
    finance3 = {"new_received": [3, 1, 0, 0, 0, 0, 4], "granted": [2, 1, 0, 0, 0, 0, 3]}
    finance4 = {"reconsideration": [1, 0, 0, 1, 2]}
    factories.publish(tree.county_a_finance, year, D(2022, 1, 20), section3={"new_received": [9] * 7})
    factories.publish(
        tree.county_a_finance, year, D(2022, 2, 1), section3=finance3, section4=finance4
    )  # correction
    factories.publish(
        tree.county_a,
        year,
        D(2022, 3, 1),
        section3={"new_received": [5, 0, 0, 0, 1, 0, 6], "carried_forward": [1, 0, 0, 0, 0, 0, 1]},
        section4={"reconsideration": [0, 1, 0, 0, 1], "litigation_direct": [2, 0, 0, 0, 2]},
    )
    result = services.read_report_file(shared_report("004").read_bytes(), "004.txt")
    factories.imported(tree.town_a2, tree.county_a, year, result=result)
    factories.imported(
        tree.town_a1_office, tree.county_a, year, result={"path": "x.pdf", "unreadable": "扫描件"}
    )
    # The file is a 2021 report whose tables use the 2019 format (``format`` is the year's, 2021).
    assert (result["format"], result["table_format"]) == ("2021", "2021")
    old_format = {**result, "table_format": "2019"}
    factories.imported(tree.town_a1, tree.county_a, year, result=old_format)

    summed = rollup.summed_tables(tree.county_a, year)
    assert summed is not None
    assert summed.format == "2021"
    t3, t4 = summed.tables.section3, summed.tables.section4
    # 平潭 2021 (tests/fixtures/reports/truth/004.json): 新收 64,0,0,2,0,4,70; 予以公开 27,0,0,2,0,1,30;
    # 结转下年度 1,0,0,0,0,0,1; 行政复议 1,0,2,0,3; 未经复议直接起诉 12,0,0,0,12.
    assert t3["new_received"] == [3 + 5 + 64, 1 + 0 + 0, 0, 0 + 0 + 2, 0 + 1 + 0, 0 + 0 + 4, 4 + 6 + 70]
    assert t3["granted"] == [2 + 27, 1, 0, 2, 0, 1, 3 + 30]
    assert t3["carried_forward"] == [1 + 1, 0, 0, 0, 0, 0, 1 + 1]
    assert t4["reconsideration"] == [1 + 0 + 1, 0 + 1 + 0, 0 + 0 + 2, 1 + 0 + 0, 2 + 1 + 3]
    assert t4["litigation_direct"] == [2 + 12, 0, 0, 0, 2 + 12]
    assert len(t3) == len(factories.tables_json("2021")["section3"])
    assert all(len(cells) == len(SECTION3_COLUMN_KEYS) for cells in t3.values())
    assert [(i.name, i.source) for i in summed.included] == [
        ("甲县人民政府", "gongkai"),
        ("甲县财政局", "gongkai"),
        ("甲县二乡人民政府", "import"),
    ]
    assert {m.name: m.reason for m in summed.missing} == {
        "甲县一镇人民政府": "导入的报告不是2021年度应采用的格式",
        "甲县一镇党政综合办公室": "导入的文件无法读取",
    }


def test_imports_saved_before_table_format_read_format_as_the_tables(tree: Tree) -> None:
    """Before ``table_format`` existed, an import's ``format`` was its tables' format."""
    year = 2021
    saved = {
        "path": "a.html",
        "kind": "annual_report",
        "year": year,
        "agency": "甲县二乡人民政府",
        "tables": factories.tables_json("2021"),
        "findings": [],
    }
    factories.imported(tree.town_a2, tree.county_a, year, result={**saved, "format": "2021"})
    factories.imported(tree.town_a1, tree.county_a, year, result={**saved, "format": "2019"})
    template = {**saved, "kind": "template", "format": "2021", "table_format": "2021"}
    factories.imported(tree.town_a1_office, tree.county_a, year, result=template)
    summed = rollup.summed_tables(tree.county_a, year)
    assert summed is not None
    assert ("甲县二乡人民政府", "import") in [(i.name, i.source) for i in summed.included]
    reasons = {m.name: m.reason for m in summed.missing}
    assert reasons["甲县一镇人民政府"] == "导入的报告不是2021年度应采用的格式"
    assert reasons["甲县一镇党政综合办公室"] == "导入的文件是空白模板，没有填写数字"


def test_an_incomplete_import_is_left_out_with_the_reason(tree: Tree) -> None:
    tables = factories.tables_json("2021")
    del tables["section3"]["carried_forward"]
    tables["section4"]["reconsideration"][2] = None
    cut = {
        "path": "cut.txt",
        "kind": "annual_report",
        "format": "2021",
        "year": 2022,
        "tables": tables,
        "findings": [],
    }
    factories.imported(tree.town_a2, tree.county_a, 2022, result=cut)
    blank = factories.tables_json("2021")
    blank["section4"]["reconsideration"][2] = None
    factories.imported(tree.town_a1, tree.county_a, 2022, result={**cut, "tables": blank})
    summed = rollup.summed_tables(tree.county_a, 2022)
    assert summed is not None
    reasons = {m.name: m.reason for m in summed.missing}
    assert reasons["甲县二乡人民政府"] == "导入的报告不完整：表三缺少“四、结转下年度继续办理”"
    assert reasons["甲县一镇人民政府"] == "导入的报告不完整：表四“行政复议”有空白或不是整数的单元格"
    assert reasons["甲县人民政府"] == "未公开年度报告，也没有导入"
    assert summed.included == []


def test_a_2019_format_year_sums_its_own_rows(tree: Tree) -> None:
    factories.publish(tree.county_a_finance, 2020, D(2021, 1, 5), section3={"other": [1, 0, 0, 0, 0, 0, 1]})
    factories.publish(tree.county_a, 2020, D(2021, 3, 5), section3={"other": [0, 2, 0, 0, 0, 0, 2]})
    summed = rollup.summed_tables(tree.county_a, 2020)
    assert summed is not None
    assert summed.format == "2019"
    assert summed.tables.section3["other"] == [1, 2, 0, 0, 0, 0, 3]
    assert "other_other" not in summed.tables.section3
    assert rollup.summed_tables(tree.county_a, 2018) is None


@pytest.mark.parametrize("seat_code", ["county-b", "town-a1"])
def test_a_seat_sees_only_its_subtree(tree: Tree, seat_code: str) -> None:
    seat = {a.short_code: a for a in tree.all()}[seat_code]
    codes = {r.short_code for r in rollup.status_rollup(seat, YEAR, TODAY).rows}
    assert codes == {a.short_code for a in tree.all() if a.pk == seat.pk or seat.pk in a.ancestor_ids()}
