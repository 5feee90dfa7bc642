"""A search ranks its newest ``indexing.SEARCH_WINDOW`` matches; the entries whose title, 文号 or 索引号
equals the query are found apart (``indexing.exact_sql``), so that they come first however old. The test of
"equals" is the top tier of the ranking, on SQLite (``LIKE`` on ``search_head``) and PostgreSQL (an array
of the head's fields with a GIN index, migration 0016): run this module with a ``postgres://``
DATABASE_URL to cover the index. ``test_review_fixes_public.py`` covers the pages and the API."""

from __future__ import annotations

import datetime
import importlib
import json
import re

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from gongkai.catalogue import indexing
from gongkai.catalogue.models import Item, Status
from gongkai.catalogue.public_filters import published_in, published_items
from tests.catalogue.public_factories import make_item
from tests.conftest import Tree

pytestmark = pytest.mark.django_db

INDEX = "catalogue_item_head_keys_gin"


@pytest.fixture
def entries(tree: Tree) -> dict[str, Item]:
    return {
        "title": make_item(tree.county_a, "部门预算"),
        "longer title": make_item(tree.county_a, "甲县部门预算公开"),
        "doc number": make_item(tree.county_a, "关于资金的通知", doc_number="示自然资规〔2026〕7号"),
        "other number": make_item(tree.county_a, "关于资金的补充通知", doc_number="示自然资规〔2026〕17号"),
        "summary": make_item(tree.county_b, "年度公开", summary="部门预算"),
    }


def exact(query: str) -> set[str]:
    found = indexing.exact_sql(query)
    assert found is not None
    where, params = found
    return set(Item.objects.extra(where=[where], params=params).values_list("title", flat=True))


def test_the_exact_test_finds_a_title_a_doc_number_or_an_index_number_equal_to_the_query(
    entries: dict[str, Item],
) -> None:
    assert exact("部门预算") == {"部门预算"}  # not the longer title, not the summary
    assert exact("部门 预算") == {"部门预算"}  # the words together, as the ranking's top tier reads them
    assert exact("示自然资规[2026]7号") == {"关于资金的通知"}  # any punctuation, numbers whole
    assert exact("示自然资规〔2026〕17号") == {"关于资金的补充通知"}
    index_number = entries["longer title"].index_number
    assert index_number
    assert exact(index_number.lower()) == {"甲县部门预算公开"}
    assert exact("预算") == set()
    assert indexing.exact_sql("〔〕") is None  # nothing searchable


def test_the_migration_indexes_the_expression_the_query_uses() -> None:
    migration = importlib.import_module("gongkai.catalogue.migrations.0016_search_head_keys")
    assert migration.HEAD_KEYS_SQL == indexing.HEAD_KEYS_SQL


def test_postgresql_finds_the_exact_entries_through_the_index(entries: dict[str, Item]) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the index is PostgreSQL's (SQLite reads search_head with LIKE)")
    where, params = indexing.exact_sql("部门预算") or ("", [])
    query = Item.objects.extra(where=[where], params=params).values_list("pk").query
    sql, sql_params = query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a handful of rows: any plan would do otherwise
        cursor.execute("EXPLAIN " + sql, sql_params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        transaction.set_rollback(True)
    assert INDEX in plan, plan


# --- The exact query keeps to the search's scope --------------------------------------------------

CAP = 3
DECOYS = CAP + 1  # more exact decoys than the exact query takes
QUERY = "部门预算"


def _ids(html: str, code: str) -> list[int]:
    return [int(pk) for pk in re.findall(rf'<a href="/gk/{code}/items/(\d+)/">', html)]


def _api(client: Client, params: dict[str, str]) -> list[int]:
    response = client.get("/gk/api/items/", params)
    assert response.status_code == 200, response.content.decode()
    return [row["id"] for row in json.loads(response.content)["results"]]


def test_the_exact_entries_are_the_agencys_own_published_ones_newest_first(
    tree: Tree, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """More entries province-wide have the exact title than the exact query takes (other agencies', drafts,
    withdrawn), written first so that an unordered read of the whole table returns them; the agency's own
    exact entry, older than its window, is still listed first, on the column, the site-wide search inside
    the agency and the API (SQLite, and PostgreSQL through the head keys' index)."""
    monkeypatch.setattr(indexing, "SEARCH_WINDOW", CAP)
    other = [
        make_item(tree.county_b, QUERY, published_on=datetime.date(2026, 1, n + 1)) for n in range(DECOYS)
    ]
    for n in range(DECOYS):
        make_item(tree.county_a, QUERY, status=Status.DRAFT)
        make_item(tree.county_a, QUERY, status=Status.WITHDRAWN, published_on=datetime.date(2026, 2, n + 1))
    for n in range(CAP + 1):  # the agency's window: newer matches, none exact
        make_item(tree.county_a, f"甲县{QUERY}公开第{n}号", published_on=datetime.date(2025, 12, n + 1))
    own = make_item(tree.county_a, QUERY, published_on=datetime.date(2019, 3, 1))
    page = client.get("/gk/county-a/catalogue/", {"q": QUERY}).content.decode()
    assert f"找到超过 {CAP} 条结果" in page
    assert _ids(page, "county-a")[0] == own.pk
    site = client.get("/gk/search/", {"q": QUERY, "agency": "county-a"}).content.decode()
    assert _ids(site, "county-a")[0] == own.pk
    assert _api(client, {"q": QUERY, "agency": "county-a"})[0] == own.pk
    # Site-wide, the newest CAP exact published entries, newest first (then by id), the same at each run.
    results = indexing.SearchResults(
        indexing.search(published_items(), QUERY), QUERY, scope=published_items()
    )
    newest = [item.pk for item in reversed(other)][:CAP]  # written one day after another
    assert results.capped and results.ids[:CAP] == newest
    assert _api(client, {"q": QUERY})[:CAP] == newest


def test_the_exact_entries_keep_to_the_searchs_other_filters(
    tree: Tree, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same agency's newer exact entries of another year do not take the places of the year's one."""
    monkeypatch.setattr(indexing, "SEARCH_WINDOW", CAP)
    agency = tree.county_a_finance
    for n in range(DECOYS):
        make_item(agency, QUERY, published_on=datetime.date(2025, 1, n + 1))
    for n in range(CAP + 1):
        make_item(agency, f"财政局{QUERY}说明第{n}号", published_on=datetime.date(2019, 6, n + 1))
    own = make_item(agency, QUERY, published_on=datetime.date(2019, 3, 1))
    page = client.get(f"/gk/{agency.short_code}/catalogue/", {"q": QUERY, "year": "2019"}).content.decode()
    assert f"找到超过 {CAP} 条结果" in page
    assert _ids(page, agency.short_code)[0] == own.pk
    assert _api(client, {"q": QUERY, "agency": agency.short_code, "year": "2019"})[0] == own.pk


def test_postgresql_reads_the_scoped_exact_entries_through_the_head_keys_index(tree: Tree) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the index is PostgreSQL's (SQLite reads search_head with LIKE)")
    make_item(tree.county_a, QUERY)
    scope = published_in(tree.county_a)
    results = indexing.SearchResults(indexing.search(scope, QUERY), QUERY, scope=scope)
    where, params = indexing.exact_sql(QUERY) or ("", [])
    with CaptureQueriesContext(connection) as queries:
        assert results._exact_ids(where, params)
    sql = str(queries.captured_queries[-1]["sql"])
    assert "OFFSET 0" in sql  # the scope's conditions apart from the exact one's index
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        transaction.set_rollback(True)
    assert INDEX in plan and "agency_search_gin" not in plan, plan
