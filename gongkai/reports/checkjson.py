"""The JSON form of a checked report (``docs/check-json.md``): the one schema that ``gongkai check --json``
prints (the checker's ``CheckResult.to_json``), the checker's pages save, and the report
generator exports (``gongkai.reports.export.jsonexport``). Both build it here, so it cannot drift.

Pure Python (no Django).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from gongkai.reports.findings import Finding
from gongkai.reports.tables import Tables

__all__ = ["result_json"]


def result_json(
    *,
    path: str,
    kind: str,
    format: str | None,
    table_format: str | None,
    year: int | None,
    agency: str | None,
    layout: str,
    period_start: str | None,
    period_end: str | None,
    tables: Tables,
    findings: Sequence[Finding],
    ocr: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One result object of ``docs/check-json.md`` (``ocr`` only for a file read by OCR)."""
    result = {
        "path": path,
        "kind": kind,
        "format": format,
        "table_format": table_format,
        "year": year,
        "agency": agency,
        "layout": layout,
        "period": {"start": period_start, "end": period_end},
        "tables": tables.to_json(),
        "findings": [f.to_json() for f in findings],
    }
    if ocr is not None:
        result["ocr"] = ocr
    return result
