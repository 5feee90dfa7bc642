"""``gongkai calendar``: load a year's 放假安排 from a CSV file, or show a year's calendar.

gongkai calendar load 2027.csv --source "国办发明电〔2026〕X号"
gongkai calendar show 2027
gongkai calendar show 2027 --csv > 2027.csv    # the year in force, as a loadable file
"""

from __future__ import annotations

import os
import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from gongkai.core.formatting import weekday_name
from gongkai.workdays.builtin import builtin_source, builtin_years
from gongkai.workdays.calendar import CalendarNotLoaded, WorkCalendar
from gongkai.workdays.models import CalendarYear, DayType
from gongkai.workdays.services import (
    HEADER,
    CalendarFileError,
    YearChange,
    load_calendar,
    parse_calendar_csv,
    preview_load,
)
from gongkai.workdays.store import current_calendar, year_source

MAX_FILE_BYTES = 1024 * 1024
NOT_MIGRATED = "数据库还没有工作日历的表：请先运行 gongkai migrate。"


def _migrated() -> bool:
    return CalendarYear._meta.db_table in connection.introspection.table_names()


class Command(BaseCommand):
    help = "工作日历：载入国务院办公厅放假通知（CSV：date,type,name），或查看某年的放假与调休上班日。"

    def add_arguments(self, parser: CommandParser) -> None:
        self._parser: ArgumentParser = parser
        actions = parser.add_subparsers(dest="action", title="子命令 / subcommands", metavar="{load,show}")
        load = actions.add_parser(
            "load",
            help="从 CSV 文件载入一年或几年的放假安排（整体替换这些年份的日历）",
            description="从 CSV 文件载入放假安排。表头 date,type,name；type 为 holiday（放假）或 "
            "workday（调休上班）。文件中的每一年都整体替换该年的日历，并重新计算未办结案件的期限。",
        )
        load.add_argument("file", help="CSV 文件（UTF-8），“-”表示标准输入")
        load.add_argument("--source", default="", help="依据：通知的文号或标题，例如 国办发明电〔2026〕X号")
        load.add_argument(
            "--force", action="store_true", help="某年放假日少得不像完整年度时仍然载入（默认拒绝）"
        )
        show = actions.add_parser(
            "show", help="显示某年的放假、调休上班日和每月工作日数", description="显示某年的工作日历。"
        )
        show.add_argument("year", type=int, help="年份，例如 2026")
        show.add_argument("--csv", action="store_true", help="以可载入的 CSV 格式输出该年日历")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options.get("action")
        try:
            if action == "load":
                self.load(options["file"], options["source"], force=options["force"])
            elif action == "show":
                self.show(options["year"], as_csv=options["csv"])
            else:
                self.stdout.write(self._parser.format_help())
        except BrokenPipeError:
            # ``gongkai calendar show 2026 | head``: the reader went away, which is not an error.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())

    # --- load -------------------------------------------------------------------------------

    def _read(self, file: str) -> str:
        try:
            if file == "-":
                data = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
            else:
                with Path(file).open("rb") as handle:
                    data = handle.read(MAX_FILE_BYTES + 1)
        except OSError as exc:
            raise CommandError(f"无法读取文件 {file}：{exc.strerror or exc}", returncode=2) from exc
        if len(data) > MAX_FILE_BYTES:
            raise CommandError(f"文件 {file} 超过 1 MB，不像是放假安排的 CSV 文件。", returncode=2)
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise CommandError(
                f"文件 {file} 不是 UTF-8 编码（第 {exc.start + 1} 个字节无法识别）。"
                "请在 Excel 或 WPS 中另存为“CSV UTF-8”后再载入。",
                returncode=2,
            ) from exc

    def load(self, file: str, source: str, *, force: bool) -> None:
        text = self._read(file)
        if not _migrated():
            raise CommandError(NOT_MIGRATED, returncode=2)
        source = source.strip() or f"文件 {Path(file).name if file != '-' else '标准输入'}"
        try:
            rows = parse_calendar_csv(text)
            if not force:
                warnings = [w for change in preview_load(rows=rows, source=source) for w in change.warnings]
                if warnings:
                    raise CommandError(
                        "\n".join([*warnings, "没有载入任何内容。确认无误请加 --force 重新运行。"]),
                        returncode=2,
                    )
            changes = load_calendar(actor=None, rows=rows, source=source)
        except CalendarFileError as exc:
            raise CommandError(
                f"文件 {file} 有错误，没有载入任何内容：\n" + "\n".join(exc.errors), returncode=2
            ) from exc
        except CalendarNotLoaded as exc:  # raised by a calendar_changed receiver: all rolled back
            raise CommandError(f"{exc}\n没有载入任何内容。", returncode=2) from exc
        for change in changes:
            self._print_change(change)

    def _print_change(self, change: YearChange) -> None:
        self.stdout.write(change.summary())
        if change.is_new:
            return  # every day is new: `gongkai calendar show YEAR` lists them
        for entry in change.added:
            self.stdout.write(f"  新增：{entry.describe()}")
        for entry in change.removed:
            self.stdout.write(f"  移除：{entry.describe()}")

    # --- show -------------------------------------------------------------------------------

    def show(self, year: int, *, as_csv: bool) -> None:
        migrated = _migrated()
        # Without the table no stored year can replace a built-in one: the built-in years are in force.
        calendar = current_calendar() if migrated else WorkCalendar(builtin_years().values())
        try:
            info = calendar.year_calendar(year)
        except CalendarNotLoaded as exc:
            raise CommandError(str(exc), returncode=2) from exc
        source = year_source(year) if migrated else f"内置：{builtin_source()}"
        entries = sorted(
            [(day, DayType.HOLIDAY, name) for day, name in info.holidays.items()]
            + [(day, DayType.WORKDAY, name) for day, name in info.workdays.items()]
        )
        if as_csv:
            self.stdout.write(",".join(HEADER))
            for day, kind, name in entries:
                self.stdout.write(f"{day.isoformat()},{kind.value},{name}")
            return
        self.stdout.write(f"{year}年工作日历")
        self.stdout.write(f"来源：{source}")
        self.stdout.write("")
        self.stdout.write(f"放假 {len(info.holidays)} 天、调休上班 {len(info.workdays)} 天：")
        for day, kind, name in entries:
            self.stdout.write(f"  {day.isoformat()} {weekday_name(day)} {kind.label} {name}".rstrip())
        self.stdout.write("")
        self.stdout.write("每月工作日：")
        months = [f"{month}月 {calendar.working_days_in(year, month)} 天" for month in range(1, 13)]
        for start in range(0, 12, 4):
            self.stdout.write("  " + "  ".join(m.ljust(9) for m in months[start : start + 4]).rstrip())
        self.stdout.write(f"全年工作日：{calendar.working_days_in(year)} 天")
