"""The 22 default 主题分类, and on PostgreSQL the GIN index the catalogue search uses."""

from django.db import migrations

from gongkai.catalogue.taxonomy import DEFAULT_CATEGORIES


def add_categories(apps, schema_editor):  # type: ignore[no-untyped-def]
    Category = apps.get_model("catalogue", "Category")
    for order, name in enumerate(DEFAULT_CATEGORIES, start=1):
        Category.objects.get_or_create(name=name, defaults={"order": order})


def add_search_index(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS catalogue_item_search_gin ON catalogue_item USING gin (search_vector)"
        )


def drop_search_index(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS catalogue_item_search_gin")


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0001_catalogue_items_review_log")]

    operations = [
        migrations.RunPython(add_categories, migrations.RunPython.noop),
        migrations.RunPython(add_search_index, drop_search_index),
    ]
