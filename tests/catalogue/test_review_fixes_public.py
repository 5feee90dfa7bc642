"""Review fixes of the public catalogue: every entry of a large catalogue can be reached page by page
(HTML and API) — only a text search caps its count (at ``indexing.SEARCH_WINDOW``), and says so; an entry
whose title equals the query is still listed first however old."""

from __future__ import annotations

import datetime
import json
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from gongkai.agencies.models import Agency
from gongkai.catalogue import indexing, totals
from gongkai.catalogue.models import Item, Status
from gongkai.catalogue.search import index_tokens, normalize
from gongkai.core.pagination import DEFAULT_COUNT_CAP, CappedPaginator
from tests.conftest import Tree

pytestmark = pytest.mark.django_db

#: More than the search cap and more than 2,050 (one full page of 20 beyond, and some).
MANY = DEFAULT_COUNT_CAP + 61
OLDEST = "最早的一条通知"
NEWEST = "最新的一条通知"
NEWEST_DAY = datetime.date(2026, 6, 1)


def bulk_published(agency: Agency, count: int) -> None:
    """``count`` published entries of ``agency``, one a day back from :data:`NEWEST_DAY`, all with 通知 in
    the title; written in bulk (the services would take minutes) and indexed for 通知 (the oldest fully)."""
    rows = []
    for n in range(count):
        title = NEWEST if n == 0 else OLDEST if n == count - 1 else f"第{n}号通知"
        day = NEWEST_DAY - datetime.timedelta(days=n)
        rows.append(
            Item(
                agency=agency,
                title=title,
                status=Status.PUBLISHED,
                publisher=agency.name,
                written_on=day,
                published_on=day,
                index_number=f"BULK/{day.year}-{n:05d}",
                search_text=normalize(title),
            )
        )
    Item.objects.bulk_create(rows, batch_size=500)
    if connection.vendor == "postgresql":
        # Every bulk entry has the tokens of 通知 (the titles' numbers are not searched here).
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE catalogue_item SET search_vector = array_to_tsvector(string_to_array(%s, ' ')) "
                "WHERE agency_id = %s",
                [index_tokens("通知"), agency.pk],
            )
    indexing.reindex(Item.objects.get(title=OLDEST))  # fully, so that it can be searched by its title
    totals.rebuild()  # written around the models: the column counters are counted again


@pytest.fixture
def large(tree: Tree) -> Agency:
    bulk_published(tree.county_a, MANY)
    return tree.county_a


def titles(html: str) -> list[str]:
    """The linked titles of a list, without a search's ``<mark>``s."""
    found = re.findall(r'<a href="/gk/county-a/items/\d+/">(.+?)</a>', html)
    return [re.sub(r"</?mark>", "", title) for title in found]


def test_the_oldest_entry_of_a_large_catalogue_is_on_its_last_page(client: Client, large: Agency) -> None:
    last = -(-MANY // 20)  # 104 pages of 20
    first = client.get("/gk/county-a/catalogue/").content.decode()
    assert f"共 {MANY} 条。" in first
    assert f"第 1 页，共 {last} 页" in first
    assert f'href="?page={last}"' in first
    assert "结果" not in first.split('class="gk-count"', 1)[1].split("</p>", 1)[0]  # no cap notice
    assert titles(first)[0] == NEWEST
    page = client.get("/gk/county-a/catalogue/", {"page": last}).content.decode()
    assert titles(page)[-1] == OLDEST
    assert len(titles(page)) == MANY - (last - 1) * 20
    # A filter counts exactly too (here: the years the entries were published in).
    year = NEWEST_DAY.year - 1
    in_year = Item.objects.filter(published_on__year=year).count()
    filtered = client.get("/gk/county-a/catalogue/", {"year": year}).content.decode()
    assert f"共 {in_year} 条。" in filtered


WINDOW = indexing.SEARCH_WINDOW


def test_a_search_is_still_capped_and_says_so(client: Client, large: Agency) -> None:
    page = client.get("/gk/county-a/catalogue/", {"q": "通知"}).content.decode()
    assert (
        f"检索“通知”，找到超过 {WINDOW} 条结果。检索结果最多列出最新的 {WINDOW} 条，请增加检索词或筛选条件。"
    ) in page
    assert "共找到" not in page
    last = WINDOW // 20
    assert f"第 1 页，共 {last} 页" in page
    beyond = client.get("/gk/county-a/catalogue/", {"q": "通知", "page": str(last + 5)}).content.decode()
    assert f"第 {last} 页，共 {last} 页" in beyond
    assert OLDEST not in beyond
    # A search that finds fewer is counted exactly.
    page = client.get("/gk/county-a/catalogue/", {"q": OLDEST}).content.decode()
    assert f"检索“{OLDEST}”，共找到 1 条结果。" in page


def get(client: Client, params: dict[str, Any], status: int = 200) -> Any:
    response = client.get("/gk/api/items/", params)
    assert response.status_code == status, response.content.decode()
    return json.loads(response.content)


def test_the_api_reaches_every_entry_without_a_search(client: Client, large: Agency) -> None:
    for params in ({}, {"agency": "county-a"}):
        data = get(client, {**params, "page_size": 100})
        assert (data["count"], data["count_is_lower_bound"]) == (MANY, False)
        assert data["num_pages"] == -(-MANY // 100)
        assert data["results"][0]["title"] == NEWEST
        last = get(client, {**params, "page_size": 100, "page": data["num_pages"]})
        assert last["results"][-1]["title"] == OLDEST
        assert last["next"] is None


def test_the_api_caps_a_search(client: Client, large: Agency) -> None:
    data = get(client, {"q": "通知", "page_size": 100})
    assert (data["count"], data["count_is_lower_bound"]) == (WINDOW, True)
    assert data["num_pages"] == WINDOW // 100
    error = get(client, {"q": "通知", "page_size": 100, "page": WINDOW // 100 + 1}, status=404)
    assert error["error"]["code"] == "page_out_of_range"
    data = get(client, {"q": OLDEST})
    assert (data["count"], data["count_is_lower_bound"]) == (1, False)


def test_an_exact_title_older_than_the_ranked_window_comes_first(client: Client, large: Agency) -> None:
    """More entries match 通知 than a search ranks; the one titled exactly 通知 is older than all of them (and
    than the window), yet it is the first result, on the column, the site-wide search and the API — found
    by the separate exact query (on PostgreSQL through ``catalogue_item_head_keys_gin``)."""
    day = NEWEST_DAY - datetime.timedelta(days=MANY + 30)
    old = Item.objects.create(
        agency=large,
        title="通知",
        status=Status.PUBLISHED,
        publisher=large.name,
        written_on=day,
        published_on=day,
        index_number="BULK/OLD-00001",
    )
    indexing.reindex(old)
    # Not ranked without the exact query: it is not among the newest WINDOW matches.
    newest = list(Item.objects.filter(status=Status.PUBLISHED).order_by("-published_on", "-id")[:WINDOW])
    assert old not in newest
    page = client.get("/gk/county-a/catalogue/", {"q": "通知"}).content.decode()
    assert titles(page)[0] == "通知"
    assert titles(page)[1] == NEWEST  # then the window, best first (all in the title), newest first
    assert f"找到超过 {WINDOW} 条结果" in page
    site = client.get("/gk/search/", {"q": "通知"}).content.decode()
    assert titles(site)[0] == "通知"
    data = get(client, {"q": "通知"})
    assert [row["title"] for row in data["results"][:2]] == ["通知", NEWEST]
    assert (data["count"], data["count_is_lower_bound"]) == (WINDOW + 1, True)
    # Its 索引号 typed whole finds it alone (not capped: no second query needed).
    data = get(client, {"q": "BULK/OLD-00001"})
    assert [row["title"] for row in data["results"]] == ["通知"]


def test_the_paginator_caps_only_when_asked() -> None:
    rows = list(range(30))
    capped = CappedPaginator(rows, 10, cap=25)
    assert (capped.count, capped.capped, capped.num_pages) == (25, True, 3)
    exact = CappedPaginator(rows, 10, cap=None)
    assert (exact.count, exact.capped, exact.num_pages) == (30, False, 3)
    assert CappedPaginator(Item.objects.all(), 10, cap=None).count == 0
