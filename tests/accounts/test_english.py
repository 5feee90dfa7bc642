"""The account pages in English: no Chinese UI text left (the catalogue has every new message)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from django.utils import translation

from tests.accounts.conftest import code_of, confirmed_device, log_in

CJK_WORD = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")
#: The language switcher names Chinese in Chinese; the footer explains the name Gongkai (公开).
ALLOWED = {"简体中文", "公开"}


def _chinese_left(html: str) -> set[str]:
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    return set(CJK_WORD.findall(text)) - ALLOWED


def _english() -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/security/",
        "/accounts/2fa/setup/",
        "/accounts/password_change/",
        "/accounts/password_change/done/",
    ],
)
def test_signed_in_pages(officer: User, path: str) -> None:
    client = _english()
    client.force_login(officer)
    response = client.get(path)
    assert response.status_code == 200
    assert _chinese_left(response.content.decode()) <= {"王芳"}  # the officer's own name


def test_the_verify_and_confirm_pages(officer: User, clock: Any) -> None:
    device = confirmed_device(officer)
    client = _english()
    client.force_login(officer)
    assert _chinese_left(client.get("/accounts/2fa/verify/").content.decode()) <= {"王芳"}
    client.post("/accounts/2fa/verify/", {"code": code_of(device)})
    assert _chinese_left(client.get("/accounts/security/").content.decode()) <= {"王芳", "手机"}
    new = client.post("/accounts/2fa/setup/", {"name": "phone", "password": "Correct-Horse-42"})
    assert _chinese_left(client.get(new["Location"]).content.decode()) <= {"王芳"}


@pytest.mark.parametrize(
    "path", ["/accounts/login/", "/accounts/password_reset/", "/accounts/password_reset/done/"]
)
def test_public_pages(db: None, path: str) -> None:
    assert _chinese_left(_english().get(path).content.decode()) == set()


def test_the_lockout_page(officer: User, clock: Any) -> None:
    client = _english()
    for _attempt in range(5):
        response = log_in(client, "xinxiyuan", "wrong")
    assert response.status_code == 429
    page = response.content.decode()
    assert "Login temporarily locked" in page and "Please try again after 2026-06-01 10:15" in page
    assert _chinese_left(page) == set()


def test_the_remove_button_says_remove(officer: User, clock: Any) -> None:
    # "移除" was translated "Removed" (the calendar's day status), so the button read "Removed".
    device = confirmed_device(officer)
    client = _english()
    client.force_login(officer)
    client.post("/accounts/2fa/verify/", {"code": code_of(device)})
    page = client.get("/accounts/security/").content.decode()
    assert ">Remove</button>" in page and "Removed" not in page
    with translation.override("en"):
        assert translation.pgettext("calendar day status", "移除") == "Removed"
