"""Two-factor login (django-otp): TOTP confirmed by one code, recovery codes, the verify step after the
password, required of superusers and every role that reveals applicants' data when GONGKAI_REQUIRE_2FA is on;
every change, use and failure audited."""

from __future__ import annotations

import datetime
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from gongkai.agencies.models import Role
from gongkai.agencies.services import add_membership
from gongkai.core.models import AuditEvent
from tests.accounts.conftest import PASSWORD, code_of, confirmed_device, log_in, person
from tests.conftest import Tree

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def required(settings: Any) -> None:
    settings.GONGKAI_REQUIRE_2FA = True


def _actions() -> list[str]:
    return list(
        AuditEvent.objects.filter(action__startswith="two_factor.")
        .order_by("id")
        .values_list("action", flat=True)
    )


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- Who must ------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/workbench/", "/admin/", "/cases/", "/audit/"])
def test_a_superuser_without_a_device_reaches_only_the_set_up(
    superuser: User, required: None, path: str
) -> None:
    response = _signed_in(superuser).get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/setup/?next=")


def test_staff_who_see_applicants_must_and_a_supervisor_need_not(
    tree: Tree, officer: User, required: None
) -> None:
    assert _signed_in(officer).get("/workbench/")["Location"].startswith("/accounts/2fa/setup/")
    supervisor = User.objects.create_user("zhengwu")
    add_membership(actor=None, user=supervisor, agency=tree.city, role=Role.SUPERVISOR)
    assert _signed_in(supervisor).get("/workbench/").status_code == 200


def test_with_a_device_the_verify_step_is_asked_and_only_logout_stays_open(
    officer: User, required: None, clock: Any
) -> None:
    confirmed_device(officer)
    client = _signed_in(officer)
    assert client.get("/cases/")["Location"] == "/accounts/2fa/verify/?next=%2Fcases%2F"
    # Not even a new device can be added with the password alone.
    assert client.post("/accounts/2fa/setup/", {"name": "attacker"}).status_code == 403
    assert TOTPDevice.objects.filter(user=officer).count() == 1
    assert client.post("/accounts/logout/").status_code == 302


def test_not_required_and_no_device_nothing_is_asked(officer: User) -> None:
    assert _signed_in(officer).get("/workbench/").status_code == 200


def test_a_device_set_up_by_choice_is_asked_for_even_when_not_required(officer: User, clock: Any) -> None:
    confirmed_device(officer)
    assert _signed_in(officer).get("/workbench/")["Location"].startswith("/accounts/2fa/verify/")


@pytest.mark.parametrize(("debug", "expected"), [("false", True), ("true", False)])
def test_required_by_default_in_production_and_not_in_the_demo(debug: str, expected: bool) -> None:
    code = "from django.conf import settings; print(settings.GONGKAI_REQUIRE_2FA)"
    env = {
        "DJANGO_SETTINGS_MODULE": "gongkai.settings",
        "SECRET_KEY": "x",
        "GONGKAI_DEBUG": debug,
        # Production refuses to start without the personal-data key (tests/settings.py sets a test one).
        "GONGKAI_DATA_KEYS": os.environ["GONGKAI_DATA_KEYS"],
        "PATH": "",
    }
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(expected)


# --- Setting up --------------------------------------------------------------------------------


def test_set_up_with_a_qr_code_confirmed_by_one_code(officer: User, required: None, clock: Any) -> None:
    client = _signed_in(officer)
    start = client.post("/accounts/2fa/setup/?next=/cases/", {"name": "我的手机"})
    assert start.status_code == 302
    device = TOTPDevice.objects.get(user=officer)
    assert not device.confirmed and device.name == "我的手机"
    page = client.get(start["Location"])
    html = page.content.decode()
    assert page["Cache-Control"] == "private, no-store"
    assert "<svg" in html and "<script" not in html and "style=" not in html
    secret = re.search(r'<code class="totp-secret">([A-Z2-7 ]+)</code>', html)
    assert secret is not None and len(secret.group(1).replace(" ", "")) == 32

    wrong = client.post(start["Location"], {"code": "000000" if code_of(device) != "000000" else "111111"})
    assert "验证码不正确" in wrong.content.decode()
    device.refresh_from_db()
    assert not device.confirmed

    clock.shift(datetime.timedelta(seconds=31))  # a new code (django-otp refuses a replayed one)
    right = client.post(start["Location"], {"code": code_of(device)})
    assert right.status_code == 302 and right["Location"] == "/cases/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/cases/").status_code == 200  # this session counts as verified
    assert _actions() == ["two_factor.failed", "two_factor.totp_added"]


# --- Logging in ----------------------------------------------------------------------------------


def test_password_then_code(officer: User, required: None, clock: time_machine.Traveller) -> None:
    device = confirmed_device(officer)
    client = Client()
    response = log_in(client, "xinxiyuan")
    assert response.status_code == 302
    verify = client.get(response["Location"])
    assert verify.status_code == 302 and verify["Location"].startswith("/accounts/2fa/verify/")
    page = client.get(verify["Location"])
    assert "双因素验证" in page.content.decode()
    assert "请联系本机关的管理员或安全管理员重置双因素认证" in page.content.decode()  # who resets it
    bad = client.post("/accounts/2fa/verify/", {"code": "12345x", "next": "/workbench/"})
    assert "验证码不正确" in bad.content.decode()
    clock.shift(datetime.timedelta(seconds=2))  # django-otp's throttle: one second after one failure
    ok = client.post("/accounts/2fa/verify/", {"code": code_of(device), "next": "/workbench/"})
    assert ok.status_code == 302 and ok["Location"] == "/workbench/"
    assert client.get("/workbench/").status_code == 200
    assert _actions() == ["two_factor.failed", "two_factor.verified"]


def test_the_verify_step_sends_nowhere_outside(officer: User, clock: Any) -> None:
    device = confirmed_device(officer)
    client = _signed_in(officer)
    ok = client.post("/accounts/2fa/verify/", {"code": code_of(device), "next": "https://evil.example/"})
    assert ok["Location"] == "/workbench/"


def test_recovery_codes_work_once_each(officer: User, required: None, clock: time_machine.Traveller) -> None:
    device = confirmed_device(officer)
    client = _signed_in(officer)
    client.post("/accounts/2fa/verify/", {"code": code_of(device)})
    refused = client.post("/accounts/2fa/recovery-codes/", {"password": "nope"}, follow=True)
    assert "密码不正确" in refused.content.decode() and not StaticDevice.objects.exists()
    page = client.post("/accounts/2fa/recovery-codes/", {"password": PASSWORD})
    assert page["Cache-Control"] == "private, no-store"
    codes = re.findall(r"<li><code>([a-z0-9]+)</code></li>", page.content.decode())
    assert len(codes) == 10 and len(set(codes)) == 10
    assert "之前的恢复码已全部作废" not in page.content.decode()  # there were none before

    other = _signed_in(officer)
    used = other.post("/accounts/2fa/verify/", {"code": codes[0]})
    assert used.status_code == 302 and other.get("/workbench/").status_code == 200

    third = _signed_in(officer)
    again = third.post("/accounts/2fa/verify/", {"code": codes[0]})
    assert again.status_code == 200 and "验证码不正确" in again.content.decode()
    assert StaticDevice.objects.get(user=officer).token_set.count() == 9
    renewed = other.post("/accounts/2fa/recovery-codes/", {"password": PASSWORD}).content.decode()
    assert "之前的恢复码已全部作废" in renewed
    event = AuditEvent.objects.get(action="two_factor.recovery_code_used")
    assert event.details == {"codes_left": 9}
    assert codes[0] not in json.dumps(list(AuditEvent.objects.values_list("details", flat=True)))
    assert _actions() == [
        "two_factor.verified",
        "two_factor.recovery_codes_generated",
        "two_factor.recovery_code_used",
        "two_factor.failed",
        "two_factor.recovery_codes_generated",
    ]


def test_recovery_codes_need_a_verified_session(officer: User, required: None, clock: Any) -> None:
    confirmed_device(officer)
    response = _signed_in(officer).post("/accounts/2fa/recovery-codes/", {"password": PASSWORD})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/2fa/verify/")
    assert not StaticDevice.objects.exists()


# --- One's own page -------------------------------------------------------------------------------


def test_removing_a_device_asks_for_the_password(officer: User, clock: Any) -> None:
    device = confirmed_device(officer)
    client = _signed_in(officer)
    client.post("/accounts/2fa/verify/", {"code": code_of(device)})
    page = client.get("/accounts/security/").content.decode()
    assert "手机" in page and "请再次输入登录密码" in page
    wrong = client.post(
        "/accounts/2fa/remove/", {"kind": "totp", "pk": device.pk, "password": "nope"}, follow=True
    )
    assert "密码不正确" in wrong.content.decode() and TOTPDevice.objects.filter(pk=device.pk).exists()
    client.post("/accounts/2fa/remove/", {"kind": "totp", "pk": device.pk, "password": PASSWORD})
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    event = AuditEvent.objects.get(action="two_factor.device_removed")
    assert event.details == {"kind": "totp", "device": "手机"}


def test_one_cannot_remove_someone_elses_device(officer: User, superuser: User, clock: Any) -> None:
    theirs = confirmed_device(superuser)
    client = _signed_in(officer)
    response = client.post(
        "/accounts/2fa/remove/", {"kind": "totp", "pk": theirs.pk, "password": PASSWORD}, follow=True
    )
    assert "没有这个设备" in response.content.decode()
    assert TOTPDevice.objects.filter(pk=theirs.pk).exists()


def test_the_navigation_links_to_the_account_page(officer: User) -> None:
    assert 'href="/accounts/security/"' in _signed_in(officer).get("/workbench/").content.decode()


# --- The administrator's reset ----------------------------------------------------------------------


def test_the_agency_admin_resets_a_colleagues_second_factor(
    tree: Tree, officer: User, admin_of_finance: User, required: None, clock: Any
) -> None:
    confirmed_device(officer)
    StaticDevice.objects.create(user=officer, name="recovery", confirmed=True)
    admin_device = confirmed_device(admin_of_finance)
    admin = _signed_in(admin_of_finance)
    admin.post("/accounts/2fa/verify/", {"code": code_of(admin_device)})
    member = f"/office/county-a-finance/people/{officer.pk}/"
    assert "重置双因素认证" in admin.get(member).content.decode()
    # Irreversible: the member page links to a confirmation, which removes nothing by itself.
    assert f'href="{member}reset-2fa/"' in admin.get(member).content.decode()
    confirm = admin.get(member + "reset-2fa/")
    assert confirm.status_code == 200 and "确定重置王芳的双因素认证吗" in confirm.content.decode()
    assert TOTPDevice.objects.filter(user=officer).exists()
    assert admin.post(member + "reset-2fa/").status_code == 302
    assert not TOTPDevice.objects.filter(user=officer).exists()
    assert not StaticDevice.objects.filter(user=officer).exists()
    event = AuditEvent.objects.get(action="two_factor.reset")
    assert event.actor == admin_of_finance and event.agency == tree.county_a_finance
    assert event.object_id == str(officer.pk) and event.details == {"devices": 2}
    # At the next login the colleague sets up a new authenticator.
    assert _signed_in(officer).get("/workbench/")["Location"].startswith("/accounts/2fa/setup/")


def test_a_colleague_cannot_reset_anothers_second_factor(tree: Tree, officer: User, clock: Any) -> None:
    device = confirmed_device(officer)
    colleague = person("tongshi")
    add_membership(actor=None, user=colleague, agency=tree.county_a_finance, role=Role.REVIEWER)
    client = _signed_in(colleague)
    assert client.post(f"/office/county-a-finance/people/{officer.pk}/reset-2fa/").status_code in (403, 404)
    assert client.get(f"/office/county-a-finance/people/{officer.pk}/reset-2fa/").status_code in (403, 404)
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


def test_the_admin_site_offers_no_unaudited_device_pages(superuser: User) -> None:
    client = _signed_in(superuser)
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 404
    assert client.get("/admin/otp_static/staticdevice/").status_code == 404
    assert client.get("/admin/").status_code == 200


def test_the_audit_log_shows_the_login_events(superuser: User, officer: User, clock: Any) -> None:
    log_in(Client(), "xinxiyuan", "wrong")
    device = confirmed_device(officer)
    client = _signed_in(officer)
    client.post("/accounts/2fa/verify/", {"code": code_of(device)})
    page = _signed_in(superuser).get("/audit/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "登录失败" in html and "通过双因素验证" in html


def test_a_second_authenticator_asks_for_the_password(officer: User, clock: Any) -> None:
    device = confirmed_device(officer)
    client = _signed_in(officer)
    client.post("/accounts/2fa/verify/", {"code": code_of(device)})
    refused = client.post("/accounts/2fa/setup/", {"name": "新手机", "password": "nope"})
    assert refused.status_code == 200 and "密码不正确" in refused.content.decode()
    assert TOTPDevice.objects.filter(user=officer).count() == 1
    added = client.post("/accounts/2fa/setup/", {"name": "新手机", "password": PASSWORD})
    assert added.status_code == 302
    assert TOTPDevice.objects.filter(user=officer, confirmed=False, name="新手机").exists()


def test_a_session_whose_devices_were_reset_meanwhile_goes_on_when_none_is_required(
    officer: User, clock: Any
) -> None:
    confirmed_device(officer)
    client = _signed_in(officer)
    assert client.get("/workbench/").status_code == 302  # asked for the code
    TOTPDevice.objects.filter(user=officer).delete()
    assert client.get("/workbench/").status_code == 200


def test_a_user_without_a_device_costs_no_device_query(officer: User) -> None:
    client = _signed_in(officer)
    client.get("/accounts/security/")
    with CaptureQueriesContext(connection) as captured:
        client.get("/workbench/")
    assert not any("otp_totp" in query["sql"] for query in captured.captured_queries)
