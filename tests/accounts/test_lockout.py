"""Login failures lock the username and the address (django-axes, counted in the database): 5 failures,
15 minutes; the lock page in Chinese; the lock and the unlock in the audit log."""

from __future__ import annotations

import datetime
import json
from typing import Any

import time_machine
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client

from gongkai.agencies.models import Role
from gongkai.agencies.services import add_membership
from gongkai.core.models import AuditEvent
from tests.accounts.conftest import PASSWORD, log_in
from tests.conftest import Tree


def _fail(
    client: Client, username: str, times: int, path: str = "/accounts/login/", **extra: Any
) -> list[int]:
    return [log_in(client, username, "wrong-password", path=path, **extra).status_code for _ in range(times)]


def _logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_ten_wrong_passwords_then_the_right_one_do_not_log_in(officer: User, clock: Any) -> None:
    client = Client()
    codes = _fail(client, "xinxiyuan", 10)
    assert codes[:4] == [200] * 4 and set(codes[4:]) == {429}  # the 5th failure locks
    response = log_in(client, "xinxiyuan")
    assert response.status_code == 429 and not _logged_in(client)
    page = response.content.decode()
    assert "登录已暂时锁定" in page and "连续 5 次登录失败" in page
    assert "2026-06-01 10:15" in page  # when to try again: 15 minutes after the locking failure
    assert "本机关的管理员或安全管理员" in page  # who can unlock (三员分立: the 安全管理员 too)
    assert response["Retry-After"] == "900"


def test_the_admin_login_is_locked_too(superuser: User, clock: Any) -> None:
    client = Client()
    assert set(_fail(client, "root", 10, path="/admin/login/")[4:]) == {429}
    response = log_in(client, "root", path="/admin/login/")
    assert response.status_code == 429 and not _logged_in(client)
    assert "登录已暂时锁定" in response.content.decode()
    # The lock is on the username: the site's own login page refuses it as well.
    assert log_in(Client(), "root").status_code == 429


def test_the_lock_ends_after_the_configured_minutes(officer: User, clock: time_machine.Traveller) -> None:
    client = Client()
    _fail(client, "xinxiyuan", 5)
    clock.shift(datetime.timedelta(minutes=14))
    assert log_in(client, "xinxiyuan").status_code == 429
    clock.shift(datetime.timedelta(minutes=2))
    assert log_in(client, "xinxiyuan").status_code == 302 and _logged_in(client)


def test_limit_and_duration_are_settings(officer: User, clock: time_machine.Traveller, settings: Any) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=5)
    assert _fail(Client(), "xinxiyuan", 3) == [200, 200, 429]
    clock.shift(datetime.timedelta(minutes=6))
    assert log_in(Client(), "xinxiyuan").status_code == 302


def test_one_address_trying_many_usernames_is_locked(tree: Tree, officer: User, clock: Any) -> None:
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    for name in ("a1", "a2", "a3", "a4", "a5"):
        log_in(attacker, name, "guess")
    # The address is locked even for a real account whose own count is zero ...
    assert log_in(attacker, "xinxiyuan").status_code == 429
    # ... while the officer, from her own address, logs in.
    assert log_in(Client(REMOTE_ADDR="198.51.100.7"), "xinxiyuan").status_code == 302


def test_locking_by_address_can_be_turned_off(tree: Tree, officer: User, clock: Any, settings: Any) -> None:
    settings.AXES_LOCKOUT_PARAMETERS = ["username"]  # GONGKAI_LOGIN_LOCK_BY_ADDRESS=false
    office = Client(REMOTE_ADDR="203.0.113.9")
    for name in ("a1", "a2", "a3", "a4", "a5"):
        log_in(office, name, "guess")
    assert log_in(office, "xinxiyuan").status_code == 302
    # The username is still locked, whatever the addresses its failures come from.
    for n in range(5):
        log_in(Client(REMOTE_ADDR=f"198.51.100.{n}"), "xinxiyuan", "guess")
    assert log_in(Client(REMOTE_ADDR="198.51.100.99"), "xinxiyuan").status_code == 429


def test_the_address_is_read_behind_the_trusted_proxy(officer: User, clock: Any, settings: Any) -> None:
    settings.GONGKAI_TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.1"
    attacker = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="203.0.113.9")
    for name in ("a1", "a2", "a3", "a4", "a5"):
        log_in(attacker, name, "guess")
    # Another client behind the same proxy is not locked with the attacker.
    colleague = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert log_in(colleague, "xinxiyuan").status_code == 302
    locks = AuditEvent.objects.filter(action="auth.locked_out")
    assert [e.details["address"] for e in locks] == ["203.0.113.9"]


def test_failures_logins_and_the_lock_are_audited_without_the_password(officer: User, clock: Any) -> None:
    client = Client()
    log_in(client, "xinxiyuan", "Secret-Typo-1")
    log_in(client, "xinxiyuan")
    client.post("/accounts/logout/")
    _fail(client, "xinxiyuan", 6)
    actions = list(
        AuditEvent.objects.filter(action__startswith="auth.").order_by("id").values_list("action", flat=True)
    )
    # The first failure still counts after the login (a success does not wipe the count): the 4th failure
    # after it is the 5th, and locks; axes says so before the failure itself is recorded.
    assert actions == (
        ["auth.login_failed", "auth.login", "auth.logout"]
        + ["auth.login_failed"] * 3
        + ["auth.locked_out"]
        + ["auth.login_failed"] * 3
    )
    failed = AuditEvent.objects.filter(action="auth.login_failed").order_by("id")
    assert {e.details["username"] for e in failed} == {"xinxiyuan"}
    assert [e.details["during_lock"] for e in failed] == [False] * 5 + [True] * 2
    assert all(e.object_id == str(officer.pk) and e.actor is None for e in failed)
    lock = AuditEvent.objects.get(action="auth.locked_out")
    assert lock.details["failures"] == 5 and lock.details["minutes"] == 15
    everything = json.dumps(list(AuditEvent.objects.values_list("details", flat=True)), ensure_ascii=False)
    assert (
        "Secret-Typo-1" not in everything
        and "wrong-password" not in everything
        and PASSWORD not in everything
    )


def test_an_unknown_username_is_audited_as_typed(db: None, clock: Any) -> None:
    log_in(Client(), "nobody-here", "x")
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert event.details["username"] == "nobody-here" and event.object_id == ""


def test_the_agency_admin_unlocks_a_colleague(
    tree: Tree, officer: User, admin_of_finance: User, clock: Any
) -> None:
    _fail(Client(), "xinxiyuan", 5)
    admin = Client()
    admin.force_login(admin_of_finance)
    page = admin.get(f"/office/county-a-finance/people/{officer.pk}/").content.decode()
    assert "因多次输错密码已锁定" in page and "解除登录锁定" in page
    response = admin.post(f"/office/county-a-finance/people/{officer.pk}/unlock/")
    assert response.status_code == 302
    assert log_in(Client(), "xinxiyuan").status_code == 302
    event = AuditEvent.objects.get(action="auth.unlocked")
    assert event.actor == admin_of_finance and event.agency == tree.county_a_finance
    assert event.object_id == str(officer.pk) and event.details["attempts_removed"] == 1


def test_another_agencys_admin_cannot_unlock(tree: Tree, officer: User, clock: Any) -> None:
    stranger = User.objects.create_user("other-admin")
    add_membership(actor=None, user=stranger, agency=tree.county_b, role=Role.ADMINISTRATOR)
    _fail(Client(), "xinxiyuan", 5)
    client = Client()
    client.force_login(stranger)
    assert client.post(f"/office/county-a-finance/people/{officer.pk}/unlock/").status_code == 404
    assert client.post(f"/office/county-b/people/{officer.pk}/unlock/").status_code == 404
    assert log_in(Client(), "xinxiyuan").status_code == 429
    assert not AuditEvent.objects.filter(action="auth.unlocked").exists()


def test_the_unlock_command(officer: User, clock: Any) -> None:
    _fail(Client(REMOTE_ADDR="203.0.113.9"), "xinxiyuan", 5)
    call_command("unlock", "xinxiyuan", "--address", "203.0.113.9")
    assert log_in(Client(REMOTE_ADDR="203.0.113.9"), "xinxiyuan").status_code == 302
    events = AuditEvent.objects.filter(action="auth.unlocked").order_by("id")
    assert [(e.actor, e.details.get("address"), e.details.get("username")) for e in events] == [
        (None, "203.0.113.9", None),
        (None, None, "xinxiyuan"),
    ]


def test_the_security_administrator_above_unlocks_but_administers_nothing(
    tree: Tree, officer: User, clock: Any
) -> None:
    """三员分立: the 安全管理员 of 甲县 unlocks a login at 甲县财政局 (below it), sees
    no other page's write controls there, and reaches nothing outside its subtree."""
    security = User.objects.create_user("anquan")
    add_membership(actor=None, user=security, agency=tree.county_a, role=Role.SECURITY_ADMINISTRATOR)
    _fail(Client(), "xinxiyuan", 5)
    client = Client()
    client.force_login(security)
    page = client.get(f"/office/county-a-finance/people/{officer.pk}/").content.decode()
    assert "解除登录锁定" in page
    assert "停用（调离或离职）" not in page and "发送重置密码链接" not in page  # the system administrator's
    assert "（只读）" in page and "政务公开办" not in page  # not labelled as the supervising office
    assert client.post(f"/office/county-a-finance/people/{officer.pk}/unlock/").status_code == 302
    assert log_in(Client(), "xinxiyuan").status_code == 302
    assert AuditEvent.objects.get(action="auth.unlocked").actor == security
    # Granting roles stays the 管理员's.
    response = client.post(f"/office/county-a-finance/people/{officer.pk}/", {"role": Role.REVIEWER.value})
    assert response.status_code == 403
    # Outside its subtree: not even the staff list.
    assert client.get("/office/county-b/").status_code == 404


def test_a_security_administrator_elsewhere_cannot_unlock(tree: Tree, officer: User, clock: Any) -> None:
    security = User.objects.create_user("anquan-b")
    add_membership(actor=None, user=security, agency=tree.county_b, role=Role.SECURITY_ADMINISTRATOR)
    _fail(Client(), "xinxiyuan", 5)
    client = Client()
    client.force_login(security)
    assert client.post(f"/office/county-a-finance/people/{officer.pk}/unlock/").status_code == 404
    assert log_in(Client(), "xinxiyuan").status_code == 429


def test_a_request_without_a_valid_address_is_locked_by_username_only(
    officer: User, clock: Any, settings: Any
) -> None:
    """A request whose address is no IP address (a forwarded header of rubbish, a unix socket) is never
    stored as one — PostgreSQL refuses that — and its failures still lock the username."""
    settings.GONGKAI_TRUSTED_PROXY_COUNT = 1
    client = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="not-an-address")
    assert set(_fail(client, "xinxiyuan", 6)[5:]) == {429}
    assert log_in(Client(), "xinxiyuan").status_code == 429
    signed_in = Client()
    signed_in.force_login(officer)  # a session opened with no request address at all
    assert signed_in.get("/workbench/").status_code in (200, 302)
