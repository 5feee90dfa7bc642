"""The deadline a 政务公开办 sets for the townships below it."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext

from gongkai.agencies.models import Agency
from gongkai.annual import permissions
from gongkai.annual.models import LocalDeadline
from gongkai.annual.services.common import ReportError
from gongkai.core.actors import Actor, user_of
from gongkai.core.audit import record_audit


def set_local_deadline(
    *, actor: Actor, supervisor_agency: Agency, year: int, deadline: datetime.date
) -> LocalDeadline:
    """The deadline for the townships below ``supervisor_agency`` (第四十九条 is silent on them)."""
    if actor is None or not permissions.can_supervise(actor, supervisor_agency):
        raise PermissionDenied(gettext("只有政务公开办可以设定乡镇、街道的年度报告期限。"))
    if not (datetime.date(year + 1, 1, 1) <= deadline <= datetime.date(year + 1, 12, 31)):
        raise ReportError(
            {
                "deadline": gettext("%(year)s年度报告的期限应在%(next)s年内。")
                % {"year": year, "next": year + 1}
            }
        )
    with transaction.atomic():
        local, _created = LocalDeadline.objects.update_or_create(
            supervisor_agency=supervisor_agency,
            year=year,
            defaults={"deadline": deadline, "set_by": user_of(actor)},
        )
        record_audit(
            actor,
            "annual.local_deadline_set",
            local,
            agency=supervisor_agency,
            year=year,
            deadline=deadline.isoformat(),
        )
    return local
