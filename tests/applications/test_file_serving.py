"""Hostile files in the case file (案卷): an .html or .svg upload is refused, and a file stored with such a
type (a row written before the upload policy, or by hand) is still sent as a download, never shown as a
page on the site's origin (ASVS V12.5; gongkai.core.responses.serve_file)."""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from gongkai.applications.models import Application, AttachmentKind, CaseAttachment
from gongkai.core.responses import FILE_CSP
from tests.applications.conftest import CaseMaker, Staff

pytestmark = pytest.mark.django_db

HTML = b"<!DOCTYPE html><html><body><script>fetch('/x?c='+document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(document.domain)"><circle r="5"/></svg>'
HOSTILE = [("说明.html", HTML, "text/html"), ("图.svg", SVG, "image/svg+xml")]


@pytest.fixture(autouse=True)
def _today(pin_today: Callable[[datetime.date], None]) -> None:
    pin_today(datetime.date(2026, 6, 1))


@pytest.fixture
def case(make_case: CaseMaker) -> Application:
    return make_case(arrived_on=datetime.date(2026, 3, 2))


@pytest.mark.parametrize(("name", "data", "content_type"), HOSTILE)
def test_an_html_or_svg_upload_is_refused(
    staff: Staff, case: Application, name: str, data: bytes, content_type: str
) -> None:
    client = Client()
    client.force_login(staff.officer)
    url = reverse("cases:attachment_upload", kwargs={"pk": case.pk})
    response = client.post(url, {"kind": "other", "file": SimpleUploadedFile(name, data, content_type)})
    assert response.status_code == 200
    assert "只能上传 PDF、Word（.docx）、Excel（.xlsx）文件或图片" in response.content.decode()
    assert not CaseAttachment.objects.exists()


@pytest.mark.parametrize(("name", "data", "content_type"), HOSTILE)
def test_a_stored_html_or_svg_file_is_sent_as_a_download(
    staff: Staff, case: Application, name: str, data: bytes, content_type: str
) -> None:
    stored = CaseAttachment(
        application=case,
        kind=AttachmentKind.OTHER,
        filename=name,
        file_kind="image" if name.endswith(".svg") else "text",
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )
    stored.store_bytes(data)
    stored.save()
    client = Client()
    client.force_login(staff.officer)
    response = client.get(reverse("cases:attachment", kwargs={"pk": case.pk, "attachment_pk": stored.pk}))
    assert response.status_code == 200 and response.content == data
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == FILE_CSP
    assert response["Cache-Control"] == "private, no-store"
