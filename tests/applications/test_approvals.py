"""The head's sign-off of answers and extensions (D15): officer alone unchanged, submit, approve, return
and resubmit, who may approve, the clock and the queue while an approval is pending, the confirmations."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.test import Client

from gongkai.agencies.models import ExtensionConsent, SignOff, SignOffPolicy
from gongkai.agencies.services import add_membership
from gongkai.applications import presenters, selectors, services
from gongkai.applications.models import Application, Approval, CaseEvent, Letter
from gongkai.core.models import AuditEvent
from tests.applications.conftest import CaseMaker, Staff, written
from tests.conftest import make_user

TODAY = datetime.date(2026, 6, 1)
ARRIVED = datetime.date(2026, 5, 20)
GRANTED = {"outcome": "granted", "how_to_obtain": "邮寄纸质文本。"}


@pytest.fixture(autouse=True)
def _today(pin_today: Callable[[datetime.date], None]) -> None:
    pin_today(TODAY)


@pytest.fixture
def case(make_case: CaseMaker) -> Application:
    return make_case(arrived_on=ARRIVED)


def set_policy(staff: Staff, **values: str) -> None:
    SignOffPolicy.objects.update_or_create(agency=staff.agency, defaults=values)


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def kinds(case: Application) -> list[str]:
    return list(CaseEvent.objects.filter(application=case).order_by("seq").values_list("kind", flat=True))


# --- Officer alone (the default): unchanged --------------------------------------------------------


def test_by_default_the_officer_answers_alone(staff: Staff, case: Application) -> None:
    policy = SignOffPolicy.for_agency(staff.agency)
    assert (policy.answers, policy.extensions, policy.annual_report) == (
        SignOff.OFFICER,
        ExtensionConsent.ON_PAPER,
        SignOff.OFFICER,
    )
    with pytest.raises(services.CaseError) as refused:
        services.submit_answer(actor=staff.officer, application=case, **GRANTED)
    assert refused.value.code == "no_approval_needed"
    w = written(lambda: services.answer(actor=staff.officer, application=case, on=TODAY, **GRANTED))
    assert w.events == ["answered", "letter_issued"] and w.letters == ["answer"]
    case.refresh_from_db()
    assert case.answered_on == TODAY and not Approval.objects.exists()


# --- Approve ----------------------------------------------------------------------------------------


def test_a_submitted_answer_is_issued_on_the_day_the_head_approves_it(
    staff: Staff, case: Application, pin_today: Callable[[datetime.date], None]
) -> None:
    set_policy(staff, answers=SignOff.HEAD)
    with pytest.raises(services.CaseError) as refused:
        services.answer(actor=staff.officer, application=case, on=TODAY, **GRANTED)
    assert refused.value.code == "needs_approval"

    w = written(lambda: services.submit_answer(actor=staff.officer, application=case, **GRANTED))
    assert (
        w.events == ["approval_requested"]
        and w.letters == []
        and w.audits == ["application.approval_requested"]
    )
    case.refresh_from_db()
    assert case.is_open and case.answered_on is None
    approval = selectors.pending_approval(case)
    assert approval is not None and approval.submitted_by == staff.officer

    approved_on = datetime.date(2026, 6, 3)
    pin_today(approved_on)
    w = written(lambda: services.approve(actor=staff.head, approval=approval))
    assert w.events == ["approval_granted", "answered", "letter_issued"]
    assert w.letters == ["answer"]
    assert w.audits == ["application.answered", "application.approval_granted"]
    case.refresh_from_db()
    assert not case.is_open and case.outcome == "granted" and case.answered_on == approved_on
    answered = CaseEvent.objects.get(application=case, kind="answered")
    assert answered.actor == staff.head and answered.occurred_on == approved_on
    approval.refresh_from_db()
    assert (approval.status, approval.decided_by, approval.decided_on) == (
        "approved",
        staff.head,
        approved_on,
    )
    assert Letter.objects.get(application=case, kind="answer").issued_on == approved_on
    with pytest.raises(services.CaseError):
        services.approve(actor=staff.head, approval=approval)


def test_return_fix_and_approve(staff: Staff, case: Application) -> None:
    set_policy(staff, answers=SignOff.HEAD)
    first = services.submit_answer(
        actor=staff.officer, application=case, outcome="granted", how_to_obtain="自取"
    )
    with pytest.raises(services.CaseError) as no_reason:
        services.return_for_changes(actor=staff.head, approval=first, reason="  ")
    assert "reason" in no_reason.value.message_dict
    with pytest.raises(services.CaseError) as twice:
        services.submit_answer(actor=staff.officer, application=case, **GRANTED)
    assert twice.value.code == "already_pending"

    services.return_for_changes(actor=staff.head, approval=first, reason="请写明邮寄地址和时间。")
    first.refresh_from_db()
    assert first.status == "returned" and first.return_reason == "请写明邮寄地址和时间。"
    returned = CaseEvent.objects.get(application=case, kind="approval_returned")
    assert returned.note == "请写明邮寄地址和时间。" and returned.actor == staff.head
    assert selectors.last_returned(case, "answer") == first
    assert not Letter.objects.filter(application=case, kind="answer").exists()
    with pytest.raises(services.CaseError):
        services.approve(actor=staff.head, approval=first)

    second = services.submit_answer(
        actor=staff.officer, application=case, outcome="granted", how_to_obtain="6月5日前邮寄至申请人地址。"
    )
    assert selectors.last_returned(case, "answer") is None
    services.approve(actor=staff.head, approval=second)
    case.refresh_from_db()
    assert case.outcome == "granted"
    assert (
        CaseEvent.objects.get(application=case, kind="answered").data["how_to_obtain"]
        == "6月5日前邮寄至申请人地址。"
    )
    steps = [k for k in kinds(case) if k.startswith("approval_") or k == "answered"]
    assert steps == [
        "approval_requested",
        "approval_returned",
        "approval_requested",
        "approval_granted",
        "answered",
    ]


# --- Who approves -----------------------------------------------------------------------------------


def test_only_another_office_head_of_the_agency_approves(staff: Staff, case: Application) -> None:
    set_policy(staff, answers=SignOff.HEAD)
    approval = services.submit_answer(actor=staff.head, application=case, **GRANTED)
    outsiders = [
        staff.officer,
        staff.leader,
        staff.reviewer,
        staff.supervisor,
        staff.other_officer,
        staff.superuser,
    ]
    for user in [*outsiders, staff.head]:  # the head submitted it: not theirs to approve
        with pytest.raises(PermissionDenied):
            services.approve(actor=user, approval=approval)
        with pytest.raises(PermissionDenied):
            services.return_for_changes(actor=user, approval=approval, reason="x")
    assert selectors.pending_approval(case) == approval
    second_head = make_user("head2")
    add_membership(actor=None, user=second_head, agency=staff.agency, role="office_head")
    assert list(selectors.approvals_awaiting(second_head)) == [approval]
    assert list(selectors.approvals_awaiting(staff.head)) == []
    services.approve(actor=second_head, approval=approval)
    case.refresh_from_db()
    assert not case.is_open


def test_officers_of_another_agency_do_not_see_the_approval(staff: Staff, case: Application) -> None:
    set_policy(staff, answers=SignOff.HEAD)
    approval = services.submit_answer(actor=staff.officer, application=case, **GRANTED)
    url = f"/cases/{case.pk}/approvals/{approval.pk}/"
    assert client_for(staff.other_officer).get(url).status_code == 404
    assert client_for(staff.other_officer).post(url + "approve/", {"confirmed": "1"}).status_code == 404
    officer = client_for(staff.officer)
    assert officer.post(url + "approve/", {"confirmed": "1"}).status_code == 403
    assert selectors.pending_approval(case) == approval


# --- Extensions in the system ---------------------------------------------------------------------


def test_an_extension_approved_in_the_system_records_who_and_when(
    staff: Staff, case: Application, pin_today: Callable[[datetime.date], None]
) -> None:
    set_policy(staff, extensions=ExtensionConsent.IN_SYSTEM)
    with pytest.raises(services.CaseError) as refused:
        services.grant_extension(
            actor=staff.officer, application=case, on=TODAY, approver=staff.head, reason="x"
        )
    assert refused.value.code == "needs_approval"
    with pytest.raises(services.CaseError):
        services.submit_extension(actor=staff.officer, application=case, reason=" ")
    old_due = case.due_date
    approval = services.submit_extension(actor=staff.officer, application=case, reason="需要调取多年档案。")
    case.refresh_from_db()
    assert case.due_date == old_due
    pin_today(datetime.date(2026, 6, 2))
    services.approve(actor=staff.head, approval=approval)
    case.refresh_from_db()
    assert old_due is not None and case.due_date is not None and case.due_date > old_due
    event = CaseEvent.objects.get(application=case, kind="extension_granted")
    assert event.occurred_on == datetime.date(2026, 6, 2)
    assert event.data["approver"] == "head" and event.data["approved_in_system"] is True
    assert event.data["approved_on"] == "2026-06-02" and event.note == "需要调取多年档案。"
    assert Letter.objects.filter(application=case, kind="extension").count() == 1


def test_on_paper_the_officer_records_the_heads_consent(staff: Staff, case: Application) -> None:
    with pytest.raises(services.CaseError) as refused:
        services.submit_extension(actor=staff.officer, application=case, reason="x")
    assert refused.value.code == "no_approval_needed"
    services.grant_extension(
        actor=staff.officer, application=case, on=TODAY, approver=staff.head, reason="复杂"
    )
    event = CaseEvent.objects.get(application=case, kind="extension_granted")
    assert event.data["approver"] == "head" and event.data["approved_in_system"] is False


# --- The clock and the queue while pending --------------------------------------------------------


def test_the_clock_keeps_running_while_the_head_has_not_approved(
    staff: Staff, case: Application, pin_today: Callable[[datetime.date], None]
) -> None:
    set_policy(staff, answers=SignOff.HEAD)
    approval = services.submit_answer(actor=staff.officer, application=case, **GRANTED)
    case.refresh_from_db()
    due = case.due_date
    assert due is not None and due > TODAY
    th = selectors.Thresholds.now(TODAY)
    (row,) = [presenters.queue_row(c, th) for c in selectors.queue_cases(Application.objects.all(), th)]
    assert ("approval", "待负责人审批") in row.flags
    assert not row.paused and row.days_left is not None and row.days_left > 0

    late = due + datetime.timedelta(days=7)
    pin_today(late)
    th = selectors.Thresholds.now(late)
    (row,) = [presenters.queue_row(c, th) for c in selectors.queue_cases(Application.objects.all(), th)]
    assert row.flags[0] == ("overdue", "已逾期") and ("approval", "待负责人审批") in row.flags
    services.approve(actor=staff.head, approval=approval)
    case.refresh_from_db()
    assert case.answered_on == late and case.answered_on > due


# --- Pages and confirmations ----------------------------------------------------------------------


def test_the_head_reads_the_draft_letter_confirms_and_approves(staff: Staff, case: Application) -> None:
    set_policy(staff, answers=SignOff.HEAD)
    officer = client_for(staff.officer)
    data: dict[str, Any] = {"outcome": "granted", "how_to_obtain": "邮寄纸质文本。"}
    first = officer.post(f"/cases/{case.pk}/answer/", data)
    html = first.content.decode()
    assert first.status_code == 200 and "提交负责人审批" in html and "邮寄纸质文本。" in html
    assert not Approval.objects.exists()
    submitted = officer.post(f"/cases/{case.pk}/answer/", {**data, "confirmed": "1"})
    assert submitted.status_code == 302
    page = officer.get(f"/cases/{case.pk}/")
    assert "待负责人审批" in page.content.decode()
    assert "answer" not in [a.name for a in page.context["actions"]]
    again = officer.post(f"/cases/{case.pk}/answer/", {**data, "confirmed": "1"}, follow=True)
    assert "已有一项待负责人审批的事项" in again.content.decode()
    approval = Approval.objects.get()

    head = client_for(staff.head)
    assert f"/cases/{case.pk}/approvals/{approval.pk}/" in head.get("/cases/").content.decode()
    shown = head.get(f"/cases/{case.pk}/approvals/{approval.pk}/")
    letter = shown.context["letter"]
    assert "张三" in letter and "邮寄纸质文本。" in letter and letter in shown.content.decode()
    assert "退回经办人修改" in shown.content.decode()
    confirm = head.post(f"/cases/{case.pk}/approvals/{approval.pk}/approve/")
    assert confirm.status_code == 200 and "确定同意" in confirm.content.decode()
    case.refresh_from_db()
    assert case.is_open
    done = head.post(f"/cases/{case.pk}/approvals/{approval.pk}/approve/", {"confirmed": "1"})
    assert done.status_code == 302
    case.refresh_from_db()
    assert not case.is_open and case.answered_on == TODAY
    timeline = head.get(f"/cases/{case.pk}/").content.decode()
    assert "提交负责人审批" in timeline and "负责人审批同意" in timeline
    assert "审批事项：作出答复" in timeline and "提交人：officer" in timeline


def test_returning_without_a_reason_is_refused_on_the_page(staff: Staff, case: Application) -> None:
    set_policy(staff, answers=SignOff.HEAD)
    approval = services.submit_answer(actor=staff.officer, application=case, **GRANTED)
    head = client_for(staff.head)
    url = f"/cases/{case.pk}/approvals/{approval.pk}/return/"
    refused = head.post(url, {"reason": ""})
    assert refused.status_code == 200 and refused.context["return_form"].errors["reason"]
    done = head.post(url, {"reason": "理由不充分。"})
    assert done.status_code == 302
    page = client_for(staff.officer).get(f"/cases/{case.pk}/").content.decode()
    assert "理由不充分。" in page and "退回修改" in page


def test_answering_alone_asks_for_confirmation_with_the_letter(staff: Staff, case: Application) -> None:
    officer = client_for(staff.officer)
    data = {"on": TODAY.isoformat(), **GRANTED}
    first = officer.post(f"/cases/{case.pk}/answer/", data)
    html = first.content.decode()
    assert first.status_code == 200 and "将出具的文书" in html and 'name="confirmed" value="1"' in html
    case.refresh_from_db()
    assert case.is_open and not Letter.objects.filter(kind="answer").exists()
    assert officer.post(f"/cases/{case.pk}/answer/", {**data, "confirmed": "1"}).status_code == 302
    case.refresh_from_db()
    assert not case.is_open


def test_an_extension_asks_for_confirmation(staff: Staff, case: Application) -> None:
    officer = client_for(staff.officer)
    data = {"on": TODAY.isoformat(), "approver": str(staff.head.pk), "reason": "需要调取档案。"}
    first = officer.post(f"/cases/{case.pk}/grant_extension/", data)
    assert first.status_code == 200 and "延期后不能撤销" in first.content.decode()
    assert not CaseEvent.objects.filter(kind="extension_granted").exists()
    assert officer.post(f"/cases/{case.pk}/grant_extension/", {**data, "confirmed": "1"}).status_code == 302
    assert CaseEvent.objects.filter(kind="extension_granted").exists()
    assert AuditEvent.objects.filter(action="application.extension_granted").count() == 1
