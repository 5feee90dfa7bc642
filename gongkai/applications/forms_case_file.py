"""The case file's forms (案卷): uploading a file, removing one (with a reason), recording a delivery
(送达)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from gongkai.applications.forms_officer import ServiceForm, date_field
from gongkai.applications.models import (
    MAX_CASE_ATTACHMENT_BYTES,
    MAX_REMOVAL_REASON_CHARS,
    Application,
    AttachmentKind,
    CaseAttachment,
    DeliveryMethod,
    Letter,
)


class AttachmentUploadForm(ServiceForm):
    kind = forms.ChoiceField(label=_("材料类别"), choices=AttachmentKind.choices)
    file = forms.FileField(
        label=_("文件"),
        help_text=_("PDF、Word（.docx）、Excel（.xlsx）或图片，每个不超过 20 MB。"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_case_file_%s")
        super().__init__(*args, **kwargs)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_CASE_ATTACHMENT_BYTES:
            raise ValidationError(_("文件超过 20 MB，不能上传。"), code="too_large")
        return upload


class RemoveAttachmentForm(ServiceForm):
    reason = forms.CharField(
        label=_("移除理由"),
        max_length=MAX_REMOVAL_REASON_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("例如：误传了其他案件的材料。材料不会被删除，仍保存在系统中备查。"),
    )


class LetterChoiceField(forms.ModelChoiceField[Letter]):
    def label_from_instance(self, obj: Letter) -> str:
        return f"{obj.title} {obj.number}（{obj.issued_on:%Y-%m-%d}）"


class ProofChoiceField(forms.ModelChoiceField[CaseAttachment]):
    def label_from_instance(self, obj: CaseAttachment) -> str:
        return obj.filename


class DeliveryForm(ServiceForm):
    code_fields = {"future_date": "delivered_on"}

    letter = LetterChoiceField(label=_("文书"), queryset=Letter.objects.none())
    method = forms.ChoiceField(label=_("送达方式"), choices=DeliveryMethod.choices)
    delivered_on = date_field(_("送达日期"), help_text=_("申请人（或代收人）收到文书之日。"))
    tracking_number = forms.CharField(
        label=_("邮件单号"), max_length=60, required=False, help_text=_("邮寄送达时必填。")
    )
    recipient = forms.CharField(label=_("签收人或收件地址"), max_length=200, required=False)
    note = forms.CharField(
        label=_("备注"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    proof = ProofChoiceField(
        label=_("送达凭证"),
        queryset=CaseAttachment.objects.none(),
        required=False,
        help_text=_("先在上方上传类别为“送达凭证”的材料（如邮件回执、签收单的扫描件），再在此选择。"),
    )

    def __init__(self, *args: Any, application: Application, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_delivery_%s")
        super().__init__(*args, **kwargs)
        letters: QuerySet[Letter] = application.letters.defer("text").order_by("issued_on", "pk")
        self.fields["letter"].queryset = letters  # type: ignore[attr-defined]
        proofs = application.attachments.filter(kind=AttachmentKind.DELIVERY_PROOF, removed_at__isnull=True)
        self.fields["proof"].queryset = proofs  # type: ignore[attr-defined]
