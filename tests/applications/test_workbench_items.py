"""The workbench (gongkai.office.workbench) lists what the case work waits for: the head's approvals (D15) and
the answer letters still to deliver (送达, D16)."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest

from gongkai.agencies.models import SignOff, SignOffPolicy
from gongkai.applications import services
from gongkai.applications.models import Application, Letter
from gongkai.applications.services import delivery
from gongkai.letters.kinds import LetterKind
from gongkai.office.workbench import items_for
from tests.applications.conftest import CaseMaker, Staff

TODAY = datetime.date(2026, 6, 1)
GRANTED = {"outcome": "granted", "how_to_obtain": "邮寄纸质文本。"}


@pytest.fixture(autouse=True)
def _today(pin_today: Callable[[datetime.date], None]) -> None:
    pin_today(TODAY)


@pytest.fixture
def case(make_case: CaseMaker) -> Application:
    return make_case(arrived_on=datetime.date(2026, 5, 20))


def counts(user: object, kind: str) -> list[int]:
    return [item.count for item in items_for(user, TODAY) if item.kind == kind]  # type: ignore[arg-type]


def test_the_head_sees_the_answer_waiting_for_approval_and_not_the_officer(
    staff: Staff, case: Application
) -> None:
    SignOffPolicy.objects.update_or_create(agency=staff.agency, defaults={"answers": SignOff.HEAD})
    assert counts(staff.head, "cases.approvals") == []
    services.submit_answer(actor=staff.officer, application=case, **GRANTED)
    assert counts(staff.head, "cases.approvals") == [1]
    # The officer who submitted it does not approve it, and another agency's officer sees nothing.
    assert counts(staff.officer, "cases.approvals") == []
    assert counts(staff.other_officer, "cases.approvals") == []


def test_an_answer_letter_waits_for_delivery_until_it_is_recorded(staff: Staff, case: Application) -> None:
    services.answer(actor=staff.officer, application=case, on=TODAY, **GRANTED)
    (item,) = [i for i in items_for(staff.officer, TODAY) if i.kind == "cases.to_deliver"]
    assert item.count == 1 and item.link == f"/cases/{case.pk}/" and case.reference in item.detail
    assert counts(staff.other_officer, "cases.to_deliver") == []
    letter = Letter.objects.get(application=case, kind=LetterKind.ANSWER)
    delivery.record_delivery(
        actor=staff.officer,
        letter=letter,
        method="post",
        delivered_on=TODAY,
        tracking_number="1234567890123",
        today=TODAY,
    )
    assert counts(staff.officer, "cases.to_deliver") == []
