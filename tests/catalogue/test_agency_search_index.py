"""A search inside one agency's column reads only that agency's matches (issue 16): on PostgreSQL through the
GIN index on ``(agency_id, search_vector)`` of the published entries (migration 0013, ``btree_gin``), which
serves the agency's condition only when it compares ``bigint`` with ``bigint`` (``public_filters.of_agency``);
SQLite has no such index and finds the same entries (run this module with a ``postgres://`` DATABASE_URL to
cover the index)."""

from __future__ import annotations

import re

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from gongkai.catalogue import indexing, selectors
from gongkai.catalogue.models import Item, Status
from gongkai.catalogue.public_filters import published_in, published_items
from tests.catalogue.public_factories import make_item
from tests.conftest import Tree

pytestmark = pytest.mark.django_db

INDEX = "catalogue_item_agency_search_gin"


@pytest.fixture
def entries(tree: Tree) -> list[Item]:
    return [
        make_item(tree.county_a, "甲县2025年部门预算"),
        make_item(tree.county_a, "甲县2024年部门预算"),
        make_item(tree.county_a, "甲县防汛应急预案"),
        make_item(tree.county_a, "甲县2026年部门预算（草稿）", status=Status.DRAFT),
        make_item(tree.county_b, "乙县2025年部门预算"),
    ]


def candidate_sql(tree: Tree, query: str) -> str:
    """The SQL of the search's candidates inside ``county_a`` (the query the column runs)."""
    results = selectors.public_search(indexing.search(published_in(tree.county_a), query), query)
    with CaptureQueriesContext(connection) as queries:
        assert len(results) == 2
    return str(queries.captured_queries[-1]["sql"])


def test_a_search_inside_one_agency_finds_its_published_matches_only(tree: Tree, entries: list[Item]) -> None:
    found = set(indexing.search(published_in(tree.county_a), "预算").values_list("title", flat=True))
    assert found == {"甲县2025年部门预算", "甲县2024年部门预算"}
    # The same entries as the plain agency condition (the typed one changes the plan, not the result).
    plain = indexing.search(published_items().filter(agency=tree.county_a), "预算")
    assert found == set(plain.values_list("title", flat=True))
    html = Client().get(f"/gk/{tree.county_a.short_code}/catalogue/?q=预算").content.decode()
    text = re.sub(r"<[^>]+>", "", html)  # the matched words are marked
    assert "甲县2025年部门预算" in text and "甲县2024年部门预算" in text
    assert "乙县2025年部门预算" not in text and "甲县2026年部门预算（草稿）" not in text


def test_the_agency_is_compared_as_a_bigint(tree: Tree, entries: list[Item]) -> None:
    sql = candidate_sql(tree, "预算").lower()
    assert "::bigint" in sql or "as bigint" in sql, sql


def test_postgresql_reads_the_agencys_matches_from_the_agency_index(tree: Tree, entries: list[Item]) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the index is PostgreSQL's (SQLite searches the stored text)")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [INDEX])
        (definition,) = cursor.fetchone()
    assert "USING gin (agency_id, search_vector)" in definition
    assert "WHERE ((status)::text = 'published'::text)" in definition
    sql = candidate_sql(tree, "预算")
    # A handful of rows are cheaper read through any index: the others are set aside (rolled back) to see
    # what this one serves.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'catalogue_item' AND indexname <> %s "
            "AND indexdef NOT LIKE 'CREATE UNIQUE%%'",
            [INDEX],
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        transaction.set_rollback(True)
    assert INDEX in plan, plan
    scan = next(line for line in plan.splitlines() if INDEX in line)
    condition = plan.splitlines()[plan.splitlines().index(scan) + 1]
    assert "Bitmap Index Scan" in scan, plan
    # Both conditions in the index: the agency's matches, not every match of the catalogue.
    assert "agency_id = " in condition and "search_vector @@" in condition, plan


def test_sqlite_has_no_agency_index(entries: list[Item]) -> None:
    if connection.vendor == "postgresql":
        pytest.skip("SQLite only")
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND name = %s", [INDEX])
        assert cursor.fetchall() == []
