"""A source read into a :class:`~gongkai.checker.result.ParsedReport`: the format its tables use,
the tables, the metadata of its prose (``gongkai.checker.detect``), a cut copy and the rows and
tables it lacks."""

from __future__ import annotations

import re

from gongkai.checker import labels as L
from gongkai.checker.codes import finding
from gongkai.checker.detect import detect_metadata
from gongkai.checker.parse.rows import prose_of
from gongkai.checker.parse.tables import TableParse, parse_tables, row_place
from gongkai.checker.result import ParsedReport
from gongkai.checker.source import Source
from gongkai.core.messages import N_, Message
from gongkai.reports.findings import Finding
from gongkai.reports.model import SECTIONS, TABLE_BY_KEY, TABLE_KEYS, TABLES, FormatVersion, format_for_year
from gongkai.reports.tables import Tables


def detect_format(text: str) -> FormatVersion | None:
    """Which format the tables use, from their headers and rows (independent of the year)."""
    flat = re.sub(r"[\s\x1f]+", "", text)
    scores = {v: sum(1 for marker in markers if marker in flat) for v, markers in L.FORMAT_MARKERS.items()}
    if scores["2019"] == scores["2021"]:
        return None
    return "2019" if scores["2019"] > scores["2021"] else "2021"


def parse_source(source: Source) -> ParsedReport:
    text = source.text
    detected = detect_format(text)
    version: FormatVersion = detected or "2021"
    prose = prose_of(text)
    p = parse_tables(text, version, prose)
    has_tables = bool(p.found)
    meta = detect_metadata(prose, has_tables)
    if detected is None and meta.year is not None and has_tables:
        by_year = format_for_year(meta.year)
        if by_year is not None and by_year != version:
            version = by_year
            p = parse_tables(text, version, prose)
    kind = meta.kind
    if kind == "annual_report" and "section3" in p.found and not _has_figures(p.tables):
        # The official tables, table 三 among them, with every cell blank: nothing reported yet. (A copy
        # cut inside table 二, whose rows may be "/" for an agency without such powers, is no template.)
        kind = "template"
    table_format: FormatVersion | None = version if has_tables else None
    if p.squashed and not p.marked:
        layout = "squashed"
    elif has_tables:
        layout = source.layout if source.layout not in ("plain", "squashed") else "squashed"
    else:
        layout = "none"
    truncated_after, cut_tables = (
        _truncation(p, meta.section_order) if kind == "annual_report" else (None, set())
    )
    findings = [
        f
        for f in p.findings
        if not (
            f.code == "parse.missing_cells" and f.table == p.truncated_in and f.row == p.truncated_after_row
        )
    ]
    if truncated_after is not None:
        findings.append(
            finding(
                "document.truncated",
                Message(
                    N_(
                        "报告不完整：文本在%(place)s之后中断，其后的行、表格和部分都没有；只检查了已有的内容，请提供完整的报告。"
                    ),
                    {"place": truncated_after},
                ),
            )
        )
    if kind == "annual_report":
        findings.extend(_missing_rows(p, cut_tables))
    return ParsedReport(
        kind=kind,
        # The format the year requires, whatever the tables use (the rule is the model's).
        format=format_for_year(meta.year) if kind in ("annual_report", "template") and meta.year else None,
        table_format=table_format if kind in ("annual_report", "template") else None,
        not_report_reason=meta.reason,
        compared_years=meta.compared_years,
        year=meta.year,
        agency=meta.agency,
        tables=p.tables if kind == "annual_report" else Tables(),
        text=prose,
        sections=meta.sections,
        section_order=meta.section_order,
        period_start=meta.period_start,
        period_end=meta.period_end,
        layout=layout,
        parse_findings=findings if kind == "annual_report" else [],
        truncated_after=str(truncated_after) if truncated_after is not None else None,
        labels_seen=p.labels_seen,
        detected_format=detected,
    )


def _has_figures(tables: Tables) -> bool:
    """Whether any cell of the tables holds a figure (a number, or text where a number belongs)."""
    cells = [
        *(v for row in tables.section2.values() for v in row.values()),
        *(v for row in tables.section3.values() for v in row),
        *(v for row in tables.section4.values() for v in row),
    ]
    return any(v is not None for v in cells)


def _truncation(p: TableParse, section_order: list[str]) -> tuple[Message | None, set[str]]:
    """Where a cut copy of a report stops, described for people (or ``None`` if it looks complete),
    and the tables that come after that point."""
    if p.truncated_in is not None and p.truncated_after_row is not None:
        after = set(TABLE_KEYS[TABLE_KEYS.index(p.truncated_in) + 1 :])
        return row_place(p.fmt, p.truncated_in, p.truncated_after_row), after
    if not section_order and not p.found:
        # Only the title and the opening words: the copy stops before the first section.
        return Message(N_("报告开头（标题和前言）")), {t.key for t in TABLES}
    if "other" in section_order or not section_order:
        return None, set()
    keys = [s.key for s in SECTIONS]
    last = max(keys.index(k) for k in section_order)
    # Only a prefix of the sections and no table of a later section: the text was cut.
    if set(keys[last + 1 :]) & set(section_order):
        return None, set()
    later = {t.key for t in TABLES if keys.index(t.section) >= last and t.key not in p.found}
    if any(t.key in p.found for t in TABLES if keys.index(t.section) > last):
        return None, set()
    return (
        Message(
            N_("第%(number)s部分“%(heading)s”"),
            {"number": SECTIONS[last].number, "heading": SECTIONS[last].heading},
        ),
        later,
    )


def _missing_rows(p: TableParse, cut_tables: set[str]) -> list[Finding]:
    out: list[Finding] = []
    for t in TABLES:
        if t.key not in p.found and t.key not in cut_tables:
            out.append(
                finding(
                    "parse.table_not_found",
                    Message(
                        N_("没有找到%(table)s；年度报告须按%(format)s的格式以表格报告。"),
                        {"table": t.full_name, "format": p.fmt.name},
                    ),
                    section=t.section,
                    table=t.key,
                )
            )
    expected_rows = {
        "section2": [
            (
                row.key,
                row.label,
                Message(
                    N_("表二第二十条第（%(item)s）项缺少“%(row)s”行。"),
                    {"item": block.item, "row": row.label},
                ),
            )
            for block, row in p.fmt.section2_rows()
        ],
        "section3": [
            (row.key, row.label, Message(N_("表三缺少“%(row)s”行。"), {"row": row.label}))
            for row in p.fmt.section3_rows
        ],
    }
    read_rows: dict[str, set[str]] = {"section2": set(p.tables.section2), "section3": set(p.tables.section3)}
    for table, rows in expected_rows.items():
        if table not in p.found:
            continue
        cut = _cut_rows(p, table, [key for key, _, _ in rows])
        for key, label, message in rows:
            if key not in read_rows[table] and key not in cut:
                out.append(
                    finding(
                        "parse.row_not_found",
                        message,
                        section=TABLE_BY_KEY[table].section,
                        table=table,
                        row=key,
                        expected=label,
                    )
                )
    return out


def _cut_rows(p: TableParse, table: str, keys: list[str]) -> set[str]:
    if p.truncated_in != table or p.truncated_after_row is None:
        return set()
    return set(keys[keys.index(p.truncated_after_row) + 1 :])
