"""The officer's queue (/cases/): who sees what, ordering, filters, pagination, query count, CSV export."""

from __future__ import annotations

import csv
import datetime
import io
import pathlib
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pytest_django import DjangoAssertNumQueries

from gongkai.applications import codes, services, views_officer
from gongkai.applications.models import Application
from gongkai.workdays.store import current_calendar
from tests.applications.conftest import CaseMaker, Staff

#: A Monday in a built-in calendar year; every date of these tests is relative to it.
TODAY = datetime.date(2026, 6, 1)


@pytest.fixture(autouse=True)
def _today(pin_today: Callable[[datetime.date], None]) -> None:
    pin_today(TODAY)


def client_for(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def arrival_for_due(due: datetime.date) -> datetime.date:
    """The latest day (on or before today) whose 20th working day after is ``due`` (in-person receipt)."""
    calendar = current_calendar()
    day = TODAY
    while calendar.add_working_days(day, 20) > due:
        day -= datetime.timedelta(days=1)
    assert calendar.add_working_days(day, 20) == due
    return day


@pytest.fixture
def cases(staff: Staff, make_case: CaseMaker) -> dict[str, Application]:
    """One case in each state the queue distinguishes, all at the staff's agency."""
    calendar = current_calendar()
    overdue = make_case(arrived_on=TODAY - datetime.timedelta(days=60), name="逾期人", serial=1)
    soon = make_case(
        arrived_on=arrival_for_due(calendar.add_working_days(TODAY, 2)), name="将到期人", serial=2
    )
    on_time = make_case(arrived_on=TODAY, name="按期人", serial=3, applicant_type="commercial")
    pending = make_case(
        arrived_on=TODAY - datetime.timedelta(days=3), channel="post_ordinary", name="待确认人", serial=4
    )
    closed = make_case(arrived_on=TODAY - datetime.timedelta(days=20), name="已办结人", serial=5)
    services.answer(
        actor=staff.officer, application=closed, on=TODAY, outcome="granted", how_to_obtain="邮寄纸质文本。"
    )
    return {"overdue": overdue, "soon": soon, "on_time": on_time, "pending": pending, "closed": closed}


def references(response: object) -> list[str]:
    rows = response.context["rows"]  # type: ignore[attr-defined]
    return [row.case.reference for row in rows]


def test_anonymous_users_are_sent_to_the_login_page(db: None) -> None:
    for url in ("/cases/", "/cases/new/", "/cases/export.csv", "/cases/1/"):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")


def test_the_queue_is_sorted_by_due_date_with_undated_cases_last(
    staff: Staff, cases: dict[str, Application]
) -> None:
    response = client_for(staff.officer).get("/cases/")
    assert response.status_code == 200
    assert references(response) == [cases[k].reference for k in ("overdue", "soon", "on_time", "pending")]
    rows = {row.case.reference: row for row in response.context["rows"]}
    assert rows[cases["soon"].reference].days_left == 2
    assert rows[cases["on_time"].reference].days_left == 20
    assert rows[cases["overdue"].reference].days_left is not None
    assert rows[cases["overdue"].reference].days_left < 0
    html = response.content.decode()
    assert "已逾期" in html and "即将到期" in html and "待确认收到" in html
    assert "尚待确认收到申请，期限暂不能计算。" in html
    assert "案件办理" in html  # the navigation item
    # One agency: no agency column.
    assert not response.context["show_agency"]


def test_other_agencies_cases_are_not_listed(
    staff: Staff, cases: dict[str, Application], make_case: CaseMaker
) -> None:
    theirs = make_case(agency=staff.other_agency, actor=staff.other_officer, arrived_on=TODAY, serial=9)
    mine = client_for(staff.officer).get("/cases/?state=all").context["rows"]
    assert sorted(row.case.pk for row in mine) == sorted(c.pk for c in cases.values())
    theirs_only = client_for(staff.other_officer).get("/cases/?state=all")
    assert [row.case.pk for row in theirs_only.context["rows"]] == [theirs.pk]


def test_a_supervisor_sees_the_subtree_with_an_agency_column(
    staff: Staff, cases: dict[str, Application]
) -> None:
    response = client_for(staff.supervisor).get("/cases/")
    assert len(references(response)) == 4
    assert response.context["show_agency"]
    assert "甲县财政局" in response.content.decode()
    assert not response.context["can_register"]


def test_the_agency_column_keeps_names_readable(staff: Staff, cases: dict[str, Application]) -> None:
    html = client_for(staff.supervisor).get("/cases/").content.decode()
    assert '<th scope="col" class="cases-queue__agency">机关</th>' in html
    # Each name on one line, cut with an ellipsis when too long, the whole name in the title.
    assert html.count('<td class="cases-queue__agency" title="甲县财政局">甲县财政局</td>') == 4
    path = finders.find("gongkai/site.css")
    assert isinstance(path, str) and 'href="/static/gongkai/site.css"' in html
    css = pathlib.Path(path).read_text(encoding="utf-8")
    rule = re.search(r"\.cases-queue__agency \{([^}]*)\}", css)
    assert rule is not None
    assert (
        "white-space: nowrap" in rule[1] and "text-overflow: ellipsis" in rule[1] and "min-width" in rule[1]
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("state=due_soon", ["soon"]),
        ("state=overdue", ["overdue"]),
        ("state=waiting", ["pending"]),
        ("state=closed", ["closed"]),
        ("state=all&applicant_type=commercial", ["on_time"]),
        ("state=all&channel=post_ordinary", ["pending"]),
        ("state=all&q=将到期", ["soon"]),
        ("state=all&q=2026-0000", ["overdue", "soon", "on_time", "pending", "closed"]),
        ("year=2026", ["overdue", "soon", "on_time"]),
        ("year=2025", None),  # not a year with cases: the filter is ignored, with a message
    ],
)
def test_filters(staff: Staff, cases: dict[str, Application], query: str, expected: list[str] | None) -> None:
    response = client_for(staff.officer).get(f"/cases/?{query}")
    assert response.status_code == 200
    if expected is None:
        assert "部分筛选条件无效" in response.content.decode()
        assert len(references(response)) == 4
    else:
        assert sorted(references(response)) == sorted(cases[k].reference for k in expected)


def test_search_by_tracking_code_and_agency_filter(staff: Staff, cases: dict[str, Application]) -> None:
    code = codes.format_tracking_code(cases["soon"].tracking_code).lower()
    client = client_for(staff.supervisor)
    assert references(client.get("/cases/", {"q": code})) == [cases["soon"].reference]
    assert len(references(client.get("/cases/", {"agency": staff.agency.pk}))) == 4
    # An agency the user cannot see is a form error, not a 500 and not a leak.
    response = client.get("/cases/", {"agency": staff.other_agency.pk})
    assert response.status_code == 200
    assert "部分筛选条件无效" in response.content.decode()


def test_pagination_keeps_the_filters(
    staff: Staff, cases: dict[str, Application], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views_officer, "PER_PAGE", 2)
    client = client_for(staff.officer)
    first = client.get("/cases/", {"state": "all"})
    assert references(first) == [cases["overdue"].reference, cases["soon"].reference]
    html = first.content.decode()
    assert "?state=all&amp;page=2" in html
    third = client.get("/cases/", {"state": "all", "page": "3"})
    assert references(third) == [cases["closed"].reference]
    assert references(client.get("/cases/", {"state": "all", "page": "x"})) == references(first)


def test_the_number_of_queries_does_not_grow_with_the_rows(
    staff: Staff,
    make_case: CaseMaker,
    django_assert_max_num_queries: DjangoAssertNumQueries,
    settings: Any,
) -> None:
    # The queue as it is made (its cache's hits and misses: tests/applications/test_queue_cache.py).
    settings.GONGKAI_QUEUE_CACHE = False
    client = client_for(staff.supervisor)
    make_case(arrived_on=TODAY, serial=1)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/cases/").status_code == 200
    for serial in range(2, 26):
        make_case(arrived_on=TODAY - datetime.timedelta(days=serial), serial=serial)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/cases/")
    assert len(references(response)) == 25
    assert len(many.captured_queries) == len(few.captured_queries)
    # The session and the user; the user's seats and (a 政务公开办's) their subtree; the calendar's
    # fingerprint; the receipt years; the count; the page's rows; the unread notices of the navigation bar.
    with django_assert_max_num_queries(9):
        client.get("/cases/?state=due_soon&q=张&year=2026")


@pytest.mark.parametrize("cached", [False, True])
def test_the_queue_reads_the_users_seats_once(
    staff: Staff, cases: dict[str, Application], settings: Any, cached: bool
) -> None:
    """Which cases, which agencies, registering, approving and the navigation bar's links: one read of the
    user's memberships for them all; an officer's agencies come with it (no query of the agencies) — when
    the page is made and when its head and body come from the cache (the second request)."""
    settings.GONGKAI_QUEUE_CACHE = cached
    client = client_for(staff.officer)
    client.get("/cases/")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/cases/")
    assert response.status_code == 200
    statements = [query["sql"] for query in queries.captured_queries]
    assert sum('FROM "agencies_membership"' in sql for sql in statements) == 1, statements
    assert not any(sql.startswith("SELECT") and 'FROM "agencies_agency"' in sql for sql in statements)
    assert len(statements) <= 8, statements
    assert "案件办理" in response.content.decode() and 'href="/cases/new/"' in response.content.decode()
    # Made: the rows' query; from the cache: none of the cases' tables is read.
    assert any('FROM "applications_application"' in sql for sql in statements) is not cached, statements


def test_csv_export_of_the_filtered_list(staff: Staff, cases: dict[str, Application]) -> None:
    response = client_for(staff.officer).get("/cases/export.csv?state=all&q=人")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["登记编号", "受理机关", "申请人"]
    assert len(rows) == 6
    names = {row[2] for row in rows[1:]}
    assert names == {"逾期人", "将到期人", "按期人", "待确认人", "已办结人"}
    # No personal data beyond the name.
    for case in cases.values():
        assert case.id_number not in text
        assert case.phone not in text
        assert case.address not in text


def test_csv_cells_cannot_be_formulas(staff: Staff, make_case: CaseMaker) -> None:
    make_case(arrived_on=TODAY, name="=HYPERLINK(1)")
    text = b"".join(client_for(staff.officer).get("/cases/export.csv").streaming_content).decode()  # type: ignore[attr-defined]
    assert "'=HYPERLINK(1)" in text
