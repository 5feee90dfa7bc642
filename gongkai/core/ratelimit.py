"""Rate limits kept in the database, so that every worker process and host counts the same attempts."""

from __future__ import annotations

import datetime
import hashlib

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from gongkai.core.models import RateEvent


def client_key(request: HttpRequest) -> str:
    """A keyed hash of the client's address (the address itself is personal data and is not stored)."""
    address = request.META.get("REMOTE_ADDR", "") or "unknown"
    return hashlib.sha256(f"{settings.SECRET_KEY}|{address}".encode()).hexdigest()


def hit(scope: str, key: str, *, limit: int, window: datetime.timedelta) -> bool:
    """Count one attempt; ``False`` when ``key`` already made ``limit`` attempts within ``window``.

    A refused attempt is not counted, so a client that waits gets through again.
    """
    now = timezone.now()
    since = now - window
    recent = RateEvent.objects.filter(scope=scope, key=key, at__gte=since).count()
    if recent >= limit:
        return False
    RateEvent.objects.create(scope=scope, key=key, at=now)
    # Old rows are of no further use; drop them now and then (cheap, indexed).
    if recent == 0:
        RateEvent.objects.filter(scope=scope, key=key, at__lt=since).delete()
    return True
