"""When the schedule starts a seat's monitoring run (decision D26, docs/monitoring.md).

Once a year per seat (a 政务公开办's agency) and report year: on the first day after the last deadline of
its subtree — 31 March of the next year (条例第四十九条: the government's own report; departments' reports
were due on 31 January), or the townships' date the 政务公开办 set when that is later. A report found then
is judged on time or late by the date its column shows, so one run after the last deadline tells the
departments' timeliness as well as the governments'. The worker runs the check every day
(``every_day``); a day missed (worker down) is caught up the next day; the database allows one scheduled
run per seat and year, however many workers run the check.
"""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from gongkai.agencies.models import Agency, Role
from gongkai.annual.rollup.status import local_deadlines
from gongkai.jobs import services as jobs
from gongkai.monitoring import services
from gongkai.monitoring.models import MonitoringRun
from gongkai.reports.deadlines import statutory_deadline


def due_date(seat: Agency, year: int) -> datetime.date:
    """The day the seat's scheduled run for ``year`` may start."""
    last = statutory_deadline("government", year)
    assert last is not None
    local = local_deadlines(seat, year)
    townships = [d.deadline for d in local.values()]
    if townships:
        last = max(last, *townships)
    return last + datetime.timedelta(days=1)


def seats() -> list[Agency]:
    """The agencies where a 政务公开办 sits and below which an agency has its 年报 column address."""
    found = list(Agency.objects.filter(memberships__role=Role.SUPERVISOR).distinct().order_by("path", "pk"))
    if not found:
        return []
    addressed = list(Agency.objects.exclude(report_column_url="").values_list("pk", "path"))
    return [
        seat
        for seat in found
        if any(pk == seat.pk or path.startswith(seat.descendant_path_prefix) for pk, path in addressed)
    ]


def due_seats(today: datetime.date) -> list[Agency]:
    """The seats whose scheduled run for last year's reports is due ``today`` and not yet started."""
    year = today.year - 1
    latest_statutory = statutory_deadline("government", year)  # the latest of 第四十九条's deadlines
    if latest_statutory is not None and today <= latest_statutory:  # nothing is due before it (no query)
        return []
    done = set(MonitoringRun.objects.filter(year=year, scheduled=True).values_list("seat_id", flat=True))
    return [seat for seat in seats() if seat.pk not in done and today >= due_date(seat, year)]


def start_due_runs(today: datetime.date) -> list[MonitoringRun]:
    """Start the runs due ``today`` (the report year is last year); each at most once."""
    year = today.year - 1
    started: list[MonitoringRun] = []
    for seat in due_seats(today):
        run = services.start_scheduled(seat, year, today)
        if run is None:
            continue
        job = jobs.start(
            "monitoring.run",
            actor=None,
            agency=seat,
            params={"run": run.pk},
            title=_("%(seat)s%(year)s年度报告监测（定时）") % {"seat": seat.name, "year": year},
        )
        services.attach_job(run, str(job.pk))
        started.append(run)
    return started
