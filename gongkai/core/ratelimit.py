"""Rate limits kept in the database, so that every worker process and host counts the same attempts.

Behind a reverse proxy every request comes from the proxy's address; set
``GONGKAI_TRUSTED_PROXY_COUNT`` to the number of proxies in front of the site so that the client's own
address is read from ``X-Forwarded-For`` (the entry that many places from the right, which the outermost
trusted proxy wrote; entries further left are the client's claims and are ignored).
"""

from __future__ import annotations

import datetime
import hashlib

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from gongkai.core.models import RateEvent

#: Rows older than this are deleted now and then (no limit here uses a longer window).
RETENTION = datetime.timedelta(days=2)


def client_address(request: HttpRequest) -> str:
    """The client's address: ``REMOTE_ADDR``, or the trusted proxies' entry of ``X-Forwarded-For``."""
    proxies = int(getattr(settings, "GONGKAI_TRUSTED_PROXY_COUNT", 0) or 0)
    if proxies > 0:
        header = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
        forwarded = [part.strip() for part in header.split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return str(request.META.get("REMOTE_ADDR", "") or "unknown")


def client_key(request: HttpRequest) -> str:
    """A keyed hash of the client's address (the address itself is personal data and is not stored)."""
    return keyed("address", client_address(request))


def keyed(kind: str, value: str) -> str:
    """A keyed hash of ``value`` (a tracking code, a user id …), to count attempts against it by key."""
    return hashlib.sha256(f"{settings.SECRET_KEY}|{kind}|{value}".encode()).hexdigest()


def _counted(scope: str, key: str, attempts: int, *, limit: int, window: datetime.timedelta) -> bool:
    """Insert ``attempts`` attempts, then count: ``True`` when they fit under ``limit`` within ``window``;
    refused attempts are removed again, so a client that waits gets through. Inserting before counting
    lets concurrent requests of one client see each other: they cannot all slip under the limit."""
    now = timezone.now()
    with transaction.atomic():
        events = RateEvent.objects.bulk_create(
            [RateEvent(scope=scope, key=key, at=now) for _ in range(attempts)]
        )
        recent = RateEvent.objects.filter(scope=scope, key=key, at__gte=now - window, at__lte=now).count()
        if recent > limit:
            RateEvent.objects.filter(pk__in=[event.pk for event in events]).delete()
            return False
    # Now and then, drop rows nobody will count again (every ~100th attempt, decided by the id).
    if any(event.pk is not None and event.pk % 100 == 0 for event in events):
        RateEvent.objects.filter(at__lt=now - RETENTION).delete()
    return True


def hit(scope: str, key: str, *, limit: int, window: datetime.timedelta) -> bool:
    """Count one attempt; ``False`` when ``key`` already made ``limit`` attempts within ``window``."""
    return _counted(scope, key, 1, limit=limit, window=window)


def take(
    scope: str, key: str, attempts: int, *, limit: int, window: datetime.timedelta
) -> datetime.datetime | None:
    """Count ``attempts`` at once (e.g. the files of one upload): ``None`` when they fit under ``limit``
    within ``window``, else when to try again (and none of them is counted)."""
    if _counted(scope, key, attempts, limit=limit, window=window):
        return None
    return retry_at(scope, key, limit=max(limit - attempts + 1, 1), window=window) or timezone.now() + window


def retry_after_seconds(at: datetime.datetime) -> str:
    """``Retry-After`` for a moment: seconds from now, at least 1."""
    return str(max(1, int((at - timezone.now()).total_seconds()) + 1))


def count(scope: str, key: str, *, window: datetime.timedelta) -> int:
    """Attempts of ``key`` within ``window`` (read-only)."""
    return RateEvent.objects.filter(scope=scope, key=key, at__gte=timezone.now() - window).count()


def retry_at(scope: str, key: str, *, limit: int, window: datetime.timedelta) -> datetime.datetime | None:
    """When ``key``, which made ``limit`` attempts within ``window``, may try again: when the oldest of the
    ``limit`` latest attempts leaves the window. ``None`` when it may try now."""
    now = timezone.now()
    latest = list(
        RateEvent.objects.filter(scope=scope, key=key, at__gte=now - window, at__lte=now)
        .order_by("-at")
        .values_list("at", flat=True)[: max(limit, 1)]
    )
    if len(latest) < limit:
        return None
    return latest[-1] + window
