"""On PostgreSQL, a search inside one agency's column reads only that agency's matches (issue 16): a GIN index
on ``(agency_id, search_vector)`` of the published entries (``btree_gin`` puts the agency's id in a GIN
index), so that the bitmap of a one- or two-character search holds the agency's matching entries, not every
entry of the agency (whose rows were each read and checked) nor every match of the whole catalogue.

Built ``CONCURRENTLY`` (the migration is not atomic): entries can be written while it is built (a few
minutes at 1,000,000 entries). Nothing on SQLite, where search reads the stored text.
"""

from typing import Any

from django.db import migrations

INDEX = "catalogue_item_agency_search_gin"


def add_extension(apps: Any, schema_editor: Any) -> None:
    # Not ``BtreeGinExtension()``: Django's operation asks ``pg_extension`` when migrating backwards whatever
    # the database, which fails on SQLite. Backwards the extension stays (harmless; others may use it).
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")


def add_index(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        # An index left invalid by an interrupted build is built again.
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY {INDEX} ON catalogue_item USING gin (agency_id, search_vector) "
            "WHERE status = 'published'"
        )


def drop_index(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("catalogue", "0012_public_column_areas_topics_withdrawn_on"),
    ]

    operations = [
        migrations.RunPython(add_extension, migrations.RunPython.noop),
        migrations.RunPython(add_index, drop_index),
    ]
