"""Every kind of page under the site's Content-Security-Policy in Debian's Chromium (headless): public
pages (the checker and its result, the catalogue, the annual report, applying and the status page), the
staff's pages (workbench, case list and a case, the annual report editor, the audit log, the office's
staff page) and Django's admin (index, a change list, change forms). The test fails on any CSP violation
(Chromium's console "Refused to …" / "Content Security Policy" messages and ``securitypolicyviolation``
events) and on any script error (issue 12, "done when": CSP on every page, no violation in the browser).
"""

from __future__ import annotations

import datetime
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import Browser, ConsoleMessage, Page, Response, expect

from gongkai.agencies.models import Role
from gongkai.agencies.services import add_membership
from gongkai.applications.models import Application
from tests.annual.factories import draft, publish
from tests.applications.conftest import resident_id
from tests.browser.chromium import NEEDS_CHROMIUM
from tests.catalogue.public_factories import add_file, make_item
from tests.checker.test_web import SEED_2021
from tests.conftest import Tree

pytestmark = [NEEDS_CHROMIUM]
PASSWORD = "Csp-Browser-2026!"
TODAY = datetime.date(2026, 6, 1)
#: Collects ``securitypolicyviolation`` events of each document (Playwright's init scripts run outside the
#: page's CSP), read back after each page has loaded.
LISTEN = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  const where = `${e.sourceFile}:${e.lineNumber}`;
  window.__violations.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${where})`);
});
"""


class Watcher:
    """What went wrong on the pages one browser page visited."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.problems: list[str] = []
        page.add_init_script(LISTEN)
        page.on("console", self._console)
        page.on("response", self._response)
        page.on("pageerror", lambda error: self.problems.append(f"{page.url}: page error {error}"))

    def _console(self, message: ConsoleMessage) -> None:
        text = message.text
        # Failed loads are reported by _response with their URL (the console text has none).
        if text.startswith("Failed to load resource"):
            return
        if "Content Security Policy" in text or "Refused to" in text or message.type == "error":
            self.problems.append(f"{self.page.url}: console {message.type}: {text}")

    def _response(self, response: Response) -> None:
        # Chromium asks for /favicon.ico on its own; the site has none.
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            self.problems.append(f"{self.page.url}: {response.status} for {response.url}")

    def visit(self, url: str) -> None:
        response = self.page.goto(url)
        assert response is not None and response.status == 200, (url, response and response.status)
        self.check()

    def check(self) -> None:
        self.page.wait_for_load_state("load")
        assert self.page.evaluate("document.querySelectorAll('link[rel=stylesheet]').length") >= 1, (
            self.page.url
        )
        for violation in self.page.evaluate("window.__violations || []"):
            self.problems.append(f"{self.page.url}: {violation}")


@pytest.fixture
def pinned_today(monkeypatch: pytest.MonkeyPatch) -> datetime.date:
    moment = datetime.datetime.combine(TODAY, datetime.time(15), tzinfo=ZoneInfo(settings.TIME_ZONE))
    monkeypatch.setattr(timezone, "now", lambda: moment.astimezone(datetime.UTC))
    return TODAY


def new_page(browser: Browser) -> tuple[Page, Watcher]:
    page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
    page.set_default_timeout(15_000)
    return page, Watcher(page)


def public_pages(browser: Browser, base: str, tree: Tree) -> list[str]:
    agency = tree.county_a_finance
    entry = make_item(agency)
    add_file(entry)
    publish(agency, 2024, datetime.date(2025, 1, 20))
    page, watcher = new_page(browser)
    # The checker, and its result page (tables, findings, links to cells).
    watcher.visit(f"{base}/check/")
    page.get_by_label("年度报告文件").set_input_files([str(SEED_2021)])
    page.get_by_role("button", name="开始检查").click()
    expect(page.get_by_role("heading", name="检查结果")).to_be_visible()
    watcher.check()
    for path in (
        "/gk/",
        f"/gk/{agency.short_code}/",
        f"/gk/{agency.short_code}/items/{entry.pk}/",
        f"/gk/{agency.short_code}/reports/",
        f"/gk/{agency.short_code}/reports/2024/",
        "/deadline/",
        "/accounts/login/",
    ):
        watcher.visit(base + path)
    # Applying, the receipt page, then the status page with the code and the secret.
    watcher.visit(f"{base}/apply/")
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
    watcher.check()
    code = page.locator("#tracking-code").inner_text().strip()
    secret = page.locator("#secret").inner_text().strip()
    watcher.visit(f"{base}/apply/status/")
    page.get_by_label(re.compile("^查询码")).fill(code)
    page.get_by_label(re.compile("^查询密码")).fill(secret)
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_role("heading", name="申请办理进度")).to_be_visible()
    watcher.check()
    page.context.close()
    return watcher.problems


def staff_pages(browser: Browser, base: str, tree: Tree) -> list[str]:
    agency = tree.county_a_finance
    chief = User.objects.create_superuser("chief", password=PASSWORD, last_name="周", first_name="敏")
    for role in (Role.INFORMATION_OFFICER, Role.OFFICE_HEAD, Role.ADMINISTRATOR):
        add_membership(actor=None, user=chief, agency=agency, role=role)
    add_membership(actor=None, user=chief, agency=tree.county_a, role=Role.SUPERVISOR)
    draft(agency, 2025)
    case = Application.objects.get()
    page, watcher = new_page(browser)
    watcher.visit(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill("chief")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.get_by_role("heading", name=re.compile("工作台"))).to_be_visible()
    watcher.check()
    for path in (
        "/workbench/",
        "/notifications/",
        "/cases/",
        f"/cases/{case.pk}/",
        "/cases/new/",
        "/manage/catalogue/",
        "/reports/",
        f"/reports/{agency.short_code}/2025/",
        "/reports/supervise/",
        "/stats/",
        "/audit/",
        "/office/",
        f"/office/{agency.short_code}/",
        f"/office/{agency.short_code}/contact/",
        "/admin/",
        "/admin/auth/user/",
        f"/admin/auth/user/{chief.pk}/change/",
        "/admin/auth/user/add/",
        "/admin/letters/lettertemplate/",
        "/admin/letters/lettertemplate/add/",
        "/admin/workdays/calendaryear/",
    ):
        watcher.visit(base + path)
    # The admin's change form scripts run: the password widget and the permission selector are built.
    watcher.visit(f"{base}/admin/auth/user/{chief.pk}/change/")
    expect(page.locator("#id_user_permissions_from")).to_be_visible()
    page.context.close()
    return watcher.problems


@pytest.mark.django_db(transaction=True)
def test_no_page_violates_the_content_security_policy(
    browser: Browser, live_server: Any, tree: Tree, pinned_today: datetime.date
) -> None:
    problems = public_pages(browser, live_server.url, tree)
    problems += staff_pages(browser, live_server.url, tree)
    assert problems == []


@pytest.mark.django_db(transaction=True)
def test_the_watcher_sees_a_violation(browser: Browser, live_server: Any) -> None:
    """The test above can fail: a page that breaks the policy is reported."""
    page, watcher = new_page(browser)
    watcher.visit(f"{live_server.url}/")
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<img src=\"https://example.org/x.png\">')")
    page.wait_for_function("window.__violations.length > 0")
    watcher.check()
    assert any("img-src" in problem or "Refused to" in problem for problem in watcher.problems)
    page.context.close()
