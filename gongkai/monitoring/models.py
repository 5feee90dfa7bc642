"""The 政务公开办's monitoring of the annual reports published on its agencies' websites (年报监测).

* :class:`MonitoringRun` — one run for a seat (the agency where the 政务公开办 sits) and a report year,
  started by a user or by the schedule (at most one scheduled run per seat and year: a partial unique
  constraint), carried out by a job (``gongkai.jobs``).
* :class:`Outcome` — what the run found for one agency (unique per run and agency): found / not found /
  unreachable, the report's address, the date the column shows, on time or late, and the checker's result
  stored as an ``annual.ImportedReport`` (purpose ``monitoring``) that the roll-up counts.
* :class:`Fetch` — every request the run made for that agency, kept as evidence: address, time, HTTP
  status, error, SHA-256, size, content type, and the bytes of the report (and of small list pages)
  through Django's default storage.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongkai.agencies.models import Agency
from gongkai.annual.models import ImportedReport


class MonitoringRun(models.Model):
    seat = models.ForeignKey(
        Agency, verbose_name=_("政务公开办所在机关"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("报告年度"))
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    #: Started by the daily schedule (not by a user).
    scheduled = models.BooleanField(_("定时发起"), default=False)
    #: The job that carries the run out (``gongkai.jobs``), by its id.
    job_id = models.CharField(_("任务"), max_length=64, blank=True)
    started_at = models.DateTimeField(_("发起时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("年报监测")
        verbose_name_plural = _("年报监测")
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["seat", "year"],
                condition=Q(scheduled=True),
                name="monitoring_one_scheduled_run_per_seat_year",
            ),
        ]
        indexes = [models.Index(fields=["seat", "year"], name="monitoring_run_seat_year_idx")]

    def __str__(self) -> str:
        return f"{self.seat} {self.year} #{self.pk}"


class OutcomeStatus(models.TextChoices):
    FOUND = "found", _("已找到")
    NOT_FOUND = "not_found", _("未找到")
    UNREACHABLE = "unreachable", _("无法访问")


class Timeliness(models.TextChoices):
    ON_TIME = "on_time", _("按时公开")
    LATE = "late", _("逾期公开")
    #: Found, but the column shows no date (or the agency has no deadline yet).
    UNKNOWN = "unknown", _("无法判断")


class Outcome(models.Model):
    run = models.ForeignKey(MonitoringRun, on_delete=models.CASCADE, related_name="outcomes")
    agency = models.ForeignKey(Agency, verbose_name=_("机关"), on_delete=models.PROTECT, related_name="+")
    column_url = models.URLField(_("栏目网址"), max_length=2000)
    status = models.CharField(_("监测结果"), max_length=20, choices=OutcomeStatus.choices)
    #: The short error code of the fetch that failed (gongkai.documents.fetch), for "unreachable".
    error = models.CharField(_("访问错误"), max_length=40, blank=True)
    report_url = models.URLField(_("报告网址"), max_length=2000, blank=True)
    report_title = models.CharField(_("报告标题"), max_length=500, blank=True)
    published_on = models.DateField(_("网站显示的公开日期"), null=True, blank=True)
    deadline = models.DateField(_("公开期限"), null=True, blank=True)
    timeliness = models.CharField(
        _("是否按时"), max_length=10, choices=Timeliness.choices, default="", blank=True
    )
    #: The checker's result (None when no report was found or downloaded).
    imported = models.ForeignKey(
        ImportedReport,
        verbose_name=_("检查结果"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    error_count = models.PositiveIntegerField(_("错误数"), null=True, blank=True)
    warning_count = models.PositiveIntegerField(_("警告数"), null=True, blank=True)
    checked_at = models.DateTimeField(_("监测时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("年报监测结果")
        verbose_name_plural = _("年报监测结果")
        ordering = ["run", "id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "agency"], name="monitoring_outcome_run_agency_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.agency}: {self.status}"


class FetchRole(models.TextChoices):
    COLUMN = "column", _("栏目页")
    PAGE = "page", _("栏目翻页")
    ARTICLE = "article", _("文章页")
    REPORT = "report", _("报告文件")


def evidence_path(instance: Fetch, filename: str) -> str:
    return f"monitoring/{instance.outcome.run_id}/{instance.outcome.agency_id}/{filename}"


class Fetch(models.Model):
    """One request of a run, kept as evidence (证据)."""

    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="fetches")
    role = models.CharField(_("用途"), max_length=10, choices=FetchRole.choices)
    url = models.URLField(_("网址"), max_length=2000)
    final_url = models.URLField(_("最终网址"), max_length=2000, blank=True)
    fetched_at = models.DateTimeField(_("访问时间"))
    http_status = models.PositiveSmallIntegerField(_("HTTP 状态码"), null=True, blank=True)
    error = models.CharField(_("错误"), max_length=40, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    size = models.PositiveBigIntegerField(_("大小（字节）"), default=0)
    content_type = models.CharField(_("内容类型"), max_length=200, blank=True)
    #: The bytes received (the report always; a list page when small), in the default storage.
    file = models.FileField(_("文件"), upload_to=evidence_path, max_length=300, blank=True)

    class Meta:
        verbose_name = _("访问记录")
        verbose_name_plural = _("访问记录")
        ordering = ["outcome", "fetched_at", "id"]

    def __str__(self) -> str:
        return self.url
