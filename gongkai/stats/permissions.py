"""Who sees the statistics.

* An agency's own figures: its 信息员, 信息公开工作机构负责人 and 管理员 (the people who run its cases).
* A 政务公开办 member (Role.SUPERVISOR) sees every agency of the subtree below the agency where they sit,
  side by side, read-only.
* Superusers see everything. Everyone sees the public figures (aggregates, no personal data).
"""

from __future__ import annotations

from typing import cast

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from gongkai.agencies.models import Agency, Membership, Role
from gongkai.agencies.permissions import agencies_with_role
from gongkai.applications.permissions import is_active_superuser, supervised_agencies

User = AbstractBaseUser | AnonymousUser

STATS_ROLES: tuple[str, ...] = (Role.INFORMATION_OFFICER, Role.OFFICE_HEAD, Role.ADMINISTRATOR)


def _active(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


def _uid(user: User) -> int:
    return cast(int, user.pk)


def own_agencies(user: User) -> QuerySet[Agency]:
    """Agencies whose figures ``user`` sees as their staff."""
    return agencies_with_role(user, STATS_ROLES)


def supervisor_seats(user: User) -> QuerySet[Agency]:
    """Agencies where ``user`` sits as 政务公开办 (every root agency for a superuser)."""
    if is_active_superuser(user):
        return Agency.objects.filter(parent__isnull=True)
    if not _active(user):
        return Agency.objects.none()
    return Agency.objects.filter(
        memberships__user_id=_uid(user), memberships__role=Role.SUPERVISOR
    ).distinct()


def can_view(user: User, agency: Agency) -> bool:
    """``user`` may see ``agency``'s figures (its staff, a supervisor above it, a superuser)."""
    if is_active_superuser(user):
        return True
    if not _active(user):
        return False
    if Membership.objects.filter(user_id=_uid(user), agency_id=agency.pk, role__in=STATS_ROLES).exists():
        return True
    return supervised_agencies(user).filter(pk=agency.pk).exists()


def can_supervise(user: User, seat: Agency) -> bool:
    return supervisor_seats(user).filter(pk=seat.pk).exists()
