"""Forms of 更正 (correcting what was recorded on a case): the applicant's details, the applicant type, the
件数 and the receipt facts; and the answer in force. Each needs a reason and a confirmation step; the
rules are in :mod:`gongkai.applications.services.amend`.
"""

from __future__ import annotations

import copy
import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongkai.applications.forms_officer import RegisterForm, ServiceForm
from gongkai.applications.forms_steps import OUTCOME_HELP, AnswerForm
from gongkai.applications.models import Application

_REASON_HELP = _("写明依据哪份材料、发现了什么错误。更正原因记入办理记录和审计日志，不可删除。")


def _register_field(name: str) -> forms.Field:
    return copy.deepcopy(RegisterForm.base_fields[name])


def reason_field(label: Any = None) -> forms.CharField:
    return forms.CharField(
        label=label or _("更正原因"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_REASON_HELP,
    )


class DetailsCorrectionForm(ServiceForm):
    """更正登记信息: the applicant, the applicant type, the 件数 and (not for online submissions) the
    receipt facts. Shown filled in with what is recorded now."""

    code_fields = {
        "receipt_after_steps": "arrived_on",
        "inconsistent_dates": "confirmed_on",
        "nothing_changed": "",
    }
    field_aliases = {"arrived_at": "arrived_on"}

    applicant_type = _register_field("applicant_type")
    applicant_name = _register_field("applicant_name")
    id_type = _register_field("id_type")
    id_number = _register_field("id_number")
    contact_person = _register_field("contact_person")
    phone = _register_field("phone")
    email = _register_field("email")
    address = _register_field("address")
    postcode = _register_field("postcode")
    pieces = _register_field("pieces")
    channel = _register_field("channel")
    arrived_on = _register_field("arrived_on")
    arrived_time = _register_field("arrived_time")
    confirmed_on = _register_field("confirmed_on")
    reason = reason_field()
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    clean_phone = RegisterForm.clean_phone
    clean_arrived_on = RegisterForm.clean_arrived_on

    def __init__(
        self, *args: Any, application: Application, receipt_correctable: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.application = application
        self.receipt_correctable = receipt_correctable
        if not receipt_correctable:
            for name in ("channel", "arrived_on", "arrived_time", "confirmed_on"):
                del self.fields[name]
        if not self.is_bound:
            arrived = timezone.localtime(application.arrived_at)
            self.initial.update(
                {
                    name: getattr(application, name)
                    for name in (
                        "applicant_type",
                        "applicant_name",
                        "id_type",
                        "id_number",
                        "contact_person",
                        "phone",
                        "email",
                        "address",
                        "postcode",
                        "pieces",
                        "channel",
                        "confirmed_on",
                    )
                }
            )
            self.initial.update(arrived_on=arrived.date(), arrived_time=arrived.strftime("%H:%M"))

    def changes(self) -> dict[str, Any]:
        """The corrected values, by the model's field names (unchanged ones included)."""
        data = self.cleaned_data
        result = {
            name: data[name]
            for name in (
                "applicant_type",
                "applicant_name",
                "id_type",
                "id_number",
                "contact_person",
                "phone",
                "email",
                "address",
                "postcode",
                "pieces",
            )
        }
        if self.receipt_correctable:
            arrived = datetime.datetime.combine(data["arrived_on"], data["arrived_time"])
            result.update(
                channel=data["channel"],
                arrived_at=timezone.make_aware(arrived),
                confirmed_on=data["confirmed_on"],
            )
        return result


class OutcomeCorrectionForm(ServiceForm):
    """更正答复: the outcome and wording of the answer in force, shown filled in."""

    code_fields = {"bad_outcome": "outcome", "nothing_changed": "", "outcome_not_correctable": ""}

    outcome = forms.ChoiceField(label=_("更正后的答复类型"), help_text=OUTCOME_HELP)
    legal_basis = copy.deepcopy(AnswerForm.base_fields["legal_basis"])
    reasons = copy.deepcopy(AnswerForm.base_fields["reasons"])
    how_to_obtain = copy.deepcopy(AnswerForm.base_fields["how_to_obtain"])
    responsible_agency = copy.deepcopy(AnswerForm.base_fields["responsible_agency"])
    reason = reason_field(_("更正答复的原因"))
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, application: Application, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.application = application
        choices = AnswerForm(application=application).fields["outcome"]
        assert isinstance(choices, forms.ChoiceField)
        field = self.fields["outcome"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices.choices
