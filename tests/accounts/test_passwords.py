"""The password policy (length, character classes, no reuse of the last N, optional expiry), changing one's
own password (other sessions end), and the reset by e-mail and by the agency admin."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
import time_machine
from django.contrib.auth import password_validation
from django.contrib.auth.models import User
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation

from gongkai.accounts.models import PasswordHistory
from gongkai.core.models import AuditEvent
from gongkai.office.services import set_password_path
from tests.accounts.conftest import PASSWORD, log_in, person
from tests.conftest import Tree


def _errors(password: str, user: User | None = None) -> list[str]:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        return [str(e.code) for e in exc.error_list]
    return []


# --- Policy ------------------------------------------------------------------------------------------


def test_length_and_character_classes(db: None) -> None:
    assert "password_too_short" in _errors("Ab1!xyz")  # 7 < 10
    assert "password_too_simple" in _errors("abcdefghijk1")  # lower + digit: 2 classes
    assert _errors("Abcdefghij1") == []  # upper + lower + digit
    assert _errors("gongkai-2026-zfxx") == []  # lower + symbol + digit


def test_the_rules_follow_the_settings(db: None, settings: Any) -> None:
    settings.AUTH_PASSWORD_VALIDATORS = [
        {
            "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
            "OPTIONS": {"min_length": 14},
        },
        {"NAME": "gongkai.accounts.validators.CharacterClassesValidator", "OPTIONS": {"min_classes": 4}},
    ]
    password_validation.get_default_password_validators.cache_clear()  # type: ignore[attr-defined]
    try:
        assert set(_errors("Abcdefghij1")) == {"password_too_short", "password_too_simple"}
        assert _errors("Abcdefghij1!xyz") == []
    finally:
        password_validation.get_default_password_validators.cache_clear()  # type: ignore[attr-defined]


def test_the_messages_are_chinese(db: None) -> None:
    with pytest.raises(ValidationError) as caught:
        password_validation.validate_password("abcdefghijk1")
    assert "密码须包含大写字母、小写字母、数字和符号中的至少 3 类" in " ".join(caught.value.messages)


def test_the_length_message_is_chinese_too(db: None) -> None:
    # Django 5.2's own Chinese catalogue misses its new "too short" msgid: the message came out in English.
    with pytest.raises(ValidationError) as caught:
        password_validation.validate_password("Ab1!xyz")
    message = " ".join(caught.value.messages)
    assert "密码太短，至少需要 10 个字符" in message
    assert "short" not in message
    assert "密码至少需要 10 个字符" in " ".join(password_validation.password_validators_help_texts())
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        password_validation.validate_password("Ab1!xyz")
    assert "at least 10 characters" in " ".join(caught.value.messages)


def test_none_of_the_last_five_passwords_again(db: None) -> None:
    user = person("chongfu")
    passwords = [PASSWORD] + [f"New-Password-{n}" for n in range(1, 6)]
    for new in passwords[1:]:
        user.set_password(new)
        user.save()
    assert PasswordHistory.objects.filter(user=user).count() == 5
    # The last five (the current one included) are refused; the sixth back is allowed again.
    for old in passwords[1:]:
        assert "password_reused" in _errors(old, user), old
    assert "password_reused" not in _errors(PASSWORD, user)


# --- Changing one's own -------------------------------------------------------------------------------


def test_change_ends_other_sessions_and_keeps_this_one(officer: User) -> None:
    here, elsewhere = Client(), Client()
    log_in(here, "xinxiyuan")
    log_in(elsewhere, "xinxiyuan")
    page = here.get("/accounts/password_change/")
    assert page.status_code == 200 and "修改密码" in page.content.decode()
    refused = here.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": "abcdefghijk1", "new_password2": "abcdefghijk1"},
    )
    assert "至少 3 类" in refused.content.decode()
    done = here.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": "Brand-New-2026", "new_password2": "Brand-New-2026"},
    )
    assert done["Location"] == "/accounts/password_change/done/"
    assert here.get("/workbench/").status_code == 200
    assert elsewhere.get("/workbench/").status_code == 302  # logged out
    event = AuditEvent.objects.get(action="account.password_changed")
    assert event.actor == officer and event.details == {"via": "self"}


def test_the_change_page_is_linked_from_the_account_page(officer: User) -> None:
    client = Client()
    client.force_login(officer)
    assert 'href="/accounts/password_change/"' in client.get("/accounts/security/").content.decode()


def test_an_expired_password_must_be_changed_first(officer: User, settings: Any) -> None:
    settings.GONGKAI_PASSWORD_MAX_AGE_DAYS = 90
    with time_machine.travel(datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC), tick=False):
        officer.set_password(PASSWORD)
        officer.save()  # kept in the history, with the day it was set
    with time_machine.travel(datetime.datetime(2026, 3, 31, tzinfo=datetime.UTC), tick=False):  # 89 days
        client = Client()
        client.force_login(officer)
        assert client.get("/workbench/").status_code == 200
    with time_machine.travel(datetime.datetime(2026, 4, 2, tzinfo=datetime.UTC), tick=False):  # 91 days
        client = Client()
        client.force_login(officer)
        response = client.get("/workbench/")
        assert response["Location"] == "/accounts/password_change/"
        assert client.get("/accounts/password_change/").status_code == 200
        client.post(
            "/accounts/password_change/",
            {"old_password": PASSWORD, "new_password1": "Brand-New-2026", "new_password2": "Brand-New-2026"},
        )
        assert client.get("/workbench/").status_code == 200


def test_without_a_history_the_age_counts_from_the_account(officer: User, settings: Any) -> None:
    settings.GONGKAI_PASSWORD_MAX_AGE_DAYS = 90
    User.objects.filter(pk=officer.pk).update(date_joined=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC))
    assert not PasswordHistory.objects.filter(user=officer).exists()
    with time_machine.travel(datetime.datetime(2026, 4, 2, tzinfo=datetime.UTC), tick=False):
        client = Client()
        client.force_login(officer)
        assert client.get("/workbench/")["Location"] == "/accounts/password_change/"


# --- Reset ----------------------------------------------------------------------------------------------


def _reset(client: Client, email: str) -> Any:
    return client.post("/accounts/password_reset/", {"email": email})


def test_reset_by_email_says_the_same_for_unknown_addresses(officer: User) -> None:
    client = Client()
    known, unknown = _reset(client, "xinxiyuan@example.org"), _reset(client, "nobody@example.org")
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == "/accounts/password_reset/done/"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["xinxiyuan@example.org"]
    assert "重新设置密码" in mail.outbox[0].subject
    events = AuditEvent.objects.filter(action="account.password_reset_requested").order_by("id")
    assert [e.details["accounts"] for e in events] == [1, 0]


def test_the_reset_link_sets_a_new_password_and_ends_every_session(officer: User) -> None:
    logged_in = Client()
    log_in(logged_in, "xinxiyuan")
    _reset(Client(), "xinxiyuan@example.org")
    link = re.search(r"https?://[^/]+(/accounts/password/\S+/)", str(mail.outbox[0].body))
    assert link is not None
    client = Client()
    form = client.get(link.group(1), follow=True)
    assert form.status_code == 200
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": "Brand-New-2026", "new_password2": "Brand-New-2026"}
    )
    assert done["Location"] == "/accounts/password/done/"
    assert logged_in.get("/workbench/").status_code == 302  # the old session is gone
    assert log_in(Client(), "xinxiyuan", "Brand-New-2026").status_code == 302
    assert AuditEvent.objects.get(action="account.password_reset").details == {"via": "reset"}


def test_reset_requests_are_rate_limited(officer: User) -> None:
    client = Client()
    codes = [_reset(client, "xinxiyuan@example.org").status_code for _ in range(4)]
    assert codes == [302, 302, 302, 429]
    assert len(mail.outbox) == 3
    assert "过于频繁" in _reset(client, "xinxiyuan@example.org").content.decode()


def test_the_agency_admin_sends_a_reset_link(tree: Tree, officer: User, admin_of_finance: User) -> None:
    officer.last_login = datetime.datetime(2026, 5, 1, tzinfo=datetime.UTC)
    officer.save(update_fields=["last_login"])
    client = Client()
    client.force_login(admin_of_finance)
    member = f"/office/county-a-finance/people/{officer.pk}/"
    assert "发送重置密码链接" in client.get(member).content.decode()
    client.post(member + "send-reset/")
    assert len(mail.outbox) == 1 and "/accounts/password/" in mail.outbox[0].body
    event = AuditEvent.objects.get(action="staff.password_reset_sent")
    assert event.actor == admin_of_finance and event.agency == tree.county_a_finance


def test_setting_the_first_password_from_an_invitation_is_audited_and_follows_the_policy(db: None) -> None:
    newcomer = User.objects.create_user("xinren", email="xinren@example.org")
    newcomer.set_unusable_password()
    newcomer.save()
    client = Client()
    form = client.get(set_password_path(newcomer), follow=True)
    url = form.redirect_chain[-1][0]
    weak = client.post(url, {"new_password1": "abcdefghijk1", "new_password2": "abcdefghijk1"})
    assert "至少 3 类" in weak.content.decode()
    done = client.post(url, {"new_password1": "Brand-New-2026", "new_password2": "Brand-New-2026"})
    assert done["Location"] == "/accounts/password/done/"
    event = AuditEvent.objects.get(action="account.password_reset")
    assert event.details == {"via": "invitation"} and event.object_id == str(newcomer.pk)


def test_wrong_old_passwords_are_limited_like_logins_and_audited(officer: User, clock: Any) -> None:
    # A session left open must not be a way to guess the password: the old password on the change page
    # (and the password asked again on the account page) counts its failures like the login does.
    client = Client()
    log_in(client, "xinxiyuan")
    change = {"new_password1": "Brand-New-2026", "new_password2": "Brand-New-2026"}
    for n in range(5):
        wrong = client.post("/accounts/password_change/", {"old_password": f"guess-{n}", **change})
        assert "旧密码不正确" in wrong.content.decode()
    refused = client.post("/accounts/password_change/", {"old_password": PASSWORD, **change})
    assert refused.status_code == 200 and "密码输错次数过多，请 15 分钟后再试" in refused.content.decode()
    again = client.post("/accounts/2fa/remove/", {"kind": "totp", "pk": 1, "password": PASSWORD}, follow=True)
    assert "密码输错次数过多" in again.content.decode()
    officer.refresh_from_db()
    assert officer.check_password(PASSWORD)
    assert AuditEvent.objects.filter(action="account.password_check_failed", actor=officer).count() == 5
    clock.shift(datetime.timedelta(minutes=16))
    done = client.post("/accounts/password_change/", {"old_password": PASSWORD, **change})
    assert done.status_code == 302
