"""The page cache's own table (core.StoredPage, gongkai.core.pagestore), in place of Django's database cache
table "gongkai_page_cache": a page's bytes as they are sent, uncompressed on PostgreSQL."""

from django.db import migrations, models


def store_uncompressed(apps, schema_editor):  # type: ignore[no-untyped-def]
    # PostgreSQL compresses a large value (TOAST) and decompresses it at every read: a page is read far more
    # often than written, so its body is kept out of line, uncompressed (EXTERNAL).
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE core_storedpage ALTER COLUMN body SET STORAGE EXTERNAL")


def drop_old_page_cache_table(apps, schema_editor):  # type: ignore[no-untyped-def]
    # The pages Django's database cache held (0008): never read again (settings.CACHES["pages"] is now
    # core.StoredPage's backend); a cache, so nothing is lost.
    schema_editor.execute("DROP TABLE IF EXISTS gongkai_page_cache")


def recreate_old_page_cache_table(apps, schema_editor):  # type: ignore[no-untyped-def]
    schema_editor.execute(
        "CREATE TABLE IF NOT EXISTS gongkai_page_cache (cache_key varchar(255) NOT NULL PRIMARY KEY, "
        "value text NOT NULL, expires timestamp with time zone NOT NULL)"
        if schema_editor.connection.vendor == "postgresql"
        else "CREATE TABLE IF NOT EXISTS gongkai_page_cache (cache_key varchar(255) NOT NULL PRIMARY KEY, "
        "value text NOT NULL, expires datetime NOT NULL)"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0009_stored_files_in_pieces"),
    ]

    operations = [
        migrations.CreateModel(
            name="StoredPage",
            fields=[
                ("key", models.CharField(max_length=255, primary_key=True, serialize=False)),
                ("version", models.BigIntegerField(default=-1)),
                ("status", models.PositiveSmallIntegerField(default=0)),
                ("headers", models.TextField(default="[]")),
                ("etag", models.CharField(blank=True, default="", max_length=80)),
                ("body", models.BinaryField()),
                ("expires", models.DateTimeField(db_index=True)),
            ],
            options={
                "verbose_name": "缓存的公开页面",
                "verbose_name_plural": "缓存的公开页面",
            },
        ),
        migrations.RunPython(store_uncompressed, migrations.RunPython.noop),
        migrations.RunPython(drop_old_page_cache_table, recreate_old_page_cache_table),
    ]
