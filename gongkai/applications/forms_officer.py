"""Forms of the officer workspace (案件办理): the queue's filters and registration, and the base of
every form whose data goes to a service. The forms of the steps of a case are in
:mod:`gongkai.applications.forms_steps`.

The forms only check what a form can check (required fields, formats, dates); the rules of the
case live in :mod:`gongkai.applications.services`, whose ``CaseError`` / ``ValidationError`` is put
back on the form by :meth:`ServiceForm.add_service_error` (next to the field it is about).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongkai.agencies.models import Agency
from gongkai.applications.clock import CHANNEL_LABELS, DUE_SOON_WORKING_DAYS, Channel
from gongkai.applications.models import (
    ApplicantType,
    Delivery,
    IdType,
    RequestedForm,
)
from gongkai.applications.selectors import (
    STATE_ALL,
    STATE_CLOSED,
    STATE_DUE_SOON,
    STATE_OPEN,
    STATE_OVERDUE,
    STATE_WAITING,
)
from gongkai.applications.validators import validate_phone
from gongkai.core.forms import LengthCheckedForm
from gongkai.core.i18n import render_lazy
from gongkai.core.messages import N_, Message
from gongkai.core.widgets import FastSelect, FastTextInput


def date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def local_today() -> datetime.date:
    return timezone.localdate()


def date_field(label: str | Any, *, required: bool = True, help_text: str | Any = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        initial=local_today if required else None,
        widget=date_widget(),
        help_text=help_text,
    )


class ServiceForm(LengthCheckedForm, forms.Form):
    """A form whose data goes to a service: the service's ``ValidationError`` is shown on the form,
    field errors next to their fields, the rest on top."""

    #: ``CaseError`` codes of the service → the form field the error is about.
    code_fields: ClassVar[Mapping[str, str]] = {}
    #: Model field names the service may name → form field names, where they differ.
    field_aliases: ClassVar[Mapping[str, str]] = {}

    def add_service_error(self, exc: ValidationError) -> None:
        if hasattr(exc, "error_dict"):
            for name, errors in exc.error_dict.items():
                alias = self.field_aliases.get(name, name)
                messages = [m for e in errors for m in e.messages]
                self.add_error(alias if alias in self.fields else None, messages)
            return
        for error in exc.error_list:
            field = self.code_fields.get(error.code or "", "")
            self.add_error(field if field in self.fields else None, error.messages)


# ---------------------------------------------------------------------------------------------
# The queue's filters
# ---------------------------------------------------------------------------------------------

STATE_CHOICES = [
    (STATE_OPEN, _("全部办理中")),
    (
        STATE_DUE_SOON,
        render_lazy(Message(N_("即将到期（%(days)s个工作日内）"), {"days": DUE_SOON_WORKING_DAYS})),
    ),
    (STATE_OVERDUE, _("已逾期")),
    (STATE_WAITING, _("等待申请人（确认、补正、缴费）")),
    (STATE_CLOSED, _("已办结")),
    (STATE_ALL, _("全部")),
]


class QueueFilterForm(LengthCheckedForm, forms.Form):
    """GET filters of the queue; every value is optional and the URL can be bookmarked."""

    # Drawn on every request of the queue: Django's markup made in Python (gongkai.core.widgets).
    state = forms.ChoiceField(label=_("状态"), choices=STATE_CHOICES, required=False, widget=FastSelect)
    # The visible agencies are given as (id, name) — read with the user's seats — not as a queryset the
    # field would read again to show them.
    agency = forms.TypedChoiceField(
        label=_("机关"), coerce=int, empty_value=None, required=False, widget=FastSelect
    )
    applicant_type = forms.ChoiceField(
        label=_("申请人类型"),
        choices=[("", _("全部"))] + list(ApplicantType.choices),
        required=False,
        widget=FastSelect,
    )
    channel = forms.ChoiceField(
        label=_("提交方式"),
        choices=[("", _("全部"))] + [(c.value, render_lazy(CHANNEL_LABELS[c])) for c in Channel],
        required=False,
        widget=FastSelect,
    )
    year = forms.TypedChoiceField(
        label=_("收到年度"), coerce=int, empty_value=None, required=False, widget=FastSelect
    )
    q = forms.CharField(
        label=_("搜索"),
        max_length=100,
        required=False,
        help_text=_("登记编号、查询码、申请人姓名或名称、所需信息"),
        widget=FastTextInput,
    )

    def __init__(self, *args: Any, agencies: Iterable[Agency], years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agency_field = self.fields["agency"]
        assert isinstance(agency_field, forms.TypedChoiceField)
        agency_field.choices = [("", _("全部机关"))] + [(agency.pk, agency.name) for agency in agencies]
        year_field = self.fields["year"]
        assert isinstance(year_field, forms.TypedChoiceField)
        year_field.choices = [("", _("全部年度"))] + [(y, str(y)) for y in years]

    def value(self, name: str) -> Any:
        """The cleaned value of ``name``, or its empty value when the form or that field is invalid."""
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        return self.cleaned_data.get(name) if name not in self.errors else None


# ---------------------------------------------------------------------------------------------
# Registration
# ---------------------------------------------------------------------------------------------

#: Channels an officer registers (online applications come in through the public form).
REGISTER_CHANNELS = [(c.value, render_lazy(CHANNEL_LABELS[c])) for c in Channel if c != Channel.ONLINE]


class RegisterForm(ServiceForm):
    """An application received at the counter, by post, fax or e-mail (services.register)."""

    code_fields = {
        "future_arrival": "arrived_on",
        "online_channel": "channel",
        "confirmed_before_arrival": "confirmed_on",
        "needless_confirmation": "confirmed_on",
    }
    field_aliases = {"arrived_at": "arrived_on", "name": "applicant_name"}

    agency = forms.ModelChoiceField(label=_("受理机关"), queryset=Agency.objects.none(), empty_label=None)
    applicant_type = forms.ChoiceField(label=_("申请人类型"), choices=ApplicantType.choices)
    applicant_name = forms.CharField(label=_("申请人姓名或名称"), max_length=200)
    id_type = forms.ChoiceField(label=_("身份证明类型"), choices=IdType.choices)
    id_number = forms.CharField(
        label=_("证件号码"),
        max_length=40,
        help_text=_("居民身份证号码和统一社会信用代码会核对校验位。"),
    )
    contact_person = forms.CharField(label=_("联系人"), max_length=100, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=40, required=False)
    email = forms.EmailField(label=_("电子邮箱"), required=False)
    address = forms.CharField(label=_("通信地址"), max_length=300, required=False)
    postcode = forms.RegexField(
        label=_("邮政编码"),
        regex=r"^\d{6}$",
        required=False,
        error_messages={"invalid": _("邮政编码应为6位数字。")},
    )
    description = forms.CharField(
        label=_("所需信息的名称、文号或者便于查询的其他特征性描述"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    requested_form = forms.ChoiceField(label=_("获取信息的形式"), choices=RequestedForm.choices)
    delivery = forms.ChoiceField(label=_("获取信息的方式"), choices=Delivery.choices)
    channel = forms.ChoiceField(label=_("提交方式"), choices=REGISTER_CHANNELS)
    arrived_on = date_field(_("申请到达日期"))
    arrived_time = forms.TimeField(
        label=_("到达时间"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        initial=lambda: timezone.localtime().strftime("%H:%M"),
    )
    confirmed_on = date_field(
        _("确认收到日期"),
        required=False,
        help_text=_(
            "平信邮寄、电子邮件、传真提交的申请，以与申请人确认收到之日为收到申请之日（条例第三十一条），"
            "须填写此项才能计算答复期限；尚未确认的可先不填，确认后在案件页面登记。当面提交和需签收的邮寄不填。"
        ),
    )
    pieces = forms.IntegerField(
        label=_("件数"),
        min_value=1,
        max_value=1000,
        initial=1,
        help_text=_("按“一事一申请”计算的件数，用于按件计收信息处理费。"),
    )
    note = forms.CharField(
        label=_("备注"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, agencies: QuerySet[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["agency"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = agencies
        if not self.is_bound:
            only = list(agencies[:2])
            if len(only) == 1:
                self.initial["agency"] = only[0].pk

    def clean_phone(self) -> str:
        value: str = self.cleaned_data["phone"].strip()
        if not value:
            return ""
        number = validate_phone(value)
        if number is None:
            raise ValidationError(_("请填写有效的手机号码或固定电话号码（固定电话请带区号）。"), code="phone")
        return number

    def clean_arrived_on(self) -> datetime.date:
        day: datetime.date = self.cleaned_data["arrived_on"]
        if day > local_today():
            raise ValidationError(_("申请到达日期不能晚于今天。"), code="future_arrival")
        return day

    def arrived_at(self) -> datetime.datetime:
        day: datetime.date = self.cleaned_data["arrived_on"]
        time: datetime.time = self.cleaned_data["arrived_time"]
        return timezone.make_aware(datetime.datetime.combine(day, time))
