"""``gongkai files``: the stored files (docs/deployment.md, "Files").

gongkai files move --to database|s3 [--dry-run]   move every stored file from the other storage to the one
                                                   GONGKAI_FILE_STORAGE names (verified by SHA-256;
                                                   run again after an interruption to finish)
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from gongkai.core import filemove
from gongkai.core.audit import record_audit
from gongkai.core.storage import STORAGE_NAMES, storage_named

OUTCOME_LABELS = {
    filemove.COPIED: "已移动",
    filemove.ALREADY: "已在目标存储中",
    filemove.WOULD_COPY: "将移动",
    filemove.MISSING: "两处都找不到",
    filemove.FAILED: "校验失败，未删除原文件",
}


class Command(BaseCommand):
    help = "存储的文件：在数据库和对象存储（S3）之间移动全部文件。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="move")
        move = sub.add_parser(
            "move", help="把全部文件从另一个存储移到 GONGKAI_FILE_STORAGE 所指的存储（逐个以 SHA-256 校验）"
        )
        move.add_argument("--to", required=True, choices=STORAGE_NAMES, help="目标存储：database 或 s3")
        move.add_argument("--dry-run", action="store_true", help="只统计要移动的文件，不作改动")

    def handle(self, *args: Any, **options: Any) -> None:
        self._move(options["to"], dry_run=options["dry_run"])

    def _move(self, to: str, *, dry_run: bool) -> None:
        configured = settings.GONGKAI_FILE_STORAGE
        if to != configured:
            raise CommandError(
                _(
                    "目标存储 %(to)s 与站点配置不一致（GONGKAI_FILE_STORAGE=%(configured)s）："
                    "站点只从配置的存储读取文件。请先把 GONGKAI_FILE_STORAGE 设为 %(to)s，再运行本命令。"
                )
                % {"to": to, "configured": configured}
            )
        origin = next(name for name in STORAGE_NAMES if name != to)
        if origin not in settings.STORAGES:
            raise CommandError(
                _("无法读取原存储 %(origin)s：请同时设置 GONGKAI_S3_BUCKET 等 S3 参数，以便从中取出文件。")
                % {"origin": origin}
            )

        def progress(done: int, total: int, name: str, outcome: str) -> None:
            self.stderr.write(f"[{done}/{total}] {name}: {_(OUTCOME_LABELS[outcome])}")

        result = filemove.move_files(
            storage_named(origin), storage_named(to), dry_run=dry_run, progress=progress
        )
        if dry_run:
            self.stdout.write(
                _(
                    "共 %(total)s 个文件：%(would)s 个将从 %(origin)s 移到 %(to)s，"
                    "%(already)s 个已在目标存储中，%(missing)s 个两处都找不到。本次只统计，未作改动。"
                )
                % {**result.counts(), "would": result.would_copy, "origin": origin, "to": to}
            )
            return
        with transaction.atomic():
            record_audit(None, "files.moved", None, None, origin=origin, to=to, **result.counts())
        self.stdout.write(
            _(
                "共 %(total)s 个文件：%(copied)s 个已从 %(origin)s 移到 %(to)s，"
                "%(already)s 个原已在目标存储中，%(missing)s 个两处都找不到，%(failed)s 个校验失败。"
            )
            % {**result.counts(), "origin": origin, "to": to}
        )
        problems = [*result.missing, *result.failed]
        if problems:
            raise CommandError(
                _(
                    "有 %(n)s 个文件未能移动（见上文，原文件均未删除）：%(names)s。"
                    "排除问题后可再次运行本命令。"
                )
                % {"n": len(problems), "names": "、".join(problems[:20])},
                returncode=1,
            )
