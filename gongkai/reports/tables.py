"""The three tables of an annual report as data: what the checker reads and the report generator writes.

Pure Python (no Django). The keys are the stable keys of :mod:`gongkai.reports.model`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

__all__ = ["Cell", "Tables", "format_cell"]

#: A table cell as read: a number, ``None`` for a blank cell (also "/", "—", "－", "无"), or the raw text
#: when the cell holds text where a number belongs (kept verbatim, never guessed).
Cell = int | float | str | None


def format_cell(v: Cell) -> str:
    """How a cell is written everywhere (exports, the checker's pages, findings): ``12``, ``-3``,
    ``0.0125`` (the float's shortest repr as a decimal, never an exponent: a fee amount in 万元 keeps its
    4 decimals), ``""`` for a blank, text as is."""
    if v is None:
        return ""
    if isinstance(v, bool):
        raise TypeError(f"a table cell cannot be a bool: {v!r}")
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return format(Decimal(repr(v)), "f")
    return v


@dataclass
class Tables:
    """The report's tables keyed by the model's stable keys.

    ``section2``: ``{row_key: {column_key: cell}}``; ``section3``: ``{row_key: [7 cells]}`` in the order
    of ``SECTION3_COLUMN_KEYS``; ``section4``: ``{group_key: [5 cells]}`` in the order of
    ``SECTION4_COLUMN_KEYS``. A row the report does not have is absent from the dict.
    """

    section2: dict[str, dict[str, Cell]] = field(default_factory=dict)
    section3: dict[str, list[Cell]] = field(default_factory=dict)
    section4: dict[str, list[Cell]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "section2": {k: dict(v) for k, v in self.section2.items()},
            "section3": {k: list(v) for k, v in self.section3.items()},
            "section4": {k: list(v) for k, v in self.section4.items()},
        }

    def is_empty(self) -> bool:
        return not (self.section2 or self.section3 or self.section4)
