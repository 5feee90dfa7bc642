"""Running one job: the :class:`JobRun` a handler works through, and :func:`execute`, which the task calls.

A job runs at least once and its work is applied exactly once: each unit of work is a :meth:`JobRun.step`
whose row (:class:`~gongkai.jobs.models.JobStep`) is written in the same transaction as the work, so a
worker killed mid-job leaves every step either done and recorded or not done at all, and the next attempt
skips the recorded ones.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import socket
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.files.base import ContentFile, File
from django.db import IntegrityError, transaction
from django.utils import timezone

from gongkai.agencies.models import Agency
from gongkai.core.messages import N_, Message, message_to_json
from gongkai.jobs import registry
from gongkai.jobs.errors import JobCancelled, JobFailed
from gongkai.jobs.models import FileRole, Job, JobFile, JobStatus, JobStep

logger = logging.getLogger(__name__)

#: The generic reason shown when a handler raised something it did not expect (the traceback is kept).
UNEXPECTED = Message(N_("任务因意外错误而中止。请重试；如果再次失败，请联系系统管理员（错误详情已记录）。"))
NO_HANDLER = N_("没有这类任务的处理程序：%(kind)s。")


def worker_id() -> str:
    """``host:pid`` of this process: how a job names the worker running it."""
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass
class Step:
    key: str
    done: bool


class JobRun:
    """What a handler gets: the job's parameters and inputs, and the ways to report progress."""

    def __init__(self, job: Job) -> None:
        self.job = job

    @property
    def params(self) -> dict[str, Any]:
        params: dict[str, Any] = self.job.params or {}
        return params

    @property
    def actor(self) -> AbstractBaseUser | None:
        return self.job.owner

    @property
    def agency(self) -> Agency | None:
        return self.job.agency

    def inputs(self) -> list[JobFile]:
        return list(self.job.files.filter(role=FileRole.INPUT).order_by("position", "id"))

    def outputs(self) -> list[JobFile]:
        return list(self.job.files.filter(role=FileRole.OUTPUT).order_by("position", "id"))

    # --- progress ---------------------------------------------------------------------------------

    def set_total(self, total: int) -> None:
        self.job.total = max(0, int(total))
        self._save_progress()

    def advance(self, count: int = 1) -> None:
        self.job.done = self.job.done + count
        self._save_progress()

    def message(self, text: str) -> None:
        self.job.message = str(text)[:300]
        self._save_progress()

    def _save_progress(self) -> None:
        self.job.heartbeat_at = timezone.now()
        Job.objects.filter(pk=self.job.pk).update(
            total=self.job.total,
            done=self.job.done,
            message=self.job.message,
            heartbeat_at=self.job.heartbeat_at,
        )

    def check_cancelled(self) -> None:
        """Raise :class:`JobCancelled` when a user has asked to cancel the job."""
        if Job.objects.filter(pk=self.job.pk, cancel_requested=True).exists():
            raise JobCancelled()

    # --- exactly-once units of work --------------------------------------------------------------

    @contextlib.contextmanager
    def step(self, key: str, count: int = 1) -> Iterator[Step]:
        """A unit of work, run in a transaction that also records it as done; ``step.done`` is true when an
        earlier attempt did it (the body should then skip the work). Advances the progress by ``count``
        (a step may do several units of the job's total: a batch of rows)."""
        key = key[:200]
        if JobStep.objects.filter(job=self.job, key=key).exists():
            yield Step(key=key, done=True)
            self.advance(count)
            return
        with transaction.atomic():
            # The step's row first: a second attempt of the same job running the same step at the same
            # time waits on it (PostgreSQL), then finds it done. The work and the row commit or roll back
            # as one.
            try:
                with transaction.atomic():
                    JobStep.objects.create(job=self.job, key=key)
            except IntegrityError:
                done_elsewhere = True
            else:
                done_elsewhere = False
            yield Step(key=key, done=done_elsewhere)
        self.advance(count)

    def steps_done(self) -> int:
        return JobStep.objects.filter(job=self.job).count()

    # --- files -------------------------------------------------------------------------------------

    def add_output(self, name: str, data: bytes | IO[bytes], *, content_type: str = "") -> JobFile:
        """Keep a file the job made (shown on the job page as a download). A rerun replaces the file of the
        same name, so a job that is run twice still has one."""
        return store_file(self.job, FileRole.OUTPUT, name, data, content_type=content_type, replace=True)


def store_file(
    job: Job,
    role: str,
    name: str,
    data: bytes | IO[bytes],
    *,
    content_type: str = "",
    position: int = 0,
    replace: bool = False,
) -> JobFile:
    """Store ``data`` as one of the job's files (bytes or an open binary file, read in blocks)."""
    digest = hashlib.sha256()
    if isinstance(data, bytes):
        digest.update(data)
        size = len(data)
        content: File[Any] = ContentFile(data)
    else:
        data.seek(0)  # from the start, wherever a reader (a form looking into a zip) left it
        size = 0
        for block in iter(lambda: data.read(1 << 20), b""):
            digest.update(block)
            size += len(block)
        data.seek(0)
        content = File(data)
    if replace:
        for old in JobFile.objects.filter(job=job, role=role, name=name):
            old.file.delete(save=False)
            old.delete()
    job_file = JobFile(
        job=job,
        role=role,
        name=name[:255],
        content_type=content_type[:100],
        size=size,
        sha256=digest.hexdigest(),
        position=position,
    )
    job_file.file.save(name, content, save=False)
    job_file.save()
    return job_file


def _claim(job_id: Any, me: str) -> Job | None:
    """Mark the job running for this worker; ``None`` when it is not waiting to run (done, cancelled, or
    being run by another worker)."""
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status != JobStatus.QUEUED:
            return None
        now = timezone.now()
        if job.cancel_requested:
            job.status = JobStatus.CANCELLED
            job.finished_at = now
            job.save(update_fields=["status", "finished_at"])
            return None
        job.status = JobStatus.RUNNING
        # Steps done by an earlier attempt are counted again as the handler passes them (quickly).
        job.done = 0
        job.attempts += 1
        job.started_at = job.started_at or now
        job.heartbeat_at = now
        job.worker = me
        job.save(update_fields=["status", "done", "attempts", "started_at", "heartbeat_at", "worker"])
    return Job.objects.select_related("owner", "agency").get(pk=job_id)


def _finish(job: Job, status: str, **fields: Any) -> None:
    """End a running job, unless someone else already ended or requeued it."""
    Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING, worker=job.worker).update(
        status=status, finished_at=timezone.now(), heartbeat_at=timezone.now(), **fields
    )


def execute(job_id: Any) -> str:
    """Run the job ``job_id`` here and now (what the task does); returns the job's final status, or "" when
    it was not waiting to run."""
    job = _claim(job_id, worker_id())
    if job is None:
        return ""
    run = JobRun(job)
    try:
        kind = registry.get(job.kind)
    except KeyError:
        _finish(job, JobStatus.FAILED, error=message_to_json(Message(NO_HANDLER, {"kind": job.kind})))
        return JobStatus.FAILED
    try:
        result = kind.handler(run)
    except JobCancelled:
        _finish(job, JobStatus.CANCELLED, message=run.job.message)
        return JobStatus.CANCELLED
    except JobFailed as failed:
        _finish(job, JobStatus.FAILED, error=message_to_json(failed.message))
        return JobStatus.FAILED
    except Exception as exc:  # noqa: BLE001 - any error ends the job with a reason, never the worker
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        _finish(
            job,
            JobStatus.FAILED,
            error=message_to_json(UNEXPECTED),
            traceback="".join(traceback.format_exception(exc))[-20_000:],
        )
        return JobStatus.FAILED
    fields: dict[str, Any] = {"result": result if result is not None else {}}
    if run.job.total and run.job.done < run.job.total:
        fields["done"] = run.job.total
    _finish(job, JobStatus.SUCCEEDED, **fields)
    return JobStatus.SUCCEEDED
