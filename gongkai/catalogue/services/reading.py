"""Reading an entry's files after the upload answers: the job ``catalogue.extract_attachment``.

An upload stores the file at once (its kind sniffed from the bytes: cheap) as *unread*
(:attr:`Reading.PENDING`) and starts a job (:mod:`gongkai.catalogue.jobs`) that extracts its text in the
limited child process (:func:`gongkai.catalogue.extract.extract_text`, up to 90 s for a large PDF), keeps
the text and what could not be checked, refreshes the search index and scans the entry, so the entry
page shows the findings. Until then the file blocks submitting, the review, the approval and publishing
(:func:`gongkai.catalogue.workflow.unread_files_refusal`). A job that failed is started again from the
entry page (:func:`reread_attachment`) or from its job page (the work is idempotent: a file read once is
never read again).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from django.db import transaction
from django.utils.text import Truncator
from django.utils.translation import gettext

from gongkai.catalogue import extract, indexing, scanning, workflow
from gongkai.catalogue.content import CatalogueError
from gongkai.catalogue.models import Attachment, Item, Reading
from gongkai.catalogue.services.common import lock, require
from gongkai.core.actors import Actor, user_of
from gongkai.core.audit import record_audit
from gongkai.core.messages import Message, message_to_json
from gongkai.jobs import services as jobs
from gongkai.jobs.models import Job

#: The kind of job that reads one file (registered in :mod:`gongkai.catalogue.jobs`).
JOB_KIND = "catalogue.extract_attachment"


def attachment_bytes(attachment: Attachment) -> bytes:
    """The stored bytes of a file: the one place the reading takes them from."""
    return attachment.read_bytes()


def start_reading(*, actor: Actor, item: Item, attachment: Attachment) -> Job:
    """Mark ``attachment`` unread and start the job that reads it (enqueued when the caller's
    transaction commits)."""
    job = jobs.start(
        JOB_KIND,
        actor=user_of(actor),
        agency=item.agency,
        params={"attachment": attachment.pk, "item": item.pk},
        title=gettext("读取附件“%(name)s”并检查隐私信息") % {"name": attachment.filename},
    )
    Attachment.objects.filter(pk=attachment.pk).update(reading=Reading.PENDING, reading_job=job.pk)
    attachment.reading, attachment.reading_job = Reading.PENDING, job.pk
    return job


def reread_attachment(*, actor: Actor, attachment: Attachment) -> Job:
    """Start reading a file again after its job failed or was cancelled (the entry's 信息员)."""
    with transaction.atomic():
        item = lock(attachment.item)
        require(actor, item, workflow.EDIT)
        current = item.attachments.filter(pk=attachment.pk).only("id", "filename", "reading").first()
        if current is None:
            raise CatalogueError(gettext("该附件已经删除。"), code="gone")
        if current.reading == Reading.DONE:
            raise CatalogueError(gettext("该附件已经读取并检查完毕，无需重新读取。"), code="already_read")
        job = start_reading(actor=actor, item=item, attachment=current)
        record_audit(
            actor,
            "catalogue.attachment_reread",
            item,
            attachment_id=current.pk,
            filename=current.filename,
            job=str(job.pk),
        )
    return job


def unread_attachment(pk: int) -> Attachment | None:
    """The file to read, with its bytes; None when it was deleted or is read already."""
    return Attachment.objects.filter(pk=pk).exclude(reading=Reading.DONE).first()


def extract_attachment(attachment: Attachment) -> extract.Extracted:
    """The text of the file, read in the limited child process (outside any transaction); pages that a
    redaction rasterised after scanning what was left on them are not reported as unchecked."""
    extracted = extract.extract_text(attachment_bytes(attachment), attachment.filename)
    return without_pages(extracted, checked_raster_pages(attachment))


def checked_raster_pages(attachment: Attachment) -> set[int]:
    """The pages of the file that its redactions rasterised after finding no hit in the text left on them
    (``checked_pages`` of :mod:`.redaction`'s records), when the file is the last redaction's copy and each
    redaction worked on the previous one's (the digests chain): page numbers are kept by a redaction."""
    records = [r for r in attachment.redactions or [] if isinstance(r, dict)]
    pages: set[int] = set()
    expected: object = attachment.sha256
    for record in reversed(records):
        if record.get("sha256_after") != expected:
            break
        pages.update(int(n) for n in record.get("checked_pages") or [] if isinstance(n, int))
        expected = record.get("sha256_before")
    return pages


def without_pages(extracted: extract.Extracted, pages: set[int]) -> extract.Extracted:
    """``extracted`` without the "no text layer" problems of ``pages`` (a PDF's, 1-based)."""
    if not pages or extracted.kind != "pdf":
        return extracted
    problems: list[Message] = []
    for problem in extracted.problems:
        every = set(range(1, (extracted.pages or 0) + 1))
        if problem.template == extract.MSG_SCANNED and every and every <= pages:
            continue  # every page of the file is such a page
        if problem.template == extract.MSG_SCANNED_PAGES:
            left = [n for n in problem.params.get("pages", []) if n not in pages]
            if not left:
                continue
            problem = Message(extract.MSG_SCANNED_PAGES, {"pages": left})
        problems.append(problem)
    return dataclasses.replace(extracted, problems=tuple(problems))


def store_reading(*, actor: Actor, attachment: Attachment, extracted: extract.Extracted) -> bool:
    """Keep what was read of ``attachment``; False when it was deleted, replaced or read meanwhile."""
    with transaction.atomic():
        item = lock(attachment.item)
        current = (
            Attachment.objects.select_for_update()
            .filter(pk=attachment.pk, item=item, sha256=attachment.sha256)
            .only("id", "reading")
            .first()
        )
        if current is None or current.reading == Reading.DONE:
            return False
        Attachment.objects.filter(pk=attachment.pk).update(
            text=extracted.text or "",
            extraction_problem=Truncator(extracted.problem).chars(300),
            extraction_problems=[message_to_json(problem) for problem in extracted.problems],
            reading=Reading.DONE,
        )
        details: dict[str, Any] = {
            "attachment_id": attachment.pk,
            "filename": attachment.filename,
            "kind": extracted.kind,
            "unchecked": bool(extracted.problems),
        }
        record_audit(actor, "catalogue.attachment_read", item, **details)
        indexing.reindex(item)
    return True


def scan_entry(item_pk: int) -> int:
    """Scan the entry as its page shows it (the results are cached for the page); how many findings."""
    item = Item.objects.filter(pk=item_pk).first()
    return scanning.scan_overview(item).total if item is not None else 0
