"""依申请公开转主动公开 (条例 第四十四条, issue 15): from an answered case that released information, one
click proposes it as a catalogue draft (no personal data of the applicant, the case kept internally); the
list of information asked for three times or more."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client, TestCase

from gongkai.applications import selectors, services
from gongkai.applications.models import Application, AttachmentKind
from gongkai.applications.services import case_file
from gongkai.catalogue.models import Item, Status, Topic
from gongkai.core.models import AuditEvent
from gongkai.office import proactive
from tests.applications.conftest import CaseMaker, Staff
from tests.catalogue.conftest import pdf_bytes

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2026, 6, 15)
WHAT = "城区停车收费标准及其依据（张三家附近）"


@pytest.fixture(autouse=True)
def _today(pin_today: Any) -> None:
    pin_today(TODAY)


def answered(staff: Staff, make_case: CaseMaker, *, outcome: str = "granted", **kwargs: Any) -> Application:
    case = make_case(arrived_on=D(2026, 5, 6), **kwargs)
    details = {"how_to_obtain": "到本机关领取"} if outcome == "granted" else {}
    if outcome.startswith("denied"):
        details = {"legal_basis": "条例第十四条", "reasons": "涉及国家秘密"}
    services.answer(actor=staff.officer, application=case, on=D(2026, 5, 20), outcome=outcome, **details)
    case.refresh_from_db()
    return case


def test_one_click_proposes_the_released_information_as_a_draft(
    client: Client, staff: Staff, make_case: CaseMaker
) -> None:
    case = answered(staff, make_case, description=WHAT)
    with TestCase.captureOnCommitCallbacks(execute=True):
        case_file.add_attachment(
            actor=staff.officer,
            application=case,
            kind=AttachmentKind.ENCLOSURE,
            filename="停车收费标准.pdf",
            data=pdf_bytes("parking fees"),
        )
        case_file.add_attachment(
            actor=staff.officer,
            application=case,
            kind=AttachmentKind.APPLICATION,
            filename="申请表.pdf",
            data=pdf_bytes("application form"),
        )
    client.force_login(staff.officer)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert f'action="/proactive/from-case/{case.pk}/"' in page
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(f"/proactive/from-case/{case.pk}/")
    item = Item.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/manage/catalogue/{item.pk}/"
    assert item.status == Status.DRAFT and item.agency == case.agency
    assert item.topic == Topic.FROM_REQUESTS and item.source_application_id == case.pk
    assert item.title == "城区停车收费标准及其依据（***家附近）"  # the applicant's name taken out
    assert item.written_on == D(2026, 5, 20)
    # Only the released documents (答复附件) come along, never the application's own materials.
    assert [a.filename for a in item.attachments.all()] == ["停车收费标准.pdf"]
    for value in (case.applicant_name, case.phone, case.address, case.id_number):
        assert value not in f"{item.title} {item.summary} {item.body}"
    event = AuditEvent.objects.get(action="catalogue.proposed_from_application")
    assert event.details["application"] == case.pk and event.details["attachments"] == 1
    # Staff see the link to the case on the draft; a second click is refused.
    detail = client.get(f"/manage/catalogue/{item.pk}/").content.decode()
    assert f'href="/cases/{case.pk}/"' in detail
    again = client.post(f"/proactive/from-case/{case.pk}/", follow=True)
    assert "已生成过主动公开目录草稿" in again.content.decode()
    assert Item.objects.count() == 1


def test_only_released_information_and_only_the_agencys_officers(staff: Staff, make_case: CaseMaker) -> None:
    open_case = make_case(description=WHAT)
    with pytest.raises(ValidationError):
        proactive.propose_from_application(actor=staff.officer, application=open_case)
    denied = answered(staff, make_case, outcome="denied_state_secret")
    assert not selectors.released_information(denied)
    with pytest.raises(ValidationError):
        proactive.propose_from_application(actor=staff.officer, application=denied)
    granted = answered(staff, make_case, description=WHAT)
    for outsider in (staff.other_officer, staff.reviewer):
        with pytest.raises(PermissionDenied):
            proactive.propose_from_application(actor=outsider, application=granted)
    assert not Item.objects.exists()
    client = Client()
    client.force_login(staff.other_officer)
    assert client.post(f"/proactive/from-case/{granted.pk}/").status_code == 404  # not their case


def test_information_requested_three_times_or_more_is_listed(
    client: Client, staff: Staff, make_case: CaseMaker
) -> None:
    answered(staff, make_case, description="城区停车收费标准。", serial=1)
    make_case(description="申请公开 城区停车收费标准", serial=2)
    make_case(description="城区停车收费标准", serial=3)
    make_case(description="某小区规划许可", serial=4)
    make_case(description="某小区规划许可", serial=5)
    groups = selectors.frequent_requests(staff.officer)
    assert [len(g.cases) for g in groups] == [3]
    assert len(groups[0].released) == 1
    assert selectors.frequent_requests(staff.other_officer) == []
    client.force_login(staff.officer)
    page = client.get("/cases/frequent/").content.decode()
    assert "被申请 3 次" in page and "某小区规划许可" not in page
    assert f'action="/proactive/from-case/{groups[0].released[0].pk}/"' in page
    outsider = Client()
    outsider.force_login(staff.reviewer)
    assert outsider.get("/cases/frequent/").status_code == 403


def test_the_request_key_ignores_spaces_punctuation_and_the_leading_verb() -> None:
    assert selectors.request_key("申请公开：城区停车 收费标准。") == selectors.request_key("城区停车收费标准")
    assert selectors.request_key("请提供城区停车收费标准") != selectors.request_key("某小区规划许可")
