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
import itertools
import json
import os
from collections.abc import Iterator
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


def current_chain_day() -> datetime.date | None:
    """The audit chain's day in progress (that of its last event), which :func:`archive` never takes."""
    return AuditChainHead.objects.filter(pk=AuditChainHead.SINGLETON).values_list("day", flat=True).first()


def _line(value: dict[str, Any]) -> bytes:
    """One line of the archive: the chain's canonical JSON (the form its hashes are taken of)."""
    return auditchain.canonical_bytes(value) + b"\n"


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


class _Checker:
    """The chain inside an archive, one record at a time."""

    def __init__(self, header: dict[str, Any]) -> None:
        self.header = header
        self.count = 0
        self.previous: dict[str, Any] | None = None
        self.previous_hash = header.get("first_prev_hash")

    def add(self, record: dict[str, Any]) -> str | None:
        if _record_hash(record) != record.get("hash"):
            return _("归档中的事件 %(id)s 内容与其哈希不符。") % {"id": record.get("id")}
        if record.get("prev_hash") != self.previous_hash:
            return _("归档中的事件 %(id)s 没有接在前一事件之后。") % {"id": record.get("id")}
        previous = self.previous
        same_day = previous is not None and previous.get("chain_day") == record.get("chain_day")
        expected = (previous or {}).get("sequence", 0) + 1 if same_day else 1
        if record.get("sequence") != expected:
            return _("归档中的事件 %(id)s 的当日序号不连续。") % {"id": record.get("id")}
        self.previous, self.previous_hash = record, record.get("hash")
        self.count += 1
        return None

    def finish(self) -> str | None:
        if self.count != self.header.get("count") or self.previous_hash != self.header.get("last_hash"):
            return _("归档文件的事件数或最后哈希与文件头不符。")
        return None


def _lines(path: Path) -> Iterator[tuple[bytes, bool]]:
    """The file's lines (without their newline), each with whether it is the last."""
    with path.open("rb") as stream:
        previous: bytes | None = None
        for line in stream:
            if previous is not None:
                yield previous, False
            previous = line
        if previous is not None:
            yield previous, True


def _json_object(line: bytes) -> dict[str, Any]:
    value = json.loads(line)
    if not isinstance(value, dict):
        raise ValueError("not an object")
    return value


def verify_archive(path: Path) -> ArchiveCheck:
    """Check an archive file's signature, then the chain inside it (read a line at a time)."""
    mac = hmac.new(archive_key(), digestmod=hashlib.sha256)
    header: dict[str, Any] | None = None
    checker: _Checker | None = None
    chain_problem: str | None = None
    signature: dict[str, Any] = {}
    try:
        for line, last in _lines(path):
            if last:
                signature = _json_object(line)
                break
            mac.update(line)
            if header is None:
                header = _json_object(line)
                checker = _Checker(header)
            elif chain_problem is None and checker is not None:
                chain_problem = checker.add(_json_object(line))
    except OSError as exc:
        return ArchiveCheck(
            0, None, None, "", _("无法读取归档文件：%(error)s") % {"error": exc.strerror or exc}
        )
    except (ValueError, UnicodeDecodeError):
        return ArchiveCheck(0, None, None, "", _("归档文件格式不正确（不是 JSON 行）。"))
    if header is None or checker is None or not signature:
        return ArchiveCheck(0, None, None, "", _("归档文件格式不正确（缺少文件头或签名）。"))
    summary = (
        checker.count,
        header.get("first_day"),
        header.get("last_day"),
        str(header.get("last_hash", "")),
    )
    if signature.get("algorithm") != ALGORITHM or not hmac.compare_digest(
        str(signature.get("signature", "")), mac.hexdigest()
    ):
        return ArchiveCheck(*summary, _("归档文件的签名不正确：文件被改动，或签名密钥不同。"))
    if header.get("format") != FORMAT or header.get("version") != VERSION:
        return ArchiveCheck(*summary, _("不是 Gongkai 审计归档文件。"))
    return ArchiveCheck(*summary, chain_problem or checker.finish())


@dataclass(frozen=True)
class ArchiveResult:
    path: Path
    count: int
    first_day: datetime.date
    last_day: datetime.date
    file_sha256: str
    event: AuditEvent


def _write(
    path: Path, events: models.QuerySet[AuditEvent], first: AuditEvent, last: AuditEvent, count: int
) -> None:
    """Write the archive a line at a time (any number of events, little memory), signing as it goes."""
    header = {
        "format": FORMAT,
        "version": VERSION,
        "first_day": first.chain_day.isoformat() if first.chain_day else None,
        "last_day": last.chain_day.isoformat() if last.chain_day else None,
        "count": count,
        "first_prev_hash": first.prev_hash,
        "last_hash": last.hash,
        "created_at": timezone.now().isoformat(),
    }
    mac = hmac.new(archive_key(), digestmod=hashlib.sha256)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    with partial.open("xb") as stream:
        for record in itertools.chain([header], (_event_record(e) for e in events.iterator(chunk_size=2000))):
            line = _line(record)
            mac.update(line)
            stream.write(line)
        stream.write(_line({"algorithm": ALGORITHM, "signature": mac.hexdigest()}))
        stream.flush()
        os.fsync(stream.fileno())
    partial.rename(path)


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def archive(*, today: datetime.date, directory: Path | None = None) -> ArchiveResult | None:
    """Archive and delete the events of the chain days before the retention cutoff; ``None`` when there are
    none. Raises :class:`ArchiveError` (deleting nothing) when the chain to archive does not verify or the
    file written does not."""
    cutoff = retention_cutoff(today)
    directory = directory or Path(settings.GONGKAI_AUDIT_ARCHIVE_DIR)
    with transaction.atomic():
        # Archives run one at a time, and no append interleaves with the deletion.
        head, _created = AuditChainHead.objects.select_for_update().get_or_create(pk=AuditChainHead.SINGLETON)
        # Only finished days: the chain's current day stays, whatever ``today`` says, so that what remains
        # starts a day (sequence 1) linked to the archive's last hash.
        if head.day is not None and head.day < cutoff:
            cutoff = head.day
        old = AuditEvent.objects.filter(chain_day__lt=cutoff).order_by("chain_day", "sequence")
        first, last, count = old.first(), old.last(), old.count()
        if first is None or last is None:
            return None
        checked = auditverify.verify(to_day=cutoff - datetime.timedelta(days=1))
        if checked.broken is not None:
            raise ArchiveError(checked.broken.describe())
        first_day, last_day = first.chain_day, last.chain_day
        assert first_day is not None and last_day is not None
        path = directory / f"audit-{first_day.isoformat()}-{last_day.isoformat()}-{last.hash[:12]}.jsonl"
        _write(path, old, first, last, count)
        check = verify_archive(path)
        if not check.ok or check.count != count or check.last_hash != last.hash:
            raise ArchiveError(check.problem or _("归档文件与数据库中的事件不符。"))
        file_sha256 = _sha256_of(path)
        # The one deletion of audit events: below the append-only queryset, after the file verified.
        deleted = models.QuerySet(AuditEvent).filter(chain_day__lt=cutoff)._raw_delete(using=old.db)
        if deleted != count:
            raise ArchiveError(_("删除的事件数与归档的事件数不符。"))
        event = record_audit(
            None,
            ARCHIVED,
            first_day=first_day.isoformat(),
            last_day=last_day.isoformat(),
            count=count,
            file=path.name,
            file_sha256=file_sha256,
            last_hash=last.hash,
        )
    return ArchiveResult(path, count, first_day, last_day, file_sha256, event)
