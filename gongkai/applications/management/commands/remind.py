"""``gongkai remind``: e-mail each agency's officers its open applications that are due soon or overdue.

For every agency with open cases whose answer is due within 5 working days or overdue (docs/decisions.md
D6; cases whose clock is paused or that wait on a correction or a confirmation are left out, as in
the queue), each active user holding an acting role there (信息员, 信息公开工作机构负责人) gets ONE
message listing those cases: registration number, due date, working days left (or overdue) and the
link ``{GONGKAI_SITE_URL}/cases/<pk>/``. No personal data of applicants is sent.

Each of those users also gets an in-app notice (站内通知) per case, marked urgent, at most one per case,
kind (due soon / overdue) and day: the notices are idempotent, the e-mail is not.

Meant for a daily cron job on working days, e.g. ``0 8 * * 1-5 gongkai remind``. It keeps no record
of the e-mails it sent: running it twice on one day sends the messages twice.

gongkai remind                      # send (EMAIL_BACKEND of the settings)
gongkai remind --dry-run            # print what would be sent
gongkai remind --today 2026-12-01   # as if today were that day (for testing)

From 1 October, and whenever this year's holiday notice is not loaded, it warns that the calendar of
that year is missing (on stderr and at the end of every message): until an administrator loads
it, due dates in that year are provisional (暂定, docs/decisions.md D17), counted on the statutory
holidays alone; each such due date is marked 暂定 in the messages.

Users without an e-mail address are listed as skipped. Exit status 0; 1 if the deadline of an open
case cannot be computed at all (listed on stderr; e.g. a year beyond the provisional calendar), or if
a message could not be sent (the others are still sent).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.agencies.models import Agency, Membership
from gongkai.applications import permissions, services
from gongkai.applications.clock import DUE_SOON_WORKING_DAYS, due_soon_before
from gongkai.applications.models import Application, Status
from gongkai.core.actors import display_name
from gongkai.core.messages import N_
from gongkai.core.notifications import notify
from gongkai.workdays.calendar import CalendarNotLoaded, WorkCalendar
from gongkai.workdays.selectors import missing_calendar_years
from gongkai.workdays.store import current_calendar

OVERDUE_NOTICE = N_("申请 %(reference)s 已逾期（答复期限 %(due)s），请尽快答复。")
DUE_SOON_NOTICE = N_("申请 %(reference)s 将于 %(due)s 到期，请按时答复。")


def _parse_day(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(_("日期“%(value)s”无效，应为 YYYY-MM-DD。") % {"value": value}) from None


def _days_text(calendar: WorkCalendar, today: datetime.date, due: datetime.date) -> str:
    try:
        if due < today:
            return _("已逾期 %(n)d 个工作日") % {"n": max(1, calendar.working_days_between(due, today))}
        left = calendar.working_days_between(today, due)
    except CalendarNotLoaded:
        return ""
    return _("今日到期") if left == 0 else _("剩余 %(n)d 个工作日") % {"n": left}


class Command(BaseCommand):
    help = (
        f"给各机关的信息员和信息公开工作机构负责人发送提醒邮件，列出即将到期（{DUE_SOON_WORKING_DAYS}个工作日内）或已逾期的政府信息公开申请。"
        "适合每个工作日由 cron 运行一次。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="只显示将要发送的邮件，不发送")
        parser.add_argument("--today", metavar="YYYY-MM-DD", help="按这一天计算（用于测试），默认今天")

    def handle(self, *args: Any, **options: Any) -> None:
        today = _parse_day(options["today"]) if options["today"] else timezone.localdate()
        dry_run: bool = options["dry_run"]
        calendar = current_calendar()
        try:
            soon_before = due_soon_before(calendar, today)
        except CalendarNotLoaded as exc:
            # Late December before next year's calendar is loaded: still remind of the overdue cases.
            self.stderr.write(_("警告：%(error)s 本次只提醒已逾期的申请。") % {"error": exc})
            soon_before = today
        self.calendar_warning = _calendar_warning(today)
        if self.calendar_warning:
            self.stderr.write(self.calendar_warning)
        site_url: str = getattr(settings, "GONGKAI_SITE_URL", "") or ""
        if not site_url:
            self.stderr.write(_("注意：未设置 GONGKAI_SITE_URL，邮件中的链接只有路径。"))

        # Cases whose clock is paused have a due date that moves every day: bring it up to date first
        # (not in a dry run, which writes nothing).
        if not dry_run:
            services.refresh_paused_cases(today=today)
        by_agency, agencies = _cases_by_agency(today, soon_before)
        recipients = _recipients(list(agencies))

        self.sent = self.failed = 0
        self.skipped: list[str] = []
        for agency_id, agency_cases in by_agency.items():
            agency = agencies[agency_id]
            users = recipients.get(agency_id, [])
            if not users:
                self.stderr.write(
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
                self._remind(user, agency, subject, lines, today, dry_run)

        summary = (
            _("试运行：将发送 %(sent)d 封提醒邮件（%(agencies)d 个机关，%(cases)d 件申请）。")
            if dry_run
            else _("已发送 %(sent)d 封提醒邮件（%(agencies)d 个机关，%(cases)d 件申请）。")
        ) % {"sent": self.sent, "agencies": len(by_agency), "cases": sum(len(c) for c in by_agency.values())}
        self.stdout.write(summary)
        if self.skipped:
            self.stdout.write(_("跳过（没有电子邮箱）：%(users)s") % {"users": "；".join(self.skipped)})
        problems = self._uncomputable()
        if self.failed or problems:
            failures = [_("%(n)d 封邮件发送失败。") % {"n": self.failed}] if self.failed else []
            if problems:
                failures.append(_("%(n)d 件申请的答复期限无法计算。") % {"n": problems})
            raise CommandError("".join(failures), returncode=1)

    def _uncomputable(self) -> int:
        """List the open cases whose deadline cannot be computed at all (on stderr); return how many."""
        cases = (
            Application.objects.filter(status=Status.OPEN, due_date__isnull=True)
            .exclude(clock_problem="")
            .select_related("agency")
            .only("id", "reference", "clock_problem", "agency__id", "agency__name")
            .order_by("agency__name", "pk")
        )
        count = 0
        for case in cases:
            count += 1
            self.stderr.write(
                _("无法计算答复期限：%(agency)s %(reference)s：%(problem)s")
                % {"agency": case.agency.name, "reference": case.reference, "problem": case.clock_problem}
            )
        return count

    def _remind(
        self, user: User, agency: Agency, subject: str, lines: list[str], today: datetime.date, dry_run: bool
    ) -> None:
        """Send (or, in a dry run, print) one officer's message; count it as sent, failed or skipped."""
        if not user.email:
            self.skipped.append(f"{agency.name} · {user.get_username()}")
            return
        body = "\n".join(
            [
                _("%(name)s，您好：") % {"name": display_name(user)},
                "",
                _(
                    "%(agency)s 有以下政府信息公开申请即将到期（%(days)s个工作日内）"
                    "或已逾期（截至 %(today)s）："
                )
                % {"agency": agency.name, "days": DUE_SOON_WORKING_DAYS, "today": today.isoformat()},
                "",
                *lines,
                "",
                *([self.calendar_warning, ""] if self.calendar_warning else []),
                _("答复期限如何计算，见各案件页面的“期限是怎样计算的”。本邮件由 Gongkai 每日自动发送。"),
            ]
        )
        if dry_run:
            self.stdout.write(_("收件人：%(to)s") % {"to": user.email})
            self.stdout.write(_("主题：%(subject)s") % {"subject": subject})
            self.stdout.write(body)
            self.stdout.write("")
            self.sent += 1
            return
        try:
            send_mail(subject, body, None, [user.email])
        except Exception as exc:  # one bad address or a mail server hiccup must not stop the rest
            self.failed += 1
            self.stderr.write(_("发送给 %(to)s 失败：%(error)s") % {"to": user.email, "error": exc})
        else:
            self.sent += 1


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
    return by_agency, agencies


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
