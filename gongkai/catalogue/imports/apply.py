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

Every row's outcome is an :class:`~gongkai.catalogue.models.ImportRecord` written in its batch's
transaction (the job's step, :func:`apply_rows`): a batch's new entries are written together — one insert
of the entries, of their files, of their events, of their audit events (appended to the chain under one
lock), their search texts, and the column's totals once — so a row costs a few queries' share, not a few
dozen queries.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.agencies.models import Agency
from gongkai.catalogue import extract, indexing, permissions, selectors, totals, workflow
from gongkai.catalogue.content import apply_fields, field_value, one_line
from gongkai.catalogue.imports.files import FileSource
from gongkai.catalogue.imports.rows import MSG_INDEX_OTHER_AGENCY, MSG_INDEX_REPEATED, Row
from gongkai.catalogue.models import (
    Attachment,
    ImportOutcome,
    ImportRecord,
    Item,
    ItemEvent,
    Reading,
    Status,
)
from gongkai.catalogue.scanning import Finding, scan_item, scan_summary
from gongkai.catalogue.selectors import word_list_for
from gongkai.catalogue.services.common import actor_label, record_event
from gongkai.catalogue.services.files import MAX_ATTACHMENT_BYTES
from gongkai.core.actors import Actor, user_of
from gongkai.core.audit import audit_event, record_audits
from gongkai.core.messages import N_, Message, message_to_json
from gongkai.core.models import AuditEvent
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


Files = list[tuple[str, str]]


def _files_of(item: Item) -> Files:
    return list(item.attachments.order_by("id").values_list("filename", "sha256"))


def changes(
    existing: Item, candidate: Item, row: Row, files: list[PreparedFile], stored: Files | None = None
) -> list[str]:
    """The names of what differs between the entry and the row (fields, 发布日期, "attachments");
    ``stored``: the entry's files (name, SHA-256) when the caller read them already."""
    changed = [n for n in IMPORTED_FIELDS if field_value(existing, n) != field_value(candidate, n)]
    if existing.published_on != row.published_on:
        changed.append("published_on")
    if (stored if stored is not None else _files_of(existing)) != [(f.name, f.sha256) for f in files]:
        changed.append("attachments")
    return changed


@dataclass
class Planned:
    """A row of a batch with its files (prepared), where it came from, and — once planned — what
    applying it would do (:func:`plan_batch`)."""

    row: Row
    files: list[PreparedFile]
    source_label: str = ""
    outcome: str = ""
    fields: list[str] = field(default_factory=list)


#: Index numbers looked up per query (well under SQLite's limit of bound parameters).
LOOKUP_CHUNK = 500


def existing_entries(numbers: list[str], *, lock: bool = False) -> tuple[dict[str, Item], dict[int, Files]]:
    """The entries with these index numbers (locked for update with ``lock``, in the caller's
    transaction), and the files (name, SHA-256) of each, in a query or two per :data:`LOOKUP_CHUNK`."""
    found: dict[str, Item] = {}
    wanted = sorted({n for n in numbers if n})
    for start in range(0, len(wanted), LOOKUP_CHUNK):
        query = Item.objects.filter(index_number__in=wanted[start : start + LOOKUP_CHUNK])
        if lock:  # in one order, so that two imports of overlapping batches do not deadlock
            query = query.select_for_update().order_by("index_number")
        found.update((item.index_number or "", item) for item in query)
    ids = [item.pk for item in found.values()]
    files: dict[int, Files] = {pk: [] for pk in ids}
    for start in range(0, len(ids), LOOKUP_CHUNK):
        stored = (
            Attachment.objects.filter(item_id__in=ids[start : start + LOOKUP_CHUNK])
            .order_by("item_id", "id")
            .values_list("item_id", "filename", "sha256")
        )
        for item_id, name, digest in stored:
            files[item_id].append((name, digest))
    return found, files


def plan_batch(agency: Agency, batch: list[Planned]) -> None:
    """What applying each valid row would do (``created``, ``updated``, ``unchanged``, or ``invalid`` for
    an entry in review) and the fields it would change, on each :class:`Planned`. Reads only: two
    queries for the batch."""
    valid = [planned for planned in batch if planned.row.valid]
    existing, stored = existing_entries([planned.row.index_number for planned in valid])
    for planned in valid:
        row = planned.row
        found = existing.get(row.index_number)
        if found is None:
            planned.outcome, planned.fields = ImportOutcome.CREATED, []
            continue
        changed = changes(found, _candidate(agency, row), row, planned.files, stored[found.pk])
        if not changed:
            planned.outcome, planned.fields = ImportOutcome.UNCHANGED, []
        elif found.status not in UPDATABLE:
            planned.outcome, planned.fields = ImportOutcome.INVALID, changed
        else:
            planned.outcome, planned.fields = ImportOutcome.UPDATED, changed


def record_values(
    agency: Agency,
    row: Row,
    outcome: str,
    *,
    item: Item | None = None,
    errors: list[Message] | None = None,
    hits: list[dict[str, Any]] | None = None,
    fields: list[str] | None = None,
    dry_run: bool = False,
) -> dict[str, Any]:
    """The fields of the row's :class:`ImportRecord`."""
    return {
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
    }


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
    values = record_values(
        agency, row, outcome, item=item, errors=errors, hits=hits, fields=fields, dry_run=dry_run
    )
    found, _created = ImportRecord.objects.update_or_create(job=job, position=row.position, defaults=values)
    return found


def record_many(job: uuid.UUID | str, records: dict[int, dict[str, Any]]) -> None:
    """:func:`record` for a batch (``{position: record_values(…)}``): the records already there (a crawl's
    first pass wrote them) updated, the others inserted — three queries for the batch."""
    if not records:
        return
    existing = {r.position: r for r in ImportRecord.objects.filter(job=job, position__in=list(records))}
    for position, found in existing.items():
        for name, value in records[position].items():
            setattr(found, name, value)
    if existing:
        ImportRecord.objects.bulk_update(list(existing.values()), list(RECORD_FIELDS))
    ImportRecord.objects.bulk_create(
        [
            ImportRecord(job=job, position=position, **values)
            for position, values in records.items()
            if position not in existing
        ]
    )


#: What :func:`record_values` sets (the fields :func:`record_many` updates).
RECORD_FIELDS = (
    "agency",
    "source",
    "index_number",
    "title",
    "outcome",
    "item",
    "errors",
    "hits",
    "fields",
    "dry_run",
)


def preview_batch(job: uuid.UUID | str, agency: Agency, batch: list[Planned]) -> None:
    """Record what applying each row would do (a dry run writes only this)."""
    plan_batch(agency, batch)
    records: dict[int, dict[str, Any]] = {}
    for planned in batch:
        row = planned.row
        if not row.valid:
            records[row.position] = record_values(agency, row, ImportOutcome.INVALID, dry_run=True)
            continue
        errors = None
        if planned.outcome == ImportOutcome.INVALID:
            errors = [Message(MSG_IN_REVIEW, {"number": row.index_number, "status": ""})]
        records[row.position] = record_values(
            agency, row, planned.outcome, fields=planned.fields, errors=errors, dry_run=True
        )
    record_many(job, records)


def _attachment(prepared: PreparedFile) -> Attachment:
    extracted = prepared.extracted
    assert extracted is not None, "read_texts() first"
    return Attachment(
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


def _store_files(item: Item, files: list[PreparedFile]) -> None:
    for prepared in files:
        attachment = _attachment(prepared)
        attachment.item = item
        attachment.store_bytes(prepared.data)
        attachment.save()


def apply_rows(
    *,
    actor: Actor,
    agency: Agency,
    batch: list[Planned],
    reason: str,
    job: uuid.UUID | str,
) -> None:
    """Apply a batch of rows (valid or not) in the caller's transaction (the job's step): each row's
    :class:`ImportRecord` says what happened to it.

    The batch's entries are looked up (and locked) at once; the new ones are written together — the
    entries, their files, their events, their audit events (appended to the chain at once), their
    search texts, the column's totals and the public pages' version once — and an entry that changed is
    updated on its own (rare: a re-import of a corrected row). The files of the rows that write them
    must have their text read (:func:`read_texts`, outside the transaction); a file that has not is read
    here.
    """
    require_importer(actor, agency)
    valid = [planned for planned in batch if planned.row.valid]
    existing, stored = existing_entries([planned.row.index_number for planned in valid], lock=True)
    words = word_list_for(agency.pk) if valid else {}
    records: dict[int, dict[str, Any]] = {}
    new: list[Planned] = []
    taken: dict[str, int] = {}
    # Appended to the audit chain together at the end: the chain's head is locked from the first append to
    # the commit, and every audited write of the site waits for it.
    audits: list[AuditEvent] = []
    for planned in batch:
        row = planned.row
        if not row.valid:
            records[row.position] = record_values(agency, row, ImportOutcome.INVALID)
            continue
        found = existing.get(row.index_number)
        if found is not None and found.agency_id != agency.pk:
            error = Message(MSG_INDEX_OTHER_AGENCY, {"number": row.index_number})
            records[row.position] = record_values(agency, row, ImportOutcome.INVALID, errors=[error])
        elif found is not None:
            candidate = _candidate(agency, row)
            changed = changes(found, candidate, row, planned.files, stored[found.pk])
            if not changed:
                records[row.position] = record_values(agency, row, ImportOutcome.UNCHANGED, item=found)
            elif found.status not in UPDATABLE:
                status = Status(found.status).label
                error = Message(MSG_IN_REVIEW, {"number": row.index_number, "status": str(status)})
                records[row.position] = record_values(
                    agency, row, ImportOutcome.INVALID, item=found, errors=[error]
                )
            else:
                records[row.position], audit = _update_one(
                    actor, agency, planned, found, candidate, changed, words, reason, job
                )
                audits.append(audit)
        elif row.index_number in taken:  # pragma: no cover - the check refuses a number used twice
            error = Message(MSG_INDEX_REPEATED, {"number": row.index_number, "line": taken[row.index_number]})
            records[row.position] = record_values(agency, row, ImportOutcome.INVALID, errors=[error])
        else:
            taken[row.index_number] = row.position
            new.append(planned)
    created, created_audits = _create_many(actor, agency, new, words, reason, job)
    records.update(created)
    record_audits([*audits, *created_audits])
    record_many(job, records)


def _audit_details(
    item: Item, outcome: str, reason: str, findings: int, source_label: str, job: uuid.UUID | str
) -> dict[str, Any]:
    return {
        "index_number": item.index_number,
        "outcome": str(outcome),
        "reason": reason,
        "scan_hits": findings,
        "source": source_label,
        "job": str(job),
    }


def _create_many(
    actor: Actor,
    agency: Agency,
    batch: list[Planned],
    words: dict[str, str],
    reason: str,
    job: uuid.UUID | str,
) -> tuple[dict[int, dict[str, Any]], list[AuditEvent]]:
    """The batch's new entries, written together; their records' values by position, and their audit
    events for the caller to append."""
    if not batch:
        return {}, []
    user = user_of(actor)
    made: list[tuple[Planned, Item, list[Attachment], list[Finding]]] = []
    for planned in batch:
        read_texts(planned.files)
        item = _candidate(agency, planned.row)
        item.index_number = planned.row.index_number
        item.published_on = planned.row.published_on
        item.created_by = user
        attachments = [_attachment(prepared) for prepared in planned.files]
        # Scanned before it is saved, with the files' texts as read: a hit keeps it a draft.
        findings = scan_item(item, words, attachments=attachments)
        item.status = Status.DRAFT if findings else Status.PUBLISHED
        made.append((planned, item, attachments, findings))
    Item.objects.bulk_create([item for _p, item, _a, _f in made])
    files: list[Attachment] = []
    for planned, item, attachments, _findings in made:
        for attachment, prepared in zip(attachments, planned.files, strict=True):
            attachment.item = item
            attachment.store_bytes(prepared.data)
            files.append(attachment)
    Attachment.objects.bulk_create(files)
    label = actor_label(user)
    events: list[ItemEvent] = []
    audits: list[AuditEvent] = []
    records: dict[int, dict[str, Any]] = {}
    for planned, item, _attachments, findings in made:
        summary = scan_summary(findings)
        data = {
            "index_number": item.index_number,
            "published_on": item.published_on,
            "source": planned.source_label,
            "scan": summary,
        }
        events.append(
            ItemEvent(
                item=item,
                action="import",
                from_status="",
                to_status=item.status,
                actor=user,
                actor_label=label,
                note=reason,
                data=data,
            )
        )
        outcome = ImportOutcome.HELD if findings else ImportOutcome.CREATED
        details = _audit_details(item, outcome, reason, len(findings), planned.source_label, job)
        audits.append(audit_event(actor, "catalogue.item_imported", item, **details))
        records[planned.row.position] = record_values(
            agency, planned.row, outcome, item=item, hits=summary["hits"]
        )
    ItemEvent.objects.bulk_create(events)
    # What the entries' signals do on a save (bulk_create sends none): the search texts, and for the
    # published ones the column's totals, the public pages' version and the cached counts.
    indexing.reindex_many((item, [a.text for a in attachments]) for _p, item, attachments, _f in made)
    if any(item.status == Status.PUBLISHED for _p, item, _a, _f in made):
        totals.refresh(agency.pk)
        selectors.forget_published_counts()
    return records, audits


def _update_one(
    actor: Actor,
    agency: Agency,
    planned: Planned,
    item: Item,
    candidate: Item,
    changed: list[str],
    words: dict[str, str],
    reason: str,
    job: uuid.UUID | str,
) -> tuple[dict[str, Any], AuditEvent]:
    """Update one entry in place (its previous values on its event); its record's values, and its audit
    event for the caller to append."""
    row = planned.row
    read_texts(planned.files)
    from_status = item.status
    previous = _update(item, candidate, row)
    if "attachments" in changed:
        for old in item.attachments.all():
            old.delete()
        _store_files(item, planned.files)
    findings = scan_item(item, words)
    summary = scan_summary(findings)
    item.status = Status.DRAFT if findings else Status.PUBLISHED
    item.save()
    data: dict[str, Any] = {
        "index_number": item.index_number,
        "published_on": item.published_on,
        "source": planned.source_label,
        "scan": summary,
        "fields": changed,
        "previous": previous,
    }
    record_event(item, "import_update", actor, from_status=from_status, note=reason, data=data)
    outcome = ImportOutcome.HELD if findings else ImportOutcome.UPDATED
    details = _audit_details(item, outcome, reason, len(findings), planned.source_label, job)
    audit = audit_event(actor, "catalogue.item_import_updated", item, fields=changed, **details)
    indexing.reindex(item)
    return record_values(agency, row, outcome, item=item, hits=summary["hits"], fields=changed), audit


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
