"""Reads: a user's second-factor devices, whether a username is locked out."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Max, Q, Sum
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from gongkai.accounts import policy


def totp_devices(user: AbstractBaseUser) -> list[TOTPDevice]:
    return list(TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).order_by("created_at", "pk"))


def pending_totp(user: AbstractBaseUser, pk: int) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user_id=user.pk, pk=pk, confirmed=False).first()


def recovery_device(user: AbstractBaseUser) -> StaticDevice | None:
    return StaticDevice.objects.filter(user_id=user.pk, confirmed=True).first()


def recovery_codes_left(user: AbstractBaseUser) -> int:
    device = recovery_device(user)
    return int(device.token_set.count()) if device is not None else 0


def has_second_factor(user: AbstractBaseUser) -> bool:
    """A confirmed authenticator app (recovery codes alone are no second factor to set up with)."""
    return bool(TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).exists())


@dataclass(frozen=True)
class Lock:
    failures: int
    until: datetime.datetime


def _attempts(condition: Q, now: datetime.datetime) -> Lock | None:
    since = now - policy.lock_duration()
    recent = AccessAttempt.objects.filter(condition, attempt_time__gte=since)
    figures = recent.aggregate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
    failures = int(figures["failures"] or 0)
    if failures < policy.failure_limit() or figures["last"] is None:
        return None
    return Lock(failures=failures, until=figures["last"] + policy.lock_duration())


def lock_of(username: str, address: str = "", now: datetime.datetime | None = None) -> Lock | None:
    """The lock on ``username`` or on ``address`` (whichever ends later), or ``None``."""
    now = now or timezone.now()
    locks = [_attempts(Q(username=username), now)] if username else []
    if address and "ip_address" in settings.AXES_LOCKOUT_PARAMETERS:
        locks.append(_attempts(Q(ip_address=address), now))
    found = [lock for lock in locks if lock is not None]
    return max(found, key=lambda lock: lock.until) if found else None
