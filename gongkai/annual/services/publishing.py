"""Publishing a draft, and correcting a published report: a published version is immutable, a correction is
a new version whose change note is printed at its top."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from gongkai.annual.models import HandEntry, Report, ReportVersion, VersionStatus
from gongkai.annual.selectors import latest_published, readiness
from gongkai.annual.services.common import ReportError, clean_text, lock, locked_draft, require_write
from gongkai.annual.services.signoff import require_signoff
from gongkai.core import pagecache
from gongkai.core.actors import Actor, user_of
from gongkai.core.audit import record_audit


def set_change_note(*, actor: Actor, version: ReportVersion, change_note: str) -> ReportVersion:
    change_note = clean_text(change_note, "change_note").strip()
    if len(change_note) > 2000:
        raise ReportError({"change_note": gettext("更正说明不能超过2000字。")})
    with transaction.atomic():
        report, draft = locked_draft(actor, version)
        if draft.number == 1:
            raise ReportError(gettext("首次公开的报告没有更正说明。"))
        draft.change_note = change_note
        draft.save(update_fields=["change_note", "updated_at"])
        record_audit(actor, "annual.change_note_set", draft, agency=report.agency)
    return draft


def publish(*, actor: Actor, version: ReportVersion, on: datetime.date | None = None) -> ReportVersion:
    """Publish the draft in the agency's 政府信息公开年报 column, dated ``on`` (today by default)."""
    with transaction.atomic():
        report, draft = locked_draft(actor, version)
        require_signoff(actor, report.agency)
        state = readiness(draft)
        if not state.ready:
            raise ReportError(list(state.reasons))
        today = timezone.localdate()
        on = on or today
        if on > today:
            raise ReportError(gettext("公开日期不能晚于今天。"))
        if on.year <= report.year:
            raise ReportError(gettext("%(year)s年度报告须在该年度结束后公开。") % {"year": report.year})
        previous = latest_published(report)
        if previous is not None and previous.published_on and on < previous.published_on:
            raise ReportError(gettext("更正版本的公开日期不能早于上一版本。"))
        draft.status = VersionStatus.PUBLISHED
        draft.published_on = on
        draft.published_at = timezone.now()
        draft.published_by = user_of(actor)
        # Write the row directly: ``save`` refuses any change to a version once stored as published.
        draft.agency_name = report.agency.name
        ReportVersion.objects.filter(pk=draft.pk, status=VersionStatus.DRAFT).update(
            status=draft.status,
            agency_name=draft.agency_name,
            published_on=on,
            published_at=draft.published_at,
            published_by=draft.published_by,
            updated_at=timezone.now(),
        )
        record_audit(
            actor,
            "annual.published",
            draft,
            agency=report.agency,
            year=report.year,
            version=draft.number,
            published_on=on.isoformat(),
        )
        # The agency's column lists its reports: no cached public page outlives the publication.
        pagecache.bump()
    return draft


def start_correction(*, actor: Actor, report: Report) -> ReportVersion:
    """A new draft version copying the latest published one (text, tables, hand entries)."""
    with transaction.atomic():
        report = lock(report)
        require_write(actor, report.agency)
        if report.versions.filter(status=VersionStatus.DRAFT).exists():
            raise ReportError(gettext("该报告已有未公开的草稿，请在草稿上修改。"))
        source = latest_published(report)
        if source is None:
            raise ReportError(gettext("该报告尚未公开，直接修改草稿即可。"))
        draft = ReportVersion.objects.create(
            report=report,
            number=source.number + 1,
            format=source.format,
            sections=dict(source.sections),
            computed=source.computed,
            computed_at=source.computed_at,
            created_by=user_of(actor),
        )
        HandEntry.objects.bulk_create(
            HandEntry(
                version=draft, row=e.row, column=e.column, value=e.value, note=e.note, entered_by=e.entered_by
            )
            for e in source.hand_entries.all()
        )
        record_audit(actor, "annual.correction_started", draft, agency=report.agency, version=draft.number)
    return draft


def discard_correction(*, actor: Actor, version: ReportVersion) -> None:
    """Drop an unpublished correction draft (the published version stays as it is)."""
    with transaction.atomic():
        report, draft = locked_draft(actor, version)
        if draft.number == 1:
            raise ReportError(gettext("首个版本的草稿不能删除；不需要时可以不公开。"))
        record_audit(actor, "annual.correction_discarded", draft, agency=report.agency, version=draft.number)
        draft.hand_entries.all().delete()
        ReportVersion.objects.filter(pk=draft.pk, status=VersionStatus.DRAFT).delete()
