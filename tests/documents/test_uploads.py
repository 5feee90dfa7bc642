"""The one upload policy (documents/uploads.py): sniffed kind, matching extension, size, the zip guard."""

from __future__ import annotations

import io
import zipfile

import pytest

from gongkai.documents.uploads import UploadRefused, check_upload, clean_filename
from gongkai.documents.zipguard import OFFICE_LIMITS, ZipLimits
from tests.pdfs import one_page_pdf

PDF = one_page_pdf(b"BT /F1 12 Tf 72 720 Td (hello) Tj ET")
#: The start of a Windows executable (MZ header, DOS stub).
EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"\x00" * 48
    + b"This program cannot be run"
)
LIMITS = ZipLimits(max_members=100, max_total_bytes=200 * 2**20, max_ratio=100.0)


def docx_with(member: bytes, *, name: str = "word/media/big.bin") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr(name, member)
    return buffer.getvalue()


def refusal(filename: str, data: bytes, **kwargs: object) -> UploadRefused:
    with pytest.raises(UploadRefused) as refused:
        check_upload(filename, data, max_bytes=kwargs.pop("max_bytes", 2**20), **kwargs)  # type: ignore[arg-type]
    return refused.value


def test_a_pdf_named_pdf_is_accepted() -> None:
    checked = check_upload("回执.pdf", PDF, max_bytes=2**20)
    assert (checked.name, checked.kind, checked.content_type) == ("回执.pdf", "pdf", "application/pdf")


@pytest.mark.parametrize(
    ("filename", "data", "code"),
    [
        ("", PDF, "bad_filename"),
        ("a.pdf", b"", "empty_file"),
        ("a.txt", "纯文本".encode(), "file_type"),
        ("setup.pdf", EXE, "file_type"),  # a renamed executable: the bytes decide
        ("a.docx", PDF, "extension_mismatch"),
        ("a.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "file_type"),
    ],
)
def test_what_is_refused_and_why(filename: str, data: bytes, code: str) -> None:
    refused = refusal(filename, data)
    assert refused.code == code
    assert str(refused)  # a sentence, in Chinese (the source language)


def test_a_renamed_executable_is_named_as_unrecognised() -> None:
    assert "无法识别的格式" in str(refusal("setup.pdf", EXE))


def test_old_office_files_get_a_hint_to_save_as_docx() -> None:
    refused = refusal("a.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    assert len(refused.messages) == 2 and ".docx" in str(refused)


def test_a_file_over_the_limit_is_refused_with_the_limit() -> None:
    refused = refusal("a.pdf", PDF + b" " * 2**20, max_bytes=2**20)
    assert refused.code == "too_large" and "1 MB" in str(refused)


def test_a_zip_bomb_docx_is_refused_only_when_the_caller_guards_zips() -> None:
    bomb = docx_with(b"\x00" * (8 * 2**20))  # 8 MB of zeros inflating ~1000 times
    assert check_upload("a.docx", bomb, max_bytes=2**20).kind == "docx"  # the catalogue's choice
    refused = refusal("a.docx", bomb, zip_limits=LIMITS)
    assert refused.code == "zip_refused" and "a.docx" in str(refused)
    fine = docx_with(b"ordinary text " * 100)
    assert check_upload("a.docx", fine, max_bytes=2**20, zip_limits=OFFICE_LIMITS).kind == "docx"


def test_the_name_loses_its_directories_and_control_characters() -> None:
    assert clean_filename("C:\\Users\\张三\\送达\x00回执.pdf") == "送达回执.pdf"
    assert clean_filename("../../etc/passwd") == "passwd"
