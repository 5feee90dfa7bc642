"""One set of error pages, in the reader's language, for the whole site (DEBUG off, as in production)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory
from django.views import defaults

from gongkai.core.responses import forbidden

pytestmark = pytest.mark.django_db


def test_an_unknown_address_gets_the_chinese_404_page(client: Client) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "页面不存在（404）" in page and "返回首页" in page
    assert "Not Found" not in page
    assert '<html lang="zh-CN">' in page


def test_the_404_page_in_english(client: Client) -> None:
    client.cookies["django_language"] = "en"
    page = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Page not found (404)" in page
    assert "页面不存在" not in page


def test_a_bad_host_gets_the_400_page(client: Client) -> None:
    response = client.get("/", HTTP_HOST="evil.example.org")
    assert response.status_code == 400
    assert "请求有误（400）" in response.content.decode()


def test_the_403_page_says_why(rf: RequestFactory) -> None:
    request = rf.get("/")
    response = defaults.permission_denied(request, PermissionDenied("只有本机关的信息员可以办理。"))
    assert response.status_code == 403
    page = response.content.decode()
    assert "没有权限" in page
    assert "只有本机关的信息员可以办理。" in page  # a service's PermissionDenied says why
    page = defaults.permission_denied(request, PermissionDenied()).content.decode()
    assert "您没有权限查看或办理这项内容" in page


def test_a_form_without_its_csrf_token_gets_the_chinese_page() -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "页面已过期，请重新提交" in page and "CSRF verification failed" not in page


def test_the_500_page_stands_alone(rf: RequestFactory) -> None:
    response = defaults.server_error(rf.get("/"))
    assert response.status_code == 500
    page = response.content.decode()
    assert "服务器出错（500）" in page and "Server Error" not in page


def test_the_apps_403_page_says_why_and_links_back(rf: RequestFactory) -> None:
    response = forbidden(rf.get("/"), "只有本机关的信息员可以办理。", "/cases/", "返回案件列表")
    assert response.status_code == 403
    page = response.content.decode()
    assert "没有权限" in page and "只有本机关的信息员可以办理。" in page
    assert '<a href="/cases/">返回案件列表</a>' in page and "返回首页" in page
    bare = forbidden(rf.get("/"), "只有政务公开办的工作人员可以查看。").content.decode()
    assert "只有政务公开办的工作人员可以查看。" in bare and "返回案件列表" not in bare
