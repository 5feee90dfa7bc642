"""``gongkai deadline``: the answer deadline of an application (答复期限), explained.

gongkai deadline --received 2026-02-10
gongkai deadline --received 2026-03-02 --channel post_ordinary --confirmed 2026-03-04 --json
gongkai deadline --received 2026-06-01 --pause 2026-06-03:2026-06-09 --extended

Runs in a plain shell (no SECRET_KEY needed, see ``gongkai.cli``). It reads the years an administrator
loaded into the database; when the database is not set up it uses the built-in calendar and says so.
A due date counted over a year whose notice is not loaded is labelled 暂定 (provisional, decisions D17);
``--json`` gives ``"provisional": true|false``.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongkai.applications.calculator import (
    CHANNEL_CHOICES,
    CalculatorError,
    Result,
    calculate,
    calendar_in_force,
    parse_date,
    parse_pause,
)
from gongkai.applications.clock import fmt
from gongkai.core.i18n import render
from gongkai.statute.periods import (
    ANSWER_WORKING_DAYS,
    CORRECTION_NOTICE_WORKING_DAYS,
    EXTENSION_WORKING_DAYS,
)
from gongkai.workdays.calendar import CalendarNotLoaded
from gongkai.workdays.provisional import PROVISIONAL_LABEL, PROVISIONAL_NOTE


def _date(value: str | None, label: str) -> datetime.date | None:
    return parse_date(value, label) if value else None


class Command(BaseCommand):
    help = (
        f"计算政府信息公开申请的答复期限（条例第三十一、三十三条）：自收到申请之日的次日起算第{ANSWER_WORKING_DAYS}个工作日，"
        "补正、征求意见和延期按规定处理；工作日按国务院办公厅放假通知。"
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        channels = "，".join(f"{value}＝{label}" for value, label in CHANNEL_CHOICES)
        parser.add_argument(
            "--received", metavar="DATE", help="申请到达之日（当面提交、签收、网上提交之日），如 2026-02-10"
        )
        parser.add_argument("--channel", default="in_person", help=f"提交方式（默认 in_person）：{channels}")
        parser.add_argument(
            "--confirmed", metavar="DATE", help="与申请人确认收到之日（平信邮寄、电子邮件、传真必填）"
        )
        parser.add_argument(
            "--correction-received",
            metavar="DATE",
            help="发出补正告知后，收到补正后申请之日（期限自该日重新计算）",
        )
        parser.add_argument(
            "--correction-requested",
            metavar="DATE",
            help=f"发出补正告知之日（可选，用于检查{CORRECTION_NOTICE_WORKING_DAYS}个工作日的告知时限）",
        )
        parser.add_argument(
            "--pause",
            action="append",
            default=[],
            metavar="START:END",
            help="征求意见等暂停计时的期间，如 2026-03-02:2026-03-06（可重复；重叠的日子只扣除一次）",
        )
        parser.add_argument(
            "--extended",
            action="store_true",
            help=f"经工作机构负责人批准延期（延长{EXTENSION_WORKING_DAYS}个工作日）",
        )
        parser.add_argument("--today", metavar="DATE", help="按这一天计算剩余工作日（默认今天）")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出结果")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["received"]:
            raise CommandError("请用 --received 给出申请到达之日，例如 --received 2026-02-10。", returncode=2)
        calendar, note = calendar_in_force()
        if note:
            self.stderr.write(note)
        try:
            result = calculate(
                received=parse_date(options["received"], "--received 申请到达之日"),
                channel=options["channel"],
                confirmed=_date(options["confirmed"], "--confirmed 确认收到之日"),
                correction_received=_date(
                    options["correction_received"], "--correction-received 收到补正之日"
                ),
                correction_requested=_date(
                    options["correction_requested"], "--correction-requested 补正告知之日"
                ),
                pauses=[parse_pause(value) for value in options["pause"]],
                extended=options["extended"],
                today=_date(options["today"], "--today"),
                calendar=calendar,
            )
        except (CalculatorError, CalendarNotLoaded) as exc:
            raise CommandError(str(exc), returncode=2) from exc
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
        else:
            self._print(result)

    def _print(self, result: Result) -> None:
        receipt = datetime.date.fromisoformat(result["receipt_date"])
        due = datetime.date.fromisoformat(result["due_date"])
        self.stdout.write(f"收到申请之日：{fmt(receipt)}")
        label = f"（{render(PROVISIONAL_LABEL)}）" if result["provisional"] else ""
        self.stdout.write(f"答复期限：{fmt(due)}{label}（{result['working_days']}个工作日）")
        if result["original_due_date"] != result["due_date"] and result["working_days"] > 20:
            original = datetime.date.fromisoformat(result["original_due_date"])
            self.stdout.write(f"原答复期限：{fmt(original)}（延期前）")
        self.stdout.write("计算过程：")
        for number, line in enumerate(result["explanation"], start=1):
            self.stdout.write(f"  {number}. {line}")
        if result["provisional"]:
            self.stdout.write(render(PROVISIONAL_NOTE))
        if result["flags"]:
            self.stdout.write("请注意：")
            for flag in result["flags"]:
                self.stdout.write(f"  - {flag}")
