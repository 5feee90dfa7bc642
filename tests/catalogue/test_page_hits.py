"""Stored public pages answered before Django's request handling (gongkai.core.pagehits): byte for byte and
header for header what the page-cache middleware sends, one query per hit, and everything else left to
Django."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterable, Iterator
from typing import Any

import pytest
from django.core.cache import caches
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.test import Client, RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext

from gongkai.core import pagecache
from gongkai.core.pagehits import PageHits
from tests.catalogue.public_factories import make_item as published_entry
from tests.conftest import Tree

# Django's request signals close the connection of a test wrapped in a transaction: these tests commit.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _empty_page_cache() -> Iterator[None]:
    """No page of another test: on Redis (GONGKAI_CACHE_URL) a committed test's pages would outlive its data
    (in the database they are a model's rows, which the flush after each test empties)."""
    caches["pages"].clear()
    yield
    caches["pages"].clear()


class Spy:
    """Django's WSGI application, counting the requests that reach it."""

    def __init__(self) -> None:
        self.django = WSGIHandler()
        self.calls = 0

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        self.calls += 1
        return self.django(environ, start_response)


class Answer:
    def __init__(self) -> None:
        self.status = ""
        self.headers: list[tuple[str, str]] = []

    def __call__(self, status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        self.status, self.headers = status, headers


def _get(app: PageHits, url: str, **headers: Any) -> tuple[str, dict[str, str], bytes]:
    environ = RequestFactory().get(url, **headers).environ
    answer = Answer()
    chunks = app(environ, answer)
    body = b"".join(chunks)
    close = getattr(chunks, "close", None)
    if close is not None:
        close()  # what the server does: Django's request_finished
    return answer.status, dict(answer.headers), body


def test_a_hit_is_what_the_middleware_sends_with_one_query(tree: Tree) -> None:
    agency = tree.county_a_finance
    published_entry(agency, "快速命中条目")
    url = f"/gk/{agency.short_code}/catalogue/?b=2&a=1"
    spy = Spy()
    app = PageHits(spy)
    assert app.active
    status, made_headers, made = _get(app, url)
    assert status == "200 OK" and "快速命中条目" in made.decode() and spy.calls == 1
    # The same page through Django's middleware (the test client), and through the wrapper: identical.
    by_middleware = Client().get(f"/gk/{agency.short_code}/catalogue/?a=1&b=2")
    with CaptureQueriesContext(connection) as queries:
        status, headers, body = _get(app, url)
    assert spy.calls == 1  # Django never saw the second request
    assert status == "200 OK" and body == made == by_middleware.content
    assert headers == dict(by_middleware.items()) == made_headers
    for name in ("ETag", "Last-Modified", "Content-Security-Policy", "X-Content-Type-Options"):
        assert headers[name], name
    assert "public" in headers["Cache-Control"] and "Set-Cookie" not in headers
    # The one query of a hit: the version row joined to the stored page (on PostgreSQL with health checks
    # it runs on the driver's connection, unseen by Django's query log).
    raw = connection.vendor == "postgresql" and getattr(connection, "health_check_enabled", False)
    assert len(queries) == (0 if raw else 1)
    # A conditional request: 304 without the page, from the wrapper too.
    status, not_modified, body = _get(app, url, HTTP_IF_NONE_MATCH=headers["ETag"])
    assert status == "304 Not Modified" and body == b"" and spy.calls == 1
    assert not_modified["ETag"] == headers["ETag"]


def test_a_secure_hit_and_conditional_requests_follow_djangos_rules(tree: Tree) -> None:
    agency = tree.county_a_finance
    url = f"/gk/{agency.short_code}/"
    with override_settings(SECURE_HSTS_SECONDS=3600, SECURE_HSTS_INCLUDE_SUBDOMAINS=True):
        spy = Spy()
        app = PageHits(spy)
        _get(app, url, secure=True)
        status, headers, body = _get(app, url, secure=True)
        by_middleware = Client().get(url, secure=True)
    assert spy.calls == 1 and status == "200 OK" and body == by_middleware.content
    assert headers == dict(by_middleware.items())
    assert headers["Strict-Transport-Security"] == "max-age=3600; includeSubDomains"
    # Not over plain HTTP.
    assert "Strict-Transport-Security" not in _get(app, url)[1]
    # If-Modified-Since at the last change: 304; If-Match that does not match: 412 (Django's rules).
    status, _headers, body = _get(app, url, secure=True, HTTP_IF_MODIFIED_SINCE=headers["Last-Modified"])
    assert status == "304 Not Modified" and body == b""
    status, _headers, _body = _get(app, url, secure=True, HTTP_IF_MATCH='"other"')
    assert status == "412 Precondition Failed"
    assert spy.calls == 2  # the plain-HTTP page is another key: made once by Django


def test_a_change_is_never_served_old(tree: Tree) -> None:
    agency = tree.county_a_finance
    url = f"/gk/{agency.short_code}/"
    spy = Spy()
    app = PageHits(spy)
    _get(app, url)
    _get(app, url)
    assert spy.calls == 1
    published_entry(agency, "之后发布的条目")  # bumps the version in its transaction
    _status, _headers, body = _get(app, url)
    assert spy.calls == 2 and "之后发布的条目" in body.decode()
    _get(app, url)
    assert spy.calls == 2


def test_a_miss_reads_the_version_once(tree: Tree) -> None:
    agency = tree.county_a_finance
    url = f"/gk/{agency.short_code}/catalogue/"
    version_reads: list[int] = []
    lookup = pagecache.lookup

    def counted(alias: str, key: str) -> Any:
        version_reads.append(1)
        return lookup(alias, key)

    app = PageHits(Spy())
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pagecache, "lookup", counted)
        status, _headers, _body = _get(app, url)
    assert status == "200 OK" and version_reads == [1]  # the wrapper's; the middleware took it over


def test_sessions_other_methods_and_other_paths_go_to_django(tree: Tree) -> None:
    agency = tree.county_a_finance
    url = f"/gk/{agency.short_code}/"
    spy = Spy()
    app = PageHits(spy)
    _get(app, url)
    _get(app, url, HTTP_COOKIE="sessionid=abc")
    _get(app, url, HTTP_COOKIE="messages=abc")
    _get(app, url, HTTP_AUTHORIZATION="Bearer x")
    _get(app, "/healthz/")
    environ = RequestFactory().head(url).environ
    app(environ, Answer())
    assert spy.calls == 6
    status, _headers, _body = _get(app, url, HTTP_HOST="evil.example")
    assert status.startswith("400") and spy.calls == 7  # Django answers a host it does not serve


def test_a_host_it_does_not_serve_is_djangos_400_with_the_https_redirect_on(tree: Tree) -> None:
    url = f"/gk/{tree.county_a_finance.short_code}/"
    with override_settings(SECURE_SSL_REDIRECT=True):
        spy = Spy()
        app = PageHits(spy)
        status, _headers, _body = _get(app, url, HTTP_HOST="evil.example")
        assert status.startswith("400") and spy.calls == 1
        status, headers, _body = _get(app, url)
        assert status.startswith("301") and headers["Location"].startswith("https://")


def test_inactive_when_the_middleware_it_imitates_changes(tree: Tree) -> None:
    with override_settings(GONGKAI_PAGE_CACHE=False):
        assert not PageHits(Spy()).active
    with override_settings(
        MIDDLEWARE=[
            "gongkai.core.pagecache.PageCacheMiddleware",
            "django.middleware.security.SecurityMiddleware",
            "whitenoise.middleware.WhiteNoiseMiddleware",
        ]
    ):
        assert not PageHits(Spy()).active


def test_a_failing_lookup_leaves_the_request_to_django(tree: Tree) -> None:
    agency = tree.county_a_finance
    url = f"/gk/{agency.short_code}/"
    spy = Spy()
    app = PageHits(spy)

    def broken(request: Any) -> Any:
        raise RuntimeError("cache exploded")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(app.pages, "look_up", broken)
        status, _headers, body = _get(app, url)
    assert status == "200 OK" and spy.calls == 1 and body


@pytest.mark.processes
def test_the_deployed_application_is_wrapped() -> None:
    """``gongkai.wsgi`` as a server imports it: first, in a process of its own."""
    script = (
        "from gongkai import wsgi; from gongkai.core.pagehits import PageHits; "
        "assert isinstance(wsgi.application, PageHits) and wsgi.application.active; print('ok')"
    )
    env = {**os.environ, "SECRET_KEY": "x" * 50, "GONGKAI_DEBUG": "true"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-2000:]
