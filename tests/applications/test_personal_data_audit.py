"""Every download of a letter and every export of the applicants' names is audited (and refused to those
who may not have them)."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from gongkai.applications import services
from gongkai.applications.models import Application, Letter
from gongkai.core.models import AuditEvent
from tests.applications.conftest import CaseMaker, Staff, applicant

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def case(make_case: CaseMaker) -> Application:
    return make_case(arrived_on=datetime.date(2026, 5, 20))


def test_a_letter_download_is_audited(staff: Staff, case: Application) -> None:
    letter = Letter.objects.filter(application=case).first()
    assert letter is not None
    url = reverse("cases:letter", args=[case.pk, letter.pk])
    response = client_for(staff.reviewer).get(url)
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="letter.downloaded")
    assert event.actor == staff.reviewer
    assert event.agency_id == staff.agency.pk
    assert (event.object_type, event.object_id) == ("applications.letter", str(letter.pk))
    assert event.details == {"kind": letter.kind, "by": "staff"}


def test_a_refused_download_is_not_audited(staff: Staff, case: Application) -> None:
    letter = Letter.objects.filter(application=case).first()
    assert letter is not None
    url = reverse("cases:letter", args=[case.pk, letter.pk])
    assert client_for(staff.supervisor).get(url).status_code == 403  # sees the case, not the applicant
    assert client_for(staff.other_officer).get(url).status_code == 404
    assert not AuditEvent.objects.filter(action="letter.downloaded").exists()


def test_the_applicants_own_download_is_audited(staff: Staff, client: Client) -> None:
    case, secret, _created = services.submit_online(
        agency=staff.agency,
        applicant=applicant(serial=9),
        request=services.Request(
            description="甲县2025年预算", requested_form="electronic", delivery="online"
        ),
        submission_key=uuid.uuid4().hex,
    )
    client.post("/apply/status/", {"code": case.tracking_code, "secret": secret})
    letter = Letter.objects.filter(application=case, for_applicant=True).first()
    assert letter is not None
    response = client.get(reverse("public:status_letter", args=[case.tracking_code, letter.pk]))
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="letter.downloaded")
    assert event.actor is None
    assert event.details["by"] == "applicant"
    assert event.agency_id == staff.agency.pk


def test_the_case_export_is_audited_per_agency(staff: Staff, make_case: CaseMaker) -> None:
    make_case(arrived_on=datetime.date(2026, 5, 20), serial=1)
    make_case(arrived_on=datetime.date(2026, 5, 21), serial=2)
    make_case(
        arrived_on=datetime.date(2026, 5, 21), serial=3, agency=staff.other_agency, actor=staff.other_officer
    )
    response = client_for(staff.officer).get("/cases/export.csv?state=all&channel=in_person")
    assert response.status_code == 200
    b"".join(response.streaming_content)  # type: ignore[attr-defined]
    events = list(AuditEvent.objects.filter(action="application.cases_exported"))
    assert len(events) == 1  # the officer's own agency only
    assert events[0].agency_id == staff.agency.pk
    assert events[0].details == {"count": 2, "filters": {"state": "all", "channel": "in_person"}}
    # A superuser's export spanning two agencies: one event for each.
    b"".join(client_for(staff.superuser).get("/cases/export.csv?state=all").streaming_content)  # type: ignore[attr-defined]
    by_agency = dict(
        AuditEvent.objects.filter(action="application.cases_exported", actor=staff.superuser).values_list(
            "agency_id", "details__count"
        )
    )
    assert by_agency == {staff.agency.pk: 2, staff.other_agency.pk: 1}
