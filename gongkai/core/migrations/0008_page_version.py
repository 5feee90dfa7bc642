"""The version of the public pages (core.pagecache) and the page cache's own database table."""

import django.utils.timezone
from django.core.management import call_command
from django.db import migrations, models


def first_version(apps, schema_editor):  # type: ignore[no-untyped-def]
    PageVersion = apps.get_model("core", "PageVersion")
    PageVersion.objects.using(schema_editor.connection.alias).get_or_create(pk=1)


def create_page_cache_table(apps, schema_editor):  # type: ignore[no-untyped-def]
    # Every database cache of settings.CACHES (the page cache's "gongkai_page_cache" among them); none when
    # the caches are on Redis (GONGKAI_CACHE_URL).
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


def drop_page_cache_table(apps, schema_editor):  # type: ignore[no-untyped-def]
    schema_editor.execute("DROP TABLE IF EXISTS gongkai_page_cache")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0007_stored_file"),
    ]

    operations = [
        migrations.CreateModel(
            name="PageVersion",
            fields=[
                ("id", models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False)),
                ("version", models.BigIntegerField(default=0)),
                ("changed_at", models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                "verbose_name": "公开页面版本",
                "verbose_name_plural": "公开页面版本",
            },
        ),
        migrations.RunPython(first_version, migrations.RunPython.noop),
        migrations.RunPython(create_page_cache_table, drop_page_cache_table),
    ]
