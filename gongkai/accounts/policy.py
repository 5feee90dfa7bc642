"""The account rules as configured (settings read at call time, so tests can change them), and who must
log in with a second factor."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from gongkai.agencies.models import Membership
from gongkai.applications.permissions import STAFF_ROLES

User = AbstractBaseUser | AnonymousUser


def failure_limit() -> int:
    return int(settings.AXES_FAILURE_LIMIT)


def lock_duration() -> datetime.timedelta:
    cool_off = settings.AXES_COOLOFF_TIME
    assert isinstance(cool_off, datetime.timedelta)
    return cool_off


def lock_minutes() -> int:
    return max(1, int(lock_duration().total_seconds() // 60))


def idle_timeout() -> datetime.timedelta | None:
    """``None``: no idle timeout (``GONGKAI_SESSION_IDLE_MINUTES=0``)."""
    minutes = int(getattr(settings, "GONGKAI_SESSION_IDLE_MINUTES", 30))
    return datetime.timedelta(minutes=minutes) if minutes > 0 else None


def session_max_age() -> datetime.timedelta:
    return datetime.timedelta(seconds=int(settings.SESSION_COOKIE_AGE))


def password_max_age() -> datetime.timedelta | None:
    """``None``: passwords do not expire (``GONGKAI_PASSWORD_MAX_AGE_DAYS=0``, the default)."""
    days = int(getattr(settings, "GONGKAI_PASSWORD_MAX_AGE_DAYS", 0))
    return datetime.timedelta(days=days) if days > 0 else None


def two_factor_enforced() -> bool:
    return bool(getattr(settings, "GONGKAI_REQUIRE_2FA", False))


def needs_second_factor(user: User) -> bool:
    """Whether ``GONGKAI_REQUIRE_2FA`` applies to ``user``: superusers, admin-site staff, and every holder
    of a role that reveals applicants' personal data (``applications.permissions.STAFF_ROLES``)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if getattr(user, "is_superuser", False) or getattr(user, "is_staff", False):
        return True
    return Membership.objects.filter(user_id=user.pk, role__in=list(STAFF_ROLES)).exists()
