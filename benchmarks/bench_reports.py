"""Annual reports (年度报告): building one large agency's report, and the supervisor's roll-up over 2,000
agencies (time, SQL queries, memory).

Part A — one agency, ``--cases`` applications received in one year (default 20,000; the report year is last
year, so that the pre-publication check has nothing against publishing it). A throw-away database gets
the agency and, bulk-inserted (the services would take hours; the report reads only the columns they
maintain): the applications with their applicant types, statutory outcomes, receipt and answer dates
(a few hundred carried over from December before, a few hundred carried forward into January after,
some still open), their registration and answer events and the 收费通知 / payment events of 2 % of them,
the reconsiderations and lawsuits following refusals (some concluded, some pending on 31 December), and
the agency's catalogue for the year (``--items`` entries: information, 政策解读, 行政许可/处罚/强制
decisions, 行政规范性文件 written in the year or before, some repealed). Timed, median of ``--repeats``
after one warm-up: ``tabulate.table2/3/4``, ``figures.year_figures``, ``services.open_draft`` (the whole
draft: tables and prose; the report is deleted between runs), ``services.check_draft`` on the completed
draft (the checker on the HTML, the cross-year rules, Gongkai's own rules) and each export. Each step's
SQL queries are counted, and its Python memory peak taken with ``tracemalloc`` in one more, untimed run.

Part B — the roll-up. A city (the seat) with counties below it and departments and townships below them,
``--agencies`` in all (default 2,000), bulk-inserted; the townships' local deadline set at each county;
last year's report published by about 88 % of the agencies (10 % of those late, 5 % corrected once, each
with realistic computed tables and a stored check with its findings), a draft at 5 %, nothing at the
rest. Timed: ``rollup.status_rollup`` and ``rollup.summed_tables`` (the data), and the roll-up page and
the summed-tables page through Django's test client (the whole request) as the seat's 政务公开办, with
their SQL queries.

    .venv/bin/python benchmarks/bench_reports.py [--cases 20000] [--items 3000] [--agencies 2000] \\
        [--repeats 5] [--postgres] [--skip-build] [--skip-rollup]

SQLite: a temporary file. PostgreSQL (``--postgres``): a database ``gongkai_bench_reports`` on
127.0.0.1 (``BENCH_PG_URL`` to change the server), created for the run and dropped at its end.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import random
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PG_SERVER = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432")
PG_DATABASE = "gongkai_bench_reports"


# ---------------------------------------------------------------------------------------------
# Database
# ---------------------------------------------------------------------------------------------


def setup_django(postgres: bool) -> str:
    os.environ.setdefault("SECRET_KEY", "benchmark-only-" + "x" * 40)
    os.environ.setdefault("GONGKAI_DATA_KEYS", "bench:YmVuY2htYXJrLW9ubHktZGF0YS1rZXktMzItYnl0ZXM=")
    os.environ["GONGKAI_DEBUG"] = "false"
    os.environ["ALLOWED_HOSTS"] = "testserver"
    if postgres:
        import psycopg

        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE}")
            conn.execute(f"CREATE DATABASE {PG_DATABASE} ENCODING 'UTF8' TEMPLATE template0")
        os.environ["DATABASE_URL"] = f"{PG_SERVER.replace('postgresql://', 'postgres://')}/{PG_DATABASE}"
        label = "PostgreSQL"
    else:
        path = Path(tempfile.mkdtemp()) / "bench.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
        label = "SQLite"
    os.environ["DJANGO_SETTINGS_MODULE"] = "gongkai.settings"
    import logging

    import django

    django.setup()
    logging.getLogger("weasyprint").setLevel(logging.ERROR)  # no per-page progress lines
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return label


def drop_postgres() -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE}")


def analyze() -> None:
    """What autovacuum would give a production table: planner statistics."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


# ---------------------------------------------------------------------------------------------
# Measuring
# ---------------------------------------------------------------------------------------------


class Step:
    def __init__(self, name: str, median_ms: float, low_ms: float, high_ms: float, queries: int, peak: int):
        self.name, self.median_ms, self.low_ms, self.high_ms = name, median_ms, low_ms, high_ms
        self.queries, self.peak = queries, peak


def measure(name: str, fn: Callable[[], Any], repeats: int, before: Callable[[], None] | None = None) -> Step:
    """Median wall time of ``repeats`` runs after a warm-up; the queries and the tracemalloc peak of one
    more run. ``before`` runs (untimed) before every run."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    def once() -> float:
        if before is not None:
            before()
        t0 = time.perf_counter()
        fn()
        return (time.perf_counter() - t0) * 1000

    once()
    times = [once() for _ in range(repeats)]
    if before is not None:
        before()
    reset_queries()  # a request clears the log when it starts: begin the capture from an empty log
    with CaptureQueriesContext(connection) as queries:
        fn()
    count = len(queries)  # now: the log is read lazily, and the next request clears it
    if before is not None:
        before()
    tracemalloc.start()
    fn()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return Step(name, statistics.median(times), min(times), max(times), count, peak)


def print_steps(title: str, steps: list[Step]) -> None:
    print(f"### {title}\n")
    print("| step | median ms | min ms | max ms | SQL queries | Python peak MiB |")
    print("|---|---:|---:|---:|---:|---:|")
    for s in steps:
        print(
            f"| {s.name} | {s.median_ms:.0f} | {s.low_ms:.0f} | {s.high_ms:.0f} | {s.queries} "
            f"| {s.peak / 2**20:.1f} |"
        )
    print()


# ---------------------------------------------------------------------------------------------
# Part A: one agency, one large year
# ---------------------------------------------------------------------------------------------

#: (outcome key, weight): the mix of a busy natural-resources bureau.
OUTCOME_WEIGHTS: list[tuple[str, int]] = [
    ("granted", 300),
    ("already_public", 90),
    ("partially_granted", 80),
    ("denied_third_party", 20),
    ("denied_process_info", 25),
    ("denied_internal_affairs", 8),
    ("denied_enforcement_files", 6),
    ("unable_not_held", 110),
    ("unable_not_responsible", 40),
    ("unable_needs_creation", 30),
    ("unable_unclear", 6),
    ("rejected_petition", 30),
    ("rejected_duplicate", 20),
    ("rejected_excessive", 4),
    ("other_no_correction", 12),
    ("other_no_fee", 3),
    ("withdrawn", 20),
]
APPLICANT_WEIGHTS: list[tuple[str, int]] = [
    ("natural_person", 78),
    ("commercial", 10),
    ("research", 2),
    ("social_welfare", 3),
    ("legal_service", 4),
    ("other_org", 3),
]
REFUSALS = ("partially_granted", "denied_", "unable_", "rejected_")


def _aware(day: datetime.date, hour: int = 10) -> datetime.datetime:
    from django.utils import timezone

    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def load_year(agency: Any, year: int, cases: int, items: int, rng: random.Random) -> dict[str, int]:
    """Bulk-insert one agency's records of ``year`` (see the module docstring); returns row counts."""
    from gongkai.applications.models import Appeal, Application, CaseEvent, EventKind
    from gongkai.catalogue.models import Category, DocumentType, Item, ItemKind, Status, Validity

    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    outcomes, outcome_w = zip(*OUTCOME_WEIGHTS, strict=True)
    applicants, applicant_w = zip(*APPLICANT_WEIGHTS, strict=True)
    apps: list[Application] = []
    plans: list[tuple[datetime.date, datetime.date | None, str]] = []
    # Received in the year, and a few hundred in the last two weeks of the year before; ~3 % still open.
    total = cases + cases * 14 // 365
    for i in range(total):
        if i < cases:  # the year's own cases are received in the year, the rest in late December before
            receipt = first + datetime.timedelta(days=rng.randrange(365))
        else:
            receipt = first - datetime.timedelta(days=rng.randrange(1, 15))
        outcome = rng.choices(outcomes, outcome_w)[0]
        answered: datetime.date | None = receipt + datetime.timedelta(days=rng.randrange(4, 36))
        if rng.random() < 0.03 and receipt > last - datetime.timedelta(days=40):
            answered, outcome = None, ""
        plans.append((receipt, answered, outcome))
        apps.append(
            Application(
                agency=agency,
                reference=f"{receipt.year}-{i + 1:06d}",
                applicant_type=rng.choices(applicants, applicant_w)[0],
                applicant_name=f"申请人{i}",
                id_type="passport",
                id_number=f"E{i:08d}",
                description="关于某地块土地征收补偿安置方案的批复文件及附件",
                requested_form="electronic",
                delivery="email",
                channel="in_person",
                arrived_at=_aware(receipt),
                status="closed" if answered else "open",
                receipt_date=receipt,
                due_date=receipt + datetime.timedelta(days=28),
                outcome=outcome,
                answered_on=answered,
                counted_outcome=outcome,
                counted_answer_on=answered,
                tracking_code=f"B{i:011d}",
                secret_hash="0" * 64,
            )
        )
    Application.objects.bulk_create(apps, batch_size=2000)
    events: list[CaseEvent] = []
    appeals: list[Appeal] = []
    for app, (receipt, answered, outcome) in zip(apps, plans, strict=True):
        events.append(CaseEvent(application=app, seq=1, kind=EventKind.REGISTERED, occurred_on=receipt))
        seq = 1
        if rng.random() < 0.02:
            amount = rng.choice([300, 700, 1200, 2500])
            events.append(
                CaseEvent(
                    application=app,
                    seq=2,
                    kind=EventKind.FEE_NOTICE_ISSUED,
                    occurred_on=receipt + datetime.timedelta(days=3),
                    data={"method": "pages", "amount": amount},
                )
            )
            seq = 2
            if rng.random() < 0.8:
                events.append(
                    CaseEvent(
                        application=app,
                        seq=3,
                        kind=EventKind.FEE_PAID,
                        occurred_on=receipt + datetime.timedelta(days=9),
                    )
                )
                seq = 3
        if answered is not None:
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
                concluded = filed + datetime.timedelta(days=rng.randrange(40, 200))
                done = concluded <= last + datetime.timedelta(days=200) and rng.random() < 0.85
                reconsideration = rng.random() < 0.7
                appeals.append(
                    Appeal(
                        application=app,
                        agency=agency,
                        kind="reconsideration" if reconsideration else "litigation",
                        filed_on=filed,
                        body="基准县人民政府" if reconsideration else "基准县人民法院",
                        result=rng.choices(["upheld", "corrected", "other"], [7, 2, 1])[0] if done else "",
                        concluded_on=concluded if done else None,
                    )
                )
    CaseEvent.objects.bulk_create(events, batch_size=5000)
    Appeal.objects.bulk_create(appeals, batch_size=2000)
    # Some lawsuits after a concluded reconsideration.
    followed = [
        (a, a.concluded_on)
        for a in appeals
        if a.kind == "reconsideration" and a.result == "upheld" and a.concluded_on is not None
    ][: len(appeals) // 8]
    after = [
        Appeal(
            application_id=a.application_id,
            agency=agency,
            kind="litigation",
            after_reconsideration=a,
            filed_on=concluded + datetime.timedelta(days=10),
            body="基准县人民法院",
        )
        for a, concluded in followed
    ]
    Appeal.objects.bulk_create(after)

    categories = list(Category.objects.values_list("pk", flat=True))
    kinds = [
        (ItemKind.INFORMATION, 50),
        (ItemKind.INTERPRETATION, 4),
        (ItemKind.LICENSING, 30),
        (ItemKind.PENALTY, 12),
        (ItemKind.ENFORCEMENT, 2),
    ]
    kind_keys, kind_w = zip(*kinds, strict=True)
    catalogue = []
    for n in range(items):
        published = first + datetime.timedelta(days=rng.randrange(365))
        kind = rng.choices(kind_keys, kind_w)[0]
        normative = n < max(items // 50, 10)
        written = published - datetime.timedelta(days=rng.randrange(1, 12))
        if normative and n % 2:  # half of the documents are from earlier years, still in force or repealed
            written = written - datetime.timedelta(days=rng.randrange(365, 1500))
            published = written + datetime.timedelta(days=5)
        repealed = first + datetime.timedelta(days=rng.randrange(365)) if normative and n % 7 == 1 else None
        catalogue.append(
            Item(
                agency=agency,
                kind=ItemKind.INFORMATION if normative else kind,
                index_number=f"BENCH/{published.year}-{n + 1:06d}",
                title=f"基准县自然资源局政府信息第{n + 1}号",
                publisher=agency.name,
                written_on=written,
                published_on=published,
                repealed_on=repealed,
                document_type=DocumentType.NORMATIVE if normative else DocumentType.OTHER,
                validity=(Validity.REPEALED if repealed else Validity.IN_FORCE) if normative else "",
                category_id=rng.choice(categories) if categories and rng.random() < 0.9 else None,
                article20_item=rng.choice([1, 2, 5, 6, 7, 15]) if rng.random() < 0.7 else None,
                summary="内容概述",
                body="<p>正文</p>",
                status=Status.WITHDRAWN if rng.random() < 0.01 else Status.PUBLISHED,
            )
        )
    Item.objects.bulk_create(catalogue, batch_size=2000)
    analyze()
    return {
        "applications": len(apps),
        "events": len(events),
        "appeals": len(appeals) + len(after),
        "catalogue": len(catalogue),
    }


def build_benchmark(cases: int, items: int, repeats: int, label: str) -> None:
    from django.contrib.auth.models import User
    from django.utils import timezone

    from gongkai.agencies.models import AgencyKind
    from gongkai.agencies.services import create_agency
    from gongkai.annual import documents, figures, selectors, services, tabulate
    from gongkai.annual.models import HandEntry, Report, ReportVersion
    from gongkai.reports import drafting
    from gongkai.reports.export import export

    year = timezone.localdate().year - 1
    agency = create_agency(
        actor=None, name="基准县自然资源局", short_code="bench-nr", kind=AgencyKind.DEPARTMENT
    )
    actor = User.objects.create_superuser("bench-admin", password=None)
    t0 = time.perf_counter()
    loaded = load_year(agency, year, cases, items, random.Random(2026))
    print(f"## A. One agency's {year} report: {cases:,} applications received in the year ({label})\n")
    print(
        f"(bulk-inserted in {time.perf_counter() - t0:.1f} s: "
        + ", ".join(f"{n:,} {what}" for what, n in loaded.items())
        + ")\n"
    )
    ids = [agency.pk]

    def drop_report() -> None:
        HandEntry.objects.filter(version__report__agency=agency).delete()
        ReportVersion.objects.filter(report__agency=agency).delete()
        Report.objects.filter(agency=agency).delete()

    steps = [
        measure("tabulate.table3 (表三)", lambda: tabulate.table3(ids, year), repeats),
        measure("tabulate.table4 (表四)", lambda: tabulate.table4(ids, year), repeats),
        measure("tabulate.table2 (表二)", lambda: tabulate.table2(ids, year), repeats),
        measure("figures.year_figures", lambda: figures.year_figures(ids, year), repeats),
        measure(
            "services.open_draft (whole draft)",
            lambda: services.open_draft(actor=actor, agency=agency, year=year),
            repeats,
            before=drop_report,
        ),
    ]
    version = services.open_draft(actor=actor, agency=agency, year=year)
    services.set_hand_entry(
        actor=actor, version=version, row="fees", column="amount", value="86.425", note="据财务系统统计"
    )
    version.refresh_from_db()
    services.save_sections(
        actor=actor,
        version=version,
        sections={
            key: drafting.PLACEHOLDER.sub("已按要求落实", version.sections[key])
            for key in ("overview", "problems", "other")
        },
    )
    version.refresh_from_db()
    steps.append(
        measure("services.check_draft", lambda: services.check_draft(actor=actor, version=version), repeats)
    )
    checked = services.check_draft(actor=actor, version=version)
    errors = [f for f in selectors.all_findings(checked) if f["severity"] == "error"]
    doc = documents.to_document(checked)
    steps.append(measure("documents.to_document", lambda: documents.to_document(checked), repeats))
    for suffix in (".html", ".docx", ".pdf", ".json"):
        try:
            export(doc, suffix)
        except Exception as exc:  # e.g. no Chinese font for PDF on this machine
            print(f"({suffix}: {exc})\n")
            continue
        steps.append(measure(f"export {suffix}", lambda s=suffix: export(doc, s), repeats))  # type: ignore[misc]
    print_steps(f"Steps (median of {repeats} after one warm-up)", steps)
    t3 = doc.tables.section3
    print(
        f"Table 三 总计: received {t3['new_received'][-1]:,}, carried over {t3['carried_over'][-1]:,}, "
        f"answered {t3['total'][-1]:,}, carried forward {t3['carried_forward'][-1]:,}; "
        f"check errors: {len(errors)}\n"
    )


# ---------------------------------------------------------------------------------------------
# Part B: the roll-up over 2,000 agencies
# ---------------------------------------------------------------------------------------------


def random_tables(rng: random.Random) -> dict[str, Any]:
    """Computed tables (``Tables.to_json()``, 2021 format) that satisfy table 三's and 四's identities."""
    from gongkai.reports.model import (
        SECTION2_2021,
        SECTION3_APPLICANT_COLUMNS,
        SECTION3_ROWS,
        SECTION4_GROUP_KEYS,
    )

    rows = [r.key for r in SECTION3_ROWS["2021"]]
    results = [r for r in rows if r not in {"new_received", "carried_over", "total", "carried_forward"}]
    main = {"granted": 8, "partially_granted": 2, "unable_not_held": 3}
    columns: dict[str, dict[str, int]] = {}
    scale = rng.choice([0, 1, 2, 5, 10, 40])
    for column in SECTION3_APPLICANT_COLUMNS:
        received = rng.randrange(0, scale * (4 if column == "natural_person" else 1) + 1)
        carried = rng.randrange(0, 3)
        answered = max(0, received + carried - rng.randrange(0, 3))
        cells = dict.fromkeys(rows, 0)
        cells["new_received"], cells["carried_over"] = received, carried
        for _ in range(answered):
            cells[rng.choices(results, [main.get(r, 0.3) for r in results])[0]] += 1
        cells["total"] = answered
        cells["carried_forward"] = received + carried - answered
        columns[column] = cells
    section3 = {
        row: [columns[c][row] for c in SECTION3_APPLICANT_COLUMNS] + [sum(columns[c][row] for c in columns)]
        for row in rows
    }
    section4 = {}
    for group in SECTION4_GROUP_KEYS:
        cells4 = [rng.randrange(0, 3), rng.randrange(0, 2), rng.randrange(0, 2), rng.randrange(0, 2)]
        section4[group] = [*cells4, sum(cells4[:3])]
    section2 = {
        row.key: {
            column.key: (round(rng.random() * 20, 4) if column.kind == "amount" else rng.randrange(0, 30))
            for column in block.columns
        }
        for block in SECTION2_2021
        for row in block.rows
    }
    return {"section2": section2, "section3": section3, "section4": section4}


def load_agencies(total: int, year: int, rng: random.Random) -> Any:
    """The seat (a city) with counties, each with departments and townships: ``total`` agencies in all."""
    from gongkai.agencies.models import Agency, AgencyKind
    from gongkai.annual.models import LocalDeadline, Report, ReportVersion

    seat = Agency.objects.create(name="基准市人民政府", short_code="bench-city", kind=AgencyKind.GOVERNMENT)
    counties_n = max(1, total // 140)
    counties = Agency.objects.bulk_create(
        Agency(
            name=f"基准市第{i + 1}县人民政府",
            short_code=f"bench-c{i + 1}",
            kind=AgencyKind.GOVERNMENT,
            parent=seat,
            path=f"/{seat.pk}/",
        )
        for i in range(counties_n)
    )
    rest = total - 1 - counties_n
    below = []
    for i in range(rest):
        county = counties[i % counties_n]
        township = i % 3 == 2
        below.append(
            Agency(
                name=f"{county.name[:-4]}第{i + 1}{'镇人民政府' if township else '局'}",
                short_code=f"bench-a{i + 1}",
                kind=AgencyKind.TOWNSHIP if township else AgencyKind.DEPARTMENT,
                parent=county,
                path=f"/{seat.pk}/{county.pk}/",
            )
        )
    Agency.objects.bulk_create(below, batch_size=1000)
    LocalDeadline.objects.bulk_create(
        LocalDeadline(supervisor_agency=c, year=year, deadline=datetime.date(year + 1, 2, 28))
        for c in counties
    )
    agencies = list(Agency.objects.filter(path__startswith=seat.descendant_path_prefix)) + [seat]
    reports, plans = [], []
    for agency in agencies:
        roll = rng.random()
        if roll < 0.07:
            continue  # nothing: missing
        reports.append(Report(agency=agency, year=year))
        plans.append(roll)
    Report.objects.bulk_create(reports, batch_size=1000)
    now = _aware(datetime.date(year + 1, 3, 31))
    versions = []
    for report, roll in zip(reports, plans, strict=True):
        tables = random_tables(rng)
        deadline = (
            datetime.date(year + 1, 3, 31)
            if report.agency.kind == AgencyKind.GOVERNMENT
            else datetime.date(year + 1, 2, 28)
            if report.agency.kind == AgencyKind.TOWNSHIP
            else datetime.date(year + 1, 1, 31)
        )
        findings = [
            {
                "code": "prose.fee_statement_missing" if n % 2 else "table3.row_sum",
                "severity": "warning" if n % 3 else "info",
                "message": "示例提示：请核对第六部分的信息处理费说明。",
                "section": "other",
                "table": None,
                "row": None,
                "column": None,
                "expected": None,
                "found": None,
            }
            for n in range(rng.randrange(0, 4))
        ]
        check = {
            "fingerprint": "0" * 64,
            "checked_at": now.isoformat(),
            "previous": "",
            "result": {
                "path": f"{report.agency.short_code}-{year}.html",
                "kind": "annual_report",
                "format": "2021",
                "year": year,
                "agency": report.agency.name,
                "layout": "html",
                "period": {"start": f"{year}-01-01", "end": f"{year}-12-31"},
                "tables": tables,
                "findings": findings,
            },
            "extra": [],
        }
        common = {
            "report": report,
            "format": "2021",
            "computed": tables,
            "computed_at": now,
            "check_result": check,
        }
        if roll >= 0.95:
            versions.append(ReportVersion(number=1, status="draft", **common))
            continue
        late = rng.random() < 0.1
        published = deadline + datetime.timedelta(
            days=rng.randrange(1, 40) if late else -rng.randrange(0, 25)
        )
        versions.append(
            ReportVersion(number=1, status="published", published_on=published, published_at=now, **common)
        )
        if roll < 0.05:
            versions.append(
                ReportVersion(
                    number=2,
                    status="published",
                    published_on=published + datetime.timedelta(days=12),
                    published_at=now,
                    change_note="更正表三数据。",
                    **common,
                )
            )
    ReportVersion.objects.bulk_create(versions, batch_size=500)
    analyze()
    return seat, len(agencies), len(versions)


def rollup_benchmark(total: int, repeats: int, label: str) -> None:
    from django.contrib.auth.models import User
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from gongkai.agencies.models import Membership, Role
    from gongkai.annual import rollup

    today = timezone.localdate()
    year = today.year - 1
    t0 = time.perf_counter()
    seat, agencies, versions = load_agencies(total, year, random.Random(7))
    print(f"## B. Roll-up of {year} over {agencies:,} agencies under one city ({label})\n")
    print(
        f"(bulk-inserted in {time.perf_counter() - t0:.1f} s: {agencies:,} agencies, {versions:,} versions)\n"
    )
    data = rollup.status_rollup(seat, year, today)
    summed = rollup.summed_tables(seat, year)
    assert summed is not None
    print(
        "Statuses: "
        + ", ".join(f"{label} {n}" for _key, label, n in data.counts() if n)
        + f"; summed tables include {len(summed.included):,} agencies\n"
    )
    steps = [
        measure("rollup.status_rollup", lambda: rollup.status_rollup(seat, year, today), repeats),
        measure("rollup.summed_tables", lambda: rollup.summed_tables(seat, year), repeats),
    ]
    user = User.objects.create_user("bench-supervisor", password=None)
    Membership.objects.create(user=user, agency=seat, role=Role.SUPERVISOR)
    client = Client()
    client.force_login(user)
    for name, url in (
        ("roll-up page", f"/reports/supervise/{seat.short_code}/{year}/"),
        ("roll-up page, late only", f"/reports/supervise/{seat.short_code}/{year}/?status=late"),
        ("summed tables page", f"/reports/supervise/{seat.short_code}/{year}/tables/"),
    ):
        response = client.get(url)
        if response.status_code != 200:
            print(f"({name}: HTTP {response.status_code})\n")
            continue
        size = len(response.content)
        step = measure(f"{name} ({size / 1024:.0f} KiB)", lambda u=url: client.get(u), repeats)  # type: ignore[misc]
        steps.append(step)
    print_steps(f"Roll-up (median of {repeats} after one warm-up)", steps)
    if os.environ.get("BENCH_SHOW_QUERIES"):
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            client.get(f"/reports/supervise/{seat.short_code}/{year}/")
        for q in queries:
            print(f"    {q['time']} s  {q['sql'][:200]}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--items", type=int, default=3_000)
    parser.add_argument("--agencies", type=int, default=2_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--skip-build", action="store_true")
    parser.add_argument("--skip-rollup", action="store_true")
    args = parser.parse_args()
    print(f"Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs\n")
    label = setup_django(args.postgres)
    try:
        if not args.skip_build:
            build_benchmark(args.cases, args.items, args.repeats, label)
        if not args.skip_rollup:
            rollup_benchmark(args.agencies, args.repeats, label)
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"Peak resident memory of the whole run (ru_maxrss): {rss:.0f} MiB\n")
    finally:
        if args.postgres:
            drop_postgres()


if __name__ == "__main__":
    main()
