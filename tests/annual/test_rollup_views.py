"""The roll-up pages: who may see which seat, the status page and its spreadsheet, the summed tables,
setting the townships' deadline (CSRF on), and a constant number of queries."""

from __future__ import annotations

import datetime
import io
import re
import zoneinfo
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook  # type: ignore[import-untyped]

from gongkai.agencies.models import AgencyKind, Membership, Role
from gongkai.agencies.services import create_agency
from gongkai.annual import rollup
from gongkai.annual.models import LocalDeadline
from gongkai.core.models import AuditEvent
from tests.annual import factories
from tests.conftest import Tree, make_user

D = datetime.date
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
LAST_YEAR = timezone.localdate().year - 1


def client_for(user: User | None, *, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    if user is not None:
        client.force_login(user)
    return client


def seat_urls(code: str, year: int = LAST_YEAR) -> list[str]:
    return [
        reverse("annual_supervise:rollup", args=(code,)),
        reverse("annual_supervise:rollup", args=(code, year)),
        reverse("annual_supervise:rollup_xlsx", args=(code, year)),
        reverse("annual_supervise:tables", args=(code, year)),
        reverse("annual_supervise:import", args=(code, year)),
        reverse("annual_supervise:imports", args=(code, year)),
        reverse("annual_supervise:imports_xlsx", args=(code, year)),
    ]


# --- Permissions ------------------------------------------------------------------------------


def test_anonymous_users_are_sent_to_login(tree: Tree) -> None:
    client = Client()
    for url in [reverse("annual_supervise:index"), *seat_urls("county-a")]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/"), url
    response = client.post(
        reverse("annual_supervise:deadline", args=("county-a", LAST_YEAR)), {"deadline": "x"}
    )
    assert response.status_code == 302
    assert not LocalDeadline.objects.exists()


def test_the_seat_s_supervisor_sees_every_page(tree: Tree) -> None:
    client = client_for(factories.supervisor(tree.county_a, "gkb"))
    response = client.get(reverse("annual_supervise:index"))
    assert response.status_code == 302
    assert response["Location"] == reverse("annual_supervise:rollup", args=("county-a", LAST_YEAR))
    home = client.get(reverse("annual_supervise:rollup", args=("county-a",)))
    assert home["Location"] == reverse("annual_supervise:rollup", args=("county-a", LAST_YEAR))
    for url in seat_urls("county-a")[1:]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "private, no-store", url


@pytest.mark.parametrize(
    ("role", "at"),
    [
        (Role.SUPERVISOR, "county_b"),  # another county's office
        (Role.SUPERVISOR, "town_a1"),  # an office below: not this seat
        (Role.SUPERVISOR, "city"),  # the office above sits at the city, not at the county
        (Role.INFORMATION_OFFICER, "county_a"),  # the county's own staff without the supervisor role
        (Role.ADMINISTRATOR, "county_a"),
    ],
)
def test_a_seat_not_the_user_s_is_not_found(tree: Tree, role: str, at: str) -> None:
    client = client_for(factories.member(getattr(tree, at), role, "someone"))
    for url in seat_urls("county-a"):
        assert client.get(url).status_code == 404, url
    response = client.post(
        reverse("annual_supervise:deadline", args=("county-a", LAST_YEAR)), {"deadline": "2026-02-20"}
    )
    assert response.status_code == 404
    assert not LocalDeadline.objects.exists()


def test_staff_without_the_supervisor_role_are_refused_the_index(tree: Tree) -> None:
    client = client_for(factories.member(tree.county_a, Role.INFORMATION_OFFICER, "officer"))
    response = client.get(reverse("annual_supervise:index"))
    assert response.status_code == 403
    assert "只有政务公开办" in response.content.decode()


def test_a_user_with_several_seats_chooses_and_a_superuser_sees_any_seat(tree: Tree) -> None:
    user = factories.supervisor(tree.county_a, "two-seats")
    Membership.objects.create(user=user, agency=tree.county_b, role=Role.SUPERVISOR)
    page = client_for(user).get(reverse("annual_supervise:index"))
    assert page.status_code == 200
    assert reverse("annual_supervise:rollup", args=("county-b", LAST_YEAR)) in page.content.decode()
    admin = client_for(make_user("root", is_superuser=True, is_staff=True))
    assert admin.get(reverse("annual_supervise:rollup", args=("town-b1", LAST_YEAR))).status_code == 200
    assert admin.get(reverse("annual_supervise:rollup", args=("nowhere", LAST_YEAR))).status_code == 404


def test_years_outside_the_formats_are_not_found(tree: Tree) -> None:
    client = client_for(factories.supervisor(tree.county_a, "gkb"))
    assert client.get(reverse("annual_supervise:rollup", args=("county-a", 2018))).status_code == 404
    future = timezone.localdate().year + 1
    assert client.get(reverse("annual_supervise:tables", args=("county-a", future))).status_code == 404
    assert client.get(reverse("annual_supervise:rollup", args=("county-a", 2019))).status_code == 200


# --- The status page ----------------------------------------------------------------------------


def test_the_status_page_lists_every_agency_with_links(tree: Tree) -> None:
    factories.publish(tree.county_a_finance, LAST_YEAR, D(LAST_YEAR + 1, 1, 20))
    imported = factories.imported(tree.town_a2, tree.county_a, LAST_YEAR)
    client = client_for(factories.supervisor(tree.county_a, "gkb"))
    response = client.get(reverse("annual_supervise:rollup", args=("county-a", LAST_YEAR)))
    html = response.content.decode()
    for name in (
        "甲县人民政府",
        "甲县财政局",
        "甲县一镇人民政府",
        "甲县一镇党政综合办公室",
        "甲县二乡人民政府",
    ):
        assert name in html
    assert "乙县" not in html
    assert reverse("annual_public:report", args=("county-a-finance", LAST_YEAR)) in html
    assert reverse("annual_supervise:import_detail", args=("county-a", imported.pk)) in html
    counts = {s: n for s, _label, n, _flag in response.context["counts"]}
    assert counts["on_time"] == 1
    assert counts[rollup.IMPORTED] == 1
    filtered = client.get(
        reverse("annual_supervise:rollup", args=("county-a", LAST_YEAR)), {"status": "on_time"}
    )
    assert [row.short_code for row, _flag, _indent, _observed in filtered.context["rows"]] == [
        "county-a-finance"
    ]
    bad = client.get(
        reverse("annual_supervise:rollup", args=("county-a", LAST_YEAR)), {"status": "<x>", "kind": "?"}
    )
    assert bad.status_code == 200
    assert len(bad.context["rows"]) == 5


def test_the_status_page_takes_a_constant_number_of_queries(
    tree: Tree, django_assert_max_num_queries: Any
) -> None:
    client = client_for(factories.supervisor(tree.county_a, "gkb"))
    url = reverse("annual_supervise:rollup", args=("county-a", LAST_YEAR))
    client.get(url)  # the session and the user are loaded once per request anyway
    for i in range(40):
        agency = create_agency(
            actor=None,
            name=f"甲县测试{i}镇",
            short_code=f"t{i}",
            kind=AgencyKind.TOWNSHIP,
            parent=tree.county_a,
        )
        factories.publish(agency, LAST_YEAR, D(LAST_YEAR + 1, 2, 1), findings=[factories.finding("warning")])
        factories.draft(agency, LAST_YEAR)
    # 9, 1 for the monitoring's column (annual.rollup.observers), the latest export job (1), and 2 for the
    # navigation bar of every signed-in page (the user's roles, the unread notices).
    with django_assert_max_num_queries(9 + 1 + 1 + 2):
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(9 + 1):
        assert (
            client.get(reverse("annual_supervise:rollup_xlsx", args=("county-a", LAST_YEAR))).status_code
            == 200
        )
    with django_assert_max_num_queries(8 + 2):
        assert client.get(reverse("annual_supervise:tables", args=("county-a", LAST_YEAR))).status_code == 200


# In June every statutory deadline on last year's reports has passed (in January the departments' 31 January
# would still be ahead, and 甲县财政局 would be 未到期限 rather than 逾期未公开).
@time_machine.travel(datetime.datetime(LAST_YEAR + 1, 6, 15, 10, tzinfo=SHANGHAI), tick=True)
def test_the_status_spreadsheet_has_a_row_per_agency(tree: Tree) -> None:
    factories.publish(tree.county_a, LAST_YEAR, D(LAST_YEAR + 1, 4, 2), findings=[factories.finding("error")])
    client = client_for(factories.supervisor(tree.county_a, "gkb"))
    response = client.get(reverse("annual_supervise:rollup_xlsx", args=("county-a", LAST_YEAR)))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    sheet = list(book.worksheets[0].iter_rows(values_only=True))
    header, rows = sheet[0], sheet[1:]
    assert header[0] == "机关"
    assert len(rows) == 5
    by_name = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    government = by_name["甲县人民政府"]
    assert government["状态"] == "逾期公开"
    assert government["错误数"] == 1
    assert government["首次公开日期"].date() == D(LAST_YEAR + 1, 4, 2)
    assert government["链接"].endswith(reverse("annual_public:report", args=("county-a", LAST_YEAR)))
    assert by_name["甲县财政局"]["状态"] == "逾期未公开"
    summary = {row[0]: row[1] for row in book.worksheets[1].iter_rows(min_row=2, values_only=True)}
    assert summary["逾期公开"] == 1
    assert summary["合计"] == 5


@time_machine.travel(datetime.datetime(LAST_YEAR + 1, 6, 15, 10, tzinfo=SHANGHAI), tick=True)
def test_the_status_spreadsheet_is_in_the_readers_language(tree: Tree) -> None:
    factories.publish(tree.county_a, LAST_YEAR, D(LAST_YEAR + 1, 4, 2))
    client = client_for(factories.supervisor(tree.county_a, "gkb"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("annual_supervise:rollup_xlsx", args=("county-a", LAST_YEAR)))
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    sheet = list(book.worksheets[0].iter_rows(values_only=True))
    header, rows = sheet[0], sheet[1:]
    by_name = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    statuses = {row["Status"] for row in by_name.values()}
    bases = {row["Basis of the deadline"] for row in by_name.values()}
    assert not any(re.search(r"[\u4e00-\u9fff]", text) for text in statuses | bases), (statuses, bases)
    summary = {row[0] for row in book.worksheets[1].iter_rows(min_row=2, values_only=True)}
    assert not any(re.search(r"[\u4e00-\u9fff]", text) for text in summary), summary


# --- The summed tables --------------------------------------------------------------------------


def test_the_tables_page_shows_the_sums_and_who_is_missing(tree: Tree) -> None:
    factories.publish(
        tree.county_a, LAST_YEAR, D(LAST_YEAR + 1, 3, 1), section3={"new_received": [4, 0, 0, 0, 0, 3, 7]}
    )
    factories.publish(
        tree.town_a1, LAST_YEAR, D(LAST_YEAR + 1, 3, 1), section3={"new_received": [1, 0, 0, 0, 0, 1, 2]}
    )
    client = client_for(factories.supervisor(tree.county_a, "gkb"))
    response = client.get(reverse("annual_supervise:tables", args=("county-a", LAST_YEAR)))
    html = response.content.decode()
    assert [t.key for t in response.context["tables"]] == ["section3", "section4"]
    new_received = response.context["tables"][0].body[0]
    assert [c.text for c in new_received if not c.header] == ["5", "0", "0", "0", "0", "4", "9"]
    assert "已计入 2 个机关" in html
    assert "甲县财政局：未公开年度报告，也没有导入" in html


# --- The townships' deadline --------------------------------------------------------------------


def test_setting_the_townships_deadline(tree: Tree) -> None:
    user = factories.supervisor(tree.county_a, "gkb")
    client = client_for(user, csrf=True)
    url = reverse("annual_supervise:deadline", args=("county-a", LAST_YEAR))
    assert client.post(url, {"deadline": f"{LAST_YEAR + 1}-02-20"}).status_code == 403  # no CSRF token
    assert not LocalDeadline.objects.exists()

    page = client.get(reverse("annual_supervise:rollup", args=("county-a", LAST_YEAR)))
    token = page.cookies["csrftoken"].value
    response = client.post(url, {"deadline": f"{LAST_YEAR + 1}-02-20", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    local = LocalDeadline.objects.get()
    assert (local.supervisor_agency, local.year, local.deadline) == (
        tree.county_a,
        LAST_YEAR,
        D(LAST_YEAR + 1, 2, 20),
    )
    assert AuditEvent.objects.filter(action="annual.local_deadline_set", agency=tree.county_a).count() == 1
    page = client.get(reverse("annual_supervise:rollup", args=("county-a", LAST_YEAR)))
    html = page.content.decode()
    assert f"本单位已设定{LAST_YEAR}年度报告的期限：{LAST_YEAR + 1}-02-20" in html
    rows = {row.short_code: row for row, _flag, _indent, _observed in page.context["rows"]}
    assert rows["town-a1"].deadline == D(LAST_YEAR + 1, 2, 20)

    # A date outside the next year, or not a date: a clear error, nothing changed.
    for value, message in [
        (f"{LAST_YEAR}-12-31", f"{LAST_YEAR}年度报告的期限应在{LAST_YEAR + 1}年内"),
        ("明年二月", "日期格式不对"),
        ("", "请填写期限日期"),
    ]:
        response = client.post(url, {"deadline": value, "csrfmiddlewaretoken": token})
        assert response.status_code == 200
        assert message in response.content.decode()
    assert LocalDeadline.objects.get().deadline == D(LAST_YEAR + 1, 2, 20)
