"""In-app notifications (站内通知): the one way to write them, and the reads the navigation bar needs.

Any app may notify (core is below every app): a feature service calls :func:`notify` inside its own
transaction, so the notice and the change it announces are committed together. A notice is not an audit
event: the change it announces is audited by the service that made it, and reading a notice changes
nothing but the reader's own inbox.

The text is a Chinese message id with ``%(name)s`` placeholders (mark it with ``N_`` where it is written,
and translate it in the catalogue) and JSON-able parameters; :func:`text` renders it in the reader's
language.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import IntegrityError, connection, models, transaction
from django.db.models import QuerySet
from django.utils import timezone

from gongkai.core.i18n import render
from gongkai.core.messages import Message
from gongkai.core.models import Notification

#: How many notices the notifications page lists at most.
PAGE_LIMIT = 200


def notify(
    recipients: Iterable[AbstractBaseUser],
    *,
    kind: str,
    message: str,
    params: Mapping[str, Any] | None = None,
    link: str = "",
    agency: models.Model | None = None,
    urgent: bool = False,
    dedupe_key: str = "",
) -> list[Notification]:
    """Notify each active recipient once; return the notices created.

    With a ``dedupe_key``, a recipient who already has a notice with that key gets no second one
    (idempotent: ``gongkai remind`` may run twice a day). Inactive users are skipped.
    """
    created: list[Notification] = []
    seen: set[Any] = set()
    for user in recipients:
        if not user.is_active or user.pk in seen:
            continue
        seen.add(user.pk)
        if dedupe_key and Notification.objects.filter(recipient_id=user.pk, dedupe_key=dedupe_key).exists():
            continue
        notice = Notification(
            recipient_id=user.pk,
            agency_id=agency.pk if agency is not None else None,
            kind=kind,
            message=message,
            params=dict(params or {}),
            link=link,
            urgent=urgent,
            dedupe_key=dedupe_key,
        )
        notice.full_clean(exclude=["recipient", "agency"])
        try:
            with transaction.atomic():
                notice.save()
        except IntegrityError:
            if not dedupe_key:
                raise
            continue  # written by a concurrent run a moment ago
        created.append(notice)
    return created


def text(notice: Notification) -> str:
    """The notice's text in the reader's language."""
    return render(Message(notice.message, notice.params))


def inbox(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Notification]:
    """The user's notices, newest first (none for anonymous users)."""
    if not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(recipient_id=user.pk).select_related("agency")


def unread_count(user: AbstractBaseUser | AnonymousUser) -> int:
    """``Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()``, written out: the
    navigation bar asks it on every signed-in page, and building the queryset cost more than the query."""
    if not user.is_authenticated:
        return 0
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM {q(Notification._meta.db_table)} "
            f"WHERE {q('read_at')} IS NULL AND {q('recipient_id')} = %s",
            [user.pk],
        )
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def mark_read(
    user: AbstractBaseUser | AnonymousUser,
    *,
    pks: Iterable[int] | None = None,
    now: datetime.datetime | None = None,
) -> int:
    """Mark the user's own unread notices as read (all of them, or those of ``pks``); return how many.

    Only the recipient's own notices are touched: another user's notice id is ignored, never revealed.
    """
    if not user.is_authenticated:
        return 0
    unread = Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True)
    if pks is not None:
        unread = unread.filter(pk__in=list(pks))
    return unread.update(read_at=now or timezone.now())
