"""Starting, cancelling and retrying jobs, and recovering the jobs of a worker that died.

``start`` writes the job (and stores its input files) in the caller's transaction and hands it to the task
engine only once that transaction commits, so a worker never sees a job its request rolled back.
"""

from __future__ import annotations

import datetime
import logging
import os
import socket
from collections.abc import Iterable, Sequence
from typing import IO, Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import Promise

from gongkai.agencies.models import Agency
from gongkai.core.actors import Actor, user_of
from gongkai.core.audit import record_audit
from gongkai.core.messages import N_, Message, message_to_json
from gongkai.jobs import registry, runner
from gongkai.jobs.models import FileRole, Job, JobStatus
from gongkai.jobs.permissions import SESSION_JOBS

logger = logging.getLogger(__name__)

MAX_SESSION_JOBS = 20

INTERRUPTED = N_(
    "处理本任务的工作进程中断，已自动重试 %(attempts)s 次仍未完成。请点击“重试”，或联系系统管理员。"
)

Input = tuple[str, "bytes | IO[bytes] | UploadedFile"]


def start(
    kind: str,
    *,
    actor: Actor,
    agency: Agency | None = None,
    params: dict[str, Any] | None = None,
    inputs: Sequence[Input] = (),
    title: str | Promise | None = None,
    run_now: bool = False,
) -> Job:
    """Create a job of ``kind`` and queue it (once the current transaction commits); ``run_now`` runs it here
    instead (the command line, small inputs). Input files are stored before this returns."""
    registry.get(kind)  # an unknown kind is a programming error: fail here, not in a worker
    owner = user_of(actor)
    with transaction.atomic():
        job = Job.objects.create(
            kind=kind,
            title=str(title or registry.label(kind))[:200],
            owner=owner,
            agency=agency,
            params=params or {},
        )
        for position, (name, data) in enumerate(inputs):
            content_type = getattr(data, "content_type", "") or ""
            runner.store_file(job, FileRole.INPUT, name, data, content_type=content_type, position=position)
    if run_now:
        runner.execute(job.pk)
        job.refresh_from_db()
    else:
        enqueue(job)
    return job


def enqueue(job: Job) -> None:
    """Hand the job to the task engine when the current transaction commits."""
    job_id = str(job.pk)

    def send() -> None:
        from gongkai.jobs.tasks import run_job

        result = run_job.enqueue(job_id)
        Job.objects.filter(pk=job_id).update(task_id=str(result.id)[:64])

    transaction.on_commit(send)


def grant_session(request: HttpRequest, job: Job) -> None:
    """Let this browser session see ``job`` (a job an anonymous visitor started)."""
    ids = [i for i in request.session.get(SESSION_JOBS, []) if i != str(job.pk)]
    request.session[SESSION_JOBS] = [*ids, str(job.pk)][-MAX_SESSION_JOBS:]


def cancel(job: Job, *, actor: Actor) -> Job:
    """Cancel a queued job at once; ask a running one to stop at its next check."""
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job.pk)
        if job.is_finished:
            return job
        if job.status == JobStatus.QUEUED:
            job.status = JobStatus.CANCELLED
            job.finished_at = timezone.now()
        job.cancel_requested = True
        job.save(update_fields=["status", "finished_at", "cancel_requested"])
        record_audit(actor, "job.cancelled", job, agency=job.agency, kind=job.kind)
    return job


def retry(job: Job, *, actor: Actor) -> Job:
    """Queue a failed or cancelled job again; the steps it finished are not done twice."""
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job.pk)
        if job.status not in (JobStatus.FAILED, JobStatus.CANCELLED):
            return job
        job.status = JobStatus.QUEUED
        job.cancel_requested = False
        job.error = None
        job.traceback = ""
        job.attempts = 0
        job.finished_at = None
        job.worker = ""
        job.save(
            update_fields=[
                "status",
                "cancel_requested",
                "error",
                "traceback",
                "attempts",
                "finished_at",
                "worker",
            ]
        )
        record_audit(actor, "job.retried", job, agency=job.agency, kind=job.kind)
        enqueue(job)
    return job


def _pid_gone(worker: str) -> bool:
    """Whether ``worker`` (``host:pid``) is a process of this host that no longer runs."""
    host, _, pid = worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def recover_stale(*, now: datetime.datetime | None = None) -> list[Job]:
    """Jobs whose worker died (no heartbeat for ``GONGKAI_JOB_STALE_SECONDS``, or a process of this host that
    is gone): queued again, or failed once they have had ``GONGKAI_JOB_MAX_ATTEMPTS`` attempts."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(seconds=settings.GONGKAI_JOB_STALE_SECONDS)
    recovered = []
    candidates = Job.objects.filter(status=JobStatus.RUNNING).only("pk", "worker", "heartbeat_at")
    stale_ids = [
        job.pk
        for job in candidates
        if job.heartbeat_at is None or job.heartbeat_at < cutoff or _pid_gone(job.worker)
    ]
    for job_id in stale_ids:
        with transaction.atomic():
            job = Job.objects.select_for_update().filter(pk=job_id, status=JobStatus.RUNNING).first()
            if job is None:
                continue
            if job.attempts >= settings.GONGKAI_JOB_MAX_ATTEMPTS:
                job.status = JobStatus.FAILED
                job.finished_at = now
                job.error = message_to_json(Message(INTERRUPTED, {"attempts": job.attempts}))
                job.save(update_fields=["status", "finished_at", "error"])
                record_audit(
                    None, "job.interrupted", job, agency=job.agency, kind=job.kind, worker=job.worker
                )
            else:
                job.status = JobStatus.QUEUED
                job.save(update_fields=["status"])
                record_audit(None, "job.requeued", job, agency=job.agency, kind=job.kind, worker=job.worker)
                enqueue(job)
            _fail_engine_task(job)
            recovered.append(job)
    return recovered


def _fail_engine_task(job: Job) -> None:
    """The database backend leaves a killed worker's task "running" forever; mark it failed (cosmetic: the
    job's row is the truth)."""
    if not job.task_id:
        return
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # pragma: no cover - the backend is always installed
        return
    DBTaskResult.objects.filter(pk=job.task_id, status="RUNNING").update(
        status="FAILED", finished_at=timezone.now()
    )


def heartbeat(worker: str | None = None) -> int:
    """Say the jobs this worker process is running are alive."""
    return Job.objects.filter(status=JobStatus.RUNNING, worker=worker or runner.worker_id()).update(
        heartbeat_at=timezone.now()
    )


def run_pending(kinds: Iterable[str] | None = None) -> int:
    """Run every queued job here, oldest first (tests; ``gongkai worker --once``). Returns how many ran."""
    count = 0
    while True:
        queued = Job.objects.filter(status=JobStatus.QUEUED, cancel_requested=False)
        if kinds is not None:
            queued = queued.filter(kind__in=list(kinds))
        job = queued.order_by("created_at").first()
        if job is None:
            return count
        if runner.execute(job.pk):
            count += 1
        else:  # pragma: no cover - claimed by someone else meanwhile
            continue
