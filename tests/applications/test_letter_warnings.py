"""Before letters go out, the case page warns what the agency's letters will lack (phone, address, the
行政复议机关); answer letters name the body from the agency tree and the 复议前置 of a withheld part."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.test import Client

from gongkai.applications.models import Application, Letter
from tests.applications.conftest import CaseMaker, Staff

TODAY = datetime.date(2026, 6, 1)
MISSING_BOTH = (
    "本机关没有填写联系电话、办公地址，文书中将不印这些信息，申请人无法据此联系本机关。"
    "请管理员在管理后台“机关”中填写本机关的联系电话、办公地址。"
)


@pytest.fixture(autouse=True)
def _today(pin_today: Callable[[datetime.date], None]) -> None:
    pin_today(TODAY)


@pytest.fixture
def officer(staff: Staff) -> Client:
    client = Client()
    client.force_login(staff.officer)
    return client


@pytest.fixture
def case(make_case: CaseMaker) -> Application:
    return make_case(arrived_on=datetime.date(2026, 5, 20))


def test_the_case_page_warns_before_issuing_that_phone_and_address_are_missing(
    officer: Client, staff: Staff, case: Application
) -> None:
    page = officer.get(f"/cases/{case.pk}/")
    assert page.context["letter_warnings"] == [MISSING_BOTH]
    assert MISSING_BOTH in page.content.decode()

    staff.agency.phone = "0000-2222222"
    staff.agency.office_address = "甲县人民路2号"
    staff.agency.save()
    page = officer.get(f"/cases/{case.pk}/")
    assert page.context["letter_warnings"] == []
    assert "文书中将不印这些信息" not in page.content.decode()


def test_no_warning_for_who_cannot_act(staff: Staff, case: Application) -> None:
    supervisor = Client()
    supervisor.force_login(staff.supervisor)
    page = supervisor.get(f"/cases/{case.pk}/")
    assert page.status_code == 200
    assert page.context["letter_warnings"] == []


def test_a_departments_partial_answer_names_its_government_and_reconsideration_first(
    officer: Client, case: Application
) -> None:
    response = officer.post(
        f"/cases/{case.pk}/answer/",
        {
            "on": TODAY.isoformat(),
            "outcome": "partially_granted",
            "legal_basis": "《中华人民共和国政府信息公开条例》第十五条",
            "reasons": "其中涉及第三方个人隐私的部分不予公开。",
            "how_to_obtain": "见附件。",
            "confirmed": "1",
        },
    )
    assert response.status_code == 302, response.context["actions"] if response.context else response
    text = Letter.objects.get(application=case, kind="answer").text
    # 甲县财政局 → 甲县人民政府 (行政复议法 第二十四条第一款第一项), not “上一级行政机关”.
    assert "六十日内向甲县人民政府申请行政复议" in text
    assert "上一级行政机关" not in text
    assert "如对上述决定中不予公开的部分不服" in text and "应当先申请行政复议" in text
    assert "特此告知：对不予公开的部分，未经行政复议不能向人民法院提起行政诉讼。" in text
