"""The real reports of other agencies (``tests/fixtures/reports``): every cell the hand-read truth files give,
and the defects they list."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from gongkai.checker.pipeline import check_bytes, check_path
from gongkai.checker.result import CheckResult
from gongkai.reports.model import FORMATS, SECTION4_GROUP_KEYS, FormatVersion

from .samples import TRUTH, material, report

_TRUTH_GROUPS = {"复议": 0, "诉讼_未经复议": 1, "诉讼_复议后": 2}


def _section3_key(version: FormatVersion, truth_label: str) -> str:
    """Map a truth file's label ("三(三)1.属于国家秘密", "一、本年新收…") to the model's row key."""
    for row in FORMATS[version].section3_rows:
        label = row.label.replace("（", "(").replace("）", ")")
        if (
            truth_label == label
            or truth_label.endswith(label)
            or label.startswith(truth_label.removeprefix("三"))
        ):
            return row.key
    raise AssertionError(f"unknown truth label {truth_label}")


def _truth(number: str) -> dict[str, Any]:
    return json.loads(material(TRUTH / f"{number}.json").read_text(encoding="utf-8"))


def _check(number: str) -> tuple[dict[str, Any], CheckResult]:
    path: Path = report(number)
    return _truth(number), check_path(path)


@pytest.mark.parametrize("number", ["002", "004", "006", "012"])
def test_every_truth_cell_is_read(number: str) -> None:
    truth, result = _check(number)
    r = result.report
    version: FormatVersion = truth["format"]
    assert (r.kind, r.format, r.year) == ("annual_report", version, truth["year"])
    fmt = FORMATS[version]
    for label, columns in truth["section2"].items():
        block, row = next((b, rw) for b, rw in fmt.section2_rows() if rw.label == label)
        for (truth_column, value), column in zip(columns.items(), block.columns, strict=True):
            assert r.tables.section2[row.key][column.key] == value, (label, truth_column)
    for label, cells in truth["section3"].items():
        assert r.tables.section3[_section3_key(version, label)] == cells, label
    for group, cells in truth["section4"].items():
        assert r.tables.section4[SECTION4_GROUP_KEYS[_TRUTH_GROUPS[group]]] == cells, group


@pytest.mark.parametrize("number", ["002", "004", "006", "012"])
def test_no_false_arithmetic_errors(number: str) -> None:
    truth, result = _check(number)
    identity_errors = [f for f in result.findings if f.code.startswith(("section3.", "section4."))]
    assert len(identity_errors) == truth["arithmetic_defects_count"] == 0


def test_002_narrative_sum_defect_found() -> None:
    _, result = _check("002")
    sums = [f for f in result.findings if f.code == "prose.sum_mismatch"]
    assert len(sums) == 1
    assert "2533" in sums[0].message and "2599" in sums[0].message


def test_006_prose_against_table_defect_found() -> None:
    _, result = _check("006")
    mismatches = [f for f in result.findings if f.code == "prose.table_mismatch"]
    assert [(f.table, f.row, f.column, f.expected, f.found) for f in mismatches] == [
        ("section2", "normative_documents", "in_force", 470, 393)
    ]


def test_006_numbering_defect_found() -> None:
    _, result = _check("006")
    assert any(f.code == "prose.numbering" and f.section == "problems" for f in result.findings)


def test_004_fee_with_six_decimals_is_flagged() -> None:
    _, result = _check("004")
    assert any(f.code == "fee.decimals" for f in result.findings)


def test_no_error_findings_on_clean_real_reports() -> None:
    for number in ("004", "012"):
        _, result = _check(number)
        errors = [(f.code, f.message) for f in result.findings if f.severity == "error"]
        assert errors == [], number


CUT = ["015", "016", "021", "022", "025", "026", "031", "034", "036", "041"]


@pytest.mark.parametrize("number", CUT)
def test_cut_copies_are_reported_once_as_truncated(number: str) -> None:
    result = check_path(report(number))
    assert result.report.kind == "annual_report"
    assert result.report.truncated_after is not None
    codes = [f.code for f in result.findings]
    assert codes.count("document.truncated") == 1
    # What comes after the cut is not reported part by part.
    assert not {"structure.section_missing", "parse.row_not_found", "parse.table_not_found"} & set(codes)


def test_021_blank_total_is_found() -> None:
    result = check_path(report("021"))
    r = result.report
    assert r.tables.section3["new_received"] == [56, None, None, None, None, None, 56]
    assert r.tables.section3["granted"] == [18, None, None, None, None, None, None]
    errors = [(f.code, f.row, f.column, f.expected) for f in result.findings if f.severity == "error"]
    assert errors == [("section3.row_total", "granted", "total", 18)]


def test_031_unofficial_row_is_reported() -> None:
    result = check_path(report("031"))
    extra = [f for f in result.findings if f.code == "table.extra_row"]
    assert [f.found for f in extra] == ["其他主动公开文件"]
    assert result.report.tables.section2["normative_documents"] == {
        "made": 11,
        "published": 11,
        "total_published": 119,
    }


def test_041_invents_neither_agency_nor_year() -> None:
    r = check_path(report("041")).report
    assert (r.agency, r.year) == (None, None)


@pytest.mark.parametrize(
    ("written", "row", "read", "errors"),
    [
        # 予以公开 written with 总计 31 instead of 30: no split of "270020131" adds up.
        (
            "（一）予以公开270020131",
            "granted",
            [27, 0, 0, 2, 0, 1, 31],
            {("section3.row_total", "granted", "total"), ("section3.results_total", "total", "total")},
        ),
        # （七）总计 written as 70: the six applicant cells are what the outcome rows add up to.
        (
            "（七）总计630020470",
            "total",
            [63, 0, 0, 2, 0, 4, 70],
            {
                ("section3.row_total", "total", "total"),
                ("section3.results_total", "total", "total"),
                ("section3.balance", "carried_forward", "total"),
            },
        ),
    ],
)
def test_a_wrong_total_in_run_together_text_is_reported_precisely(
    written: str, row: str, read: list[int], errors: set[tuple[str, str, str]]
) -> None:
    """A crawled report whose own arithmetic is wrong: the row is read through the column identities, so
    the wrong 总计 is reported where it is, not as an unreadable row."""
    text = report("004").read_text(encoding="utf-8")
    original = {"granted": "（一）予以公开270020130", "total": "（七）总计630020469"}[row]
    assert original in text
    result = check_bytes(text.replace(original, written).encode("utf-8"), "004-broken.txt")
    assert result.report.tables.section3[row] == read
    assert result.report.tables.section3["unable_not_held"] == [22, 0, 0, 0, 0, 3, 25]
    found = {(f.code, f.row, f.column) for f in result.findings if f.code.startswith("section3.")}
    assert found == errors
    assert not any(f.code == "parse.unsplittable" for f in result.findings)
