"""Hostile files in the catalogue: an .html or .svg attachment is refused at upload, and one stored anyway
is sent to the public and to staff as a download, never as a page (ASVS V12.5)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from gongkai.core.responses import FILE_CSP
from tests.catalogue.conftest import MakeItem, People
from tests.catalogue.public_factories import add_file, make_item

pytestmark = pytest.mark.django_db

HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.domain)</script></svg>'
HOSTILE = [("通知.html", HTML, "text/html"), ("图.svg", SVG, "image/svg+xml")]


def _is_a_sandboxed_download(response: object, data: bytes) -> None:
    assert response.status_code == 200 and response.getvalue() == data  # type: ignore[attr-defined]
    assert response["Content-Type"] == "application/octet-stream"  # type: ignore[index]
    assert response["Content-Disposition"].startswith("attachment;")  # type: ignore[index]
    assert response["X-Content-Type-Options"] == "nosniff"  # type: ignore[index]
    assert response["Content-Security-Policy"] == FILE_CSP  # type: ignore[index]


@pytest.mark.parametrize(("name", "data", "content_type"), HOSTILE)
def test_an_html_or_svg_attachment_is_refused(
    people: People, make_item: MakeItem, name: str, data: bytes, content_type: str
) -> None:
    item = make_item()
    client = Client()
    client.force_login(people.officer)
    upload = SimpleUploadedFile(name, data, content_type)
    response = client.post(f"/manage/catalogue/{item.pk}/attachments/", {"file": upload})
    assert response.status_code == 200
    only = "只能上传 PDF、OFD、Word（.docx、.doc、.wps）、Excel（.xlsx）文件、图片或 zip 压缩包"
    assert only in response.content.decode()
    assert not item.attachments.exists()


@pytest.mark.parametrize(("name", "data", "content_type"), HOSTILE)
def test_a_stored_html_or_svg_file_is_a_download_for_the_public_and_for_staff(
    people: People, name: str, data: bytes, content_type: str
) -> None:
    entry = make_item(people.agency)  # published, of the officer's own agency
    file = add_file(entry, name, data, content_type=content_type, kind="image")
    public = Client().get(f"/gk/{people.agency.short_code}/items/{entry.pk}/files/{file.pk}/")
    _is_a_sandboxed_download(public, data)
    staff = Client()
    staff.force_login(people.officer)
    _is_a_sandboxed_download(staff.get(f"/manage/catalogue/{entry.pk}/attachments/{file.pk}/"), data)
