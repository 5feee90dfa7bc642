"""Redacting a file of an entry in place (涂黑; 更正 of a 错敏词): the text really goes.

The hits chosen (the scanner's findings in the file's extracted text) are removed from the file itself by
:mod:`gongkai.documents.redact` in the limited child process: a PDF's pages holding them are rasterised
with black boxes (no text layer left on those pages), a .docx has the text replaced in its runs (personal
data by its masked form, a 错敏词 by its correction). Images cannot be redacted (no positions of the
characters without OCR): the officer replaces the file.

The file as uploaded is kept **sealed** for the record (``Attachment.original_file``: AES-GCM with the
site's data key, never served) with its digest; the redacted copy is what is reviewed and published. Each
redaction is listed on the file (who, when, what — masked), on the entry's log and in the audit log
(``catalogue.attachment_redacted``). The new file is read again by the reading job, so its scan shows
what is left.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.catalogue import indexing, scanner, workflow
from gongkai.catalogue.content import CatalogueError
from gongkai.catalogue.models import Attachment, Item, Reading
from gongkai.catalogue.scanning import scan
from gongkai.catalogue.selectors import word_list_for
from gongkai.catalogue.services.common import actor_label, lock, record_event, require
from gongkai.catalogue.services.reading import attachment_bytes, start_reading
from gongkai.core import storage
from gongkai.core.actors import Actor, user_of
from gongkai.core.audit import record_audit
from gongkai.documents.isolated import TooComplex, run_isolated
from gongkai.documents.redact import redact

#: The context the sealed original is bound to (it opens in no other column).
ORIGINAL_SEAL_CONTEXT = "catalogue.attachment.original"
#: The kinds of file whose text can be removed here.
REDACTABLE_KINDS = frozenset({"pdf", "docx"})
#: The entry event of a redaction.
REDACT_EVENT = "attachment_redact"

Spot = tuple[int, int, str]


def read_original(attachment: Attachment) -> bytes:
    """The sealed file as it was uploaded (for the record; never served to the public)."""
    return storage.read_sealed(attachment.original_file, ORIGINAL_SEAL_CONTEXT)


def _refuse_kind(attachment: Attachment) -> None:
    if attachment.kind in REDACTABLE_KINDS:
        return
    if attachment.kind == "image":
        message = _(
            "图片中的文字无法在线涂黑：没有文字识别（OCR）就不知道文字在图片中的位置。"
            "请在原图上处理后删除本附件并重新上传。"
        )
    else:
        message = _("只有 PDF 和 Word（.docx）附件可以在线涂黑；请在原文件中处理后删除本附件并重新上传。")
    raise CatalogueError(message, code="not_redactable")


def _chosen_hits(attachment: Attachment, item: Item, spots: Collection[Spot] | None) -> list[scanner.Hit]:
    hits = scan(attachment.text or "", word_list_for(item.agency_id))
    wanted = None if spots is None else set(spots)
    chosen = [h for h in hits if wanted is None or (h.start, h.end, h.kind) in wanted]
    if not chosen:
        raise CatalogueError(
            _("该处内容已经变化（可能已经涂黑），请刷新页面后重新查看。"), code="hit_not_found"
        )
    return chosen


def _redacted_bytes(attachment: Attachment, data: bytes, hits: list[scanner.Hit]) -> tuple[bytes, list[int]]:
    replacements = list(dict.fromkeys((h.value, h.written_over) for h in hits))
    try:
        answer = run_isolated(redact, attachment.kind, data, replacements)
    except TooComplex as exc:
        raise CatalogueError(
            _("文件过大或过于复杂，未能在线涂黑；请在原文件中处理后重新上传。"), code="too_complex"
        ) from exc
    error = answer.get("error")
    if error == "rotated":
        raise CatalogueError(
            _("第 %(page)s 页是旋转的页面，无法准确涂黑；请在原文件中处理后重新上传。")
            % {"page": answer.get("page")},
            code="rotated_page",
        )
    if error:
        raise CatalogueError(_("文件无法打开，未能涂黑；请在原文件中处理后重新上传。"), code="broken")
    found: dict[str, int] = answer["found"]
    missing = [h for h in hits if not found.get(h.value)]
    if missing:
        raise CatalogueError(
            _(
                "未能在文件中找到%(what)s（文字可能被拆分到不同位置，或在图片中），未作修改；"
                "请在原文件中处理后重新上传。"
            )
            % {"what": "、".join(f"{h.kind_label}{h.masked}" for h in missing[:5])},
            code="not_found_in_file",
        )
    return bytes(answer["data"]), list(answer.get("pages") or [])


def redact_attachment(
    *, actor: Actor, attachment: Attachment, spots: Collection[Spot] | None = None
) -> Attachment:
    """Remove the hits ``spots`` ((start, end, kind) in the file's text; ``None``: every hit) from the file.

    Allowed to whoever may mask the entry's hits (the 信息员 while it can be edited, the 审核人 during the
    review). The original is sealed the first time; the redacted copy replaces the file and is read again.
    """
    with transaction.atomic():
        item = lock(attachment.item)
        require(actor, item, workflow.MASK)
        current = item.attachments.filter(pk=attachment.pk).first()
        if current is None:
            raise CatalogueError(_("该附件已经删除。"), code="gone")
        if current.reading != Reading.DONE:
            raise CatalogueError(_("该附件尚未读取完毕，请等待读取完成后再涂黑。"), code="files_unread")
        _refuse_kind(current)
        hits = _chosen_hits(current, item, spots)
        data = attachment_bytes(current)
        redacted, pages = _redacted_bytes(current, data, hits)
        before = current.sha256
        if not current.original_file:
            storage.save_sealed(current.original_file, data, ORIGINAL_SEAL_CONTEXT)
            current.original_sha256 = before
        storage.delete_on_commit(current.file.storage, current.file.name)
        current.store_bytes(redacted)
        current.sha256 = hashlib.sha256(redacted).hexdigest()
        current.size = len(redacted)
        current.text = ""
        current.extraction_problem = ""
        current.extraction_problems = []
        what = [
            {"kind": h.kind, "kind_label": h.kind_label, "masked": h.masked, "start": h.start} for h in hits
        ]
        details: dict[str, Any] = {
            "attachment_id": current.pk,
            "filename": current.filename,
            "hits": what,
            "pages": pages,
            "sha256_before": before,
            "sha256_after": current.sha256,
        }
        user = user_of(actor)
        current.redactions = [
            *(current.redactions or []),
            {
                **details,
                "actor": actor_label(user),
                "actor_id": getattr(user, "pk", None),
                "at": timezone.now().isoformat(),
            },
        ]
        current.save()
        start_reading(actor=actor, item=item, attachment=current)
        record_event(item, REDACT_EVENT, actor, from_status=item.status, data=details)
        record_audit(actor, "catalogue.attachment_redacted", item, **details)
        Item.objects.filter(pk=item.pk).update(updated_at=timezone.now())
        indexing.reindex(item)
    return current
