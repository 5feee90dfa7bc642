"""The writes of the audit log's pages: an export of the log is itself audited, and so is every read of the
log by an 审计管理员 (their reads are what others audit)."""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from gongkai.agencies.models import Agency, Membership, Role
from gongkai.auditlog import permissions
from gongkai.auditlog.selectors import Filters
from gongkai.core.actors import Actor, user_of
from gongkai.core.audit import record_audit

AUDIT_EXPORTED = "audit.exported"
AUDIT_VIEWED = "audit.viewed"


def refusal() -> str:
    return _("只有信息公开工作机构负责人、管理员、政务公开办、审计管理员或安全管理员可以查看审计日志。")


def record_export(
    *, actor: Actor, counts: Mapping[int | None, int], filters: Filters, file_format: str
) -> None:
    """Audit an export of events (``counts``: how many of each agency): one event for each agency whose
    events it holds (so that each agency's log shows who took it), or one for the agency filtered on (or
    none) when it is empty."""
    if actor is None or not permissions.can_read(actor):
        raise PermissionDenied(refusal())
    counts = dict(counts) or {filters.agency: 0}
    agencies = Agency.objects.in_bulk([pk for pk in counts if pk is not None])
    with transaction.atomic():
        for agency_id, count in sorted(counts.items(), key=lambda c: c[0] or 0):
            agency = agencies.get(agency_id) if agency_id is not None else None
            record_audit(
                actor,
                AUDIT_EXPORTED,
                agency=agency,
                count=count,
                format=file_format,
                filters=filters.as_details(),
            )


def record_read(*, actor: Actor, filters: Filters, page: int, shown: int) -> None:
    """Audit a read of the log by an 审计管理员 (at the agency where they hold the role); others' reads are
    not recorded (they read their own agency's events as part of their work)."""
    user = user_of(actor)
    if user is None or not permissions.is_audit_administrator(user):
        return
    held = (
        Membership.objects.filter(user_id=user.pk, role=Role.AUDIT_ADMINISTRATOR)
        .select_related("agency")
        .order_by("agency__path")
        .first()
    )
    record_audit(
        actor,
        AUDIT_VIEWED,
        agency=held.agency if held is not None else None,
        filters=filters.as_details(),
        page=page,
        shown=shown,
    )
