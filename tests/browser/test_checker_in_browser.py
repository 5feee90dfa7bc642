"""The 年报检查 page driven in Debian's Chromium (headless), as a person would use it."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from tests.browser.chromium import ARGS, CHROMIUM, NEEDS_CHROMIUM
from tests.checker.test_web import SEED_2021, seed_with_identity_error

pytestmark = [NEEDS_CHROMIUM]


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


@pytest.mark.django_db(transaction=True)
def test_upload_a_report_and_follow_a_finding_to_its_cell(
    page: Page, live_server: Any, tmp_path: Path
) -> None:
    broken = tmp_path / "某镇2021年报告.txt"
    broken.write_bytes(seed_with_identity_error())
    page.goto(f"{live_server.url}/check/")
    expect(page.get_by_role("heading", name="年报检查")).to_be_visible()
    page.get_by_label("年度报告文件").set_input_files([str(broken), str(SEED_2021)])
    page.get_by_role("button", name="开始检查").click()

    expect(page.get_by_role("heading", name="检查结果")).to_be_visible()
    # Both reports are shown; the broken one has its 总计 cell of 一、本年新收 marked as an error.
    assert page.get_by_text("某镇2021年报告.txt").count() >= 1
    cell = page.locator("#r1-section3-new_received-total")
    expect(cell).to_have_class("num finding-error")
    expect(cell).to_have_attribute("title", re.compile("总计"))
    # The finding in the list links to the cell; following it scrolls the cell into view.
    page.locator('a[href="#r1-section3-new_received-total"]').first.click()
    assert page.url.endswith("#r1-section3-new_received-total")
    expect(cell).to_be_in_viewport()


@pytest.mark.django_db(transaction=True)
def test_a_picture_is_refused_with_a_chinese_message(page: Page, live_server: Any, tmp_path: Path) -> None:
    picture = tmp_path / "扫描件.png"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(64))
    page.goto(f"{live_server.url}/check/")
    page.get_by_label("年度报告文件").set_input_files(str(picture))
    page.get_by_role("button", name="开始检查").click()
    expect(page.get_by_text("扫描件.png").first).to_be_visible()
    assert "500" not in page.title()
    body = page.locator("body").inner_text()
    assert "图片" in body or "不支持" in body
