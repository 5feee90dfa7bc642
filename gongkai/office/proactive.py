"""依申请公开转主动公开 (条例 第四十四条): from an answered application case that released information, one
click proposes that information as a draft of the agency's proactive-disclosure catalogue.

It reads the applications app and writes through the catalogue's services, so it sits in the office layer
above both (the feature apps never import each other). The draft carries what was asked for and released
— the requested information's description (the applicant's own name, contact person, phone, e-mail,
address and identity number taken out where the description repeats them) and the answer's enclosures
(答复附件, the released documents) — and never the applicant's identity; the link to the case is kept
internally (``Item.source_application_id``, shown to staff only). The draft then goes through the usual
scan, confidentiality review and approval before anything is published.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gongkai.applications import permissions as application_permissions
from gongkai.applications import selectors as application_selectors
from gongkai.applications.models import Application, AttachmentKind
from gongkai.catalogue import services as catalogue_services
from gongkai.catalogue.models import Item, ItemKind, Topic
from gongkai.core.actors import Actor
from gongkai.core.audit import record_audit

#: The longest title taken from a request's description (the catalogue allows 300 characters).
TITLE_CHARS = 120
_MASK = "***"


@dataclass(frozen=True)
class Proposal:
    item: Item
    #: Enclosures that could not be copied (a type the catalogue does not take …), with the reason.
    skipped: list[tuple[str, str]]


def _without_applicant(text: str, application: Application) -> str:
    """``text`` with the applicant's own data taken out wherever it is repeated in it."""
    for value in (
        application.applicant_name,
        application.contact_person,
        application.phone,
        application.email,
        application.address,
        application.id_number,
    ):
        value = (value or "").strip()
        if len(value) >= 2:
            text = text.replace(value, _MASK)
    return text


def _title(description: str) -> str:
    line = " ".join(description.split())
    if len(line) > TITLE_CHARS:
        line = line[: TITLE_CHARS - 1] + "…"
    return line


def propose_from_application(*, actor: Actor, application: Application) -> Proposal:
    """A catalogue draft of the information ``application`` released (第四十四条), by an officer who may
    act on the case and draft at its agency. One draft per case: a second click is refused."""
    if actor is None or not application_permissions.can_act(actor, application):
        raise PermissionDenied(_("只有本机关的办理人员可以把申请公开的信息转为主动公开。"))
    if not application_selectors.released_information(application):
        raise ValidationError(
            _("只有已答复“予以公开”或“部分公开”的申请，才能把所公开的信息转为主动公开（条例第四十四条）。"),
            code="not_released",
        )
    existing = Item.objects.filter(source_application_id=application.pk).first()
    if existing is not None:
        raise ValidationError(
            _("本案公开的信息已生成过主动公开目录草稿（“%(title)s”），请在主动公开条目中继续办理。")
            % {"title": existing.title},
            code="already_proposed",
        )
    description = _without_applicant(application.description, application)
    data = {
        "kind": ItemKind.INFORMATION,
        "title": _title(description) or _("依申请公开转主动公开的信息"),
        "written_on": application.answered_on,
        "summary": _("依申请公开的政府信息，拟依照条例第四十四条转为主动公开。所需信息：%(what)s")
        % {"what": _title(description)},
        "topic": Topic.FROM_REQUESTS,
    }
    skipped: list[tuple[str, str]] = []
    with transaction.atomic():
        item = catalogue_services.create_draft(
            actor=actor, agency=application.agency, data=data, source_application_id=application.pk
        )
        enclosures = application_selectors.attachments_of(application).filter(
            kind=AttachmentKind.ENCLOSURE, removed_at__isnull=True
        )
        for enclosure in enclosures:
            try:
                with transaction.atomic():
                    catalogue_services.add_attachment(
                        actor=actor, item=item, filename=enclosure.filename, data=enclosure.read_bytes()
                    )
            except ValidationError as exc:
                skipped.append((enclosure.filename, " ".join(exc.messages)))
        record_audit(
            actor,
            "catalogue.proposed_from_application",
            item,
            application=application.pk,
            reference=application.reference,
            attachments=enclosures.count() - len(skipped),
        )
    return Proposal(item, skipped)
