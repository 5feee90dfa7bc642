"""``gongkai report export``: the annual report (政府信息公开工作年度报告) of an agency, or of all, as files.

    gongkai report export --agency demo-county-nr --year 2025 --to 自然资源局2025年度报告.docx
    gongkai report export --agency 11330100MB0000001R --year 2025 --to draft.pdf --draft
    gongkai report export --all --year 2025 --format html --to reports/

The format is the file's suffix (.docx, .pdf, .html or .json; with ``--all``: ``--format``, one file per
agency named ``<short_code>-<year>.<ext>``). ``CODE`` is the agency's 统一社会信用代码 (any case, spaces and
hyphens ignored) or its short code. The latest published version is exported — what the public site shows;
``--draft`` exports the current draft instead (said on stderr). The JSON is the schema ``gongkai check
--json`` prints, with the findings of the version's last pre-publication check.

Every file is written whole or not at all (a temporary file renamed into place).

``--lang en`` gives the messages and the output in English (default ``zh-hans``), as ``gongkai check`` does.

Exit status: 0 when exported; 1 when ``--all`` found nothing to export; 2 for bad input (unknown agency,
unsupported suffix or format, a year before 2019, a path that cannot be written, nothing to export for
``--agency``) and when this machine cannot produce the format (no Chinese font for PDF).
"""

from __future__ import annotations

import os
import sys
import tempfile
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from gongkai.agencies.models import Agency
from gongkai.agencies.validators import normalize_uscc
from gongkai.annual import exports
from gongkai.annual.exports import FORMAT_NAMES, choose, describe
from gongkai.annual.models import ReportVersion
from gongkai.core.i18n import language_in_argv, render_error
from gongkai.core.messages import N_
from gongkai.reports.export import FORMATS_BY_SUFFIX, ExportUnavailable, export_format
from gongkai.reports.model import FIRST_STRUCTURED_YEAR

EXIT_NOTHING_EXPORTED = 1
EXIT_BAD_INPUT = 2

#: The languages ``--lang`` offers (the first is the default).
LANGUAGES = ("zh-hans", "en")


def _suffix_list() -> str:
    """The suffixes, listed in the active language."""
    return pgettext("enumeration", "、").join(FORMATS_BY_SUFFIX)


def _error(message: str) -> CommandError:
    return CommandError(message, returncode=EXIT_BAD_INPUT)


def find_agency(code: str) -> Agency:
    """The agency whose short code or 统一社会信用代码 is ``code`` (case-insensitive)."""
    code = code.strip()
    if not code:
        raise _error(_("请用 --agency 指定机关的简称代码（例如 demo-county）或统一社会信用代码。"))
    uscc = normalize_uscc(code).upper()
    agency = Agency.objects.filter(Q(short_code=code.lower()) | Q(uscc=uscc)).order_by("pk").first()
    if agency is None:
        raise _error(
            _(
                "没有找到简称代码或统一社会信用代码为“%(code)s”的机关。"
                "请核对代码；机关列表可在管理后台（/admin/）或年度报告工作台（/reports/）查看。"
            )
            % {"code": code}
        )
    return agency


def render(version: ReportVersion, suffix: str) -> bytes:
    """The version as the bytes of a ``suffix`` file; ``CommandError`` (exit 2) when this machine cannot
    produce the format."""
    try:
        return exports.render(version, suffix)
    except ExportUnavailable as exc:
        raise _error(render_error(exc)) from exc


def _check_directory(directory: Path, *, create: bool) -> None:
    if create and not directory.exists():
        try:
            directory.mkdir(parents=True)
        except OSError as exc:
            raise _error(
                _("无法创建目录 %(directory)s：%(error)s。请换一个可写的目录。")
                % {"directory": directory, "error": exc.strerror or exc}
            ) from exc
    if not directory.exists():
        raise _error(
            _("目录 %(directory)s 不存在：请先创建该目录，或换一个保存位置。") % {"directory": directory}
        )
    if not directory.is_dir():
        raise _error(_("%(directory)s 不是目录：请换一个保存位置。") % {"directory": directory})
    if not os.access(directory, os.W_OK | os.X_OK):
        raise _error(_("没有写入目录 %(directory)s 的权限：请换一个可写的目录。") % {"directory": directory})


def write_file(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole or not at all (a temporary file in the same directory, renamed)."""
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise _error(
            _("无法写入 %(path)s：%(error)s。请换一个可写的位置。")
            % {"path": path, "error": exc.strerror or exc}
        ) from exc
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(handle, 0o666 & ~umask)  # as an ordinary new file (mkstemp makes it private)
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise _error(
            _("无法写入 %(path)s：%(error)s。请换一个可写的位置。")
            % {"path": path, "error": exc.strerror or exc}
        ) from exc


HELP = N_("导出政府信息公开工作年度报告（Word、PDF、网页或 JSON）。")


class Command(BaseCommand):
    help = HELP

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        # The help is written in the language of ``--lang`` (read from the command line before parsing).
        with translation.override(language_in_argv(sys.argv, LANGUAGES)):
            self.help = _(HELP)
            return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser: ArgumentParser) -> None:
        self._parser = parser
        actions = parser.add_subparsers(dest="action", title=_("子命令"), metavar="{export}")
        exporter = actions.add_parser(
            "export",
            help=_("把某个机关（或全部机关）某年度的年度报告导出为文件"),
            description=_(
                "导出已公开的年度报告（最新版本）；加 --draft 导出当前草稿。"
                "格式由文件后缀决定（%(suffixes)s）；--all 时用 --format 指定，"
                "每个机关一个文件，文件名为 <简称代码>-<年度>.<后缀>。"
            )
            % {"suffixes": _suffix_list()},
        )
        which = exporter.add_mutually_exclusive_group(required=True)
        which.add_argument(
            "--agency",
            metavar="CODE",
            help=_("机关的简称代码（如 demo-county）或统一社会信用代码（不区分大小写）"),
        )
        which.add_argument(
            "--all", action="store_true", help=_("导出全部机关的报告（--to 为目录，不存在时自动创建）")
        )
        exporter.add_argument(
            "--year",
            type=int,
            required=True,
            help=_("报告年度（%(first)s年起）") % {"first": FIRST_STRUCTURED_YEAR},
        )
        exporter.add_argument(
            "--to",
            required=True,
            metavar="FILE|DIR",
            help=_("保存的文件（后缀 %(suffixes)s）；--all 时为目录") % {"suffixes": _suffix_list()},
        )
        exporter.add_argument(
            "--format",
            type=str.lower,
            choices=FORMAT_NAMES,
            help=_("--all 时的导出格式：docx、pdf、html 或 json"),
        )
        exporter.add_argument(
            "--draft", action="store_true", help=_("导出当前未公开的草稿，而不是已公开的版本")
        )
        exporter.add_argument(
            "--lang",
            choices=LANGUAGES,
            default=LANGUAGES[0],
            help=_("输出所用的语言：zh-hans（简体中文，默认）或 en（英文）"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(options.get("lang") or LANGUAGES[0]):
            self._handle(**options)

    def _handle(self, **options: Any) -> None:
        if options.get("action") != "export":
            self.stdout.write(self._parser.format_help())
            return
        year: int = options["year"]
        if year < FIRST_STRUCTURED_YEAR:
            raise _error(
                _("%(year)s年度报告适用2007年条例的旧格式，本系统从%(first)s年度起生成和导出年度报告。")
                % {"year": year, "first": FIRST_STRUCTURED_YEAR}
            )
        if options["draft"]:
            self.stderr.write(_("注意：导出的是未公开的草稿（--draft），不是已公开的报告。"))
        if options["all"]:
            self.export_all(year, Path(options["to"]), options["format"], draft=options["draft"])
        else:
            self.export_one(
                options["agency"], year, Path(options["to"]), options["format"], draft=options["draft"]
            )

    def export_one(self, code: str, year: int, path: Path, format_name: str | None, *, draft: bool) -> None:
        try:
            chosen = export_format(path.suffix)
        except ValueError:
            raise _error(
                _("不支持的文件后缀“%(suffix)s”：请让 --to 的文件名以 %(suffixes)s 结尾，例如 report.docx。")
                % {"suffix": path.suffix or _("（无）"), "suffixes": _suffix_list()}
            ) from None
        if format_name and f".{format_name}" != chosen.suffix:
            raise _error(
                _(
                    "--format %(format)s 与文件后缀 %(suffix)s 不一致：导出单个机关时格式由文件后缀决定，"
                    "可以不写 --format。"
                )
                % {"format": format_name, "suffix": path.suffix}
            )
        if path.is_dir():
            raise _error(
                _("%(path)s 是一个目录：请写出要保存的文件名，例如 %(example)s。")
                % {"path": path, "example": path / ("report" + chosen.suffix)}
            )
        _check_directory(path.parent, create=False)
        agency = find_agency(code)
        versions = list(
            ReportVersion.objects.filter(report__agency=agency, report__year=year).select_related(
                "report", "report__agency"
            )
        )
        choice = choose(agency, year, versions, draft=draft)
        if choice.version is None:
            raise _error(choice.reason)
        write_file(path, render(choice.version, chosen.suffix))
        self.stdout.write(_("已导出：%(what)s → %(path)s") % {"what": describe(choice.version), "path": path})

    def export_all(self, year: int, directory: Path, format_name: str | None, *, draft: bool) -> None:
        if not format_name:
            raise _error(_("使用 --all 时请用 --format 指定导出格式：docx、pdf、html 或 json。"))
        suffix = f".{format_name}"
        _check_directory(directory, create=True)
        by_agency: dict[int, list[ReportVersion]] = {}
        for version in ReportVersion.objects.filter(report__year=year).select_related(
            "report", "report__agency"
        ):
            by_agency.setdefault(version.report.agency_id, []).append(version)
        agencies = list(Agency.objects.order_by("name", "pk"))
        exported = 0
        skipped: list[str] = []
        for agency in agencies:
            choice = choose(agency, year, by_agency.get(agency.pk, []), draft=draft)
            if choice.version is None:
                skipped.append(choice.reason)
                self.stderr.write(_("跳过：%(reason)s") % {"reason": choice.reason})
                continue
            path = directory / exports.file_name(agency, year, suffix)
            write_file(path, render(choice.version, suffix))
            exported += 1
            self.stdout.write(
                _("已导出：%(what)s → %(path)s") % {"what": describe(choice.version), "path": path}
            )
        counts = {"agencies": len(agencies), "exported": exported, "year": year, "skipped": len(skipped)}
        if draft:
            summary = (
                _("共%(agencies)s个机关：导出%(exported)s份%(year)s年度草稿，跳过%(skipped)s个机关。")
                % counts
            )
        else:
            summary = (
                _("共%(agencies)s个机关：导出%(exported)s份%(year)s年度已公开的报告，跳过%(skipped)s个机关。")
                % counts
            )
        if not exported:
            raise CommandError(
                _("%(summary)s没有可导出的报告。") % {"summary": summary}, returncode=EXIT_NOTHING_EXPORTED
            )
        self.stdout.write(summary)
