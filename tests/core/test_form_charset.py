"""A POST whose form data Django refuses (``application/x-www-form-urlencoded; charset=gbk`` and any charset
but UTF-8) answered 500 in production — the refusal was raised again while the error page was rendered —
and now answers 400 with the Chinese page (:class:`gongkai.core.middleware.FormBodyMiddleware`).
Reproduced as production runs: DEBUG off, CSRF enforced, a CSRF cookie, exceptions not re-raised."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

TOKEN = "a" * 32
URLS = ["/check/", "/apply/", "/apply/status/", "/accounts/login/", "/deadline/", "/i18n/setlang/"]
CHARSETS = ["gbk", "GB2312", "gb18030", "big5", "utf-16", "latin-1", "nonsense", "utf-8; charset=gbk"]


def post(url: str, content_type: str, body: bytes = b"", language: str | None = None) -> tuple[int, str]:
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.cookies["csrftoken"] = TOKEN
    if language:
        client.cookies["django_language"] = language
    body = body or b"csrfmiddlewaretoken=" + TOKEN.encode() + b"&name=%B0%A1%C4%E3"
    response = client.generic("POST", url, body, content_type=content_type)
    return response.status_code, response.content.decode()


@pytest.mark.parametrize("url", URLS)
@pytest.mark.parametrize("charset", ["gbk", "utf-16"])
def test_a_form_in_another_charset_gets_the_400_page(url: str, charset: str) -> None:
    status, page = post(url, f"application/x-www-form-urlencoded; charset={charset}")
    assert status == 400
    assert "请求有误（400）" in page
    assert "提交的表单内容无法读取（编码或格式不对）" in page


@pytest.mark.parametrize("charset", CHARSETS)
def test_no_charset_is_a_server_error(charset: str) -> None:
    status, _ = post("/apply/", f"application/x-www-form-urlencoded; charset={charset}")
    assert status < 500
    status, _ = post("/apply/", f"multipart/form-data; boundary=x; charset={charset}", b"--x\r\n\r\n--x--")
    assert status < 500


def test_the_400_page_in_english() -> None:
    status, page = post("/apply/", "application/x-www-form-urlencoded; charset=gbk", language="en")
    assert status == 400
    assert "The form data sent could not be read" in page
    assert "提交" not in page


def test_a_utf8_form_is_untouched() -> None:
    # The CSRF check still runs after the form is parsed: a forged token is refused as before (403).
    status, _ = post("/apply/", "application/x-www-form-urlencoded; charset=utf-8", b"csrfmiddlewaretoken=x")
    assert status == 403
    client = Client(enforce_csrf_checks=True)
    page = client.get("/apply/")
    token = page.cookies["csrftoken"].value
    response = client.post("/apply/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 200  # the form again, with its errors
