"""Browser tests: the live server's request threads may keep an idle PostgreSQL connection until the
process exits (Chromium holds its keep-alive connection open), which would make dropping the test
database at the end of the session fail with "being accessed by other users". End such connections
first: this session fixture is set up after the test database, so it is torn down before it.

``browser``: Debian's Chromium, headless, launched by Playwright for one test (tests/browser/chromium.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from playwright.sync_api import Browser, sync_playwright

from tests.browser.chromium import ARGS, CHROMIUM


@pytest.fixture(scope="session", autouse=True)
def _end_live_server_connections(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    yield
    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> Iterator[Browser]:
    # Playwright's sync API runs an event loop in this thread; the live server thread does the DB work.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield launched
        finally:
            launched.close()
