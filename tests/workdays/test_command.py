"""``gongkai calendar load`` and ``gongkai calendar show``."""

from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from gongkai.core.models import AuditEvent
from gongkai.workdays.models import CalendarYear
from tests.workdays.data import CSV_2027, csv_2026_corrected

GONGKAI = Path(sys.executable).with_name("gongkai")


def run(*args: str) -> str:
    out = StringIO()
    call_command("calendar", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_show_prints_source_days_and_working_days_per_month() -> None:
    lines = run("show", "2026").splitlines()
    assert lines[0] == "2026年工作日历"
    assert lines[1] == "来源：内置：chinesecalendar 1.11.0（国务院办公厅放假通知）"
    assert "  2026-02-14 星期六 调休上班 春节" in lines
    assert "  2026-02-15 星期日 放假 春节" in lines
    assert "  2026-10-10 星期六 调休上班 国庆节" in lines
    assert "  1月 21 天    2月 16 天    3月 22 天    4月 21 天" in lines
    assert lines[-1] == "全年工作日：248 天"


@pytest.mark.django_db
def test_show_csv_round_trips_through_load(tmp_path: Path) -> None:
    text = run("show", "2025", "--csv")
    assert text.startswith("date,type,name\n2025-01-01,holiday,元旦\n")
    path = tmp_path / "2025.csv"
    path.write_text(text, encoding="utf-8")
    out = run("load", str(path), "--source", "国办发明电〔2024〕12号")
    assert out.splitlines() == ["2025年：载入 28 个放假日、5 个调休上班日（替换内置日历：没有变化）"]


@pytest.mark.django_db
def test_show_an_unloaded_year_exits_2_with_the_message() -> None:
    with pytest.raises(CommandError) as info:
        run("show", "2027")
    assert info.value.returncode == 2
    assert str(info.value).startswith("2027年的工作日历尚未载入")


@pytest.mark.django_db
def test_load_prints_what_changed(tmp_path: Path) -> None:
    new = tmp_path / "2027.csv"
    new.write_text(CSV_2027, encoding="utf-8-sig")
    assert run("load", str(new), "--source", "测试〔2026〕1号").splitlines() == [
        "2027年：载入 11 个放假日、1 个调休上班日（此前未载入）"
    ]
    assert CalendarYear.objects.get(year=2027).source == "测试〔2026〕1号"
    corrected = tmp_path / "2026.csv"
    corrected.write_text(csv_2026_corrected(), encoding="utf-8")
    assert run("load", str(corrected)).splitlines() == [
        "2026年：载入 33 个放假日、6 个调休上班日（替换内置日历：新增 1 项、移除 1 项）",
        "  新增：2026-10-08 星期四 放假 国庆节",
        "  移除：2026-10-07 星期三 放假 国庆节",
    ]
    assert CalendarYear.objects.get(year=2026).source == "文件 2026.csv"
    assert AuditEvent.objects.filter(action="calendar.year_loaded", actor=None).count() == 2
    assert run("show", "2026").splitlines()[1].startswith("来源：文件 2026.csv（系统于")


@pytest.mark.django_db
def test_a_bad_file_exits_2_with_all_errors_and_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("date,type,name\n2027-01-04,workday,元旦\n2027-13-01,holiday,元旦\n", encoding="utf-8")
    with pytest.raises(CommandError) as info:
        run("load", str(bad))
    assert info.value.returncode == 2
    message = str(info.value)
    assert message.splitlines()[0] == f"文件 {bad} 有错误，没有载入任何内容："
    assert "第2行：2027-01-04 是星期一" in message
    assert "第3行：日期“2027-13-01”不存在。" in message

    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes("date,type,name\n2027-01-01,holiday,元旦\n".encode("gbk"))
    with pytest.raises(CommandError, match="不是 UTF-8 编码") as info:
        run("load", str(gbk))
    assert info.value.returncode == 2
    with pytest.raises(CommandError, match="无法读取文件") as info:
        run("load", str(tmp_path / "missing.csv"))
    assert info.value.returncode == 2
    assert not CalendarYear.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_a_partial_year_needs_force(tmp_path: Path) -> None:
    partial = tmp_path / "partial.csv"
    partial.write_text("date,type,name\n2026-12-31,holiday,元旦\n", encoding="utf-8")
    with pytest.raises(CommandError) as info:
        run("load", str(partial))
    assert info.value.returncode == 2
    assert "2026年只有 1 个放假日" in str(info.value) and "--force" in str(info.value)
    assert not CalendarYear.objects.exists()
    assert run("load", str(partial), "--force").startswith("2026年：载入 1 个放假日")


def test_no_subcommand_prints_help() -> None:
    out = run()
    assert "{load,show}" in out and "载入" in out


def gongkai(*args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "GONGKAI_DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    return subprocess.run(
        [str(GONGKAI), *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_the_gongkai_command_shows_a_builtin_year_even_before_migrate(tmp_path: Path) -> None:
    result = gongkai("calendar", "show", "2026", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "  2026-02-14 星期六 调休上班 春节" in result.stdout.splitlines()
    result = gongkai("calendar", "show", "2027", tmp_path=tmp_path)
    assert result.returncode == 2
    assert "2027年的工作日历尚未载入" in result.stderr
    new = tmp_path / "2027.csv"
    new.write_text(CSV_2027, encoding="utf-8")
    result = gongkai("calendar", "load", str(new), tmp_path=tmp_path)
    assert result.returncode == 2
    assert "请先运行 gongkai migrate" in result.stderr
