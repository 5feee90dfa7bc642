"""The navigation bar's links for the signed-in user: only the pages their roles open (no link leads to a
"forbidden" page), and the count of unread notifications."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest

from gongkai.annual import permissions as annual_permissions
from gongkai.applications import permissions as case_permissions
from gongkai.catalogue import permissions as catalogue_permissions
from gongkai.core.notifications import unread_count
from gongkai.office import permissions


@dataclass(frozen=True)
class Navigation:
    cases: bool = False
    catalogue: bool = False
    reports: bool = False
    supervise: bool = False
    office: bool = False
    unread: int = 0


def navigation_for(user: permissions.User) -> Navigation:
    """Which of the staff pages ``user`` may open (each asks the app that owns the page)."""
    if not user.is_authenticated or not user.is_active:
        return Navigation()
    return Navigation(
        cases=case_permissions.staff_agencies(user).exists()
        or case_permissions.supervised_agencies(user).exists(),
        catalogue=catalogue_permissions.staff_agencies(user).exists(),
        reports=bool(annual_permissions.readable_agency_ids(user)),
        supervise=annual_permissions.supervisor_seats(user).exists(),
        office=permissions.staff_readable_agencies(user).exists(),
        unread=unread_count(user),
    )


def navigation(request: HttpRequest) -> dict[str, Navigation]:
    user = getattr(request, "user", None)
    return {"nav": navigation_for(user) if user is not None else Navigation()}
