"""``scan`` (``gongkai scan``): look for personal data and sensitive words in files before they are published.

Exit status: 0 when nothing is found, 1 when anything is, 2 on bad usage or when a path (or the word list)
could not be read (2 wins over 1). Never needs the database. Raw values are never printed: every hit
is shown masked, its context too (docs/scanner.md).
"""

from __future__ import annotations

import json
import os
import re
import sys
from argparse import ArgumentParser
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from gongkai.catalogue.extract import KIND_LABELS, Extracted, extract_path
from gongkai.catalogue.scanner import Hit, scan_text
from gongkai.core.paths import shown_path

EXIT_CLEAN = 0
EXIT_FOUND = 1
EXIT_UNREADABLE = 2


@dataclass
class FileResult:
    file: str
    kind: str
    problem: str
    hits: list[Hit] = field(default_factory=list)
    extracted: Extracted | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "kind": self.kind,
            "problem": self.problem,
            "hits": [hit.to_json() for hit in self.hits],
        }


class Command(BaseCommand):
    help = (
        "检查文件（PDF、Word、Excel、文本）中的个人信息（身份证号、手机号码、固定电话、银行卡号、电子邮箱）"
        "和错敏词；只显示打码后的内容。发现问题时退出码为 1。"
    )
    # No system checks: the command must work without a database or a configured site.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "paths",
            nargs="+",
            metavar="PATH",
            help="要检查的文件或目录（目录中递归检查全部文件，跳过隐藏文件）",
        )
        parser.add_argument(
            "--json", action="store_true", help="以一个 JSON 文档输出结果（见 docs/scanner.md）"
        )
        parser.add_argument(
            "--words", metavar="FILE", help="错敏词表：UTF-8 文本文件，每行一个词（# 开头的行为注释）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        words: list[str] = []
        if options["words"]:
            try:
                words = read_words(options["words"])
            except (OSError, UnicodeDecodeError) as exc:
                why = exc.strerror if isinstance(exc, OSError) and exc.strerror else "不是 UTF-8 编码的文本"
                self.stderr.write(f"无法读取错敏词表 {shown_path(options['words'])}：{why}")
                sys.exit(EXIT_UNREADABLE)

        status = EXIT_CLEAN
        results: list[FileResult] = []
        for raw, reason in self._files(options["paths"]):
            path = shown_path(raw)
            if reason is None:
                try:
                    extracted = extract_path(raw)
                except OSError as exc:
                    reason = f"无法读取文件：{exc.strerror or exc}"
            if reason is not None:
                self.stderr.write(f"{path}：{reason}")
                results.append(FileResult(path, "unknown", reason))
                status = EXIT_UNREADABLE
                continue
            result = FileResult(path, extracted.kind, extracted.problem, extracted=extracted)
            result.hits = scan_text(extracted.text, sensitive_words=words) if extracted.text else []
            results.append(result)
            if result.hits and status == EXIT_CLEAN:
                status = EXIT_FOUND
            if not options["json"]:
                self._print_file(result)

        total = sum(len(r.hits) for r in results)
        if options["json"]:
            document = {"files": [r.to_json() for r in results], "total_hits": total}
            self.stdout.write(json.dumps(document, ensure_ascii=False, indent=2))
        else:
            self._print_summary(results, total)
        if status != EXIT_CLEAN:
            sys.exit(status)

    # -- input ---------------------------------------------------------------------------------

    def _files(self, raw_paths: list[str]) -> Iterator[tuple[str, str | None]]:
        """Every file to scan, with a reason when it cannot even be opened."""
        for raw in raw_paths:
            path = Path(raw)
            if path.is_dir():
                problems: list[OSError] = []
                found: list[Path] = []
                for root, dirs, names in os.walk(path, onerror=problems.append):
                    dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                    found += [Path(root, n) for n in names if not n.startswith((".", "~$"))]
                for problem in problems:
                    yield str(problem.filename or raw), f"无法读取目录：{problem.strerror or problem}"
                if not found and not problems:
                    self.stderr.write(f"{shown_path(raw)}：目录中没有文件")
                for file in sorted(found):
                    yield str(file), None
            elif path.is_file():
                yield raw, None
            elif path.exists():
                yield raw, "不是普通文件，无法检查"
            else:
                yield raw, "文件或目录不存在"

    # -- output --------------------------------------------------------------------------------

    def _print_file(self, result: FileResult) -> None:
        label = KIND_LABELS.get(result.kind, result.kind)
        if result.hits:
            self.stdout.write(self.style.ERROR(f"■ {result.file}（{label}）：发现 {len(result.hits)} 处"))
        elif not result.problem:
            self.stdout.write(
                self.style.MIGRATE_HEADING(f"■ {result.file}（{label}）：未发现个人信息或错敏词")
            )
        elif result.extracted is not None and result.extracted.text.strip():
            self.stdout.write(
                self.style.WARNING(f"■ {result.file}（{label}）：已检查的部分未发现个人信息或错敏词")
            )
        else:
            self.stdout.write(self.style.WARNING(f"■ {result.file}（{label}）：未能检查"))
        where = _Locator(result.extracted)
        for number, hit in enumerate(result.hits, start=1):
            place = f"{where.describe(hit.start)}，字符 {hit.start}–{hit.end}"
            self.stdout.write(f"  {number}. {hit.kind_label} {hit.masked}（{place}）")
            self.stdout.write(f"     上下文：{hit.context}")
        if result.problem:
            self.stdout.write(self.style.WARNING(f"  注意：{result.problem}"))
        self.stdout.write("")

    def _print_summary(self, results: list[FileResult], total: int) -> None:
        unreadable = sum(1 for r in results if r.extracted is None)
        with_hits = sum(1 for r in results if r.hits)
        manual = sum(1 for r in results if r.extracted is not None and r.problem)
        self.stdout.write(
            f"共检查 {len(results)} 个文件：{with_hits} 个文件发现 {total} 处个人信息或错敏词，"
            f"{manual} 个文件需要人工核对，{unreadable} 个无法读取。"
        )


class _Locator:
    """Where an offset is, for people: the page of a PDF, else the line."""

    def __init__(self, extracted: Extracted | None) -> None:
        self.extracted = extracted
        text = extracted.text if extracted else ""
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def describe(self, offset: int) -> str:
        if self.extracted is not None:
            page = self.extracted.page_of(offset)
            if page is not None:
                return f"第 {page} 页"
        return f"第 {bisect_right(self.line_starts, offset)} 行"


def read_words(file: str) -> list[str]:
    """The sensitive words of a UTF-8 file (a BOM is allowed): one a line; blank lines and lines starting
    with ``#`` are skipped."""
    with open(file, encoding="utf-8-sig") as f:
        lines = f.read().splitlines()
    return [w for line in lines if (w := line.strip()) and not w.startswith("#")]
