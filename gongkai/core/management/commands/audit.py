"""``gongkai audit``: prove, archive and check the audit log (安全审计).

gongkai audit verify [--from DAY] [--to DAY]   prove the chain, or name the first broken link (exit 1)
gongkai audit archive [--dir DIR]              archive events older than GONGKAI_AUDIT_RETENTION_DAYS to a
                                               signed file, verify it, then delete them (audited)
gongkai audit verify-archive FILE              check an archive file's signature and its chain (exit 1 if not)
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.core import auditarchive, auditverify


def _day(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(_("日期“%(value)s”格式不正确，应为 YYYY-MM-DD。") % {"value": value}) from exc


class Command(BaseCommand):
    help = "审计日志：验证防篡改链（verify）、按保存期限归档（archive）、检查归档文件（verify-archive）。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="verify|archive|verify-archive")
        verify = sub.add_parser("verify", help="验证审计链；链断开时指出第一个断点并以状态 1 退出")
        verify.add_argument("--from", dest="from_day", metavar="DAY", help="从该日（含）开始，YYYY-MM-DD")
        verify.add_argument("--to", dest="to_day", metavar="DAY", help="到该日（含）为止，YYYY-MM-DD")
        archive = sub.add_parser("archive", help="把超过保存期限的审计事件写入签名归档文件，验证后删除")
        archive.add_argument(
            "--dir", dest="directory", metavar="DIR", help="归档目录（默认 GONGKAI_AUDIT_ARCHIVE_DIR）"
        )
        archive.add_argument("--today", metavar="DAY", help="按该日计算保存期限（默认今天），YYYY-MM-DD")
        check = sub.add_parser("verify-archive", help="检查归档文件的签名和其中的审计链")
        check.add_argument("file", metavar="FILE")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "verify":
            self._verify(options)
        elif action == "archive":
            self._archive(options)
        else:
            self._verify_archive(Path(options["file"]))

    def _verify(self, options: dict[str, Any]) -> None:
        from_day = _day(options["from_day"]) if options.get("from_day") else None
        to_day = _day(options["to_day"]) if options.get("to_day") else None
        result = auditverify.verify(from_day, to_day)
        if result.broken is not None:
            raise CommandError(result.broken.describe(), returncode=1)
        self.stdout.write(
            _("审计链完整：已验证 %(n)s 个事件（%(first)s 至 %(last)s），最后哈希 %(hash)s。")
            % {
                "n": result.checked,
                "first": result.first_day or "—",
                "last": result.last_day or "—",
                "hash": result.last_hash or "—",
            }
        )

    def _archive(self, options: dict[str, Any]) -> None:
        today = _day(options["today"]) if options.get("today") else timezone.localdate()
        directory = Path(options["directory"]) if options.get("directory") else None
        try:
            result = auditarchive.archive(today=today, directory=directory)
        except auditarchive.ArchiveError as exc:
            raise CommandError(
                _("未归档，未删除任何事件：%(problem)s") % {"problem": exc}, returncode=1
            ) from exc
        if result is None:
            cutoff = auditarchive.retention_cutoff(today)
            current = auditarchive.current_chain_day()
            if current is not None and current < cutoff:
                # Events older than the retention exist, but all on the chain's day in progress.
                self.stdout.write(
                    _(
                        "没有可归档的审计事件：早于 %(cutoff)s 的事件都属于审计链当前的一天（%(day)s），"
                        "这一天要等之后的日子记入新事件、这一天结束后才能归档。"
                    )
                    % {"cutoff": cutoff, "day": current}
                )
            else:
                self.stdout.write(_("没有早于 %(day)s 的审计事件，无需归档。") % {"day": cutoff})
            return
        self.stdout.write(
            _("已归档并删除 %(n)s 个审计事件（%(first)s 至 %(last)s）：%(path)s（SHA-256 %(sha)s）。")
            % {
                "n": result.count,
                "first": result.first_day,
                "last": result.last_day,
                "path": result.path,
                "sha": result.file_sha256,
            }
        )

    def _verify_archive(self, path: Path) -> None:
        check = auditarchive.verify_archive(path)
        if check.problem is not None:
            raise CommandError(check.problem, returncode=1)
        self.stdout.write(
            _("归档文件完整：签名正确，%(n)s 个事件（%(first)s 至 %(last)s）的链完整。")
            % {"n": check.count, "first": check.first_day or "—", "last": check.last_day or "—"}
        )
