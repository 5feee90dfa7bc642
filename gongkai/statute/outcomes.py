"""The statutory outcomes of an application (答复类型) and the table-三 row each one counts in.

Every answered case ends in exactly one outcome (条例 第三十六—三十九条, 第三十条, 国办函〔2020〕109号),
and the outcome decides the one row of table 三 of the annual report it is counted in
(``docs/law.md`` §2.8; ``docs/decisions.md`` D7). For report years in the 2019 format
(60号: 2019–2020) the three 2021 sub-rows of （六）其他处理 collapse into its single row ``other``.

Pure Python: no Django, no I/O. Row keys are those of :mod:`gongkai.reports.model`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from gongkai.core.messages import N_
from gongkai.reports.model import SECTION3_ROWS, format_for_year


class OutcomeGroup(StrEnum):
    """The result groups of table 三 (三、本年度办理结果 （一）—（六）)."""

    GRANTED = "granted"  # （一）予以公开
    PARTIAL = "partial"  # （二）部分公开
    DENIED = "denied"  # （三）不予公开
    UNABLE = "unable"  # （四）无法提供
    REJECTED = "rejected"  # （五）不予处理
    OTHER = "other"  # （六）其他处理


GROUP_LABELS: dict[OutcomeGroup, str] = {
    OutcomeGroup.GRANTED: N_("予以公开"),
    OutcomeGroup.PARTIAL: N_("部分公开"),
    OutcomeGroup.DENIED: N_("不予公开"),
    OutcomeGroup.UNABLE: N_("无法提供"),
    OutcomeGroup.REJECTED: N_("不予处理"),
    OutcomeGroup.OTHER: N_("其他处理"),
}

#: Groups whose answer must give the legal basis and reasons (条例 第三十六条（三）（五）, 第三十七条,
#: 第三十八条, 第三十九条, 第三十五条): a refusal of any kind is explained.
_GROUPS_NEEDING_REASONS = frozenset(
    {OutcomeGroup.PARTIAL, OutcomeGroup.DENIED, OutcomeGroup.UNABLE, OutcomeGroup.REJECTED}
)


@dataclass(frozen=True)
class Outcome:
    key: str
    label: str  # how the answer is described to the applicant and in lists (an N_ message id: render it)
    group: OutcomeGroup
    basis: str  # the provision it rests on, as cited in the answer letter
    row_2021: str  # table 三 row key in the 2021 format
    #: Whether the officer must write the reasons (and, for refusals, the legal basis) when answering.
    requires_reasons: bool
    #: Ended by the applicant's default or choice rather than by a decision on the information.
    ends_without_decision: bool = False

    @property
    def group_label(self) -> str:
        return GROUP_LABELS[self.group]

    def row_key(self, year: int) -> str:
        """The table-三 row this outcome counts in for a report on ``year`` (D7)."""
        return row_for(self.key, year)


def _o(
    key: str, label: str, group: OutcomeGroup, basis: str, row: str, *, ends_without_decision: bool = False
) -> Outcome:
    return Outcome(
        key=key,
        label=label,
        group=group,
        basis=basis,
        row_2021=row,
        requires_reasons=group in _GROUPS_NEEDING_REASONS or key == "other",
        ends_without_decision=ends_without_decision,
    )


_G = OutcomeGroup
OUTCOMES: tuple[Outcome, ...] = (
    _o("already_public", N_("已主动公开，告知获取方式和途径"), _G.GRANTED, "条例第三十六条第一项", "granted"),
    _o("granted", N_("予以公开"), _G.GRANTED, "条例第三十六条第二项", "granted"),
    _o("partially_granted", N_("部分公开（区分处理）"), _G.PARTIAL, "条例第三十七条", "partially_granted"),
    _o("denied_state_secret", N_("不予公开：属于国家秘密"), _G.DENIED, "条例第十四条", "denied_state_secret"),
    _o(
        "denied_prohibited_by_law",
        N_("不予公开：其他法律、行政法规禁止公开"),
        _G.DENIED,
        "条例第十四条",
        "denied_prohibited_by_law",
    ),
    _o(
        "denied_three_safeties",
        N_("不予公开：公开后可能危及国家安全、公共安全、经济安全、社会稳定"),
        _G.DENIED,
        "条例第十四条",
        "denied_three_safeties",
    ),
    _o(
        "denied_third_party",
        N_("不予公开：涉及商业秘密、个人隐私等，公开会对第三方合法权益造成损害"),
        _G.DENIED,
        "条例第十五条",
        "denied_third_party",
    ),
    _o(
        "denied_internal_affairs",
        N_("不予公开：属于人事管理、后勤管理、内部工作流程等内部事务信息"),
        _G.DENIED,
        "条例第十六条第一款",
        "denied_internal_affairs",
    ),
    _o(
        "denied_process_info",
        N_("不予公开：属于讨论记录、过程稿、磋商信函、请示报告等过程性信息"),
        _G.DENIED,
        "条例第十六条第二款",
        "denied_process_info",
    ),
    _o(
        "denied_enforcement_files",
        N_("不予公开：属于行政执法案卷信息"),
        _G.DENIED,
        "条例第十六条第二款",
        "denied_enforcement_files",
    ),
    _o(
        "denied_query_matters",
        N_("告知依照工商、不动产登记资料等有关法律、行政法规的规定办理（行政查询事项）"),
        _G.DENIED,
        "条例第三十六条第七项",
        "denied_query_matters",
    ),
    _o(
        "unable_not_held",
        N_("无法提供：经检索没有所申请公开的信息"),
        _G.UNABLE,
        "条例第三十六条第四项",
        "unable_not_held",
    ),
    _o(
        "unable_not_responsible",
        N_("无法提供：不属于本机关负责公开（告知负责公开的机关及其联系方式）"),
        _G.UNABLE,
        "条例第三十六条第五项",
        "unable_not_held",
    ),
    _o(
        "unable_needs_creation",
        N_("无法提供：需要另行制作、加工、分析"),
        _G.UNABLE,
        "条例第三十八条",
        "unable_needs_creation",
    ),
    _o("unable_unclear", N_("无法提供：补正后申请内容仍不明确"), _G.UNABLE, "条例第三十条", "unable_unclear"),
    _o(
        "rejected_petition",
        N_("不予处理：属于信访、投诉、举报等诉求"),
        _G.REJECTED,
        "条例第三十九条第一款",
        "rejected_petition",
    ),
    _o(
        "rejected_duplicate",
        N_("不予处理：重复申请公开相同政府信息"),
        _G.REJECTED,
        "条例第三十六条第六项",
        "rejected_duplicate",
    ),
    _o(
        "rejected_publication",
        N_("不予处理：要求提供政府公报、报刊、书籍等公开出版物"),
        _G.REJECTED,
        "条例第三十九条第二款",
        "rejected_publication",
    ),
    _o(
        "rejected_excessive",
        N_("不予处理：申请数量、频次明显超过合理范围且说明的理由不合理"),
        _G.REJECTED,
        "条例第三十五条",
        "rejected_excessive",
    ),
    _o(
        "rejected_confirmation",
        N_("不予处理：要求行政机关确认或重新出具已获取的信息"),
        _G.REJECTED,
        "条例第二条、第三十六条",
        "rejected_confirmation",
    ),
    _o(
        "other_no_correction",
        N_("申请人无正当理由逾期不补正，视为放弃申请，不再处理"),
        _G.OTHER,
        "条例第三十条",
        "other_no_correction",
        ends_without_decision=True,
    ),
    _o(
        "other_no_fee",
        N_("申请人逾期未按收费通知缴纳信息处理费，视为放弃申请，不再处理"),
        _G.OTHER,
        "《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）",
        "other_no_fee",
        ends_without_decision=True,
    ),
    _o(
        "withdrawn",
        N_("申请人撤回申请"),
        _G.OTHER,
        "申请人主动撤回",
        "other_other",
        ends_without_decision=True,
    ),
    _o("other", N_("其他处理"), _G.OTHER, "", "other_other"),
)

OUTCOME_BY_KEY: dict[str, Outcome] = {o.key: o for o in OUTCOMES}
OUTCOME_KEYS: tuple[str, ...] = tuple(OUTCOME_BY_KEY)

#: Outcomes an officer may choose when answering (withdrawal and the two lapses have their own steps).
ANSWER_OUTCOME_KEYS: tuple[str, ...] = tuple(
    o.key for o in OUTCOMES if o.key not in {"withdrawn", "other_no_correction", "other_no_fee"}
)

#: The 2021 sub-rows of （六）其他处理, counted in the single row ``other`` in the 2019 format.
_OTHER_ROWS_2021 = frozenset({"other_no_correction", "other_no_fee", "other_other"})


class UnknownOutcome(KeyError):
    pass


def get_outcome(key: str) -> Outcome:
    try:
        return OUTCOME_BY_KEY[key]
    except KeyError:
        raise UnknownOutcome(key) from None


def row_for(outcome_key: str, year: int) -> str:
    """The table-三 row key an outcome counts in, for a case answered in ``year`` (D7)."""
    outcome = get_outcome(outcome_key)
    version = format_for_year(year)
    if version is None:
        raise ValueError(f"{year}年的年度报告没有统一表格格式（2019年起适用），无法归入表三的行。")
    row = outcome.row_2021
    if version == "2019" and row in _OTHER_ROWS_2021:
        row = "other"
    if row not in {r.key for r in SECTION3_ROWS[version]}:  # pragma: no cover - guarded by tests
        raise AssertionError(f"outcome {outcome_key} maps to unknown row {row} in format {version}")
    return row


def choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Grouped (group label, [(key, label)]) for a form's select, in statutory order."""
    grouped: dict[OutcomeGroup, list[tuple[str, str]]] = {}
    for outcome in OUTCOMES:
        if outcome.key in ANSWER_OUTCOME_KEYS:
            grouped.setdefault(outcome.group, []).append((outcome.key, outcome.label))
    return [(GROUP_LABELS[group], items) for group, items in grouped.items()]
