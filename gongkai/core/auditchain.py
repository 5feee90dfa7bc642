"""The tamper-evident audit chain (安全审计: 审计记录的保护).

Every :class:`~gongkai.core.models.AuditEvent` carries the hash of the event before it (``prev_hash``)
and its own ``hash``: SHA-256 over a canonical serialisation of its fields, ``prev_hash`` included. The
chain runs in **days** (``chain_day``, the day in ``TIME_ZONE``): ``sequence`` starts again at 1 each day,
and a day's first event links to the last hash of the day before (or, for the very first event or the
first one after an archive, to :data:`GENESIS` or the archived last hash recorded by ``audit.archived``).

Appends are serialised in the database: :func:`append` locks the one :class:`AuditChainHead` row
(``select_for_update``) in the caller's transaction, so concurrent writers on several processes and hosts
queue on that row and never fork the chain; the unique constraint on (``chain_day``, ``sequence``) guards
the same invariant a second time.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from gongkai.core.models import AuditChainHead, AuditEvent

#: What the first event ever links to.
GENESIS = hashlib.sha256(b"gongkai audit chain genesis").hexdigest()
#: The version of the canonical form (hashed too, so that a future form cannot be confused with this one).
FORM_VERSION = 1


def normalised_details(details: dict[str, Any]) -> dict[str, Any]:
    """``details`` as they read back from the database's JSON column (dates as strings, …), so that the
    hash computed before saving is the hash recomputed after reading."""
    value = json.loads(json.dumps(details, cls=DjangoJSONEncoder))
    if not isinstance(value, dict):
        raise TypeError("details must be a mapping")
    return value


def canonical_fields(event: AuditEvent) -> dict[str, Any]:
    """The fields the hash covers, as plain JSON values (the database id is not among them: it is given by
    the database after the hash is computed; the chain position is)."""
    created = event.created_at.astimezone(datetime.UTC)
    return {
        "v": FORM_VERSION,
        "chain_day": event.chain_day.isoformat() if event.chain_day else None,
        "sequence": event.sequence,
        "prev_hash": event.prev_hash,
        "created_at": created.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "actor": event.actor_ref,
        "actor_label": event.actor_label,
        "agency": event.agency_ref,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "details": event.details,
    }


def canonical_bytes(fields: dict[str, Any]) -> bytes:
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def event_hash(event: AuditEvent) -> str:
    return hashlib.sha256(canonical_bytes(canonical_fields(event))).hexdigest()


def chain_day_of(moment: datetime.datetime) -> datetime.date:
    return timezone.localdate(moment)


def append(event: AuditEvent) -> AuditEvent:
    """Give ``event`` its place in the chain and save it. Must run inside a transaction (the head's lock is
    held until it commits, so that no other writer takes the same place)."""
    return append_many([event])[0]


def append_many(events: list[AuditEvent]) -> list[AuditEvent]:
    """Give ``events`` their places in the chain, one after the other, and save them in one insert: what
    :func:`append` does for each, under one lock of the head and one update of it (a batch of an import).
    Must run inside a transaction, as :func:`append`."""
    if not events:
        return events
    head, _created = AuditChainHead.objects.select_for_update().get_or_create(pk=AuditChainHead.SINGLETON)
    for event in events:
        # The time is taken under the lock, so that the chain's order is the order of the times; a host
        # whose clock runs behind never takes the chain back to a day already left.
        event.created_at = timezone.now()
        day = chain_day_of(event.created_at)
        if head.day is not None and day < head.day:
            day = head.day
        event.chain_day = day
        event.sequence = head.sequence + 1 if head.day == day else 1
        event.prev_hash = head.last_hash or GENESIS
        event.details = normalised_details(event.details)
        event.hash = event_hash(event)
        head.day, head.sequence, head.last_hash = day, event.sequence, event.hash
    if len(events) == 1:
        events[0].save()
    else:
        AuditEvent.objects.bulk_create(events)
    head.save(update_fields=["day", "sequence", "last_hash"])
    return events
