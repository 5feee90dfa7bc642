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

import logging
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core import signals
from django.core.exceptions import DisallowedHost
from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.security import SecurityMiddleware

from gongkai.core import pagecache

logger = logging.getLogger(__name__)

#: What this module imitates: the middleware that runs before the page cache's (none of whitenoise's
#: answers is a page of the cache's paths, and it adds no header to other answers).
OUTER_MIDDLEWARE = (
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "gongkai.core.pagecache.PageCacheMiddleware",
)

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def _unused(request: HttpRequest) -> HttpResponseBase:
    raise AssertionError("the page cache's lookup never makes a page")


class PageHits:
    """The WSGI application ``application`` with the page cache's hits answered before it."""

    def __init__(self, application: WSGIApp) -> None:
        self.application = application
        self.pages = pagecache.PageCacheMiddleware(_unused)
        self.security = SecurityMiddleware(_unused)
        self.active = self.pages.enabled and tuple(settings.MIDDLEWARE[:3]) == OUTER_MIDDLEWARE

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if self.active and environ.get("REQUEST_METHOD") == "GET":
            response = self._hit(environ)
            if response is not None:
                return self._send(response, start_response)
        return self.application(environ, start_response)

    def _hit(self, environ: dict[str, Any]) -> HttpResponseBase | None:
        request = WSGIRequest(environ)
        if not self.pages.cacheable_request(request) or self.security.process_request(request) is not None:
            return None  # not the cache's, or the security middleware answers (a redirect to HTTPS)
        # Django's request signals around the lookup, as its handler sends them (a connection too old or
        # broken is closed before, the connection's state reset after).
        signals.request_started.send(sender=self.__class__, environ=environ)
        try:
            looked = self.pages.look_up(request)
        except DisallowedHost:
            return None  # Django answers it (400)
        except Exception:  # a database down, a bug: Django makes the page, or its error page
            logger.exception("page cache lookup failed; the request goes to Django")
            return None
        finally:
            signals.request_finished.send(sender=self.__class__)
        if looked.response is None:
            environ[pagecache.LOOKED_UP] = looked  # the middleware makes and stores the page
            return None
        assert isinstance(looked.response, HttpResponse)  # a stored page, or its 304
        return self.security.process_response(request, looked.response)

    @staticmethod
    def _send(response: HttpResponseBase, start_response: StartResponse) -> Iterable[bytes]:
        assert isinstance(response, HttpResponse) and not response.cookies
        start_response(f"{response.status_code} {response.reason_phrase}", list(response.items()))
        return [response.content]
