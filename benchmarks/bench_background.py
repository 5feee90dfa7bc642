"""Work moved off the request (issue 13): a catalogue file's upload, and re-dating the open cases as a job.

Part 1 — upload of a large PDF attachment (``--pages`` pages of text, Helvetica). Side by side in one run,
alternating, on the same file (each time a new draft entry):

* **before**: what the upload request did until now — the text extracted in the limited child
  (``extract.extract_text``) and then the same upload request: stored, audited, indexed;
* **after**: the upload request alone (Django's test client: middleware, session, view, service): the file
  is stored unread and the job ``catalogue.extract_attachment`` is queued;
* **job**: that job run afterwards by a worker (``jobs.run_pending()``), reading and scanning the file.

Part 2 — re-dating ``--cases`` open cases after a calendar change: the load of a year as the calendar page
does it (now: the job is queued) and the job ``applications.recompute_open_cases`` (cases/s).

A throw-away database: an SQLite file, or with ``--postgres`` a PostgreSQL database ``gongkai_bgbench`` on
127.0.0.1 (dropped and made anew). Figures: medians of ``--repeats`` runs (``time.perf_counter``).

    .venv/bin/python benchmarks/bench_background.py [--pages 200] [--repeats 5] [--cases 1000] [--postgres]
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def setup_django(postgres: bool) -> str:
    os.environ.setdefault("SECRET_KEY", "benchmark-only-" + "x" * 40)
    os.environ.setdefault("GONGKAI_DATA_KEYS", "bench:YmVuY2htYXJrLW9ubHktZGF0YS1rZXktMzItYnl0ZXM=")
    os.environ["GONGKAI_DEBUG"] = "false"
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["GONGKAI_REQUIRE_2FA"] = "false"  # the test client signs in without a second factor
    if postgres:
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS gongkai_bgbench")
            conn.execute("CREATE DATABASE gongkai_bgbench ENCODING 'UTF8' TEMPLATE template0")
        os.environ["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/gongkai_bgbench"
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


def many_page_pdf(pages: int, lines: int = 45) -> bytes:
    """A PDF of ``pages`` pages of ``lines`` lines of text each (Helvetica, WinAnsi), written by hand."""
    fixed = 4  # catalogue, pages, font, and the first page object's number
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",  # the page tree, filled below
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    kids = []
    for page in range(pages):
        page_obj, content_obj = fixed + 2 * page, fixed + 2 * page + 1
        kids.append(b"%d 0 R" % page_obj)
        ops = [b"BT /F1 10 Tf 50 760 Td 16 TL"]
        for line in range(lines):
            text = f"Page {page + 1} line {line + 1}: budget item {page * lines + line} amount 12345.67 yuan"
            ops.append(b"(" + text.encode("ascii") + b") Tj T*")
        ops.append(b"ET")
        content = b"\n".join(ops)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R"
            b" /Resources << /Font << /F1 3 0 R >> >> >>" % content_obj
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
    objects[1] = b"<< /Type /Pages /Kids [" + b" ".join(kids) + b"] /Count %d >>" % pages
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:,.0f}"


def upload_benchmark(pages: int, repeats: int, label: str) -> None:
    from django.contrib.auth.models import User
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from django.utils import timezone

    from gongkai.agencies.models import AgencyKind, Role
    from gongkai.agencies.services import add_membership, create_agency
    from gongkai.catalogue import extract, services
    from gongkai.catalogue.models import Attachment, Category, Reading
    from gongkai.jobs import services as jobs
    from gongkai.jobs.models import Job

    agency = create_agency(
        actor=None, name="基准测试县财政局", short_code="bench", kind=AgencyKind.DEPARTMENT
    )
    officer = User.objects.create_user("bench-officer", password=None)
    add_membership(actor=None, user=officer, agency=agency, role=Role.INFORMATION_OFFICER)
    category = Category.objects.order_by("order").first()
    data = many_page_pdf(pages)
    client = Client()
    client.force_login(officer)

    def draft() -> int:
        today = timezone.localdate()
        fields = {"title": "基准测试条目", "written_on": today, "summary": "基准", "category": category}
        return services.create_draft(actor=officer, agency=agency, data=fields).pk

    def post(pk: int) -> None:
        upload = SimpleUploadedFile("预算明细.pdf", data, content_type="application/pdf")
        response = client.post(f"/manage/catalogue/{pk}/attachments/", {"file": upload}, secure=True)
        assert response.status_code == 302 and response["Location"] == f"/manage/catalogue/{pk}/", response

    before: list[float] = []
    after: list[float] = []
    job: list[float] = []
    extract.extract_text(data, "warm-up.pdf")  # the fork server starts once per process
    jobs.run_pending()
    for _ in range(repeats):
        pk = draft()
        t0 = time.perf_counter()
        extract.extract_text(data, "预算明细.pdf")  # the reading the request used to do
        post(pk)
        before.append(time.perf_counter() - t0)
        jobs.run_pending()
        pk = draft()
        t0 = time.perf_counter()
        post(pk)
        after.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        jobs.run_pending()
        job.append(time.perf_counter() - t0)
        read = Attachment.objects.filter(item_id=pk, reading=Reading.DONE).exists()
        assert read, list(Job.objects.values_list("kind", "status", "error", "traceback"))
    size = len(data) / 2**20
    print(f"## Upload of a {pages}-page PDF attachment ({size:.1f} MiB, {label})\n")
    print("| | median ms | min ms | max ms |")
    print("|---|---:|---:|---:|")
    for name, values in (
        ("before: upload request with the reading", before),
        ("after: upload request (file stored, job queued)", after),
        ("after: the reading job (worker)", job),
    ):
        print(f"| {name} | {_ms(values)} | {min(values) * 1000:,.0f} | {max(values) * 1000:,.0f} |")
    print()


def redating_benchmark(cases: int, repeats: int, label: str) -> None:
    from django.contrib.auth.models import User
    from django.db import transaction

    from gongkai.agencies.models import AgencyKind, Role
    from gongkai.agencies.services import add_membership, create_agency
    from gongkai.applications import services
    from gongkai.applications.models import Application, CaseEvent
    from gongkai.jobs import services as jobs
    from gongkai.workdays.services import CalendarRow, load_calendar
    from gongkai.workdays.store import current_calendar

    agency = create_agency(
        actor=None, name="基准测试县自然资源局", short_code="bench-nr", kind=AgencyKind.DEPARTMENT
    )
    officer = User.objects.create_user("bench-nr-officer", password=None)
    add_membership(actor=None, user=officer, agency=agency, role=Role.INFORMATION_OFFICER)
    root = User.objects.create_superuser("bench-root", password=None)
    template = _register(services, agency, officer)
    _clone(Application, CaseEvent, template, cases - 1)
    year = max(current_calendar().loaded_years)
    base = current_calendar().years[year]
    holidays = [CalendarRow(d, "holiday", n or "节日") for d, n in base.holidays.items()]
    workdays = [CalendarRow(d, "workday", n or "节日") for d, n in base.workdays.items()]
    holiday = CalendarRow(_first_working_day(current_calendar(), year), "holiday", "测试")
    loads: list[float] = []
    runs: list[float] = []
    inline: list[float] = []
    toggle = [False]

    def load(actor: Any) -> None:
        # Each load adds, or takes away again, a fictional holiday in every case's period: every case moves.
        toggle[0] = not toggle[0]
        rows = holidays + workdays + ([holiday] if toggle[0] else [])
        with transaction.atomic():
            load_calendar(actor=actor, rows=rows, source="基准测试")

    for _ in range(repeats):
        t0 = time.perf_counter()
        load(root)  # the calendar page: the job is queued
        loads.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        assert jobs.run_pending() == 1
        runs.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        load(None)  # as the request did until now: every case re-dated before it answers
        inline.append(time.perf_counter() - t0)
    moved = CaseEvent.objects.filter(kind="due_date_recomputed").count()
    assert moved == 2 * repeats * cases, moved
    print(f"## Re-dating {cases:,} open cases after a calendar change ({label})\n")
    print("| | median s | min s | max s | cases/s |")
    print("|---|---:|---:|---:|---:|")
    for name, values, rate in (
        ("before: the load re-dating every case before it answers", inline, True),
        ("after: the load (the job queued)", loads, False),
        ("after: the job (worker)", runs, True),
    ):
        median = statistics.median(values)
        speed = f"{cases / median:,.0f}" if rate else ""
        print(f"| {name} | {median:.3f} | {min(values):.3f} | {max(values):.3f} | {speed} |")
    print()


def _first_working_day(calendar: Any, year: int) -> datetime.date:
    day = datetime.date(year, 12, 1)
    while not calendar.is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


def _register(services: Any, agency: Any, officer: Any) -> Any:
    from django.utils import timezone

    from gongkai.applications.services import Applicant, Request

    arrived = datetime.datetime.combine(datetime.date(2026, 11, 20), datetime.time(10), tzinfo=datetime.UTC)
    case, _secret = services.register(
        actor=officer,
        agency=agency,
        applicant=Applicant(
            applicant_type="natural_person", name="张三", id_type="passport", id_number="E12345678"
        ),
        request=Request("关于某地块土地征收补偿安置方案的批复文件", "electronic", "email"),
        channel="in_person",
        arrived_at=arrived.astimezone(timezone.get_current_timezone()),
    )
    return case


def _clone(application_model: Any, event_model: Any, template: Any, count: int) -> None:
    """``count`` copies of the case ``template`` with its events (bulk-inserted: registering each would
    render its receipt letter)."""
    events = list(event_model.objects.filter(application=template).order_by("seq"))
    rows = []
    for i in range(count):
        copy = application_model.objects.get(pk=template.pk)
        copy.pk = None
        copy.reference = f"B-{i:07d}"
        copy.tracking_code = f"B{i:011d}"
        rows.append(copy)
    created = application_model.objects.bulk_create(rows, batch_size=1000)
    fields = [_fields(event) for event in events]
    clones = [event_model(**values, application_id=case.pk) for case in created for values in fields]
    event_model.objects.bulk_create(clones, batch_size=2000)


def _fields(event: Any) -> dict[str, Any]:
    return {
        field.attname: getattr(event, field.attname)
        for field in event._meta.concrete_fields
        if field.attname not in ("id", "application_id")
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--skip-upload", action="store_true")
    parser.add_argument("--skip-redating", action="store_true")
    args = parser.parse_args()
    label = setup_django(args.postgres)
    if not args.skip_upload:
        upload_benchmark(args.pages, args.repeats, label)
    if not args.skip_redating:
        redating_benchmark(args.cases, args.repeats, label)


if __name__ == "__main__":
    main()
