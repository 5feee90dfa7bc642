"""Who may unlock a login or reset someone's second factor.

* A superuser, for anyone.
* An agency's 管理员 (``Role.ADMINISTRATOR``), for a member of that agency's staff (not for a superuser).
* A 安全管理员 (``Role.SECURITY_ADMINISTRATOR``, 三员分立) of that agency or one above it, for a member of its
  staff (not for a superuser).
* Nobody acts on their own account this way: their own devices are managed on their own page.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from gongkai.agencies.models import Agency, Membership, Role
from gongkai.agencies.permissions import can_manage_security

User = AbstractBaseUser | AnonymousUser


def _active(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


def can_manage_account(actor: User, target: AbstractBaseUser, agency: Agency | None = None) -> bool:
    """Whether ``actor`` may unlock ``target``'s login or reset their second factor (at ``agency``, for an
    agency administrator: ``target`` must hold a role there)."""
    actor_pk = actor.pk
    if actor_pk is None or not _active(actor) or actor_pk == target.pk:
        return False
    if getattr(actor, "is_superuser", False):
        return True
    if agency is None or getattr(target, "is_superuser", False):
        return False
    if not Membership.objects.filter(user_id=target.pk, agency_id=agency.pk).exists():
        return False
    is_admin = Membership.objects.filter(
        user_id=actor_pk, agency_id=agency.pk, role=Role.ADMINISTRATOR
    ).exists()
    return is_admin or can_manage_security(actor, agency)
