"""The statistics period (统计期限) of an annual report as its prose states it.

"本报告中所列数据的统计期限自2025年1月1日起至2025年12月31日止" and the usual variants. The checker reads
the period with :func:`stated_period`; the exporters write the standard sentence
(``gongkai.reports.export.layout.period_sentence``) unless the prose already states one. Pure Python: no
Django, no I/O; the text is normalised first (``gongkai.reports.normalize``: half-width digits and
punctuation).
"""

from __future__ import annotations

import datetime
import re

__all__ = ["stated_period"]

_PERIOD_RE = re.compile(
    r"(?:统计|所列数据的?)(?:期限|时间|时限|期间|区间|周期|范围)?\s*(?:[为是:]|自|从|\s)*"
    r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*(?:起|开始)?\s*(?:至|到|-|~|—|－)\s*"
    r"(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月\s*(\d{1,2})\s*日"
)


def _iso(y: int, m: int, d: int) -> str | None:
    try:
        return datetime.date(y, m, d).isoformat()
    except ValueError:
        return None


def stated_period(prose: str) -> tuple[str | None, str | None]:
    """The first statistics period stated in normalised ``prose``, as ISO dates; ``(None, None)`` when
    none is stated or the dates are impossible or reversed."""
    m = _PERIOD_RE.search(prose)
    if not m:
        return None, None
    y1 = int(m.group(1))
    y2 = int(m.group(4)) if m.group(4) else y1
    start = _iso(y1, int(m.group(2)), int(m.group(3)))
    end = _iso(y2, int(m.group(5)), int(m.group(6)))
    if start is None or end is None or end < start:
        return None, None
    return start, end
