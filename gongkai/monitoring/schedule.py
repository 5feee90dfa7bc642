"""When the schedule starts a seat's monitoring run (decision D-monitor, docs/monitoring.md).

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
    found = Agency.objects.filter(memberships__role=Role.SUPERVISOR).distinct().order_by("path", "pk")
    return [seat for seat in found if Agency.objects.subtree_of(seat).exclude(report_column_url="").exists()]


def start_due_runs(today: datetime.date) -> list[MonitoringRun]:
    """Start the runs due ``today`` (the report year is last year); each at most once."""
    year = today.year - 1
    started: list[MonitoringRun] = []
    for seat in seats():
        if today < due_date(seat, year):
            continue
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
