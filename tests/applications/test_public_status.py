"""The public status lookup (/apply/status/): code + secret, a per-session grant, no personal data."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gongkai.agencies.models import Agency
from gongkai.applications import codes, services
from gongkai.applications.clock import fmt
from gongkai.applications.models import Application, Letter
from gongkai.workdays.store import current_calendar
from tests.applications.conftest import Staff, applicant, resident_id
from tests.conftest import Tree

STATUS = "/apply/status/"
GENERIC = "查询码或查询密码不正确"
ID_NUMBER = resident_id(42)
PHONE = "13987654321"
ADDRESS = "示范市乙县和平路66号"


#: "Today" is pinned (``pin_today``) so that every due date counted here lies in a year whose calendar
#: is built in, whatever the real date: 2026-06-01 is a Monday; +20 working days is 2026-06-30 (端午节
#: 6/19 is not counted), +40 is 2026-07-28.
TODAY = datetime.date(2026, 6, 1)


@pytest.fixture(autouse=True)
def _pinned_today(pin_today: Callable[[datetime.date], None]) -> None:
    pin_today(TODAY)


def submit(
    agency: Agency, *, serial: int = 42, description: str = "甲县2025年预算公开说明"
) -> tuple[Application, str]:
    case, secret, created = services.submit_online(
        agency=agency,
        applicant=applicant(
            serial=serial, id_number=resident_id(serial), phone=PHONE, address=ADDRESS, email="a@example.com"
        ),
        request=services.Request(description=description, requested_form="electronic", delivery="online"),
        submission_key=uuid.uuid4().hex,
    )
    assert created
    return case, secret


def look_up(client: Client, code: str, secret: str) -> Any:
    return client.post(STATUS, {"code": code, "secret": secret})


def detail_url(case: Application) -> str:
    return reverse("public:status_detail", args=[case.tracking_code])


@pytest.mark.django_db
def test_code_and_secret_open_the_status_page(client: Client, tree: Tree) -> None:
    case, secret = submit(tree.county_a_finance)
    # Spaces, hyphens and lower case are tolerated in both.
    code = codes.format_tracking_code(case.tracking_code).lower()
    typed_secret = " ".join([secret[:4], secret[4:8].lower(), secret[8:]])
    response = client.post(STATUS, {"code": f" {code} ", "secret": typed_secret})
    assert response.status_code == 302
    assert response["Location"] == detail_url(case)
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert "已收到申请，正在办理" in html
    assert tree.county_a_finance.name in html
    assert case.reference in html
    assert "甲县2025年预算公开说明" in html
    due = current_calendar().add_working_days(timezone.localdate(), 20)
    assert fmt(due) in html
    assert "网上提交申请" in html
    # Nothing the applicant gave about themself, and no secret.
    for private in (ID_NUMBER, PHONE, ADDRESS, "a@example.com", secret, "张三"):
        assert private not in html, private
    assert page["Cache-Control"].startswith("max-age=0") or "no-store" in page["Cache-Control"]


@pytest.mark.django_db
@pytest.mark.parametrize("wrong", ["code", "secret", "both"])
def test_a_wrong_code_or_secret_gets_the_same_generic_message(client: Client, tree: Tree, wrong: str) -> None:
    case, secret = submit(tree.county_a)
    code = case.tracking_code
    if wrong in {"code", "both"}:
        code = "ZZZZ" + code[4:] if not code.startswith("ZZZZ") else "YYYY" + code[4:]
    if wrong in {"secret", "both"}:
        secret = "2" * len(secret)
    response = look_up(client, code, secret)
    assert response.status_code == 200
    html = response.content.decode()
    assert GENERIC in html
    assert "不存在" not in html
    assert tree.county_a.name not in html
    assert client.get(detail_url(case)).status_code == 302


@pytest.mark.django_db
def test_ten_wrong_secrets_lock_the_code_for_an_hour_from_any_address(client: Client, tree: Tree) -> None:
    case, secret = submit(tree.county_a)
    for _n in range(10):
        assert look_up(client, case.tracking_code, "WRONG").status_code == 200
    refused = look_up(client, case.tracking_code, secret)
    assert refused.status_code == 429
    assert "查询失败次数过多" in refused.content.decode()
    assert client.get(detail_url(case)).status_code == 302
    # The code is locked, wherever the right secret comes from.
    other = Client(REMOTE_ADDR="198.51.100.4")
    assert look_up(other, case.tracking_code, secret).status_code == 429


@pytest.mark.django_db
def test_wrong_secrets_for_one_code_do_not_lock_out_the_other_applicants_behind_the_same_address(
    client: Client, tree: Tree
) -> None:
    mine, _secret = submit(tree.county_a, serial=1)
    theirs, their_secret = submit(tree.county_a, serial=2)
    for _n in range(12):
        look_up(client, mine.tracking_code, "WRONG")
    assert look_up(client, mine.tracking_code, "WRONG").status_code == 429
    assert look_up(client, theirs.tracking_code, their_secret).status_code == 302


@pytest.mark.django_db
def test_an_address_scanning_many_codes_is_stopped_at_its_own_higher_limit(
    client: Client, tree: Tree, settings: Any
) -> None:
    settings.GONGKAI_LOOKUP_FAILURES_PER_ADDRESS = 15
    case, secret = submit(tree.county_a)
    for n in range(15):
        assert look_up(client, f"ABCDEFGHJK{n:02d}", "WRONG").status_code == 200  # 15 codes, once each
    assert look_up(client, "ABCDEFGHJK99", "WRONG").status_code == 429
    assert look_up(client, case.tracking_code, secret).status_code == 429  # the address is blocked
    assert look_up(Client(REMOTE_ADDR="198.51.100.4"), case.tracking_code, secret).status_code == 302


@pytest.mark.django_db
def test_an_empty_form_is_refused_in_chinese_without_counting(client: Client, tree: Tree) -> None:
    response = client.post(STATUS, {"code": "", "secret": ""})
    assert response.status_code == 200
    assert "请填写查询码" in response.content.decode()


@pytest.mark.django_db
def test_the_grant_of_one_case_does_not_open_another(client: Client, tree: Tree) -> None:
    case_a, secret_a = submit(tree.county_a, serial=1, description="甲的申请")
    case_b, _secret_b = submit(tree.county_b, serial=2, description="乙的申请")
    assert look_up(client, case_a.tracking_code, secret_a).status_code == 302
    assert "甲的申请" in client.get(detail_url(case_a)).content.decode()
    response = client.get(detail_url(case_b))
    assert response.status_code == 302
    assert response["Location"] == reverse("public:status")
    followed = client.get(response["Location"])
    assert "乙的申请" not in followed.content.decode()
    assert "请输入查询码和查询密码" in followed.content.decode()
    # A letter of case B is not served under case A's code, nor under B's.
    letter_b = Letter.objects.filter(application=case_b).first()
    assert letter_b is not None
    assert (
        client.get(reverse("public:status_letter", args=[case_a.tracking_code, letter_b.pk])).status_code
        == 404
    )
    assert (
        client.get(reverse("public:status_letter", args=[case_b.tracking_code, letter_b.pk])).status_code
        == 404
    )
    letter_a = Letter.objects.filter(application=case_a).first()
    assert letter_a is not None
    ok = client.get(reverse("public:status_letter", args=[case_a.tracking_code, letter_a.pk]))
    assert ok.status_code == 200
    assert bytes(ok.content) == letter_a.read_docx()


@pytest.mark.django_db
def test_leaving_clears_the_grant(client: Client, tree: Tree) -> None:
    case, secret = submit(tree.county_a)
    look_up(client, case.tracking_code, secret)
    assert client.get(detail_url(case)).status_code == 200
    html = client.get(detail_url(case)).content.decode()
    assert "退出查询" in html
    response = client.post(reverse("public:status_exit"))
    assert response.status_code == 302
    assert client.get(detail_url(case)).status_code == 302


@pytest.mark.django_db
def test_only_letters_for_the_applicant_are_listed_and_third_parties_are_not_named(
    client: Client, staff: Staff
) -> None:
    case, secret = submit(staff.agency)
    today = timezone.localdate()
    services.start_consultation(
        actor=staff.officer,
        application=case,
        on=today,
        kind="third_party",
        consultee="某某科技有限公司",
        subject="合同金额",
    )
    internal = Letter.objects.get(application=case, for_applicant=False)
    look_up(client, case.tracking_code, secret)
    html = client.get(detail_url(case)).content.decode()
    assert "正在征求第三方或有关机关的意见" in html
    assert "某某科技有限公司" not in html
    assert "合同金额" not in html
    assert staff.officer.username not in html
    assert internal.title not in html
    receipt = Letter.objects.get(application=case, kind="receipt")
    assert reverse("public:status_letter", args=[case.tracking_code, receipt.pk]) in html
    assert reverse("public:status_letter", args=[case.tracking_code, internal.pk]) not in html
    assert (
        client.get(reverse("public:status_letter", args=[case.tracking_code, internal.pk])).status_code == 404
    )


@pytest.mark.django_db
def test_waiting_for_a_correction_shows_the_items_and_the_deadline(client: Client, staff: Staff) -> None:
    case, secret = submit(staff.agency)
    today = timezone.localdate()
    period_end = today + datetime.timedelta(days=15)
    services.request_correction(
        actor=staff.officer,
        application=case,
        on=today,
        items="请写明文件的文号或发布时间",
        period_end=period_end,
    )
    look_up(client, case.tracking_code, secret)
    html = client.get(detail_url(case)).content.decode()
    assert "等待您补正申请" in html
    assert "请写明文件的文号或发布时间" in html
    assert fmt(period_end) in html
    assert "告知补正" in html


@pytest.mark.django_db
def test_an_extension_shows_the_new_due_date(client: Client, staff: Staff) -> None:
    case, secret = submit(staff.agency)
    today = timezone.localdate()
    services.grant_extension(
        actor=staff.officer, application=case, on=today, approver=staff.head, reason="需要检索多年档案"
    )
    look_up(client, case.tracking_code, secret)
    html = client.get(detail_url(case)).content.decode()
    due = current_calendar().add_working_days(today, 40)
    assert f"已延期答复，答复期限延至 {fmt(due)}" in html
    assert "需要检索多年档案" not in html


@pytest.mark.django_db
def test_waiting_for_payment_shows_the_amount(client: Client, staff: Staff) -> None:
    case, secret = submit(staff.agency)
    services.issue_fee_notice(
        actor=staff.officer, application=case, on=timezone.localdate(), method="pages", quantity=50
    )
    look_up(client, case.tracking_code, secret)
    html = client.get(detail_url(case)).content.decode()
    assert "等待您缴纳信息处理费" in html
    assert "应缴金额：200 元" in html
    assert "缴费期限" in html


@pytest.mark.django_db
def test_an_answered_case_shows_the_day_and_the_outcome(client: Client, staff: Staff) -> None:
    case, secret = submit(staff.agency)
    today = timezone.localdate()
    services.answer(
        actor=staff.officer, application=case, on=today, outcome="granted", how_to_obtain="见附件电子文件"
    )
    look_up(client, case.tracking_code, secret)
    html = client.get(detail_url(case)).content.decode()
    assert f"已于 {fmt(today)} 作出答复" in html
    assert "答复结果：予以公开" in html
    answer_letter = Letter.objects.get(application=case, kind="answer")
    assert answer_letter.title in html
    assert reverse("public:status_letter", args=[case.tracking_code, answer_letter.pk]) in html
