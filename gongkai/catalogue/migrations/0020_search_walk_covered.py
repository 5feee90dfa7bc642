"""The column's search walks an agency's newest entries without reading their rows (issue 16, D66): on
PostgreSQL an index of each short entry's search vector and head in the agency's newest-first order
(``INCLUDE``), so that a walk for a frequent word reads a few hundred consecutive index pages instead of one
random table page per entry (~1,700 for a two-character word: 5–6 ms of the search's ~8 ms of SQL on the
benchmark's machine). An index entry holds at most 2,704 bytes: a long entry's vector (and a long head) is
left out by the condition, and a second index, of the long entries' keys only, lets the walk merge them in
date order from the table. Built ``CONCURRENTLY`` (the migration is not atomic): entries can be written
meanwhile; 24 s and 1.3 GB at 1,000,000 entries of ~130 characters on the benchmark's machine (less where
entries are long: theirs are in the small index). Nothing on SQLite, which searches with ``LIKE``.
"""

from typing import Any

from django.db import migrations

INDEX = "catalogue_item_walk_covered"
LONG_INDEX = "catalogue_item_walk_long"
#: ``indexing.WALK_COVERED_SQL`` when this was written (a test checks they are the same: a query spelled
#: otherwise would not use the indexes).
WALK_COVERED_SQL = 'gongkai_walk_covered("search_vector", "search_head")'
#: Whether the entry's vector and head fit in an index entry with its keys (at most 2,704 bytes). A vector's
#: stored size is its text's, one byte a lexeme and 9 (8 when empty): with 4 bytes a lexeme counted, vector
#: and head are at most 2,409 bytes, the keys and the entry's header at most ~70 more. The lexemes are counted
#: first, which is cheap and settles a long vector alone. ``NULL`` without a vector (the head is never
#: ``NULL``): in neither index, and such an entry matches no word. PL/pgSQL, not inlined, and costed high:
#: PostgreSQL then reads the index whose condition it is rather than test it on each row of another (a
#: vector's text costs microseconds). Evaluated for each index on each write of an entry. Changing it later
#: needs both indexes dropped and built again (``CREATE OR REPLACE`` does not rebuild them).
FUNCTION = """
CREATE OR REPLACE FUNCTION gongkai_walk_covered(vector tsvector, head text) RETURNS boolean
IMMUTABLE STRICT PARALLEL SAFE LANGUAGE plpgsql COST 100000 AS $$
BEGIN
    RETURN length(vector) <= 600
        AND octet_length(vector::text) + 4 * length(vector) + octet_length(head) <= 2400;
END
$$
"""
KEYS = '"agency_id", "status", "published_on" DESC, "id" DESC'


def add_indexes(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION)
        # An index left invalid by an interrupted build is built again.
        for name in (INDEX, LONG_INDEX):
            schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")
        schema_editor.execute(
            f'CREATE INDEX CONCURRENTLY {INDEX} ON catalogue_item ({KEYS}) INCLUDE ("search_vector", "search_head") '
            f"WHERE {WALK_COVERED_SQL}"
        )
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY {LONG_INDEX} ON catalogue_item ({KEYS}) WHERE NOT ({WALK_COVERED_SQL})"
        )


def drop_indexes(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for name in (INDEX, LONG_INDEX):
            schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")
        schema_editor.execute("DROP FUNCTION IF EXISTS gongkai_walk_covered(tsvector, text)")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("catalogue", "0019_search_by_agency_lexemes"),
    ]

    operations = [
        migrations.RunPython(add_indexes, drop_indexes),
    ]
