"""When an annual report (年度报告) is due (条例 第四十九条; ``docs/law.md`` §1.6).

* 县级以上人民政府部门 publish their report on the previous year **by 31 January**;
* 县级以上地方人民政府 publish the government's own report **by 31 March**;
* 乡（镇）人民政府 and 街道 are not named in 第四十九条: their deadline is set locally each year by the county
  or city office (政务公开办), and is ``None`` here until it does;
* other bodies that disclose (法律法规授权组织 …) are read as departments: 31 January.

"By 31 January" (1月31日前) counts 31 January itself as on time. Pure Python.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from typing import Literal

from gongkai.core.messages import N_

AgencyKindKey = Literal["government", "department", "township", "other"]

#: Kinds whose deadline the supervisor sets (not in 第四十九条).
LOCALLY_SET_KINDS: frozenset[str] = frozenset({"township"})


def statutory_deadline(kind: str, year: int) -> datetime.date | None:
    """The last day to publish the report on ``year`` for an agency of ``kind``; ``None`` when the law
    leaves it to the supervisor (townships)."""
    if kind in LOCALLY_SET_KINDS:
        return None
    if kind == "government":
        return datetime.date(year + 1, 3, 31)
    return datetime.date(year + 1, 1, 31)


def agency_deadline(
    kind: str, year: int, ancestor_ids: Sequence[int], set_locally: Mapping[int, datetime.date]
) -> tuple[datetime.date | None, int | None]:
    """The deadline of an agency of ``kind`` below ``ancestor_ids`` (root first), and which ancestor set it:
    the statute's (``None``), or for a township the date its nearest ancestor's 政务公开办 set for the year
    (``set_locally``: ancestor id → date)."""
    if kind not in LOCALLY_SET_KINDS:
        return statutory_deadline(kind, year), None
    for ancestor in reversed(ancestor_ids):
        if ancestor in set_locally:
            return set_locally[ancestor], ancestor
    return None, None


def deadline_basis(kind: str) -> str:
    """Where the deadline comes from, for the page that shows it (an ``N_`` message id: render it)."""
    if kind in LOCALLY_SET_KINDS:
        return N_("乡镇、街道的年度报告期限由上级政务公开办确定（条例第四十九条未作规定）")
    if kind == "government":
        return N_("县级以上地方人民政府：每年3月31日前公布本级政府上一年度报告（条例第四十九条）")
    return N_("县级以上人民政府部门：每年1月31日前公布上一年度报告（条例第四十九条）")


Timeliness = Literal["on_time", "late", "missing", "not_due", "no_deadline"]


def timeliness(
    deadline: datetime.date | None, published_on: datetime.date | None, today: datetime.date
) -> Timeliness:
    """``on_time`` / ``late`` for a published report; ``missing`` when unpublished after the deadline,
    ``not_due`` before it; ``no_deadline`` when an unpublished report has no deadline yet."""
    if published_on is not None:
        if deadline is None:
            return "on_time"
        return "on_time" if published_on <= deadline else "late"
    if deadline is None:
        return "no_deadline"
    return "missing" if today > deadline else "not_due"


TIMELINESS_LABELS: dict[str, str] = {
    "on_time": N_("按时公开"),
    "late": N_("逾期公开"),
    "missing": N_("逾期未公开"),
    "not_due": N_("未到期限"),
    "no_deadline": N_("未设定期限"),
}
