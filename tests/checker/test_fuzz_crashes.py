"""The crashes fuzzing found (issue 12), kept as reproducers: each must now be a finding or a clear Chinese
"unreadable" answer, never an exception.

(a) a decimal typo such as ``50.5`` in a table 三 row raised ``ValueError`` in ``checker/split.py``;
(b) a .docx with one byte changed in its zip central directory raised ``NotImplementedError``
    (unsupported compression method) and other library errors in the checker and the catalogue.
"""

from __future__ import annotations

import contextlib
import io
import struct
import zipfile
from pathlib import Path

import pytest

from gongkai.catalogue import extract
from gongkai.checker import pipeline
from gongkai.checker.checks import run_checks
from gongkai.checker.source import UnreadableFile
from gongkai.checker.split import SumConstraint, split_runs
from gongkai.documents import uploads
from gongkai.documents.zipguard import OFFICE_LIMITS

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "reports" / "006_pingtan-2023.txt"
ROW = "本年新收政府信息公开申请数量801000081"


def test_a_decimal_where_table_san_wants_a_whole_number_splits_as_written() -> None:
    total_last = [SumConstraint(tuple(range(6)), 6)]
    assert split_runs(["23", "0", "0", "0", "0", "50.5", "73.5"], 7, total_last) == [
        (23, 0, 0, 0, 0, 50.5, 73.5)
    ]
    for runs in (["2300000", "50.5"], ["1.5.5"], [".", ".5", "5."]):
        assert split_runs(runs, 7, total_last) == []  # no reading: the row is reported, not a crash


@pytest.mark.parametrize(
    ("row", "fractions"),
    [
        ("本年新收政府信息公开申请数量80 1 0 0 0 0 50.5", ["50.5"]),
        ("本年新收政府信息公开申请数量80.5 1 0 0 0 0 81.5", ["80.5", "81.5"]),
    ],
)
def test_a_decimal_typo_in_table_san_is_a_finding(row: str, fractions: list[str]) -> None:
    data = FIXTURE.read_text(encoding="utf-8").replace(ROW, row).encode()
    findings = pipeline.check_bytes(data, "a.txt").findings
    shown = [str(f.message) for f in findings if f.code == "cell.fraction"]
    assert len(shown) == len(fractions)
    for message, value in zip(shown, fractions, strict=True):
        assert f"为{value}，件数应为整数" in message


@pytest.mark.parametrize(
    "row", ["本年新收政府信息公开申请数量80.51000081.5", "本年新收政府信息公开申请数量801000050.5"]
)
def test_a_decimal_typo_in_run_together_digits_does_not_crash(row: str) -> None:
    data = FIXTURE.read_text(encoding="utf-8").replace(ROW, row).encode()
    report = pipeline.parse_here(data, "a.txt")
    assert run_checks(report, None)  # findings, no exception


# -- (b) one byte of a .docx's central directory changed -------------------------------------------------


def docx_bytes() -> bytes:
    from docx import Document

    document = Document()
    document.add_paragraph("某某局2023年政府信息公开工作年度报告")
    document.add_paragraph("联系电话 13800138000")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def central_directory(data: bytes) -> list[int]:
    """The positions of every field of the central directory: each entry's fixed 46-byte header and
    the end record (the names, fixed text, are left out to keep the test quick)."""
    positions: list[int] = []
    start = data.find(b"PK\x01\x02")
    while start >= 0:
        positions.extend(range(start, start + 46))
        start = data.find(b"PK\x01\x02", start + 46)
    end = data.rfind(b"PK\x05\x06")
    positions.extend(range(end, len(data)))
    return positions


def with_byte(data: bytes, position: int, value: int) -> bytes:
    changed = bytearray(data)
    changed[position] = value
    return bytes(changed)


def unsupported_compression(data: bytes) -> bytes:
    """The first central-directory entry's compression method set to 99 (AES: zipfile cannot inflate it)."""
    position = data.find(b"PK\x01\x02") + 10
    return data[:position] + struct.pack("<H", 99) + data[position + 2 :]


def test_the_reproducer_is_what_it_claims() -> None:
    broken = unsupported_compression(docx_bytes())
    with zipfile.ZipFile(io.BytesIO(broken)) as archive, pytest.raises(NotImplementedError):
        archive.read(archive.infolist()[0])


def test_an_unsupported_compression_method_is_a_broken_file_everywhere() -> None:
    broken = unsupported_compression(docx_bytes())
    with pytest.raises(UnreadableFile) as refused:
        pipeline.check_bytes(broken, "a.docx")
    assert "已损坏" in str(refused.value)
    extracted = extract.extract_text(broken, "a.docx")
    assert extracted.text == ""
    assert "已损坏" in extracted.problem or "无法识别" in extracted.problem


def test_every_one_byte_change_of_the_central_directory_is_handled() -> None:
    """What the children run (parse_here, extract_here) and the upload policy, in this process so that
    any exception escaping them shows here with its traceback."""
    data = docx_bytes()
    positions = central_directory(data)
    assert len(positions) > 300
    for position in positions:
        for value in (data[position] ^ 0xFF,):
            changed = with_byte(data, position, value)
            with contextlib.suppress(UnreadableFile):
                pipeline.parse_here(changed, "a.docx")
            extracted = extract.extract_here(changed, extract.file_kind(changed))
            assert extracted.text == "" or extracted.problem == "" or extracted.problems
            with contextlib.suppress(uploads.UploadRefused):
                uploads.check_upload("a.docx", changed, max_bytes=2**20, zip_limits=OFFICE_LIMITS)
