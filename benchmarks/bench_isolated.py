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
from collections.abc import Callable, Mapping
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
from gongkai.documents import isolated
isolated._in_child = True  # this process is the child: a PDF is read in place, as the old child did
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
    """No isolation at all: as if this process were the child (a PDF too is read in place)."""
    isolated._in_child = True
    try:
        with contextlib.suppress(pipeline.UnreadableFile):
            pipeline.parse_here(data, name)
    finally:
        isolated._in_child = False


def bare_fork(data: bytes, name: str) -> None:
    """The floor of the new way: a child that does nothing."""
    isolated.run_isolated(os.getpid)


def medians(
    ways: Mapping[str, Callable[[bytes, str], None]], data: bytes, name: str, reads: int, old_every: int
) -> dict[str, float]:
    """The median seconds of each way, measured in turns (one read of each per round) so that a change
    of the machine's load weighs on all alike; the old way only every ``old_every`` rounds (it is slow)."""
    times: dict[str, list[float]] = {way: [] for way in ways}
    for read in ways.values():
        read(data, name)  # warm-up: imports, the fork server's start
    for round_ in range(reads):
        for way, read in ways.items():
            if way == "old" and round_ % old_every:
                continue
            start = time.perf_counter()
            read(data, name)
            times[way].append(time.perf_counter() - start)
    return {way: statistics.median(values) for way, values in times.items()}


def inputs() -> list[tuple[str, bytes, str]]:
    from bench_checker import realistic_tables  # this directory is on sys.path when run as a script

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
    ways = {"here": in_process, "new": new_way, "old": old_way}
    floor = medians({"new": bare_fork}, b"", "", args.reads, 1)["new"]
    print(f"A child that does nothing (the fork server's floor): {floor * 1000:.1f} ms")
    print()
    print(
        "| Input | in process | old: exec per read | new: fork server | old overhead | new overhead | ratio |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for label, data, name in inputs():
        m = medians(ways, data, name, args.reads, 4)
        here, new, old = m["here"], m["new"], m["old"]
        ratio = (old - here) / max(new - here, 1e-3)
        print(
            f"| {label} | {here * 1000:.1f} ms | {old * 1000:.0f} ms | {new * 1000:.1f} ms "
            f"| {(old - here) * 1000:.0f} ms | {(new - here) * 1000:.1f} ms | {ratio:.0f}× |"
        )


if __name__ == "__main__":
    main()
