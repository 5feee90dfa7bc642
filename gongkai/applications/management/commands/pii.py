"""``gongkai pii``: the applicants' personal data at rest (docs/administration.md, "Personal data").

gongkai pii new-key                              # print a fresh random data key (base64, 32 bytes)
gongkai pii rekey                                # re-seal everything with the current (first) data key
gongkai pii purge [--dry-run] [--today DATE]     # erase the personal data of cases closed longer than
                                                 # GONGKAI_PERSONAL_DATA_RETENTION_DAYS (0: off)

``rekey`` and ``purge`` are idempotent and audited; ``purge`` is meant for a daily timer.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.applications.services import rekey as rekey_service
from gongkai.applications.services import retention
from gongkai.core import sealing


def _parse_day(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(_("日期“%(value)s”无效，应为 YYYY-MM-DD。") % {"value": value}) from None


class Command(BaseCommand):
    help = _("申请人个人信息的加密存储与保存期限：生成密钥、轮换密钥后重新加密、删除超过保存期限的个人信息。")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("new-key", help=_("生成一个新的数据密钥（base64，32字节）。"))
        sub.add_parser("rekey", help=_("用当前数据密钥重新加密全部个人信息，并重新计算证件号码的查询摘要。"))
        purge = sub.add_parser("purge", help=_("删除已办结超过保存期限的申请中的个人信息。"))
        purge.add_argument("--dry-run", action="store_true", help=_("只列出将被删除个人信息的申请，不删除。"))
        purge.add_argument("--today", type=_parse_day, default=None, help=_("以该日期为今天（YYYY-MM-DD）。"))

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "new-key":
            self.stdout.write(sealing.new_key())
        elif action == "rekey":
            self._rekey()
        else:
            self._purge(options["today"] or timezone.localdate(), dry_run=options["dry_run"])

    def _rekey(self) -> None:
        def progress(table: str, done: int, total: int) -> None:
            self.stdout.write(
                _("%(table)s：已检查 %(done)s / %(total)s 行")
                % {"table": table, "done": done, "total": total}
            )

        result = rekey_service.rekey(progress=progress)
        self.stdout.write(
            _("完成：重新加密 %(rows)s 行，更正记录 %(events)s 条。")
            % {"rows": sum(result.changed.values()), "events": result.events_changed}
        )

    def _purge(self, today: datetime.date, *, dry_run: bool) -> None:
        days = settings.GONGKAI_PERSONAL_DATA_RETENTION_DAYS
        if days <= 0:
            self.stdout.write(
                _("未设定个人信息保存期限（GONGKAI_PERSONAL_DATA_RETENTION_DAYS 为 0），不删除任何个人信息。")
            )
            return
        if dry_run:
            due = list(retention.due_for_erasure(today, days))
            for application in due:
                self.stdout.write(
                    _("将删除：%(reference)s（%(agency)s，答复日期 %(day)s）")
                    % {
                        "reference": application.reference,
                        "agency": application.agency,
                        "day": application.answered_on,
                    }
                )
            listed = _(
                "共 %(n)s 件申请的个人信息到期，正式运行（不加 --dry-run）时将被删除；本次只列出，未作改动。"
            )
            self.stdout.write(listed % {"n": len(due)})
            return
        erased = retention.purge(today=today, days=days)
        for application in erased:
            self.stdout.write(_("已删除个人信息：%(reference)s") % {"reference": application.reference})
        self.stdout.write(_("共删除 %(n)s 件申请的个人信息。") % {"n": len(erased)})
