"""The applications' jobs (:mod:`gongkai.jobs`): re-dating the open cases after a calendar change.

``applications.recompute_open_cases`` (params ``{"years": [...], "cases": n}``): one step per
:data:`CHUNK` open cases (:func:`gongkai.applications.services.recompute_cases`), each chunk re-dated on the
calendar in force once its cases are locked, so a rerun after a killed worker skips the chunks done (a case
re-dated twice gets the same date and nothing logged), and of two loads in quick succession the later
calendar wins whichever job ends last. Progress counts cases.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gongkai.applications import services
from gongkai.jobs.registry import job_kind
from gongkai.jobs.runner import JobRun

#: Cases re-dated in one step (one transaction): a commit per case would cost more than the re-dating.
CHUNK = 100


@job_kind(services.RECOMPUTE_JOB, label=_("工作日历变更后重新计算在办申请的期限"))
def recompute_open_cases(run: JobRun) -> dict[str, object]:
    raw = run.params.get("years")
    years = sorted({int(str(year)) for year in raw}) if isinstance(raw, list) else []
    cases = list(services.cases_to_recompute(years).order_by("pk").values_list("pk", flat=True))
    run.set_total(len(cases))
    changed = 0
    for start in range(0, len(cases), CHUNK):
        run.check_cancelled()
        chunk = cases[start : start + CHUNK]
        with run.step(f"cases:{chunk[0]}-{chunk[-1]}") as step:
            if not step.done:
                changed += services.recompute_cases(chunk, years=years, actor=run.actor)
        run.advance(len(chunk) - 1)  # the step counted one
        done = start + len(chunk)
        run.message(_("已重新计算 %(done)s / %(total)s 件") % {"done": done, "total": len(cases)})
    return {"cases": len(cases), "changed": changed, "next_url": reverse("cases:queue")}
