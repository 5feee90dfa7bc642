"""The navigation bar's links for the signed-in user: only the pages their roles open (no link leads to a
"forbidden" page), and the count of unread notifications.

Every page of a signed-in user runs this, so it costs two queries whatever the user: their roles (one query,
then each app's own role tuples decide its link) and their unread notices.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest

from gongkai.agencies.models import Membership, Role
from gongkai.annual import permissions as annual_permissions
from gongkai.applications import permissions as case_permissions
from gongkai.auditlog import permissions as auditlog_permissions
from gongkai.catalogue import permissions as catalogue_permissions
from gongkai.core.notifications import unread_count
from gongkai.office import permissions
from gongkai.stats import permissions as stats_permissions


@dataclass(frozen=True)
class Navigation:
    cases: bool = False
    catalogue: bool = False
    reports: bool = False
    supervise: bool = False
    office: bool = False
    stats: bool = False
    audit: bool = False
    unread: int = 0


#: The roles that open each staff page (the apps' own tuples; the 政务公开办 reads cases and reports below).
CASE_ROLES = frozenset({*case_permissions.STAFF_ROLES, Role.SUPERVISOR})
CATALOGUE_ROLES = frozenset(catalogue_permissions.VIEW_ROLES)
REPORT_ROLES = frozenset(annual_permissions.READER_ROLES)
OFFICE_ROLES = frozenset({Role.ADMINISTRATOR, Role.SUPERVISOR})
STATS_ROLES = frozenset({*stats_permissions.STATS_ROLES, Role.SUPERVISOR})
AUDIT_ROLES = frozenset(auditlog_permissions.READER_ROLES)


def navigation_for(user: permissions.User) -> Navigation:
    """Which of the staff pages ``user`` may open."""
    if not user.is_authenticated or not user.is_active:
        return Navigation()
    unread = unread_count(user)
    if permissions.is_superuser(user):
        return Navigation(True, True, True, True, True, True, True, unread)
    roles = set(Membership.objects.filter(user_id=user.pk).values_list("role", flat=True).distinct())
    return Navigation(
        cases=bool(roles & CASE_ROLES),
        catalogue=bool(roles & CATALOGUE_ROLES),
        reports=bool(roles & REPORT_ROLES),
        supervise=Role.SUPERVISOR in roles,
        office=bool(roles & OFFICE_ROLES),
        stats=bool(roles & STATS_ROLES),
        audit=bool(roles & AUDIT_ROLES),
        unread=unread,
    )


def navigation(request: HttpRequest) -> dict[str, Navigation]:
    user = getattr(request, "user", None)
    return {"nav": navigation_for(user) if user is not None else Navigation()}
