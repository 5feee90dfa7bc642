"""The applicant's personal data, shown to or taken away by the agency's staff; every view, letter
download and export of it is audited."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.agencies.models import Agency
from gongkai.applications import permissions
from gongkai.applications.models import Application, Letter
from gongkai.core.actors import Actor, user_of
from gongkai.core.audit import record_audit
from gongkai.core.models import AuditEvent

#: The audit codes of this module (labels: gongkai.auditlog.labels).
APPLICANT_VIEWED = "application.applicant_viewed"
CASE_VIEWED = "application.viewed"
#: A person's views of one case page are recorded at most once in this time (the page names the applicant;
#: a view per reload would bury the log): the first view, then again after the interval.
CASE_VIEW_INTERVAL = datetime.timedelta(hours=1)
LETTER_DOWNLOADED = "letter.downloaded"
CASES_EXPORTED = "application.cases_exported"


def reveal_applicant(*, actor: Actor, application: Application) -> dict[str, str]:
    """The applicant's personal data for the agency's staff; every view is audited."""
    if actor is None or not permissions.can_see_applicant(actor, application):
        raise PermissionDenied(_("只有本机关的工作人员可以查看申请人的个人信息。"))
    record_audit(actor, APPLICANT_VIEWED, application)
    return {
        "id_type": application.get_id_type_display(),
        "id_number": application.id_number,
        "phone": application.phone,
        "email": application.email,
        "address": application.address,
        "postcode": application.postcode,
        "contact_person": application.contact_person,
    }


def record_case_view(*, actor: Actor, application: Application) -> bool:
    """Audit that ``actor`` opened the case page (it shows the applicant's name), at most once per person,
    case and :data:`CASE_VIEW_INTERVAL` (the check reads the audit log itself, shared by every process).
    Returns whether an event was recorded."""
    user = user_of(actor)
    if user is None or not permissions.can_view(user, application):
        raise PermissionDenied(_("您无权查看该申请。"))
    recent = AuditEvent.objects.filter(
        object_type=application._meta.label_lower,
        object_id=str(application.pk),
        action=CASE_VIEWED,
        actor_id=user.pk,
        created_at__gte=timezone.now() - CASE_VIEW_INTERVAL,
    )
    if recent.exists():
        return False
    record_audit(actor, CASE_VIEWED, application)
    return True


def download_letter(*, actor: Actor, application: Application, letter: Letter) -> Letter:
    """A letter as issued, for the agency's staff (it names the applicant and their address); audited."""
    if actor is None or not permissions.can_see_applicant(actor, application):
        raise PermissionDenied(_("文书含有申请人的个人信息，只有本机关的工作人员可以下载。"))
    if letter.application_id != application.pk:
        raise PermissionDenied(_("该文书不属于本申请。"))
    record_audit(actor, LETTER_DOWNLOADED, letter, agency=application.agency, kind=letter.kind, by="staff")
    return letter


def record_applicant_download(*, application: Application, letter: Letter) -> None:
    """The applicant downloaded a letter of their own case from the public status page (the tracking code
    and secret were checked by the caller); audited with no actor."""
    record_audit(None, LETTER_DOWNLOADED, letter, agency=application.agency, kind=letter.kind, by="applicant")


def record_case_export(*, actor: Actor, cases: QuerySet[Application], filters: dict[str, Any]) -> int:
    """Audit an export of ``cases`` (it holds the applicants' names): one event per agency whose cases
    it contains, with their number and the filters. Returns the number of cases."""
    counts = dict(cases.order_by().values_list("agency_id").annotate(n=Count("pk")))
    agencies = Agency.objects.in_bulk(list(counts))
    with transaction.atomic():
        for agency_id, count in sorted(counts.items()):
            record_audit(actor, CASES_EXPORTED, agencies[agency_id], count=count, filters=filters)
    return sum(counts.values())
