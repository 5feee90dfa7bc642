"""Public pages under load through `gongkai serve` with 2 and 4 web processes (issue 13, item 5).

The production server exactly as deployed (`gongkai serve`: gunicorn sync workers, preloaded, access log
on, whitenoise for static files after `collectstatic`, ``DEBUG`` off, ``CONN_MAX_AGE=60``) on PostgreSQL,
driven by the catalogue benchmark's load generator (``bench_catalogue.hammer``: ``--concurrency`` threads,
one keep-alive connection each, fixed URL order, a 2-second warm-up, every request timed). Each server size
measures, in the same run, the bare page ``/healthz/`` (no database: the ceiling of this machine and server)
beside the public pages, so the ratio page / bare page is read within one run; then the ratio 4 processes /
2 processes.

The world is the catalogue benchmark's (``bench_catalogue.load``: agencies under one county, published entries
with Zipf-like sizes, their search vectors, ``VACUUM ANALYZE``) in a database of its own,
``gongkai_servebench``; by default 2,000 agencies and 200,000 entries (``--items 1000000`` for the
province-sized catalogue; it takes several minutes to load).

    .venv/bin/python benchmarks/bench_serve.py [--items 200000] [--agencies 2000] [--workers 2 4] \\
        [--concurrency 8] [--seconds 10] [--keep]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import bench_catalogue as world  # noqa: E402

world.DB = "gongkai_servebench"
world.URL = f"postgres://postgres@127.0.0.1:5432/{world.DB}"
world.PORT = 8766


def server_env(static_root: Path) -> dict[str, str]:
    return {**world.env(), "STATIC_ROOT": str(static_root), "PYTHONPATH": str(ROOT)}


def gongkai(*args: str) -> list[str]:
    return [sys.executable, "-m", "gongkai.cli", *args]


def serve(workers: int, static_root: Path) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        gongkai("serve", "--bind", f"127.0.0.1:{world.PORT}", "--workers", str(workers)),
        env=server_env(static_root),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,  # the access log is written (as in production) and dropped
    )
    for _ in range(300):
        if process.poll() is not None:
            raise SystemExit("gongkai serve stopped")
        try:
            import http.client

            connection = http.client.HTTPConnection("127.0.0.1", world.PORT, timeout=2)
            connection.request("GET", "/healthz/")
            if connection.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("gongkai serve did not start")


def scenarios(static_root: Path) -> list[tuple[str, list[str]]]:
    import psycopg

    manifest = json.loads((static_root / "staticfiles.json").read_text())["paths"]
    with psycopg.connect(world.URL) as conn:
        sizes = list(
            conn.execute(
                "SELECT a.short_code, count(*) FROM agencies_agency a "
                "JOIN catalogue_item i ON i.agency_id = a.id GROUP BY a.short_code ORDER BY count(*) DESC"
            )
        )
        typical = [code for code, _ in sizes[len(sizes) // 2 : len(sizes) // 2 + 200]]
        entries = list(
            conn.execute(
                "SELECT a.short_code, i.id FROM catalogue_item i "
                "JOIN agencies_agency a ON a.id = i.agency_id ORDER BY i.id LIMIT 2000 OFFSET 1000"
            )
        )
    rng = random.Random(11)
    rng.shuffle(entries)
    return [
        ("bare page `/healthz/`", ["/healthz/"]),
        ("static file (hashed `site.css`, whitenoise)", [f"/static/{manifest['gongkai/site.css']}"]),
        ("home page (the checker's form)", ["/"]),
        ("agency column `/gk/<agency>/`", [f"/gk/{c}/" for c in typical]),
        ("catalogue page, typical agencies", [f"/gk/{c}/catalogue/" for c in typical]),
        ("catalogue entry page", [f"/gk/{c}/items/{pk}/" for c, pk in entries]),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--items", type=int, default=200_000)
    parser.add_argument("--agencies", type=int, default=2_000)
    parser.add_argument("--workers", type=int, nargs="+", default=[2, 4])
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--keep", action="store_true", help="reuse the loaded database if it is there")
    args = parser.parse_args()
    os.environ.update({k: v for k, v in world.env().items() if k not in os.environ or k == "DATABASE_URL"})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")
    import django

    django.setup()
    if args.keep:
        subprocess.run(gongkai("migrate", "-v0"), env=world.env(), check=True, cwd=ROOT)
    else:
        world.create_database()
        world.load(args.items, args.agencies)
    static_root = Path(tempfile.mkdtemp(prefix="gongkai-bench-static-"))
    subprocess.run(
        gongkai("collectstatic", "--noinput", "-v0"), env=server_env(static_root), check=True, cwd=ROOT
    )
    plan = scenarios(static_root)
    results: dict[int, dict[str, float]] = {}
    print(
        f"{args.concurrency} concurrent clients, {args.seconds:.0f} s per scenario, load average before: "
        f"{os.getloadavg()[0]:.1f}\n"
    )
    for workers in args.workers:
        server = serve(workers, static_root)
        results[workers] = {}
        try:
            print(f"### gongkai serve --workers {workers}\n")
            print("| scenario | requests/s | of bare page | p50 ms | p99 ms | statuses | errors |")
            print("|---|---:|---:|---:|---:|---|---:|")
            bare = 0.0
            for name, urls in plan:
                rps, latencies, errors, statuses = world.hammer(urls, args.concurrency, args.seconds)
                latencies.sort()
                bare = bare or rps
                results[workers][name] = rps
                p50 = statistics.median(latencies) * 1000 if latencies else 0
                p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000 if latencies else 0
                shown = ", ".join(f"{k}×{v}" for k, v in sorted(statuses.items()))
                print(
                    f"| {name} | {rps:.0f} | {rps / bare:.2f} | {p50:.0f} | {p99:.0f} | {shown} | {errors} |"
                )
            print()
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=60)
    if len(args.workers) == 2:
        low, high = args.workers
        print(f"### {high} processes / {low} processes\n")
        print("| scenario | ratio |")
        print("|---|---:|")
        for name, _ in plan:
            print(f"| {name} | {results[high][name] / results[low][name]:.2f} |")
    print(f"\nload average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
