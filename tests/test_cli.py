from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from gongkai import cli

pytestmark = pytest.mark.processes

GONGKAI = Path(sys.executable).with_name("gongkai")


def run_gongkai(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(GONGKAI), *args],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("subcommand", "management_command"),
    [
        ("check", "check_reports"),
        ("system-check", "check"),
        ("seed-demo", "seed_demo"),
        ("migrate", "migrate"),
        ("createsuperuser", "createsuperuser"),
        ("remove-stale-contenttypes", "remove_stale_contenttypes"),
    ],
)
def test_subcommands_map_to_management_commands(subcommand: str, management_command: str) -> None:
    assert cli.command_name(subcommand) == management_command


def test_check_runs_the_report_checker_with_its_arguments(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[list[str]] = []
    monkeypatch.setattr("django.core.management.execute_from_command_line", calls.append)
    cli.main(["check", "--agency", "demo-county", "report.docx"])
    cli.main(["system-check", "--deploy"])
    cli.main(["help", "check"])
    assert calls == [
        ["gongkai", "check_reports", "--agency", "demo-county", "report.docx"],
        ["gongkai", "check", "--deploy"],
        ["gongkai", "help", "check_reports"],
    ]


def test_help_lists_subcommands_in_chinese_and_english(tmp_path: Path) -> None:
    result = run_gongkai("--help", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    check_line = next(line for line in lines if line.split()[:1] == ["check"])
    assert "检查政府信息公开工作年度报告" in check_line
    assert "check annual OGI reports" in check_line
    for name in ("demo", "seed-demo", "system-check", "migrate", "createsuperuser"):
        assert any(line.split()[:1] == [name] for line in lines), name
    # Plain Django commands are listed too, with dashes.
    assert "makemigrations" in result.stdout
    assert "remove-stale-contenttypes" in result.stdout


def test_help_works_before_anything_is_configured(tmp_path: Path) -> None:
    unset = {"SECRET_KEY", "SECRET_KEY_FILE", "GONGKAI_DEBUG", "DEBUG"}
    env = {k: v for k, v in os.environ.items() if k not in unset}
    result = subprocess.run(
        [str(GONGKAI), "--help"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "check " in result.stdout
    assert "SECRET_KEY" in result.stdout


@pytest.mark.own_database
def test_gongkai_migrate_works_from_any_directory(tmp_path: Path) -> None:
    database = tmp_path / "elsewhere.sqlite3"
    result = run_gongkai("migrate", "--no-input", cwd=tmp_path, env={"DATABASE_URL": f"sqlite:///{database}"})
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(database) as connection:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"agencies_agency", "agencies_membership", "core_auditevent", "auth_user"} <= tables


def test_unknown_subcommand_fails(tmp_path: Path) -> None:
    result = run_gongkai("no-such-command", cwd=tmp_path)
    assert result.returncode != 0
    assert "no_such_command" in result.stderr


def test_check_needs_no_secret_key_or_debug(tmp_path: Path) -> None:
    """The checker signs nothing and needs no database: a plain shell runs it (README, docs/checker.md)."""
    unset = {"SECRET_KEY", "SECRET_KEY_FILE", "GONGKAI_DEBUG", "DEBUG"}
    env = {k: v for k, v in os.environ.items() if k not in unset}
    (tmp_path / "letter.txt").write_text("关于召开会议的通知\n请各单位准时参加。\n", encoding="utf-8")
    manage_py = Path(cli.__file__).parent.parent / "manage.py"
    for command in ([str(GONGKAI), "check"], [sys.executable, str(manage_py), "check_reports"]):
        result = subprocess.run(
            [*command, "letter.txt"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
        )
        assert result.returncode == 1, result.stderr  # not a report: an error finding, not a crash
        assert "kind.not_a_report" in result.stdout


@pytest.mark.parametrize("command", ["check", "report"])
def test_subcommand_help_speaks_the_language_of_lang(tmp_path: Path, command: str) -> None:
    args = [command, "export", "--help"] if command == "report" else [command, "--help"]
    env = {"SECRET_KEY": "x"}
    english = run_gongkai(*args, "--lang", "en", cwd=tmp_path, env=env)
    assert english.returncode == 0, english.stderr
    # argparse's own words aside, the help is English: no Chinese character anywhere.
    assert not re.search(r"[\u4e00-\u9fff]", english.stdout), english.stdout
    assert "--lang" in english.stdout
    chinese = run_gongkai(*args, cwd=tmp_path, env=env)
    assert chinese.returncode == 0, chinese.stderr
    assert "简体中文" in chinese.stdout
