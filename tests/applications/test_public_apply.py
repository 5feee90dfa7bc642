"""The online application form (/apply/) and its receipt page."""

from __future__ import annotations

import datetime
import re
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gongkai.applications import codes
from gongkai.applications.clock import fmt
from gongkai.applications.forms_public import agency_choices
from gongkai.applications.models import Application, CaseEvent, EventKind, Letter
from gongkai.core.models import RateEvent
from gongkai.core.ratelimit import client_key
from gongkai.workdays.store import current_calendar
from tests.applications.conftest import resident_id
from tests.conftest import Tree

APPLY = "/apply/"
ID_NUMBER = resident_id(7)
PHONE = "13812345678"
ADDRESS = "示范市甲县人民路88号"


#: "Today" is pinned (``pin_today``) so that every due date counted here lies in a year whose calendar
#: is built in, whatever the real date: 2026-06-01 is a Monday; +20 working days is 2026-06-30 (端午节
#: 6/19 is not counted), +40 is 2026-07-28.
TODAY = datetime.date(2026, 6, 1)


@pytest.fixture(autouse=True)
def _pinned_today(pin_today: Callable[[datetime.date], None]) -> None:
    pin_today(TODAY)


def form_data(agency_pk: int, **overrides: Any) -> dict[str, Any]:
    data = {
        "agency": str(agency_pk),
        "applicant_type": "natural_person",
        "applicant_name": "李四",
        "id_type": "resident_id",
        "id_number": ID_NUMBER,
        "contact_person": "",
        "phone": PHONE,
        "email": "lisi@example.com",
        "address": ADDRESS,
        "postcode": "100000",
        "description": "2025年甲县财政局部门预算执行情况的说明（甲财〔2025〕12号）",
        "requested_form": "electronic",
        "delivery": "online",
        "consent": "on",
        "submission_key": uuid.uuid4().hex,
    }
    data.update(overrides)
    return data


def errors_of(response: Any) -> str:
    return " ".join(str(e) for errors in response.context["form"].errors.values() for e in errors)


@pytest.mark.django_db
def test_the_form_offers_every_agency_with_its_place_in_the_tree(client: Client, tree: Tree) -> None:
    response = client.get(APPLY)
    assert response.status_code == 200
    html = response.content.decode()
    assert "示范市人民政府 › 甲县人民政府 › 甲县财政局" in html
    labels = [label for _pk, label in agency_choices()]
    # Parents come before their children; each agency exactly once.
    assert labels.index("示范市人民政府") < labels.index("示范市人民政府 › 甲县人民政府")
    assert len(labels) == len(tree.all())
    # A fresh one-time key is in the form; personal-data consent is asked for.
    assert re.search(r'name="submission_key" value="[0-9a-f]{32}"', html)
    assert "仅用于办理本次政府信息公开申请" in html
    assert "名称、文号" in html


@pytest.mark.django_db
def test_a_valid_application_is_received_today_and_due_in_20_working_days(client: Client, tree: Tree) -> None:
    data = form_data(tree.county_a_finance.pk)
    response = client.post(APPLY, data)
    case = Application.objects.get()
    # POST/redirect/GET; the URL holds the tracking code, never the secret.
    assert response.status_code == 302
    assert response["Location"] == reverse("public:receipt", args=[case.tracking_code])
    today = timezone.localdate()
    due = current_calendar().add_working_days(today, 20)
    assert case.agency == tree.county_a_finance
    assert case.channel == "online"
    assert case.receipt_date == today
    assert case.due_date == due
    assert case.submission_key == data["submission_key"]
    assert list(case.events.values_list("kind", flat=True))[:1] == [EventKind.SUBMITTED_ONLINE]

    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    secret = page.context["secret"]
    assert re.fullmatch(r"[2-9A-Z]{4}(-[2-9A-Z]{4}){3}", secret)
    assert codes.check_secret(case, secret.replace("-", ""))
    assert secret not in response["Location"]
    assert codes.format_tracking_code(case.tracking_code) in html
    assert secret in html
    assert "请立即记下或打印查询码和查询密码" in html
    assert tree.county_a_finance.name in html
    assert fmt(today) in html
    assert fmt(due) in html
    # The receipt letter (接收回执) can be downloaded.
    letter = Letter.objects.get(application=case, kind="receipt")
    url = reverse("public:status_letter", args=[case.tracking_code, letter.pk])
    assert url in html
    download = client.get(url)
    assert download.status_code == 200
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    assert download.content[:2] == b"PK"
    assert "attachment" in download["Content-Disposition"]
    # No personal data on the receipt page.
    for private in (ID_NUMBER, PHONE, ADDRESS):
        assert private not in html

    # The secret is shown once: reloading the receipt no longer shows it.
    again = client.get(response["Location"])
    assert again.status_code == 200
    assert secret not in again.content.decode()
    assert "查询密码只在提交后显示一次" in again.content.decode()


@pytest.mark.django_db
def test_the_same_form_posted_twice_makes_one_case_and_the_same_receipt(client: Client, tree: Tree) -> None:
    data = form_data(tree.county_a.pk)
    first = client.post(APPLY, data)
    secret_first = client.get(first["Location"]).context["secret"]
    second = client.post(APPLY, data)
    assert second["Location"] == first["Location"]
    page = client.get(second["Location"])
    assert page.context["secret"] == secret_first
    assert "已经提交过" in page.content.decode()
    assert Application.objects.count() == 1
    assert CaseEvent.objects.filter(kind=EventKind.SUBMITTED_ONLINE).count() == 1
    # A double click from another browser (another session) gets the same case too.
    other = Client()
    assert other.post(APPLY, data)["Location"] == first["Location"]
    assert Application.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"id_number": ID_NUMBER[:-1] + ("0" if ID_NUMBER[-1] != "0" else "1")}, "id_number", "校验码不正确"),
        ({"id_number": "12345"}, "id_number", "18位"),
        ({"description": "  "}, "description", "名称、文号或便于查询的特征性描述"),
        ({"phone": "12345"}, "phone", "请填写正确的手机号码"),
        ({"consent": ""}, "consent", "请勾选同意"),
        ({"agency": "999999"}, "agency", "所选机关不存在"),
        ({"id_type": "uscc"}, "id_type", "自然人请使用身份证件"),
        ({"postcode": "10000"}, "postcode", "邮政编码应为6位数字"),
        ({"delivery": "email", "email": ""}, "email", "请填写电子邮箱"),
        ({"delivery": "post", "address": ""}, "address", "请填写通信地址"),
        ({"applicant_type": "commercial", "id_type": "resident_id"}, "id_type", "法人或其他组织"),
    ],
)
def test_invalid_input_is_shown_in_chinese_on_its_field(
    client: Client, tree: Tree, overrides: dict[str, str], field: str, message: str
) -> None:
    response = client.post(APPLY, form_data(tree.county_a.pk, **overrides))
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors, form.errors
    assert message in " ".join(form.errors[field])
    assert message in response.content.decode()
    assert Application.objects.count() == 0


@pytest.mark.django_db
def test_an_over_long_description_is_an_error_that_keeps_the_text(client: Client, tree: Tree) -> None:
    page = client.get(APPLY).content.decode()
    # No maxlength for the browser to cut a paste with, silently, on any field of the form.
    assert "maxlength" not in page
    pasted = "请公开甲县财政局2025年部门预算执行情况。" * 227 + "完" * 7  # 5,001 characters
    assert len(pasted) == 5001
    response = client.post(APPLY, form_data(tree.county_a.pk, description=pasted))
    assert response.status_code == 200
    assert Application.objects.count() == 0
    message = " ".join(response.context["form"].errors["description"])
    assert "最多 5000 字，现有 5001 字" in message and "请删减" in message
    html = response.content.decode()
    assert "最多 5000 字，现有 5001 字" in html
    assert f">\n{pasted}</textarea>" in html  # everything typed is shown again, in full
    # Every other text field: the same visible error, never a cut.
    for field, value in (
        ("applicant_name", "张" * 201),
        ("address", "路" * 301),
        ("contact_person", "李" * 101),
    ):
        response = client.post(APPLY, form_data(tree.county_a.pk, **{field: value}))
        assert f"现有 {len(value)} 字" in " ".join(response.context["form"].errors[field]), field
        assert value in response.content.decode()
    assert Application.objects.count() == 0


@pytest.mark.django_db
def test_a_missing_or_forged_key_is_refused_and_a_new_key_is_offered(client: Client, tree: Tree) -> None:
    response = client.post(APPLY, form_data(tree.county_a.pk, submission_key="not-a-key"))
    assert response.status_code == 200
    assert "表单已失效" in response.content.decode()
    assert Application.objects.count() == 0
    fresh = re.search(r'name="submission_key" value="([0-9a-f]{32})"', response.content.decode())
    assert fresh is not None
    # The re-shown form can be sent as it is.
    assert client.post(APPLY, form_data(tree.county_a.pk, submission_key=fresh.group(1))).status_code == 302


@pytest.mark.django_db
def test_the_sixth_submission_in_an_hour_is_refused_with_429(client: Client, tree: Tree) -> None:
    for _n in range(5):
        assert client.post(APPLY, form_data(tree.county_a.pk)).status_code == 302
    response = client.post(APPLY, form_data(tree.county_a.pk))
    assert response.status_code == 429
    assert "提交过于频繁" in response.content.decode()
    # The form is shown again with what was typed.
    assert response.context["form"]["applicant_name"].value() == "李四"
    assert Application.objects.count() == 5
    # Another address is not affected.
    other = Client(REMOTE_ADDR="192.0.2.7")
    assert other.post(APPLY, form_data(tree.county_a.pk)).status_code == 302


@pytest.mark.django_db
def test_a_repeated_post_is_not_counted_by_the_rate_limit(client: Client, tree: Tree) -> None:
    data = form_data(tree.county_a.pk)
    for _n in range(8):
        assert client.post(APPLY, data).status_code == 302
    assert Application.objects.count() == 1
    assert client.post(APPLY, form_data(tree.county_a.pk)).status_code == 302


@pytest.mark.django_db
def test_twenty_submissions_a_day_at_most(client: Client, tree: Tree) -> None:
    response = client.get(APPLY)
    key = client_key(response.wsgi_request)
    earlier = timezone.now() - datetime.timedelta(hours=5)
    RateEvent.objects.bulk_create([RateEvent(scope="apply-day", key=key, at=earlier) for _n in range(20)])
    refused = client.post(APPLY, form_data(tree.county_a.pk))
    assert refused.status_code == 429
    assert Application.objects.count() == 0


@pytest.mark.django_db
def test_the_receipt_page_of_a_case_not_submitted_in_this_session_is_not_shown(
    client: Client, tree: Tree
) -> None:
    first = client.post(APPLY, form_data(tree.county_a.pk))
    stranger = Client()
    response = stranger.get(first["Location"])
    assert response.status_code == 302
    assert response["Location"] == reverse("public:status")
