"""What the case page's 案卷 section shows (attachments, deliveries, 待送达) and the case file's events in
words. Reads go through :mod:`gongkai.applications.selectors`; nothing here writes."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from gongkai.applications import permissions, selectors
from gongkai.applications.forms_case_file import AttachmentUploadForm, DeliveryForm
from gongkai.applications.models import (
    Application,
    AttachmentKind,
    CaseAttachment,
    DeliveryMethod,
    Letter,
    LetterDelivery,
)


def attachment_kind_label(kind: str) -> str:
    return str(AttachmentKind(kind).label) if kind in AttachmentKind.values else kind


def delivery_method_label(method: str) -> str:
    return str(DeliveryMethod(method).label) if method in DeliveryMethod.values else method


# --- The timeline: the case file's events in words ------------------------------------------------


def describe_attachment_added(data: dict[str, Any]) -> list[str]:
    """The kind and size only: a file's name may name the applicant, and the timeline is shown to the
    supervisors too (the names are in the 案卷 section, for the agency's staff)."""
    size = data.get("size")
    return [
        _("%(kind)s（%(size)s）")
        % {
            "kind": attachment_kind_label(str(data.get("kind", ""))),
            "size": filesizeformat(size) if isinstance(size, int) else "—",
        }
    ]


def describe_attachment_removed(data: dict[str, Any]) -> list[str]:
    return [
        _("移除一份%(kind)s（文件仍保存备查）") % {"kind": attachment_kind_label(str(data.get("kind", "")))}
    ]


def describe_delivery(data: dict[str, Any]) -> list[str]:
    lines = [
        f"{data.get('title', '')} {data.get('number', '')}".strip(),
        _("送达方式：%(method)s") % {"method": delivery_method_label(str(data.get("method", "")))},
    ]
    if data.get("tracking_number"):
        lines.append(_("邮件单号：%(number)s") % {"number": data["tracking_number"]})
    return lines


# --- The case page's section ----------------------------------------------------------------------


@dataclass
class LetterRow:
    letter: Letter
    deliveries: list[LetterDelivery] = field(default_factory=list)

    @property
    def delivered(self) -> bool:
        return bool(self.deliveries)


@dataclass
class CaseFile:
    """The 案卷 section: ``may_see`` (the files and their names: the agency's staff), ``may_act``."""

    may_see: bool
    may_act: bool
    attachments: list[CaseAttachment]
    letters: list[LetterRow]
    awaiting_delivery: bool
    upload_form: AttachmentUploadForm | None = None
    delivery_form: DeliveryForm | None = None

    @property
    def kept(self) -> list[CaseAttachment]:
        return [a for a in self.attachments if not a.removed]

    @property
    def removed(self) -> list[CaseAttachment]:
        return [a for a in self.attachments if a.removed]


def letter_rows(application: Application) -> list[LetterRow]:
    """Each letter of the case with its deliveries."""
    by_letter: dict[int, list[LetterDelivery]] = defaultdict(list)
    for delivery in selectors.deliveries_of(application):
        by_letter[delivery.letter_id].append(delivery)
    letters = application.letters.defer("text", "layout").order_by("issued_on", "pk")
    return [LetterRow(letter, by_letter.get(letter.pk, [])) for letter in letters]


def section(
    user: AbstractBaseUser | AnonymousUser,
    application: Application,
    *,
    bound_upload: AttachmentUploadForm | None = None,
    bound_delivery: DeliveryForm | None = None,
) -> CaseFile:
    may_act = permissions.can_act(user, application)
    rows = letter_rows(application)
    return CaseFile(
        may_see=permissions.can_see_applicant(user, application),
        may_act=may_act,
        attachments=list(selectors.attachments_of(application)),
        letters=rows,
        awaiting_delivery=selectors.answer_awaiting_delivery(application),
        upload_form=(bound_upload or AttachmentUploadForm()) if may_act else None,
        delivery_form=(bound_delivery or DeliveryForm(application=application)) if may_act and rows else None,
    )
