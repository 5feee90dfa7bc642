"""The officer queue's version (``QueueVersion``, D-NEW-QUEUE16B): one row, and the triggers that increment it
in the transaction of every statement that writes a table the queue reads."""

from typing import Any

from django.db import migrations, models

#: The tables whose rows the queue's cached part is made from (app label, model).
WATCHED = (
    ("applications", "Application"),
    ("applications", "Approval"),
    ("agencies", "Agency"),
    ("agencies", "Membership"),
    ("workdays", "CalendarYear"),
    ("workdays", "CalendarDay"),
)
FUNCTION = "applications_queue_version_bump"


def _names(apps: Any, schema_editor: Any) -> tuple[str, list[str]]:
    quote = schema_editor.connection.ops.quote_name
    version = quote(apps.get_model("applications", "QueueVersion")._meta.db_table)
    return version, [apps.get_model(app, model)._meta.db_table for app, model in WATCHED]


def create(apps: Any, schema_editor: Any) -> None:
    quote = schema_editor.connection.ops.quote_name
    version, tables = _names(apps, schema_editor)
    # The row the triggers increment; a missing row (a flushed database) turns the queue's cache off.
    schema_editor.execute(f"INSERT INTO {version} (id, version) VALUES (1, 0)")
    bump = f"UPDATE {version} SET version = version + 1 WHERE id = 1"
    if schema_editor.connection.vendor == "postgresql":
        # Once per statement (a bulk update of 10,000 cases increments it once), TRUNCATE included.
        schema_editor.execute(
            f"CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN {bump}; RETURN NULL; END $$"
        )
        for table in tables:
            schema_editor.execute(
                f"CREATE TRIGGER {quote(table + '_queue_version')} "
                f"AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {quote(table)} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()"
            )
        return
    # SQLite has only row triggers: one per kind of statement, once per row written.
    for table in tables:
        for event in ("INSERT", "UPDATE", "DELETE"):
            schema_editor.execute(
                f"CREATE TRIGGER {quote(f'{table}_queue_version_{event.lower()}')} "
                f"AFTER {event} ON {quote(table)} FOR EACH ROW BEGIN {bump}; END"
            )


def drop(apps: Any, schema_editor: Any) -> None:
    quote = schema_editor.connection.ops.quote_name
    _version, tables = _names(apps, schema_editor)
    if schema_editor.connection.vendor == "postgresql":
        for table in tables:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {quote(table + '_queue_version')} ON {quote(table)}")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")
        return
    for table in tables:
        for event in ("insert", "update", "delete"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {quote(f'{table}_queue_version_{event}')}")


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
