"""The test database of an xdist run: migrated once per run, then copied for each worker.

pytest-django makes each xdist worker create and migrate a test database of its own (``test_<name>_gw0``, …,
or one in memory per worker on SQLite): the same ~50 migrations rendered and run once per worker, every run.
Here the first worker to get the run's lock migrates one database — with Django's own ``create_test_db``,
exactly as pytest-django would (migrations, the cache table) — under the name a run without xdist uses
(``test_<name>``; on SQLite a file in the run's temporary directory), and every worker then gets a copy:

* PostgreSQL: ``CREATE DATABASE test_<name>_gwN TEMPLATE test_<name>`` (Django's ``clone_test_db``, what its
  own parallel test runner does); the controller drops the template when the run ends;
* SQLite: the worker's database stays in memory (as pytest-django makes it), filled from the template file
  with SQLite's backup API (what Django's parallel runner does for its spawned workers).

Each test then sees what it saw before: a freshly migrated, empty database of its worker's own. The
template is made afresh by each run (the lock and the mark that it is done live in the run's temporary
directory), so a run never starts from an earlier run's migrations. Runs without xdist, with ``--reuse-db``
(keepdb), ``--nomigrations`` or tests asking for ``serialized_rollback`` keep pytest-django's own setup.
"""

from __future__ import annotations

import fcntl
import sqlite3
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

#: In the run's temporary directory (the controller's, shared by its workers).
LOCK = "test-database.lock"
DONE = "test-database.done"  # holds the template's name
SQLITE_TEMPLATE = "test-database-template.sqlite3"


def _use(alias: str, name: str) -> None:
    """Point the connection (and the settings the commands the tests run read) at database ``name``."""
    connection = connections[alias]
    connection.close()
    settings.DATABASES[alias]["NAME"] = name
    connection.settings_dict["NAME"] = name


def set_up(shared: Path, worker: str, *, verbosity: int = 0) -> tuple[str, str]:
    """Give this worker its copy of the run's migrated database (migrating it first if no worker has).
    Returns ``(vendor, name)`` of the worker's database, for :func:`tear_down`."""
    alias = DEFAULT_DB_ALIAS
    connection = connections[alias]
    creation: Any = connection.creation  # the backend's, with its private _get_test_db_name
    test_settings = connection.settings_dict.setdefault("TEST", {})
    with (shared / LOCK).open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
        done = shared / DONE
        if connection.vendor == "postgresql":
            # pytest-django has named this worker's database test_<name>_gwN; the template drops the suffix.
            worker_name = test_settings["NAME"]
            template = worker_name.removesuffix(f"_{worker}")
            if not done.exists():
                test_settings["NAME"] = template
                creation.create_test_db(verbosity=verbosity, autoclobber=True, serialize=False)
                done.write_text(template)
            _use(alias, template)
            creation.clone_test_db(suffix=worker, verbosity=verbosity, autoclobber=True)
            test_settings["NAME"] = worker_name
            _use(alias, f"{template}_{worker}")
            connection.ensure_connection()
            return connection.vendor, f"{template}_{worker}"
        if connection.vendor == "sqlite":
            template_file = shared / SQLITE_TEMPLATE
            in_memory = test_settings.get("NAME")
            if not done.exists():
                test_settings["NAME"] = str(template_file)
                creation.create_test_db(verbosity=verbosity, autoclobber=True, serialize=False)
                connection.close()
                test_settings["NAME"] = in_memory
                done.write_text(str(template_file))
            name = creation._get_test_db_name()  # the shared-cache in-memory database, as pytest-django's
            _use(alias, name)
            connection.ensure_connection()  # Django keeps an in-memory database's connection open
            source = sqlite3.connect(template_file)
            try:
                source.backup(connection.connection)
            finally:
                source.close()
            return connection.vendor, name
    # The project runs on SQLite and PostgreSQL only (settings: DATABASE_URL).
    raise RuntimeError(f"no template test database for the {connection.vendor} backend (SQLite, PostgreSQL)")


def tear_down(vendor: str, name: str) -> None:
    """Drop this worker's copy (PostgreSQL; an in-memory SQLite database ends with its process)."""
    if vendor == "postgresql":
        _drop(name)


def drop_template(shared: Path) -> None:
    """In the controller, when the run ends: drop the template the workers were copied from."""
    done = shared / DONE
    if not done.exists():
        return
    if connections[DEFAULT_DB_ALIAS].vendor == "postgresql":
        _drop(done.read_text())
    done.unlink()


def _drop(name: str) -> None:
    connection: Any = connections[DEFAULT_DB_ALIAS]
    connection.close()
    with connection.creation._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(name)}")
