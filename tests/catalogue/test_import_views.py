"""The workspace's import pages: upload → preview job (every row's errors) → confirm → the import job;
only the agency's 信息员; another agency's officer sees nothing of it."""

from __future__ import annotations

import datetime
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from gongkai.catalogue.models import ImportRecord, Item, Status
from gongkai.core.models import AuditEvent
from gongkai.jobs.models import Job, JobStatus
from tests.catalogue.conftest import People, pdf_bytes
from tests.catalogue.test_import import BAD_LINES, sheet_rows, write_xlsx

pytestmark = pytest.mark.django_db


def upload(tmp_path: Path, count: int) -> dict[str, Any]:
    book = tmp_path / "目录.xlsx"
    write_xlsx(book, sheet_rows(count))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("附件10.pdf", pdf_bytes("Attachment 10"))
    return {
        "sheet": SimpleUploadedFile("目录.xlsx", book.read_bytes()),
        "attachments": SimpleUploadedFile("files.zip", buffer.getvalue(), content_type="application/zip"),
        "reason": "",
    }


def test_upload_preview_confirm(
    tmp_path: Path,
    client: Client,
    people: People,
    today: datetime.date,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client.force_login(people.officer)
    assert client.get(reverse("catalogue_manage:import")).status_code == 200
    data = {**upload(tmp_path, 12), "agency": people.agency.pk}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("catalogue_manage:import"), data)
    preview = Job.objects.get(kind="catalogue.import_sheet")
    assert response.status_code == 302 and str(preview.pk) in response["Location"]
    assert preview.status == JobStatus.SUCCEEDED and preview.params["dry_run"]
    assert Item.objects.count() == 0
    page = client.get(response["Location"]).content.decode()
    assert "第 5 行" in page and "“标题”不能为空" in page and "2020/13/45" in page
    assert "跳过有错误的行" in page
    confirm = reverse("catalogue_manage:import_confirm", args=(preview.pk,))

    # Rows with errors: nothing is imported unless the officer asks to skip them.
    assert client.post(confirm).status_code == 403
    assert Item.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(confirm, {"skip_invalid": "1"})
    job = Job.objects.exclude(pk=preview.pk).get(kind="catalogue.import_sheet")
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert Item.objects.count() == 12 - len([line for line in BAD_LINES if line <= 13])
    assert Item.objects.get(index_number="000014349/2020-00010").attachments.count() == 1
    assert (
        ImportRecord.objects.filter(job=job.pk, outcome="created").count()
        == Item.objects.filter(status=Status.PUBLISHED).count()
    )
    assert AuditEvent.objects.filter(action="catalogue.import_started").count() == 2
    result = client.get(response["Location"]).content.decode()
    assert "新增并发布" in result

    other = Client()
    other.force_login(people.other_officer)
    assert other.get(response["Location"]).status_code == 404
    assert other.post(confirm, {"skip_invalid": "1"}).status_code == 404


def test_only_officers_import(client: Client, people: People) -> None:
    client.force_login(people.reviewer)
    assert client.get(reverse("catalogue_manage:import")).status_code == 403
    assert client.get(reverse("catalogue_manage:crawl")).status_code == 403


def test_crawl_form_checks_the_configuration(client: Client, people: People) -> None:
    client.force_login(people.officer)
    response = client.post(
        reverse("catalogue_manage:crawl"),
        {"agency": people.agency.pk, "config": '{"start_url": "ftp://x", "list_links": "a"}'},
    )
    assert response.status_code == 200 and "http://" in response.content.decode()
    assert not Job.objects.exists()
