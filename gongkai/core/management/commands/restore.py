"""``gongkai restore ARCHIVE [--force] [--yes]``: put back what ``gongkai backup`` wrote, into SQLite or
PostgreSQL alike (:mod:`gongkai.core.backup`, docs/deployment.md "Backup and restore").

An empty database is migrated first. A database with data is refused unless ``--force``, which lists
what will be erased and asks for ``yes`` (unless ``--yes``). Everything is checked against the manifest;
the restore is one transaction (a failure leaves the database as it was) and is audited.
"""

from __future__ import annotations

import sys
import tarfile
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils.translation import gettext as _

from gongkai.core import backup
from gongkai.core.audit import record_audit


def _unapplied() -> bool:
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))


class Command(BaseCommand):
    help = "恢复：用 gongkai backup 的归档替换数据库中的全部数据和存储的文件。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", metavar="ARCHIVE", help="gongkai backup 写出的归档文件")
        parser.add_argument("--force", action="store_true", help="数据库中已有数据时也恢复（先全部清除）")
        parser.add_argument("--yes", action="store_true", help="与 --force 同用：不再询问确认")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["archive"])
        if not path.is_file():
            raise CommandError(_("找不到归档文件 %(path)s。") % {"path": path})
        try:
            tar = tarfile.open(path, "r:")  # noqa: SIM115 (closed by the with below)
        except (tarfile.TarError, OSError) as exc:
            raise CommandError(
                _("%(path)s 不是 gongkai backup 写出的归档：%(problem)s") % {"path": path, "problem": exc}
            ) from exc
        with tar:
            try:
                manifest = backup.read_manifest(tar)
            except backup.BackupError as exc:
                raise CommandError(_("无法恢复：%(problem)s。") % {"problem": exc}) from exc
            self._prepare(manifest)
            self._confirm(options)
            try:
                with transaction.atomic():
                    result = backup.restore(tar, manifest, progress=lambda line: self.stderr.write(line))
                    record_audit(
                        None,
                        "backup.restored",
                        archive=path.name,
                        created_at=manifest["created_at"],
                        vendor=manifest["vendor"],
                        tables=result.tables,
                        rows=result.rows,
                        files=result.files,
                        erased_rows=sum(result.erased.values()),
                    )
            except backup.BackupError as exc:
                raise CommandError(
                    _("恢复失败，数据库未作任何改动：%(problem)s。") % {"problem": exc}
                ) from exc
        self.stdout.write(
            _(
                "已从 %(path)s 恢复：%(tables)s 个表共 %(rows)s 行，%(files)s 个文件（备份于 %(created)s，"
                "来自 %(vendor)s）。可运行 gongkai audit verify 验证审计链。"
            )
            % {
                "path": path,
                "tables": result.tables,
                "rows": result.rows,
                "files": result.files,
                "created": manifest["created_at"],
                "vendor": manifest["vendor"],
            }
        )

    def _prepare(self, manifest: dict[str, Any]) -> None:
        """Migrate an empty database; refuse one whose migrations are not the archive's."""
        if _unapplied():
            if backup.row_counts():
                raise CommandError(
                    _("数据库中有数据，但尚未执行全部迁移：请先运行 gongkai migrate，或恢复到一个空数据库。")
                )
            self.stderr.write(_("数据库为空，先创建数据表（migrate）……"))
            call_command("migrate", interactive=False, verbosity=0)
        archived = {tuple(pair) for pair in manifest["migrations"]}
        current = {tuple(pair) for pair in backup.applied_migrations()}
        if archived != current:
            raise CommandError(
                _(
                    "归档由另一个版本的 Gongkai 写出（迁移不同：归档多 %(extra)s 个，"
                    "本库多 %(missing)s 个）。请用写出归档的版本恢复，再升级。"
                )
                % {"extra": len(archived - current), "missing": len(current - archived)}
            )

    def _confirm(self, options: dict[str, Any]) -> None:
        counts = backup.row_counts()
        if not counts:
            return
        listing = "\n".join(f"  {label}: {n}" for label, n in sorted(counts.items()))
        if not options["force"]:
            raise CommandError(
                _("数据库中已有数据，未恢复：\n%(listing)s\n确需用归档替换全部数据时，请加 --force。")
                % {"listing": listing}
            )
        self.stderr.write(
            _(
                "将清除数据库中的全部数据（以下各表的行，以及存放在数据库中的文件），再用归档替换：\n%(listing)s"
            )
            % {"listing": listing}
        )
        if options["yes"]:
            return
        self.stderr.write(_("确认清除并恢复，请输入 yes："))
        answer = sys.stdin.readline().strip()
        if answer != "yes":
            raise CommandError(_("未确认，未作任何改动。"))
