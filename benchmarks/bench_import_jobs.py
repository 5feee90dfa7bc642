"""The supervisor's bulk import as a job (issue 13): how fast the POST answers, against the old inline import
of the same files, and how many reports a minute the job imports with 1, 2 and 4 worker processes.

Part A — the request. ``--files`` PDF reports (default 300; rendered by the test renderers, ~30 KB each, as
a Word/WPS export looks to pdfplumber) posted to the import page through Django's test client as the seat's
政务公开办 (the multipart body encoded once, before the clock starts: the time is the server's — parsing
the upload, screening it, storing it as the job's inputs, answering). The same files imported the old way
(``imports.collect`` + ``imports.import_reports``: every file read in the request), timed in the same run.
Then the same POST with ``--files`` files padded to ``--big-mib`` MiB in all (default 500): the request
still reads no report, it only stores them.

Part B — the workers. The files split into ``--jobs`` uploads (default 12, so that 1, 2 and 4 workers each
get whole jobs: one job runs on one worker), each started as an ``annual.bulk_import`` job with the
database task backend; then N ``manage.py worker`` processes started and the time taken until every job has
succeeded (worker start-up included) gives reports/minute. Between runs the imports and jobs are deleted.

Part C — a killed worker: one job of ``--kill-files`` files (default 60), one worker killed with SIGKILL
once a third of them are imported, a new worker started; the job must end with each file imported exactly
once (one ImportedReport and one audit event per file).

    .venv/bin/python benchmarks/bench_import_jobs.py [--files 300] [--jobs 12] [--workers 1,2,4] \\
        [--big-mib 500] [--kill-files 60] [--skip-inline]

PostgreSQL only (several worker processes share the database): a database ``gongkai_bench_import`` on
127.0.0.1 (``BENCH_PG_URL`` to change the server), created for the run and dropped at its end; the job
files go to a temporary directory (the default file storage, shared by the workers through the same
directory).
"""

from __future__ import annotations

import argparse
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PG_SERVER = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432")
PG_DATABASE = "gongkai_bench_import"
YEAR = 2025


def setup_django(media: Path) -> dict[str, str]:
    """A fresh PostgreSQL database and the environment the workers get too."""
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE}")
        conn.execute(f"CREATE DATABASE {PG_DATABASE} ENCODING 'UTF8' TEMPLATE template0")
    env = {
        "SECRET_KEY": "benchmark-only-" + "x" * 40,
        "GONGKAI_DATA_KEYS": "bench:YmVuY2htYXJrLW9ubHktZGF0YS1rZXktMzItYnl0ZXM=",
        "GONGKAI_DEBUG": "false",
        "ALLOWED_HOSTS": "testserver",
        "DATABASE_URL": f"{PG_SERVER.replace('postgresql://', 'postgres://')}/{PG_DATABASE}",
        # The test settings: production ones (DEBUG off) but static files without collectstatic.
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "GONGKAI_TASKS_BACKEND": "database",
        "GONGKAI_BULK_IMPORTS_PER_HOUR": "100000",
    }
    os.environ.update(env)
    os.chdir(media)  # the default storage writes under the working directory: the workers share it
    import logging

    import django

    django.setup()
    logging.getLogger("gongkai").setLevel(logging.ERROR)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return env


def drop_postgres() -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")


# ---------------------------------------------------------------------------------------------
# The world and the files
# ---------------------------------------------------------------------------------------------


def world() -> tuple[Any, Any]:
    from django.contrib.auth.models import User

    from gongkai.agencies.models import AgencyKind, Role
    from gongkai.agencies.services import add_membership, create_agency

    seat = create_agency(
        actor=None, name="基准市人民政府", short_code="bench-city", kind=AgencyKind.GOVERNMENT
    )
    for i in range(20):
        create_agency(
            actor=None,
            name=f"基准市第{i}局",
            short_code=f"bench-{i}",
            kind=AgencyKind.DEPARTMENT,
            parent=seat,
        )
    user = User.objects.create_user("bench-supervisor", password=None)
    add_membership(actor=None, user=user, agency=seat, role=Role.SUPERVISOR)
    return seat, user


def pdf_report() -> bytes:
    from tests.checker.renderers import render_pdf
    from tests.checker.test_checks import valid_tables

    return render_pdf(valid_tables("2021"), "2021")


def uploads(data: bytes, count: int, prefix: str = "report") -> list[Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return [SimpleUploadedFile(f"{prefix}-{i:03d}.pdf", data) for i in range(count)]


def padded(data: bytes, size: int) -> bytes:
    """The PDF with a comment after its end, to ``size`` bytes (the request never reads it)."""
    filler = size - len(data)
    return data + b"\n%" + b"x" * max(0, filler - 2)


# ---------------------------------------------------------------------------------------------
# Part A: the request
# ---------------------------------------------------------------------------------------------


def time_post(user: Any, seat: Any, files: list[tuple[str, bytes]]) -> float:
    """Seconds the server takes to answer the import POST (the body encoded beforehand)."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
    from django.urls import reverse

    client = Client()
    client.force_login(user)
    url = reverse("annual_supervise:import", args=(seat.short_code, YEAR))
    page = client.get(url)
    assert page.status_code == 200
    body = encode_multipart(
        BOUNDARY, {"reports": [SimpleUploadedFile(n, d) for n, d in files], "year": str(YEAR)}
    )
    t0 = time.perf_counter()
    response = client.generic("POST", url, body, content_type=MULTIPART_CONTENT)
    elapsed = time.perf_counter() - t0
    assert response.status_code == 302, response.content[:500]
    assert response["Location"].startswith("/jobs/"), response["Location"]
    return elapsed


def time_inline(user: Any, seat: Any, data: bytes, count: int) -> float:
    from gongkai.annual import imports

    files = uploads(data, count, "inline")
    t0 = time.perf_counter()
    collected = imports.collect(files)
    imports.import_reports(actor=user, seat=seat, year=YEAR, files=collected.candidates)
    return time.perf_counter() - t0


def reset() -> None:
    from django_tasks_db.models import DBTaskResult

    from gongkai.annual.models import ImportedReport
    from gongkai.jobs.models import Job

    ImportedReport.objects.all().delete()
    for job in Job.objects.all():
        for stored in job.files.all():
            stored.file.delete(save=False)
    Job.objects.all().delete()
    DBTaskResult.objects.all().delete()


# ---------------------------------------------------------------------------------------------
# Part B and C: the workers
# ---------------------------------------------------------------------------------------------


def start_jobs(user: Any, seat: Any, data: bytes, files: int, jobs: int) -> list[Any]:
    from gongkai.annual import imports

    started = []
    per_job = [files // jobs + (1 if i < files % jobs else 0) for i in range(jobs)]
    for n, count in enumerate(per_job):
        batch = uploads(data, count, f"job{n:02d}")
        started.append(
            imports.start_import(
                actor=user, seat=seat, year=YEAR, uploads=batch, collected=imports.collect(batch)
            )
        )
    return started


def spawn_worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "worker", "--no-schedule", "--interval", "0.2"],
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def stop(workers: list[subprocess.Popen[bytes]]) -> None:
    for worker in workers:
        worker.send_signal(signal.SIGTERM)
    for worker in workers:
        try:
            worker.wait(timeout=60)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def wait_all(job_ids: list[Any], timeout: float) -> None:
    from gongkai.jobs.models import Job, JobStatus

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        statuses = list(Job.objects.filter(pk__in=job_ids).values_list("status", flat=True))
        if all(s in (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED) for s in statuses):
            failed = [s for s in statuses if s != JobStatus.SUCCEEDED]
            assert not failed, failed
            return
        time.sleep(0.2)
    raise TimeoutError("the jobs did not finish")


def time_workers(
    env: dict[str, str], user: Any, seat: Any, data: bytes, files: int, jobs: int, n: int
) -> float:
    from gongkai.annual.models import ImportedReport

    reset()
    started = start_jobs(user, seat, data, files, jobs)
    t0 = time.perf_counter()
    workers = [spawn_worker(env) for _ in range(n)]
    try:
        wait_all([j.pk for j in started], timeout=3600)
        elapsed = time.perf_counter() - t0
    finally:
        stop(workers)
    assert ImportedReport.objects.count() == files
    return elapsed


def killed_worker(env: dict[str, str], user: Any, seat: Any, data: bytes, files: int) -> dict[str, Any]:
    from django.db.models import Count

    from gongkai.annual.models import ImportedReport
    from gongkai.core.models import AuditEvent
    from gongkai.jobs.models import Job

    reset()
    (job,) = start_jobs(user, seat, data, files, 1)
    first = spawn_worker(env)
    while Job.objects.get(pk=job.pk).done < files // 3:
        time.sleep(0.1)
    first.send_signal(signal.SIGKILL)
    first.wait()
    at_kill = ImportedReport.objects.count()
    t0 = time.perf_counter()
    second = spawn_worker(env)
    try:
        wait_all([job.pk], timeout=1800)
    finally:
        stop([second])
    job.refresh_from_db()
    per_file = ImportedReport.objects.values("filename").annotate(n=Count("id"))
    return {
        "files": files,
        "imported_when_killed": at_kill,
        "imported": ImportedReport.objects.count(),
        "files_imported_twice": sum(1 for row in per_file if row["n"] > 1),
        "audit_events": AuditEvent.objects.filter(
            action="annual.supervision_imported", details__batch=job.params["batch"]
        ).count(),
        "attempts": job.attempts,
        "status": job.status,
        "seconds_after_restart": round(time.perf_counter() - t0, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--files", type=int, default=300)
    parser.add_argument("--jobs", type=int, default=12)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--big-mib", type=int, default=500)
    parser.add_argument("--kill-files", type=int, default=60)
    parser.add_argument("--skip-inline", action="store_true")
    args = parser.parse_args()

    media = Path(tempfile.mkdtemp(prefix="bench-import-"))
    env = setup_django(media)
    try:
        seat, user = world()
        data = pdf_report()
        print(f"# {platform.node()} · {os.cpu_count()} cores · load {os.getloadavg()[0]:.1f} · PostgreSQL")
        print(f"# {args.files} PDF reports of {len(data) / 1024:.0f} KB\n")

        # One upload holds at most 300 files (the form's limit): part A posts at most that many.
        posted = min(args.files, 300)
        post = time_post(user, seat, [(f"post-{i:03d}.pdf", data) for i in range(posted)])
        print(f"POST, {posted} files ({posted * len(data) / 2**20:.1f} MiB): answered in {post:.2f} s")
        if not args.skip_inline:
            inline = time_inline(user, seat, data, args.files)
            print(
                f"old inline import of the same files: {inline:.1f} s "
                f"({args.files / inline * 60:.0f} reports/min)"
            )
        reset()
        if args.big_mib:
            size = args.big_mib * 2**20 // posted - 1024
            big = padded(data, size)
            post_big = time_post(user, seat, [(f"big-{i:03d}.pdf", big) for i in range(posted)])
            print(f"POST, {posted} files ({posted * len(big) / 2**20:.0f} MiB): answered in {post_big:.2f} s")
            reset()

        print(f"\n{args.files} reports in {args.jobs} jobs:")
        base = None
        for n in [int(w) for w in args.workers.split(",")]:
            elapsed = time_workers(env, user, seat, data, args.files, args.jobs, n)
            rate = args.files / elapsed * 60
            base = base or rate
            print(f"  {n} worker(s): {elapsed:.1f} s, {rate:.0f} reports/min, ×{rate / base:.2f}")
        if args.kill_files:
            print("\nkilled worker:", killed_worker(env, user, seat, data, args.kill_files))
    finally:
        reset()
        drop_postgres()


if __name__ == "__main__":
    main()
