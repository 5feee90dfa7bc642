"""The shipped default letter texts: one per kind, and one per outcome group for answers.

The database holds only templates an administrator edited; everything else is printed from here
(:func:`gongkai.letters.lookup.effective_template`). Each text cites the article it rests on
(``docs/law.md`` §1.5, §1.6, §4, §5.3):

* receipt — 条例第三十一条 (receipt date), 第三十三条 (20 working days);
* correction — 第三十条 (one-time notice, correction period, deemed abandoned);
* extension — 第三十三条第二款 (+20 working days, approved by the head of the OGI office);
* consultations — 第三十二条 (third party; silence: the agency decides) and 第三十四条 (co-producer;
  silence: deemed consent), 15 working days;
* fee — 第四十二条 and 国办函〔2020〕109号 (method, amount, bands, 20 working days from the day after
  receipt of the notice, unpaid = deemed abandoned; docs/decisions.md D5 for the pause);
* answers — the outcome's article (``outcome_basis``), the officer's reasons and legal basis, and the
  remedy notice (``remedy``, :mod:`gongkai.letters.remedies`).

Body syntax (docs/letters.md): paragraphs are separated by blank lines; a line starting with "# " is
a centred heading, "< " a paragraph without first-line indent, "> " a right-aligned line. The
agency name and the date are printed at the bottom right by the renderer, not by the template.
"""

from __future__ import annotations

from dataclasses import dataclass

from gongkai.letters.kinds import LetterKind
from gongkai.statute.fees import PAYMENT_PERIOD_WORKING_DAYS
from gongkai.statute.outcomes import OutcomeGroup
from gongkai.statute.periods import (
    ANSWER_WORKING_DAYS,
    CONSULTATION_REPLY_WORKING_DAYS,
    EXTENSION_WORKING_DAYS,
)


@dataclass(frozen=True)
class DefaultTemplate:
    title: str
    body: str


def _d(name: str) -> str:
    """A date variable printed as 2026年3月2日."""
    return '{{ %s|date:"Y年n月j日" }}' % name  # noqa: UP031 - braces would need doubling in an f-string


def _body(*paragraphs: str) -> str:
    return "\n\n".join(paragraphs) + "\n"


_REGULATION = "《中华人民共和国政府信息公开条例》"

_TO_APPLICANT = "< {{ applicant_name }}："
_TO_CONSULTEE = "< {{ consultee_name }}："
_REFERENCE = "{% if case_reference %}（编号：{{ case_reference }}）{% endif %}"
_RECEIVED = (
    "本机关于" + _d("receipt_date") + "收到您提出的政府信息公开申请" + _REFERENCE + "，"
    "申请公开：“{{ description }}”。"
)
_CONTACT = (
    "{% if office_name or office_phone %}联系机构：{{ office_name|default:agency_name }}"
    "{% if office_address %}；地址：{{ office_address }}{% endif %}"
    "{% if office_postcode %}；邮政编码：{{ office_postcode }}{% endif %}"
    "{% if office_phone %}；联系电话：{{ office_phone }}{% endif %}"
    "{% if office_hours %}；办公时间：{{ office_hours }}{% endif %}。{% endif %}"
)
_SEND_OPINION_TO = (
    "请将书面意见送达或者邮寄至{{ office_name|default:agency_name }}"
    "{% if office_address %}（地址：{{ office_address }}"
    "{% if office_postcode %}，邮政编码：{{ office_postcode }}{% endif %}）{% endif %}"
    "{% if office_phone %}。联系电话：{{ office_phone }}{% endif %}。"
)
_REASONS = "{% if reasons %}理由：{{ reasons|sentence }}{% endif %}"
_LEGAL_BASIS = "{% if legal_basis %}法律依据：{{ legal_basis|sentence }}{% endif %}"
_REMEDY = "{{ remedy }}"
# A due date counted over a year whose holiday notice is not loaded yet (暂定, docs/decisions.md D17).
_PROVISIONAL_TEXT = "暂定：该期限按法定节假日推算，国务院公布当年放假安排后将重新计算"
_PROVISIONAL_SHORT = "{% if due_date_provisional %}，" + _PROVISIONAL_TEXT + "{% endif %}"
_PROVISIONAL = "{% if due_date_provisional %}（" + _PROVISIONAL_TEXT + "）{% endif %}"


RECEIPT = DefaultTemplate(
    LetterKind.RECEIPT.label,
    _body(
        _TO_APPLICANT,
        "{% if arrived_on %}本机关于" + _d("arrived_on") + "收到您"
        "{% if channel_label %}以{{ channel_label }}方式{% endif %}提出的政府信息公开申请"
        "{% else %}本机关已收到您提出的政府信息公开申请{% endif %}，"
        "申请公开的政府信息为：“{{ description }}”"
        "{% if requested_form_label %}，要求的提供形式为{{ requested_form_label }}{% endif %}"
        "{% if delivery_label %}，获取方式为{{ delivery_label }}{% endif %}。",
        "根据" + _REGULATION + "第三十一条的规定，本机关收到您的申请之日为" + _d("receipt_date") + "。"
        f"本机关将依照该条例第三十三条的规定，自收到申请之日起{ANSWER_WORKING_DAYS}个工作日内予以答复"
        "{% if due_date %}（答复期限至" + _d("due_date") + _PROVISIONAL_SHORT + "）{% endif %}；"
        "需要延长答复期限的，将另行书面告知。征求第三方和其他机关意见所需时间不计算在答复期限内；"
        "申请内容不明确需要补正的，答复期限自本机关收到补正后的申请之日起计算。",
        "{% if case_reference %}本申请的编号为{{ case_reference }}"
        "{% if tracking_code %}，查询码为{{ tracking_code }}{% endif %}，查询办理情况时请提供。{% endif %}",
        _CONTACT,
    ),
)

CORRECTION = DefaultTemplate(
    LetterKind.CORRECTION.label,
    _body(
        _TO_APPLICANT,
        _RECEIVED + "经审查，您的申请内容不明确，本机关无法确定您所申请公开的政府信息。"
        "根据" + _REGULATION + "第三十条的规定，现一次性告知您需要补正的事项如下：",
        "{{ correction_items }}",
        "请您{% if correction_period_end %}在" + _d("correction_period_end") + "前（含当日）"
        "{% else %}在收到本告知书后合理期限内{% endif %}按照上述要求补正，并将补正后的申请提交本机关"
        "{% if office_address %}（地址：{{ office_address }}）{% endif %}。"
        "答复期限自本机关收到补正后的申请之日起计算。您无正当理由逾期不补正的，视为放弃申请，"
        "本机关将不再处理该政府信息公开申请。",
        _CONTACT,
    ),
)

EXTENSION = DefaultTemplate(
    LetterKind.EXTENSION.label,
    _body(
        _TO_APPLICANT,
        _RECEIVED + "{% if reasons %}因{{ reasons }}，{% endif %}本机关不能在"
        "{% if original_due_date %}原答复期限（"
        + _d("original_due_date")
        + "）{% else %}法定答复期限{% endif %}"
        "内作出答复。",
        "根据" + _REGULATION + "第三十三条第二款的规定，经本机关政府信息公开工作机构负责人同意，"
        f"答复期限延长{EXTENSION_WORKING_DAYS}个工作日"
        "{% if due_date %}，本机关将在"
        + _d("due_date")
        + "前（含当日）作出答复"
        + _PROVISIONAL
        + "{% endif %}。",
        "特此告知。",
        _CONTACT,
    ),
)

_REPLY_DUE = "{% if consultation_reply_due %}（截止日为" + _d("consultation_reply_due") + "）{% endif %}"

THIRD_PARTY = DefaultTemplate(
    LetterKind.THIRD_PARTY.label,
    _body(
        _TO_CONSULTEE,
        "本机关于" + _d("receipt_date") + "收到政府信息公开申请，申请公开：“{{ description }}”。"
        "经审查，本机关认为{% if consultation_subject %}其中的{{ consultation_subject }}"
        "{% else %}该政府信息{% endif %}公开后可能损害您（单位）的合法权益。"
        "根据" + _REGULATION + "第三十二条的规定，现书面征求您（单位）的意见。",
        f"请您（单位）自收到本征求意见书之日起{CONSULTATION_REPLY_WORKING_DAYS}个工作日内"
        + _REPLY_DUE
        + "提出书面意见："
        "同意公开的，请书面确认；不同意公开的，请书面说明理由。逾期未提出意见的，"
        "由本机关依照" + _REGULATION + "的规定决定是否公开。",
        "您（单位）不同意公开且有合理理由的，本机关不予公开。但本机关认为不公开可能对公共利益造成重大影响的，"
        "可以决定予以公开，并将决定公开的政府信息内容和理由书面告知您（单位）。",
        _SEND_OPINION_TO,
    ),
)

CO_PRODUCER = DefaultTemplate(
    LetterKind.CO_PRODUCER.label,
    _body(
        _TO_CONSULTEE,
        "本机关于" + _d("receipt_date") + "收到政府信息公开申请，申请公开：“{{ description }}”。"
        "{% if consultation_subject %}所申请的{{ consultation_subject }}{% else %}该政府信息{% endif %}"
        "由本机关与贵单位共同制作，本机关为牵头制作机关。根据" + _REGULATION + "第三十四条的规定，"
        "现征求贵单位对公开该政府信息的意见。",
        f"请贵单位自收到本征求意见书之日起{CONSULTATION_REPLY_WORKING_DAYS}个工作日内"
        + _REPLY_DUE
        + "提出书面意见；"
        "不同意公开的，请说明理由和依据。逾期未提出意见的，视为同意公开。",
        _SEND_OPINION_TO,
    ),
)

FEE = DefaultTemplate(
    LetterKind.FEE.label,
    _body(
        _TO_APPLICANT,
        _RECEIVED
        + "经审查，您申请公开政府信息的数量、频次明显超过合理范围。根据"
        + _REGULATION
        + "第四十二条"
        "和《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）的规定，本机关决定对该申请收取信息处理费。",
        "收费方式：{{ fee_method_label }}（超额累进）"
        "{% if fee_quantity %}；计费数量：{{ fee_quantity }}"
        '{% if fee_method_label == "按件计收" %}件{% else %}页{% endif %}{% endif %}；'
        "收费金额：人民币{{ fee_amount }}元。计算如下：",
        "{{ fee_explanation }}",
        '{% if fee_method_label == "按件计收" %}收费标准：按件计收的，同一申请人一个自然月内累计申请10件以下'
        "（含10件）的不收费；11—30件（含30件）的部分，每件100元；31—40件（含40件）的部分，每件200元；"
        "41—50件（含50件）的部分，每件300元；以此类推，每增加10件，每件收费标准提高100元。"
        '{% elif fee_method_label == "按量计收" %}收费标准：按量计收的，同一政府信息公开申请中，30页以下'
        "（含30页）的不收费；31—100页（含100页）的部分，每页10元；101—200页（含200页）的部分，每页20元；"
        "201页以上的部分，每页40元。{% endif %}",
        f"请您自收到本通知书之日的次日起{PAYMENT_PERIOD_WORKING_DAYS}个工作日内"
        "{% if fee_payment_due %}（截止日为" + _d("fee_payment_due") + "）{% endif %}缴纳信息处理费。"
        "{{ fee_payment_instructions }}逾期未缴纳的，视为放弃申请，本机关将不再处理该政府信息公开申请。"
        "自本通知书发出之日至您缴纳费用之日的期间，不计算在答复期限内。",
        _REMEDY,
        _CONTACT,
    ),
)

_ANSWER_TITLE = LetterKind.ANSWER.label
_ANSWER_OPENING = _RECEIVED + "经审查，现答复如下："


def _answer(*decision: str, remedy: str = _REMEDY) -> DefaultTemplate:
    return DefaultTemplate(_ANSWER_TITLE, _body(_TO_APPLICANT, _ANSWER_OPENING, *decision, remedy, _CONTACT))


ANSWER_GRANTED = _answer(
    '{% if outcome_key == "already_public" %}您申请公开的政府信息已经主动公开。'
    "根据{{ outcome_basis }}的规定，"
    "现告知您获取该政府信息的方式和途径：{{ how_to_obtain }}"
    "{% else %}您申请公开的政府信息属于可以公开的政府信息。根据"
    '{{ outcome_basis|default:"《中华人民共和国政府信息公开条例》第三十六条第二项" }}的规定，'
    "本机关决定予以公开。{{ how_to_obtain }}{% endif %}",
    "{{ reasons|sentence }}",
)

ANSWER_PARTIAL = _answer(
    "您申请公开的政府信息中含有不应当公开或者不属于政府信息的内容，但能够作区分处理。根据"
    '{{ outcome_basis|default:"《中华人民共和国政府信息公开条例》第三十七条" }}的规定，'
    "本机关向您提供可以公开的部分。{{ how_to_obtain }}",
    "{% if reasons %}对其余部分不予公开的理由：{{ reasons|sentence }}{% endif %}",
    _LEGAL_BASIS,
)

ANSWER_DENIED = _answer(
    '{% if outcome_key == "denied_query_matters" %}您申请获取的信息属于工商、不动产登记资料等有关法律、'
    "行政法规对信息的获取有特别规定的情形。根据{{ outcome_basis }}的规定，"
    "请您依照有关法律、行政法规的规定办理。"
    "{{ how_to_obtain }}"
    "{% else %}您申请公开的政府信息属于不予公开的范围。根据"
    "{% if outcome_basis %}{{ outcome_basis }}、第三十六条第三项"
    "{% else %}《中华人民共和国政府信息公开条例》第三十六条第三项{% endif %}的规定，"
    "本机关决定不予公开。{% endif %}",
    "{% if reasons %}不予公开的理由：{{ reasons|sentence }}{% endif %}",
    _LEGAL_BASIS,
)

ANSWER_UNABLE = _answer(
    '{% if outcome_key == "unable_not_responsible" %}您申请公开的政府信息不属于本机关负责公开的范围。'
    "根据{{ outcome_basis }}的规定，{% if responsible_agency %}告知您负责公开该政府信息的机关及其联系方式："
    "{{ responsible_agency|sentence }}您可以向该机关提出申请。"
    "{% else %}特此告知。本机关无法确定负责公开该政府信息的机关。{% endif %}"
    '{% elif outcome_key == "unable_needs_creation" %}您申请获取的信息需要本机关对现有政府信息进行加工、'
    "分析后方能形成，本机关没有现成的政府信息。根据{{ outcome_basis }}的规定，本机关不予提供。"
    '{% elif outcome_key == "unable_unclear" %}本机关已依法一次性告知您补正申请内容，'
    "但您补正后的申请内容仍不明确，"
    "本机关无法确定您所申请公开的政府信息。根据{{ outcome_basis }}的规定，本机关无法向您提供。"
    "{% else %}经检索，本机关没有您申请公开的政府信息。根据"
    '{{ outcome_basis|default:"《中华人民共和国政府信息公开条例》第三十六条第四项" }}的规定，'
    "告知您该政府信息不存在。{% endif %}",
    _REASONS,
    _LEGAL_BASIS,
)

ANSWER_REJECTED = _answer(
    '{% if outcome_key == "rejected_petition" %}您提出的申请实际上是信访、投诉、举报等诉求。'
    "根据{{ outcome_basis }}的规定，本机关不作为政府信息公开申请处理。"
    "{% if how_to_obtain %}{{ how_to_obtain }}{% else %}您可以通过信访、投诉、举报等相应渠道提出。{% endif %}"
    '{% elif outcome_key == "rejected_duplicate" %}本机关已就您申请公开的相同政府信息作出答复，'
    "您的本次申请属于重复申请。根据{{ outcome_basis }}的规定，本机关不予重复处理。"
    '{% elif outcome_key == "rejected_publication" %}您要求提供的是政府公报、报刊、书籍等公开出版物。'
    "根据{{ outcome_basis }}的规定，告知您获取的途径："
    '{{ how_to_obtain|default:"可以通过公开发行渠道或者公共图书馆等途径获取。" }}'
    '{% elif outcome_key == "rejected_excessive" %}您申请公开政府信息的数量、频次明显超过合理范围，'
    "本机关已要求您说明理由，经审查，您说明的理由不合理。根据{{ outcome_basis }}的规定，本机关不予处理。"
    '{% elif outcome_key == "rejected_confirmation" %}您要求本机关确认或者重新出具您已获取的信息，'
    "该要求不属于申请获取政府信息。根据{{ outcome_basis }}的规定，本机关不予处理。"
    "{% else %}根据{{ outcome_basis }}的规定，本机关对您的申请不予处理。{% endif %}",
    _REASONS,
    _LEGAL_BASIS,
)

ANSWER_OTHER = _answer(
    '{% if outcome_key == "other_no_correction" %}本机关已依法一次性告知您补正申请内容'
    "{% if correction_period_end %}，补正期限至" + _d("correction_period_end") + "{% endif %}。"
    "您无正当理由逾期未补正，根据{{ outcome_basis }}的规定，视为您放弃申请，"
    "本机关不再处理该政府信息公开申请。"
    '{% elif outcome_key == "other_no_fee" %}本机关已向您发出收费通知'
    "{% if fee_payment_due %}，缴费期限至" + _d("fee_payment_due") + "{% endif %}。"
    "您逾期未缴纳信息处理费，根据{{ outcome_basis }}的规定，视为您放弃申请，"
    "本机关不再处理该政府信息公开申请。"
    '{% elif outcome_key == "withdrawn" %}您已撤回该政府信息公开申请，本机关终止办理。'
    "{% else %}本机关对您的申请作出如下处理：{{ outcome_label|sentence }}{% endif %}",
    _REASONS,
    _LEGAL_BASIS,
    remedy='{% if outcome_key != "withdrawn" %}{{ remedy }}{% endif %}',
)

#: The answer for any group (used when no group is given, or as a base an administrator may edit).
ANSWER_ANY = _answer(
    "本机关对您的申请作出如下处理：{{ outcome_label|sentence }}"
    "{% if outcome_basis %}依据：{{ outcome_basis|sentence }}{% endif %}",
    "{{ how_to_obtain }}",
    "{% if responsible_agency %}负责公开该政府信息的机关：{{ responsible_agency|sentence }}{% endif %}",
    _REASONS,
    _LEGAL_BASIS,
)

#: (kind, outcome group) → shipped default; outcome group "" for every kind but answers per group.
DEFAULTS: dict[tuple[str, str], DefaultTemplate] = {
    (LetterKind.RECEIPT, ""): RECEIPT,
    (LetterKind.CORRECTION, ""): CORRECTION,
    (LetterKind.EXTENSION, ""): EXTENSION,
    (LetterKind.THIRD_PARTY, ""): THIRD_PARTY,
    (LetterKind.CO_PRODUCER, ""): CO_PRODUCER,
    (LetterKind.FEE, ""): FEE,
    (LetterKind.ANSWER, ""): ANSWER_ANY,
    (LetterKind.ANSWER, OutcomeGroup.GRANTED): ANSWER_GRANTED,
    (LetterKind.ANSWER, OutcomeGroup.PARTIAL): ANSWER_PARTIAL,
    (LetterKind.ANSWER, OutcomeGroup.DENIED): ANSWER_DENIED,
    (LetterKind.ANSWER, OutcomeGroup.UNABLE): ANSWER_UNABLE,
    (LetterKind.ANSWER, OutcomeGroup.REJECTED): ANSWER_REJECTED,
    (LetterKind.ANSWER, OutcomeGroup.OTHER): ANSWER_OTHER,
}


def default_template(kind: str, outcome_group: str = "") -> DefaultTemplate:
    """The shipped default for ``kind`` (and, for answers, ``outcome_group``; falls back to any group)."""
    group = outcome_group if kind == LetterKind.ANSWER else ""
    return DEFAULTS.get((kind, group)) or DEFAULTS[(kind, "")]
