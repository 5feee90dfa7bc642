"""One annual report as a document: what every export (Word, PDF, HTML, JSON) and the pre-publication check
read. Pure Python (no Django).

The tables are in the form the checker reads (:class:`gongkai.reports.tables.Tables`: table 二
``{row: {column: v}}``, tables 三 and 四 ``{row: [cells in column order]}``), so that an exported file read
back by the checker can be compared with the document cell by cell.

The prose of each section is plain text: every non-empty line is one paragraph. Sections 二, 三 and 四 are
the tables (each may have a short introduction in ``sections``); 一, 五 and 六 are prose.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from gongkai.reports.model import FormatVersion
from gongkai.reports.tables import Tables

#: The sections whose body is prose written by the officer (一, 五, 六).
PROSE_SECTIONS: tuple[str, ...] = ("overview", "problems", "other")


@dataclass(frozen=True)
class ReportDocument:
    agency_name: str
    year: int
    format: FormatVersion
    #: Section key (``gongkai.reports.model.SECTIONS``) → plain text, one paragraph per non-empty line.
    #: The table sections ("proactive", "applications", "appeals") may carry a short introduction.
    sections: dict[str, str]
    tables: Tables
    #: The publication date printed under the title (``None`` for a draft).
    published_on: datetime.date | None = None
    #: 1 for the first publication; a correction is version 2, 3 …
    version: int = 1
    #: Notes printed under the tables (hand-entered figures and how they were obtained).
    notes: tuple[str, ...] = field(default=())
    #: For a correction: what changed since the previous version, printed at the top.
    change_note: str = ""

    @property
    def title(self) -> str:
        return f"{self.agency_name}{self.year}年政府信息公开工作年度报告"

    def paragraphs(self, section: str) -> list[str]:
        """The paragraphs of a section, in order: its non-empty lines, stripped."""
        text = (self.sections.get(section) or "").replace("\r\n", "\n").replace("\r", "\n")
        return [line.strip() for line in text.split("\n") if line.strip()]
