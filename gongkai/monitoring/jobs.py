"""The monitoring's jobs (``gongkai.jobs``): a run over every agency, and the daily schedule that starts
each seat's run once a year after the deadlines.

``monitoring.run`` — one ``run.step(f"agency:{pk}")`` per agency: a worker killed mid-run resumes with the
agencies not yet stored (each agency is fetched, checked and stored once; its outcome, its evidence and its
``ImportedReport`` are written in the step's transaction). The fetches and the check happen *before* the
step (no transaction held open over the network): an agency whose outcome is already stored is skipped
without fetching.

``monitoring.schedule`` — run every day by the worker's schedule (``every_day``); see :mod:`.schedule`.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongkai.jobs.errors import JobFailed
from gongkai.jobs.registry import job_kind
from gongkai.jobs.runner import JobRun
from gongkai.jobs.schedule import every_day
from gongkai.monitoring import engine, schedule, services
from gongkai.monitoring.models import MonitoringRun, Outcome


@job_kind("monitoring.run", label=gettext_lazy("年报监测"))
def run_monitoring(run: JobRun) -> dict[str, object]:
    monitoring = (
        MonitoringRun.objects.select_related("seat").filter(pk=int(run.params.get("run") or 0)).first()
    )
    if monitoring is None:
        raise JobFailed(gettext_lazy("这次年报监测的记录已不存在。"))
    agencies = services.targets(monitoring)
    run.set_total(len(agencies))
    fetcher = services.make_fetcher()
    for number, agency in enumerate(agencies, start=1):
        run.check_cancelled()
        done = Outcome.objects.filter(run=monitoring, agency=agency).exists()
        site = checked = None
        if not done:
            run.message(
                _("正在监测 %(n)d/%(total)d：%(agency)s")
                % {"n": number, "total": len(agencies), "agency": agency.name}
            )
            site = engine.monitor_column(fetcher, agency.report_column_url, monitoring.year)
            checked = services.check_report(site)
        with run.step(f"agency:{agency.pk}") as step:
            if step.done or site is None:
                continue
            services.store_outcome(run=monitoring, agency=agency, site=site, checked=checked)
    services.finish_run(monitoring)
    url = reverse("monitoring:run", args=(monitoring.seat.short_code, monitoring.pk))
    return {"agencies": len(agencies), "next_url": url}


@job_kind("monitoring.schedule", label=gettext_lazy("年报监测（定时）"))
def scheduled(run: JobRun) -> dict[str, object]:
    started = schedule.start_due_runs(timezone.localdate())
    return {"started": len(started)}


# Checked every day; a job only on the days a seat's yearly run is due (no empty job every morning).
every_day(
    "monitoring.schedule",
    at="06:30",
    kind="monitoring.schedule",
    params={},
    when=lambda today: bool(schedule.due_seats(today)),
)
