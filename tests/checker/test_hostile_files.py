"""A hostile file costs one limited child and gets a clear Chinese answer on the checker page — never a
stuck worker or a server error — while the other files of the upload are checked as usual (the readings
themselves: tests/documents/test_isolated.py)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from gongkai.checker.pipeline import MSG_TOO_COMPLEX
from gongkai.documents import isolated
from tests.documents.test_isolated import MIB, docx_with_body

pytestmark = pytest.mark.django_db

#: 300,000 paragraphs: 6 MB of XML in a 10 KB zip, more than a child of 200 MiB can parse.
HOSTILE = docx_with_body("<w:p><w:r><w:t>x</w:t></w:r></w:p>" * 300_000)


def test_the_checker_page_answers_too_complex_for_a_hostile_docx(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(isolated, "MEMORY_BYTES", 200 * MIB)
    response = Client().post(
        "/check/",
        {
            "reports": [
                SimpleUploadedFile("报告.docx", HOSTILE),
                SimpleUploadedFile("好.txt", "某某局".encode()),
            ]
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert MSG_TOO_COMPLEX in page
    assert "好.txt" in page  # the other file is still checked
