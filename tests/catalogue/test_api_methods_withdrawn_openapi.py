"""The API's answers to other methods (JSON 405, not the CSRF page), its withdrawn entries
(``?status=withdrawn``), the feeds' withdrawal updates, and its OpenAPI description."""

from __future__ import annotations

import datetime
import json
import re
from typing import Any
from xml.etree import ElementTree

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from gongkai.catalogue import openapi
from gongkai.catalogue.models import Status
from tests.catalogue.public_factories import make_item
from tests.conftest import Tree

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_other_methods_get_a_json_405_even_with_csrf_checks_on(tree: Tree, method: str) -> None:
    entry = make_item(tree.county_a)
    client = Client(enforce_csrf_checks=True)
    for url in ("/gk/api/items/", f"/gk/api/items/{entry.pk}/", "/gk/api/agencies/", "/gk/api/openapi.json"):
        response = getattr(client, method)(url, data="{}", content_type="application/json")
        assert response.status_code == 405, (method, url)
        assert response["Content-Type"] == "application/json; charset=utf-8"
        assert response["Allow"] == "GET, HEAD"
        error = json.loads(response.content)["error"]
        assert error["code"] == "method_not_allowed" and error["message_en"].isascii()


def _withdrawn(tree: Tree) -> tuple[Any, Any]:
    older = make_item(
        tree.county_a,
        "较早撤回的通知",
        status=Status.WITHDRAWN,
        withdrawn_reason="已被新文件替代。",
        withdrawn_on=datetime.date(2025, 8, 1),
        body="<p>不公开的正文</p>",
    )
    newer = make_item(
        tree.county_b,
        "乙县撤回的公告",
        status=Status.WITHDRAWN,
        withdrawn_reason="信息有误。",
        withdrawn_on=datetime.date(2025, 9, 2),
    )
    return older, newer


def test_withdrawn_entries_are_listed_with_status_day_and_reason(client: Client, tree: Tree) -> None:
    older, newer = _withdrawn(tree)
    make_item(tree.county_a, "仍然有效的通知")
    data = json.loads(client.get("/gk/api/items/", {"status": "withdrawn"}).content)
    assert data["count"] == 2
    assert [r["id"] for r in data["results"]] == [newer.pk, older.pk]
    assert data["results"][1] == {
        "id": older.pk,
        "url": f"http://testserver/gk/county-a/items/{older.pk}/",
        "api_url": f"http://testserver/gk/api/items/{older.pk}/",
        "status": "withdrawn",
        "index_number": older.index_number,
        "title": "较早撤回的通知",
        "agency": {"short_code": "county-a", "name": "甲县人民政府"},
        "published_on": "2025-06-10",
        "withdrawn_on": "2025-08-01",
        "withdrawn_reason": "已被新文件替代。",
    }
    one = json.loads(client.get("/gk/api/items/", {"status": "withdrawn", "agency": "county-b"}).content)
    assert [r["id"] for r in one["results"]] == [newer.pk]
    # The default stays the published entries, and it says so.
    published = json.loads(client.get("/gk/api/items/").content)["results"]
    assert [r["title"] for r in published] == ["仍然有效的通知"]
    assert json.loads(client.get("/gk/api/items/", {"status": "published"}).content)["count"] == 1


@pytest.mark.parametrize("parameter", ["q", "kind", "year", "category"])
def test_withdrawn_entries_are_not_searched_or_filtered_by_content(
    client: Client, tree: Tree, parameter: str
) -> None:
    _withdrawn(tree)
    value = {"q": "正文", "kind": "information", "year": "2025", "category": "1"}[parameter]
    response = client.get("/gk/api/items/", {"status": "withdrawn", parameter: value})
    assert response.status_code == 400
    error = json.loads(response.content)["error"]
    assert [p["parameter"] for p in error["parameters"]] == [parameter]
    assert "status=withdrawn" in error["message"] and error["message_en"].isascii()


def test_a_withdrawal_is_an_update_in_the_atom_feed(client: Client, tree: Tree) -> None:
    older, _ = _withdrawn(tree)
    root = ElementTree.fromstring(client.get("/gk/county-a/feed.atom").content)
    entries = root.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["【已撤回】较早撤回的通知"]
    assert entries[0].findtext(f"{ATOM}id") == f"http://testserver/gk/county-a/items/{older.pk}/"
    assert entries[0].findtext(f"{ATOM}updated") == "2025-08-01T00:00:00+08:00"
    assert entries[0].findtext(f"{ATOM}published") == "2025-06-10T00:00:00+08:00"
    assert "不公开的正文" not in client.get("/gk/county-a/feed.atom").content.decode()


def _api_routes() -> set[str]:
    """Every URL of the API and the feeds, as OpenAPI paths ({name} for each converter)."""
    found: set[str] = set()

    def walk(patterns: list[Any], prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and (
                "api/" in route or route.endswith(("feed.rss", "feed.atom"))
            ):
                found.add("/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route).replace("{pk}", "{id}"))

    walk(get_resolver().url_patterns, "")
    return found


def test_every_api_url_is_described_and_every_described_path_answers(client: Client, tree: Tree) -> None:
    entry = make_item(tree.county_a)
    response = client.get("/gk/api/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    document = json.loads(response.content)
    assert document["openapi"] == "3.1.0"
    assert document["servers"] == [{"url": "http://testserver"}]
    assert set(document["paths"]) == _api_routes()
    values = {"id": str(entry.pk), "short_code": "county-a"}
    for path, operations in document["paths"].items():
        url = re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], path)
        answer = client.get(url)
        assert answer.status_code == 200, path
        assert str(answer.status_code) in operations["get"]["responses"], path
        declared = {p["name"] for p in operations["get"].get("parameters", []) if p["in"] == "query"}
        # Each query parameter described is one the endpoint accepts (an unknown one would be 400).
        for name in declared:
            example = {"page": "1", "page_size": "5", "status": "published"}.get(name)
            if example is not None:
                assert client.get(url, {name: example}).status_code == 200, (path, name)
            else:
                error = client.get(url, {name: "\u0000bad-value\u0000"})
                assert error.status_code in (200, 400), (path, name)
                if error.status_code == 400:
                    assert json.loads(error.content)["error"]["code"] == "invalid_parameter", (path, name)
    # References resolve.
    text = json.dumps(document)
    for name in set(re.findall(r'"#/components/schemas/(\w+)"', text)):
        assert name in document["components"]["schemas"]


def test_the_description_names_every_parameter_the_items_endpoint_accepts() -> None:
    from gongkai.catalogue.api import ITEM_PARAMETERS

    described = {p["name"] for p in openapi.PATHS["/gk/api/items/"]["get"]["parameters"]}
    assert described == set(ITEM_PARAMETERS)
