"""Forms of the officer workspace (案件办理): the queue's filters, registration and one form per step.

The forms only check what a form can check (required fields, formats, dates); the rules of the
case live in :mod:`gongkai.applications.services`, whose ``CaseError`` / ``ValidationError`` is put
back on the form by :meth:`ServiceForm.add_service_error` (next to the field it is about).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, ClassVar

from django import forms
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongkai.agencies.models import Agency, Membership, Role
from gongkai.applications import permissions
from gongkai.applications.clock import CHANNEL_LABELS, PAUSE_LABELS, Channel, PauseKind
from gongkai.applications.models import (
    Appeal,
    AppealKind,
    AppealResult,
    ApplicantType,
    Application,
    Delivery,
    IdType,
    RequestedForm,
)
from gongkai.applications.timeline import OpenPause
from gongkai.applications.validators import validate_phone
from gongkai.statute import outcomes
from gongkai.statute.fees import METHOD_LABELS, FeeMethod

#: Days between a correction notice and the default end of the correction period.
DEFAULT_CORRECTION_DAYS = 15


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _today() -> datetime.date:
    return timezone.localdate()


def _date_field(label: str | Any, *, required: bool = True, help_text: str | Any = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        initial=_today if required else None,
        widget=_date_widget(),
        help_text=help_text,
    )


class ServiceForm(forms.Form):
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

STATE_OPEN = "open"
STATE_DUE_SOON = "due_soon"
STATE_OVERDUE = "overdue"
STATE_WAITING = "waiting"
STATE_CLOSED = "closed"
STATE_ALL = "all"

STATE_CHOICES = [
    (STATE_OPEN, _("全部办理中")),
    (STATE_DUE_SOON, _("即将到期（5个工作日内）")),
    (STATE_OVERDUE, _("已逾期")),
    (STATE_WAITING, _("等待申请人（确认、补正、缴费）")),
    (STATE_CLOSED, _("已办结")),
    (STATE_ALL, _("全部")),
]


class QueueFilterForm(forms.Form):
    """GET filters of the queue; every value is optional and the URL can be bookmarked."""

    state = forms.ChoiceField(label=_("状态"), choices=STATE_CHOICES, required=False)
    agency = forms.ModelChoiceField(
        label=_("机关"), queryset=Agency.objects.none(), required=False, empty_label=_("全部机关")
    )
    applicant_type = forms.ChoiceField(
        label=_("申请人类型"), choices=[("", _("全部"))] + list(ApplicantType.choices), required=False
    )
    channel = forms.ChoiceField(
        label=_("提交方式"),
        choices=[("", _("全部"))] + [(c.value, CHANNEL_LABELS[c]) for c in Channel],
        required=False,
    )
    year = forms.TypedChoiceField(label=_("收到年度"), coerce=int, empty_value=None, required=False)
    q = forms.CharField(
        label=_("搜索"),
        max_length=100,
        required=False,
        help_text=_("登记编号、查询码、申请人姓名或名称、所需信息"),
    )

    def __init__(self, *args: Any, agencies: QuerySet[Agency], years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agency_field = self.fields["agency"]
        assert isinstance(agency_field, forms.ModelChoiceField)
        agency_field.queryset = agencies
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
REGISTER_CHANNELS = [(c.value, CHANNEL_LABELS[c]) for c in Channel if c != Channel.ONLINE]


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
    arrived_on = _date_field(_("申请到达日期"))
    arrived_time = forms.TimeField(
        label=_("到达时间"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        initial=lambda: timezone.localtime().strftime("%H:%M"),
    )
    confirmed_on = _date_field(
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
        if day > _today():
            raise ValidationError(_("申请到达日期不能晚于今天。"), code="future_arrival")
        return day

    def arrived_at(self) -> datetime.datetime:
        day: datetime.date = self.cleaned_data["arrived_on"]
        time: datetime.time = self.cleaned_data["arrived_time"]
        return timezone.make_aware(datetime.datetime.combine(day, time))


# ---------------------------------------------------------------------------------------------
# Steps of a case (one form per action of timeline.ACTIONS)
# ---------------------------------------------------------------------------------------------


class ActionForm(ServiceForm):
    """A step on ``application``. ``on`` is the legal date of the step (today by default)."""

    #: Whether the step asks "are you sure?" before it is done (it ends the case, or costs money).
    needs_confirmation: ClassVar[bool] = False
    code_fields = {
        "future_date": "on",
        "before_arrival": "on",
        "answer_before_receipt": "on",
        "end_before_start": "on",
    }

    on = _date_field(_("日期"))
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, application: Application, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"id_{type(self).__name__}_%s")
        super().__init__(*args, **kwargs)
        self.application = application


class ConfirmReceiptForm(ActionForm):
    on = _date_field(_("确认收到日期"), help_text=_("与申请人确认收到申请之日，即收到申请之日（D2）。"))


class RequestCorrectionForm(ActionForm):
    code_fields = {**ActionForm.code_fields, "no_items": "items", "bad_period": "period_end"}

    on = _date_field(_("告知补正日期"))
    items = forms.CharField(
        label=_("需要补正的事项"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("一次性告知申请人需要补正的全部事项（条例第三十条）。"),
    )
    period_end = forms.DateField(
        label=_("补正期限"),
        widget=_date_widget(),
        initial=lambda: _today() + datetime.timedelta(days=DEFAULT_CORRECTION_DAYS),
        help_text=_("默认为告知之日起15日。"),
    )


class RecordCorrectionForm(ActionForm):
    on = _date_field(_("收到补正日期"), help_text=_("答复期限自该日重新计算（条例第三十条）。"))
    note = forms.CharField(
        label=_("说明"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class LapseCorrectionForm(ActionForm):
    needs_confirmation = True
    on = _date_field(_("终止办理日期"))


class StartConsultationForm(ActionForm):
    code_fields = {**ActionForm.code_fields, "no_consultee": "consultee", "fee_is_not_consultation": "kind"}

    on = _date_field(_("发出征求意见日期"))
    kind = forms.ChoiceField(
        label=_("征求意见的对象"),
        choices=[(k.value, PAUSE_LABELS[k]) for k in PauseKind if k != PauseKind.FEE],
    )
    consultee = forms.CharField(label=_("第三方或机关名称"), max_length=200)
    subject = forms.CharField(
        label=_("征求意见的事项"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("不填则写申请的所需信息。"),
    )


class EndConsultationForm(ActionForm):
    code_fields = {**ActionForm.code_fields, "no_such_consultation": "started_seq"}

    started_seq = forms.TypedChoiceField(label=_("结束哪一项征求意见"), coerce=int)
    on = _date_field(_("收到答复或期限届满日期"))
    opinion = forms.CharField(
        label=_("意见"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, open_pauses: tuple[OpenPause, ...] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["started_seq"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [
            (p.seq, f"{PAUSE_LABELS[p.kind]}：{p.consultee}（{p.start:%Y-%m-%d} 起）") for p in open_pauses
        ]


def approver_choices(agency: Agency) -> QuerySet[User]:
    """Users with a staff role at ``agency``, office heads first; the service accepts only an office head
    (工作机构负责人, 第三十三条第二款), and says so when another is chosen."""
    is_head = Exists(Membership.objects.filter(user_id=OuterRef("pk"), agency=agency, role=Role.OFFICE_HEAD))
    return (
        User.objects.filter(
            is_active=True, memberships__agency=agency, memberships__role__in=permissions.STAFF_ROLES
        )
        .distinct()
        .annotate(is_head=is_head)
        .order_by("-is_head", "username")
    )


class ApproverField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        name = obj.get_full_name() or obj.get_username()
        if name != obj.get_username():
            name = f"{name}（{obj.get_username()}）"
        return f"{name} · {Role.OFFICE_HEAD.label}" if getattr(obj, "is_head", False) else name


class GrantExtensionForm(ActionForm):
    code_fields = {
        **ActionForm.code_fields,
        "approver_not_head": "approver",
        "no_reason": "reason",
        "extension_too_late": "on",
        "no_due_date": "on",
    }

    on = _date_field(_("批准延期日期"), help_text=_("须在原答复期限届满前。"))
    approver = ApproverField(
        label=_("批准人"),
        queryset=User.objects.none(),
        help_text=_("须为本机关的政府信息公开工作机构负责人（条例第三十三条第二款）。"),
    )
    reason = forms.CharField(label=_("延期理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["approver"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = approver_choices(self.application.agency)
        if not self.is_bound:
            first = field.queryset.first()
            if first is not None and getattr(first, "is_head", False):
                self.initial["approver"] = first.pk


class IssueFeeNoticeForm(ActionForm):
    needs_confirmation = True
    code_fields = {**ActionForm.code_fields, "bad_quantity": "quantity"}

    on = _date_field(_("发出收费通知日期"))
    method = forms.ChoiceField(
        label=_("计费方式"),
        choices=[(m.value, METHOD_LABELS[m]) for m in FeeMethod],
        initial=FeeMethod.PIECES,
    )
    quantity = forms.IntegerField(
        label=_("件数或页数"),
        min_value=1,
        max_value=100_000,
        required=False,
        help_text=_("按件计收不填则按登记的件数；按量计收填写页数。发出前会先显示计算结果供确认。"),
    )


class RecordPaymentForm(ActionForm):
    on = _date_field(_("缴费日期"))


class LapseFeeForm(ActionForm):
    needs_confirmation = True
    on = _date_field(_("终止办理日期"))


OUTCOME_HELP = _(
    "部分公开、不予公开、无法提供、不予处理和“其他处理”须写明理由；不予公开、无法提供、不予处理还须写明法律依据；"
    "予以公开、已主动公开须写明获取信息的方式和途径；“不属于本机关负责公开”须告知负责公开的机关及其联系方式。"
)


class AnswerForm(ActionForm):
    code_fields = {**ActionForm.code_fields, "bad_outcome": "outcome"}

    on = _date_field(_("答复日期"))
    outcome = forms.ChoiceField(label=_("答复类型"), help_text=OUTCOME_HELP)
    legal_basis = forms.CharField(label=_("法律依据"), max_length=2000, required=False)
    reasons = forms.CharField(
        label=_("理由"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    how_to_obtain = forms.CharField(
        label=_("获取信息的方式、途径"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    responsible_agency = forms.CharField(label=_("负责公开的机关及联系方式"), max_length=500, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["outcome"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("请选择"))] + list(outcomes.choices())


class WithdrawForm(ActionForm):
    needs_confirmation = True
    on = _date_field(_("撤回日期"))
    note = forms.CharField(
        label=_("说明"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("如申请人提交的撤回申请书。"),
    )


def _appeal_label(appeal: Appeal) -> str:
    number = f"（{appeal.case_number}）" if appeal.case_number else ""
    return f"{appeal.get_kind_display()} {appeal.body}{number} {appeal.filed_on:%Y-%m-%d}"


class AppealField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return _appeal_label(obj)


class ReopenForm(ActionForm):
    code_fields = {
        **ActionForm.code_fields,
        "no_basis": "note",
        "foreign_appeal": "appeal",
        "bad_fixed_due": "fixed_due_date",
    }

    on = _date_field(_("收到决定日期"))
    appeal = AppealField(
        label=_("依据的复议或诉讼"),
        queryset=Appeal.objects.none(),
        required=False,
        empty_label=_("（未登记）"),
    )
    fixed_due_date = forms.DateField(
        label=_("决定确定的答复期限"),
        widget=_date_widget(),
        required=False,
        help_text=_("决定书或判决书确定了期限的填写；不填则自收到决定之日起20个工作日。"),
    )
    note = forms.CharField(
        label=_("说明"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("未选择复议或诉讼的，须写明依据（决定书或判决书）。"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["appeal"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Appeal.objects.filter(application=self.application)


class RecordAppealForm(ActionForm):
    code_fields = {
        **ActionForm.code_fields,
        "bad_after_reconsideration": "after_reconsideration",
        "foreign_reconsideration": "after_reconsideration",
        "no_body": "body",
        "future_date": "filed_on",
        "before_arrival": "filed_on",
    }

    on = None  # type: ignore[assignment]  # the date of an appeal is its filing date
    kind = forms.ChoiceField(label=_("类型"), choices=AppealKind.choices)
    after_reconsideration = AppealField(
        label=_("复议后起诉：所针对的行政复议"),
        queryset=Appeal.objects.none(),
        required=False,
        empty_label=_("（不是复议后起诉）"),
    )
    filed_on = _date_field(_("申请复议或起诉日期"))
    body = forms.CharField(label=_("复议机关或人民法院"), max_length=200)
    case_number = forms.CharField(label=_("案号"), max_length=100, required=False)
    note = forms.CharField(
        label=_("备注"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["after_reconsideration"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Appeal.objects.filter(application=self.application, kind=AppealKind.RECONSIDERATION)


class ConcludeAppealForm(ServiceForm):
    code_fields = {
        "concluded_before_filed": "concluded_on",
        "future_date": "concluded_on",
        "already_concluded": "result",
    }

    result = forms.ChoiceField(label=_("结果"), choices=AppealResult.choices)
    concluded_on = _date_field(_("审结日期"))
    note = forms.CharField(
        label=_("备注"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, appeal: Appeal, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"id_conclude_{appeal.pk}_%s")
        super().__init__(*args, **kwargs)
        self.appeal = appeal


ACTION_FORMS: dict[str, type[ActionForm]] = {
    "confirm_receipt": ConfirmReceiptForm,
    "request_correction": RequestCorrectionForm,
    "record_correction": RecordCorrectionForm,
    "lapse_correction": LapseCorrectionForm,
    "start_consultation": StartConsultationForm,
    "end_consultation": EndConsultationForm,
    "grant_extension": GrantExtensionForm,
    "issue_fee_notice": IssueFeeNoticeForm,
    "record_payment": RecordPaymentForm,
    "lapse_fee": LapseFeeForm,
    "answer": AnswerForm,
    "withdraw": WithdrawForm,
    "reopen": ReopenForm,
    "record_appeal": RecordAppealForm,
}
