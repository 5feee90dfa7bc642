"""The catalogue's attachments in the new formats give their text to the privacy scanner: .doc / .wps
(converted by LibreOffice), OFD, and the files of a zip (each read by its reader, a zip inside left
unopened with a problem saying so)."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest

from gongkai.catalogue.extract import extract_text, file_kind
from tests.support.ofd import Page, Run, write_ofd

DOC = Path(__file__).resolve().parents[1] / "fixtures" / "derived" / "012_ceshishi-2025.doc"
OFD = write_ofd([Page(runs=[Run(20, 30, 5, "联系人张三，电话13800138000", [5] * 9 + [2.5] * 11 + [5])])])


def test_ofd_text_is_extracted() -> None:
    assert file_kind(OFD) == "ofd"
    read = extract_text(OFD, "通知.ofd")
    assert (read.kind, read.problems, read.pages) == ("ofd", (), 1)
    assert "13800138000" in read.text and "张三" in read.text


def test_a_zips_files_are_read_one_by_one() -> None:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as archive:
        archive.writestr("x.txt", "inside")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("b/说明.txt", "身份证号 110101199003071234".encode())
        archive.writestr("a/通知.ofd", OFD)
        archive.writestr("c/更多.zip", inner.getvalue())
        archive.writestr("d/", "")
    read = extract_text(out.getvalue(), "附件.zip")
    assert read.kind == "zip"
    assert (
        read.text.index("【a/通知.ofd】") < read.text.index("13800138000") < read.text.index("【b/说明.txt】")
    )
    assert "110101199003071234" in read.text and "inside" not in read.text
    assert read.problem == "压缩包中的压缩包“c/更多.zip”未打开，无法检查；请解压后人工核对"


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_an_old_word_file_is_converted_and_read() -> None:
    read = extract_text(DOC.read_bytes(), "报告.wps")
    assert (read.kind, read.problems) == ("doc", ())
    assert "政府信息公开工作年度报告" in read.text and "13612" in read.text
