"""Downloading an entry's files: content type, attachment disposition with an RFC 5987 name, nosniff,
ETag and 304 for a matching If-None-Match."""

from __future__ import annotations

from urllib.parse import unquote

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from gongkai.catalogue.models import Status
from gongkai.catalogue.presenters_public import ascii_fallback, content_disposition
from tests.catalogue.public_factories import add_file, make_item
from tests.conftest import Tree

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_a_file_downloads_with_its_type_and_name(client: Client, tree: Tree) -> None:
    entry = make_item(tree.county_a)
    data = b"PK\x03\x04 spreadsheet bytes"
    file = add_file(entry, "甲县2025年部门预算 (终稿).xlsx", data, content_type=XLSX, kind="xlsx")
    response = client.get(f"/gk/county-a/items/{entry.pk}/files/{file.pk}/")
    assert response.status_code == 200
    assert response.getvalue() == data
    assert response["Content-Type"] == XLSX
    assert response["Content-Length"] == str(len(data))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["ETag"] == f'"{file.sha256}"'
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; ")
    assert f'filename="attachment-{file.pk}.xlsx"' in disposition
    encoded = disposition.split("filename*=UTF-8''", 1)[1]
    assert unquote(encoded) == "甲县2025年部门预算 (终稿).xlsx"
    assert " " not in encoded and "(" not in encoded


def test_a_dangerous_content_type_is_served_as_octet_stream(client: Client, tree: Tree) -> None:
    entry = make_item(tree.county_a)
    file = add_file(entry, "page.html", b"<script>alert(1)</script>", content_type="text/html", kind="html")
    response = client.get(f"/gk/county-a/items/{entry.pk}/files/{file.pk}/")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment; ")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


def test_files_are_found_only_through_their_published_entry(client: Client, tree: Tree) -> None:
    entry = make_item(tree.county_a)
    other = make_item(tree.county_a, "另一条")
    file = add_file(entry)
    assert client.get(f"/gk/county-a/items/{other.pk}/files/{file.pk}/").status_code == 404
    assert client.get(f"/gk/county-b/items/{entry.pk}/files/{file.pk}/").status_code == 404
    assert client.get(f"/gk/county-a/items/{entry.pk}/files/{file.pk + 1000}/").status_code == 404
    for status in (Status.DRAFT, Status.SUBMITTED, Status.RETURNED, Status.WITHDRAWN):
        hidden = make_item(tree.county_a, f"{status}条目", status=status)
        hidden_file = add_file(hidden)
        url = f"/gk/county-a/items/{hidden.pk}/files/{hidden_file.pk}/"
        assert client.get(url).status_code == 404, status


def test_header_helpers() -> None:
    assert ascii_fallback("report.PDF", 3) == "report.pdf"
    assert ascii_fallback("年报.pdf", 3) == "attachment-3.pdf"
    assert ascii_fallback("无扩展名", 4) == "attachment-4.bin"
    assert ascii_fallback("2025 budget.xlsx", 5) == "2025 budget.xlsx"
    header = content_disposition('a"b\\c\r\n.pdf', 5)
    assert "\r" not in header and "\n" not in header
    assert header.startswith("attachment; filename=\"a_b_c__.pdf\"; filename*=UTF-8''")


def test_a_matching_if_none_match_is_answered_304_without_reading_the_file(
    client: Client, tree: Tree
) -> None:
    entry = make_item(tree.county_a)
    data = b"%PDF-1.4\n% the file\n"
    file = add_file(entry, "附件.pdf", data)
    url = f"/gk/county-a/items/{entry.pk}/files/{file.pk}/"
    etag = f'"{file.sha256}"'
    for header in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, HTTP_IF_NONE_MATCH=header)
        assert response.status_code == 304, header
        assert response.content == b""
        assert response["ETag"] == etag
        assert not any('"data"' in query["sql"] for query in queries.captured_queries), header
    assert client.head(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    changed = client.get(url, HTTP_IF_NONE_MATCH='"0123"')
    assert changed.status_code == 200
    assert changed.getvalue() == data
    assert changed["ETag"] == etag
    # Not for a file that is not public.
    entry.status = Status.WITHDRAWN
    entry.save()
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 404


def test_a_stored_file_is_sent_in_blocks_with_its_length(client: Client, tree: Tree) -> None:
    # The file is read from the storage as it is sent (FileResponse), not loaded whole first.
    entry = make_item(tree.county_a)
    data = bytes(range(256)) * 20
    file = add_file(entry, "data.bin", data, content_type="application/zip", kind="zip")
    response = client.get(f"/gk/county-a/items/{entry.pk}/files/{file.pk}/")
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Length"] == str(len(data))
    assert b"".join(response.streaming_content) == data  # type: ignore[attr-defined]


def test_a_file_gone_from_the_storage_is_not_found(client: Client, tree: Tree) -> None:
    entry = make_item(tree.county_a)
    file = add_file(entry, "a.pdf", b"%PDF-1.4\n% gone\n")
    default_storage.delete(file.file.name)
    assert client.get(f"/gk/county-a/items/{entry.pk}/files/{file.pk}/").status_code == 404


def test_bytes_are_sent_as_they_are(client: Client, tree: Tree) -> None:
    entry = make_item(tree.county_a)
    data = b"PK\x05\x06" + bytes(18)
    file = add_file(entry, "a.zip", data, content_type="application/zip", kind="zip")
    response = client.get(f"/gk/county-a/items/{entry.pk}/files/{file.pk}/")
    assert response.getvalue() == data
