"""The admin shows applications read-only, with the applicant's personal data masked."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from gongkai.applications.models import Appeal, Application, Letter
from gongkai.applications.validators import mask_id
from tests.applications.conftest import CaseMaker, Staff

TODAY = datetime.date(2026, 6, 1)


@pytest.fixture(autouse=True)
def _today(pin_today: Callable[[datetime.date], None]) -> None:
    pin_today(TODAY)


@pytest.fixture
def case(make_case: CaseMaker) -> Application:
    return make_case(arrived_on=datetime.date(2026, 5, 20))


@pytest.fixture
def admin_client_(staff: Staff) -> Client:
    client = Client()
    client.force_login(staff.superuser)
    return client


def test_the_list_masks_personal_data(admin_client_: Client, case: Application) -> None:
    response = admin_client_.get("/admin/applications/application/")
    assert response.status_code == 200
    html = response.content.decode()
    assert case.reference in html
    assert mask_id(case.id_number) in html
    assert case.id_number not in html
    found = admin_client_.get("/admin/applications/application/", {"q": case.reference})
    assert case.applicant_name in found.content.decode()


def test_the_case_is_read_only(admin_client_: Client, case: Application) -> None:
    page = admin_client_.get(f"/admin/applications/application/{case.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert case.id_number not in html and case.phone not in html and case.address not in html
    assert "登记申请" in html  # the events inline
    assert 'name="_save"' not in html
    assert admin_client_.get("/admin/applications/application/add/").status_code == 403
    assert admin_client_.post(f"/admin/applications/application/{case.pk}/delete/").status_code == 403
    letter = Letter.objects.get(application=case)
    letter_page = admin_client_.get(f"/admin/applications/letter/{letter.pk}/change/")
    assert letter_page.status_code == 200
    assert case.address not in letter_page.content.decode()
    assert admin_client_.get("/admin/applications/appeal/").status_code == 200
    assert not Appeal.objects.exists()


def test_staff_users_see_only_their_cases(staff: Staff, case: Application, make_case: CaseMaker) -> None:
    theirs = make_case(
        agency=staff.other_agency, actor=staff.other_officer, arrived_on=TODAY, name="乙县申请人"
    )
    user = staff.other_officer
    user.is_staff = True
    user.save()
    user.user_permissions.add(Permission.objects.get(codename="view_application"))
    client = Client()
    client.force_login(user)
    html = client.get("/admin/applications/application/").content.decode()
    assert "乙县申请人" in html
    assert case.applicant_name not in html
    assert client.get(f"/admin/applications/application/{case.pk}/change/").status_code == 302
    assert client.get(f"/admin/applications/application/{theirs.pk}/change/").status_code == 200
