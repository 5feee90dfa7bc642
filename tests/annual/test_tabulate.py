"""The report builder (:mod:`gongkai.annual.tabulate`): tables 二, 三 and 四 from the records (D7–D9).

* A random history played through the services (``tests.applications.test_table_counts.History``),
  with today pinned, gives for three consecutive years tables 三 and 四 equal to the plan, satisfying
  every identity of the 2021 format, with 二 (上年结转) of each year equal to 四 (结转下年度) of the year
  before; the supervisor's roll-up over two agencies is the sum of each agency's tables.
* A 2020 report uses the 2019 rows (a single （六）其他处理 row ``other``) and the 2019 identities.
* The number of queries does not grow with the number of cases.
* Table 二 (2021 format) on hand-made catalogue entries; the 2019 table 二 is refused (entered by hand).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest

from gongkai.agencies.models import Agency
from gongkai.annual import tabulate
from gongkai.applications import services
from gongkai.applications.models import ApplicantType
from gongkai.catalogue.models import DocumentType, Item, ItemKind, Status
from gongkai.reports.model import FORMATS, SECTION3_APPLICANT_COLUMNS, SECTION3_COLUMN_KEYS
from tests.applications import conftest as applications_fixtures
from tests.applications.conftest import CaseMaker, Staff
from tests.applications.test_table_counts import ANSWER_DETAILS, History, cells, check_identities, nonzero

pytestmark = pytest.mark.django_db

# The applications fixtures, used here as they are.
staff = applications_fixtures.staff
make_case = applications_fixtures.make_case
pin_today = applications_fixtures.pin_today

D = datetime.date
PinToday = Callable[[datetime.date], None]
TODAY = D(2025, 7, 15)  # pinned: three report years 2023 (from 1 November), 2024 and 2025 (to today)


def test_the_applicant_types_are_the_table_columns() -> None:
    assert tuple(ApplicantType.values) == SECTION3_APPLICANT_COLUMNS


@pytest.mark.parametrize("seed", [7, 2025])
def test_three_consecutive_years_balance_and_carry_over(
    staff: Staff, make_case: CaseMaker, pin_today: PinToday, seed: int
) -> None:
    pin_today(TODAY)
    history = History(staff, make_case, seed)
    history.play(40)
    # Another agency's cases: left out of this agency's tables, summed in the roll-up.
    for serial, days in enumerate((400, 200, 30), start=1):
        make_case(
            agency=staff.other_agency,
            actor=staff.other_officer,
            arrived_on=TODAY - datetime.timedelta(days=days),
            applicant_type="commercial",
            serial=serial,
        )

    identities = FORMATS["2021"].identities
    codes = {i.code for i in identities}
    assert codes == {
        "section3.row_total",
        "section3.results_total",
        "section3.balance",
        "section4.group_total",
    }
    previous: dict[str, dict[str, int]] | None = None
    for year in (TODAY.year - 2, TODAY.year - 1, TODAY.year):
        table3 = tabulate.table3([staff.agency.pk], year)
        table4 = tabulate.table4([staff.agency.pk], year)
        assert list(table3) == list(FORMATS["2021"].section3_row_keys)
        assert nonzero(cells(table3)) == nonzero(history.expected_table3(year))
        assert nonzero(cells(table4)) == nonzero(history.expected_table4(year))
        assert check_identities(identities, {"section3": cells(table3), "section4": cells(table4)}) == []
        # 二 of this year == 四 of last year, per column (the first year starts from nothing).
        expected_carried_over = (
            previous["carried_forward"] if previous else dict.fromkeys(SECTION3_COLUMN_KEYS, 0)
        )
        assert table3["carried_over"] == expected_carried_over
        previous = table3

        # The supervisor's roll-up: the same call with both agencies is the sum of each one's table.
        other3 = tabulate.table3([staff.other_agency.pk], year)
        both3 = tabulate.table3([staff.agency.pk, staff.other_agency.pk], year)
        assert both3 == {r: {c: table3[r][c] + other3[r][c] for c in table3[r]} for r in table3}
        assert tabulate.table4([staff.agency.pk, staff.other_agency.pk], year) == table4
        assert_cells_list_their_records(staff.agency.pk, year, table3, table4)

    # The history exercised the tables: carried cases, results, pending and concluded appeals.
    last_year = tabulate.table3([staff.agency.pk], TODAY.year - 1)
    assert last_year["carried_over"]["total"] > 0 and last_year["carried_forward"]["total"] > 0
    assert last_year["total"]["total"] > 5
    this_year4 = tabulate.table4([staff.agency.pk], TODAY.year)
    assert this_year4["reconsideration"]["corrected"] >= 1  # pending on 31 Dec, concluded on 20 Jan
    assert this_year4["litigation_after_reconsideration"]["pending"] >= 1
    assert tabulate.table4([staff.agency.pk], TODAY.year - 1)["reconsideration"]["pending"] >= 1


def test_a_2020_report_uses_the_2019_rows(staff: Staff, make_case: CaseMaker) -> None:
    officer = staff.officer
    granted = make_case(arrived_on=D(2020, 3, 2), serial=1)
    services.answer(
        actor=officer, application=granted, on=D(2020, 3, 20), outcome="granted", **ANSWER_DETAILS
    )
    other = make_case(arrived_on=D(2020, 4, 1), serial=2, applicant_type="research")
    services.answer(actor=officer, application=other, on=D(2020, 4, 20), outcome="other", **ANSWER_DETAILS)
    withdrawn = make_case(arrived_on=D(2020, 5, 6), serial=3, applicant_type="research")
    services.withdraw(actor=officer, application=withdrawn, on=D(2020, 5, 8))
    open_case = make_case(arrived_on=D(2020, 12, 28), serial=4, applicant_type="other_org")
    services.answer(actor=officer, application=open_case, on=D(2021, 1, 8), outcome="other", **ANSWER_DETAILS)

    table = tabulate.table3([staff.agency.pk], 2020)
    assert list(table) == list(FORMATS["2019"].section3_row_keys)
    assert "other" in table and "other_other" not in table and "other_no_fee" not in table
    assert table["other"]["research"] == 2 == table["other"]["total"]  # answered 其他 + withdrawn
    assert table["granted"]["natural_person"] == 1
    assert table["total"]["total"] == 3 and table["new_received"]["total"] == 4
    assert table["carried_forward"] == {**dict.fromkeys(SECTION3_COLUMN_KEYS, 0), "other_org": 1, "total": 1}
    tables = {"section3": cells(table), "section4": cells(tabulate.table4([staff.agency.pk], 2020))}
    assert check_identities(FORMATS["2019"].identities, tables) == []
    # The next year is in the 2021 format: the case answered 其他 counts in （六）3 其他.
    next_year = tabulate.table3([staff.agency.pk], 2021)
    assert next_year["carried_over"]["other_org"] == 1 == next_year["other_other"]["other_org"]


def test_years_before_2019_have_no_structured_tables(staff: Staff) -> None:
    for table in (tabulate.table3, tabulate.table4, tabulate.table2):
        with pytest.raises(ValueError, match="2018年"):
            table([staff.agency.pk], 2018)


def test_the_queries_do_not_grow_with_the_cases(
    staff: Staff, make_case: CaseMaker, pin_today: PinToday, django_assert_max_num_queries: Any
) -> None:
    pin_today(TODAY)
    make_case(arrived_on=D(2025, 3, 3))
    with django_assert_max_num_queries(1):
        few = tabulate.table3([staff.agency.pk], 2025)
    assert few["new_received"]["total"] == 1
    history = History(staff, make_case, seed=11)
    history.play(30)
    with django_assert_max_num_queries(1):
        many = tabulate.table3([staff.agency.pk], 2025)
    assert many["new_received"]["total"] > few["new_received"]["total"]
    with django_assert_max_num_queries(1):
        tabulate.table4([staff.agency.pk], 2025)
    with django_assert_max_num_queries(2):
        tabulate.table2([staff.agency.pk], 2025)


# --- Table 二 -----------------------------------------------------------------------------------

_serial = iter(range(1, 10_000))


def item(agency: Agency, written_on: datetime.date, *, status: str = Status.PUBLISHED, **fields: Any) -> Item:
    """A catalogue entry made with the ORM; published ones get an index number and a publication date."""
    public = status in (Status.PUBLISHED, Status.WITHDRAWN)
    values: dict[str, Any] = {
        "agency": agency,
        "title": f"测试文件{next(_serial)}",
        "written_on": written_on,
        "status": status,
        "published_on": written_on + datetime.timedelta(days=3) if public else None,
        "index_number": f"{agency.short_code.upper()}/{written_on.year}-{next(_serial):05d}"
        if public
        else None,
    }
    values.update(fields)
    return Item.objects.create(**values)


def test_table2_counts_documents_and_decisions_from_the_catalogue(staff: Staff) -> None:
    agency = staff.agency
    regulation, normative = DocumentType.REGULATION, DocumentType.NORMATIVE
    # 规章: one in force since 2023; one made and repealed in 2024.
    item(agency, D(2023, 5, 1), document_type=regulation)
    item(agency, D(2024, 3, 1), document_type=regulation, repealed_on=D(2024, 11, 1), validity="repealed")
    # 行政规范性文件: made in 2024; made on 31 Dec 2024 and published in January (counts by 成文日期);
    # made in 2022, later withdrawn from the site (still counted: it was published), repealed in 2025.
    item(agency, D(2024, 2, 1), document_type=normative)
    item(agency, D(2024, 12, 31), document_type=normative, published_on=D(2025, 1, 5))
    item(agency, D(2022, 1, 1), document_type=normative, status=Status.WITHDRAWN, repealed_on=D(2025, 1, 10))
    # Not counted: a draft, another agency's document, an ordinary (其他) document.
    item(agency, D(2024, 6, 1), document_type=normative, status=Status.DRAFT)
    item(staff.other_agency, D(2024, 6, 1), document_type=normative)
    item(agency, D(2024, 6, 1))
    # Decisions, counted in the year they are published.
    item(agency, D(2024, 4, 1), kind=ItemKind.LICENSING)
    item(agency, D(2024, 12, 30), kind=ItemKind.LICENSING)  # published 2 January 2025
    item(agency, D(2024, 5, 1), kind=ItemKind.LICENSING, published_on=D(2024, 5, 2))
    item(agency, D(2023, 8, 1), kind=ItemKind.LICENSING)
    item(agency, D(2024, 9, 1), kind=ItemKind.PENALTY)
    item(agency, D(2024, 9, 1), kind=ItemKind.ENFORCEMENT, status=Status.RETURNED)

    table = tabulate.table2([agency.pk], 2024)
    assert table == {
        "regulations": {"issued": 1, "abolished": 1, "in_force": 1},
        "normative_documents": {"issued": 2, "abolished": 0, "in_force": 3},
        "licensing": {"decisions": 2},
        "penalty": {"decisions": 1},
        "enforcement": {"decisions": 0},
        "fees": {"amount": None},  # entered by hand (万元)
    }
    # The layout is the 2021 format's table 二.
    assert {row: list(columns) for row, columns in table.items()} == {
        row.key: [c.key for c in block.columns] for block, row in FORMATS["2021"].section2_rows()
    }
    # Cross-year: 现行有效(Y) = 现行有效(Y−1) + 本年制发(Y) − 本年废止(Y).
    before, after = tabulate.table2([agency.pk], 2023), tabulate.table2([agency.pk], 2025)
    for earlier, later in ((before, table), (table, after)):
        for row in ("regulations", "normative_documents"):
            was, now, issued, abolished = (
                earlier[row]["in_force"],
                *(later[row][c] for c in ("in_force", "issued", "abolished")),
            )
            assert was is not None and now is not None and issued is not None and abolished is not None
            assert now == was + issued - abolished
    assert after["normative_documents"]["abolished"] == 1 and after["licensing"]["decisions"] == 1
    # Every computed cell lists exactly the entries it counts.
    for row, columns in table.items():
        for column, value in columns.items():
            if value is None:
                with pytest.raises(KeyError):
                    tabulate.table2_items([agency.pk], 2024, row, column)
            else:
                assert tabulate.table2_items([agency.pk], 2024, row, column).count() == value, (row, column)
    assert set(
        tabulate.table2_items([agency.pk], 2024, "licensing", "decisions").values_list(
            "written_on", flat=True
        )
    ) == {
        D(2024, 4, 1),
        D(2024, 5, 1),
    }
    # Both agencies together: the other agency's document is added.
    both = tabulate.table2([agency.pk, staff.other_agency.pk], 2024)
    assert both["normative_documents"]["issued"] == 3


def assert_cells_list_their_records(
    agency_id: int, year: int, table3: dict[str, dict[str, int]], table4: dict[str, dict[str, int]]
) -> None:
    """Opening any cell lists exactly the cases or appeals it counts (same conditions as the counts)."""
    for row, columns in table3.items():
        for column, value in columns.items():
            assert tabulate.table3_cases([agency_id], year, row, column).count() == value, (year, row, column)
    for group, columns in table4.items():
        for column, value in columns.items():
            assert tabulate.table4_appeals([agency_id], year, group, column).count() == value, (
                year,
                group,
                column,
            )


def test_opening_a_cell_that_is_not_in_the_format_is_refused(staff: Staff) -> None:
    with pytest.raises(KeyError):
        tabulate.table3_cases([staff.agency.pk], 2020, "other_no_fee", "total")  # a 2021 row in a 2019 year
    with pytest.raises(KeyError):
        tabulate.table3_cases([staff.agency.pk], 2024, "granted", "nobody")
    with pytest.raises(KeyError):
        tabulate.table4_appeals([staff.agency.pk], 2024, "reconsideration", "granted")
    with pytest.raises(KeyError):
        # the 2019 table 二 is entered by hand
        tabulate.table2_items([staff.agency.pk], 2020, "regulations", "issued")


def test_the_2019_table2_is_entered_by_hand(staff: Staff) -> None:
    for year in (2019, 2020):
        with pytest.raises(ValueError, match="手工填报"):
            tabulate.table2([staff.agency.pk], year)


def test_a_reopened_case_counts_once_by_its_first_answer(staff: Staff, make_case: CaseMaker) -> None:
    """Answered in 2024, reopened after a reconsideration decision in 2025 and answered again: the 2024
    report counted it (and did not carry it forward), so 2025 must not count it as carried over or answered
    again — otherwise the published 2024 四 and the 2025 二 would disagree (crossyear.carry_over)."""
    case = make_case(arrived_on=D(2024, 10, 8))
    services.answer(
        actor=staff.officer,
        application=case,
        on=D(2024, 10, 25),
        outcome="denied_process_info",
        **ANSWER_DETAILS,
    )
    before_2024 = tabulate.table3([staff.agency.pk], 2024)
    services.reopen(actor=staff.officer, application=case, on=D(2025, 2, 10), note="复议决定责令重新答复")
    case.refresh_from_db()
    assert case.answered_on is None and case.counted_answer_on == D(2024, 10, 25)
    services.answer(
        actor=staff.officer, application=case, on=D(2025, 2, 20), outcome="granted", **ANSWER_DETAILS
    )
    case.refresh_from_db()
    assert case.outcome == "granted" and case.counted_outcome == "denied_process_info"
    assert tabulate.table3([staff.agency.pk], 2024) == before_2024
    assert before_2024["denied_process_info"]["total"] == 1 and before_2024["carried_forward"]["total"] == 0
    this_year = tabulate.table3([staff.agency.pk], 2025)
    assert this_year["carried_over"]["total"] == 0 and this_year["total"]["total"] == 0
