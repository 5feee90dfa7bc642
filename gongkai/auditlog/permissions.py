"""Who reads the audit log.

* An agency's 信息公开工作机构负责人 and 管理员 read its events.
* A 政务公开办 member (Role.SUPERVISOR) reads the events of its agency and everything below, read-only.
* Superusers read everything, events of no agency (the system's, the users') included.
* Nobody else: a person who may read no agency's log gets a 403 page saying who may.
"""

from __future__ import annotations

from typing import cast

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q

from gongkai.agencies.models import Membership, Role
from gongkai.applications.permissions import is_active_superuser, supervised_agencies

User = AbstractBaseUser | AnonymousUser

LOG_ROLES: tuple[str, ...] = (Role.OFFICE_HEAD, Role.ADMINISTRATOR)


def readable_agency_ids(user: User) -> set[int] | None:
    """The agencies whose events ``user`` reads; ``None`` for a superuser (every event)."""
    if is_active_superuser(user):
        return None
    if not user.is_authenticated or not user.is_active:
        return set()
    ids = set(
        Membership.objects.filter(user_id=cast(int, user.pk), role__in=LOG_ROLES).values_list(
            "agency_id", flat=True
        )
    )
    ids.update(supervised_agencies(user).values_list("pk", flat=True))
    return ids


def scope(user: User) -> Q | None:
    """The filter of the events ``user`` reads (``Q()``: every event); ``None`` when they read none."""
    ids = readable_agency_ids(user)
    if ids is None:
        return Q()
    return Q(agency_id__in=sorted(ids)) if ids else None


def can_read(user: User) -> bool:
    return scope(user) is not None
