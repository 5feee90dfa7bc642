"""工作台: after login every role lands on its to-do list, each item linking to where the work is done."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import User
from django.test import Client

from gongkai.agencies.models import Role
from gongkai.annual import services as annual_services
from gongkai.annual.models import ReportVersion, VersionStatus
from gongkai.applications import services as case_services
from gongkai.catalogue.models import Status
from gongkai.demo.management.commands.seed_demo import DEMO_STAFF
from gongkai.office.workbench import Urgency, items_for
from gongkai.workdays.store import current_calendar
from tests.applications.conftest import applicant, at, request
from tests.catalogue.conftest import Advance, MakeItem, People

TODAY = datetime.date(2026, 6, 15)


def kinds(user: User, today: datetime.date = TODAY) -> dict[str, list[object]]:
    found: dict[str, list[object]] = {}
    for item in items_for(user, today):
        found.setdefault(item.kind, []).append(item)
    return found


def test_login_lands_on_the_workbench(people: People) -> None:
    people.officer.set_password("Officer-Pass-1")
    people.officer.first_name = "林晓红"
    people.officer.save()
    client = Client()
    response = client.post("/accounts/login/", {"username": "officer", "password": "Officer-Pass-1"})
    assert response.status_code == 302 and response["Location"] == "/workbench/"
    page = client.get("/workbench/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "林晓红，您好" in text and "退出登录（林晓红）" in text


def test_an_overdue_case_is_on_its_officers_and_heads_workbench(people: People, today: datetime.date) -> None:
    case_services.register(
        actor=people.officer,
        agency=people.agency,
        applicant=applicant(),
        request=request(),
        channel="in_person",
        arrived_at=at(datetime.date(2026, 4, 1)),
    )
    for user in (people.officer, people.head):
        overdue = kinds(user, today)["cases.overdue"]
        assert len(overdue) == 1
        item = overdue[0]
        assert item.count == 1 and item.urgency == Urgency.OVERDUE  # type: ignore[attr-defined]
        assert item.link == f"/cases/?state=overdue&agency={people.agency.pk}"  # type: ignore[attr-defined]
        page = Client()
        page.force_login(user)
        assert page.get(item.link).status_code == 200  # type: ignore[attr-defined]
    for user in (people.reviewer, people.leader, people.other_officer, people.supervisor):
        assert "cases.overdue" not in kinds(user, today)


def test_catalogue_entries_wait_for_the_reviewer_then_the_leader(
    people: People, make_item: MakeItem, move: Advance
) -> None:
    move(make_item(), Status.SUBMITTED)
    review = kinds(people.reviewer)["catalogue.review"]
    assert [i.count for i in review] == [1]  # type: ignore[attr-defined]
    assert "catalogue.review" not in kinds(people.leader)
    assert "catalogue.review" not in kinds(people.other_reviewer)
    reviewed = move(make_item(title="甲县财政局关于2026年度政府采购意向的公告"), Status.REVIEWED)
    assert reviewed.status == Status.REVIEWED
    approve = kinds(people.leader)["catalogue.approve"]
    assert [i.count for i in approve] == [1]  # type: ignore[attr-defined]
    client = Client()
    client.force_login(people.leader)
    link = approve[0].link  # type: ignore[attr-defined]
    page = client.get(link)
    assert page.status_code == 200 and "政府采购意向" in page.content.decode()


def test_last_years_report_waits_until_published(people: People) -> None:
    january = kinds(people.officer, datetime.date(2026, 1, 10))["annual.report"]
    assert len(january) == 1
    item = january[0]
    assert item.urgency == Urgency.SOON and "2025年度" in item.title  # type: ignore[attr-defined]
    assert "2026年1月31日" in item.detail  # type: ignore[attr-defined]  # 条例 第四十九条: departments
    assert item.link == "/reports/county-a-finance/2025/"  # type: ignore[attr-defined]
    june = kinds(people.officer, TODAY)["annual.report"]
    assert june[0].urgency == Urgency.OVERDUE  # type: ignore[attr-defined]
    # In December, this year's report shows up too.
    december = kinds(people.officer, datetime.date(2026, 12, 5))["annual.report"]
    assert {i.title for i in december} >= {"2026年度政府信息公开工作年度报告尚未公布"}  # type: ignore[attr-defined]
    assert "annual.report" not in kinds(people.other_reviewer, TODAY)


def test_a_published_report_leaves_the_workbench(people: People, today: datetime.date) -> None:
    version = annual_services.open_draft(actor=people.officer, agency=people.agency, year=2025)
    assert version is not None
    before = kinds(people.officer, today)["annual.report"]
    assert len(before) == 1
    # Publishing proper (checks, acknowledgements) is annual's own tests' business: mark it published.
    ReportVersion.objects.filter(pk=version.pk).update(status=VersionStatus.PUBLISHED, published_on=today)
    assert "annual.report" not in kinds(people.officer, today)


@pytest.mark.parametrize("month_day", [(9, 30), (10, 1)])
def test_next_years_calendar_from_1_october_for_superusers(
    people: People, month_day: tuple[int, int]
) -> None:
    last_loaded = max(current_calendar().loaded_years)
    day = datetime.date(last_loaded, *month_day)
    found = "workdays.missing_year" in kinds(people.superuser, day)
    assert found is (month_day == (10, 1))
    assert "workdays.missing_year" not in kinds(people.officer, day)
    # A year whose next year is loaded has nothing to ask.
    assert "workdays.missing_year" not in kinds(people.superuser, datetime.date(last_loaded - 1, 10, 5))


def test_the_demo_world_has_a_user_for_every_role() -> None:
    roles = {role for _username, _name, seats in DEMO_STAFF for _code, role in seats}
    assert roles == set(Role.values)
    names = [name for _username, name, _seats in DEMO_STAFF]
    assert all(name and "（" not in name for name in names)  # 姓名 only, whole, in first_name


def test_the_supervisor_sees_the_overdue_reports_below_and_the_townships_deadline(people: People) -> None:
    found = kinds(people.supervisor, TODAY)
    # county-a (31 March), its finance bureau and the town office (31 January) are overdue on 15 June …
    [missing] = found["supervise.missing"]
    assert missing.count == 3 and missing.urgency == Urgency.OVERDUE  # type: ignore[attr-defined]
    assert missing.link == "/reports/supervise/county-a/2025/"  # type: ignore[attr-defined]
    # … and nobody has set the two townships' deadline (条例 第四十九条 leaves it to the 政务公开办).
    [unset] = found["supervise.deadline"]
    assert unset.count == 2  # type: ignore[attr-defined]
    client = Client()
    client.force_login(people.supervisor)
    assert client.get(missing.link).status_code == 200  # type: ignore[attr-defined]
    assert "supervise.missing" not in kinds(people.officer, TODAY)
