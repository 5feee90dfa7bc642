"""The session engine (gongkai.accounts.session_store): Django's database sessions, the row read with one
statement that is also the connection's health check. What a session holds and when it is over is Django's."""

from __future__ import annotations

import datetime
from typing import Any

import psycopg
import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gongkai.accounts.session_store import SessionStore
from tests.accounts.conftest import log_in


def test_the_site_runs_on_this_engine() -> None:
    assert settings.SESSION_ENGINE == "gongkai.accounts.session_store"


def test_a_session_is_read_back_and_an_expired_or_unknown_one_is_not(db: None) -> None:
    store = SessionStore()
    store["answer"] = 42
    store.save()
    key = store.session_key
    assert key is not None
    assert SessionStore(key).load() == {"answer": 42}
    assert SessionStore(key)["answer"] == 42
    unknown = SessionStore("x" * 32)
    assert unknown.load() == {} and unknown.session_key is None  # forgotten: a new one would be made
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    expired = SessionStore(key)
    assert expired.load() == {} and expired.session_key is None


def test_signed_in_pages_read_the_session_and_log_out_when_it_expired(officer: User) -> None:
    client = Client()
    log_in(client, "xinxiyuan")
    assert client.get("/workbench/").status_code == 200
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get("/workbench/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the health check of a persistent PostgreSQL connection"
)
def test_the_session_read_is_the_health_check_and_survives_a_dropped_connection(
    officer: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Production connections are checked before reuse (``CONN_HEALTH_CHECKS``): Django would send
    ``SELECT 1`` first in every request. The session's read is the check; when the server dropped the
    connection, the signed-in page is still served (the connection is closed and opened again)."""
    client = Client()
    log_in(client, "xinxiyuan")
    assert client.get("/workbench/").status_code == 200
    checks: list[bool] = []
    db: Any = connection  # the stubs do not know the health-check flags
    is_usable = db.is_usable

    def counted() -> bool:
        checks.append(True)
        return is_usable()

    monkeypatch.setattr(db, "is_usable", counted)
    assert db.health_check_enabled and db.connection is not None
    db.health_check_done = False  # a new request (the test client skips Django's request signals)
    with CaptureQueriesContext(connection) as queries:
        again = client.get("/workbench/")
    assert again.status_code == 200 and checks == []
    # The session's row went past Django's query hooks; the user's row came after it, unchecked.
    assert not any('FROM "django_session"' in q["sql"] for q in queries.captured_queries)
    assert any('FROM "auth_user"' in q["sql"] for q in queries.captured_queries)
    pid = db.connection.info.backend_pid
    params = db.get_connection_params()
    address = {k: params[k] for k in ("dbname", "user", "host", "port", "password") if params.get(k)}
    with psycopg.connect(**address, autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
    db.health_check_done = False
    after = client.get("/workbench/")
    assert after.status_code == 200
    assert db.connection.info.backend_pid != pid
