"""Forms of the steps of a case in the officer workspace: one form per action of ``timeline.ACTIONS``.

The forms only check what a form can check (required fields, formats, dates); the rules of the
case live in :mod:`gongkai.applications.services`, whose ``CaseError`` / ``ValidationError`` is put
back on the form by :meth:`~gongkai.applications.forms_officer.ServiceForm.add_service_error`.
"""

from __future__ import annotations

import datetime
from typing import Any, ClassVar

from django import forms
from django.contrib.auth.models import User
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext_lazy as _

from gongkai.agencies.models import Agency, Membership, Role, SignOffPolicy
from gongkai.applications import permissions
from gongkai.applications.clock import PAUSE_LABELS, PauseKind
from gongkai.applications.forms_officer import ServiceForm, date_field, date_widget, local_today
from gongkai.applications.models import (
    Appeal,
    AppealKind,
    AppealResult,
    Application,
)
from gongkai.applications.timeline import OpenPause
from gongkai.core.actors import display_name
from gongkai.core.i18n import render, render_lazy
from gongkai.core.messages import N_, Message
from gongkai.statute import outcomes
from gongkai.statute.fees import METHOD_LABELS, FeeMethod
from gongkai.statute.periods import ANSWER_WORKING_DAYS

#: Days between a correction notice and the default end of the correction period.
DEFAULT_CORRECTION_DAYS = 15


# ---------------------------------------------------------------------------------------------
# Steps of a case (one form per action of timeline.ACTIONS)
# ---------------------------------------------------------------------------------------------


class ActionForm(ServiceForm):
    """A step on ``application``. ``on`` is the legal date of the step (today by default)."""

    #: Whether the step asks "are you sure?" before it is done (it ends the case, issues a letter to the
    #: applicant, or costs money).
    needs_confirmation: ClassVar[bool] = False
    #: The step is submitted for the head's approval instead of done (D15).
    submits: bool = False
    code_fields = {
        "future_date": "on",
        "before_arrival": "on",
        "answer_before_receipt": "on",
        "end_before_start": "on",
    }

    on = date_field(_("日期"))
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, application: Application, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"id_{type(self).__name__}_%s")
        super().__init__(*args, **kwargs)
        self.application = application


class ConfirmReceiptForm(ActionForm):
    on = date_field(_("确认收到日期"), help_text=_("与申请人确认收到申请之日，即收到申请之日（D2）。"))


class RequestCorrectionForm(ActionForm):
    needs_confirmation = True
    code_fields = {**ActionForm.code_fields, "no_items": "items", "bad_period": "period_end"}

    on = date_field(_("告知补正日期"))
    items = forms.CharField(
        label=_("需要补正的事项"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("一次性告知申请人需要补正的全部事项（条例第三十条）。"),
    )
    period_end = forms.DateField(
        label=_("补正期限"),
        widget=date_widget(),
        initial=lambda: local_today() + datetime.timedelta(days=DEFAULT_CORRECTION_DAYS),
        help_text=_("默认为告知之日起15日。"),
    )


class RecordCorrectionForm(ActionForm):
    on = date_field(_("收到补正日期"), help_text=_("答复期限自该日重新计算（条例第三十条）。"))
    note = forms.CharField(
        label=_("说明"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class LapseCorrectionForm(ActionForm):
    needs_confirmation = True
    on = date_field(_("终止办理日期"))


class StartConsultationForm(ActionForm):
    needs_confirmation = True
    code_fields = {**ActionForm.code_fields, "no_consultee": "consultee", "fee_is_not_consultation": "kind"}

    on = date_field(_("发出征求意见日期"))
    kind = forms.ChoiceField(
        label=_("征求意见的对象"),
        choices=[(k.value, render_lazy(PAUSE_LABELS[k])) for k in PauseKind if k != PauseKind.FEE],
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
    on = date_field(_("收到答复或期限届满日期"))
    opinion = forms.CharField(
        label=_("意见"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, open_pauses: tuple[OpenPause, ...] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["started_seq"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [
            (p.seq, f"{render(PAUSE_LABELS[p.kind])}：{p.consultee}（{p.start:%Y-%m-%d} 起）")
            for p in open_pauses
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


class ApproverField(forms.ModelChoiceField[Any]):
    def label_from_instance(self, obj: Any) -> str:
        name = display_name(obj)
        if name != obj.get_username():
            # A person's name, then the user name in brackets (full-width in Chinese, half-width in English).
            name = str(_("%(name)s（%(username)s）") % {"name": name, "username": obj.get_username()})
        return f"{name} · {Role.OFFICE_HEAD.label}" if getattr(obj, "is_head", False) else name


class GrantExtensionForm(ActionForm):
    needs_confirmation = True
    code_fields = {
        **ActionForm.code_fields,
        "approver_not_head": "approver",
        "no_reason": "reason",
        "extension_too_late": "on",
        "no_due_date": "on",
    }

    on = date_field(_("批准延期日期"), help_text=_("须在原答复期限届满前。"))
    approver = ApproverField(
        label=_("批准人"),
        queryset=User.objects.none(),
        help_text=_("须为本机关的政府信息公开工作机构负责人（条例第三十三条第二款）。"),
    )
    reason = forms.CharField(label=_("延期理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: The head approves in the system (D15): the officer submits the reason; the approval dates it.
        self.submits = SignOffPolicy.for_agency(self.application.agency).extensions_in_system
        if self.submits:
            del self.fields["on"], self.fields["approver"]
            return
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

    on = date_field(_("发出收费通知日期"))
    method = forms.ChoiceField(
        label=_("计费方式"),
        choices=[(m.value, render_lazy(METHOD_LABELS[m])) for m in FeeMethod],
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
    on = date_field(_("缴费日期"))


class LapseFeeForm(ActionForm):
    needs_confirmation = True
    on = date_field(_("终止办理日期"))


OUTCOME_HELP = _(
    "部分公开、不予公开、无法提供、不予处理和“其他处理”须写明理由；不予公开、无法提供、不予处理还须写明法律依据；"
    "予以公开、已主动公开须写明获取信息的方式和途径；“不属于本机关负责公开”须告知负责公开的机关及其联系方式。"
)


class AnswerForm(ActionForm):
    needs_confirmation = True
    code_fields = {**ActionForm.code_fields, "bad_outcome": "outcome"}

    on = date_field(_("答复日期"))
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
        #: The head approves the answer (D15): the officer submits it; the approval dates it.
        self.submits = SignOffPolicy.for_agency(self.application.agency).answers_need_approval
        if self.submits:
            del self.fields["on"]
        field = self.fields["outcome"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("请选择"))] + [
            (render(group), [(key, render(label)) for key, label in items])
            for group, items in outcomes.choices()
        ]


class WithdrawForm(ActionForm):
    needs_confirmation = True
    on = date_field(_("撤回日期"))
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


class AppealField(forms.ModelChoiceField[Any]):
    def label_from_instance(self, obj: Any) -> str:
        return _appeal_label(obj)


class ReopenForm(ActionForm):
    code_fields = {
        **ActionForm.code_fields,
        "no_basis": "note",
        "foreign_appeal": "appeal",
        "bad_fixed_due": "fixed_due_date",
    }

    on = date_field(_("收到决定日期"))
    appeal = AppealField(
        label=_("依据的复议或诉讼"),
        queryset=Appeal.objects.none(),
        required=False,
        empty_label=_("（未登记）"),
    )
    fixed_due_date = forms.DateField(
        label=_("决定确定的答复期限"),
        widget=date_widget(),
        required=False,
        help_text=render_lazy(
            Message(
                N_("决定书或判决书确定了期限的填写；不填则自收到决定之日起%(days)s个工作日。"),
                {"days": ANSWER_WORKING_DAYS},
            )
        ),
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
    filed_on = date_field(_("申请复议或起诉日期"))
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
    concluded_on = date_field(_("审结日期"))
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


class ReturnApprovalForm(ServiceForm):
    """The head returns a submitted step to the officer: the reason is mandatory (D15)."""

    code_fields = {"no_reason": "reason", "reason_too_long": "reason"}

    reason = forms.CharField(
        label=_("退回理由"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("告诉经办人需要修改什么；理由记入办理记录。"),
    )
