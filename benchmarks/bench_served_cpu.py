"""Where a served request's CPU goes, process by process: the web server, PostgreSQL and the load generator
(issue 16; docs/benchmarks.md, "Session 15").

Each tree (``--trees``) is served by gunicorn (2 sync workers, production settings: ``gongkai.wsgi``, the
page cache on) on ``bench_public.py``'s world, and so is the bare Django page; ``wrk -t2 -c32`` loads one
page (``--path``; by default the largest agency's catalogue list, made once and then served from the
cache). The CPU time of every process — the server's master and workers (user and system apart), every
PostgreSQL process, wrk (this process's children) — is read from ``/proc`` before and after, and divided by
the requests: together they account for the machine's cores, so what a page costs beyond the bare page is
seen where it is spent. The trees alternate, each round between two runs of the bare page.

    .venv/bin/python benchmarks/bench_served_cpu.py [--database gongkai_pubbench] [--trees A,B] \\
        [--path /gk/<agency>/catalogue/] [--rounds 2] [--seconds 8]
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import bench_catalogue as world  # noqa: E402

PORT = 8821
TICK = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Times:
    """CPU seconds: the server's (user, system), PostgreSQL's (user, system), the load generator's."""

    server: tuple[float, float]
    postgres: tuple[float, float]
    load: float


def _cpu(pids: list[int]) -> tuple[float, float]:
    user = system = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone between the listing and the read
        user, system = user + int(fields[11]), system + int(fields[12])
    return user / TICK, system / TICK


def _children(pid: int) -> list[int]:
    found = [pid]
    for path in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = path.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(path.parent.name))
    return found


def _postgres() -> list[int]:
    pids = []
    for path in Path("/proc").glob("[0-9]*/comm"):
        try:
            if path.read_text().strip() == "postgres":
                pids.append(int(path.parent.name))
        except OSError:
            continue
    return pids


def _times(server: int) -> Times:
    children = os.times()
    return Times(
        _cpu(_children(server)), _cpu(_postgres()), children.children_user + children.children_system
    )


def _serve(tree: Path | None, static_root: Path) -> subprocess.Popen[bytes]:
    if tree is None:
        app = ["--chdir", str(ROOT / "benchmarks"), "bare_django:application"]
    else:
        app = ["--chdir", str(tree), "gongkai.wsgi:application"]
    env = {
        **world.env(),
        "PYTHONPATH": str(tree or ROOT),
        "STATIC_ROOT": str(static_root),
        "GONGKAI_PAGE_CACHE": "true",
    }
    command = [str(ROOT / ".venv/bin/gunicorn"), *app, "--bind", f"127.0.0.1:{PORT}"]
    command += ["--workers", "2", "--worker-class", "sync", "--preload", "--log-level", "warning"]
    return subprocess.Popen(command, env=env)


def _ready(path: str) -> None:
    for _ in range(300):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=5)
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            if response.status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"the server did not answer 200 for {path}")


def measure(tree: Path | None, path: str, seconds: int, static_root: Path) -> str:
    """One server, warmed (2 s of load), then ``seconds`` of load: a row of the table."""
    server = _serve(tree, static_root)
    try:
        _ready(path)
        address = f"http://127.0.0.1:{PORT}{path}"
        subprocess.run(["wrk", "-t2", "-c32", "-d2s", address], capture_output=True, check=True)
        before = _times(server.pid)
        done = subprocess.run(
            ["wrk", "-t2", "-c32", f"-d{seconds}s", address], capture_output=True, text=True, check=True
        )
        after = _times(server.pid)
    finally:
        server.terminate()
        server.wait()
    requests = int(re.search(r"(\d+) requests in", done.stdout).group(1))  # type: ignore[union-attr]
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", done.stdout).group(1))  # type: ignore[union-attr]

    def per(a: float, b: float) -> float:
        return (a - b) / requests * 1e6

    server_cpu = [per(a, b) for a, b in zip(after.server, before.server, strict=True)]
    postgres_cpu = [per(a, b) for a, b in zip(after.postgres, before.postgres, strict=True)]
    load = per(after.load, before.load)
    total = sum(server_cpu) + sum(postgres_cpu) + load
    name = "bare Django page" if tree is None else str(tree)
    return (
        f"| {name} | {rate:,.0f} | {server_cpu[0]:.0f} / {server_cpu[1]:.0f} | "
        f"{postgres_cpu[0]:.0f} / {postgres_cpu[1]:.0f} | {load:.0f} | {total:.0f} |"
    )


def _largest_catalogue() -> str:
    import psycopg

    with psycopg.connect(world.URL) as connection:
        row = connection.execute(
            "SELECT a.short_code FROM catalogue_columntotals t JOIN agencies_agency a ON a.id = t.agency_id "
            "ORDER BY t.total DESC LIMIT 1"
        ).fetchone()
    if row is None:
        raise SystemExit("the database has no catalogue: build it with bench_public.py first")
    return f"/gk/{row[0]}/catalogue/"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--database", default="gongkai_pubbench")
    parser.add_argument("--trees", default=str(ROOT), help="source trees, comma-separated")
    parser.add_argument("--path", default="", help="the page (default: the largest catalogue list)")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--seconds", type=int, default=8)
    args = parser.parse_args()
    world.URL = f"postgres://postgres@127.0.0.1:5432/{args.database}"
    path = args.path or _largest_catalogue()
    trees = [Path(tree).resolve() for tree in args.trees.split(",")]
    static_root = Path(tempfile.mkdtemp(prefix="bench-served-static-"))
    subprocess.run(
        [sys.executable, "-m", "gongkai.cli", "collectstatic", "--noinput", "-v0"],
        env={**world.env(), "STATIC_ROOT": str(static_root), "PYTHONPATH": str(ROOT)},
        check=True,
        cwd=ROOT,
    )
    print(f"{path}, wrk -t2 -c32 -d{args.seconds}s; load average {os.getloadavg()[0]:.1f}\n")
    print("| server | req/s | server user / system µs | PostgreSQL user / system µs | wrk µs | total µs |")
    print("|---|---:|---:|---:|---:|---:|")
    for round_ in range(args.rounds):
        order = trees if round_ % 2 == 0 else trees[::-1]
        print(measure(None, "/", args.seconds, static_root), flush=True)
        for tree in order:
            print(measure(tree, path, args.seconds, static_root), flush=True)
            print(measure(None, "/", args.seconds, static_root), flush=True)
    print(f"\nCPU per request. Load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
