"""Forms of the 政务公开办's roll-up: the townships' deadline, the bulk import, assigning an import."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongkai.agencies.models import Agency
from gongkai.annual import exports, imports
from gongkai.checker.forms import ALLOWED_SUFFIXES, MultipleFileField, MultipleFileInput, max_upload_bytes


class DeadlineForm(forms.Form):
    deadline = forms.DateField(
        label=gettext_lazy("乡镇、街道年度报告公开期限"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": gettext_lazy("请填写期限日期。"),
            "invalid": gettext_lazy("日期格式不对，请按“2026-02-20”的格式填写。"),
        },
    )


def direct_file_limit() -> int:
    """Files one request may carry: the import's limit, or Django's (``DATA_UPLOAD_MAX_NUMBER_FILES``) if
    lower — beyond Django's the request is refused before any view runs."""
    limit = getattr(settings, "DATA_UPLOAD_MAX_NUMBER_FILES", None)
    return imports.MAX_FILES if limit is None else min(imports.MAX_FILES, int(limit))


class ImportForm(forms.Form):
    reports = MultipleFileField(
        label=gettext_lazy("年度报告文件或 zip 压缩包"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": ",".join((*ALLOWED_SUFFIXES, imports.ZIP_SUFFIX))}),
    )
    year = forms.TypedChoiceField(
        label=gettext_lazy("报告年度"),
        coerce=int,
        help_text=gettext_lazy("报告中写明年度的，按报告所写的年度导入；没有写明的，按这里选择的年度导入。"),
    )

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        year_field = self.fields["year"]
        assert isinstance(year_field, forms.TypedChoiceField)
        year_field.choices = [(y, _("%(year)s年度") % {"year": y}) for y in years]
        self.fields["reports"].help_text = _(
            "可一次选择多个文件（最多 %(direct)d 个），或者一个装有报告文件的 zip 压缩包"
            "（最多 %(max)d 个报告）。"
            "支持 .docx、.doc、.wps、.pdf、.ofd、.html、.htm、.txt；每个文件不超过 %(size)d MB。"
        ) % {
            "direct": direct_file_limit(),
            "max": imports.MAX_FILES,
            "size": max_upload_bytes() // (1024 * 1024),
        }

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        try:
            data["collected"] = imports.collect(data.get("reports") or [])
        except imports.ImportRefused as exc:
            self.add_error("reports", exc.messages)
        return data


class AssignForm(forms.Form):
    agency = forms.ModelChoiceField(
        queryset=Agency.objects.none(),
        label=gettext_lazy("归入机关"),
        error_messages={"required": gettext_lazy("请选择机关。")},
    )

    def __init__(self, *args: Any, seat: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["agency"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Agency.objects.subtree_of(seat).order_by("name")


class ExportAllForm(forms.Form):
    """The formats of the .zip of every subordinate agency's published report."""

    formats = forms.MultipleChoiceField(
        label=gettext_lazy("导出格式"),
        choices=[
            (name, name.upper() if name != "html" else gettext_lazy("网页（HTML）"))
            for name in exports.FORMAT_NAMES
        ],
        initial=["pdf"],
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": gettext_lazy("请至少选择一种导出格式。"),
            "invalid_choice": gettext_lazy("不支持“%(value)s”格式；请从列出的格式中选择。"),
        },
    )
