"""The daily reminders (``gongkai remind`` and the scheduled ``applications.remind`` job): e-mail each
agency's acting officers its open applications that are due soon or overdue, plus an in-app notice per case.

For every agency with open cases whose answer is due within 5 working days or overdue (docs/decisions.md
D6; cases whose clock is paused or that wait on a correction or a confirmation are left out, as in
the queue), each active user holding an acting role there (信息员, 信息公开工作机构负责人) gets ONE
message listing those cases: registration number, due date, working days left (or overdue) and the
link ``{GONGKAI_SITE_URL}/cases/<pk>/``. No personal data of applicants is sent.

Idempotent per day: each message is recorded (:class:`~gongkai.applications.models.ReminderMail`, one row per
day, user and agency, unique in the database) in the transaction that sends it, so a second run on the same
day — the command and the scheduled job, two workers, a retried job — sends nothing twice, and a message
whose sending failed is sent by the next run. The in-app notices are deduplicated per case, kind and day.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from gongkai.agencies.models import Agency, Membership
from gongkai.applications import permissions
from gongkai.applications.clock import DUE_SOON_WORKING_DAYS, due_soon_before
from gongkai.applications.models import Application, ReminderMail, Status
from gongkai.applications.services.refresh import refresh_paused_cases
from gongkai.core.actors import display_name
from gongkai.core.messages import N_
from gongkai.core.notifications import notify
from gongkai.workdays.calendar import CalendarNotLoaded, WorkCalendar
from gongkai.workdays.selectors import missing_calendar_years
from gongkai.workdays.store import current_calendar

OVERDUE_NOTICE = N_("申请 %(reference)s 已逾期（答复期限 %(due)s），请尽快答复。")
DUE_SOON_NOTICE = N_("申请 %(reference)s 将于 %(due)s 到期，请按时答复。")


@dataclass(frozen=True)
class Reminder:
    """One officer's message about one agency's cases."""

    user: User
    agency: Agency
    subject: str
    body: str


@dataclass
class ReminderReport:
    """What a run found and did. ``warnings`` are for the operator (stderr)."""

    today: datetime.date
    warnings: list[str] = field(default_factory=list)
    reminders: list[Reminder] = field(default_factory=list)
    by_agency: dict[int, list[Application]] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    sent: int = 0
    already_sent: int = 0
    failed: int = 0
    failures: list[str] = field(default_factory=list)
    uncomputable: list[str] = field(default_factory=list)

    @property
    def case_count(self) -> int:
        return sum(len(cases) for cases in self.by_agency.values())


def plan_reminders(*, today: datetime.date, dry_run: bool = False) -> ReminderReport:
    """The messages of ``today`` (not sent). Unless ``dry_run``, the paused cases' due dates are brought up
    to date first and the in-app notices are written (both idempotent)."""
    report = ReminderReport(today)
    calendar = current_calendar()
    try:
        soon_before = due_soon_before(calendar, today)
    except CalendarNotLoaded as exc:
        # Late December before next year's calendar is loaded: still remind of the overdue cases.
        report.warnings.append(_("警告：%(error)s 本次只提醒已逾期的申请。") % {"error": exc})
        soon_before = today
    calendar_warning = _calendar_warning(today)
    if calendar_warning:
        report.warnings.append(calendar_warning)
    site_url: str = getattr(settings, "GONGKAI_SITE_URL", "") or ""
    if not site_url:
        report.warnings.append(_("注意：未设置 GONGKAI_SITE_URL，邮件中的链接只有路径。"))

    # Cases whose clock is paused have a due date that moves every day: bring it up to date first
    # (not in a dry run, which writes nothing).
    if not dry_run:
        refresh_paused_cases(today=today)
    by_agency, agencies = _cases_by_agency(today, soon_before)
    report.by_agency = by_agency
    recipients = _recipients(list(agencies))
    for agency_id, agency_cases in by_agency.items():
        agency = agencies[agency_id]
        users = recipients.get(agency_id, [])
        if not users:
            report.warnings.append(
                _("%(agency)s：没有信息员或信息公开工作机构负责人，%(n)d 件申请无人提醒。")
                % {"agency": agency.name, "n": len(agency_cases)}
            )
            continue
        subject = _("[Gongkai] %(agency)s：%(n)d 件政府信息公开申请即将到期或已逾期") % {
            "agency": agency.name,
            "n": len(agency_cases),
        }
        if not dry_run:
            _notify(users, agency, agency_cases, today)
        lines = _case_lines(agency_cases, calendar, today, site_url)
        for user in users:
            if not user.email:
                report.skipped.append(f"{agency.name} · {user.get_username()}")
                continue
            report.reminders.append(
                Reminder(user, agency, subject, _body(user, agency, lines, today, calendar_warning))
            )
    report.uncomputable = _uncomputable()
    return report


def send_reminders(*, today: datetime.date) -> ReminderReport:
    """Plan and send ``today``'s reminders; each message at most once a day (see the module)."""
    report = plan_reminders(today=today)
    for reminder in report.reminders:
        try:
            with transaction.atomic():
                _row, created = ReminderMail.objects.get_or_create(
                    day=today, user=reminder.user, agency=reminder.agency
                )
                if created:
                    # A failure rolls the row back: the next run sends it.
                    send_mail(reminder.subject, reminder.body, None, [reminder.user.email])
        except Exception as exc:  # one bad address or a mail server hiccup must not stop the rest
            report.failed += 1
            report.failures.append(
                _("发送给 %(to)s 失败：%(error)s") % {"to": reminder.user.email, "error": exc}
            )
            continue
        if created:
            report.sent += 1
        else:
            report.already_sent += 1
    return report


def _body(user: User, agency: Agency, lines: list[str], today: datetime.date, calendar_warning: str) -> str:
    return "\n".join(
        [
            _("%(name)s，您好：") % {"name": display_name(user)},
            "",
            _("%(agency)s 有以下政府信息公开申请即将到期（%(days)s个工作日内）或已逾期（截至 %(today)s）：")
            % {"agency": agency.name, "days": DUE_SOON_WORKING_DAYS, "today": today.isoformat()},
            "",
            *lines,
            "",
            *([calendar_warning, ""] if calendar_warning else []),
            _("答复期限如何计算，见各案件页面的“期限是怎样计算的”。本邮件由 Gongkai 每日自动发送。"),
        ]
    )


def _uncomputable() -> list[str]:
    """The open cases whose deadline cannot be computed at all, one line each."""
    cases = (
        Application.objects.filter(status=Status.OPEN, due_date__isnull=True)
        .exclude(clock_problem="")
        .select_related("agency")
        .only("id", "reference", "clock_problem", "agency__id", "agency__name")
        .order_by("agency__name", "pk")
    )
    return [
        _("无法计算答复期限：%(agency)s %(reference)s：%(problem)s")
        % {"agency": case.agency.name, "reference": case.reference, "problem": case.clock_problem}
        for case in cases
    ]


def _days_text(calendar: WorkCalendar, today: datetime.date, due: datetime.date) -> str:
    try:
        if due < today:
            return _("已逾期 %(n)d 个工作日") % {"n": max(1, calendar.working_days_between(due, today))}
        left = calendar.working_days_between(today, due)
    except CalendarNotLoaded:
        return ""
    return _("今日到期") if left == 0 else _("剩余 %(n)d 个工作日") % {"n": left}


def _calendar_warning(today: datetime.date) -> str:
    """The warning about missing holiday notices (this year's; next year's from 1 October), or ""."""
    missing = missing_calendar_years(today)
    if not missing:
        return ""
    return _(
        "提醒管理员：%(years)s年的工作日历（国务院办公厅部分节假日安排的通知）尚未载入。"
        "在此之前，落在该年的答复期限按法定节假日暂定推算（标注“暂定”，未含调休），载入后自动重新计算。"
        "通知发布后请尽快载入：gongkai calendar load 文件.csv，或在管理后台“工作日历”中载入。"
    ) % {"years": "、".join(str(year) for year in missing)}


def _cases_by_agency(
    today: datetime.date, soon_before: datetime.date
) -> tuple[dict[int, list[Application]], dict[int, Agency]]:
    """The open cases due before ``soon_before`` (not waiting, or paused and overdue), by agency."""
    cases = (
        Application.objects.filter(status=Status.OPEN, due_date__lt=soon_before)
        .filter(Q(waiting_on="") | Q(paused_since__gte=F("due_date"), due_date__lt=today))
        .select_related("agency")
        .only("id", "reference", "due_date", "due_date_provisional", "agency__id", "agency__name")
        .order_by("agency__name", "agency_id", "due_date", "pk")
    )
    by_agency: dict[int, list[Application]] = defaultdict(list)
    agencies: dict[int, Agency] = {}
    for case in cases:
        by_agency[case.agency_id].append(case)
        agencies[case.agency_id] = case.agency
    return dict(by_agency), agencies


def _recipients(agency_ids: list[int]) -> dict[int, list[User]]:
    """The active users holding an acting role in each agency, by username, each once."""
    recipients: dict[int, list[User]] = defaultdict(list)
    memberships = (
        Membership.objects.filter(
            agency_id__in=agency_ids, role__in=permissions.ACTING_ROLES, user__is_active=True
        )
        .select_related("user")
        .order_by("user__username")
    )
    for membership in memberships:
        if membership.user not in recipients[membership.agency_id]:
            recipients[membership.agency_id].append(membership.user)
    return recipients


def _notify(users: list[User], agency: Agency, agency_cases: list[Application], today: datetime.date) -> None:
    """An in-app notice per case and officer (站内通知), at most one per case, kind and day."""
    for case in agency_cases:
        assert case.due_date is not None
        overdue = case.due_date < today
        kind = "case.overdue" if overdue else "case.due_soon"
        notify(
            users,
            kind=kind,
            message=OVERDUE_NOTICE if overdue else DUE_SOON_NOTICE,
            params={"reference": case.reference, "due": case.due_date.isoformat()},
            link=reverse("cases:detail", kwargs={"pk": case.pk}),
            agency=agency,
            urgent=True,
            dedupe_key=f"{kind}:{case.pk}:{today.isoformat()}",
        )


def _case_lines(
    agency_cases: list[Application], calendar: WorkCalendar, today: datetime.date, site_url: str
) -> list[str]:
    lines = []
    for case in agency_cases:
        assert case.due_date is not None
        link = site_url + reverse("cases:detail", kwargs={"pk": case.pk})
        lines.append(
            _("- %(reference)s  答复期限 %(due)s  %(days)s  %(link)s")
            % {
                "reference": case.reference,
                "due": case.due_date.isoformat() + (_("（暂定）") if case.due_date_provisional else ""),
                "days": _days_text(calendar, today, case.due_date),
                "link": link,
            }
        )
    return lines
