"""Per-read cost of reading an outside document in a limited child process: the old way (a fresh
interpreter per read, ``python`` + imports + the reading, as every PDF was read until issue 12) against the
new one (a fork of the preloaded fork server, :func:`gongkai.documents.isolated.run_isolated`), and reading
in the calling process (no isolation) as the floor — side by side in one run, on the same inputs.

    .venv/bin/python benchmarks/bench_isolated.py [--reads 20]

Each figure is the median wall time of ``--reads`` reads after one warm-up read (which starts the fork
server); the "overhead" columns subtract the in-process time. See docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SECRET_KEY", "benchmark-only")

from gongkai.checker import pipeline  # noqa: E402
from gongkai.documents import isolated  # noqa: E402

#: The old child, as ``python -m gongkai.documents.isolated`` ran it: a fresh interpreter, its limits,
#: the imports, the reading of stdin, the JSON answer on stdout.
OLD_CHILD = """
import json, resource, sys
resource.setrlimit(resource.RLIMIT_AS, (768 * 2**20, 768 * 2**20))
resource.setrlimit(resource.RLIMIT_CPU, (60, 65))
from gongkai.checker.pipeline import parse_here
data = sys.stdin.buffer.read()
try:
    report = parse_here(data, sys.argv[1])
    answer = {"year": report.year, "text": len(report.text)}
except Exception as error:
    answer = {"error": type(error).__name__}
sys.stdout.write(json.dumps(answer))
"""


def old_way(data: bytes, name: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", OLD_CHILD, name],
        input=data,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        timeout=90,
        env={"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT)},
        check=True,
    )
    json.loads(done.stdout)


def new_way(data: bytes, name: str) -> None:
    with contextlib.suppress(pipeline.UnreadableFile):
        pipeline.parse_bytes(data, name)


def in_process(data: bytes, name: str) -> None:
    with contextlib.suppress(pipeline.UnreadableFile):
        pipeline.parse_here(data, name)


def median_seconds(read: Callable[[bytes, str], None], data: bytes, name: str, reads: int) -> float:
    read(data, name)  # warm-up: imports, the fork server's start
    times = []
    for _ in range(reads):
        start = time.perf_counter()
        read(data, name)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def inputs() -> list[tuple[str, bytes, str]]:
    from benchmarks.bench_checker import realistic_tables
    from tests.checker.renderers import render_pdf, render_report

    tables = realistic_tables("2021", "city")
    return [
        ("text report (pipes)", render_report(tables, "2021", "pipes"), "a.txt"),
        ("Word report (.docx)", render_report(tables, "2021", "docx"), "a.docx"),
        ("web page (.html)", render_report(tables, "2021", "html"), "a.html"),
        ("PDF report", render_pdf(tables, "2021"), "a.pdf"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reads", type=int, default=20)
    args = parser.parse_args()
    isolated.preload("gongkai.checker.pipeline", "gongkai.checker.preload")
    print(
        "| Input | in process | old: exec per read | new: fork server | old overhead | new overhead | ratio |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for label, data, name in inputs():
        here = median_seconds(in_process, data, name, args.reads)
        new = median_seconds(new_way, data, name, args.reads)
        old = median_seconds(old_way, data, name, max(3, args.reads // 4))
        ratio = (old - here) / max(new - here, 1e-6)
        print(
            f"| {label} | {here * 1000:.1f} ms | {old * 1000:.0f} ms | {new * 1000:.1f} ms "
            f"| {(old - here) * 1000:.0f} ms | {(new - here) * 1000:.1f} ms | {ratio:.0f}× |"
        )


if __name__ == "__main__":
    main()
