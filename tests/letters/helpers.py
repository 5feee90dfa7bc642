"""Reading rendered letters back."""

from __future__ import annotations

import io
import zipfile

import docx


def docx_text(data: bytes) -> str:
    """All paragraph text of a .docx, one paragraph per line."""
    document = docx.Document(io.BytesIO(data))
    return "\n".join(p.text for p in document.paragraphs)


def docx_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("word/document.xml").decode("utf-8")
