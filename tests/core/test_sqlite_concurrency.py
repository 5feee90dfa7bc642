"""SQLite as a real embedded default (issue 15): WAL, a busy timeout and ``BEGIN IMMEDIATE`` write
transactions, so that officers publishing at the same moment on a SQLite site all succeed, with
consecutive index numbers, and none gets a 500 ("database is locked").

The publishing runs in a program of its own (``tests/support/sqlite_publishes.py``) on a file database:
the suite's SQLite test database is in memory, where threads cannot write side by side.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

REPO = Path(__file__).resolve().parents[2]
PUBLISHERS = 8


def test_the_sqlite_options_are_the_embedded_defaults() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite options apply to a SQLite database")
    options = settings.DATABASES["default"]["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 20
    assert "PRAGMA journal_mode=WAL" in options["init_command"]


def test_simultaneous_publishes_on_a_file_sqlite_database_all_succeed(tmp_path: Path) -> None:
    database = tmp_path / "site.sqlite3"
    env = {
        key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "GONGKAI_TEST_TODAY")
    }
    env.update(
        DATABASE_URL=f"sqlite:///{database}",
        DJANGO_SETTINGS_MODULE="tests.settings",
        PYTHONPATH=str(REPO),
        LOG_LEVEL="ERROR",
        SECRET_KEY="x",
    )
    result = subprocess.run(
        [sys.executable, str(REPO / "tests" / "support" / "sqlite_publishes.py"), str(PUBLISHERS)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["vendor"] == "sqlite" and outcome["journal_mode"] == "wal"
    assert outcome["errors"] == [], result.stderr[-3000:]
    assert outcome["statuses"] == [302] * PUBLISHERS
    assert "database is locked" not in result.stderr
    # One series: BUSY/<year>-00001 … -0000N, none skipped, none twice (the year is the site's today).
    numbers = outcome["index_numbers"]
    years = {re.fullmatch(r"BUSY/(\d{4})-\d{5}", n).group(1) for n in numbers}  # type: ignore[union-attr]
    assert len(years) == 1
    year = years.pop()
    assert numbers == [f"BUSY/{year}-{n:05d}" for n in range(1, PUBLISHERS + 1)]
