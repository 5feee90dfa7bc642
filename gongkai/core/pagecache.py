"""Whole public pages from a shared cache, never older than the last change (docs/deployment.md).

A public page (the 政府信息公开 columns, the open-data API and the feeds: the paths of
``settings.GONGKAI_PAGE_CACHE_PATHS``) asked for by a reader without a session is kept whole in the cache
``settings.GONGKAI_PAGE_CACHE_ALIAS`` (the database table ``gongkai_page_cache`` by default, Redis with
``GONGKAI_CACHE_URL``), under a key made of

* the version of the public pages (:class:`~gongkai.core.models.PageVersion`, one row in the database),
  which every change the public pages show increments **in the transaction of that change**
  (:func:`bump`: publication, withdrawal, correction, a published file read, report publication, an
  agency's data, a category, a restore). The version is read from the database at each request, before
  the page is made: a page is stored only under the version it was made after, and once a change commits
  every process on every host asks for the new version's key — a reader never gets a page older than the
  last committed change;
* the scheme, host and path, and the query string normalised (parameters sorted by name, one encoding);
* the reader's language (the language cookie) and today's date (pages that name the year or count days).

Never cached: a request with a session or a flash message (logged-in staff, the lookup of one's
application), anything but GET, an answer other than 200, one that sets a cookie (a page with a form
carries a CSRF token and sets its cookie: it is never stored), one the view marked ``private``,
``no-store`` or ``no-cache``, a streamed file, anything over :data:`MAX_BYTES`.

Every stored page carries an ``ETag`` (a digest of its bytes), ``Last-Modified`` (the last change, or
midnight when the date is newer; not with the cache off, which reads no version) and
``Cache-Control: public, max-age=…, stale-while-revalidate=…`` (``GONGKAI_PAGE_MAX_AGE``,
``GONGKAI_PAGE_STALE_SECONDS``); a conditional request that matches is answered ``304``. Responses to
readers with a session on these paths say ``Cache-Control: private``, so that no
proxy keeps a staff member's page.
"""

from __future__ import annotations

import base64
import datetime
import functools
import hashlib
import logging
import pickle
import re
from collections.abc import Callable
from typing import Any, NamedTuple
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.core.exceptions import DisallowedHost
from django.db import connections, router
from django.db.models import F
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.dateparse import parse_datetime
from django.utils.http import http_date
from django.utils.translation import check_for_language

from gongkai.core import prepared
from gongkai.core.models import PageVersion, StoredPage

# Entry re-exported: pages pickled in Redis before it moved to pagestore name it gongkai.core.pagecache.Entry.
from gongkai.core.pagestore import Entry as Entry
from gongkai.core.pagestore import StoredPageCache, entry_of

logger = logging.getLogger(__name__)

#: Pages larger than this are not stored (an annual report's export, a long feed): made anew each time.
MAX_BYTES = 2 * 1024 * 1024
#: The cookie of Django's messages framework (a flash message belongs to one reader).
MESSAGES_COOKIE = "messages"
#: ``Cache-Control`` directives that forbid a shared cache to keep an answer.
_PRIVATE = re.compile(r"\b(private|no-store|no-cache)\b", re.IGNORECASE)
#: What a cache that is down raises: any error of its backend (Redis' derive from its own RedisError, and
#: the redis package is an optional dependency): logged, and the page is made as if the cache were off.
CACHE_ERRORS: tuple[type[BaseException], ...] = (Exception,)
#: Response headers kept with a page (all others are made anew by the middleware outside this one).
_DROPPED_HEADERS = frozenset({"set-cookie", "date", "etag", "last-modified", "cache-control"})


class Stamp(NamedTuple):
    """The version of the public pages and when it last changed (a tuple: made at every hit)."""

    version: int
    changed_at: datetime.datetime


def bump() -> None:
    """Make every cached public page old: call it in the transaction of a change the public pages show.

    One ``UPDATE`` of one row: it is committed (or rolled back) with the change. Concurrent changes wait
    for each other's commit on this row, briefly (publishing is rare next to reading).
    """
    now = timezone.now()
    if not PageVersion.objects.filter(pk=PageVersion.SINGLETON).update(
        version=F("version") + 1, changed_at=now
    ):
        PageVersion.objects.get_or_create(
            pk=PageVersion.SINGLETON, defaults={"version": 1, "changed_at": now}
        )


def after_restore(**kwargs: Any) -> None:
    """After ``gongkai restore``: the version jumps past any this site had before (a shared cache, Redis,
    may hold pages of the database that was replaced, under versions the restored one would reach again):
    to the current Unix time in seconds, or one more than now when that is higher. Versions count changes,
    one by one, so they never come near it otherwise."""
    now = timezone.now()
    row = PageVersion.objects.select_for_update().filter(pk=PageVersion.SINGLETON).first()
    version = max(int(now.timestamp()), (row.version + 1) if row is not None else 1)
    PageVersion.objects.update_or_create(
        pk=PageVersion.SINGLETON, defaults={"version": version, "changed_at": now}
    )


def bump_on_signal(**kwargs: Any) -> None:
    """:func:`bump` as a signal receiver (``post_save``/``post_delete`` of a model, a restore)."""
    bump()


def current() -> Stamp:
    """The current version (one query by primary key; never kept in the process: other processes bump).
    With a cache other than the database's it is a hit's first query: :func:`_fetch_one`, the check of a
    reused connection as well."""
    connection = connections[router.db_for_read(PageVersion)]
    quote = connection.ops.quote_name
    sql = (
        f"SELECT {quote('version')}, {quote('changed_at')} FROM {quote(PageVersion._meta.db_table)} "
        f"WHERE {quote('id')} = %s"
    )
    row = _fetch_one(connection, sql, [PageVersion.SINGLETON])
    if row is None:
        return Stamp(0, datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC))
    return Stamp(int(row[0]), _aware(row[1]))


# ---------------------------------------------------------------------------------------------
# Which requests and answers
# ---------------------------------------------------------------------------------------------


def _patterns(names: list[str]) -> list[re.Pattern[str]]:
    return [re.compile(name) for name in names]


def public_path(path: str, include: list[re.Pattern[str]], exclude: list[re.Pattern[str]]) -> bool:
    return any(p.search(path) for p in include) and not any(p.search(path) for p in exclude)


def has_session(request: HttpRequest) -> bool:
    """A session (a logged-in user, an applicant's lookup) or a flash message: the page is that reader's."""
    cookies = request.COOKIES
    return (
        settings.SESSION_COOKIE_NAME in cookies
        or MESSAGES_COOKIE in cookies
        or "HTTP_AUTHORIZATION" in request.META
    )


def storable(response: HttpResponseBase) -> bool:
    """Whether ``response`` may be kept for every reader."""
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if _PRIVATE.search(response.headers.get("Cache-Control", "")):
        return False
    vary = {v.strip().lower() for v in response.headers.get("Vary", "").split(",") if v.strip()}
    if vary - {"cookie", "accept-language", "accept-encoding"}:
        return False  # an answer that depends on a header the key does not hold
    return isinstance(response, HttpResponse) and len(response.content) <= MAX_BYTES


def normalised_query(query_string: str) -> str:
    """The query string with its parameters sorted by name (values of one name keep their order)."""
    if not query_string:
        return ""
    pairs = parse_qsl(query_string, keep_blank_values=True)
    return urlencode(sorted(pairs, key=lambda pair: pair[0]))


def language_of(request: HttpRequest) -> str:
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    return chosen if chosen and check_for_language(chosen) else settings.LANGUAGE_CODE


#: The stored pages' keys begin with this. It changes with what a stored row means to the code that reads
#: it, so that processes of another release never read a row they would misread — hosts not yet restarted in
#: a rolling upgrade, or a rollback: "page2" since a row keeps its ``Content-Length`` without the value (D67:
#: the release before would send that header empty).
KEY_PREFIX = "gongkai:page2:"


def cache_key(request: HttpRequest, today: datetime.date) -> str:
    """The key of ``request``'s page on ``today`` (the version is checked against the one stored with the
    page). Raises ``DisallowedHost`` for a bad host."""
    parts = (
        today.isoformat(),
        language_of(request),
        request.scheme or "http",
        request.get_host(),
        request.path,
        normalised_query(request.META.get("QUERY_STRING", "")),
    )
    digest = hashlib.sha256("\n".join(parts).encode("utf-8", "surrogateescape")).hexdigest()
    return f"{KEY_PREFIX}{digest}"


def last_modified(
    stamp: Stamp, today: datetime.date, zone: datetime.tzinfo | None = None
) -> datetime.datetime:
    """The last change, or the start of ``today`` (in ``zone``, by default the current time zone) if later
    (some pages name the date)."""
    return _later(stamp.changed_at, today, zone or timezone.get_current_timezone())


@functools.lru_cache(maxsize=16)
def _later(changed_at: datetime.datetime, today: datetime.date, zone: datetime.tzinfo) -> datetime.datetime:
    """:func:`last_modified`'s answer, remembered: the same for every hit until the next change or day."""
    return max(changed_at, datetime.datetime.combine(today, datetime.time.min, tzinfo=zone))


# ---------------------------------------------------------------------------------------------
# The middleware
# ---------------------------------------------------------------------------------------------


def _entry(response: HttpResponse, version: int = -1) -> Entry:
    headers = tuple((k, v) for k, v in response.headers.items() if k.lower() not in _DROPPED_HEADERS)
    etag = '"' + hashlib.sha256(response.content).hexdigest()[:32] + '"'
    return Entry(response.status_code, headers, response.content, etag, version)


def _aware(value: Any) -> datetime.datetime:
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        return value  # PostgreSQL's timestamptz
    if isinstance(value, str):  # SQLite
        value = parse_datetime(value)
    if value is None:
        return datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
    return value if timezone.is_aware(value) else timezone.make_aware(value, datetime.UTC)


def lookup(alias: str, key: str) -> tuple[Stamp, Any]:
    """The current version and what the cache holds under ``key``. With the database's stored pages
    (:class:`~gongkai.core.pagestore.StoredPageCache`), ONE query: the version row joined to the page's row
    at that version, its columns sent as they come (no decoding of the body); with Django's database cache,
    one query as well (its value decoded: base64 of a pickle); with another cache (Redis), the version query
    and a read."""
    cache = caches[alias]
    if isinstance(cache, StoredPageCache):
        return _lookup_stored(cache, key)
    if not isinstance(cache, DatabaseCache):
        return current(), cache.get(key)
    db = router.db_for_read(cache.cache_model_class)
    connection = connections[db]
    quote = connection.ops.quote_name
    table: str = cache._table  # type: ignore[attr-defined]  # the table of settings.CACHES' LOCATION
    sql = (
        f"SELECT v.{quote('version')}, v.{quote('changed_at')}, c.{quote('value')} "
        f"FROM {quote(PageVersion._meta.db_table)} v LEFT JOIN {quote(table)} c "
        f"ON c.{quote('cache_key')} = %s WHERE v.{quote('id')} = %s"
    )
    row = _fetch_one(connection, sql, [cache.make_and_validate_key(key), PageVersion.SINGLETON])
    if row is None:
        return current(), None
    version, changed_at, value = row
    # Expiry is not checked: a page of the current version is right however old (expiry only frees space).
    entry = pickle.loads(base64.b64decode(connection.ops.process_clob(value).encode())) if value else None
    return Stamp(int(version), _aware(changed_at)), entry


#: The stored page's query per database vendor (made once: it is the same at every hit).
_STORED_SQL: dict[str, str] = {}


def _stored_sql(quote: Callable[[str], str]) -> str:
    """The stored page's query, names quoted by ``quote`` (the vendor's ``quote_name``).

    Only a page of the current version joins (an older one is never served: it reads as a miss), and only a
    page (status > 0: not another value of the cache API). Expiry is not checked: a page of the current
    version is right however old (expiry only frees space)."""

    def v(column: str) -> str:
        return f"v.{quote(column)}"

    def p(column: str) -> str:
        return f"p.{quote(column)}"

    return (
        f"SELECT {v('version')}, {v('changed_at')}, {p('status')}, {p('headers')}, {p('etag')}, {p('body')} "
        f"FROM {quote(PageVersion._meta.db_table)} v LEFT JOIN {quote(StoredPage._meta.db_table)} p "
        f"ON {p('key')} = %s AND {p('version')} = {v('version')} AND {p('status')} > 0 "
        f"WHERE {v('id')} = %s"
    )


def _lookup_stored(cache: StoredPageCache, key: str) -> tuple[Stamp, Entry | None]:
    connection = connections[router.db_for_read(StoredPage)]
    sql = _STORED_SQL.get(connection.vendor)
    if sql is None:
        sql = _STORED_SQL[connection.vendor] = _stored_sql(connection.ops.quote_name)
    # make_key: the key is this module's (cache_key: a digest), valid for every cache.
    row = _fetch_one(connection, sql, [cache.make_key(key), PageVersion.SINGLETON])
    if row is None:
        return current(), None
    version, changed_at, status, headers, etag, body = row
    stamp = Stamp(int(version), _aware(changed_at))
    if status is None:
        return stamp, None
    return stamp, entry_of(version, status, headers, etag, body)


def _fetch_one(connection: Any, sql: str, params: list[Any]) -> Any:
    # ``Any``: the stubs know neither the health-check flags nor ``Database`` of a backend's wrapper.
    """The hit's one row. A persistent connection with health checks (``CONN_HEALTH_CHECKS``, production)
    would first send ``SELECT 1`` in every request — a second round trip for a page whose whole work is one
    query. Instead the query itself is the check: it runs on the driver's connection, the way Django's own
    check does (``is_usable``), and marks the check done for the rest of the request; if it fails, the
    connection is closed as a failed check closes it, and the query runs again through Django, which
    connects anew. Inside a transaction, or without health checks, Django's cursor as usual. Run this way,
    the query passes none of Django's ``execute_wrapper`` hooks (nor ``CaptureQueriesContext`` or the DEBUG
    query log): database monitoring that hooks Django sees the requests of cached pages without it."""
    raw = connection.connection
    if (
        raw is not None
        and connection.health_check_enabled
        and not connection.health_check_done
        and not connection.in_atomic_block
        and connection.vendor == "postgresql"
    ):
        try:
            # A prepared statement: PostgreSQL plans it once per connection, not at every hit (planning was
            # half its work for a hit), sent through libpq (gongkai.core.prepared: a psycopg cursor's own
            # Python cost as much as the round trip). Unless the connection's ``prepare_threshold`` is None
            # (settings: a pooler that cannot keep prepared statements): then a cursor that prepares nothing.
            if raw.prepare_threshold is not None:
                row = prepared.fetch_one(raw, sql, params)
            else:
                with connection.Database.Cursor(raw) as cursor:
                    cursor.execute(sql, params, binary=True)
                    row = cursor.fetchone()
        except connection.Database.DatabaseError:
            # Dropped by the server (closed as a failed check), or the prepared statement lost again right
            # after it was prepared (a pooler that cannot keep them: GONGKAI_PAGE_CACHE_PREPARED=false) or
            # out of date (a table changed under it): closed, and the query below runs through Django on a
            # new connection (and raises there if it must).
            connection.close()
        else:
            connection.health_check_done = True
            return row
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


#: The same for other reads that are a request's first query (``accounts.session_store``: the session's row).
fetch_one_checked = _fetch_one


#: The ``environ`` key under which :mod:`gongkai.core.pagehits` hands a miss's lookup to the middleware, so
#: that the version is read once per request (before the page is made, as the middleware reads it).
LOOKED_UP = "gongkai.pagecache.looked_up"


class Looked(NamedTuple):
    """A lookup: the key and version a page made now is stored under, the ``Last-Modified`` it is sent with,
    and the stored page if the cache holds it at that version (a tuple: made at every hit)."""

    key: str
    stamp: Stamp
    modified: datetime.datetime
    entry: Entry | None


def response_of(entry: Entry) -> HttpResponse:
    response = HttpResponse(entry.content, status=entry.status)
    for name, value in entry.headers:
        response.headers[name] = value
    return response


class PageCacheMiddleware:
    """Serves and keeps public pages (this module's docstring). Goes right after ``WhiteNoiseMiddleware``:
    a page served from the cache skips the sessions, the CSRF check, the login and the view, and keeps
    the headers the middleware inside it added when it was made (CSP, Permissions-Policy,
    Content-Language, Vary)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.enabled: bool = getattr(settings, "GONGKAI_PAGE_CACHE", True)
        self.include = _patterns(getattr(settings, "GONGKAI_PAGE_CACHE_PATHS", []))
        self.exclude = _patterns(getattr(settings, "GONGKAI_PAGE_CACHE_EXCLUDE", []))
        self.alias: str = getattr(settings, "GONGKAI_PAGE_CACHE_ALIAS", "default")
        self.seconds: int = getattr(settings, "GONGKAI_PAGE_CACHE_SECONDS", 600)
        self.max_age: int = getattr(settings, "GONGKAI_PAGE_MAX_AGE", 1)
        self.stale: int = getattr(settings, "GONGKAI_PAGE_STALE_SECONDS", 1)

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not public_path(request.path_info, self.include, self.exclude):
            return self.get_response(request)
        if request.method != "GET" or has_session(request):
            response = self.get_response(request)
            if has_session(request):
                patch_cache_control(response, private=True)
            return response
        if not self.enabled:
            # Off: every page is made, and still sent with its ETag and Cache-Control (no version read).
            response = self.get_response(request)
            if not storable(response):
                return response
            assert isinstance(response, HttpResponse)
            return self.finish(request, response, _entry(response).etag, None)
        looked: Looked | None = request.META.pop(LOOKED_UP, None)
        if looked is None:
            try:
                looked = self.look_up(request)
            except DisallowedHost:
                return self.get_response(request)  # Django answers it (400)
        if looked.entry is not None:
            return self.finish(request, response_of(looked.entry), looked.entry.etag, looked.modified)
        key, stamp, modified = looked.key, looked.stamp, looked.modified
        # Made now, from data at least as new as ``stamp`` (read before): stored under that version.
        response = self.get_response(request)
        if not storable(response):
            return response
        assert isinstance(response, HttpResponse)
        entry = _entry(response, stamp.version)
        self._set(key, entry)
        return self.finish(request, response, entry.etag, modified)

    def look_up(self, request: HttpRequest, zone: datetime.tzinfo | None = None) -> Looked:
        """The page's key, the current version and the stored page if the cache holds it at that version.
        For a public ``GET`` without a session; ``today`` in ``zone`` (by default the current time zone).
        Raises ``DisallowedHost``."""
        zone = zone or timezone.get_current_timezone()
        today = timezone.localdate(timezone=zone)
        key = cache_key(request, today)
        stamp, entry = self._get(key)
        if entry is not None and entry.version != stamp.version:
            entry = None
        return Looked(key, stamp, last_modified(stamp, today, zone), entry)

    def cacheable_request(self, request: HttpRequest) -> bool:
        """Whether this middleware would look ``request``'s page up: on, a public path, ``GET``, no
        session."""
        return (
            self.enabled
            and request.method == "GET"
            and public_path(request.path_info, self.include, self.exclude)
            and not has_session(request)
        )

    def finish(
        self, request: HttpRequest, response: HttpResponse, etag: str, modified: datetime.datetime | None
    ) -> HttpResponseBase:
        response.headers["ETag"] = etag
        stamp = None
        if modified is not None:
            response.headers["Last-Modified"] = http_date(modified.timestamp())
            stamp = int(modified.timestamp())
        patch_cache_control(response, public=True, max_age=self.max_age, stale_while_revalidate=self.stale)
        not_modified = get_conditional_response(request, etag=etag, last_modified=stamp, response=response)
        return not_modified if not_modified is not None else response

    def _get(self, key: str) -> tuple[Stamp, Entry | None]:
        try:
            stamp, entry = lookup(self.alias, key)
        except CACHE_ERRORS as exc:  # the cache is down: serve uncached (the version is read again)
            logger.warning("page cache unavailable: %r", exc)
            return current(), None
        return stamp, entry if isinstance(entry, Entry) else None

    def _set(self, key: str, entry: Entry) -> None:
        try:
            caches[self.alias].set(key, entry, self.seconds)
        except CACHE_ERRORS as exc:
            logger.warning("page cache unavailable: %r", exc)
