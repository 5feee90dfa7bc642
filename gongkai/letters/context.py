"""What a letter may print: :class:`LetterContext`, plain values only (no model instances).

Every field is a template variable of the same name (``{{ applicant_name }}``); the letter templates
may also use ``remedy`` (:mod:`gongkai.letters.remedies`). Callers fill only what a kind needs: every
field has a default. :meth:`LetterContext.sample` gives a realistic filled example for previews.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongkai.letters.kinds import LetterKind
from gongkai.statute.outcomes import OutcomeGroup, get_outcome

#: The statute's full name, printed where an outcome's basis says only "条例".
REGULATION_TITLE = "《中华人民共和国政府信息公开条例》"

#: The answer-letter groups (outcome groups) a template may be written for; "" = any group.
OUTCOME_GROUPS: tuple[str, ...] = tuple(g.value for g in OutcomeGroup)

#: The outcome used for previews of each group's answer template.
SAMPLE_OUTCOME_BY_GROUP: dict[str, str] = {
    OutcomeGroup.GRANTED: "granted",
    OutcomeGroup.PARTIAL: "partially_granted",
    OutcomeGroup.DENIED: "denied_process_info",
    OutcomeGroup.UNABLE: "unable_not_held",
    OutcomeGroup.REJECTED: "rejected_duplicate",
    OutcomeGroup.OTHER: "other_no_correction",
}


def _label(text: Any) -> dict[str, Any]:
    return {"label": text}


@dataclass(frozen=True)
class LetterContext:
    """Everything a letter may print. Dates are ``datetime.date``; money is whole 元."""

    kind: str = field(default=LetterKind.ANSWER.value, metadata=_label(_("文书种类代码")))
    number: str = field(default="", metadata=_label(_("文书编号，如“某某依申请公开〔2026〕12号”")))
    issued_on: date = field(default_factory=timezone.localdate, metadata=_label(_("成文日期")))

    agency_name: str = field(default="", metadata=_label(_("机关名称（落款）")))
    office_name: str = field(default="", metadata=_label(_("信息公开工作机构名称")))
    office_address: str = field(default="", metadata=_label(_("办公地址")))
    office_phone: str = field(default="", metadata=_label(_("联系电话")))
    office_hours: str = field(default="", metadata=_label(_("办公时间")))
    office_postcode: str = field(default="", metadata=_label(_("邮政编码")))

    applicant_name: str = field(default="", metadata=_label(_("申请人姓名或者名称")))
    applicant_address: str = field(default="", metadata=_label(_("申请人地址")))
    case_reference: str = field(default="", metadata=_label(_("申请编号")))
    tracking_code: str = field(default="", metadata=_label(_("查询码（申请人查询办理进度用）")))
    arrived_on: date | None = field(default=None, metadata=_label(_("申请到达日期")))
    receipt_date: date | None = field(default=None, metadata=_label(_("收到申请之日（条例第三十一条）")))
    channel_label: str = field(default="", metadata=_label(_("申请渠道，如“当面提交”")))
    description: str = field(default="", metadata=_label(_("申请公开的政府信息（内容描述）")))
    requested_form_label: str = field(default="", metadata=_label(_("申请人要求的提供形式")))
    delivery_label: str = field(default="", metadata=_label(_("获取信息的方式")))

    due_date: date | None = field(default=None, metadata=_label(_("答复期限（到期日）")))
    original_due_date: date | None = field(default=None, metadata=_label(_("延期前的答复期限")))
    due_date_provisional: bool = field(
        default=False, metadata=_label(_("答复期限为暂定（当年放假安排尚未载入，按法定节假日推算）"))
    )

    correction_items: str = field(default="", metadata=_label(_("需要补正的事项")))
    correction_period_end: date | None = field(default=None, metadata=_label(_("补正期限截止日")))

    consultee_name: str = field(default="", metadata=_label(_("被征求意见的第三方或者共同制作机关")))
    consultation_subject: str = field(default="", metadata=_label(_("征求意见涉及的信息")))
    consultation_reply_due: date | None = field(default=None, metadata=_label(_("提出意见的截止日")))

    fee_method_label: str = field(default="", metadata=_label(_("收费方式（按件计收或者按量计收）")))
    fee_quantity: int | None = field(default=None, metadata=_label(_("计费件数或者页数")))
    fee_amount: int | None = field(default=None, metadata=_label(_("收费金额（元）")))
    fee_explanation: list[str] = field(default_factory=list, metadata=_label(_("收费计算过程（逐行）")))
    fee_payment_due: date | None = field(default=None, metadata=_label(_("缴费截止日")))
    fee_payment_instructions: str = field(default="", metadata=_label(_("缴费方式说明")))

    outcome_key: str = field(default="", metadata=_label(_("答复类型代码")))
    outcome_label: str = field(default="", metadata=_label(_("答复类型")))
    outcome_group: str = field(
        default="", metadata=_label(_("答复结果分组：granted、partial、denied、unable、rejected、other"))
    )
    outcome_basis: str = field(default="", metadata=_label(_("答复类型所依据的条款")))
    legal_basis: str = field(default="", metadata=_label(_("承办人填写的法律依据")))
    reasons: str = field(default="", metadata=_label(_("承办人填写的理由")))
    how_to_obtain: str = field(default="", metadata=_label(_("获取信息的方式和途径")))
    responsible_agency: str = field(
        default="", metadata=_label(_("负责公开该信息的机关名称和联系方式（第三十六条第五项）"))
    )
    reconsideration_body: str = field(default="", metadata=_label(_("行政复议机关，默认“上一级行政机关”")))
    court: str = field(default="", metadata=_label(_("管辖法院，默认“人民法院”")))

    @classmethod
    def sample(cls, kind: LetterKind | str, outcome_key: str | None = None) -> LetterContext:
        """A realistic filled example of ``kind`` (for an answer: of ``outcome_key``, default granted)."""
        kind = LetterKind(kind)
        base: dict[str, Any] = {
            "kind": kind.value,
            "number": "示范县人民政府办公室依申请公开〔2026〕12号",
            "issued_on": date(2026, 3, 20),
            "agency_name": "示范县人民政府办公室",
            "office_name": "示范县人民政府办公室政务公开科",
            "office_address": "示范县人民路1号县行政中心3楼",
            "office_phone": "0000-1234567",
            "office_hours": "工作日上午8:30—12:00，下午14:30—17:30",
            "office_postcode": "100000",
            "applicant_name": "张三",
            "applicant_address": "示范县幸福路8号",
            "case_reference": "2026-0012",
            "tracking_code": "K7QM-9XD4",
            "arrived_on": date(2026, 3, 2),
            "receipt_date": date(2026, 3, 2),
            "channel_label": "当面提交",
            "description": "2025年示范县老旧小区改造项目的立项批复文件",
            "requested_form_label": "纸质文本",
            "delivery_label": "邮寄",
            "due_date": date(2026, 3, 30),
            "reconsideration_body": "示范县人民政府",
        }
        if kind == LetterKind.RECEIPT:
            base["issued_on"] = date(2026, 3, 2)
        elif kind == LetterKind.CORRECTION:
            base |= {
                "issued_on": date(2026, 3, 5),
                "correction_items": (
                    "请写明所申请政府信息的名称、文号或者便于本机关查询的其他特征性描述，"
                    "例如文件形成的大致时间、制作机关和涉及的具体项目名称。"
                ),
                "correction_period_end": date(2026, 3, 20),
            }
        elif kind == LetterKind.EXTENSION:
            base |= {
                "issued_on": date(2026, 3, 25),
                "original_due_date": date(2026, 3, 30),
                "due_date": date(2026, 4, 28),
                "reasons": "所申请的信息数量较多，需要调取多个年度的档案",
            }
        elif kind == LetterKind.THIRD_PARTY:
            base |= {
                "issued_on": date(2026, 3, 6),
                "consultee_name": "示范县某某建筑工程有限公司",
                "consultation_subject": "该项目投标文件中的财务数据",
                "consultation_reply_due": date(2026, 3, 27),
            }
        elif kind == LetterKind.CO_PRODUCER:
            base |= {
                "issued_on": date(2026, 3, 6),
                "consultee_name": "示范县住房和城乡建设局",
                "consultation_subject": "示政办〔2025〕18号文件",
                "consultation_reply_due": date(2026, 3, 27),
            }
        elif kind == LetterKind.FEE:
            base |= {
                "issued_on": date(2026, 3, 10),
                "fee_method_label": "按量计收",
                "fee_quantity": 250,
                "fee_amount": 4700,
                "fee_explanation": [
                    "第1—30页：不收费；",
                    "第31—100页：70页×10元/页＝700元；",
                    "第101—200页：100页×20元/页＝2000元；",
                    "第201—250页：50页×40元/页＝2000元；",
                    "合计：4700元。",
                ],
                "fee_payment_due": date(2026, 4, 9),
                "fee_payment_instructions": (
                    "请持本通知书到示范县人民政府办公室政务公开科领取非税收入缴款书，"
                    "或者通过缴款书上的缴款码在线缴纳。"
                ),
            }
        else:
            key = outcome_key or "granted"
            base |= outcome_fields(key)
            base |= _sample_answer_details(key)
        return cls(**base)

    def replace(self, **changes: Any) -> LetterContext:
        return dataclasses.replace(self, **changes)


def expand_basis(basis: str) -> str:
    """``"条例第三十六条第一项"`` → ``"《中华人民共和国政府信息公开条例》第三十六条第一项"``."""
    if basis.startswith("条例"):
        return REGULATION_TITLE + basis.removeprefix("条例")
    return basis


def outcome_fields(outcome_key: str) -> dict[str, Any]:
    """The ``outcome_*`` fields of a context for the outcome ``outcome_key`` (raises if unknown)."""
    outcome = get_outcome(outcome_key)
    return {
        "outcome_key": outcome.key,
        "outcome_label": outcome.label,
        "outcome_group": outcome.group.value,
        "outcome_basis": expand_basis(outcome.basis),
    }


def variable_names() -> list[str]:
    """The names of the fields of :class:`LetterContext`, in declaration order."""
    return [f.name for f in dataclasses.fields(LetterContext)]


def variable_labels() -> list[tuple[str, Any]]:
    """``(name, label)`` for every field of :class:`LetterContext`."""
    return [(f.name, f.metadata.get("label", "")) for f in dataclasses.fields(LetterContext)]


def _sample_answer_details(outcome_key: str) -> dict[str, Any]:
    group = get_outcome(outcome_key).group
    details: dict[str, Any] = {}
    if group in (OutcomeGroup.GRANTED, OutcomeGroup.PARTIAL):
        details["how_to_obtain"] = (
            "本机关将该政府信息的纸质复制件随本答复书一并邮寄给您，请注意查收。"
            if outcome_key != "already_public"
            else "该信息已在示范县人民政府门户网站“政府信息公开”栏目主动公开，您可以登录该网站查阅、下载。"
        )
    if outcome_key == "partially_granted":
        details["reasons"] = (
            "所申请文件的附件中含有项目周边住户的姓名、身份证号码等个人信息，公开会损害其合法权益"
        )
        details["legal_basis"] = "《中华人民共和国政府信息公开条例》第十五条、第三十七条"
    elif group == OutcomeGroup.DENIED:
        details["reasons"] = "您申请公开的文件属于本机关内部讨论过程中形成的过程稿，不属于应当公开的政府信息"
        details["legal_basis"] = "《中华人民共和国政府信息公开条例》第十六条第二款"
    elif outcome_key == "unable_not_held":
        details["reasons"] = "本机关经检索文书档案和业务系统，未发现您申请公开的政府信息"
    elif outcome_key == "unable_not_responsible":
        details["reasons"] = "该信息由示范县自然资源局制作和保存"
        details["responsible_agency"] = "示范县自然资源局（地址：示范县建设路2号；电话：0000-7654321）"
    elif group == OutcomeGroup.REJECTED:
        details["reasons"] = "本机关已于2026年2月10日对您申请公开的相同政府信息作出答复"
    elif outcome_key == "other_no_correction":
        details["correction_period_end"] = date(2026, 3, 13)
    elif outcome_key == "other":
        details["reasons"] = "经与您电话沟通，您表示所需信息已通过其他途径获得"
    return details
