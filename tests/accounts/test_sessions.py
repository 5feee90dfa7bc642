"""Sessions end after GONGKAI_SESSION_IDLE_MINUTES without a request (a Chinese message on the login page)
and GONGKAI_SESSION_MAX_HOURS after login, whatever the activity; both audited as a logout with a reason."""

from __future__ import annotations

import datetime
from typing import Any

import time_machine
from django.contrib.auth.models import User
from django.test import Client

from gongkai.core.models import AuditEvent
from tests.accounts.conftest import log_in


def test_thirty_idle_minutes_end_the_session(officer: User, clock: time_machine.Traveller) -> None:
    client = Client()
    log_in(client, "xinxiyuan")
    for _step in range(4):  # active every 20 minutes for 80 minutes: stays in
        clock.shift(datetime.timedelta(minutes=20))
        assert client.get("/workbench/").status_code == 200
    clock.shift(datetime.timedelta(minutes=31))
    response = client.get("/cases/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/?next=%2Fcases%2F"
    page = client.get(response["Location"]).content.decode()
    assert "您已超过 30 分钟没有操作" in page
    assert client.get("/workbench/").status_code == 302
    event = AuditEvent.objects.filter(action="auth.logout").get()
    assert event.details["reason"] == "idle" and event.actor == officer


def test_the_idle_time_is_a_setting(officer: User, clock: time_machine.Traveller, settings: Any) -> None:
    settings.GONGKAI_SESSION_IDLE_MINUTES = 5
    client = Client()
    log_in(client, "xinxiyuan")
    clock.shift(datetime.timedelta(minutes=6))
    assert client.get("/workbench/").status_code == 302


def test_the_session_ends_after_its_maximum_age(
    officer: User, clock: time_machine.Traveller, settings: Any
) -> None:
    settings.SESSION_COOKIE_AGE = 2 * 3600
    client = Client()
    log_in(client, "xinxiyuan")
    for _step in range(4):  # 100 minutes of activity
        clock.shift(datetime.timedelta(minutes=25))
        assert client.get("/workbench/").status_code == 200
    clock.shift(datetime.timedelta(minutes=25))  # 125 minutes after login
    response = client.get("/workbench/")
    assert response.status_code == 302
    assert "登录已超过 2 小时" in client.get(response["Location"]).content.decode()
    assert AuditEvent.objects.get(action="auth.logout").details["reason"] == "max_age"


def test_a_user_logging_out_is_audited(officer: User, clock: Any) -> None:
    client = Client()
    log_in(client, "xinxiyuan")
    client.post("/accounts/logout/")
    event = AuditEvent.objects.get(action="auth.logout")
    assert event.details["reason"] == "user" and event.details["address"] == "127.0.0.1"
