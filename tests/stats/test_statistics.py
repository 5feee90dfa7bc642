"""The statistics computed from a ledger built through the services (see conftest), and their pages."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import User
from django.test import Client
from openpyxl import load_workbook  # type: ignore[import-untyped]

from gongkai.applications import services
from gongkai.applications.clock import working_days_taken
from gongkai.applications.selectors import situation_of
from gongkai.stats import selectors
from gongkai.workdays.store import current_calendar
from tests.applications.conftest import Staff
from tests.stats.conftest import Ledger

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_clock_counts_the_working_days_taken(ledger: Ledger) -> None:
    taken = {
        key: working_days_taken(situation_of(ledger.cases[key]).facts, current_calendar()) for key in "ABCD"
    }
    assert taken == {"A": (9, True), "B": (26, True), "C": (25, False), "D": (18, True)}


def test_figures_of_the_year(staff: Staff, ledger: Ledger) -> None:
    figures = selectors.agency_figures(staff.agency, 2025, today=ledger.today)
    assert figures.received == 7
    assert figures.by_channel == {"in_person": 6, "post_signed": 1}
    assert figures.by_applicant_type == {"natural_person": 6, "commercial": 1}
    assert figures.answered == 5
    assert figures.by_outcome == {"granted": 4, "withdrawn": 1}
    assert figures.timed == 4
    assert figures.median_days == 21.5
    assert figures.p90_days == 26
    assert (figures.on_time, figures.late) == (3, 1)
    assert figures.on_time_rate == 0.75
    assert figures.overdue_now == 1  # F; G is not due yet
    # Overdue "now" follows the day asked about: on 1 December F was not overdue yet.
    early = selectors.agency_figures(staff.agency, 2025, today=ledger.today.replace(month=12, day=1))
    assert early.overdue_now == 0
    assert selectors.agency_figures(staff.agency, 2024, today=ledger.today).received == 0


def test_a_reopened_case_is_counted_by_its_first_answer(staff: Staff, ledger: Ledger) -> None:
    case = ledger.cases["C"]
    appeal = services.record_appeal(
        actor=staff.officer,
        application=case,
        kind="reconsideration",
        filed_on=ledger.today.replace(month=5, day=6),
        body="甲县人民政府",
    )
    services.reopen(
        actor=staff.officer, application=case, on=ledger.today.replace(month=6, day=3), appeal=appeal
    )
    figures = selectors.agency_figures(staff.agency, 2025, today=ledger.today)
    assert (figures.on_time, figures.late) == (3, 1)
    assert figures.p90_days == 26


def test_the_agency_page_for_its_staff_only(staff: Staff, ledger: Ledger) -> None:
    for user in (staff.officer, staff.head, staff.supervisor, staff.superuser):
        response = client_for(user).get("/stats/county-a-finance/?year=2025")
        assert response.status_code == 200, user
        html = response.content.decode()
        assert "75.0%" in html
        assert "21.5" in html
        assert response["Cache-Control"] == "private, no-store"
    assert client_for(staff.other_officer).get("/stats/county-a-finance/").status_code == 404
    assert Client().get("/stats/county-a-finance/").status_code == 302  # to the login page


def test_a_wrong_year_says_what_is_wrong(staff: Staff, ledger: Ledger) -> None:
    response = client_for(staff.officer).get("/stats/county-a-finance/?year=1999")
    assert response.status_code == 200
    assert "没有该年度的统计" in response.content.decode()
    response = client_for(staff.officer).get("/stats/county-a-finance/?year=abc")
    assert response.status_code == 200


def test_the_supervisor_sees_the_subtree_side_by_side(staff: Staff, ledger: Ledger) -> None:
    client = client_for(staff.supervisor)
    response = client.get("/stats/supervise/county-a/?year=2025")
    assert response.status_code == 200
    html = response.content.decode()
    assert "甲县财政局" in html
    assert "乙县人民政府" not in html  # another county: not in the subtree
    assert "<svg" in html
    rows = {agency.short_code: row for agency, row in response.context["rows"]}
    assert set(rows) == {"county-a", "county-a-finance", "town-a1", "town-a1-office", "town-a2"}
    assert rows["county-a-finance"][1:] == [7, 5, 3, 1, 75.0, 21.5, 26, 1]
    # The rows as rendered (made in Python, escaped): the agency's link and its cells, a dash for none.
    cells = "".join(
        f'<td class="cases-num">{v}</td>' for v in ["7", "5", "3", "1", "75.0", "21.5", "26", "1"]
    )
    assert f'<a href="/stats/county-a-finance/?year=2025">甲县财政局</a></th>{cells}</tr>' in html
    assert '<td class="cases-num">—</td>' in html
    assert '<rect x="228" y="' in html and "<title>甲县财政局 75.0%</title>" in html
    # Another seat, or a seat for someone who does not sit there: not found.
    assert client.get("/stats/supervise/county-b/").status_code == 404
    assert client.get("/stats/supervise/city/").status_code == 404
    assert client_for(staff.officer).get("/stats/supervise/county-a/").status_code == 404
    assert client_for(staff.other_officer).get("/stats/county-a-finance/").status_code == 404


def test_the_supervisor_spreadsheets(staff: Staff, ledger: Ledger) -> None:
    client = client_for(staff.supervisor)
    response = client.get("/stats/supervise/county-a/stats.xlsx?year=2025")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]
    finance = next(row for row in values if row[0] == "甲县财政局")
    assert finance[1:] == [7, 5, 3, 1, 75, 21.5, 26, 1]
    response = client.get("/stats/supervise/county-a/stats.csv?year=2025")
    text = response.content.decode("utf-8-sig")
    assert "甲县财政局,7,5,3,1,75.0,21.5,26,1" in text
    assert client_for(staff.other_officer).get("/stats/supervise/county-a/stats.xlsx").status_code == 404


def test_the_public_page_has_figures_but_no_personal_data(staff: Staff, ledger: Ledger) -> None:
    response = Client().get("/gk/county-a-finance/statistics/?year=2025")
    assert response.status_code == 200
    html = response.content.decode()
    assert "75.0%" in html
    for case in ledger.cases.values():
        assert case.applicant_name not in html
        assert case.id_number not in html
        assert case.reference not in html
        assert case.phone not in html
    # Linked from the column's front page.
    front = Client().get("/gk/county-a-finance/").content.decode()
    assert "/gk/county-a-finance/statistics/" in front
