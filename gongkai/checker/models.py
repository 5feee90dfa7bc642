"""Saved check results (我的检查记录) and the two services that write them.

Nothing a user uploads is kept: a record holds only the checker's JSON result (``CheckResult.to_json()``,
see ``docs/check-json.md``), never the report's text or file, and only when the user asks to save it.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongkai.agencies.models import Agency
from gongkai.checker.presenters import KIND_LABELS
from gongkai.checker.result import severity_counts
from gongkai.core.audit import record_audit

# Audit action codes (stable once released).
SAVED_CHECK_CREATED = "saved_check.created"
SAVED_CHECK_DELETED = "saved_check.deleted"


class SavedCheck(models.Model):
    """One report's check result, saved by the user who ran the check."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="saved_checks",
    )
    # The user's own agency the record is filed under (optional), not the agency named in the report.
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("所属机关"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="saved_checks",
    )
    filename = models.CharField(_("文件名"), max_length=255)
    kind = models.CharField(_("类型"), max_length=20, choices=list(KIND_LABELS.items()))
    format = models.CharField(_("格式"), max_length=4, blank=True)
    year = models.PositiveSmallIntegerField(_("年度"), null=True, blank=True)
    agency_name = models.CharField(_("报告中的机关名称"), max_length=200, blank=True)
    error_count = models.PositiveIntegerField(_("错误数"), default=0)
    warning_count = models.PositiveIntegerField(_("警告数"), default=0)
    info_count = models.PositiveIntegerField(_("提示数"), default=0)
    #: ``CheckResult.to_json()`` exactly as the checker produced it (verified by its signature).
    result = models.JSONField(_("检查结果"), encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(_("保存时间"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("检查记录")
        verbose_name_plural = _("检查记录")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="checker_saved_user_created")]

    def __str__(self) -> str:
        return self.filename

    def get_absolute_url(self) -> str:
        return reverse("checker:saved_detail", args=[self.pk])


def _counts(result: dict[str, Any]) -> dict[str, int]:
    return {f"{severity}_count": n for severity, n in severity_counts(result).items()}


def save_check(*, user: AbstractBaseUser, result: dict[str, Any], agency: Agency | None = None) -> SavedCheck:
    """Save one report's check result for ``user`` and record ``saved_check.created``.

    ``result`` is ``CheckResult.to_json()``; the caller has verified it came from the checker.
    """
    year = result.get("year")
    saved = SavedCheck(
        user_id=user.pk,
        agency=agency,
        filename=str(result.get("path") or "")[:255],
        kind=result.get("kind", ""),
        format=result.get("format") or "",
        year=year if isinstance(year, int) and 0 < year < 32768 else None,
        agency_name=str(result.get("agency") or "")[:200],
        result=result,
        **_counts(result),
    )
    with transaction.atomic():
        saved.full_clean()
        saved.save()
        record_audit(
            user,
            SAVED_CHECK_CREATED,
            saved,
            agency=agency,
            filename=saved.filename,
            kind=saved.kind,
            year=saved.year,
            error_count=saved.error_count,
        )
    return saved


def delete_saved_check(*, user: AbstractBaseUser, saved: SavedCheck) -> None:
    """Delete ``saved`` (the caller checked it is ``user``'s) and record ``saved_check.deleted``."""
    with transaction.atomic():
        record_audit(user, SAVED_CHECK_DELETED, saved, agency=saved.agency, filename=saved.filename)
        saved.delete()
