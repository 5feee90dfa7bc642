"""The applicant's personal data, shown to the agency's staff; every view is audited."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from gongkai.applications import permissions
from gongkai.applications.models import Application
from gongkai.core.actors import Actor
from gongkai.core.audit import record_audit


def reveal_applicant(*, actor: Actor, application: Application) -> dict[str, str]:
    """The applicant's personal data for the agency's staff; every view is audited."""
    if actor is None or not permissions.can_see_applicant(actor, application):
        raise PermissionDenied(_("只有本机关的工作人员可以查看申请人的个人信息。"))
    record_audit(actor, "application.applicant_viewed", application)
    return {
        "id_type": application.get_id_type_display(),
        "id_number": application.id_number,
        "phone": application.phone,
        "email": application.email,
        "address": application.address,
        "postcode": application.postcode,
        "contact_person": application.contact_person,
    }
