"""What every annual-report service shares: its error, the typed-text rule, the writer's right, the row lock
and the draft it acts on.

Every service locks the report's row first (``select_for_update``), so two people acting at once on one
report are serialised by the database, whatever the number of processes.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext

from gongkai.agencies.models import Agency
from gongkai.annual import permissions
from gongkai.annual.models import Report, ReportVersion, VersionStatus
from gongkai.core.actors import Actor
from gongkai.reports.model import FIRST_STRUCTURED_YEAR, FormatVersion, format_for_year

#: Longest text accepted for one section (a long real section 一 is ~6,000 characters).
MAX_SECTION_CHARS = 30_000
#: Sections whose text the officer edits: 一, 五, 六, and the short introductions of 二, 三, 四.
EDITABLE_SECTIONS: tuple[str, ...] = ("overview", "proactive", "applications", "appeals", "problems", "other")


class ReportError(ValidationError):
    """A step the report's state or the input does not allow; the message says why, in the reader's
    language."""


def clean_text(value: str | None, field: str) -> str:
    """Typed text, refused when it holds a NUL (PostgreSQL cannot store it; no keyboard types it)."""
    value = value or ""
    if "\x00" in value:
        raise ReportError(
            {field: gettext("文字中含有无法保存的控制字符（NUL），请删除后重新输入或粘贴纯文本。")}
        )
    return value


def require_write(actor: Actor, agency: Agency) -> None:
    if actor is None or not permissions.can_write(actor, agency):
        raise PermissionDenied(gettext("您不是该机关年度报告的编写人员。"))


def lock(report: Report) -> Report:
    return Report.objects.select_for_update().select_related("agency").get(pk=report.pk)


def _draft_of(report: Report) -> ReportVersion:
    draft = report.versions.filter(status=VersionStatus.DRAFT).first()
    if draft is None:
        raise ReportError(gettext("该报告没有可编辑的草稿；已公开的报告不能修改，如需更正请新建更正版本。"))
    return draft


def locked_draft(actor: Actor, version: ReportVersion) -> tuple[Report, ReportVersion]:
    """Lock the report, check the actor may write it, return its current draft (which must be ``version``)."""
    report = lock(version.report)
    require_write(actor, report.agency)
    draft = _draft_of(report)
    if draft.pk != version.pk:
        raise ReportError(gettext("该版本已公开，不能修改；请在当前草稿上操作。"))
    draft.report = report
    return report, draft


def format_of(year: int) -> FormatVersion:
    version = format_for_year(year)
    if version is None:
        raise ReportError(
            gettext("%(year)s年度报告适用2007年条例的旧格式，本系统从%(first)s年度起按统一格式生成报告。")
            % {"year": year, "first": FIRST_STRUCTURED_YEAR}
        )
    return version
