"""Two versions of the code on the same database, side by side and interleaved, in process: the officer's
queue and the catalogue's searches inside the largest agencies (issue 16), as docs/benchmarks.md reports.

Each round runs one child process per source tree (``--trees``, e.g. ``/work/main`` and this worktree:
``PYTHONPATH`` makes that tree's ``gongkai`` win), alternating the order from round to round, so that a
change of the machine's load weighs on both alike. A child sets Django up on ``--database`` (production
settings: ``DEBUG`` off, the page cache off), makes one warm-up request per URL, then times ``--requests``
requests of the scenario through Django's test client — the whole request with middleware, session,
permission checks, view and template — with every SQL statement counted and timed
(``connection.execute_wrapper``). It prints, per tree, the median wall time per request, the Python CPU
time (the process's CPU time less nothing: the database is another process), the SQL time and the
statements per request; and the ratio of the first tree's median to each other's.

Scenarios: ``queue`` (``/cases/`` as ``bench-officer``, the information officer of ``bench-cases`` with
10,000 open cases: first page, page 100, overdue filter), ``search`` (``/gk/<agency>/catalogue/?q=…`` over
the 20 largest agencies, one- and two-character words; anonymous), ``sitesearch`` (the site-wide search of
every agency: the JSON API ``/gk/api/items/?q=…`` and the page ``/gk/search/?q=…`` with the two-character
words of ``bench_catalogue``'s API scenario, a four-character query, and an 索引号 typed exactly; anonymous).

    .venv/bin/python benchmarks/bench_side_by_side.py --trees /work/main,$PWD --scenario queue \\
        --database postgres://postgres@127.0.0.1:5432/gongkai_perf16 [--rounds 6] [--requests 10]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve()
ONE_CHARACTER = "政府信息公开预算规划"
TWO_CHARACTERS = ("预算", "规划", "公开", "政府", "信息", "土地", "资金", "项目")


def _urls(scenario: str) -> list[tuple[str, str]]:
    """The scenario's (label, URL) pairs."""
    from django.db import connection

    if scenario == "queue":
        return [(url, url) for url in ("/cases/", "/cases/?page=100", "/cases/?state=overdue")]
    if scenario == "sitesearch":
        return _site_urls()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.short_code FROM catalogue_columntotals t "
            "JOIN agencies_agency a ON a.id = t.agency_id ORDER BY t.total DESC LIMIT 20"
        )
        big = [row[0] for row in cursor.fetchall()]
    words = [*ONE_CHARACTER[:4], *TWO_CHARACTERS[:4]]
    return [
        (
            f"{len(word)} character{'s' if len(word) > 1 else ''}, agencies {'1-5' if rank < 5 else '6-20'}",
            f"/gk/{code}/catalogue/?q={word}",
        )
        for rank, code in enumerate(big)
        for word in words
    ]


#: The two-character words of bench_catalogue's "site-wide search, API" scenario (its WORDS[:40]), a sample.
SITE_WORDS = ("关于", "印发", "通知", "实施", "方案", "意见", "管理", "工作", "信息", "公开", "政府", "预算")


def _site_urls() -> list[tuple[str, str]]:
    """The site-wide search: the API and the page, two characters, four, and an 索引号 typed exactly."""
    from urllib.parse import quote

    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT index_number FROM catalogue_item WHERE status = 'published' "
            "ORDER BY id DESC LIMIT 1 OFFSET 5000"
        )
        (index_number,) = cursor.fetchone()
    urls = []
    for base in ("/gk/api/items/", "/gk/search/"):
        kind = "API" if "api" in base else "page"
        urls += [(f"{kind}, 2 characters", f"{base}?q={quote(word)}") for word in SITE_WORDS]
        urls += [
            (f"{kind}, 4 characters", f"{base}?q={quote(a + b)}")
            for a, b in zip(SITE_WORDS[:6], SITE_WORDS[6:], strict=True)
        ]
        urls.append((f"{kind}, 索引号", f"{base}?q={quote(index_number)}"))
    return urls


def child(scenario: str, requests: int, labelled: bool = False) -> dict[str, Any]:
    """In the child: time ``requests`` requests per URL of ``scenario``; the figures as JSON."""
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client

    client = Client()
    if scenario == "queue":
        client.force_login(User.objects.get(username="bench-officer"))
    urls = _urls(scenario)
    sql: list[float] = []

    def timed(execute: Any, statement: str, params: Any, many: bool, context: Any) -> Any:
        start = time.perf_counter()
        try:
            return execute(statement, params, many, context)
        finally:
            sql.append(time.perf_counter() - start)

    for _label, url in urls:  # warm-up: imports, templates, the connection, the calendar
        assert client.get(url).status_code == 200, url
    walls: list[float] = []
    cpus: list[float] = []
    sqls: list[float] = []
    counts: list[int] = []
    labels: list[str] = []
    with connection.execute_wrapper(timed):
        for _ in range(requests):
            for label, url in urls:
                labels.append(label)
                sql.clear()
                start, cpu = time.perf_counter(), time.process_time()
                response = client.get(url)
                walls.append(time.perf_counter() - start)
                cpus.append(time.process_time() - cpu)
                assert response.status_code == 200, url
                sqls.append(sum(sql))
                counts.append(len(sql))
    figures: dict[str, Any] = {"wall": walls, "cpu": cpus, "sql": sqls, "queries": counts}
    if labelled:
        figures["label"] = labels
    return figures


#: A benchmark-only key for the encrypted personal data (the settings refuse to start without one).
BENCH_DATA_KEY = "bench:YmVuY2htYXJrLW9ubHktZGF0YS1rZXktMzItYnl0ZXM="


def static_root(tree: str) -> Path:
    """Where a tree's static files are collected (production settings serve hashed names from a manifest)."""
    return Path(tempfile.gettempdir()) / "gongkai-side-by-side-static" / Path(tree).name


def child_env(tree: str, database: str) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": tree,
        "STATIC_ROOT": str(static_root(tree)),
        "GONGKAI_DATA_KEYS": os.environ.get("GONGKAI_DATA_KEYS") or BENCH_DATA_KEY,
        "DJANGO_SETTINGS_MODULE": "gongkai.settings",
        "DATABASE_URL": database,
        "SECRET_KEY": os.environ.get("SECRET_KEY", "benchmark-only-" + "x" * 40),
        "GONGKAI_DEBUG": "false",
        "GONGKAI_PAGE_CACHE": "false",
        "GONGKAI_REQUIRE_2FA": "false",
        "ALLOWED_HOSTS": "testserver",
        "CONN_MAX_AGE": "60",
        "LOG_LEVEL": "WARNING",
    }


def collect_static(tree: str, database: str) -> None:
    command = [sys.executable, "-m", "gongkai.cli", "collectstatic", "--noinput", "-v0"]
    subprocess.run(command, env=child_env(tree, database), cwd=tree, check=True)


def run_child(tree: str, scenario: str, requests: int, database: str) -> dict[str, Any]:
    env = child_env(tree, database)
    done = subprocess.run(
        [sys.executable, str(HERE), "--child", scenario, "--requests", str(requests), "--labelled"],
        env=env,
        cwd=tree,
        stdout=subprocess.PIPE,
        check=True,
    )
    return json.loads(done.stdout.decode().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trees", default="")
    parser.add_argument("--scenario", choices=("queue", "search", "sitesearch"), default="queue")
    parser.add_argument("--database", default="postgres://postgres@127.0.0.1:5432/gongkai_perf16")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--requests", type=int, default=10)
    parser.add_argument("--child", default="")
    parser.add_argument("--labelled", action="store_true")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.requests, args.labelled)))
        return
    trees = [tree for tree in args.trees.split(",") if tree]
    for tree in trees:
        collect_static(tree, args.database)
    figures: dict[str, dict[str, list[Any]]] = {
        t: {"wall": [], "cpu": [], "sql": [], "queries": [], "label": []} for t in trees
    }
    for round_ in range(args.rounds):
        order = trees if round_ % 2 == 0 else list(reversed(trees))
        for tree in order:
            result = run_child(tree, args.scenario, args.requests, args.database)
            for key, values in result.items():
                figures[tree][key].extend(values)
            print(
                f"round {round_ + 1}, {tree}: median {statistics.median(result['wall']) * 1000:.1f} ms",
                flush=True,
            )
    print()
    print(
        "| requests | tree | n | wall p50 ms | wall p90 ms | wall p99 ms | Python CPU p50 ms | SQL p50 ms "
        "| statements | first tree's p50 / this p50 |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    labels = ["all", *dict.fromkeys(figures[trees[0]]["label"])]
    for label in labels:
        medians: dict[str, float] = {}
        for tree, f in figures.items():
            chosen = [i for i, one in enumerate(f["label"]) if label in ("all", one)]
            if not chosen:
                continue
            wall = sorted(f["wall"][i] for i in chosen)
            medians[tree] = statistics.median(wall)
            print(
                f"| {label} | {tree} | {len(wall)} | {medians[tree] * 1000:.1f} "
                f"| {wall[int(len(wall) * 0.9)] * 1000:.1f} "
                f"| {wall[min(len(wall) - 1, int(len(wall) * 0.99))] * 1000:.1f} "
                f"| {statistics.median(f['cpu'][i] for i in chosen) * 1000:.1f} "
                f"| {statistics.median(f['sql'][i] for i in chosen) * 1000:.1f} "
                f"| {statistics.median(f['queries'][i] for i in chosen):.0f} "
                f"| {medians[trees[0]] / medians[tree]:.2f} |"
            )


if __name__ == "__main__":
    main()
