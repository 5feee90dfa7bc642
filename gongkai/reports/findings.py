"""A finding about an annual report: what the checker reports and the pre-publication check shows.

Pure Python (no Django). The codes are registered in the checker's ``codes`` module and documented in
``docs/checks.md``; the JSON form is part of the schema of ``docs/check-json.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["SEVERITIES", "Finding", "Severity"]

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")

#: Where a finding is: ``section`` is a section key of ``gongkai.reports.model.SECTIONS``
#: ("overview", "proactive", "applications", "appeals", "problems", "other") or ``None`` for the
#: whole document; ``table`` is "section2" / "section3" / "section4" when the finding is about a cell;
#: ``row`` and ``column`` are the model's stable keys (for table 四, ``row`` is the group key).


@dataclass
class Finding:
    code: str  # stable, documented in docs/checks.md
    severity: Severity
    message: str  # in Chinese, says what is wrong and what was expected
    section: str | None = None
    table: str | None = None
    row: str | None = None
    column: str | None = None
    expected: Any = None
    found: Any = None

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "section": self.section,
            "table": self.table,
            "row": self.row,
            "column": self.column,
            "expected": self.expected,
            "found": self.found,
        }
