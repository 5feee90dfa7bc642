"""Opening a case page (it names the applicant) is audited as ``application.viewed``: at most once per
person, case and hour, so that reloads do not bury the log (issue 12, 个人信息保护)."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.test import Client

from gongkai.applications import services
from gongkai.applications.models import Application
from gongkai.core.models import AuditEvent
from tests.applications.conftest import TZ, CaseMaker, Staff

pytestmark = pytest.mark.django_db

NOON = datetime.datetime(2026, 6, 10, 12, tzinfo=TZ)


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def case(make_case: CaseMaker) -> Application:
    return make_case(arrived_on=datetime.date(2026, 6, 1))


def views(case: Application) -> list[tuple[int | None, str]]:
    events = AuditEvent.objects.filter(action="application.viewed", object_id=str(case.pk)).order_by("id")
    return [(e.actor_id, e.created_at.astimezone(TZ).strftime("%H:%M")) for e in events]


def test_a_case_page_view_is_audited_once_an_hour_per_person(staff: Staff, case: Application) -> None:
    officer, reviewer = client_for(staff.officer), client_for(staff.reviewer)
    with time_machine.travel(NOON, tick=False):
        assert officer.get(f"/cases/{case.pk}/").status_code == 200
        assert officer.get(f"/cases/{case.pk}/").status_code == 200
        assert reviewer.get(f"/cases/{case.pk}/").status_code == 200
    with time_machine.travel(NOON + datetime.timedelta(minutes=59), tick=False):
        officer.get(f"/cases/{case.pk}/")
    with time_machine.travel(NOON + datetime.timedelta(minutes=61), tick=False):
        officer.get(f"/cases/{case.pk}/")
    assert views(case) == [
        (staff.officer.pk, "12:00"),
        (staff.reviewer.pk, "12:00"),
        (staff.officer.pk, "13:01"),
    ]
    event = AuditEvent.objects.filter(action="application.viewed").first()
    assert event is not None and event.agency_id == case.agency_id


def test_a_refused_view_records_nothing(staff: Staff, case: Application) -> None:
    assert client_for(staff.other_officer).get(f"/cases/{case.pk}/").status_code == 404
    assert views(case) == []
    with pytest.raises(PermissionDenied):
        services.record_case_view(actor=staff.other_officer, application=case)
    assert views(case) == []
