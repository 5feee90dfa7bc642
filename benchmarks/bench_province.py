"""A province's cases (issue 13): 2,000 agencies, 200,000 applications a year, and every page that reads
them across agencies, timed with two versions of the code side by side on the same database.

``--build`` makes the world in a PostgreSQL database (``--database``, dropped and created): the 2,000
agencies of ``bench_reports.load_agencies`` (a city — the 政务公开办's seat — with 14 counties and their
departments and townships, last year's annual report published by 88 % of them with computed tables and a
stored check, so the roll-up has its data), then, bulk-inserted (the services would take hours; what the
statistics and the annual report read is kept as the services keep it):

* ``--cases`` applications (default 200,000) received in last year, and as many a year in this year up to
  today, spread over the agencies Zipf-like (the agency of rank r gets a share ∝ 1/r; a department is
  first, with about 12 % of them); channels (online, in person, registered post, e-mail confirmed a day
  or two later), applicant types and 17 statutory outcomes in a busy bureau's mix; answers 4–35 days after
  receipt (some late); the cases received in the last weeks still open (their due dates, waiting states
  and pauses set by the services' own ``refresh``, so the queue and "overdue now" are what they would be);
* their registration and answer events; for 2 %, a 收费通知 with its amount and (80 %) the payment (the
  answer period paused in between); reconsiderations and lawsuits after 4 % of the refusals;
* ``counted_answer_on`` / ``counted_outcome`` as ``refresh`` keeps them, and the first answer's counted
  working days and timeliness (where the code has them: applications 0015) filled by
  ``gongkai.applications.services.retime_cases`` over the whole world (timed).

Then ``VACUUM ANALYZE`` (what autovacuum gives a production table). ``--build`` prints the row counts.

``--trees A,B`` times, on that database, each tree's code in a child process (``PYTHONPATH``), the trees
alternating from round to round: the 政务公开办's statistics page (last year, and this year), its .xlsx and
.csv, a county's statistics page (its ~140 agencies), the largest agency's statistics page (as the
supervisor) and its public statistics page (anonymous), the annual-report roll-up page, its .xlsx and the
summed-tables page, and
``services.open_draft`` of the largest agency's report on last year (the draft deleted before each run).
Each step: a warm-up (unless ``--repeats 1``), the median of ``--repeats`` timed runs with the SQL
statements of the last counted, and the Python allocation peak (``tracemalloc``) of one more run.
``TREE:REPEATS[:STEPS[:NOPEAK]]`` gives a tree its own number of repeats, the steps it runs and those whose
allocation peak is not taken (keys joined by ``+``: stats, stats-now, xlsx, csv, county, agency, public,
rollup, rollup-xlsx, tables, draft) — for a slow baseline (tracemalloc doubles a minute-long request).

    .venv/bin/python benchmarks/bench_province.py --build --database postgres://postgres@127.0.0.1:5432/X
    .venv/bin/python benchmarks/bench_province.py --trees /work/main:1,$PWD:5 --database ...
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve()
sys.path.insert(0, str(HERE.parent))

SEAT = "bench-city"
SUPERVISOR = "bench-supervisor"
CHUNK = 20_000

#: (channel, weight, days from arrival to the receipt the clock counts)
CHANNEL_WEIGHTS: list[tuple[str, int]] = [
    ("online", 55),
    ("in_person", 20),
    ("post_signed", 15),
    ("email", 10),
]


def setup(database: str, *, create: bool) -> None:
    from bench_side_by_side import child_env

    if create:
        import psycopg

        server, name = database.rsplit("/", 1)
        with psycopg.connect(
            f"{server.replace('postgres://', 'postgresql://')}/postgres", autocommit=True
        ) as c:
            c.execute(f"DROP DATABASE IF EXISTS {name}")
            c.execute(f"CREATE DATABASE {name} ENCODING 'UTF8' TEMPLATE template0")
    os.environ.update({k: v for k, v in child_env(os.environ.get("PYTHONPATH", "."), database).items()})
    import logging

    import django

    django.setup()
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)


# ---------------------------------------------------------------------------------------------
# Building the world
# ---------------------------------------------------------------------------------------------


def _ranked(agencies: list[Any], rng: random.Random) -> list[Any]:
    """The agencies in Zipf rank order: a department first, the rest shuffled."""
    from gongkai.agencies.models import AgencyKind

    rest = list(agencies)
    rng.shuffle(rest)
    first = next(a for a in rest if a.kind == AgencyKind.DEPARTMENT)
    rest.remove(first)
    return [first, *rest]


def load_cases(
    agencies: list[Any],
    first: datetime.date,
    last: datetime.date,
    per_year: int,
    rng: random.Random,
    serial: int,
) -> dict[str, int]:
    """Bulk-insert the applications received from ``first`` to ``last`` at ``per_year`` a year (Zipf over
    ``agencies``, already in rank order), with their events and appeals; returns row counts."""
    from bench_reports import APPLICANT_WEIGHTS, OUTCOME_WEIGHTS, REFUSALS, _aware
    from django.utils import timezone

    from gongkai.applications.models import Appeal, Application, CaseEvent, EventKind

    today = timezone.localdate()
    days = (last - first).days + 1
    total = per_year * days // 365
    weights = [1 / (rank + 1) for rank in range(len(agencies))]
    outcomes, outcome_w = zip(*OUTCOME_WEIGHTS, strict=True)
    applicants, applicant_w = zip(*APPLICANT_WEIGHTS, strict=True)
    channels, channel_w = zip(*CHANNEL_WEIGHTS, strict=True)
    counts = {"applications": 0, "events": 0, "appeals": 0, "open": 0}
    for start in range(0, total, CHUNK):
        apps: list[Application] = []
        plans: list[tuple[datetime.date, datetime.date | None, str, Any, Any]] = []
        owners = rng.choices(agencies, weights, k=min(CHUNK, total - start))
        for offset, agency in enumerate(owners):
            i = serial + start + offset
            arrived = first + datetime.timedelta(days=rng.randrange(days))
            channel = rng.choices(channels, channel_w)[0]
            receipt = (
                arrived + datetime.timedelta(days=rng.randrange(0, 3)) if channel == "email" else arrived
            )
            outcome = rng.choices(outcomes, outcome_w)[0]
            day = receipt + datetime.timedelta(days=rng.randrange(4, 36))
            fee: tuple[int, datetime.date | None] | None = None
            if rng.random() < 0.02:  # a 收费通知 on day 3; paid (80 %) on day 9, answered after the payment
                paid = receipt + datetime.timedelta(days=9) if rng.random() < 0.8 else None
                fee = (rng.choice([300, 700, 1200, 2500]), paid)
                if paid is None:
                    outcome = "other_no_fee"
                elif day <= paid:
                    day = paid + datetime.timedelta(days=rng.randrange(1, 10))
                if paid is not None and paid > today:
                    fee = (fee[0], None)
            answered: datetime.date | None = day
            if day > today or (day > today - datetime.timedelta(days=10) and rng.random() < 0.5):
                answered, outcome = None, ""
            plans.append((receipt, answered, outcome, agency, fee))
            apps.append(
                Application(
                    agency=agency,
                    reference=f"{receipt.year}-{i + 1:07d}",
                    applicant_type=rng.choices(applicants, applicant_w)[0],
                    applicant_name=f"申请人{i}",
                    id_type="passport",
                    id_number=f"E{i:08d}",
                    description="关于某地块土地征收补偿安置方案的批复文件及附件",
                    requested_form="electronic",
                    delivery="email",
                    channel=channel,
                    arrived_at=_aware(arrived),
                    confirmed_on=receipt if channel == "email" else None,
                    status="closed" if answered else "open",
                    receipt_date=receipt,
                    due_date=receipt + datetime.timedelta(days=28),
                    outcome=outcome,
                    answered_on=answered,
                    counted_answer_on=answered,
                    counted_outcome=outcome,
                    tracking_code=f"P{i:011d}",
                    secret_hash="0" * 64,
                )
            )
        Application.objects.bulk_create(apps, batch_size=2000)
        events: list[CaseEvent] = []
        appeals: list[Appeal] = []
        for app, (receipt, answered, outcome, agency, fee) in zip(apps, plans, strict=True):
            events.append(CaseEvent(application=app, seq=1, kind=EventKind.REGISTERED, occurred_on=receipt))
            seq = 1
            if fee is not None:
                amount, paid = fee
                seq += 1
                events.append(
                    CaseEvent(
                        application=app,
                        seq=seq,
                        kind=EventKind.FEE_NOTICE_ISSUED,
                        occurred_on=receipt + datetime.timedelta(days=3),
                        data={"method": "pages", "amount": amount},
                    )
                )
                if paid is not None:
                    seq += 1
                    events.append(
                        CaseEvent(application=app, seq=seq, kind=EventKind.FEE_PAID, occurred_on=paid)
                    )
            if answered is None:
                continue
            events.append(
                CaseEvent(
                    application=app,
                    seq=seq + 1,
                    kind=EventKind.ANSWERED,
                    occurred_on=answered,
                    data={"outcome": outcome},
                )
            )
            if outcome.startswith(REFUSALS) and rng.random() < 0.04:
                filed = answered + datetime.timedelta(days=rng.randrange(15, 60))
                if filed > today:
                    continue
                concluded = filed + datetime.timedelta(days=rng.randrange(40, 200))
                done = concluded <= today and rng.random() < 0.85
                reconsideration = rng.random() < 0.7
                appeals.append(
                    Appeal(
                        application=app,
                        agency=agency,
                        kind="reconsideration" if reconsideration else "litigation",
                        filed_on=filed,
                        body="基准市人民政府" if reconsideration else "基准市中级人民法院",
                        result=rng.choices(["upheld", "corrected", "other"], [7, 2, 1])[0] if done else "",
                        concluded_on=concluded if done else None,
                    )
                )
        CaseEvent.objects.bulk_create(events, batch_size=5000)
        Appeal.objects.bulk_create(appeals, batch_size=2000)
        counts["applications"] += len(apps)
        counts["events"] += len(events)
        counts["appeals"] += len(appeals)
        counts["open"] += sum(1 for plan in plans if plan[1] is None)
        print(f"  {start + len(apps):,} / {total:,} applications", flush=True)
    return counts


def build(per_year: int) -> None:
    from bench_reports import load_agencies
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from gongkai.agencies.models import Agency, Membership, Role
    from gongkai.annual.models import Report, ReportVersion
    from gongkai.applications import services
    from gongkai.applications.models import Application, Status

    call_command("migrate", verbosity=0)
    today = timezone.localdate()
    year = today.year - 1
    rng = random.Random(13)
    t0 = time.perf_counter()
    seat, agencies_n, versions = load_agencies(2000, year, random.Random(7))
    print(
        f"agencies: {agencies_n:,}, report versions: {versions:,} ({time.perf_counter() - t0:.1f} s)",
        flush=True,
    )
    agencies = _ranked(list(Agency.objects.subtree_of(seat)), rng)
    largest = agencies[0]
    ReportVersion.objects.filter(report__agency=largest, report__year=year).delete()  # its draft is measured
    Report.objects.filter(agency=largest, year=year).delete()
    user = User.objects.create_user(SUPERVISOR, password=None)
    Membership.objects.create(user=user, agency=seat, role=Role.SUPERVISOR)
    Membership.objects.create(user=user, agency=largest, role=Role.ADMINISTRATOR)  # may draft its report
    t0 = time.perf_counter()
    last_year = load_cases(agencies, datetime.date(year, 1, 1), datetime.date(year, 12, 31), per_year, rng, 0)
    this_year = load_cases(agencies, datetime.date(today.year, 1, 1), today, per_year, rng, 10_000_000)
    print(f"last year: {last_year}; this year: {this_year} ({time.perf_counter() - t0:.1f} s)", flush=True)
    t0 = time.perf_counter()
    opened = Application.objects.filter(status=Status.OPEN).order_by("pk").prefetch_related("events")
    for application in opened.iterator(chunk_size=2000):
        services.refresh(application)
    print(f"open cases refreshed by the services' refresh ({time.perf_counter() - t0:.1f} s)", flush=True)
    retime = getattr(services, "retime_cases", None)
    if retime is not None:
        t0 = time.perf_counter()
        n = retime(Application.objects.all())
        print(f"retime_cases: {n:,} cases timed ({time.perf_counter() - t0:.1f} s)", flush=True)
    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"VACUUM ANALYZE ({time.perf_counter() - t0:.1f} s)")
    print(f"largest agency: {largest.short_code} {largest.name}: {largest.applications.count():,} cases")


# ---------------------------------------------------------------------------------------------
# Measuring (in a child per tree)
# ---------------------------------------------------------------------------------------------


def child(repeats: int, only: set[str], no_peak: set[str]) -> list[dict[str, Any]]:
    from django.contrib.auth.models import User
    from django.db import connection, reset_queries
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from gongkai.agencies.models import Agency, Membership, Role
    from gongkai.annual import services
    from gongkai.annual.models import HandEntry, Report, ReportVersion

    year = timezone.localdate().year - 1
    user = User.objects.get(username=SUPERVISOR)
    largest = Agency.objects.annotate(n=Count("applications")).order_by("-n").first()
    assert largest is not None
    staff, public = Client(), Client()
    staff.force_login(user)

    def page(client: Client, url: str) -> Any:
        def get() -> None:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            get.size = len(response.content)  # type: ignore[attr-defined]

        return get

    def drop_report() -> None:
        HandEntry.objects.filter(version__report__agency=largest).delete()
        ReportVersion.objects.filter(report__agency=largest).delete()
        Report.objects.filter(agency=largest).delete()

    seat = f"/stats/supervise/{SEAT}/"
    county = Agency.objects.filter(parent__short_code=SEAT).order_by("pk").first()
    assert county is not None
    Membership.objects.get_or_create(user=user, agency=county, role=Role.SUPERVISOR)
    below = Agency.objects.subtree_of(county).count()
    steps: list[tuple[str, str, Any, Any]] = [
        ("stats", f"statistics page {year}", page(staff, f"{seat}?year={year}"), None),
        ("stats-now", "statistics page this year", page(staff, seat), None),
        ("xlsx", f"statistics .xlsx {year}", page(staff, f"{seat}stats.xlsx?year={year}"), None),
        ("csv", f"statistics .csv {year}", page(staff, f"{seat}stats.csv?year={year}"), None),
        (
            "county",
            f"a county's statistics page {year} ({below} agencies)",
            page(staff, f"/stats/supervise/{county.short_code}/?year={year}"),
            None,
        ),
        (
            "agency",
            f"largest agency's statistics {year}",
            page(staff, f"/stats/{largest.short_code}/?year={year}"),
            None,
        ),
        (
            "public",
            f"its public statistics {year}",
            page(public, f"/gk/{largest.short_code}/statistics/?year={year}"),
            None,
        ),
        ("rollup", f"annual-report roll-up {year}", page(staff, f"/reports/supervise/{SEAT}/{year}/"), None),
        (
            "rollup-xlsx",
            f"roll-up .xlsx {year}",
            page(staff, f"/reports/supervise/{SEAT}/{year}/status.xlsx"),
            None,
        ),
        ("tables", f"summed tables {year}", page(staff, f"/reports/supervise/{SEAT}/{year}/tables/"), None),
        (
            "draft",
            f"services.open_draft, largest agency {year}",
            lambda: services.open_draft(actor=user, agency=largest, year=year),
            drop_report,
        ),
    ]
    results: list[dict[str, Any]] = []
    for key, name, fn, before in steps:
        if only and key not in only:
            continue
        if repeats > 1:  # warm-up
            if before is not None:
                before()
            fn()
        times = []
        for _ in range(repeats):
            if before is not None:
                before()
            reset_queries()
            with CaptureQueriesContext(connection) as queries:
                t0 = time.perf_counter()
                fn()
                times.append((time.perf_counter() - t0) * 1000)
            count = len(queries)
        peak = None
        if key not in no_peak:
            if before is not None:
                before()
            tracemalloc.start()
            fn()
            peak = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
        size = getattr(fn, "size", None)
        results.append(
            {
                "step": name + (f" ({size / 1024:.0f} KiB)" if size else ""),
                "median": statistics.median(times),
                "min": min(times),
                "max": max(times),
                "queries": count,
                "peak": peak,
            }
        )
        print(json.dumps(results[-1], ensure_ascii=False), file=sys.stderr, flush=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="postgres://postgres@127.0.0.1:5432/gongkai_province13bench")
    parser.add_argument("--build", action="store_true")
    parser.add_argument("--cases", type=int, default=200_000)
    parser.add_argument("--trees", default="")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--child", action="store_true")
    parser.add_argument("--steps", default="")
    parser.add_argument("--no-peak", default="")
    args = parser.parse_args()
    if args.child:
        setup(args.database, create=False)
        only = {k for k in args.steps.split("+") if k}
        no_peak = {k for k in args.no_peak.split("+") if k}
        print(json.dumps(child(args.repeats, only, no_peak), ensure_ascii=False))
        return
    if args.build:
        setup(args.database, create=True)
        build(args.cases)
        return
    from bench_side_by_side import child_env, collect_static

    trees = [t.split(":") for t in args.trees.split(",") if t]
    for tree, *_rest in trees:
        collect_static(tree, args.database)
    for round_ in range(args.rounds):
        for tree, *rest in trees if round_ % 2 == 0 else list(reversed(trees)):
            repeats = int(rest[0]) if rest else args.repeats
            done = subprocess.run(
                [
                    sys.executable,
                    str(HERE),
                    "--child",
                    "--repeats",
                    str(repeats),
                    "--steps",
                    rest[1] if len(rest) > 1 else "",
                    "--no-peak",
                    rest[2] if len(rest) > 2 else "",
                    "--database",
                    args.database,
                ],
                env=child_env(tree, args.database),
                cwd=tree,
                stdout=subprocess.PIPE,
                check=True,
            )
            results = json.loads(done.stdout.decode().splitlines()[-1])
            print(f"\n### Round {round_ + 1}, {tree} (median of {repeats})\n")
            print("| step | median ms | min ms | max ms | SQL queries | Python peak MiB |")
            print("|---|---:|---:|---:|---:|---:|")
            for r in results:
                print(
                    f"| {r['step']} | {r['median']:.0f} | {r['min']:.0f} | {r['max']:.0f} | {r['queries']} "
                    f"| {'—' if r['peak'] is None else format(r['peak'], '.1f')} |",
                    flush=True,
                )


if __name__ == "__main__":
    main()
