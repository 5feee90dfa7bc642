"""The entry point, :func:`detect_metadata`: kind, year, agency, statistics period and sections
of a report's prose (see the package docstring)."""

from __future__ import annotations

from dataclasses import dataclass, field

from gongkai.checker.detect.agency import find_agency
from gongkai.checker.detect.headings import (
    HEADING_GROUPS,
    OFFICIAL_TABLE_MARK_RE,
    PREAMBLE_LIST_RE,
    TITLE_ANYWHERE_RE,
    find_headings,
    split_sections,
)
from gongkai.checker.detect.title import PURPOSE_RE, STRONG_TITLE_RE, find_title, find_year
from gongkai.checker.result import ReportKind
from gongkai.reports.period import stated_period


@dataclass
class Metadata:
    kind: ReportKind
    year: int | None
    agency: str | None
    period_start: str | None = None
    period_end: str | None = None
    #: Prose of each section keyed by model section key, in document order.
    sections: dict[str, str] = field(default_factory=dict)
    #: Section keys in the order their headings appear (duplicates kept).
    section_order: list[str] = field(default_factory=list)
    title: str | None = None


def detect_metadata(prose: str, has_official_tables: bool) -> Metadata:
    """Kind, year, agency, period and sections of a report's normalised prose (table rows removed)."""
    headings = find_headings(prose)
    sections, order = split_sections(prose, headings)
    title, body = find_title(prose)
    period_start, period_end = stated_period(prose)
    overview = sections.get("overview")
    year = find_year(title, period_end, prose, body, overview)

    official = {h.key for h in headings if not h.legacy}
    legacy_marks = sum(1 for h in headings if h.legacy)
    evidence = set(official)
    for pm in PREAMBLE_LIST_RE.finditer(prose[:6000]):
        for tm in TITLE_ANYWHERE_RE.finditer(pm.group()):
            if tm.lastgroup and not HEADING_GROUPS[tm.lastgroup][1]:
                evidence.add(HEADING_GROUPS[tm.lastgroup][0])
    strong_title = bool(title.report and STRONG_TITLE_RE.search(title.report))
    looks = bool(title.report) or bool(PURPOSE_RE.search(prose)) or len(official) >= 4

    kind: ReportKind
    if has_official_tables:
        kind = "annual_report"
    elif looks and ((legacy_marks and "applications" not in official) or (year is not None and year < 2019)):
        kind = "legacy_report"
    elif (
        (looks and len(evidence) >= 4)
        or strong_title
        or (len(official) >= 2 and not legacy_marks and OFFICIAL_TABLE_MARK_RE.search(prose))
    ):
        kind = "annual_report"
    else:
        kind = "not_a_report"

    agency = find_agency(prose, body, title, overview, strong_sources_only=kind == "not_a_report")
    return Metadata(
        kind=kind,
        year=year,
        agency=agency,
        period_start=period_start,
        period_end=period_end,
        sections=sections,
        section_order=order,
        title=title.text,
    )
