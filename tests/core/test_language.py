"""The site speaks Simplified Chinese unless the user chose English with the switcher."""

from __future__ import annotations

from django.conf import settings
from django.test import Client


def test_chinese_by_default_even_for_an_english_browser(client: Client) -> None:
    response = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    assert response["Content-Language"] == "zh-hans"
    assert "登录" in response.content.decode()


def test_the_switcher_chooses_english(client: Client) -> None:
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/admin/login/"})
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    page = client.get("/admin/login/")
    assert page["Content-Language"] == "en"
    assert "Log in" in page.content.decode()


def test_an_unknown_language_cookie_falls_back_to_chinese(client: Client) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"
    assert client.get("/admin/login/")["Content-Language"] == "zh-hans"
