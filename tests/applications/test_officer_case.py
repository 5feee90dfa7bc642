"""The case page, registration, the applicant's personal data and letter downloads; who may do what."""

from __future__ import annotations

import datetime
import re
import urllib.parse
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from gongkai.applications import codes, selectors, services
from gongkai.applications.models import Application, CaseEvent, Letter
from gongkai.core.models import AuditEvent
from gongkai.workdays.calendar import CalendarNotLoaded
from tests.applications.conftest import CaseMaker, Staff, resident_id, uscc

TODAY = datetime.date(2026, 6, 1)


@pytest.fixture(autouse=True)
def _today(pin_today: Callable[[datetime.date], None]) -> None:
    pin_today(TODAY)


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def case(make_case: CaseMaker) -> Application:
    return make_case(arrived_on=datetime.date(2026, 5, 20))


def registration(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "channel": "in_person",
        "arrived_on": "2026-05-29",
        "arrived_time": "09:30",
        "confirmed_on": "",
        "pieces": "1",
        "applicant_type": "natural_person",
        "applicant_name": "李四",
        "id_type": "resident_id",
        "id_number": resident_id(7),
        "contact_person": "",
        "phone": "138-1234-5678",
        "email": "lisi@example.org",
        "address": "示范市甲县人民路2号",
        "postcode": "310000",
        "description": "2025年甲县财政局“三公”经费决算",
        "requested_form": "electronic",
        "delivery": "email",
        "note": "",
    }
    data.update(overrides)
    return data


# --- Registration ------------------------------------------------------------------------------


def test_registering_shows_the_tracking_code_and_the_secret_once(staff: Staff) -> None:
    client = client_for(staff.officer)
    form_page = client.get("/cases/new/")
    assert form_page.status_code == 200
    html = form_page.content.decode()
    assert "平信邮寄、电子邮件、传真提交的申请" in html  # the confirmation-date rule is explained
    channels = [value for value, _label in form_page.context["form"].fields["channel"].choices]
    assert "online" not in channels  # online applications are not registered by officers
    # The only acting agency is preselected.
    assert form_page.context["form"].initial["agency"] == staff.agency.pk

    response = client.post("/cases/new/", registration(agency=staff.agency.pk))
    case = Application.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.pk}/"
    assert case.applicant_name == "李四"
    assert case.phone == "13812345678"
    assert case.receipt_date == datetime.date(2026, 5, 29)
    page = client.get(response["Location"])
    html = page.content.decode()
    secret = page.context["secret"]
    assert secret and codes.check_secret(case, secret)
    assert secret in html
    assert codes.format_tracking_code(case.tracking_code) in html
    assert f"已登记申请，登记编号 {case.reference}。" in html
    again = client.get(response["Location"]).content.decode()
    assert secret not in again
    assert codes.format_tracking_code(case.tracking_code) in again


def test_identity_errors_are_shown_next_to_the_field(staff: Staff) -> None:
    client = client_for(staff.officer)
    bad = resident_id(7)[:-1] + ("0" if resident_id(7)[-1] != "0" else "1")
    response = client.post("/cases/new/", registration(agency=staff.agency.pk, id_number=bad))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["id_number"] == ["居民身份证号码的校验码不正确，请核对最后一位。"]
    response = client.post(
        "/cases/new/",
        registration(agency=staff.agency.pk, applicant_type="commercial", id_type="resident_id"),
    )
    assert "id_type" in response.context["form"].errors
    assert not Application.objects.exists()
    ok = client.post(
        "/cases/new/",
        registration(agency=staff.agency.pk, applicant_type="commercial", id_type="uscc", id_number=uscc(3)),
    )
    assert ok.status_code == 302


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"channel": "in_person", "confirmed_on": "2026-05-30"}, "confirmed_on", "只有平信邮寄"),
        ({"channel": "email", "confirmed_on": "2026-05-28"}, "confirmed_on", "不能早于"),
        ({"arrived_on": "2026-06-02"}, "arrived_on", "不能晚于今天"),
        ({"phone": "12345"}, "phone", "有效的手机号码"),
        ({"postcode": "31000"}, "postcode", "6位数字"),
        ({"channel": "online"}, "channel", ""),
        ({"description": ""}, "description", ""),
    ],
)
def test_registration_errors(staff: Staff, overrides: dict[str, str], field: str, message: str) -> None:
    response = client_for(staff.officer).post(
        "/cases/new/", registration(agency=staff.agency.pk, **overrides)
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors
    assert message in " ".join(errors[field])
    assert not Application.objects.exists()


def test_the_counter_form_refuses_over_long_text_visibly(staff: Staff) -> None:
    client = client_for(staff.officer)
    assert "maxlength" not in client.get("/cases/new/").content.decode()
    pasted = "申" * 5200
    response = client.post(
        "/cases/new/", registration(agency=staff.agency.pk, description=pasted, note="备" * 5001)
    )
    assert response.status_code == 200 and not Application.objects.exists()
    errors = response.context["form"].errors
    assert "最多 5000 字，现有 5200 字" in " ".join(errors["description"])
    assert "最多 5000 字，现有 5001 字" in " ".join(errors["note"])
    assert pasted in response.content.decode()


def test_an_email_application_without_confirmation_waits_for_it(staff: Staff) -> None:
    client = client_for(staff.officer)
    response = client.post("/cases/new/", registration(agency=staff.agency.pk, channel="email"))
    case = Application.objects.get()
    assert response.status_code == 302
    assert case.receipt_date is None and case.waiting_on == "confirmation"
    page = client.get(f"/cases/{case.pk}/")
    assert [a.name for a in page.context["actions"]] == ["confirm_receipt", "withdraw"]
    confirmed = client.post(f"/cases/{case.pk}/confirm_receipt/", {"on": "2026-06-01"})
    assert confirmed.status_code == 302
    case.refresh_from_db()
    assert case.receipt_date == TODAY


def test_only_acting_staff_may_register(staff: Staff) -> None:
    for user in (staff.supervisor, staff.reviewer):
        response = client_for(user).get("/cases/new/")
        assert response.status_code == 403
        assert "只有机关的信息员或信息公开工作机构负责人可以登记" in response.content.decode()
    # An agency where the user does not act is not a valid choice.
    response = client_for(staff.officer).post("/cases/new/", registration(agency=staff.other_agency.pk))
    assert "agency" in response.context["form"].errors
    assert not Application.objects.exists()


# --- The case page ----------------------------------------------------------------------------


def test_the_case_page(staff: Staff, case: Application) -> None:
    response = client_for(staff.officer).get(f"/cases/{case.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert case.reference in html
    clock = response.context["clock"]
    assert clock.due_date == case.due_date
    assert clock.state_label in html
    assert "期限是怎样计算的" in html
    assert str(clock.explanation[0]) in html
    # Personal data is masked until asked for.
    assert case.id_number not in html
    assert case.phone not in html
    assert case.address not in html
    assert "查看申请人信息" in html
    assert case.applicant_name in html
    # Timeline and letters.
    assert "登记申请" in html and "出具文书" in html
    letter = Letter.objects.get(application=case)
    assert f"/cases/{case.pk}/letters/{letter.pk}/" in html
    # Actions for the officer.
    names = [a.name for a in response.context["actions"]]
    assert names == list(selectors.allowed_actions(case))
    assert f'action="/cases/{case.pk}/answer/"' in html
    assert response["Cache-Control"] == "private, no-store"


def test_a_calendar_problem_is_shown(
    staff: Staff, case: Application, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_calendar(*args: object, **kwargs: object) -> None:
        raise CalendarNotLoaded(2099)

    monkeypatch.setattr(selectors, "clock_of", no_calendar)
    response = client_for(staff.officer).get(f"/cases/{case.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "2099年的工作日历尚未载入" in html
    assert "期限无法计算" in html


def test_clock_flags_are_highlighted(staff: Staff, make_case: CaseMaker) -> None:
    case = make_case(arrived_on=datetime.date(2026, 4, 1))
    # The correction notice is far later than 7 working days after receipt: flagged.
    services.request_correction(
        actor=staff.officer,
        application=case,
        on=datetime.date(2026, 5, 20),
        items="请写明所需信息的文号。",
        period_end=datetime.date(2026, 6, 4),
    )
    html = client_for(staff.officer).get(f"/cases/{case.pk}/").content.decode()
    assert 'class="case-clock-flags"' in html
    assert "补正告知晚于收到申请后第7个工作日" in html


def test_another_agencys_officer_gets_not_found_everywhere(staff: Staff, case: Application) -> None:
    letter = Letter.objects.get(application=case)
    client = client_for(staff.other_officer)
    assert client.get(f"/cases/{case.pk}/").status_code == 404
    assert client.get(f"/cases/{case.pk}/letters/{letter.pk}/").status_code == 404
    assert client.post(f"/cases/{case.pk}/applicant/").status_code == 404
    assert (
        client.post(f"/cases/{case.pk}/withdraw/", {"on": "2026-06-01", "confirmed": "1"}).status_code == 404
    )
    assert client.post(f"/cases/{case.pk}/answer/", {}).status_code == 404
    assert client.get("/cases/999999/").status_code == 404
    assert not AuditEvent.objects.filter(action="application.applicant_viewed").exists()
    case.refresh_from_db()
    assert case.is_open


def test_unknown_actions_and_methods(staff: Staff, case: Application) -> None:
    client = client_for(staff.officer)
    assert client.post(f"/cases/{case.pk}/explode/").status_code == 404
    assert client.get(f"/cases/{case.pk}/answer/").status_code == 405
    assert client.get(f"/cases/{case.pk}/applicant/").status_code == 405


def test_a_supervisor_sees_the_case_but_not_the_personal_data(staff: Staff, case: Application) -> None:
    client = client_for(staff.supervisor)
    response = client.get(f"/cases/{case.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert case.reference in html
    assert "查看申请人信息" not in html
    assert response.context["actions"] == []
    assert "/answer/" not in html
    assert case.id_number not in html
    reveal = client.post(f"/cases/{case.pk}/applicant/")
    assert reveal.status_code == 403
    assert "只有本机关的工作人员可以查看申请人的个人信息" in reveal.content.decode()
    assert case.id_number not in reveal.content.decode()
    letter = Letter.objects.get(application=case)
    assert client.get(f"/cases/{case.pk}/letters/{letter.pk}/").status_code == 403
    act = client.post(f"/cases/{case.pk}/withdraw/", {"on": "2026-06-01", "confirmed": "1"})
    assert act.status_code == 403
    assert "没有办理该机关政府信息公开申请的权限" in act.content.decode()
    case.refresh_from_db()
    assert case.is_open
    assert not AuditEvent.objects.filter(action="application.applicant_viewed").exists()


def test_revealing_the_applicant_is_audited(staff: Staff, case: Application) -> None:
    for user in (staff.officer, staff.reviewer):
        response = client_for(user).post(f"/cases/{case.pk}/applicant/")
        assert response.status_code == 200
        html = response.content.decode()
        assert case.id_number in html
        assert case.phone in html
        assert case.address in html
        assert "本次查看已记入审计日志" in html
        assert response["Cache-Control"] == "private, no-store"
    events = AuditEvent.objects.filter(action="application.applicant_viewed", object_id=str(case.pk))
    assert sorted(e.actor_label for e in events) == ["officer", "reviewer"]


def test_reviewers_see_but_do_not_act(staff: Staff, case: Application) -> None:
    response = client_for(staff.reviewer).get(f"/cases/{case.pk}/")
    assert response.status_code == 200
    assert response.context["actions"] == []
    assert "查看申请人信息" in response.content.decode()


def test_letter_download(staff: Staff, case: Application) -> None:
    letter = Letter.objects.get(application=case)
    response = client_for(staff.officer).get(f"/cases/{case.pk}/letters/{letter.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert response.content == letter.read_docx()
    assert response.content[:2] == b"PK"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''" + urllib.parse.quote(letter.filename) in disposition
    # A letter of another case is not found through this case.
    other = Letter.objects.create(
        application=CaseMaker(staff)(arrived_on=TODAY, serial=2),
        kind="receipt",
        title="x",
        number="y",
        issued_on=TODAY,
        text="",
        filename="x.docx",
    )
    assert client_for(staff.officer).get(f"/cases/{case.pk}/letters/{other.pk}/").status_code == 404


def test_the_timeline_summarises_event_data(staff: Staff, case: Application) -> None:
    services.start_consultation(
        actor=staff.officer,
        application=case,
        on=TODAY,
        kind="third_party",
        consultee="甲公司",
        subject="合同",
    )
    html = client_for(staff.officer).get(f"/cases/{case.pk}/").content.decode()
    assert "征求第三方意见：甲公司" in html
    assert "事项：合同" in html
    assert CaseEvent.objects.filter(application=case, kind="consultation_started").exists()


# --- Badges and names (issue 11) ------------------------------------------------------------------


def badge_labels(html: str) -> list[str]:
    """The state badges of the page's header."""
    header = html[html.index('<dl class="case-summary">') :]
    header = header[: header.index("</dl>")]
    return re.findall(r'<span class="case-flag case-flag--[\w-]+">([^<]*)</span>', header)


def test_each_status_badge_is_shown_once(staff: Staff, make_case: CaseMaker) -> None:
    # The clock's state "待确认收到" and what the case waits for ("待确认收到") are one fact: one badge.
    pending = make_case(arrived_on=datetime.date(2026, 5, 29), channel="email")
    assert pending.waiting_on == "confirmation"
    page = client_for(staff.officer).get(f"/cases/{pending.pk}/")
    assert badge_labels(page.content.decode()) == ["待确认收到"]
    # Waiting for a correction: the clock says "等待补正", so does the case: one badge.
    correcting = make_case(arrived_on=datetime.date(2026, 5, 20), serial=2)
    services.request_correction(
        actor=staff.officer,
        application=correcting,
        on=datetime.date(2026, 5, 21),
        items="请写明所需信息的文号。",
        period_end=datetime.date(2026, 6, 5),
    )
    page = client_for(staff.officer).get(f"/cases/{correcting.pk}/")
    assert badge_labels(page.content.decode()) == ["等待补正"]
    # Different facts keep their own badges, in order: the clock's state first.
    consulting = make_case(arrived_on=datetime.date(2026, 5, 20), serial=3)
    services.start_consultation(
        actor=staff.officer,
        application=consulting,
        on=TODAY,
        kind="third_party",
        consultee="甲公司",
        subject="合同",
    )
    page = client_for(staff.officer).get(f"/cases/{consulting.pk}/")
    assert badge_labels(page.content.decode()) == ["暂停计时", "征求意见"]


def timeline_actors(html: str) -> list[str]:
    timeline = html[html.index('class="case-timeline"') :]
    rows = re.findall(r"<tr>(.*?)</tr>", timeline, flags=re.S)
    return [re.findall(r"<td>([^<]*)</td>", row)[-2] for row in rows if "<td" in row]


def test_the_timeline_shows_peoples_names_not_user_names(staff: Staff, make_case: CaseMaker) -> None:
    case = make_case(arrived_on=datetime.date(2026, 5, 20))  # recorded before the name was entered
    staff.officer.first_name = "王芳"
    staff.officer.save()
    services.request_correction(
        actor=staff.officer,
        application=case,
        on=datetime.date(2026, 5, 21),
        items="请写明所需信息的文号。",
        period_end=datetime.date(2026, 6, 5),
    )
    html = client_for(staff.officer).get(f"/cases/{case.pk}/").content.decode()
    actors = timeline_actors(html)
    assert actors and set(actors) == {"王芳"}, actors  # registration, receipt letter, correction, its letter
    assert CaseEvent.objects.filter(application=case).latest("seq").actor_label == "王芳"
    # A person without a recorded name is shown by user name; a deleted user by the stored label.
    staff.officer.first_name = ""
    staff.officer.save()
    assert set(timeline_actors(client_for(staff.head).get(f"/cases/{case.pk}/").content.decode())) == {
        "officer"
    }
    staff.officer.delete()
    assert set(timeline_actors(client_for(staff.head).get(f"/cases/{case.pk}/").content.decode())) == {
        "officer",
        "王芳",
    }
