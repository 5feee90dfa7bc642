"""Planning and applying the rows of an import: idempotent on 索引号, audited, scanned before publishing.

For each valid row (:class:`gongkai.catalogue.imports.rows.Row`):

* **no entry with its 索引号**: a new entry of the agency with the 索引号, 发布日期 and other dates as
  published; its files stored with the text read by the catalogue's readers
  (:func:`gongkai.catalogue.extract.extract_text`, in the limited child process);
* **an entry of the agency with its 索引号**: its fields and files compared with the row's; nothing is
  written when none differs (a second run changes nothing); otherwise the entry is updated in place, the
  previous values kept on its ``import_update`` event and the changed fields in the audit log. An entry
  in the middle of the review (submitted, reviewed, approved) or withdrawn is not changed: an error of
  its row;
* **an entry of another agency with its 索引号**: an error of the row.

Then the privacy scan (:func:`gongkai.catalogue.scanning.scan_item`) decides: without findings the entry
is published (``published``) with the import's reason on its event and in the audit log; with findings
(or a file that could not be checked) it is kept as a draft (草稿) and listed for review with its masked
hits — it goes through the review workflow like any draft, and keeps its 索引号 and 发布日期 when it is
published (:func:`gongkai.catalogue.services.publication.publish`).

Every row's outcome is an :class:`~gongkai.catalogue.models.ImportRecord` written in the row's
transaction (the job's step).
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.agencies.models import Agency
from gongkai.catalogue import extract, indexing, permissions, workflow
from gongkai.catalogue.content import apply_fields, field_value, one_line
from gongkai.catalogue.imports.files import FileSource
from gongkai.catalogue.imports.rows import MSG_INDEX_OTHER_AGENCY, Row
from gongkai.catalogue.models import Attachment, ImportOutcome, ImportRecord, Item, Reading, Status
from gongkai.catalogue.scanning import scan_item, scan_summary
from gongkai.catalogue.services.common import record_event
from gongkai.catalogue.services.files import MAX_ATTACHMENT_BYTES
from gongkai.core.actors import Actor, user_of
from gongkai.core.audit import record_audit
from gongkai.core.messages import N_, Message, message_to_json
from gongkai.documents import uploads

#: The fields a row sets (the rest keep their defaults, or their values on an update).
IMPORTED_FIELDS: tuple[str, ...] = (
    "title",
    "publisher",
    "doc_number",
    "written_on",
    "effective_on",
    "repealed_on",
    "validity",
    "category",
    "article20_item",
    "summary",
    "keywords",
    "body",
)
#: The reason recorded when none is given (the entries were published in the agency's former system).
DEFAULT_REASON = N_("迁移本机关原政府信息公开目录中已经公开的信息（索引号和日期按原公开时保留）")
MSG_IN_REVIEW = N_(
    "索引号“%(number)s”的条目正在审核流程中或已撤回（%(status)s），未更新：请在审核结束后再导入。"
)
#: The states an import may change (a draft it held, or a published entry).
UPDATABLE = frozenset({Status.DRAFT, Status.PUBLISHED})


def can_import(actor: Actor, agency: Agency) -> bool:
    """Who may import into an agency's catalogue: its 信息员 (who drafts and publishes), superusers.
    ``None`` is the command line (the site's operator)."""
    if actor is None:
        return True
    if not isinstance(actor, User) or not actor.is_authenticated:
        return False
    return permissions.is_superuser(actor) or workflow.OFFICER in permissions.roles_at(actor, agency.pk)


def require_importer(actor: Actor, agency: Agency) -> None:
    if not can_import(actor, agency):
        raise PermissionDenied(_("只有本机关的信息员可以导入主动公开目录。"))


@dataclass
class PreparedFile:
    name: str
    kind: str
    content_type: str
    data: bytes
    sha256: str
    extracted: extract.Extracted | None = None


def prepare_files(row: Row, source: FileSource | None) -> list[PreparedFile]:
    """The row's files (checked already by the row's check), with their digests; no text yet."""
    prepared: list[PreparedFile] = []
    for name in row.files:
        data = source.read(name) if source is not None else None
        if data is None:  # pragma: no cover - the row's check found it
            continue
        checked = uploads.check_upload(name, data, max_bytes=MAX_ATTACHMENT_BYTES)
        prepared.append(
            PreparedFile(
                name=checked.name,
                kind=checked.kind,
                content_type=uploads.content_type(checked.kind, data),
                data=data,
                sha256=hashlib.sha256(data).hexdigest(),
            )
        )
    return prepared


def read_texts(files: list[PreparedFile]) -> None:
    """Read each file's text with the catalogue's readers (outside any transaction: a child process each)."""
    for prepared in files:
        if prepared.extracted is None:
            prepared.extracted = extract.extract_text(prepared.data, prepared.name)


def _candidate(agency: Agency, row: Row) -> Item:
    """A fresh copy of the row's checked entry (the check built it once)."""
    if row.candidate is None:
        row.candidate = Item(agency=agency)
        apply_fields(row.candidate, row.data)
    item = Item(agency=agency)
    for name in IMPORTED_FIELDS:
        target = f"{name}_id" if name == "category" else name
        setattr(item, target, getattr(row.candidate, target))
    item.kind, item.document_type = row.candidate.kind, row.candidate.document_type
    item.disclosure_mode = row.candidate.disclosure_mode
    return item


def _files_of(item: Item) -> list[tuple[str, str]]:
    return list(item.attachments.order_by("id").values_list("filename", "sha256"))


def changes(existing: Item, candidate: Item, row: Row, files: list[PreparedFile]) -> list[str]:
    """The names of what differs between the entry and the row (fields, 发布日期, "attachments")."""
    changed = [n for n in IMPORTED_FIELDS if field_value(existing, n) != field_value(candidate, n)]
    if existing.published_on != row.published_on:
        changed.append("published_on")
    if _files_of(existing) != [(f.name, f.sha256) for f in files]:
        changed.append("attachments")
    return changed


def plan(agency: Agency, row: Row, files: list[PreparedFile]) -> tuple[str, list[str]]:
    """What applying the (valid) row would do: ``created``, ``updated`` or ``unchanged`` (or ``invalid``
    for an entry in review), and the fields it would change. Reads only."""
    existing = Item.objects.filter(index_number=row.index_number).first()
    if existing is None:
        return ImportOutcome.CREATED, []
    changed = changes(existing, _candidate(agency, row), row, files)
    if not changed:
        return ImportOutcome.UNCHANGED, []
    if existing.status not in UPDATABLE:
        return ImportOutcome.INVALID, changed
    return ImportOutcome.UPDATED, changed


def record(
    job: uuid.UUID | str,
    agency: Agency,
    row: Row,
    outcome: str,
    *,
    item: Item | None = None,
    errors: list[Message] | None = None,
    hits: list[dict[str, Any]] | None = None,
    fields: list[str] | None = None,
    dry_run: bool = False,
) -> ImportRecord:
    found, _created = ImportRecord.objects.update_or_create(
        job=job,
        position=row.position,
        defaults={
            "agency": agency,
            "source": row.source[:500],
            "index_number": row.index_number[:60],
            "title": row.title[:300],
            "outcome": outcome,
            "item": item,
            "errors": [message_to_json(m) for m in (errors if errors is not None else row.errors)],
            "hits": hits or [],
            "fields": fields or [],
            "dry_run": dry_run,
        },
    )
    return found


def _store_files(item: Item, files: list[PreparedFile], actor: Actor) -> None:
    for prepared in files:
        extracted = prepared.extracted
        assert extracted is not None, "read_texts() first"
        attachment = Attachment(
            item=item,
            filename=prepared.name,
            kind=prepared.kind,
            content_type=prepared.content_type,
            size=len(prepared.data),
            sha256=prepared.sha256,
            text=extracted.text or "",
            extraction_problem=one_line(extracted.problem)[:300],
            extraction_problems=[message_to_json(p) for p in extracted.problems],
            reading=Reading.DONE,
        )
        attachment.store_bytes(prepared.data)
        attachment.save()


def apply_row(
    *,
    actor: Actor,
    agency: Agency,
    row: Row,
    files: list[PreparedFile],
    reason: str,
    job: uuid.UUID | str,
    source_label: str,
) -> ImportRecord:
    """Apply one valid row (in the caller's transaction: the job's step); its record says what happened.

    ``files`` must have their text read (:func:`read_texts`) unless the row turns out unchanged.
    """
    require_importer(actor, agency)
    existing = Item.objects.select_for_update().filter(index_number=row.index_number).first()
    candidate = _candidate(agency, row)
    if existing is not None and existing.agency_id != agency.pk:
        error = Message(MSG_INDEX_OTHER_AGENCY, {"number": row.index_number})
        return record(job, agency, row, ImportOutcome.INVALID, errors=[error])
    if existing is not None:
        changed = changes(existing, candidate, row, files)
        if not changed:
            return record(job, agency, row, ImportOutcome.UNCHANGED, item=existing)
        if existing.status not in UPDATABLE:
            status = Status(existing.status).label
            error = Message(MSG_IN_REVIEW, {"number": row.index_number, "status": str(status)})
            return record(job, agency, row, ImportOutcome.INVALID, item=existing, errors=[error])
    read_texts(files)
    if existing is None:
        item, from_status, changed, previous = _create(actor, agency, row, candidate), "", [], {}
    else:
        from_status = existing.status
        item, previous = existing, _update(existing, candidate, row)
    if existing is None or "attachments" in changed:
        if existing is not None:
            for old in item.attachments.all():
                old.delete()
        _store_files(item, files, actor)
    findings = scan_item(item)
    summary = scan_summary(findings)
    item.status = Status.DRAFT if findings else Status.PUBLISHED
    item.save()
    data: dict[str, Any] = {
        "index_number": item.index_number,
        "published_on": item.published_on,
        "source": source_label,
        "scan": summary,
    }
    action = "import" if existing is None else "import_update"
    if existing is not None:
        data.update(fields=changed, previous=previous)
    record_event(item, action, actor, from_status=from_status, note=reason, data=data)
    outcome = ImportOutcome.CREATED if existing is None else ImportOutcome.UPDATED
    if findings:
        outcome = ImportOutcome.HELD
    audit: dict[str, Any] = {
        "index_number": item.index_number,
        "outcome": str(outcome),
        "reason": reason,
        "scan_hits": len(findings),
        "source": source_label,
        "job": str(job),
    }
    if existing is None:
        record_audit(actor, "catalogue.item_imported", item, **audit)
    else:
        record_audit(actor, "catalogue.item_import_updated", item, fields=changed, **audit)
    indexing.reindex(item)
    return record(job, agency, row, outcome, item=item, hits=summary["hits"], fields=changed)


def _create(actor: Actor, agency: Agency, row: Row, candidate: Item) -> Item:
    candidate.index_number = row.index_number
    candidate.published_on = row.published_on
    candidate.status = Status.DRAFT
    candidate.created_by = user_of(actor)
    candidate.save()
    return candidate


def _json(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def _update(item: Item, candidate: Item, row: Row) -> dict[str, Any]:
    """Put the row's values on the entry; the previous values (JSON) of what changed."""
    previous: dict[str, Any] = {}
    for name in IMPORTED_FIELDS:
        before, after = field_value(item, name), field_value(candidate, name)
        if before != after:
            previous[name] = _json(before)
            setattr(item, f"{name}_id" if name == "category" else name, after)
    if item.published_on != row.published_on:
        previous["published_on"] = _json(item.published_on)
        item.published_on = row.published_on
    item.updated_at = timezone.now()
    return previous
