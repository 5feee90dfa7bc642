"""Each step of a case through its form on the case page: service errors on the form, success redirects."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from gongkai.applications.models import Appeal, Application, CaseEvent, Letter
from gongkai.core.models import AuditEvent, NumberSeries
from tests.applications.conftest import CaseMaker, Staff

TODAY = datetime.date(2026, 6, 1)
ARRIVED = datetime.date(2026, 5, 20)


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
    return make_case(arrived_on=ARRIVED)


def post(client: Client, case: Application, action: str, **data: Any) -> Any:
    data.setdefault("on", TODAY.isoformat())
    return client.post(f"/cases/{case.pk}/{action}/", data)


def kinds(case: Application) -> list[str]:
    return list(CaseEvent.objects.filter(application=case).order_by("seq").values_list("kind", flat=True))


def assert_done(response: Any, case: Application, client: Client) -> None:
    assert response.status_code == 302, response.context["actions"] if response.context else response
    assert response["Location"] == f"/cases/{case.pk}/"
    assert "已办理：" in client.get(response["Location"]).content.decode()


def form_errors(response: Any, action: str) -> dict[str, list[str]]:
    assert response.status_code == 200
    (form,) = [a.form for a in response.context["actions"] if a.name == action]
    return dict(form.errors)


def test_correction_request_then_correction_received(officer: Client, case: Application) -> None:
    page = officer.get(f"/cases/{case.pk}/")
    (form,) = [a.form for a in page.context["actions"] if a.name == "request_correction"]
    assert form["period_end"].value() == TODAY + datetime.timedelta(days=15)
    assert form["on"].value() == TODAY

    missing = post(officer, case, "request_correction", items="", period_end="2026-06-16")
    assert "items" in form_errors(missing, "request_correction")
    too_short = post(officer, case, "request_correction", items="请写明文号。", period_end="2026-06-01")
    assert form_errors(too_short, "request_correction")["period_end"] == ["补正期限应晚于告知日期。"]
    assert 'id="action-request_correction" open' in too_short.content.decode()

    first = post(officer, case, "request_correction", items="请写明文号。", period_end="2026-06-16")
    assert first.status_code == 200 and "将出具补正告知书" in first.content.decode()
    assert not Letter.objects.filter(application=case, kind="correction").exists()
    done = post(
        officer, case, "request_correction", items="请写明文号。", period_end="2026-06-16", confirmed="1"
    )
    assert_done(done, case, officer)
    case.refresh_from_db()
    assert case.waiting_on == "correction" and case.due_date is None
    assert Letter.objects.filter(application=case, kind="correction").exists()

    received = post(officer, case, "record_correction", note="申请人补充了文号。")
    assert_done(received, case, officer)
    case.refresh_from_db()
    assert case.waiting_on == ""
    assert case.due_date is not None and case.due_date > TODAY
    assert kinds(case)[-1] == "correction_received"


def test_lapse_of_correction_asks_for_confirmation(staff: Staff, officer: Client, case: Application) -> None:
    post(
        officer,
        case,
        "request_correction",
        items="请写明文号。",
        on="2026-05-21",
        period_end="2026-05-25",
        confirmed="1",
    )
    first = post(officer, case, "lapse_correction")
    assert first.status_code == 200
    assert "视为放弃申请" in first.content.decode()
    assert 'name="confirmed" value="1"' in first.content.decode()
    case.refresh_from_db()
    assert case.is_open
    done = post(officer, case, "lapse_correction", confirmed="1")
    assert_done(done, case, officer)
    case.refresh_from_db()
    assert case.outcome == "other_no_correction"


def test_consultation_start_and_end(officer: Client, case: Application) -> None:
    missing = post(officer, case, "start_consultation", kind="third_party", consultee="")
    assert "consultee" in form_errors(missing, "start_consultation")
    first = post(officer, case, "start_consultation", kind="third_party", consultee="甲公司", subject="合同")
    assert first.status_code == 200 and "将出具征求意见书" in first.content.decode()
    started = post(
        officer,
        case,
        "start_consultation",
        kind="third_party",
        consultee="甲公司",
        subject="合同",
        confirmed="1",
    )
    assert_done(started, case, officer)
    case.refresh_from_db()
    assert case.waiting_on == "consultation"
    assert Letter.objects.filter(application=case, kind="third_party", for_applicant=False).exists()

    page = officer.get(f"/cases/{case.pk}/")
    (form,) = [a.form for a in page.context["actions"] if a.name == "end_consultation"]
    ((seq, label),) = form.fields["started_seq"].choices
    assert "甲公司" in label
    wrong = post(officer, case, "end_consultation", started_seq="999")
    assert "started_seq" in form_errors(wrong, "end_consultation")
    ended = post(officer, case, "end_consultation", started_seq=str(seq), opinion="第三方不同意公开。")
    assert_done(ended, case, officer)
    case.refresh_from_db()
    assert case.waiting_on == ""


def test_an_extension_needs_the_office_head(staff: Staff, officer: Client, case: Application) -> None:
    page = officer.get(f"/cases/{case.pk}/")
    (form,) = [a.form for a in page.context["actions"] if a.name == "grant_extension"]
    assert form.initial["approver"] == staff.head.pk
    refused = post(officer, case, "grant_extension", approver=str(staff.reviewer.pk), reason="需要调取档案。")
    errors = form_errors(refused, "grant_extension")
    assert errors["approver"] == [
        "延期答复须经政府信息公开工作机构负责人批准：所选批准人不是本机关的工作机构负责人。"
    ]
    assert "所选批准人不是本机关的工作机构负责人" in refused.content.decode()
    assert "extension_granted" not in kinds(case)
    outsider = post(officer, case, "grant_extension", approver=str(staff.other_officer.pk), reason="x")
    assert "approver" in form_errors(outsider, "grant_extension")

    old_due = case.due_date
    granted = post(
        officer, case, "grant_extension", approver=str(staff.head.pk), reason="需要调取档案。", confirmed="1"
    )
    assert_done(granted, case, officer)
    case.refresh_from_db()
    assert old_due is not None and case.due_date is not None and case.due_date > old_due
    assert Letter.objects.filter(application=case, kind="extension").exists()


def test_fee_notice_shows_the_quote_before_it_is_sent(officer: Client, make_case: CaseMaker) -> None:
    case = make_case(arrived_on=ARRIVED, pieces=15)
    preview = post(officer, case, "issue_fee_notice", method="pieces", quantity="")
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "合计 500 元。" in html
    assert "应缴金额：500 元" in html
    assert "fee_notice_issued" not in kinds(case)
    sent = post(officer, case, "issue_fee_notice", method="pieces", quantity="", confirmed="1")
    assert_done(sent, case, officer)
    case.refresh_from_db()
    assert case.waiting_on == "payment"
    event = CaseEvent.objects.get(application=case, kind="fee_notice_issued")
    assert event.data["amount"] == 500
    paid = post(officer, case, "record_payment")
    assert_done(paid, case, officer)
    case.refresh_from_db()
    assert case.waiting_on == ""


def test_a_free_application_gets_no_fee_notice(officer: Client, case: Application) -> None:
    response = post(officer, case, "issue_fee_notice", method="pieces", quantity="")
    assert response.status_code == 200
    errors = form_errors(response, "issue_fee_notice")
    assert "本申请不收费" in errors["__all__"][0]
    pages = post(officer, case, "issue_fee_notice", method="pages", quantity="")
    assert "页数" in " ".join(form_errors(pages, "issue_fee_notice")["quantity"])


def test_an_answer_without_reasons_is_refused_then_accepted(officer: Client, case: Application) -> None:
    refused = post(officer, case, "answer", outcome="denied_state_secret")
    errors = form_errors(refused, "answer")
    assert errors["reasons"] == ["“不予公开”的答复须说明理由。"]
    assert "法律依据" in errors["legal_basis"][0]
    assert "“不予公开”的答复须说明理由。" in refused.content.decode()
    case.refresh_from_db()
    assert case.is_open
    no_outcome = post(officer, case, "answer", outcome="")
    assert "outcome" in form_errors(no_outcome, "answer")

    answered = post(
        officer,
        case,
        "answer",
        outcome="denied_state_secret",
        legal_basis="《中华人民共和国政府信息公开条例》第十四条",
        reasons="所申请信息已依法确定为国家秘密。",
        confirmed="1",
    )
    assert_done(answered, case, officer)
    case.refresh_from_db()
    assert not case.is_open
    assert case.outcome == "denied_state_secret"
    assert Letter.objects.filter(application=case, kind="answer").exists()
    page = officer.get(f"/cases/{case.pk}/")
    assert [a.name for a in page.context["actions"]] == ["reopen", "record_appeal"]


def test_withdrawal_asks_for_confirmation(officer: Client, case: Application) -> None:
    first = post(officer, case, "withdraw", note="申请人书面撤回。")
    assert first.status_code == 200
    html = first.content.decode()
    assert "申请人撤回申请" in html and "确定申请人撤回" in html
    assert 'value="申请人书面撤回。"' in html
    case.refresh_from_db()
    assert case.is_open
    done = post(officer, case, "withdraw", note="申请人书面撤回。", confirmed="1")
    assert_done(done, case, officer)
    case.refresh_from_db()
    assert case.outcome == "withdrawn"
    assert CaseEvent.objects.get(application=case, kind="withdrawn").note == "申请人书面撤回。"


def test_appeal_recorded_concluded_and_case_reopened(officer: Client, case: Application) -> None:
    post(officer, case, "answer", outcome="granted", how_to_obtain="邮寄纸质文本。", confirmed="1")
    no_body = post(officer, case, "record_appeal", kind="reconsideration", filed_on="2026-05-29", body="")
    assert "body" in form_errors(no_body, "record_appeal")
    recorded = post(
        officer,
        case,
        "record_appeal",
        kind="reconsideration",
        filed_on="2026-05-29",
        body="甲县人民政府",
        case_number="甲政复〔2026〕3号",
    )
    assert_done(recorded, case, officer)
    appeal = Appeal.objects.get(application=case)
    page = officer.get(f"/cases/{case.pk}/")
    html = page.content.decode()
    assert "甲政复〔2026〕3号" in html and "尚未审结" in html
    assert f"/cases/{case.pk}/appeals/{appeal.pk}/conclude/" in html

    url = f"/cases/{case.pk}/appeals/{appeal.pk}/conclude/"
    too_early = officer.post(url, {"result": "corrected", "concluded_on": "2026-05-01"})
    assert too_early.status_code == 200
    assert "审结日期不能早于申请或起诉日期。" in too_early.content.decode()
    concluded = officer.post(url, {"result": "corrected", "concluded_on": "2026-06-01"})
    assert concluded.status_code == 302
    appeal.refresh_from_db()
    assert appeal.result == "corrected" and appeal.concluded_on == TODAY
    again = officer.post(url, {"result": "upheld", "concluded_on": "2026-06-01"}, follow=True)
    assert "该复议或诉讼已经审结。" in again.content.decode()

    no_basis = post(officer, case, "reopen", appeal="", note="")
    assert "note" in form_errors(no_basis, "reopen")
    reopened = post(officer, case, "reopen", appeal=str(appeal.pk), fixed_due_date="2026-06-30", note="")
    assert_done(reopened, case, officer)
    case.refresh_from_db()
    assert case.is_open
    assert case.due_date == datetime.date(2026, 6, 30)
    assert (
        "依据：行政复议 甲县人民政府（甲政复〔2026〕3号）"
        in officer.get(f"/cases/{case.pk}/").content.decode()
    )


def test_a_lawsuit_after_reconsideration(officer: Client, case: Application) -> None:
    post(officer, case, "record_appeal", kind="reconsideration", filed_on="2026-05-25", body="甲县人民政府")
    reconsideration = Appeal.objects.get()
    wrong = post(
        officer,
        case,
        "record_appeal",
        kind="reconsideration",
        after_reconsideration=str(reconsideration.pk),
        filed_on="2026-05-29",
        body="甲县人民法院",
    )
    assert "after_reconsideration" in form_errors(wrong, "record_appeal")
    suit = post(
        officer,
        case,
        "record_appeal",
        kind="litigation",
        after_reconsideration=str(reconsideration.pk),
        filed_on="2026-05-29",
        body="甲县人民法院",
    )
    assert_done(suit, case, officer)
    assert Appeal.objects.get(kind="litigation").group == "litigation_after_reconsideration"


def test_dates_are_checked_next_to_the_field(officer: Client, case: Application) -> None:
    future = post(officer, case, "start_consultation", on="2026-06-02", kind="third_party", consultee="甲")
    assert "不能晚于今天" in form_errors(future, "start_consultation")["on"][0]
    before = post(officer, case, "start_consultation", on="2026-05-01", kind="third_party", consultee="甲")
    assert "不能早于申请到达之日" in form_errors(before, "start_consultation")["on"][0]
    garbage = post(officer, case, "start_consultation", on="yesterday", kind="third_party", consultee="甲")
    assert "on" in form_errors(garbage, "start_consultation")


def test_an_action_the_case_does_not_allow_now(officer: Client, case: Application) -> None:
    response = post(officer, case, "record_correction")
    assert response.status_code == 302
    page = officer.get(response["Location"]).content.decode()
    assert "该申请目前不能“收到补正”。" in page
    assert kinds(case) == ["registered", "letter_issued"]


def test_the_office_head_acts_too(staff: Staff, case: Application) -> None:
    client = Client()
    client.force_login(staff.head)
    response = post(
        client, case, "start_consultation", kind="co_producer", consultee="甲县发展改革局", confirmed="1"
    )
    assert_done(response, case, client)
    event = CaseEvent.objects.get(application=case, kind="consultation_started")
    assert event.actor == staff.head


def test_forms_reject_a_missing_csrf_token(staff: Staff, case: Application) -> None:
    client = Client(enforce_csrf_checks=True)
    user: User = staff.officer
    client.force_login(user)
    assert post(client, case, "withdraw", confirmed="1").status_code == 403
    case.refresh_from_db()
    assert case.is_open


def test_a_refused_correction_notice_is_said_before_the_confirmation_and_nothing_is_kept(
    officer: Client, case: Application
) -> None:
    numbers = list(NumberSeries.objects.values_list("name", "last"))
    audit = AuditEvent.objects.count()
    events = kinds(case)
    letters = Letter.objects.filter(application=case).count()
    too_short = post(officer, case, "request_correction", items="请写明文号。", period_end="2026-06-01")
    assert form_errors(too_short, "request_correction")["period_end"] == ["补正期限应晚于告知日期。"]
    confirm = post(officer, case, "request_correction", items="请写明文号。", period_end="2026-06-16")
    assert "将出具补正告知书" in confirm.content.decode()
    # The dry run behind the confirmation page kept nothing.
    assert kinds(case) == events and "correction_requested" not in events
    assert Letter.objects.filter(application=case).count() == letters
    assert list(NumberSeries.objects.values_list("name", "last")) == numbers
    assert AuditEvent.objects.count() == audit
