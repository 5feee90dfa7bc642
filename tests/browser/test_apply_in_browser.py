"""Applying online and following the application, driven in Debian's Chromium (headless)."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Page, expect, sync_playwright

from gongkai.applications.clock import fmt
from gongkai.workdays.store import current_calendar
from tests.applications.conftest import resident_id
from tests.browser.chromium import ARGS, CHROMIUM, NEEDS_CHROMIUM
from tests.conftest import Tree

pytestmark = [NEEDS_CHROMIUM]
#: "Today" for the site, pinned so that the due date lies in a year with a built-in calendar.
TODAY = datetime.date(2026, 6, 1)


@pytest.fixture
def page(monkeypatch: pytest.MonkeyPatch) -> Iterator[Page]:
    # Playwright's sync API runs an event loop in this thread; the live server thread does the DB work.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        finally:
            browser.close()


@pytest.fixture
def pinned_today(monkeypatch: pytest.MonkeyPatch) -> datetime.date:
    moment = datetime.datetime.combine(TODAY, datetime.time(15), tzinfo=ZoneInfo(settings.TIME_ZONE))
    monkeypatch.setattr(timezone, "now", lambda: moment.astimezone(datetime.UTC))
    return TODAY


@pytest.mark.django_db(transaction=True)
def test_apply_then_follow_the_application_with_the_code_and_secret(
    page: Page, live_server: Any, tree: Tree, pinned_today: datetime.date
) -> None:
    due = current_calendar().add_working_days(pinned_today, 20)
    page.goto(f"{live_server.url}/apply/")
    expect(page.get_by_role("heading", name="在线申请政府信息公开")).to_be_visible()
    page.get_by_label("受理机关").select_option(label="示范市人民政府 › 甲县人民政府 › 甲县财政局")
    page.get_by_label("申请人类型").select_option("natural_person")
    page.get_by_label("姓名或名称").fill("王五")
    page.get_by_label("身份证明类型").select_option("resident_id")
    page.get_by_label("证件号码").fill(resident_id(3))
    page.get_by_label("联系电话").fill("138 0013 8000")
    page.get_by_label("所需政府信息的描述").fill("甲县财政局2025年部门决算公开说明")
    page.get_by_label("获取信息的方式").select_option("online")
    page.get_by_label(re.compile("仅用于办理本次政府信息公开申请")).check()
    page.get_by_role("button", name="提交申请").click()

    expect(page.get_by_role("heading", name="申请已提交")).to_be_visible()
    code = page.locator("#tracking-code").inner_text().strip()
    secret = page.locator("#secret").inner_text().strip()
    assert re.fullmatch(r"[2-9A-Z]{4}(-[2-9A-Z]{4}){2}", code)
    assert re.fullmatch(r"[2-9A-Z]{4}(-[2-9A-Z]{4}){3}", secret)
    assert secret not in page.url
    expect(page.locator("#due-date")).to_have_text(fmt(due))
    expect(page.get_by_role("link", name="下载接收回执（Word 文件）")).to_be_visible()

    page.goto(f"{live_server.url}/apply/status/")
    page.get_by_label(re.compile("^查询码")).fill(code.lower())
    page.get_by_label(re.compile("^查询密码")).fill(secret.replace("-", " "))
    page.get_by_role("button", name="查询").click()

    expect(page.get_by_role("heading", name="申请办理进度")).to_be_visible()
    expect(page.locator("#state")).to_have_text("已收到申请，正在办理")
    expect(page.locator("#due-date")).to_have_text(fmt(due))
    expect(page.get_by_text("甲县财政局2025年部门决算公开说明")).to_be_visible()
    body = page.locator("body").inner_text()
    assert resident_id(3) not in body
    assert "13800138000" not in body

    page.get_by_role("button", name="退出查询").click()
    expect(page.get_by_role("heading", name="查询申请办理进度")).to_be_visible()
