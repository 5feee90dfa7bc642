"""Applications (依申请公开): the statutory clock for 100,000 cases, and the officer queue with 50,000 open
cases (time and database queries per page).

Part 1 — clock. 100,000 realistic cases (receipt dates 2024–2026, a mix of channels, corrections,
overlapping consultation pauses, extensions and answers) are replayed from their events exactly as the
site does it: ``timeline.situation`` (events → facts) then ``clock.compute`` with the built-in calendar.
One process, one thread. Reported: total seconds and microseconds per case, median of ``--repeats`` runs.

Part 2 — queue. A throw-away database (SQLite file by default, ``--postgres`` for a PostgreSQL database
``gongkai_bench`` on 127.0.0.1, dropped and made anew) gets one agency with ``--open`` open cases
(bulk-inserted: the services would take an hour for 50,000, and the page reads only the columns they
maintain), plus an information officer. The queue is requested with Django's test client (the whole
request: middleware, session, view, template) for several pages and filters. Reported per page: median
time over ``--repeats`` requests after one warm-up, and the number of SQL queries (counted separately,
so that counting does not slow the timed runs).

    .venv/bin/python benchmarks/bench_applications.py [--cases 100000] [--open 50000] [--repeats 5] \
        [--postgres] [--skip-clock] [--skip-queue]
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def clock_benchmark(cases: int, repeats: int) -> None:
    from gongkai.applications import clock, timeline
    from gongkai.workdays.builtin import builtin_years
    from gongkai.workdays.calendar import WorkCalendar

    calendar = WorkCalendar(builtin_years().values())
    rng = random.Random(2026)
    start = datetime.date(2024, 1, 2)
    channels = ["in_person", "post_signed", "post_ordinary", "online", "email", "fax"]
    inputs: list[tuple[str, datetime.date, datetime.date | None, list[timeline.EventRecord]]] = []
    for _ in range(cases):
        arrived = start + datetime.timedelta(days=rng.randrange(0, 880))
        channel = rng.choice(channels)
        confirmed = (
            arrived + datetime.timedelta(days=rng.randrange(0, 3))
            if channel
            in {
                "post_ordinary",
                "email",
                "fax",
            }
            else None
        )
        day = confirmed or arrived
        events: list[timeline.EventRecord] = []
        seq = 1

        def add(
            event_kind: str, on: datetime.date, events: list[timeline.EventRecord] = events, **data: object
        ) -> None:
            nonlocal seq
            seq += 1
            events.append(timeline.EventRecord(seq, event_kind, on, data))

        if rng.random() < 0.15:
            day = calendar.add_working_days(day, 3)
            add("correction_requested", day, period_end=(day + datetime.timedelta(days=15)).isoformat())
            day = calendar.add_working_days(day, rng.randrange(1, 8))
            add("correction_received", day)
        if rng.random() < 0.2:
            for _p in range(rng.randrange(1, 4)):
                begin = calendar.add_working_days(day, rng.randrange(1, 6))
                add("consultation_started", begin, kind="third_party")
                add(
                    "consultation_ended",
                    calendar.add_working_days(begin, rng.randrange(3, 16)),
                    started_seq=seq,
                )
        if rng.random() < 0.1:
            add("extension_granted", calendar.add_working_days(day, 15), approved_by_head=True)
        if rng.random() < 0.6:
            add("answered", calendar.add_working_days(day, rng.randrange(3, 25)), outcome="granted")
        inputs.append((channel, arrived, confirmed, events))

    today = datetime.date(2026, 11, 20)

    def run() -> int:
        open_cases = 0
        for channel, arrived, confirmed, events in inputs:
            s = timeline.situation(channel, arrived, confirmed, events)
            result = clock.compute(s.facts, calendar, today)
            open_cases += result.is_open
        return open_cases

    run()  # warm-up
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        run()
        times.append(time.perf_counter() - t0)
    median = statistics.median(times)
    print(f"## Clock: {cases:,} cases (events → facts → clock)\n")
    print("| cases | median s | µs/case | min s | max s |")
    print("|---:|---:|---:|---:|---:|")
    print(
        f"| {cases:,} | {median:.2f} | {median / cases * 1e6:.1f} | {min(times):.2f} | {max(times):.2f} |\n"
    )


def setup_django(postgres: bool) -> str:
    os.environ.setdefault("SECRET_KEY", "benchmark-only-" + "x" * 40)
    os.environ.setdefault("GONGKAI_DATA_KEYS", "bench:YmVuY2htYXJrLW9ubHktZGF0YS1rZXktMzItYnl0ZXM=")
    os.environ["GONGKAI_DEBUG"] = "false"
    os.environ["ALLOWED_HOSTS"] = "testserver"
    if postgres:
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS gongkai_bench")
            conn.execute("CREATE DATABASE gongkai_bench ENCODING 'UTF8' TEMPLATE template0")
        os.environ["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/gongkai_bench"
        label = "PostgreSQL"
    else:
        path = Path(tempfile.mkdtemp()) / "bench.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
        label = "SQLite"
    os.environ["DJANGO_SETTINGS_MODULE"] = "gongkai.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return label


def queue_benchmark(open_cases: int, repeats: int, label: str) -> None:
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from gongkai.agencies.models import AgencyKind, Membership, Role
    from gongkai.agencies.services import create_agency
    from gongkai.applications.models import Application

    agency = create_agency(
        actor=None, name="基准测试县自然资源局", short_code="bench", kind=AgencyKind.DEPARTMENT
    )
    other = create_agency(actor=None, name="另一机关", short_code="bench-other", kind=AgencyKind.DEPARTMENT)
    user = User.objects.create_user("bench-officer", password=None)
    Membership.objects.create(user=user, agency=agency, role=Role.INFORMATION_OFFICER)
    rng = random.Random(7)
    today = timezone.localdate()
    now = timezone.now()
    rows = []
    t0 = time.perf_counter()
    for i in range(open_cases + open_cases // 5):
        receipt = today - datetime.timedelta(days=rng.randrange(0, 40))
        rows.append(
            Application(
                agency=agency if i < open_cases else other,
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
                tracking_code=f"B{i:011d}",
                secret_hash="0" * 64,
            )
        )
    Application.objects.bulk_create(rows, batch_size=2000)
    # A production table has statistics; give the planner what autovacuum would.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"## Officer queue: {open_cases:,} open cases at one agency ({label})\n")
    print(
        f"(inserted {len(rows):,} cases in {time.perf_counter() - t0:.1f} s; {len(rows) - open_cases:,} "
        "belong to another agency)\n"
    )

    client = Client()
    client.force_login(user)
    pages = [
        ("first page", "/cases/"),
        ("page 500", "/cases/?page=500"),
        ("overdue filter", "/cases/?state=overdue"),
        ("due-soon filter", "/cases/?state=due_soon"),
        ("search by name", "/cases/?q=%E7%94%B3%E8%AF%B7%E4%BA%BA4999"),
    ]
    print("| page | status | median ms | min ms | max ms | SQL queries |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, url in pages:
        response = client.get(url)  # warm-up
        status = response.status_code
        times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - t0) * 1000)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        print(
            f"| {name} | {status} | {statistics.median(times):.0f} | {min(times):.0f} | {max(times):.0f} "
            f"| {len(queries)} |"
        )
    print()
    if os.environ.get("BENCH_QUERY_TIMES"):
        timings: list[tuple[float, str]] = []

        def timed(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                timings.append(((time.perf_counter() - t0) * 1000, sql))

        with connection.execute_wrapper(timed):
            client.get("/cases/")
        for ms, sql in sorted(timings, reverse=True)[:6]:
            print(f"{ms:8.1f} ms  {sql[:300]}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--open", type=int, default=50_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--skip-clock", action="store_true")
    parser.add_argument("--skip-queue", action="store_true")
    args = parser.parse_args()
    print(f"Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs\n")
    if not args.skip_clock:
        clock_benchmark(args.cases, args.repeats)
    if not args.skip_queue:
        label = setup_django(args.postgres)
        queue_benchmark(args.open, args.repeats, label)


if __name__ == "__main__":
    main()
