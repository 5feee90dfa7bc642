"""``check_reports`` (``gongkai check``): check annual reports on the command line and list every error.

A path may be a report's URL (``https://…``): fetched politely (``gongkai.checker.remote``; the page's
report file when the page links one) and checked like a file; one that cannot be fetched is unreadable.

Exit status: 0 when no file has an error finding, 1 when at least one has, 2 when a path could not be
read (2 wins over 1). Never needs the database.
"""

from __future__ import annotations

import csv
import json
import os
import sys
from argparse import ArgumentParser
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from gongkai.checker.pipeline import UnreadableFile, check_path, parse_bytes, parse_path
from gongkai.checker.presenters import (
    describe_location,
    finding_message,
    format_label,
    kind_label,
    layout_format,
    severity_label,
)
from gongkai.checker.remote import check_url, fetch_report, is_url, make_fetcher
from gongkai.checker.result import CheckResult, ParsedReport
from gongkai.core.i18n import language_in_argv, render_error
from gongkai.core.messages import N_
from gongkai.core.paths import shown_path
from gongkai.documents.fetch import Fetcher
from gongkai.reports.findings import SEVERITIES

#: Suffixes taken from directories (files named explicitly are checked whatever their suffix).
SUFFIXES = (".txt", ".md", ".markdown", ".htm", ".html", ".docx", ".doc", ".wps", ".pdf", ".ofd")
#: The suffixes as the messages list them.
SUFFIX_LIST = " ".join(SUFFIXES)

#: The languages ``--lang`` offers (the first is the default).
LANGUAGES = ("zh-hans", "en")

EXIT_OK = 0
EXIT_ERRORS = 1
EXIT_UNREADABLE = 2


HELP = N_("检查政府信息公开工作年度报告（文本、网页、Word、PDF），列出全部问题。")


class Command(BaseCommand):
    help = HELP
    # No system checks: the command must work without a database or a configured site.
    requires_system_checks: list[str] = []
    #: The run's fetcher for URLs (made on the first URL).
    fetcher: Fetcher | None = None

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        # The help is written in the language of ``--lang`` (read from the command line before parsing).
        with translation.override(language_in_argv(sys.argv, LANGUAGES)):
            self.help = _(HELP)
            return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "paths",
            nargs="+",
            metavar="PATH",
            help=_("要检查的文件或目录（目录中递归查找 %(suffixes)s 文件），或者报告的网址")
            % {"suffixes": SUFFIX_LIST},
        )
        parser.add_argument(
            "--json", action="store_true", help=_("以 JSON 数组输出检查结果（见 docs/check-json.md）")
        )
        parser.add_argument(
            "--csv", metavar="FILE", help=_("另把每个文件的汇总写入 CSV 文件（UTF-8，带 BOM）")
        )
        parser.add_argument("--previous", metavar="FILE", help=_("上年度报告，用于跨年度核对（如上年结转）"))
        parser.add_argument(
            "--lang",
            choices=LANGUAGES,
            default=LANGUAGES[0],
            help=_("输出所用的语言：zh-hans（简体中文，默认）或 en（英文）；--json 的 message 总是中文"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(options.get("lang") or LANGUAGES[0]):
            self._handle(**options)

    def _handle(self, **options: Any) -> None:
        self.show_traceback = bool(options.get("traceback"))
        self.fetcher = None
        status = EXIT_OK
        previous: ParsedReport | None = None
        if options["previous"]:
            previous = self._read_previous(options["previous"])
            if previous is None:
                status = EXIT_UNREADABLE

        results: list[CheckResult] = []
        rows: list[list[str]] = []
        for raw_path, problem in self._files(options["paths"]):
            result, row = self._check_file(raw_path, problem, previous)
            rows.append(row)
            if result is None:
                status = EXIT_UNREADABLE
                continue
            results.append(result)
            if result.has_errors and status == EXIT_OK:
                status = EXIT_ERRORS
            if not options["json"]:
                self._print_human(result)

        if options["json"]:
            self.stdout.write(json.dumps([r.to_json() for r in results], ensure_ascii=False, indent=2))
        elif len(rows) > 1:
            self.stdout.write(
                _("共 %(files)d 个文件：%(with_errors)d 个有错误，%(unreadable)d 个无法读取。")
                % {
                    "files": len(rows),
                    "with_errors": sum(r.has_errors for r in results),
                    "unreadable": len(rows) - len(results),
                }
            )
        if options["csv"] and not self._write_csv(options["csv"], rows):
            status = EXIT_UNREADABLE
        if status != EXIT_OK:
            sys.exit(status)

    def _read_previous(self, file: str) -> ParsedReport | None:
        """The previous year's report, or None (and a message) when it cannot be read."""
        try:
            if is_url(file):
                remote = fetch_report(file, self._fetcher())
                return parse_bytes(remote.data, remote.filename)
            return parse_path(file)
        except UnreadableFile as exc:
            self._unreadable(shown_path(file), render_error(exc), previous=True)
        except Exception as exc:
            if self.show_traceback:
                raise
            self._unreadable(shown_path(file), _crash_message(exc), previous=True)
        return None

    def _check_file(
        self, raw_path: str, problem: str | None, previous: ParsedReport | None
    ) -> tuple[CheckResult | None, list[str]]:
        """One file's result (None when it could not be read, after saying why) and its CSV row."""
        path = raw_path if is_url(raw_path) else shown_path(raw_path)
        if problem is None:
            try:
                result = self._check_one(raw_path, previous)
                result.path = path
            except UnreadableFile as exc:
                problem = render_error(exc)
            except Exception as exc:  # a bug in the checker must not hide the other files' results
                if self.show_traceback:
                    raise
                problem = _crash_message(exc)
            else:
                return result, _summary_row(result)
        self._unreadable(path, problem)
        return None, _unreadable_row(path, problem)

    def _check_one(self, raw_path: str, previous: ParsedReport | None) -> CheckResult:
        if is_url(raw_path):
            return check_url(raw_path, self._fetcher(), previous)
        return check_path(raw_path, previous=previous)

    def _fetcher(self) -> Fetcher:
        """One fetcher for the run: robots.txt read once per site, one request a second per site."""
        if self.fetcher is None:
            self.fetcher = make_fetcher()
        return self.fetcher

    # -- input ---------------------------------------------------------------------------------

    def _files(self, raw_paths: list[str]) -> Iterator[tuple[str, str | None]]:
        """Every file to check, with a reason when it cannot even be opened."""
        for raw in raw_paths:
            path = Path(raw)
            if is_url(raw):
                yield raw, None
            elif path.is_dir():
                problems: list[OSError] = []
                found: list[Path] = []
                skipped: list[Path] = []
                for root, dirs, names in os.walk(path, onerror=problems.append):
                    dirs.sort()
                    for n in names:
                        (found if Path(n).suffix.lower() in SUFFIXES else skipped).append(Path(root, n))
                for file in sorted(skipped):
                    self.stderr.write(
                        _(
                            "%(path)s：已跳过，目录中只检查后缀为 %(suffixes)s 的文件；"
                            "要检查它，请直接写出文件名"
                        )
                        % {"path": shown_path(str(file)), "suffixes": SUFFIX_LIST}
                    )
                for problem in problems:
                    where = problem.filename or raw
                    yield str(where), _("无法读取目录：%(reason)s") % {"reason": problem.strerror or problem}
                if not found and not problems:
                    self.stderr.write(
                        _("%(path)s：目录中没有可检查的文件（%(suffixes)s）")
                        % {"path": raw, "suffixes": SUFFIX_LIST}
                    )
                for file in sorted(found):
                    yield str(file), None
            elif path.exists():
                yield raw, None
            else:
                yield raw, _("文件或目录不存在")

    def _unreadable(self, path: str, reason: str, *, previous: bool = False) -> None:
        message = reason if path in reason else f"{path}：{reason}"
        self.stderr.write(_("上年度报告：%(message)s") % {"message": message} if previous else message)

    # -- output --------------------------------------------------------------------------------

    def _print_human(self, result: CheckResult) -> None:
        report = result.report
        unknown = _("未识别")
        self.stdout.write(
            self.style.MIGRATE_HEADING(
                _(
                    "■ %(path)s：%(kind)s，年度 %(year)s，应采用格式 %(format)s，表格格式 %(table_format)s，"
                    "机关 %(agency)s"
                )
                % {
                    "path": result.path,
                    "kind": kind_label(report.kind),
                    "format": format_label(report.format),
                    "table_format": format_label(report.table_format),
                    "year": report.year if report.year is not None else unknown,
                    "agency": report.agency or unknown,
                }
            )
        )
        version = layout_format(report)
        styles = {"error": self.style.ERROR, "warning": self.style.WARNING, "info": self.style.NOTICE}
        for severity in SEVERITIES:
            found = [f for f in result.findings if f.severity == severity]
            if not found:
                continue
            self.stdout.write(
                styles[severity](
                    "  "
                    + _("%(severity)s（%(count)s）")
                    % {"severity": severity_label(severity), "count": len(found)}
                )
            )
            for f in found:
                self.stdout.write(f"    - {describe_location(f, version)}：{finding_message(f)} [{f.code}]")
        self.stdout.write(
            _("  小结：错误 %(errors)d 项，警告 %(warnings)d 项，提示 %(infos)d 项。")
            % {
                "errors": result.count("error"),
                "warnings": result.count("warning"),
                "infos": result.count("info"),
            }
        )
        self.stdout.write("")

    def _write_csv(self, file: str, rows: list[list[str]]) -> bool:
        header = [
            _("文件"),
            _("类型"),
            _("格式"),
            _("年度"),
            _("机关"),
            _("错误数"),
            _("警告数"),
            _("提示数"),
            _("主要问题"),
            _("表格格式"),
        ]
        try:
            with open(file, "w", encoding="utf-8-sig", newline="") as out:
                writer = csv.writer(out)
                writer.writerow(header)
                writer.writerows(rows)
        except OSError as exc:
            self.stderr.write(
                _("无法写入 CSV 文件 %(file)s：%(reason)s") % {"file": file, "reason": exc.strerror or exc}
            )
            return False
        return True


def _crash_message(exc: Exception) -> str:
    return _("检查时程序出错（%(error)s），请把此文件发给开发人员；加 --traceback 可看详情") % {
        "error": repr(exc)
    }


def _summary_row(result: CheckResult) -> list[str]:
    report = result.report
    errors = [finding_message(f) for f in result.findings if f.severity == "error"]
    return [
        result.path,
        kind_label(report.kind),
        report.format or "",
        str(report.year) if report.year is not None else "",
        report.agency or "",
        str(result.count("error")),
        str(result.count("warning")),
        str(result.count("info")),
        pgettext("list separator", "；").join(errors[:3]),
        report.table_format or "",
    ]


def _unreadable_row(path: str, reason: str) -> list[str]:
    return [path, _("无法读取"), "", "", "", "", "", "", reason, ""]
