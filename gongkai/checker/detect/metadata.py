"""The entry point, :func:`detect_metadata`: kind, year, agency, statistics period and sections
of a report's prose (see the package docstring)."""

from __future__ import annotations

import re
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
from gongkai.checker.detect.title import (
    OPENING_YEAR_RE,
    PUBLIC_WORD_RE,
    PURPOSE_RE,
    REPORT_TITLE_RE,
    STRONG_TITLE_RE,
    TITLE_YEAR_RE,
    Title,
    find_title,
    find_year,
)
from gongkai.checker.result import NotReportReason, ReportKind
from gongkai.reports.model import SECTIONS
from gongkai.reports.period import stated_period

_SECTION_KEYS = [s.key for s in SECTIONS]
#: A title that says the document compares reports ("2022年与2023年年度报告对比", "…比较分析").
_COMPARISON_WORD_RE = re.compile(r"对比|比较|比对")
#: Prose (table rows removed) at least this long that does not read as a report is a document of its own
#: (a 通报, a 总结 with the statistics tables attached), not a bare paste of a report's tables.
_OWN_PROSE_CHARS = 300
_CJK_CHAR_RE = re.compile(r"[\u4e00-\u9fff]")
#: A title is a short line without sentence punctuation; otherwise it is a sentence ("…与2022年比较，…").
_TITLE_MAX_CHARS = 80
_SENTENCE_MARK_RE = re.compile(r"[,，。;；]")


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
    #: Why a ``not_a_report`` is not one (``None`` for the other kinds; "not_report" when it simply does
    #: not read as an annual report).
    reason: NotReportReason | None = None
    #: The years a comparison of reports compares (``reason == "comparison"``).
    compared_years: tuple[int, ...] = ()


def comparison_years(prose: str, title: Title, heading_starts: list[int]) -> list[int]:
    """The years a side-by-side comparison of annual reports compares ([] when it is not one).

    A comparison is a document whose title says so (a short line with 对比/比较/比对 and two years), or one
    that holds two annual reports of different years, each title followed by section headings (two reports
    pasted side by side; a list of links to other years' reports on a crawled page has no headings under
    its titles). ``heading_starts``: where the section headings start in ``prose``."""
    head_lines = [ln.strip() for ln in prose[:1500].split("\n") if ln.strip()][:8]
    for line in [title.text or "", *head_lines]:
        if len(line) > _TITLE_MAX_CHARS or _SENTENCE_MARK_RE.search(line):
            continue
        years = sorted({int(y) for y in TITLE_YEAR_RE.findall(line)})
        if len(years) >= 2 and _COMPARISON_WORD_RE.search(line) and PUBLIC_WORD_RE.search(line):
            return years
    titles: list[tuple[int, int]] = []  # (start, year)
    for m in REPORT_TITLE_RE.finditer(prose):
        if STRONG_TITLE_RE.search(m.group(1)):
            found = TITLE_YEAR_RE.search(m.group(1))
            if found is not None:
                titles.append((m.start(), int(found.group(1))))
    reports: set[int] = set()
    for i, (start, year) in enumerate(titles):
        end = next((s for s, y in titles[i + 1 :] if y != year), len(prose))
        if any(start < h < end for h in heading_starts):
            reports.add(year)
    return sorted(reports) if len(reports) >= 2 else []


def _cut_after_first_sections(official_order: list[str]) -> bool:
    """The section headings found are the first ones of the six, in order (一 only, 一 and 二 …): what a
    copy cut short after its opening sections shows."""
    seen = list(dict.fromkeys(official_order))
    return bool(seen) and seen == _SECTION_KEYS[: len(seen)] and len(seen) < len(_SECTION_KEYS)


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

    # Reads as an annual report: a report title, a sentence saying what it is, the section headings,
    # or the opening "2021年，…" of a report followed by its first sections.
    opening = bool(OPENING_YEAR_RE.match(body.lstrip()))
    official_order = [h.key for h in headings if not h.legacy]
    cut_opening = (
        _cut_after_first_sections(official_order)
        and not legacy_marks
        and (looks or opening)
        and bool(PUBLIC_WORD_RE.search(prose))
    )
    reads_as_report = looks or len(official) >= 2 or cut_opening

    kind: ReportKind
    reason: NotReportReason | None = None
    compared = tuple(comparison_years(prose, title, [h.start for h in headings if not h.legacy]))
    if compared:
        kind, reason = "not_a_report", "comparison"
    elif has_official_tables:
        if reads_as_report or len(_CJK_CHAR_RE.findall(prose)) < _OWN_PROSE_CHARS:
            kind = "annual_report"
        else:
            kind, reason = "not_a_report", "tables_only"
    elif looks and ((legacy_marks and "applications" not in official) or (year is not None and year < 2019)):
        kind = "legacy_report"
    elif (
        (looks and len(evidence) >= 4)
        or strong_title
        or (len(official) >= 2 and not legacy_marks and OFFICIAL_TABLE_MARK_RE.search(prose))
        or cut_opening
    ):
        kind = "annual_report"
    else:
        kind, reason = "not_a_report", "not_report"

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
        reason=reason,
        compared_years=compared,
    )
