"""The page cache's database backend: stored pages as rows of :class:`~gongkai.core.models.StoredPage`.

Django's database cache keeps every value as the base64 of its pickle in a text column. For the page cache
(:mod:`gongkai.core.pagecache`) that made every hit decode the whole page twice — on a 25 KB page about as
much CPU as the rest of the hit's Python — and made PostgreSQL decompress a TOASTed text larger than the page.
This backend keeps a page (:class:`Entry`) in columns: status, headers (JSON), ETag, the version it was made
at, and the body's bytes as they are sent (``bytea``, stored uncompressed on PostgreSQL). A hit reads them
with the version row in one query (:func:`gongkai.core.pagecache.lookup`) and sends the bytes as they come.

It is a Django cache backend (``settings.CACHES["pages"]`` unless ``GONGKAI_CACHE_URL`` puts the caches on
Redis) with the cache layer's rules: a timeout per value (expired values are not returned by :meth:`get`;
the page cache's own lookup ignores expiry, see there), at most ``OPTIONS["MAX_ENTRIES"]`` rows (culled when
a value is written and the table is over: first expired rows and pages of an older version — which are
never served again — then the ``1/CULL_FREQUENCY`` that expire soonest), ``clear``/``delete``/``touch``.
A value other than a page is pickled into ``body`` (``status`` 0).
"""

from __future__ import annotations

import datetime
import functools
import json
import pickle
from dataclasses import dataclass
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.db import router, transaction
from django.db.models import Q
from django.utils import timezone

from gongkai.core.models import PageVersion, StoredPage

#: ``StoredPage.status`` of a value that is not a page (pickled).
PICKLED = 0


@dataclass(frozen=True)
class Entry:
    """A stored page: what is sent again, byte for byte, and the version it was made at (or after)."""

    status: int
    headers: tuple[tuple[str, str], ...]
    content: bytes
    etag: str
    version: int = -1


def entry_of(version: int, status: int, headers: str, etag: str, body: Any) -> Entry:
    """The page of a row's columns (the body as the driver returns it: bytes, or a memoryview). A
    ``Content-Length`` kept without its value (:func:`_stored_headers`) is the body's length."""
    content = bytes(body)
    before, length, after = _headers(headers)
    pairs = before if length is None else before + ((length, str(len(content))),) + after
    return Entry(int(status), pairs, content, etag, int(version))


@functools.lru_cache(maxsize=256)
def _headers(text: str) -> tuple[tuple[tuple[str, str], ...], str | None, tuple[tuple[str, str], ...]]:
    """A row's headers (JSON) as pairs: those before the ``Content-Length`` kept without its value, that
    header's name, and those after it (all of them and ``None``, ``()`` when there is none). Remembered:
    without their length, the headers of most pages are the same (their type, language, policies), and
    decoding them was a tenth of a hit's time."""
    pairs = tuple((str(name), str(value)) for name, value in json.loads(text))
    for index, (name, value) in enumerate(pairs):
        if name.lower() == "content-length" and not value:
            return pairs[:index], name, pairs[index + 1 :]
    return pairs, None, ()


def _stored_headers(entry: Entry) -> str:
    """``entry``'s headers as a row keeps them: JSON, its ``Content-Length`` without the value when that is
    the body's length (:func:`entry_of` puts it back), so that pages of one kind share one text."""
    length = str(len(entry.content))
    pairs = [
        [name, "" if name.lower() == "content-length" and value == length else value]
        for name, value in entry.headers
    ]
    return json.dumps(pairs, ensure_ascii=False)


class StoredPageCache(BaseCache):
    """Django's cache API over the :class:`StoredPage` table (this module's docstring). ``LOCATION`` is
    not used (the model's table)."""

    def __init__(self, location: str, params: dict[str, Any]) -> None:
        super().__init__(params)

    # --- reads ---------------------------------------------------------------------------------

    def get(self, key: str, default: Any = None, version: int | None = None) -> Any:
        key = self.make_and_validate_key(key, version=version)
        row = (
            StoredPage.objects.using(router.db_for_read(StoredPage))
            .filter(key=key, expires__gt=timezone.now())
            .values_list("version", "status", "headers", "etag", "body")
            .first()
        )
        if row is None:
            return default
        page_version, status, headers, etag, body = row
        if status == PICKLED:
            return pickle.loads(bytes(body))
        return entry_of(page_version, status, headers, etag, body)

    def has_key(self, key: str, version: int | None = None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        return (
            StoredPage.objects.using(router.db_for_read(StoredPage))
            .filter(key=key, expires__gt=timezone.now())
            .exists()
        )

    # --- writes --------------------------------------------------------------------------------

    def set(self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> None:
        self._write(self.make_and_validate_key(key, version=version), value, timeout, replace=True)

    def add(self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._write(self.make_and_validate_key(key, version=version), value, timeout, replace=False)

    def touch(self, key: str, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(StoredPage)
        return bool(
            StoredPage.objects.using(db)
            .filter(key=key, expires__gt=timezone.now())
            .update(expires=self._expires(timeout))
        )

    def delete(self, key: str, version: int | None = None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        deleted, _by_model = (
            StoredPage.objects.using(router.db_for_write(StoredPage)).filter(key=key).delete()
        )
        return bool(deleted)

    def clear(self) -> None:
        StoredPage.objects.using(router.db_for_write(StoredPage)).all().delete()

    def _expires(self, timeout: Any) -> datetime.datetime:
        """When a value written with ``timeout`` expires, as Django's database cache reckons it:
        ``get_backend_timeout`` gives the moment as a Unix time (``time.time() + timeout``; a timeout of 0
        gives one already past, so the value expires at once) or ``None`` (never)."""
        moment = self.get_backend_timeout(timeout)
        if moment is None:  # never: as far as a datetime goes (Django's database cache does the same)
            return datetime.datetime.max.replace(tzinfo=datetime.UTC)
        return datetime.datetime.fromtimestamp(moment, tz=datetime.UTC)

    def _write(self, key: str, value: Any, timeout: Any, replace: bool) -> bool:
        if isinstance(value, Entry):
            row = StoredPage(
                key=key,
                version=value.version,
                status=value.status,
                headers=_stored_headers(value),
                etag=value.etag,
                body=value.content,
                expires=self._expires(timeout),
            )
        else:
            row = StoredPage(
                key=key,
                status=PICKLED,
                body=pickle.dumps(value, pickle.HIGHEST_PROTOCOL),
                expires=self._expires(timeout),
            )
        db = router.db_for_write(StoredPage)
        with transaction.atomic(using=db):
            self._cull(db)
            pages = StoredPage.objects.using(db)
            if replace:
                pages.bulk_create(
                    [row],
                    update_conflicts=True,
                    unique_fields=["key"],
                    update_fields=["version", "status", "headers", "etag", "body", "expires"],
                )
                return True
            # ``add``: only over nothing, or over an expired value.
            pages.filter(key=key, expires__lte=timezone.now()).delete()
            if pages.filter(key=key).exists():
                return False
            pages.bulk_create([row], ignore_conflicts=True)
            return True

    def _cull(self, db: str) -> None:
        """When the table holds ``MAX_ENTRIES`` rows or more: the expired ones and the pages of an older
        version go; if that is not enough, the ``1/CULL_FREQUENCY`` of the rest that expire soonest
        (``CULL_FREQUENCY`` 0: all of them), as Django's database cache culls."""
        pages = StoredPage.objects.using(db)
        if pages.count() < self._max_entries:
            return
        current = (
            PageVersion.objects.using(db).filter(pk=PageVersion.SINGLETON).values_list("version", flat=True)
        )
        version = current.first()
        dead = Q(expires__lt=timezone.now())
        if version is not None:
            dead |= Q(version__lt=version) & ~Q(status=PICKLED)
        pages.filter(dead).delete()
        count = pages.count()
        if count < self._max_entries:
            return
        if self._cull_frequency == 0:
            pages.all().delete()
            return
        soonest = pages.order_by("expires", "key").values_list("key", flat=True)[
            : count // self._cull_frequency
        ]
        pages.filter(key__in=list(soonest)).delete()
