"""The officer's queue's expensive part from the cache, never older than the last change (D52).

What is kept: the queue page's two fragments — its head (the links, the calendar's warning) and its body
(the filter form, the count, the 50 rows, the pagination) — as HTML, under a key made of

* the queue's version (:class:`~gongkai.applications.models.QueueVersion`, one row), which database
  triggers increment **in the transaction of every statement** that writes the cases, their approvals, the
  agencies, the memberships or the work calendar (migration ``applications.0017``). It is read before
  anything the fragments are made of, so a fragment is stored only under a version at least as old as its
  data: once a change commits, every process asks for the new version's key;
* the user, whether they are a superuser, and their seats (each membership's id, agency, role, the agency's
  name and path: read each request anyway, for the permissions and the navigation bar);
* the language, today's date (overdue and due soon move with it), the script prefix, the query string (in
  its order: the links keep it), and a stamp of the code that draws the fragments (a deploy that changes
  them changes the key).

Not kept: the rest of the page — the navigation bar (unread notices), the CSRF token, flash messages, the
approvals waiting for the user (they name the people who submitted them) — which is made for each request
as before. The permissions are the seats of the request, read before the cache: a key is one user's, with
the seats they hold now. A missing version row (a flushed database) or ``GONGKAI_QUEUE_CACHE`` off turns the
cache off; a cache that is down is logged and the fragments are made.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router
from django.http import HttpRequest
from django.urls import get_script_prefix
from django.utils import timezone
from django.utils.translation import get_language

from gongkai.agencies.permissions import Seats
from gongkai.applications.models import QueueVersion
from gongkai.core.fields import keyring
from gongkai.core.sealing import SealingError

logger = logging.getLogger(__name__)

#: What a fragment is drawn by: a change to any of these files changes every key.
_CODE = (
    "applications/presenters.py",
    "applications/selectors.py",
    "applications/forms_officer.py",
    "applications/views_officer.py",
    "applications/queue_cache.py",
    "applications/templates/applications/officer/queue_head.html",
    "applications/templates/applications/officer/queue_body.html",
    "core/templates/includes/pagination.html",
    "core/templates/includes/provisional_note.html",
    "core/templates/includes/provisional_badge.html",
    "core/widgets.py",
    "locale/en/LC_MESSAGES/django.mo",
)


@functools.cache
def code_stamp() -> str:
    """A digest of :data:`_CODE` (read once per process; a missing file counts as empty)."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for name in _CODE:
        path = root / name
        digest.update(name.encode())
        digest.update(path.read_bytes() if path.exists() else b"")
    return digest.hexdigest()[:16]


def enabled() -> bool:
    return bool(getattr(settings, "GONGKAI_QUEUE_CACHE", True))


def current_version() -> int | None:
    """The queue's version (one query by primary key, written out), ``None`` if the row is missing."""
    connection = connections[router.db_for_read(QueueVersion)]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {quote('version')} FROM {quote(QueueVersion._meta.db_table)} WHERE {quote('id')} = %s",
            [QueueVersion.SINGLETON],
        )
        row = cursor.fetchone()
    return None if row is None else int(row[0])


def after_restore() -> None:
    """The version moved past any the site had (a restore): to the current Unix time in seconds, or one
    more than now when that is higher; the row made again if the restore left none. Versions count
    statements, one by one, so they never come near it otherwise."""
    row = QueueVersion.objects.select_for_update().filter(pk=QueueVersion.SINGLETON).first()
    version = max(int(time.time()), (row.version + 1) if row is not None else 1)
    QueueVersion.objects.update_or_create(pk=QueueVersion.SINGLETON, defaults={"version": version})


def key(request: HttpRequest, user: AbstractBaseUser | AnonymousUser, seats: Seats, today: str) -> str | None:
    """The key of the fragments ``request`` asks for (this module's docstring), or ``None``: not cached.
    Reads the version: call it before reading anything the fragments show."""
    if not enabled() or request.method not in ("GET", "HEAD") or not user.is_authenticated:
        return None
    version = current_version()
    if version is None:
        return None
    # In the request's order: the pagination's and the export's links keep it ({% querystring %}).
    query = request.GET.urlencode()
    seated = ";".join(
        f"{m.pk},{m.agency_id},{m.role},{m.agency.name},{m.agency.path}" for m in seats.memberships
    )
    parts = (
        str(version),
        str(user.pk),
        "superuser" if getattr(user, "is_superuser", False) else "",
        "active" if user.is_active else "",
        get_language() or "",
        today,
        get_script_prefix(),
        query,
        seated,
        code_stamp(),
    )
    return "queue:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


#: What the fragments are sealed for (AES-GCM's associated data: a value sealed elsewhere does not open).
SEALED_FOR = "applications.queue_cache"
#: Between the head and the body in the sealed text (never in HTML the templates make).
_SEPARATOR = "\x1e"


def get(cache_key: str | None) -> tuple[str, str] | None:
    """The fragments under ``cache_key``, or ``None``: not kept, expired, or sealed with a key not held."""
    if cache_key is None:
        return None
    try:
        value = caches[settings.GONGKAI_QUEUE_CACHE_ALIAS].get(cache_key)
    except Exception:  # a cache that is down: the fragments are made
        logger.exception("queue cache: read failed")
        return None
    if not isinstance(value, str):
        return None
    try:
        head, separator, body = keyring().open(value, SEALED_FOR).partition(_SEPARATOR)
    except SealingError:
        return None
    return (head, body) if separator else None


def put(cache_key: str | None, head: str, body: str) -> None:
    """Keep the fragments, sealed with the data key like the personal data they show (D52), and delete the
    rows of the database cache that have expired: fragments of old versions are never asked for again."""
    if cache_key is None:
        return
    cache = caches[settings.GONGKAI_QUEUE_CACHE_ALIAS]
    try:
        cache.set(cache_key, keyring().seal(f"{head}{_SEPARATOR}{body}", SEALED_FOR))
        if isinstance(cache, DatabaseCache):
            _delete_expired(cache)
    except Exception:
        logger.exception("queue cache: write failed")


def _delete_expired(cache: DatabaseCache) -> None:
    connection = connections[router.db_for_write(cache.cache_model_class)]
    table = connection.ops.quote_name(cache.cache_model_class._meta.db_table)
    now = timezone.now().replace(microsecond=0)
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {table} WHERE expires < %s", [connection.ops.adapt_datetimefield_value(now)]
        )


def clear() -> None:
    """Empty the queue's cache (personal data erased: no fragment may still show them)."""
    try:
        caches[settings.GONGKAI_QUEUE_CACHE_ALIAS].clear()
    except Exception:
        logger.exception("queue cache: clear failed")
