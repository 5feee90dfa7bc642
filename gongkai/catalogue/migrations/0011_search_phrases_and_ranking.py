"""Search that finds the thing (issue 15): the stored search text takes its spaced form (punctuation and
the change between Chinese and digits become one space, so 文号 and numbers match as phrases) and the new
``search_head`` (title, 文号, 索引号, summary, keywords apart) ranks the matches. Every entry is indexed
again, in batches (``indexing.rebuild_all``; on PostgreSQL its ``tsvector`` too)."""

from typing import Any

from django.db import migrations, models


def rebuild(apps: Any, schema_editor: Any) -> None:
    from gongkai.catalogue.indexing import rebuild_all

    rebuild_all(apps.get_model("catalogue", "Item"), apps.get_model("catalogue", "Attachment"))


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0010_sensitive_word_correction_sealed_originals"),
    ]

    operations = [
        migrations.AddField(
            model_name="item",
            name="search_head",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(rebuild, migrations.RunPython.noop, elidable=True),
    ]
