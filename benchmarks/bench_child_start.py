"""What starting one limited child (:func:`gongkai.documents.isolated.run_isolated`) costs under each way
Gongkai is run, and whether the child runs the parent's main program again (issue 16; docs/benchmarks.md,
"The limited child's start").

``multiprocessing`` prepares every child of the fork server as a child of the parent: unless told
otherwise it runs the parent's ``__main__`` again in the child, as ``__mp_main__`` — the installed
``gongkai`` script (``gongkai worker``, ``gongkai serve``'s gunicorn workers, ``gongkai check``…),
``manage.py``, ``python -m gongkai.cli``, pytest's script, or a script that sets Django up at its top.

For each entry point and each source tree (``--trees``; ``PYTHONPATH`` makes that tree's ``gongkai`` win),
in turns, one process starts, reads nothing (``os.getpid`` in the child: the start alone), once to start
the fork server, then ``--reads`` times; it prints the median and what the child's ``__main__`` is
(``__mp_main__`` when the parent's program was run again in it).

    .venv/bin/python benchmarks/bench_child_start.py --trees /work/main,$PWD [--reads 20] [--rounds 2]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

#: What each entry point runs: the timing, with the result as one JSON line on stdout.
TIMING = """
import json, os, pydoc, statistics, time
from gongkai.documents import isolated
isolated.run_isolated(os.getpid)
times = []
for _ in range({reads}):
    start = time.perf_counter()
    isolated.run_isolated(os.getpid)
    times.append(time.perf_counter() - start)
main = isolated.run_isolated(pydoc.locate, "__main__.__name__")
print(json.dumps({{"median": statistics.median(times), "main": main}}))
"""

#: A script that sets Django up at its top, as the benchmarks do (bench_monitoring.py).
DJANGO_SCRIPT = """
import os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")
import django
django.setup()
from gongkai.applications import views_officer  # noqa: F401  (what such a script goes on to import)
from gongkai.catalogue import views_public  # noqa: F401
if __name__ == "__main__":
{timing}
"""

PYTEST_FILE = """
def test_child_start(capsys):
    with capsys.disabled():
{timing}
"""


def indent(text: str, spaces: int) -> str:
    return "\n".join(" " * spaces + line if line else line for line in text.splitlines())


def entries(folder: Path, reads: int) -> dict[str, list[str]]:
    timing = TIMING.format(reads=reads)
    script = folder / "django_script.py"
    script.write_text(DJANGO_SCRIPT.format(timing=indent(timing, 4)), encoding="utf-8")
    test = folder / "test_child_start.py"
    test.write_text(PYTEST_FILE.format(timing=indent(timing, 8)), encoding="utf-8")
    venv = ROOT / ".venv/bin"
    return {
        "`gongkai shell -c` (the installed script: as `gongkai worker`, `serve`, `check`)": [
            str(venv / "gongkai"),
            "shell",
            "-c",
            timing,
        ],
        "`python manage.py shell -c`": [str(venv / "python"), "manage.py", "shell", "-c", timing],
        "`python -m gongkai.cli shell -c`": [
            str(venv / "python"),
            "-m",
            "gongkai.cli",
            "shell",
            "-c",
            timing,
        ],
        "a script that sets Django up at its top": [str(venv / "python"), str(script)],
        "pytest (one test, `-n 0`)": [
            str(venv / "python"),
            "-m",
            "pytest",
            "-q",
            "-s",
            "-n",
            "0",
            "-p",
            "no:cacheprovider",
            "--rootdir",
            str(folder),
            "-c",
            "/dev/null",
            str(test),
        ],
    }


def run(command: list[str], tree: str) -> dict[str, Any]:
    env = {
        **os.environ,
        "PYTHONPATH": tree,
        "SECRET_KEY": os.environ.get("SECRET_KEY", "benchmark-only"),
        "DJANGO_SETTINGS_MODULE": "gongkai.settings",
        "GONGKAI_DATA_KEYS": "bench:YmVuY2htYXJrLW9ubHktZGF0YS1rZXktMzItYnl0ZXM=",
        "DATABASE_URL": f"sqlite:///{tempfile.gettempdir()}/gongkai-bench-child-start.sqlite3",
    }
    done = subprocess.run(command, env=env, cwd=tree, stdout=subprocess.PIPE, check=True)
    lines = [line for line in done.stdout.decode().splitlines() if line.startswith("{")]
    return json.loads(lines[-1])  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trees", default=str(ROOT))
    parser.add_argument("--reads", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    trees = [tree for tree in args.trees.split(",") if tree]
    with tempfile.TemporaryDirectory() as folder:
        commands = entries(Path(folder), args.reads)
        results: dict[tuple[str, str], list[float]] = {}
        mains: dict[tuple[str, str], str] = {}
        for round_ in range(args.rounds):
            for name, command in commands.items():
                for tree in trees if round_ % 2 == 0 else list(reversed(trees)):
                    answer = run(command, tree)
                    results.setdefault((name, tree), []).append(float(answer["median"]))
                    mains[(name, tree)] = str(answer["main"])
                    print(f"{name}, {tree}: {float(answer['median']) * 1000:.1f} ms", file=sys.stderr)
    header = " | ".join(f"{tree}: ms, child's `__main__`" for tree in trees)
    print(f"| entry point | {header} |")
    print("|---|" + "---|" * len(trees))
    for name in commands:
        cells = " | ".join(
            f"{statistics.median(results[(name, tree)]) * 1000:.1f}, `{mains[(name, tree)]}`"
            for tree in trees
        )
        print(f"| {name} | {cells} |")


if __name__ == "__main__":
    main()
