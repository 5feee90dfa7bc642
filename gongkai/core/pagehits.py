"""Stored public pages served before Django's request handling (docs/deployment.md, "Page cache").

A page the cache holds (:mod:`gongkai.core.pagecache`) costs one database query; what Django does around
it — the request signals, the middleware chain on the way in and out, turning the response into WSGI's —
cost as much again. :class:`PageHits` wraps the WSGI application: for a ``GET`` that the page cache would
look up (a public path, no session, the cache on) it looks the page up itself and, on a hit, answers at
once with exactly what the middleware would have sent (the stored page, its ``ETag``/``Last-Modified``/
``Cache-Control``, a ``304`` for a matching conditional request, and the headers of
``SecurityMiddleware``, the one middleware outside the page cache that adds any). Anything else, a miss
included, goes to Django unchanged; a miss hands its lookup over (:data:`pagecache.LOOKED_UP`), so the
version is read once and before the page is made, as always.

It serves only while ``settings.MIDDLEWARE`` begins with the security, whitenoise and page-cache
middleware in that order (what it imitates); otherwise it passes everything to Django.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterable
from http.client import responses
from typing import Any

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.core.handlers.wsgi import WSGIRequest
from django.db import connections, router
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.security import SecurityMiddleware
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import http_date

from gongkai.core import pagecache
from gongkai.core.models import PageVersion

logger = logging.getLogger(__name__)

#: What this module imitates: the middleware that runs before the page cache's (none of whitenoise's
#: answers is a page of the cache's paths, and it adds no header to other answers).
OUTER_MIDDLEWARE = (
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "gongkai.core.pagecache.PageCacheMiddleware",
)

#: The request headers of a conditional request (``django.utils.cache.get_conditional_response``'s).
CONDITIONAL = frozenset(
    {"HTTP_IF_MATCH", "HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_UNMODIFIED_SINCE"}
)

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


@functools.lru_cache(maxsize=16)
def _http_date(seconds: int) -> str:
    """``Last-Modified``'s text: remembered, as it is the same for every hit until the next change."""
    return http_date(seconds)


def _unused(request: HttpRequest) -> HttpResponseBase:
    raise AssertionError("the page cache's lookup never makes a page")


class PageHits:
    """The WSGI application ``application`` with the page cache's hits answered before it."""

    def __init__(self, application: WSGIApp) -> None:
        self.application = application
        self.pages = pagecache.PageCacheMiddleware(_unused)
        self.security = SecurityMiddleware(_unused)
        self.active = self.pages.enabled and tuple(settings.MIDDLEWARE[:3]) == OUTER_MIDDLEWARE
        # The time zone of a request no middleware has run for (the pages' dates, the key's day).
        self.zone = timezone.get_default_timezone()
        # What the middleware adds to every stored page, worked out once by the middleware itself: its
        # ``Cache-Control``, and the security middleware's headers (for a plain and a secure request).
        blank = HttpResponse()
        patch_cache_control(
            blank, public=True, max_age=self.pages.max_age, stale_while_revalidate=self.pages.stale
        )
        self.cache_control = blank.headers["Cache-Control"]
        self.secured: dict[bool, tuple[tuple[str, str], ...]] = {
            secure: self._security_headers(secure) for secure in (False, True)
        }

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if self.active and environ.get("REQUEST_METHOD") == "GET":
            answer = self._hit(environ)
            if answer is not None:
                status, headers, body = answer
                start_response(status, headers)
                return [body]
        return self.application(environ, start_response)

    def _hit(self, environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes] | None:
        request = WSGIRequest(environ)
        try:
            if not self.pages.cacheable_request(request) or self.security.process_request(request):
                return None  # not the cache's, or the security middleware answers (a redirect to HTTPS)
        except DisallowedHost:
            return None  # Django answers it (400)
        # What Django's request signals do for the one connection a lookup uses: closed if too old or
        # broken, its check to be done again. (Django does it at the start and the end of a request; the
        # start of the next request, a hit or Django's, does it again anyway: once is enough.)
        connection = connections[router.db_for_read(PageVersion)]
        connection.close_if_unusable_or_obsolete()
        try:
            looked = self.pages.look_up(request, self.zone)
        except DisallowedHost:
            return None  # Django answers it (400)
        except Exception:  # a database down, a bug: Django makes the page, or its error page
            logger.exception("page cache lookup failed; the request goes to Django")
            connection.close_if_unusable_or_obsolete()
            return None
        entry = looked.entry
        if entry is None:
            environ[pagecache.LOOKED_UP] = looked  # the middleware makes and stores the page
            return None
        if not CONDITIONAL.isdisjoint(environ):
            return self._conditional(request, looked, entry)  # Django's rules, 304 or 412 included
        headers = [
            *entry.headers,
            ("ETag", entry.etag),
            ("Last-Modified", _http_date(int(looked.modified.timestamp()))),
            ("Cache-Control", self.cache_control),
        ]
        present = {name.lower() for name, _value in entry.headers}
        headers += [(n, v) for n, v in self.secured[request.is_secure()] if n.lower() not in present]
        return f"{entry.status} {responses.get(entry.status, 'Unknown Status Code')}", headers, entry.content

    def _conditional(
        self, request: HttpRequest, looked: pagecache.Looked, entry: pagecache.Entry
    ) -> tuple[str, list[tuple[str, str]], bytes]:
        response = self.pages.finish(request, pagecache.response_of(entry), entry.etag, looked.modified)
        assert isinstance(response, HttpResponse)  # the stored page, or its 304/412
        response = self.security.process_response(request, response)
        return f"{response.status_code} {response.reason_phrase}", list(response.items()), response.content

    def _security_headers(self, secure: bool) -> tuple[tuple[str, str], ...]:
        request = HttpRequest()
        request.META = {"wsgi.url_scheme": "https" if secure else "http", "SERVER_NAME": "x"}
        request.is_secure = lambda: secure  # type: ignore[method-assign]
        response = self.security.process_response(request, HttpResponse())
        return tuple((n, v) for n, v in response.items() if n.lower() not in {"content-type"})
