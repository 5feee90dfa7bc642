"""Who may edit letter templates and letter settings.

Superusers, and active staff users holding ``Role.ADMINISTRATOR`` at some agency. An administrator
edits the templates and settings of the agencies they can see (``agencies_visible_to``) and may read
the site-wide templates; only superusers edit the site-wide templates, which print every agency's
letters.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from gongkai.agencies.models import Agency, AgencyQuerySet, Membership, Role
from gongkai.agencies.permissions import agencies_visible_to


def can_manage_letters(user: AbstractBaseUser | AnonymousUser | None) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if getattr(user, "is_superuser", False):
        return True
    return Membership.objects.filter(user_id=user.pk, role=Role.ADMINISTRATOR).exists()


def manageable_agencies(user: AbstractBaseUser | AnonymousUser | None) -> AgencyQuerySet:
    """The agencies whose own templates and settings ``user`` may edit."""
    if user is None or not can_manage_letters(user):
        return Agency.objects.none()
    return agencies_visible_to(user)
