"""The monitoring run as a job: every agency's outcome stored once with its evidence and its checked report,
a killed run resumed without checking an agency twice, the schedule's once-a-year start."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import IntegrityError

from gongkai.annual.models import ImportedReport, ImportPurpose, LocalDeadline
from gongkai.core.models import AuditEvent
from gongkai.jobs import runner
from gongkai.jobs import services as jobs
from gongkai.jobs.models import Job, JobStatus
from gongkai.monitoring import engine, schedule, services
from gongkai.monitoring.models import Fetch, MonitoringRun, Outcome
from tests.monitoring.conftest import YEAR, World
from tests.support.column_site import ColumnSite

TODAY = datetime.date(YEAR + 1, 4, 10)


def start(world: World) -> tuple[MonitoringRun, Job]:
    run = services.create_run(actor=world.supervisor, seat=world.seat, year=YEAR, today=TODAY)
    job = jobs.start("monitoring.run", actor=world.supervisor, agency=world.seat, params={"run": run.pk})
    services.attach_job(run, str(job.pk))
    return run, job


def test_a_run_stores_every_agency_with_its_evidence(world: World, site: ColumnSite) -> None:
    run, job = start(world)
    assert runner.execute(job.pk) == JobStatus.SUCCEEDED
    outcomes = {o.agency_id: o for o in Outcome.objects.filter(run=run)}
    assert len(outcomes) == len(site.agencies)
    for item in site.agencies:
        outcome = outcomes[world.agencies[item.slug].pk]
        assert outcome.status == item.expected, item.slug
        fetches = list(Fetch.objects.filter(outcome=outcome))
        assert fetches and all(f.fetched_at and f.url for f in fetches)
        if item.expected == engine.FOUND:
            assert outcome.published_on == item.published_on
            assert outcome.imported is not None
            assert outcome.imported.purpose == ImportPurpose.MONITORING
            assert outcome.imported.source_url == outcome.report_url
            assert outcome.error_count == 0
            report = fetches[-1]
            assert report.role == "report" and len(report.sha256) == 64 and report.http_status == 200
            with report.file.open("rb") as stored:
                assert stored.read()[:4] in (b"%PDF", b"PK\x03\x04") or report.content_type.startswith(
                    "text/html"
                )
        else:
            assert outcome.imported is None
    late = outcomes[world.agencies["chengguan"].pk]
    assert (late.deadline, late.timeliness) == (datetime.date(YEAR + 1, 2, 28), "late")
    assert outcomes[world.agencies["nr"].pk].timeliness == "on_time"
    assert outcomes[world.agencies["donghu"].pk].error == "timeout"
    assert outcomes[world.agencies["edu"].pk].error == "robots"
    run.refresh_from_db()
    assert run.finished_at is not None
    assert AuditEvent.objects.filter(action="monitoring.agency_checked").count() == len(site.agencies)


def test_a_killed_run_resumes_and_checks_each_agency_once(
    world: World, site: ColumnSite, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    settings.GONGKAI_MONITOR_CONCURRENCY = 1  # one agency at a time: the order of the fetches is known
    run, job = start(world)
    real = engine.monitor_column
    calls: list[str] = []

    def killed_after_three(fetcher: Any, url: str, year: int, **kwargs: Any) -> engine.SiteResult:
        calls.append(url)
        if len(calls) == 4:
            raise SystemError("worker killed")  # the worker dies while fetching the 4th agency
        return real(fetcher, url, year, **kwargs)

    monkeypatch.setattr(engine, "monitor_column", killed_after_three)
    assert runner.execute(job.pk) == JobStatus.FAILED
    assert Outcome.objects.filter(run=run).count() == 3
    jobs.retry(Job.objects.get(pk=job.pk), actor=world.supervisor)
    assert runner.execute(job.pk) == JobStatus.SUCCEEDED
    found = [a for a in site.agencies if a.expected == engine.FOUND]
    assert Outcome.objects.filter(run=run).count() == len(site.agencies)
    for item in site.agencies:
        assert calls.count(item.column_url) == (2 if calls.index(item.column_url) == 3 else 1), item.slug
    for item in found:
        agency = world.agencies[item.slug]
        assert ImportedReport.objects.filter(agency=agency, purpose=ImportPurpose.MONITORING).count() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.total == len(site.agencies)


def test_a_killed_run_of_several_agencies_at_once_stores_each_agency_once(
    world: World, site: ColumnSite, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    """Four agencies fetched at once: a fetch that dies fails the run; what was fetched ahead is not stored,
    and the retry stores every agency (and imports every report) exactly once."""
    settings.GONGKAI_MONITOR_CONCURRENCY = 4
    run, job = start(world)
    real = engine.monitor_column
    doomed = services.targets(run)[4].report_column_url  # the fifth agency in the run's order
    failed_once: list[str] = []

    def dies_on_the_fifth(fetcher: Any, url: str, year: int, **kwargs: Any) -> engine.SiteResult:
        if url == doomed and not failed_once:
            failed_once.append(url)
            raise SystemError("worker killed")
        return real(fetcher, url, year, **kwargs)

    monkeypatch.setattr(engine, "monitor_column", dies_on_the_fifth)
    assert runner.execute(job.pk) == JobStatus.FAILED
    assert Outcome.objects.filter(run=run).count() == 4  # the four before it, in order
    jobs.retry(Job.objects.get(pk=job.pk), actor=world.supervisor)
    assert runner.execute(job.pk) == JobStatus.SUCCEEDED
    outcomes = {o.agency_id: o for o in Outcome.objects.filter(run=run)}
    assert len(outcomes) == len(site.agencies)
    for item in site.agencies:
        agency = world.agencies[item.slug]
        assert outcomes[agency.pk].status == item.expected, item.slug
        expected = 1 if item.expected == engine.FOUND else 0
        imported = ImportedReport.objects.filter(agency=agency, purpose=ImportPurpose.MONITORING).count()
        assert imported == expected, item.slug


def test_only_the_seats_supervisor_starts_a_run(world: World) -> None:
    from django.core.exceptions import PermissionDenied, ValidationError

    with pytest.raises(PermissionDenied):
        services.create_run(actor=world.other_supervisor, seat=world.seat, year=YEAR, today=TODAY)
    with pytest.raises(ValidationError):
        services.create_run(actor=world.supervisor, seat=world.seat, year=TODAY.year, today=TODAY)


def test_the_schedule_starts_once_a_year_after_the_last_deadline(world: World) -> None:
    assert schedule.due_date(world.seat, YEAR) == datetime.date(YEAR + 1, 4, 1)
    assert schedule.start_due_runs(datetime.date(YEAR + 1, 3, 31)) == []
    first = schedule.start_due_runs(datetime.date(YEAR + 1, 4, 1))
    assert [r.seat for r in first] == [world.seat] and first[0].scheduled
    assert schedule.start_due_runs(datetime.date(YEAR + 1, 4, 2)) == []
    # One job (queued: the test database never commits), linked to the run.
    job = Job.objects.get(kind="monitoring.run")
    assert job.params == {"run": first[0].pk} and job.owner is None and job.agency == world.seat
    first[0].refresh_from_db()
    assert first[0].job_id == str(job.pk)
    with pytest.raises(IntegrityError):
        MonitoringRun.objects.create(seat=world.seat, year=YEAR, scheduled=True)


def test_a_later_township_deadline_moves_the_schedule(world: World) -> None:
    LocalDeadline.objects.filter(supervisor_agency=world.seat, year=YEAR).update(
        deadline=datetime.date(YEAR + 1, 5, 15)
    )
    assert schedule.due_date(world.seat, YEAR) == datetime.date(YEAR + 1, 5, 16)
    assert schedule.start_due_runs(datetime.date(YEAR + 1, 5, 15)) == []


def test_the_daily_schedule_starts_a_job_only_when_a_run_is_due(world: World) -> None:
    from gongkai.jobs.schedule import schedules

    daily = next(s for s in schedules() if s.name == "monitoring.schedule")
    assert daily.when is not None
    assert not daily.when(datetime.date(YEAR + 1, 3, 31))
    assert daily.when(datetime.date(YEAR + 1, 4, 1))
    schedule.start_due_runs(datetime.date(YEAR + 1, 4, 1))
    assert not daily.when(datetime.date(YEAR + 1, 4, 2))  # started once: nothing more this year


def test_a_cancelled_run_stops_between_agencies(
    world: World, site: ColumnSite, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    settings.GONGKAI_MONITOR_CONCURRENCY = 1  # the cancel is written by the fetching thread itself
    run, job = start(world)
    real = engine.monitor_column
    calls: list[str] = []

    def cancelled_during_the_second(fetcher: Any, url: str, year: int, **kwargs: Any) -> engine.SiteResult:
        calls.append(url)
        if len(calls) == 2:
            Job.objects.filter(pk=job.pk).update(cancel_requested=True)
        return real(fetcher, url, year, **kwargs)

    monkeypatch.setattr(engine, "monitor_column", cancelled_during_the_second)
    assert runner.execute(job.pk) == JobStatus.CANCELLED
    assert len(calls) == 2 and Outcome.objects.filter(run=run).count() == 2  # the second one is kept
