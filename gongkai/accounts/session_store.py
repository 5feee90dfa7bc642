"""Sessions in the database (Django's ``db`` engine), read with one written-out statement that is also the
connection's health check.

Every request of a signed-in user reads its session first. Django's engine reads it through the ORM (a
``SELECT`` built and compiled anew each time, and a model instance made from the row), and before it — on a
persistent connection with health checks (``CONN_HEALTH_CHECKS``, production) — Django sends ``SELECT 1``.
Here the session's row is read with one fixed statement, on the driver's connection as Django's own check
runs, and that read is the check (``core.pagecache.fetch_one_checked``, as a cached public page does it):
one round trip instead of two, a fraction of the Python (issue 16, docs/benchmarks.md). A connection the
server dropped is closed and the read made again through Django, which connects anew. Everything else —
saving, creating, deleting, expiry, the session's data and its signing — is Django's engine unchanged.
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone

from gongkai.core.pagecache import fetch_one_checked


class SessionStore(db.SessionStore):
    def load(self) -> dict[str, Any]:
        data = self._session_data_from_db()
        return self.decode(data) if data is not None else {}

    def _session_data_from_db(self) -> str | None:
        """The data of the session ``session_key`` if it has not expired, as Django's ``load`` reads it
        (``session_key = … AND expire_date > now``); forgets the key otherwise (a new session is made)."""
        key = self.session_key
        if not key:
            self._session_key = None
            return None
        model = self.model
        connection = connections[router.db_for_read(model)]
        q = connection.ops.quote_name
        sql = (
            f"SELECT {q('session_data')} FROM {q(model._meta.db_table)} "  # noqa: S608 - names, not input
            f"WHERE {q('session_key')} = %s AND {q('expire_date')} > %s"
        )
        row = fetch_one_checked(
            connection, sql, [key, connection.ops.adapt_datetimefield_value(timezone.now())]
        )
        if row is None:
            self._session_key = None
            return None
        return str(row[0])
