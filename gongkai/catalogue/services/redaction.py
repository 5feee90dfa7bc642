"""Redacting a file of an entry in place (涂黑; 更正 of a 错敏词): the text really goes.

The hits chosen (the scanner's findings in the file's extracted text) are removed from the file itself by
:mod:`gongkai.documents.redact` in the limited child process: a PDF's pages holding them are rasterised
with black boxes (no text layer left on those pages), a .docx has the text replaced in its runs (personal
data by its masked form, a 错敏词 by its correction), an old Word or WPS file (.doc, .wps) is printed to
PDF by LibreOffice and that PDF redacted — the file then **becomes a PDF** (its name ends in ``.pdf``; the
page that starts it says so before the officer confirms). Images cannot be redacted (no positions of the
characters without OCR), nor OFD files (their pages cannot be drawn here): the officer replaces the file.

The work is a job (``catalogue.redact_attachment``, :mod:`gongkai.catalogue.jobs`), never the request:
:func:`redact_attachment` checks what it can at once (the permission, the file read, its kind, the hits
still there) and starts the job — or answers the job already running for the same file, so a second
click redacts once. The job converts and redacts outside any transaction (:func:`prepare`, up to the
child's limits), then writes in **one transaction** (:func:`apply`, the job's step ``redact:<pk>``): the
new file, the original sealed, the row, the entry's event, the audit event, the new reading job. A worker
killed before that commit leaves the file as it was; one killed after it finds the step done. The file's
digest when the job started is a parameter: a file changed meanwhile (already redacted, replaced) is not
redacted again.

The file as uploaded is kept **sealed** for the record (``Attachment.original_file``: AES-GCM with the
site's data key, never served) with its digest; the redacted copy is what is reviewed and published. Each
redaction is listed on the file (who, when, what — masked), on the entry's log and in the audit log
(``catalogue.attachment_redacted``). The new file is read again by the reading job, so its scan shows
what is left.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.catalogue import indexing, scanner, workflow
from gongkai.catalogue.content import CatalogueError
from gongkai.catalogue.models import Attachment, Item, Reading
from gongkai.catalogue.scanning import scan
from gongkai.catalogue.selectors import attachment_jobs, word_list_for
from gongkai.catalogue.services.common import actor_label, lock, record_event, require
from gongkai.catalogue.services.reading import attachment_bytes, start_reading
from gongkai.core import storage
from gongkai.core.actors import Actor, user_of
from gongkai.core.audit import record_audit
from gongkai.core.messages import N_, Message
from gongkai.documents import uploads
from gongkai.documents.isolated import TooComplex, run_isolated
from gongkai.documents.redact import CONVERTED_KINDS, redact
from gongkai.jobs import services as jobs
from gongkai.jobs.models import Job

#: The context the sealed original is bound to (it opens in no other column).
ORIGINAL_SEAL_CONTEXT = "catalogue.attachment.original"
#: The kinds of file whose text can be removed here.
REDACTABLE_KINDS = frozenset({"pdf", "docx", *CONVERTED_KINDS})
#: The kinds whose redacted copy is a PDF (old Word and WPS files, printed by LibreOffice).
BECOMES_PDF = frozenset(CONVERTED_KINDS)
#: The entry event of a redaction.
REDACT_EVENT = "attachment_redact"
#: The kind of job that redacts one file (registered in :mod:`gongkai.catalogue.jobs`).
JOB_KIND = "catalogue.redact_attachment"

MSG_CHANGED = N_(
    "附件在涂黑任务开始后已经变化（可能已经涂黑或重新上传），本任务未作修改；请刷新页面后重新查看。"
)
MSG_GONE = N_("该附件已经删除，未作修改。")
MSG_UNREAD = N_("该附件尚未读取完毕，未作修改；请等待读取完成后再涂黑。")
MSG_HITS_GONE = N_("该处内容已经变化（可能已经涂黑），未作修改；请刷新页面后重新查看。")
MSG_TOO_COMPLEX = N_("文件过大或过于复杂，未能在线涂黑；请在原文件中处理后重新上传。")
MSG_ROTATED = N_("第 %(page)s 页是旋转的页面，无法准确涂黑；请在原文件中处理后重新上传。")
MSG_BROKEN = N_("文件无法打开，未能涂黑；请在原文件中处理后重新上传。")
MSG_NO_OFFICE = N_(
    "本机未安装 LibreOffice，无法把旧版 Word 或 WPS 文件转换为 PDF 后涂黑；"
    "请在原文件中处理后重新上传，或请系统管理员安装 LibreOffice。"
)
MSG_NOT_FOUND = N_(
    "未能在文件中找到%(what)s（文字可能被拆分到不同位置，或在图片中），未作修改；请在原文件中处理后重新上传。"
)

#: One hit named in a refusal: its kind and its masked value.
MSG_HIT = N_("%(label)s%(masked)s")

Spot = tuple[int, int, str]


class RedactionFailed(Exception):
    """The file could not be redacted; ``message`` says why and what to do (shown on the job's page)."""

    def __init__(self, message: Message) -> None:
        super().__init__(str(message))
        self.message = message


def read_original(attachment: Attachment) -> bytes:
    """The sealed file as it was uploaded (for the record; never served to the public)."""
    return storage.read_sealed(attachment.original_file, ORIGINAL_SEAL_CONTEXT)


def becomes_pdf(attachment: Attachment) -> bool:
    """Whether redacting ``attachment`` turns it into a PDF (an old Word or WPS file)."""
    return attachment.kind in BECOMES_PDF


def redacted_filename(attachment: Attachment) -> str:
    """The name of the redacted copy: the same, or with ``.pdf`` for a file that becomes a PDF."""
    if not becomes_pdf(attachment):
        return attachment.filename
    stem, dot, _ext = attachment.filename.rpartition(".")
    return uploads.clean_filename(f"{stem if dot and stem else attachment.filename}.pdf")


def _refuse_kind(attachment: Attachment) -> None:
    if attachment.kind in REDACTABLE_KINDS:
        return
    if attachment.kind == "image":
        message = _(
            "图片中的文字无法在线涂黑：没有文字识别（OCR）就不知道文字在图片中的位置。"
            "请在原图上处理后删除本附件并重新上传。"
        )
    elif attachment.kind == "ofd":
        message = _(
            "OFD 版式文件无法在线涂黑（本系统不能重新绘制 OFD 的版面）。"
            "请用 OFD 阅读器把它导出或打印为 PDF，删除本附件后上传该 PDF，再在 PDF 中涂黑。"
        )
    else:
        message = _(
            "只有 PDF、Word（.docx、.doc）和 WPS（.wps）附件可以在线涂黑；"
            "请在原文件中处理后删除本附件并重新上传。"
        )
    raise CatalogueError(message, code="not_redactable")


def _chosen_hits(attachment: Attachment, item: Item, spots: Collection[Spot] | None) -> list[scanner.Hit]:
    """The hits ``spots`` of the file's text as it is now (every hit for ``None``); none: an empty list."""
    hits = scan(attachment.text or "", word_list_for(item.agency_id))
    wanted = None if spots is None else {tuple(spot) for spot in spots}
    return [h for h in hits if wanted is None or (h.start, h.end, h.kind) in wanted]


def active_job(attachment: Attachment) -> Job | None:
    """The redaction job of ``attachment`` still queued or running, if any."""
    job = attachment_jobs(attachment.item_id, JOB_KIND).get(attachment.pk)
    return job if job is not None and not job.is_finished else None


def _check(item: Item, current: Attachment, spots: Collection[Spot] | None) -> list[scanner.Hit]:
    """The hits to redact, once ``actor`` may and the file can be redacted; else the error."""
    if current.reading != Reading.DONE:
        raise CatalogueError(_("该附件尚未读取完毕，请等待读取完成后再涂黑。"), code="files_unread")
    _refuse_kind(current)
    hits = _chosen_hits(current, item, spots)
    if not hits:
        raise CatalogueError(
            _("该处内容已经变化（可能已经涂黑），请刷新页面后重新查看。"), code="hit_not_found"
        )
    return hits


@dataclass(frozen=True)
class Preview:
    """What a redaction will do, shown before the officer confirms it (a file that becomes a PDF)."""

    attachment: Attachment
    hits: list[scanner.Hit]
    filename: str
    becomes_pdf: bool


def preview_redaction(
    *, actor: Actor, attachment: Attachment, spots: Collection[Spot] | None = None
) -> Preview:
    """What redacting ``spots`` of ``attachment`` will do (nothing is written); the same refusals as
    :func:`redact_attachment`."""
    item = Item.objects.select_related("agency").get(pk=attachment.item_id)
    require(actor, item, workflow.MASK)
    current = item.attachments.filter(pk=attachment.pk).first()
    if current is None:
        raise CatalogueError(_("该附件已经删除。"), code="gone")
    hits = _check(item, current, spots)
    return Preview(current, hits, redacted_filename(current), becomes_pdf(current))


def redact_attachment(*, actor: Actor, attachment: Attachment, spots: Collection[Spot] | None = None) -> Job:
    """Start redacting the hits ``spots`` ((start, end, kind) in the file's text; ``None``: every hit) in
    the file: the job, or the one already running for this file.

    Allowed to whoever may mask the entry's hits (the 信息员 while it can be edited, the 审核人 during the
    review); checked again when the job writes.
    """
    with transaction.atomic():
        item = lock(attachment.item)
        require(actor, item, workflow.MASK)
        current = item.attachments.filter(pk=attachment.pk).first()
        if current is None:
            raise CatalogueError(_("该附件已经删除。"), code="gone")
        running = active_job(current)
        if running is not None:
            return running
        _check(item, current, spots)
        return jobs.start(
            JOB_KIND,
            actor=user_of(actor),
            agency=item.agency,
            params={
                "attachment": current.pk,
                "item": item.pk,
                "sha256": current.sha256,
                "spots": None if spots is None else [list(spot) for spot in spots],
            },
            title=_("涂黑附件“%(name)s”中的个人信息") % {"name": current.filename},
        )


# --- The job's work ----------------------------------------------------------------------------------


@dataclass
class Prepared:
    """A redacted copy made outside any transaction, waiting to be written by :func:`apply`."""

    attachment_id: int
    sha256: str
    data: bytes
    kind: str
    filename: str
    pages: list[int]
    hits: list[dict[str, Any]] = field(default_factory=list)
    #: The rasterised pages whose text left after the boxes was scanned without a hit: their missing text
    #: layer asks no manual check (:func:`gongkai.catalogue.services.reading.checked_raster_pages`).
    checked_pages: list[int] = field(default_factory=list)


def _current(params: dict[str, Any]) -> Attachment:
    """The file the job was started for, as it was then; :class:`RedactionFailed` when it changed."""
    attachment = (
        Attachment.objects.filter(pk=int(params["attachment"]), item_id=int(params["item"]))
        .select_related("item")
        .first()
    )
    if attachment is None:
        raise RedactionFailed(Message(MSG_GONE))
    if attachment.sha256 != params.get("sha256"):
        raise RedactionFailed(Message(MSG_CHANGED))
    if attachment.reading != Reading.DONE:
        raise RedactionFailed(Message(MSG_UNREAD))
    return attachment


def prepare(params: dict[str, Any]) -> Prepared:
    """The redacted copy of the job's file (converted and redacted in the limited child process): no
    transaction, nothing written. Raises :class:`RedactionFailed` with the reason."""
    attachment = _current(params)
    spots = params.get("spots")
    chosen = None if spots is None else [(int(s[0]), int(s[1]), str(s[2])) for s in spots]
    hits = _chosen_hits(attachment, attachment.item, chosen)
    if not hits:
        raise RedactionFailed(Message(MSG_HITS_GONE))
    replacements = list(dict.fromkeys((h.value, h.written_over) for h in hits))
    try:
        answer = run_isolated(redact, attachment.kind, attachment_bytes(attachment), replacements)
    except TooComplex as exc:
        raise RedactionFailed(Message(MSG_TOO_COMPLEX)) from exc
    _refuse_errors(answer)
    found: dict[str, int] = answer["found"]
    missing = [h for h in hits if not found.get(h.value)]
    if missing:
        what = [Message(MSG_HIT, {"label": Message(h.kind_label), "masked": h.masked}) for h in missing[:5]]
        raise RedactionFailed(Message(MSG_NOT_FOUND, {"what": what}))
    words = word_list_for(attachment.item.agency_id)
    residual: dict[str, str | None] = answer.get("residual") or {}
    checked = sorted(int(n) for n, left in residual.items() if left is not None and not scan(left, words))
    return Prepared(
        attachment_id=attachment.pk,
        sha256=attachment.sha256,
        data=bytes(answer["data"]),
        kind=str(answer.get("kind") or attachment.kind),
        filename=redacted_filename(attachment),
        pages=list(answer.get("pages") or []),
        hits=[
            {"kind": h.kind, "kind_label": h.kind_label, "masked": h.masked, "start": h.start} for h in hits
        ],
        checked_pages=checked,
    )


def _refuse_errors(answer: dict[str, Any]) -> None:
    error = answer.get("error")
    if not error:
        return
    if error == "rotated":
        raise RedactionFailed(Message(MSG_ROTATED, {"page": answer.get("page")}))
    if error == "no_office":
        raise RedactionFailed(Message(MSG_NO_OFFICE))
    if error == "too_complex":
        raise RedactionFailed(Message(MSG_TOO_COMPLEX))
    raise RedactionFailed(Message(MSG_BROKEN))


def apply(*, actor: Actor, prepared: Prepared) -> Attachment:
    """Write the redacted copy in one transaction (the caller's: the job's step): the new file, the
    original sealed (the first time), the row, the entry's event, the audit event and the new reading
    job. Checks again that the job's owner may still redact and that the file did not change meanwhile."""
    attachment = Attachment.objects.select_related("item").filter(pk=prepared.attachment_id).first()
    if attachment is None:
        raise RedactionFailed(Message(MSG_GONE))
    item = lock(attachment.item)
    require(actor, item, workflow.MASK)
    current = Attachment.objects.select_for_update().filter(pk=prepared.attachment_id, item=item).first()
    if current is None:
        raise RedactionFailed(Message(MSG_GONE))
    if current.sha256 != prepared.sha256:
        raise RedactionFailed(Message(MSG_CHANGED))
    original = attachment_bytes(current)
    before_name, before_kind = current.filename, current.kind
    if not current.original_file:
        storage.save_sealed(current.original_file, original, ORIGINAL_SEAL_CONTEXT)
        current.original_sha256 = prepared.sha256
    storage.delete_on_commit(current.file.storage, current.file.name)
    current.store_bytes(prepared.data)
    current.sha256 = hashlib.sha256(prepared.data).hexdigest()
    current.size = len(prepared.data)
    current.kind = prepared.kind
    current.filename = prepared.filename
    current.content_type = uploads.content_type(prepared.kind, prepared.data)
    current.text = ""
    current.extraction_problem = ""
    current.extraction_problems = []
    details: dict[str, Any] = {
        "attachment_id": current.pk,
        "filename": current.filename,
        "hits": prepared.hits,
        "pages": prepared.pages,
        "checked_pages": prepared.checked_pages,
        "sha256_before": prepared.sha256,
        "sha256_after": current.sha256,
    }
    if (before_name, before_kind) != (current.filename, current.kind):
        details |= {"filename_before": before_name, "kind_before": before_kind, "kind": current.kind}
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
