"""The probe: a job that does nothing but take its time in steps, so an administrator can see that the
workers run jobs (after a deployment, a restart) and a test can kill a worker in the middle of one."""

from __future__ import annotations

import time
from typing import Any

from django.utils.translation import gettext_lazy as _

from gongkai.jobs.registry import job_kind
from gongkai.jobs.runner import JobRun

#: Bounds of the probe's parameters (it is started by superusers only, but stays harmless).
MAX_STEPS = 100
MAX_SECONDS = 10.0


@job_kind("jobs.probe", label=_("检查工作进程"))
def probe(run: JobRun) -> dict[str, Any]:
    steps = max(1, min(int(run.params.get("steps", 3)), MAX_STEPS))
    seconds = max(0.0, min(float(run.params.get("seconds", 0.5)), MAX_SECONDS))
    run.set_total(steps)
    ran = skipped = 0
    for i in range(steps):
        run.check_cancelled()
        with run.step(f"probe:{i}") as step:
            if step.done:
                skipped += 1
                continue
            run.message(str(_("第 %(n)d 步，共 %(total)d 步") % {"n": i + 1, "total": steps}))
            time.sleep(seconds)
            ran += 1
    return {"steps": steps, "ran": ran, "skipped": skipped, "attempt": run.job.attempts}
