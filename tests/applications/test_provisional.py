"""A case whose due date falls in a year whose holiday notice is not loaded (暂定, docs/decisions.md D17):
counted on the provisional calendar, labelled 暂定 wherever the due date shows, re-dated when the
year is loaded; ``gongkai remind`` warns of the missing year and fails on a deadline it cannot compute.

Everything is pinned: "today" is 2026-12-10 (or the day named), and 2027 is not loaded (a fictional
2027 the ``staff`` fixture may have loaded when the real date is past 2026 is removed first).
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from gongkai.applications.models import Application, EventKind
from gongkai.workdays.models import CalendarYear
from gongkai.workdays.services import CalendarRow, load_calendar
from gongkai.workdays.store import current_calendar
from tests.applications.conftest import CaseMaker, Staff

D = datetime.date
RECEIVED = D(2026, 12, 10)
# 2026-12-10 (Thu): 12/11(1) 12/14–18(2–6) 12/21–25(7–11) 12/28–31(12–15); 2027-01-01 元旦 (Fri) is a
# statutory holiday; 1/4–1/8(16–20).
PROVISIONAL_DUE = D(2027, 1, 8)
NOTE = "暂定：该期限按法定节假日推算（未含调休），国务院公布当年放假安排并载入后将自动重新计算。"
BADGE = ">暂定</span>"


@pytest.fixture
def no_2027(staff: Staff) -> None:
    CalendarYear.objects.filter(year__gte=2027).delete()
    if 2027 in current_calendar().loaded_years:  # pragma: no cover - a chinesecalendar with 2027 data
        pytest.skip("2027 is built in")


@pytest.fixture
def case_and_secret(
    no_2027: None, make_case: CaseMaker, pin_today: Callable[[datetime.date], None]
) -> tuple[Application, str]:
    pin_today(RECEIVED)
    return make_case.register(arrived_on=RECEIVED)


def load_2027() -> None:
    """A TEST 2027 (not the real notice): 元旦 1/1–1/3 with 1/4–1/8 as usual, and a spring holiday."""
    rows = [CalendarRow(D(2027, 1, day), "holiday", "元旦") for day in (1, 2, 3)]
    rows += [CalendarRow(D(2027, 1, 4), "holiday", "元旦")]  # one more day off: moves the due date
    rows += [CalendarRow(D(2027, 2, day), "holiday", "春节") for day in range(5, 12)]
    load_calendar(actor=None, rows=rows, source="测试用2027年日历（非国务院办公厅通知）")


def officer_client(staff: Staff) -> Client:
    client = Client()
    client.force_login(staff.officer)
    return client


def test_the_case_gets_a_provisional_due_date_skipping_new_year(
    case_and_secret: tuple[Application, str],
) -> None:
    case, _secret = case_and_secret
    assert case.due_date == PROVISIONAL_DUE
    assert case.due_date_provisional is True
    assert case.clock_problem == ""


def test_the_officer_queue_and_case_page_say_provisional(
    staff: Staff, case_and_secret: tuple[Application, str]
) -> None:
    case, _secret = case_and_secret
    client = officer_client(staff)
    queue = client.get("/cases/").content.decode()
    assert "2027-01-08" in queue and BADGE in queue and NOTE in queue
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "2027-01-08" in page and BADGE in page and NOTE in page


def test_the_applicant_receipt_status_page_and_letter_say_provisional(
    client: Client, case_and_secret: tuple[Application, str]
) -> None:
    case, secret = case_and_secret
    assert client.post("/apply/status/", {"code": case.tracking_code, "secret": secret}).status_code == 302
    for url in (
        reverse("public:receipt", args=[case.tracking_code]),
        reverse("public:status_detail", args=[case.tracking_code]),
    ):
        html = client.get(url).content.decode()
        assert "2027年1月8日" in html, url
        assert BADGE in html and NOTE in html, url
    receipt = case.letters.get(kind="receipt")
    assert (
        "答复期限至2027年1月8日，暂定：该期限按法定节假日推算，国务院公布当年放假安排后将重新计算"
        in receipt.text
    )


def test_english_pages_say_provisional(staff: Staff, case_and_secret: tuple[Application, str]) -> None:
    case, _secret = case_and_secret
    client = officer_client(staff)
    client.cookies["django_language"] = "en"
    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert ">provisional</span>" in html
    assert "Provisional: this deadline is counted on the statutory public holidays only" in html


def test_a_case_within_a_loaded_year_is_not_provisional(
    no_2027: None, make_case: CaseMaker, pin_today: Callable[[datetime.date], None], staff: Staff
) -> None:
    pin_today(D(2026, 6, 1))
    case = make_case(arrived_on=D(2026, 6, 1))
    assert case.due_date == D(2026, 6, 30) and not case.due_date_provisional
    page = officer_client(staff).get(f"/cases/{case.pk}/").content.decode()
    assert BADGE not in page and NOTE not in page
    assert "暂定" not in case.letters.get(kind="receipt").text


def test_loading_2027_re_dates_the_case_with_an_event_and_clears_the_flag(
    staff: Staff, case_and_secret: tuple[Application, str]
) -> None:
    case, _secret = case_and_secret
    load_2027()
    case.refresh_from_db()
    # 1/1–1/4 off: 1/5–1/8(16–19), 1/11 Mon(20).
    assert case.due_date == D(2027, 1, 11)
    assert case.due_date_provisional is False
    event = case.events.get(kind=EventKind.DUE_DATE_RECOMPUTED)
    assert event.data["old_due_date"] == "2027-01-08" and event.data["new_due_date"] == "2027-01-11"
    assert (event.data["old_provisional"], event.data["new_provisional"]) == (True, False)
    assert event.data["years"] == [2027]
    page = officer_client(staff).get(f"/cases/{case.pk}/").content.decode()
    assert "答复期限由 2027-01-08（暂定） 改为 2027-01-11" in page
    assert "已按国务院公布的放假安排重新计算，不再是暂定期限。" in page
    assert BADGE not in page and NOTE not in page


# --- gongkai remind ---------------------------------------------------------------------------------


def remind(day: datetime.date) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("remind", today=day.isoformat(), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


WARNING = "提醒管理员：2027年的工作日历（国务院办公厅部分节假日安排的通知）尚未载入。"


@pytest.fixture
def mailbox(settings: Any, staff: Staff) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.GONGKAI_SITE_URL = "https://gk.example.org"
    staff.officer.email = "officer@example.org"
    staff.officer.save()


def test_remind_warns_of_this_years_missing_notice_in_its_output_and_mail(
    no_2027: None, mailbox: None, make_case: CaseMaker, pin_today: Callable[[datetime.date], None]
) -> None:
    pin_today(D(2027, 1, 4))
    make_case(arrived_on=RECEIVED)  # due 2027-01-08 (暂定): 4 working days left on 1/4
    _out, err = remind(D(2027, 1, 4))
    assert WARNING in err
    body = mail.outbox[0].body
    assert WARNING in body
    assert "答复期限 2027-01-08（暂定）" in body


def test_remind_does_not_warn_before_1_october_or_once_next_year_is_loaded(
    no_2027: None, mailbox: None, pin_today: Callable[[datetime.date], None]
) -> None:
    pin_today(D(2026, 9, 30))
    _out, err = remind(D(2026, 9, 30))
    assert "工作日历" not in err
    _out, err = remind(D(2026, 10, 1))
    assert WARNING in err
    load_2027()
    _out, err = remind(D(2026, 10, 1))
    assert "工作日历" not in err


def test_remind_exits_1_when_a_deadline_cannot_be_computed(
    mailbox: None, make_case: CaseMaker, pin_today: Callable[[datetime.date], None]
) -> None:
    """Past the provisional calendar's years (ten after the last loaded one) nothing can be counted: the
    case is listed and the command fails, after sending what it can."""
    pin_today(D(2100, 12, 20))
    case = make_case(arrived_on=D(2100, 12, 20))
    assert case.due_date is None and "2100年" in case.clock_problem
    err = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("remind", today="2100-12-20", stdout=io.StringIO(), stderr=err)
    assert caught.value.returncode == 1
    assert "1 件申请的答复期限无法计算。" in str(caught.value)
    assert (
        f"无法计算答复期限：{case.agency.name} {case.reference}：2100年的工作日历尚未载入" in err.getvalue()
    )
