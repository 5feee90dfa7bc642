"""The readable audit log: who reads what, in Chinese, filtered, paged, exported (and the export audited),
with personal data masked."""

from __future__ import annotations

import datetime
import io

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client
from openpyxl import load_workbook  # type: ignore[import-untyped]

from gongkai.applications import services
from gongkai.applications.models import Application
from gongkai.core.audit import record_audit
from gongkai.core.models import AuditEvent
from tests.applications import conftest as applications_fixtures
from tests.applications.conftest import TZ, CaseMaker, Staff, resident_id

pytestmark = pytest.mark.django_db

staff = applications_fixtures.staff
make_case = applications_fixtures.make_case

D = datetime.date
ID_NUMBER = resident_id(77)


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def on(day: datetime.date) -> time_machine.travel:
    """The whole clock (audit times included) at 10:00 on ``day`` in Beijing."""
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(10), tzinfo=TZ), tick=False)


@pytest.fixture
def log(staff: Staff, make_case: CaseMaker) -> Application:
    """A case of the agency registered on 2 June 2026, its applicant viewed by the officer on 3 June, a
    note naming an identity number on 4 June, and a case of another agency."""
    staff.officer.last_name, staff.officer.first_name = "王", "小明"
    staff.officer.save()
    with on(D(2026, 6, 2)):
        case = make_case(arrived_on=D(2026, 6, 1), name="张三丰")
    with on(D(2026, 6, 3)):
        services.reveal_applicant(actor=staff.officer, application=case)
    with on(D(2026, 6, 4)):
        record_audit(staff.head, "application.consultation_started", case, consultee=f"第三方 {ID_NUMBER}")
        make_case(
            arrived_on=D(2026, 6, 1), agency=staff.other_agency, actor=staff.other_officer, name="乙县申请人"
        )
    return case


def test_the_head_reads_the_agencys_events_in_chinese(staff: Staff, log: Application) -> None:
    response = client_for(staff.head).get("/audit/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    html = response.content.decode()
    assert "查看申请人个人信息" in html
    assert "登记申请" in html
    assert "王小明" in html  # the name, not the user name
    assert "2026年6月3日" in html
    assert f'href="/cases/{log.pk}/"' in html
    # Personal data stays masked: the applicant's name and the identity number in a detail.
    assert "张三丰" not in html
    assert "张**" in html
    assert ID_NUMBER not in html
    # Another agency's events are not there.
    assert "乙县申请人" not in html and "乙县" not in html
    actions = {row.event.action for row in response.context["rows"]}
    assert "application.registered" in actions


def test_who_reads_the_log(staff: Staff, log: Application) -> None:
    for user in (staff.officer, staff.reviewer, staff.leader, staff.other_officer):
        response = client_for(user).get("/audit/")
        assert response.status_code == 403, user
        assert "审计日志" in response.content.decode()
    assert Client().get("/audit/").status_code == 302
    # The supervisor of county-a reads its subtree (the finance bureau), not county-b.
    response = client_for(staff.supervisor).get("/audit/")
    assert response.status_code == 200
    agencies = {row.event.agency_id for row in response.context["rows"]}
    assert staff.agency.pk in agencies
    assert staff.other_agency.pk not in agencies
    # The superuser reads everything.
    everything = client_for(staff.superuser).get("/audit/").context["rows"]
    assert staff.other_agency.pk in {row.event.agency_id for row in everything}


def test_filters(staff: Staff, log: Application) -> None:
    client = client_for(staff.head)

    def actions(query: str) -> list[str]:
        response = client.get("/audit/?" + query)
        assert response.status_code == 200
        return [row.event.action for row in response.context["rows"]]

    assert actions("action=application.applicant_viewed") == ["application.applicant_viewed"]
    assert actions("date_from=2026-06-03&date_to=2026-06-03") == ["application.applicant_viewed"]
    assert "application.registered" not in actions("date_from=2026-06-03")
    assert actions(f"person={staff.head.pk}") == ["application.consultation_started"]
    assert set(actions("object_type=applications.application")) >= {
        "application.registered",
        "application.applicant_viewed",
    }
    assert set(actions("object_type=agencies.membership")) == {"membership.added"}
    # Wrong input: said, ignored, never a 500.
    response = client.get("/audit/?date_from=2026-13-01&action=nope.nope")
    html = response.content.decode()
    assert response.status_code == 200
    assert "起始日期格式不正确" in html
    assert "不是可选的值" in html
    response = client.get("/audit/?date_from=2026-06-05&date_to=2026-06-01")
    assert "起始日期不能晚于截止日期" in response.content.decode()


def test_pagination(staff: Staff, log: Application) -> None:
    for _ in range(60):
        record_audit(staff.head, "application.applicant_viewed", log)
    client = client_for(staff.head)
    first = client.get("/audit/")
    assert len(first.context["rows"]) == 50
    second = client.get("/audit/?page=2")
    assert len(second.context["rows"]) == first.context["page"].paginator.count - 50


def test_the_export_is_masked_and_audited(staff: Staff, log: Application) -> None:
    client = client_for(staff.head)
    response = client.get("/audit/export.csv?action=application.consultation_started")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8")  # type: ignore[attr-defined]
    assert text.startswith("\ufeff")  # Excel reads UTF-8 with a BOM
    assert "开始征求意见" in text
    assert ID_NUMBER not in text
    assert "张三丰" not in text
    exported = AuditEvent.objects.get(action="audit.exported")
    assert exported.actor == staff.head
    assert exported.agency_id == staff.agency.pk
    assert exported.details == {
        "count": 1,
        "format": "csv",
        "filters": {"action": "application.consultation_started"},
    }
    response = client.get("/audit/export.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    cells = [str(c.value) for row in sheet.iter_rows() for c in row]
    assert "查看申请人个人信息" in cells
    assert not any("张三丰" in c or ID_NUMBER in c for c in cells)
    assert AuditEvent.objects.filter(action="audit.exported").count() == 2
    # Shown in the log as what it is.
    assert "导出审计日志" in client.get("/audit/").content.decode()
    # Nobody else exports, and a refused export records nothing.
    assert client_for(staff.officer).get("/audit/export.csv").status_code == 403
    assert client.get("/audit/export.pdf").status_code == 404
    assert AuditEvent.objects.filter(action="audit.exported").count() == 2


def test_a_name_searched_in_an_export_is_masked(staff: Staff, log: Application) -> None:
    b"".join(client_for(staff.officer).get("/cases/export.csv?state=all&q=张三丰").streaming_content)  # type: ignore[attr-defined]
    response = client_for(staff.head).get("/audit/?action=application.cases_exported")
    html = response.content.decode()
    assert "导出案件列表（含申请人姓名）" in html
    assert "filters.q: 张**" in html
    assert "张三丰" not in html
