"""The 更正 pages of the officer workspace: form → confirmation (old → new) → correction; the case page's
timeline showing "更正" with what changed (personal data masked until the audited reveal); who may open
the pages (another agency's officer: 404; a reviewer or a supervisor: 403).

Today is pinned to 2026-06-15 (a Monday; the built-in 2026 calendar).
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client

from gongkai.applications import services
from gongkai.applications.models import Application, Letter
from gongkai.core.models import AuditEvent
from tests.applications.conftest import CaseMaker, Staff, resident_id

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture(autouse=True)
def _today(pin_today: Any) -> None:
    pin_today(D(2026, 6, 15))


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def case(make_case: CaseMaker) -> Application:
    return make_case(arrived_on=D(2026, 6, 1))


def details_post(case: Application, **changes: Any) -> dict[str, Any]:
    data = {
        "applicant_type": case.applicant_type,
        "applicant_name": case.applicant_name,
        "id_type": case.id_type,
        "id_number": case.id_number,
        "contact_person": case.contact_person,
        "phone": case.phone,
        "email": case.email,
        "address": case.address,
        "postcode": case.postcode,
        "pieces": case.pieces,
        "channel": case.channel,
        "arrived_on": "2026-06-01",
        "arrived_time": "10:00",
        "confirmed_on": "",
        "reason": "依据申请书原件核对",
    }
    data.update(changes)
    return data


def test_details_form_confirmation_and_timeline(staff: Staff, case: Application) -> None:
    officer = client_for(staff.officer)
    url = f"/cases/{case.pk}/correct/details/"
    viewed = AuditEvent.objects.filter(action="application.applicant_viewed").count()
    page = officer.get(url)
    assert page.status_code == 200
    assert case.id_number in page.content.decode()  # filled in with what is recorded
    assert AuditEvent.objects.filter(action="application.applicant_viewed").count() == viewed + 1
    new_id = resident_id(9)
    confirm = officer.post(url, details_post(case, id_number=new_id, pieces="3"))
    body = confirm.content.decode()
    assert confirm.status_code == 200
    assert "更正前" in body and case.id_number in body and new_id in body
    case.refresh_from_db()
    assert case.pieces == 1  # nothing written before the confirmation
    done = officer.post(url, {**details_post(case, id_number=new_id, pieces="3"), "confirmed": "1"})
    assert done.status_code == 302
    case.refresh_from_db()
    assert (case.id_number, case.pieces) == (new_id, 3)
    timeline = officer.get(f"/cases/{case.pk}/").content.decode()
    assert "更正登记信息" in timeline
    assert "更正件数：1 → 3" in timeline
    assert new_id not in timeline and case.id_number[-4:] in timeline  # masked on the timeline
    revealed = officer.post(f"/cases/{case.pk}/applicant/").content.decode()
    assert new_id in revealed


def test_nothing_changed_is_said_on_the_form(staff: Staff, case: Application) -> None:
    response = client_for(staff.officer).post(f"/cases/{case.pk}/correct/details/", details_post(case))
    assert response.status_code == 200
    assert "没有需要更正的内容" in response.content.decode()


def test_a_bad_identity_number_is_shown_on_its_field(staff: Staff, case: Application) -> None:
    bad = case.id_number[:-1] + ("0" if case.id_number[-1] != "0" else "1")
    response = client_for(staff.officer).post(
        f"/cases/{case.pk}/correct/details/", {**details_post(case, id_number=bad), "confirmed": "1"}
    )
    assert response.status_code == 200
    assert "校验码" in response.content.decode()
    case.refresh_from_db()
    assert case.id_number != bad


def test_outcome_correction_pages(staff: Staff, case: Application) -> None:
    services.answer(
        actor=staff.officer, application=case, on=D(2026, 6, 5), outcome="granted", how_to_obtain="领取"
    )
    officer = client_for(staff.officer)
    assert "更正答复" in officer.get(f"/cases/{case.pk}/").content.decode()
    url = f"/cases/{case.pk}/correct/outcome/"
    form = officer.get(url)
    assert form.status_code == 200
    data = {"outcome": "other", "reasons": "申请内容属于咨询", "reason": "答复类型选择有误"}
    confirm = officer.post(url, data).content.decode()
    assert "予以公开" in confirm and "其他处理" in confirm
    assert officer.post(url, {**data, "confirmed": "1"}).status_code == 302
    case.refresh_from_db()
    assert case.counted_outcome == "other"
    page = officer.get(f"/cases/{case.pk}/").content.decode()
    assert "已被更正" in page
    assert "答复类型：予以公开 → 其他处理" in page
    assert Letter.objects.filter(application=case, superseded_by__isnull=False).count() == 1


def test_outcome_page_of_an_unanswered_case_redirects(staff: Staff, case: Application) -> None:
    response = client_for(staff.officer).get(f"/cases/{case.pk}/correct/outcome/")
    assert response.status_code == 302


@pytest.mark.parametrize("kind", ["details", "outcome"])
def test_another_agencys_officer_gets_not_found(staff: Staff, case: Application, kind: str) -> None:
    assert client_for(staff.other_officer).get(f"/cases/{case.pk}/correct/{kind}/").status_code == 404
    assert client_for(staff.other_officer).post(f"/cases/{case.pk}/correct/{kind}/", {}).status_code == 404


@pytest.mark.parametrize("who", ["reviewer", "leader", "supervisor"])
def test_staff_without_the_officer_role_are_refused(staff: Staff, case: Application, who: str) -> None:
    client = client_for(getattr(staff, who))
    assert client.get(f"/cases/{case.pk}/correct/details/").status_code == 403
    response = client.post(
        f"/cases/{case.pk}/correct/details/", {**details_post(case, pieces="5"), "confirmed": "1"}
    )
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.pieces == 1
    assert f"cases/{case.pk}/correct/details" not in client.get(f"/cases/{case.pk}/").content.decode()


def test_anonymous_is_sent_to_log_in(case: Application) -> None:
    response = Client().get(f"/cases/{case.pk}/correct/details/")
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_the_applicant_sees_the_corrected_answer(staff: Staff, make_case: CaseMaker) -> None:
    case, secret = make_case.register(arrived_on=D(2026, 6, 1))
    services.answer(
        actor=staff.officer, application=case, on=D(2026, 6, 5), outcome="granted", how_to_obtain="领取"
    )
    services.correct_outcome(
        actor=staff.officer, application=case, outcome="other", reasons="属于咨询", reason="类型选错"
    )
    client = Client()
    client.post("/apply/status/", {"code": case.tracking_code, "secret": secret})
    page = client.get(f"/apply/status/{case.tracking_code}/").content.decode()
    assert "更正答复（以新出具的答复书为准）" in page
    assert page.count("（已被更正）") == 1
    assert "类型选错" not in page  # the internal reason stays with the agency
