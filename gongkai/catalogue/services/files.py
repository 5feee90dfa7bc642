"""An entry's files: what may be attached (sniffed kind, extension, size, count), adding and removing."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext, gettext_lazy

from gongkai.catalogue import extract, indexing, workflow
from gongkai.catalogue.content import CatalogueError
from gongkai.catalogue.models import Attachment, Item
from gongkai.catalogue.services.common import lock, record_event, require
from gongkai.core.actors import Actor
from gongkai.core.audit import record_audit
from gongkai.core.messages import message_to_json
from gongkai.documents.sniffing import IMAGE_CONTENT_TYPES, image_format

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
MAX_ATTACHMENTS = 20
#: Sniffed kinds that may be attached, with the extensions each may have.
ALLOWED_EXTENSIONS: dict[str, tuple[str, ...]] = {
    "pdf": (".pdf",),
    "docx": (".docx",),
    "xlsx": (".xlsx",),
    "image": (".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp", ".tif", ".tiff"),
}
KIND_LABELS: dict[str, Any] = {
    "pdf": gettext_lazy("PDF 文件"),
    "docx": gettext_lazy("Word 文档（.docx）"),
    "xlsx": gettext_lazy("Excel 表格（.xlsx）"),
    "image": gettext_lazy("图片"),
    "text": gettext_lazy("纯文本文件"),
    "unknown": gettext_lazy("无法识别的格式"),
}
CONTENT_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def clean_filename(filename: str) -> str:
    """The file's own name: no directories, no control characters, at most 255 characters."""
    name = re.split(r"[\\/]", filename or "")[-1]
    name = "".join(ch for ch in unicodedata.normalize("NFC", name) if unicodedata.category(ch)[0] != "C")
    name = name.strip().strip(".").strip()
    if len(name) > 255:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 255 - len(ext) - 1] + dot + ext) if dot and len(ext) <= 10 else name[:255]
    return name


def _extension(name: str) -> str:
    _stem, dot, ext = name.rpartition(".")
    return f".{ext.lower()}" if dot else ""


def _content_type(kind: str, data: bytes) -> str:
    if kind == "image":
        return IMAGE_CONTENT_TYPES.get(image_format(data), "application/octet-stream")
    return CONTENT_TYPES[kind]


def check_file(filename: str, data: bytes) -> tuple[str, str]:
    """The file's clean name and sniffed kind, or a :class:`CatalogueError` saying what is wrong."""
    name = clean_filename(filename)
    if not name:
        raise CatalogueError({"file": [gettext("文件名无效。")]}, code="bad_filename")
    if not data:
        raise CatalogueError(
            {"file": [gettext("文件“%(name)s”是空的。") % {"name": name}]}, code="empty_file"
        )
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise CatalogueError(
            {
                "file": [
                    gettext("文件“%(name)s”超过 %(mb)s MB，不能上传。")
                    % {"name": name, "mb": MAX_ATTACHMENT_BYTES // (1024 * 1024)}
                ]
            },
            code="too_large",
        )
    kind = extract.file_kind(data)
    if kind not in ALLOWED_EXTENSIONS:
        hint = ""
        if _extension(name) in (".doc", ".xls", ".wps", ".et"):
            hint = gettext("旧版 Word、Excel 或 WPS 格式请另存为 .docx 或 .xlsx 后上传。")
        raise CatalogueError(
            {
                "file": [
                    gettext("只能上传 PDF、Word（.docx）、Excel（.xlsx）文件或图片；“%(name)s”是%(kind)s。")
                    % {"name": name, "kind": KIND_LABELS.get(kind, KIND_LABELS["unknown"])}
                    + hint
                ]
            },
            code="file_type",
        )
    extension = _extension(name)
    if extension not in ALLOWED_EXTENSIONS[kind]:
        raise CatalogueError(
            {
                "file": [
                    gettext(
                        "文件“%(name)s”的扩展名（%(extension)s）与文件内容（%(kind)s）不符，"
                        "请确认文件无误并使用正确的扩展名（%(allowed)s）。"
                    )
                    % {
                        "name": name,
                        "extension": extension or gettext("无"),
                        "kind": KIND_LABELS[kind],
                        "allowed": gettext("、").join(ALLOWED_EXTENSIONS[kind]),
                    }
                ]
            },
            code="extension_mismatch",
        )
    return name, kind


def add_attachment(*, actor: Actor, item: Item, filename: str, data: bytes) -> Attachment:
    """Attach a PDF, Word, Excel or image file (≤ 20 MB, ≤ 20 per entry); its text is extracted."""
    # Cheap checks first, then the permission (no text extraction for someone who may not attach).
    with transaction.atomic():
        require(actor, lock(item), workflow.EDIT)
    name, kind = check_file(filename, data)
    extracted = extract.extract_text(data, name)
    digest = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        item = lock(item)
        require(actor, item, workflow.EDIT)
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
        attachment = Attachment.objects.create(
            item=item,
            filename=name,
            kind=kind,
            content_type=_content_type(kind, data),
            size=len(data),
            sha256=digest,
            data=data,
            text=extracted.text or "",
            extraction_problem=Truncator(extracted.problem).chars(300),
            extraction_problems=[message_to_json(problem) for problem in extracted.problems],
        )
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
        current = item.attachments.filter(pk=attachment.pk).only("id", "filename", "sha256").first()
        if current is None:
            raise CatalogueError(gettext("该附件已经删除。"), code="gone")
        details: dict[str, Any] = {"attachment_id": current.pk, "filename": current.filename}
        current.delete()
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
