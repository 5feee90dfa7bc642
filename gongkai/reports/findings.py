"""A finding about an annual report: what the checker reports and the pre-publication check shows.

Pure Python (no Django). The codes are registered in the checker's ``codes`` module and documented in
``docs/checks.md``; the JSON form is part of the schema of ``docs/check-json.md``.

A finding's sentence is a :class:`gongkai.core.messages.Message`: ``template`` (the Chinese source text, a
message id of the catalogue, with ``%(name)s`` placeholders) and ``params`` (the values: numbers, cell
places, row labels and report text quoted as written — a parameter may itself be a message, e.g. a table's
name). ``message`` is that sentence in Chinese, kept for the JSON form and for old readers; a finding stored
before templates existed has ``template`` ``None`` and is shown as its stored ``message``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from gongkai.core.messages import Message, params_from_json, params_to_json

__all__ = ["SEVERITIES", "Finding", "Severity", "params_from_json", "params_to_json"]

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
    #: The message id ``message`` was made from (``None`` for a finding stored before there were any).
    template: str | None = None
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def text(self) -> Message | str:
        """What to render in the reader's language: the message, or an old finding's stored Chinese text."""
        if self.template is None:
            return self.message
        return Message(self.template, self.params)

    def to_json(self) -> dict[str, Any]:
        out = {
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
        if self.template is not None:
            out["template"] = self.template
            out["params"] = params_to_json(self.params)
        return out
