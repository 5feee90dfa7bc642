"""The API's links of one request (``api._Links``: the origin and each URL pattern found once) are what
``request.build_absolute_uri(reverse(…))`` gives, for plain and unusual arguments, under a script prefix,
over http and https; and ``reversing.filler`` is ``fast_reverse``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import RequestFactory
from django.urls import reverse, set_script_prefix

from gongkai.catalogue import api
from gongkai.core.reversing import filler

ARGUMENTS = [("county-a", 12), ("town_a1", 7), ("Z-9", 3), ("0", 5)]


@pytest.fixture(autouse=True)
def _prefix_restored() -> Iterator[None]:
    yield
    set_script_prefix("/")


@pytest.mark.parametrize("prefix", ["/", "/gongkai/"])
@pytest.mark.parametrize("secure", [False, True])
def test_links_are_build_absolute_uri_of_reverse(prefix: str, secure: bool, settings: Any) -> None:
    settings.ALLOWED_HOSTS = ["gk.example.cn", "xn--fiqs8s.example"]
    set_script_prefix(prefix)
    request = RequestFactory().get("/gk/api/items/", secure=secure, HTTP_HOST="gk.example.cn:8443")
    links = api._links(request)
    assert api._links(request) is links  # one per request
    for code, pk in ARGUMENTS:
        assert api._item_url(request, code, pk) == request.build_absolute_uri(
            reverse("catalogue_public:item", args=[code, pk])
        )
        assert api._api_item_url(request, pk) == request.build_absolute_uri(
            reverse("catalogue_public:api_item", args=[pk])
        )
        assert links.absolute(links.attachment_path(code, pk, 1)) == request.build_absolute_uri(
            reverse("catalogue_public:attachment", args=[code, pk, 1])
        )
    for path in ("/a/./b/", "/a/../b/", "//other.example/x", "/gk/机关/", "/a b/?q=预算", "/x:y/"):
        assert links.absolute(path) == request.build_absolute_uri(path)


def test_filler_is_reverse() -> None:
    fill = filler("catalogue_public:item", 2)
    for code, pk in ARGUMENTS:
        assert fill(code, pk) == reverse("catalogue_public:item", args=[code, pk])
