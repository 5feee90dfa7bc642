"""The annual report as JSON: exactly the schema of ``gongkai check --json`` (``docs/check-json.md``).

The object is built by the checker's own classes (:class:`~gongkai.checker.result.ParsedReport` and
:class:`~gongkai.checker.result.CheckResult`) and their ``to_json()``, so that it cannot drift from what
the checker prints for a file. Its ``layout`` is ``"gongkai"``: the tables come from the report being
written in Gongkai, not from reading a file. Pure Python (no Django).
"""

from __future__ import annotations

from typing import Any

from gongkai.checker.result import CheckResult, Finding, ParsedReport, Tables
from gongkai.reports.document import ReportDocument
from gongkai.reports.model import FORMATS

__all__ = ["LAYOUT", "render_json"]

#: The ``layout`` of an exported document (documented in docs/check-json.md).
LAYOUT = "gongkai"


def _copy_tables(tables: Tables) -> Tables:
    return Tables(
        section2={k: dict(v) for k, v in tables.section2.items()},
        section3={k: list(v) for k, v in tables.section3.items()},
        section4={k: list(v) for k, v in tables.section4.items()},
    )


def render_json(doc: ReportDocument, findings: list[Finding] | None = None, path: str = "") -> dict[str, Any]:
    """The report as ``CheckResult.to_json()``; ``findings`` are those of the pre-publication check
    (``[]`` when none are given)."""
    fmt = FORMATS[doc.format]
    sections = {s.key: "\n".join(doc.paragraphs(s.key)) for s in fmt.sections}
    report = ParsedReport(
        kind="annual_report",
        format=doc.format,
        year=doc.year,
        agency=doc.agency_name,
        tables=_copy_tables(doc.tables),
        text="\n".join(text for text in sections.values() if text),
        sections=sections,
        section_order=[s.key for s in fmt.sections],
        period_start=f"{doc.year:04d}-01-01",
        period_end=f"{doc.year:04d}-12-31",
        layout=LAYOUT,
        detected_format=doc.format,
    )
    return CheckResult(path=path, report=report, findings=list(findings or [])).to_json()
