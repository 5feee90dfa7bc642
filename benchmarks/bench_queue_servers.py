"""The officer's queue through real servers, two source trees side by side with the bare Django page
(issue 16): what docs/benchmarks.md ("The officer's queue at 10,000 open cases, through gunicorn") reports.

For each tree of ``--trees`` (e.g. ``/work/main`` and this worktree) one gunicorn, started in that tree
(``PYTHONPATH`` and the working directory: gunicorn puts its directory first on ``sys.path``) with the
command line of ``bench_public.py`` (``--workers`` sync workers, preloaded, production settings: ``DEBUG``
off, ``CONN_MAX_AGE`` 60, health checks, the page cache off; no second factor asked, a long idle timeout), and
one bare Django "hello" page (``benchmarks/bare_django.py``) under the same command. All on one database
(``--database``: a copy of ``gongkai_pubbench``, whose agency ``bench-cases`` has 10,000 open applications and
its information officer ``bench-officer``), the officer's session made here. Each round loads, with
``wrk -t2 -c<connections> -d<seconds>s``, bare → first tree → bare → second tree → bare (the trees' order
alternating between rounds); a tree's ratio is its req/s over the mean of the bare runs either side.

    .venv/bin/python benchmarks/bench_queue_servers.py --trees /work/main,$PWD \\
        --database postgres://postgres@127.0.0.1:5432/gongkai_queue16bench [--rounds 4] [--seconds 10] \\
        [--port 8820]
"""

from __future__ import annotations

import argparse
import http.client
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_public import Page, Result, wrk  # noqa: E402
from bench_side_by_side import BENCH_DATA_KEY  # noqa: E402

from gongkai.core.serving import MAX_REQUESTS, MAX_REQUESTS_JITTER  # noqa: E402

URLS = ["/cases/", "/cases/?page=100", "/cases/?state=overdue"]


def server_env(tree: str, database: str, static_root: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": tree,
        "DATABASE_URL": database,
        "STATIC_ROOT": str(static_root),
        "SECRET_KEY": "benchmark-only-" + "x" * 40,
        "GONGKAI_DATA_KEYS": os.environ.get("GONGKAI_DATA_KEYS") or BENCH_DATA_KEY,
        "GONGKAI_DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "CONN_MAX_AGE": "60",
        "LOG_LEVEL": "WARNING",
        "GONGKAI_PAGE_CACHE": "false",
        "GONGKAI_REQUIRE_2FA": "false",
        "GONGKAI_SESSION_IDLE_MINUTES": "600",
        "DJANGO_SETTINGS_MODULE": "gongkai.settings",
    }


def serve(tree: str, app: list[str], port: int, workers: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    command = [
        str(Path(tree) / ".venv/bin/gunicorn"),
        *app,
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--preload",
        # gongkai serve's: each worker replaced after 10,000 ± 1,000 requests (without the jitter both
        # workers reached it at once and the server stopped for both replacements).
        "--max-requests",
        str(MAX_REQUESTS),
        "--max-requests-jitter",
        str(MAX_REQUESTS_JITTER),
        "--log-level",
        "warning",
    ]
    process = subprocess.Popen(command, env=env, cwd=tree)
    for _ in range(300):
        if process.poll() is not None:
            raise SystemExit(f"the server of {tree} on {port} stopped")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/")
            connection.getresponse().read()
            return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit(f"the server of {tree} on {port} did not start")


def officer_session(tree: str, env: dict[str, str]) -> str:
    program = (
        "import django; django.setup()\n"
        "from django.contrib.auth.models import User\n"
        "from django.test import Client\n"
        "c = Client(); c.force_login(User.objects.get(username='bench-officer'))\n"
        "print(c.cookies['sessionid'].value)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program], env=env, cwd=tree, check=True, capture_output=True, text=True
    )
    return done.stdout.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trees", required=True)
    parser.add_argument("--database", default="postgres://postgres@127.0.0.1:5432/gongkai_queue16bench")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--port", type=int, default=8820, help="the bare page's port; the trees' follow it")
    args = parser.parse_args()
    trees = [tree for tree in args.trees.split(",") if tree]
    servers: list[subprocess.Popen[bytes]] = []
    ports = {tree: args.port + 1 + i for i, tree in enumerate(trees)}
    try:
        for tree in trees:
            static_root = Path(tempfile.gettempdir()) / "gongkai-queue-servers-static" / Path(tree).name
            env = server_env(tree, args.database, static_root)
            subprocess.run(
                [sys.executable, "-m", "gongkai.cli", "collectstatic", "--noinput", "-v0"],
                env=env,
                cwd=tree,
                check=True,
            )
            servers.append(serve(tree, ["gongkai.wsgi:application"], ports[tree], args.workers, env))
        bare_env = server_env(trees[0], args.database, Path(tempfile.gettempdir()))
        bare_app = ["--chdir", str(HERE), "bare_django:application"]
        servers.append(serve(trees[0], bare_app, args.port, args.workers, bare_env))
        session = officer_session(
            trees[-1], server_env(trees[-1], args.database, Path(tempfile.gettempdir()))
        )
        queue = Page("queue", URLS, f"sessionid={session}")
        bare = Page("bare", ["/"])
        for tree in trees:  # each server answers the officer's queue (a redirect would be a login page)
            connection = http.client.HTTPConnection("127.0.0.1", ports[tree], timeout=60)
            connection.request("GET", URLS[0], headers={"Cookie": queue.cookie})
            response = connection.getresponse()
            response.read()
            assert response.status == 200, (tree, response.status)
        print(
            f"gunicorn {args.workers} sync workers per server; "
            f"wrk -t2 -c{args.connections} -d{args.seconds:g}s; "
            f"{args.rounds} rounds; load average before: {os.getloadavg()[0]:.1f}",
            flush=True,
        )
        results: dict[str, list[tuple[Result, float]]] = {tree: [] for tree in trees}
        for round_ in range(args.rounds):
            order = trees if round_ % 2 == 0 else list(reversed(trees))
            before = wrk(args.port, bare, args.connections, args.seconds)
            for tree in order:
                result = wrk(ports[tree], queue, args.connections, args.seconds)
                after = wrk(args.port, bare, args.connections, args.seconds)
                mean_bare = (before.rps + after.rps) / 2
                results[tree].append((result, mean_bare))
                print(
                    f"round {round_ + 1}, {tree}: {result.rps:.1f} req/s, p50 {result.p50:.0f} ms, "
                    f"p99 {result.p99:.0f} ms, bare {mean_bare:,.0f} req/s, "
                    f"ratio {result.rps / mean_bare:.4f}, "
                    f"bad {result.bad}; load {os.getloadavg()[0]:.1f}",
                    flush=True,
                )
                before = after
        print("\n| tree | req/s (median) | p50 ms | p99 ms | bare req/s | ratio to bare | bad |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for tree, runs in results.items():
            print(
                f"| {tree} | {statistics.median(r.rps for r, _ in runs):.1f} "
                f"| {statistics.median(r.p50 for r, _ in runs):.0f} "
                f"| {statistics.median(r.p99 for r, _ in runs):.0f} "
                f"| {statistics.median(b for _, b in runs):,.0f} "
                f"| {statistics.median(r.rps / b for r, b in runs):.4f} | {sum(r.bad for r, _ in runs)} |"
            )
        first = trees[0]
        for tree in trees[1:]:
            pairs = [a.rps / b.rps for (b, _), (a, _) in zip(results[first], results[tree], strict=True)]
            print(f"\n{tree} / {first}, round by round: " + ", ".join(f"{x:.2f}" for x in pairs))
        print(f"load average after: {os.getloadavg()[0]:.1f}")
    finally:
        for process in servers:
            process.send_signal(signal.SIGTERM)
        for process in servers:
            process.wait(timeout=60)


if __name__ == "__main__":
    main()
