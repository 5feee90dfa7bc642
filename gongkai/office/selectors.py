"""Reads of the office's administration: an agency's staff with their roles, the agencies a user may open."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import Http404

from gongkai.agencies.models import Agency, Membership, Role
from gongkai.core.actors import display_name
from gongkai.office import permissions


@dataclass
class StaffMember:
    user: User
    roles: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return display_name(self.user)

    @property
    def role_labels(self) -> list[str]:
        return [str(Role(role).label) for role in self.roles]

    @property
    def last_login(self) -> datetime.datetime | None:
        return self.user.last_login


def staff_of(agency: Agency) -> list[StaffMember]:
    """Everyone holding a role at ``agency``, by name, with their roles in the order of :class:`Role`."""
    order = {role: i for i, role in enumerate(Role.values)}
    members: dict[int, StaffMember] = {}
    roles: dict[int, list[str]] = defaultdict(list)
    for membership in Membership.objects.filter(agency=agency).select_related("user"):
        members.setdefault(membership.user_id, StaffMember(membership.user))
        roles[membership.user_id].append(membership.role)
    for pk, member in members.items():
        member.roles = sorted(roles[pk], key=lambda r: order.get(r, len(order)))
    return sorted(members.values(), key=lambda m: (m.name, m.user.get_username()))


def member_of(agency: Agency, user_pk: int) -> StaffMember:
    """One member of the agency's staff; 404 for anyone else (never a hint that the user exists)."""
    for member in staff_of(agency):
        if member.user.pk == user_pk:
            return member
    raise Http404


def readable_agency(user: permissions.User, short_code: str) -> Agency:
    """The agency whose staff ``user`` may read, by short code; 404 otherwise (never "forbidden")."""
    agency = permissions.staff_readable_agencies(user).filter(short_code=short_code).first()
    if agency is None:
        raise Http404
    return agency


def office_agencies(user: permissions.User) -> QuerySet[Agency]:
    """The agencies listed on the office's index page."""
    return permissions.staff_readable_agencies(user).order_by("path", "name")
