"""The one task of the task engine (Django's tasks API): run a job. Its argument is the job's id; everything
else is read from the job's row, so a task enqueued twice runs the job once."""

from __future__ import annotations

from django_tasks import task

from gongkai.jobs import runner


@task()
def run_job(job_id: str) -> str:
    return runner.execute(job_id)
