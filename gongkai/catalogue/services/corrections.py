"""更正 of a published entry, in place and with a trail, through the review workflow every entry walks.

1. :func:`start_correction` (信息员, ``workflow.CORRECT``): a correction draft (更正稿) — a draft entry
   that ``corrects`` the published one, with a copy of its fields and files, the reason (staff only)
   and a short public note of what is corrected (shown on the public page; no personal data).
2. The draft is edited, submitted, scanned, passes the confidentiality review and the approval like any
   new entry (the same services, the same separation of duties).
3. Publishing the draft (:func:`apply_correction`, called by ``publication.publish`` after the same scan
   gate) puts its content onto the published entry in place — same 索引号, same 发布日期 — records an
   :class:`ItemVersion` (append-only: the previous fields, what changed, the reason, the note), swaps
   the files so that the draft keeps the previous version's files for staff, and closes the draft as
   ``applied`` (更正已发布). The entry's page, the API and the feeds show the corrected content at once.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.catalogue import indexing, workflow
from gongkai.catalogue.content import EDITABLE_FIELDS, CatalogueError, check_note, field_value, one_line
from gongkai.catalogue.models import Attachment, Item, ItemVersion, Status
from gongkai.catalogue.selectors import open_correction
from gongkai.catalogue.services.common import actor_label, lock, record_event, require
from gongkai.core.actors import Actor, user_of
from gongkai.core.audit import record_audit

#: The public note's length (a line on the entry's page).
NOTE_MAX_CHARS = 300


def _check_public_note(note: str) -> str:
    note = one_line(note)
    if not note:
        raise CatalogueError(
            {"correction_note": [_("请填写更正说明：在公开页面上告诉公众更正了什么（不要写个人信息）。")]}
        )
    if len(note) > NOTE_MAX_CHARS:
        raise CatalogueError(
            {
                "correction_note": [
                    _("更正说明不能超过 %(max)s 个字（现有 %(n)s 个字）。")
                    % {"max": NOTE_MAX_CHARS, "n": len(note)}
                ]
            }
        )
    return note


def _copy_attachments(source: Item, target: Item) -> None:
    for attachment in source.attachments.order_by("id"):
        copy = Attachment(
            item=target,
            filename=attachment.filename,
            kind=attachment.kind,
            content_type=attachment.content_type,
            size=attachment.size,
            sha256=attachment.sha256,
            text=attachment.text,
            extraction_problem=attachment.extraction_problem,
            extraction_problems=attachment.extraction_problems,
            reading=attachment.reading,
            reading_job=attachment.reading_job,
        )
        copy.store_bytes(attachment.read_bytes())  # a file of its own: each row owns (and deletes) its file
        copy.save()


def start_correction(*, actor: Actor, item: Item, reason: str, public_note: str) -> Item:
    """A correction draft of the published ``item`` (信息员 of its agency); the one under way if any."""
    reason = check_note(reason, required=True, label="更正原因")
    public_note = _check_public_note(public_note)
    with transaction.atomic():
        item = lock(item)
        require(actor, item, workflow.CORRECT)
        existing = open_correction(item)
        if existing is not None:
            return existing
        draft = Item(
            agency=item.agency,
            status=Status.DRAFT,
            created_by=user_of(actor),
            corrects=item,
            correction_reason=reason,
            correction_note=public_note,
            **{
                f"{name}_id" if name in ("category", "interprets") else name: field_value(item, name)
                for name in EDITABLE_FIELDS
            },
        )
        draft.save()
        _copy_attachments(item, draft)
        record_event(
            draft,
            "create",
            actor,
            from_status="",
            note=reason,
            data={"title": draft.title, "corrects": item.pk, "index_number": item.index_number},
        )
        record_event(
            item, workflow.CORRECT, actor, from_status=item.status, note=reason, data={"draft": draft.pk}
        )
        record_audit(
            actor,
            "catalogue.item_correction_started",
            item,
            draft=draft.pk,
            index_number=item.index_number,
            reason=reason,
        )
        indexing.reindex(draft)
    return draft


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _files(item: Item) -> list[tuple[str, str]]:
    return list(item.attachments.order_by("id").values_list("filename", "sha256"))


def apply_correction(
    *, actor: Actor, draft: Item, data: dict[str, Any], audit: dict[str, Any], note: str
) -> Item:
    """Publish the (locked, approved, scanned) correction ``draft`` onto the entry it corrects.

    Called by ``publication.publish`` inside its transaction, after the workflow check and the scan
    gate (``data``/``audit`` carry the scan and any override reason). Returns the corrected entry.
    """
    if user_of(actor) is None:
        raise PermissionDenied(_("请先登录。"))
    original = lock(Item(pk=draft.corrects_id))
    if original.status != Status.PUBLISHED:
        raise CatalogueError(
            _("所更正的条目已不再处于“已发布”状态（可能已被撤回），本更正稿不能发布。"),
            code="original_not_published",
        )
    previous = {name: _json_value(field_value(original, name)) for name in EDITABLE_FIELDS}
    changed = [name for name in EDITABLE_FIELDS if field_value(original, name) != field_value(draft, name)]
    if _files(original) != _files(draft):
        changed.append("attachments")
    if not changed:
        raise CatalogueError(
            _("更正稿与已发布的条目内容相同，没有需要更正的内容；请修改后再提交，或不再发布本更正稿。"),
            code="nothing_changed",
        )
    today = timezone.localdate()
    number = original.versions.count() + 1
    version = ItemVersion.objects.create(
        item=original,
        number=number,
        corrected_on=today,
        draft=draft,
        fields=changed,
        previous=previous,
        reason=draft.correction_reason,
        public_note=draft.correction_note,
        actor=user_of(actor),
        actor_label=actor_label(user_of(actor)),
    )
    for name in EDITABLE_FIELDS:
        target = f"{name}_id" if name in ("category", "interprets") else name
        setattr(original, target, field_value(draft, name))
    original.save()
    # The draft keeps the previous version's files (for staff); the entry gets the corrected ones.
    old_files = list(original.attachments.values_list("pk", flat=True))
    Attachment.objects.filter(item=draft).update(item=original)
    Attachment.objects.filter(pk__in=old_files).update(item=draft)
    from_status = draft.status
    draft.status = Status.APPLIED
    draft.save()
    record_event(
        draft,
        workflow.PUBLISH,
        actor,
        from_status=from_status,
        note=note,
        data={**data, "applied_to": original.pk},
    )
    record_event(
        original,
        "corrected",
        actor,
        from_status=original.status,
        note=draft.correction_reason,
        data={"version": number, "fields": changed, "draft": draft.pk, "public_note": draft.correction_note},
    )
    record_audit(
        actor,
        "catalogue.item_corrected",
        original,
        version=version.number,
        index_number=original.index_number,
        fields=changed,
        draft=draft.pk,
        reason=draft.correction_reason,
        **audit,
    )
    indexing.reindex(original)
    indexing.reindex(draft)
    return original
