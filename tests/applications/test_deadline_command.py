"""``gongkai deadline``: readable Chinese, exact JSON, exit 2 for bad input and missing calendar years."""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from gongkai.workdays.services import CalendarRow, load_calendar

GONGKAI = Path(sys.executable).with_name("gongkai")
D = datetime.date


def deadline(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("deadline", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def plain_shell(*args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """Run ``gongkai`` with no SECRET_KEY, no debug mode and an empty (never migrated) database."""
    unset = {"SECRET_KEY", "SECRET_KEY_FILE", "GONGKAI_DEBUG", "DEBUG"}
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'never-migrated.sqlite3'}"
    return subprocess.run(
        [str(GONGKAI), *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False
    )


@pytest.mark.django_db
def test_readable_chinese_lines() -> None:
    # Hand count in tests/applications/test_deadline_calculator.py: 2026-02-10 in person -> 2026-03-16.
    out, err = deadline("--received", "2026-02-10", "--today", "2026-02-10")
    lines = out.splitlines()
    assert lines[0] == "收到申请之日：2026年2月10日（星期二）"
    assert lines[1] == "答复期限：2026年3月16日（星期一）（20个工作日）"
    assert "计算过程：" in lines
    assert "春节" in out
    assert err == ""


@pytest.mark.django_db
def test_json_is_exactly_the_result_object() -> None:
    out, _err = deadline(
        "--received", "2026-06-01", "--pause", "2026-06-03:2026-06-05", "--pause", "2026-06-04:2026-06-09",
        "--extended", "--today", "2026-06-01", "--json",
    )  # fmt: skip
    result = json.loads(out)
    assert set(result) == {
        "receipt_date",
        "due_date",
        "working_days",
        "original_due_date",
        "provisional",
        "explanation",
        "flags",
    }
    # Pauses merge into (6/3, 6/9]: 4 working days; 20th counted day 7/6, 40th 8/3:
    # 7/7–7/10(21–24) 7/13–7/17(25–29) 7/20–7/24(30–34) 7/27–7/31(35–39) 8/3(40).
    assert result["receipt_date"] == "2026-06-01"
    assert result["original_due_date"] == "2026-07-06"
    assert result["due_date"] == "2026-08-03"
    assert result["working_days"] == 40
    assert result["flags"] == []
    assert result["provisional"] is False  # 2026 is loaded (built in)
    assert out == json.dumps(result, ensure_ascii=False, indent=2) + "\n"
    assert "收到申请之日" in out  # ensure_ascii=False: Chinese as it is


@pytest.mark.django_db
def test_a_year_without_notice_gives_a_provisional_due_date_labelled_as_such() -> None:
    # 2027 is not loaded: the provisional calendar (D17) counts 1/1 元旦 (Fri) as a holiday, no 调休.
    # 2026-12-10 (Thu): 12/11(1) 12/14–18(2–6) 12/21–25(7–11) 12/28–31(12–15) 1/4–1/8(16–20).
    out, _err = deadline("--received", "2026-12-10", "--today", "2026-12-10")
    lines = out.splitlines()
    assert lines[1] == "答复期限：2027年1月8日（星期五）（暂定）（20个工作日）"
    assert "暂定：该期限按法定节假日推算（未含调休），国务院公布当年放假安排并载入后将自动重新计算。" in lines
    out, _err = deadline("--received", "2026-12-10", "--today", "2026-12-10", "--json")
    result = json.loads(out)
    assert (result["due_date"], result["provisional"]) == ("2027-01-08", True)


@pytest.mark.django_db
def test_a_year_beyond_the_provisional_years_exits_2_naming_the_year_and_the_load_command() -> None:
    with pytest.raises(CommandError) as caught:
        deadline("--received", "2100-12-20", "--today", "2100-12-20")
    assert caught.value.returncode == 2
    assert "2100年" in str(caught.value)
    assert "gongkai calendar load" in str(caught.value)


@pytest.mark.django_db
def test_a_year_loaded_by_the_administrator_is_used() -> None:
    # A test calendar for 2027 (NOT the real notice): 1/1–1/3 元旦, plus a spring holiday so it looks
    # like a whole year. 2026-12-10 (Thu): 12/11(1) 12/14–18(2–6) 12/21–25(7–11) 12/28–31(12–15)
    # 1/1 Fri 放假, 1/4 Mon(16) 1/5(17) 1/6(18) 1/7(19) 1/8 Fri(20) -> 2027-01-08.
    rows = [CalendarRow(D(2027, 1, day), "holiday", "元旦") for day in (1, 2, 3)]
    rows += [CalendarRow(D(2027, 2, day), "holiday", "春节") for day in range(6, 13)]
    load_calendar(actor=None, rows=rows, source="测试用2027年日历（非国务院办公厅通知）")
    out, _err = deadline("--received", "2026-12-10", "--today", "2026-12-10", "--json")
    assert json.loads(out)["due_date"] == "2027-01-08"
    assert json.loads(out)["provisional"] is False


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "请用 --received"),
        (("--received", "2026-02-30"), "不是有效的日期"),
        (("--received", "2026-03-02", "--channel", "post_ordinary"), "请填写确认收到的日期"),
        (("--received", "2026-03-02", "--channel", "carrier-pigeon"), "提交方式"),
        (("--received", "2026-03-02", "--pause", "2026-03-06"), "开始日期:结束日期"),
        (("--received", "2026-03-02", "--pause", "2026-03-06:2026-03-03"), "早于开始日期"),
        (("--received", "2026-03-02", "--correction-received", "2026-03-01"), "不能早于收到申请之日"),
    ],
)
def test_bad_input_exits_2_with_a_chinese_message(args: tuple[str, ...], message: str) -> None:
    with pytest.raises(CommandError) as caught:
        deadline(*args)
    assert caught.value.returncode == 2
    assert message in str(caught.value)


def test_help_works_in_a_plain_shell(tmp_path: Path) -> None:
    result = plain_shell("deadline", "--help", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "--received" in result.stdout and "--pause" in result.stdout
    listed = plain_shell("--help", tmp_path=tmp_path)
    assert any(line.split()[:1] == ["deadline"] for line in listed.stdout.splitlines())


def test_a_plain_shell_without_database_uses_the_built_in_calendar(tmp_path: Path) -> None:
    result = plain_shell(
        "deadline", "--received", "2026-02-10", "--today", "2026-02-10", "--json", tmp_path=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["due_date"] == "2026-03-16"
    assert "gongkai migrate" in result.stderr
    assert "内置日历" in result.stderr

    provisional = plain_shell(
        "deadline", "--received", "2026-12-10", "--today", "2026-12-10", "--json", tmp_path=tmp_path
    )
    assert provisional.returncode == 0, provisional.stderr
    assert json.loads(provisional.stdout)["provisional"] is True

    missing = plain_shell("deadline", "--received", "2100-12-20", tmp_path=tmp_path)
    assert missing.returncode == 2
    assert "2100年" in missing.stderr
    assert "gongkai calendar load" in missing.stderr
    assert "Traceback" not in missing.stderr
