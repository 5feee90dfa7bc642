"""A search that matches more entries than it ranks still lists first the entries whose title, 文号 or 索引号
equals the query (issue 15), however old: on PostgreSQL they are found through a GIN index on those three
fields as stored (``indexing.HEAD_KEYS_SQL``: ``search_head`` up to the summary, cut at its marks), one small
query instead of reading every match. An expression index: no column is added and no row rewritten.

Built ``CONCURRENTLY`` (the migration is not atomic): entries can be written meanwhile. Nothing on SQLite,
where the same test reads ``search_head`` with ``LIKE``.
"""

from typing import Any

from django.db import migrations

INDEX = "catalogue_item_head_keys_gin"
#: ``indexing.HEAD_KEYS_SQL`` when this was written (a test checks they are the same: a query spelled
#: otherwise would not use the index).
HEAD_KEYS_SQL = "string_to_array(split_part(search_head, chr(31) || chr(30), 1), chr(31))"


def add_index(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        # An index left invalid by an interrupted build is built again.
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY {INDEX} ON catalogue_item USING gin (({HEAD_KEYS_SQL}))"
        )


def drop_index(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("catalogue", "0015_column_lists_by_id"),
    ]

    operations = [
        migrations.RunPython(add_index, drop_index),
    ]
