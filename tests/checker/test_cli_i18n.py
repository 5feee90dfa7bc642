"""``gongkai check --lang en``: the severity headers and why a file cannot be read in English too; Chinese
unchanged by default."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation

from gongkai.checker.pipeline import parse_path
from gongkai.checker.source import UnreadableFile
from gongkai.core.i18n import render_error
from tests.checker.test_findings_i18n import FIXTURES

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


def run(*args: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.suppress(SystemExit):
        call_command("check_reports", *args, stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


def test_the_severity_headers_in_english_and_chinese() -> None:
    path = str(FIXTURES / "002_pingtan-2019.txt")
    english = run(path, "--lang", "en")
    assert re.search(r"^  Error \(\d+\)$", english, re.M), english
    headers = [line for line in english.splitlines() if re.match(r"^  (Error|Warning|Info\w*) ", line)]
    assert headers and not any(CJK.search(line) for line in headers)
    chinese = run(path)
    assert re.search(r"^  错误（\d+）$", chinese, re.M), chinese


def test_an_unreadable_previous_report_in_english(tmp_path: Path) -> None:
    path = str(FIXTURES / "002_pingtan-2019.txt")
    missing = f"{tmp_path}/missing.txt"
    english = run(path, "--previous", missing, "--lang", "en")
    assert f"Cannot read the file {missing}: " in english
    assert "无法读取文件" not in english
    assert "无法读取文件" in run(path, "--previous", missing)


def test_parse_path_s_refusal_keeps_its_chinese(tmp_path: Path) -> None:
    missing = f"{tmp_path}/missing.txt"
    with pytest.raises(UnreadableFile) as exc:
        parse_path(missing)
    assert str(exc.value).startswith(f"无法读取文件 {missing}：")
    with translation.override("en"):
        text = render_error(exc.value)
    assert text.startswith(f"Cannot read the file {missing}: ") and not CJK.search(text)
