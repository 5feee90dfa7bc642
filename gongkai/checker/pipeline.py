"""Read → parse → check: the one entry point the command line, the web page and later the report
generator use.

Pure Python (no Django).
"""

from __future__ import annotations

from pathlib import Path

from gongkai.checker.checks import run_checks
from gongkai.checker.parse import parse_source
from gongkai.checker.readers import read_bytes
from gongkai.checker.result import CheckResult, ParsedReport
from gongkai.checker.source import UnreadableFile

__all__ = ["UnreadableFile", "check_bytes", "check_path", "parse_bytes", "parse_path"]


def parse_bytes(data: bytes, filename: str = "") -> ParsedReport:
    """Parse one file's content; raises :class:`UnreadableFile` (message in Chinese)."""
    return parse_source(read_bytes(data, filename))


def parse_path(path: str | Path) -> ParsedReport:
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise UnreadableFile(f"无法读取文件 {p}：{exc.strerror or exc}") from exc
    return parse_bytes(data, p.name)


def check_bytes(
    data: bytes, filename: str = "", previous: ParsedReport | None = None, path: str | None = None
) -> CheckResult:
    report = parse_bytes(data, filename)
    return CheckResult(path=path or filename, report=report, findings=run_checks(report, previous))


def check_path(path: str | Path, previous: ParsedReport | None = None) -> CheckResult:
    report = parse_path(path)
    return CheckResult(path=str(path), report=report, findings=run_checks(report, previous))
