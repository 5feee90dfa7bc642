"""The officer queue's cache in a table of its own (``gongkai_queue_cache``, D52): its fragments name
applicants, so they are kept apart from the other caches, sealed, and deleted when they expire."""

from typing import Any

from django.core.management import call_command
from django.db import migrations


def create_queue_cache_table(apps: Any, schema_editor: Any) -> None:
    # Every database cache of settings.CACHES that is missing (none when the caches are on Redis).
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


def drop_queue_cache_table(apps: Any, schema_editor: Any) -> None:
    schema_editor.execute("DROP TABLE IF EXISTS gongkai_queue_cache")


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0017_queue_version_kept_by_triggers"),
    ]

    operations = [migrations.RunPython(create_queue_cache_table, drop_queue_cache_table)]
