"""The retention rule for applicants' personal data (个人信息保护法 第十九条、第四十七条): a closed case's
personal data is erased once ``GONGKAI_PERSONAL_DATA_RETENTION_DAYS`` have passed since it closed
(``gongkai pii purge``, run daily by a timer; docs/decisions.md "D20").

Erased: the applicant's name (replaced by :data:`ERASED_NAME`), identity number and its digest, contact
person, phone, e-mail, address and postcode; the personal values a correction (更正) kept in its event;
the text and .docx of the case's letters (they name the applicant and their address); the content of the
case file's materials (the stored files are deleted); the recipients of deliveries. Kept: everything the
annual report and the statistics count — agency, reference, applicant type, identity type, channel,
dates, 件数, outcome, the events, the letters' numbers and kinds, the materials' names, sizes and
SHA-256 — and the request's description. A case with an appeal not yet concluded is kept until it is.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Exists, F, OuterRef, QuerySet
from django.db.models.functions import Coalesce, Now

from gongkai.applications import queue_cache
from gongkai.applications.amendments import PERSONAL_FIELDS
from gongkai.applications.models import (
    Appeal,
    Application,
    CaseAttachment,
    CaseEvent,
    EventKind,
    Letter,
    LetterDelivery,
    Status,
)
from gongkai.core.audit import record_audit
from gongkai.core.storage import delete_on_commit

PERSONAL_DATA_ERASED = "application.personal_data_erased"
#: What an erased applicant's name becomes.
ERASED_NAME = "（已删除）"


@dataclass(frozen=True)
class Erased:
    """What one case's erasure removed (counts only: no value is kept or logged)."""

    letters: int
    attachments: int
    corrections: int
    deliveries: int


def due_for_erasure(today: datetime.date, days: int) -> QuerySet[Application]:
    """Closed cases answered more than ``days`` days before ``today`` whose personal data is still kept
    and that have no appeal still running."""
    cutoff = today - datetime.timedelta(days=days)
    running_appeal = Appeal.objects.filter(application=OuterRef("pk"), concluded_on__isnull=True)
    return (
        Application.objects.filter(
            status=Status.CLOSED, answered_on__lt=cutoff, personal_data_erased_on__isnull=True
        )
        .exclude(Exists(running_appeal))
        .order_by("answered_on", "pk")
    )


def _erase_corrections(application: Application) -> int:
    """Blank the personal values kept by the case's corrections. Events are append-only; this is the one
    change the law asks of them (删除), made on the base manager and audited with the case."""
    count = 0
    for event in CaseEvent.objects.filter(application=application, kind=EventKind.DETAILS_CORRECTED):
        data = dict(event.data)
        for side in ("old", "new"):
            values = dict(data.get(side) or {})
            for field in PERSONAL_FIELDS & set(values):
                values[field] = ""
            data[side] = values
        if data != event.data:
            CaseEvent._base_manager.filter(pk=event.pk).update(data=data)
            count += 1
    return count


def _erase_files(rows: QuerySet[Any], **blank: Any) -> int:
    """Empty the rows' stored files (each deleted from the storage once this commits) and ``blank``."""
    for row in rows.only("pk", "file"):
        delete_on_commit(row.file.storage, row.file.name or "")
    return rows.update(file="", **blank)


def erase_personal_data(application: Application, *, today: datetime.date) -> Erased | None:
    """Erase one case's personal data (see the module docstring); ``None`` if already erased."""
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        if application.personal_data_erased_on is not None:
            return None
        for field in ("id_number", "contact_person", "phone", "email", "address", "postcode"):
            setattr(application, field, "")
        application.applicant_name = ERASED_NAME
        application.personal_data_erased_on = today
        # The officer queue's cached fragments name applicants: none may outlive the erasure.
        transaction.on_commit(queue_cache.clear)
        application.save(
            update_fields=[
                "applicant_name",
                "id_number",
                "contact_person",
                "phone",
                "email",
                "address",
                "postcode",
                "personal_data_erased_on",
                "updated_at",
            ]
        )
        # A letter not rendered yet is never rendered now: its layout goes too, and it counts as made.
        letters = _erase_files(
            Letter.objects.filter(application=application),
            text="",
            layout="",
            rendered_at=Coalesce(F("rendered_at"), Now()),
        )
        attachments = _erase_files(CaseAttachment.objects.filter(application=application))
        deliveries = LetterDelivery.objects.filter(letter__application=application).update(recipient="")
        corrections = _erase_corrections(application)
        erased = Erased(letters, attachments, corrections, deliveries)
        record_audit(
            None,
            PERSONAL_DATA_ERASED,
            application,
            answered_on=application.answered_on.isoformat() if application.answered_on else None,
            letters=letters,
            attachments=attachments,
            corrections=corrections,
            deliveries=deliveries,
        )
    return erased


def purge(*, today: datetime.date, days: int) -> list[Application]:
    """Erase the personal data of every case due for it; returns the cases erased now. Idempotent."""
    if days <= 0:
        return []
    erased = []
    for application in due_for_erasure(today, days).iterator():
        if erase_personal_data(application, today=today) is not None:
            erased.append(application)
    return erased
