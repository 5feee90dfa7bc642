"""Retention of the audit log: events older than ``GONGKAI_AUDIT_RETENTION_DAYS`` are written to a signed
archive file, the file is verified, and only then are they deleted (the one path that deletes audit events,
itself audited as ``audit.archived``).

An archive file is JSON lines, UTF-8:

1. a header ``{"format": "gongkai-audit-archive", "version": 1, "first_day", "last_day", "count",
   "first_prev_hash", "last_hash", "created_at"}``;
2. one line per event, in chain order: its database ``id``, the fields the chain hashes and its ``hash``;
3. a last line ``{"algorithm": "HMAC-SHA256", "signature": hex}``, the HMAC of every byte before it with
   ``GONGKAI_AUDIT_ARCHIVE_KEY`` (or a key derived from ``SECRET_KEY`` when it is not set).

The events that remain start where the archive ends: their first event's ``prev_hash`` is the archive's
``last_hash``, recorded in the ``audit.archived`` event so that ``gongkai audit verify`` accepts it.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.core import auditchain, auditverify
from gongkai.core.audit import record_audit
from gongkai.core.models import AuditChainHead, AuditEvent

FORMAT = "gongkai-audit-archive"
VERSION = 1
ALGORITHM = "HMAC-SHA256"
ARCHIVED = auditverify.ARCHIVED


class ArchiveError(Exception):
    """The archive could not be written or does not verify; nothing was deleted."""


def archive_key() -> bytes:
    configured = str(getattr(settings, "GONGKAI_AUDIT_ARCHIVE_KEY", "") or "")
    if configured:
        return configured.encode("utf-8")
    return hmac.new(settings.SECRET_KEY.encode("utf-8"), b"gongkai.audit.archive", hashlib.sha256).digest()


def retention_cutoff(today: datetime.date) -> datetime.date:
    """The first chain day that is kept: events of earlier days are archived."""
    return today - datetime.timedelta(days=int(settings.GONGKAI_AUDIT_RETENTION_DAYS))


def _line(value: dict[str, Any]) -> bytes:
    return (
        json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8") + b"\n"
    )


def _event_record(event: AuditEvent) -> dict[str, Any]:
    return {"id": event.pk, **auditchain.canonical_fields(event), "hash": event.hash}


def _record_hash(record: dict[str, Any]) -> str:
    fields = {key: value for key, value in record.items() if key not in ("id", "hash")}
    return hashlib.sha256(auditchain.canonical_bytes(fields)).hexdigest()


@dataclass(frozen=True)
class ArchiveCheck:
    count: int
    first_day: str | None
    last_day: str | None
    last_hash: str
    problem: str | None

    @property
    def ok(self) -> bool:
        return self.problem is None


def _check_records(header: dict[str, Any], records: list[dict[str, Any]]) -> str | None:
    previous_hash = header.get("first_prev_hash")
    previous: dict[str, Any] | None = None
    for record in records:
        if _record_hash(record) != record.get("hash"):
            return _("归档中的事件 %(id)s 内容与其哈希不符。") % {"id": record.get("id")}
        if record.get("prev_hash") != previous_hash:
            return _("归档中的事件 %(id)s 没有接在前一事件之后。") % {"id": record.get("id")}
        same_day = previous is not None and previous.get("chain_day") == record.get("chain_day")
        expected = (previous or {}).get("sequence", 0) + 1 if same_day else 1
        if record.get("sequence") != expected:
            return _("归档中的事件 %(id)s 的当日序号不连续。") % {"id": record.get("id")}
        previous, previous_hash = record, record.get("hash")
    if len(records) != header.get("count") or previous_hash != header.get("last_hash"):
        return _("归档文件的事件数或最后哈希与文件头不符。")
    return None


def verify_archive(path: Path) -> ArchiveCheck:
    """Check an archive file's signature, then the chain inside it."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return ArchiveCheck(
            0, None, None, "", _("无法读取归档文件：%(error)s") % {"error": exc.strerror or exc}
        )
    body, _sep, last = data.rstrip(b"\n").rpartition(b"\n")
    try:
        signature = json.loads(last)
        lines = [json.loads(line) for line in body.split(b"\n")] if body else []
    except (ValueError, UnicodeDecodeError):
        return ArchiveCheck(0, None, None, "", _("归档文件格式不正确（不是 JSON 行）。"))
    if not lines or not isinstance(signature, dict) or not all(isinstance(x, dict) for x in lines):
        return ArchiveCheck(0, None, None, "", _("归档文件格式不正确（缺少文件头或签名）。"))
    header, records = lines[0], lines[1:]
    summary = (
        len(records),
        header.get("first_day"),
        header.get("last_day"),
        str(header.get("last_hash", "")),
    )
    expected = hmac.new(archive_key(), body + b"\n", hashlib.sha256).hexdigest()
    if signature.get("algorithm") != ALGORITHM or not hmac.compare_digest(
        str(signature.get("signature", "")), expected
    ):
        return ArchiveCheck(*summary, _("归档文件的签名不正确：文件被改动，或签名密钥不同。"))
    if header.get("format") != FORMAT or header.get("version") != VERSION:
        return ArchiveCheck(*summary, _("不是 Gongkai 审计归档文件。"))
    return ArchiveCheck(*summary, _check_records(header, records))


@dataclass(frozen=True)
class ArchiveResult:
    path: Path
    count: int
    first_day: datetime.date
    last_day: datetime.date
    file_sha256: str
    event: AuditEvent


def _write(path: Path, events: list[AuditEvent]) -> None:
    header = {
        "format": FORMAT,
        "version": VERSION,
        "first_day": events[0].chain_day.isoformat() if events[0].chain_day else None,
        "last_day": events[-1].chain_day.isoformat() if events[-1].chain_day else None,
        "count": len(events),
        "first_prev_hash": events[0].prev_hash,
        "last_hash": events[-1].hash,
        "created_at": timezone.now().isoformat(),
    }
    body = _line(header) + b"".join(_line(_event_record(event)) for event in events)
    signature = hmac.new(archive_key(), body, hashlib.sha256).hexdigest()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    with partial.open("xb") as stream:
        stream.write(body + _line({"algorithm": ALGORITHM, "signature": signature}))
        stream.flush()
        os.fsync(stream.fileno())
    partial.rename(path)


def archive(*, today: datetime.date, directory: Path | None = None) -> ArchiveResult | None:
    """Archive and delete the events of the chain days before the retention cutoff; ``None`` when there are
    none. Raises :class:`ArchiveError` (deleting nothing) when the chain to archive does not verify or the
    file written does not."""
    cutoff = retention_cutoff(today)
    directory = directory or Path(settings.GONGKAI_AUDIT_ARCHIVE_DIR)
    with transaction.atomic():
        # Archives run one at a time, and no append interleaves with the deletion.
        AuditChainHead.objects.select_for_update().get_or_create(pk=AuditChainHead.SINGLETON)
        old = AuditEvent.objects.filter(chain_day__lt=cutoff).order_by("chain_day", "sequence")
        events = list(old)
        if not events:
            return None
        checked = auditverify.verify(to_day=cutoff - datetime.timedelta(days=1))
        if checked.broken is not None:
            raise ArchiveError(checked.broken.describe())
        first_day, last_day = events[0].chain_day, events[-1].chain_day
        assert first_day is not None and last_day is not None
        path = (
            directory / f"audit-{first_day.isoformat()}-{last_day.isoformat()}-{events[-1].hash[:12]}.jsonl"
        )
        _write(path, events)
        check = verify_archive(path)
        if not check.ok or check.count != len(events) or check.last_hash != events[-1].hash:
            raise ArchiveError(check.problem or _("归档文件与数据库中的事件不符。"))
        file_sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
        # The one deletion of audit events: below the append-only queryset, after the file verified.
        deleted = models.QuerySet(AuditEvent).filter(chain_day__lt=cutoff)._raw_delete(using=old.db)
        if deleted != len(events):
            raise ArchiveError(_("删除的事件数与归档的事件数不符。"))
        event = record_audit(
            None,
            ARCHIVED,
            first_day=first_day.isoformat(),
            last_day=last_day.isoformat(),
            count=len(events),
            file=path.name,
            file_sha256=file_sha256,
            last_hash=events[-1].hash,
        )
    return ArchiveResult(path, len(events), first_day, last_day, file_sha256, event)
