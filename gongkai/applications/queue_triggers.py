"""The database triggers that keep the officer queue's version (D52), made once and checked after every
``migrate``.

Every write of a table the queue's cached part is made from increments ``QueueVersion`` in the writing
transaction, so the new version and the new data become visible together.

* **PostgreSQL**: a *deferred* constraint trigger per row (``DEFERRABLE INITIALLY DEFERRED``) fires at
  ``COMMIT``, and only its first firing in a transaction increments the version (a transaction-local
  setting remembers it). The version's row is therefore locked at the very end of a transaction, after
  every lock the transaction's statements took (the audit chain's head, the cases it locked): two
  transactions never wait for each other through it — one taken at the first write would have been held
  through the whole transaction, in whatever order against the audit chain's lock. ``TRUNCATE`` (no row
  triggers) increments it at once, with a statement trigger.
* **SQLite** (one writer at a time, so no lock order to keep): a row trigger per kind of write.

SQLite drops a table's triggers when a migration rebuilds the table (its way of altering a column), so
:func:`ensure` runs after every ``migrate`` (``post_migrate``) and makes any that is missing again;
:func:`missing` says which are.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db import connections

from gongkai.applications.models import QueueVersion

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
FUNCTION_NOW = "applications_queue_version_bump_now"
#: The transaction-local setting that says this transaction has incremented the version already.
FLAG = "gongkai.queue_version_bumped"
#: A transaction that sets this (``set_config(EACH, 'on', true)``) and makes the triggers immediate
#: (``SET CONSTRAINTS … IMMEDIATE``) has the version incremented at each write, as if each were committed:
#: the tests, whose transactions are rolled back, never committed.
EACH = "gongkai.queue_version_each_write"
SQLITE_EVENTS = ("insert", "update", "delete")


def trigger_names(table: str, vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [f"{table}_queue_version", f"{table}_queue_version_truncate"]
    return [f"{table}_queue_version_{event}" for event in SQLITE_EVENTS]


def deferred_names(get_model: Any) -> list[str]:
    """The PostgreSQL constraint triggers (for ``SET CONSTRAINTS``)."""
    return [trigger_names(table, "postgresql")[0] for table in _tables(get_model)]


def _tables(get_model: Any) -> list[str]:
    return [get_model(app, model)._meta.db_table for app, model in WATCHED]


def _existing(connection: Any) -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        return {name for (name,) in cursor.fetchall()}


def missing(connection: Any, get_model: Any) -> list[str]:
    """The names of the queue's triggers that ``connection``'s database lacks."""
    existing = _existing(connection)
    return [
        name
        for table in _tables(get_model)
        for name in trigger_names(table, connection.vendor)
        if name not in existing
    ]


def install(connection: Any, get_model: Any, version_table: str) -> list[str]:
    """Make the functions (PostgreSQL) and every missing trigger; returns the names made."""
    quote = connection.ops.quote_name
    bump = f"UPDATE {quote(version_table)} SET version = version + 1 WHERE id = 1"
    existing = _existing(connection)
    made: list[str] = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                f"IF current_setting('{FLAG}', true) IS DISTINCT FROM 'on' "
                f"OR current_setting('{EACH}', true) = 'on' THEN {bump}; "
                f"PERFORM set_config('{FLAG}', 'on', true); END IF; RETURN NULL; END $$"
            )
            cursor.execute(
                f"CREATE OR REPLACE FUNCTION {FUNCTION_NOW}() RETURNS trigger LANGUAGE plpgsql AS $$ "
                f"BEGIN {bump}; RETURN NULL; END $$"
            )
            for table in _tables(get_model):
                deferred, truncate = trigger_names(table, "postgresql")
                if deferred not in existing:
                    cursor.execute(
                        f"CREATE CONSTRAINT TRIGGER {quote(deferred)} AFTER INSERT OR UPDATE OR DELETE "
                        f"ON {quote(table)} DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
                        f"EXECUTE FUNCTION {FUNCTION}()"
                    )
                    made.append(deferred)
                if truncate not in existing:
                    cursor.execute(
                        f"CREATE TRIGGER {quote(truncate)} AFTER TRUNCATE ON {quote(table)} "
                        f"FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION_NOW}()"
                    )
                    made.append(truncate)
            return made
        for table in _tables(get_model):
            for event, name in zip(SQLITE_EVENTS, trigger_names(table, "sqlite"), strict=True):
                if name not in existing:
                    cursor.execute(
                        f"CREATE TRIGGER {quote(name)} AFTER {event.upper()} ON {quote(table)} "
                        f"FOR EACH ROW BEGIN {bump}; END"
                    )
                    made.append(name)
    return made


def uninstall(connection: Any, get_model: Any) -> None:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in _tables(get_model):
            for name in trigger_names(table, connection.vendor):
                if connection.vendor == "postgresql":
                    cursor.execute(f"DROP TRIGGER IF EXISTS {quote(name)} ON {quote(table)}")
                else:
                    cursor.execute(f"DROP TRIGGER IF EXISTS {quote(name)}")
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")
            cursor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION_NOW}()")


def ensure(using: str = "default", **kwargs: Any) -> list[str]:
    """After ``migrate`` (``post_migrate``): the triggers a rebuilt table lost, made again. Nothing before
    the migration that makes them has run (the version's table is not there yet)."""
    connection = connections[using]
    version_table = QueueVersion._meta.db_table
    if version_table not in connection.introspection.table_names():
        return []
    # Nothing to do, the usual case (every test's flush sends post_migrate too): one catalogue query.
    if not missing(connection, apps.get_model):
        return []
    return install(connection, apps.get_model, version_table)
