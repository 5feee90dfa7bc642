"""The annual report as JSON: exactly the schema of ``gongkai check --json`` (``docs/check-json.md``).

The object is built by :func:`gongkai.reports.checkjson.result_json`, the function behind the checker's
``CheckResult.to_json()``, so that it cannot drift from what the checker prints for a file. Its
``layout`` is ``"gongkai"``: the tables come from the report being written in Gongkai, not from reading a
file. Pure Python (no Django).
"""

from __future__ import annotations

from typing import Any

from gongkai.reports.checkjson import result_json
from gongkai.reports.document import ReportDocument
from gongkai.reports.findings import Finding
from gongkai.reports.model import format_for_year

__all__ = ["LAYOUT", "render_json"]

#: The ``layout`` of an exported document (documented in docs/check-json.md).
LAYOUT = "gongkai"


def render_json(doc: ReportDocument, findings: list[Finding] | None = None, path: str = "") -> dict[str, Any]:
    """The report as ``CheckResult.to_json()``; ``findings`` are those of the pre-publication check
    (``[]`` when none are given)."""
    return result_json(
        path=path,
        kind="annual_report",
        format=format_for_year(doc.year),
        table_format=doc.format,
        year=doc.year,
        agency=doc.agency_name,
        layout=LAYOUT,
        period_start=f"{doc.year:04d}-01-01",
        period_end=f"{doc.year:04d}-12-31",
        tables=doc.tables,
        findings=list(findings or []),
    )
