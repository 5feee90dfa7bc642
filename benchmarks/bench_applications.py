"""Applications (依申请公开): the statutory clock for 100,000 cases, and the officer queue with 50,000 open
cases (time and database queries per page).

Part 1 — clock. 100,000 realistic cases (receipt dates 2024–2026, a mix of channels, corrections,
overlapping consultation pauses, extensions and answers) are replayed from their events exactly as the
site does it: ``timeline.situation`` (events → facts) then ``clock.compute`` with the built-in calendar.
One process, one thread. Reported: total seconds and microseconds per case, median of ``--repeats`` runs.

Part 3 — concurrent online applications (``--concurrent N``, PostgreSQL): a fresh database
``gongkai_applybench`` with one agency, served by gunicorn (``--web-workers``, sync, ``CONN_MAX_AGE=60``);
N clients each fetch the form (CSRF cookie, one-time key), wait at a barrier, then all POST at once (each
from its own address through ``X-Forwarded-For``, so the per-address limit of 5 an hour does not refuse
them). Reported per mode: median / p95 / max seconds of the POST (until the 302 to the receipt), the
wall time, statuses, and for the job mode the time until every 回执 .docx was made by ``gongkai worker``.
Modes: ``inline`` (``GONGKAI_LETTERS_INLINE=true``: the .docx made in the request, as before issue 13),
``job`` (the .docx made by the ``applications.render_letter`` job, one ``gongkai worker`` running on the
same cores during the burst), ``job-after`` (the same, the worker started once every request was answered:
a worker on another host) and ``form`` (a bare page: the GET of the form by the same N clients at once, the
floor of this machine and server).

Part 2 — queue. A throw-away database (SQLite file by default, ``--postgres`` for a PostgreSQL database
``gongkai_bench`` on 127.0.0.1, dropped and made anew) gets one agency with ``--open`` open cases
(bulk-inserted: the services would take an hour for 50,000, and the page reads only the columns they
maintain), plus an information officer. The queue is requested with Django's test client (the whole
request: middleware, session, view, template) for several pages and filters. Reported per page: median
time over ``--repeats`` requests after one warm-up, and the number of SQL queries (counted separately,
so that counting does not slow the timed runs).

    .venv/bin/python benchmarks/bench_applications.py [--cases 100000] [--open 50000] [--repeats 5] \
        [--postgres] [--skip-clock] [--skip-queue]
    .venv/bin/python benchmarks/bench_applications.py --skip-clock --skip-queue --concurrent 150 \
        [--web-workers 4] [--modes inline,job,job-after,form]
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import os
import platform
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
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


APPLY_DB = "gongkai_applybench"
APPLY_PORT = 8791
BENCH_DATA_KEY = "bench:YmVuY2htYXJrLW9ubHktZGF0YS1rZXktMzItYnl0ZXM="


def apply_env(mode: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{APPLY_DB}",
        "DJANGO_SETTINGS_MODULE": "gongkai.settings",
        "SECRET_KEY": "benchmark-only-" + "x" * 40,
        "GONGKAI_DATA_KEYS": BENCH_DATA_KEY,
        "GONGKAI_DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CONN_MAX_AGE": "60",
        "GONGKAI_TRUSTED_PROXY_COUNT": "1",
        "GONGKAI_LETTERS_INLINE": "true" if mode == "inline" else "false",
        "LOG_LEVEL": "WARNING",
    }


def _manage(mode: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], env=apply_env(mode), cwd=ROOT, check=True, capture_output=True
    )
    return done.stdout.decode()


def _fresh_apply_database(mode: str) -> int:
    """A new database with one agency; returns the agency's pk."""
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {APPLY_DB}")
        conn.execute(f"CREATE DATABASE {APPLY_DB} ENCODING 'UTF8' TEMPLATE template0")
    _manage(mode, "migrate", "-v0")
    script = (
        "from gongkai.agencies.services import create_agency; "
        "print(create_agency(actor=None, name='基准测试县财政局', short_code='bench', kind='department').pk)"
    )
    return int(_manage(mode, "shell", "-c", script).strip().splitlines()[-1])


def _serve(mode: str, workers: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "gongkai.wsgi:application",
            "--bind",
            f"127.0.0.1:{APPLY_PORT}",
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--timeout",
            "300",
            "--log-level",
            "warning",
        ],
        env=apply_env(mode),
        cwd=ROOT,
    )
    for _ in range(150):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", APPLY_PORT, timeout=2)
            connection.request("GET", "/healthz/")
            if connection.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("gunicorn did not start")


def _request(
    method: str, path: str, headers: dict[str, str], body: str | None = None
) -> tuple[int, dict[str, str], str, list[str]]:
    connection = http.client.HTTPConnection("127.0.0.1", APPLY_PORT, timeout=600)
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    text = response.read().decode("utf-8", "replace")
    cookies = [
        value.split(";", 1)[0] for name, value in response.getheaders() if name.lower() == "set-cookie"
    ]
    connection.close()
    return response.status, dict(response.getheaders()), text, cookies


def _applicant(i: int, agency_pk: int, barrier: threading.Barrier, form_only: bool, out: list[Any]) -> None:
    address = f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}"
    headers = {"X-Forwarded-For": address}
    if form_only:
        barrier.wait()
        t0 = time.perf_counter()
        status, _h, _text, _c = _request("GET", "/apply/", headers)
        out[i] = (status, time.perf_counter() - t0)
        return
    _status, _h, page, cookies = _request("GET", "/apply/", headers)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    key = re.search(r'name="submission_key" value="([0-9a-f]+)"', page)
    assert token and key, "the form lacks its CSRF token or one-time key"
    form = {
        "csrfmiddlewaretoken": token.group(1),
        "submission_key": key.group(1),
        "agency": str(agency_pk),
        "applicant_type": "natural_person",
        "applicant_name": f"申请人{i}",
        "id_type": "passport",
        "id_number": f"E{i:08d}",
        "phone": "13812345678",
        "email": f"a{i}@example.com",
        "address": "示范市甲县人民路88号",
        "postcode": "100000",
        "description": "关于某地块土地征收补偿安置方案的批复文件及附件",
        "requested_form": "electronic",
        "delivery": "online",
        "consent": "on",
    }
    post_headers = {
        **headers,
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": "; ".join(cookies),
    }
    body = urllib.parse.urlencode(form)
    barrier.wait()
    t0 = time.perf_counter()
    status, _h, _text, _c = _request("POST", "/apply/", post_headers, body)
    out[i] = (status, time.perf_counter() - t0)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def apply_benchmark(concurrent: int, workers: int, modes: list[str]) -> None:
    print(
        f"## Concurrent online applications: {concurrent} at once, gunicorn {workers} workers, PostgreSQL\n"
    )
    print("| mode | statuses | median s | p95 s | max s | wall s | all letters made after s |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for mode in modes:
        agency_pk = _fresh_apply_database(mode)
        server = _serve(mode, workers)
        worker: subprocess.Popen[bytes] | None = None
        try:
            out: list[Any] = [None] * concurrent
            barrier = threading.Barrier(concurrent + 1)
            threads = [
                threading.Thread(target=_applicant, args=(i, agency_pk, barrier, mode == "form", out))
                for i in range(concurrent)
            ]
            for thread in threads:
                thread.start()
            if mode == "job":  # a worker beside the web processes, on the same cores
                worker = subprocess.Popen(
                    [sys.executable, "manage.py", "worker"], env=apply_env(mode), cwd=ROOT
                )
            barrier.wait()
            t0 = time.perf_counter()
            for thread in threads:
                thread.join()
            wall = time.perf_counter() - t0
            if mode == "job-after":  # a worker on another host: here, started once every request is answered
                worker = subprocess.Popen(
                    [sys.executable, "manage.py", "worker"], env=apply_env(mode), cwd=ROOT
                )
                time.sleep(2)
            made = ""
            if worker is not None and worker.poll() is not None:
                made = "no worker"  # `gongkai worker` is missing: only the requests were measured
            elif mode in {"job", "job-after"}:
                count = (
                    "from gongkai.applications.models import Letter as L; "
                    "print(L.objects.filter(rendered_at__isnull=True).count())"
                )
                while int(_manage(mode, "shell", "-c", count).strip().splitlines()[-1]) > 0:
                    if time.perf_counter() - t0 > 900:
                        made = "> 900"
                        break
                    time.sleep(1)
                made = made or f"{time.perf_counter() - t0:.1f}"
            elif mode == "inline":
                made = f"{wall:.1f}"
            times = [t for _s, t in out]
            statuses: dict[int, int] = {}
            for status, _t in out:
                statuses[status] = statuses.get(status, 0) + 1
            shown = ", ".join(f"{n}× {s}" for s, n in sorted(statuses.items()))
            print(
                f"| {mode} | {shown} | {statistics.median(times):.2f} | {_percentile(times, 0.95):.2f} "
                f"| {max(times):.2f} | {wall:.1f} | {made or '—'} |",
                flush=True,
            )
        finally:
            for process in (worker, server):
                if process is not None:
                    process.terminate()
                    process.wait(timeout=30)
    print()


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
    parser.add_argument(
        "--concurrent", type=int, default=0, help="part 3: this many online applications at once"
    )
    parser.add_argument("--web-workers", type=int, default=4)
    parser.add_argument("--modes", default="inline,job,job-after,form")
    args = parser.parse_args()
    print(f"Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs\n")
    if not args.skip_clock:
        clock_benchmark(args.cases, args.repeats)
    if not args.skip_queue:
        label = setup_django(args.postgres)
        queue_benchmark(args.open, args.repeats, label)
    if args.concurrent:
        apply_benchmark(args.concurrent, args.web_workers, args.modes.split(","))


if __name__ == "__main__":
    main()
