"""Who reads the audit log, and the 三员分立 roles (docs/decisions.md D21).

* An agency's 信息公开工作机构负责人 and 管理员 read its events.
* A 政务公开办 member (Role.SUPERVISOR) reads the events of its agency and everything below, read-only.
* An 审计管理员 (Role.AUDIT_ADMINISTRATOR) reads and exports the events of its agency and everything below;
  held at a root agency, every event of the deployment (the events of no agency included). The role gives
  no other power: every write view refuses them, and their reads of the log are themselves audited.
* A 安全管理员 (Role.SECURITY_ADMINISTRATOR) manages the accounts of its agency's subtree (unlock, reset the
  second factor: :func:`can_manage_security`) and reads the security events (:data:`SECURITY_ACTIONS`:
  logins, failed logins, lockouts, second factors, superuser requests) of that subtree and of no agency.
* Superusers read everything (they set the site up; their use is audited, see core.middleware).
* Nobody else: a person who may read no agency's log gets a 403 page saying who may.
"""

from __future__ import annotations

from typing import cast

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q

from gongkai.agencies.models import Agency, AgencyQuerySet, Membership, Role
from gongkai.agencies.permissions import can_manage_security, security_agencies, subtrees_where
from gongkai.applications.permissions import is_active_superuser, supervised_agencies

User = AbstractBaseUser | AnonymousUser

LOG_ROLES: tuple[str, ...] = (Role.OFFICE_HEAD, Role.ADMINISTRATOR)
#: Every role that opens the audit log page (the navigation bar's link).
READER_ROLES: tuple[str, ...] = (
    *LOG_ROLES,
    Role.SUPERVISOR,
    Role.AUDIT_ADMINISTRATOR,
    Role.SECURITY_ADMINISTRATOR,
)
#: The action prefixes of the security events the 安全管理员 reads (account and login events, written by the
#: authentication helpers: ``auth.login``, ``auth.login_failed``, ``auth.locked_out``, ``two_factor.*`` …).
SECURITY_ACTIONS: tuple[str, ...] = (
    "auth.",
    "account.",
    "two_factor.",
    "axes.",
    "otp.",
    "security.",
    "superuser.",
)

__all__ = ["SECURITY_ACTIONS", "can_manage_security", "security_agencies"]


def _active(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


def _held_at(user: User, role: str) -> list[Agency]:
    if not _active(user):
        return []
    return [
        m.agency
        for m in Membership.objects.filter(user_id=cast(int, user.pk), role=role).select_related("agency")
    ]


def audit_agencies(user: User) -> AgencyQuerySet:
    """The agencies whose events ``user`` reads as 审计管理员 (its agencies and everything below)."""
    return subtrees_where(user, Role.AUDIT_ADMINISTRATOR)


def is_audit_administrator(user: User) -> bool:
    return bool(_held_at(user, Role.AUDIT_ADMINISTRATOR))


def audits_whole_deployment(user: User) -> bool:
    """An 审计管理员 held at a root agency reads every event, those of no agency included."""
    return any(agency.parent_id is None for agency in _held_at(user, Role.AUDIT_ADMINISTRATOR))


def readable_agency_ids(user: User) -> set[int] | None:
    """The agencies whose events ``user`` reads in full; ``None`` for every event (a superuser, an
    审计管理员 of a root agency)."""
    if is_active_superuser(user) or audits_whole_deployment(user):
        return None
    if not _active(user):
        return set()
    ids = set(
        Membership.objects.filter(user_id=cast(int, user.pk), role__in=LOG_ROLES).values_list(
            "agency_id", flat=True
        )
    )
    ids.update(supervised_agencies(user).values_list("pk", flat=True))
    ids.update(audit_agencies(user).values_list("pk", flat=True))
    return ids


def _security_scope(user: User) -> Q | None:
    if not _held_at(user, Role.SECURITY_ADMINISTRATOR):
        return None
    actions = Q()
    for prefix in SECURITY_ACTIONS:
        actions |= Q(action__startswith=prefix)
    ids = sorted(security_agencies(user).values_list("pk", flat=True))
    return actions & (Q(agency_id__in=ids) | Q(agency__isnull=True))


def scope(user: User) -> Q | None:
    """The filter of the events ``user`` reads (``Q()``: every event); ``None`` when they read none."""
    ids = readable_agency_ids(user)
    if ids is None:
        return Q()
    security = _security_scope(user)
    full = Q(agency_id__in=sorted(ids)) if ids else None
    if full is not None and security is not None:
        return full | security
    return full if full is not None else security


def can_read(user: User) -> bool:
    return scope(user) is not None


def reads_security_events_only(user: User) -> bool:
    """Whether ``user`` reads the log only as 安全管理员 (its security events, no other event)."""
    ids = readable_agency_ids(user)
    return ids is not None and not ids and _security_scope(user) is not None
