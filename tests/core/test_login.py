"""Every role logs in on the site's own page (the admin login admits staff only) and logs out with a POST."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client


@pytest.fixture
def officer(db: None) -> User:
    return User.objects.create_user("xinxiyuan", password="correct-horse-42")  # not staff


def test_a_non_staff_officer_logs_in_and_out(client: Client, officer: User) -> None:
    page = client.get("/accounts/login/")
    assert page.status_code == 200 and "用户名" in page.content.decode()
    response = client.post("/accounts/login/", {"username": "xinxiyuan", "password": "correct-horse-42"})
    assert response.status_code == 302 and response["Location"] == "/workbench/"  # the to-do list (工作台)
    home = client.get("/check/").content.decode()
    assert "退出登录（xinxiyuan）" in home and "我的检查记录" in home
    assert client.get("/accounts/logout/").status_code == 405  # logging out needs a POST (CSRF-protected)
    assert client.post("/accounts/logout/").status_code == 302
    assert "我的检查记录" not in client.get("/check/").content.decode()


def test_a_wrong_password_says_so_in_chinese(client: Client, officer: User) -> None:
    response = client.post("/accounts/login/", {"username": "xinxiyuan", "password": "wrong"})
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()


def test_saving_a_check_sends_anonymous_users_to_the_site_login(client: Client, db: None) -> None:
    response = client.get("/check/saved/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
