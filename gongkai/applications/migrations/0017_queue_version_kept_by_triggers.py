"""The officer queue's version (``QueueVersion``, D52): one row, and the triggers that increment it in
the transaction of every write of a table the queue reads (``gongkai.applications.queue_triggers``: the
same triggers are checked, and made again where missing, after every ``migrate``)."""

from typing import Any

from django.db import migrations, models

from gongkai.applications import queue_triggers


def create(apps: Any, schema_editor: Any) -> None:
    version = apps.get_model("applications", "QueueVersion")._meta.db_table
    quote = schema_editor.connection.ops.quote_name
    # The row the triggers increment; a missing row (a flushed database) turns the queue's cache off.
    schema_editor.execute(f"INSERT INTO {quote(version)} (id, version) VALUES (1, 0)")
    queue_triggers.install(schema_editor.connection, apps.get_model, version)


def drop(apps: Any, schema_editor: Any) -> None:
    queue_triggers.uninstall(schema_editor.connection, apps.get_model)


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0005_agency_report_column_url"),
        ("workdays", "0001_calendar_year_day"),
        ("applications", "0016_statistics_read_from_covering_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="QueueVersion",
            fields=[
                ("id", models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False)),
                ("version", models.BigIntegerField(default=0)),
            ],
            options={
                "verbose_name": "案件列表版本",
                "verbose_name_plural": "案件列表版本",
            },
        ),
        migrations.RunPython(create, drop),
    ]
