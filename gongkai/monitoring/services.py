"""Writes of the monitoring: starting a run, storing what it found for an agency (with its evidence and
the checker's result as an ``annual.ImportedReport``), finishing it.

Each write checks who may (the seat's 政务公开办, ``annual.permissions.can_supervise``; the schedule acts
as the system) and is audited in the same transaction.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.agencies.models import Agency
from gongkai.annual import permissions
from gongkai.annual.models import ImportedReport, ImportPurpose
from gongkai.annual.rollup.common import AgencyRow
from gongkai.annual.rollup.status import local_deadlines, resolve_deadline
from gongkai.annual.services import read_report_file
from gongkai.checker import remote
from gongkai.checker.result import severity_counts
from gongkai.core.actors import Actor, user_of
from gongkai.core.audit import record_audit
from gongkai.documents.fetch import Fetcher
from gongkai.monitoring import engine
from gongkai.monitoring.models import Fetch, MonitoringRun, Outcome, Timeliness
from gongkai.reports.model import FIRST_STRUCTURED_YEAR

#: List pages (not the report) are kept as evidence up to this size; larger ones keep their hash only.
DEFAULT_KEEP_PAGE_BYTES = 256 * 1024


def make_fetcher() -> Fetcher:
    """One fetcher per run (its robots.txt cache and per-host clock are the run's): the checker's URL
    fetcher (the same settings, user agent and size cap), with the monitoring's retries and back-off."""
    return remote.make_fetcher(
        retries=int(getattr(settings, "GONGKAI_FETCH_RETRIES", 2)),
        backoff=float(getattr(settings, "GONGKAI_FETCH_BACKOFF", 2.0)),
    )


def _check_year(year: int, today: datetime.date) -> None:
    if not FIRST_STRUCTURED_YEAR <= year < today.year:
        raise ValidationError(
            {
                "year": _("只能监测%(first)s年度至%(last)s年度的报告（报告在次年公开）。")
                % {"first": FIRST_STRUCTURED_YEAR, "last": today.year - 1}
            }
        )


def create_run(
    *,
    actor: Actor,
    seat: Agency,
    year: int,
    today: datetime.date,
    scheduled: bool = False,
    system: bool = False,
) -> MonitoringRun:
    """A new run for the seat and year (the caller starts its job). A scheduled run, or one started by
    ``gongkai monitor --seat`` (``system``), acts as the system; a second scheduled run for the same seat
    and year is refused by the database (``IntegrityError``)."""
    if not (scheduled or system) and (actor is None or not permissions.can_supervise(actor, seat)):
        raise PermissionDenied(_("只有政务公开办可以发起年报监测。"))
    _check_year(year, today)
    with transaction.atomic():
        run = MonitoringRun.objects.create(
            seat=seat, year=year, started_by=user_of(actor), scheduled=scheduled
        )
        record_audit(
            actor, "monitoring.run_started", run, agency=seat, year=year, scheduled=scheduled, system=system
        )
    return run


def attach_job(run: MonitoringRun, job_id: str) -> None:
    MonitoringRun.objects.filter(pk=run.pk).update(job_id=job_id)


def targets(run: MonitoringRun) -> list[Agency]:
    """The agencies of the seat's subtree (the seat included) whose 年报 column address is known."""
    return list(
        Agency.objects.subtree_of(run.seat).exclude(report_column_url="").order_by("path", "name", "pk")
    )


def check_report(site: engine.SiteResult) -> dict[str, Any] | None:
    """The checker's JSON of the downloaded report (``{"unreadable": …}`` when it cannot read it), read
    in the checker's limited child process; ``None`` when nothing was downloaded."""
    if site.report is None:
        return None
    return read_report_file(site.report.body, site.report_filename)


def _timeliness(
    agency: Agency, run: MonitoringRun, published_on: datetime.date | None
) -> tuple[datetime.date | None, str]:
    row = AgencyRow(agency.pk, agency.name, agency.short_code, agency.kind, agency.path)
    deadline, _set_by = resolve_deadline(
        agency.kind, row.ancestor_ids, run.year, local_deadlines(run.seat, run.year)
    )
    if published_on is None or deadline is None:
        return deadline, Timeliness.UNKNOWN
    return deadline, (Timeliness.ON_TIME if published_on <= deadline else Timeliness.LATE)


def _keep_bytes(step: engine.Step) -> bool:
    if step.role == "report":
        return True
    limit = int(getattr(settings, "GONGKAI_MONITOR_KEEP_PAGE_BYTES", DEFAULT_KEEP_PAGE_BYTES))
    return len(step.fetched.body) <= limit


def store_outcome(
    *, run: MonitoringRun, agency: Agency, site: engine.SiteResult, checked: dict[str, Any] | None
) -> Outcome:
    """Store what the run found for ``agency``: the outcome, every fetch with its bytes where kept, and the
    report as the checker read it (an ``ImportedReport`` the roll-up counts). Call inside the job's step
    (one transaction: the outcome is stored whole or not at all; unique per run and agency)."""
    with transaction.atomic():
        imported = None
        counts: dict[str, int] | None = None
        if checked is not None:
            counts = severity_counts(checked)
            imported = ImportedReport.objects.create(
                agency=agency,
                imported_for=run.seat,
                purpose=ImportPurpose.MONITORING,
                year=run.year,
                filename=site.report_filename[-255:],
                agency_name=str(checked.get("agency") or "")[:200],
                error_count=counts["error"],
                warning_count=counts["warning"],
                result=checked,
                imported_by=run.started_by,
                source_url=site.report_url[:2000],
                published_on=site.published_on,
            )
        deadline, timeliness = _timeliness(agency, run, site.published_on)
        outcome = Outcome.objects.create(
            run=run,
            agency=agency,
            column_url=site.column_url[:2000],
            status=site.status,
            error=site.error[:40],
            report_url=site.report_url[:2000],
            report_title=site.report_title[:500],
            published_on=site.published_on,
            deadline=deadline,
            timeliness=timeliness if site.status == engine.FOUND else "",
            imported=imported,
            error_count=counts["error"]
            if counts is not None and "unreadable" not in (checked or {})
            else None,
            warning_count=(
                counts["warning"] if counts is not None and "unreadable" not in (checked or {}) else None
            ),
        )
        for step in site.steps:
            _store_fetch(outcome, step)
        record_audit(
            None,
            "monitoring.agency_checked",
            outcome,
            agency=run.seat,
            run=run.pk,
            checked_agency=agency.pk,
            status=site.status,
            error=site.error,
            report_url=site.report_url,
            published_on=site.published_on.isoformat() if site.published_on else None,
            imported=imported.pk if imported else None,
        )
    return outcome


def _store_fetch(outcome: Outcome, step: engine.Step) -> Fetch:
    fetched = step.fetched
    record = Fetch(
        outcome=outcome,
        role=step.role,
        url=fetched.url[:2000],
        final_url=fetched.final_url[:2000],
        fetched_at=fetched.fetched_at,
        http_status=fetched.status,
        error=fetched.error[:40],
        sha256=fetched.sha256 if fetched.body or not fetched.error else "",
        size=len(fetched.body),
        content_type=fetched.content_type[:200],
    )
    if fetched.body and _keep_bytes(step):
        suffix = engine.filename_for(fetched).rsplit(".", 1)[-1]
        record.file.save(f"{fetched.sha256}.{suffix}", ContentFile(fetched.body), save=False)
    record.save()
    return record


def finish_run(run: MonitoringRun) -> None:
    MonitoringRun.objects.filter(pk=run.pk, finished_at__isnull=True).update(finished_at=timezone.now())


def start_scheduled(seat: Agency, year: int, today: datetime.date) -> MonitoringRun | None:
    """The seat's scheduled run for ``year``, created unless one exists (the database keeps it to one)."""
    if MonitoringRun.objects.filter(seat=seat, year=year, scheduled=True).exists():
        return None
    try:
        return create_run(actor=None, seat=seat, year=year, today=today, scheduled=True)
    except IntegrityError:  # another worker created it at the same moment
        return None
