"""The page cache's database backend (gongkai.core.pagestore): pages kept in columns, the cache API's rules
(timeouts, add/delete/touch/clear, culling), and a lookup that never returns a page of an older version."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.test import RequestFactory
from django.utils import timezone

from gongkai.core import pagecache
from gongkai.core.models import StoredPage
from gongkai.core.pagestore import PICKLED, Entry, StoredPageCache

pytestmark = pytest.mark.django_db

KEY = "gongkai:page:" + "a" * 64
BODY = ("<!doctype html><title>政府信息公开</title>" + "目录" * 5000).encode() + bytes(range(256))


def _store(options: dict[str, int] | None = None) -> StoredPageCache:
    return StoredPageCache("core_storedpage", {"OPTIONS": options or {}, "KEY_PREFIX": "t"})


def _page(version: int, body: bytes = BODY) -> Entry:
    headers = (
        ("Content-Type", "text/html; charset=utf-8"),
        ("Content-Language", "zh-hans"),
        ("Vary", "Cookie"),
    )
    return Entry(200, headers, body, '"etag-1"', version)


def test_the_page_cache_is_this_backend_unless_on_redis() -> None:
    cache = caches[settings.GONGKAI_PAGE_CACHE_ALIAS]
    if settings.GONGKAI_CACHE_URL:
        pytest.skip("the caches are on Redis (GONGKAI_CACHE_URL)")
    assert isinstance(cache, StoredPageCache)


def test_a_page_is_kept_in_columns_and_read_back_as_it_was() -> None:
    store = _store()
    store.set(KEY, _page(7), 60)
    row = StoredPage.objects.get()
    assert row.key == store.make_key(KEY) and row.version == 7 and row.status == 200
    assert bytes(row.body) == BODY and row.etag == '"etag-1"'  # the bytes as sent: no base64, no pickle
    assert store.get(KEY) == _page(7)
    # Anything else the cache API may be given: pickled (status 0), read back equal.
    store.set("other", {"a": [1, "二"]}, 60)
    assert store.get("other") == {"a": [1, "二"]}
    assert StoredPage.objects.get(key=store.make_key("other")).status == PICKLED


def test_the_body_length_is_not_kept_so_pages_of_one_kind_share_their_headers() -> None:
    """A page's ``Content-Length`` is its body's: the row keeps the header without the value and the read
    puts it back where it was, so that the headers of pages of one kind are one text (decoded once)."""
    store = _store()
    short, long = b"<p>short</p>", BODY

    def page(body: bytes, length: str | None = None) -> Entry:
        headers = (
            ("Content-Type", "text/html; charset=utf-8"),
            ("Content-Length", length if length is not None else str(len(body))),
            ("Vary", "Cookie"),
        )
        return Entry(200, headers, body, '"e"', 3)

    store.set("short", page(short), 60)
    store.set("long", page(long), 60)
    texts = {row.headers for row in StoredPage.objects.all()}
    assert len(texts) == 1 and '["Content-Length", ""]' in texts.pop()
    assert store.get("short") == page(short) and store.get("long") == page(long)
    # A length that is not the body's (never made by Django) is kept as it was.
    store.set("odd", page(short, length="5"), 60)
    assert store.get("odd") == page(short, length="5")
    # A row written before lengths were left out reads back the same.
    StoredPage.objects.filter(key=store.make_key("short")).update(
        headers='[["Content-Type", "text/html; charset=utf-8"], ["Content-Length", "12"], ["Vary", "Cookie"]]'
    )
    assert store.get("short") == page(short)


def test_the_keys_are_not_those_of_the_release_that_read_rows_otherwise() -> None:
    """Rows keep ``Content-Length`` without its value since D67; the release before would send that header
    empty (a 500 from the server). Its processes (a host not yet restarted, a rollback) ask for other keys."""
    request = RequestFactory().get("/gk/x/")
    key = pagecache.cache_key(request, datetime.date(2027, 1, 15))
    assert key.startswith(pagecache.KEY_PREFIX) and not key.startswith("gongkai:page:")


def test_timeouts_add_touch_delete_and_clear() -> None:
    store = _store()
    store.set(KEY, _page(1), 60)
    assert store.has_key(KEY) and not store.add(KEY, _page(2), 60)
    assert store.get(KEY).version == 1
    StoredPage.objects.update(expires=timezone.now() - datetime.timedelta(seconds=1))
    assert store.get(KEY, "gone") == "gone" and not store.has_key(KEY)
    assert not store.touch(KEY, 60)  # expired: nothing to keep
    assert store.add(KEY, _page(2), 60) and store.get(KEY).version == 2  # over an expired value
    assert store.touch(KEY, None)  # never expires
    assert StoredPage.objects.get().expires.year == 9999
    store.set(KEY, _page(3), 60)  # replaces
    assert store.get(KEY).version == 3 and StoredPage.objects.count() == 1
    assert store.delete(KEY) and not store.delete(KEY) and store.get(KEY) is None
    store.set("x", 1, 60)
    store.set("y", 2, 60)
    store.clear()
    assert StoredPage.objects.count() == 0


def test_a_timeout_is_seconds_from_now_and_0_expires_at_once() -> None:
    # Django's get_backend_timeout() gives a Unix time (time.time() + timeout), not seconds: it was added
    # to now, and every value expired ~57 years later.
    store = _store()
    before = timezone.now()
    store.set(KEY, _page(1), 60)
    expires = StoredPage.objects.get(key=store.make_key(KEY)).expires
    after = timezone.now()
    window = datetime.timedelta(seconds=60)
    assert (
        before + window - datetime.timedelta(seconds=1)
        <= expires
        <= after + window + datetime.timedelta(seconds=1)
    )
    store.set(KEY, _page(2), None)
    assert StoredPage.objects.get().expires.year == 9999  # never
    # A timeout of 0 expires at once (Django's cache contract): not retrievable, not a key.
    store.set("zero", "value", 0)
    assert store.get("zero", "gone") == "gone" and not store.has_key("zero")
    assert store.add("zero", "again", 60) and store.get("zero") == "again"  # over the expired value
    assert store.touch("zero", 0) and store.get("zero") is None


def test_an_expired_row_is_culled_before_any_that_has_not_expired() -> None:
    store = _store({"MAX_ENTRIES": 4, "CULL_FREQUENCY": 2})
    store.set("gone", "expired at once", 0)
    for key in ("a", "b", "c"):
        store.set(key, key, 60)
    store.set("d", "d", 60)  # 4 rows: the expired one goes, and then there are fewer than MAX_ENTRIES
    assert not StoredPage.objects.filter(key=store.make_key("gone")).exists()
    assert [store.get(key) for key in ("a", "b", "c", "d")] == ["a", "b", "c", "d"]


def test_culling_drops_expired_rows_and_older_versions_first_then_the_soonest_to_expire() -> None:
    for _ in range(5):
        pagecache.bump()
    version = pagecache.current().version
    store = _store({"MAX_ENTRIES": 4, "CULL_FREQUENCY": 2})
    store.set("old-1", _page(version - 1), 60)
    store.set("old-2", _page(version - 2), 60)
    store.set("now-1", _page(version), 60)
    store.set("value", "not a page", 60)  # not a page: no version of its own, kept
    store.set("now-2", _page(version), 60)  # 4 rows: the pages of older versions go first
    assert {store.get(k) is not None for k in ("old-1", "old-2")} == {False}
    assert store.get("now-1") == _page(version) and store.get("value") == "not a page"
    store.set("now-3", _page(version), 600)
    store.set("now-4", _page(version), 900)  # 5 rows, none dead: the half that expire soonest go
    left = set(StoredPage.objects.values_list("key", flat=True))
    assert store.make_key("now-4") in left and len(left) == 3


def test_the_lookup_never_returns_a_page_of_an_older_version() -> None:
    pagecache.bump()
    stamp = pagecache.current()
    alias = settings.GONGKAI_PAGE_CACHE_ALIAS
    cache = caches[alias]
    if not isinstance(cache, StoredPageCache):
        pytest.skip("the caches are on Redis (GONGKAI_CACHE_URL)")
    cache.set(KEY, _page(stamp.version), 60)
    found, entry = pagecache.lookup(alias, KEY)
    assert found == stamp and entry == _page(stamp.version)  # byte for byte, header for header
    pagecache.bump()  # a change: the stored page is of the version before it
    found, entry = pagecache.lookup(alias, KEY)
    assert found.version == stamp.version + 1 and entry is None
    cache.set("value", "not a page", 60)
    assert pagecache.lookup(alias, "value")[1] is None  # only pages are looked up


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's TOAST storage")
def test_the_body_is_stored_uncompressed_on_postgresql() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.attstorage FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
            "WHERE c.relname = 'core_storedpage' AND a.attname = 'body'"
        )
        assert cursor.fetchone()[0] == "e"  # EXTERNAL: out of line, never compressed
    _store().set(KEY, _page(1), 60)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_column_size(body), octet_length(body) FROM core_storedpage")
        stored, length = cursor.fetchone()
    assert length == len(BODY) and stored >= length  # not compressed (BODY compresses very well)
