"""行政复议 of an OGI decision under the 2023 《中华人民共和国行政复议法》: when the applicant must apply for
reconsideration before suing (复议前置), and which body decides it (行政复议机关).

Reconsideration first (第二十三条):

* 第一款第四项: "申请政府信息公开，行政机关不予公开" — the applicant must first apply for
  reconsideration, and may sue only against the reconsideration decision; 第二款: the agency must tell the
  applicant so when it decides.
* A decision withholds information when its outcome group is 不予公开 (``denied``) or 部分公开 (``partial``:
  条例 第三十七条, the part that may not be disclosed is withheld — a 不予公开 decision for that part). Both
  are :data:`WITHHOLDING_GROUPS`; docs/decisions.md D13.
* The 2023 revision took effect on 2024-01-01 (第九十条); decisions made before keep the old choice.

The body (第二十四条; the agency tree gives the levels):

* 第一款第一项: a department of a local people's government (本级人民政府工作部门) → that government;
* 第一款第二项: a people's government → the people's government one level up (对下一级人民政府作出的
  行政行为不服的); a 乡（镇）人民政府 likewise → the county-level government;
* 第一款第三项: a 派出机关 of a government (街道办事处) → the government that set it up;
* 第一款第四项: an organisation authorised by law managed by the government or its departments
  (法律、法规、规章授权的组织) → that government (本级人民政府);
* 第四款: a 派出机构 of a department acting in its own name → the department's government (本级人民政府).
* Not from the tree: a province-level government decides on its own acts (第二十四条第二款), vertical
  systems (海关、金融、外汇管理、税务、国家安全: 第二十七条) go to the 上一级主管部门. Those, and any agency
  whose ancestors do not tell, have their body set by hand in the agency's letter settings.

Pure Python: no Django. Agency kinds are the values of ``gongkai.agencies.models.AgencyKind``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

__all__ = [
    "DEPARTMENT",
    "GOVERNMENT",
    "OTHER",
    "RECONSIDERATION_FIRST_FROM",
    "TOWNSHIP",
    "WITHHOLDING_GROUPS",
    "ReconsiderationBody",
    "reconsideration_body",
    "reconsideration_first",
]

#: 《中华人民共和国行政复议法》(2023年修订) 施行日 (第九十条).
RECONSIDERATION_FIRST_FROM = date(2024, 1, 1)

#: Outcome groups (:class:`gongkai.statute.outcomes.OutcomeGroup` values) whose decision withholds
#: information (不予公开, wholly or for a part): reconsideration first (第二十三条第一款第四项).
WITHHOLDING_GROUPS = frozenset({"denied", "partial"})

#: The agency kinds (values of ``AgencyKind``).
GOVERNMENT = "government"  # 人民政府
DEPARTMENT = "department"  # 政府部门
TOWNSHIP = "township"  # 乡镇街道
OTHER = "other"  # 其他 (授权组织 …)

_ARTICLE = "《中华人民共和国行政复议法》第二十四条"


def reconsideration_first(*, outcome_group: str, decided_on: date) -> bool:
    """Whether the applicant must apply for reconsideration before suing (复议前置) — for the withheld
    part of a decision of ``outcome_group`` made on ``decided_on``."""
    return outcome_group in WITHHOLDING_GROUPS and decided_on >= RECONSIDERATION_FIRST_FROM


@dataclass(frozen=True)
class ReconsiderationBody:
    """The 行政复议机关 named from the agency tree, and the provision that names it."""

    name: str
    basis: str


def reconsideration_body(kind: str, ancestors: Sequence[tuple[str, str]]) -> ReconsiderationBody | None:
    """The body that decides a reconsideration of a decision by an agency of ``kind``.

    ``ancestors`` are the agency's ancestors as ``(kind, name)``, the parent first. ``None`` when the tree
    does not tell (no parent government where the law needs one): the caller falls back to a generic
    phrase and warns the officer.
    """
    parent_kind, parent_name = ancestors[0] if ancestors else ("", "")
    if kind == GOVERNMENT:
        if parent_kind == GOVERNMENT:
            return ReconsiderationBody(parent_name, f"{_ARTICLE}第一款第二项")
        return None
    if kind == TOWNSHIP:
        if parent_kind == GOVERNMENT:
            return ReconsiderationBody(parent_name, f"{_ARTICLE}第一款第二项、第三项")
        return None
    if kind in (DEPARTMENT, OTHER):
        return _own_government(kind, ancestors)
    return None


def _own_government(kind: str, ancestors: Sequence[tuple[str, str]]) -> ReconsiderationBody | None:
    """The government a department (or an authorised organisation) works for: the nearest ancestor of kind
    government, through departments only (a department's 派出机构 or internal unit)."""
    for depth, (ancestor_kind, name) in enumerate(ancestors):
        if ancestor_kind == GOVERNMENT:
            if kind == OTHER:
                return ReconsiderationBody(name, f"{_ARTICLE}第一款第四项")
            if depth == 0:
                return ReconsiderationBody(name, f"{_ARTICLE}第一款第一项")
            return ReconsiderationBody(name, f"{_ARTICLE}第四款")
        if ancestor_kind not in (DEPARTMENT, OTHER):
            return None
    return None
