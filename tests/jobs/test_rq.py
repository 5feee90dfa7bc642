"""The same jobs on the RQ/Redis backend (django-tasks-rq), for very large sites: the job code does not
change; only the settings do. Needs the Redis server at 127.0.0.1:6379 (database 15, emptied first)."""

from __future__ import annotations

from typing import Any

import pytest
from django_tasks import task_backends

from gongkai.jobs import services
from gongkai.jobs.models import Job, JobStatus

pytestmark = pytest.mark.processes

REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def rq_backend(settings: Any) -> Any:
    import redis

    connection = redis.Redis.from_url(REDIS_URL)
    try:
        connection.ping()
    except redis.exceptions.ConnectionError:  # pragma: no cover - Redis is part of the test machine
        pytest.fail("Redis at 127.0.0.1:6379 is needed for the RQ backend test")
    connection.flushdb()
    settings.RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 600}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    # django-tasks drops its backends when TASKS changes (its setting_changed receiver).
    assert type(task_backends["default"]).__name__ == "RQBackend"
    yield connection
    connection.flushdb()


@pytest.mark.django_db(transaction=True)
def test_a_job_runs_unchanged_on_the_rq_backend(rq_backend: Any) -> None:
    import django_rq
    from django_tasks_rq.backend import Job as RQJob
    from rq.worker import SimpleWorker

    job = services.start("jobs.probe", actor=None, params={"steps": 3, "seconds": 0})
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED and job.task_id  # in Redis now, not run
    queue = django_rq.get_queue("default", job_class=RQJob)
    assert queue.count == 1
    SimpleWorker([queue], connection=queue.connection, job_class=RQJob).work(burst=True)
    job = Job.objects.get(pk=job.pk)
    assert job.status == JobStatus.SUCCEEDED
    assert job.result == {"steps": 3, "ran": 3, "skipped": 0, "attempt": 1}
