"""A request's first query through libpq (gongkai.core.prepared): the row a cursor would give, prepared once
per connection under a name of its own, prepared again when the server lost it, errors raised as a cursor
raises them; and the page cache's hit using it unless prepared statements are off."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from psycopg.adapt import PyFormat, Transformer

from gongkai.core import pagecache, prepared
from gongkai.core.models import PageVersion
from tests.catalogue.public_factories import make_item as published_entry
from tests.conftest import Tree

pytestmark = [
    # Outside a test's transaction: the statements run as a request's do (autocommit).
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="libpq's prepared statements"),
]

#: A statement with every kind of value the page cache reads (an integer, a timestamp, text, bytes, NULL).
SQL = (
    "SELECT CAST(%s AS bigint) + 1, CAST(%s AS timestamptz), CAST(%s AS text), "
    "CAST(%s AS bytea), CAST(NULL AS text) WHERE %s"
)
WHEN = datetime.datetime(2026, 12, 7, 8, 30, 15, 123456, tzinfo=datetime.UTC)


@pytest.fixture
def raw() -> Iterator[Any]:
    connection.ensure_connection()
    yield connection.connection
    connection.close()


def _ours(raw: Any) -> list[str]:
    with raw.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements WHERE name LIKE 'gongkai_%%' ORDER BY name")
        return [row[0] for row in cursor.fetchall()]


def _params(found: bool = True) -> list[Any]:
    return [41, WHEN, "政府信息公开", b"\x00\xffbody", found]


def test_numbered_placeholders() -> None:
    assert prepared.numbered("SELECT %s, %s FROM t WHERE a = %s") == "SELECT $1, $2 FROM t WHERE a = $3"
    assert prepared.numbered("SELECT 1") == "SELECT 1"
    # Django's escaped percent sign, as a cursor reads it (not a placeholder, even before an "s").
    assert prepared.numbered("SELECT '%%s', x LIKE 'a%%' FROM t WHERE a = %s") == (
        "SELECT '%s', x LIKE 'a%' FROM t WHERE a = $1"
    )


def test_a_percent_sign_reads_as_a_cursor_reads_it(raw: Any) -> None:
    sql = "SELECT '50%%', CAST(%s AS text) LIKE 'a%%'"
    with psycopg.Cursor(raw) as cursor:
        cursor.execute(sql, ["abc"], binary=True)
        expected = cursor.fetchone()
    assert prepared.fetch_one(raw, sql, ["abc"]) == expected == ("50%", True)


def test_the_row_is_the_one_a_cursor_gives(raw: Any) -> None:
    row = prepared.fetch_one(raw, SQL, _params())
    with psycopg.Cursor(raw) as cursor:  # psycopg's own (server-side binding), in binary as the hit reads
        cursor.execute(SQL, _params(), binary=True)
        expected = cursor.fetchone()
    assert row == expected == (42, WHEN, "政府信息公开", b"\x00\xffbody", None)
    assert isinstance(row[0], int) and row[1].tzinfo is not None
    assert prepared.fetch_one(raw, SQL, _params(found=False)) is None


def test_prepared_once_per_connection_and_again_when_the_server_lost_it(raw: Any) -> None:
    assert _ours(raw) == []
    for _ in range(3):
        assert prepared.fetch_one(raw, SQL, _params()) is not None
    names = _ours(raw)
    assert names == [prepared.statement_name(SQL, _types(raw, _params())).decode()]
    # Another statement: another name; psycopg's own prepared statements are not touched.
    prepared.fetch_one(raw, "SELECT %s", [1])
    assert len(_ours(raw)) == 2
    # DEALLOCATE ALL (or a pooler's other server): the statement is prepared again, the row still read.
    with raw.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    assert _ours(raw) == []
    assert prepared.fetch_one(raw, SQL, _params()) == (42, WHEN, "政府信息公开", b"\x00\xffbody", None)
    assert _ours(raw) == names


def test_an_error_is_the_one_a_cursor_raises_and_the_connection_lives_on(raw: Any) -> None:
    with pytest.raises(psycopg.errors.UndefinedTable, match="no_such_table") as raised:
        prepared.fetch_one(raw, "SELECT x FROM no_such_table WHERE x = %s", [1])
    assert raised.value.sqlstate == "42P01"
    with pytest.raises(psycopg.errors.DivisionByZero, match="division by zero"):
        prepared.fetch_one(raw, "SELECT 1 / (CAST(%s AS int) - 1)", [1])
    assert prepared.fetch_one(raw, "SELECT CAST(%s AS int) * 2", [21]) == (42,)


@pytest.fixture
def _no_pages() -> Iterator[None]:
    caches["pages"].clear()
    yield
    caches["pages"].clear()


def _column_page(tree: Tree, title: str) -> tuple[Client, str, bytes]:
    """A client, a column's home naming a new entry ``title``, and that page as made (and stored)."""
    agency = tree.county_a_finance
    published_entry(agency, title)
    url = f"/gk/{agency.short_code}/"
    client = Client()
    return client, url, client.get(url).content


@pytest.mark.usefixtures("_no_pages")
def test_a_hit_reads_its_page_through_the_prepared_statement_unless_they_are_off(tree: Tree) -> None:
    client, url, made = _column_page(tree, "预备语句条目")
    db: Any = connection  # the stubs do not know the health-check flags
    assert db.health_check_enabled
    db.health_check_done = False  # a new request (the test client skips Django's request signals)
    hit = client.get(url)
    assert hit.content == made and "预备语句条目" in hit.content.decode()
    sql = pagecache._STORED_SQL["postgresql"]
    types = _types(db.connection, ["a page's key", PageVersion.SINGLETON])  # (text, integer)
    assert _ours(db.connection) == [prepared.statement_name(sql, types).decode()]
    # Prepared statements off (a pooler that cannot keep them: GONGKAI_PAGE_CACHE_PREPARED=false): the same
    # page, on the same connection (not after a failure and a new one), nothing prepared.
    db.close()
    db.ensure_connection()
    db.connection.prepare_threshold = None
    pid = db.connection.info.backend_pid
    db.health_check_done = False
    again = client.get(url)
    assert again.content == made and _ours(db.connection) == []
    assert db.health_check_done and db.connection.info.backend_pid == pid


def _forgetful(pgconn: Any, name: bytes, command: bytes, types: tuple[int, ...]) -> Any:
    """``PQprepare`` behind a pooler that cannot keep prepared statements: the statement is gone (on "another
    server") before it is run."""
    result = pgconn.prepare(name, command, types)
    pgconn.exec_(b"DEALLOCATE " + name)
    return result


@pytest.mark.usefixtures("_no_pages")
def test_a_statement_lost_again_after_preparing_falls_back_to_django_on_a_new_connection(
    tree: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    client, url, made = _column_page(tree, "连接池条目")
    db: Any = connection
    monkeypatch.setattr(prepared, "_prepare", _forgetful)
    with pytest.raises(psycopg.errors.InvalidSqlStatementName):
        prepared.fetch_one(db.connection, "SELECT CAST(%s AS int)", [1])
    pid = db.connection.info.backend_pid
    db.health_check_done = False
    hit = client.get(url)
    assert hit.status_code == 200 and hit.content == made
    assert db.connection.info.backend_pid != pid  # closed, and the page read through Django anew


def _types(raw: Any, params: list[Any]) -> tuple[int, ...]:
    transformer = Transformer(raw)
    transformer.dump_sequence(params, [PyFormat.AUTO] * len(params))
    return tuple(transformer.types or ())
