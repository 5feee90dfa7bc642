"""The monitoring's jobs (``gongkai.jobs``): a run over every agency, and the daily schedule that starts
each seat's run once a year after the deadlines.

``monitoring.run`` — one ``run.step(f"agency:{pk}")`` per agency: a worker killed mid-run resumes with the
agencies not yet stored (each agency is fetched, checked and stored once; its outcome, its evidence and its
``ImportedReport`` are written in the step's transaction). The fetches and the check happen *before* the
step (no transaction held open over the network), in a few threads at once (``GONGKAI_MONITOR_CONCURRENCY``,
default 4: one agency's wait for its host's turn overlaps another's fetching and reading; the shared
fetcher keeps one request per second per host across them); an agency whose outcome is already stored is
skipped without fetching.

``monitoring.schedule`` — run every day by the worker's schedule (``every_day``); see :mod:`.schedule`.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongkai.agencies.models import Agency
from gongkai.jobs.errors import JobFailed
from gongkai.jobs.registry import job_kind
from gongkai.jobs.runner import JobRun
from gongkai.jobs.schedule import every_day
from gongkai.monitoring import engine, schedule, services
from gongkai.monitoring.models import MonitoringRun, Outcome

#: What fetching and reading one agency's column gives: the site's result and the checker's JSON.
Visit = tuple[engine.SiteResult, dict[str, Any] | None]


@job_kind("monitoring.run", label=gettext_lazy("年报监测"))
def run_monitoring(run: JobRun) -> dict[str, object]:
    monitoring = (
        MonitoringRun.objects.select_related("seat").filter(pk=int(run.params.get("run") or 0)).first()
    )
    if monitoring is None:
        raise JobFailed(gettext_lazy("这次年报监测的记录已不存在。"))
    agencies = services.targets(monitoring)
    run.set_total(len(agencies))
    done = set(Outcome.objects.filter(run=monitoring).values_list("agency_id", flat=True))
    fetcher = services.make_fetcher()
    year = monitoring.year

    def visit(agency: Agency) -> Visit:
        # No database here: fetching (shared fetcher, polite per host) and reading (a limited child).
        site = engine.monitor_column(fetcher, agency.report_column_url, year)
        return site, services.check_report(site)

    # A few agencies are fetched and read at once (their waits for their hosts' turns overlap); each is
    # stored in its own step, in order, by this thread (the one with the database connection). With a
    # width of 1 there is no thread at all.
    width = max(1, int(getattr(settings, "GONGKAI_MONITOR_CONCURRENCY", 4)))
    for agency in agencies:
        if agency.pk in done:
            with run.step(f"agency:{agency.pk}"):
                pass  # stored by an earlier attempt: counted as done, not fetched again
    pending = [a for a in agencies if a.pk not in done]
    ahead: dict[int, Future[Visit]] = {}
    with ThreadPoolExecutor(max_workers=width, thread_name_prefix="monitor") as pool:
        try:
            for index, agency in enumerate(pending):
                run.check_cancelled()
                run.message(
                    _("正在监测 %(n)d/%(total)d：%(agency)s")
                    % {"n": len(done) + index + 1, "total": len(agencies), "agency": agency.name}
                )
                if width > 1:
                    for later in pending[index : index + width]:
                        if later.pk not in ahead:
                            ahead[later.pk] = pool.submit(visit, later)
                    site, checked = ahead.pop(agency.pk).result()
                else:
                    site, checked = visit(agency)
                with run.step(f"agency:{agency.pk}") as step:
                    if not step.done:
                        services.store_outcome(run=monitoring, agency=agency, site=site, checked=checked)
        finally:
            for future in ahead.values():
                future.cancel()
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
