"""Years of the working-day calendar loaded by an administrator (docs/decisions.md D1).

A year stored here replaces the built-in year (from ``chinesecalendar``) entirely. Rows are written
only by :mod:`gongkai.workdays.services`, which audits every change.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

#: The first year that may be loaded (the built-in data starts here too).
FIRST_YEAR = 2004
LAST_YEAR = 9998


class DayType(models.TextChoices):
    HOLIDAY = "holiday", _("放假")
    WORKDAY = "workday", _("调休上班")


class CalendarYear(models.Model):
    """One year's 放假安排, loaded from the State Council's notice."""

    year = models.PositiveSmallIntegerField(
        _("年度"), unique=True, validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
    )
    source = models.CharField(
        _("依据"), max_length=200, help_text=_("放假通知的文号或标题，例如 国办发明电〔2026〕X号。")
    )
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("载入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    loaded_at = models.DateTimeField(_("载入时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    # Incremented on every load: part of the fingerprint that tells each process its cache is stale.
    revision = models.PositiveIntegerField(_("修订次数"), default=1, editable=False)

    class Meta:
        verbose_name = _("年度日历")
        verbose_name_plural = _("年度日历")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}年"


class CalendarDay(models.Model):
    """A date the notice makes a rest day (放假) or a weekend day it makes a working day (调休上班)."""

    calendar_year = models.ForeignKey(
        CalendarYear, verbose_name=_("年度"), on_delete=models.CASCADE, related_name="days"
    )
    date = models.DateField(_("日期"), unique=True)
    type = models.CharField(_("类型"), max_length=10, choices=DayType.choices)
    name = models.CharField(_("节日"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("放假调休日期")
        verbose_name_plural = _("放假调休日期")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.get_type_display()} {self.name}".strip()
