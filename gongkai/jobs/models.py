"""Jobs: long work done by a worker process after the request that asked for it (docs/jobs.md).

A :class:`Job` is what a user sees (title, state, progress, result, error); the engine under it is Django's
tasks API (django-tasks, with the django-tasks-db database backend by default): one task,
:func:`gongkai.jobs.tasks.run_job`, runs every job. The job's rows are the truth; the engine's own task
rows are only how a worker learns there is work.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gongkai.agencies.models import Agency


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("运行中")
    SUCCEEDED = "succeeded", _("已完成")
    FAILED = "failed", _("失败")
    CANCELLED = "cancelled", _("已取消")


#: The states a job does not leave by itself (a user may retry a failed or cancelled one).
FINISHED = (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED)


class Job(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("类型"), max_length=64)
    title = models.CharField(_("名称"), max_length=200)
    status = models.CharField(_("状态"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    #: Whose work it is: the administrators of this agency (and of the agencies above it) see the job too.
    agency = models.ForeignKey(
        Agency, verbose_name=_("机关"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    params = models.JSONField(_("参数"), default=dict, blank=True)
    result = models.JSONField(_("结果"), null=True, blank=True)
    total = models.PositiveIntegerField(_("总数"), default=0)
    done = models.PositiveIntegerField(_("已完成数"), default=0)
    message = models.CharField(_("进度说明"), max_length=300, blank=True)
    #: The reason shown when it failed (``core.messages.message_to_json``).
    error = models.JSONField(_("失败原因"), null=True, blank=True)
    #: For administrators only (never shown to the public).
    traceback = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    cancel_requested = models.BooleanField(_("已请求取消"), default=False)
    #: The engine's task id of the latest enqueue (django-tasks result id).
    task_id = models.CharField(max_length=64, blank=True)
    #: ``host:pid`` of the worker process running it (how a killed worker's jobs are found).
    worker = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "created_at"], name="jobs_status_idx"),
            models.Index(fields=["owner", "-created_at"], name="jobs_owner_idx"),
            models.Index(fields=["agency", "-created_at"], name="jobs_agency_idx"),
            models.Index(fields=["kind", "-created_at"], name="jobs_kind_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("jobs:detail", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED

    @property
    def percent(self) -> int:
        if self.status == JobStatus.SUCCEEDED:
            return 100
        if not self.total:
            return 0
        return min(100, self.done * 100 // self.total)


class FileRole(models.TextChoices):
    INPUT = "input", _("输入")
    OUTPUT = "output", _("结果")


def _job_file_name(instance: JobFile, filename: str) -> str:
    # Unguessable and free of the user's file name (which is kept in ``name``).
    return f"jobs/{instance.job_id}/{uuid.uuid4().hex}"


class JobFile(models.Model):
    """A file given to a job when it was started (an upload, stored before the request answers) or made by it
    (an export), kept through Django's storage API."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="files")
    role = models.CharField(max_length=10, choices=FileRole.choices)
    name = models.CharField(_("文件名"), max_length=255)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(max_length=64)
    file = models.FileField(upload_to=_job_file_name, max_length=200)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("任务文件")
        verbose_name_plural = _("任务文件")
        ordering = ["job", "role", "position", "id"]

    def __str__(self) -> str:
        return self.name

    def read(self) -> bytes:
        with self.file.open("rb") as handle:
            data: bytes = handle.read()
        return data


class JobStep(models.Model):
    """A unit of a job's work done (committed with the work itself): a rerun after a killed worker skips
    it."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="steps")
    key = models.CharField(max_length=200)
    done_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "key"], name="jobs_step_unique")]

    def __str__(self) -> str:
        return self.key


class ScheduledRun(models.Model):
    """A scheduled job started on a day: the unique row is what makes it start once per day however many
    workers run the schedule."""

    name = models.CharField(max_length=100)
    day = models.DateField()
    job = models.ForeignKey(Job, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["name", "day"], name="jobs_schedule_once_a_day")]

    def __str__(self) -> str:
        return f"{self.name} {self.day}"
