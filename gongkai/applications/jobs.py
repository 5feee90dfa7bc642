"""The applications' jobs (:mod:`gongkai.jobs`): re-dating the open cases after a calendar change.

``applications.recompute_open_cases`` (params ``{"years": [...], "cases": n}``): one step per open case
(:func:`gongkai.applications.services.recompute_case`), each reading the calendar in force when it runs,
so a rerun after a killed worker skips the cases done, and of two loads in quick succession the later
calendar wins whichever job ends last.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gongkai.applications import services
from gongkai.jobs.registry import job_kind
from gongkai.jobs.runner import JobRun


@job_kind(services.RECOMPUTE_JOB, label=_("工作日历变更后重新计算在办申请的期限"))
def recompute_open_cases(run: JobRun) -> dict[str, object]:
    raw = run.params.get("years")
    years = sorted({int(str(year)) for year in raw}) if isinstance(raw, list) else []
    cases = list(services.cases_to_recompute(years).order_by("pk").values_list("pk", flat=True))
    run.set_total(len(cases))
    changed = 0
    for number, pk in enumerate(cases, start=1):
        run.check_cancelled()
        with run.step(f"case:{pk}") as step:
            if step.done:
                continue
            changed += services.recompute_case(pk, years=years, actor=run.actor)
        if number % 100 == 0:
            run.message(_("已重新计算 %(done)s / %(total)s 件") % {"done": number, "total": len(cases)})
    return {"cases": len(cases), "changed": changed, "next_url": reverse("cases:queue")}
