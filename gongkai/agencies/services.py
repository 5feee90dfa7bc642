"""Write services for agencies and memberships. Each validates, writes and audits atomically."""

from __future__ import annotations

from typing import cast

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext

from gongkai.agencies.models import Agency, AgencyKind, Membership, Role, SignOffPolicy
from gongkai.agencies.permissions import can_edit_signoff
from gongkai.core.audit import record_audit

# Audit action codes (stable once released).
AGENCY_CREATED = "agency.created"
AGENCY_CHANGED = "agency.changed"
AGENCY_DELETED = "agency.deleted"
MEMBERSHIP_ADDED = "membership.added"
MEMBERSHIP_CHANGED = "membership.changed"
MEMBERSHIP_REMOVED = "membership.removed"


def create_agency(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    name: str,
    short_code: str,
    kind: AgencyKind | str,
    parent: Agency | None = None,
    uscc: str = "",
    **contact: str,
) -> Agency:
    """Create an agency after full validation and record ``agency.created``.

    ``contact`` takes the 指南 contact fields (``office_name``, ``office_address``,
    ``office_hours``, ``phone``, ``fax``, ``website``, ``email``, ``postcode``).
    Raises :class:`django.core.exceptions.ValidationError` on invalid input.
    """
    unknown = set(contact) - set(Agency.CONTACT_FIELDS)
    if unknown:
        raise TypeError(f"create_agency() got unexpected fields: {', '.join(sorted(unknown))}")
    agency = Agency(name=name, short_code=short_code, kind=kind, parent=parent, uscc=uscc, **contact)
    with transaction.atomic():
        agency.full_clean()
        agency.save()
        record_audit(
            actor,
            AGENCY_CREATED,
            agency,
            name=agency.name,
            short_code=agency.short_code,
            kind=agency.kind,
            parent_id=agency.parent_id,
        )
    return agency


def add_membership(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    user: AbstractBaseUser,
    agency: Agency,
    role: Role | str,
) -> Membership:
    """Give ``user`` ``role`` at ``agency`` and record ``membership.added``.

    Raises :class:`django.core.exceptions.ValidationError` if the role is unknown or the user
    already holds it there.
    """
    membership = Membership(user=cast(User, user), agency=agency, role=role)
    with transaction.atomic():
        membership.full_clean()
        membership.save()
        record_audit(
            actor,
            MEMBERSHIP_ADDED,
            membership,
            agency=agency,
            user_id=user.pk,
            username=user.get_username(),
            role=membership.role,
        )
    return membership


SIGNOFF_CHANGED = "agency.signoff_changed"


def set_signoff_policy(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    agency: Agency,
    answers: str,
    extensions: str,
    annual_report: str,
) -> SignOffPolicy:
    """Change how ``agency`` signs off answers, extensions and its annual report (D15); audited with the
    values before and after. Only the agency's administrator or office head (or a superuser) may."""
    if actor is None or not can_edit_signoff(actor, agency):
        raise PermissionDenied(gettext("只有本机关的管理员或信息公开工作机构负责人可以修改签发设置。"))
    with transaction.atomic():
        policy = SignOffPolicy.objects.select_for_update().filter(agency=agency).first() or SignOffPolicy(
            agency=agency
        )
        before = {
            "answers": policy.answers,
            "extensions": policy.extensions,
            "annual_report": policy.annual_report,
        }
        policy.answers, policy.extensions, policy.annual_report = answers, extensions, annual_report
        policy.updated_by = cast(User, actor) if actor.is_authenticated else None
        policy.full_clean()
        policy.save()
        after = {
            "answers": policy.answers,
            "extensions": policy.extensions,
            "annual_report": policy.annual_report,
        }
        record_audit(actor, SIGNOFF_CHANGED, policy, agency=agency, before=before, after=after)
    return policy
