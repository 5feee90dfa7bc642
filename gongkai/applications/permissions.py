"""Who may see and act on applications.

* The agency's staff (信息员, 审核人, 分管领导, 信息公开工作机构负责人, 管理员) see its cases and the
  applicants' personal data; 信息员 and the office head act on them.
* A 政务公开办 member sees the cases of the agencies below it, without the applicant's personal data,
  and cannot act on them.
* Superusers see and do everything (they run the site).
* Nobody else sees anything: another agency's officer gets "not found", never a hint that the case exists.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from gongkai.agencies.models import Agency, Membership, Role, SignOffPolicy
from gongkai.agencies.permissions import (
    ANSWER_APPROVERS,
    EXTENSION_APPROVERS,
    Seats,
    agencies_with_role,
    has_role,
    seats_of,
    subtrees_where,
)
from gongkai.applications.models import Application, Approval, ApprovalKind

User = AbstractBaseUser | AnonymousUser

STAFF_ROLES = (
    Role.INFORMATION_OFFICER,
    Role.REVIEWER,
    Role.LEADER,
    Role.OFFICE_HEAD,
    Role.ADMINISTRATOR,
)
ACTING_ROLES = (Role.INFORMATION_OFFICER, Role.OFFICE_HEAD)


def is_active_superuser(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and getattr(user, "is_superuser", False))


def _roles_at(user: User, agency_id: int) -> set[str]:
    if not user.is_authenticated or not user.is_active:
        return set()
    return set(Membership.objects.filter(user_id=user.pk, agency_id=agency_id).values_list("role", flat=True))


def staff_agencies(user: User) -> QuerySet[Agency]:
    """Agencies where ``user`` is staff (sees applicants' data)."""
    return agencies_with_role(user, STAFF_ROLES)


def visible_agencies(user: User, seats: Seats | None = None) -> list[Agency] | None:
    """The agencies whose cases ``user`` sees (name order), from their ``seats`` (read here if not given:
    one query, and one more for a 政务公开办's subtree); ``None`` for an active superuser: every agency."""
    if is_active_superuser(user):
        return None
    if not user.is_authenticated or not user.is_active:
        return []
    seats = seats if seats is not None else seats_of(user)
    found = {agency.pk: agency for agency in seats.agencies_with(STAFF_ROLES)}
    if Role.SUPERVISOR in seats.roles:
        found.update((a.pk, a) for a in seats.subtrees(Role.SUPERVISOR).only("id", "name", "path"))
    return sorted(found.values(), key=lambda agency: (agency.name, agency.pk))


def cases_visible_to(user: User, seats: Seats | None = None) -> QuerySet[Application]:
    """The cases ``user`` may see. The agency ids are read first (the user's seats: one small query, or
    none when given) so that the case query is a plain ``agency_id IN (...)`` the queue index can serve."""
    return cases_at(visible_agencies(user, seats))


def cases_at(agencies: list[Agency] | None) -> QuerySet[Application]:
    """The cases at ``agencies`` (as :func:`visible_agencies` gives them: ``None`` is every agency)."""
    if agencies is None:
        return Application.objects.all()
    return Application.objects.filter(agency_id__in=sorted(agency.pk for agency in agencies))


def supervised_agencies(user: User) -> QuerySet[Agency]:
    """Agencies ``user`` supervises as 政务公开办 (their own and everything below)."""
    return subtrees_where(user, Role.SUPERVISOR)


def can_view(user: User, application: Application) -> bool:
    return cases_visible_to(user).filter(pk=application.pk).exists()


def can_see_applicant(user: User, application: Application) -> bool:
    """The applicant's identity number, phone, e-mail and address: the agency's staff only."""
    if is_active_superuser(user):
        return True
    return bool(_roles_at(user, application.agency_id) & set(STAFF_ROLES))


def can_act(user: User, application: Application | None = None, *, agency: Agency | None = None) -> bool:
    target = agency if agency is not None else application.agency if application is not None else None
    if target is None:
        raise TypeError("can_act() needs an application or an agency")
    if is_active_superuser(user):
        return True
    return bool(_roles_at(user, target.pk) & set(ACTING_ROLES))


def can_approve_extension(user: User, agency: Agency) -> bool:
    """条例 第三十三条第二款: the head of the OGI office approves an extension."""
    return Role.OFFICE_HEAD in _roles_at(user, agency.pk)


def may_correct_answer(user: User, application: Application) -> bool:
    """Whether ``user``'s sign-off lets them correct the case's answer: anyone who acts on the case, but
    only an answer approver (the head) where the agency's answers need the head's approval (D15, D18)."""
    if not SignOffPolicy.for_agency(application.agency).answers_need_approval:
        return True
    return has_role(user, application.agency, ANSWER_APPROVERS)


def approver_roles(kind: str) -> tuple[str, ...]:
    """The roles that approve a submitted step of ``kind`` (D15)."""
    return ANSWER_APPROVERS if kind == ApprovalKind.ANSWER else EXTENSION_APPROVERS


def can_decide(user: User, approval: Approval) -> bool:
    """``user`` holds the approver role at the case's agency and did not submit ``approval`` (D15)."""
    if not has_role(user, approval.application.agency, approver_roles(approval.kind)):
        return False
    return approval.submitted_by_id != user.pk
