"""A scanned report (a PDF of pictures, no text layer) is read by OCR, its tables recovered from the page
layout, and the digits OCR is unsure of are findings (``ocr.unsure_digits``), never silent guesses.

The fixture ``tests/fixtures/derived/012_ceshishi-2025-scan.pdf`` is report 012 (the HTML in
``tests/fixtures/reports``) printed by headless Chromium with ruled tables, rasterised at 200 dpi in grey and
rebuilt image-only (``tests/support/scans.py``), with one cell (表三 一、本年新收 · 法律服务机构, 128)
blurred as by a stamp. Two pages: the one slow test of OCR in the suite.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from gongkai.checker.pipeline import check_path
from gongkai.checker.readers.ocr import official_wording
from gongkai.documents import isolated
from gongkai.reports.model import SECTION3_COLUMN_KEYS, SECTION4_COLUMN_KEYS

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SCAN = FIXTURES / "derived" / "012_ceshishi-2025-scan.pdf"
TEXT = FIXTURES / "reports" / "012_fixture-hangzhou-style-ceshishi.html"

needs_tesseract = pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract is not installed")


def _cells(tables: dict[str, Any]) -> dict[tuple[str, str, int], Any]:
    out: dict[tuple[str, str, int], Any] = {}
    for table in ("section3", "section4"):
        for row, cells in tables[table].items():
            for index, value in enumerate(cells):
                out[(table, row, index)] = value
    return out


@needs_tesseract
def test_a_scanned_report_reads_like_its_text_and_flags_the_unsure_digits(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the test machine is shared (OCR took 40 s here at load 20): the child's limit is tested elsewhere
    monkeypatch.setattr(isolated, "TIMEOUT_SECONDS", 600)
    text = check_path(TEXT).to_json()
    scan = check_path(SCAN).to_json()
    expected, read = _cells(text["tables"]), _cells(scan["tables"])
    assert len(expected) == 25 * 7 + 15  # the 2021 format: 25 rows of table 三, 15 cells of table 四
    right = sum(1 for place, value in expected.items() if read.get(place) == value)
    assert right / len(expected) >= 0.95, sorted(p for p in expected if read.get(p) != expected[p])
    assert scan["kind"] == "annual_report" and scan["year"] == 2025
    # every cell of tables 三 and 四 is said to come from OCR, with its confidence
    marked = {(c["table"], c["row"], c["column"]) for c in scan["ocr"]["cells"]}
    assert {(t, r) for t, r, _ in marked if t == "section3"} == {
        ("section3", r) for r in text["tables"]["section3"]
    }
    assert scan["ocr"]["pages"] == [1, 2]
    # the blurred cell is read wrong, and said to be doubtful: a finding at that cell, the number as read
    unsure = [f for f in scan["findings"] if f["code"] == "ocr.unsure_digits"]
    places = {(f["table"], f["row"], f["column"]) for f in unsure}
    assert ("section3", "new_received", "legal_service") in places
    assert {(c["table"], c["row"], c["column"]) for c in scan["ocr"]["cells"] if c["unsure"]} == places
    for f in unsure:
        assert f["severity"] == "warning" and "请对照原件核对" in f["message"]
    # every cell read wrong is one OCR said it doubted
    wrong = {p for p in expected if read.get(p) != expected[p]}
    assert wrong <= {_index(place) for place in places}, wrong


def _index(place: tuple[str, str, str]) -> tuple[str, str, int]:
    table, row, column = place
    if table == "section3":
        return table, row, SECTION3_COLUMN_KEYS.index(column)
    return table, row, SECTION4_COLUMN_KEYS.index(column)


def test_official_wording_replaces_misread_labels_only() -> None:
    assert official_wording("7.属于行政执法案耸") == "7.属于行政执法案卷"
    assert official_wording("一、上年结转政府信息公开申请数量") == "二、上年结转政府信息公开申请数量"
    assert official_wording("(一) 予以公开") == "（一）予以公开"
    # not a label, or too different: kept as read
    assert official_wording("五、存在问题及改进情况") == "五、存在问题及改进情况"
    sentence = "2025年，全市各级行政机关扎实推进政务公开工作。"
    assert official_wording(sentence) == sentence
    assert official_wording("13612") == "13612"
