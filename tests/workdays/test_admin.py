"""The calendar admin: list, view any year, upload → preview → confirm, delete; permissions; CSRF."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from gongkai.agencies.models import Role
from gongkai.agencies.services import add_membership
from gongkai.core.models import AuditEvent
from gongkai.workdays.calendar import CalendarNotLoaded
from gongkai.workdays.models import CalendarYear
from gongkai.workdays.services import load_calendar, parse_calendar_csv
from gongkai.workdays.signals import calendar_changed
from tests.conftest import Tree, make_user
from tests.workdays.data import CSV_2027, csv_2026_corrected

LOAD = "admin:workdays_calendaryear_load"
CHANGELIST = "admin:workdays_calendaryear_changelist"


@pytest.fixture
def root_client(db: None) -> Client:
    client = Client()
    client.force_login(make_user("root", is_superuser=True, is_staff=True))
    return client


def page(client: Client, url: str, data: dict[str, Any] | None = None) -> str:
    response = client.post(url, data) if data is not None else client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_the_changelist_offers_loading_and_lists_every_year_in_force(root_client: Client) -> None:
    html = page(root_client, reverse(CHANGELIST))
    assert "载入放假安排（CSV）" in html
    assert reverse("admin:workdays_calendaryear_show", args=[2004]) in html
    assert reverse("admin:workdays_calendaryear_show", args=[2026]) in html
    # "Add" leads to the upload page.
    response = root_client.get(reverse("admin:workdays_calendaryear_add"))
    assert response.status_code == 302 and response["Location"] == reverse(LOAD)


def test_a_builtin_year_can_be_viewed_read_only(root_client: Client) -> None:
    html = page(root_client, reverse("admin:workdays_calendaryear_show", args=[2026]))
    assert "内置：chinesecalendar" in html
    assert "2026-02-14" in html and "调休上班" in html
    assert "全年工作日 248 天" in html
    html = page(root_client, reverse("admin:workdays_calendaryear_show", args=[2031]))
    assert "2031年的工作日历尚未载入" in html


def test_upload_preview_then_confirm(root_client: Client) -> None:
    upload = SimpleUploadedFile("2027.csv", ("\ufeff" + CSV_2027).encode("utf-8"), content_type="text/csv")
    html = page(root_client, reverse(LOAD), {"source": "测试〔2026〕1号", "file": upload, "text": ""})
    assert "2027年：载入 11 个放假日、1 个调休上班日（此前未载入）" in html
    assert "确认载入" in html and "2027-02-20" in html
    assert not CalendarYear.objects.exists(), "the preview must not write"

    # The confirm form posts the parsed rows back as text.
    confirm = {"source": "测试〔2026〕1号", "text": CSV_2027, "confirm": "1"}
    response = root_client.post(reverse(LOAD), confirm)
    assert response.status_code == 302 and response["Location"] == reverse(CHANGELIST)
    assert CalendarYear.objects.get(year=2027).loaded_by is not None
    event = AuditEvent.objects.get(action="calendar.year_loaded")
    assert event.actor_label == "root"
    html = page(root_client, reverse(CHANGELIST))
    assert "2027年：载入 11 个放假日" in html  # the success message
    stored = CalendarYear.objects.get(year=2027)
    html = page(root_client, reverse("admin:workdays_calendaryear_change", args=[stored.pk]))
    assert "2027-02-20" in html and "测试〔2026〕1号" in html


def test_pasted_text_previews_the_change_against_the_builtin_year(root_client: Client) -> None:
    html = page(root_client, reverse(LOAD), {"source": "更正", "text": csv_2026_corrected()})
    assert "替换内置日历：新增 1 项、移除 1 项" in html
    assert "calendar-added" in html and "calendar-removed" in html


def test_a_bad_file_shows_every_error_with_its_line(root_client: Client) -> None:
    text = "date,type,name\n2027-01-04,workday,元旦\n2027-02-30,holiday,春节\n"
    html = page(root_client, reverse(LOAD), {"source": "x", "text": text})
    assert "第2行：2027-01-04 是星期一" in html
    assert "第3行：日期“2027-02-30”不存在。" in html
    assert "确认载入" not in html
    html = page(root_client, reverse(LOAD), {"source": "x", "text": ""})
    assert "请上传 CSV 文件或粘贴 CSV 内容" in html
    gbk = SimpleUploadedFile("gbk.csv", "date,type,name\n".encode("gbk") + "元旦".encode("gbk"))
    html = page(root_client, reverse(LOAD), {"source": "x", "file": gbk})
    assert "不是 UTF-8 编码" in html
    assert not CalendarYear.objects.exists()


def test_a_failing_receiver_shows_an_error_and_loads_nothing(root_client: Client) -> None:
    def receiver(**kwargs: Any) -> None:
        raise CalendarNotLoaded(2028)

    calendar_changed.connect(receiver, dispatch_uid="test-admin-fails")
    try:
        html = page(root_client, reverse(LOAD), {"source": "x", "text": CSV_2027, "confirm": "1"})
    finally:
        calendar_changed.disconnect(dispatch_uid="test-admin-fails")
    assert "2028年的工作日历尚未载入" in html
    assert not CalendarYear.objects.exists()


def test_deleting_in_the_admin_goes_through_the_service(root_client: Client) -> None:
    load_calendar(actor=None, rows=parse_calendar_csv(CSV_2027), source="x")
    stored = CalendarYear.objects.get(year=2027)
    url = reverse("admin:workdays_calendaryear_delete", args=[stored.pk])
    assert "确定" in page(root_client, url) or "sure" in page(root_client, url)
    response = root_client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not CalendarYear.objects.exists()
    assert AuditEvent.objects.filter(action="calendar.year_deleted").count() == 1


def test_only_superusers_and_administrators_get_in(tree: Tree) -> None:
    client = Client()
    staff = make_user("staff", is_staff=True)
    add_membership(actor=None, user=staff, agency=tree.city, role=Role.SUPERVISOR)
    client.force_login(staff)
    assert client.get(reverse(LOAD)).status_code == 403
    assert client.get(reverse(CHANGELIST)).status_code == 403
    assert client.get(reverse("admin:workdays_calendaryear_show", args=[2026])).status_code == 403
    assert client.post(reverse(LOAD), {"source": "x", "text": CSV_2027, "confirm": "1"}).status_code == 403
    assert not CalendarYear.objects.exists()

    # A township's administrator may not change the calendar of the whole site either.
    add_membership(actor=None, user=staff, agency=tree.town_b1, role=Role.ADMINISTRATOR)
    client = Client()
    client.force_login(staff)
    assert client.get(reverse(CHANGELIST)).status_code == 403
    assert client.post(reverse(LOAD), {"source": "x", "text": CSV_2027, "confirm": "1"}).status_code == 403
    assert not CalendarYear.objects.exists()


def test_csrf_is_enforced(db: None) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("root", is_superuser=True, is_staff=True))
    response = client.post(reverse(LOAD), {"source": "x", "text": CSV_2027, "confirm": "1"})
    assert response.status_code == 403
    assert not CalendarYear.objects.exists()
    html = page(client, reverse(LOAD))
    assert "csrfmiddlewaretoken" in html
