"""The document's title (a crawler's header, the first lines), the words that say it is a report, and
the year it reports on."""

from __future__ import annotations

import re
from dataclasses import dataclass

from gongkai.checker.detect.headings import SPACE

YEAR = r"((?:19|20)\d{2})"
_HEADER_TITLE_RE = re.compile(r"^标题[ \t]*:[ \t]*(\S[^\n]*?)[ \t]*$", re.MULTILINE)
_BODY_MARK_RE = re.compile(r"^=+[ \t]*正文[ \t]*=+[ \t]*$", re.MULTILINE)
#: A report title at the start of a line (in squashed text the body follows after a space).
REPORT_TITLE_RE = re.compile(
    rf"^{SPACE}([^\s,.。;:!?《》“”()]{{0,60}}?公开[^\s,.。;:!?《》“”()]{{0,30}}?"
    r"(?:年度报告|年报|工作报告|情况的?报告))(?=[ \t\u3000]|$)",
    re.MULTILINE,
)
STRONG_TITLE_RE = re.compile(rf"{YEAR}\s*年.*?(?:信息公开|政务公开).*?(?:年度报告|年报)$")
TITLE_YEAR_RE = re.compile(rf"{YEAR}\s*年")
PUBLIC_WORD_RE = re.compile(r"政府信息公开|政务信息公开|政务公开|信息公开")
#: The document says what it is: "编制完成了本报告", "现将…报告如下", "现公布…年度报告".
PURPOSE_RE = re.compile(
    r"本(?:年度)?报告"
    r"|现(?:将|就|把)?[^。\n]{0,40}?(?:报告|汇报|公告)如下"
    r"|现(?:公布|公开|发布|予公布|将)[^。\n]{0,40}?(?:年度报告|年报)"
)
_PHRASE_YEAR_RE = re.compile(
    rf"现(?:将|就|公布|公开|发布|予公布)[^。\n]{{0,20}}?{YEAR}\s*年度?[^。\n]{{0,40}}?"
    r"(?:报告|年报|公告|汇报)"
)
OPENING_YEAR_RE = re.compile(rf"^\s*{YEAR}\s*年度?\s*[,，]")
_MIN_YEAR, _MAX_YEAR = 2000, 2100


def _year_in(text: str | None) -> int | None:
    if not text:
        return None
    m = TITLE_YEAR_RE.search(text)
    if m and _MIN_YEAR <= int(m.group(1)) <= _MAX_YEAR:
        return int(m.group(1))
    return None


@dataclass
class Title:
    text: str | None  # the document's title as found (crawler header, <title>, first lines)
    report: str | None  # the title when it names a report ("…政府信息公开工作年度报告")
    name_line: str | None  # an agency name printed alone on the line above the report title


def find_title(prose: str) -> tuple[Title, str]:
    """The title and the body (the prose after a crawler's header block, if any)."""
    head = prose[:3000]
    header = _HEADER_TITLE_RE.search(head)
    body = prose
    mark = _BODY_MARK_RE.search(head)
    if mark:
        body = prose[mark.end() :]
    header_title = header.group(1) if header else None
    report: str | None = None
    name_line: str | None = None
    if header_title and REPORT_TITLE_RE.fullmatch(header_title):
        report = header_title
    # The first few non-empty lines of the body.
    lines: list[str] = []
    for raw in body[:4000].split("\n"):
        ln = raw.strip()
        if ln:
            lines.append(ln)
            if len(lines) == 8:
                break
    if report is None:
        for i, ln in enumerate(lines):
            m = REPORT_TITLE_RE.match(ln)
            if m is None:
                continue
            report = m.group(1)
            if i > 0 and TITLE_YEAR_RE.match(report) and len(lines[i - 1]) <= 40:
                prev = lines[i - 1]
                if not re.search(r"[,.。;:!?《》“”()\s]", prev):
                    name_line = prev
            break
    text = header_title or (f"{name_line}{report}" if name_line and report else report)
    return Title(text, report, name_line), body


def find_year(
    title: Title, period_end: str | None, prose: str, body: str, overview: str | None
) -> int | None:
    year = _year_in(title.report) or _year_in(title.text)
    if year:
        return year
    if period_end:
        return int(period_end[:4])
    m = _PHRASE_YEAR_RE.search(prose)
    if m:
        return int(m.group(1))
    for text in (body.lstrip(), overview):
        if text:
            om = OPENING_YEAR_RE.match(text)
            if om:
                return int(om.group(1))
    return None
