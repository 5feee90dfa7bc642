"""A search ranks its newest ``indexing.SEARCH_WINDOW`` matches; the entries whose title, 文号 or 索引号
equals the query are found apart (``indexing.exact_sql``), so that they come first however old. The test of
"equals" is the top tier of the ranking, on SQLite (``LIKE`` on ``search_head``) and PostgreSQL (an array
of the head's fields with a GIN index, migration 0016): run this module with a ``postgres://``
DATABASE_URL to cover the index. ``test_review_fixes_public.py`` covers the pages and the API."""

from __future__ import annotations

import importlib

import pytest
from django.db import connection, transaction

from gongkai.catalogue import indexing
from gongkai.catalogue.models import Item
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
