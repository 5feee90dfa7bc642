"""The case file (案卷): the files kept on a case, reading them, and the whole file exported as one .zip.

* :func:`add_attachment` — the case's officers (信息员, 工作机构负责人) upload a file of one of the
  :class:`~gongkai.applications.models.AttachmentKind` s; what may be uploaded is the one policy of
  :mod:`gongkai.documents.uploads` (sniffed kind, matching extension, ≤ 20 MB, a .docx/.xlsx held to the zip
  guard). The bytes are kept in the database, as the catalogue keeps its attachments.
* :func:`remove_attachment` — never a deletion: the file is marked removed with who, when and why, and the
  bytes stay for the record (they may be evidence in a reconsideration or a lawsuit).
* :func:`read_attachment` and :func:`export_case_file` — the files hold personal data: the agency's staff
  only (as the letters), and every read is audited.

Each write locks the case row, appends a :class:`~gongkai.applications.models.CaseEvent` (none of which moves
the clock) and records an audit event in the same transaction.
"""

from __future__ import annotations

import hashlib
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.applications import case_export, permissions
from gongkai.applications.errors import CaseError
from gongkai.applications.models import (
    MAX_CASE_ATTACHMENT_BYTES,
    MAX_REMOVAL_REASON_CHARS,
    Application,
    AttachmentKind,
    CaseAttachment,
    EventKind,
)
from gongkai.applications.services.common import append_event, lock, require_act
from gongkai.core.actors import Actor, display_name, user_of
from gongkai.core.audit import record_audit
from gongkai.core.i18n import render
from gongkai.documents import uploads
from gongkai.documents.zipguard import ZipLimits

MAX_CASE_ATTACHMENTS = 100
#: A .docx or .xlsx of the case file: the Office limits, and no member inflating more than 100 times.
CASE_FILE_ZIP_LIMITS = ZipLimits(
    max_members=10_000,
    max_total_bytes=200 * 1024 * 1024,
    max_xml_bytes=50 * 1024 * 1024,
    max_ratio=100.0,
)


def require_staff(actor: Actor, application: Application) -> None:
    """The case's files name the applicant: the agency's staff only (supervisors see the list's size)."""
    if actor is None or not permissions.can_see_applicant(actor, application):
        raise PermissionDenied(_("案卷材料含有申请人的个人信息，只有本机关的工作人员可以下载。"))


def check_attachment(filename: str, data: bytes) -> uploads.CheckedUpload:
    """The upload's clean name and kind, or a :class:`CaseError` saying what is wrong and how to fix it."""
    try:
        return uploads.check_upload(
            filename, data, max_bytes=MAX_CASE_ATTACHMENT_BYTES, zip_limits=CASE_FILE_ZIP_LIMITS
        )
    except uploads.UploadRefused as exc:
        text = "".join(render(message) for message in exc.messages)
        raise CaseError({"file": [ValidationError(text, code=exc.code)]}, code=exc.code) from exc


def add_attachment(
    *, actor: Actor, application: Application, kind: str, filename: str, data: bytes
) -> CaseAttachment:
    """Keep a file on the case (the case's officers); audited with its SHA-256."""
    require_act(actor, application)
    if kind not in AttachmentKind.values:
        raise CaseError({"kind": [_("请选择材料类别。")]}, code="bad_kind")
    checked = check_attachment(filename, data)
    digest = hashlib.sha256(data).hexdigest()
    user = user_of(actor)
    with transaction.atomic():
        application = lock(application)
        kept = application.attachments.filter(removed_at__isnull=True)
        if kept.count() >= MAX_CASE_ATTACHMENTS:
            raise CaseError(
                {"file": [_("每个案件最多 %(max)s 个案卷材料。") % {"max": MAX_CASE_ATTACHMENTS}]},
                code="too_many_files",
            )
        duplicate = kept.filter(sha256=digest).values_list("filename", flat=True).first()
        if duplicate is not None:
            raise CaseError(
                {"file": [_("该文件已经上传过（“%(name)s”）。") % {"name": duplicate}]},
                code="duplicate_file",
            )
        attachment = CaseAttachment(
            application=application,
            kind=kind,
            filename=checked.name,
            file_kind=checked.kind,
            content_type=checked.content_type,
            size=len(data),
            sha256=digest,
            uploaded_by=user,
            uploaded_by_label=display_name(user),
        )
        attachment.store_bytes(data)
        attachment.save()
        details: dict[str, Any] = {
            "attachment_id": attachment.pk,
            "kind": kind,
            "filename": checked.name,
            "size": len(data),
            "sha256": digest,
        }
        append_event(application, EventKind.ATTACHMENT_ADDED, timezone.localdate(), actor, details)
        record_audit(actor, "application.attachment_added", application, **details)
    return attachment


def remove_attachment(*, actor: Actor, attachment: CaseAttachment, reason: str) -> CaseAttachment:
    """Take a file out of the case file, with a reason; the bytes are kept for the record."""
    require_act(actor, attachment.application)
    reason = reason.strip()
    if not reason:
        raise CaseError({"reason": [_("请写明移除该材料的理由。")]}, code="no_reason")
    if len(reason) > MAX_REMOVAL_REASON_CHARS:
        raise CaseError(
            {"reason": [_("理由最多 %(max)s 个字，请精简后再提交。") % {"max": MAX_REMOVAL_REASON_CHARS}]},
            code="reason_too_long",
        )
    user = user_of(actor)
    with transaction.atomic():
        application = lock(attachment.application)
        current = CaseAttachment.objects.select_for_update().get(pk=attachment.pk)
        if current.removed:
            raise CaseError(_("该材料已经移除。"), code="already_removed")
        current.removed_at = timezone.now()
        current.removed_by = user
        current.removed_by_label = display_name(user)
        current.removal_reason = reason
        current.save(update_fields=["removed_at", "removed_by", "removed_by_label", "removal_reason"])
        details: dict[str, Any] = {
            "attachment_id": current.pk,
            "kind": current.kind,
            "filename": current.filename,
            "sha256": current.sha256,
        }
        append_event(application, EventKind.ATTACHMENT_REMOVED, timezone.localdate(), actor, details, reason)
        record_audit(actor, "application.attachment_removed", application, **details, reason=reason)
    return current


def read_attachment(*, actor: Actor, attachment: CaseAttachment) -> bytes:
    """The file's bytes, for the agency's staff; every read is audited."""
    application = attachment.application
    require_staff(actor, application)
    with transaction.atomic():
        record_audit(
            actor,
            "application.attachment_downloaded",
            application,
            attachment_id=attachment.pk,
            filename=attachment.filename,
        )
    return attachment.read_bytes()


def export_case_file(*, actor: Actor, application: Application) -> IO[bytes]:
    """The whole case file as a .zip in a temporary file (rewound), for the agency's staff; audited with
    the number of files and the archive's SHA-256."""
    require_staff(actor, application)
    archive, manifest = case_export.build(application)
    try:
        with transaction.atomic():
            record_audit(
                actor,
                "application.case_file_exported",
                application,
                files=len(manifest),
                sha256=case_export.sha256_of(archive),
            )
    except BaseException:
        archive.close()
        raise
    return archive
