"""People and helpers of the accounts tests: a user with a real password, logged in through the login page
(axes needs the request, so never ``Client.login()``), and a clock the tests move."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from gongkai.agencies.models import Role
from gongkai.agencies.services import add_membership
from tests.conftest import Tree

PASSWORD = "Correct-Horse-42"
#: A fixed moment (a Monday in 2026, 10:00 in Beijing): no test depends on today's date.
START = datetime.datetime(2026, 6, 1, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def _fast_hashes(settings: Any) -> None:
    """A cheap hasher: these tests hash and check passwords many times (the policy is the same)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _production_sessions(settings: Any) -> None:
    """The session rules as deployed (tests/conftest.py turns them off for the rest of the suite)."""
    settings.GONGKAI_SESSION_IDLE_MINUTES = 30
    settings.SESSION_COOKIE_AGE = 12 * 3600


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def person(username: str, **extra: Any) -> User:
    return User.objects.create_user(username, email=f"{username}@example.org", password=PASSWORD, **extra)


@pytest.fixture
def officer(tree: Tree) -> User:
    """信息员 of 甲县财政局: sees applicants' personal data, so the second factor applies."""
    user = person("xinxiyuan", first_name="王芳")
    add_membership(actor=None, user=user, agency=tree.county_a_finance, role=Role.INFORMATION_OFFICER)
    return user


@pytest.fixture
def admin_of_finance(tree: Tree) -> User:
    """The agency's 管理员 (administers its people)."""
    user = person("guanliyuan", first_name="李强")
    add_membership(actor=None, user=user, agency=tree.county_a_finance, role=Role.ADMINISTRATOR)
    return user


@pytest.fixture
def superuser(db: None) -> User:
    return User.objects.create_superuser("root", email="root@example.org", password=PASSWORD)


def log_in(
    client: Client, username: str, password: str = PASSWORD, path: str = "/accounts/login/", **extra: Any
) -> Any:
    return client.post(path, {"username": username, "password": password}, **extra)


def confirmed_device(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="手机", confirmed=True)


def code_of(device: TOTPDevice, offset: int = 0) -> str:
    """The code the authenticator shows now (``offset`` steps of 30 s later)."""
    device.refresh_from_db()
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset):06d}"
