"""Every public page at a province's scale, beside a bare Django page, with the page cache warm and off
(issue 16): what docs/benchmarks.md ("Public pages at a province's scale") reports.

The world: ``bench_catalogue``'s (imported, not copied: 2,000 agencies under one root, ``--items`` published
entries with Zipf-like sizes and their search vectors, ``VACUUM ANALYZE``) in a PostgreSQL database of its
own, ``gongkai_pubbench``, migrated, the column counters counted (``catalogue.totals.rebuild``: the loader
writes with ``COPY``, around the models); plus one agency with ``--open-cases`` open applications and its
information officer (the officer's queue, always made per request: a session bypasses the cache).
``--keep`` reuses the database (migrating it), adding what is missing. ``--baseline <tree>`` serves another
source tree beside this one on the same database and measures each page on both, interleaved (cache off;
and cache warm when the modes include ``warm``: its database cache tables created if missing). wrk sends
no ``Accept-Encoding``: every page is measured uncompressed.

Three servers, the same gunicorn command line (``--workers``, sync workers, preloaded, ``--max-requests``
10,000 ± 1,000 as ``gongkai serve``'s, production settings: ``DEBUG`` off, ``CONN_MAX_AGE`` 60): a bare
Django "hello" page (``benchmarks/bare_django.py``: no middleware, no database), Gongkai with the page cache
on (``GONGKAI_PAGE_CACHE=true``; the database cache table by default, Redis with ``--redis``) and Gongkai
with it off. The load: ``wrk -t2 -c<connections> -d<seconds>s --latency`` with a Lua script cycling through
each page's URLs (20 agencies or entries; the queue with the officer's session cookie). For each mode and
``--rounds`` rounds, every page is measured right after the bare page, and the bare page once more at the
end (bare → page → bare → page … → bare); a page's ratio is its req/s over the mean of the bare runs either
side of it. The warm mode first asks for each of the page's URLs once. Then single requests
(``wrk -t1 -c1``) with the cache off, for the p99 of one reader.

    .venv/bin/python benchmarks/bench_public.py [--items 1000000] [--keep] [--workers 2] \\
        [--connections 32] [--seconds 10] [--rounds 3] [--redis]
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import bench_catalogue as world  # noqa: E402

from gongkai.core.serving import MAX_REQUESTS, MAX_REQUESTS_JITTER  # noqa: E402

world.DB = "gongkai_pubbench"
world.URL = f"postgres://postgres@127.0.0.1:5432/{world.DB}"
PORTS = {"bare": 8811, "warm": 8812, "off": 8813, "base": 8814, "basewarm": 8815}
#: The source tree of each Gongkai server: this one, and ``--baseline``'s for the "base" server (cache off)
#: and the "basewarm" one (cache on).
TREES = {"warm": ROOT, "off": ROOT}
#: Where the servers' workers log their full collections (``benchmarks/gunicorn_gc_log.py``).
GC_LOGS = Path(tempfile.mkdtemp(prefix="gongkai-pubbench-gc-"))
QUEUE_AGENCY = "bench-cases"
QUEUE_OFFICER = "bench-officer"


def server_env(mode: str, static_root: Path, redis: bool) -> dict[str, str]:
    tree = TREES.get(mode, ROOT)
    env = {
        **world.env(),
        "STATIC_ROOT": str(static_root if tree == ROOT else Path(f"{static_root}-base")),
        "PYTHONPATH": str(tree),
        "GONGKAI_PAGE_CACHE": "false" if mode in ("off", "base") else "true",
        # The officer's session (made by this script) lives through the run; no second factor asked.
        "GONGKAI_REQUIRE_2FA": "false",
        "GONGKAI_SESSION_IDLE_MINUTES": "600",
    }
    if redis:
        env["GONGKAI_CACHE_URL"] = "redis://127.0.0.1:6379/3"
    return env


# ---------------------------------------------------------------------------------------------
# The world
# ---------------------------------------------------------------------------------------------


def build(items: int, agencies: int, keep: bool) -> None:
    import psycopg

    if not keep:
        world.create_database()
        with psycopg.connect(world.URL, autocommit=True) as conn:
            # Columns added after bench_catalogue's loader was written (it lists the columns it fills).
            conn.execute("ALTER TABLE agencies_agency ALTER COLUMN report_column_url SET DEFAULT ''")
        world.load(items, agencies)
    else:
        subprocess.run([sys.executable, "-m", "gongkai.cli", "migrate", "-v0"], env=world.env(), check=True)


def setup_django(static_root: Path, redis: bool) -> None:
    os.environ.update(server_env("warm", static_root, redis))
    os.environ["DJANGO_SETTINGS_MODULE"] = "gongkai.settings"
    import django

    django.setup()


def counters_and_cases(open_cases: int) -> str:
    """The column counters; the queue's agency, officer and open cases. Returns the officer's session id."""
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from gongkai.agencies.models import Agency, AgencyKind, Membership, Role
    from gongkai.agencies.services import create_agency
    from gongkai.applications.models import Application
    from gongkai.catalogue.models import ColumnTotals
    from gongkai.catalogue.totals import rebuild

    if not ColumnTotals.objects.exists():
        t0 = time.perf_counter()
        rebuild()
        print(f"column counters counted in {time.perf_counter() - t0:.1f} s")
    agency = Agency.objects.filter(short_code=QUEUE_AGENCY).first() or create_agency(
        actor=None, name="基准测试县自然资源局", short_code=QUEUE_AGENCY, kind=AgencyKind.DEPARTMENT
    )
    user = User.objects.filter(username=QUEUE_OFFICER).first() or User.objects.create_user(QUEUE_OFFICER)
    Membership.objects.get_or_create(user=user, agency=agency, role=Role.INFORMATION_OFFICER)
    have = Application.objects.filter(agency=agency, status="open").count()
    if have < open_cases:
        rng = random.Random(7)
        today, now = timezone.localdate(), timezone.now()
        rows = []
        for i in range(have, open_cases):
            receipt = today - datetime.timedelta(days=rng.randrange(0, 40))
            rows.append(
                Application(
                    agency=agency,
                    reference=f"2026-{i + 1:06d}",
                    applicant_type="natural_person",
                    applicant_name=f"申请人{i}",
                    id_type="passport",
                    id_number=f"E{i:08d}",
                    description="关于某地块土地征收补偿安置方案的批复文件及附件" * 2,
                    requested_form="electronic",
                    delivery="email",
                    channel="online",
                    arrived_at=now,
                    receipt_date=receipt,
                    due_date=receipt + datetime.timedelta(days=28),
                    tracking_code=f"Q{i:011d}",
                    secret_hash="0" * 64,
                )
            )
        Application.objects.bulk_create(rows, batch_size=2000)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE applications_application")
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


@dataclass(frozen=True)
class Page:
    name: str
    urls: list[str]
    cookie: str = ""


def pages(session: str) -> list[Page]:
    import psycopg

    q = urllib.parse.quote
    rng = random.Random(16)
    with psycopg.connect(world.URL) as conn:
        big = [
            row[0]
            for row in conn.execute(
                "SELECT a.short_code FROM catalogue_columntotals t "
                "JOIN agencies_agency a ON a.id = t.agency_id ORDER BY t.total DESC LIMIT 20"
            )
        ]
        entries = list(
            conn.execute(
                "SELECT a.short_code, i.id FROM catalogue_item i "
                "JOIN agencies_agency a ON a.id = i.agency_id "
                "WHERE i.status = 'published' ORDER BY i.id LIMIT 20 OFFSET 5000"
            )
        )
    one = "政府信息公开预算规划"
    return [
        Page("column home `/gk/<agency>/` (large agencies)", [f"/gk/{c}/" for c in big]),
        Page("catalogue list (large agencies)", [f"/gk/{c}/catalogue/" for c in big]),
        Page("deep page `?page=500`", [f"/gk/{c}/catalogue/?page=500" for c in big]),
        Page("search, 1 character", [f"/gk/{c}/catalogue/?q={q(rng.choice(one))}" for c in big]),
        Page("search, 2 characters", [f"/gk/{c}/catalogue/?q={q(rng.choice(world.WORDS))}" for c in big]),
        Page(
            "search, 4 characters",
            [f"/gk/{c}/catalogue/?q={q(rng.choice(world.WORDS) + rng.choice(world.WORDS))}" for c in big],
        ),
        Page("entry detail", [f"/gk/{c}/items/{pk}/" for c, pk in entries]),
        Page("JSON API, no filter", ["/gk/api/items/"]),
        Page("JSON API, 2-character search", [f"/gk/api/items/?q={q(w)}" for w in world.WORDS[:20]]),
        Page("RSS feed (large agencies)", [f"/gk/{c}/feed.rss" for c in big]),
        Page("officer queue, 10,000 open cases (session: never cached)", ["/cases/"], f"sessionid={session}"),
    ]


# ---------------------------------------------------------------------------------------------
# Servers and load
# ---------------------------------------------------------------------------------------------


def serve(mode: str, workers: int, static_root: Path, redis: bool) -> subprocess.Popen[bytes]:
    app = (
        ["--chdir", str(ROOT / "benchmarks"), "bare_django:application"]
        if mode == "bare"
        else ["gongkai.wsgi:application"]
    )
    command = [
        str(ROOT / ".venv/bin/gunicorn"),
        *app,
        # Every worker logs its full collections (the same file for every server and tree).
        "--config",
        str(ROOT / "benchmarks" / "gunicorn_gc_log.py"),
        "--bind",
        f"127.0.0.1:{PORTS[mode]}",
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
    env = {**server_env(mode, static_root, redis), "BENCH_GC_LOG": str(GC_LOGS / mode)}
    process = subprocess.Popen(command, env=env, cwd=TREES.get(mode, ROOT))
    import http.client

    for _ in range(300):
        if process.poll() is not None:
            raise SystemExit(f"the {mode} server stopped")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", PORTS[mode], timeout=2)
            connection.request("GET", "/" if mode == "bare" else "/healthz/")
            if connection.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit(f"the {mode} server did not start")


@dataclass(frozen=True)
class Result:
    rps: float
    p50: float
    p99: float
    bad: int


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS[unit]


def wrk(port: int, page: Page, connections: int, seconds: float, threads: int = 2) -> Result:
    paths = ", ".join('"' + url.replace('"', '\\"') + '"' for url in page.urls)
    headers = f'{{["Cookie"] = "{page.cookie}"}}' if page.cookie else "nil"
    script = (
        f"local paths = {{{paths}}}\nlocal n = #paths\nlocal i = 0\n"
        "request = function()\n  i = i + 1\n"
        f"  return wrk.format('GET', paths[(i - 1) % n + 1], {headers})\nend\n"
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    try:
        done = subprocess.run(
            [
                "wrk",
                f"-t{min(threads, connections)}",
                f"-c{connections}",
                f"-d{max(1, round(seconds))}s",
                "--timeout",
                "30s",
                "--latency",
                "-s",
                handle.name,
                f"http://127.0.0.1:{port}",
            ],
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        os.unlink(handle.name)
    out = done.stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    bad_match = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    bad = (int(bad_match.group(1)) if bad_match else 0) + (
        sum(int(g) for g in errors.groups()) if errors else 0
    )
    return Result(rps, p50, p99, bad)


def prime(port: int, page: Page) -> None:
    """Ask for every URL of the page once, one after the other (each is then in the cache)."""
    import http.client

    for url in page.urls:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        connection.request("GET", url, headers={"Cookie": page.cookie} if page.cookie else {})
        connection.getresponse().read()
        connection.close()


def measure(
    modes: list[str], plan: list[Page], connections: int, seconds: float, rounds: int
) -> dict[str, dict[str, list[tuple[Result, float]]]]:
    """Each mode's results per page with the req/s of the bare page around it: bare → page → bare … per
    round; with two modes (``--baseline``: "base" and "off", or "basewarm" and "warm"), each page is measured
    on both in turn (bare → base → bare → off → bare), the order alternating between rounds."""
    bare_page = Page("bare", ["/"])
    results: dict[str, dict[str, list[tuple[Result, float]]]] = {
        mode: {page.name: [] for page in plan} for mode in modes
    }
    for round_ in range(rounds):
        bare_before = wrk(PORTS["bare"], bare_page, connections, seconds)
        for page in plan:
            for mode in modes if round_ % 2 == 0 else list(reversed(modes)):
                if mode in ("warm", "basewarm"):
                    prime(PORTS[mode], page)
                result = wrk(PORTS[mode], page, connections, seconds)
                bare_after = wrk(PORTS["bare"], bare_page, connections, seconds)
                results[mode][page.name].append((result, (bare_before.rps + bare_after.rps) / 2))
                bare_before = bare_after
    return results


def report(title: str, results: dict[str, list[tuple[Result, float]]]) -> None:
    print(f"### {title}\n")
    print("| page | req/s | p50 ms | p99 ms | bare req/s | ratio to bare | bad responses |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, runs in results.items():
        rps = statistics.median(r.rps for r, _ in runs)
        bare = statistics.median(b for _, b in runs)
        ratio = statistics.median(r.rps / b for r, b in runs)
        p50 = statistics.median(r.p50 for r, _ in runs)
        p99 = statistics.median(r.p99 for r, _ in runs)
        bad = sum(r.bad for r, _ in runs)
        print(f"| {name} | {rps:,.0f} | {p50:.0f} | {p99:.0f} | {bare:,.0f} | {ratio:.3f} | {bad} |")
    print()


def postgres_memory() -> str:
    """The server's ``shared_buffers`` beside the catalogue's size: with the default 128 MB a search's rows
    are read from the operating system's cache at every request (docs/deployment.md, "PostgreSQL")."""
    import psycopg

    with psycopg.connect(world.URL) as conn:
        buffers = conn.execute("SHOW shared_buffers").fetchone()
        table = conn.execute("SELECT pg_size_pretty(pg_total_relation_size('catalogue_item'))").fetchone()
    size = table[0] if table else "?"
    return f"shared_buffers {buffers[0] if buffers else '?'} (the catalogue's table and indexes: {size})"


def report_collections(modes: list[str]) -> None:
    """Each server's full collections over the whole run (all its workers, replaced ones included)."""
    print("### full collections of the garbage collector (generation 2), per server, the whole run\n")
    print("| server | collections | longest wall ms | longest CPU ms | median wall ms |")
    print("|---|---:|---:|---:|---:|")
    for mode in modes:
        pauses = [
            tuple(float(value) for value in line.split())
            for log in sorted(GC_LOGS.glob(f"{mode}-*.log"))
            for line in log.read_text().splitlines()
        ]
        if not pauses:
            print(f"| {mode} | 0 | — | — | — |")
            continue
        walls = [wall for wall, _cpu in pauses]
        print(
            f"| {mode} | {len(pauses)} | {max(walls):.1f} | {max(cpu for _w, cpu in pauses):.1f} | "
            f"{statistics.median(walls):.1f} |"
        )
    print()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--agencies", type=int, default=2_000)
    parser.add_argument("--open-cases", type=int, default=10_000)
    parser.add_argument("--keep", action="store_true", help="reuse gongkai_pubbench (migrated, completed)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--redis", action="store_true", help="the caches on Redis at 127.0.0.1:6379/3")
    parser.add_argument("--modes", default="warm,off")
    parser.add_argument("--database", default=world.DB, help="the world's PostgreSQL database (a copy)")
    parser.add_argument("--port", type=int, default=8811, help="the first of the four servers' ports")
    parser.add_argument(
        "--baseline",
        default="",
        help="another source tree served beside this one's (cache off, and cache warm with --modes warm), "
        "each page measured on both",
    )
    parser.add_argument("--only", default="", help="the pages whose names contain one of these (commas)")
    args = parser.parse_args()
    world.DB = args.database
    world.URL = f"postgres://postgres@127.0.0.1:5432/{world.DB}"
    PORTS.update({mode: args.port + i for i, mode in enumerate(PORTS)})
    if args.baseline:
        TREES["base"] = TREES["basewarm"] = Path(args.baseline).resolve()
    static_root = Path(tempfile.mkdtemp(prefix="gongkai-pubbench-static-"))
    build(args.items, args.agencies, args.keep)
    setup_django(static_root, args.redis)
    for mode in ["warm", "base"] if args.baseline else ["warm"]:
        subprocess.run(
            [sys.executable, "-m", "gongkai.cli", "collectstatic", "--noinput", "-v0"],
            env=server_env(mode, static_root, args.redis),
            check=True,
            cwd=TREES.get(mode, ROOT),
        )
    if args.baseline and "warm" in args.modes.split(",") and not args.redis:
        # The baseline's own database caches (a tree may keep its pages in a table this tree's migrations
        # do not make, or dropped): created if missing, as its migrations would have.
        subprocess.run(
            [sys.executable, "-m", "gongkai.cli", "createcachetable"],
            env=server_env("basewarm", static_root, args.redis),
            check=True,
            cwd=TREES["basewarm"],
        )
    session = counters_and_cases(args.open_cases)
    wanted = [w for w in args.only.split(",") if w]
    plan = [page for page in pages(session) if not wanted or any(w in page.name for w in wanted)]
    modes = [m for m in args.modes.split(",") if m]
    started = [
        "bare",
        *modes,
        *(["base"] if args.baseline and "off" in modes else []),
        *(["basewarm"] if args.baseline and "warm" in modes else []),
    ]
    servers = {mode: serve(mode, args.workers, static_root, args.redis) for mode in started}
    print(
        f"\n{args.items:,} entries; gunicorn {args.workers} sync workers per server; "
        f"wrk -t2 -c{args.connections} "
        f"-d{args.seconds:g}s, {args.rounds} rounds; cache backend: {'Redis' if args.redis else 'database'}; "
        f"PostgreSQL {postgres_memory()}; load average before: {os.getloadavg()[0]:.1f}\n"
    )
    try:
        for mode in modes:
            group = (
                ["base", "off"]
                if mode == "off" and "base" in servers
                else ["basewarm", "warm"]
                if mode == "warm" and "basewarm" in servers
                else [mode]
            )
            measured = measure(group, plan, args.connections, args.seconds, args.rounds)
            for one in group:
                title = {
                    "warm": "cache warm",
                    "off": "cache off",
                    "base": f"cache off, {args.baseline}",
                    "basewarm": f"cache warm, {args.baseline}",
                }[one]
                report(f"{title}, {args.connections} connections", measured[one])
        singles = [m for m in ("base", "off") if m in servers] or ["warm"]
        for mode in singles:
            print(f"### single requests, {mode} (wrk -t1 -c1)\n")
            print("| page | req/s | p50 ms | p99 ms |")
            print("|---|---:|---:|---:|")
            for page in plan:
                single = wrk(PORTS[mode], page, 1, max(args.seconds / 2, 3), threads=1)
                print(f"| {page.name} | {single.rps:,.1f} | {single.p50:.0f} | {single.p99:.0f} |")
            print()
    finally:
        for process in servers.values():
            process.send_signal(signal.SIGTERM)
        for process in servers.values():
            process.wait(timeout=60)
    report_collections(list(servers))
    print(f"\nload average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
