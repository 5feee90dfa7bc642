"""Every public page that takes parameters, fuzzed with hypothesis: arbitrary text, bytes and charsets in
every field (and fields nobody expects), in the query string, a form body, a multipart upload or a raw body
of any content type, must never get a server error (5xx).

The targets are enumerated from the public URLconf: :func:`test_every_public_url_is_fuzzed` fails when a
public URL is added without being fuzzed here. Bounded (``max_examples``) so that the file runs in well
under a minute on one core; run it longer with ``HYPOTHESIS_PROFILE=long`` (tests/fuzz/README.md).
"""

from __future__ import annotations

import os
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongkai.applications.forms_public import ApplyForm, DeadlineForm, StatusLookupForm
from gongkai.catalogue.public_filters import FILTER_PARAMETERS
from tests.catalogue.public_factories import add_file, make_item
from tests.conftest import Tree

pytestmark = pytest.mark.django_db

LONG = os.environ.get("HYPOTHESIS_PROFILE") == "long"
EXAMPLES = 5000 if LONG else 200
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)

#: Text of any kind but lone surrogates (which no client can send as UTF-8).
TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=60)
VALUE = st.one_of(
    TEXT,
    st.sampled_from(["", "0", "-1", "1" * 30, "2025-02-30", "9999-99-99", "2025-01-01", "\x00", "%", "../"]),
    st.integers(-(2**70), 2**70).map(str),
)
CHARSETS = ["utf-8", "gbk", "gb2312", "big5", "utf-16", "latin-1", "nonsense", ""]
CONTENT_TYPES = [
    "application/x-www-form-urlencoded",
    "multipart/form-data",
    "multipart/form-data; boundary=x",
    "text/plain",
    "application/json",
    "application/octet-stream",
    "",
]


@dataclass(frozen=True)
class Target:
    method: str
    #: The path, with ``{code}`` (an agency's short code), ``{item}``, ``{file}`` or ``{any}`` (fuzzed).
    path: str
    fields: tuple[str, ...] = ()
    files: tuple[str, ...] = ()


def names(form: Any) -> tuple[str, ...]:
    return tuple(form.base_fields)


CATALOGUE = (*FILTER_PARAMETERS, "page", "page_size", "sort")
TARGETS = [
    Target("GET", "/", ("page",)),
    Target("GET", "/check/"),
    Target("POST", "/check/", ("text", "url"), ("reports", "previous")),
    Target("GET", "/gk/search/", CATALOGUE),
    Target("GET", "/apply/", ()),
    Target("POST", "/apply/", names(ApplyForm)),
    Target("GET", "/apply/receipt/{any}/"),
    Target("GET", "/apply/status/"),
    Target("POST", "/apply/status/", names(StatusLookupForm)),
    Target("POST", "/apply/status/exit/"),
    Target("GET", "/apply/status/{any}/"),
    Target("GET", "/apply/status/{any}/letters/{item}/"),
    Target("GET", "/deadline/", names(DeadlineForm)),
    Target("GET", "/gk/", CATALOGUE),
    Target("GET", "/gk/api/items/", CATALOGUE),
    Target("GET", "/gk/api/items/{item}/", CATALOGUE),
    Target("GET", "/gk/api/agencies/", ("q",)),
    Target("GET", "/gk/{code}/", CATALOGUE),
    Target("GET", "/gk/{code}/guide/"),
    Target("GET", "/gk/{code}/rules/"),
    Target("GET", "/gk/{code}/catalogue/", CATALOGUE),
    Target("GET", "/gk/{code}/policies/", CATALOGUE),
    Target("GET", "/gk/{code}/columns/"),
    Target("GET", "/gk/{code}/columns/areas/{any}/", ("page",)),
    Target("GET", "/gk/{code}/columns/topics/{any}/", ("page",)),
    Target("GET", "/gk/api/openapi.json", ("q",)),
    Target("GET", "/gk/{code}/apply/"),
    Target("GET", "/gk/{code}/items/{item}/"),
    Target("GET", "/gk/{code}/items/{item}/files/{file}/"),
    Target("GET", "/gk/{code}/feed.rss", CATALOGUE),
    Target("GET", "/gk/{code}/feed.atom", CATALOGUE),
    Target("GET", "/gk/{code}/reports/", ("year",)),
    Target("GET", "/gk/{code}/reports/{any}/", ("version",)),
    Target("GET", "/gk/{code}/reports/2025/report.{any}", ("version",)),
    Target("GET", "/gk/{code}/statistics/", ("year",)),
    Target("GET", "/accounts/login/", ("next",)),
    Target("POST", "/accounts/login/", ("username", "password", "next")),
    Target("GET", "/accounts/password/{any}/{any}/"),
    Target("POST", "/accounts/password/{any}/{any}/", ("new_password1", "new_password2")),
    Target("GET", "/accounts/password/done/"),
    Target("POST", "/i18n/setlang/", ("language", "next")),
    Target("GET", "/healthz/"),
]

#: Public URL names (namespace:name) not fuzzed, and why.
NOT_FUZZED = {
    "checker:save": "login required (the form is signed; an anonymous POST is sent to the login page)",
    "checker:saved_list": "login required",
    "checker:saved_detail": "login required",
    "checker:saved_delete": "login required",
    "logout": "no parameters",
    "annual_public:report_css": "no parameters (a fixed style sheet)",
    "checker:job": "no form: a background check's page, 404 for all but the session that started it",
    **{
        f"checker_moved:{name}": "the checker's old addresses: a permanent redirect, nothing else"
        for name in ("save", "job", "saved_list", "saved_detail", "saved_delete")
    },
}
#: The URLconf modules of the public site (anonymous visitors).
PUBLIC_NAMESPACES = {
    "public",
    "checker",
    "checker_moved",
    "catalogue_public",
    "annual_public",
    "stats_public",
}
PUBLIC_NAMES = {"home", "login", "logout", "set_password", "password_set", "set_language", "healthz"}
FUZZED_NAMES = {
    "public:apply", "public:receipt", "public:status", "public:status_exit", "public:status_detail",
    "public:status_letter", "public:deadline", "checker:check", "catalogue_public:index",
    "catalogue_public:api_items", "catalogue_public:api_item", "catalogue_public:api_agencies",
    "catalogue_public:column", "catalogue_public:guide", "catalogue_public:rules",
    "catalogue_public:catalogue", "catalogue_public:apply", "catalogue_public:item",
    "catalogue_public:attachment", "catalogue_public:feed_rss", "catalogue_public:feed_atom",
    "annual_public:column_reports", "annual_public:report", "annual_public:download",
    "stats_public:column", "login", "set_password", "password_set", "set_language", "healthz",
    "home", "catalogue_public:search", "catalogue_public:policies", "catalogue_public:columns",
    "catalogue_public:area", "catalogue_public:topic", "catalogue_public:api_openapi",
}  # fmt: skip


def public_url_names() -> set[str]:
    found: set[str] = set()

    def walk(patterns: list[Any], namespace: str | None) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                if namespace in PUBLIC_NAMESPACES:
                    found.add(f"{namespace}:{pattern.name}")
                elif namespace is None and pattern.name in PUBLIC_NAMES:
                    found.add(pattern.name)

    walk(get_resolver().url_patterns, None)
    return found


def test_every_public_url_is_fuzzed() -> None:
    public = public_url_names()
    assert public - FUZZED_NAMES - set(NOT_FUZZED) == set()
    assert public >= FUZZED_NAMES  # no name here that the URLconf lost


@pytest.fixture
def world(tree: Tree, settings: Any) -> dict[str, str]:
    """An agency with a published entry and its file; the rate limits out of the fuzzer's way."""
    settings.GONGKAI_CHECK_FILES_PER_HOUR = 10**9
    settings.GONGKAI_LOOKUP_FAILURES_PER_CODE = 10**9
    settings.GONGKAI_LOOKUP_FAILURES_PER_ADDRESS = 10**9
    item = make_item(tree.county_a)
    file = add_file(item)
    return {"code": tree.county_a.short_code, "item": str(item.pk), "file": str(file.pk)}


def fill(path: str, world: dict[str, str], draw: Callable[[Any], Any]) -> str:
    while "{any}" in path:
        path = path.replace("{any}", urllib.parse.quote(draw(TEXT) or "x", safe=""), 1)
    return path.format(**world)


@st.composite
def requests(draw: st.DrawFn) -> tuple[Target, dict[str, str], list[tuple[str, bytes]], str, str]:
    target = draw(st.sampled_from(TARGETS))
    chosen = draw(st.lists(st.sampled_from(target.fields), unique=True)) if target.fields else []
    fields = {name: draw(VALUE) for name in chosen}
    fields.update(draw(st.dictionaries(TEXT.filter(bool), VALUE, max_size=2)))
    files = [(name, draw(st.binary(max_size=300))) for name in target.files if draw(st.booleans())]
    content_type = draw(st.sampled_from(CONTENT_TYPES))
    charset = draw(st.sampled_from(CHARSETS))
    return target, fields, files, content_type, charset


def send(
    client: Client, target: Target, path: str, fields: dict[str, str], files: list[tuple[str, bytes]]
) -> Any:
    if target.method == "GET":
        return client.get(path, fields)
    data: dict[str, Any] = dict(fields)
    for name, content in files:
        data[name] = SimpleUploadedFile("报告.docx", content)
    return client.post(path, data)


@FUZZ
@given(data=st.data())
def test_no_public_form_or_parameter_gets_a_server_error(world: dict[str, str], data: st.DataObject) -> None:
    target, fields, files, _content_type, _charset = data.draw(requests())
    path = fill(target.path, world, data.draw)
    response = send(Client(), target, path, fields, files)
    assert response.status_code < 500, (target.method, path, fields)


@FUZZ
@given(data=st.data(), body=st.binary(max_size=400))
def test_no_raw_body_or_charset_gets_a_server_error(
    world: dict[str, str], data: st.DataObject, body: bytes
) -> None:
    """Any bytes under any content type and charset, with and without the CSRF check."""
    target = data.draw(st.sampled_from([t for t in TARGETS if t.method == "POST"]))
    content_type = data.draw(st.sampled_from(CONTENT_TYPES))
    charset = data.draw(st.sampled_from(CHARSETS))
    if charset:
        content_type = f"{content_type}; charset={charset}" if content_type else f"charset={charset}"
    path = fill(target.path, world, data.draw)
    client = Client(enforce_csrf_checks=data.draw(st.booleans()))
    client.cookies["csrftoken"] = "a" * 32
    response = client.generic("POST", path, body, content_type=content_type)
    assert response.status_code < 500, (path, content_type, body)


@FUZZ
@given(data=st.data())
def test_a_form_encoded_in_another_charset_never_gets_a_server_error(
    world: dict[str, str], data: st.DataObject
) -> None:
    target = data.draw(st.sampled_from([t for t in TARGETS if t.method == "POST"]))
    charset = data.draw(st.sampled_from(["gbk", "gb18030", "big5", "utf-16", "latin-1"]))
    fields = {name: data.draw(TEXT) for name in target.fields}
    body = urllib.parse.urlencode(fields, encoding=charset, errors="replace").encode("ascii")
    client = Client(enforce_csrf_checks=True)
    client.cookies["csrftoken"] = "a" * 32
    response = client.generic(
        "POST",
        fill(target.path, world, data.draw),
        body,
        content_type=f"application/x-www-form-urlencoded; charset={charset}",
    )
    assert response.status_code < 500  # 400 (the form cannot be read), or 403 (no form: the CSRF check)
    if fields:
        assert response.status_code == 400
