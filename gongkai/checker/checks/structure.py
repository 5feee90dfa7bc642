"""Structure: the six sections (present, in order, once each), the tables of their sections, and the
row labels as the report wrote them against the official ones."""

from __future__ import annotations

import re

from gongkai.checker.checks.context import (
    S4_GROUP_LABEL,
    SECTION_INDEX,
    SECTION_KEYS,
    TABLE_ORDER,
    TABLE_SECTION,
    TABLE_TITLE,
    Ctx,
    join,
)
from gongkai.checker.codes import finding
from gongkai.core.messages import N_, Message
from gongkai.reports import model
from gongkai.reports.findings import Finding
from gongkai.reports.model import FORMATS, RESULT_GROUP, SECTION4_GROUPS, SECTIONS


def check_structure(ctx: Ctx) -> list[Finding]:
    report = ctx.report
    order = list(report.section_order) or list(report.sections)
    present = set(order)
    out: list[Finding] = []
    # A truncated text (document.truncated) lacks everything after the cut: those sections are not
    # reported one by one.
    last = max((SECTION_INDEX[k] for k in present if k in SECTION_INDEX), default=-1)
    truncated = report.truncated_after is not None or any(
        f.code == "document.truncated" for f in report.parse_findings
    )
    for s in SECTIONS:
        if truncated and SECTION_INDEX[s.key] > last:
            continue
        if s.key not in present:
            out.append(
                finding(
                    "structure.section_missing",
                    Message(
                        N_("报告缺少第%(number)s部分“%(heading)s”；年度报告应依次包含一至六共六个部分。"),
                        {"number": s.number, "heading": s.heading},
                    ),
                    section=s.key,
                    expected=s.heading,
                )
            )
    first: list[str] = []
    counts: dict[str, int] = {}
    for key in order:
        if key not in counts:
            first.append(key)
        counts[key] = counts.get(key, 0) + 1
    expected_order = [k for k in SECTION_KEYS if k in counts]
    if first != expected_order:
        numbers = {s.key: s.number for s in SECTIONS}
        out.append(
            finding(
                "structure.section_order",
                Message(
                    N_("报告各部分的顺序为%(found)s，应按%(expected)s的顺序排列。"),
                    {
                        "found": join(numbers.get(k, k) for k in first),
                        "expected": join(numbers.get(k, k) for k in expected_order),
                    },
                ),
                expected=expected_order,
                found=first,
            )
        )
    for s in SECTIONS:
        n = counts.get(s.key, 0)
        if n > 1:
            out.append(
                finding(
                    "structure.section_duplicated",
                    Message(
                        N_("第%(number)s部分标题“%(heading)s”出现了%(count)s次，应只出现一次。"),
                        {"number": s.number, "heading": s.heading, "count": n},
                    ),
                    section=s.key,
                    expected=1,
                    found=n,
                )
            )
    # Tables: a missing section already says its table is missing; the parser may have said it too.
    told = {f.table for f in report.parse_findings if f.code == "parse.table_not_found"}
    # A cut copy: the table of the section the text stops in may simply come after the cut.
    last_present = max((SECTION_KEYS.index(k) for k in present if k in SECTION_KEYS), default=-1)
    for table in TABLE_ORDER:
        section = TABLE_SECTION[table]
        if getattr(report.tables, table) or table in told or section not in present:
            continue
        if report.truncated_after is not None and SECTION_KEYS.index(section) >= last_present:
            continue
        s = model.SECTION_BY_KEY[section]
        out.append(
            finding(
                "table.missing",
                Message(
                    N_("第%(number)s部分“%(heading)s”没有统计表；该部分应以%(format)s规定的表格报告。"),
                    {"number": s.number, "heading": s.heading, "format": ctx.fmt.name},
                ),
                section=section,
                table=table,
            )
        )
    return out


# ---------------------------------------------------------------------------------------------
# Labels
# ---------------------------------------------------------------------------------------------

_LABEL_TRANS = str.maketrans({"（": "(", "）": ")", "，": ",", "：": ":", "；": ";", "．": ".", "、": "."})
_LABEL_DROP = re.compile(r"[\s“”\"'‘’「」]")
_LABEL_PREFIXES: tuple[str, ...] = tuple(
    sorted(
        {RESULT_GROUP}
        | {r.group for f in FORMATS.values() for r in f.section3_rows if r.group}
        | {g.parent for g in SECTION4_GROUPS},
        key=len,
        reverse=True,
    )
)


def _canon_label(s: str) -> str:
    return _LABEL_DROP.sub("", s).translate(_LABEL_TRANS)


_CANON_PREFIXES: tuple[str, ...] = tuple(_canon_label(p) for p in _LABEL_PREFIXES)


def _official_label(ctx: Ctx, table: str, row: str) -> str | None:
    if table == "section3":
        return ctx.layout.s3_labels.get(row)
    if table == "section4":
        return S4_GROUP_LABEL.get(row)
    if table == "section2":
        entry = ctx.layout.s2_rows.get(row)
        return entry[0] if entry else None
    return None


def check_labels(ctx: Ctx) -> list[Finding]:
    out: list[Finding] = []
    seen: set[tuple[str, str]] = set()
    for label in ctx.report.labels_seen:
        official = _official_label(ctx, label.table, label.row)
        key = (label.table, label.row)
        if official is None or key in seen or key in ctx.labelled:
            continue
        want, got = _canon_label(official), _canon_label(label.text)
        stripped = True
        while got != want and stripped:
            stripped = False
            for p in _CANON_PREFIXES:
                if got.startswith(p) and len(got) > len(p):
                    got, stripped = got[len(p) :], True
                    break
        if got == want:
            continue
        seen.add((label.table, label.row))
        out.append(
            finding(
                "label.nonstandard",
                Message(
                    N_("%(table)s的行标签“%(label)s”与官方表述不一致，应为“%(official)s”。"),
                    {
                        "table": TABLE_TITLE.get(label.table, label.table),
                        "label": label.text.strip(),
                        "official": official,
                    },
                ),
                section=TABLE_SECTION.get(label.table),
                table=label.table,
                row=label.row,
                expected=official,
                found=label.text,
            )
        )
    return out
