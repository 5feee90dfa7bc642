"""The database cache table (settings.CACHES), so that every process shares one cache."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):  # type: ignore[no-untyped-def]
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


def drop_cache_table(apps, schema_editor):  # type: ignore[no-untyped-def]
    schema_editor.execute("DROP TABLE IF EXISTS gongkai_cache")


class Migration(migrations.Migration):
    dependencies = [("core", "0002_number_series_rate_event")]

    operations = [migrations.RunPython(create_cache_table, drop_cache_table)]
