"""The public deadline calculator page (/deadline/): a GET form, bookmarkable, writing nothing."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

PAGE = "/deadline/"


@pytest.mark.django_db
def test_the_empty_page_shows_the_form_without_errors(client: Client) -> None:
    response = client.get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    assert "答复期限计算" in html
    assert 'name="received"' in html and 'name="pause3_end"' in html
    assert "计算结果" not in html
    assert not response.context["form"].is_bound


@pytest.mark.django_db
def test_a_query_string_gives_the_result_with_its_explanation(client: Client) -> None:
    # 2026-02-10 in person -> 2026-03-16 (hand count in test_deadline_calculator.py).
    with CaptureQueriesContext(connection) as queries:
        response = client.get(PAGE + "?" + urlencode({"received": "2026-02-10", "channel": "in_person"}))
    assert response.status_code == 200
    html = response.content.decode()
    assert "计算结果" in html
    assert "2026年3月16日（星期一）" in html
    assert "春节" in html
    # The inputs stay in the form, so the page can be bookmarked and adjusted.
    assert 'value="2026-02-10"' in html
    # Nothing is written: no session, no rate events, no cases.
    writes = [q["sql"] for q in queries if re.match(r"\s*(INSERT|UPDATE|DELETE)", q["sql"], re.I)]
    assert writes == []
    assert "sessionid" not in response.cookies


@pytest.mark.django_db
def test_pauses_and_an_extension_from_the_query_string(client: Client) -> None:
    # Pauses (6/3, 6/5] and (6/4, 6/9] overlap: 4 working days; due 2026-07-06, extended 2026-08-03.
    query = {
        "received": "2026-06-01",
        "channel": "in_person",
        "pause1_start": "2026-06-03",
        "pause1_end": "2026-06-05",
        "pause2_start": "2026-06-04",
        "pause2_end": "2026-06-09",
        "extended": "on",
    }
    response = client.get(PAGE, query)
    result = response.context["result"]
    assert result["due_date"] == "2026-08-03"
    assert result["original_due_date"] == "2026-07-06"
    assert result["working_days"] == 40
    html = response.content.decode()
    assert "原答复期限" in html
    assert "2026年7月6日（星期一）" in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"received": "2026-02-30"}, "received", "日期格式不正确"),
        ({"received": ""}, "received", "请填写日期"),
        ({"received": "2026-03-02", "channel": "email"}, "confirmed", "请填写确认收到的日期"),
        ({"received": "2026-03-02", "channel": "nope"}, "channel", "请从列表中选择提交方式"),
        ({"received": "2026-03-02", "pause1_start": "2026-03-04"}, "pause1_end", "请填写这段暂停的结束日期"),
        (
            {"received": "2026-03-02", "pause2_start": "2026-03-09", "pause2_end": "2026-03-04"},
            "pause2_end",
            "结束日期不能早于开始日期",
        ),
        ({"received": "2026-03-02", "correction_requested": "2026-03-03"}, "correction_received", "收到补正"),
    ],
)
def test_bad_input_is_shown_on_its_field(
    client: Client, query: dict[str, str], field: str, message: str
) -> None:
    response = client.get(PAGE, query)
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors, form.errors
    assert message in " ".join(form.errors[field])
    assert response.context["result"] is None


@pytest.mark.django_db
def test_a_year_without_notice_gives_a_provisional_due_date_explained(client: Client) -> None:
    response = client.get(PAGE, {"received": "2026-12-10"})
    assert response.status_code == 200
    html = response.content.decode()
    # 20 working days skipping 元旦 2027 (Fri 1/1) on the provisional calendar (D17).
    assert "2027年1月8日" in html
    assert ">暂定</span>" in html
    assert "暂定：该期限按法定节假日推算（未含调休），国务院公布当年放假安排并载入后将自动重新计算。" in html


@pytest.mark.django_db
def test_a_year_beyond_the_provisional_calendar_is_explained(client: Client) -> None:
    response = client.get(PAGE, {"received": "2100-12-20"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "2100年的工作日历尚未载入" in html
    assert "计算结果" not in html
