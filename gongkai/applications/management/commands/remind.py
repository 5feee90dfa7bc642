"""``gongkai remind``: e-mail each agency's officers its open applications that are due soon or overdue.

For every agency with open cases whose answer is due within 5 working days or overdue (docs/decisions.md
D6; cases whose clock is paused or that wait on a correction or a confirmation are left out, as in
the queue), each active user holding an acting role there (信息员, 信息公开工作机构负责人) gets ONE
message listing those cases: registration number, due date, working days left (or overdue) and the
link ``{GONGKAI_SITE_URL}/cases/<pk>/``. No personal data of applicants is sent.

Each of those users also gets an in-app notice (站内通知) per case, marked urgent, at most one per case,
kind (due soon / overdue) and day.

The work is :func:`gongkai.applications.services.reminders.send_reminders`, which the worker also runs every
day as the scheduled job ``applications.remind`` (at ``GONGKAI_REMIND_AT``, default 07:30). Both are
idempotent per day: each message sent is recorded, so running it again on the same day (or the command
after the job) sends nothing twice; it says how many had already been sent. A cron job works as well,
e.g. ``0 8 * * 1-5 gongkai remind``.

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
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.applications.clock import DUE_SOON_WORKING_DAYS
from gongkai.applications.services import reminders


def _parse_day(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(_("日期“%(value)s”无效，应为 YYYY-MM-DD。") % {"value": value}) from None


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
        if dry_run:
            report = reminders.plan_reminders(today=today, dry_run=True)
        else:
            report = reminders.send_reminders(today=today)
        for warning in report.warnings:
            self.stderr.write(warning)
        for failure in report.failures:
            self.stderr.write(failure)
        counts = {"agencies": len(report.by_agency), "cases": report.case_count}
        if dry_run:
            for reminder in report.reminders:
                self.stdout.write(_("收件人：%(to)s") % {"to": reminder.user.email})
                self.stdout.write(_("主题：%(subject)s") % {"subject": reminder.subject})
                self.stdout.write(reminder.body)
                self.stdout.write("")
            summary = _("试运行：将发送 %(sent)d 封提醒邮件（%(agencies)d 个机关，%(cases)d 件申请）。") % {
                "sent": len(report.reminders),
                **counts,
            }
        else:
            summary = _("已发送 %(sent)d 封提醒邮件（%(agencies)d 个机关，%(cases)d 件申请）。") % {
                "sent": report.sent,
                **counts,
            }
        self.stdout.write(summary)
        if report.already_sent:
            self.stdout.write(
                _("今天已经发送过的 %(n)d 封提醒邮件没有重复发送。") % {"n": report.already_sent}
            )
        if report.skipped:
            self.stdout.write(_("跳过（没有电子邮箱）：%(users)s") % {"users": "；".join(report.skipped)})
        for line in report.uncomputable:
            self.stderr.write(line)
        if report.failed or report.uncomputable:
            failures = [_("%(n)d 封邮件发送失败。") % {"n": report.failed}] if report.failed else []
            if report.uncomputable:
                failures.append(_("%(n)d 件申请的答复期限无法计算。") % {"n": len(report.uncomputable)})
            raise CommandError("".join(failures), returncode=1)
