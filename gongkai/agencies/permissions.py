"""Who may see which agency.

* A superuser sees every agency.
* A 政务公开办 (``Role.SUPERVISOR``) member sees their agency and every agency below it.
* Any other role sees only the agency it is held at.
* Anonymous and inactive users see nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import connection
from django.http import HttpRequest

from gongkai.agencies.models import Agency, AgencyQuerySet, Membership, Role


def agencies_visible_to(user: AbstractBaseUser | AnonymousUser) -> AgencyQuerySet:
    """The agencies ``user`` may see, as one queryset (two queries in all)."""
    if not user.is_authenticated or not user.is_active:
        return Agency.objects.none()
    if getattr(user, "is_superuser", False):
        return Agency.objects.all()
    memberships = list(Membership.objects.filter(user_id=user.pk).select_related("agency"))
    if not memberships:
        return Agency.objects.none()
    supervised = [m.agency for m in memberships if m.role == Role.SUPERVISOR]
    own_ids = {m.agency_id for m in memberships}
    return Agency.objects.subtrees_of(supervised) | Agency.objects.filter(pk__in=own_ids)


def has_role(
    user: AbstractBaseUser | AnonymousUser,
    agency: Agency,
    role: Role | str | Iterable[Role | str],
) -> bool:
    """Whether active ``user`` holds ``role`` (or any of several roles) at exactly ``agency``.

    Roles are not inherited down the hierarchy and superusers hold no role implicitly: callers
    that want to let superusers through check ``user.is_superuser`` themselves.
    """
    if not user.is_authenticated or not user.is_active:
        return False
    roles = [role] if isinstance(role, str) else list(role)
    return Membership.objects.filter(user_id=user.pk, agency=agency, role__in=roles).exists()


#: Who approves (审批) when the agency's sign-off setting asks for it (docs/decisions.md D15): answers and
#: extensions the head of the OGI office (政府信息公开工作机构负责人, named by 条例 第三十三条第二款); the
#: annual report the office head or the leader in charge (分管领导). Superusers run the site and approve
#: nothing: an approval is a named person's act.
ANSWER_APPROVERS: tuple[str, ...] = (Role.OFFICE_HEAD,)
EXTENSION_APPROVERS: tuple[str, ...] = (Role.OFFICE_HEAD,)
REPORT_APPROVERS: tuple[str, ...] = (Role.OFFICE_HEAD, Role.LEADER)
#: Who changes the agency's sign-off setting: its administrator (管理员) or its office head.
SIGNOFF_EDITORS: tuple[str, ...] = (Role.ADMINISTRATOR, Role.OFFICE_HEAD)


def can_edit_signoff(user: AbstractBaseUser | AnonymousUser, agency: Agency) -> bool:
    if user.is_authenticated and user.is_active and getattr(user, "is_superuser", False):
        return True
    return has_role(user, agency, SIGNOFF_EDITORS)


def agencies_with_role(user: AbstractBaseUser | AnonymousUser, roles: Iterable[Role | str]) -> AgencyQuerySet:
    """The agencies where active ``user`` holds one of ``roles`` (every agency for an active superuser;
    roles are not inherited down the tree)."""
    if not user.is_authenticated or not user.is_active:
        return Agency.objects.none()
    if getattr(user, "is_superuser", False):
        return Agency.objects.all()
    return Agency.objects.filter(memberships__user_id=user.pk, memberships__role__in=list(roles)).distinct()


def signoff_agencies(user: AbstractBaseUser | AnonymousUser) -> AgencyQuerySet:
    """The agencies whose sign-off setting ``user`` may change."""
    return agencies_with_role(user, SIGNOFF_EDITORS)


def subtrees_where(user: AbstractBaseUser | AnonymousUser, role: Role | str) -> AgencyQuerySet:
    """The agencies where active ``user`` holds ``role``, and every agency below them (no superuser
    shortcut: callers that let superusers through say so). The reach of the roles that look down the tree:
    政务公开办, 安全管理员, 审计管理员."""
    if not user.is_authenticated or not user.is_active:
        return Agency.objects.none()
    seats = [m.agency for m in Membership.objects.filter(user_id=user.pk, role=role).select_related("agency")]
    return Agency.objects.subtrees_of(seats)


def security_agencies(user: AbstractBaseUser | AnonymousUser) -> AgencyQuerySet:
    """The agencies whose people's accounts ``user`` manages as 安全管理员 (``Role.SECURITY_ADMINISTRATOR``,
    三员分立, docs/decisions.md D21): the agencies where the role is held and everything below them; every
    agency for an active superuser."""
    if user.is_authenticated and user.is_active and getattr(user, "is_superuser", False):
        return Agency.objects.all()
    return subtrees_where(user, Role.SECURITY_ADMINISTRATOR)


def can_manage_security(user: AbstractBaseUser | AnonymousUser, agency: Agency | None = None) -> bool:
    """Whether ``user`` may unlock logins and reset second factors (of people at ``agency``, if given): an
    active superuser, or a 安全管理员 of an agency at or above it."""
    agencies = security_agencies(user)
    return agencies.filter(pk=agency.pk).exists() if agency is not None else agencies.exists()


@dataclass(frozen=True)
class Seats:
    """What a user holds — each membership's role and agency (its id, name and path) — read in one query, so
    that a page asking several questions of the user's roles (which cases, which agencies, may they
    register, what do they approve, which links does the navigation show) asks the database once.

    The answers are those of the functions above: roles are not inherited down the tree, except where a
    role looks down it (:meth:`subtrees`); a superuser holds only the roles it was given (callers that let
    superusers through say so, as above)."""

    memberships: tuple[Membership, ...]

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(m.role for m in self.memberships)

    def agencies_with(self, roles: Iterable[Role | str]) -> list[Agency]:
        """The agencies where one of ``roles`` is held (each once; name order), as :func:`agencies_with_role`
        without its superuser shortcut."""
        wanted = set(roles)
        found: dict[int, Agency] = {}
        for membership in self.memberships:
            if membership.role in wanted:
                found.setdefault(membership.agency_id, membership.agency)
        return list(found.values())

    def agency_ids(self, roles: Iterable[Role | str]) -> set[int]:
        return {agency.pk for agency in self.agencies_with(roles)}

    def subtrees(self, role: Role | str) -> AgencyQuerySet:
        """As :func:`subtrees_where`: the agencies where ``role`` is held and everything below them."""
        return Agency.objects.subtrees_of(self.agencies_with([role]))


NO_SEATS = Seats(memberships=())


def _seats_statement() -> str:
    """What ``Membership.objects.filter(user_id=…).select_related("agency").only("role", "agency",
    "agency__name", "agency__path")`` asks, in the model's order (agency name, role), written out."""
    q = connection.ops.quote_name
    membership, agency = q(Membership._meta.db_table), q(Agency._meta.db_table)
    return (
        f"SELECT {membership}.{q('id')}, {membership}.{q('agency_id')}, {membership}.{q('role')}, "
        f"{agency}.{q('name')}, {agency}.{q('path')} FROM {membership} "
        f"INNER JOIN {agency} ON {membership}.{q('agency_id')} = {agency}.{q('id')} "
        f"WHERE {membership}.{q('user_id')} = %s "
        f"ORDER BY {agency}.{q('name')} ASC, {membership}.{q('role')} ASC"
    )


_MEMBERSHIP_FIELDS = ["id", "agency_id", "role"]
_AGENCY_FIELDS = ["id", "name", "path"]


def seats_of(user: AbstractBaseUser | AnonymousUser) -> Seats:
    """``user``'s memberships with their agencies (one query; none for an anonymous or inactive user).

    Every signed-in page reads them (the navigation bar), so the statement is written out and the rows made
    into the same deferred instances the ORM's ``only(...)`` would make (``Model.from_db``): building and
    compiling the queryset cost more than twice the query (issue 16). Through the connection's cursor, so
    Django's query hooks see it."""
    if not user.is_authenticated or not user.is_active:
        return NO_SEATS
    with connection.cursor() as cursor:
        cursor.execute(_seats_statement(), [user.pk])
        rows = cursor.fetchall()
    memberships = []
    for pk, agency_id, role, name, path in rows:
        membership = Membership.from_db(connection.alias, _MEMBERSHIP_FIELDS, (pk, agency_id, role))
        agency = Agency.from_db(connection.alias, _AGENCY_FIELDS, (agency_id, name, path))
        Membership.agency.field.set_cached_value(membership, agency)
        memberships.append(membership)
    return Seats(memberships=tuple(memberships))


def request_seats(request: HttpRequest) -> Seats:
    """The seats of ``request.user``, read once per request (kept on the request, for that user only: a
    login or logout during the request reads them again)."""
    user = getattr(request, "user", None)
    if user is None:
        return NO_SEATS
    key = (user.pk, user.is_authenticated and user.is_active)
    kept: tuple[object, Seats] | None = getattr(request, "_gongkai_seats", None)
    if kept is not None and kept[0] == key:
        return kept[1]
    seats = seats_of(user)
    request._gongkai_seats = (key, seats)  # type: ignore[attr-defined]
    return seats
