"""A search inside one agency's column reads only that agency's matches from the index (issue 16): on
PostgreSQL a GIN index on each entry's search tokens prefixed with its agency's id
(``gongkai_agency_lexemes(agency_id, search_vector)``: ``17~开``, ``17~社会``), so that one key's posting
list holds the agency's matches alone. The ``(agency_id, search_vector)`` index intersects two posting lists
instead, the agency's and the token's over every agency (~290,000 entries for a common character at
1,000,000): 2–5 ms of the column search's 4–10 ms (docs/benchmarks.md, "The column's search by agency
key"). An expression index: no column is added and no row rewritten; built ``CONCURRENTLY`` (the migration is
not atomic), entries can be written meanwhile; ~4 minutes and ~900 MB at 1,000,000 entries. Nothing on
SQLite, which searches with ``LIKE``.
"""

from typing import Any

from django.db import migrations

INDEX = "catalogue_item_agency_lexemes_gin"
#: ``indexing.AGENCY_LEXEMES_SQL`` when this was written (a test checks they are the same: a query spelled
#: otherwise would not use the index).
AGENCY_LEXEMES_SQL = 'gongkai_agency_lexemes("agency_id", "search_vector")'
#: Each token of the entry's vector as ``<agency id>~<token>`` (a token is a run of letters, digits or CJK
#: characters: it never holds ``~``), but those of more than 1,000 bytes (``search.MAX_TOKEN_BYTES``: never
#: searched for; with the prefix a token of 2,040 bytes stored before that limit would pass PostgreSQL's 2,047).
#: Immutable: an index may use it.
FUNCTION = """
CREATE OR REPLACE FUNCTION gongkai_agency_lexemes(agency bigint, vector tsvector) RETURNS tsvector
IMMUTABLE STRICT PARALLEL SAFE LANGUAGE sql AS $$
    SELECT array_to_tsvector(ARRAY(
        SELECT agency::text || '~' || lexeme FROM unnest(tsvector_to_array(vector)) AS lexeme
        WHERE octet_length(lexeme) <= 1000
    ))
$$
"""


def add_index(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION)
        # An index left invalid by an interrupted build is built again.
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY {INDEX} ON catalogue_item USING gin (({AGENCY_LEXEMES_SQL}))"
        )


def drop_index(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")
        schema_editor.execute("DROP FUNCTION IF EXISTS gongkai_agency_lexemes(bigint, tsvector)")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("catalogue", "0018_standard_area_medical_and_health_care"),
    ]

    operations = [
        migrations.RunPython(add_index, drop_index),
    ]
