"""The annual report (政府信息公开工作年度报告) of an agency for a year, its versions, hand-entered figures,
reports imported from files, and the local deadlines a supervisor sets.

* :class:`Report` — one per agency and year (unique in the database).
* :class:`ReportVersion` — the report's text and tables. Version 1 is the first publication; a correction
  is a new version (2, 3 …) with a change note; at most one unpublished draft per report (a partial unique
  constraint). A published version is never changed (its ``save`` refuses, and the services never try).
* :class:`HandEntry` — a figure of table 二 entered by hand with its note (D9: fee amounts in 万元,
  decisions made in another system, the whole 2019-format table 二), kept with the version.
* :class:`ImportedReport` — a report published elsewhere, read by the checker from its file: last year's
  report when it was not kept in Gongkai (for the cross-year check), or a supervisor's bulk import.
* :class:`LocalDeadline` — the deadline a 政务公开办 sets for the townships below it (第四十九条 is silent).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongkai.agencies.models import Agency


class Report(models.Model):
    agency = models.ForeignKey(
        Agency, verbose_name=_("机关"), on_delete=models.PROTECT, related_name="annual_reports"
    )
    year = models.PositiveSmallIntegerField(_("报告年度"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("年度报告")
        verbose_name_plural = _("年度报告")
        ordering = ["agency__name", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "year"], name="annual_report_agency_year_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.agency}{self.year}年度报告"


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已公开")


class PublishedVersionChanged(Exception):
    """A published version was about to be changed: published reports are immutable."""


class ReportVersion(models.Model):
    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField(_("版本"))
    status = models.CharField(
        _("状态"), max_length=10, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    #: "2019" or "2021" (``gongkai.reports.model.format_for_year``), fixed when the version is made.
    format = models.CharField(_("格式"), max_length=4)
    #: Section key → plain text (one paragraph per line); see ``gongkai.reports.document``.
    sections = models.JSONField(_("正文"), default=dict, encoder=DjangoJSONEncoder)
    #: Tables computed from the records, in the checker's ``Tables.to_json()`` form (before hand entries).
    computed = models.JSONField(_("由记录生成的表格"), default=dict, encoder=DjangoJSONEncoder)
    computed_at = models.DateTimeField(_("表格生成时间"), null=True, blank=True)
    #: The last pre-publication check: ``{"fingerprint", "checked_at", "result": CheckResult.to_json(),
    #: "extra": [findings of Gongkai's own rules]}``.
    check_result = models.JSONField(_("检查结果"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    #: Warnings acknowledged before publishing: ``{"fingerprint", "by", "at", "note", "warnings": [...]}``.
    acknowledgement = models.JSONField(_("警告确认"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    change_note = models.TextField(_("更正说明"), blank=True, max_length=2000)
    #: The agency's name as published (frozen at publication: a later renaming does not rewrite the report).
    agency_name = models.CharField(_("公开时的机关名称"), max_length=200, blank=True)
    published_on = models.DateField(_("公开日期"), null=True, blank=True)
    published_at = models.DateTimeField(_("公开时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("年度报告版本")
        verbose_name_plural = _("年度报告版本")
        ordering = ["report", "number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="annual_version_number_unique"),
            models.UniqueConstraint(
                fields=["report"], condition=Q(status="draft"), name="annual_version_one_draft"
            ),
        ]
        indexes = [models.Index(fields=["status", "published_on"], name="annual_version_pub_idx")]

    def __str__(self) -> str:
        return f"{self.report} 第{self.number}版"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            stored = type(self).objects.filter(pk=self.pk).values_list("status", flat=True).first()
            if stored == VersionStatus.PUBLISHED:
                raise PublishedVersionChanged(f"{self} 已公开，不能修改；更正请新建版本。")
        super().save(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.status == VersionStatus.PUBLISHED


class HandEntry(models.Model):
    """A table-二 figure entered by hand, with where it comes from (D9)."""

    version = models.ForeignKey(ReportVersion, on_delete=models.CASCADE, related_name="hand_entries")
    row = models.CharField(_("行"), max_length=40)
    column = models.CharField(_("列"), max_length=40)
    value = models.DecimalField(_("数值"), max_digits=16, decimal_places=4)
    note = models.CharField(_("说明"), max_length=500)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField(_("填报时间"), auto_now=True)

    class Meta:
        verbose_name = _("手工填报数据")
        verbose_name_plural = _("手工填报数据")
        ordering = ["version", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "row", "column"], name="annual_hand_entry_cell_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.row}/{self.column}={self.value}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if ReportVersion.objects.filter(pk=self.version_id, status=VersionStatus.PUBLISHED).exists():
            raise PublishedVersionChanged("已公开版本的手工填报数据不能修改；更正请新建版本。")
        super().save(*args, **kwargs)


class ImportPurpose(models.TextChoices):
    PREVIOUS = "previous", _("上一年度报告（用于跨年度核对）")
    SUPERVISION = "supervision", _("政务公开办批量检查")
    #: Found on the agency's website by the 政务公开办's monitoring (gongkai.monitoring).
    MONITORING = "monitoring", _("政务公开办年报监测")


class ImportedReport(models.Model):
    """A report published outside Gongkai, as the checker read it (the file itself is not kept)."""

    agency = models.ForeignKey(
        Agency,
        verbose_name=_("机关"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="imported_reports",
    )
    #: The 政务公开办 (or the agency itself) that imported it.
    imported_for = models.ForeignKey(
        Agency, verbose_name=_("导入单位"), on_delete=models.PROTECT, related_name="+"
    )
    purpose = models.CharField(_("用途"), max_length=20, choices=ImportPurpose.choices)
    year = models.PositiveSmallIntegerField(_("报告年度"), null=True, blank=True)
    filename = models.CharField(_("文件名"), max_length=255)
    agency_name = models.CharField(_("报告中的机关名称"), max_length=200, blank=True)
    error_count = models.PositiveIntegerField(_("错误数"), default=0)
    warning_count = models.PositiveIntegerField(_("警告数"), default=0)
    #: ``CheckResult.to_json()`` (tables and findings), or ``{"unreadable": message}``.
    result = models.JSONField(_("检查结果"), encoder=DjangoJSONEncoder)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    imported_at = models.DateTimeField(_("导入时间"), auto_now_add=True)
    #: Where the report was downloaded from (monitoring), and the date the agency's column shows for it:
    #: with a date, the roll-up tells whether it was published on time.
    source_url = models.URLField(_("报告网址"), max_length=2000, blank=True)
    published_on = models.DateField(_("网站显示的公开日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("导入的年度报告")
        verbose_name_plural = _("导入的年度报告")
        ordering = ["-imported_at", "-id"]
        indexes = [
            models.Index(fields=["imported_for", "year", "purpose"], name="annual_import_for_year_idx"),
            models.Index(fields=["agency", "year"], name="annual_import_agency_year_idx"),
        ]

    def __str__(self) -> str:
        return self.filename

    @property
    def readable(self) -> bool:
        return "unreadable" not in self.result


class LocalDeadline(models.Model):
    """The deadline a 政务公开办 sets for the townships (乡镇、街道) below it for one report year."""

    supervisor_agency = models.ForeignKey(
        Agency, verbose_name=_("政务公开办所在机关"), on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("报告年度"))
    deadline = models.DateField(_("公开期限"))
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    set_at = models.DateTimeField(_("设定时间"), auto_now=True)

    class Meta:
        verbose_name = _("乡镇年度报告期限")
        verbose_name_plural = _("乡镇年度报告期限")
        constraints = [
            models.UniqueConstraint(
                fields=["supervisor_agency", "year"], name="annual_local_deadline_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.supervisor_agency} {self.year}: {self.deadline}"
