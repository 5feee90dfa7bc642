"""An entry's files: what may be attached (sniffed kind, extension, size, count), adding and removing."""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from gongkai.catalogue import indexing, workflow
from gongkai.catalogue.content import CatalogueError
from gongkai.catalogue.models import Attachment, Item, Reading
from gongkai.catalogue.services.common import lock, record_event, require
from gongkai.catalogue.services.reading import start_reading
from gongkai.core.actors import Actor
from gongkai.core.audit import record_audit
from gongkai.core.i18n import render, render_lazy
from gongkai.documents import uploads

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
MAX_ATTACHMENTS = 20
#: What may be uploaded is one policy for every app: :mod:`gongkai.documents.uploads`.
ALLOWED_EXTENSIONS = uploads.ALLOWED_EXTENSIONS
KIND_LABELS: dict[str, Any] = {kind: render_lazy(label) for kind, label in uploads.KIND_LABELS.items()}
CONTENT_TYPES = uploads.CONTENT_TYPES
clean_filename = uploads.clean_filename


def check_file(filename: str, data: bytes) -> tuple[str, str]:
    """The file's clean name and sniffed kind, or a :class:`CatalogueError` saying what is wrong."""
    try:
        checked = uploads.check_upload(
            filename, data, max_bytes=MAX_ATTACHMENT_BYTES, kinds=uploads.ATTACHMENT_KINDS
        )
    except uploads.UploadRefused as exc:
        text = "".join(render(message) for message in exc.messages)
        raise CatalogueError({"file": [text]}, code=exc.code) from exc
    return checked.name, checked.kind


def add_attachment(*, actor: Actor, item: Item, filename: str, data: bytes) -> Attachment:
    """Attach a PDF, OFD, Word (.docx, .doc, .wps), Excel, image or zip file (≤ 20 MB, ≤ 20 per entry).

    The file is stored unread and the answer comes at once: its text is extracted and scanned by a job
    (:func:`gongkai.catalogue.services.reading.start_reading`) started when this transaction commits.
    """
    with transaction.atomic():
        item = lock(item)
        require(actor, item, workflow.EDIT)  # the permission first, then the file's checks
        name, kind = check_file(filename, data)
        digest = hashlib.sha256(data).hexdigest()
        if item.attachments.count() >= MAX_ATTACHMENTS:
            raise CatalogueError(
                {"file": [gettext("每个条目最多 %(max)s 个附件。") % {"max": MAX_ATTACHMENTS}]},
                code="too_many_files",
            )
        duplicate = item.attachments.filter(sha256=digest).values_list("filename", flat=True).first()
        if duplicate is not None:
            raise CatalogueError(
                {"file": [gettext("该文件已经上传过（“%(name)s”）。") % {"name": duplicate}]},
                code="duplicate_file",
            )
        attachment = Attachment(
            item=item,
            filename=name,
            kind=kind,
            content_type=uploads.content_type(kind, data),
            size=len(data),
            sha256=digest,
            reading=Reading.PENDING,
        )
        attachment.store_bytes(data)
        attachment.save()
        start_reading(actor=actor, item=item, attachment=attachment)
        details: dict[str, Any] = {
            "attachment_id": attachment.pk,
            "filename": name,
            "kind": kind,
            "size": len(data),
        }
        record_event(
            item, "attachment_add", actor, from_status=item.status, data={**details, "sha256": digest}
        )
        record_audit(actor, "catalogue.attachment_added", item, **details, sha256=digest)
        Item.objects.filter(pk=item.pk).update(updated_at=timezone.now())
        indexing.reindex(item)
    return attachment


def remove_attachment(*, actor: Actor, attachment: Attachment) -> None:
    """Remove a file from a draft or returned entry (to replace it, e.g. by a masked version)."""
    with transaction.atomic():
        item = lock(attachment.item)
        require(actor, item, workflow.EDIT)
        current = (
            item.attachments.filter(pk=attachment.pk)
            .only("id", "filename", "sha256", "file", "original_file")
            .first()
        )
        if current is None:
            raise CatalogueError(gettext("该附件已经删除。"), code="gone")
        details: dict[str, Any] = {"attachment_id": current.pk, "filename": current.filename}
        current.delete()  # its stored file goes once this commits (core.storage)
        record_event(
            item,
            "attachment_remove",
            actor,
            from_status=item.status,
            data={**details, "sha256": current.sha256},
        )
        record_audit(actor, "catalogue.attachment_removed", item, **details)
        Item.objects.filter(pk=item.pk).update(updated_at=timezone.now())
        indexing.reindex(item)
