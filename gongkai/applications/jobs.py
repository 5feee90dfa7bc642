"""The applications' jobs (:mod:`gongkai.jobs`): a letter's .docx made after the request, the daily
reminders, and re-dating the open cases after a calendar change.

``applications.recompute_open_cases`` (params ``{"years": [...], "cases": n}``): one step per
:data:`CHUNK` open cases (:func:`gongkai.applications.services.recompute_cases`), each chunk re-dated on the
calendar in force once its cases are locked, so a rerun after a killed worker skips the chunks done (a case
re-dated twice gets the same date and nothing logged), and of two loads in quick succession the later
calendar wins whichever job ends last. Then, one step per :data:`RETIME_CHUNK`, the closed cases first
answered in or after the first changed year get their first answer's counted working days and timeliness
read again on the new calendar (:func:`gongkai.applications.services.retime_cases`: the statistics; nothing
is logged on the case). Progress counts cases.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongkai.applications import lettering, services
from gongkai.applications.errors import CaseError
from gongkai.applications.models import Application, Letter
from gongkai.applications.services import reminders
from gongkai.core.messages import Message
from gongkai.jobs.errors import JobFailed
from gongkai.jobs.registry import job_kind
from gongkai.jobs.runner import JobRun
from gongkai.jobs.schedule import every_day
from gongkai.workdays.calendar import CalendarNotLoaded
from gongkai.workdays.store import current_calendar


@job_kind("applications.render_letter", label=_("生成文书的 Word 文件"))
def render_letter(run: JobRun) -> dict[str, object]:
    """Make one letter's .docx from the layout stored when it was issued. Idempotent: a letter already
    made is left as it is (a rerun after a killed worker, a retry, two workers at once)."""
    letter_pk = int(str(run.params["letter_id"]))
    application_pk = Letter.objects.filter(pk=letter_pk).values_list("application_id", flat=True).first()
    if application_pk is None:
        raise JobFailed(_("这份文书已不存在。"))
    run.set_total(1)
    try:
        with run.step(f"letter:{letter_pk}") as step:
            if not step.done:
                lettering.render(letter_pk)
    except CaseError as exc:
        lettering.note_render_failure(letter_pk, exc.messages[0])
        if exc.code == "letter_render_failed" and exc.params:
            raise JobFailed(Message(lettering.RENDER_FAILED, dict(exc.params))) from exc
        raise JobFailed(Message(exc.messages[0])) from exc
    return {"letter_id": letter_pk, "next_url": reverse("cases:detail", kwargs={"pk": application_pk})}


@job_kind("applications.remind", label=_("每日到期提醒"))
def remind(run: JobRun) -> dict[str, object]:
    """``gongkai remind`` as a scheduled job: each officer's reminder is sent at most once a day."""
    today = timezone.localdate()
    report = reminders.send_reminders(today=today)
    if report.failed:
        raise JobFailed(
            _("%(failed)d 封提醒邮件发送失败（已发送 %(sent)d 封）；重试只补发失败的邮件。"),
            failed=report.failed,
            sent=report.sent,
        )
    return {
        "day": today.isoformat(),
        "sent": report.sent,
        "already_sent": report.already_sent,
        "agencies": len(report.by_agency),
        "cases": report.case_count,
    }


def _working_day(day: datetime.date) -> bool:
    """Reminders go out on official working days (Monday to Friday while the year's calendar is missing)."""
    try:
        return current_calendar().is_working_day(day)
    except CalendarNotLoaded:
        return day.weekday() < 5


every_day(
    "applications.remind",
    at=getattr(settings, "GONGKAI_REMIND_AT", "07:30") or "07:30",
    kind="applications.remind",
    when=_working_day,
)


#: Cases re-dated in one step (one transaction): a commit per case would cost more than the re-dating.
CHUNK = 100
#: Closed cases whose statistics timing is read again in one step (no lock, no event: a bulk update).
RETIME_CHUNK = 2000


@job_kind(services.RECOMPUTE_JOB, label=_("工作日历变更后重新计算在办申请的期限"))
def recompute_open_cases(run: JobRun) -> dict[str, object]:
    raw = run.params.get("years")
    years = sorted({int(str(year)) for year in raw}) if isinstance(raw, list) else []
    cases = list(services.cases_to_recompute(years).order_by("pk").values_list("pk", flat=True))
    # The closed cases answered in or after the changed years: their first answer's counted working days
    # and timeliness (the statistics) are read again on the new calendar; nothing is logged on them.
    closed = list(services.cases_to_retime(years).order_by("pk").values_list("pk", flat=True))
    run.set_total(len(cases) + len(closed))
    changed = 0
    for start in range(0, len(cases), CHUNK):
        run.check_cancelled()
        chunk = cases[start : start + CHUNK]
        with run.step(f"cases:{chunk[0]}-{chunk[-1]}", count=len(chunk)) as step:
            if not step.done:
                changed += services.recompute_cases(chunk, years=years, actor=run.actor)
        done = start + len(chunk)
        run.message(_("已重新计算 %(done)s / %(total)s 件") % {"done": done, "total": len(cases)})
    for start in range(0, len(closed), RETIME_CHUNK):
        run.check_cancelled()
        chunk = closed[start : start + RETIME_CHUNK]
        with run.step(f"timing:{chunk[0]}-{chunk[-1]}", count=len(chunk)) as step:
            if not step.done:
                services.retime_cases(Application.objects.filter(pk__in=chunk))
    return {
        "cases": len(cases),
        "changed": changed,
        "timed": len(closed),
        "next_url": reverse("cases:queue"),
    }
