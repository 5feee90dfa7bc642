"""The JSON API's search of every agency with no other filter (``site_search.SiteSearch``, SQL of its own)
finds what the querysets find (``indexing.SearchResults`` over ``Filters.apply``/``narrow``), in the same
order, capped or not, with the exact title/文号/索引号 entries first however old; and the API's JSON is the
same bytes either way, page by page. Run with a ``postgres://`` DATABASE_URL as well (the ``tsvector`` and
the head keys' index)."""

from __future__ import annotations

import datetime
import itertools
import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from gongkai.catalogue import api, indexing, public_filters, selectors, site_search
from gongkai.catalogue.models import Item, ItemKind, ItemVersion, Status
from gongkai.catalogue.public_filters import published_items
from tests.catalogue.public_factories import add_file, category, make_item
from tests.catalogue.test_column_search import QUERIES
from tests.conftest import Tree

pytestmark = pytest.mark.django_db

URL = "/gk/api/items/"
FINANCE = "财政、金融、审计"
RULES = "示自然资规〔2026〕"


@pytest.fixture(autouse=True)
def cache_off(settings: Any) -> None:
    """Every response made (the page cache would serve the second request of a URL from the first)."""
    settings.GONGKAI_PAGE_CACHE = False


@pytest.fixture
def entries(tree: Tree) -> list[Item]:
    """Entries of three agencies, a few a day (ties on a day: by id), the exact titles old."""
    agencies = itertools.cycle((tree.county_a, tree.county_b, tree.town_a1))
    day = itertools.count()

    def on() -> datetime.date:
        return datetime.date(2026, 3, 1) - datetime.timedelta(days=next(day) % 5)

    made = [
        make_item(tree.county_b, "部门预算", published_on=datetime.date(2019, 1, 5)),  # exact, old
        make_item(tree.town_a1, "部门预算", published_on=datetime.date(2018, 7, 1)),  # exact, older
        make_item(next(agencies), "甲县部门预算公开", published_on=on(), category=category(FINANCE)),
        make_item(next(agencies), "关于资金的通知", doc_number=f"{RULES}7号", published_on=on()),
        make_item(next(agencies), "关于资金的补充通知", doc_number=f"{RULES}17号", published_on=on()),
        make_item(next(agencies), "年度公开", summary="部门预算 预算执行", published_on=on()),
        make_item(next(agencies), "GDP 统计公报", body="<p>增长 50% 以上，a_b 项目</p>", published_on=on()),
        make_item(next(agencies), "预备役工作", keywords="预算", published_on=on()),
        make_item(next(agencies), "其他事项", body="<p>预算部门的说明</p>", published_on=on()),
        make_item(next(agencies), "50%的资金", published_on=on()),
        make_item(next(agencies), "ab 项目", published_on=on()),
    ]
    made += [
        make_item(next(agencies), f"预算执行情况第{n}号", summary=f"部门预算{n}", published_on=on())
        for n in range(7)
    ]
    # What the rows carry: files, a correction, a 政策解读 of a found entry (and the one it interprets).
    add_file(made[2], "b.pdf", b"%PDF-1.4 b")
    add_file(made[2], "a.pdf", b"%PDF-1.4 a")
    draft = make_item(tree.county_a, "更正稿", status=Status.DRAFT)
    ItemVersion.objects.create(
        item=made[5],
        number=1,
        corrected_on=datetime.date(2026, 3, 2),
        draft=draft,
        reason="笔误",
        public_note="更正",
    )
    made.append(
        make_item(
            tree.county_a,
            "部门预算的解读",
            kind=ItemKind.INTERPRETATION,
            interprets=made[2],
            published_on=on(),
        )
    )
    # Never found: a draft and a withdrawn entry of the exact title.
    make_item(tree.county_a, "部门预算", status=Status.DRAFT)
    make_item(tree.county_b, "部门预算", status=Status.WITHDRAWN, published_on=on())
    return made


def by_querysets(query: str) -> indexing.SearchResults:
    filters, errors = public_filters.parse({"q": query})
    assert not errors
    return indexing.SearchResults(
        filters.apply(published_items()).order_by("-published_on", "-id"),
        filters.q,
        scope=filters.narrow(published_items()),
    )


@pytest.mark.parametrize("cap", [100, 3])
def test_the_site_search_finds_what_the_querysets_find_in_the_same_order(
    entries: list[Item], cap: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(indexing, "SEARCH_WINDOW", cap)
    found_any = capped_any = False
    for query in QUERIES:
        filters, _errors = public_filters.parse({"q": query})
        expected = by_querysets(filters.q)
        site = site_search.SiteSearch(filters.q, api._rows_by_id)
        assert site.ids == expected.ids, query
        assert site.capped == expected.capped, query
        assert [row.pk for row in site[1:4]] == expected.ids[1:4], query
        found_any = found_any or bool(expected.ids)
        capped_any = capped_any or expected.capped
    assert found_any and capped_any == (cap == 3)


def test_old_exact_entries_of_any_agency_come_first_when_the_search_is_capped(
    entries: list[Item], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(indexing, "SEARCH_WINDOW", 3)
    site = site_search.SiteSearch("部门预算", api._rows_by_id)
    assert site.capped
    # The two exact titles (2019 and 2018, two agencies) before the window of 3, newest first.
    assert site.ids[:2] == [entries[0].pk, entries[1].pk]
    assert len(site) == 5


def test_a_query_with_nothing_searchable_is_refused() -> None:
    with pytest.raises(ValueError):
        site_search.SiteSearch("〔〕", api._rows_by_id)


def _both(
    client: Client,
    params: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    *,
    searches: type = site_search.SiteSearch,
) -> tuple[Any, Any, int]:
    """The API's response to ``params`` through its own searches and through the querysets (the general path,
    ``Filters.only_query`` made false), and how many ``searches`` (the site-wide ``SiteSearch``, or the
    column's ``ColumnSearch`` for ``agency`` and ``q``) were made."""
    made: list[object] = []
    name = searches.__name__

    def counted(*args: Any, **kwargs: Any) -> object:
        made.append(args)
        return searches(*args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(api, name, counted)
        fast = client.get(URL, params)
    with monkeypatch.context() as patch:
        patch.setattr(public_filters.Filters, "only_query", property(lambda self: False))
        slow = client.get(URL, params)
    return fast, slow, len(made)


@pytest.mark.parametrize("cap", [500, 3])
@pytest.mark.parametrize("query", ["部门预算", "预算", "预", "7号", "50%", "没有的词"])
def test_the_json_is_the_same_bytes_as_the_querysets_page_by_page(
    client: Client, entries: list[Item], monkeypatch: pytest.MonkeyPatch, query: str, cap: int
) -> None:
    monkeypatch.setattr(indexing, "SEARCH_WINDOW", cap)
    pages = None
    number = 1
    while True:
        params = {"q": query, "page_size": "4", "page": str(number)}
        fast, slow, made = _both(client, params, monkeypatch)
        assert made == 1
        assert (fast.status_code, fast.content) == (slow.status_code, slow.content), (query, number)
        if fast.status_code == 404:  # one page past the last
            assert pages is not None and number == pages + 1
            break
        data = json.loads(fast.content)
        pages = data["num_pages"]
        assert data["page"] == number
        number += 1
    assert pages is not None and number == pages + 1
    if query == "部门预算" and cap == 3:
        first = json.loads(_both(client, {"q": query}, monkeypatch)[0].content)
        assert first["count_is_lower_bound"] is True
        assert [row["id"] for row in first["results"][:2]] == [entries[0].pk, entries[1].pk]
        assert [row["agency"]["short_code"] for row in first["results"][:2]] == ["county-b", "town-a1"]


@pytest.mark.parametrize(
    "params",
    [
        {"q": "预算", "page_size": "100"},
        {"q": "预算", "page_size": "7", "page": "2"},  # 18 results: the last page holds the rest
        {"q": "预算", "page_size": "1", "page": "18"},
        {"q": "预算", "page_size": "20", "page": "2"},  # out of range: 404
        {"q": " 预算 ", "page": "1"},
        {"q": "ｇｄｐ"},
    ],
)
def test_pagination_boundaries_are_the_same(
    client: Client, entries: list[Item], monkeypatch: pytest.MonkeyPatch, params: dict[str, str]
) -> None:
    fast, slow, made = _both(client, params, monkeypatch)
    assert made == 1
    assert fast.status_code == slow.status_code
    assert fast.content == slow.content


@pytest.mark.parametrize("cap", [500, 2])
@pytest.mark.parametrize("code", ["county-a", "county-b", "town-a1"])
@pytest.mark.parametrize("query", ["部门预算", "预算", "7号"])
def test_one_agencys_search_is_the_columns_and_the_same_bytes(
    client: Client,
    entries: list[Item],
    monkeypatch: pytest.MonkeyPatch,
    cap: int,
    code: str,
    query: str,
) -> None:
    """``agency`` and ``q`` alone: the column's search (``selectors.ColumnSearch``), the same JSON."""
    monkeypatch.setattr(indexing, "SEARCH_WINDOW", cap)
    monkeypatch.setattr(indexing, "token_frequencies", dict)  # no statistics read: statements compared
    for page in ("1", "2"):
        params = {"q": query, "agency": code, "page_size": "1", "page": page}
        fast, slow, made = _both(client, params, monkeypatch, searches=selectors.ColumnSearch)
        assert made == 1
        assert (fast.status_code, fast.content) == (slow.status_code, slow.content)
    assert _both(client, {"q": query, "agency": code}, monkeypatch)[2] == 0  # not the site-wide search


@pytest.mark.parametrize(
    "params",
    [
        {"q": "预算", "agency": "county-a", "year": "2026"},
        {"q": "〔〕", "agency": "county-a"},
        {"q": "预算", "year": "2026"},
        {"q": "预算", "kind": "information"},
        {"q": "预算", "category": FINANCE},
        {"q": "〔〕"},  # nothing searchable: nothing found
        {"q": ""},  # empty: the listing
        {"q": "   "},
    ],
)
def test_other_filters_and_unsearchable_queries_keep_the_querysets(
    client: Client, entries: list[Item], monkeypatch: pytest.MonkeyPatch, params: dict[str, str]
) -> None:
    fast, slow, made = _both(client, params, monkeypatch)
    assert made == 0
    assert _both(client, params, monkeypatch, searches=selectors.ColumnSearch)[2] == 0
    assert fast.status_code == slow.status_code == 200
    assert fast.content == slow.content
    if params["q"] == "〔〕":
        assert json.loads(fast.content)["count"] == 0


def test_the_site_search_reads_the_exact_entries_with_the_candidates(
    client: Client, entries: list[Item], monkeypatch: pytest.MonkeyPatch
) -> None:
    """On PostgreSQL the candidates and the exact title/文号/索引号 entries in one statement (then the old
    exact ones' ranks): one statement fewer than the querysets (on SQLite, where the exact test is a
    ``LIKE`` over every published entry, read apart and only when capped); and none of the API's statements
    is the ORM's (which names its columns by table, ``"catalogue_item"."id"``)."""
    monkeypatch.setattr(indexing, "SEARCH_WINDOW", 3)
    with CaptureQueriesContext(connection) as fast:
        site = site_search.SiteSearch("部门预算", api._rows_by_id)
        assert site.capped
        ids = site.ids
    with CaptureQueriesContext(connection) as slow:
        assert by_querysets("部门预算").ids == ids
    postgres = connection.vendor == "postgresql"
    assert len(fast) == (2 if postgres else 3) and len(slow) == 3
    assert ("UNION ALL" in str(fast.captured_queries[0]["sql"])) is postgres
    # Asked for another test of "exact" than the one read with the candidates, it reads that one; for the
    # same one, on PostgreSQL, no statement.
    other, same = indexing.exact_sql("预算"), indexing.exact_sql("部门预算")
    assert other is not None and same is not None
    assert site._exact_ids(*other) == []
    with CaptureQueriesContext(connection) as again:
        assert site._exact_ids(*same) == [entries[0].pk, entries[1].pk]
    assert len(again) == (0 if postgres else 1)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, {"q": "部门预算"})
    assert response.status_code == 200
    compiled = [q["sql"] for q in queries if '"catalogue_item"."id"' in q["sql"]]
    assert compiled == []


def test_the_documents_interpreted_are_read_with_the_page_links(tree: Tree, entries: list[Item]) -> None:
    """``api._with_page_links`` reads the documents the page's 政策解读 interpret (published or withdrawn; a
    draft's is none) in its statement: what ``api._targets``' ORM statement reads, and no statement more."""
    withdrawn = Item.objects.get(agency=tree.county_b, title="部门预算", status=Status.WITHDRAWN)
    draft = Item.objects.get(agency=tree.county_a, title="部门预算", status=Status.DRAFT)
    readings = [
        make_item(tree.town_a1, f"解读{n}", kind=ItemKind.INTERPRETATION, interprets=target)
        for n, target in enumerate((withdrawn, draft, entries[3]))
    ]
    ids = [entries[2].pk, *(reading.pk for reading in readings), entries[5].pk]

    def shown(targets: dict[int, Item]) -> dict[int, tuple[object, ...]]:
        return {pk: (t.title, t.status, t.index_number, t.agency.short_code) for pk, t in targets.items()}

    expected = shown(api._targets(api._rows_by_id(ids)))
    assert set(expected) == {withdrawn.pk, entries[3].pk}
    rows = api._rows_by_id(ids)
    with CaptureQueriesContext(connection) as queries:
        found = shown(api._targets(api._with_page_links(rows)))
    assert found == expected
    assert len(queries) == 1
    assert [getattr(row, "public_interprets", None) is None for row in rows] == [
        True,
        False,
        True,
        False,
        True,
    ]
