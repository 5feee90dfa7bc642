"""Larger checks on the 年报检查 page run as a job (``checker.check``): which uploads stay inline, the job's
page showing the same results as the inline check, and that nobody but whoever started it sees it (a
visitor not logged in: the same browser session), for a day."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gongkai.checker import jobs as check_jobs
from gongkai.jobs.models import FileRole, Job

pytestmark = pytest.mark.django_db

SEEDS = Path(__file__).resolve().parents[1] / "fixtures" / "seeds"
SEED_FILES = sorted(SEEDS.glob("*.txt"))


def uploads(count: int) -> list[SimpleUploadedFile]:
    return [SimpleUploadedFile(p.name, p.read_bytes()) for p in SEED_FILES[:count]]


def shown(response: Any) -> list[tuple[str, str]]:
    """Each file on a results page: its name and its error count (or why it was not checked)."""
    items = response.context["items"]
    return [(item.name, str(item.report.error_count) if item.report else item.error) for item in items]


def test_the_threshold() -> None:
    small = SimpleUploadedFile("a.txt", b"x" * 1000)
    assert check_jobs.runs_inline([small] * check_jobs.INLINE_MAX_FILES)
    assert not check_jobs.runs_inline([small] * (check_jobs.INLINE_MAX_FILES + 1))
    assert check_jobs.runs_inline([SimpleUploadedFile("a.pdf", b"x" * check_jobs.INLINE_MAX_BYTES)])
    assert not check_jobs.runs_inline([SimpleUploadedFile("a.pdf", b"x" * (check_jobs.INLINE_MAX_BYTES + 1))])


def test_slow_files_go_to_the_background() -> None:
    """A small scan (OCR) or old Word file (a LibreOffice conversion) is not read in the request."""
    derived = Path(__file__).resolve().parents[1] / "fixtures" / "derived"
    scan = (derived / "012_ceshishi-2025-scan.pdf").read_bytes()
    doc = (derived / "012_ceshishi-2025.doc").read_bytes()
    text_pdf = b"%PDF-1.4\n1 0 obj << /Type /Font /Subtype /Type1 >> endobj"
    assert check_jobs.runs_inline([SimpleUploadedFile("a.pdf", text_pdf)])
    for name, data in (("scan.pdf", scan), ("old.doc", doc), ("old.wps", doc)):
        upload = SimpleUploadedFile(name, data)
        assert len(data) <= check_jobs.INLINE_MAX_BYTES
        assert not check_jobs.runs_inline([upload])
        assert upload.read() == data  # read again from the start


def test_a_small_check_stays_inline(client: Client) -> None:
    response = client.post("/check/", {"reports": uploads(3)})
    assert response.status_code == 200
    assert len(response.context["items"]) == 3
    assert not Job.objects.exists()


def test_a_larger_check_is_a_job_whose_page_shows_the_same_results(
    client: Client, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = [*uploads(4), SimpleUploadedFile("photo.jpg", b"\xff\xd8 not a report")]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            "/check/", {"reports": files, "text": SEED_FILES[0].read_text(encoding="utf-8")}
        )
    job = Job.objects.get(kind="checker.check")
    assert response.status_code == 302
    assert response["Location"] == reverse("checker:job", args=(job.pk,))
    inputs = job.files.filter(role=FileRole.INPUT).order_by("position")
    assert [f.name for f in inputs] == [f.name for f in files[:4]] + ["pasted.txt"]  # not the jpg
    running = client.get(response["Location"])
    assert running.status_code == 200
    assert reverse("jobs:status", args=(job.pk,)) in running.content.decode()  # the progress bar polls it

    for callback in callbacks:
        callback()
    assert not job.files.exists()  # the visitor's files are not kept once checked
    done = client.get(response["Location"])
    assert done.status_code == 200
    assert done.templates[0].name == "checker/results.html"
    from_job = shown(done)
    assert [name for name, _ in from_job] == [f.name for f in files] + ["粘贴的文本"]
    assert "不支持这种文件类型" in from_job[4][1]

    monkeypatch.setattr(check_jobs, "INLINE_MAX_FILES", 100)
    again = [*uploads(4), SimpleUploadedFile("photo.jpg", b"\xff\xd8 not a report")]
    inline = client.post("/check/", {"reports": again, "text": SEED_FILES[0].read_text(encoding="utf-8")})
    assert inline.status_code == 200
    assert shown(inline) == from_job


def test_another_session_cannot_see_an_anonymous_visitor_s_job(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        url = client.post("/check/", {"reports": uploads(4)})["Location"]
    assert client.get(url).status_code == 200
    assert Client().get(url).status_code == 404
    user = User.objects.create_user("alice", password="pw")
    other = Client()
    other.force_login(user)
    assert other.get(url).status_code == 404


def test_a_signed_in_user_s_job_is_theirs_in_any_session(django_capture_on_commit_callbacks: Any) -> None:
    alice = User.objects.create_user("alice", password="pw")
    bob = User.objects.create_user("bob", password="pw")
    first, second, by_bob = Client(), Client(), Client()
    first.force_login(alice)
    second.force_login(alice)
    by_bob.force_login(bob)
    with django_capture_on_commit_callbacks(execute=True):
        url = first.post("/check/", {"reports": uploads(4)})["Location"]
    page = second.get(url)
    assert page.status_code == 200
    assert 'name="result"' in page.content.decode()  # results she may save
    assert by_bob.get(url).status_code == 404
    assert Client().get(url).status_code == 404


def test_the_job_s_page_expires_after_a_day(client: Client, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        url = client.post("/check/", {"reports": uploads(4)})["Location"]
    job = Job.objects.get()
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - datetime.timedelta(hours=25))
    assert client.get(url).status_code == 404


def test_the_hourly_limit_counts_a_job_s_files(client: Client, settings: Any) -> None:
    settings.GONGKAI_CHECK_FILES_PER_HOUR = 3
    response = client.post("/check/", {"reports": uploads(4)})
    assert response.status_code == 429
    assert not Job.objects.exists()
