"""Who may see and work on catalogue entries before they are public.

* The agency's staff (信息员, 审核人, 分管领导, 信息公开工作机构负责人, 管理员) see all its entries,
  drafts too.
* Only the 信息员 drafts, edits, submits, publishes and withdraws; only the 审核人 does the
  confidentiality review; only the 分管领导 approves (the table is :mod:`gongkai.catalogue.workflow`).
* Roles count at exactly the entry's agency: nobody sees or acts on another agency's drafts (a
  政务公开办 above it included), and another agency's entry is "not found", never "forbidden".
* Superusers see and do everything (they run the site).
* The sensitive-word list of an agency is kept by its 信息员, 审核人 and 管理员; the site-wide list by
  superusers.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from gongkai.agencies.models import Agency, Membership, Role
from gongkai.agencies.permissions import agencies_with_role
from gongkai.catalogue import workflow
from gongkai.catalogue.models import Item, SensitiveWord

User = AbstractBaseUser | AnonymousUser

#: Roles that act in the workflow.
ACTING_ROLES: tuple[str, ...] = (workflow.OFFICER, workflow.REVIEWER, workflow.LEADER)
#: Roles that see the agency's entries (drafts included).
VIEW_ROLES: tuple[str, ...] = (*ACTING_ROLES, Role.OFFICE_HEAD.value, Role.ADMINISTRATOR.value)
#: Roles that keep the agency's sensitive-word list.
WORD_ROLES: tuple[str, ...] = (workflow.OFFICER, workflow.REVIEWER, Role.ADMINISTRATOR.value)


def is_superuser(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and getattr(user, "is_superuser", False))


def roles_at(user: User, agency_id: int) -> frozenset[str]:
    """The roles ``user`` holds at exactly the agency (none for anonymous or inactive users)."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    return frozenset(
        Membership.objects.filter(user_id=user.pk, agency_id=agency_id).values_list("role", flat=True)
    )


def agencies_with_roles(user: User, roles: tuple[str, ...]) -> QuerySet[Agency]:
    """Agencies where ``user`` holds any of ``roles`` (every agency for a superuser)."""
    return agencies_with_role(user, roles)


def staff_agencies(user: User) -> QuerySet[Agency]:
    """Agencies whose entries ``user`` sees in the workspace."""
    return agencies_with_roles(user, VIEW_ROLES)


def drafting_agencies(user: User) -> QuerySet[Agency]:
    """Agencies for which ``user`` may create entries (信息员)."""
    return agencies_with_roles(user, (workflow.OFFICER,))


def word_agencies(user: User) -> QuerySet[Agency]:
    """Agencies whose sensitive-word list ``user`` keeps."""
    return agencies_with_roles(user, WORD_ROLES)


#: Who chooses the 基层政务公开标准目录 areas the agency's column shows: its 管理员.
AREA_ROLES: tuple[str, ...] = (Role.ADMINISTRATOR.value,)


def area_agencies(user: User) -> QuerySet[Agency]:
    """Agencies whose column's standard-catalogue areas ``user`` chooses."""
    return agencies_with_roles(user, AREA_ROLES)


def can_choose_areas(user: User, agency: Agency) -> bool:
    return is_superuser(user) or bool(roles_at(user, agency.pk) & set(AREA_ROLES))


def items_visible_to(user: User) -> QuerySet[Item]:
    """The entries ``user`` sees in the workspace, as a plain ``agency_id IN (...)`` query."""
    if is_superuser(user):
        return Item.objects.all()
    ids = sorted(staff_agencies(user).values_list("pk", flat=True))
    return Item.objects.filter(agency_id__in=ids) if ids else Item.objects.none()


def can_view(user: User, item: Item) -> bool:
    return is_superuser(user) or bool(roles_at(user, item.agency_id) & set(VIEW_ROLES))


def can_act(user: User, agency: Agency) -> bool:
    """Whether ``user`` has any workflow role at ``agency`` (what they may do depends on the state)."""
    return is_superuser(user) or bool(roles_at(user, agency.pk) & set(ACTING_ROLES))


def can_manage_words(user: User, agency: Agency | None) -> bool:
    """The agency's list: its 信息员, 审核人, 管理员; the site-wide list (``None``): superusers."""
    if is_superuser(user):
        return True
    if agency is None:
        return False
    return bool(roles_at(user, agency.pk) & set(WORD_ROLES))


def words_visible_to(user: User) -> QuerySet[SensitiveWord]:
    """The agencies' lists ``user`` keeps, and the site-wide list (read-only unless superuser)."""
    if is_superuser(user):
        return SensitiveWord.objects.all()
    ids = sorted(word_agencies(user).values_list("pk", flat=True))
    return SensitiveWord.objects.filter(agency_id__in=ids) | SensitiveWord.objects.filter(agency__isnull=True)
