"""The navigation bar's links for the signed-in user: only the pages their roles open (no link leads to a
"forbidden" page), and the count of unread notifications.

Every page of a signed-in user runs this, so it costs two queries whatever the user: their roles (their seats,
``agencies.permissions.request_seats``: read once per request, so a page that read them already — the
officer's queue — pays nothing here; then each app's own role tuples decide its link) and their unread
notices.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest

from gongkai.agencies.models import Role
from gongkai.agencies.permissions import Seats, request_seats, seats_of
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


def navigation_for(user: permissions.User, seats: Seats | None = None) -> Navigation:
    """Which of the staff pages ``user`` (holding ``seats``, read here if not given) may open."""
    if not user.is_authenticated or not user.is_active:
        return Navigation()
    unread = unread_count(user)
    if permissions.is_superuser(user):
        return Navigation(True, True, True, True, True, True, True, unread)
    roles = (seats if seats is not None else seats_of(user)).roles
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
    if user is None:
        return {"nav": Navigation()}
    # A superuser's links need no seats; anyone else's are the seats of the request (read once).
    return {"nav": navigation_for(user, None if permissions.is_superuser(user) else request_seats(request))}
