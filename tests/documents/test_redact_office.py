"""Redaction of old Word and WPS files at the documents layer (:func:`gongkai.documents.redact.redact`): the
file is printed to PDF by LibreOffice and that PDF redacted; without LibreOffice the answer says so. (The
whole path — upload, job, sealed original, the public PDF — is tested in
``tests/catalogue/test_privacy_redaction.py`` and ``tests/browser/test_privacy_in_browser.py``.)"""

from __future__ import annotations

import io
from pathlib import Path

import pdfplumber
import pytest

from gongkai.documents import office
from gongkai.documents.redact import redact

DOC = Path(__file__).resolve().parents[1] / "fixtures" / "derived" / "012_ceshishi-2025.doc"


def test_without_libreoffice_a_doc_cannot_be_redacted_and_says_why(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    assert redact("doc", DOC.read_bytes(), [("13612", "")]) == {"error": "no_office"}


@pytest.mark.skipif(office.program() is None, reason="LibreOffice is not installed")
def test_a_doc_becomes_a_pdf_whose_pages_with_the_term_have_no_text() -> None:
    answer = redact("doc", DOC.read_bytes(), [("13612", "")])
    assert answer["kind"] == "pdf" and answer["found"]["13612"] >= 1 and answer["pages"]
    with pdfplumber.open(io.BytesIO(answer["data"])) as pdf:
        texts = [page.extract_text() or "" for page in pdf.pages]
    assert all("13612" not in text for text in texts)
    assert all(texts[n - 1] == "" for n in answer["pages"])  # the redacted pages are images
    kept = [text for n, text in enumerate(texts, start=1) if n not in answer["pages"]]
    assert any("政府信息公开" in text for text in kept)  # the other pages keep their text
