"""身份证号 as the law issues them, through the public form (/apply/) and the officer's counter form
(/cases/new/): numbers from regions created or renamed after the holder's birth year are accepted, 15-digit
first-generation numbers with a note, wrong ones refused with a message saying what to fix."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from gongkai.applications.models import Application
from gongkai.statute.resident_id import check_character
from tests.applications.conftest import Staff
from tests.conftest import Tree

TODAY = datetime.date(2026, 6, 1)

ACCEPTED = [
    "500103198001010016",  # 重庆市渝中区 (1997), born 1980
    "440305197001010019",  # 深圳市南山区 (1990), born 1970
    "330102198001010018",  # 杭州市上城区 (merged 2021), born 1980
    "46010019870301456" + check_character("46010019870301456"),  # 海南 46, born before 1988
    "37011719900101002" + check_character("37011719900101002"),  # 济南市钢城区 (2019)
]

REFUSED = [
    ("500103198001010017", "居民身份证号码的校验码不正确，请核对最后一位。"),
    (
        "11010520260602001" + check_character("11010520260602001"),  # born tomorrow
        "居民身份证号码中的出生日期晚于今天，请核对号码。",
    ),
    (
        "50010319800231001" + check_character("50010319800231001"),  # 31 February
        "居民身份证号码中的出生日期不是真实存在的日期，请核对号码。",
    ),
    (
        "99010319800101001" + check_character("99010319800101001"),
        "居民身份证号码的前两位应为省级行政区划代码（如11北京、50重庆），请核对号码。",
    ),
]

FIRST_GENERATION = "330106800101123"
FIRST_GENERATION_NOTE = "一代身份证号码（15位），建议核对申请人现用的18位居民身份证号码。"


@pytest.fixture(autouse=True)
def _today(pin_today: Callable[[datetime.date], None]) -> None:
    pin_today(TODAY)


def apply_data(agency_pk: int, id_number: str) -> dict[str, Any]:
    return {
        "agency": str(agency_pk),
        "applicant_type": "natural_person",
        "applicant_name": "李四",
        "id_type": "resident_id",
        "id_number": id_number,
        "contact_person": "",
        "phone": "13812345678",
        "email": "lisi@example.com",
        "address": "示范市甲县人民路88号",
        "postcode": "100000",
        "description": "2025年甲县财政局部门预算执行情况的说明",
        "requested_form": "electronic",
        "delivery": "online",
        "consent": "on",
        "submission_key": uuid.uuid4().hex,
    }


def counter_data(agency_pk: int, id_number: str) -> dict[str, Any]:
    return {
        "agency": agency_pk,
        "channel": "in_person",
        "arrived_on": "2026-05-29",
        "arrived_time": "09:30",
        "confirmed_on": "",
        "pieces": "1",
        "applicant_type": "natural_person",
        "applicant_name": "李四",
        "id_type": "resident_id",
        "id_number": id_number,
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


def officer_client(staff: Staff) -> Client:
    client = Client()
    client.force_login(staff.officer)
    return client


# --- /apply/ -----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("number", ACCEPTED)
def test_the_public_form_accepts_numbers_from_renamed_or_newer_regions(
    client: Client, tree: Tree, number: str
) -> None:
    response = client.post("/apply/", apply_data(tree.county_a_finance.pk, number))
    assert response.status_code == 302, response.context["form"].errors
    assert Application.objects.get().id_number == number


@pytest.mark.django_db
@pytest.mark.parametrize(("number", "message"), REFUSED)
def test_the_public_form_refuses_wrong_numbers_saying_what_to_fix(
    client: Client, tree: Tree, number: str, message: str
) -> None:
    response = client.post("/apply/", apply_data(tree.county_a_finance.pk, number))
    assert response.status_code == 200
    assert response.context["form"].errors["id_number"] == [message]
    assert message in response.content.decode()
    assert not Application.objects.exists()


@pytest.mark.django_db
def test_the_public_form_accepts_a_first_generation_number_with_a_note(client: Client, tree: Tree) -> None:
    response = client.post("/apply/", apply_data(tree.county_a_finance.pk, "330106 800101 123"), follow=True)
    case = Application.objects.get()
    assert case.id_number == FIRST_GENERATION
    html = response.content.decode()
    assert FIRST_GENERATION_NOTE in html
    assert "地区码" not in html  # the region hint is for the officer only


# --- the officer's counter form ----------------------------------------------------------------


@pytest.mark.parametrize("number", ACCEPTED)
def test_the_counter_form_accepts_numbers_from_renamed_or_newer_regions(staff: Staff, number: str) -> None:
    response = officer_client(staff).post("/cases/new/", counter_data(staff.agency.pk, number))
    assert response.status_code == 302, response.context["form"].errors
    assert Application.objects.get().id_number == number


def test_the_counter_form_shows_the_region_hint(staff: Staff) -> None:
    client = officer_client(staff)
    response = client.post("/cases/new/", counter_data(staff.agency.pk, "500103198001010016"), follow=True)
    assert "地区码 500103：重庆市渝中区" in response.content.decode()


def test_the_counter_form_notes_a_first_generation_number(staff: Staff) -> None:
    client = officer_client(staff)
    response = client.post("/cases/new/", counter_data(staff.agency.pk, FIRST_GENERATION), follow=True)
    html = response.content.decode()
    assert FIRST_GENERATION_NOTE in html
    assert "地区码 330106：浙江省杭州市西湖区" in html
    assert Application.objects.get().id_number == FIRST_GENERATION


@pytest.mark.parametrize(("number", "message"), REFUSED)
def test_the_counter_form_refuses_wrong_numbers_saying_what_to_fix(
    staff: Staff, number: str, message: str
) -> None:
    response = officer_client(staff).post("/cases/new/", counter_data(staff.agency.pk, number))
    assert response.status_code == 200
    assert response.context["form"].errors["id_number"] == [message]
    assert not Application.objects.exists()
