"""The supervisor's bulk import as a job (``annual.bulk_import``): the POST stores the files unread and
answers with the job; the job reads each file exactly once, also when a worker dies mid-job and the job
runs again; cancel; and who may start it."""

from __future__ import annotations

import collections
import datetime
import io
import zipfile
from collections.abc import Callable, Sequence
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gongkai.agencies.models import Role
from gongkai.annual import imports
from gongkai.annual.models import ImportedReport
from gongkai.checker import pipeline
from gongkai.core.models import AuditEvent
from gongkai.documents import isolated
from gongkai.jobs import runner
from gongkai.jobs import services as jobs
from gongkai.jobs.models import FileRole, Job, JobStatus
from tests.annual import factories
from tests.checker.samples import report as shared_report
from tests.conftest import Tree

YEAR = timezone.localdate().year - 1
FILES = ["004", "006", "016", "025", "031"]


class Killed(BaseException):
    """A worker killed mid-job, as the test sees it: the handler stops in the middle of a file, the job is
    left running (nothing catches a BaseException), and its worker goes silent."""


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> collections.Counter[str]:
    """Every call into the isolated reader, by file name (the real reader runs: this only counts)."""
    counter: collections.Counter[str] = collections.Counter()
    real_run = isolated.run_isolated

    def counting(function: Callable[..., Any], data: bytes, filename: str, *args: Any) -> Any:
        counter[filename] += 1
        return real_run(function, data, filename, *args)

    monkeypatch.setattr(pipeline, "run_isolated", counting)
    return counter


def upload(prefix: str) -> SimpleUploadedFile:
    path = shared_report(prefix)
    return SimpleUploadedFile(path.name, path.read_bytes())


def make_zip(entries: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return buffer.getvalue()


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post_import(client: Client, files: list[SimpleUploadedFile], year: int = YEAR) -> Any:
    return client.post(
        reverse("annual_supervise:import", args=("county-a", year)), {"reports": files, "year": year}
    )


@pytest.fixture
def supervisor(tree: Tree) -> User:
    return factories.supervisor(tree.county_a, "gkb")


def the_job() -> Job:
    return Job.objects.get(kind="annual.bulk_import")


def test_the_post_stores_the_files_unread_and_answers_with_the_job(
    supervisor: User, reads: collections.Counter[str], django_capture_on_commit_callbacks: Any
) -> None:
    archive = make_zip([(f"年报/{shared_report(p).name}", shared_report(p).read_bytes()) for p in FILES[2:]])
    files = [upload(p) for p in FILES[:2]] + [SimpleUploadedFile("reports.zip", archive)]
    sent = [shared_report(p).read_bytes() for p in FILES[:2]] + [archive]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = post_import(client_for(supervisor), files)
    job = the_job()
    assert response.status_code == 302
    assert response["Location"] == job.get_absolute_url()
    assert sum(reads.values()) == 0  # nothing was read in the request
    assert not ImportedReport.objects.exists()
    (stored,) = job.files.filter(role=FileRole.INPUT)  # one file: the upload bundled, uncompressed
    with zipfile.ZipFile(io.BytesIO(stored.read())) as bundle:
        kept = [bundle.read(f"{n:04d}") for n in range(len(files))]
    assert kept == sent  # each file as sent (the zip whole)
    assert job.params["names"] == [f.name for f in files]
    assert job.agency == supervisor.memberships.get().agency
    assert job.owner == supervisor
    assert job.status == JobStatus.QUEUED
    assert callbacks  # the job is queued on commit

    for callback in callbacks:
        callback()
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    imported = {r.filename for r in ImportedReport.objects.all()}
    assert imported == {shared_report(p).name for p in FILES[:2]} | {
        f"年报/{shared_report(p).name}" for p in FILES[2:]
    }
    assert sorted(reads.values()) == [1] * len(FILES)  # every file read once
    batch = job.params["batch"]
    assert isinstance(job.result, dict)
    assert job.result["imported"] == len(FILES)
    assert job.result["next_url"] == reverse("annual_supervise:imports", args=("county-a", YEAR)) + (
        f"?batch={batch}"
    )
    assert {r.result["import_batch"] for r in ImportedReport.objects.all()} == {batch}
    assert AuditEvent.objects.filter(action="annual.supervision_imported").count() == len(FILES)
    assert not job.files.exists()  # the files are not kept once imported


def test_the_job_s_result_lists_the_upload_as_before(
    supervisor: User, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(supervisor)
    files = [upload("004"), SimpleUploadedFile("照片.jpg", b"\xff\xd8\xff\xe0 not a report")]
    with django_capture_on_commit_callbacks(execute=True):
        response = post_import(client, files)
    job = the_job()
    assert response["Location"] == job.get_absolute_url()
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert isinstance(job.result, dict)
    assert job.result["skipped"] == [
        [
            "照片.jpg",
            "不支持这种文件类型（.jpg）。请上传 .txt、.htm、.html、.docx、.doc、.wps、.pdf 或 .ofd 文件。",
        ]
    ]
    page = client.get(job.result["next_url"])
    html = page.content.decode()
    assert [row.record.filename for row in page.context["rows"]] == [shared_report("004").name]
    assert "照片.jpg" in html and "不支持这种文件类型" in html  # skipped, with the reason


def test_a_killed_worker_s_job_runs_again_and_reads_only_the_rest(
    supervisor: User, reads: collections.Counter[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The worker dies while reading the third file; the job is found stale and queued again, and the next
    attempt imports the other three: one ImportedReport and one reading per file."""
    files = [upload(p) for p in FILES]
    job = imports.start_import(
        actor=supervisor,
        seat=supervisor.memberships.get().agency,
        year=YEAR,
        uploads=files,
        collected=imports.collect(files),
    )
    real_read = imports._read
    calls = iter(range(100))

    def dying(candidate: imports.Candidate, agencies: Sequence[str] = ()) -> dict[str, Any]:
        result = real_read(candidate, agencies)
        if next(calls) == 2:
            raise Killed  # after reading the third file, before storing it
        return result

    monkeypatch.setattr(imports, "_read", dying)
    with pytest.raises(Killed):
        runner.execute(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING
    assert ImportedReport.objects.count() == 2  # the third file's step rolled back whole
    assert job.steps.count() == 2
    monkeypatch.setattr(imports, "_read", real_read)
    later = timezone.now() + datetime.timedelta(seconds=settings.GONGKAI_JOB_STALE_SECONDS + 1)
    assert jobs.recover_stale(now=later) == [job]
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED
    runner.execute(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert ImportedReport.objects.count() == len(FILES)
    assert sorted(r.filename for r in ImportedReport.objects.all()) == sorted(f.name or "" for f in files)
    assert dict(reads) == {f.name: 1 if n != 2 else 2 for n, f in enumerate(files)}  # read, then killed
    assert job.attempts == 2
    assert AuditEvent.objects.filter(action="annual.supervision_imported").count() == len(FILES)


def test_a_cancelled_import_stops_between_files(supervisor: User, monkeypatch: pytest.MonkeyPatch) -> None:
    files = [upload(p) for p in FILES]
    job = imports.start_import(
        actor=supervisor,
        seat=supervisor.memberships.get().agency,
        year=YEAR,
        uploads=files,
        collected=imports.collect(files),
    )
    real_import = imports.import_one
    imported: list[str] = []

    def cancelling(**kwargs: Any) -> ImportedReport:
        record = real_import(**kwargs)
        imported.append(record.filename)
        if len(imported) == 2:
            jobs.cancel(job, actor=supervisor)
        return record

    monkeypatch.setattr(imports, "import_one", cancelling)
    runner.execute(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED
    assert ImportedReport.objects.count() == 2  # the files before the cancel stay imported
    assert job.files.filter(role=FileRole.INPUT).count() == 1  # kept for a retry


def test_only_the_seat_s_office_may_start_an_import(tree: Tree) -> None:
    officer = factories.member(tree.county_a, Role.INFORMATION_OFFICER, "officer")
    response = post_import(client_for(officer), [upload("004")])
    assert response.status_code == 404
    assert not Job.objects.exists()
    files = [upload("004")]
    with pytest.raises(Exception, match="只有政务公开办"):
        imports.start_import(
            actor=officer, seat=tree.county_a, year=YEAR, uploads=files, collected=imports.collect(files)
        )
    assert not Job.objects.exists()


def test_a_refused_upload_starts_no_job(supervisor: User) -> None:
    response = post_import(client_for(supervisor), [SimpleUploadedFile("bad.zip", b"PK\x03\x04 not a zip")])
    assert response.status_code == 200
    assert "不是有效的 zip 压缩包" in response.content.decode()
    assert not Job.objects.exists()
