"""Real worker processes (``gongkai worker``) on a database of their own: a worker killed in the middle of a
job, and another that finishes it with every step done once; two workers sharing a queue; and the same job
code on the RQ/Redis backend."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.processes

ROOT = Path(__file__).resolve().parents[2]


def _postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith("postgres") else None


@pytest.fixture
def own_database(
    tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[tuple[str, Callable[[str], list[tuple[Any, ...]]]]]:
    """A migrated database for the subprocesses (the suite's own is not visible to them): a SQLite file (a
    copy of the run's migrated one, tests/support/migrated.py), or a new PostgreSQL database, migrated, when
    the suite runs on PostgreSQL. Yields its URL and a function that queries it."""
    pg = _postgres_url()
    if pg is None:
        path: Path = request.getfixturevalue("migrated_sqlite")
        url = f"sqlite:///{path}"

        def query(sql: str) -> list[tuple[Any, ...]]:
            with sqlite3.connect(path, timeout=30) as conn:
                return conn.execute(sql).fetchall()

        yield url, query
        return
    import psycopg

    name = f"gongkai_worker_{uuid.uuid4().hex[:10]}"
    base, _, _ = pg.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'")
    url = f"{base}/{name}"

    def pg_query(sql: str) -> list[tuple[Any, ...]]:
        with psycopg.connect(url, autocommit=True) as conn:
            return conn.execute(sql).fetchall()

    try:
        _manage(_env(url), "migrate", "-v", "0")
        yield url, pg_query
    finally:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _env(url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GONGKAI_TASKS")}
    env.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="tests.settings",
        SECRET_KEY="worker-test",
        GONGKAI_TASKS_BACKEND="database",
        GONGKAI_JOB_HEARTBEAT_SECONDS="1",
        PYTHONUNBUFFERED="1",
    )
    return env


def _manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _start_jobs(env: dict[str, str], count: int, steps: int, seconds: float) -> None:
    code = (
        "from gongkai.jobs import services\n"
        f"for _ in range({count}):\n"
        f"    services.start('jobs.probe', actor=None, params={{'steps': {steps}, 'seconds': {seconds}}})\n"
    )
    _manage(env, "shell", "-c", code)


def _worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(
            [sys.executable, "manage.py", "worker", "--interval", "0.2"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def _wait(predicate: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_killed_worker_s_job_is_finished_by_the_next_with_each_step_once(
    own_database: Any, tmp_path: Path
) -> None:
    url, query = own_database
    env = _env(url)
    _start_jobs(env, 1, steps=8, seconds=0.5)
    log = tmp_path / "workers.log"
    first = _worker(env, log)
    try:
        _wait(
            lambda: query("SELECT done FROM jobs_job WHERE kind = 'jobs.probe'")[0][0] >= 2,
            90,
            "two steps done",
        )
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        status, done_before = query("SELECT status, done FROM jobs_job WHERE kind = 'jobs.probe'")[0]
        assert status == "running"
        steps_before = query("SELECT COUNT(*) FROM jobs_jobstep")[0][0]
        second = _worker(env, log)
        try:
            _wait(
                lambda: query("SELECT status FROM jobs_job WHERE kind = 'jobs.probe'")[0][0] == "succeeded",
                90,
                "the job to finish",
            )
        finally:
            second.send_signal(signal.SIGTERM)
            assert second.wait(timeout=30) == 0, log.read_text()
    finally:
        if first.poll() is None:
            first.kill()
    attempts, result = query("SELECT attempts, result FROM jobs_job WHERE kind = 'jobs.probe'")[0]
    result = json.loads(result) if isinstance(result, str) else result
    assert attempts == 2
    assert result["skipped"] == steps_before >= 2
    assert result["ran"] + result["skipped"] == 8
    assert query("SELECT COUNT(*) FROM jobs_jobstep")[0][0] == 8
    actions = [row[0] for row in query("SELECT action FROM core_auditevent WHERE action LIKE 'job.%'")]
    assert actions == ["job.requeued"]


def test_two_workers_share_the_queue_and_run_each_job_once(own_database: Any, tmp_path: Path) -> None:
    url, query = own_database
    env = _env(url)
    _start_jobs(env, 6, steps=2, seconds=0.2)
    log = tmp_path / "workers.log"
    workers = [_worker(env, log), _worker(env, log)]
    try:
        _wait(
            lambda: (
                query("SELECT COUNT(*) FROM jobs_job WHERE kind = 'jobs.probe' AND status = 'succeeded'")[0][
                    0
                ]
                == 6
            ),
            120,
            "six jobs",
        )
    finally:
        for w in workers:
            w.send_signal(signal.SIGTERM)
        for w in workers:
            w.wait(timeout=30)
    assert [row[0] for row in query("SELECT attempts FROM jobs_job WHERE kind = 'jobs.probe'")] == [1] * 6
    assert query("SELECT COUNT(*) FROM jobs_jobstep")[0][0] == 12


def test_worker_once_runs_what_is_queued_and_exits(own_database: Any) -> None:
    url, query = own_database
    env = _env(url)
    _start_jobs(env, 2, steps=1, seconds=0)
    out = _manage(env, "worker", "--once")
    assert "已停止" in out
    assert query("SELECT status FROM jobs_job WHERE kind = 'jobs.probe'") == [("succeeded",), ("succeeded",)]
