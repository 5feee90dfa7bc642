"""The .docx reader (:mod:`gongkai.documents.docx`): the checker's body blocks and the scanner's text."""

from __future__ import annotations

import io

import docx
import pytest

from gongkai.documents.docx import Paragraph, Row, all_text, body_blocks, open_docx
from gongkai.documents.zipguard import ZipLimits, ZipRefused


def _document() -> bytes:
    document = docx.Document()
    document.add_paragraph("一、总体情况\t概述")
    table = document.add_table(rows=2, cols=3)
    table.cell(0, 0).merge(table.cell(0, 1))
    table.cell(0, 0).text = "信息内容"
    table.cell(0, 2).text = "件数"
    table.cell(1, 0).text = "规章"
    table.cell(1, 1).text = "第一行\n第二行"
    table.cell(1, 2).text = "0"
    document.sections[0].header.paragraphs[0].text = "页眉 联系电话"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_body_blocks_are_paragraphs_and_rows_in_order() -> None:
    blocks, tables = body_blocks(open_docx(_document()))
    assert tables == 1
    assert blocks == [
        Paragraph("一、总体情况 概述"),  # a tab becomes a space
        Row(["信息内容", "件数"]),  # the merged cell is given once
        Row(["规章", "第一行\n第二行", "0"]),
    ]


def test_all_text_reads_every_part() -> None:
    text = all_text(open_docx(_document()), max_chars=10_000)
    assert "一、总体情况\t概述" in text and "第一行\n第二行" in text
    assert text.index("信息内容") < text.index("页眉 联系电话")  # the body first, then the header


def test_a_zip_bomb_is_refused_before_python_docx_opens_it() -> None:
    with pytest.raises(ZipRefused):
        open_docx(_document(), ZipLimits(max_members=3, max_total_bytes=2**30))
