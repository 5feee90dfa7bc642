"""Who may see and write annual reports.

* Writers of an agency's report: its 信息员, 信息公开工作机构负责人, 分管领导 and 管理员, and — for the
  government's own report — the 政务公开办 seated at that agency (第四十九条: the office publishes the
  government's report).
* Readers: the writers, the agency's 审核人, and the 政务公开办 of any agency above it (the roll-up).
* Superusers do everything. Nobody else sees a draft; a published report is public.
"""

from __future__ import annotations

from typing import cast

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from gongkai.agencies.models import Agency, Membership, Role
from gongkai.agencies.permissions import agencies_with_role
from gongkai.applications.permissions import is_active_superuser, supervised_agencies

User = AbstractBaseUser | AnonymousUser

WRITER_ROLES: tuple[str, ...] = (
    Role.INFORMATION_OFFICER,
    Role.OFFICE_HEAD,
    Role.LEADER,
    Role.ADMINISTRATOR,
    Role.SUPERVISOR,
)
READER_ROLES: tuple[str, ...] = (*WRITER_ROLES, Role.REVIEWER)


def _active(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


def _uid(user: User) -> int:
    return cast(int, user.pk)


def writable_agencies(user: User) -> QuerySet[Agency]:
    return agencies_with_role(user, WRITER_ROLES)


def readable_agency_ids(user: User) -> set[int]:
    if is_active_superuser(user):
        return set(Agency.objects.values_list("pk", flat=True))
    if not _active(user):
        return set()
    ids = set(
        Membership.objects.filter(user_id=_uid(user), role__in=READER_ROLES).values_list(
            "agency_id", flat=True
        )
    )
    ids.update(supervised_agencies(user).values_list("pk", flat=True))
    return ids


def can_write(user: User, agency: Agency) -> bool:
    if is_active_superuser(user):
        return True
    if not _active(user):
        return False
    return Membership.objects.filter(user_id=_uid(user), agency_id=agency.pk, role__in=WRITER_ROLES).exists()


def can_read(user: User, agency: Agency) -> bool:
    return can_write(user, agency) or agency.pk in readable_agency_ids(user)


def can_supervise(user: User, agency: Agency) -> bool:
    """``user`` is a 政务公开办 member at ``agency`` (the roll-up covers it and everything below)."""
    if is_active_superuser(user):
        return True
    if not _active(user):
        return False
    return Membership.objects.filter(user_id=_uid(user), agency_id=agency.pk, role=Role.SUPERVISOR).exists()


def supervisor_seats(user: User) -> QuerySet[Agency]:
    """The agencies where ``user`` sits as 政务公开办 (every root agency for a superuser)."""
    if is_active_superuser(user):
        return Agency.objects.filter(parent__isnull=True)
    if not _active(user):
        return Agency.objects.none()
    return Agency.objects.filter(
        memberships__user_id=_uid(user), memberships__role=Role.SUPERVISOR
    ).distinct()
