"""``gongkai catalogue import FILE --agency CODE [--files DIR_OR_ZIP] [--dry-run] [--skip-invalid] [--json]
[--reason TEXT]`` and ``gongkai catalogue crawl CONFIG.json --agency CODE [--dry-run] [--limit N]
[--skip-invalid] [--json] [--reason TEXT]``: the import of an existing catalogue on the command line.

``import`` reads the spreadsheet (.xlsx, or .csv in UTF-8 or GBK) and the attachments (a folder or a .zip)
and checks every row; it prints each row's errors (``第 N 行：…``). With ``--dry-run`` it prints what it
would do and changes nothing. Without ``--skip-invalid`` a file with an invalid row imports nothing. The
import itself runs as the job ``catalogue.import_sheet`` in this process (in batches of rows, audited, with
the job page on the site), which takes the rows checked here instead of reading the sheet again
(``batch.checked_here``).

``crawl`` runs the job ``catalogue.crawl`` with the JSON configuration (docs/catalogue.md); ``--dry-run``
previews the first ``--limit`` entries (10 by default).

Exit status: 0 when every row is valid; 1 when some are not (with or without ``--skip-invalid``); 2 when
the file (or the configuration, or the column) cannot be read, or the agency is unknown.
"""

from __future__ import annotations

import json
import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from gongkai.agencies.models import Agency
from gongkai.catalogue.imports import apply, batch, crawl, sheet
from gongkai.catalogue.imports.files import FilesUnreadable, open_source
from gongkai.catalogue.models import ImportOutcome
from gongkai.core.i18n import render
from gongkai.core.messages import N_, Message, message_from_json
from gongkai.jobs import services as jobs
from gongkai.jobs.models import Job, JobStatus

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_UNREADABLE = 2
#: Rows planned together in a dry run (their entries looked up in a query or two).
PLAN_CHUNK = 500

HELP = N_("主动公开目录：从表格（import）或本机关网站原有栏目（crawl）导入已公开的目录条目")

OUTCOME_WORDS: dict[str, str] = {
    ImportOutcome.CREATED: N_("新增"),
    ImportOutcome.UPDATED: N_("更新"),
    ImportOutcome.UNCHANGED: N_("无变化"),
    ImportOutcome.HELD: N_("有隐私检查命中，保存为草稿待审核"),
    ImportOutcome.INVALID: N_("有错误"),
}


class Command(BaseCommand):
    help = HELP
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        assert isinstance(parser, CommandParser)
        sub = parser.add_subparsers(dest="action", required=True, parser_class=CommandParser)
        imp = sub.add_parser("import", help=_("从表格（.xlsx 或 .csv）导入目录条目"))
        imp.add_argument("file", metavar="FILE", help=_("表格文件：.xlsx，或 UTF-8、GBK 编码的 .csv"))
        imp.add_argument("--files", metavar="DIR_OR_ZIP", help=_("附件所在的文件夹或 .zip 压缩包"))
        crawl_parser = sub.add_parser("crawl", help=_("采集本机关网站原有的公开目录栏目"))
        crawl_parser.add_argument("config", metavar="CONFIG.json", help=_("采集配置（JSON）"))
        crawl_parser.add_argument(
            "--limit", type=int, default=None, help=_("只读取前 N 条（预览默认 10 条）")
        )
        for one in (imp, crawl_parser):
            one.add_argument("--agency", required=True, metavar="CODE", help=_("机关的简称代码"))
            one.add_argument("--dry-run", action="store_true", help=_("只检查和预览，不写入任何数据"))
            one.add_argument("--skip-invalid", action="store_true", help=_("跳过有错误的行，导入其余各行"))
            one.add_argument("--json", action="store_true", help=_("以 JSON 输出结果"))
            one.add_argument("--reason", default="", help=_("直接发布的理由（记入审核记录和审计日志）"))

    def _fail(self, text: str) -> None:
        self.stderr.write(text)
        sys.exit(EXIT_UNREADABLE)

    def handle(self, *args: Any, **options: Any) -> None:
        agency = Agency.objects.filter(short_code=options["agency"]).first()
        if agency is None:
            self._fail(_("没有简称代码为“%(code)s”的机关。") % {"code": options["agency"]})
            return
        if options["action"] == "import":
            self._import(agency, options)
        else:
            self._crawl(agency, options)

    def _import(self, agency: Agency, options: dict[str, Any]) -> None:
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            self._fail(_("无法读取 %(path)s：%(reason)s") % {"path": path, "reason": exc.strerror})
            return
        try:
            with open_source(options["files"]) as source:
                checked = batch.check_sheet(data, path.name, agency, source)
        except (sheet.TableUnreadable, batch.HeaderUnusable, FilesUnreadable) as exc:
            self._fail(f"{path}：{render(exc.message)}")
            return
        for note in checked.notes:
            self.stderr.write(render(note))
        invalid = checked.invalid
        status = EXIT_INVALID if invalid else EXIT_OK
        if options["dry_run"] or (invalid and not options["skip_invalid"]):
            self._report_check(checked, agency, options, source_path=options["files"])
            if invalid and not options["dry_run"] and not options["json"]:
                self.stderr.write(
                    _("有 %(n)s 行有错误，未导入任何条目：请改正后重新导入，或加 --skip-invalid 跳过这些行。")
                    % {"n": len(invalid)}
                )
            sys.exit(status)
        inputs: list[tuple[str, bytes]] = [(path.name, data)]
        params: dict[str, Any] = {
            "command_line": True,
            "filename": path.name,
            "skip_invalid": options["skip_invalid"],
            "reason": options["reason"],
        }
        files = options["files"]
        if files and Path(files).is_file():
            inputs.append((Path(files).name, Path(files).read_bytes()))
        elif files:
            params["files_path"] = str(Path(files).resolve())
        with batch.checked_here(data, agency, checked):  # the job runs here: the sheet is checked once
            job = jobs.start(
                "catalogue.import_sheet",
                actor=None,
                agency=agency,
                params=params,
                inputs=inputs,
                run_now=True,
            )
        self._report_job(job, options)
        sys.exit(EXIT_UNREADABLE if job.status != JobStatus.SUCCEEDED else status)

    def _report_check(
        self, checked: batch.Checked, agency: Agency, options: dict[str, Any], source_path: str | None
    ) -> None:
        """The rows' errors, and (dry run) what each valid row would do."""
        lines: list[dict[str, Any]] = []
        with open_source(source_path) as source:
            for start in range(0, len(checked.rows), PLAN_CHUNK):
                chunk = [
                    apply.Planned(row, apply.prepare_files(row, source) if row.valid else [])
                    for row in checked.rows[start : start + PLAN_CHUNK]
                    if options["dry_run"] or not row.valid
                ]
                apply.plan_batch(agency, chunk)  # the rows' entries looked up together
                for planned in chunk:
                    row = planned.row
                    lines.append(
                        {
                            "line": row.position,
                            "index_number": row.index_number,
                            "title": row.title,
                            "outcome": str(planned.outcome if row.valid else ImportOutcome.INVALID),
                            "fields": planned.fields,
                            "errors": [render(m) for m in row.errors],
                        }
                    )
        self._write(lines, options, dry_run=True)

    def _write(self, lines: list[dict[str, Any]], options: dict[str, Any], *, dry_run: bool) -> None:
        if options["json"]:
            self.stdout.write(json.dumps({"dry_run": dry_run, "rows": lines}, ensure_ascii=False, indent=2))
            return
        for line in lines:
            where = _("第 %(n)s 行") % {"n": line["line"]} if isinstance(line["line"], int) else line["line"]
            word = render(OUTCOME_WORDS.get(line["outcome"], line["outcome"]))
            text = f"{where}　{line['index_number']}　{word}"
            if line["errors"]:
                text += "：" + "；".join(line["errors"])
            self.stdout.write(text)
        counts: dict[str, int] = {}
        for line in lines:
            counts[line["outcome"]] = counts.get(line["outcome"], 0) + 1
        self.stdout.write(
            "；".join(f"{render(OUTCOME_WORDS[k])} {v}" for k, v in counts.items() if k in OUTCOME_WORDS)
        )

    def _report_job(self, job: Job, options: dict[str, Any]) -> None:
        if job.status != JobStatus.SUCCEEDED:
            error = message_from_json(job.error)
            self.stderr.write(render(error) if error is not None else _("导入失败。"))
        lines = [
            {
                "line": record.position if not record.source.startswith("http") else record.source,
                "index_number": record.index_number,
                "title": record.title,
                "outcome": record.outcome,
                "fields": record.fields,
                "errors": [render(m) for m in map(message_from_json, record.errors) if m is not None],
                "hits": len(record.hits),
                "item": record.item_id,
            }
            for record in batch.records(job.pk)
        ]
        self._write(lines, options, dry_run=bool(job.params.get("dry_run")))

    def _crawl(self, agency: Agency, options: dict[str, Any]) -> None:
        try:
            config = crawl.parse_config(json.loads(Path(options["config"]).read_text(encoding="utf-8")))
        except (OSError, ValueError) as exc:
            message = exc.message if isinstance(exc, crawl.ConfigError) else Message(str(exc))
            self._fail(f"{options['config']}：{render(message)}")
            return
        limit = options["limit"] or (10 if options["dry_run"] else None)
        params: dict[str, Any] = {
            "command_line": True,
            "config": config.to_json(),
            "dry_run": options["dry_run"],
            "limit": limit,
            "skip_invalid": options["skip_invalid"],
            "reason": options["reason"],
        }
        job = jobs.start("catalogue.crawl", actor=None, agency=agency, params=params, run_now=True)
        self._report_job(job, options)
        if job.status != JobStatus.SUCCEEDED and not batch.records(job.pk).exists():
            sys.exit(EXIT_UNREADABLE)
        invalid = batch.records(job.pk).filter(outcome=ImportOutcome.INVALID).exists()
        sys.exit(EXIT_INVALID if invalid else EXIT_OK)
