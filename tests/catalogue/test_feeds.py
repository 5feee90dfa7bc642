"""RSS 2.0 and Atom feeds per agency: valid XML, the latest 50 published entries and withdrawals, nothing
else."""

from __future__ import annotations

import datetime
from typing import Any
from xml.etree import ElementTree

import pytest
from django.test import Client

from gongkai.catalogue.models import Status
from tests.catalogue.public_factories import category, make_item
from tests.conftest import Tree

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def test_rss(client: Client, tree: Tree) -> None:
    entry = make_item(
        tree.county_a,
        "甲县关于做好防汛工作的通知",
        summary="做好汛期值班和转移避险。",
        doc_number="甲政办发〔2025〕5号",
        category=category(),
    )
    make_item(tree.county_a, "草稿", status=Status.DRAFT)
    withdrawn = make_item(
        tree.county_a,
        "撤回的",
        status=Status.WITHDRAWN,
        withdrawn_reason="错误",
        summary="撤回的概述",
        withdrawn_on=datetime.date(2025, 7, 1),
    )
    make_item(tree.county_b, "乙县的信息")
    response = client.get("/gk/county-a/feed.rss")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/rss+xml; charset=utf-8"
    root = ElementTree.fromstring(response.content)
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    assert channel is not None
    assert channel.findtext("title") == "甲县人民政府 · 政府信息公开"
    assert channel.findtext("link") == "http://testserver/gk/county-a/catalogue/"
    assert channel.findtext("language") == "zh-cn"
    items = channel.findall("item")
    # A withdrawal is an update of the entry, newest first: its link, 已撤回, the day and the reason only.
    assert [item.findtext("title") for item in items] == ["【已撤回】撤回的", "甲县关于做好防汛工作的通知"]
    gone = items[0]
    assert gone.findtext("link") == f"http://testserver/gk/county-a/items/{withdrawn.pk}/"
    assert gone.findtext("description") == (
        f"索引号：{withdrawn.index_number}\n状态：已撤回\n撤回日期：2025-07-01\n撤回理由：错误"
    )
    assert [c.text for c in gone.findall("category")] == ["已撤回"]
    item = items[1]
    assert item.findtext("link") == f"http://testserver/gk/county-a/items/{entry.pk}/"
    assert item.findtext("guid") == item.findtext("link")
    description = item.findtext("description") or ""
    assert entry.index_number and entry.index_number in description
    assert "甲政办发〔2025〕5号" in description and "做好汛期值班和转移避险。" in description
    assert item.findtext("pubDate") == "Tue, 10 Jun 2025 00:00:00 +0800"
    assert [c.text for c in item.findall("category")] == ["综合政务", "政府信息"]


def test_atom(client: Client, tree: Tree) -> None:
    entry = make_item(tree.county_a, "甲县通知")
    response = client.get("/gk/county-a/feed.atom")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    root = ElementTree.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    assert root.findtext(f"{ATOM}title") == "甲县人民政府 · 政府信息公开"
    assert root.findtext(f"{ATOM}subtitle") == "甲县人民政府主动公开的政府信息（最新 50 条）"
    self_link = [link for link in root.findall(f"{ATOM}link") if link.get("rel") == "self"]
    assert self_link[0].get("href") == "http://testserver/gk/county-a/feed.atom"
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 1
    assert entries[0].findtext(f"{ATOM}title") == "甲县通知"
    assert entries[0].findtext(f"{ATOM}id") == f"http://testserver/gk/county-a/items/{entry.pk}/"
    assert entries[0].findtext(f"{ATOM}updated") == "2025-06-10T00:00:00+08:00"
    assert entries[0].findtext(f"{ATOM}author/{ATOM}name") == "甲县人民政府"


def test_the_latest_fifty_newest_first(
    client: Client, tree: Tree, django_assert_max_num_queries: object, settings: Any
) -> None:
    # The views' own queries: the page cache (its version, its read and write) is counted in
    # tests/catalogue/test_page_cache.py.
    settings.GONGKAI_PAGE_CACHE = False
    start = datetime.date(2025, 1, 1)
    for n in range(55):
        make_item(tree.county_a, f"信息{n:02d}", published_on=start + datetime.timedelta(days=n))
    for url in ("/gk/county-a/feed.rss", "/gk/county-a/feed.atom"):
        with django_assert_max_num_queries(4):  # type: ignore[operator]
            content = client.get(url).content
        root = ElementTree.fromstring(content)
        titles = [e.text for e in root.iter() if e.tag in ("title", f"{ATOM}title")][1:]
        assert len(titles) == 50
        assert titles[0] == "信息54" and titles[-1] == "信息05"


def test_an_empty_feed_is_valid_and_an_unknown_agency_is_404(client: Client, tree: Tree) -> None:
    root = ElementTree.fromstring(client.get("/gk/town-b1/feed.rss").content)
    assert root.find("channel/item") is None
    ElementTree.fromstring(client.get("/gk/town-b1/feed.atom").content)
    assert client.get("/gk/nobody/feed.rss").status_code == 404
    assert client.get("/gk/nobody/feed.atom").status_code == 404
