"""Login security in Debian's Chromium (issue 12's "done when"): ten wrong passwords then the right one do
not log in, on the site's login page and on the admin's; the lockout page says so in Chinese; a superuser
who must use a second factor cannot reach the admin without a TOTP code, and can with one."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Browser, Page, expect

from tests.browser.chromium import NEEDS_CHROMIUM

pytestmark = [NEEDS_CHROMIUM, pytest.mark.django_db(transaction=True)]
PASSWORD = "Login-Security-2026"


@pytest.fixture
def root() -> User:
    return User.objects.create_superuser("root", email="root@example.org", password=PASSWORD)


def new_page(browser: Browser) -> tuple[Page, list[str]]:
    """A fresh browser context, and the policy violations its console logs (a blocked script or style)."""
    page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on(
        "console",
        lambda message: (
            errors.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    return page, errors


def submit_login(page: Page, password: str) -> None:
    page.locator("#id_username").fill("root")
    page.locator("#id_password").fill(password)
    page.locator("#id_password").press("Enter")
    page.wait_for_load_state()


@pytest.mark.parametrize("login_path", ["/accounts/login/", "/admin/login/"])
def test_ten_wrong_passwords_then_the_right_one_do_not_log_in(
    browser: Browser, live_server: Any, root: User, login_path: str
) -> None:
    page, _errors = new_page(browser)
    for _attempt in range(10):
        page.goto(f"{live_server.url}{login_path}")
        submit_login(page, "wrong-password")
    page.goto(f"{live_server.url}{login_path}")
    submit_login(page, PASSWORD)
    expect(page.get_by_role("heading", name="登录已暂时锁定")).to_be_visible()
    expect(page.get_by_text("连续 5 次登录失败")).to_be_visible()
    expect(page.get_by_text("请联系本机关的管理员")).to_be_visible()
    # Not logged in: the admin still asks for a login.
    page.goto(f"{live_server.url}/admin/")
    expect(page).to_have_url(f"{live_server.url}/admin/login/?next=/admin/")


def test_a_superuser_reaches_the_admin_only_with_a_totp_code(
    browser: Browser, live_server: Any, root: User, settings: Any
) -> None:
    settings.GONGKAI_REQUIRE_2FA = True
    device = TOTPDevice.objects.create(user=root, name="手机", confirmed=True)
    page, errors = new_page(browser)
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    submit_login(page, PASSWORD)
    # The password alone leads to the verify step, not to the admin ...
    expect(page.get_by_role("heading", name="双因素验证")).to_be_visible()
    page.goto(f"{live_server.url}/admin/")
    expect(page.get_by_role("heading", name="双因素验证")).to_be_visible()
    page.goto(f"{live_server.url}/admin/auth/user/")
    expect(page.get_by_role("heading", name="双因素验证")).to_be_visible()
    # ... and the code from the authenticator opens it.
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    page.get_by_label("验证码或恢复码").fill(code)
    page.get_by_role("button", name="验证").click()
    expect(page).to_have_url(f"{live_server.url}/admin/auth/user/")
    page.goto(f"{live_server.url}/admin/")
    expect(page.get_by_role("heading", name="站点管理")).to_be_visible()
    assert errors == []


def test_a_superuser_without_a_device_sets_one_up_first(
    browser: Browser, live_server: Any, root: User, settings: Any
) -> None:
    settings.GONGKAI_REQUIRE_2FA = True
    page, errors = new_page(browser)
    page.goto(f"{live_server.url}/accounts/login/")
    submit_login(page, PASSWORD)
    expect(page.get_by_role("heading", name="设置双因素认证")).to_be_visible()
    page.get_by_role("button", name="添加身份验证器").click()
    expect(page.locator("figure.totp-qr svg")).to_be_visible()
    device = TOTPDevice.objects.get(user=root, confirmed=False)
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    page.get_by_label("身份验证器显示的 6 位验证码").fill(code)
    page.get_by_role("button", name="确认启用").click()
    expect(page).to_have_url(f"{live_server.url}/workbench/")  # where the login was going
    expect(page.get_by_text("身份验证器已启用")).to_be_visible()
    page.goto(f"{live_server.url}/admin/")
    expect(page.get_by_role("heading", name="站点管理")).to_be_visible()
    assert errors == []
