"""The open-data API (/gk/api/): JSON shape, filters, pagination, errors, and nothing that is not public."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.test import Client

from gongkai.agencies.models import Agency
from gongkai.catalogue.models import DocumentType, ItemKind, Status, Validity
from tests.catalogue.public_factories import add_file, category, make_item
from tests.conftest import Tree

pytestmark = pytest.mark.django_db


def get(client: Client, url: str, params: dict[str, Any] | None = None, status: int = 200) -> Any:
    response = client.get(url, params or {})
    assert response.status_code == status, response.content.decode()
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(response.content)


@pytest.fixture
def document(tree: Tree) -> Any:
    entry = make_item(
        tree.county_a,
        "甲县城乡居民基本医疗保险实施办法",
        doc_number="甲政办发〔2025〕12号",
        document_type=DocumentType.NORMATIVE,
        validity=Validity.IN_FORCE,
        effective_on=datetime.date(2025, 7, 1),
        category=category("卫生、体育"),
        article20_item=1,
        keywords="医疗保险",
        summary="参保范围和待遇支付。",
        body='<p>正文<img src="x" onerror="alert(1)"></p>',
        created_by=None,
    )
    add_file(entry, "实施办法.pdf", b"%PDF-1.4 x")
    return entry


def test_an_item_has_every_public_field(client: Client, tree: Tree, document: Any) -> None:
    reading = make_item(tree.county_a, "政策解读", kind=ItemKind.INTERPRETATION, interprets=document)
    make_item(
        tree.county_a, "未发布的解读", kind=ItemKind.INTERPRETATION, interprets=document, status=Status.DRAFT
    )
    data = get(client, f"/gk/api/items/{document.pk}/")
    file = document.attachments.get()
    assert data == {
        "id": document.pk,
        "url": f"http://testserver/gk/county-a/items/{document.pk}/",
        "api_url": f"http://testserver/gk/api/items/{document.pk}/",
        "status": "published",
        "index_number": document.index_number,
        "title": "甲县城乡居民基本医疗保险实施办法",
        "agency": {"short_code": "county-a", "name": "甲县人民政府"},
        "publisher": "甲县人民政府",
        "kind": "information",
        "kind_label": "政府信息",
        "document_type": "normative",
        "document_type_label": "行政规范性文件",
        "doc_number": "甲政办发〔2025〕12号",
        "written_on": "2025-06-07",
        "published_on": "2025-06-10",
        "effective_on": "2025-07-01",
        "repealed_on": None,
        "validity": "in_force",
        "validity_label": "现行有效",
        "category": {"id": document.category_id, "name": "卫生、体育"},
        "article20": {"item": 1, "label": "第二十条（一）行政法规、规章和规范性文件"},
        "disclosure_mode": "website",
        "disclosure_mode_label": "政府网站",
        "summary": "参保范围和待遇支付。",
        "keywords": "医疗保险",
        "standard_area": None,
        "topic": None,
        "is_ogi_rule": False,
        "interprets": None,
        "interpretations": [
            {
                "id": reading.pk,
                "index_number": reading.index_number,
                "title": "政策解读",
                "status": "published",
                "url": f"http://testserver/gk/county-a/items/{reading.pk}/",
                "api_url": f"http://testserver/gk/api/items/{reading.pk}/",
            }
        ],
        "attachments": [
            {
                "id": file.pk,
                "name": "实施办法.pdf",
                "size": 10,
                "type": "application/pdf",
                "kind": "pdf",
                "sha256": file.sha256,
                "url": f"http://testserver/gk/county-a/items/{document.pk}/files/{file.pk}/",
            }
        ],
        "corrections": [],
        "body_html": '<p>正文<img src="x"></p>',
    }
    back = get(client, f"/gk/api/items/{reading.pk}/")
    assert back["interprets"]["id"] == document.pk
    # The file URL works.
    assert client.get(data["attachments"][0]["url"]).status_code == 200


def test_the_list_is_paginated_and_newest_first(client: Client, tree: Tree) -> None:
    for n in range(25):
        make_item(
            tree.county_a, f"信息{n:02d}", published_on=datetime.date(2025, 1, 1) + datetime.timedelta(days=n)
        )
    data = get(client, "/gk/api/items/", {"page_size": 10})
    assert data["count"] == 25 and data["num_pages"] == 3 and data["page"] == 1 and data["page_size"] == 10
    assert [item["title"] for item in data["results"]][:2] == ["信息24", "信息23"]
    assert "body_html" not in data["results"][0]
    assert data["previous"] is None
    assert data["next"] == "http://testserver/gk/api/items/?page_size=10&page=2"
    last = get(client, "/gk/api/items/", {"page_size": 10, "page": 3})
    assert [item["title"] for item in last["results"]] == [f"信息{n:02d}" for n in range(4, -1, -1)]
    assert last["next"] is None and last["previous"].endswith("page=2")
    assert get(client, "/gk/api/items/")["page_size"] == 20
    assert len(get(client, "/gk/api/items/", {"page_size": 100})["results"]) == 25


def test_filters(client: Client, tree: Tree, document: Any) -> None:
    make_item(
        tree.county_a,
        "许可决定",
        kind=ItemKind.LICENSING,
        article20_item=5,
        published_on=datetime.date(2024, 5, 1),
    )
    make_item(tree.county_b, "乙县预算", category=category("财政、金融、审计"), article20_item=7)

    def titles(**params: Any) -> set[str]:
        return {item["title"] for item in get(client, "/gk/api/items/", params)["results"]}

    assert titles(agency="county-b") == {"乙县预算"}
    assert titles(agency="COUNTY-B") == {"乙县预算"}
    assert titles(category=document.category_id) == {document.title}
    assert titles(category="财政、金融、审计") == {"乙县预算"}
    assert titles(article20=5) == {"许可决定"}
    assert titles(kind="licensing") == {"许可决定"}
    assert titles(document_type="normative") == {document.title}
    assert titles(year=2024) == {"许可决定"}
    assert titles(published_after="2025-01-01") == {document.title, "乙县预算"}
    assert titles(published_before="2024-12-31") == {"许可决定"}
    assert titles(published_after="2024-05-01", published_before="2024-05-01") == {"许可决定"}
    assert titles(q="医疗保险", agency="county-a") == {document.title}
    assert titles(q="医疗保险", agency="county-b") == set()


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"page": "0"}, "page"),
        ({"page": "x"}, "page"),
        ({"page_size": "101"}, "page_size"),
        ({"page_size": "0"}, "page_size"),
        ({"year": "25"}, "year"),
        ({"year": "abcd"}, "year"),
        ({"article20": "16"}, "article20"),
        ({"kind": "secret"}, "kind"),
        ({"document_type": "x"}, "document_type"),
        ({"category": "99999"}, "category"),
        ({"agency": "nobody"}, "agency"),
        ({"published_after": "2025-02-30"}, "published_after"),
        ({"published_before": "yesterday"}, "published_before"),
        ({"published_after": "2025-02-01", "published_before": "2025-01-01"}, "published_after"),
        ({"q": "长" * 101}, "q"),
        ({"status": "draft"}, "status"),
        ({"format": "xml"}, "format"),
    ],
)
def test_bad_parameters_are_400_with_a_message_in_both_languages(
    client: Client, tree: Tree, params: dict[str, str], parameter: str
) -> None:
    data = get(client, "/gk/api/items/", params, status=400)
    error = data["error"]
    assert error["status"] == 400
    assert error["code"] in ("invalid_parameter", "unknown_parameter")
    assert parameter in error["message"] and parameter in error["message_en"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in error["message"])
    assert error["message_en"].isascii()
    assert [p["parameter"] for p in error["parameters"]] == [parameter]


def test_not_found_and_methods(client: Client, tree: Tree) -> None:
    draft = make_item(tree.county_a, status=Status.DRAFT)
    for pk in (draft.pk, 999999):
        error = get(client, f"/gk/api/items/{pk}/", status=404)["error"]
        assert error["code"] == "not_found" and error["message_en"]
    error = get(client, "/gk/api/items/", {"page": 5}, status=404)["error"]
    assert error["code"] == "page_out_of_range"
    response = client.post("/gk/api/items/")
    assert response.status_code == 405 and response["Allow"] == "GET, HEAD"
    assert json.loads(response.content)["error"]["code"] == "method_not_allowed"
    assert get(client, "/gk/api/items/")["count"] == 0
    assert (
        get(client, f"/gk/api/items/{draft.pk}/", {"x": 1}, status=400)["error"]["code"]
        == "unknown_parameter"
    )


def test_nothing_personal_or_internal_is_served(client: Client, tree: Tree, document: Any) -> None:
    raw = client.get(f"/gk/api/items/{document.pk}/").content.decode()
    for field in ("search_text", "search_vector", "created_by", "withdrawn_reason", "events", "updated_at"):
        assert f'"{field}"' not in raw, field


def test_agencies(client: Client, tree: Tree, document: Any) -> None:
    Agency.objects.filter(pk=tree.county_a.pk).update(phone="0571-88000000", email="gk@example.org")
    data = get(client, "/gk/api/agencies/")
    assert data["count"] == len(tree.all())
    county_a = next(a for a in data["results"] if a["short_code"] == "county-a")
    assert county_a == {
        "id": tree.county_a.pk,
        "short_code": "county-a",
        "name": "甲县人民政府",
        "kind": "government",
        "kind_label": "人民政府",
        "parent": "city",
        "uscc": None,
        "published_items": 1,
        "url": "http://testserver/gk/county-a/",
        "guide_url": "http://testserver/gk/county-a/guide/",
        "items_url": "http://testserver/gk/api/items/?agency=county-a",
        "feeds": {
            "rss": "http://testserver/gk/county-a/feed.rss",
            "atom": "http://testserver/gk/county-a/feed.atom",
        },
        "contact": {
            "office_name": "",
            "office_address": "",
            "office_hours": "",
            "phone": "0571-88000000",
            "fax": "",
            "website": "",
            "email": "gk@example.org",
            "postcode": "",
        },
    }
    city = next(a for a in data["results"] if a["short_code"] == "city")
    assert city["parent"] is None and city["published_items"] == 0


def test_the_json_is_utf8_not_escaped(client: Client, tree: Tree, document: Any) -> None:
    raw = client.get(f"/gk/api/items/{document.pk}/").content
    assert "甲县城乡居民基本医疗保险实施办法".encode() in raw
    assert b"\\u" not in raw


def test_control_characters_are_dropped_not_sent_to_the_database(client: Client, tree: Tree) -> None:
    make_item(tree.county_a, "甲县预算")
    data = get(client, "/gk/api/items/", {"q": "预\x00算", "agency": "county\x00-a", "category": "\x00"})
    assert [item["title"] for item in data["results"]] == ["甲县预算"]


def test_error_messages_come_from_the_catalogue_in_both_languages(client: Client, tree: Tree) -> None:
    # The JSON keeps both keys whatever the reader's language; the column page shows the reader's.
    client.cookies["django_language"] = "en"
    error = client.get("/gk/api/items/", {"year": "12", "page_size": "0"}).json()["error"]
    assert error["message"] == "参数 year 应为 1949 至 2100 之间的四位年份。"
    assert error["message_en"] == "year must be a four-digit year from 1949 to 2100."
    assert [p["message_en"] for p in error["parameters"]] == [
        "year must be a four-digit year from 1949 to 2100.",
        "page_size must be a whole number from 1 to 100.",
    ]
    assert error["parameters"][1]["message"] == "参数 page_size 应为1 至 100的整数。"
    page = client.get(f"/gk/{tree.county_a.short_code}/catalogue/", {"year": "12"}).content.decode()
    assert "year must be a four-digit year from 1949 to 2100." in page
    assert "四位年份" not in page
    client.cookies["django_language"] = "zh-hans"
    page = client.get(f"/gk/{tree.county_a.short_code}/catalogue/", {"year": "12"}).content.decode()
    assert "参数 year 应为 1949 至 2100 之间的四位年份。" in page
