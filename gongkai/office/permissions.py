"""Who administers an agency's office (本机关管理) and who reads its staff list.

* The agency's 管理员 (``Role.ADMINISTRATOR``) administers it: its people and their roles, its contact data
  (指南 contact fields, 条例第十二条) and its letter settings. The 信息公开工作机构负责人 does not: heading
  the OGI work is a different job from keeping the accounts (docs/administration.md).
* An administrator grants the agency's working roles only (:data:`GRANTABLE_ROLES`): never 政务公开办
  (``Role.SUPERVISOR``), which is the supervising office's seat, and never at another agency.
* A 政务公开办 member reads the staff lists of its agency and every agency below it, read-only.
* Superusers do everything (they run the site). Nobody else sees a staff list: another agency's page is
  "not found".
"""

from __future__ import annotations

from typing import cast

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from gongkai.agencies.models import Agency, Membership, Role
from gongkai.agencies.permissions import security_agencies, subtrees_where

User = AbstractBaseUser | AnonymousUser

#: The roles an agency's administrator may grant and revoke at that agency.
GRANTABLE_ROLES: tuple[str, ...] = (
    Role.INFORMATION_OFFICER.value,
    Role.REVIEWER.value,
    Role.LEADER.value,
    Role.OFFICE_HEAD.value,
    Role.ADMINISTRATOR.value,
)


def _active(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


def _uid(user: User) -> int:
    return cast(int, user.pk)


def is_superuser(user: User) -> bool:
    return _active(user) and bool(getattr(user, "is_superuser", False))


def administered_agencies(user: User) -> QuerySet[Agency]:
    """The agencies ``user`` administers (every agency for a superuser)."""
    if is_superuser(user):
        return Agency.objects.all()
    if not _active(user):
        return Agency.objects.none()
    return Agency.objects.filter(
        memberships__user_id=_uid(user), memberships__role=Role.ADMINISTRATOR
    ).distinct()


def supervised_agencies(user: User) -> QuerySet[Agency]:
    """The agencies whose staff lists ``user`` reads as 政务公开办 (its seats and everything below)."""
    return subtrees_where(user, Role.SUPERVISOR)


def staff_readable_agencies(user: User) -> QuerySet[Agency]:
    """The agencies whose staff list ``user`` may read."""
    if is_superuser(user):
        return Agency.objects.all()
    ids = set(administered_agencies(user).values_list("pk", flat=True))
    ids.update(supervised_agencies(user).values_list("pk", flat=True))
    # A 安全管理员 reads the staff lists of its subtree, to unlock logins and reset second factors there.
    ids.update(security_agencies(user).values_list("pk", flat=True))
    return Agency.objects.filter(pk__in=sorted(ids)).order_by("name")


def can_administer(user: User, agency: Agency) -> bool:
    if is_superuser(user):
        return True
    if not _active(user):
        return False
    return Membership.objects.filter(
        user_id=_uid(user), agency_id=agency.pk, role=Role.ADMINISTRATOR
    ).exists()


def can_set_report_column(user: User, agency: Agency) -> bool:
    """The address of the agency's 年报 column: its administrator, or the 政务公开办 above it (which
    monitors the reports published there, gongkai.monitoring)."""
    return can_administer(user, agency) or supervised_agencies(user).filter(pk=agency.pk).exists()


def can_read_staff(user: User, agency: Agency) -> bool:
    return can_administer(user, agency) or supervised_agencies(user).filter(pk=agency.pk).exists()


def grantable_roles(user: User, agency: Agency) -> tuple[str, ...]:
    """The roles ``user`` may grant or revoke at ``agency`` (every role for a superuser)."""
    if is_superuser(user):
        return tuple(Role.values)
    return GRANTABLE_ROLES if can_administer(user, agency) else ()
