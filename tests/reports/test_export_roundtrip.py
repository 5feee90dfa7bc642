"""Every exported file is read back by the checker with the document's tables, cell by cell, its kind,
format, year, agency and statistics period, and without an error finding.

Both official formats: the 2019 format (report on 2020, table 二 in the 2019 columns entered by hand) and
the 2021 format (report on 2025, a fee amount of 0.0125 万元, blank cells, a correction). Hypothesis draws
valid tables of each format for HTML and Word; PDF (slower) runs on fixed examples.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from gongkai.checker.pipeline import check_bytes
from gongkai.checker.result import CheckResult
from gongkai.reports.document import ReportDocument
from gongkai.reports.export import export
from gongkai.reports.model import FORMATS, SECTION3_APPLICANT_COLUMNS, SECTION4_GROUP_KEYS, FormatVersion
from gongkai.reports.tables import Cell, Tables
from tests.checker.strategies import tables
from tests.reports.export_samples import doc_with_tables, needs_cjk_font, sample_doc

FORMAT_YEARS: dict[FormatVersion, int] = {"2019": 2020, "2021": 2025}


def _findings_text(result: CheckResult) -> str:
    return "\n".join(f"{f.severity} {f.code}: {f.message}" for f in result.findings) or "(none)"


def assert_round_trip(doc: ReportDocument, suffix: str) -> CheckResult:
    data = export(doc, suffix)
    result = check_bytes(data, f"report{suffix}")
    report = result.report
    assert report.tables.to_json() == doc.tables.to_json(), _findings_text(result)
    assert report.kind == "annual_report"
    assert report.format == doc.format
    assert report.year == doc.year
    assert report.agency == doc.agency_name
    assert (report.period_start, report.period_end) == (f"{doc.year}-01-01", f"{doc.year}-12-31")
    assert report.layout == suffix.lstrip(".")
    assert report.section_order == [s.key for s in FORMATS[doc.format].sections]
    errors = [f for f in result.findings if f.severity == "error"]
    assert not errors, _findings_text(result)
    return result


# ---------------------------------------------------------------------------------------------------
# The sample reports
# ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".html", ".docx"])
@pytest.mark.parametrize("version", ["2019", "2021"])
def test_sample_report_round_trips(version: FormatVersion, suffix: str) -> None:
    doc = sample_doc(version)
    assert doc.year == FORMAT_YEARS[version]
    result = assert_round_trip(doc, suffix)
    # The blank cells are read back as blanks and reported as such, not as errors.
    if version == "2021":
        blank = [f for f in result.findings if f.code == "cell.blank"]
        assert [(f.table, f.row, f.severity) for f in blank] == [("section2", "regulations", "info")]
        assert result.report.tables.section2["fees"]["amount"] == 0.0125


@needs_cjk_font
@pytest.mark.parametrize("version", ["2019", "2021"])
def test_sample_report_round_trips_through_pdf(version: FormatVersion) -> None:
    assert_round_trip(sample_doc(version), ".pdf")


def _large_tables(version: FormatVersion) -> Tables:
    """The widest figures a report has (five-digit counts everywhere, large amounts): they must stay in their
    cells in the narrow 15 columns of table 四 and the 7 value columns of table 三."""
    fmt = FORMATS[version]
    section2: dict[str, dict[str, Cell]] = {}
    for block, row in fmt.section2_rows():
        cells: dict[str, Cell] = {}
        for col in block.columns:
            if col.kind == "amount":
                cells[col.key] = 987654.3215 if version == "2021" else 98765432.15
            elif col.kind == "signed_count":
                cells[col.key] = -48
            else:
                cells[col.key] = 19876
        section2[row.key] = cells
    n = len(SECTION3_APPLICANT_COLUMNS)
    counts: dict[str, int] = {key: 1000 + 37 * i for i, key in enumerate(fmt.section3_result_keys)}
    counts["total"] = sum(counts.values())
    counts["carried_over"] = 999
    counts["carried_forward"] = 1234
    counts["new_received"] = counts["total"] + 1234 - 999
    section3: dict[str, list[Cell]] = {
        key: [*[counts[key]] * n, counts[key] * n] for key in fmt.section3_row_keys
    }
    section4: dict[str, list[Cell]] = {
        key: [18765, 12345, 10101, 9999, 18765 + 12345 + 10101 + 9999] for key in SECTION4_GROUP_KEYS
    }
    return Tables(section2=section2, section3=section3, section4=section4)


@needs_cjk_font
@pytest.mark.parametrize("version", ["2019", "2021"])
def test_large_figures_round_trip_through_pdf(version: FormatVersion) -> None:
    doc = doc_with_tables(version, _large_tables(version))
    assert_round_trip(doc, ".pdf")


@pytest.mark.parametrize("suffix", [".html", ".docx"])
@pytest.mark.parametrize("version", ["2019", "2021"])
def test_large_figures_round_trip(version: FormatVersion, suffix: str) -> None:
    assert_round_trip(doc_with_tables(version, _large_tables(version)), suffix)


# ---------------------------------------------------------------------------------------------------
# Random valid tables
# ---------------------------------------------------------------------------------------------------


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=tables("2019"))
def test_random_2019_tables_round_trip_through_html_and_docx(values: Tables) -> None:
    doc = doc_with_tables("2019", values)
    for suffix in (".html", ".docx"):
        assert_round_trip(doc, suffix)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=tables("2021"))
def test_random_2021_tables_round_trip_through_html_and_docx(values: Tables) -> None:
    doc = doc_with_tables("2021", values)
    for suffix in (".html", ".docx"):
        assert_round_trip(doc, suffix)
