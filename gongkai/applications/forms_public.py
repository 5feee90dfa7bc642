"""Forms of the public side: the online application, the status lookup and the deadline calculator."""

from __future__ import annotations

import datetime
import re
import uuid
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongkai.agencies.models import Agency
from gongkai.applications.calculator import CHANNEL_CHOICES
from gongkai.applications.models import ApplicantType, Delivery, IdType, RequestedForm
from gongkai.applications.validators import validate_identity, validate_phone
from gongkai.core.forms import LengthCheckedForm
from gongkai.core.i18n import render_lazy
from gongkai.core.messages import N_, Message
from gongkai.statute.periods import CORRECTION_NOTICE_WORKING_DAYS, EXTENSION_WORKING_DAYS

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise

#: Optional consultation pauses on the calculator page (each a start/end pair).
PAUSE_PAIRS = 3
_SUBMISSION_KEY = re.compile(r"^[0-9a-f]{32}$")
_FULL_WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}


def new_submission_key() -> str:
    """A one-time key for one rendering of the application form (makes a double click harmless)."""
    return uuid.uuid4().hex


def normalize_code(value: str) -> str:
    """A tracking code or secret as typed: full-width, spaces, hyphens and lower case are tolerated."""
    return "".join(ch for ch in value.translate(_FULL_WIDTH).upper() if ch.isascii() and ch.isalnum())


def agency_choices() -> list[tuple[str, str]]:
    """Every agency as ``(pk, "示范县人民政府 › 示范县财政局")``, in tree order (parents first)."""
    children: dict[int | None, list[Agency]] = defaultdict(list)
    for agency in Agency.objects.only("id", "name", "parent_id").order_by("name", "id"):
        children[agency.parent_id].append(agency)
    choices: list[tuple[str, str]] = []
    # Depth first, without recursion: (agency, names of its ancestors).
    stack: list[tuple[Agency, tuple[str, ...]]] = [(a, ()) for a in reversed(children[None])]
    while stack:
        agency, trail = stack.pop()
        names = (*trail, agency.name)
        choices.append((str(agency.pk), " › ".join(names)))
        stack.extend((child, names) for child in reversed(children.get(agency.pk, [])))
    return choices


def _applicant_type_choices() -> list[tuple[Any, Any]]:
    organisations = [
        (ApplicantType.COMMERCIAL.value, ApplicantType.COMMERCIAL.label),
        (ApplicantType.RESEARCH.value, ApplicantType.RESEARCH.label),
        (ApplicantType.SOCIAL_WELFARE.value, ApplicantType.SOCIAL_WELFARE.label),
        (ApplicantType.LEGAL_SERVICE.value, ApplicantType.LEGAL_SERVICE.label),
        (ApplicantType.OTHER_ORG.value, gettext_lazy("其他")),
    ]
    return [
        ("", gettext_lazy("请选择")),
        (ApplicantType.NATURAL_PERSON.value, ApplicantType.NATURAL_PERSON.label),
        (gettext_lazy("法人或其他组织"), organisations),
    ]


class ApplyForm(LengthCheckedForm, forms.Form):
    """The online application (条例 第二十九条): who asks, what for, in which form."""

    agency = forms.ChoiceField(
        label=gettext_lazy("受理机关"),
        help_text=gettext_lazy("向制作或保存该信息的行政机关提出申请。"),
        error_messages={
            "required": gettext_lazy("请选择受理申请的行政机关。"),
            "invalid_choice": gettext_lazy("所选机关不存在，请重新选择。"),
        },
    )
    applicant_type = forms.ChoiceField(
        label=gettext_lazy("申请人类型"),
        choices=_applicant_type_choices,
        error_messages={"required": gettext_lazy("请选择申请人类型。")},
    )
    applicant_name = forms.CharField(
        label=gettext_lazy("姓名或名称"),
        max_length=200,
        help_text=gettext_lazy("自然人填写姓名；法人或其他组织填写全称。"),
        error_messages={"required": gettext_lazy("请填写申请人的姓名或名称。")},
    )
    id_type = forms.ChoiceField(
        label=gettext_lazy("身份证明类型"),
        choices=IdType.choices,
        initial=IdType.RESIDENT_ID,
    )
    id_number = forms.CharField(
        label=gettext_lazy("证件号码"),
        max_length=40,
        error_messages={"required": gettext_lazy("请填写证件号码。")},
    )
    contact_person = forms.CharField(
        label=gettext_lazy("联系人"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("法人或其他组织请填写经办人姓名。"),
    )
    phone = forms.CharField(
        label=gettext_lazy("联系电话"),
        max_length=40,
        help_text=gettext_lazy("手机号码，或带区号的固定电话。"),
        error_messages={"required": gettext_lazy("请填写联系电话。")},
    )
    email = forms.EmailField(
        label=gettext_lazy("电子邮箱"),
        required=False,
        error_messages={"invalid": gettext_lazy("电子邮箱格式不正确。")},
    )
    address = forms.CharField(label=gettext_lazy("通信地址"), max_length=300, required=False)
    postcode = forms.RegexField(
        label=gettext_lazy("邮政编码"),
        regex=r"^\d{6}$",
        max_length=6,
        required=False,
        error_messages={"invalid": gettext_lazy("邮政编码应为6位数字。")},
    )
    description = forms.CharField(
        label=gettext_lazy("所需政府信息的描述"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy(
            "请写明所需信息的名称、文号或者便于查询的其他特征性描述（条例第二十九条），"
            "例如“某县财政局2025年部门预算公开说明”。一份申请宜只申请一项信息。"
        ),
        error_messages={
            "required": gettext_lazy("请填写所需政府信息的名称、文号或便于查询的特征性描述。"),
        },
    )
    requested_form = forms.ChoiceField(
        label=gettext_lazy("获取信息的形式"),
        choices=RequestedForm.choices,
        initial=RequestedForm.ELECTRONIC,
    )
    delivery = forms.ChoiceField(
        label=gettext_lazy("获取信息的方式"),
        choices=Delivery.choices,
        initial=Delivery.ONLINE,
    )
    consent = forms.BooleanField(
        label=gettext_lazy("我已阅读并同意：本申请中填写的个人信息仅用于办理本次政府信息公开申请。"),
        error_messages={"required": gettext_lazy("请勾选同意个人信息的使用说明后再提交。")},
    )
    submission_key = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agency_field = self.fields["agency"]
        assert isinstance(agency_field, forms.ChoiceField)
        agency_field.choices = [("", _("请选择受理机关")), *agency_choices()]
        self.chosen_agency: Agency | None = None

    def clean_agency(self) -> str:
        value: str = self.cleaned_data["agency"]
        self.chosen_agency = Agency.objects.filter(pk=value).first()
        if self.chosen_agency is None:
            raise ValidationError(_("所选机关不存在，请重新选择。"), code="invalid_choice")
        return value

    def clean_phone(self) -> str:
        phone = validate_phone(self.cleaned_data["phone"])
        if phone is None:
            raise ValidationError(
                _("请填写正确的手机号码或带区号的固定电话，例如 13800138000 或 010-12345678。")
            )
        return phone

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        key = str(self.data.get("submission_key", ""))
        if not _SUBMISSION_KEY.match(key):
            self.add_error(None, _("表单已失效，请重新填写后提交。"))
        applicant_type, id_type = data.get("applicant_type"), data.get("id_type")
        if applicant_type and id_type and "id_number" in data:
            for field, message in validate_identity(applicant_type, id_type, data["id_number"]).items():
                if field in self.fields and field not in self.errors:
                    self.add_error(field, message)
        if (
            applicant_type
            and applicant_type != ApplicantType.NATURAL_PERSON
            and not data.get("contact_person")
        ):
            self.add_error("contact_person", _("法人或其他组织请填写联系人。"))
        delivery = data.get("delivery")
        if delivery == Delivery.EMAIL and not data.get("email") and "email" not in self.errors:
            self.add_error("email", _("选择以电子邮件获取信息的，请填写电子邮箱。"))
        if delivery == Delivery.POST and not data.get("address"):
            self.add_error("address", _("选择邮寄的，请填写通信地址。"))
        return data

    def with_fresh_key_if_invalid(self, *, always: bool = False) -> ApplyForm:
        """After an expired or forged key, the re-shown form carries a new one so it can be sent."""
        if self.is_bound and (always or not _SUBMISSION_KEY.match(str(self.data.get("submission_key", "")))):
            data = self.data.copy() if isinstance(self.data, QueryDict) else QueryDict(mutable=True)
            if not isinstance(self.data, QueryDict):
                data.update(self.data)
            data["submission_key"] = new_submission_key()
            self.data = data
        return self


class StatusLookupForm(LengthCheckedForm, forms.Form):
    code = forms.CharField(
        label=gettext_lazy("查询码"),
        max_length=40,
        help_text=gettext_lazy("申请回执上的查询码，例如 ABCD-EFGH-JKMN（不区分大小写，可省略连字符）。"),
        error_messages={"required": gettext_lazy("请填写查询码。")},
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )
    secret = forms.CharField(
        label=gettext_lazy("查询密码"),
        max_length=40,
        help_text=gettext_lazy("提交申请后显示的查询密码。"),
        error_messages={"required": gettext_lazy("请填写查询密码。")},
        widget=forms.PasswordInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def clean_code(self) -> str:
        return normalize_code(self.cleaned_data["code"])

    def clean_secret(self) -> str:
        return normalize_code(self.cleaned_data["secret"])


_DATE_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日"]


def _date_field(
    label: _StrOrPromise, help_text: _StrOrPromise = "", required: bool = False
) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        input_formats=_DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "invalid": gettext_lazy("日期格式不正确，请写成 年-月-日，例如 2026-02-10。"),
            "required": gettext_lazy("请填写日期。"),
        },
    )


class DeadlineForm(forms.Form):
    """The calculator's inputs, sent by GET so that a result can be bookmarked or shared."""

    received = _date_field(
        gettext_lazy("申请到达之日"),
        gettext_lazy("当面提交、邮件签收或网上提交之日。"),
        required=True,
    )
    channel = forms.ChoiceField(
        label=gettext_lazy("提交方式"),
        choices=CHANNEL_CHOICES,
        initial="in_person",
        required=False,  # a short link with only ?received=… means in person
        error_messages={"invalid_choice": gettext_lazy("请从列表中选择提交方式。")},
    )
    confirmed = _date_field(
        gettext_lazy("确认收到之日"),
        gettext_lazy(
            "平信邮寄、电子邮件、传真提交的，以与申请人确认收到之日为收到申请之日，必须填写；其他方式不填。"
        ),
    )
    correction_requested = _date_field(
        gettext_lazy("发出补正告知之日"),
        render_lazy(
            Message(
                N_("可不填；填写后会检查是否在%(days)s个工作日内告知。"),
                {"days": CORRECTION_NOTICE_WORKING_DAYS},
            )
        ),
    )
    correction_received = _date_field(
        gettext_lazy("收到补正之日"), gettext_lazy("告知补正的，答复期限自收到补正后申请之日重新计算。")
    )
    extended = forms.BooleanField(
        label=render_lazy(
            Message(
                N_("经工作机构负责人批准延期答复（延长%(days)s个工作日）"), {"days": EXTENSION_WORKING_DAYS}
            )
        ),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for number in range(1, PAUSE_PAIRS + 1):
            self.fields[f"pause{number}_start"] = _date_field(
                _("第%(number)d段暂停：开始日期") % {"number": number},
                _("发出征求意见书或收费通知之日。") if number == 1 else "",
            )
            self.fields[f"pause{number}_end"] = _date_field(
                _("第%(number)d段暂停：结束日期") % {"number": number},
                _("收到答复（或缴费）之日，或征求意见期限届满之日。") if number == 1 else "",
            )

    def clean_channel(self) -> str:
        return self.cleaned_data.get("channel") or "in_person"

    def pause_fields(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"pause{n}_start"], self[f"pause{n}_end"]) for n in range(1, PAUSE_PAIRS + 1)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for number in range(1, PAUSE_PAIRS + 1):
            start_name, end_name = f"pause{number}_start", f"pause{number}_end"
            if start_name in self.errors or end_name in self.errors:
                continue
            start, end = data.get(start_name), data.get(end_name)
            if start and not end:
                self.add_error(end_name, _("请填写这段暂停的结束日期。"))
            elif end and not start:
                self.add_error(start_name, _("请填写这段暂停的开始日期。"))
            elif start and end and end < start:
                self.add_error(end_name, _("结束日期不能早于开始日期。"))
        return data

    def pauses(self) -> list[tuple[datetime.date, datetime.date]]:
        pairs = []
        for number in range(1, PAUSE_PAIRS + 1):
            start = self.cleaned_data.get(f"pause{number}_start")
            end = self.cleaned_data.get(f"pause{number}_end")
            if start and end:
                pairs.append((start, end))
        return pairs
