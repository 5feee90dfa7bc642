"""The one write of the audit log's pages: an export of the log is itself audited."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from gongkai.agencies.models import Agency
from gongkai.auditlog import permissions
from gongkai.auditlog.selectors import Filters
from gongkai.core.actors import Actor
from gongkai.core.audit import record_audit
from gongkai.core.models import AuditEvent

AUDIT_EXPORTED = "audit.exported"


def record_export(*, actor: Actor, events: Sequence[AuditEvent], filters: Filters, file_format: str) -> None:
    """Audit an export of ``events``: one event for each agency whose events it holds (so that each
    agency's log shows who took it), or one for the agency filtered on (or none) when it is empty."""
    if actor is None or not permissions.can_read(actor):
        raise PermissionDenied(_("只有信息公开工作机构负责人、管理员或政务公开办可以查看审计日志。"))
    counts: dict[int | None, int] = {}
    for event in events:
        counts[event.agency_id] = counts.get(event.agency_id, 0) + 1
    if not counts:
        counts[filters.agency] = 0
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
