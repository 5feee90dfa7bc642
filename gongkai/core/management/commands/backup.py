"""``gongkai backup ARCHIVE``: every row of every table and every stored file in one archive (a .tar that
SQLite and PostgreSQL both read; :mod:`gongkai.core.backup`, docs/deployment.md "Backup and restore")."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from gongkai.core import backup
from gongkai.core.audit import record_audit


class Command(BaseCommand):
    help = "备份：把全部数据表和存储的文件写入一个归档文件（不含数据密钥）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "archive", metavar="ARCHIVE", help="要写入的归档文件，例如 gongkai-2026-12-06.tar"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["archive"])
        if path.exists():
            raise CommandError(
                _("%(path)s 已经存在：请换一个文件名，备份不会覆盖已有的文件。") % {"path": path}
            )
        if not path.parent.is_dir():
            raise CommandError(_("目录 %(dir)s 不存在：请先创建它。") % {"dir": path.parent})
        started = time.monotonic()
        result = backup.backup(path, progress=lambda line: self.stderr.write(line))
        seconds = time.monotonic() - started
        with transaction.atomic():
            record_audit(
                None,
                "backup.created",
                archive=path.name,
                sha256=result.sha256,
                tables=result.tables,
                rows=result.rows,
                files=result.files,
                missing_files=len(result.missing_files),
            )
        self.stdout.write(
            _(
                "已备份到 %(path)s：%(tables)s 个表共 %(rows)s 行，%(files)s 个文件；归档 %(size)s 字节，"
                "用时 %(seconds).1f 秒，SHA-256 %(sha)s。数据密钥不在归档中，请另行妥善保管。"
            )
            % {
                "path": path,
                "tables": result.tables,
                "rows": result.rows,
                "files": result.files,
                "size": path.stat().st_size,
                "seconds": seconds,
                "sha": result.sha256,
            }
        )
        if result.missing_files:
            self.stderr.write(
                _("注意：有 %(n)s 个文件在存储中找不到，未能备份：%(names)s")
                % {"n": len(result.missing_files), "names": "、".join(result.missing_files[:20])}
            )
